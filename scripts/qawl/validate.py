"""`qawl validate`: a published corpus or annotation files, checked to the character.

Every row against the JSON Schema, every span's text against its offsets, ids
unique, references resolvable; all problems listed with file, row and pointer.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from qawl.engines import run_local
from qawl.ingest import iter_documents
from qawl.merge import check_layer, read_layer, read_targets, span_problems
from qawl.project import Project
from qawl import publish
from qawl.publish import (
    BESIDE_SHARDS,
    CONFIGS,
    SPLIT_ORDER,
    TARGETS_FILE,
    arrow_schemas_in,
    file_sha256,
    listed_file_problems,
    split_of,
    target_names,
    with_target_names,
)
from qawl.schema import Problem, Schemas, decode_class_labels, schemas_in
from qawl.segment import split_sentences


def read_rows(path: Path, schemas: Schemas, schema_name: str) -> Iterator[dict[str, Any]]:
    """Rows of a published Parquet file in their JSON form (label names, not ids)."""
    fields = schemas.typed_fields(schema_name)
    parquet = pq.ParquetFile(path)
    for group in range(parquet.num_row_groups):
        for record in parquet.read_row_group(group).to_pylist():
            yield decode_class_labels(fields, record)


def check_sentence_rows(rows: list[tuple[int, dict[str, Any]]], file: str) -> list[Problem]:
    """Span, id and reference checks across the (schema-valid) sentence rows of one corpus file, each with its number."""
    problems: list[Problem] = []
    by_id: dict[str, dict[str, Any]] = {}
    for n, row in rows:
        if row["sentence_id"] in by_id:
            problems.append(Problem(file, f"row {n} /sentence_id", f"duplicate sentence_id {row['sentence_id']!r}"))
        by_id[row["sentence_id"]] = row
    entity_ids = {(row["doc_id"], e["id"]): e for _, row in rows for e in row["entities"]}
    quote_ids = {(row["doc_id"], q["id"]) for _, row in rows for q in row["quotes"]}
    chain_labels = {(row["doc_id"], e["chain"]): e["label"] for _, row in rows for e in row["entities"] if e["chain"] is not None}
    seen_ids: set[tuple[str, str]] = set()
    first_pieces: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}  # (doc_id, quote id) → its first piece and that sentence's id
    reach: dict[tuple[str, str], tuple[int, int, str]] = {}  # (doc_id, quote id) → where its pieces start and end in the document, its last piece
    for n, row in rows:
        text = row["text"]
        if row["end"] - row["start"] != len(text):
            problems.append(Problem(file, f"row {n} /end", "start/end do not span the sentence text"))
        for kind in ("tokens", "entities"):
            for i, span in enumerate(row[kind]):
                problems += span_problems(span, text, file, f"row {n} /{kind}/{i}")
        quotes_here: set[tuple[str, str]] = set()
        for kind in ("entities", "quotes", "stance"):
            for i, item in enumerate(row[kind]):
                key = (row["doc_id"], item["id"])
                # a quote's pieces in other sentences share its id
                repeated = key in quotes_here or (key not in first_pieces and key in seen_ids) if kind == "quotes" else key in seen_ids
                if repeated:
                    problems.append(Problem(file, f"row {n} /{kind}/{i}/id", f"annotation id {item['id']!r} used twice in {row['doc_id']}"))
                seen_ids.add(key)
                if kind == "quotes":
                    quotes_here.add(key)
        for i, quote in enumerate(row["quotes"]):
            where = f"row {n} /quotes/{i}"
            problems += span_problems(quote["content"], text, file, f"{where}/content")
            problems += _piece_problems(quote, row, first_pieces, file, where)
            key = (row["doc_id"], quote["id"])
            start = reach[key][0] if key in reach else row["start"] + quote["content"]["start"]
            reach[key] = start, row["start"] + quote["content"]["end"], where
            anchored = [("cue", quote["cue"]), ("speaker/mention", quote["speaker"]["mention"]), ("outlet", quote["outlet"])]
            for part, span in anchored:
                if span is None:
                    continue
                home = by_id.get(span["sentence_id"])
                if home is None or home["doc_id"] != row["doc_id"]:
                    problems.append(Problem(file, f"{where}/{part}", f"refers to sentence {span['sentence_id']!r}, not in this document"))
                else:
                    problems += span_problems(span, home["text"], file, f"{where}/{part}")
            entity = quote["speaker"]["entity"]
            if entity is not None:
                target = entity_ids.get((row["doc_id"], entity["id"]))
                if target is None or target["text"] != entity["text"]:
                    problems.append(Problem(file, f"{where}/speaker/entity", f"speaker entity {entity['id']!r} does not resolve to an entity mention"))
            chain = quote["speaker"]["chain"]
            if chain is not None and chain_labels.get((row["doc_id"], chain["id"])) != chain["label"]:
                problems.append(Problem(file, f"{where}/speaker/chain", f"speaker chain {chain['id']!r} ({chain['label']}) is the chain of no {chain['label']} entity mention of {row['doc_id']}"))
        for i, stance in enumerate(row["stance"]):
            problems += span_problems(stance["evidence"], text, file, f"row {n} /stance/{i}/evidence")
            for part in (stance["evidence_quote_id"], stance["holder"]["quote_id"]):
                if part is not None and (row["doc_id"], part) not in quote_ids:
                    problems.append(Problem(file, f"row {n} /stance/{i}", f"refers to quote {part!r}, which does not exist"))
    for key, (start, end, where) in reach.items():
        whole = first_pieces[key][1]["document_content"]
        if (start, end) != (whole["start"], whole["end"]):
            problems.append(Problem(file, where, f"the pieces of quote {key[1]!r} run over [{start}, {end}) of the document, its document_content over "
                                    f"[{whole['start']}, {whole['end']}): a piece is missing or cut"))
    return problems


# What every piece of one quote repeats: a hostile edit of one piece makes them differ.
QUOTE_FIELDS = ("type", "document_content", "source_quote_id", "cue", "speaker", "outlet", "provenance")


def _piece_problems(quote: dict[str, Any], row: dict[str, Any], first_pieces: dict[tuple[str, str], tuple[str, dict[str, Any]]], file: str, where: str) -> list[Problem]:
    """Why a quote's piece in a sentence row does not fit: its parts are not spans of the sentence, in order, from its
    content's start to its end and inside the quotation's document offsets, or it differs from the quote's first piece."""
    problems = []
    parts, content, whole = quote["parts"], quote["content"], quote["document_content"]
    for j, part in enumerate(parts):
        problems += span_problems(part, row["text"], file, f"{where}/parts/{j}")
        if not whole["start"] <= row["start"] + part["start"] < row["start"] + part["end"] <= whole["end"]:
            problems.append(Problem(file, f"{where}/parts/{j}", f"part {part['text']!r} is not inside the quotation's document_content [{whole['start']}, {whole['end']})"))
    if not parts or (parts[0]["start"], parts[-1]["end"]) != (content["start"], content["end"]) or any(a["end"] >= b["start"] for a, b in zip(parts, parts[1:])):
        problems.append(Problem(file, f"{where}/parts", "the parts are not the quote's content in this sentence: in text order, apart, from its start to its end"))
    key = (row["doc_id"], quote["id"])
    sentence_id, first = first_pieces.setdefault(key, (row["sentence_id"], quote))
    differing = [field for field in QUOTE_FIELDS if quote[field] != first[field]]
    if differing:
        problems.append(Problem(file, f"{where}/{differing[0]}", f"quote {quote['id']!r} has another {', '.join(differing)} than its piece in sentence {sentence_id}: "
                                "every piece of a quote repeats the same"))
    return problems


def validate_corpus(corpus: Path, schemas: Schemas, workers: int = 1) -> list[Problem]:
    """Every problem in a published corpus directory; shards are checked on `workers` processes."""
    manifest_path = corpus / "manifest.json"
    if not manifest_path.exists():
        return [Problem(str(corpus), "", "no manifest.json: not a qawl corpus (run qawl build)")]
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        return [Problem(str(manifest_path), f"line {error.lineno}", f"invalid JSON: {error.msg}")]
    problems = schemas.problems("manifest", manifest, str(manifest_path))
    if problems:
        return problems
    resources = manifest.get("resources", [])
    problems += listed_file_problems(corpus, resources)
    expected = {entry["path"] for entry in manifest["files"] + resources} | set(BESIDE_SHARDS)
    for stray in sorted(p.relative_to(corpus).as_posix() for p in corpus.rglob("*") if not p.is_dir()):
        if stray not in expected:
            problems.append(Problem(str(corpus / stray), "", "not listed in manifest.json, nor a file qawl build writes beside the shards: remove it"))
    dataset = json.loads((schemas.directory / "dataset.json").read_text(encoding="utf-8"))
    problems += _manifest_version_problems(manifest, dataset, str(manifest_path))
    shards = [
        ShardCheck(str(corpus), name, entries, str(schemas.directory), manifest["schema_version"], dataset["splits"])
        for name, entries in sorted(_shards(manifest["files"]).items(), key=lambda shard: (_split_rank(shard[1][0]["split"]), shard[0]))
    ]
    reports = []
    with tqdm(total=len(shards), desc="validate", unit="shard", disable=not sys.stderr.isatty()) as progress:
        for report in run_local(check_shard, shards, min(workers, len(shards))):
            problems += report.problems
            reports.append(report)
            progress.update()
    return problems + _shard_order_problems(reports)


def _manifest_version_problems(manifest: dict[str, Any], dataset: dict[str, Any], file: str) -> list[Problem]:
    """The versions the manifest states (the data files do not carry the dataset version) against schema/dataset.json's."""
    return [
        Problem(file, f"/{key}", f"{manifest[key]!r}, but schema/dataset.json says {dataset[key]!r}: rebuild with qawl build")
        for key in ("version", "schema_version")
        if manifest[key] != dataset[key]
    ]


def _split_rank(split: str) -> int:
    return SPLIT_ORDER.index(split) if split in SPLIT_ORDER else len(SPLIT_ORDER)


def _shards(files: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Manifest entries by shard name: `<split>-NNNNN.parquet` of every config, which hold the same documents."""
    shards: dict[str, list[dict[str, Any]]] = {}
    for entry in files:
        shards.setdefault(entry["path"].rsplit("/", 1)[-1], []).append(entry)
    return shards


@dataclass(frozen=True)
class ShardCheck:
    """A shard of a published corpus to check: its name and manifest entries (one per config)."""

    corpus: str
    name: str
    entries: list[dict[str, Any]]
    schema_dir: str
    schema_version: str  # of the corpus (its manifest): what its files' metadata must say
    splits: dict[str, int]  # the split shares (`schema/dataset.json`)


@dataclass(frozen=True)
class ShardReport:
    """What checking a shard found, and where its documents sit in their split (`_shard_order_problems`)."""

    split: str
    documents_file: str | None  # the path of its `documents` file, when readable
    first: str | None  # its first and last doc_id (None: no document read)
    last: str | None
    ends: bool  # the build ends a shard after its last document (`publish.SHARD_SIZE`)
    problems: list[Problem]


def check_shard(task: ShardCheck) -> ShardReport:
    """Every problem in one shard's files; its sentences are checked against its documents' text.

    A shard at a time, so memory holds one shard's rows however large the corpus.
    """
    corpus, name, entries, schemas = Path(task.corpus), task.name, task.entries, schemas_in(task.schema_dir)
    schema_of = {config.name: config.schema for config in CONFIGS}
    arrow = arrow_schemas_in(task.schema_dir, task.schema_version)
    split = entries[0]["split"]
    problems: list[Problem] = []
    documents: dict[str, str] = {}
    doc_ids: list[str] = []
    documents_file = None
    sentence_rows: list[tuple[str, dict[str, Any]]] = []
    document_rows: list[dict[str, Any]] = []
    task_rows: dict[str, tuple[str, list[dict[str, Any]]]] = {}  # config → its file and rows, when all are valid
    sentences_sound = False  # every sentence row read and consistent: the task rows can be derived from them
    for entry in entries:
        path = corpus / entry["path"]
        file = str(path)
        if not path.exists():
            problems.append(Problem(file, "", "listed in manifest.json but missing"))
            continue
        if file_sha256(path) != entry["sha256"]:
            problems.append(Problem(file, "", "sha256 differs from manifest.json: the file was changed after the build"))
        schema_name = schema_of.get(entry["config"])
        if schema_name is None:
            continue
        try:
            schema_problems = _arrow_schema_problems(pq.read_schema(path), arrow[entry["config"]], file)
            if schema_problems:  # its rows cannot be read as the schema says
                problems += schema_problems
                continue
            rows = list(read_rows(path, schemas, schema_name))
        except (pa.ArrowException, OSError, UnicodeDecodeError, IndexError) as error:  # a damaged file: its bytes, its labels
            problems.append(Problem(file, "", f"not a readable Parquet file: {error}"))
            continue
        if len(rows) != entry["rows"]:
            problems.append(Problem(file, "", f"{len(rows)} rows, manifest.json says {entry['rows']}"))
        valid = []
        for n, row in enumerate(rows):
            row_problems = schemas.problems(schema_name, row, file, f"row {n}")
            problems += row_problems
            if not row_problems:
                valid.append((n, row))
        if schema_name == "sentence":
            sentence_problems = check_sentence_rows(valid, file)
            problems += sentence_problems
            sentence_rows += [(file, row) for _, row in valid]
            sentences_sound = len(valid) == len(rows) and not sentence_problems
        elif schema_name == "document":
            documents.update({row["doc_id"]: row["text"] for _, row in valid})
            doc_ids = [row["doc_id"] for row in rows]
            documents_file = file
            document_rows = [row for _, row in valid]
            problems += _document_order_problems(valid, split, task.splits, file)
        elif len(valid) == len(rows):
            task_rows[entry["config"]] = file, rows
    for file, row in sentence_rows if documents_file is not None else ():  # unreadable documents: nothing to compare with
        text = documents.get(row["doc_id"])
        if text is None:
            problems.append(Problem(file, f"sentence {row['sentence_id']}", f"document {row['doc_id']!r} is not in documents/{name}, the documents of this shard"))
        elif text[row["start"] : row["end"]] != row["text"]:
            problems.append(Problem(file, f"sentence {row['sentence_id']}", "start/end do not point at this text in the document"))
        else:
            for i, quote in enumerate(row["quotes"]):
                problems += span_problems(quote["document_content"], text, file, f"sentence {row['sentence_id']} /quotes/{i}/document_content")
    if documents_file is not None and sentences_sound:
        problems += _task_row_problems(task_rows, document_rows, [row for _, row in sentence_rows], _shipped_target_names(corpus))
    ends = bool(doc_ids) and publish.SHARD_SIZE.ends_with(doc_ids[-1], len(doc_ids))
    first, last = (doc_ids[0], doc_ids[-1]) if doc_ids else (None, None)
    return ShardReport(split, documents_file, first, last, ends, problems)


def _shipped_target_names(corpus: Path) -> dict[str, tuple[str, str]]:
    """The target names of the inventory shipped beside the data (empty when it is unreadable: its own check says why)."""
    try:
        return target_names(json.loads((corpus / TARGETS_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _task_row_problems(
    task_rows: dict[str, tuple[str, list[dict[str, Any]]]],
    documents: list[dict[str, Any]],
    sentences: list[dict[str, Any]],
    names: dict[str, tuple[str, str]],
) -> list[Problem]:
    """Where a task config's rows are not what `publish.CONFIGS` derives from the shard's sentence rows and the
    shipped target names (the first differing field of each row): an edit the re-sealed manifest hides."""
    by_document: dict[str, list[dict[str, Any]]] = {}
    for row in sentences:
        by_document.setdefault(row["doc_id"], []).append(row)
    problems = []
    for config in CONFIGS:
        if config.name not in task_rows:
            continue
        file, published = task_rows[config.name]
        derived = [row for document in documents for row in config.derive(document, by_document.get(document["doc_id"], []))]
        if config.name == "stance" and all(row["target"] in names for row in derived):
            derived = with_target_names(derived, names)
        if len(published) != len(derived):
            problems.append(Problem(file, "", f"{len(published)} rows, but the sentences give {len(derived)}"))
            continue
        for n, (found, expected) in enumerate(zip(published, derived)):
            field = next((field for field in expected if found[field] != expected[field]), None)
            if field is not None:
                problems.append(Problem(file, f"row {n} /{field}", f"{found[field]!r:.200} is not what the sentences give: {expected[field]!r:.200}"))
    return problems


def _arrow_schema_problems(found: pa.Schema, derived: pa.Schema, file: str) -> list[Problem]:
    """How a file's Arrow schema and its metadata (HF features, qawl schema version) differ from what schema/ derives."""
    problems = []
    if not found.remove_metadata().equals(derived.remove_metadata()):
        problems.append(Problem(file, "Arrow schema", "differs from what schema/ derives: the columns or their types were changed"))
    for key in derived.metadata:
        if (found.metadata or {}).get(key) != derived.metadata[key]:
            problems.append(Problem(file, f"metadata {key.decode()}", f"differs from what schema/ derives: {derived.metadata[key].decode()[:200]}"))
    return problems


def _seed_order(doc_id: str) -> str:
    """Where a document comes in the build: seeds are read sorted by file name (`ingest.iter_documents`)."""
    return f"{doc_id}.txt"


def _document_order_problems(rows: list[tuple[int, dict[str, Any]]], split: str, shares: dict[str, int], file: str) -> list[Problem]:
    """The document rows of a shard (with their row numbers): each of its split (by its status and pin),
    in the build's order, where the build cuts shards."""
    problems = []
    doc_ids = [(n, row["doc_id"]) for n, row in rows]
    for index, (n, row) in enumerate(rows):
        doc_id = row["doc_id"]
        if (home := split_of(row["duplicate_group"] or doc_id, shares, row["status"] == "gold", row["pinned_split"])) != split:
            problems.append(Problem(file, f"row {n} /doc_id", f"document {doc_id!r} belongs to split {home!r}, not {split!r}"))
        elif index and _seed_order(doc_id) <= _seed_order(doc_ids[index - 1][1]):
            problems.append(Problem(file, f"row {n} /doc_id", f"document {doc_id!r} comes after {doc_ids[index - 1][1]!r}: the documents are out of order"))
        elif index < len(doc_ids) - 1 and publish.SHARD_SIZE.ends_with(doc_id, index + 1):
            problems.append(Problem(file, f"row {n} /doc_id", f"the build ends a shard after document {doc_id!r}, and this one goes on"))
    return problems


def _shard_order_problems(reports: list[ShardReport]) -> list[Problem]:
    """Shards of a split in the build's order: each starts after the one before ends, which the build would end there."""
    problems = []
    for before, report in zip(reports, reports[1:]):
        if before.split != report.split or before.last is None or report.first is None:
            continue
        if _seed_order(report.first) <= _seed_order(before.last):
            shard_before = Path(before.documents_file).relative_to(Path(before.documents_file).parents[1]).as_posix()
            problems.append(Problem(report.documents_file, "row 0 /doc_id", f"document {report.first!r} comes after {shard_before}'s last: the shards are out of order"))
        elif not before.ends:
            problems.append(Problem(before.documents_file, "", f"the build would not end a shard after its last document {before.last!r}"))
    return problems


def validate_annotation_files(paths: list[Path], project: Project, schemas: Schemas) -> list[Problem]:
    """Annotation files checked against the schema and the frozen text of their seed.

    Every seed is read (and checked), but only those with a layer here are kept.
    """
    problems: list[Problem] = []
    layers = [(path, *read_layer(path, schemas)) for path in paths]
    annotated = {layer["doc_id"] for _, layer, _ in layers if layer is not None}
    documents = {d.doc_id: d for d in iter_documents(project.seeds, schemas, problems) if d.doc_id in annotated}
    targets, target_problems = read_targets(project.annotations, schemas)
    problems += target_problems
    for path, layer, layer_problems in layers:
        problems += layer_problems
        if layer is None:
            continue
        document = documents.get(layer["doc_id"])
        if path.parent.resolve() == project.annotations.resolve() and path.stem != layer["doc_id"]:
            problems.append(Problem(str(path), "/doc_id", f"layer is for {layer['doc_id']!r}, not {path.stem!r}: the build reads it only as annotations/{layer['doc_id']}.json"))
            continue
        if document is None:
            problems.append(Problem(str(path), "/doc_id", f"no seed article {layer['doc_id']!r} in {project.seeds}"))
            continue
        problems += check_layer(layer, document, split_sentences(document.doc_id, document.text), targets, str(path))
    return problems


def annotation_files(directory: Path) -> list[Path]:
    """The annotation layers in a directory (not the target inventory)."""
    return sorted(p for p in directory.glob("*.json") if p.name != "targets.json")
