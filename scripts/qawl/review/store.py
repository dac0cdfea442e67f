"""Writing reviewed layers into annotations/ without ever losing work.

The previous file is copied to `annotations/.history/<doc_id>/<time>.json`
before it is replaced, the new file is written to a temporary file and moved
into place with `os.replace`, and every change is appended to
`annotations/review-log.jsonl` (who, when, what, before and after).
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
from qawl.publish import fsync, write_json
from qawl.schema import Problem, Schemas

HISTORY = ".history"
REVIEW_LOG = "review-log.jsonl"


def layer_path(project: Project, doc_id: str) -> Path:
    return project.annotations / f"{doc_id}.json"


def history_dir(project: Project, doc_id: str) -> Path:
    return project.annotations / HISTORY / doc_id


def review_log(project: Project) -> Path:
    return project.annotations / REVIEW_LOG


@contextmanager
def locked(project: Project) -> Iterator[None]:
    """Hold a lock on annotations/ itself, so that two imports never interleave (no lock file left behind)."""
    project.annotations.mkdir(parents=True, exist_ok=True)
    fd = os.open(project.annotations, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
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
    """Replace annotations/<doc_id>.json atomically; returns where the previous version was kept."""
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
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        write_json(temporary, layer)
        fsync(temporary)
        with open(review_log(project), "a", encoding="utf-8") as log:
            for entry in entries:
                log.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
            log.flush()
            os.fsync(log.fileno())
        temporary.chmod(0o644)
        os.replace(temporary, target)
        fsync(target.parent)
    finally:
        temporary.unlink(missing_ok=True)
    return kept


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
