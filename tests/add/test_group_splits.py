"""Near-duplicates stay in one split: `qawl add` groups them, and the build assigns a gold document's split
by its group, so a republished story cannot be in `train` and `test` at once."""

from __future__ import annotations

import json
import shutil

import pytest

from qawl.build import build_corpus
from qawl.project import Project
from qawl.schema import Schemas
from qawl.validate import validate_corpus
from tests.conftest import REPO, run_qawl
from tests.test_gold_splits import published
from tests.test_robustness_annotations import TARGETS, TEXT, valid_layer

STORIES = REPO / "tests" / "fixtures" / "near_duplicates"
# By the hash of their doc_ids alone, g01 goes to train and g08 to test (tests/test_gold_splits.py lists them).
ARTICLES = {"g01": "wire", "g08": "wire_changed_lead", "g10": "same_event_other_story"}


@pytest.fixture(scope="module")
def grouped(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """Three gold articles added with `qawl add`: a wire story, its copy with a changed lead, and another story."""
    root = tmp_path_factory.mktemp("grouped") / "project"
    shutil.copytree(REPO / "schema", root / "schema")
    (root / "annotations").mkdir(parents=True)
    (root / "annotations" / "targets.json").write_text(json.dumps(TARGETS), encoding="utf-8")
    incoming = root.parent / "incoming"
    incoming.mkdir()
    for doc_id, story in ARTICLES.items():
        (incoming / f"{doc_id}.txt").write_text((STORIES / f"{story}.txt").read_text(encoding="utf-8") + TEXT, encoding="utf-8")
    added = run_qawl("add", str(incoming), "--workers", "1", cwd=root)
    assert added.returncode == 0, added.stderr
    for doc_id in ARTICLES:
        text = (root / "seeds" / f"{doc_id}.txt").read_text(encoding="utf-8")
        (root / "annotations" / f"{doc_id}.json").write_text(json.dumps(valid_layer(doc_id, text), ensure_ascii=False), encoding="utf-8")
    project = Project(root)
    build_corpus(project, workers=1, preannotate=None)
    return project


def test_a_group_is_published_in_the_split_of_its_first_member(grouped: Project) -> None:
    sidecars = {doc_id: json.loads((grouped.seeds / f"{doc_id}.meta.json").read_text(encoding="utf-8")) for doc_id in ARTICLES}
    assert sidecars["g08"]["duplicate_group"] == "g01"
    assert "duplicate_group" not in sidecars["g01"] and "duplicate_group" not in sidecars["g10"]
    splits = {row["doc_id"]: split for (config, split), rows in published(grouped).items() if config == "documents" for row in rows}
    assert splits == {"g01": "train", "g08": "train", "g10": "test"}


def test_the_published_group_passes_validation(grouped: Project) -> None:
    assert validate_corpus(grouped.corpus, Schemas(grouped.schema_dir), 1) == []


def test_the_card_counts_groups_and_folded_articles(grouped: Project) -> None:
    card = " ".join((grouped.corpus / "README.md").read_text(encoding="utf-8").split())
    assert "form 1 group(s), into which 1 article(s) were folded" in card
