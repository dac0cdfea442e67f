"""What `.qawl-cache/` holds is checked before it is used: a corrupt entry is discarded with a
warning and recomputed, a cache that cannot be written only warns, and nothing wrong is published."""

from __future__ import annotations

import json
import logging
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from qawl import publish
from qawl.bench import synthetic_article
from qawl.build import DocumentTask, build_corpus
from qawl.ingest import iter_documents
from qawl.schema import Schemas
from tests.conftest import SEED_ID, invoke_qawl, tree_digest


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


def test_a_corrupted_cached_shard_is_discarded_with_a_warning_and_written_again(project, first_build, small_shards, tmp_path, caplog, monkeypatch) -> None:
    first_build(workers=1)
    shards = sorted((project.root / ".qawl-cache" / "shards").iterdir())
    assert len(shards) >= 3
    corrupted = shards[1]
    flip_byte(corrupted / "documents.parquet")
    written: list[Path] = []

    class CountingShard(publish.ParquetShard):  # the real writer, counted
        def __init__(self, path, schema):
            written.append(path)
            super().__init__(path, schema)

    monkeypatch.setattr(publish, "ParquetShard", CountingShard)
    with caplog.at_level(logging.WARNING):
        build_corpus(project, workers=1)
    assert len(written) == len(publish.CONFIGS)  # the corrupted shard's files; every other shard was copied
    assert tree_digest(project.corpus) == clean_build(project, tmp_path)
    assert cache_warnings(caplog) == [
        f"{corrupted}: corrupt cache entry (documents.parquet: sha256 differs from the one recorded when it was stored); discarded and computed again"
    ]
    # written again, whole: the next build copies it
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        build_corpus(project, workers=1)
    assert cache_warnings(caplog) == [] and tree_digest(project.corpus) == clean_build(project, tmp_path)


def test_a_corrupted_cache_entry_s_file_list_is_not_trusted(project, first_build, small_shards, tmp_path, caplog) -> None:
    """The recorded facts (rows, bytes, sha256) are checked too: an entry whose `entries.json` changed is discarded."""
    first_build(workers=1)
    entry = sorted((project.root / ".qawl-cache" / "shards").iterdir())[0]
    facts = entry / "entries.json"
    facts.write_text(facts.read_text(encoding="utf-8").replace('"rows": ', '"rows": 1', 1), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        build_corpus(project, workers=1)
    assert tree_digest(project.corpus) == clean_build(project, tmp_path)
    assert f"{entry}: corrupt cache entry (entries.json: sha256 differs" in caplog.text


def test_corrupted_cached_documents_are_discarded_with_a_warning_and_processed_again(project, first_build, small_shards, tmp_path, caplog) -> None:
    first_build(workers=1)
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


def test_a_corrupted_cached_plot_is_discarded_with_a_warning_and_drawn_again(project, first_build, tmp_path, caplog) -> None:
    first_build(workers=1)
    (entry,) = (project.root / ".qawl-cache" / "plots").iterdir()
    flip_byte(entry / "labels.png")
    with caplog.at_level(logging.WARNING):
        build_corpus(project, workers=1)
    assert cache_warnings(caplog) == [
        f"{entry}: corrupt cache entry (labels.png: sha256 differs from the one recorded when it was stored); discarded and computed again"
    ]
    assert tree_digest(project.corpus) == clean_build(project, tmp_path)


def test_build_check_sees_a_corpus_published_from_a_corrupted_cache(project, first_build) -> None:
    first_build(workers=1)  # shards of the default size, as the command's
    entry = sorted((project.root / ".qawl-cache" / "shards").iterdir())[0]
    flip_byte(entry / "documents.parquet")
    # what a build that trusted the cache published: the corrupted bytes, under the manifest's old sha256
    published = next(p for p in sorted((project.corpus / "documents").iterdir()) if p.read_bytes() == _unflipped(entry / "documents.parquet"))
    shutil.copyfile(entry / "documents.parquet", published)
    done = invoke_qawl("build", "--check", "--workers", "1", "--no-preannotate", cwd=project.root)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"corpus/documents/{published.name}: content differs" in done.stderr
    assert "corpus/ is out of date" in done.stderr and "Traceback" not in done.stderr


def _unflipped(path: Path) -> bytes:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    return bytes(data)


# one worker, without pre-annotation (spaCy's pipeline is not the point)
BUILD_OPTIONS = ("--workers", "1", "--no-preannotate")


def run_build(project, *args: str, preexec_fn=None) -> subprocess.CompletedProcess[str]:
    """`qawl build` through the command line, in a process of its own (`preexec_fn` sets its limits)."""
    return subprocess.run(
        [sys.executable, "-m", "qawl", "build", *BUILD_OPTIONS, *args],
        cwd=project.root, capture_output=True, text=True, timeout=600, preexec_fn=preexec_fn,
    )


@contextmanager
def read_only(directory: Path) -> Iterator[None]:
    """`directory` cannot be written to, even by root (immutable, as a read-only mount would be)."""
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(directory)], capture_output=True).returncode != 0:
            pytest.skip("chattr +i is not supported here")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(directory)], check=True)
    else:
        directory.chmod(0o555)
        try:
            yield
        finally:
            directory.chmod(0o755)


def test_a_cache_that_cannot_be_written_only_warns_and_the_corpus_is_published(project, tmp_path) -> None:
    cache = project.root / ".qawl-cache"
    cache.mkdir()
    with read_only(cache):
        done = invoke_qawl("build", *BUILD_OPTIONS, cwd=project.root)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    reason = "Operation not permitted" if os.geteuid() == 0 else "Permission denied"
    for kind in ("documents", "shards", "plots"):  # once each, not once per document
        warning = f"WARNING: {cache / kind}: cannot write to the cache ({reason}); the build goes on without storing what it computes\n"
        assert done.stderr.count(warning) == 1, done.stderr
    assert tree_digest(project.corpus) == clean_build(project, tmp_path)


def test_a_full_disk_under_the_cache_only_warns_and_the_corpus_is_published(project, first_build, tmp_path, caplog) -> None:
    """A real ENOSPC: each document's cache file is written through a link to /dev/full (this process's
    pid names the file it writes, which is renamed into place once whole)."""
    first_build(workers=1)
    documents = project.root / ".qawl-cache" / "documents"
    for entry in list(documents.iterdir()):
        entry.unlink()
        Path(f"{entry}.{os.getpid()}.partial").symlink_to("/dev/full")
    with caplog.at_level(logging.WARNING):
        build_corpus(project, workers=1)
    assert cache_warnings(caplog) == [
        f"{documents}: cannot write to the cache (No space left on device); the build goes on without storing what it computes"
    ]
    assert tree_digest(project.corpus) == clean_build(project, tmp_path)
    assert [p.name for p in documents.iterdir()] == []  # neither entries nor the links: a failed write leaves nothing


def test_a_corpus_file_that_cannot_be_written_is_named_and_corpus_is_left_untouched(project, build_once) -> None:
    """A file size limit (RLIMIT_FSIZE) makes the kernel refuse the write past it (EFBIG, "File too large"),
    as a full disk refuses it with ENOSPC: the same failed write, through the same code."""
    build_once(project, *BUILD_OPTIONS)
    before = tree_digest(project.corpus)

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills the writer
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    done = run_build(project, "--no-cache", preexec_fn=limit_file_size)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    staging = re.escape(str(project.root / ".corpus.building-"))
    assert re.search(
        rf"^error: {staging}\w+/\w+/(train|validation|test|silver)-00000\.parquet: cannot write the new corpus: File too large; {re.escape(str(project.corpus))} was left untouched$",
        done.stderr, re.MULTILINE,
    ), done.stderr
    assert tree_digest(project.corpus) == before
    assert not list(project.root.glob(".corpus.building-*"))


def test_the_document_cache_key_takes_any_input_the_checks_will_refuse(make_project) -> None:
    """Integers past 64 bits, lone surrogates (a sidecar's title may hold one): orjson refuses them, the key does not."""
    project = make_project(with_annotations=True)
    schemas = Schemas(project.schema_dir)
    (document,) = iter_documents(project.seeds, schemas, [])
    layer = json.loads((project.annotations / f"{SEED_ID}.json").read_text(encoding="utf-8"))

    def key(change_layer=lambda layer: None, title: str | None = None) -> str:
        changed = json.loads(json.dumps(layer))
        change_layer(changed)
        metadata = {**document.metadata, "title": title}
        task = DocumentTask(replace(document, metadata=metadata), changed, "", frozenset(), None, "code", None, str(project.schema_dir), None)
        return task.cache_key()

    keys = {
        key(),
        key(lambda layer: layer["entities"][0].update(start=2**64)),
        key(lambda layer: layer["entities"][0].update(start=2**64 + 1)),
        key(lambda layer: layer["entities"][0]["provenance"].update(annotator="\ud800")),
        key(title="\ud800"),
        key(title="\udc00"),
    }
    assert len(keys) == 6 and all(re.fullmatch("[0-9a-f]{64}", k) for k in keys)


def test_unused_cache_entries_that_cannot_be_removed_only_warn_after_publishing(project, tmp_path, build_once) -> None:
    build_once(project, *BUILD_OPTIONS)
    documents = project.root / ".qawl-cache" / "documents"
    changed = project.seeds / "synthetic-3.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "وقال مصدر رسمي إن الاجتماع انتهى.\n", encoding="utf-8")
    for entry in documents.iterdir():  # as if written by a build an hour ago: its entry is pruned once unused
        os.utime(entry, (entry.stat().st_mtime - 3600,) * 2)
    with read_only(documents):
        done = invoke_qawl("build", *BUILD_OPTIONS, cwd=project.root)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    reason = "Operation not permitted" if os.geteuid() == 0 else "Permission denied"
    assert f"WARNING: {documents}: cannot write to the cache ({reason}); the build goes on without storing what it computes\n" in done.stderr
    assert f"WARNING: {documents}: cannot remove 1 unused cache entries ({reason}); the corpus was published\n" in done.stderr
    assert tree_digest(project.corpus) == clean_build(project, tmp_path)
