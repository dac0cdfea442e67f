"""Label Studio import, branch by branch: skipped (cancelled) annotations, relations drawn right to left
or from the quote to its part, the origin of every kind of edit."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from tests.conftest import tree_digest
from tests.review.conftest import DOC_ID, read_json, run_review
from tests.review.test_label_studio import labelled, region


def exported_and_labelled(project: Any) -> list[dict[str, Any]]:
    assert run_review(project, "export", "--format", "label-studio", "--out", str(project.root / "ls")).returncode == 0
    return labelled(read_json(project.root / "ls" / "tasks.json"))


def import_export(project: Any, export: list[dict[str, Any]], path: Path) -> Any:
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    return run_review(project, "import", str(path), "--annotator", "amina")


def imports_without_a_change(project: Any, export: list[dict[str, Any]], path: Path) -> None:
    before = tree_digest(project.annotations)
    imported = import_export(project, export, path)
    assert imported.returncode == 0, imported.stderr
    assert f"{DOC_ID}: no changes" in imported.stdout
    assert tree_digest(project.annotations) == before


def cancelled_copy(annotation: dict[str, Any], label: str) -> dict[str, Any]:
    """A later annotation of the same task, with `e1` relabelled, that the reviewer skipped."""
    skipped = copy.deepcopy(annotation)
    skipped.update(id=annotation["id"] + 1, was_cancelled=True, created_at="2025-02-02T09:00:00.000000Z", updated_at="2025-02-02T09:01:00.000000Z")
    next(r for r in skipped["result"] if r.get("id") == "e1" and r["from_name"] == "entity")["value"]["labels"] = [label]
    return skipped


def test_a_skipped_annotation_is_not_imported_over_the_submitted_one(review_project, tmp_path: Path) -> None:
    project = review_project()
    export = exported_and_labelled(project)
    annotations = export[0]["annotations"]
    annotations.append(cancelled_copy(annotations[0], "LOC"))  # the newest, but skipped
    imports_without_a_change(project, export, tmp_path / "export.json")


def test_a_task_whose_only_annotation_was_skipped_is_left_alone(review_project, tmp_path: Path) -> None:
    project = review_project()
    before = tree_digest(project.annotations)
    export = exported_and_labelled(project)
    export[0]["annotations"] = [cancelled_copy(export[0]["annotations"][0], "LOC")]
    imported = import_export(project, export, tmp_path / "export.json")
    assert f"task 0 (id 1) ({DOC_ID}): no submitted annotation, skipped" in imported.stdout + imported.stderr
    assert tree_digest(project.annotations) == before


def test_relations_drawn_right_to_left_are_read_in_their_direction(review_project, tmp_path: Path) -> None:
    project = review_project()
    export = exported_and_labelled(project)
    relations = [r for r in export[0]["annotations"][0]["result"] if r["type"] == "relation"]
    assert len(relations) == 9
    for relation in relations:  # drawn from the content to the cue, speaker, outlet or entity
        relation.update(from_id=relation["to_id"], to_id=relation["from_id"], direction="left")
    imports_without_a_change(project, export, tmp_path / "export.json")


def test_a_new_speaker_linked_right_to_left_becomes_the_quote_speaker(review_project, tmp_path: Path) -> None:
    project = review_project()
    export = exported_and_labelled(project)
    result = export[0]["annotations"][0]["result"]
    result[:] = [r for r in result if not (r["type"] == "relation" and r["to_id"] == "q1" and r["from_id"] in ("e2", "q1~speaker"))]
    speaker = region(export, "q1~speaker", "quote")
    result.remove(speaker)
    start = speaker["value"]["start"] - len("وزير الخارجية ")
    result.append({**speaker, "id": "new_speaker", "origin": "manual", "value": {**speaker["value"], "start": start, "text": "وزير الخارجية فؤاد حسين"}})
    result.append({"from_id": "q1", "to_id": "new_speaker", "type": "relation", "direction": "left", "labels": []})
    result.append({"from_id": "q1", "to_id": "e2", "type": "relation", "direction": "left", "labels": []})
    imported = import_export(project, export, tmp_path / "export.json")
    assert imported.returncode == 0, imported.stderr
    quote = next(q for q in read_json(project.annotations / f"{DOC_ID}.json")["quotes"] if q["id"] == "q1")
    assert quote["speaker"]["kind"] == "named" and quote["speaker"]["entity"] == "e2"
    assert quote["speaker"]["mention"]["text"] == "وزير الخارجية فؤاد حسين"


def test_relations_drawn_from_the_quote_to_its_parts_are_read_the_other_way(review_project, tmp_path: Path) -> None:
    project = review_project()
    export = exported_and_labelled(project)
    relations = [r for r in export[0]["annotations"][0]["result"] if r["type"] == "relation"]
    for relation in relations:  # drawn from the content to the cue, speaker, outlet or entity, arrow pointing that way
        relation.update(from_id=relation["to_id"], to_id=relation["from_id"], direction="right")
    imports_without_a_change(project, export, tmp_path / "export.json")


def test_a_relation_between_two_quotes_is_still_refused(review_project, tmp_path: Path) -> None:
    project = review_project()
    export = exported_and_labelled(project)
    export[0]["annotations"][0]["result"].append({"from_id": "q1", "to_id": "q2", "type": "relation", "direction": "right", "labels": []})
    refused = import_export(project, export, tmp_path / "export.json")
    assert refused.returncode == 1
    assert "relation q1 → q2: a relation links a cue, speaker, outlet or entity to a quote content, not content to content" in refused.stderr


def test_every_kind_of_edit_is_logged_with_its_origin(review_project, tmp_path: Path) -> None:
    project = review_project()
    assert run_review(project, "export", "--format", "label-studio", "--out", str(project.root / "ls")).returncode == 0
    export = labelled(read_json(project.root / "ls" / "tasks.json"), origin="prediction")
    result = export[0]["annotations"][0]["result"]
    quote_type = region(export, "q3", "quote_type")
    quote_type.update(origin="prediction-changed", value={**quote_type["value"], "choices": ["direct"]})
    stance = region(export, "q2", "stance_us_iraq_strategic_partnership")
    stance.update(origin="prediction-changed", value={**stance["value"], "choices": ["AGAINST"]})
    result[:] = [r for r in result if r.get("id") != "q2~cue" and r.get("from_id") != "q2~cue"]  # q2's cue removed
    imported = import_export(project, export, tmp_path / "export.json")
    assert imported.returncode == 0, imported.stderr
    log = [json.loads(line) for line in (project.annotations / "review-log.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {(e["id"], e["action"], e["origin"]) for e in log} == {
        ("q3", "edited", "prediction-changed"),
        ("s2", "edited", "prediction-changed"),
        ("q2", "edited", "manual"),
    }


def json_min(task: dict[str, Any], result: list[dict[str, Any]], annotator: Any, annotation_id: int) -> dict[str, Any]:
    """A record of Label Studio's JSON-MIN export (label-studio-sdk's `Converter.convert_to_json_min`):
    the task's data fields, the task id, each control's region values without their type and ids,
    a control's lone choice as a bare string, no relations."""
    record = copy.deepcopy(task["data"])
    record["id"] = 1
    outputs: dict[str, list[Any]] = {}
    for item in result:
        if "from_name" in item:
            outputs.setdefault(item["from_name"], []).append(copy.deepcopy(item["value"]))
    for name, values in outputs.items():
        choices = [v["choices"][0] for v in values if "choices" in v]
        record[name] = choices[0] if len(values) == 1 and choices else (choices if choices else values)
    record.update(annotator=annotator, annotation_id=annotation_id, created_at="2026-03-02T09:00:00.000000Z",
                  updated_at="2026-03-02T09:10:00.000000Z", lead_time=95.2)
    return record


def test_a_json_min_export_with_quotes_is_refused_saying_what_it_lost(review_project, tmp_path: Path) -> None:
    project = review_project()
    export = exported_and_labelled(project)
    records = [json_min(export[0], export[0]["annotations"][0]["result"], "amina@example.org", 101)]
    before = tree_digest(project.annotations)
    refused = import_export(project, records, tmp_path / "project-1-at-2026-03-02-json-min.json")
    assert refused.returncode == 1
    assert ("record 0 (task 1): a JSON-MIN export keeps labelled spans but drops the relations (cue, speaker, outlet, entity → quote) "
            "and the region each quote type and stance belongs to; this annotation has quote, quote_type, stance_us_coalition_presence_iraq, "
            "stance_us_iraq_strategic_partnership, so its quotes and stances cannot be rebuilt: export the project as JSON") in refused.stderr
    assert "not made by `qawl review export`" not in refused.stderr
    assert tree_digest(project.annotations) == before


def test_a_json_min_export_of_entities_is_imported(review_project, tmp_path: Path) -> None:
    text = "زار الوزير بغداد أمس، ثم التقى ممثلي الأمم المتحدة.\n"
    project = review_project(gold=False, extra={"rev_002": text})
    assert run_review(project, "export", "--format", "label-studio", "--out", str(project.root / "ls"), "rev_002").returncode == 0
    [task] = read_json(project.root / "ls" / "tasks.json")
    result = [
        {"id": "a1", "from_name": "entity", "to_name": "text", "type": "labels", "origin": "manual",
         "value": {"start": text.index("بغداد"), "end": text.index("بغداد") + 5, "text": "بغداد", "labels": ["GPE"]}},
        {"id": "a2", "from_name": "entity", "to_name": "text", "type": "labels", "origin": "manual",
         "value": {"start": text.index("الأمم"), "end": text.index("المتحدة") + 7, "text": "الأمم المتحدة", "labels": ["ORG"]}},
    ]
    path = tmp_path / "json-min.json"
    path.write_text(json.dumps([json_min(task, result, "amina@example.org", 7)], ensure_ascii=False), encoding="utf-8")
    imported = run_review(project, "import", str(path))
    assert imported.returncode == 0, imported.stderr
    layer = read_json(project.annotations / "rev_002.json")
    assert [(e["text"], e["label"], e["provenance"]["annotator"]) for e in layer["entities"]] == [
        ("بغداد", "GPE", "amina@example.org"), ("الأمم المتحدة", "ORG", "amina@example.org")]
