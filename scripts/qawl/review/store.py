"""Writing reviewed layers into annotations/ without ever losing work.

The previous file is copied to `annotations/.history/<doc_id>/<time>.json`
before it is replaced, the new file is written to a temporary file and moved
into place with `os.replace`, and every change is appended to
`annotations/review-log.jsonl` (who, when, what, before and after), through a
journal, so that the log holds each change that landed exactly once, even when
an import is killed half-way.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from qawl.ingest import Document
from qawl.merge import Layer, read_layer
from qawl.project import Project
from qawl.publish import file_sha256, fsync, write_json
from qawl.schema import Problem, Schemas

HISTORY = ".history"
REVIEW_LOG = "review-log.jsonl"
JOURNAL = ".review-log.journal"  # the log entries of a write in progress (not *.json: the build reads those)


def layer_path(project: Project, doc_id: str) -> Path:
    return project.annotations / f"{doc_id}.json"


def history_dir(project: Project, doc_id: str) -> Path:
    return project.annotations / HISTORY / doc_id


def review_log(project: Project) -> Path:
    return project.annotations / REVIEW_LOG


@contextmanager
def locked(project: Project) -> Iterator[None]:
    """Hold a lock on annotations/ itself, so that two imports never interleave (no lock file left behind);
    a write that an earlier import left half-done is finished first."""
    project.annotations.mkdir(parents=True, exist_ok=True)
    fd = os.open(project.annotations, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        finish_interrupted_write(project)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def logged_ids(project: Project, doc_id: str) -> set[str]:
    """Every annotation id the review log has seen for a document (ids are never reused)."""
    path = review_log(project)
    if not path.exists():
        return set()
    entries = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {entry["id"] for entry in entries if entry.get("doc_id") == doc_id}


def save_layer(project: Project, layer: Layer, entries: list[dict[str, Any]], stamp: str) -> Path | None:
    """Replace annotations/<doc_id>.json atomically and log `entries`; returns where the previous version was kept.

    The entries are journaled with the new file's hash and the log's length before
    the file is replaced, and appended to the log after: a write killed at any point
    is finished, or dropped if its file never landed, by `finish_interrupted_write`.
    """
    target = layer_path(project, layer["doc_id"])
    kept = None
    if target.exists():
        kept = history_dir(project, layer["doc_id"]) / f"{stamp}.json"
        kept.parent.mkdir(parents=True, exist_ok=True)
        n = 1
        while kept.exists():
            kept, n = kept.with_name(f"{stamp}-{n}.json"), n + 1
        shutil.copy2(target, kept)
        fsync(kept)
    temporary = _temporary_beside(target)
    try:
        write_json(temporary, layer)
        fsync(temporary)
        log = review_log(project)
        log_size = log.stat().st_size if log.exists() else 0
        _journal(project, {"file": target.name, "sha256": file_sha256(temporary), "log_size": log_size, "entries": entries})
        temporary.chmod(0o644)
        os.replace(temporary, target)
        fsync(target.parent)
    finally:
        temporary.unlink(missing_ok=True)
    _commit_journal(project)
    return kept


def _temporary_beside(target: Path) -> Path:
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    return Path(name)


def _journal(project: Project, journal: dict[str, Any]) -> None:
    """Write the journal whole (a temporary file renamed into place): it exists complete or not at all."""
    path = project.annotations / JOURNAL
    temporary = _temporary_beside(path)
    try:
        temporary.write_text(json.dumps(journal, ensure_ascii=False), encoding="utf-8")
        fsync(temporary)
        temporary.rename(path)
        fsync(path.parent)
    finally:
        temporary.unlink(missing_ok=True)


def _commit_journal(project: Project) -> None:
    """Append the journaled entries to the log, from the length it had before (so a torn or
    repeated append is written over, never doubled), then remove the journal."""
    path = project.annotations / JOURNAL
    journal = json.loads(path.read_text(encoding="utf-8"))
    lines = "".join(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n" for entry in journal["entries"])
    with open(review_log(project), "ab") as log:
        log.truncate(journal["log_size"])
        log.write(lines.encode("utf-8"))
        log.flush()
        os.fsync(log.fileno())
    path.unlink()
    fsync(path.parent)


def finish_interrupted_write(project: Project) -> None:
    """Complete the log of a killed `save_layer` whose file landed; forget one whose file did not."""
    path = project.annotations / JOURNAL
    if not path.exists():
        return
    journal = json.loads(path.read_text(encoding="utf-8"))
    target = project.annotations / journal["file"]
    if target.exists() and file_sha256(target) == journal["sha256"]:
        _commit_journal(project)
    else:
        path.unlink()
        fsync(path.parent)


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
