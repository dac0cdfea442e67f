"""`qawl build`: seeds and annotations → the published corpus, atomically.

`process_document` is the whole per-document pipeline (segment, tokenize,
annotate, merge) as a pure function. `build_corpus` groups documents into
Parquet shards and streams the shards through `process_shard` on an engine
(in-process, a process pool, or Ray Data): each task processes its documents,
caching each result by content hash, and writes its shard's files as the rows
come. The driver collects statistics and manifest entries, writes the card,
and swaps the finished corpus into place.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import socket
import struct
import sys
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import pyarrow as pa
from tqdm import tqdm

import qawl
from qawl.baseline import baseline_report, recorded_agreement
from qawl.card import CorpusStatistics, document_statistics, write_card
from qawl.croissant import write_croissant
from qawl.engines import EngineUnavailable, batched, run
from qawl.ingest import SIDECAR_SUFFIX, Document, count_seeds, iter_documents
from qawl.licensing import licensing, write_licence
from qawl.merge import Layer, PreAnnotator, Row, build_rows, check_layer, read_layer, read_targets
from qawl.project import Project
from qawl.review.store import finish_interrupted_import
from qawl import publish
from qawl.publish import (
    CONFIGS,
    SPLIT_ORDER,
    Busy,
    Record,
    ShardWriter,
    TargetNames,
    WriteFailed,
    arrow_schemas_in,
    cache_unwritable,
    discard_cache_entry,
    encode_records,
    exclusive,
    manifest_order,
    mark_used,
    os_reason,
    pin_problems,
    prune_cache,
    publishing_target,
    recover,
    split_of,
    split_tables,
    staging_directory,
    swap_into_place,
    target_names,
    verify_written,
    with_target_names,
    write_json,
    write_resources,
    writing,
)
from qawl.schema import Problem, Schemas, schemas_in
from qawl.segment import renew_vocabulary_past_limit, split_sentences, tokenize

if TYPE_CHECKING:
    from qawl.annotate.pipeline import Learned

log = logging.getLogger(__name__)

# Documents encoded together: they share the fixed cost of building Arrow tables.
DOCUMENTS_PER_BATCH = 8
DOCUMENT_FIELDS = ("title", "publisher", "published", "published_precision", "url", "language", "license", "inferred")


class BuildError(Exception):
    """Raised with every problem that stopped a build; nothing was published."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(dict.fromkeys(problems))  # each once: every shard a Ray node ran may report the same
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class DocumentResult:
    """What one document contributes: its row in `documents`, its sentence rows, its layer."""

    document_row: dict[str, Any]
    rows: list[Row]
    layer: Layer | None
    problems: list[Problem]
    name_forms: list[int] | None = None  # of a silver document, when asked for (`pipeline.name_forms`)


def process_document(
    document: Document,
    gold: Layer | None,
    gold_file: str,
    targets: frozenset[str],
    preannotate: PreAnnotator | None,
    with_name_forms: bool = False,
) -> DocumentResult:
    """Segment, tokenize, annotate and merge one document (no I/O, no global state).

    `with_name_forms`: also give a silver document's `name_forms`, which tell the
    cache which gold names its layer can depend on.
    """
    sentences = split_sentences(document.doc_id, document.text)
    tokens = tokenize(s.text for s in sentences)
    layer, status, file, forms = gold, "gold", gold_file, None
    if layer is None and preannotate is not None:
        layer, status = preannotate(document.doc_id, document.text, document.sha256, [(s.start, s.end) for s in sentences]), "silver"
        file = f"pre-annotation of {document.source}"
        if with_name_forms:
            from qawl.annotate.pipeline import name_forms

            forms = name_forms(document.text)
    if layer is None:
        status = "unannotated"
    problems = check_layer(layer, document, sentences, set(targets), file) if layer is not None else []
    rows = build_rows(document, sentences, tokens, None if problems else layer, status)
    document_row = {
        "doc_id": document.doc_id,
        "text": document.text,
        "sha256": document.sha256,
        **{key: document.metadata[key] for key in DOCUMENT_FIELDS},
        "paragraphs": [{"start": start, "end": end} for start, end in document.paragraphs],
        "num_sentences": len(rows),
        "status": status,
        "pinned_split": document.metadata.get("split"),
        "duplicate_group": document.metadata.get("duplicate_group"),
    }
    return DocumentResult(document_row, rows, layer, problems, forms)


@dataclass(frozen=True)
class DocumentTask:
    """Everything `process_documents` needs for one document; picklable, so it can travel to a worker."""

    document: Document
    gold: Layer | None
    gold_file: str
    targets: frozenset[str]
    preannotate: PreAnnotator | None
    fingerprint: str
    learned: Learned | None  # what the pre-annotator learned from annotations/ (None without one)
    schema_dir: str
    cache_dir: str | None
    target_names: TargetNames = field(default_factory=dict)  # which the `stance` rows carry

    @property
    def silver_learned(self) -> Learned | None:
        """What the document's layer depends on in annotations/ beyond its own gold layer: None unless it is silver."""
        return self.learned if self.gold is None and self.preannotate is not None else None

    def cache_key(self) -> str:
        """Content hash of every input of `process_document` but the gold names, and of the code that runs it.

        Where the document's output is cached. A gold document depends on its own layer
        alone; a silver one also on the stance targets and, through its words, on the
        gold names of other documents (`output_key`).
        """
        learned = self.silver_learned
        inputs = {
            "fingerprint": self.fingerprint,
            "doc_id": self.document.doc_id,
            "sha256": self.document.sha256,
            "metadata": self.document.metadata,
            "gold": self.gold,
            "targets": sorted(self.targets),
            "target_names": sorted(self.target_names.items()),
            "preannotate": learned.targets if learned is not None else None,
        }
        try:
            encoded = orjson.dumps(inputs, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:  # an integer past 64 bits, a lone surrogate: the layer's checks will say what
            encoded = json.dumps(inputs, sort_keys=True).encode()
        return hashlib.sha256(encoded).hexdigest()

    def output_key(self, key: str, name_forms: list[int] | None) -> str | None:
        """`cache_key` with the gold names that a silver document with these `name_forms` can contain.

        A cached output is valid if it was computed under this key (None: a silver
        document's output without its forms, never valid).
        """
        learned = self.silver_learned
        if learned is None:
            return key
        if name_forms is None:
            return None
        return hashlib.sha256(f"{key}\0{learned.names_in(name_forms)}".encode()).hexdigest()


@dataclass(frozen=True)
class DocumentOutput:
    """A processed document as the writer takes it: one validated Arrow table per config."""

    doc_id: str
    tables: Mapping[str, pa.Table]
    sources: dict[str, int]
    problems: list[Problem]
    statistics: dict[str, Any] = field(default_factory=dict)  # what the card counts (`card.document_statistics`)
    key: str | None = None  # the key it was computed under (`DocumentTask.output_key`; None without a cache)
    reused: bool = False  # read from the cache: an earlier build's output
    name_forms: list[int] | None = None  # a silver document's (`pipeline.name_forms`), kept in its cache entry


# A cached document starts with the sha256 of the rest of it, then the little-endian length of its JSON header.
_CHECKSUM_SIZE = hashlib.sha256().digest_size
_HEADER_LENGTH = struct.Struct("<Q")
# The IPC streams of a cached document, compressed as one: a twelfth of their size, for a fraction
# of a millisecond (the same codec per buffer, inside IPC, costs ten times more and saves less).
_CACHE_CODEC = pa.Codec("zstd", compression_level=1)


class _CachedTables(Mapping[str, pa.Table]):
    """A cached document's tables, decompressed and each decoded from its IPC stream when first asked
    for: a rebuild that copies a shard of unchanged documents from the cache never decodes their rows."""

    def __init__(self, compressed: pa.Buffer, size: int, offsets: dict[str, list[int]]) -> None:
        self._compressed, self._size, self._offsets = compressed, size, offsets
        self._body: pa.Buffer | None = None
        self._tables: dict[str, pa.Table] = {}

    def __getitem__(self, name: str) -> pa.Table:
        if name not in self._tables:
            if self._body is None:
                self._body = _CACHE_CODEC.decompress(self._compressed, decompressed_size=self._size)
            start, end = self._offsets[name]
            self._tables[name] = pa.ipc.open_stream(self._body[start:end]).read_all()
        return self._tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._offsets)

    def __len__(self) -> int:
        return len(self._offsets)


def encode_documents(
    results: list[tuple[str, DocumentResult, str | None]], schemas: Schemas, names: TargetNames
) -> list[DocumentOutput]:
    """Every config's rows of each (doc_id, result, cache key), validated against their schema and encoded as Arrow;
    `stance` rows carry the `names` of their target.

    The documents are encoded together, one table per config, then sliced per
    document: building a table has a fixed cost, which a few documents share.
    """
    derived: list[dict[str, list[Record]]] = []
    problems: list[list[Problem]] = []
    for doc_id, result, _ in results:
        derived.append({config.name: config.derive(result.document_row, result.rows) for config in CONFIGS})
        derived[-1]["stance"] = with_target_names(derived[-1]["stance"], names)
        problems.append([
            problem
            for config in CONFIGS
            for n, record in enumerate(derived[-1][config.name])
            for problem in schemas.problems(config.schema, record, f"{doc_id} ({config.name} row {n})")
        ])
    valid = [records for records, found in zip(derived, problems) if not found]
    tables = {config.name: encode_records(schemas, config, [r for records in valid for r in records[config.name]]) for config in CONFIGS}
    own_tables = iter(split_tables(tables, [{name: len(rows) for name, rows in records.items()} for records in valid]))
    outputs = []
    for (doc_id, result, key), found in zip(results, problems):
        own = next(own_tables) if not found else {}
        layer = result.layer or {"entities": [], "quotes": [], "stance": []}
        sources = Counter(item["provenance"]["source"] for kind in ("entities", "quotes", "stance") for item in layer[kind])
        statistics = document_statistics(result.document_row, result.rows)
        outputs.append(DocumentOutput(doc_id, own, dict(sources), found, statistics, key, name_forms=result.name_forms))
    return outputs


def _read_cached(path: str, warnings: list[str]) -> DocumentOutput | None:
    """The output `_write_cached` stored at `path` (None if there is none), its tables read lazily.

    The entry is marked used: its modification time is now (see `publish.prune_cache`). An entry
    whose bytes are not those stored is discarded, with a warning in `warnings`: a miss.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:  # never cached, or pruned by a build that finished meanwhile
        return None
    except OSError as error:
        warnings.append(discard_cache_entry(Path(path), f"cannot be read: {os_reason(error)}"))
        return None
    if hashlib.sha256(memoryview(data)[_CHECKSUM_SIZE:]).digest() != data[:_CHECKSUM_SIZE]:
        warnings.append(discard_cache_entry(Path(path), "checksum differs"))
        return None
    mark_used(path)
    buffer = pa.py_buffer(data)[_CHECKSUM_SIZE:]
    (length,) = _HEADER_LENGTH.unpack(buffer[: _HEADER_LENGTH.size].to_pybytes())
    header = orjson.loads(buffer[_HEADER_LENGTH.size : _HEADER_LENGTH.size + length].to_pybytes())
    tables = _CachedTables(buffer[_HEADER_LENGTH.size + length :], header["size"], header["tables"])
    return DocumentOutput(
        header["doc_id"], tables, header["sources"], [], header["statistics"], header["key"], reused=True, name_forms=header["name_forms"]
    )


def _write_cached(path: str, output: DocumentOutput) -> str | None:
    """One file per (valid) document, written whole and renamed into place: the sha256 of the rest,
    the length of a JSON header, the header (everything but the rows), then one Arrow IPC stream per
    config, compressed together. Rebuilding tables from IPC is an order of magnitude cheaper than
    unpickling them. A cache that cannot be written fails nothing: the warning to give, if so."""
    streams, offsets, position = [], {}, 0
    for name, table in output.tables.items():
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        stream = sink.getvalue()
        offsets[name] = (position, position + stream.size)
        position += stream.size
        streams.append(stream)
    body = _CACHE_CODEC.compress(b"".join(streams))
    header = orjson.dumps(
        {
            "doc_id": output.doc_id,
            "size": position,
            "tables": offsets,
            "sources": output.sources,
            "statistics": output.statistics,
            "key": output.key,
            "name_forms": output.name_forms,
        }
    )
    checksum = hashlib.sha256()
    for buffer in (_HEADER_LENGTH.pack(len(header)), header, body):
        checksum.update(buffer)
    partial = f"{path}.{os.getpid()}.partial"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(partial, "wb") as handle:
            for buffer in (checksum.digest(), _HEADER_LENGTH.pack(len(header)), header, body):
                handle.write(buffer)
        os.replace(partial, path)
    except OSError as error:
        with suppress(OSError):
            os.unlink(partial)
        return cache_unwritable(os.path.dirname(path), error)
    return None


def process_documents(tasks: list[DocumentTask], warnings: list[str]) -> list[DocumentOutput]:
    """A few documents end to end, each answered from the cache when nothing it depends on changed.

    A document's entry lives at its `cache_key`, and holds the output key it was
    computed under: a silver document's entry is recomputed, in place, when the gold
    names that it can contain have changed. What the cache could not give or take
    is added to `warnings`.
    """
    outputs: list[DocumentOutput] = []
    computed: list[tuple[int, str | None, tuple[str, DocumentResult, str | None]]] = []
    for task in tasks:
        key = path = None
        if task.cache_dir is not None:
            key = task.cache_key()
            # a string: pathlib would intern every key, for good (Python 3.11), as it does every name it parses
            path = os.path.join(task.cache_dir, f"{key}.arrows")
            if (cached := _read_cached(path, warnings)) is not None and cached.key == task.output_key(key, cached.name_forms):
                outputs.append(cached)
                continue
        doc_id = task.document.doc_id
        result = process_document(task.document, task.gold, task.gold_file, task.targets, task.preannotate, with_name_forms=key is not None)
        outputs.append(DocumentOutput(doc_id, {}, {}, result.problems))
        if not result.problems:
            computed.append((len(outputs) - 1, path, (doc_id, result, task.output_key(key, result.name_forms) if key is not None else None)))
    if computed:
        encoded = encode_documents([item for _, _, item in computed], schemas_in(tasks[0].schema_dir), tasks[0].target_names)
        for (index, path, _), output in zip(computed, encoded):
            outputs[index] = output
            if path is not None and not output.problems and (warning := _write_cached(path, output)) is not None:
                warnings.append(warning)
    return outputs


@dataclass(frozen=True)
class ShardTask:
    """One shard's documents, in order, and where its files go; picklable, so it can travel to a worker."""

    split: str
    number: int
    documents: list[DocumentTask]
    schema_version: str
    out_dir: str  # the corpus being built: workers see the project directory (on a cluster, a shared filesystem)
    shard_cache: str | None


@dataclass(frozen=True)
class ShardResult:
    """What the driver needs of a written shard: its documents' outputs without their rows, its manifest entries."""

    split: str
    outputs: list[DocumentOutput]
    entries: list[dict[str, Any]]
    problems: list[Problem]  # of the shard as a whole (documents report theirs in their outputs)
    warnings: list[str] = field(default_factory=list)  # what the cache could not give or take


def process_shard(task: ShardTask) -> ShardResult:
    """Process a shard's documents (DOCUMENTS_PER_BATCH at a time) and write its Parquet files.

    The worker writes the files itself: no row goes back to the driver, which
    only collects statistics and manifest entries. It reads the project's schemas
    and annotations and writes into the corpus being built, so a worker that
    does not see the project directory (a Ray node without the shared
    filesystem) reports that instead.
    """
    schema_dir = task.documents[0].schema_dir
    if not (Path(schema_dir).is_dir() and Path(task.out_dir).is_dir()):
        where = f"qawl worker on {socket.gethostname()}"
        message = "cannot see the project directory: on a Ray cluster, it must be on a filesystem that every node mounts at the same path"
        return ShardResult(task.split, [], [], [Problem(str(Path(schema_dir).parent), where, message)])
    arrow = arrow_schemas_in(schema_dir, task.schema_version)
    outputs: list[DocumentOutput] = []
    shard_cache = Path(task.shard_cache) if task.shard_cache is not None else None
    writer = ShardWriter(Path(task.out_dir), arrow, task.split, task.number, task.schema_version, shard_cache)
    renew_vocabulary_past_limit()
    if (learned := task.documents[0].learned) is not None:
        from qawl.annotate import forget_pipelines

        # A process that annotated before (an in-process build, a Ray worker, a pool forked from a
        # warmed driver) may hold a pipeline whose annotations/ changed since: it learns them again.
        forget_pipelines(unless_learned=learned)
    warnings: list[str] = []
    for documents in batched(task.documents, DOCUMENTS_PER_BATCH):
        for output in process_documents(documents, warnings):
            if not output.problems:
                writer.add_document(output.tables, output.key, output.reused)
            outputs.append(replace(output, tables={}, name_forms=None))  # the driver needs neither
    entries = writer.close()
    return ShardResult(task.split, outputs, entries, [], list(dict.fromkeys(warnings + writer.warnings)))


def files_fingerprint(files: list[Path], root: Path) -> str:
    """Hash of the names (relative to root) and contents of `files`."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(f"{path.relative_to(root).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def code_fingerprint(schema_dir: Path) -> str:
    """Hash of the qawl package (code and data files) and the schemas: a change invalidates the cache.

    Not the dataset version and release date, which no document's rows depend on: a release reuses every cached document and shard.
    """
    package = Path(qawl.__file__).parent
    code = [p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    schemas = [p for p in schema_dir.glob("*.json") if p.name != "dataset.json"]
    dataset = json.loads((schema_dir / "dataset.json").read_text(encoding="utf-8"))
    for release_field in ("version", "date_published"):
        dataset.pop(release_field, None)
    dataset_digest = hashlib.sha256(json.dumps(dataset, sort_keys=True).encode()).hexdigest()
    return files_fingerprint(code, package) + files_fingerprint(schemas, schema_dir) + dataset_digest


def _learned(project: Project) -> Learned:
    """What the pre-annotator learns from the project's annotations/ (see `DocumentTask.cache_key`)."""
    from qawl.annotate.pipeline import learned_from  # the pipeline's libraries load only where it runs

    return learned_from(project.annotations)


def read_gold_layer(path: str, schemas: Schemas) -> tuple[Layer | None, list[Problem]]:
    """A gold layer (`gold_layer_path`), parsed and schema-checked (None when absent)."""
    return read_layer(path, schemas) if os.path.exists(path) else (None, [])


def gold_layer_path(project: Project, doc_id: str) -> str:
    """Where a document's gold layer lives: a string, as pathlib would intern every doc_id for good (Python 3.11)."""
    return os.path.join(project.annotations, f"{doc_id}.json")


def orphan_layers(project: Project) -> list[Problem]:
    """Annotation files whose seed does not exist."""
    return [
        Problem(str(path), "", f"annotation file for {path.stem!r}, but there is no seeds/{path.stem}.txt")
        for path in sorted(project.annotations.glob("*.json"))
        if path.name != "targets.json" and not (project.seeds / f"{path.stem}.txt").exists()
    ]


@contextmanager
def collector_off_what_is_loaded() -> Iterator[None]:
    """Keep the garbage collector off every object that exists now: the libraries, and models already loaded.

    They outlive the build, yet each full collection walks them all again (a tenth of a
    build's time), and in a forked worker that walk also copies every page holding one.
    """
    frozen_by_caller = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield
    finally:
        if not frozen_by_caller:
            gc.unfreeze()


def build_corpus(
    project: Project,
    target: Path | None = None,
    preannotate: PreAnnotator | None = None,
    engine: str = "local",
    workers: int = 1,
    address: str | None = None,
    cache: bool = True,
) -> dict[str, Any]:
    """Build the corpus into `target` (default `corpus/`) atomically; returns the manifest."""
    target, unpublishable = publishing_target(target or project.corpus)
    if unpublishable:
        raise BuildError(unpublishable)
    try:
        with exclusive(target), collector_off_what_is_loaded():
            return _build_corpus(project, target, preannotate, engine, workers, address, cache)
    except Busy as error:
        raise BuildError([Problem(str(target), "", str(error))]) from error
    except EngineUnavailable as error:
        raise BuildError([Problem(error.option, "", str(error))]) from error
    except WriteFailed as error:
        raise BuildError([error.problem(target)]) from error


def _build_corpus(
    project: Project,
    target: Path,
    preannotate: PreAnnotator | None,
    engine: str,
    workers: int,
    address: str | None,
    cache: bool,
) -> dict[str, Any]:
    """The build proper, run while holding the lock on `target`."""
    started = time.time()
    recover(target)
    finish_interrupted_import(project)  # before annotations/ is read
    schemas = Schemas(project.schema_dir)
    dataset = project.dataset
    target_ids, problems = read_targets(project.annotations, schemas)
    targets = frozenset(target_ids)
    names = target_names(orjson.loads((project.annotations / "targets.json").read_bytes())) if targets else {}
    fingerprint = code_fingerprint(project.schema_dir)
    learned = _learned(project) if preannotate is not None else None
    cache_root = project.root / ".qawl-cache"
    cache_dir = str(cache_root / "documents") if cache else None
    problems += orphan_layers(project)

    def document_tasks() -> Iterator[DocumentTask]:
        for document in iter_documents(project.seeds, schemas, problems):
            gold_file = gold_layer_path(project, document.doc_id)
            gold, gold_problems = read_gold_layer(gold_file, schemas)
            problems.extend(gold_problems)
            yield DocumentTask(
                document, gold, gold_file, targets, preannotate, fingerprint, learned, str(project.schema_dir), cache_dir, names
            )

    def shard_tasks(out_dir: str) -> Iterator[ShardTask]:
        """Documents grouped into shards per split, in order; a shard as soon as it ends (`SHARD_SIZE`), the last ones after."""
        filling: dict[str, list[DocumentTask]] = {}
        numbers: Counter[str] = Counter()

        shard_cache = str(cache_root / "shards") if cache else None

        def shard(split: str) -> ShardTask:
            numbers[split] += 1
            documents = filling.pop(split)
            return ShardTask(split, numbers[split] - 1, documents, dataset["schema_version"], out_dir, shard_cache)

        for task in document_tasks():
            gold, pin = task.gold is not None, task.document.metadata.get("split")
            problems.extend(pin_problems(task.document.source.removesuffix(".txt") + SIDECAR_SUFFIX, gold, pin))
            split = split_of(task.document.metadata.get("duplicate_group") or task.document.doc_id, dataset["splits"], gold, pin)
            filling.setdefault(split, []).append(task)
            if publish.SHARD_SIZE.ends_with(task.document.doc_id, len(filling[split])):
                yield shard(split)
        for split in sorted(filling, key=SPLIT_ORDER.index):
            yield shard(split)

    sources: Counter[str] = Counter()
    statistics = CorpusStatistics()
    entries: list[dict[str, Any]] = []
    warned: set[str] = set()
    documents = 0
    total = count_seeds(project.seeds)
    progress = tqdm(total=total, unit="doc", desc="build", disable=not sys.stderr.isatty())
    with staging_directory(target) as staging, progress:
        for shard in run(process_shard, shard_tasks(str(staging)), engine, workers, address):
            problems += shard.problems
            for warning in shard.warnings:
                if warning not in warned:  # a cache that cannot be written says so once, not per shard
                    log.warning("%s", warning)
                    warned.add(warning)
            for output in shard.outputs:
                problems += output.problems
                statistics.add(shard.split, output.statistics)
                sources.update(output.sources)
            entries += shard.entries
            documents += len(shard.outputs)
            progress.update(len(shard.outputs))
        if problems:
            raise BuildError(problems)
        files = manifest_order(entries)
        licence = licensing(dataset, statistics.counts["texts"])
        manifest = {
            "name": dataset["name"],
            "version": dataset["version"],
            "schema_version": dataset["schema_version"],
            "annotators": dict(sorted(sources.items())),
            "documents": documents,
            "license": licence,
            "files": files,
            "resources": write_resources(staging, schemas, project.annotations, [write_licence(staging, licence)]),
        }
        problems = schemas.problems("manifest", manifest, "manifest.json") + verify_written(staging, files)
        if problems:
            raise BuildError(problems)
        baseline = baseline_report(project, preannotate) if preannotate is not None else None
        plot_cache = cache_root / "plots" if cache else None
        with writing(staging):
            write_json(staging / "manifest.json", manifest)
            write_card(staging, schemas, manifest, dataset, statistics, baseline, recorded_agreement(project), plot_cache)
            write_croissant(staging, schemas, manifest, dataset)
        swap_into_place(staging, target)
    if cache:
        for kind in ("documents", "shards", "plots"):
            prune_cache(cache_root / kind, started)
    return manifest


def manifest_summary(manifest: dict[str, Any]) -> str:
    """One line: version, documents, rows per config/split (its shards added up)."""
    rows: Counter[str] = Counter()
    for file in manifest["files"]:
        rows[f"{file['config']}/{file['split']}"] += file["rows"]
    return f"v{manifest['version']}: {manifest['documents']} document(s); " + ", ".join(f"{name}={count}" for name, count in rows.items())
