"""A double annotation in Label Studio: one layer per annotator, their agreement, and curation into gold.

The exports have the shape of Label Studio 1.23.2's JSON export (data_export/serializers.py):
a task with every field of its model, each annotation with every field of its model, and
`completed_by` either the user's id (the default) or, when the export expands it, the user
as {id, email, first_name, last_name} (`CompletedBySerializer`).
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

from tests.conftest import run_qawl, tree_digest
from tests.review.conftest import ARTICLE, DOC_ID, read_json, run_review

AMINA = {"id": 3, "email": "amina@example.org", "first_name": "Amina", "last_name": "Haddad"}
OMAR = {"id": 4, "email": "omar@example.org", "first_name": "Omar", "last_name": "Saleh"}
SARA = {"id": 5, "email": "sara@example.org", "first_name": "Sara", "last_name": "Aziz"}


def annotation(number: int, user: Any, result: list[dict[str, Any]], cancelled: bool = False) -> dict[str, Any]:
    """An annotation as Label Studio 1.23.2 exports it (every field of its model)."""
    return {
        "id": number,
        "completed_by": user,
        "result": result,
        "was_cancelled": cancelled,
        "ground_truth": False,
        "created_at": f"2026-03-0{number % 9 + 1}T09:00:00.000000Z",
        "updated_at": f"2026-03-0{number % 9 + 1}T09:10:00.000000Z",
        "draft_created_at": None,
        "lead_time": 312.4,
        "prediction": {},
        "result_count": len(result),
        "unique_id": f"0b6c1c1e-0000-4000-8000-00000000000{number}",
        "import_id": None,
        "last_action": None,
        "bulk_created": False,
        "task": 1,
        "project": 1,
        "updated_by": user["id"] if isinstance(user, dict) else user,
        "parent_prediction": None,
        "parent_annotation": None,
        "last_created_by": None,
    }


def task_export(task: dict[str, Any], annotations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A JSON export of one task with `annotations` (every field of the task model)."""
    return [
        {
            "id": 1,
            "annotations": annotations,
            "file_upload": "tasks.json",
            "drafts": [],
            "predictions": [1] if task.get("predictions") else [],
            "data": task["data"],
            "meta": {},
            "created_at": "2026-03-01T08:00:00.000000Z",
            "updated_at": "2026-03-02T10:00:00.000000Z",
            "inner_id": 1,
            "total_annotations": len([a for a in annotations if not a["was_cancelled"]]),
            "cancelled_annotations": len([a for a in annotations if a["was_cancelled"]]),
            "total_predictions": len(task.get("predictions") or []),
            "comment_count": 0,
            "unresolved_comment_count": 0,
            "last_comment_updated_at": None,
            "project": 1,
            "updated_by": None,
            "comment_authors": [],
        }
    ]


def submitted(task: dict[str, Any]) -> list[dict[str, Any]]:
    """The results an annotator submits when they accept what the task shows."""
    source = task.get("predictions") or task.get("annotations")
    return copy.deepcopy(source[0]["result"])


def labels(result: list[dict[str, Any]], rid: str) -> dict[str, Any]:
    return next(r for r in result if r.get("id") == rid and r["type"] == "labels")


def omars_result(task: dict[str, Any]) -> list[dict[str, Any]]:
    """Omar's review: e5 (واشنطن) made an ORG, e4 (العراق) removed, s1 turned NONE, مراقبون added as NORP."""
    result = submitted(task)
    labels(result, "e5")["value"]["labels"] = ["ORG"]
    result[:] = [r for r in result if r.get("id") != "e4"]
    next(r for r in result if r.get("id") == "q1" and r["from_name"] == "stance_us_coalition_presence_iraq")["value"]["choices"] = ["NONE"]
    start = ARTICLE.index("مراقبون")
    result.append({"id": "Kq3_xZ9", "from_name": "entity", "to_name": "text", "type": "labels", "origin": "manual",
                   "value": {"start": start, "end": start + len("مراقبون"), "text": "مراقبون", "labels": ["NORP"]}})
    return result


def double_annotation(project, tmp_path: Path, amina: Any = AMINA, omar: Any = OMAR) -> Path:
    """Amina accepts the task as it is, Omar changes four things, Sara skips it: the project's export."""
    assert run_review(project, "export", "--format", "label-studio", "--out", str(project.root / "ls")).returncode == 0
    task = read_json(project.root / "ls" / "tasks.json")[0]
    export = task_export(task, [annotation(1, amina, submitted(task)), annotation(2, omar, omars_result(task)), annotation(3, SARA, [], cancelled=True)])
    path = tmp_path / "project-1-at-2026-03-02-10-00-5d1e2f3a.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    return path


def log(project) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (project.annotations / "review-log.jsonl").read_text(encoding="utf-8").splitlines()]


def test_a_double_annotation_is_imported_as_one_layer_per_annotator_and_gold_is_left_alone(review_project, tmp_path: Path) -> None:
    project = review_project()
    gold_file = project.annotations / f"{DOC_ID}.json"
    gold = gold_file.read_bytes()
    imported = run_review(project, "import", str(double_annotation(project, tmp_path)))
    assert imported.returncode == 0, imported.stderr
    assert "1 cancelled (skipped) annotation(s) left out" in imported.stderr
    assert gold_file.read_bytes() == gold
    passes = project.annotations / "passes" / DOC_ID
    assert sorted(p.name for p in passes.iterdir()) == ["amina@example.org.json", "omar@example.org.json"]
    amina, omar = read_json(passes / "amina@example.org.json"), read_json(passes / "omar@example.org.json")
    assert amina == read_json(gold_file)  # she accepted the gold layer as it was
    entities = {e["id"]: (e["text"], e["label"], e["provenance"]["annotator"]) for e in omar["entities"]}
    assert entities["e5"] == ("واشنطن", "ORG", "omar@example.org") and entities["e7"] == ("مراقبون", "NORP", "omar@example.org")
    assert "e4" not in entities and entities["e1"] == ("بغداد", "GPE", "t1")
    assert next(s for s in omar["stance"] if s["id"] == "s1")["label"] == "NONE"
    entries = log(project)
    assert {(e["layer"], e["annotator"], e["tool_user"], e["id"], e["action"]) for e in entries} == {
        ("passes/omar@example.org", "omar@example.org", 4, "e5", "edited"),
        ("passes/omar@example.org", "omar@example.org", 4, "e4", "removed"),
        ("passes/omar@example.org", "omar@example.org", 4, "e7", "added"),
        ("passes/omar@example.org", "omar@example.org", 4, "s1", "edited"),
    }
    again = run_review(project, "import", str(double_annotation(project, tmp_path)))
    assert again.returncode == 0 and "wrote 0 annotation file(s)" in again.stdout


def test_annotators_known_only_by_label_studio_ids_are_named_on_the_command_line(review_project, tmp_path: Path) -> None:
    project = review_project()
    export = double_annotation(project, tmp_path, amina=3, omar=4)  # a default export: completed_by is the user id
    before = tree_digest(project.annotations)
    refused = run_review(project, "import", str(export), "--annotator", "amina")
    assert refused.returncode == 1
    assert refused.stderr.count("no email in this export (one of 2 such users: 3, 4; name each)") == 2
    assert "say who with --annotator 4=NAME" in refused.stderr
    assert tree_digest(project.annotations) == before
    imported = run_review(project, "import", str(export), "--annotator", "3=amina", "--annotator", "4=omar")
    assert imported.returncode == 0, imported.stderr
    assert sorted(p.stem for p in (project.annotations / "passes" / DOC_ID).iterdir()) == ["amina", "omar"]


def test_agreement_scores_every_pair_of_annotator_layers_of_an_import(review_project, tmp_path: Path) -> None:
    project = review_project()
    assert run_review(project, "import", str(double_annotation(project, tmp_path))).returncode == 0
    scored = run_review(project, "agreement", DOC_ID, "--json")
    assert scored.returncode == 0, scored.stderr
    document = json.loads(scored.stdout)["documents"][0]
    assert document["layers"] == {
        "amina@example.org": {"entities": 6, "quotes": 3, "speakers": 3, "stance": 3},
        "omar@example.org": {"entities": 6, "quotes": 3, "speakers": 3, "stance": 3},
    }
    [pair] = document["pairs"]
    assert (pair["a"], pair["b"]) == ("amina@example.org", "omar@example.org")
    assert pair["entities"]["labelled"]["matched"] == 4 and round(pair["entities"]["labelled"]["f1"], 3) == 0.667
    assert pair["quotes"]["exact"]["f1"] == 1.0 and pair["stance"]["observed_agreement"] == 2 / 3
    text = run_review(project, "agreement").stdout  # every document with annotator layers
    assert text.startswith(f"{DOC_ID}: 2 annotator layers\n")
    assert "amina@example.org × omar@example.org" in text and "entities  F1 labelled 0.667" in text
    alone = run_review(project, "agreement", "rev_404")
    assert alone.returncode == 1 and "0 annotator layer(s) here, agreement needs two" in alone.stderr


def test_curation_accepts_what_all_agree_on_and_logs_each_decision_with_its_curator(review_project, tmp_path: Path) -> None:
    project = review_project()
    gold_file = project.annotations / f"{DOC_ID}.json"
    assert run_review(project, "import", str(double_annotation(project, tmp_path))).returncode == 0

    listed = run_review(project, "curate", DOC_ID, "--curator", "lead")
    assert listed.returncode == 0, listed.stderr
    assert f"{DOC_ID}: 9 agreed, 4 disagreement(s) among amina@example.org, omar@example.org" in listed.stdout
    decisions_file = project.annotations / "passes" / f"{DOC_ID}.decisions.json"
    decisions = read_json(decisions_file)
    by_text = {(d["what"].split(" held")[0], d["text"]): d for d in decisions["disagreements"]}
    assert by_text[("entity", "واشنطن")]["versions"] == {"amina@example.org": {"label": "GPE"}, "omar@example.org": {"label": "ORG"}}
    assert by_text[("entity", "مراقبون")]["versions"]["amina@example.org"] is None
    assert set(by_text) == {("entity", "العراق"), ("entity", "واشنطن"), ("entity", "مراقبون"), ("stance on us_coalition_presence_iraq", "العراق يرفض بقاء القوات الأجنبية على أراضيه")}

    before = tree_digest(project.annotations)
    undecided = run_review(project, "curate", DOC_ID, "--curator", "lead")
    assert undecided.returncode == 1 and undecided.stderr.count("no choice for") == 4
    assert f"error: {decisions_file}: {by_text[('entity', 'واشنطن')]['id']}: no choice for the entity at [{ARTICLE.index('واشنطن')}, {ARTICLE.index('واشنطن') + 6}) 'واشنطن'" in undecided.stderr
    assert tree_digest(project.annotations) == before

    choices = {("entity", "العراق"): "amina@example.org", ("entity", "واشنطن"): "omar@example.org", ("entity", "مراقبون"): "none", ("stance on us_coalition_presence_iraq", "العراق يرفض بقاء القوات الأجنبية على أراضيه"): "amina@example.org"}
    for key, choice in choices.items():
        by_text[key]["choice"] = choice
    decisions_file.write_text(json.dumps(decisions, ensure_ascii=False), encoding="utf-8")
    curated = run_review(project, "curate", DOC_ID, "--curator", "lead")
    assert curated.returncode == 0, curated.stderr
    assert f"{DOC_ID}: 9 agreed, 4 decided by lead (2 amina@example.org, 1 none, 1 omar@example.org)" in curated.stdout

    gold = read_json(gold_file)
    assert [(e["id"], e["text"], e["label"]) for e in gold["entities"]] == [
        ("e1", "بغداد", "GPE"), ("e2", "فؤاد حسين", "PERSON"), ("e3", "العربي الجديد", "ORG"), ("e4", "العراق", "GPE"), ("e5", "واشنطن", "ORG"), ("e6", "العراق", "GPE")]
    assert {(s["target"], s["label"]) for s in gold["stance"]} == {("us_coalition_presence_iraq", "AGAINST"), ("us_iraq_strategic_partnership", "FAVOR"), ("us_coalition_presence_iraq", "FAVOR")}
    quote = next(q for q in gold["quotes"] if q["speaker"]["entity"])
    assert next(e for e in gold["entities"] if e["id"] == quote["speaker"]["entity"])["text"] == "فؤاد حسين"
    washington = next(e for e in gold["entities"] if e["text"] == "واشنطن")
    assert washington["provenance"]["annotator"] == "omar@example.org"
    decided = [e for e in log(project) if e["tool"] == "curate" and e["action"] == "decided"]
    assert len(decided) == 4 and all(e["annotator"] == "lead" for e in decided)
    assert {(e["decision"]["choice"], e["after"] and e["after"]["text"]) for e in decided if e["kind"] == "entities"} == {
        ("amina@example.org", "العراق"), ("omar@example.org", "واشنطن"), ("none", None)}
    assert len([e for e in log(project) if e["tool"] == "curate" and e["action"] == "agreed"]) == 9
    assert len(list((project.annotations / ".history" / DOC_ID).glob("*.json"))) == 1
    assert run_qawl("validate", str(gold_file), cwd=project.root).returncode == 0


def test_brat_directories_of_a_double_annotation_become_one_layer_each(review_project) -> None:
    project = review_project()
    exported = project.root / "brat"
    assert run_review(project, "export", "--format", "brat", "--out", str(exported)).returncode == 0
    round_dir = project.root / "round-1"
    for annotator in ("layla", "yusuf"):  # each annotator works on a copy of the collection
        shutil.copytree(exported, round_dir / annotator)
    ann = round_dir / "yusuf" / f"{DOC_ID}.ann"
    ann.write_text(ann.read_text(encoding="utf-8").replace("\tGPE 19 24\t", "\tLOC 19 24\t"), encoding="utf-8")  # e1 relabelled
    gold = (project.annotations / f"{DOC_ID}.json").read_bytes()
    imported = run_review(project, "import", str(round_dir))
    assert imported.returncode == 0, imported.stderr
    assert f"{DOC_ID} → passes/yusuf: 1 edited" in imported.stdout and f"{DOC_ID} → passes/layla: no changes" in imported.stdout
    assert (project.annotations / f"{DOC_ID}.json").read_bytes() == gold
    layers = {name: read_json(project.annotations / "passes" / DOC_ID / f"{name}.json") for name in ("layla", "yusuf")}
    assert [e["label"] for e in layers["layla"]["entities"] if e["id"] == "e1"] == ["GPE"]
    assert [(e["label"], e["provenance"]["annotator"]) for e in layers["yusuf"]["entities"] if e["id"] == "e1"] == [("LOC", "yusuf")]
    assert [(e["layer"], e["origin"]) for e in log(project)] == [("passes/yusuf", "manual")]


def test_curation_refuses_bad_choices_stale_decisions_and_a_quote_whose_speaker_was_left_out(review_project, tmp_path: Path) -> None:
    project = review_project()
    assert run_review(project, "export", "--format", "label-studio", "--out", str(project.root / "ls")).returncode == 0
    task = read_json(project.root / "ls" / "tasks.json")[0]
    without_speaker_entity = [r for r in submitted(task) if r.get("id") != "e2" and r.get("from_id") != "e2"]
    export = tmp_path / "export.json"
    export.write_text(json.dumps(task_export(task, [annotation(1, AMINA, submitted(task)), annotation(2, OMAR, without_speaker_entity)]), ensure_ascii=False), encoding="utf-8")
    assert run_review(project, "import", str(export)).returncode == 0
    assert run_review(project, "curate", DOC_ID, "--curator", "lead").returncode == 0
    decisions_file = project.annotations / "passes" / f"{DOC_ID}.decisions.json"
    decisions = read_json(decisions_file)
    by_what = {d["what"]: d for d in decisions["disagreements"]}
    assert set(by_what) == {"entity", "quote"} and by_what["entity"]["text"] == "فؤاد حسين"
    gold, log_size = (project.annotations / f"{DOC_ID}.json").read_bytes(), len(log(project))

    by_what["entity"]["choice"], by_what["quote"]["choice"] = "omar@example.org", "nobody"
    decisions_file.write_text(json.dumps(decisions, ensure_ascii=False), encoding="utf-8")
    refused = run_review(project, "curate", DOC_ID, "--curator", "lead")
    assert refused.returncode == 1
    assert f"{by_what['quote']['id']}: choice 'nobody' is not one of amina@example.org, omar@example.org, none" in refused.stderr

    by_what["quote"]["choice"] = "amina@example.org"  # keeps فؤاد حسين as the speaker entity that the other choice drops
    decisions_file.write_text(json.dumps(decisions, ensure_ascii=False), encoding="utf-8")
    refused = run_review(project, "curate", DOC_ID, "--curator", "lead")
    assert refused.returncode == 1
    assert (f"{by_what['quote']['id']}: quote 'العراق يرفض بقاء القوات الأجنبية على أراضيه' names speaker entity 'فؤاد حسين' (PERSON), "
            "which the curated layer leaves out; choose a version that keeps it") in refused.stderr
    assert (project.annotations / f"{DOC_ID}.json").read_bytes() == gold and len(log(project)) == log_size

    omar = project.annotations / "passes" / DOC_ID / "omar@example.org.json"
    omar.write_text(omar.read_text(encoding="utf-8").replace('"GPE"', '"LOC"', 1), encoding="utf-8")  # re-imported since
    refused = run_review(project, "curate", DOC_ID, "--curator", "lead")
    assert refused.returncode == 1 and "made from other annotator layers than annotations/passes/ holds now; delete it" in refused.stderr


def test_a_second_round_keeps_the_previous_annotator_layer_and_one_persons_two_annotations_are_refused(review_project, tmp_path: Path) -> None:
    project = review_project()
    assert run_review(project, "import", str(double_annotation(project, tmp_path))).returncode == 0
    omar = project.annotations / "passes" / DOC_ID / "omar@example.org.json"
    first = omar.read_bytes()
    task = read_json(project.root / "ls" / "tasks.json")[0]
    second = tmp_path / "round-2.json"  # Omar takes his changes back, Amina annotates again as she did
    second.write_text(json.dumps(task_export(task, [annotation(4, AMINA, submitted(task)), annotation(5, OMAR, submitted(task))]), ensure_ascii=False), encoding="utf-8")
    imported = run_review(project, "import", str(second))
    assert imported.returncode == 0, imported.stderr
    assert omar.read_bytes() == (project.annotations / "passes" / DOC_ID / "amina@example.org.json").read_bytes()
    [kept] = (project.annotations / ".history" / "passes" / DOC_ID / "omar@example.org").glob("*.json")
    assert kept.read_bytes() == first

    twice = tmp_path / "twice.json"
    twice.write_text(json.dumps(task_export(task, [annotation(6, AMINA, submitted(task)), annotation(7, AMINA, omars_result(task))]), ensure_ascii=False), encoding="utf-8")
    before = tree_digest(project.annotations)
    refused = run_review(project, "import", str(twice))
    assert refused.returncode == 1 and f"{DOC_ID}: reviewed twice by amina@example.org in this import" in refused.stderr
    assert tree_digest(project.annotations) == before


def test_curation_needs_annotator_layers_made_against_todays_text(review_project, tmp_path: Path) -> None:
    project = review_project()
    refused = run_review(project, "curate", DOC_ID, "--curator", "lead")
    assert refused.returncode == 1 and f"{DOC_ID}: no annotator layers here: import a double annotation" in refused.stderr
    assert run_review(project, "import", str(double_annotation(project, tmp_path))).returncode == 0
    seed = project.seeds / f"{DOC_ID}.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "سطر أضيف بعد التصدير.\n", encoding="utf-8")
    refused = run_review(project, "curate", DOC_ID, "--curator", "lead")
    assert refused.returncode == 1
    assert refused.stderr.count(f"annotates another text than {seed} has now; re-export, annotate and import again") == 2


def test_annotator_names_that_cannot_stand_for_one_person_or_name_a_file_are_refused(review_project, tmp_path: Path) -> None:
    project = review_project()
    export = double_annotation(project, tmp_path, amina=3, omar=4)
    before = tree_digest(project.annotations)
    refused = run_review(project, "import", str(export), "--annotator", "amina", "--annotator", "omar")
    assert refused.returncode == 1 and "error: --annotator: given 2 times without a Label Studio user id (amina, omar); name users as ID=NAME" in refused.stderr
    refused = run_review(project, "import", str(export), "--annotator", "3=amina", "--annotator", "4=omar/../../x")
    assert refused.returncode == 1
    assert f"{DOC_ID}: annotator 'omar/../../x' cannot name a layer file (letters, digits and _.@+- only); name them with --annotator 4=NAME" in refused.stderr
    assert tree_digest(project.annotations) == before


def test_curating_again_with_the_same_decisions_changes_nothing(review_project, tmp_path: Path) -> None:
    project = review_project()
    task_file = double_annotation(project, tmp_path)
    task = read_json(task_file)
    task[0]["annotations"][1]["result"] = copy.deepcopy(task[0]["annotations"][0]["result"])  # Omar agrees with Amina after all
    task_file.write_text(json.dumps(task, ensure_ascii=False), encoding="utf-8")
    assert run_review(project, "import", str(task_file)).returncode == 0
    curated = run_review(project, "curate", DOC_ID, "--curator", "lead")
    assert curated.returncode == 0 and f"{DOC_ID}: 12 agreed, 0 decided by lead" in curated.stdout
    gold = read_json(project.annotations / f"{DOC_ID}.json")
    assert {item["provenance"]["annotator"] for kind in ("entities", "quotes", "stance") for item in gold[kind]} == {"amina@example.org+omar@example.org"}
    after = tree_digest(project.annotations)
    again = run_review(project, "curate", DOC_ID, "--curator", "lead")
    assert again.returncode == 0 and "holds this curation already; nothing to do" in again.stdout
    assert tree_digest(project.annotations) == after


def test_a_damaged_decisions_file_is_refused_by_place_never_a_traceback(review_project, tmp_path: Path) -> None:
    project = review_project()
    assert run_review(project, "import", str(double_annotation(project, tmp_path))).returncode == 0
    assert run_review(project, "curate", DOC_ID, "--curator", "lead").returncode == 0
    decisions_file = project.annotations / "passes" / f"{DOC_ID}.decisions.json"
    decisions = read_json(decisions_file)
    first, second, third, fourth = decisions["disagreements"]
    first["id"], second["choice"], third["choice"] = ["d1"], ["omar@example.org"], {"x": 1}
    decisions["disagreements"][3] = 5
    decisions_file.write_text(json.dumps(decisions, ensure_ascii=False), encoding="utf-8")
    refused = run_review(project, "curate", DOC_ID, "--curator", "lead")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert [line.split(": ")[2] for line in refused.stderr.splitlines()[:-1]] == ["d1", "d2", "d3", "d4"]
    assert "d2: choice ['omar@example.org'] is not one of amina@example.org, omar@example.org, none" in refused.stderr
    for broken in ("[1, 2", "[]"):
        decisions_file.write_text(broken, encoding="utf-8")
        refused = run_review(project, "curate", DOC_ID, "--curator", "lead")
        assert refused.returncode == 1 and f"error: {decisions_file}: " in refused.stderr and "Traceback" not in refused.stderr
