"""`qawl review import` of several documents is one transaction: a SIGKILL at any step, a full
disk or an unwritable review leaves annotations/ as it was or with the whole import, and the
rerun succeeds; the same export imported twice is a no-op that says so."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from qawl.project import Project
from tests.conftest import invoke_qawl, mount_tmpfs
from tests.review.conftest import DOC_ID, read_json, run_review
from tests.review.test_label_studio import labelled, region

EXTRA = {
    "rev_002": "قال وزير المالية إن الميزانية الجديدة ستقر الشهر المقبل.\nوأكد أن العجز سينخفض.\n",
    "rev_003": "أعلنت وزارة الصحة في بغداد عن حملة تلقيح جديدة.\nوقال المتحدث باسمها إن الحملة تبدأ غداً.\n",
}

# Runs the CLI with SIGKILL after the n-th call of one step of the import's write: QAWL_KILL_AT=<function>:<n>.
KILL_HOOK = r"""
import os, signal, sys
import qawl.review.store as store

name, count = os.environ["QAWL_KILL_AT"].split(":")
original, calls = getattr(store, name), []

def killed_after(*args, **kwargs):
    result = original(*args, **kwargs)
    calls.append(name)
    if len(calls) == int(count):
        os.killpg(os.getpgrp(), signal.SIGKILL)
    return result

setattr(store, name, killed_after)
from qawl.cli import main
sys.argv = ["qawl", *sys.argv[1:]]
main()
"""

def import_killed_at(point: str, project: Project, export: Path) -> subprocess.CompletedProcess[str]:
    """`qawl review import export --annotator amina`, SIGKILLed at `point` (see KILL_HOOK)."""
    return subprocess.run(
        [sys.executable, "-c", KILL_HOOK, "review", "import", str(export), "--annotator", "amina", "--root", str(project.root)],
        env={**os.environ, "QAWL_KILL_AT": point},
        capture_output=True,
        text=True,
        timeout=300,
        start_new_session=True,
    )


# Every step of an import of three documents, one of them with a gold file (so four files:
# its history copy, and the three new versions): the prepared journal, then (in _write_file) the
# journal's temporary file, the four temporary files and the committed journal's, the log lines,
# the commit, each file moved into place, the journal removed.
KILL_POINTS = [
    *(f"_write_file:{n}" for n in range(1, 7)),
    "_write_journal:1",
    "_append_log:1",
    "_write_journal:2",
    *(f"_move_into_place:{n}" for n in range(1, 5)),
    "_remove_journal:1",
]


def untimed(value: Any) -> Any:
    """A JSON value without its times (the moment of the import, also inside provenance)."""
    if isinstance(value, dict):
        return {key: untimed(item) for key, item in value.items() if key != "time"}
    if isinstance(value, list):
        return [untimed(item) for item in value]
    return value


def state(annotations: Path) -> dict[str, Any]:
    """Every file under annotations/, JSON without times, history copies without their time stamp."""
    found: dict[str, Any] = {}
    for path in sorted(annotations.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(annotations).as_posix()
        if name.startswith(".history/"):
            name = f"{path.parent.relative_to(annotations).as_posix()}/STAMP.json"
        if path.suffix == ".json":
            found[name] = untimed(json.loads(path.read_bytes()))
        elif path.suffix == ".jsonl":
            found[name] = [untimed(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()]
        else:
            found[name] = path.read_bytes()
    return found


@pytest.fixture
def three_documents(review_project, tmp_path: Path) -> tuple[Project, Path]:
    """A project of three documents (one gold, two silver) and their reviewed Label Studio export."""
    project = review_project(extra=EXTRA)
    assert run_review(project, "export", "--format", "label-studio", "--out", str(tmp_path / "ls")).returncode == 0
    export = labelled(read_json(tmp_path / "ls" / "tasks.json"), origin="prediction")
    region(export, "e5", "entity")["value"]["labels"] = ["ORG"]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    return project, path


# Two points run without -m slow (one before the commit, one between two renames), every point with it.
QUICK_KILL_POINTS = {"_write_file:3", "_move_into_place:2"}


@pytest.mark.parametrize(
    "point", [pytest.param(point, marks=() if point in QUICK_KILL_POINTS else pytest.mark.slow) for point in KILL_POINTS]
)
def test_a_kill_at_any_step_leaves_nothing_or_everything_and_the_rerun_succeeds(three_documents, tmp_path: Path, point: str) -> None:
    project, export = three_documents
    pristine = tmp_path / "pristine"
    shutil.copytree(project.root, pristine)
    before = state(project.annotations)
    assert run_review(project, "import", str(export), "--annotator", "amina").returncode == 0
    after = state(project.annotations)
    assert len([name for name in after if name.startswith("rev_")]) == 3 and len(after["review-log.jsonl"]) > 3
    shutil.rmtree(project.root)
    shutil.copytree(pristine, project.root)

    killed = import_killed_at(point, project, export)
    assert killed.returncode == -9, killed.stderr
    # the next import (here a dry run) first finishes or rolls back the killed one
    dry = run_review(project, "import", str(export), "--annotator", "amina", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    recovered = state(project.annotations)
    committed = KILL_POINTS.index(point) >= KILL_POINTS.index("_write_journal:2")  # the committed journal is written
    assert recovered == (after if committed else before)
    rerun = run_review(project, "import", str(export), "--annotator", "amina")
    assert rerun.returncode == 0, rerun.stderr
    if recovered == after:
        assert f"nothing to do: {export} was imported before" in rerun.stdout
    assert state(project.annotations) == after


def test_the_same_export_imported_twice_is_a_no_op_that_says_so(three_documents) -> None:
    project, export = three_documents
    first = run_review(project, "import", str(export), "--annotator", "amina")
    assert first.returncode == 0, first.stderr
    after = state(project.annotations)
    again = run_review(project, "import", str(export), "--annotator", "amina")
    assert again.returncode == 0, again.stderr
    assert f"{DOC_ID}: this review was imported on " in again.stdout and " by amina; nothing to do" in again.stdout
    assert f"nothing to do: {export} was imported before" in again.stdout
    assert state(project.annotations) == after
    layer = read_json(project.annotations / "rev_002.json")
    contents = [(q["content"]["start"], q["content"]["end"]) for q in layer["quotes"]]
    assert len(contents) == len(set(contents)) >= 1


def test_an_unwritable_review_writes_nothing(three_documents) -> None:
    """A lone surrogate in the second task once wrote the first document, then died with UnicodeEncodeError."""
    project, export = three_documents
    before = state(project.annotations)
    tasks = read_json(export)
    tasks[1]["annotations"][0]["completed_by"] = "\ud800"
    export.write_text(json.dumps(tasks), encoding="utf-8")  # ensure_ascii: the surrogate as \ud800
    result = run_review(project, "import", str(export), "--annotator", "amina")
    assert result.returncode == 1
    assert f"error: {export}: /1/annotations/0/completed_by: a lone surrogate (\\ud800-\\udfff) in a string" in result.stderr
    assert state(project.annotations) == before


def test_a_full_disk_names_the_path_and_leaves_annotations_untouched(three_documents, tmp_path: Path) -> None:
    project, export = three_documents
    disk = tmp_path / "disk"
    mount_tmpfs(disk, "size=4m")
    try:
        small = Project(disk / "project")
        shutil.copytree(project.root, small.root)
        before = state(small.annotations)
        filler = disk / "filler"
        with open(filler, "wb", buffering=0) as handle:  # fill the disk, then free room for the journal and one file
            try:
                while True:
                    handle.write(b"\0" * 4096)
            except OSError:
                pass
        os.truncate(filler, filler.stat().st_size - 3 * 4096)
        result = run_review(small, "import", str(export), "--annotator", "amina")
        assert result.returncode == 1, result.stdout
        assert "Traceback" not in result.stderr
        assert "cannot write: No space left on device; nothing was imported; annotations/ is as it was" in result.stderr
        assert f"error: {small.annotations}/" in result.stderr
        assert state(small.annotations) == before
        assert not [p for p in small.annotations.rglob("*") if p.name.startswith(".")]
        filler.unlink()
        rerun = run_review(small, "import", str(export), "--annotator", "amina")
        assert rerun.returncode == 0, rerun.stderr
        assert len(read_json(small.annotations / "rev_002.json")["quotes"]) >= 1
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_a_build_after_a_kill_between_two_renames_sees_the_whole_import(three_documents) -> None:
    """Killed after the first file was moved into place: the next `qawl build` finishes the import before reading annotations/."""
    project, export = three_documents
    killed = import_killed_at("_move_into_place:2", project, export)
    assert killed.returncode == -9, killed.stderr
    assert not (project.annotations / "rev_003.json").exists()  # not yet in place
    built = invoke_qawl("build", "--no-preannotate", "--root", str(project.root), cwd=project.root)
    assert built.returncode == 0, built.stderr
    assert read_json(project.annotations / "rev_003.json")["quotes"]
    assert not (project.annotations / ".review-log.journal").exists()
    statuses = set()
    for shard in (project.root / "corpus").rglob("*.parquet"):
        table = pq.read_table(shard)
        if {"doc_id", "status"} <= set(table.column_names):
            statuses |= {(row["doc_id"], row["status"]) for row in table.select(["doc_id", "status"]).to_pylist()}
    assert {("rev_001", "gold"), ("rev_002", "gold"), ("rev_003", "gold")} <= statuses, statuses


def test_an_export_whose_name_is_not_utf8_writes_nothing(three_documents) -> None:
    project, export = three_documents
    before = state(project.annotations)
    odd = Path(os.fsdecode(bytes(export.parent) + b"/review-\xff.json"))  # a name the log (UTF-8) cannot hold
    export.rename(odd)
    result = run_review(project, "import", str(odd), "--annotator", "amina")
    assert result.returncode == 1
    assert "its name is not UTF-8 text, so the review log cannot record it; rename it" in result.stderr
    assert state(project.annotations) == before
