"""qawl.merge: what the mutants that survived its tests changed (scripts/mutation.py, docs/mutation.md)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from qawl.ingest import Document, read_seed
from qawl.merge import build_rows, check_layer, read_targets, span_problems
from qawl.schema import Schemas
from qawl.segment import split_sentences, tokenize
from tests.conftest import REPO, SEED_ID
from tests.test_multi_sentence_quotes import _problems as multi_sentence_problems
from tests.test_multi_sentence_quotes import _span as multi_sentence_span
from tests.test_multi_sentence_quotes import layer as multi_sentence_layer


def test_a_span_whose_text_differs_names_the_file_and_both_texts() -> None:
    problems = span_problems({"start": 4, "end": 9, "text": "بغداد"}, "زار بيروت أمس", "annotations/d.json", "/entities/0")
    assert [str(p) for p in problems] == ["annotations/d.json: /entities/0: span text 'بغداد' does not match the text at [4, 9): 'بيروت'"]


def test_a_target_listed_twice_is_named_once_and_a_target_without_id_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    inventory = json.loads((REPO / "annotations" / "targets.json").read_text(encoding="utf-8"))
    first = inventory["targets"][0]
    inventory["targets"].append(first)  # twice
    (tmp_path / "targets.json").write_text(json.dumps(inventory, ensure_ascii=False), encoding="utf-8")
    schemas = Schemas(REPO / "schema")
    ids, problems = read_targets(tmp_path, schemas)
    assert first["id"] in ids
    assert [str(p) for p in problems] == [f"{tmp_path / 'targets.json'}: /targets: target id {first['id']!r} listed twice"]
    inventory["targets"] = [{k: v for k, v in first.items() if k != "id"}]
    (tmp_path / "targets.json").write_text(json.dumps(inventory, ensure_ascii=False), encoding="utf-8")
    ids, problems = read_targets(tmp_path, schemas)
    assert ids == set() and len(problems) == 1 and "'id' is a required property" in str(problems[0])


def _two_sentences() -> tuple[Document, list]:
    text = "قال الوزير إن الوضع صعب. وزار بيروت أمس."
    document = Document("d", text, hashlib.sha256(text.encode()).hexdigest(), "seeds/d.txt")
    return document, split_sentences("d", text)


def _span(text: str, part: str, occurrence: int = 0) -> dict:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(part, start + 1)
    return {"start": start, "end": start + len(part), "text": part}


def test_every_problem_of_a_layer_is_listed_with_its_file_place_and_message() -> None:
    """One layer breaking each rule check_layer enforces once: the exact list of problems, in order."""
    document, sentences = _two_sentences()
    text = document.text
    assert [s.text for s in sentences] == ["قال الوزير إن الوضع صعب.", "وزار بيروت أمس."]
    crossing = {"start": text.index("صعب"), "end": text.index("بيروت") + 5, "text": text[text.index("صعب"):text.index("بيروت") + 5]}
    provenance = {"source": "gold"}
    layer = {
        "doc_id": "d",
        "sha256": document.sha256,
        "entities": [
            {"id": "e1", **_span(text, "الوزير"), "label": "PER", "provenance": provenance},
            {"id": "e2", **_span(text, "الوزير إن"), "label": "PER", "provenance": provenance},  # overlaps e1
            {"id": "e3", **crossing, "label": "LOC", "provenance": provenance},  # crosses the sentence boundary
            {"id": "e4", "start": 3, "end": 4, "text": " ", "provenance": provenance, "label": "LOC"},  # whitespace
            {"id": "e5", "start": 0, "end": 3, "text": "قول", "provenance": provenance, "label": "LOC"},  # not the text there
            {"id": "e1", **_span(text, "أمس"), "label": "DATE", "provenance": provenance},  # e1 again
        ],
        "quotes": [
            {"id": "q1", "type": "indirect", "content": crossing, "cue": _span(text, "قال"), "outlet": None,
             "speaker": {"kind": "named", "mention": None, "entity": "e9"}, "provenance": provenance},
            {"id": "q2", "type": "indirect", "content": _span(text, "الوضع صعب"), "cue": {"start": 0, "end": 3, "text": "قول"},
             "outlet": {"start": 4, "end": 10, "text": "الوزيرة"},
             "speaker": {"kind": "anonymous", "mention": _span(text, "الوزير"), "entity": "e1"}, "provenance": provenance},
        ],
        "stance": [
            {"id": "s1", "target": "t-unknown", "label": "FAVOR", "holder": {"kind": "author", "quote": "q2"},
             "evidence": {"quote": "q7", "span": _span(text, "بيروت")}, "provenance": provenance},
            {"id": "s2", "target": "t1", "label": "AGAINST", "holder": {"kind": "speaker", "quote": "q8"},
             "evidence": {"quote": None, "span": crossing}, "provenance": provenance},
            {"id": "s3", "target": "t1", "label": "AGAINST", "holder": {"kind": "author", "quote": None},
             "evidence": {"quote": None, "span": None}, "provenance": provenance},
            {"id": "s4", "target": "t1", "label": "AGAINST", "holder": {"kind": "author", "quote": None},
             "evidence": {"quote": None, "span": {"start": 0, "end": 3, "text": "قالت"}}, "provenance": provenance},
            {"id": "s5", "target": "t1", "label": "AGAINST", "holder": {"kind": "author", "quote": None},
             "evidence": {"quote": None, "span": {"start": 0, "end": 3, "text": "قالت"}}, "provenance": provenance},
        ],
    }
    problems = check_layer(layer, document, sentences, {"t1"}, "annotations/d.json")
    assert [str(p) for p in problems] == [
        "annotations/d.json: /entities/5/id: id 'e1' already used at /entities/0",
        "annotations/d.json: /stance/4: stance s5 repeats s4 (same target, holder and evidence); remove one",
        "annotations/d.json: /entities/1: entity e2 'الوزير إن' overlaps e1 'الوزير' (entities are flat)",
        "annotations/d.json: /entities/2: entity 'صعب. وزار بيروت' crosses a sentence boundary",
        "annotations/d.json: /entities/3: entity e4 ' ' is whitespace only: it covers no word",
        "annotations/d.json: /entities/4: span text 'قول' does not match the text at [0, 3): 'قال'",
        "annotations/d.json: /quotes/0/speaker: a named speaker needs mention=set and entity=set",
        "annotations/d.json: /quotes/0/speaker/entity: refers to entity 'e9', which does not exist",
        "annotations/d.json: /quotes/1/cue: span text 'قول' does not match the text at [0, 3): 'قال'",
        "annotations/d.json: /quotes/1/outlet: span text 'الوزيرة' does not match the text at [4, 10): 'الوزير'",
        "annotations/d.json: /quotes/1/speaker: a anonymous speaker needs mention=set and entity=null",
        "annotations/d.json: /stance/0/target: target 't-unknown' is not in annotations/targets.json",
        "annotations/d.json: /stance/0/holder: a speaker holder names its quote; the author holder has quote=null",
        "annotations/d.json: /stance/0/evidence: exactly one of evidence.quote and evidence.span must be set",
        "annotations/d.json: /stance/0/evidence/quote: refers to quote 'q7', which does not exist",
        "annotations/d.json: /stance/1/holder/quote: refers to quote 'q8', which does not exist",
        "annotations/d.json: /stance/1/evidence/span: stance evidence crosses a sentence boundary",
        "annotations/d.json: /stance/2/evidence: exactly one of evidence.quote and evidence.span must be set",
        "annotations/d.json: /stance/3/evidence/span: span text 'قالت' does not match the text at [0, 3): 'قال'",
        "annotations/d.json: /stance/4/evidence/span: span text 'قالت' does not match the text at [0, 3): 'قال'",
    ]
    without_inventory = check_layer(layer, document, sentences, set(), "annotations/d.json")
    assert [str(p) for p in without_inventory if p.place.endswith("/target")] == [
        "annotations/d.json: /stance/0/target: target 't-unknown' cannot be checked: annotations/targets.json is missing or broken",
        *[f"annotations/d.json: /stance/{i}/target: target 't1' cannot be checked: annotations/targets.json is missing or broken" for i in range(1, 5)],
    ]


def test_a_layer_for_another_document_or_an_older_text_is_refused_with_the_command_that_mends_it() -> None:
    document, sentences = _two_sentences()
    layer = {"doc_id": "other", "sha256": document.sha256, "entities": [], "quotes": [], "stance": []}
    assert [str(p) for p in check_layer(layer, document, sentences, set(), "a.json")] == ["a.json: /doc_id: layer is for 'other', not 'd'"]
    layer = {**layer, "doc_id": "d", "sha256": "0123456789abcdef" * 4}
    assert [str(p) for p in check_layer(layer, document, sentences, set(), "a.json")] == [
        f"a.json: /sha256: stale: annotated against a text with sha256 0123456789ab…, but seeds/d.txt now has {document.sha256[:12]}…; "
        "the layer is kept as it is and not merged until it is re-anchored by a person: qawl review reanchor d"
    ]


def _people_and_minister() -> tuple[Document, list, dict]:
    """Two sentences, two quotes: the Iraqis (a NORP, in no chain) and the minister (chain c1), whose cue runs over the
    sentence boundary; a stance of the minister's."""
    text = "قال العراقيون إن الوضع صعب. وأضاف الوزير أن الحل قريب."
    document = Document("d", text, hashlib.sha256(text.encode()).hexdigest(), "seeds/d.txt")
    provenance = {"source": "manual", "status": "gold", "annotator": "tester", "time": "2026-01-01T00:00:00Z"}
    straddling_cue = {"start": text.index("صعب."), "end": text.index("وأضاف") + 5, "text": "صعب. وأضاف"}
    layer = {
        "schema_version": "2.0.0", "doc_id": "d", "sha256": document.sha256,
        "entities": [
            {"id": "e1", **_span(text, "العراقيون"), "label": "NORP", "provenance": provenance},
            {"id": "e2", **_span(text, "الوزير"), "label": "PERSON", "provenance": provenance},
        ],
        "quotes": [
            {"id": "q1", "type": "indirect", "content": _span(text, "الوضع صعب"), "cue": _span(text, "قال"), "outlet": None,
             "speaker": {"kind": "named", "mention": _span(text, "العراقيون"), "entity": "e1"}, "provenance": provenance},
            {"id": "q2", "type": "indirect", "content": _span(text, "الحل قريب"), "cue": straddling_cue, "outlet": None,
             "speaker": {"kind": "named", "mention": _span(text, "الوزير"), "entity": "e2", "chain": "c1"}, "provenance": provenance},
        ],
        "chains": [{"id": "c1", "name": "الوزير", "entities": ["e2"], "provenance": provenance}],
        "stance": [{"id": "s1", "target": "t1", "label": "FAVOR", "holder": {"kind": "speaker", "quote": "q2"},
                    "evidence": {"quote": "q2", "span": None}, "provenance": provenance}],
    }
    return document, split_sentences("d", text), layer


def test_a_nationality_speaker_needs_no_chain_and_a_cue_over_the_sentence_boundary_is_anchored_at_its_start() -> None:
    document, sentences, layer = _people_and_minister()
    assert [s.text for s in sentences] == ["قال العراقيون إن الوضع صعب.", "وأضاف الوزير أن الحل قريب."]
    assert check_layer(layer, document, sentences, {"t1"}, "a.json") == []  # a NORP (or DATE) speaker is in no chain by rule
    tokens = tokenize(s.text for s in sentences)
    rows = build_rows(document, sentences, tokens, layer, "gold")
    minister = rows[1]["quotes"][0]
    assert minister["cue"] == {"sentence_id": sentences[0].sentence_id, "start": 23, "end": 33, "text": "صعب. وأضاف"}
    assert minister["speaker"]["chain"] == {"id": "c1", "name": "الوزير", "label": "PERSON"}
    assert rows[1]["stance"][0]["holder"] == {"kind": "speaker", "quote_id": "q2", "text": "الوزير"}


def test_a_speaker_in_no_chain_is_published_without_one_whatever_the_chains_are_called() -> None:
    document, sentences, layer = _people_and_minister()
    layer["chains"][0]["id"] = layer["quotes"][1]["speaker"]["chain"] = "XXXX"  # any annotation id is a chain id
    assert check_layer(layer, document, sentences, {"t1"}, "a.json") == []
    tokens = tokenize(s.text for s in sentences)
    rows = build_rows(document, sentences, tokens, layer, "gold")
    assert [q["speaker"]["chain"] for row in rows for q in row["quotes"]] == [None, {"id": "XXXX", "name": "الوزير", "label": "PERSON"}]


def test_an_anonymous_speaker_given_a_chain_is_told_with_its_file() -> None:
    document, sentences, layer = _people_and_minister()
    layer["quotes"][1]["speaker"].update(kind="anonymous", entity=None)
    assert [str(p) for p in check_layer(layer, document, sentences, {"t1"}, "annotations/d.json")] == [
        "annotations/d.json: /quotes/1/speaker/chain: an anonymous speaker ('الوزير') is nobody's chain, not 'c1'; "
        "only a pro-drop speaker without a mention (unknown) continues the previous quote's chain"
    ]


def test_each_speaker_stance_of_the_seed_names_its_holder_by_the_speaker_s_mention() -> None:
    schemas = Schemas(REPO / "schema")
    document, problems = read_seed(str(REPO / "seeds" / f"{SEED_ID}.txt"), schemas)
    assert problems == [] and document is not None
    sentences = split_sentences(document.doc_id, document.text)
    tokens = tokenize(s.text for s in sentences)
    layer = json.loads((REPO / "annotations" / f"{SEED_ID}.json").read_text(encoding="utf-8"))
    rows = build_rows(document, sentences, tokens, layer, "gold")
    holders = {(s["holder"]["kind"], s["holder"]["quote_id"], s["holder"]["text"]) for row in rows for s in row["stance"]}
    embassy, official, araji, commanders = "لسفارة الأميركية", "مسؤول حكومي عراقي", "قاسم الأعرجي", "القيادات العسكرية والأمنية العليا"
    lami, nujaba, yasir = "حيدر اللامي", 'القيادي في مليشيا "النجباء"', "فراس الياسر"
    speakers = [embassy, official, official, official, official, araji, araji, commanders, lami, lami, lami, lami, nujaba, nujaba, nujaba, yasir]
    assert holders == {("speaker", f"q{i}", text) for i, text in enumerate(speakers, 1)}


def test_a_quote_in_three_parts_whose_last_part_stops_short_of_its_content_is_told_where_that_part_ends() -> None:
    edited = multi_sentence_layer()
    edited["quotes"][1]["parts"] = [multi_sentence_span(word) for word in ("المفاوضات مستمرة", "والاتفاق", "قري")]  # the content ends at قريب
    end = multi_sentence_span("قري")["end"]
    assert multi_sentence_problems(edited) == [
        f"a.json: /quotes/1/parts/2: the last part ends at {end}, the content at {end + 1}: the parts cover the content from its first character to its last"
    ]
