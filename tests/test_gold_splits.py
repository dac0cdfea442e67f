"""Evaluation splits of gold only: on a project of 60 documents of which 20 are gold, validation and test
hold gold rows only, silver documents are published in `silver`, a sidecar's pinned split is honoured,
and the card counts each split's gold documents, sentences and annotations."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from qawl.annotate import preannotator
from qawl.build import BuildError, build_corpus
from qawl.project import Project
from qawl.publish import CONFIGS
from qawl.schema import Schemas
from qawl.validate import read_rows
from tests.conftest import REPO, invoke_qawl
from tests.layers import annotated  # noqa: F401  (fixture)
from tests.test_robustness_annotations import TARGETS, seed_text, valid_layer

GOLD = [f"g{n:02d}" for n in range(20)]  # by their hash: g05, g09 in validation, g08, g10 in test, the others in train
SILVER = [f"s{n:02d}" for n in range(40)]  # eight of which hash to validation or test (s08, s10, ...)
PINNED = "g00"  # hashes to train; its sidecar pins it to test


def new_project(root: Path, gold: list[str], silver: list[str], pins: dict[str, str]) -> Project:
    """Gold documents with a valid layer, silver ones without, each with a sidecar (`pins`: its "split")."""
    shutil.copytree(REPO / "schema", root / "schema")
    (root / "seeds").mkdir()
    (root / "annotations").mkdir()
    (root / "annotations" / "targets.json").write_text(json.dumps(TARGETS), encoding="utf-8")
    for n, doc_id in enumerate(gold + silver):
        text = seed_text(n)
        (root / "seeds" / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        sidecar = {"publisher": "qawl tests", "license": "cc-by-4.0", **({"split": pins[doc_id]} if doc_id in pins else {})}
        (root / "seeds" / f"{doc_id}.meta.json").write_text(json.dumps(sidecar), encoding="utf-8")
        if doc_id in gold:
            (root / "annotations" / f"{doc_id}.json").write_text(json.dumps(valid_layer(doc_id, text), ensure_ascii=False), encoding="utf-8")
    return Project(root)


@pytest.fixture(scope="module")
def sixty(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = new_project(tmp_path_factory.mktemp("sixty") / "project", GOLD, SILVER, {PINNED: "test"})
    build_corpus(project, preannotate=preannotator(project.annotations))
    return project


def published(project: Project) -> dict[tuple[str, str], list[dict]]:
    """The rows of every config's split, read back from the manifest's files."""
    schemas = Schemas(project.schema_dir)
    manifest = json.loads((project.corpus / "manifest.json").read_text(encoding="utf-8"))
    schema_of = {config.name: config.schema for config in CONFIGS}
    rows: dict[tuple[str, str], list[dict]] = {}
    for entry in manifest["files"]:
        rows.setdefault((entry["config"], entry["split"]), []).extend(read_rows(project.corpus / entry["path"], schemas, schema_of[entry["config"]]))
    return rows


def test_validation_and_test_hold_gold_rows_only_and_silver_its_own_split(sixty: Project) -> None:
    rows = published(sixty)
    documents = {split: sorted(row["doc_id"] for row in rows.get(("documents", split), [])) for split in ("train", "validation", "test", "silver")}
    assert documents == {
        "train": sorted(set(GOLD) - {"g05", "g09", "g08", "g10", PINNED}),
        "validation": ["g05", "g09"],
        "test": [PINNED, "g08", "g10"],
        "silver": SILVER,
    }
    for split in ("train", "validation", "test"):
        assert {row["status"] for row in rows[("documents", split)]} == {"gold"}
        assert {row["status"] for row in rows[("sentences", split)] + rows[("ner", split)]} == {"gold"}
        assert {row["provenance"]["status"] for row in rows[("stance", split)] + rows[("quotes", split)]} == {"gold"}
    assert {row["status"] for row in rows[("sentences", "silver")]} == {"silver"}
    assert rows[("ner", "silver")], "the silver documents are pre-annotated"


def test_a_pinned_split_is_honoured_and_published(sixty: Project) -> None:
    rows = published(sixty)
    pinned = {row["doc_id"]: row["pinned_split"] for split in ("train", "validation", "test") for row in rows[("documents", split)] if row["pinned_split"]}
    assert pinned == {PINNED: "test"}
    assert {row["doc_id"] for row in rows[("ner", "test")]} == {PINNED, "g08", "g10"}


def test_the_card_counts_the_gold_of_each_split(sixty: Project) -> None:
    readme = (sixty.corpus / "README.md").read_text(encoding="utf-8")
    # each gold document: 3 sentences, 3 entities, 1 quote, 1 stance judgement (tests/test_robustness_annotations.py)
    assert "\n".join([
        "| split | gold documents | sentences | entities | quotes | stance judgements |",
        "|---|---|---|---|---|---|",
        "| train | 15 | 45 | 45 | 15 | 15 |",
        "| validation | 2 | 6 | 6 | 2 | 2 |",
        "| test | 3 | 9 | 9 | 3 | 3 |",
    ]) in readme
    assert "There is no evaluation split yet" not in readme
    assert "| `documents` | One row per article: full text and metadata. | 15 | 2 | 3 | 40 |" in readme


def test_pinning_a_silver_document_to_test_stops_the_build(tmp_path: Path) -> None:
    project = new_project(tmp_path / "project", ["g00"], ["s00"], {"s00": "test"})
    corpus_before = project.corpus.exists()
    with pytest.raises(BuildError) as failed:
        build_corpus(project, preannotate=preannotator(project.annotations))
    assert [str(p) for p in failed.value.problems] == [
        f"{project.seeds / 's00.meta.json'}: /split: pins the document to 'test', but it has no gold layer: a document that no one has "
        "reviewed is published in split 'silver'; review it (annotations/<doc_id>.json) or remove the pin"
    ]
    assert project.corpus.exists() == corpus_before


def test_an_export_of_an_empty_evaluation_split_is_an_error_not_an_empty_file(annotated, tmp_path: Path) -> None:
    out = tmp_path / "test.conll"
    result = invoke_qawl("export", "conll", "--split", "test", "--out", str(out), cwd=annotated.root)
    assert result.returncode == 2
    assert result.stderr == (
        f"error: {annotated.corpus / 'manifest.json'}: split test is empty: no human-reviewed (gold) document is in it yet: "
        "validation and test hold gold documents only; config 'ner', see README.md for what each split holds\n"
    )
    assert not out.exists()
    readme = (annotated.corpus / "README.md").read_text(encoding="utf-8")
    assert "**There is no evaluation split yet**: no human-reviewed document is in `validation` or `test`." in readme
    train = invoke_qawl("export", "conll", "--split", "train", "--out", str(tmp_path / "train.conll"), cwd=annotated.root)
    assert (train.returncode, train.stdout) == (0, f"wrote 12 sentence(s) to {tmp_path / 'train.conll'}\n")


def test_the_silver_split_files_are_parquet_with_the_same_features(sixty: Project) -> None:
    for config in CONFIGS:
        train, silver = (pq.read_schema(next(sixty.corpus.glob(f"{config.name}/{split}-*.parquet"))) for split in ("train", "silver"))
        assert silver.equals(train, check_metadata=True)


def test_a_pin_to_a_split_that_does_not_exist_is_refused_by_the_sidecar_schema(tmp_path: Path) -> None:
    project = new_project(tmp_path / "project", ["g00"], [], {"g00": "dev"})
    with pytest.raises(BuildError) as failed:
        build_corpus(project)
    assert [str(p) for p in failed.value.problems] == [
        f"{project.seeds / 'g00.meta.json'}: /split: 'dev' is not one of ['train', 'validation', 'test']"
    ]
