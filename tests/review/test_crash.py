"""SIGKILL during `qawl review import`: the annotation file is the old one or the new one,
never a mix or a torn write, running the import again finishes the job, and the review log
then holds each change exactly once."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.review.conftest import DOC_ID, read_json, run_review
from tests.review.test_label_studio import labelled, region

# Runs the CLI with SIGKILL wired to one step of the import's write (QAWL_KILL_AT names it).
KILL_HOOK = r"""
import os, signal, sys
import qawl.review.store as store

AT = os.environ["QAWL_KILL_AT"]

def kill(owner, name, before=False):
    original = getattr(owner, name)
    def wrapper(*args, **kwargs):
        if before:
            os.killpg(os.getpgrp(), signal.SIGKILL)
        result = original(*args, **kwargs)
        os.killpg(os.getpgrp(), signal.SIGKILL)
        return result
    setattr(owner, name, wrapper)

if AT == "history-copied":
    kill(store.shutil, "copy2")
elif AT == "new-version-written":
    kill(store, "write_json")
elif AT == "journaled":  # the file is not replaced yet
    kill(store, "_journal")
elif AT == "replaced":  # the file is replaced, its changes are not in the log yet
    kill(store, "_commit_journal", before=True)
elif AT == "logged":  # the log is appended to, the journal not yet removed
    kill(store, "_commit_journal")
else:
    raise SystemExit(f"unknown kill point {AT}")

from qawl.cli import main
sys.argv = ["qawl", *sys.argv[1:]]
main()
"""

KILL_POINTS = ["history-copied", "new-version-written", "journaled", "replaced", "logged"]


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


@pytest.mark.parametrize("point", KILL_POINTS)
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

    killed = subprocess.run(
        [sys.executable, "-c", KILL_HOOK, "review", "import", str(export), "--annotator", "amina", "--root", str(project.root)],
        env={**os.environ, "QAWL_KILL_AT": point},
        capture_output=True,
        text=True,
        timeout=300,
        start_new_session=True,
    )
    assert killed.returncode == -9, killed.stderr
    assert untimed(gold_file.read_bytes()) in (untimed(original), untimed(expected))
    history = list((project.annotations / ".history" / DOC_ID).glob("*.json"))
    assert all(h.read_bytes() == original for h in history)  # the previous version is never lost

    if gold_file.read_bytes() == original:
        rerun = run_review(project, "import", str(export), "--annotator", "amina")
        assert rerun.returncode == 0, rerun.stderr
    else:  # it landed: the same export again is a conflict, but the next import first finishes the killed one's log
        rerun = run_review(project, "import", str(export), "--annotator", "amina", "--dry-run")
        assert rerun.returncode == 1 and "conflict" in rerun.stderr, rerun.stderr
    assert untimed(gold_file.read_bytes()) == untimed(expected)
    assert log_without_times(project.root) == log_without_times(twin) != []
    assert not (project.annotations / ".review-log.journal").exists()
    assert sorted(p.name for p in project.annotations.glob("*.json")) == sorted(p.name for p in (twin / "annotations").glob("*.json"))
