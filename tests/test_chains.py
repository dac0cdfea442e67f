"""Entity chains (issue 26): the annotation layer's `chains`, the speaker's `chain`, their checks and what is published."""

from __future__ import annotations

import hashlib
from typing import Any

from qawl.ingest import Document
from qawl.merge import build_rows, check_layer
from qawl.segment import split_sentences, tokenize_document

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
    _, tokens = tokenize_document(TEXT, sentences)
    rows = build_rows(document, sentences, tokens, layer, "gold")
    assert [(e["text"], e["chain"]) for row in rows for e in row["entities"]] == [("أحمد خالد", "c1"), ("خالد", "c1"), ("بيروت", "c2")]
    assert [q["speaker"]["chain"] for row in rows for q in row["quotes"]] == [{"id": "c1", "name": "أحمد خالد", "label": "PERSON"}] * 3
    without = build_rows(document, sentences, tokens, {**_layer([], (None, None, None)), "chains": []}, "gold")
    assert [e["chain"] for row in without for e in row["entities"]] == [None] * 3
    assert [q["speaker"]["chain"] for row in without for q in row["quotes"]] == [None] * 3
