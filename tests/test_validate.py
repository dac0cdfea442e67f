"""qawl validate catches corrupted rows and spans whose offsets do not match their text."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from qawl.publish import file_sha256
from tests.conftest import run_qawl


@pytest.fixture
def corpus(make_project):
    project = make_project()
    assert run_qawl("build", cwd=project.root).returncode == 0
    return project


def rewrite_first_row(corpus_dir, change) -> None:
    """Apply `change` to the first sentence row and re-seal the manifest, as a careless edit would."""
    path = next((corpus_dir / "sentences").glob("*.parquet"))
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
    result = run_qawl("validate", "corpus", cwd=corpus.root)
    assert result.returncode == 0, result.stderr


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
