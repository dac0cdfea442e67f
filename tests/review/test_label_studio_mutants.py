"""Label Studio import, pinned where mutation testing (scripts/mutation.py review/label_studio) found the tests
blind: each malformed result named by its task and result with its whole message, and JSON-MIN records (an
annotator known by id only, a skipped annotation, no entities, damaged values)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qawl.ingest import Document
from qawl.review.changes import Review
from qawl.review.label_studio import JSON_MIN_LOSES, export_tasks, labeling_config, read_export
from qawl.review.regions import Region, View
from tests.conftest import tree_digest
from tests.review.conftest import ARTICLE, DOC_ID, GOLD, SILVER, article_layer, read_json, run_review, span
from tests.review.test_review_chains import make_seed_project
from tests.review.test_label_studio import labelled, region, results, vocabulary
from tests.review.test_label_studio_import_cases import json_min
from tests.test_multi_sentence_quotes import DOC_ID as MULTI_ID
from tests.test_multi_sentence_quotes import TEXT as MULTI_TEXT
from tests.test_multi_sentence_quotes import layer as multi_sentence_layer

TEXT = "زار الوزير بغداد أمس، ثم التقى ممثلي الأمم المتحدة.\n"
OTHER = "rev_002"
LABELING_CONFIG = '''\
<View style="direction: rtl">
  <Header value="$title" />
  <Labels name="entity" toName="text">
    <Label value="PERSON" background="#ffd6a5" />
    <Label value="NORP" background="#fdffb6" />
    <Label value="FAC" background="#e4c1f9" />
    <Label value="ORG" background="#9bf6ff" />
    <Label value="GPE" background="#caffbf" />
    <Label value="LOC" background="#a0c4ff" />
    <Label value="EVENT" background="#ffc6ff" />
    <Label value="DATE" background="#d9d9d9" />
  </Labels>
  <Labels name="quote" toName="text">
    <Label value="content" background="#cfe8ff" />
    <Label value="cue" background="#ff8fa3" />
    <Label value="speaker" background="#ffb703" />
    <Label value="outlet" background="#8ecae6" />
    <Label value="evidence" background="#b7e4c7" />
  </Labels>
  <Relations>
    <Relation value="coref" />
    <Relation value="part" />
    <Relation value="source" />
  </Relations>
  <Text name="text" value="$text" granularity="symbol" saveTextResult="yes" />
  <View visibleWhen="region-selected" whenLabelValue="content">
    <Header value="Quote type" />
    <Choices name="quote_type" toName="text" perRegion="true" choice="single-radio">
      <Choice value="direct" />
      <Choice value="indirect" />
      <Choice value="mixed" />
    </Choices>
  </View>
  <View visibleWhen="region-selected" whenLabelValue="content,evidence">
    <Header value="us_coalition_presence_iraq" />
    <Choices name="stance_us_coalition_presence_iraq" toName="text" perRegion="true" choice="single-radio">
      <Choice value="FAVOR" />
      <Choice value="AGAINST" />
      <Choice value="NONE" />
    </Choices>
    <Header value="us_iraq_strategic_partnership" />
    <Choices name="stance_us_iraq_strategic_partnership" toName="text" perRegion="true" choice="single-radio">
      <Choice value="FAVOR" />
      <Choice value="AGAINST" />
      <Choice value="NONE" />
    </Choices>
  </View>
</View>
'''


def refused_lines(project: Any, export: Any, path: Path, *options: str) -> list[str]:
    """The stderr lines of an import of `export` that must be refused without touching annotations/."""
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    before = tree_digest(project.annotations)
    refused = run_review(project, "import", str(path), "--annotator", "amina", *options)
    assert refused.returncode == 1
    assert tree_digest(project.annotations) == before
    return refused.stderr.splitlines()


def test_each_malformed_result_is_named_by_its_task_and_result_with_what_is_wrong(review_project, tmp_path: Path) -> None:
    project = review_project()
    assert run_review(project, "export", "--format", "label-studio", "--out", str(project.root / "ls")).returncode == 0
    export = labelled(read_json(project.root / "ls" / "tasks.json"))
    e1 = region(export, "e1", "entity")
    bad = [
        {"from_id": ["q1~cue"], "to_id": "q1", "type": "relation", "direction": "right"},
        {"from_id": "q1~cue", "to_id": None, "type": "relation", "direction": "right"},
        {**e1, "type": "rectangle"},
        {**e1, "id": "x1", "value": {**e1["value"], "labels": ["GPE", "LOC"]}},
        {**e1, "id": "x2", "origin": 5},
        {**e1, "id": "x3", "from_name": "mood", "type": "choices", "value": {**e1["value"], "choices": ["calm"]}},
        {**e1, "id": "x4", "value": {**e1["value"], "start": "19"}},
        {**e1, "id": "x5", "value": {**e1["value"], "end": True}},
        e1,
    ]
    first = len(results(export))
    results(export).extend(bad)
    path = tmp_path / "export.json"
    lines = refused_lines(project, export, path)
    where = f"error: {path}: task 0 (id 1) result"
    assert lines[:len(bad) - 1] == [
        f"{where} {first}: a relation links two region ids, not ['q1~cue'] and 'q1'",
        f"{where} {first + 1}: a relation links two region ids, not 'q1~cue' and None",
        f"{where} {first + 2}: unsupported result (type 'rectangle'); expected labels, choices or relation",
        f"{where} {first + 3}: region x1: expected exactly one of labels (a string), got ['GPE', 'LOC']",
        f"{where} {first + 4}: region x2: origin and text are strings, got 5, 'بغداد'",
        f"{where} {first + 5}: unknown choices control 'mood'",
        f"{where} {first + 6}: region x4: start/end are not integer offsets: '19', 24",
        f"{where} {first + 7}: region x5: start/end are not integer offsets: 19, True",
    ]
    assert f"{where} {first + 8}: region e1 labelled twice" in lines


def test_annotations_that_are_not_a_list_and_results_that_are_not_a_list_are_named(review_project, tmp_path: Path) -> None:
    project = review_project()
    assert run_review(project, "export", "--format", "label-studio", "--out", str(project.root / "ls")).returncode == 0
    [task] = labelled(read_json(project.root / "ls" / "tasks.json"))
    second = {**task, "id": 2, "annotations": [task["annotations"][0], {**task["annotations"][0], "id": 102, "result": {"e1": "GPE"}}]}
    path = tmp_path / "export.json"
    lines = refused_lines(project, [{**task, "annotations": {"result": []}}, second], path)
    assert f"error: {path}: task 0 (id 1) annotations: expected a list of annotation objects" in lines
    assert f"error: {path}: task 1 (id 2) annotation 102 result: expected a list of results, got dict" in lines


def other_document_task(review_project: Any) -> tuple[Any, dict[str, Any]]:
    """A project whose rev_002 has no annotations yet, and its exported Label Studio task."""
    project = review_project(gold=False, extra={OTHER: TEXT})
    assert run_review(project, "export", "--format", "label-studio", "--out", str(project.root / "ls"), OTHER).returncode == 0
    [task] = read_json(project.root / "ls" / "tasks.json")
    return project, task


def baghdad() -> dict[str, Any]:
    start = TEXT.index("بغداد")
    return {"id": "a1", "from_name": "entity", "to_name": "text", "type": "labels", "origin": "manual",
            "value": {"start": start, "end": start + 5, "text": "بغداد", "labels": ["GPE"]}}


def test_a_json_min_annotator_known_only_by_id_is_credited_through_annotator(review_project, tmp_path: Path) -> None:
    project, task = other_document_task(review_project)
    path = tmp_path / "json-min.json"
    path.write_text(json.dumps([json_min(task, [baghdad()], 7, 31)], ensure_ascii=False), encoding="utf-8")
    refused = run_review(project, "import", str(path))
    assert refused.returncode == 1
    assert f"error: {path}: {OTHER}: reviewed by Label Studio user 7, who has no email in this export: say who with --annotator 7=NAME" in refused.stderr
    imported = run_review(project, "import", str(path), "--annotator", "7=amina")
    assert imported.returncode == 0, imported.stderr
    entities = read_json(project.annotations / f"{OTHER}.json")["entities"]
    assert [(e["text"], e["label"], e["provenance"]["annotator"]) for e in entities] == [("بغداد", "GPE", "amina")]


def test_a_json_min_record_without_a_submitted_annotation_is_skipped_with_a_note(review_project, tmp_path: Path) -> None:
    project, task = other_document_task(review_project)
    path = tmp_path / "json-min.json"
    path.write_text(json.dumps([json_min(task, [], "amina@example.org", None)], ensure_ascii=False), encoding="utf-8")
    before = tree_digest(project.annotations)
    skipped = run_review(project, "import", str(path))
    assert f"{path}: record 0 (task 1) ({OTHER}): no submitted annotation, skipped\n" in skipped.stderr
    assert tree_digest(project.annotations) == before


def test_a_json_min_record_without_entities_is_a_review_that_found_none(review_project, tmp_path: Path) -> None:
    project, task = other_document_task(review_project)
    path = tmp_path / "json-min.json"
    path.write_text(json.dumps([json_min(task, [], "amina@example.org", 31)], ensure_ascii=False), encoding="utf-8")
    imported = run_review(project, "import", str(path))
    assert imported.returncode == 0, imported.stderr
    assert read_json(project.annotations / f"{OTHER}.json")["entities"] == []


def test_damaged_json_min_records_are_named(review_project, tmp_path: Path) -> None:
    project, task = other_document_task(review_project)
    not_a_list = {**json_min(task, [], "amina@example.org", 31), "entity": {"start": 4}}
    damaged = json_min(task, [baghdad()], "amina@example.org", 32)
    damaged["qawl"]["base"] = {"entities": [{"id": "e1"}]}
    path = tmp_path / "json-min.json"
    lines = refused_lines(project, [not_a_list, damaged], path)
    assert lines[:2] == [
        f"error: {path}: record 0 (task 1) entity: expected a list of labelled regions",
        f"error: {path}: record 1 (task 1): the export's base layer is damaged ('label'); re-export it",
    ]



def test_an_expanded_user_whose_email_is_not_text_is_known_by_id_only(review_project, tmp_path: Path) -> None:
    project = review_project()
    assert run_review(project, "export", "--format", "label-studio", "--out", str(project.root / "ls")).returncode == 0
    export = labelled(read_json(project.root / "ls" / "tasks.json"))
    export[0]["annotations"][0]["completed_by"] = {"id": 4, "email": 5, "first_name": "", "last_name": ""}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    before = tree_digest(project.annotations)
    refused = run_review(project, "import", str(path))
    assert refused.returncode == 1
    assert f"error: {path}: {DOC_ID}: reviewed by Label Studio user 4, who has no email in this export: say who with --annotator 4=NAME\n" in refused.stderr
    assert tree_digest(project.annotations) == before


def test_a_relation_drawn_right_to_left_is_reported_in_the_direction_it_was_drawn(review_project, tmp_path: Path) -> None:
    project = review_project()
    assert run_review(project, "export", "--format", "label-studio", "--out", str(project.root / "ls")).returncode == 0
    export = labelled(read_json(project.root / "ls" / "tasks.json"))
    results(export).append({"from_id": "q1", "to_id": "q2", "type": "relation", "direction": "left", "labels": []})
    lines = refused_lines(project, export, tmp_path / "export.json")
    assert f"error: {tmp_path / 'export.json'}: relation q2 → q1: a relation links a cue, speaker, outlet or entity to a quote content, not content to content" in lines


def test_a_utf16_offset_inside_a_character_outside_the_bmp_is_named(review_project, tmp_path: Path) -> None:
    project = review_project()
    out = project.root / "ls"
    assert run_review(project, "export", "--format", "label-studio", "--out", str(out), "--offsets", "utf16").returncode == 0
    export = labelled(read_json(out / "tasks.json"))
    emoji = len(ARTICLE[: ARTICLE.index("😀")].encode("utf-16-le")) // 2
    e1 = region(export, "e1", "entity")
    results(export).append({**e1, "id": "x6", "value": {**e1["value"], "start": emoji - 3, "end": emoji + 1}})
    path = tmp_path / "export.json"
    lines = refused_lines(project, export, path)
    assert f"error: {path}: task 0 (id 1) result {len(results(export)) - 1}: region x6: offset {emoji - 3} or {emoji + 1} splits a character outside the BMP" in lines


def test_a_json_file_that_is_not_a_list_of_tasks_is_named(review_project, tmp_path: Path) -> None:
    project = review_project()
    path = tmp_path / "export.json"
    assert refused_lines(project, {"tasks": []}, path)[0] == f"error: {path}: not a Label Studio JSON export (expected a list of tasks)"


def test_a_task_without_an_id_or_export_record_is_named_by_its_position(review_project, tmp_path: Path) -> None:
    project = review_project()
    path = tmp_path / "export.json"
    lines = refused_lines(project, [{"data": {"text": "نص"}, "annotations": []}], path)
    assert lines[0] == f"error: {path}: task 0: not made by `qawl review export` (no qawl export record); export the documents with qawl first"



def test_the_labeling_config_is_label_studio_s_xml_for_every_control_pinned_in_full() -> None:
    """Label Studio's tags and attributes are case-sensitive and an unknown one is ignored without a word: every
    character counts (symbol granularity for Arabic clitics, single-radio choices, one colour per label)."""
    assert labeling_config(vocabulary()) == LABELING_CONFIG



def test_exported_tasks_are_readable_json_with_relations_drawn_left_to_right(tmp_path: Path) -> None:
    """A silver task with no annotations still names its source; gold goes as predictions unless asked otherwise."""
    gold = article_layer(GOLD)
    empty = {**article_layer(SILVER), "doc_id": "rev_002", "entities": [], "quotes": [], "stance": []}
    items = [(Document(DOC_ID, ARTICLE, gold["sha256"], "seeds"), "gold", gold),
             (Document("rev_002", ARTICLE, gold["sha256"], "seeds"), "silver", empty)]
    export_tasks(items, vocabulary(), tmp_path, "codepoints")
    text = (tmp_path / "tasks.json").read_text(encoding="utf-8")
    assert '"text": "بغداد"' in text  # Arabic, not \u escapes
    tasks = json.loads(text)
    assert [(p["model_version"], p["score"]) for task in tasks for p in task["predictions"]] == [("qawl-gold", 1.0), ("silver", 0.0)]
    assert "annotations" not in tasks[0]
    relations = [r for r in tasks[0]["predictions"][0]["result"] if r["type"] == "relation"]
    assert relations[0] == {"from_id": "q1~cue", "to_id": "q1", "type": "relation", "direction": "right", "labels": []}


def test_the_seed_s_chains_are_exported_as_two_way_coref_relations_on_regions_of_the_text(tmp_path) -> None:
    project = make_seed_project(tmp_path / "project")
    assert run_review(project, "export", "--format", "label-studio", "--out", str(tmp_path / "ls")).returncode == 0
    task = json.loads((tmp_path / "ls" / "tasks.json").read_text(encoding="utf-8"))[0]
    results = (task.get("predictions") or task.get("annotations"))[0]["result"]
    assert [r for r in results if r.get("labels") == ["coref"]][0] == {"from_id": "e1", "to_id": "e14", "type": "relation", "direction": "bi", "labels": ["coref"]}
    assert next(r for r in results if r.get("id") == "e1") == {
        "id": "e1", "from_name": "entity", "to_name": "text", "type": "labels",
        "value": {"start": 71, "end": 85, "text": "التحالف الدولي", "labels": ["ORG"]},
    }


def entities_task(tmp_path: Path, unit: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The test article's gold entities (no quotes, no chains: what JSON-MIN can carry) exported as one task in `unit`."""
    gold = {**article_layer(GOLD), "quotes": [], "stance": []}
    export_tasks([(Document(DOC_ID, ARTICLE, gold["sha256"], "seeds"), "gold", gold)], vocabulary(), tmp_path, unit)
    [task] = read_json(tmp_path / "tasks.json")
    return task, gold


def read_json_min(tmp_path: Path, records: list[dict[str, Any]]) -> tuple[str, list[Review], list[str], list[str]]:
    path = tmp_path / "project-1-json-min.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    reviews, problems, notes = read_export(path)
    return str(path), reviews, [str(p) for p in problems], notes


def test_a_json_min_record_is_read_as_a_label_studio_review_of_its_gold_base_entities_keeping_their_ids(tmp_path: Path) -> None:
    task, gold = entities_task(tmp_path, "codepoints")
    baghdad, iraq = ([r for r in task["predictions"][0]["result"] if r["id"] == key][0] for key in ("e1", "e6"))
    observers = {"from_name": "entity", "type": "labels", "value": {**span(ARTICLE, "مراقبون"), "labels": ["NORP"]}}
    file, reviews, problems, notes = read_json_min(tmp_path, [json_min(task, [baghdad, iraq, observers], "amina@example.org", 31)])
    assert (problems, notes) == ([], [])
    regions = {
        "r0": Region("r0", **span(ARTICLE, "بغداد"), label="GPE", key="e1"),
        "r1": Region("r1", **span(ARTICLE, "بالعراق", skip=1), label="GPE", key="e6"),
        "r2": Region("r2", **span(ARTICLE, "مراقبون"), label="NORP"),
    }
    assert reviews == [Review("label-studio", file, DOC_ID, gold["sha256"], ARTICLE, "gold", gold, View(regions=regions), None, "amina@example.org")]


def test_a_json_min_record_of_an_older_label_studio_counting_utf16_units_is_read_in_code_points(tmp_path: Path) -> None:
    task, gold = entities_task(tmp_path, "utf16")
    iraq = [r for r in task["predictions"][0]["result"] if r["id"] == "e6"][0]
    assert iraq["value"]["start"] == span(ARTICLE, "بالعراق", skip=1)["start"] + 4  # after 🇮🇶 (two), 😀 and 𝕏: four more units
    file, [review], problems, _ = read_json_min(tmp_path, [json_min(task, [iraq], "amina@example.org", 31)])
    assert problems == [] and review.view.regions == {"r0": Region("r0", **span(ARTICLE, "بالعراق", skip=1), label="GPE", key="e6")}
    without_text = {key: value for key, value in json_min(task, [iraq], "amina@example.org", 32).items() if key != "text"}
    file, [review], problems, _ = read_json_min(tmp_path, [without_text])  # no text to count in: the import says the text differs
    assert (review.text, problems) == ("", [])


def test_each_json_min_record_that_cannot_be_read_is_named_by_its_file_and_record(tmp_path: Path) -> None:
    task, _ = entities_task(tmp_path, "codepoints")
    record = json_min(task, [], "amina@example.org", 31)
    two_labels = {"from_name": "entity", "type": "labels", "value": {**span(ARTICLE, "بغداد"), "labels": ["GPE", "LOC"]}}
    records = [
        {**record, "qawl": {"doc_id": DOC_ID}},  # an export record that lost its other keys
        {**record, "quote": [{**span(ARTICLE, "بغداد"), "labels": ["content"]}]},
        {**record, "entity": {}},  # an object, not a list
        json_min(task, [two_labels], "amina@example.org", 32),
    ]
    file, reviews, problems, _ = read_json_min(tmp_path, records)
    assert problems == [
        f"{file}: record 0 (task 1): not made by `qawl review export` (no qawl export record); export the documents with qawl first",
        f"{file}: record 1 (task 1): a JSON-MIN export keeps labelled spans but drops the {JSON_MIN_LOSES}; this annotation has quote, "
        "so its quotes and stances cannot be rebuilt: export the project as JSON (Export → JSON) and import that",
        f"{file}: record 2 (task 1) entity: expected a list of labelled regions",
        f"{file}: record 3 (task 1) result 0: region r0: expected exactly one of labels (a string), got ['GPE', 'LOC']",
    ]
    assert [review.view.regions for review in reviews] == [{}]


def test_part_and_source_links_are_exported_as_relations_drawn_left_to_right(tmp_path: Path) -> None:
    quotes = {**multi_sentence_layer(), "stance": []}  # a quote in two parts (q2) and one nested in q3 (q4)
    export_tasks([(Document(MULTI_ID, MULTI_TEXT, quotes["sha256"], "seeds"), "gold", quotes)], vocabulary(), tmp_path, "codepoints")
    [task] = read_json(tmp_path / "tasks.json")
    assert [r for r in task["predictions"][0]["result"] if r.get("labels") in (["part"], ["source"])] == [
        {"from_id": "q2", "to_id": "q2~part2", "type": "relation", "direction": "right", "labels": ["part"]},
        {"from_id": "q4", "to_id": "q3", "type": "relation", "direction": "right", "labels": ["source"]},
    ]


def test_a_relation_with_two_of_qawl_s_labels_is_named_by_its_file_task_and_result(tmp_path: Path) -> None:
    task, _ = entities_task(tmp_path, "codepoints")
    results = [*task["predictions"][0]["result"], {"from_id": "e4", "to_id": "e6", "type": "relation", "direction": "right", "labels": ["coref", "part"]}]
    task["annotations"] = [{"id": 1, "result": results, "completed_by": 3}]
    path = tmp_path / "export.json"
    path.write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    _, problems, _ = read_export(path)
    assert [str(p) for p in problems] == [
        f"{path}: task 0 result {len(results) - 1}: a relation has one of the labels coref, part, source (or none), not coref and part"
    ]
