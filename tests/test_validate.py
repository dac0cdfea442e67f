"""qawl validate catches corrupted rows and spans whose offsets do not match their text."""

from __future__ import annotations

import json
import random
import shutil
import tracemalloc

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from qawl import publish
from qawl.bench import synthetic_article
from qawl.build import build_corpus
from qawl.publish import file_sha256
from qawl.schema import Problem, Schemas
from qawl.validate import validate_corpus
from tests.conftest import invoke_qawl, run_qawl_on_a_terminal


@pytest.fixture
def corpus(make_project, build_once):
    project = make_project()
    build_once(project)
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
    result = invoke_qawl("validate", "corpus", cwd=corpus.root)
    assert result.returncode == 1
    assert "row 0 /tokens/2" in result.stderr and "does not match" in result.stderr


def test_corrupted_row_is_reported_with_its_pointer(corpus) -> None:
    def corrupt(row):
        row["status"] = "approved"
        row["index"] = -3

    rewrite_first_row(corpus.corpus, corrupt)
    result = invoke_qawl("validate", "corpus", cwd=corpus.root)
    assert result.returncode == 1
    assert "row 0 /status" in result.stderr and "row 0 /index" in result.stderr


def test_file_changed_after_the_build(corpus) -> None:
    path = next((corpus.corpus / "documents").glob("*.parquet"))
    path.write_bytes(path.read_bytes() + b"\0")
    result = invoke_qawl("validate", "corpus", cwd=corpus.root)
    assert result.returncode == 1 and "sha256 differs" in result.stderr


def test_a_sentence_that_no_longer_points_into_its_document(corpus) -> None:
    rewrite_first_row(corpus.corpus, lambda row: row.update(text="«" + row["text"]), config="documents")
    result = invoke_qawl("validate", "corpus", cwd=corpus.root)
    assert result.returncode == 1 and "start/end do not point at this text in the document" in result.stderr


def test_a_sentence_whose_document_is_not_in_its_shard(corpus) -> None:
    shard = next((corpus.corpus / "documents").glob("*.parquet")).name
    rewrite_first_row(corpus.corpus, lambda row: row.update(doc_id="elsewhere"))
    result = invoke_qawl("validate", "corpus", cwd=corpus.root)
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


def built_with_synthetic_articles(project, articles: int, sentences: int, seed: int):
    """`project` with this many synthetic articles more, built."""
    rng = random.Random(seed)
    for n in range(articles):
        (project.seeds / f"synthetic-{n:02d}.txt").write_text(synthetic_article(rng, sentences), encoding="utf-8")
    build_corpus(project, workers=1, cache=False)
    return project


def test_shards_checked_on_several_processes_give_the_same_problems(make_project, monkeypatch) -> None:
    monkeypatch.setattr(publish, "SHARD_SIZE", publish.ShardSize(1, 1, 1))
    project = built_with_synthetic_articles(make_project(), 4, 6, seed=9)
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


def reseal(corpus_dir, *paths) -> None:
    """Write the sha256 of these files into the manifest, as someone covering an edit would."""
    manifest_path = corpus_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for entry in manifest["files"]:
        if corpus_dir / entry["path"] in paths:
            entry["sha256"] = file_sha256(corpus_dir / entry["path"])
    manifest_path.write_text(json.dumps(manifest))


def test_a_bit_flipped_shard_is_a_problem_of_its_file_never_an_exception(corpus) -> None:
    """A flipped bit anywhere in a shard: invalid UTF-8, a broken structure, a bad footer, another letter in the text.
    Each is reported with its file (and what it breaks elsewhere, such as sentences no longer in their document's text)."""
    schemas = Schemas(corpus.schema_dir)
    for config in ("sentences", "documents"):
        path = next((corpus.corpus / config).glob("*.parquet"))
        original = path.read_bytes()
        for at in range(0, len(original), len(original) // 97):
            flipped = bytearray(original)
            flipped[at] ^= 0x01
            path.write_bytes(bytes(flipped))
            problems = validate_corpus(corpus.corpus, schemas)
            assert Problem(str(path), "", "sha256 differs from manifest.json: the file was changed after the build") in problems, (config, at)
        path.write_bytes(original)
    assert validate_corpus(corpus.corpus, schemas) == []


def test_files_the_manifest_does_not_list_are_refused(corpus) -> None:
    listed = next((corpus.corpus / "sentences").glob("*.parquet"))
    strays = [corpus.corpus / "run.sh", corpus.corpus / "sentences" / "extra.parquet", corpus.corpus / "plots" / "notes.txt"]
    strays[0].write_text("#!/bin/sh\nrm -rf ~\n")
    shutil.copyfile(listed, strays[1])
    strays[2].write_text("draft")
    result = invoke_qawl("validate", "corpus", cwd=corpus.root)
    assert result.returncode == 1
    for stray in strays:
        assert f"error: {stray.relative_to(corpus.root)}: not listed in manifest.json, nor a file qawl build writes beside the shards" in result.stderr
    assert "3 problem(s)" in result.stderr


def test_edited_feature_metadata_is_refused_even_with_a_fixed_up_manifest(corpus) -> None:
    """Two entity labels swapped in the HF features: every id would load as the other label."""
    path = next((corpus.corpus / "ner").glob("*.parquet"))
    table = pq.read_table(path)
    metadata = dict(table.schema.metadata)
    metadata[b"huggingface"] = metadata[b"huggingface"].replace(b'"B-PERSON", "I-PERSON"', b'"B-ORG", "I-ORG"', 1)
    pq.write_table(table.replace_schema_metadata(metadata), path, compression="zstd")
    reseal(corpus.corpus, path)
    result = invoke_qawl("validate", "corpus", cwd=corpus.root)
    assert result.returncode == 1, result.stderr
    assert f"error: {path.relative_to(corpus.root)}: metadata huggingface: differs from what schema/ derives" in result.stderr


@pytest.fixture
def sharded(make_project, monkeypatch):
    """A corpus of 14 articles in shards of about two documents: the gold seed in train, 13 without gold in silver."""
    monkeypatch.setattr(publish, "SHARD_SIZE", publish.ShardSize(1, 2, 3))
    return built_with_synthetic_articles(make_project(with_annotations=True), 13, 3, seed=4)


def swap_shards(corpus_dir, first: str, second: str) -> None:
    """Swap two shards (every config's file) and their manifest entries' facts: the manifest still matches every file."""
    manifest_path = corpus_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for config in publish.CONFIGS:
        a, b = corpus_dir / config.name / first, corpus_dir / config.name / second
        a_bytes = a.read_bytes()
        a.write_bytes(b.read_bytes())
        b.write_bytes(a_bytes)
        entry = {e["path"]: e for e in manifest["files"]}
        ea, eb = entry[f"{config.name}/{first}"], entry[f"{config.name}/{second}"]
        for fact in ("rows", "bytes", "sha256"):
            ea[fact], eb[fact] = eb[fact], ea[fact]
    manifest_path.write_text(json.dumps(manifest))


def test_swapped_shards_of_a_split_are_refused_even_with_a_fixed_up_manifest(sharded) -> None:
    schemas = Schemas(sharded.schema_dir)
    assert validate_corpus(sharded.corpus, schemas) == []
    assert (sharded.corpus / "documents" / "silver-00001.parquet").exists()
    first = pq.read_table(sharded.corpus / "documents" / "silver-00000.parquet")["doc_id"].to_pylist()
    swap_shards(sharded.corpus, "silver-00000.parquet", "silver-00001.parquet")
    problems = validate_corpus(sharded.corpus, schemas)
    assert [str(p) for p in problems] == [
        f"{sharded.corpus / 'documents' / 'silver-00001.parquet'}: row 0 /doc_id: document {first[0]!r} comes after {'documents/silver-00000.parquet'}'s last: the shards are out of order"
    ]


def test_shards_swapped_between_splits_are_refused_even_with_a_fixed_up_manifest(sharded) -> None:
    schemas = Schemas(sharded.schema_dir)
    other = next(p.name for p in sorted((sharded.corpus / "documents").iterdir()) if not p.name.startswith("train-"))
    other_ids = pq.read_table(sharded.corpus / "documents" / other)["doc_id"].to_pylist()
    swap_shards(sharded.corpus, "train-00000.parquet", other)
    problems = validate_corpus(sharded.corpus, schemas)
    moved = sharded.corpus / "documents" / "train-00000.parquet"
    split = other.split("-")[0]
    assert [str(p) for p in problems if p.file == str(moved)] == [
        f"{moved}: row {n} /doc_id: document {doc_id!r} belongs to split {split!r}, not 'train'" for n, doc_id in enumerate(other_ids)
    ]


@pytest.fixture
def gold_corpus(make_project, build_once):
    project = make_project(with_annotations=True)
    build_once(project)
    return project


@pytest.mark.parametrize(
    ("config", "field", "value"),
    [("attributions", "direct", 3), ("quotes", "speaker_name", "حيدر اللامي")],
)
def test_a_task_row_that_its_sentences_do_not_give_is_refused_even_with_a_fixed_up_manifest(gold_corpus, config, field, value) -> None:
    """The seed's embassy (chain c5) said one direct quote: a row saying otherwise is not what its sentences give."""
    first = pq.read_table(next((gold_corpus.corpus / config).glob("*.parquet"))).to_pylist()[0]
    assert (first["speaker_name"] if config == "quotes" else first["name"]) == "السفارة الأميركية"

    def change(row):
        row[field] = value

    rewrite_first_row(gold_corpus.corpus, change, config)
    result = invoke_qawl("validate", "corpus", cwd=gold_corpus.root)
    assert result.returncode == 1, result.stderr
    assert f"error: {config}/train-00000.parquet: row 0 /{field}: " in result.stderr.replace(str(gold_corpus.corpus.relative_to(gold_corpus.root)) + "/", "")
    assert "what the sentences give" in result.stderr


def test_a_stance_row_whose_target_name_is_not_the_shipped_inventory_s_is_refused(gold_corpus) -> None:
    def rename(row):
        row["target_name_en"] = "Something else"

    rewrite_first_row(gold_corpus.corpus, rename, "stance")
    result = invoke_qawl("validate", "corpus", cwd=gold_corpus.root)
    assert result.returncode == 1, result.stderr
    assert "stance/train-00000.parquet: row 0 /target_name_en: 'Something else' is not what the sentences give: " in result.stderr
