"""Publish: rows → Parquet per config and split, the dataset card and the manifest.

Writing is streaming (a shard of documents at a time, in row groups of a fixed
size) and deterministic (same rows, same bytes). A build writes into a temporary
directory beside `corpus/` and swaps it into place only when complete.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from qawl.schema import Problem, Schemas, schemas_in
from qawl.tasks import derive_attributions, derive_ner, derive_quotes, derive_stance

ROW_GROUP_SIZE = 2048
# train, validation and test hold human-reviewed (gold) documents only; every other document is published in `silver`.
GOLD_SPLITS = ("train", "validation", "test")
EVALUATION_SPLITS = ("validation", "test")
SILVER_SPLIT = "silver"
SPLIT_ORDER = (*GOLD_SPLITS, SILVER_SPLIT)


Record = dict[str, Any]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShardSize:
    """Where a split's shards end: at documents chosen by their id, so that a document added or removed changes one shard.

    Cutting every `n` documents would move every later document into another shard, and a
    rebuild after an article is added near the start would rewrite the whole split. Instead a
    shard ends at its `minimum`-th document or later, at the first whose id hashes to 0 modulo
    `mean - minimum + 1` (shards of about `mean` documents), and at its `maximum`-th at the latest.
    The next shard starts where it would have before, unless the change forced a cut at `maximum`.
    """

    minimum: int
    mean: int
    maximum: int

    def ends_with(self, doc_id: str, documents: int) -> bool:
        """Whether a shard that has `documents` documents, the last `doc_id`, ends there."""
        if documents >= self.maximum:
            return True
        if documents < self.minimum:
            return False
        digest = hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest()
        return int.from_bytes(digest, "big") % (self.mean - self.minimum + 1) == 0


# A rebuild rewrites the shards of changed documents only; shards are also the unit of work of the build's workers.
SHARD_SIZE = ShardSize(minimum=64, mean=128, maximum=256)


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
    ConfigSpec("quotes", "quote", "One row per quote, however many sentences it spans: content, pieces per sentence, cue, speaker mention, entity and chain, type, nesting.", derive_quotes),
    ConfigSpec("stance", "stance", "One row per holder, target and evidence: SemEval-2016 text, target, label.", derive_stance),
    ConfigSpec(
        "attributions",
        "attribution",
        "One row per document and speaker chain: canonical name, quotes by type, stance per target.",
        derive_attributions,
    ),
)
DEFAULT_CONFIG = "sentences"

PLOTS_DIR = "plots"
PLOT_FILES = ("sentence_length.png", "labels.png")
# What a build writes into the corpus beside the shards that manifest.json lists.
BESIDE_SHARDS = ("manifest.json", "README.md", "croissant.json", *(f"{PLOTS_DIR}/{name}" for name in PLOT_FILES))


def split_of(group: str, shares: dict[str, int], gold: bool, pin: str | None = None) -> str:
    """The split of a document: `silver` unless it is gold; a gold one's `pin` (from its sidecar) or,
    without one, a stable hash of its near-duplicate `group` (its sidecar's `duplicate_group`, else its
    own doc_id; never its position), so adding documents moves none and no group straddles two splits."""
    if not gold:
        return SILVER_SPLIT
    if pin is not None:
        return pin
    bucket = int(hashlib.sha256(group.encode()).hexdigest()[:8], 16) % sum(shares.values())
    for split in GOLD_SPLITS:
        if bucket < shares[split]:
            return split
        bucket -= shares[split]
    raise AssertionError("unreachable: shares cover every bucket")


def pin_problems(sidecar: str, gold: bool, pin: str | None) -> list[Problem]:
    """Why a document's pinned split (`"split"` in its sidecar) cannot be honoured: only gold documents can be pinned."""
    if pin is None or gold:
        return []
    return [Problem(sidecar, "/split", f"pins the document to {pin!r}, but it has no gold layer: a document that no one has reviewed is published in split {SILVER_SPLIT!r}; review it (annotations/<doc_id>.json) or remove the pin")]


# A target id → its Arabic and English names (annotations/targets.json), which every `stance` row carries.
TargetNames = Mapping[str, tuple[str, str]]


def target_names(inventory: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """The names of each target of a (schema-valid) target inventory."""
    return {target["id"]: (target["name_ar"], target["name_en"]) for target in inventory["targets"]}


def with_target_names(rows: list[Record], names: TargetNames) -> list[Record]:
    """`stance` rows with their target's names beside its id, so the config is a task of its own."""
    return [{**row, "target_name_ar": names[row["target"]][0], "target_name_en": names[row["target"]][1]} for row in rows]


# What travels with the data, so that a copy of corpus/ alone can be read, exported and scored:
# generated copies of the target inventory, the guidelines and the schemas, and every ClassLabel's names.
TARGETS_FILE = "targets.json"
LABELS_FILE = "labels.json"
GUIDELINES_FILE = "GUIDELINES.md"
SCHEMA_DIR = "schema"
# tweet_eval's stance configs number their labels none, against, favor; SemEval-2016 Task 6 names them as qawl does.
TWEET_EVAL_STANCE = {"FAVOR": 2, "AGAINST": 1, "NONE": 0}


def class_labels(schemas: Schemas) -> dict[str, dict[str, list[str]]]:
    """Every ClassLabel of every config: config → dotted field path (lists transparent) → names, in id order."""
    def walk(fields: Any, prefix: str) -> Iterator[tuple[str, list[str]]]:
        for field in fields:
            path = prefix if field.name == "item" else f"{prefix}.{field.name}".lstrip(".")
            if field.kind == "classlabel":
                yield path, list(field.names)
            yield from walk(field.children, path)

    return {config.name: dict(walk(schemas.typed_fields(config.schema), "")) for config in CONFIGS}


def label_maps(schemas: Schemas) -> dict[str, Any]:
    """corpus/labels.json: the ClassLabels, the CoNLL-2003 entity mapping, and the stance label order's mapping to other benchmarks."""
    conll = json.loads((schemas.directory / "conll_label_map.json").read_text(encoding="utf-8"))["mapping"]
    stance = class_labels(schemas)["stance"]["label"]
    return {
        "class_labels": class_labels(schemas),
        "conll_entity_classes": conll,
        "stance_labels": {
            "qawl": stance,
            "semeval2016_task6": {name: name for name in stance},
            "tweet_eval_stance_ids": {name: TWEET_EVAL_STANCE[name] for name in stance},
        },
    }


def write_resources(out_dir: Path, schemas: Schemas, annotations: Path, written: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Write what travels with the data into the corpus being built; their manifest entries (path, bytes, sha256),
    with those of the files other stages `written` there (LICENSE.md)."""
    paths = [LABELS_FILE, *written]
    write_json(out_dir / LABELS_FILE, label_maps(schemas))
    for name in (TARGETS_FILE, GUIDELINES_FILE):
        if (annotations / name).is_file():
            shutil.copyfile(annotations / name, out_dir / name)
            paths.append(name)
    (out_dir / SCHEMA_DIR).mkdir()
    for schema in sorted(schemas.directory.glob("*.json")):
        shutil.copyfile(schema, out_dir / SCHEMA_DIR / schema.name)
        paths.append(f"{SCHEMA_DIR}/{schema.name}")
    return [{"path": path, "bytes": (out_dir / path).stat().st_size, "sha256": file_sha256(out_dir / path)} for path in sorted(paths)]


def listed_file_problems(corpus: Path, entries: list[dict[str, Any]]) -> list[Problem]:
    """Every file the manifest lists (`entries`: shards or resources) present with the bytes it records."""
    problems = []
    for entry in entries:
        path = corpus / entry["path"]
        if not path.is_file():
            problems.append(Problem(str(path), "", "listed in manifest.json but missing"))
        elif file_sha256(path) != entry["sha256"]:
            problems.append(Problem(str(path), "", "sha256 differs from manifest.json: the file was changed after the build"))
    return problems


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def encode_records(schemas: Schemas, config: ConfigSpec, records: list[Record]) -> pa.Table:
    """Validated JSON records of one config as an Arrow table (ClassLabels as ids)."""
    return schemas.encode_records(config.schema, records)


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


def arrow_bytes(array: pa.Array) -> int:
    """Arrow bytes of `array`'s values, counting a validity bitmap only where there are nulls.

    `nbytes` also counts the bitmap a slice keeps from its parent when the slice itself has
    no nulls, so it would depend on how rows were batched (engine, worker count).
    """
    size = (len(array) + 7) // 8 if array.null_count else 0
    kind = array.type
    if pa.types.is_struct(kind):
        return size + sum(arrow_bytes(array.field(i)) for i in range(kind.num_fields))
    if pa.types.is_list(kind):  # nbytes counts an offset per value
        return size + 4 * len(array) + arrow_bytes(array.flatten())
    if pa.types.is_string(kind):
        return size + 4 * len(array) + (pc.sum(pc.binary_length(array)).as_py() or 0)
    if pa.types.is_boolean(kind):
        return size + (len(array) + 7) // 8
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        return size + len(array) * kind.bit_width // 8
    raise TypeError(f"arrow_bytes: no rule for Arrow type {kind}")


class ParquetShard:
    """One Parquet file, written as rows arrive, in row groups of exactly ROW_GROUP_SIZE rows.

    Row-group boundaries depend only on the row count, never on how the rows
    arrived, so any batching (workers, engines, cache hits) gives the same bytes;
    memory holds less than one row group.
    """

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = path
        self.schema = schema
        with writing(path):
            path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = pq.ParquetWriter(path, schema, compression="zstd", write_statistics=True)
        self._held: list[pa.Table] = []
        self._held_rows = 0
        self.rows = 0
        self.nbytes = 0

    def add(self, table: pa.Table) -> None:
        self._held.append(table)
        self._held_rows += table.num_rows
        while self._held_rows >= ROW_GROUP_SIZE:
            self._write_group()

    def _write_group(self) -> None:
        held = pa.concat_tables(self._held)
        # Parquet bytes depend on how a table is chunked: combining makes them depend on the rows alone
        group = held.slice(0, ROW_GROUP_SIZE).combine_chunks()
        with writing(self.path):
            self._writer.write_table(group.replace_schema_metadata(self.schema.metadata), row_group_size=ROW_GROUP_SIZE)
        self.rows += group.num_rows
        self.nbytes += sum(arrow_bytes(chunk) for column in group.columns for chunk in column.chunks)
        rest = held.slice(group.num_rows)
        self._held, self._held_rows = ([rest] if rest.num_rows else []), rest.num_rows

    def close(self) -> dict[str, Any]:
        """Write the last, short row group; the file's manifest facts: rows, Arrow bytes, sha256."""
        if self._held_rows:
            self._write_group()
        with writing(self.path):
            self._writer.close()
        return {"rows": self.rows, "bytes": self.nbytes, "sha256": file_sha256(self.path)}

    def abandon(self) -> None:
        """Give the file up after a failed write: its writer must not try to flush it again when collected."""
        self._writer.is_open = False


def shard_path(config: str, split: str, shard: int) -> str:
    """Where shard `shard` of a config's split lives in the corpus, e.g. `ner/train-00001.parquet`."""
    return f"{config}/{split}-{shard:05d}.parquet"


def shards_pattern(config: str, split: str) -> str:
    """A glob matching every `shard_path` of a config's split, and nothing else of the corpus."""
    return f"{config}/{split}-*.parquet"


def config_arrow_schemas(schemas: Schemas, schema_version: str) -> dict[str, pa.Schema]:
    """Each config's Arrow schema, with the HF features and the schema version as file metadata.

    Not the dataset version: it changes with every release, which would rewrite every
    shard of unchanged data. It lives in the manifest, card and Croissant.
    """
    arrow = {}
    for config in CONFIGS:
        metadata = {
            "huggingface": json.dumps({"info": {"features": schemas.features(config.schema).to_dict()}}),
            "qawl": json.dumps({"config": config.name, "schema_version": schema_version}),
        }
        arrow[config.name] = schemas.arrow_schema(config.schema, metadata=metadata)
    return arrow


@lru_cache(maxsize=4)
def arrow_schemas_in(schema_dir: str, schema_version: str) -> dict[str, pa.Schema]:
    """`config_arrow_schemas` of the schemas in `schema_dir`, once per process."""
    return config_arrow_schemas(schemas_in(schema_dir), schema_version)


def manifest_order(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Manifest file entries in their fixed order: config, split, path."""
    return sorted(entries, key=lambda e: (e["config"], SPLIT_ORDER.index(e["split"]), e["path"]))


class ShardWriter:
    """Streams a shard of documents (`SHARD_SIZE`) into shard `number` of a split (`<config>/<split>-NNNNN.parquet`).

    A shard is a pure function of its documents, so with `shard_cache` and a key
    per document (the hash of everything its output depends on: the build's
    document cache key), a shard whose documents all have the keys they had
    before is copied from the cache instead of being encoded again (each file checked
    against the sha256 recorded when it was stored): a rebuild
    rewrites only the shards of the documents that changed. A document that was
    not itself reused from the cache cannot complete a cached shard, so from the
    first such document the files are written as rows come, and memory holds
    less than a row group per config. Until then the (reused) documents are held.
    Every config gets a file, empty if no document has rows for it, so each
    config loads with its features in every split.
    """

    def __init__(
        self,
        out_dir: Path,
        arrow: dict[str, pa.Schema],
        split: str,
        number: int,
        schema_version: str,
        shard_cache: Path | None = None,
    ) -> None:
        self.paths = {name: out_dir / shard_path(name, split, number) for name in arrow}
        self.split, self.number = split, number
        self._arrow = arrow
        self._schema_version = schema_version
        self.shard_cache = shard_cache
        self._keys: list[str | None] = []
        self._held: list[Mapping[str, pa.Table]] = []
        self._files: dict[str, ParquetShard] | None = None
        self.warnings: list[str] = []  # what the cache could not give or take (`close`)

    def add_document(self, tables: Mapping[str, pa.Table], key: str | None = None, reused: bool = False) -> None:
        """Add one document's rows: an (already validated) table per config.

        `key` hashes them (None: never reuse); `reused`: they are an earlier build's, from the cache.
        """
        self._keys.append(key)
        self._held.append(tables)
        with self._abandoned_on_failure():
            if self._files is None and not (reused and key is not None and self.shard_cache is not None):
                self._open_files()
            if self._files is not None:
                self._write_held(self._files)

    @contextmanager
    def _abandoned_on_failure(self) -> Iterator[None]:
        """A failed write (WriteFailed) gives every file of the shard up: the build fails, nothing more is written."""
        try:
            yield
        except WriteFailed:
            for file in (self._files or {}).values():
                file.abandon()
            raise

    def _open_files(self) -> dict[str, ParquetShard]:
        self._files = {}  # filled as they open: a failure to open one abandons those before it
        for name, path in self.paths.items():
            self._files[name] = ParquetShard(path, self._arrow[name])
        return self._files

    def _write_held(self, files: dict[str, ParquetShard]) -> None:
        for tables in self._held:
            for name, file in files.items():
                file.add(tables[name])
        self._held = []

    def _shard_key(self) -> str | None:
        if self.shard_cache is None or None in self._keys:
            return None
        return hashlib.sha256(json.dumps([self._schema_version, self._keys]).encode()).hexdigest()

    def close(self) -> list[dict[str, Any]]:
        """Finish the files (or copy them from the cache); their manifest entries, per config.

        What the cache could not give or take is said in `warnings`.
        """
        key = self._shard_key()
        cached = self.shard_cache / key if self.shard_cache is not None and key is not None else None
        in_entry = {f"{name}.parquet": path for name, path in self.paths.items()}
        entries = copy_from_cache(cached, in_entry, self.warnings) if self._files is None and cached is not None else None
        if entries is None:
            with self._abandoned_on_failure():
                files = self._files if self._files is not None else self._open_files()
                self._write_held(files)
                entries = {name: file.close() for name, file in files.items()}
            if cached is not None and (warning := store_cache_entry(cached, in_entry, entries)) is not None:
                self.warnings.append(warning)
        return [
            {"path": shard_path(name, self.split, self.number), "config": name, "split": self.split, **entries[name]}
            for name in self.paths
        ]


class WriteFailed(OSError):
    """An OSError raised while writing a file of the new corpus (a full disk, a file too large), naming the file."""

    def problem(self, untouched: Path) -> Problem:
        return Problem(str(self.filename), "", f"cannot write the new corpus: {self.strerror}; {untouched} was left untouched")


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """Turn an OSError raised while writing `path` into a WriteFailed that names it (a failed write does not)."""
    try:
        yield
    except WriteFailed:
        raise
    except OSError as error:
        raise WriteFailed(error.errno, os_reason(error), str(path)) from error


def os_reason(error: OSError) -> str:
    """What went wrong, without the file name (a `Problem` gives it) or pyarrow's wrapping."""
    return os.strerror(error.errno) if error.errno else error.strerror or str(error)


# In a cache entry: the sha256 of each of its other files, as `sha256sum` writes them (`sha256sum -c` checks them).
CHECKSUMS = "SHA256SUMS"
# In a cache entry: what the caller stored with its files (a shard's manifest entries).
FACTS = "entries.json"


class CorruptCacheEntry(Exception):
    """A cache entry whose bytes are not those that were stored."""


def store_cache_entry(entry: Path, files: Mapping[str, Path], facts: dict[str, Any] | None = None) -> str | None:
    """Copy `files` (name in the entry → source) and `facts` into cache entry `entry`, with the sha256 of each.

    The entry is filled under another name and renamed into place, so it exists
    only complete: a build killed meanwhile leaves a left-over that `prune_cache` removes.
    An entry already there (incomplete, or the same from a concurrent build) is replaced.
    A cache that cannot be written is no reason to fail a build: the warning to give, if so.
    """
    partial = entry.with_name(f"{entry.name}.{os.getpid()}.partial")
    try:
        shutil.rmtree(partial, ignore_errors=True)  # from a killed build that had this pid
        partial.mkdir(parents=True)
        write_json(partial / FACTS, facts or {})
        sums = {FACTS: file_sha256(partial / FACTS)}
        for name, source in files.items():
            sums[name] = _copy_hashing(source, partial / name)
        (partial / CHECKSUMS).write_text("".join(f"{sha256}  {name}\n" for name, sha256 in sums.items()), encoding="utf-8")
        _rename_entry(partial, entry)
    except OSError as error:
        shutil.rmtree(partial, ignore_errors=True)
        return cache_unwritable(entry.parent, error)
    return None


def cache_unwritable(directory: str | Path, error: OSError) -> str:
    """The warning for a cache `directory` that cannot be written."""
    return f"{directory}: cannot write to the cache ({os_reason(error)}); the build goes on without storing what it computes"


def _rename_entry(partial: Path, entry: Path) -> None:
    try:
        partial.rename(entry)
    except OSError:  # not empty: a directory cannot be renamed over it
        shutil.rmtree(entry, ignore_errors=True)
        try:
            partial.rename(entry)
        except OSError:  # a concurrent build put the same entry in place meanwhile
            shutil.rmtree(partial)


def copy_from_cache(entry: Path, files: Mapping[str, Path], warnings: list[str]) -> dict[str, Any] | None:
    """Copy the files of cache entry `entry` (name in the entry → destination), each checked against
    the sha256 recorded when it was stored; the facts stored with them, None if there is no such entry.

    The entry is marked used (`prune_cache`). A build that finished meanwhile may have pruned it:
    a miss. A corrupt entry is a miss too: it is discarded, and `warnings` says so.
    """
    try:
        sums = _recorded_sums(entry)
        facts = json.loads(_read_checked(entry / FACTS, sums))
        for name, destination in files.items():
            _check_recorded(name, _copy_hashing(entry / name, destination), sums)
    except FileNotFoundError:
        return None
    except CorruptCacheEntry as error:
        warnings.append(discard_cache_entry(entry, str(error)))
        return None
    except WriteFailed:  # writing `files`: the corpus's
        raise
    except OSError as error:  # reading the entry
        warnings.append(discard_cache_entry(entry, f"cannot be read: {os_reason(error)}"))
        return None
    mark_used(entry)
    return facts


def _recorded_sums(entry: Path) -> dict[str, str]:
    sums = {}
    for line in (entry / CHECKSUMS).read_bytes().splitlines():
        sha256, _, name = line.decode("utf-8", "replace").partition("  ")
        sums[name] = sha256
    return sums


def _check_recorded(name: str, sha256: str, sums: dict[str, str]) -> None:
    if sha256 != sums.get(name):
        raise CorruptCacheEntry(f"{name}: sha256 differs from the one recorded when it was stored")


def _read_checked(path: Path, sums: dict[str, str]) -> bytes:
    data = path.read_bytes()
    _check_recorded(path.name, hashlib.sha256(data).hexdigest(), sums)
    return data


def _copy_hashing(source: Path, destination: Path) -> str:
    """Copy `source` to `destination`; the sha256 of the bytes copied. A failed write raises WriteFailed."""
    digest = hashlib.sha256()
    with source.open("rb") as reader:
        with writing(destination):
            destination.parent.mkdir(parents=True, exist_ok=True)
            writer = destination.open("wb")
        with writer:
            while block := reader.read(1 << 20):
                digest.update(block)
                with writing(destination):
                    writer.write(block)
    return digest.hexdigest()


def discard_cache_entry(entry: Path, why: str) -> str:
    """Remove a corrupt cache entry (a file or a directory); the warning that says so."""
    try:
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    except OSError:  # gone already, or a cache that cannot be written: unused either way
        pass
    return f"{entry}: corrupt cache entry ({why}); discarded and computed again"


def mark_used(entry: str | Path) -> None:
    """Set the modification time of a cache entry to now, so that `prune_cache` keeps it."""
    try:
        os.utime(entry)
    except OSError:  # pruned meanwhile, or a cache that cannot be written: it may go with the next pruning
        pass


# Filesystem timestamps come from a coarse clock that lags `time.time()` by up to a tick.
_TIMESTAMP_SLACK = 1.0


def prune_cache(directory: Path, started: float) -> None:
    """Delete the entries (files or directories) of the cache `directory` not used since `started` (a `time.time()`).

    A build that takes an entry from the cache sets its modification time, and
    entries it writes are new, so after a successful build this keeps what the
    build used: the cache holds one build's worth however many rebuilds came
    before, and no list of what was used need be kept. Entries that a concurrent
    build is writing or reading are new or marked too.
    """
    if not directory.is_dir():
        return
    cutoff = started - _TIMESTAMP_SLACK
    unremovable: list[OSError] = []
    for entry in os.scandir(directory):
        try:
            if entry.stat(follow_symlinks=False).st_mtime >= cutoff:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        except FileNotFoundError:  # removed meanwhile by another build's pruning
            continue
        except OSError as error:
            unremovable.append(error)
    if unremovable:
        log.warning("%s: cannot remove %d unused cache entries (%s); the corpus was published", directory, len(unremovable), os_reason(unremovable[0]))


def verify_written(out_dir: Path, files: list[dict[str, Any]]) -> list[Problem]:
    """Re-read every written file: the bytes the writer hashed (or the cache recorded), readable Parquet,
    with the rows the writer counted."""
    problems = []
    for entry in files:
        path = out_dir / entry["path"]
        try:
            if file_sha256(path) != entry["sha256"]:
                problems.append(Problem(str(path), "", "sha256 of the written file differs from the one recorded when it was written"))
                continue
            rows = pq.ParquetFile(path).metadata.num_rows
        except (pa.ArrowException, OSError) as error:
            problems.append(Problem(str(path), "", f"written file is not readable Parquet: {error}"))
            continue
        if rows != entry["rows"]:
            problems.append(Problem(str(path), "", f"has {rows} rows, {entry['rows']} were written"))
    return problems


def write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8")


def publishing_target(target: Path) -> tuple[Path, list[Problem]]:
    """Where a build of `target` publishes (`target`, or the directory it is a symbolic link to), and what stops it.

    Checked before anything is built, as the swap and its clean-up need it: `target` absent or a
    directory, and the directory it is in and every directory in it writable (the old corpus is
    removed once the new one is in place). `os.access` sees read-only filesystems and immutable
    directories, and permission bits except for root, whom they do not stop.
    """
    if target.is_symlink():
        real = target.resolve()
        if not real.is_dir():
            return target, [Problem(str(target), "", f"a symbolic link to {real}, which is not a directory")]
        target = real
    if target.exists() and not target.is_dir():
        return target, [Problem(str(target), "", "not a directory: move it away, a build publishes a directory here")]
    parent = next(folder for folder in target.parents if folder.exists())
    folders = [parent, *(Path(folder) for folder, _, _ in os.walk(target))]
    message = "cannot be written (read-only or immutable): a build replaces the corpus by a new one and removes the old; make it writable and build again"
    return target, [Problem(str(folder), "", message) for folder in folders if not os.access(folder, os.W_OK)]


@contextmanager
def staging_directory(target: Path) -> Iterator[Path]:
    """A fresh directory beside `target`, removed unless it was swapped in."""
    with writing(target.parent):
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
        staging.chmod(0o755)  # mkdtemp creates it private; the corpus is meant to be read by all
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


class Busy(Exception):
    """Another build holds the lock on the target directory."""


# Lock files this process holds: a second hold would succeed (POSIX locks are per process) and its release free the first.
_held_locks: set[Path] = set()


@contextmanager
def exclusive(target: Path) -> Iterator[None]:
    """Hold the build lock of `target` (a lock file beside it, naming the holder) for the duration.

    A POSIX record lock (`lockf`) belongs to the process that took it: the pool workers it forks
    do not hold it, and the kernel frees it when the process dies, however it dies. The file
    records the holder's pid until it lets go, so the next build knows when one was killed.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    path = target.with_name(f".{target.name}.lock")
    if path in _held_locks:
        raise Busy(f"this process is already building {target}")
    with open(os.open(path, os.O_RDWR | os.O_CREAT, 0o644), "r+", encoding="utf-8") as handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:  # EAGAIN or EACCES: held
            holder = handle.read().strip()
            by = f" (process {holder})" if holder else ""
            raise Busy(f"another qawl build{by} is writing {target}; wait for it to finish") from error
        if interrupted := handle.read().strip():
            log.warning("%s: the qawl build of process %s was interrupted; this build takes over its lock and removes what it left", target, interrupted)
        _record_holder(handle, f"{os.getpid()}\n")
        _held_locks.add(path)
        try:
            yield
        finally:
            _held_locks.discard(path)
            _record_holder(handle, "")


def _record_holder(handle: IO[str], holder: str) -> None:
    handle.seek(0)
    handle.truncate()
    handle.write(holder)
    handle.flush()


def recover(target: Path) -> None:
    """Undo a swap interrupted between its two renames; remove staging and previous corpora left by killed builds.

    Call it only while holding `exclusive(target)`, so no live build's staging is touched.
    """
    for leftover in target.parent.glob(f".{target.name}.building-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    previous = [path for _, path in previous_corpora(target)]
    if previous and not os.path.lexists(target):
        previous.pop().rename(target)  # the newest: the corpus the interrupted swap had moved aside
    for leftover in previous:
        remove_previous(leftover)


def previous_corpora(target: Path) -> list[tuple[int, Path]]:
    """The corpora that swaps moved aside beside `target` and are not removed yet, by number, oldest first.

    `.corpus.previous` (0), then `.corpus.previous-1`, `-2`, …: a swap takes a number above every
    one still there (one that could not be removed), so the last is always the newest.
    """
    stem = f".{target.name}.previous"
    found = []
    for path in target.parent.glob(f"{stem}*"):
        suffix = path.name.removeprefix(stem)
        if suffix == "" or (suffix[:1] == "-" and suffix[1:].isdigit()):
            found.append((int(suffix[1:] or 0), path))
    return sorted(found)


def remove_previous(previous: Path) -> None:
    """Remove a corpus a swap moved aside; if it cannot be, say so and go on (the next build tries again)."""
    try:
        if previous.is_symlink():
            previous.unlink()
        else:
            shutil.rmtree(previous)
    except OSError as error:
        log.warning("%s: a corpus replaced by a newer build could not be removed (%s); remove it by hand", previous, error)


def swap_into_place(staging: Path, target: Path) -> None:
    """Replace `target` by the finished `staging` directory (two renames; `recover` repairs a kill between them).

    The second rename publishes: nothing after it can fail the build.
    """
    leftovers = previous_corpora(target)
    previous = target.with_name(f".{target.name}.previous" + (f"-{leftovers[-1][0] + 1}" if leftovers else ""))
    if target.exists():
        target.rename(previous)
    staging.rename(target)
    if os.path.lexists(previous):
        remove_previous(previous)
    try:
        fsync(target.parent)
    except OSError as error:
        log.warning("%s: could not flush the directory to disk (%s); the corpus is in place", target.parent, error)


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
