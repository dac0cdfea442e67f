"""Publish: rows → Parquet per config and split, the dataset card and the manifest.

Writing is streaming (a shard of documents at a time, in row groups of a fixed
size) and deterministic (same rows, same bytes). A build writes into a temporary
directory beside `corpus/` and swaps it into place only when complete.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from qawl.schema import Problem, Schemas
from qawl.tasks import derive_ner, derive_quotes, derive_stance

ROW_GROUP_SIZE = 2048
# Documents per Parquet shard: a rebuild rewrites the shards of changed documents only.
DOCUMENTS_PER_SHARD = 256
SPLIT_ORDER = ("train", "validation", "test")


Record = dict[str, Any]


@dataclass(frozen=True)
class ConfigSpec:
    """A published config: its name, the JSON Schema of its rows, and how a document's rows derive."""

    name: str
    schema: str
    description: str
    derive: Callable[[Record, list[Record]], list[Record]]  # (document row, sentence rows) → rows


CONFIGS = (
    ConfigSpec(
        "sentences",
        "sentence",
        "One row per sentence with tokens, entities, quotes and stance (default).",
        lambda document, sentences: sentences,
    ),
    ConfigSpec("documents", "document", "One row per article: full text and metadata.", lambda document, sentences: [document]),
    ConfigSpec("ner", "ner", "One row per annotated sentence: tokens and IOB2 entity tags.", derive_ner),
    ConfigSpec("quotes", "quote", "One row per quote: content, cue, speaker mention and entity, type.", derive_quotes),
    ConfigSpec("stance", "stance", "One row per holder, target and evidence: SemEval-2016 text, target, label.", derive_stance),
)
DEFAULT_CONFIG = "sentences"


def split_of(doc_id: str, shares: dict[str, int]) -> str:
    """The split of a document, from a stable hash of its id (never its position)."""
    bucket = int(hashlib.sha256(doc_id.encode()).hexdigest()[:8], 16) % sum(shares.values())
    for split in SPLIT_ORDER:
        if bucket < shares[split]:
            return split
        bucket -= shares[split]
    raise AssertionError("unreachable: shares cover every bucket")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def encode_records(schemas: Schemas, config: ConfigSpec, records: list[Record]) -> pa.Table:
    """Validated JSON records of one config as an Arrow table (ClassLabels as ids)."""
    table = pa.Table.from_pylist(records, schema=schemas.json_arrow_schema(config.schema))
    return schemas.encode_class_labels(config.schema, table)


def split_tables(tables: dict[str, pa.Table], rows: list[dict[str, int]]) -> list[dict[str, pa.Table]]:
    """Tables holding several documents' rows, one after another, sliced (zero-copy) into each document's own.

    `rows[i][config]` is how many rows of `config` document i has.
    """
    offsets = dict.fromkeys(tables, 0)
    parts = []
    for counts in rows:
        parts.append({name: table.slice(offsets[name], counts[name]) for name, table in tables.items()})
        offsets = {name: offsets[name] + counts[name] for name in tables}
    return parts


def write_parquet(path: Path, schema: pa.Schema, tables: list[pa.Table]) -> tuple[int, int]:
    """`tables`, in order, as one Parquet file in row groups of exactly ROW_GROUP_SIZE rows; (rows, Arrow bytes).

    Row-group boundaries depend only on the row count, never on how the rows
    arrived, so any batching (workers, engines, cache hits) gives the same bytes.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.concat_tables(tables) if tables else schema.empty_table()
    nbytes = 0
    with pq.ParquetWriter(path, schema, compression="zstd", write_statistics=True) as writer:
        for start in range(0, table.num_rows, ROW_GROUP_SIZE):
            # Parquet bytes depend on how a table is chunked: combining makes them depend on the rows alone
            group = table.slice(start, ROW_GROUP_SIZE).combine_chunks()
            nbytes += group.nbytes
            writer.write_table(group.replace_schema_metadata(schema.metadata), row_group_size=ROW_GROUP_SIZE)
    return table.num_rows, nbytes


def shard_path(config: str, split: str, shard: int) -> str:
    """Where shard `shard` of a config's split lives in the corpus, e.g. `ner/train-00001.parquet`."""
    return f"{config}/{split}-{shard:05d}.parquet"


class CorpusWriter:
    """Streams documents into `<out>/<config>/<split>-NNNNN.parquet` shards of DOCUMENTS_PER_SHARD documents.

    A shard is a pure function of its documents, so with `shard_cache` and a key
    per document (the hash of everything its output depends on: the build's
    document cache key), a shard whose documents all have the keys they had
    before is copied from the cache instead of being encoded again: a
    rebuild rewrites only the shards of the documents that changed. Memory is
    bounded by one shard per split.
    """

    def __init__(self, out_dir: Path, schemas: Schemas, version: str, schema_version: str, shard_cache: Path | None = None) -> None:
        self.out_dir = out_dir
        self.schemas = schemas
        self.version = version
        self.schema_version = schema_version
        self.shard_cache = shard_cache
        self._arrow = {c.name: self._arrow_schema(c) for c in CONFIGS}
        self._pending: dict[str, list[tuple[str | None, dict[str, pa.Table]]]] = {}
        self._shards: dict[str, int] = {}
        self._entries: list[dict[str, Any]] = []

    def _arrow_schema(self, config: ConfigSpec) -> pa.Schema:
        features = self.schemas.features(config.schema)
        metadata = {
            "huggingface": json.dumps({"info": {"features": features.to_dict()}}),
            "qawl": json.dumps({"config": config.name, "version": self.version, "schema_version": self.schema_version}),
        }
        return self.schemas.arrow_schema(config.schema, metadata=metadata)

    def add_document(self, split: str, tables: dict[str, pa.Table], key: str | None = None) -> None:
        """Queue one document's rows: an (already validated) table per config; `key` hashes them (None: never reuse)."""
        pending = self._pending.setdefault(split, [])
        pending.append((key, tables))
        if len(pending) == DOCUMENTS_PER_SHARD:
            self._write_shard(split)

    def _shard_key(self, documents: list[tuple[str | None, dict[str, pa.Table]]]) -> str | None:
        keys = [key for key, _ in documents]
        if self.shard_cache is None or None in keys:
            return None
        return hashlib.sha256(json.dumps([self.version, self.schema_version, keys]).encode()).hexdigest()

    def _write_shard(self, split: str) -> None:
        documents = self._pending.pop(split)
        shard = self._shards.get(split, 0)
        self._shards[split] = shard + 1
        key = self._shard_key(documents)
        cached = self.shard_cache / key if self.shard_cache is not None and key is not None else None
        if cached is not None and (cached / "entries.json").exists():
            entries = json.loads((cached / "entries.json").read_text(encoding="utf-8"))
            for config in CONFIGS:
                target = self.out_dir / shard_path(config.name, split, shard)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(cached / f"{config.name}.parquet", target)
        else:
            entries = {}
            for config in CONFIGS:
                path = self.out_dir / shard_path(config.name, split, shard)
                rows, nbytes = write_parquet(path, self._arrow[config.name], [tables[config.name] for _, tables in documents])
                entries[config.name] = {"rows": rows, "bytes": nbytes, "sha256": file_sha256(path)}
            if cached is not None:
                _store_shard(cached, entries, {c.name: self.out_dir / shard_path(c.name, split, shard) for c in CONFIGS})
        for config in CONFIGS:
            self._entries.append({"path": shard_path(config.name, split, shard), "config": config.name, "split": split, **entries[config.name]})

    def close(self) -> list[dict[str, Any]]:
        """Write the last, partial shards; returns the manifest entries in a fixed order.

        Every config gets a file in every shard, empty if none of its documents has
        rows for it, so each config loads with its features in every split.
        """
        for split in sorted(self._pending, key=SPLIT_ORDER.index):
            self._write_shard(split)
        return sorted(self._entries, key=lambda e: (e["config"], SPLIT_ORDER.index(e["split"]), e["path"]))


def _store_shard(cached: Path, entries: dict[str, Any], files: dict[str, Path]) -> None:
    """Copy a written shard into the cache; entries.json, written last and renamed, marks it complete."""
    cached.mkdir(parents=True, exist_ok=True)
    for name, path in files.items():
        shutil.copyfile(path, cached / f"{name}.parquet")
    partial = cached / f"entries.json.{os.getpid()}.partial"
    write_json(partial, entries)
    partial.replace(cached / "entries.json")


def verify_written(out_dir: Path, files: list[dict[str, Any]]) -> list[Problem]:
    """Re-open every written file: readable Parquet, with the rows the writer counted."""
    problems = []
    for entry in files:
        path = out_dir / entry["path"]
        try:
            rows = pq.ParquetFile(path).metadata.num_rows
        except (pa.ArrowException, OSError) as error:
            problems.append(Problem(str(path), "", f"written file is not readable Parquet: {error}"))
            continue
        if rows != entry["rows"]:
            problems.append(Problem(str(path), "", f"has {rows} rows, {entry['rows']} were written"))
    return problems


def write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8")


@contextmanager
def staging_directory(target: Path) -> Iterator[Path]:
    """A fresh directory beside `target`, removed unless it was swapped in."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp creates it private; the corpus is meant to be read by all
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


class Busy(Exception):
    """Another build holds the lock on the target directory."""


@contextmanager
def exclusive(target: Path) -> Iterator[None]:
    """Hold the build lock of `target` (a lock file beside it) for the duration."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.with_name(f".{target.name}.lock"), "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise Busy(f"another qawl build is writing {target}; wait for it to finish") from error
        yield


def recover(target: Path) -> None:
    """Undo a swap interrupted between its two renames; remove staging left by killed builds.

    Call it only while holding `exclusive(target)`, so no live build's staging is touched.
    """
    for leftover in target.parent.glob(f".{target.name}.building-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    previous = target.with_name(f".{target.name}.previous")
    if previous.exists():
        if target.exists():
            shutil.rmtree(previous)
        else:
            previous.rename(target)


def swap_into_place(staging: Path, target: Path) -> None:
    """Replace `target` by the finished `staging` directory (two renames; `recover` repairs a kill between them)."""
    previous = target.with_name(f".{target.name}.previous")
    if target.exists():
        target.rename(previous)
    staging.rename(target)
    if previous.exists():
        shutil.rmtree(previous)
    fsync(target.parent)


def fsync(path: Path) -> None:
    """Flush a file or a directory (its entries) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def tree_differences(expected: Path, actual: Path) -> list[str]:
    """Files that differ between two directory trees (relative paths, with the reason)."""
    def listing(root: Path) -> dict[str, Path]:
        return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()} if root.exists() else {}

    want, have = listing(expected), listing(actual)
    differences = [f"{name}: missing" for name in sorted(want.keys() - have.keys())]
    differences += [f"{name}: not produced by the sources" for name in sorted(have.keys() - want.keys())]
    differences += [
        f"{name}: content differs"
        for name in sorted(want.keys() & have.keys())
        if want[name].read_bytes() != have[name].read_bytes()
    ]
    return differences
