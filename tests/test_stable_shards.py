"""Nothing that changes with every release is stored in the data files: a release whose data did not
change leaves every Parquet file byte-identical, and its version is in the manifest and card only."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from qawl import publish
from qawl.bench import synthetic_article
from qawl.build import build_corpus
from qawl.project import Project
from qawl.release import _set_version
from qawl.schema import Schemas
from qawl.validate import validate_corpus
from tests.conftest import invoke_qawl, tree_digest
from tests.layers import annotated, annotated_copy  # noqa: F401 (a fixture)
from tests.test_release import git, tag_first_release


def parquet_digests(corpus: Path) -> dict[str, str]:
    return {path: digest for path, digest in tree_digest(corpus).items() if path.endswith(".parquet")}


@pytest.mark.slow
def test_a_release_with_no_data_change_leaves_every_parquet_file_byte_identical(tmp_path) -> None:
    root = tmp_path / "repo"
    annotated_copy(root)
    tag_first_release(root)
    corpus = root / "corpus"
    before, card = parquet_digests(corpus), (corpus / "README.md").read_text(encoding="utf-8")
    assert len(before) == len(publish.CONFIGS)  # the seed's shard

    result = invoke_qawl("release", "patch", cwd=root)

    assert result.returncode == 0, result.stderr
    assert parquet_digests(corpus) == before
    assert json.loads((corpus / "manifest.json").read_text())["version"] == "0.1.1"
    assert "0.1.1" in (corpus / "README.md").read_text(encoding="utf-8") and "0.1.1" not in card
    assert "ner/" not in git(root, "show", "--stat", "--format=", "v0.1.1")  # the release commit holds no shard
    assert invoke_qawl("validate", "corpus", cwd=root).returncode == 0


def test_a_version_bump_reuses_every_cached_shard_and_they_are_those_a_clean_build_writes(make_project, monkeypatch, tmp_path) -> None:
    project = make_project()
    rng = random.Random(5)
    for n in range(4):
        (project.seeds / f"synthetic-{n}.txt").write_text(synthetic_article(rng, 12), encoding="utf-8")
    monkeypatch.setattr(publish, "SHARD_SIZE", publish.ShardSize(1, 2, 3))
    build_corpus(project, workers=1)
    cache = project.root / ".qawl-cache"
    cached = sorted(path.relative_to(cache).as_posix() for path in cache.glob("*/*"))
    _set_version(project.schema_dir / "dataset.json", "7.8.9")
    project = Project(project.root)  # re-read: the version changed

    manifest = build_corpus(project, workers=1)

    assert len([path for path in cached if path.startswith("shards/")]) >= 3
    assert sorted(path.relative_to(cache).as_posix() for path in cache.glob("*/*")) == cached  # every document and shard reused
    assert manifest["version"] == "7.8.9"
    clean = tmp_path / "clean"
    build_corpus(project, clean, workers=1, cache=False)
    assert parquet_digests(project.corpus) == parquet_digests(clean)
    assert validate_corpus(project.corpus, Schemas(project.schema_dir)) == []
    qawl = json.loads(pq.read_schema(next((project.corpus / "ner").glob("*.parquet"))).metadata[b"qawl"])
    assert qawl == {"config": "ner", "schema_version": manifest["schema_version"]}


def test_validate_checks_the_version_in_the_manifest(annotated, tmp_path) -> None:
    corpus = shutil.copytree(annotated.corpus, tmp_path / "corpus")
    manifest = json.loads((corpus / "manifest.json").read_text())
    (corpus / "manifest.json").write_text(json.dumps({**manifest, "version": "9.9.9"}), encoding="utf-8")

    problems = validate_corpus(corpus, Schemas(annotated.schema_dir))

    assert [str(p) for p in problems] == [
        f"{corpus / 'manifest.json'}: /version: '9.9.9', but schema/dataset.json says '{manifest['version']}': rebuild with qawl build"
    ]
