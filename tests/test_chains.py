"""Entity chains (issue 26): the annotation layer's `chains`, the speaker's `chain`, their checks and what is published."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import datasets

from qawl.ingest import Document
from qawl.merge import build_rows, check_layer
from qawl.schema import Schemas
from qawl.segment import split_sentences, tokenize
from qawl.validate import check_sentence_rows
from tests.conftest import SEED_ID, invoke_qawl

PROVENANCE = {"source": "manual", "status": "gold", "annotator": "tester", "time": "2026-01-01T00:00:00Z"}
TEXT = "قال الوزير أحمد خالد إن الوضع صعب. وأضاف خالد أن الحل قريب. وزار بيروت أمس وأكد أن المفاوضات مستمرة."


def _document() -> tuple[Document, list]:
    return Document("d", TEXT, hashlib.sha256(TEXT.encode()).hexdigest(), "seeds/d.txt"), split_sentences("d", TEXT)


def _span(part: str, occurrence: int = 0) -> dict[str, Any]:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(part, start + 1)
    return {"start": start, "end": start + len(part), "text": part}


def _quote(id_: str, content: str, cue: str, kind: str, mention: str | None, entity: str | None, chain: str | None) -> dict[str, Any]:
    speaker = {"kind": kind, "mention": _span(mention) if mention else None, "entity": entity}
    if chain is not None:
        speaker["chain"] = chain
    return {"id": id_, "type": "indirect", "content": _span(content), "cue": _span(cue), "outlet": None, "speaker": speaker, "provenance": PROVENANCE}


def _layer(chains: list[dict[str, Any]], speaker_chains: tuple[str | None, str | None, str | None]) -> dict[str, Any]:
    """Three entities (the minister by full name, by family name; Beirut) and three quotes: named, named, pro-drop."""
    document, _ = _document()
    first, second, third = speaker_chains
    return {
        "schema_version": "2.0.0",
        "doc_id": "d",
        "sha256": document.sha256,
        "entities": [
            {"id": "e1", **_span("أحمد خالد"), "label": "PERSON", "provenance": PROVENANCE},
            {"id": "e2", **_span("خالد", 1), "label": "PERSON", "provenance": PROVENANCE},
            {"id": "e3", **_span("بيروت"), "label": "GPE", "provenance": PROVENANCE},
        ],
        "quotes": [
            _quote("q1", "الوضع صعب", "قال", "named", "أحمد خالد", "e1", first),
            _quote("q2", "الحل قريب", "وأضاف", "named", "خالد", "e2", second),
            _quote("q3", "المفاوضات مستمرة", "وأكد", "unknown", None, None, third),
        ],
        "chains": chains,
        "stance": [],
    }


def _chain(id_: str, name: str, *entities: str) -> dict[str, Any]:
    return {"id": id_, "name": name, "entities": list(entities), "provenance": PROVENANCE}


def test_a_layer_with_bad_chains_lists_every_problem_with_its_place() -> None:
    document, sentences = _document()
    chains = [
        _chain("c1", "أحمد خالد", "e1", "e9", "e1"),  # e9 does not exist; e1 twice
        _chain("c2", "خالد", "e2", "e3"),  # a PERSON with a GPE
        _chain("c3", "بيروت", "e3"),  # e3 is in c2 already
        _chain("e3", "بيروت", "e3"),  # an id an entity has
    ]
    # q1 names e1 (in c1) but points to c2; q2's chain does not exist; q3 (pro-drop) does not continue q2's chain
    problems = check_layer(_layer(chains, ("c2", "c7", "c1")), document, sentences, set(), "annotations/d.json")
    assert [str(p) for p in problems] == [
        "annotations/d.json: /chains/3/id: id 'e3' already used at /entities/2",
        "annotations/d.json: /chains/0/entities/1: refers to entity 'e9', which does not exist",
        "annotations/d.json: /chains/0/entities/2: entity e1 is already in chain c1 (an entity is in at most one chain)",
        "annotations/d.json: /chains/1: the mentions of a chain share one label: e2 is PERSON, e3 is GPE",
        "annotations/d.json: /chains/2/entities/0: entity e3 is already in chain c2 (an entity is in at most one chain)",
        "annotations/d.json: /chains/3/entities/0: entity e3 is already in chain c2 (an entity is in at most one chain)",
        "annotations/d.json: /quotes/0/speaker/chain: the speaker entity e1 is in chain c1, so the speaker's chain is 'c1', not 'c2'",
        "annotations/d.json: /quotes/1/speaker/chain: refers to chain 'c7', which does not exist",
        "annotations/d.json: /quotes/2/speaker/chain: a speaker without an entity continues the previous quote's speaker chain ('c7'), not 'c1'",
    ]


def test_a_speaker_whose_entity_is_in_a_chain_must_say_so_and_a_first_quote_has_no_previous_speaker() -> None:
    document, sentences = _document()
    layer = _layer([_chain("c1", "أحمد خالد", "e1", "e2")], (None, "c1", None))
    layer["quotes"] = [layer["quotes"][2], *layer["quotes"][:2]]  # listed first; in the text it is still the third
    layer["quotes"][0]["speaker"]["chain"] = "c1"
    problems = check_layer(layer, document, sentences, set(), "a.json")
    assert [str(p) for p in problems] == [
        "a.json: /quotes/1/speaker/chain: the speaker entity e1 is in chain c1, so the speaker's chain is 'c1', not None",
    ]
    layer["quotes"] = [layer["quotes"][1]]
    layer["quotes"][0]["speaker"].update(kind="unknown", mention=None, entity=None, chain="c1")
    assert [str(p) for p in check_layer(layer, document, sentences, set(), "a.json")] == [
        "a.json: /quotes/0/speaker/chain: a speaker without an entity continues the previous quote's speaker chain, and there is no previous quote",
    ]


def test_a_good_chain_layer_merges_and_its_rows_carry_each_entity_s_and_speaker_s_chain() -> None:
    document, sentences = _document()
    layer = _layer([_chain("c1", "أحمد خالد", "e1", "e2"), _chain("c2", "بيروت", "e3")], ("c1", "c1", "c1"))
    assert check_layer(layer, document, sentences, set(), "a.json") == []
    tokens = tokenize(s.text for s in sentences)
    rows = build_rows(document, sentences, tokens, layer, "gold")
    assert [(e["text"], e["chain"]) for row in rows for e in row["entities"]] == [("أحمد خالد", "c1"), ("خالد", "c1"), ("بيروت", "c2")]
    assert [q["speaker"]["chain"] for row in rows for q in row["quotes"]] == [{"id": "c1", "name": "أحمد خالد", "label": "PERSON"}] * 3
    without = build_rows(document, sentences, tokens, {**_layer([], (None, None, None)), "chains": []}, "gold")
    assert [e["chain"] for row in without for e in row["entities"]] == [None] * 3
    assert [q["speaker"]["chain"] for row in without for q in row["quotes"]] == [None] * 3


def test_the_seed_s_embassy_is_one_chain_its_quote_points_to_in_quotes_and_attributions(make_project, build_once) -> None:
    project = make_project(with_annotations=True)
    build_once(project)
    corpus = str(project.corpus)
    sentences, quotes, attributions, documents = (datasets.load_dataset(corpus, config) for config in ("sentences", "quotes", "attributions", "documents"))
    assert set(attributions) == set(documents)  # the splits of its documents
    sentence_rows, quote_rows, rows = (next(iter(config.values())) for config in (sentences, quotes, attributions))
    assert [(e["id"], e["text"]) for row in sentence_rows for e in row["entities"] if e["chain"] == "c5"] == [("e21", "لسفارة الأميركية"), ("e58", "السفارة الأميركية")]
    embassy = next(row for row in quote_rows if row["quote_id"] == "q1")
    assert (embassy["speaker_entity"]["id"], embassy["speaker_chain"], embassy["speaker_name"]) == ("e21", "c5", "السفارة الأميركية")
    assert Counter(row["speaker_chain"] for row in quote_rows) == {"c5": 1, "c9": 2, "c11": 7, "c12": 1, None: 5}  # 5 anonymous

    assert rows.features == Schemas(project.schema_dir).features("attribution")
    labels, stance_labels = rows.features["label"], rows.features["stance"].feature["label"]
    assert [(r["id"], r["name"], labels.int2str(r["label"]), r["quotes"], r["direct"], r["indirect"], r["mixed"]) for r in rows] == [
        (f"{SEED_ID}/c5", "السفارة الأميركية", "ORG", 1, 1, 0, 0),
        (f"{SEED_ID}/c9", "قاسم الأعرجي", "PERSON", 2, 0, 2, 0),
        (f"{SEED_ID}/c11", "حيدر اللامي", "PERSON", 7, 3, 4, 0),
        (f"{SEED_ID}/c12", "فراس الياسر", "PERSON", 1, 0, 1, 0),
    ]
    assert rows[0]["quote_ids"] == [f"{SEED_ID}/q1"] and rows[1]["quote_ids"] == [f"{SEED_ID}/q6", f"{SEED_ID}/q7"]
    stance = {r["chain"]: [(s["target"], stance_labels.int2str(s["label"]), s["count"]) for s in r["stance"]] for r in rows}
    assert stance["c11"] == [
        ("armed_attacks_on_us_interests", "FAVOR", 2), ("armed_attacks_on_us_interests", "NONE", 5),
        ("imf_austerity_programmes", "NONE", 7), ("iran_regional_influence", "NONE", 7), ("normalization_with_israel", "NONE", 7),
        ("state_monopoly_on_arms", "NONE", 7), ("syrian_refugee_return", "NONE", 7),
        ("us_coalition_presence_iraq", "AGAINST", 3), ("us_coalition_presence_iraq", "NONE", 4), ("us_iraq_strategic_partnership", "NONE", 7),
    ]
    assert ("us_iraq_strategic_partnership", "FAVOR", 1) in stance["c5"] and ("state_monopoly_on_arms", "AGAINST", 1) in stance["c12"]


def test_validate_refuses_a_published_speaker_chain_that_no_entity_of_its_document_has() -> None:
    text = "قال أحمد خالد إن الوضع صعب."
    entity = {"id": "e1", **_span_of(text, "أحمد خالد"), "label": "PERSON", "chain": "c1"}

    def row(doc_id: str, chain: dict[str, str] | None) -> dict[str, Any]:
        speaker = {"kind": "named", "mention": {"sentence_id": f"{doc_id}-1", **_span_of(text, "أحمد خالد")}, "entity": {"id": "e1", "text": "أحمد خالد"}, "chain": chain}
        content = _span_of(text, "الوضع صعب")
        quote = {"id": "q1", "type": "indirect", "content": content, "parts": [content], "document_content": content, "source_quote_id": None,
                 "cue": None, "outlet": None, "speaker": speaker, "provenance": PROVENANCE}
        return {"sentence_id": f"{doc_id}-1", "doc_id": doc_id, "start": 0, "end": len(text), "text": text, "tokens": [], "entities": [entity], "quotes": [quote], "stance": []}

    rows = [
        row("a", {"id": "c1", "name": "أحمد خالد", "label": "PERSON"}),
        row("b", {"id": "c2", "name": "أحمد خالد", "label": "PERSON"}),  # no entity of b is in c2
        row("c", {"id": "c1", "name": "أحمد خالد", "label": "ORG"}),  # c1 is a chain of PERSON mentions
        row("d", None),
    ]
    assert [str(p) for p in check_sentence_rows(list(enumerate(rows)), "s.parquet")] == [
        "s.parquet: row 1 /quotes/0/speaker/chain: speaker chain 'c2' (PERSON) is the chain of no PERSON entity mention of b",
        "s.parquet: row 2 /quotes/0/speaker/chain: speaker chain 'c1' (ORG) is the chain of no ORG entity mention of c",
    ]


def _span_of(text: str, part: str) -> dict[str, Any]:
    start = text.index(part)
    return {"start": start, "end": start + len(part), "text": part}


def refused_gold_edit(make_project, edit) -> tuple[Path, list[str]]:
    """The seed's gold layer after `edit(layer)`, and the error lines of `qawl build` refusing it (nothing published)."""
    project = make_project(with_annotations=True)
    path = project.annotations / f"{SEED_ID}.json"
    layer = json.loads(path.read_text(encoding="utf-8"))
    edit(layer)
    path.write_text(json.dumps(layer, ensure_ascii=False), encoding="utf-8")
    result = invoke_qawl("build", cwd=project.root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert not project.corpus.exists()
    return path, [line for line in result.stderr.splitlines() if line.startswith("error:")]


def test_qawl_build_lists_every_chain_problem_of_a_gold_layer_and_publishes_nothing(make_project) -> None:
    def edit(layer):
        layer["chains"][4]["entities"].append("e99")  # the embassy's chain
        layer["quotes"][0]["speaker"]["chain"] = "c9"  # the embassy's quote, given al-Araji's chain

    path, errors = refused_gold_edit(make_project, edit)
    assert errors == [
        f"error: {path}: /chains/4/entities/2: refers to entity 'e99', which does not exist",
        f"error: {path}: /quotes/0/speaker/chain: the speaker entity e21 is in chain c5, so the speaker's chain is 'c5', not 'c9'",
    ]


def test_a_named_speaker_left_out_of_every_chain_of_a_layer_with_chains_is_refused_not_dropped_from_attributions(make_project) -> None:
    """فراس الياسر, named once, is his quote's speaker: without his chain, `attributions` would not count his quote."""
    def edit(layer):
        assert layer["chains"][11] == {**layer["chains"][11], "id": "c12", "entities": ["e63"]}
        del layer["chains"][11]
        layer["quotes"][15]["speaker"]["chain"] = None

    path, errors = refused_gold_edit(make_project, edit)
    assert errors == [
        f"error: {path}: /quotes/15/speaker/chain: the named speaker's entity e63 is in no chain; a layer with chains gives every "
        "named speaker one (a chain of its own when named once, GUIDELINES §2.12 rule 6), else attributions leaves out its quotes",
    ]


def test_an_anonymous_speaker_given_the_previous_quote_s_chain_is_refused_not_counted_as_that_speaker(make_project) -> None:
    """q2's source is 'an Iraqi government official' (anonymous), right after the embassy's q1: given the embassy's
    chain c5, `attributions` would publish the official's quote as the embassy's."""
    def edit(layer):
        assert layer["quotes"][1]["speaker"]["kind"] == "anonymous" and layer["quotes"][0]["speaker"]["chain"] == "c5"
        layer["quotes"][1]["speaker"]["chain"] = "c5"

    path, errors = refused_gold_edit(make_project, edit)
    assert errors == [
        f"error: {path}: /quotes/1/speaker/chain: an anonymous speaker ('مسؤول حكومي عراقي') is nobody's chain, not 'c5'; "
        "only a pro-drop speaker without a mention (unknown) continues the previous quote's chain",
    ]


def test_a_silver_layer_whose_speakers_include_a_nationality_group_named_once_is_published(make_project) -> None:
    """The pre-annotator never chains a NORP alone (GUIDELINES §2.12 rule 5): its speaker has no chain, and the build takes it."""
    text = "قال وزير الخارجية أحمد خالد إن الوضع صعب في بيروت.\n\nوأضاف خالد أن الحل قريب.\n\nوقال الفلسطينيون إن المفاوضات مستمرة.\n"
    project = make_project(seeds={"n1.txt": text.encode()}, with_seed=False)
    result = invoke_qawl("build", cwd=project.root)
    assert result.returncode == 0, result.stderr
    quotes = datasets.load_dataset(str(project.corpus), "quotes", split="silver")
    labels = quotes.features["speaker_entity"]["label"]
    assert [(q["speaker_entity"]["text"], labels.int2str(q["speaker_entity"]["label"]), q["speaker_name"]) for q in quotes] == [
        ("أحمد خالد", "PERSON", "أحمد خالد"), ("خالد", "PERSON", "أحمد خالد"), ("الفلسطينيون", "NORP", None)
    ]
