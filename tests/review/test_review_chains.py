"""Entity chains through review: Label Studio and brat exports and imports, curation, reanchoring, the HTML page.

Every test works on the seed's gold layer (12 chains, speakers in chains c5, c9, c11, c12).
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from qawl.project import Project
from tests.conftest import REPO, tree_digest
from tests.review.conftest import read_json, run_review
from tests.review.test_team_review import AMINA, OMAR, annotation, submitted, task_export

SEED = "000_c4096c0fdb543a3e"
GOLD_FILE = REPO / "annotations" / f"{SEED}.json"


@pytest.fixture
def seed_project(tmp_path: Path) -> Project:
    """A project holding the seed article and its gold layer."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "schema", root / "schema")
    (root / "seeds").mkdir()
    (root / "annotations").mkdir()
    for path in (REPO / "seeds").glob(f"{SEED}.*"):
        shutil.copy(path, root / "seeds" / path.name)
    shutil.copy(REPO / "annotations" / "targets.json", root / "annotations" / "targets.json")
    shutil.copy(GOLD_FILE, root / "annotations" / GOLD_FILE.name)
    return Project(root)


def gold() -> dict[str, Any]:
    return read_json(GOLD_FILE)


def speaker_chains(layer: dict[str, Any]) -> dict[str, str | None]:
    return {q["id"]: q["speaker"].get("chain") for q in layer["quotes"]}


def without(layer: dict[str, Any], entity_id: str) -> dict[str, Any]:
    """The layer without one entity's provenance (the one a review edits), for comparing the rest."""
    layer = copy.deepcopy(layer)
    for entity in layer["entities"]:
        if entity["id"] == entity_id:
            entity["provenance"] = None
    return layer


def relabelled(layer: dict[str, Any], entity_id: str, label: str) -> dict[str, Any]:
    layer = without(layer, entity_id)
    next(e for e in layer["entities"] if e["id"] == entity_id)["label"] = label
    return layer


def ls_export(project: Project) -> dict[str, Any]:
    assert run_review(project, "export", "--format", "label-studio", "--out", str(project.root / "ls")).returncode == 0
    return read_json(project.root / "ls" / "tasks.json")[0]


def ls_import(project: Project, tmp_path: Path, result: list[dict[str, Any]], task: dict[str, Any], name: str = "export.json"):
    path = tmp_path / name
    path.write_text(json.dumps(task_export(task, [annotation(1, AMINA, result)]), ensure_ascii=False), encoding="utf-8")
    return run_review(project, "import", str(path), "--annotator", "amina")


def labels(result: list[dict[str, Any]], rid: str) -> dict[str, Any]:
    return next(r for r in result if r.get("id") == rid and r["type"] == "labels")


def test_a_label_studio_import_with_an_edit_keeps_every_chain_and_speaker_chain(seed_project, tmp_path: Path) -> None:
    task = ls_export(seed_project)
    result = submitted(task)
    labels(result, "e39")["value"]["labels"] = ["EVENT"]  # الخميس, in no chain
    imported = ls_import(seed_project, tmp_path, result, task)
    assert imported.returncode == 0, imported.stderr
    assert f"{SEED}: 1 edited" in imported.stdout
    layer = read_json(seed_project.annotations / GOLD_FILE.name)
    assert layer["chains"] == gold()["chains"]
    assert speaker_chains(layer) == speaker_chains(gold()) and speaker_chains(layer)["q1"] == "c5"
    assert without(layer, "e39") == relabelled(gold(), "e39", "EVENT")


def test_a_brat_import_with_an_edit_keeps_every_chain_and_speaker_chain(seed_project) -> None:
    out = seed_project.root / "brat"
    assert run_review(seed_project, "export", "--format", "brat", "--out", str(out)).returncode == 0
    ann = out / f"{SEED}.ann"
    e39 = next(e for e in gold()["entities"] if e["id"] == "e39")
    text = ann.read_text(encoding="utf-8").replace(f"\tDATE {e39['start']} {e39['end']}\t", f"\tEVENT {e39['start']} {e39['end']}\t")
    ann.write_text(text, encoding="utf-8")
    imported = run_review(seed_project, "import", str(ann), "--annotator", "layla")
    assert imported.returncode == 0, imported.stderr
    assert f"{SEED}: 1 edited" in imported.stdout
    layer = read_json(seed_project.annotations / GOLD_FILE.name)
    assert layer["chains"] == gold()["chains"]
    assert without(layer, "e39") == relabelled(gold(), "e39", "EVENT")


def test_curation_keeps_the_chains_both_annotators_agree_on_and_their_speaker_chains(seed_project, tmp_path: Path) -> None:
    task = ls_export(seed_project)
    omar = submitted(task)
    labels(omar, "e39")["value"]["labels"] = ["EVENT"]
    path = tmp_path / "double.json"
    path.write_text(json.dumps(task_export(task, [annotation(1, AMINA, submitted(task)), annotation(2, OMAR, omar)]), ensure_ascii=False), encoding="utf-8")
    assert run_review(seed_project, "import", str(path)).returncode == 0
    listed = run_review(seed_project, "curate", SEED, "--curator", "lead")
    assert listed.returncode == 0, listed.stderr
    decisions_file = seed_project.annotations / "passes" / f"{SEED}.decisions.json"
    decisions = read_json(decisions_file)
    assert [(d["what"], d["text"]) for d in decisions["disagreements"]] == [("entity", "الخميس")]
    decisions["disagreements"][0]["choice"] = "omar@example.org"
    decisions_file.write_text(json.dumps(decisions, ensure_ascii=False), encoding="utf-8")
    curated = run_review(seed_project, "curate", SEED, "--curator", "lead")
    assert curated.returncode == 0, curated.stderr
    layer = read_json(seed_project.annotations / GOLD_FILE.name)
    assert [(c["id"], c["name"], c["entities"]) for c in layer["chains"]] == [(c["id"], c["name"], c["entities"]) for c in gold()["chains"]]
    assert speaker_chains(layer) == speaker_chains(gold())
