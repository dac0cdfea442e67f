"""Ingest at scale: what the stream keeps between articles, and duplicates found after it."""

from __future__ import annotations

import hashlib
import tracemalloc
from pathlib import Path

import pytest

from qawl import ingest
from qawl.ingest import count_seeds, iter_documents
from qawl.schema import Schemas
from tests.conftest import REPO


@pytest.fixture(scope="module")
def schemas() -> Schemas:
    return Schemas(REPO / "schema")


def write_seeds(seeds: Path, count: int, first: int = 0) -> None:
    seeds.mkdir(exist_ok=True)
    for n in range(first, first + count):
        (seeds / f"news-{n:07d}.txt").write_text(f"قال المتحدث إن الاجتماع رقم {n} انتهى.\n", encoding="utf-8")


def traced_peak(seeds: Path, schemas: Schemas) -> int:
    """Peak bytes Python allocates while streaming every document of `seeds` (each dropped once read)."""
    tracemalloc.start()
    try:
        problems: list = []
        for _ in iter_documents(seeds, schemas, problems):
            pass
        assert problems == []
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_streaming_keeps_only_a_few_bytes_per_article(tmp_path, schemas) -> None:
    # The kept part: each name in the sorted list (about 70 bytes for these names) and 12 bytes of
    # hash prefix and position. Path objects per article cost ten times that on Python 3.11, which
    # interns every name pathlib parses for the life of the process.
    seeds = tmp_path / "seeds"
    write_seeds(seeds, 2000)
    small = traced_peak(seeds, schemas)
    write_seeds(seeds, 8000, first=2000)
    large = traced_peak(seeds, schemas)
    assert count_seeds(seeds) == 10_000
    per_article = (large - small) / 8000
    assert per_article < 150, f"{per_article:.0f} bytes kept per article"


def test_hash_prefixes_that_collide_are_told_apart_by_the_full_hash(tmp_path, schemas, monkeypatch) -> None:
    # Every text's digest starts with the same 8 bytes, so every article is a duplicate candidate.
    monkeypatch.setattr(ingest, "_text_digest", lambda text: bytes(8) + hashlib.sha256(text.encode()).digest())
    seeds = tmp_path / "seeds"
    write_seeds(seeds, 4)
    (seeds / "news-0000009.txt").write_bytes((seeds / "news-0000001.txt").read_bytes().replace(b"\n", b"\r\n"))
    problems: list = []
    doc_ids = [document.doc_id for document in iter_documents(seeds, schemas, problems)]
    assert doc_ids == ["news-0000000", "news-0000001", "news-0000002", "news-0000003", "news-0000009"]  # reported, not dropped
    assert [(p.file, p.message) for p in problems] == [
        (str(seeds / "news-0000009.txt"), f"same article text as {seeds / 'news-0000001.txt'}; remove one of the two")
    ]
