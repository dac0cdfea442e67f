"""Writing reviewed layers into annotations/ without ever losing work: one transaction per import.

An import (or a curation) writes, for every document it changes, the new
`annotations/<doc_id>.json` (or an annotator's layer, `annotations/passes/<doc_id>/<annotator>.json`)
and a copy of the previous one in `annotations/.history/<its path without .json>/<time>.json`, and
appends every change to `annotations/review-log.jsonl` (who, when, what, before and
after). All of it lands, or none of it: a journal names every file first; each
file's bytes go to a temporary file beside it, and the log lines are appended;
then the journal is marked committed, and only then are the temporary files
renamed into place. `finish_interrupted_write` (run by the next import and the
next build) completes a committed journal and rolls back any other, so a kill or
a full disk at any point leaves either nothing or everything.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qawl.ingest import Document
from qawl.merge import Layer, read_layer
from qawl.project import Project
from qawl.publish import fsync
from qawl.schema import Problem, Schemas

HISTORY = ".history"
PASSES = "passes"  # annotations/passes/<doc_id>/<annotator>.json: one layer per annotator of a double annotation
REVIEW_LOG = "review-log.jsonl"
JOURNAL = ".review-log.journal"  # the import in progress (not *.json: the build reads those)
TEMPORARY_SUFFIX = ".importing"  # beside each file of an import in progress (not *.json either)


def layer_path(project: Project, doc_id: str) -> Path:
    return project.annotations / f"{doc_id}.json"


def pass_path(project: Project, doc_id: str, annotator: str) -> Path:
    return project.annotations / PASSES / doc_id / f"{annotator}.json"


def pass_paths(project: Project, doc_id: str) -> dict[str, Path]:
    """The annotator layers of a document, by annotator, in name order."""
    return {path.stem: path for path in sorted((project.annotations / PASSES / doc_id).glob("*.json"))}


def history_dir(project: Project, path: Path) -> Path:
    """Where earlier versions of an annotation file are kept: annotations/.history/<its path without .json>/."""
    return project.annotations / HISTORY / path.relative_to(project.annotations).with_suffix("")


def review_log(project: Project) -> Path:
    return project.annotations / REVIEW_LOG


@contextmanager
def locked(project: Project) -> Iterator[None]:
    """Hold a lock on annotations/ itself, so that two imports never interleave (no lock file left behind);
    an import that an earlier one left half-done is finished or rolled back first."""
    project.annotations.mkdir(parents=True, exist_ok=True)
    fd = os.open(project.annotations, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        finish_interrupted_write(project)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def finish_interrupted_import(project: Project) -> None:
    """For a reader of annotations/ (the build): finish or roll back an import killed half-way, if there is one."""
    if (project.annotations / JOURNAL).exists():
        with locked(project):
            pass


def read_log(project: Project) -> list[dict[str, Any]]:
    """Every entry of the review log (written by imports alone, whole lines only)."""
    path = review_log(project)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def encode_layer(layer: Layer) -> bytes:
    """An annotation file's bytes (as `publish.write_json` writes them)."""
    return (json.dumps(layer, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def encode_log(entries: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n" for entry in entries).encode("utf-8")


@dataclass(frozen=True)
class Transaction:
    """Every byte an import writes, encoded before anything is written."""

    files: dict[Path, bytes]  # the new annotation files and the history copies of the old ones
    log: bytes  # lines appended to the review log


def plan_transaction(project: Project, layers: list[tuple[Path, Layer, list[dict[str, Any]]]], stamp: str) -> Transaction:
    """The files and log lines that save `layers` (each with its path and log entries); the previous
    version of each file is kept under `stamp`. Raises UnicodeEncodeError before anything is written."""
    files: dict[Path, bytes] = {}
    entries: list[dict[str, Any]] = []
    for target, layer, layer_entries in layers:
        if target.exists():
            kept, n = history_dir(project, target) / f"{stamp}.json", 1
            while kept.exists():
                kept, n = kept.with_name(f"{stamp}-{n}.json"), n + 1
            files[kept] = target.read_bytes()
        files[target] = encode_layer(layer)
        entries += layer_entries
    return Transaction(files, encode_log(entries))


class WriteFailed(Exception):
    """An import could not be written (a full disk, a read-only directory): what, and what was left."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def commit(project: Project, transaction: Transaction) -> None:
    """Write `transaction` whole; on a write error roll it back and raise WriteFailed naming the path."""
    log = review_log(project)
    journal = {
        "state": "prepared",
        "files": [str(path.relative_to(project.annotations)) for path in transaction.files],
        "log_size": log.stat().st_size if log.exists() else None,
    }
    path = project.annotations / JOURNAL
    try:
        _write_journal(project, journal)
        for path, data in transaction.files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_file(_temporary(path), data)
        for directory in {path.parent for path in transaction.files}:
            fsync(directory)  # the temporary files are found after a power cut too
        path = log
        _append_log(log, journal["log_size"] or 0, transaction.log)
        path = project.annotations / JOURNAL
        _write_journal(project, {**journal, "state": "committed"})
    except OSError as error:
        _roll_back(project, journal)
        untouched = "nothing was imported; annotations/ is as it was"
        raise WriteFailed(Problem(str(path), "", f"cannot write: {error.strerror or error}; {untouched}")) from error
    try:
        _complete(project, journal)
    except OSError as error:
        raise WriteFailed(
            Problem(str(path), "", f"cannot move into place: {error.strerror or error}; the import is committed in {project.annotations / JOURNAL} and the next `qawl review import` or `qawl build` finishes it")
        ) from error


def finish_interrupted_write(project: Project) -> None:
    """Complete an import killed after its commit; roll back one killed before (nothing of it remains)."""
    path = project.annotations / JOURNAL
    _temporary(path).unlink(missing_ok=True)  # a journal killed before its rename: it never was
    if not path.exists():
        return
    journal = json.loads(path.read_text(encoding="utf-8"))
    if journal["state"] == "committed":
        _complete(project, journal)
    else:
        _roll_back(project, journal)


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}{TEMPORARY_SUFFIX}")


def _write_file(path: Path, data: bytes) -> None:
    """`data` in `path`, on disk (fsynced) when this returns."""
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _write_journal(project: Project, journal: dict[str, Any]) -> None:
    """Write the journal whole (a temporary file renamed into place): it exists complete or not at all."""
    path = project.annotations / JOURNAL
    temporary = _temporary(path)
    try:
        _write_file(temporary, json.dumps(journal, ensure_ascii=False).encode("utf-8"))
        temporary.rename(path)
        fsync(path.parent)
    finally:
        temporary.unlink(missing_ok=True)


def _append_log(log: Path, size: int, lines: bytes) -> None:
    """The log cut back to `size` bytes (a torn or repeated append is written over), then `lines`."""
    with open(log, "ab") as handle:
        handle.truncate(size)
        handle.write(lines)
        handle.flush()
        os.fsync(handle.fileno())


def _move_into_place(path: Path) -> None:
    """The temporary file of `path` renamed over it (done already if the temporary is gone)."""
    temporary = _temporary(path)
    if temporary.exists():
        temporary.chmod(0o644)
        os.replace(temporary, path)
        fsync(path.parent)


def _complete(project: Project, journal: dict[str, Any]) -> None:
    """Every file of a committed import in place (history copies first), then the journal gone."""
    for name in journal["files"]:
        _move_into_place(project.annotations / name)
    _remove_journal(project)


def _roll_back(project: Project, journal: dict[str, Any]) -> None:
    """Remove every temporary file of an uncommitted import and its log lines, then the journal."""
    for name in journal["files"]:
        path = project.annotations / name
        _temporary(path).unlink(missing_ok=True)
        while path.parent != project.annotations and path.parent.is_dir() and not any(path.parent.iterdir()):
            path.parent.rmdir()  # a history directory made for this import
            path = path.parent
    log = review_log(project)
    if journal["log_size"] is None:
        log.unlink(missing_ok=True)
    elif log.exists():
        os.truncate(log, journal["log_size"])
    _remove_journal(project)


def _remove_journal(project: Project) -> None:
    (project.annotations / JOURNAL).unlink(missing_ok=True)
    fsync(project.annotations)


def empty_layer(project: Project, doc_id: str, sha256: str) -> Layer:
    """A layer without annotations, for a document nobody has annotated."""
    schema_version = str(project.dataset["schema_version"])
    return {"schema_version": schema_version, "doc_id": doc_id, "sha256": sha256, "entities": [], "quotes": [], "stance": []}


def silver_layer(project: Project, doc_id: str, text: str, sha256: str) -> Layer | None:
    """The pre-annotator's layer, when a pre-annotator is installed."""
    try:
        from qawl.annotate import preannotate  # type: ignore[attr-defined]
    except ImportError:
        return None
    return preannotate(doc_id, text, sha256, annotations_dir=project.annotations)


def base_layer(project: Project, document: Document, schemas: Schemas) -> tuple[str, Layer | None, list[Problem]]:
    """What a review starts from: the gold file, else the silver pre-annotation, else nothing.

    Returns the kind ("gold", "silver" or "empty"), the layer, and the problems of a gold file.
    """
    path = layer_path(project, document.doc_id)
    if path.exists():
        layer, problems = read_layer(path, schemas)
        return "gold", layer, problems
    silver = silver_layer(project, document.doc_id, document.text, document.sha256)
    if silver is not None:
        return "silver", silver, []
    return "empty", empty_layer(project, document.doc_id, document.sha256), []
