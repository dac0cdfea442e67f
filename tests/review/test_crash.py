"""SIGKILL during `qawl review import`: the annotation file is the old one or the new one,
never a mix or a torn write, and running the import again finishes the job."""

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

def after(owner, name):
    original = getattr(owner, name)
    def wrapper(*args, **kwargs):
        result = original(*args, **kwargs)
        os.killpg(os.getpgrp(), signal.SIGKILL)
        return result
    setattr(owner, name, wrapper)

if AT == "history-copied":
    after(store.shutil, "copy2")
elif AT == "new-version-written":
    after(store, "write_json")
elif AT == "replaced":
    after(store.os, "replace")
else:
    raise SystemExit(f"unknown kill point {AT}")

from qawl.cli import main
sys.argv = ["qawl", *sys.argv[1:]]
main()
"""

KILL_POINTS = ["history-copied", "new-version-written", "replaced"]


def untimed(layer_bytes: bytes) -> object:
    """A layer without its provenance times (an edit is stamped with the moment it is imported)."""
    layer = json.loads(layer_bytes)
    for kind in ("entities", "quotes", "stance"):
        for item in layer[kind]:
            item["provenance"].pop("time")
    return layer


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
    assert untimed(gold_file.read_bytes()) == untimed(expected)
    assert sorted(p.name for p in project.annotations.glob("*.json")) == sorted(p.name for p in (twin / "annotations").glob("*.json"))
