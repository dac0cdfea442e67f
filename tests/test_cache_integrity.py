"""What `.qawl-cache/` holds is checked before it is used: a corrupt entry is discarded with a
warning and recomputed, a cache that cannot be written only warns, and nothing wrong is published."""

from __future__ import annotations

import logging
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from qawl import publish
from qawl.bench import synthetic_article
from qawl.build import build_corpus
from tests.conftest import tree_digest


@pytest.fixture
def project(make_project):
    """Seven articles."""
    project = make_project()
    rng = random.Random(3)
    for n in range(6):
        (project.seeds / f"synthetic-{n}.txt").write_text(synthetic_article(rng, 12), encoding="utf-8")
    return project


@pytest.fixture
def small_shards(monkeypatch) -> None:
    """Shards of about two documents, so that a rebuild copies most shards from the cache."""
    monkeypatch.setattr(publish, "SHARD_SIZE", publish.ShardSize(1, 2, 3))


def flip_byte(path: Path, at: float = 0.5) -> None:
    """Invert one byte of `path`, at fraction `at` of its length, as a failing disk would."""
    data = bytearray(path.read_bytes())
    data[int(len(data) * at)] ^= 0xFF
    path.write_bytes(bytes(data))


def cache_warnings(caplog) -> list[str]:
    """The warnings about the cache (not, say, the seeds' missing sidecars)."""
    return sorted(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and r.name != "qawl.ingest")


def clean_build(project, tmp_path: Path) -> dict[str, str]:
    clean = tmp_path / "clean"
    build_corpus(project, clean, workers=1, cache=False)
    return tree_digest(clean)


def test_a_corrupted_cached_shard_is_discarded_with_a_warning_and_written_again(project, small_shards, tmp_path, caplog) -> None:
    build_corpus(project, workers=1)
    shards = sorted((project.root / ".qawl-cache" / "shards").iterdir())
    assert len(shards) >= 3
    corrupted = shards[1]
    flip_byte(corrupted / "documents.parquet")
    with caplog.at_level(logging.WARNING):
        build_corpus(project, workers=1)
    assert tree_digest(project.corpus) == clean_build(project, tmp_path)
    assert cache_warnings(caplog) == [
        f"{corrupted}: corrupt cache entry (documents.parquet: sha256 differs from the one recorded when it was stored); discarded and computed again"
    ]
    # written again, whole: the next build copies it
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        build_corpus(project, workers=1)
    assert cache_warnings(caplog) == [] and tree_digest(project.corpus) == clean_build(project, tmp_path)


def test_a_corrupted_cache_entry_s_file_list_is_not_trusted(project, small_shards, tmp_path, caplog) -> None:
    """The recorded facts (rows, bytes, sha256) are checked too: an entry whose `entries.json` changed is discarded."""
    build_corpus(project, workers=1)
    entry = sorted((project.root / ".qawl-cache" / "shards").iterdir())[0]
    facts = entry / "entries.json"
    facts.write_text(facts.read_text(encoding="utf-8").replace('"rows": ', '"rows": 1', 1), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        build_corpus(project, workers=1)
    assert tree_digest(project.corpus) == clean_build(project, tmp_path)
    assert f"{entry}: corrupt cache entry (entries.json: sha256 differs" in caplog.text


def test_corrupted_cached_documents_are_discarded_with_a_warning_and_processed_again(project, small_shards, tmp_path, caplog) -> None:
    build_corpus(project, workers=1)
    entries = sorted((project.root / ".qawl-cache" / "documents").iterdir())
    assert len(entries) == 7
    flip_byte(entries[0], 0.9)  # in the compressed rows
    flip_byte(entries[1], 0.02)  # in the JSON header
    entries[2].write_bytes(entries[2].read_bytes()[:5])  # cut short
    shutil.rmtree(project.root / ".qawl-cache" / "shards")  # so that every document's rows are needed
    with caplog.at_level(logging.WARNING):
        build_corpus(project, workers=1)
    assert tree_digest(project.corpus) == clean_build(project, tmp_path)
    assert cache_warnings(caplog) == [f"{entry}: corrupt cache entry (checksum differs); discarded and computed again" for entry in entries[:3]]
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        build_corpus(project, workers=1)  # stored again: used, with nothing to say
    assert cache_warnings(caplog) == []


def test_build_check_sees_a_corpus_published_from_a_corrupted_cache(project) -> None:
    build_corpus(project, workers=1)  # shards of the default size, as the command's
    entry = sorted((project.root / ".qawl-cache" / "shards").iterdir())[0]
    flip_byte(entry / "documents.parquet")
    # what a build that trusted the cache published: the corrupted bytes, under the manifest's old sha256
    published = next(p for p in sorted((project.corpus / "documents").iterdir()) if p.read_bytes() == _unflipped(entry / "documents.parquet"))
    shutil.copyfile(entry / "documents.parquet", published)
    done = subprocess.run(
        [sys.executable, "-m", "qawl", "build", "--check", "--workers", "1", "--no-preannotate"],
        cwd=project.root, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"corpus/documents/{published.name}: content differs" in done.stderr
    assert "corpus/ is out of date" in done.stderr and "Traceback" not in done.stderr


def _unflipped(path: Path) -> bytes:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    return bytes(data)
