"""Label Studio: config, tasks, round trips through its JSON export format, bad imports."""

from __future__ import annotations

import copy
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from qawl.ingest import Document
from qawl.review.label_studio import export_tasks, labeling_config
from qawl.review.regions import Vocabulary
from qawl.schema import Schemas
from tests.conftest import REPO, invoke_qawl, tree_digest
from tests.review.conftest import ARTICLE, DOC_ID, SILVER, article_layer, read_json, run_review

TARGETS = ["us_coalition_presence_iraq", "us_iraq_strategic_partnership"]


def vocabulary() -> Vocabulary:
    return Vocabulary.load(Schemas(REPO / "schema"), TARGETS)


def labelled(tasks: list[dict[str, Any]], origin: str | None = None) -> list[dict[str, Any]]:
    """What Label Studio's JSON export holds once a reviewer submitted each task unchanged.

    Gold tasks come back with the imported annotation; silver tasks with an
    annotation made from the prediction, its results marked origin=prediction.
    """
    exported = []
    for n, task in enumerate(tasks, 1):
        task = copy.deepcopy(task)
        source = task.get("annotations") or task.get("predictions")
        result = source[0]["result"]
        if origin:
            for item in result:
                if item["type"] != "relation":
                    item["origin"] = origin
        task.update({"id": n, "project": 1, "inner_id": n, "created_at": "2025-02-01T09:00:00.000000Z", "file_upload": "tasks.json"})
        task["annotations"] = [
            {
                "id": 100 + n,
                "completed_by": 7,
                "result": result,
                "was_cancelled": False,
                "ground_truth": False,
                "created_at": "2025-02-01T09:05:00.000000Z",
                "updated_at": "2025-02-01T09:06:00.000000Z",
                "lead_time": 42.5,
                "task": n,
                "project": 1,
                "prediction": {},
            }
        ]
        task["predictions"] = [7] if task.get("predictions") else []
        exported.append(task)
    return exported


def results(export: list[dict[str, Any]], task: int = 0) -> list[dict[str, Any]]:
    return export[task]["annotations"][0]["result"]


def region(export: list[dict[str, Any]], rid: str, from_name: str | None = None) -> dict[str, Any]:
    return next(r for r in results(export) if r.get("id") == rid and (from_name is None or r["from_name"] == from_name))


def test_config_is_rtl_with_labels_relations_and_per_region_choices() -> None:
    root = ET.fromstring(labeling_config(vocabulary()))
    assert "direction: rtl" in root.get("style", "")
    labels = {c.get("name"): [label.get("value") for label in c] for c in root.iter("Labels")}
    assert labels["entity"] == ["PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "EVENT", "DATE"]
    assert labels["quote"] == ["content", "cue", "speaker", "outlet", "evidence"]
    assert root.find("Relations") is not None
    choices = {c.get("name"): c for c in root.iter("Choices")}
    assert set(choices) == {"quote_type", *(f"stance_{t}" for t in TARGETS)}
    assert all(c.get("perRegion") == "true" and c.get("toName") == "text" for c in choices.values())
    assert [c.get("value") for c in choices["stance_us_coalition_presence_iraq"]] == ["FAVOR", "AGAINST", "NONE"]


@pytest.mark.parametrize("unit", ["codepoints", "utf16"])
def test_round_trip_without_edits_keeps_the_file_byte_identical(review_project, tmp_path: Path, unit: str) -> None:
    project = review_project()
    before = tree_digest(project.annotations)
    exported = run_review(project, "export", "--format", "label-studio", "--out", str(project.root / "ls"), "--offsets", unit)
    assert exported.returncode == 0, exported.stderr
    tasks = read_json(project.root / "ls" / "tasks.json")
    assert "annotations" not in tasks[0]  # gold goes as a prediction, so the queue serves the task
    assert [(p["model_version"], p["score"]) for p in tasks[0]["predictions"]] == [("qawl-gold", 1.0)]
    export = tmp_path / "export.json"
    export.write_text(json.dumps(labelled(tasks), ensure_ascii=False), encoding="utf-8")
    imported = run_review(project, "import", str(export), "--annotator", "amina")
    assert imported.returncode == 0, imported.stderr
    assert "rev_001: no changes" in imported.stdout
    assert tree_digest(project.annotations) == before  # same bytes, no history, no log


def test_utf16_offsets_are_what_a_browser_counts(review_project) -> None:
    project = review_project()
    for unit in ("codepoints", "utf16"):
        assert run_review(project, "export", "--format", "label-studio", "--out", str(project.root / unit), "--offsets", unit).returncode == 0
    washington = ARTICLE.index("واشنطن")  # after the two astral code points of 🇮🇶
    points = labelled(read_json(project.root / "codepoints" / "tasks.json"))
    units = labelled(read_json(project.root / "utf16" / "tasks.json"))
    assert region(points, "e5")["value"]["start"] == washington
    assert region(units, "e5")["value"]["start"] == len(ARTICLE[:washington].encode("utf-16-le")) // 2 == washington + 2
    outlet = region(units, "q3~outlet")["value"]
    assert outlet["end"] - outlet["start"] == len("منصة 𝕏") + 1 and outlet["text"] == "منصة 𝕏"


def test_edits_are_recorded_with_provenance_history_and_log(review_project, tmp_path: Path) -> None:
    project = review_project()
    gold_file = project.annotations / f"{DOC_ID}.json"
    original = gold_file.read_bytes()
    assert run_review(project, "export", "--format", "label-studio", "--out", str(project.root / "ls"), "--offsets", "utf16").returncode == 0
    export = labelled(read_json(project.root / "ls" / "tasks.json"))
    result = results(export)
    region(export, "e5", "entity")["value"]["labels"] = ["ORG"]  # edited label
    result[:] = [r for r in result if r.get("id") != "e4"]  # deleted
    region(export, "q1", "stance_us_coalition_presence_iraq")["value"]["choices"] = ["NONE"]  # stance changed
    start = len(ARTICLE[: ARTICLE.index("مراقبون")].encode("utf-16-le")) // 2  # after four UTF-16 astral units
    result.append(
        {"id": "Xy12_abcde", "from_name": "entity", "to_name": "text", "type": "labels", "origin": "manual",
         "value": {"start": start, "end": start + len("مراقبون"), "text": "مراقبون", "labels": ["NORP"]}}
    )
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    imported = run_review(project, "import", str(path), "--annotator", "amina")
    assert imported.returncode == 0, imported.stderr
    assert "rev_001: 1 added, 2 edited, 1 removed" in imported.stdout

    layer = read_json(gold_file)
    entities = {e["id"]: e for e in layer["entities"]}
    assert "e4" not in entities and entities["e5"]["label"] == "ORG"
    added = entities["e7"]
    assert (added["text"], added["label"], added["start"]) == ("مراقبون", "NORP", ARTICLE.index("مراقبون"))
    for item in (entities["e5"], added, next(s for s in layer["stance"] if s["id"] == "s1")):
        provenance = item["provenance"]
        assert (provenance["source"], provenance["status"], provenance["annotator"]) == ("manual", "gold", "amina")
    assert entities["e1"]["provenance"]["annotator"] == "t1"  # untouched annotations keep theirs
    assert [e["id"] for e in layer["entities"]] == ["e1", "e2", "e3", "e5", "e6", "e7"]

    history = list((project.annotations / ".history" / DOC_ID).glob("*.json"))
    assert len(history) == 1 and history[0].read_bytes() == original
    log = [json.loads(line) for line in (project.annotations / "review-log.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {(e["id"], e["action"]) for e in log} == {("e4", "removed"), ("e5", "edited"), ("e7", "added"), ("s1", "edited")}
    by_id = {e["id"]: e for e in log}
    assert by_id["e5"]["before"]["label"] == "GPE" and by_id["e5"]["after"]["label"] == "ORG"
    assert by_id["e4"]["after"] is None and by_id["e7"]["origin"] == "manual"
    assert all(e["annotator"] == "amina" and e["tool"] == "label-studio" and e["tool_user"] == 7 for e in log)
    assert invoke_qawl("validate", str(gold_file), cwd=project.root).returncode == 0


def test_accepting_and_editing_predictions_makes_them_gold(review_project, tmp_path: Path) -> None:
    project = review_project(gold=False)
    document = Document(DOC_ID, ARTICLE, article_layer(SILVER)["sha256"], "seeds/rev_001.txt", {})
    export_tasks([(document, "silver", article_layer(SILVER))], vocabulary(), tmp_path / "ls", "codepoints")
    tasks = read_json(tmp_path / "ls" / "tasks.json")
    assert (tasks[0]["predictions"][0]["model_version"], tasks[0]["predictions"][0]["score"]) == ("auto:test@1.0", 0.0) and "annotations" not in tasks[0]
    export = labelled(tasks, origin="prediction")
    moved = region(export, "e6", "entity")
    moved["value"].update(start=moved["value"]["start"] - 1, text="بالعراق")  # widened to take the proclitic
    moved["origin"] = "prediction-changed"
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    imported = run_review(project, "import", str(path), "--annotator", "amina")
    assert imported.returncode == 0, imported.stderr
    layer = read_json(project.annotations / f"{DOC_ID}.json")
    statuses = {item["provenance"]["status"] for kind in ("entities", "quotes", "stance") for item in layer[kind]}
    assert statuses == {"gold"}
    entities = {e["id"]: e for e in layer["entities"]}
    assert entities["e1"]["provenance"]["source"] == "auto:test@1.0" and entities["e1"]["provenance"]["annotator"] == "amina"
    assert entities["e6"]["provenance"]["source"] == "manual" and entities["e6"]["text"] == "بالعراق"
    log = [json.loads(line) for line in (project.annotations / "review-log.jsonl").read_text(encoding="utf-8").splitlines()]
    actions = {(e["id"], e["action"], e["origin"]) for e in log}
    assert ("e6", "edited", "prediction-changed") in actions and ("e1", "accepted", "prediction") in actions
    assert len(log) == 6 + 3 + 3 and not (project.annotations / ".history").exists()


def test_a_partial_review_keeps_what_it_did_not_touch_and_conflicts_are_refused(review_project, tmp_path: Path, gold_layer) -> None:
    project = review_project()
    gold_file = project.annotations / f"{DOC_ID}.json"
    assert run_review(project, "export", "--format", "label-studio", "--out", str(project.root / "ls")).returncode == 0
    export = labelled(read_json(project.root / "ls" / "tasks.json"))
    region(export, "e1", "entity")["value"]["labels"] = ["LOC"]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")

    # meanwhile someone else added an entity to the file
    extra = {**copy.deepcopy(gold_layer["entities"][0]), "id": "e9", **{"start": ARTICLE.index("الوزير") if "الوزير" in ARTICLE else ARTICLE.index("مراقبون")}}
    extra.update(end=extra["start"] + len("مراقبون"), text="مراقبون", label="NORP")
    gold_layer["entities"].append(extra)
    gold_file.write_text(json.dumps(gold_layer, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    imported = run_review(project, "import", str(path), "--annotator", "amina")
    assert imported.returncode == 0, imported.stderr
    entities = {e["id"]: e for e in read_json(gold_file)["entities"]}
    assert entities["e1"]["label"] == "LOC" and "e9" in entities

    # a second review of the same export edits e1 again: it was changed since that export
    region(export, "e1", "entity")["value"]["labels"] = ["FAC"]
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    before = tree_digest(project.annotations)
    refused = run_review(project, "import", str(path), "--annotator", "omar")
    assert refused.returncode == 1 and "conflict" in refused.stderr
    assert tree_digest(project.annotations) == before


def test_bad_imports_are_refused_with_every_problem_and_nothing_written(review_project, tmp_path: Path) -> None:
    project = review_project(extra={"rev_002": "قال الوزير إن الاجتماع انتهى.\n"})
    assert run_review(project, "export", "--format", "label-studio", "--out", str(project.root / "ls")).returncode == 0
    tasks = read_json(project.root / "ls" / "tasks.json")
    export = labelled(tasks[:1])
    result = results(export)
    region(export, "e1", "entity")["value"].update(start=len(ARTICLE) + 5, end=len(ARTICLE) + 9)  # past the end
    region(export, "e2", "entity")["value"]["labels"] = ["POLITICIAN"]  # unknown label
    result.append({"from_id": "q1~cue", "to_id": "q77", "type": "relation", "direction": "right"})  # missing span
    stale = copy.deepcopy(export[0])
    stale["data"]["qawl"]["sha256"] = "0" * 64  # exported against another text
    stale["data"]["qawl"]["doc_id"] = stale["data"]["doc_id"] = "rev_002"
    path = tmp_path / "export.json"
    path.write_text(json.dumps([*export, stale], ensure_ascii=False), encoding="utf-8")
    before = tree_digest(project.annotations)
    refused = run_review(project, "import", str(path), "--annotator", "amina")
    assert refused.returncode == 1
    err = refused.stderr
    assert "outside the text" in err
    assert "unknown label 'POLITICIAN'" in err
    assert "refers to region 'q77', which does not exist" in err
    assert "exported against a different text" in err
    assert "import refused, annotations/ left unchanged: 4 problem(s)" in err
    assert tree_digest(project.annotations) == before


WRONG_VALUES = [None, True, 7, 2.5, "x", "\ud800", [], {}, [[1]], [{"a": 1}], {"id": [1]}]


def nodes(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every value inside a JSON value (not its root), outside the big base layer and text."""
    if path[-2:] in (("qawl", "base"), ("data", "text")):
        return []
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    return [p for key, child in children for p in [(*path, key), *nodes(child, (*path, key))]]


def replaced(export: Any, path: tuple[Any, ...], value: Any) -> Any:
    changed = copy.deepcopy(export)
    holder = changed
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = value
    return changed


def test_a_malformed_export_is_refused_by_place_never_a_traceback(review_project, tmp_path: Path) -> None:
    """Every value of a real export (but the base layer and text), replaced by a value of every other
    JSON type in turn: the import is refused (or, where the value does not matter, imported) with
    `error: FILE: PLACE: MESSAGE` lines, never a traceback, and annotations/ is untouched when refused."""
    project = review_project()
    assert run_review(project, "export", "--format", "label-studio", "--out", str(project.root / "ls")).returncode == 0
    export = labelled(read_json(project.root / "ls" / "tasks.json"))
    export[0]["annotations"][0]["result"] = results(export)[:3] + [r for r in results(export) if r["type"] == "relation"][:1]
    before = tree_digest(project.annotations)
    path = tmp_path / "export.json"
    paths = nodes(export)
    assert len(paths) > 60
    refused = 0
    for where in paths:
        for value in WRONG_VALUES:
            path.write_text(json.dumps(replaced(export, where, value)), encoding="utf-8")
            ran = run_review(project, "import", str(path), "--annotator", "amina", "--dry-run")
            assert ran.returncode in (0, 1), (where, value, ran.stderr)
            if ran.returncode == 1:
                refused += 1
                lines = ran.stderr.splitlines()
                assert lines[-1].startswith("import refused") and all(line.startswith(f"error: {path}: ") for line in lines[:-1]), (where, value, lines)
            assert tree_digest(project.annotations) == before
    assert refused > len(paths)  # most replacements are refused, not silently taken


def deep(depth: int) -> str:
    return "[" * depth + "]" * depth


# name → (how the import file is made from a valid export's text, the error its line must hold)
UNREADABLE_IMPORTS: dict[str, tuple[Any, str]] = {
    "nested 100,000 deep": (lambda path, text: path.write_text(deep(100_000)), ": invalid JSON: nested deeper than 64 levels"),
    "nested 100 deep": (lambda path, text: path.write_text(text[:-1] + ", " + deep(100) + "]"), ": /1" + "/0" * 63 + ": nested deeper than 64 levels"),
    "a repeated key": (lambda path, text: path.write_text(text.replace('"completed_by": 7', '"completed_by": 7, "completed_by": 8')), ": /0/annotations/0: key 'completed_by' appears more than once"),
    "a FIFO": (lambda path, text: os.mkfifo(path), ": not a regular file (a FIFO)"),
    "an integer over 64 bits": (lambda path, text: path.write_text(text.replace('"completed_by": 7', f'"completed_by": {2**64}')), ": /0/annotations/0/completed_by: integer 18446744073709551616 does not fit in 64 bits"),
}


@pytest.mark.parametrize("case", list(UNREADABLE_IMPORTS))
def test_an_import_file_that_cannot_be_read_safely_is_refused_by_name(review_project, tmp_path: Path, case: str) -> None:
    project = review_project()
    assert run_review(project, "export", "--format", "label-studio", "--out", str(project.root / "ls")).returncode == 0
    text = json.dumps(labelled(read_json(project.root / "ls" / "tasks.json")), ensure_ascii=False)
    make, message = UNREADABLE_IMPORTS[case]
    path = tmp_path / "export.json"
    make(path, text)
    before = tree_digest(project.annotations)
    refused = run_review(project, "import", str(path), "--annotator", "amina")
    assert refused.returncode == 1
    assert f"error: {path}{message}" in refused.stderr, refused.stderr
    assert tree_digest(project.annotations) == before


def test_an_annotator_id_that_is_not_text_is_refused(review_project, tmp_path: Path) -> None:
    project = review_project()
    assert run_review(project, "export", "--format", "label-studio", "--out", str(project.root / "ls")).returncode == 0
    export = labelled(read_json(project.root / "ls" / "tasks.json"))
    region(export, "e5", "entity")["value"]["labels"] = ["ORG"]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    before = tree_digest(project.annotations)
    refused = run_review(project, "import", str(path), "--annotator", "am\udcffina")  # an argv byte that is not UTF-8
    assert refused.returncode == 1
    assert "error: --annotator: a lone surrogate (\\ud800-\\udfff) in a string" in refused.stderr
    assert tree_digest(project.annotations) == before


def test_each_stance_target_is_headed_by_its_arabic_name(review_project) -> None:
    project = review_project()
    assert run_review(project, "export", "--format", "label-studio", "--out", str(project.root / "ls")).returncode == 0
    root = ET.fromstring((project.root / "ls" / "config.xml").read_text(encoding="utf-8"))
    targets = read_json(REPO / "annotations" / "targets.json")["targets"]
    stance_view = next(v for v in root.iter("View") if v.get("whenLabelValue") == "content,evidence")
    children = list(stance_view)
    # each target's choices follow a header with its Arabic name; the control keeps the id, so imports read it
    headed = {children[n + 1].get("name"): child.get("value") for n, child in enumerate(children[:-1]) if child.tag == "Header"}
    assert headed == {f"stance_{t['id']}": t["name_ar"] for t in targets}


def test_gold_goes_as_annotations_when_asked(review_project, tmp_path: Path) -> None:
    project = review_project()
    assert run_review(project, "export", "--format", "label-studio", "--out", str(project.root / "ls"), "--gold-as", "annotations").returncode == 0
    [task] = read_json(project.root / "ls" / "tasks.json")
    assert "predictions" not in task and len(task["annotations"]) == 1
    assert {r["id"] for r in task["annotations"][0]["result"] if r["type"] == "labels"} >= {"e1", "q1", "q1~cue", "s3"}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(labelled([task]), ensure_ascii=False), encoding="utf-8")
    imported = run_review(project, "import", str(path), "--annotator", "amina")
    assert imported.returncode == 0 and "rev_001: no changes" in imported.stdout


def test_the_task_title_is_an_isolated_run_so_a_latin_doc_id_is_not_reversed(review_project) -> None:
    project = review_project()
    assert run_review(project, "export", "--format", "label-studio", "--out", str(project.root / "ls")).returncode == 0
    task = read_json(project.root / "ls" / "tasks.json")[0]
    # no title in the sidecar: the header shows the doc_id, between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE
    assert task["data"]["title"] == f"\u2068{task['data']['doc_id']}\u2069"
