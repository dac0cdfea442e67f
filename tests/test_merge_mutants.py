"""qawl.merge: what the mutants that survived its tests changed (scripts/mutation.py, docs/mutation.md)."""

from __future__ import annotations

import json
from pathlib import Path

from qawl.merge import read_targets, span_problems
from qawl.schema import Schemas
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
