"""SIGKILL during `qawl review import` of one document: the annotation file is the old one or the
new one, never a mix or a torn write, running the import again finishes the job, and the review
log then holds each change exactly once (several documents: test_import_transaction.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.review.conftest import DOC_ID, read_json, run_review
from tests.review.test_import_transaction import import_killed_at
from tests.review.test_label_studio import labelled, region

# Every step of the write of one document with a gold file: the journal's temporary file, the
# history copy's and the new version's, the committed journal's (in _write_file), the prepared
# journal, the log lines, the commit, the two files moved into place, the journal removed.
KILL_POINTS = [
    *(f"_write_file:{n}" for n in range(1, 5)),
    "_write_journal:1",
    "_append_log:1",
    "_write_journal:2",
    "_move_into_place:1",
    "_move_into_place:2",
    "_remove_journal:1",
]


def untimed(layer_bytes: bytes) -> object:
    """A layer without its provenance times (an edit is stamped with the moment it is imported)."""
    layer = json.loads(layer_bytes)
    for kind in ("entities", "quotes", "stance"):
        for item in layer[kind]:
            item["provenance"].pop("time")
    return layer


def log_without_times(project_root: Path) -> list[object]:
    """The review log's entries without their times (the moment of the import, also inside provenance)."""
    def untimed_value(value: object) -> object:
        if isinstance(value, dict):
            return {key: untimed_value(item) for key, item in value.items() if key != "time"}
        return value

    log = project_root / "annotations" / "review-log.jsonl"
    return [untimed_value(json.loads(line)) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []


def edited_export(project, tmp_path: Path) -> Path:
    """A Label Studio export of the project with one entity label changed."""
    assert run_review(project, "export", "--format", "label-studio", "--out", str(tmp_path / "ls")).returncode == 0
    export = labelled(read_json(tmp_path / "ls" / "tasks.json"))
    region(export, "e5", "entity")["value"]["labels"] = ["ORG"]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    return path


# Two points run without -m slow (log lines written before the commit; the history copy moved, the new version not), every point with it.
QUICK_KILL_POINTS = {"_append_log:1", "_move_into_place:1"}


@pytest.mark.parametrize(
    "point", [pytest.param(point, marks=() if point in QUICK_KILL_POINTS else pytest.mark.slow) for point in KILL_POINTS]
)
def test_killed_import_leaves_a_whole_file_and_can_be_rerun(review_project, tmp_path: Path, point: str) -> None:
    project = review_project()
    gold_file = project.annotations / f"{DOC_ID}.json"
    original = gold_file.read_bytes()
    export = edited_export(project, tmp_path)

    twin = tmp_path / "twin"  # the same import, not interrupted, gives the expected result
    shutil.copytree(project.root, twin)
    assert run_review(type(project)(twin), "import", str(export), "--annotator", "amina").returncode == 0
    expected = (twin / "annotations" / f"{DOC_ID}.json").read_bytes()
    assert expected != original

    killed = import_killed_at(point, project, export)
    assert killed.returncode == -9, killed.stderr
    assert untimed(gold_file.read_bytes()) in (untimed(original), untimed(expected))
    history = list((project.annotations / ".history" / DOC_ID).glob("*.json"))
    assert all(h.read_bytes() == original for h in history)  # the previous version is never lost

    rerun = run_review(project, "import", str(export), "--annotator", "amina")
    assert rerun.returncode == 0, rerun.stderr
    assert f"nothing to do: {export} was imported before" in rerun.stdout or f"{DOC_ID}: 1 edited" in rerun.stdout, rerun.stdout
    assert untimed(gold_file.read_bytes()) == untimed(expected)
    assert log_without_times(project.root) == log_without_times(twin) != []
    assert not (project.annotations / ".review-log.journal").exists()
    assert sorted(p.name for p in project.annotations.glob("*.json")) == sorted(p.name for p in (twin / "annotations").glob("*.json"))
