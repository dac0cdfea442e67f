"""A self-contained corpus/: the target inventory, the label maps, the guidelines and the schemas travel
with the data, listed in the manifest with their sha256, and `qawl export` works on a copy of corpus/ alone."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import datasets
import pytest

from qawl.build import build_corpus
from qawl.project import Project
from tests.conftest import REPO, invoke_qawl
from tests.layers import annotated_copy

RESOURCES = ["GUIDELINES.md", "LICENSE.md", "labels.json", "targets.json"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The seed with its gold test layer, the repository's target inventory and guidelines, built."""
    project = annotated_copy(tmp_path_factory.mktemp("contained") / "project")
    shutil.copy(REPO / "annotations" / "GUIDELINES.md", project.annotations / "GUIDELINES.md")
    build_corpus(project)
    return project


@pytest.fixture
def downloaded(project: Project, tmp_path: Path) -> Path:
    """A copy of corpus/ alone, in a directory with no qawl project above it."""
    copy = tmp_path / "downloaded" / "qawl-corpus"
    shutil.copytree(project.corpus, copy)
    return copy


def test_the_inventory_and_guidelines_are_copies_and_every_resource_is_in_the_manifest(project: Project) -> None:
    corpus = project.corpus
    assert (corpus / "targets.json").read_bytes() == (project.annotations / "targets.json").read_bytes()
    assert (corpus / "GUIDELINES.md").read_bytes() == (project.annotations / "GUIDELINES.md").read_bytes()
    for schema in project.schema_dir.glob("*.json"):
        assert (corpus / "schema" / schema.name).read_bytes() == schema.read_bytes()
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    listed = {entry["path"]: entry for entry in manifest["resources"]}
    expected = RESOURCES + sorted(f"schema/{p.name}" for p in project.schema_dir.glob("*.json"))
    assert sorted(listed) == sorted(expected)
    for path, entry in listed.items():
        data = (corpus / path).read_bytes()
        assert (entry["sha256"], entry["bytes"]) == (hashlib.sha256(data).hexdigest(), len(data))


def test_labels_json_holds_every_class_label_in_the_order_of_the_features(project: Project) -> None:
    labels = json.loads((project.corpus / "labels.json").read_text(encoding="utf-8"))
    ner = datasets.load_dataset(str(project.corpus), "ner")["train"]
    stance = datasets.load_dataset(str(project.corpus), "stance")["train"]
    assert labels["class_labels"]["ner"]["ner_tags"] == ner.features["ner_tags"].feature.names
    assert labels["class_labels"]["ner"]["ner_tags"][:3] == ["O", "B-PERSON", "I-PERSON"]
    assert labels["class_labels"]["stance"]["label"] == stance.features["label"].names == ["FAVOR", "AGAINST", "NONE"]
    assert labels["class_labels"]["sentences"]["entities.label"] == ["PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "EVENT", "DATE"]
    assert labels["class_labels"]["quotes"]["type"] == ["direct", "indirect", "mixed"]
    assert labels["conll_entity_classes"]["GPE"] == "LOC" and labels["conll_entity_classes"]["DATE"] is None
    # tweet_eval's stance: 0 none, 1 against, 2 favor
    assert labels["stance_labels"]["tweet_eval_stance_ids"] == {"FAVOR": 2, "AGAINST": 1, "NONE": 0}


def test_stance_rows_carry_their_target_s_names_and_the_card_its_definition(project: Project) -> None:
    inventory = {t["id"]: t for t in json.loads((project.annotations / "targets.json").read_text(encoding="utf-8"))["targets"]}
    stance = datasets.load_dataset(str(project.corpus), "stance")["train"]
    assert len(stance) == 2  # the test layer's (tests/layers.py)
    for row in stance:
        target = inventory[row["target"]]
        assert (row["target_name_ar"], row["target_name_en"]) == (target["name_ar"], target["name_en"])
    readme = (project.corpus / "README.md").read_text(encoding="utf-8")
    presence = inventory["us_coalition_presence_iraq"]
    assert f"- `us_coalition_presence_iraq`: **{presence['name_en']}** ({presence['name_ar']}). {presence['definition']}" in readme
    assert "`label` ids are FAVOR=0, AGAINST=1, NONE=2." in readme
    assert "qawl id → tweet_eval id is 0→2, 1→1, 2→0" in readme
    for name in RESOURCES:
        assert f"[`{name}`]({name})" in readme


def test_export_works_on_a_copy_of_the_corpus_alone(project: Project, downloaded: Path) -> None:
    inside = downloaded.parent / "inside.conll"
    assert invoke_qawl("export", "conll", "--out", str(inside), cwd=project.root).returncode == 0
    for config_args, name in [(("conll",), "x.conll"), (("conll", "--tagset", "conll"), "x4.conll"), (("jsonl", "--config", "stance"), "s.jsonl")]:
        result = invoke_qawl("export", *config_args, "--corpus", str(downloaded), "--out", name, cwd=downloaded.parent)
        assert result.returncode == 0, result.stderr
    assert (downloaded.parent / "x.conll").read_bytes() == inside.read_bytes()
    assert "B-LOC" in (downloaded.parent / "x4.conll").read_text(encoding="utf-8")
    rows = [json.loads(line) for line in (downloaded.parent / "s.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 2 and rows[0]["label"] in ("FAVOR", "AGAINST", "NONE") and rows[0]["target_name_en"]
    spacy = invoke_qawl("export", "spacy", "--corpus", str(downloaded), "--out", "x.spacy", cwd=downloaded.parent)
    assert (spacy.returncode, spacy.stdout) == (0, "wrote 12 doc(s) to x.spacy\n"), spacy.stderr


def test_export_on_a_directory_that_is_not_a_corpus_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = invoke_qawl("export", "conll", "--corpus", str(tmp_path / "empty"), "--out", "x.conll", cwd=tmp_path)
    assert result.returncode == 1
    assert f"{tmp_path / 'empty'}: no manifest.json: not a qawl corpus directory" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "x.conll").exists()


def test_validate_finds_a_changed_resource(project: Project, downloaded: Path) -> None:
    labels = downloaded / "labels.json"
    labels.write_text(labels.read_text(encoding="utf-8").replace('"FAVOR": 2', '"FAVOR": 0'), encoding="utf-8")
    (downloaded / "schema" / "targets.schema.json").unlink()
    result = invoke_qawl("validate", str(downloaded), cwd=project.root)
    assert result.returncode == 1
    assert f"error: {labels}: sha256 differs from manifest.json: the file was changed after the build" in result.stderr
    assert f"error: {downloaded / 'schema' / 'targets.schema.json'}: listed in manifest.json but missing" in result.stderr
