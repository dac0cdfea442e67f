"""Bad annotation files through the real CLI: every problem of every file in one run, each
with its file and JSON pointer; exit 1; corpus/ and annotations/ untouched; a layer whose
document changed is flagged and kept, never re-anchored.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qawl.jsonfile import parse_json
from qawl.project import Project
from tests.conftest import invoke_qawl
from tests.test_robustness_seeds import errors_by_file, fails_cleanly, snapshot

TEXT = "قال الرئيس محمد علي إن الحكومة ستعلن الخطة غداً.\nوأكد الوزير أن بغداد ترفض التدخل في الشؤون الداخلية.\n"
TARGETS = {"schema_version": "1.0.0", "targets": [{"id": "plan", "name_ar": "الخطة", "name_en": "The plan", "definition": "Support for the plan."}]}


def seed_text(n: int) -> str:
    """A distinct article per document (identical texts would be refused as duplicates)."""
    return TEXT + f"وهذا الخبر رقم {n}.\n"


def span(text: str, part: str) -> dict[str, Any]:
    start = text.index(part)
    return {"start": start, "end": start + len(part), "text": part}


def provenance() -> dict[str, str]:
    return {"source": "manual", "status": "gold", "annotator": "robustness", "time": "2026-01-01T00:00:00Z"}


def valid_layer(doc_id: str, text: str) -> dict[str, Any]:
    """Entities, a named quote and a stance record that all check against `text`."""
    entities = [
        {"id": f"e{i}", **span(text, word), "label": label, "provenance": provenance()}
        for i, (word, label) in enumerate([("محمد علي", "PERSON"), ("الحكومة", "ORG"), ("بغداد", "GPE")])
    ]
    quote = {
        "id": "q1",
        "type": "indirect",
        "content": span(text, "الحكومة ستعلن الخطة غداً"),
        "cue": span(text, "قال"),
        "speaker": {"kind": "named", "mention": span(text, "محمد علي"), "entity": "e0"},
        "outlet": None,
        "provenance": provenance(),
    }
    stance = {
        "id": "s1",
        "target": "plan",
        "label": "FAVOR",
        "holder": {"kind": "speaker", "quote": "q1"},
        "evidence": {"quote": "q1", "span": None},
        "provenance": provenance(),
    }
    return {
        "schema_version": "1.0.0",
        "doc_id": doc_id,
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
        "entities": entities,
        "quotes": [quote],
        "stance": [stance],
    }


def bad_schema(layer: dict[str, Any]) -> None:
    layer["entities"][0]["label"] = "PER"  # CoNLL name, not OntoNotes
    layer["quotes"][0]["type"] = "reported"
    layer["stance"][0]["label"] = "PRO"
    layer["entities"][1]["start"] = -4
    del layer["entities"][2]["provenance"]


def bad_spans(layer: dict[str, Any]) -> None:
    length = len(seed_text(0))
    layer["entities"][0].update(end=layer["entities"][0]["end"] + 3)  # text no longer matches
    layer["entities"][1].update(start=length + 5, end=length + 9)  # past the end
    layer["entities"][2].update(start=layer["entities"][2]["end"], end=layer["entities"][2]["start"])  # reversed
    layer["entities"].append({"id": "e3", **span(TEXT, "علي إن"), "label": "PERSON", "provenance": provenance()})  # overlaps e0
    layer["quotes"][0]["speaker"]["entity"] = "e99"
    layer["stance"][0]["target"] = "weather"
    layer["stance"].append({**copy.deepcopy(layer["stance"][0]), "target": "plan", "evidence": {"quote": "q7", "span": None}})


CASES: dict[str, tuple[Callable[[dict[str, Any]], None] | None, list[tuple[str, str]]]] = {
    "good": (None, []),
    "bad-schema": (
        bad_schema,
        [
            ("/entities/0/label", "'PER' is not one of ['PERSON', 'NORP', 'FAC', 'ORG', 'GPE', 'LOC', 'EVENT', 'DATE']"),
            ("/entities/1/start", "-4 is less than the minimum of 0"),
            ("/entities/2", "'provenance' is a required property"),
            ("/quotes/0/type", "'reported' is not one of"),
            ("/stance/0/label", "'PRO' is not one of ['FAVOR', 'AGAINST', 'NONE']"),
        ],
    ),
    "bad-spans": (
        bad_spans,
        [
            ("/entities/0", "span text 'محمد علي' does not match the text at"),
            ("/entities/1", "outside the text (length 120) or reversed"),
            ("/entities/2", "outside the text (length 120) or reversed"),
            ("/entities/3", "entity e3 'علي إن' overlaps e0 'محمد علي' (entities are flat)"),
            ("/quotes/0/speaker/entity", "refers to entity 'e99', which does not exist"),
            ("/stance/0/target", "target 'weather' is not in annotations/targets.json"),
            ("/stance/1/id", "id 's1' already used at /stance/0"),
            ("/stance/1/evidence/quote", "refers to quote 'q7', which does not exist"),
        ],
    ),
    "wrong-doc": (lambda layer: layer.update(doc_id="good"), [("/doc_id", "layer is for 'good', not 'wrong-doc'")]),  # not checked against good.txt
    "stale": (lambda layer: layer.update(sha256=hashlib.sha256(b"an older text").hexdigest()), [("/sha256", "stale: annotated against a text with sha256")]),
}


def write_layer(project: Project, doc_id: str, layer: dict[str, Any] | str | bytes) -> Path:
    path = project.annotations / f"{doc_id}.json"
    if isinstance(layer, dict):
        layer = json.dumps(layer, ensure_ascii=False, indent=1)
    path.write_bytes(layer if isinstance(layer, bytes) else layer.encode())
    return path


@pytest.fixture
def annotated(make_project: Callable[..., Project], build_once: Callable[[Project], None]) -> Project:
    """A built project with a valid gold layer per document and a target inventory."""
    names = [*CASES, "bad-json", "bad-utf8"]
    project = make_project(with_seed=False, seeds={f"{name}.txt": seed_text(n).encode() for n, name in enumerate(names)})
    (project.annotations / "targets.json").write_text(json.dumps(TARGETS), encoding="utf-8")
    for n, name in enumerate(names):
        write_layer(project, name, valid_layer(name, seed_text(n)))
    build_once(project)
    return project


def break_layers(project: Project) -> None:
    for n, (name, (change, _)) in enumerate(CASES.items()):
        if change is not None:
            layer = valid_layer(name, seed_text(n))
            change(layer)
            write_layer(project, name, layer)
    write_layer(project, "bad-json", '{"schema_version": "1.0.0",\n "doc_id": "bad-json",\n "entities": [,]}')
    write_layer(project, "bad-utf8", b'{"doc_id": "\xd9"}')
    write_layer(project, "ghost", valid_layer("ghost", TEXT))


def expect_every_problem(errors: dict[str, list[str]]) -> None:
    assert "good.json" not in errors and "good.txt" not in errors
    for name, (_, expected) in CASES.items():
        lines = errors.get(f"{name}.json", [])
        for pointer, message in expected:
            assert any(f": {pointer}: " in line and message in line for line in lines), (name, pointer, message, lines)
        assert len(lines) == len(expected), lines  # nothing spurious either
    assert "line 3, column 15: invalid JSON: Expecting value" in errors["bad-json.json"][0]
    assert "byte 12: not valid UTF-8" in errors["bad-utf8.json"][0]
    assert "annotation file for 'ghost', but there is no seeds/ghost.txt" in errors["ghost.json"][0]


def test_build_reports_every_annotation_problem_and_touches_nothing(annotated: Project) -> None:
    break_layers(annotated)
    expect_every_problem(fails_cleanly(annotated, snapshot(annotated)))


def test_validate_reports_the_same_problems(annotated: Project) -> None:
    break_layers(annotated)
    before = snapshot(annotated)
    result = invoke_qawl("validate", "annotations", cwd=annotated.root)
    assert result.returncode == 1
    errors = errors_by_file(result.stderr)
    assert f"ghost.json: /doc_id: no seed article 'ghost' in {annotated.seeds}" in errors.pop("ghost.json")[0]
    errors["ghost.json"] = ["annotation file for 'ghost', but there is no seeds/ghost.txt"]  # the build's wording, checked above
    expect_every_problem(errors)
    assert snapshot(annotated) == before


def test_a_changed_article_flags_its_layer_keeps_it_and_never_reanchors(annotated: Project) -> None:
    seed = annotated.seeds / "good.txt"
    layer_path = annotated.annotations / "good.json"
    layer_bytes = layer_path.read_bytes()
    before = snapshot(annotated)
    original = seed.read_bytes()
    seed.write_bytes("عاجل: ".encode() + original)  # every offset after this point moved by 6
    errors = fails_cleanly(annotated, before)
    (line,) = errors["good.json"]
    assert f"/sha256: stale: annotated against a text with sha256 {hashlib.sha256(original).hexdigest()[:12]}…" in line
    assert "the layer is kept as it is and not merged until it is re-anchored by a person" in line
    assert layer_path.read_bytes() == layer_bytes
    assert invoke_qawl("validate", "annotations", cwd=annotated.root).returncode == 1  # still flagged, not silently fixed
    seed.write_bytes(original)
    assert invoke_qawl("build", cwd=annotated.root).returncode == 0
    assert layer_path.read_bytes() == layer_bytes


def test_stance_targets_are_checked_against_the_inventory(annotated: Project) -> None:
    layer = json.loads((annotated.annotations / "good.json").read_text(encoding="utf-8"))
    layer["stance"][0]["target"] = "us_coalition_presence_iraq"  # in the repository's inventory, not in this project's
    write_layer(annotated, "good", layer)
    errors = fails_cleanly(annotated, snapshot(annotated))
    assert "/stance/0/target: target 'us_coalition_presence_iraq' is not in annotations/targets.json" in errors["good.json"][0]


def test_a_broken_or_missing_target_inventory_is_reported_not_ignored(annotated: Project) -> None:
    inventory = annotated.annotations / "targets.json"
    inventory.write_text('{"schema_version": "1.0.0", "targets": [{"id": "Plan!"}]}', encoding="utf-8")
    errors = fails_cleanly(annotated, snapshot(annotated))
    assert any("/targets/0/id" in line for line in errors["targets.json"])
    assert "cannot be checked: annotations/targets.json is missing or broken" in errors["good.json"][0]
    inventory.unlink()
    errors = fails_cleanly(annotated, snapshot(annotated))
    assert "cannot be checked: annotations/targets.json is missing or broken" in errors["good.json"][0]


def deep_json(depth: int) -> str:
    return '{"schema_version": ' + "[" * depth + "]" * depth + "}"


def repeated_quote(layer: dict[str, Any]) -> None:
    layer["quotes"].append({**copy.deepcopy(layer["quotes"][0]), "id": "q2"})


def repeated_stance(layer: dict[str, Any]) -> None:
    layer["stance"].append({**copy.deepcopy(layer["stance"][0]), "id": "s2", "label": "AGAINST"})


def set_path(layer: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    for key in path[:-1]:
        layer = layer[key]
    layer[path[-1]] = value


# doc_id → (how its annotation file is made, every error line the build and validate give for it)
UNSAFE: dict[str, tuple[Callable[[Path, dict[str, Any]], None], list[str]]] = {
    "float-offset": (
        lambda path, layer: (set_path(layer, ("entities", 0, "start"), float(layer["entities"][0]["start"])), write_text(path, json.dumps(layer))),
        ["/entities/0/start: 11.0 is not an integer (write whole numbers without a decimal point)"],
    ),
    "huge-offset": (
        lambda path, layer: (set_path(layer, ("entities", 1, "end"), 2**64), write_text(path, json.dumps(layer))),
        ["/entities/1/end: integer 18446744073709551616 does not fit in 64 bits"],
    ),
    "surrogate": (
        lambda path, layer: (set_path(layer, ("quotes", 0, "provenance", "annotator"), "\ud800"), write_text(path, json.dumps(layer))),
        ["/quotes/0/provenance/annotator: a lone surrogate (\\ud800-\\udfff) in a string"],
    ),
    "deep": (lambda path, layer: write_text(path, deep_json(100_000)), ["invalid JSON: nested deeper than 64 levels"]),
    "deep-100": (lambda path, layer: write_text(path, deep_json(100)), ["/schema_version" + "/0" * 63 + ": nested deeper than 64 levels"]),
    "repeated-key": (
        lambda path, layer: write_text(path, json.dumps(layer).replace('"label": "PERSON"', '"label": "PERSON", "label": "ORG"', 1)),
        ["/entities/0: key 'label' appears more than once (JSON keeps only the last; remove the others)"],
    ),
    "entity-not-object": (
        lambda path, layer: (set_path(layer, ("entities", 2), 1), write_text(path, json.dumps(layer))),
        ["/entities/2: 1 is not of type 'object'"],
    ),
    "directory": (lambda path, layer: path.mkdir(), ["not a regular file (a directory)"]),
    "fifo": (lambda path, layer: os.mkfifo(path), ["not a regular file (a FIFO)"]),
    "repeated-quote": (
        lambda path, layer: (repeated_quote(layer), write_text(path, json.dumps(layer))),
        ["/quotes/1: quote q2 repeats q1 (same content, cue and speaker); remove one"],
    ),
    "repeated-stance": (
        lambda path, layer: (repeated_stance(layer), write_text(path, json.dumps(layer))),
        ["/stance/1: stance s2 repeats s1 (same target, holder and evidence); remove one"],
    ),
}


def write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def unsafe(make_project: Callable[..., Project]) -> Project:
    """A project whose every annotation file but one (good) is unsafe JSON, not a file, or repeats a record."""
    names = ["good", *UNSAFE]
    project = make_project(with_seed=False, seeds={f"{name}.txt": seed_text(n).encode() for n, name in enumerate(names)})
    (project.annotations / "targets.json").write_text(json.dumps(TARGETS), encoding="utf-8")
    write_layer(project, "good", valid_layer("good", seed_text(0)))
    for n, (name, (make, _)) in enumerate(UNSAFE.items(), 1):
        make(project.annotations / f"{name}.json", valid_layer(name, seed_text(n)))
    return project


def expect_unsafe_refused(errors: dict[str, list[str]]) -> None:
    assert "good.json" not in errors
    for name, (_, expected) in UNSAFE.items():
        lines = errors.get(f"{name}.json", [])
        assert len(lines) == len(expected), (name, lines)
        for line, message in zip(lines, expected):
            assert line.startswith("error: ") and message in line, (name, line, message)


@pytest.mark.parametrize("command", [("build",), ("build", "--no-preannotate"), ("validate", "annotations")])
def test_unsafe_json_and_repeated_records_are_refused_by_name(unsafe: Project, command: tuple[str, ...]) -> None:
    before = snapshot(unsafe)
    result = invoke_qawl(*command, cwd=unsafe.root, timeout=120)  # a FIFO once made it wait forever
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    expect_unsafe_refused(errors_by_file(result.stderr))
    assert snapshot(unsafe) == before


# what annotations/targets.json is → what the build says about it
BROKEN_INVENTORIES: dict[str, tuple[Callable[[Path], None], str]] = {
    "syntax-error": (lambda path: write_text(path, '{"schema_version": "1.0.0", "targets": [}'), "targets.json: line 1, column 41: invalid JSON: Expecting value"),
    "directory": (lambda path: path.mkdir(), "targets.json: not a regular file (a directory)"),
    "fifo": (lambda path: os.mkfifo(path), "targets.json: not a regular file (a FIFO)"),
    "deep": (lambda path: write_text(path, deep_json(100_000)), "targets.json: invalid JSON: nested deeper than 64 levels"),
    "repeated-key": (lambda path: write_text(path, json.dumps(TARGETS)[:-1] + ', "targets": []}'), "targets.json: /: key 'targets' appears more than once"),
}


@pytest.mark.parametrize("case", list(BROKEN_INVENTORIES))
def test_a_target_inventory_that_cannot_be_read_is_named_with_pre_annotation_on(make_project: Callable[..., Project], case: str) -> None:
    project = make_project(with_seed=False, seeds={"good.txt": seed_text(0).encode()})
    write_layer(project, "good", valid_layer("good", seed_text(0)))
    make, message = BROKEN_INVENTORIES[case]
    make(project.annotations / "targets.json")
    before = snapshot(project)
    result = invoke_qawl("build", cwd=project.root, timeout=120)  # a FIFO might make a build wait forever
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert f"error: {project.annotations / 'targets.json'}: " in result.stderr
    assert message in result.stderr, result.stderr
    assert snapshot(project) == before


def _scalars(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [*value, *(s for item in value.values() for s in _scalars(item))]
    if isinstance(value, list):
        return [s for item in value for s in _scalars(item)]
    return [value]


ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=()), max_size=8)  # lone surrogates too
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats(allow_nan=False, allow_infinity=False) | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_parse_json_accepts_exactly_the_values_that_can_be_written_back(value: Any) -> None:
    """Accepted: every string encodes as UTF-8 and every integer fits in 64 bits; refused otherwise, with a
    problem, never an exception; and what it accepts equals what was written."""
    text = json.dumps(value)  # ASCII: surrogates as \\ud800 escapes
    parsed, problems = parse_json(text, "f.json")
    scalars = _scalars(value)
    safe = all(
        (not isinstance(s, str) or not any(0xD800 <= ord(c) <= 0xDFFF for c in s))
        and (not isinstance(s, int) or isinstance(s, bool) or -(2**63) <= s < 2**63)
        for s in scalars
    )
    assert (problems == []) == safe, (value, problems)
    if safe:
        assert parsed == value
    assert all(p.file == "f.json" and p.place.startswith("/") for p in problems)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='[]{}",:0123456789.eE-\\ud tnulrfa', max_size=40))
def test_parse_json_never_raises_on_any_text(text: str) -> None:
    parsed, problems = parse_json(text, "f.json")
    assert (parsed is None) or not problems
