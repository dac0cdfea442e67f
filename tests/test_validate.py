"""qawl validate catches corrupted rows and spans whose offsets do not match their text."""

from __future__ import annotations

import json
import random
import tracemalloc

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from qawl import publish
from qawl.bench import synthetic_article
from qawl.build import build_corpus
from qawl.publish import file_sha256
from qawl.schema import Schemas
from qawl.validate import validate_corpus
from tests.conftest import run_qawl, run_qawl_on_a_terminal


@pytest.fixture
def corpus(make_project):
    project = make_project()
    assert run_qawl("build", cwd=project.root).returncode == 0
    return project


def rewrite_first_row(corpus_dir, change, config: str = "sentences") -> None:
    """Apply `change` to the first row of `config` and re-seal the manifest, as a careless edit would."""
    path = next((corpus_dir / config).glob("*.parquet"))
    table = pq.read_table(path)
    rows = table.to_pylist()
    change(rows[0])
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)
    manifest_path = corpus_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for entry in manifest["files"]:
        if entry["path"] == path.relative_to(corpus_dir).as_posix():
            entry["sha256"] = file_sha256(path)
    manifest_path.write_text(json.dumps(manifest))


def test_valid_corpus_passes(corpus) -> None:
    result, terminal = run_qawl_on_a_terminal("validate", "corpus", cwd=corpus.root)
    assert result.returncode == 0, terminal
    shards = {f["path"].rsplit("/", 1)[1] for f in json.loads((corpus.corpus / "manifest.json").read_text())["files"]}
    assert "validate: 100%" in terminal and f"{len(shards)}/{len(shards)} [" in terminal  # on a terminal, a bar over the shards


def test_span_whose_offsets_do_not_match_its_text(corpus) -> None:
    def shift(row):
        row["tokens"][2]["start"] += 1

    rewrite_first_row(corpus.corpus, shift)
    result = run_qawl("validate", "corpus", cwd=corpus.root)
    assert result.returncode == 1
    assert "row 0 /tokens/2" in result.stderr and "does not match" in result.stderr


def test_corrupted_row_is_reported_with_its_pointer(corpus) -> None:
    def corrupt(row):
        row["status"] = "approved"
        row["index"] = -3

    rewrite_first_row(corpus.corpus, corrupt)
    result = run_qawl("validate", "corpus", cwd=corpus.root)
    assert result.returncode == 1
    assert "row 0 /status" in result.stderr and "row 0 /index" in result.stderr


def test_file_changed_after_the_build(corpus) -> None:
    path = next((corpus.corpus / "documents").glob("*.parquet"))
    path.write_bytes(path.read_bytes() + b"\0")
    result = run_qawl("validate", "corpus", cwd=corpus.root)
    assert result.returncode == 1 and "sha256 differs" in result.stderr


def test_a_sentence_that_no_longer_points_into_its_document(corpus) -> None:
    rewrite_first_row(corpus.corpus, lambda row: row.update(text="«" + row["text"]), config="documents")
    result = run_qawl("validate", "corpus", cwd=corpus.root)
    assert result.returncode == 1 and "start/end do not point at this text in the document" in result.stderr


def test_a_sentence_whose_document_is_not_in_its_shard(corpus) -> None:
    shard = next((corpus.corpus / "documents").glob("*.parquet")).name
    rewrite_first_row(corpus.corpus, lambda row: row.update(doc_id="elsewhere"))
    result = run_qawl("validate", "corpus", cwd=corpus.root)
    assert result.returncode == 1
    assert f"document 'elsewhere' is not in documents/{shard}, the documents of this shard" in result.stderr


def test_validation_holds_one_shard_at_a_time(make_project, monkeypatch) -> None:
    monkeypatch.setattr(publish, "SHARD_SIZE", publish.ShardSize(1, 1, 1))
    project = make_project(with_seed=False)
    schemas = Schemas(project.schema_dir)
    rng = random.Random(5)

    def peak_after_adding(documents: int) -> int:
        for _ in range(documents):
            n = len(list(project.seeds.glob("*.txt")))
            (project.seeds / f"synthetic-{n}.txt").write_text(synthetic_article(rng, 30), encoding="utf-8")
        build_corpus(project, workers=1, cache=False)
        tracemalloc.start()
        try:
            assert validate_corpus(project.corpus, schemas) == []
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    two, eight = peak_after_adding(2), peak_after_adding(6)
    assert eight < 1.3 * two, (two, eight)  # four times the shards; keeping every shard's rows took 1.75 times the memory


def test_shards_checked_on_several_processes_give_the_same_problems(make_project, monkeypatch) -> None:
    monkeypatch.setattr(publish, "SHARD_SIZE", publish.ShardSize(1, 1, 1))
    project = make_project()
    rng = random.Random(9)
    for n in range(4):
        (project.seeds / f"synthetic-{n}.txt").write_text(synthetic_article(rng, 6), encoding="utf-8")
    build_corpus(project, workers=1, cache=False)
    manifest = json.loads((project.corpus / "manifest.json").read_text())
    sentence_files = [entry["path"] for entry in manifest["files"] if entry["config"] == "sentences"]
    assert len(sentence_files) == 5
    for path in sentence_files[1::2]:  # every other shard gets a row that breaks the schema
        table = pq.read_table(project.corpus / path)
        rows = table.to_pylist()
        rows[0]["index"] = -1
        pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), project.corpus / path)
    schemas = Schemas(project.schema_dir)
    alone = validate_corpus(project.corpus, schemas, workers=1)
    assert [p.file for p in alone if "/index" in p.place] == [str(project.corpus / path) for path in sentence_files[1::2]]
    assert validate_corpus(project.corpus, schemas, workers=2) == alone  # and in the same order
