"""qawl.merge: what the mutants that survived its tests changed (scripts/mutation.py, docs/mutation.md)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from qawl.ingest import Document
from qawl.merge import check_layer, read_targets, span_problems
from qawl.schema import Schemas
from qawl.segment import split_sentences
from tests.conftest import REPO


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
