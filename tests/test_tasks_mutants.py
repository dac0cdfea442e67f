"""qawl.tasks: what the mutants that survived tests/test_tasks.py changed (scripts/mutation.py, docs/mutation.md)."""

from __future__ import annotations

import hashlib

from qawl.ingest import Document
from qawl.merge import build_rows, check_layer
from qawl.segment import split_sentences, tokenize
from qawl.tasks import derive_attributions, derive_ner, derive_quotes
from tests.test_tasks import _row


def test_the_ner_config_has_the_sentences_of_annotated_documents_only() -> None:
    sentences = []
    for sentence_id, status in (("s1", "gold"), ("s2", "unannotated"), ("s3", "silver")):
        row = _row("زار الوزير بغداد", ["زار", "الوزير", "بغداد"], [("بغداد", "GPE")])
        sentences.append({**row, "sentence_id": sentence_id, "doc_id": "d", "status": status})
    rows = derive_ner({"doc_id": "d"}, sentences)
    assert [(row["id"], row["status"], row["ner_tags"]) for row in rows] == [
        ("s1", "gold", ["O", "O", "B-GPE"]),
        ("s3", "silver", ["O", "O", "B-GPE"]),
    ]


def _minister_goes_on() -> tuple[Document, list, dict]:
    """The minister's quote runs into the sentence where his next one (pro-drop, his chain) starts; the author's stance
    and one per quote, on one target; a quote of his spokesman in no chain."""
    text = "قال الوزير إن الوضع صعب. والحل بعيد، وأضاف أن المفاوضات مستمرة. وقال متحدث إن الزيارة تستمر."
    document = Document("d", text, hashlib.sha256(text.encode()).hexdigest(), "seeds/d.txt")
    provenance = {"source": "manual", "status": "gold", "annotator": "tester", "time": "2026-01-01T00:00:00Z"}

    def span(part: str) -> dict:
        return {"start": text.index(part), "end": text.index(part) + len(part), "text": part}

    def quote(id_: str, content: dict, cue: str, speaker: dict) -> dict:
        return {"id": id_, "type": "indirect", "content": content, "cue": span(cue), "outlet": None, "speaker": speaker, "provenance": provenance}

    def stance(id_: str, holder: str | None, evidence: str, label: str) -> dict:
        return {"id": id_, "target": "t1", "label": label, "holder": {"kind": "speaker" if holder else "author", "quote": holder},
                "evidence": {"quote": evidence, "span": None}, "provenance": provenance}

    over_two = {"start": text.index("الوضع"), "end": text.index("بعيد") + 4, "text": text[text.index("الوضع"):text.index("بعيد") + 4]}
    layer = {
        "schema_version": "2.0.0", "doc_id": "d", "sha256": document.sha256,
        "entities": [{"id": "e1", **span("الوزير"), "label": "PERSON", "provenance": provenance}],
        "chains": [{"id": "c1", "name": "الوزير", "entities": ["e1"], "provenance": provenance}],
        "quotes": [
            quote("q1", over_two, "قال", {"kind": "named", "mention": span("الوزير"), "entity": "e1", "chain": "c1"}),
            quote("q2", span("المفاوضات مستمرة"), "وأضاف", {"kind": "unknown", "mention": None, "entity": None, "chain": "c1"}),
            quote("q3", span("الزيارة تستمر"), "وقال", {"kind": "anonymous", "mention": span("متحدث"), "entity": None}),
        ],
        "stance": [stance("s1", "q1", "q1", "AGAINST"), stance("s2", "q2", "q2", "AGAINST"), stance("s3", None, "q3", "FAVOR"),
                   stance("s4", "q3", "q3", "FAVOR")],
    }
    return document, split_sentences("d", text), layer


def _sentence_rows(document: Document, sentences: list, layer: dict) -> list[dict]:
    assert check_layer(layer, document, sentences, {"t1"}, "a.json") == []
    tokens = tokenize(s.text for s in sentences)
    return build_rows(document, sentences, tokens, layer, "gold")


def test_a_quote_that_ends_in_the_sentence_where_the_next_begins_is_one_row_and_the_next_is_not_lost() -> None:
    document, sentences, layer = _minister_goes_on()
    rows = _sentence_rows(document, sentences, layer)
    assert [[q["id"] for q in row["quotes"]] for row in rows] == [["q1"], ["q1", "q2"], ["q3"]]
    quotes = derive_quotes({"doc_id": "d"}, rows)
    assert [(q["id"], [p["text"] for p in q["pieces"]], q["speaker_chain"], q["speaker_name"]) for q in quotes] == [
        ("d/q1", ["الوضع صعب.", "والحل بعيد"], "c1", "الوزير"),
        ("d/q2", ["المفاوضات مستمرة"], "c1", "الوزير"),
        ("d/q3", ["الزيارة تستمر"], None, None),
    ]
    assert derive_attributions({"doc_id": "d"}, rows) == [{
        "id": "d/c1", "doc_id": "d", "chain": "c1", "name": "الوزير", "label": "PERSON", "quotes": 2, "direct": 0, "indirect": 2, "mixed": 0,
        "quote_ids": ["d/q1", "d/q2"], "status": "gold", "stance": [{"target": "t1", "label": "AGAINST", "count": 2}],
    }]


def test_the_author_s_stance_counts_for_no_speaker_whatever_the_quotes_are_called() -> None:
    document, sentences, layer = _minister_goes_on()
    layer["quotes"][1]["id"] = layer["stance"][1]["holder"]["quote"] = layer["stance"][1]["evidence"]["quote"] = "XXXX"  # any id
    layer["stance"][2]["evidence"]["quote"] = "XXXX"  # the author's stance on the minister's second quote
    (minister,) = derive_attributions({"doc_id": "d"}, _sentence_rows(document, sentences, layer))
    assert (minister["quote_ids"], minister["stance"]) == (["d/q1", "d/XXXX"], [{"target": "t1", "label": "AGAINST", "count": 2}])
