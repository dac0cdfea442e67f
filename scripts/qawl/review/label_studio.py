"""Label Studio: a generated labeling config, tasks with pre-annotations, import of its JSON export.

Entities and quote parts are `Labels` on one right-to-left `Text`; relations
link a cue, speaker, outlet or speaker entity to its quote content, relations
labelled `coref` join the mentions of an entity chain (each to the next), relations
labelled `part` the content regions of a discontinuous quote (each part to the next),
and a relation labelled `source` goes from a nested quote's content to the content of
the quote that reports it; the quote type and the stance per target are per-region
`Choices` (on a quote's first part). Results keep the qawl
key as their region id, and each task carries the qawl export record
(`data.qawl`: doc_id, sha256, offset unit, base layer) that its import checks.
The JSON export's results are those of Label Studio's editor (`Result.serialize`):
`id`, `from_name`, `to_name`, `type`, `value` {start, end, text, labels|choices},
`origin` (prediction, prediction-changed, manual); relations have `from_id`,
`to_id`, `direction`. Each submitted annotation of a task is one review, credited
to its `completed_by` (Label Studio 1.23.2's data_export serializers: the user id,
or {id, email, first_name, last_name} when the export expands it).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from qawl.ingest import Document
from qawl.jsonfile import read_json_file
from qawl.merge import Layer
from qawl.review.changes import Review, export_meta, read_meta
from qawl.review.offsets import OffsetMap
from qawl.review.regions import CONTENT, EVIDENCE, LABEL_COLORS, QUOTE_PARTS, QUOTE_TYPE_CHOICE, Region, View, Vocabulary, to_view
from qawl.schema import Problem

FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"

TEXT = "text"
ENTITY_CONTROL, QUOTE_CONTROL, QUOTE_TYPE_CONTROL, STANCE_PREFIX = "entity", "quote", "quote_type", "stance_"
COREF = "coref"  # the relation label that joins two mentions of one entity chain
PART = "part"  # joins a part of a discontinuous quote to its next part
SOURCE = "source"  # from a nested quote's content to the content of the quote that reports it
RELATION_LABELS = (COREF, PART, SOURCE)


def labeling_config(vocabulary: Vocabulary) -> str:
    """The labeling config XML: labels, relations and per-region choices on right-to-left text."""
    view = ET.Element("View", style="direction: rtl")
    ET.SubElement(view, "Header", value="$title")
    entities = ET.SubElement(view, "Labels", name=ENTITY_CONTROL, toName=TEXT)
    for label in vocabulary.entity_labels:
        ET.SubElement(entities, "Label", value=label, background=LABEL_COLORS[label])
    quote = ET.SubElement(view, "Labels", name=QUOTE_CONTROL, toName=TEXT)
    for part in QUOTE_PARTS:
        ET.SubElement(quote, "Label", value=part, background=LABEL_COLORS[part])
    relations = ET.SubElement(view, "Relations")
    for label in RELATION_LABELS:
        ET.SubElement(relations, "Relation", value=label)
    ET.SubElement(view, "Text", name=TEXT, value="$text", granularity="symbol", saveTextResult="yes")
    types = ET.SubElement(view, "View", visibleWhen="region-selected", whenLabelValue=CONTENT)
    ET.SubElement(types, "Header", value="Quote type")
    choices = ET.SubElement(types, "Choices", name=QUOTE_TYPE_CONTROL, toName=TEXT, perRegion="true", choice="single-radio")
    for quote_type in vocabulary.quote_types:
        ET.SubElement(choices, "Choice", value=quote_type)
    stance = ET.SubElement(view, "View", visibleWhen="region-selected", whenLabelValue=f"{CONTENT},{EVIDENCE}")
    for target in vocabulary.targets:
        ET.SubElement(stance, "Header", value=vocabulary.target_name(target))  # the control name keeps the id
        choices = ET.SubElement(stance, "Choices", name=STANCE_PREFIX + target, toName=TEXT, perRegion="true", choice="single-radio")
        for label in vocabulary.stance_labels:
            ET.SubElement(choices, "Choice", value=label)
    ET.indent(view)
    return ET.tostring(view, encoding="unicode") + "\n"


def _results(view: View, offsets: OffsetMap, vocabulary: Vocabulary) -> list[dict[str, Any]]:
    """The regions, choices and relations of a view as Label Studio results."""

    def value(region: Region) -> dict[str, Any]:
        return {"start": offsets.to_tool(region.start), "end": offsets.to_tool(region.end), "text": region.text}

    def result(region: Region, control: str, kind: str, **extra: list[str]) -> dict[str, Any]:
        return {"id": region.id, "from_name": control, "to_name": TEXT, "type": kind, "value": {**value(region), **extra}}

    results = []
    for region in view.regions.values():
        control = ENTITY_CONTROL if region.label in vocabulary.entity_labels else QUOTE_CONTROL
        results.append(result(region, control, "labels", labels=[region.label]))
    for rid, quote_type in view.quote_types.items():
        results.append(result(view.regions[rid], QUOTE_TYPE_CONTROL, "choices", choices=[quote_type]))
    for (rid, target), label in view.stances.items():
        results.append(result(view.regions[rid], STANCE_PREFIX + target, "choices", choices=[label]))
    results += [{"from_id": a, "to_id": b, "type": "relation", "direction": "right", "labels": []} for a, b in view.relations]
    links = [pair for chain in view.chains for pair in zip(chain, chain[1:])]
    results += [{"from_id": a, "to_id": b, "type": "relation", "direction": "bi", "labels": [COREF]} for a, b in links]
    parts = [pair for link in view.parts for pair in zip(link, link[1:])]
    results += [{"from_id": a, "to_id": b, "type": "relation", "direction": "right", "labels": [PART]} for a, b in parts]
    results += [{"from_id": a, "to_id": b, "type": "relation", "direction": "right", "labels": [SOURCE]} for a, b in view.sources]
    return results


GOLD_AS = ("predictions", "annotations")
# A prediction's score: 1.0 for gold (checked by a person), 0.0 for silver (the pre-annotator gives no
# confidence), so that sorting Label Studio's Data Manager by prediction score puts unchecked documents first.
GOLD_SCORE, SILVER_SCORE = 1.0, 0.0


def export_tasks(
    items: list[tuple[Document, str, Layer]], vocabulary: Vocabulary, out: Path, unit: str, gold_as: str = "predictions"
) -> list[Path]:
    """Write config.xml and tasks.json into `out`: silver as predictions, gold as predictions too (so
    Label Studio's queue serves the task to its annotators) or, with `gold_as="annotations"`, as annotations."""
    tasks = []
    for document, base_kind, base in items:
        results = _results(to_view(base), OffsetMap(document.text, unit), vocabulary)
        task: dict[str, Any] = {
            "data": {
                TEXT: document.text,
                # first-strong isolate: a Latin doc_id reads left to right inside Label Studio's right-to-left header
                "title": FIRST_STRONG_ISOLATE + (document.metadata.get("title") or document.doc_id) + POP_DIRECTIONAL_ISOLATE,
                "doc_id": document.doc_id,
                "qawl": export_meta(document, base_kind, base, unit),
            }
        }
        if base_kind == "gold" and gold_as == "annotations":
            task["annotations"] = [{"result": results, "ground_truth": False}]
        elif base_kind == "gold":
            task["predictions"] = [{"model_version": "qawl-gold", "score": GOLD_SCORE, "result": results}]
        elif base_kind == "silver":
            sources = sorted({item["provenance"]["source"] for kind in ("entities", "quotes", "stance") for item in base[kind]})
            task["predictions"] = [{"model_version": ",".join(sources) or "silver", "score": SILVER_SCORE, "result": results}]
        tasks.append(task)
    out.mkdir(parents=True, exist_ok=True)
    config, tasks_file = out / "config.xml", out / "tasks.json"
    config.write_text(labeling_config(vocabulary), encoding="utf-8")
    tasks_file.write_text(json.dumps(tasks, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return [config, tasks_file]


def _submitted_annotations(task: dict[str, Any], file: str, place: str) -> tuple[list[dict[str, Any]], int, list[Problem]]:
    """The task's submitted annotations, how many were cancelled (skipped), or why they cannot be read."""
    annotations = task.get("annotations") or []
    if not isinstance(annotations, list) or not all(isinstance(a, dict) for a in annotations):
        return [], 0, [Problem(file, f"{place} annotations", "expected a list of annotation objects")]
    submitted = [a for a in annotations if not a.get("was_cancelled")]
    return submitted, len(annotations) - len(submitted), []


def _annotator_identity(completed_by: Any) -> tuple[Any, str | None]:
    """Label Studio's user id and email from an annotation's `completed_by`: an id in a default JSON
    export, the user {id, email, first_name, last_name} when the export expands it."""
    if isinstance(completed_by, dict):
        email = completed_by.get("email")
        return completed_by.get("id"), email if isinstance(email, str) and email else None
    return completed_by, None


def _view(results: list[Any], offsets: OffsetMap, exported: set[str], file: str, place: str) -> tuple[View, list[Problem]]:
    """The view a Label Studio annotation shows, with offsets in code points."""
    view, problems = View(), []
    for n, result in enumerate(results):
        where = f"{place} result {n}"
        kind = result.get("type") if isinstance(result, dict) else None
        if kind == "relation":
            if not all(isinstance(result.get(key), str | int) for key in ("from_id", "to_id")):
                problems.append(Problem(file, where, f"a relation links two region ids, not {result.get('from_id')!r} and {result.get('to_id')!r}"))
                continue
            pair = (str(result.get("from_id")), str(result.get("to_id")))
            relation_labels = result.get("labels") or []
            if not isinstance(relation_labels, list) or not all(isinstance(label, str) for label in relation_labels):
                problems.append(Problem(file, where, f"a relation's labels are a list of strings, not {relation_labels!r}"))
                continue
            named = [label for label in RELATION_LABELS if label in relation_labels]
            if len(named) > 1:
                problems.append(Problem(file, where, f"a relation has one of the labels {', '.join(RELATION_LABELS)} (or none), not {' and '.join(named)}"))
                continue
            drawn = pair[::-1] if result.get("direction") == "left" else pair
            if COREF in named:
                view.chains.append(pair)
            elif PART in named:
                view.parts.append(pair)
            elif SOURCE in named:
                view.sources.append(drawn)
            else:
                view.relations.append(drawn)
            continue
        value = result.get("value") if kind in ("labels", "choices") else None
        if not isinstance(value, dict) or "id" not in result:
            problems.append(Problem(file, where, f"unsupported result (type {kind!r}); expected labels, choices or relation"))
            continue
        rid, control = str(result["id"]), result.get("from_name")
        values = value.get(kind)
        if not isinstance(values, list) or len(values) != 1 or not isinstance(values[0], str):
            problems.append(Problem(file, where, f"region {rid}: expected exactly one of {kind} (a string), got {values!r}"))
            continue
        if not isinstance(result.get("origin"), str | None) or not isinstance(value.get("text"), str | None):
            problems.append(Problem(file, where, f"region {rid}: origin and text are strings, got {result.get('origin')!r}, {value.get('text')!r}"))
            continue
        if kind == "choices":
            if control == QUOTE_TYPE_CONTROL:
                choice = QUOTE_TYPE_CHOICE
                view.quote_types[rid] = values[0]
            elif isinstance(control, str) and control.startswith(STANCE_PREFIX):
                choice = control.removeprefix(STANCE_PREFIX)
                view.stances[(rid, choice)] = values[0]
            else:
                problems.append(Problem(file, where, f"unknown choices control {control!r}"))
                continue
            if result.get("origin"):
                view.choice_origins[(rid, choice)] = result["origin"]
            continue
        start, end = value.get("start"), value.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
            problems.append(Problem(file, where, f"region {rid}: start/end are not integer offsets: {start!r}, {end!r}"))
            continue
        span = offsets.from_tool(start), offsets.from_tool(end)
        if None in span:
            problems.append(Problem(file, where, f"region {rid}: offset {start} or {end} splits a character outside the BMP"))
            continue
        if rid in view.regions:
            problems.append(Problem(file, where, f"region {rid} labelled twice"))
            continue
        view.regions[rid] = Region(rid, span[0], span[1], values[0], value.get("text"), rid if rid in exported else None, result.get("origin"))
    return view, problems


def read_export(path: Path) -> tuple[list[Review], list[Problem], list[str]]:
    """The reviews in a Label Studio JSON export, every problem, and notes on skipped tasks."""
    file = str(path)
    tasks, problems = read_json_file(path)
    if problems:
        return [], problems, []
    if not isinstance(tasks, list):
        return [], [Problem(file, "", "not a Label Studio JSON export (expected a list of tasks)")], []
    reviews, notes = [], []
    for n, task in enumerate(tasks):
        place = f"task {n}" + (f" (id {task.get('id')})" if isinstance(task, dict) and "id" in task else "")
        if is_json_min(task):
            found, found_problems, found_notes = _json_min_review(task, file, f"record {n} (task {task.get('id')})")
            reviews += found
            problems += found_problems
            notes += found_notes
            continue
        data = task.get("data") if isinstance(task, dict) else None
        meta, meta_problems = read_meta(data.get("qawl") if isinstance(data, dict) else None, file, place)
        problems += meta_problems
        if meta is None:
            continue
        annotations, cancelled, annotation_problems = _submitted_annotations(task, file, place)
        problems += annotation_problems
        if cancelled:
            notes.append(f"{file}: {place} ({meta['doc_id']}): {cancelled} cancelled (skipped) annotation(s) left out")
        if not annotations and not annotation_problems:
            notes.append(f"{file}: {place} ({meta['doc_id']}): no submitted annotation, skipped")
        text = data.get(TEXT) if isinstance(data.get(TEXT), str) else ""
        try:
            exported = set(to_view(meta["base"]).regions)
        except (KeyError, TypeError, ValueError) as error:
            problems.append(Problem(file, place, f"the export's base layer is damaged ({error}); re-export it"))
            continue
        for annotation in annotations:
            where = f"{place} annotation {annotation.get('id')}" if len(annotations) > 1 else place
            result = annotation.get("result") or []
            if not isinstance(result, list):
                problems.append(Problem(file, f"{where} result", f"expected a list of results, got {type(result).__name__}"))
                continue
            view, view_problems = _view(result, OffsetMap(text, meta["offsets"]), exported, file, where)
            problems += view_problems
            user, email = _annotator_identity(annotation.get("completed_by"))
            reviews.append(Review("label-studio", file, meta["doc_id"], meta["sha256"], text, meta["base_kind"], meta["base"], view, user, email))
    return reviews, problems, notes


# JSON-MIN (label-studio-sdk's converter, `convert_to_json_min`): one flat record per submitted
# annotation: the task's data fields, `id` (the task), and per control the region values
# (start, end, text, labels), with `annotator` (the email, else the user id) and `annotation_id`.
# It leaves out region ids, relations, and the region of a per-region choice (a lone choice
# becomes a bare string): entities survive it, quotes and stances do not.
JSON_MIN_LOSES = "relations (cue, speaker, outlet, entity → quote) and the region each quote type and stance belongs to"


def is_json_min(record: Any) -> bool:
    """A record of a JSON-MIN export of a qawl task (the task's data flattened into it)."""
    return isinstance(record, dict) and "data" not in record and "qawl" in record and "annotation_id" in record


def _json_min_review(record: dict[str, Any], file: str, place: str) -> tuple[list[Review], list[Problem], list[str]]:
    """The review in a JSON-MIN record, when it holds entities only; otherwise why it cannot be imported."""
    meta, problems = read_meta(record.get("qawl"), file, place)
    if meta is None:
        return [], problems, []
    if record["annotation_id"] is None:
        return [], [], [f"{file}: {place} ({meta['doc_id']}): no submitted annotation, skipped"]
    lost = sorted(name for name in record if name in (QUOTE_CONTROL, QUOTE_TYPE_CONTROL) or name.startswith(STANCE_PREFIX))
    if lost:
        message = (
            f"a JSON-MIN export keeps labelled spans but drops the {JSON_MIN_LOSES}; this annotation has {', '.join(lost)}, "
            "so its quotes and stances cannot be rebuilt: export the project as JSON (Export → JSON) and import that"
        )
        return [], [Problem(file, place, message)], []
    values = record.get(ENTITY_CONTROL, [])
    if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
        return [], [Problem(file, f"{place} {ENTITY_CONTROL}", "expected a list of labelled regions")], []
    results = [{"id": f"r{n}", "from_name": ENTITY_CONTROL, "type": "labels", "value": value} for n, value in enumerate(values)]
    text = record.get(TEXT) if isinstance(record.get(TEXT), str) else ""
    view, problems = _view(results, OffsetMap(text, meta["offsets"]), set(), file, place)
    try:
        base = to_view(meta["base"])
    except (KeyError, TypeError, ValueError) as error:
        return [], [Problem(file, place, f"the export's base layer is damaged ({error}); re-export it")], []
    carried = {"entity chains of more than one mention (coref relations)": base.chains, "discontinuous quotes (part relations)": base.parts, "nested quotes (source relations)": base.sources}
    if lost := [f"{len(links)} {what}" for what, links in carried.items() if links]:
        message = (
            f"a JSON-MIN export keeps labelled spans but drops the relations, and the layer this task was exported with has {' and '.join(lost)}, "
            "which it cannot bring back: export the project as JSON (Export → JSON) and import that"
        )
        return [], [Problem(file, place, message)], []
    exported = {(r.start, r.end): r.id for r in base.regions.values() if r.label not in QUOTE_PARTS}
    for region in view.regions.values():  # JSON-MIN has no region ids: an entity keeps its id if its span is the exported one's
        region.key = exported.get((region.start, region.end))
    annotator = record.get("annotator")
    email = annotator if isinstance(annotator, str) and annotator else None
    user = None if email else annotator
    return [Review("label-studio", file, meta["doc_id"], meta["sha256"], text, meta["base_kind"], meta["base"], view, user, email)], problems, []
