"""Bringing a review back: what changed, with provenance, merged into annotations/.

A review is the layer a tool shows after a person worked on it, plus the base
layer it was exported from. The changes (accepted, edited, added, removed) are
the difference between the two; they are applied to the current annotation
file, so that annotations the review did not touch are kept, and a change to an
annotation someone else changed since the export is refused as a conflict.
Nothing is written unless every review of the import is valid.

A double annotation is imported into one layer per annotator instead
(`annotations/passes/<doc_id>/<annotator>.json`, each the export's base with that
annotator's changes), never into the gold layer; `curate` merges them later.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import astuple, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from qawl.ingest import Document
from qawl.jsonfile import value_problems
from qawl.merge import Layer, check_layer, read_layer, read_targets
from qawl.project import Project
from qawl.review.offsets import UNITS
from qawl.review.regions import KIND_PREFIX, View, Vocabulary, from_view
from qawl.review.store import commit, encode_layer, layer_path, pass_path, plan_transaction, read_log
from qawl.schema import Problem, Schemas
from qawl.segment import split_sentences

BASE_KINDS = ("gold", "silver", "empty")


@dataclass
class Review:
    """One document as it came back from a review tool (offsets already in code points)."""

    tool: str
    file: str
    doc_id: str
    sha256: str
    text: str
    base_kind: str
    base: Layer
    view: View
    tool_user: Any = None  # who the tool says did it (Label Studio's `completed_by`)
    annotator: str | None = None  # who is credited: from the tool's identity, else --annotator
    passes: bool = False  # imported as the annotator's own layer, not into gold


def export_meta(document: Document, base_kind: str, base: Layer, unit: str) -> dict[str, Any]:
    """What an export records beside the tool's data, so that its import can be checked and merged."""
    return {"doc_id": document.doc_id, "sha256": document.sha256, "offsets": unit, "base_kind": base_kind, "base": base}


def read_meta(meta: Any, file: str, place: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The export record of a review, or why it cannot be used."""
    keys = ("doc_id", "sha256", "offsets", "base_kind", "base")
    if not isinstance(meta, dict) or any(key not in meta for key in keys):
        return None, [Problem(file, place, "not made by `qawl review export` (no qawl export record); export the documents with qawl first")]
    if (
        not all(isinstance(meta[key], str) for key in ("doc_id", "sha256", "offsets", "base_kind"))
        or meta["offsets"] not in UNITS
        or meta["base_kind"] not in BASE_KINDS
        or not isinstance(meta["base"], dict)
    ):
        return None, [Problem(file, place, "the qawl export record is damaged (doc_id, sha256, offsets, base_kind or base); re-export it")]
    return meta, []


@dataclass(frozen=True)
class Change:
    """One annotation accepted, edited, added or removed by a reviewer."""

    kind: str
    id: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    origin: str | None = None


@dataclass
class Outcome:
    """What an import will write for one document."""

    review: Review
    layer: Layer
    path: Path | None = None  # the file written: the gold layer or the annotator's layer
    changes: list[Change] = field(default_factory=list)
    imported_before: dict[str, Any] | None = None  # a log entry of the import that brought this same review already

    @property
    def writes(self) -> bool:
        """Whether the import writes this document: the gold layer when it changes, an annotator's layer when it is new or differs."""
        if self.imported_before is not None or self.path is None:
            return False
        if not self.review.passes:
            return bool(self.changes)
        return not self.path.exists() or self.path.read_bytes() != encode_layer(self.layer)

    @property
    def layer_name(self) -> str:
        return f"passes/{self.review.annotator}" if self.review.passes else "gold"


def fingerprint(review: Review) -> str:
    """What identifies a review, whichever file or tool user brought it: its document, base and what the tool shows."""
    view = review.view
    content = {
        **({"pass": review.annotator} if review.passes else {}),
        "doc_id": review.doc_id,
        "sha256": review.sha256,
        "base": review.base,
        "regions": [astuple(region) for region in view.regions.values()],
        "relations": view.relations,
        "quote_types": view.quote_types,
        "stances": sorted([rid, target, label] for (rid, target), label in view.stances.items()),
        **({"chains": view.chains} if view.chains else {}),  # absent without chains: fingerprints of earlier imports hold
        **({"parts": view.parts} if view.parts else {}),
        **({"sources": view.sources} if view.sources else {}),
    }
    encoded = json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogatepass")
    return hashlib.sha256(encoded).hexdigest()


def _content(item: dict[str, Any] | None) -> dict[str, Any] | None:
    """An annotation without its provenance, for comparing what it says."""
    return None if item is None else {k: v for k, v in item.items() if k != "provenance"}


def diff(base: Layer, reviewed: Layer, annotator: str, time: str, origins: dict[str, str]) -> list[Change]:
    """The changes from `base` to `reviewed`, with the provenance the new versions get."""
    manual = {"source": "manual", "status": "gold", "annotator": annotator, "time": time}
    changes = []
    for kind in KIND_PREFIX:
        before = {item["id"]: item for item in base.get(kind, [])}
        after = {item["id"]: item for item in reviewed.get(kind, [])}
        for item_id, item in after.items():
            old = before.get(item_id)
            # a change the tool does not trace (brat; a relation or a part removed under an untouched prediction) is a person's
            by_hand = origins.get(item_id) if origins.get(item_id) not in (None, "prediction") else "manual"
            if old is None:
                changes.append(Change(kind, item_id, "added", None, {**item, "provenance": manual}, by_hand))
            elif _content(old) != _content(item):
                changes.append(Change(kind, item_id, "edited", old, {**item, "provenance": manual}, by_hand))
            elif old["provenance"]["status"] != "gold":
                accepted = {**old["provenance"], "status": "gold", "annotator": annotator, "time": time}
                changes.append(Change(kind, item_id, "accepted", old, {**item, "provenance": accepted}, origins.get(item_id)))
        changes += [Change(kind, i, "removed", old, None, "manual") for i, old in before.items() if i not in after]
    return changes


def apply(current: Layer, changes: list[Change], file: str) -> tuple[Layer, list[Change], list[Problem]]:
    """`current` with the changes applied; the changes that took effect; conflicts as problems."""
    kinds = [kind for kind in KIND_PREFIX if kind in current or any(change.kind == kind for change in changes)]  # chains are optional
    layer = {**{key: value for key, value in current.items() if key not in KIND_PREFIX}, **{kind: list(current.get(kind, [])) for kind in kinds}}
    applied, problems = [], []
    for change in changes:
        items = layer[change.kind]
        position = next((n for n, item in enumerate(items) if item["id"] == change.id), None)
        now = items[position] if position is not None else None
        if change.action == "added":
            if now is not None:
                problems.append(Problem(file, f"{change.kind} {change.id}", "id already taken in the annotation file"))
                continue
            items.append(change.after)
        elif _content(now) != _content(change.before):
            problems.append(Problem(file, f"{change.kind} {change.id}", f"conflict: {change.action} in this review, but changed in the annotation file since the export; re-export and review again"))
            continue
        elif change.action == "accepted" and now["provenance"]["status"] == "gold":
            continue
        elif change.after is None:
            del items[position]
        else:
            items[position] = change.after
        applied.append(change)
    return layer, applied, problems


def now_utc() -> str:
    """The time of an import, as ISO 8601 UTC with a Z."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def plan_import(
    project: Project, schemas: Schemas, documents: dict[str, Document], reviews: list[Review], time: str
) -> tuple[list[Outcome], list[Problem]]:
    """What importing `reviews` (each with its annotator) would write, or every problem that stops it."""
    targets, problems = read_targets(project.annotations, schemas)
    vocabulary = Vocabulary.load(schemas, targets)
    outcomes: list[Outcome] = []
    seen: dict[tuple[str, str | None], str] = {}
    log = read_log(project)
    imported = {entry["review"]: entry for entry in log if "review" in entry}
    logged: dict[str, set[str]] = {}
    for entry in log:
        logged.setdefault(entry["doc_id"], set()).add(entry["id"])
    for review in reviews:
        file, doc_id = review.file, review.doc_id
        document = documents.get(doc_id)
        if document is None:
            problems.append(Problem(file, doc_id, f"no seed article {doc_id!r} in {project.seeds}"))
            continue
        layer_key = (doc_id, review.annotator if review.passes else None)
        if layer_key in seen:
            who = f" by {review.annotator}" if review.passes else ""
            problems.append(Problem(file, doc_id, f"reviewed twice{who} in this import (also in {seen[layer_key]}); import one at a time"))
            continue
        seen[layer_key] = file
        earlier = imported.get(fingerprint(review))
        if earlier is not None:
            outcomes.append(Outcome(review, review.base, imported_before=earlier))
            continue
        if review.sha256 != document.sha256:
            problems.append(Problem(file, doc_id, f"exported against a different text (sha256 {review.sha256[:12]}…) than {document.source} has now ({document.sha256[:12]}…); re-export it and review again"))
            continue
        if review.text != document.text:
            problems.append(Problem(file, doc_id, f"the review's text is not the text of {document.source}"))
            continue
        unsafe = value_problems(review.base, file, integers_only=True)
        base_problems = [Problem(file, f"{doc_id} base {p.place}", p.message) for p in unsafe] or schemas.problems("annotation", review.base, file, f"{doc_id} base")
        if base_problems or review.base["doc_id"] != doc_id or review.base["sha256"] != document.sha256:
            problems += base_problems or [Problem(file, doc_id, "the export's base layer is for another document or text; re-export it")]
            continue
        path = pass_path(project, doc_id, review.annotator) if review.passes else layer_path(project, doc_id)
        current, current_problems = (review.base, []) if review.passes else _current_gold(path, review, schemas)
        problems += current_problems
        if current is None or current_problems:
            continue
        used = set() if review.passes else logged.get(doc_id, set()) | {item["id"] for kind in KIND_PREFIX for item in current.get(kind, [])}
        reviewed, view_problems, origins = from_view(review.view, review.base, document.text, vocabulary, used, file)
        problems += view_problems
        if view_problems:
            continue
        layer, applied, conflicts = apply(current, diff(review.base, reviewed, review.annotator, time, origins), file)
        problems += conflicts
        if conflicts:
            continue
        layer_problems = schemas.problems("annotation", layer, file, doc_id)
        if not layer_problems:
            sentences = split_sentences(doc_id, document.text)
            layer_problems = check_layer(layer, document, sentences, targets, f"{file} ({doc_id})")
        problems += layer_problems
        if not layer_problems:
            outcomes.append(Outcome(review, layer, path, applied))
    return outcomes, problems


def _current_gold(path: Path, review: Review, schemas: Schemas) -> tuple[Layer | None, list[Problem]]:
    """The gold layer a review's changes apply to (its base when there is no gold file yet), or why it cannot be used."""
    file, doc_id = review.file, review.doc_id
    if path.exists():
        current, problems = read_layer(path, schemas)
        if current is not None and not problems and review.base_kind != "gold":
            problems = [Problem(file, doc_id, f"{path} was created after this export; re-export it and review again")]
        return current, problems
    if review.base_kind == "gold":
        return None, [Problem(file, doc_id, f"exported from {path}, which no longer exists; restore it from annotations/.history or re-export")]
    return review.base, []


def log_entries(outcome: Outcome, time: str) -> list[dict[str, Any]]:
    """One review-log line per change: who, when, in which layer, what, before and after, and which review brought it."""
    review = outcome.review
    review_id = fingerprint(review)
    return [
        {
            "time": time,
            "annotator": review.annotator,
            "layer": outcome.layer_name,
            "doc_id": review.doc_id,
            "tool": review.tool,
            "file": review.file,
            "tool_user": review.tool_user,
            "review": review_id,
            "kind": change.kind,
            "id": change.id,
            "action": change.action,
            "origin": change.origin,
            "before": change.before,
            "after": change.after,
        }
        for change in outcome.changes
    ]


def write_outcomes(project: Project, outcomes: list[Outcome], time: str) -> list[Outcome]:
    """Write every layer that changed, as one transaction (all of them or none); returns those.

    Raises UnicodeEncodeError before anything is written, `WriteFailed` when the disk refuses.
    """
    changed = [outcome for outcome in outcomes if outcome.writes]
    if changed:
        layers = [(outcome.path, outcome.layer, log_entries(outcome, time)) for outcome in changed]
        commit(project, plan_transaction(project, layers, file_stamp(time)))
    return changed


def file_stamp(time: str) -> str:
    """A time as it appears in a history file name."""
    return time.replace("-", "").replace(":", "")
