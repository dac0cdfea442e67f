"""Entity chains through review: Label Studio and brat exports and imports, curation, reanchoring, the HTML page.

Every test works on the seed's gold layer (12 chains, speakers in chains c5, c9, c11, c12).
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from qawl.project import Project
from tests.conftest import REPO, invoke_qawl, tree_digest
from tests.review.conftest import empty_project, read_json, run_review
from tests.review.test_html_escaping import Page
from tests.review.test_label_studio_import_cases import json_min
from tests.review.test_team_review import AMINA, OMAR, annotation, submitted, task_export

SEED = "000_c4096c0fdb543a3e"
GOLD_FILE = REPO / "annotations" / f"{SEED}.json"


@pytest.fixture
def seed_project(tmp_path: Path) -> Project:
    """A project holding the seed article and its gold layer."""
    return make_seed_project(tmp_path / "project")


def make_seed_project(root: Path) -> Project:
    """A project at `root` holding the seed article and its gold layer."""
    project = empty_project(root)
    for path in (REPO / "seeds").glob(f"{SEED}.*"):
        shutil.copy(path, root / "seeds" / path.name)
    shutil.copy(GOLD_FILE, root / "annotations" / GOLD_FILE.name)
    return project


def gold() -> dict[str, Any]:
    return read_json(GOLD_FILE)


def speaker_chains(layer: dict[str, Any]) -> dict[str, str | None]:
    return {q["id"]: q["speaker"].get("chain") for q in layer["quotes"]}


def without(layer: dict[str, Any], entity_id: str) -> dict[str, Any]:
    """The layer without one entity's provenance (the one a review edits), for comparing the rest."""
    layer = copy.deepcopy(layer)
    for entity in layer["entities"]:
        if entity["id"] == entity_id:
            entity["provenance"] = None
    return layer


def relabelled(layer: dict[str, Any], entity_id: str, label: str) -> dict[str, Any]:
    layer = without(layer, entity_id)
    next(e for e in layer["entities"] if e["id"] == entity_id)["label"] = label
    return layer


def ls_export(project: Project) -> dict[str, Any]:
    assert run_review(project, "export", "--format", "label-studio", "--out", str(project.root / "ls")).returncode == 0
    return read_json(project.root / "ls" / "tasks.json")[0]


def ls_import(project: Project, tmp_path: Path, result: list[dict[str, Any]], task: dict[str, Any], name: str = "export.json"):
    path = tmp_path / name
    path.write_text(json.dumps(task_export(task, [annotation(1, AMINA, result)]), ensure_ascii=False), encoding="utf-8")
    return run_review(project, "import", str(path), "--annotator", "amina")


def labels(result: list[dict[str, Any]], rid: str) -> dict[str, Any]:
    return next(r for r in result if r.get("id") == rid and r["type"] == "labels")


def test_a_label_studio_import_with_an_edit_keeps_every_chain_and_speaker_chain(seed_project, tmp_path: Path) -> None:
    task = ls_export(seed_project)
    result = submitted(task)
    labels(result, "e39")["value"]["labels"] = ["EVENT"]  # الخميس, in no chain
    imported = ls_import(seed_project, tmp_path, result, task)
    assert imported.returncode == 0, imported.stderr
    assert f"{SEED}: 1 edited" in imported.stdout
    layer = read_json(seed_project.annotations / GOLD_FILE.name)
    assert layer["chains"] == gold()["chains"]
    assert speaker_chains(layer) == speaker_chains(gold()) and speaker_chains(layer)["q1"] == "c5"
    assert without(layer, "e39") == relabelled(gold(), "e39", "EVENT")


def test_a_brat_import_with_an_edit_keeps_every_chain_and_speaker_chain(seed_project) -> None:
    out = seed_project.root / "brat"
    assert run_review(seed_project, "export", "--format", "brat", "--out", str(out)).returncode == 0
    ann = out / f"{SEED}.ann"
    e39 = next(e for e in gold()["entities"] if e["id"] == "e39")
    text = ann.read_text(encoding="utf-8").replace(f"\tDATE {e39['start']} {e39['end']}\t", f"\tEVENT {e39['start']} {e39['end']}\t")
    ann.write_text(text, encoding="utf-8")
    imported = run_review(seed_project, "import", str(ann), "--annotator", "layla")
    assert imported.returncode == 0, imported.stderr
    assert f"{SEED}: 1 edited" in imported.stdout
    layer = read_json(seed_project.annotations / GOLD_FILE.name)
    assert layer["chains"] == gold()["chains"]
    assert without(layer, "e39") == relabelled(gold(), "e39", "EVENT")


def disagreements(project: Project, tmp_path: Path, task: dict[str, Any], omar: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Amina accepts the task, Omar submits `omar`: their layers imported, the disagreements curate lists."""
    path = tmp_path / "double.json"
    path.write_text(json.dumps(task_export(task, [annotation(1, AMINA, submitted(task)), annotation(2, OMAR, omar)]), ensure_ascii=False), encoding="utf-8")
    assert run_review(project, "import", str(path)).returncode == 0
    listed = run_review(project, "curate", SEED, "--curator", "lead")
    assert listed.returncode == 0, listed.stderr
    return read_json(project.annotations / "passes" / f"{SEED}.decisions.json")["disagreements"]


def curated_with(project: Project, choices: list[str]) -> dict[str, Any]:
    """The gold layer curate writes with a choice for each disagreement, in their order."""
    decisions_file = project.annotations / "passes" / f"{SEED}.decisions.json"
    decisions = read_json(decisions_file)
    for decision, choice in zip(decisions["disagreements"], choices, strict=True):
        decision["choice"] = choice
    decisions_file.write_text(json.dumps(decisions, ensure_ascii=False), encoding="utf-8")
    curated = run_review(project, "curate", SEED, "--curator", "lead")
    assert curated.returncode == 0, curated.stderr
    return read_json(project.annotations / GOLD_FILE.name)


def assert_gold_chains(layer: dict[str, Any]) -> None:
    """The layer has the seed's gold chains (ids, names, mentions) and speaker chains."""
    assert [(c["id"], c["name"], c["entities"]) for c in layer["chains"]] == [(c["id"], c["name"], c["entities"]) for c in gold()["chains"]]
    assert speaker_chains(layer) == speaker_chains(gold())


def test_curation_keeps_the_chains_both_annotators_agree_on_and_their_speaker_chains(seed_project, tmp_path: Path) -> None:
    task = ls_export(seed_project)
    omar = submitted(task)
    labels(omar, "e39")["value"]["labels"] = ["EVENT"]
    assert [(d["what"], d["text"]) for d in disagreements(seed_project, tmp_path, task, omar)] == [("entity", "الخميس")]
    assert_gold_chains(curated_with(seed_project, ["omar@example.org"]))

def test_a_label_studio_round_trip_of_the_seed_without_edits_is_byte_identical(seed_project, tmp_path: Path) -> None:
    before = tree_digest(seed_project.annotations)
    task = ls_export(seed_project)
    coref = [r for r in task["predictions"][0]["result"] if r["type"] == "relation" and r["labels"] == ["coref"]]
    assert ("e21", "e58") in {(r["from_id"], r["to_id"]) for r in coref}  # the embassy's two mentions
    assert len(coref) == sum(len(c["entities"]) - 1 for c in gold()["chains"]) == 30
    imported = ls_import(seed_project, tmp_path, submitted(task), task)
    assert imported.returncode == 0, imported.stderr
    assert f"{SEED}: no changes" in imported.stdout
    assert tree_digest(seed_project.annotations) == before


def expected_after_chain_edits() -> dict[str, Any]:
    """The seed's gold after the chain edits of the tests below (provenance of what changed left out)."""
    layer = gold()
    chains = {c["id"]: c for c in layer["chains"]}
    chains["c5"]["entities"] = ["e21"]  # e58 taken out: the speaker's mention keeps the chain
    chains["c9"]["entities"] = ["e38", "e50"]  # c11 joined to c9: its speaker's quotes follow
    del chains["c7"], chains["c11"]  # c7's link removed: a chain left without a link disappears
    chains["c13"] = {"id": "c13", "name": "الهيئة التنسيقية للمقاومة الإسلامية في العراق", "entities": ["e13", "e65"], "provenance": None}
    for chain_id in ("c5", "c9"):
        chains[chain_id]["provenance"] = None
    layer["chains"] = list(chains.values())
    for quote in layer["quotes"]:
        if quote["speaker"]["chain"] == "c11":
            quote["speaker"]["chain"] = "c9"
            quote["provenance"] = None
    return layer


def edited(layer: dict[str, Any], changed: set[str], annotator: str) -> dict[str, Any]:
    """The layer with the provenance of the `changed` items left out; each of them is checked to be the reviewer's."""
    layer = copy.deepcopy(layer)
    for kind in ("entities", "quotes", "chains", "stance"):
        for item in layer[kind]:
            if item["id"] in changed:
                assert (item["provenance"]["source"], item["provenance"]["annotator"]) == ("manual", annotator), item
                item["provenance"] = None
    return layer


CHAIN_EDITS = {"c5", "c9", "c13", *(f"q{n}" for n in range(9, 16))}


def test_chains_edited_in_label_studio_come_back_as_exactly_those_changes(seed_project, tmp_path: Path) -> None:
    task = ls_export(seed_project)
    result = [r for r in submitted(task) if r["type"] != "relation" or (r["from_id"], r["to_id"]) not in {("e21", "e58"), ("e24", "e36")}]
    for a, b in (("e13", "e65"), ("e50", "e38")):
        result.append({"from_id": a, "to_id": b, "type": "relation", "direction": "right", "labels": ["coref"]})
    imported = ls_import(seed_project, tmp_path, result, task)
    assert imported.returncode == 0, imported.stderr
    layer = read_json(seed_project.annotations / GOLD_FILE.name)
    assert edited(layer, CHAIN_EDITS, AMINA["email"]) == expected_after_chain_edits()
    log = [json.loads(line) for line in (seed_project.annotations / "review-log.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted((e["id"], e["action"]) for e in log if e["kind"] == "chains") == [
        ("c11", "removed"), ("c13", "added"), ("c5", "edited"), ("c7", "removed"), ("c9", "edited")]


def brat_lines(project: Project) -> tuple[Path, list[str], dict[str, str]]:
    """The exported .ann file, its lines, and the T id of each qawl key."""
    out = project.root / "brat"
    assert run_review(project, "export", "--format", "brat", "--out", str(out)).returncode == 0
    ann = out / f"{SEED}.ann"
    lines = ann.read_text(encoding="utf-8").splitlines()
    tids = {line.split("\t")[2].removeprefix("qawl:"): line.split("\t")[1].split(" ")[1] for line in lines if line.startswith("#")}
    return ann, lines, tids


def test_chains_are_equiv_lines_in_brat_and_edits_of_them_come_back_as_exactly_those_changes(seed_project) -> None:
    before = tree_digest(seed_project.annotations)
    ann, lines, tids = brat_lines(seed_project)
    equiv = [line for line in lines if line.startswith("*\tEquiv ")]
    assert f"*\tEquiv {tids['e21']} {tids['e58']}" in equiv and len(equiv) == 9  # the chains of more than one mention
    assert "Equiv\tArg1:PERSON|NORP|FAC|ORG|GPE|LOC|EVENT|DATE, Arg2:PERSON|NORP|FAC|ORG|GPE|LOC|EVENT|DATE, <REL-TYPE>:symmetric-transitive" in (ann.parent / "annotation.conf").read_text(encoding="utf-8")
    unchanged = run_review(seed_project, "import", str(ann), "--annotator", "amina")
    assert unchanged.returncode == 0 and f"{SEED}: no changes" in unchanged.stdout, unchanged.stderr
    assert tree_digest(seed_project.annotations) == before

    dropped = {f"*\tEquiv {tids['e21']} {tids['e58']}", f"*\tEquiv {tids['e24']} {tids['e36']}"}
    lines = [line for line in lines if line not in dropped] + [f"*\tEquiv {tids['e13']} {tids['e65']}", f"*\tEquiv {tids['e50']} {tids['e38']}"]
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    imported = run_review(seed_project, "import", str(ann), "--annotator", "amina")
    assert imported.returncode == 0, imported.stderr
    assert edited(read_json(seed_project.annotations / GOLD_FILE.name), CHAIN_EDITS, "amina") == expected_after_chain_edits()


def test_the_html_page_gives_each_chain_a_hue_and_names_it_with_its_mentions_on_hover(seed_project) -> None:
    out = seed_project.root / "html"
    assert run_review(seed_project, "export", "--format", "html", "--out", str(out)).returncode == 0
    page = Page()
    page.feed((out / f"{SEED}.html").read_text(encoding="utf-8"))
    marks = {attrs["data-id"]: attrs for tag, attrs in page.tags if tag == "mark"}
    chain_class = {entity_id: next((c for c in attrs["class"].split() if c.startswith("chain-")), None) for entity_id, attrs in marks.items()}
    layer = gold()
    for chain in layer["chains"]:  # one class per chain, shared by its mentions and no other entity
        assert {entity_id for entity_id, c in chain_class.items() if c == chain_class[chain["entities"][0]]} == set(chain["entities"])
    assert chain_class["e39"] is None  # in no chain
    assert len({c for c in chain_class.values() if c}) == 12
    assert "chain c5 السفارة الأميركية: لسفارة الأميركية · السفارة الأميركية" in marks["e58"]["title"]
    style = next(data for data in page.text if ".chain-" in data)
    hues = re.findall(r"\.(chain-\d+) \{ box-shadow: inset 0 -4px 0 hsl\((\d+(?:\.\d+)?) ", style)
    assert len(hues) == 12 and len({hue for _, hue in hues}) == 12  # a hue of its own per chain
    rows = [attrs for tag, attrs in page.tags if tag == "tr" and attrs.get("class", "").startswith("chain")]
    assert [row["data-id"] for row in rows] == [c["id"] for c in layer["chains"]]  # the chains table, one row each


def test_reanchoring_takes_a_mention_that_cannot_be_placed_out_of_its_chain_and_drops_a_chain_left_empty(seed_project, tmp_path: Path) -> None:
    seed = seed_project.seeds / f"{SEED}.txt"
    old = seed.read_text(encoding="utf-8")
    old_file = tmp_path / "old.txt"
    old_file.write_text(old, encoding="utf-8")
    seed.write_text(old.replace("داعش", "التنظيم", 1).replace("الحكومة العراقية", "مجلس الوزراء"), encoding="utf-8")  # c7's e24, both of c4
    ran = run_review(seed_project, "reanchor", SEED, "--old-text", str(old_file), "--write", "--annotator", "lead")
    assert ran.returncode == 0, ran.stderr
    assert "  chain c7: e24 taken out (left out)" in ran.stdout
    assert "  left out chains c4: every mention of it is left out" in ran.stdout
    layer = read_json(seed_project.annotations / GOLD_FILE.name)
    expected = {c["id"]: c["entities"] for c in gold()["chains"] if c["id"] != "c4"} | {"c7": ["e36"]}
    assert {c["id"]: c["entities"] for c in layer["chains"]} == expected
    assert speaker_chains(layer) == speaker_chains(gold())
    log = [json.loads(line) for line in (seed_project.annotations / "review-log.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {(e["id"], e["action"]) for e in log if e["kind"] == "chains"} == {("c7", "reanchored"), ("c4", "left out")}


def test_bad_coreference_links_in_label_studio_are_refused_with_every_problem(seed_project, tmp_path: Path) -> None:
    before = tree_digest(seed_project.annotations)
    task = ls_export(seed_project)
    result = submitted(task)
    result += [
        {"from_id": "e13", "to_id": "q1", "type": "relation", "direction": "right", "labels": ["coref"]},  # a quote is no mention
        {"from_id": "e13", "to_id": "gone", "type": "relation", "direction": "right", "labels": ["coref"]},
        {"from_id": "e7", "to_id": "e6", "type": "relation", "direction": "right", "labels": "coref"},
    ]
    refused = ls_import(seed_project, tmp_path, result, task)
    assert refused.returncode == 1
    path = tmp_path / "export.json"
    assert f"error: {path}: coreference link e13 = q1: a coreference link joins entity mentions, not content q1" in refused.stderr
    assert f"error: {path}: coreference link e13 = gone: refers to region 'gone', which does not exist" in refused.stderr
    assert f"error: {path}: task 0 (id 1) result {len(result) - 1}: a relation's labels are a list of strings, not 'coref'" in refused.stderr
    assert "Traceback" not in refused.stderr and tree_digest(seed_project.annotations) == before

    mixed = submitted(task) + [{"from_id": "e13", "to_id": "e2", "type": "relation", "direction": "right", "labels": ["coref"]}]  # ORG joined to c2's GPEs
    refused = ls_import(seed_project, tmp_path, mixed, task)
    assert refused.returncode == 1
    assert f"error: {path} ({SEED}): /chains/1: the mentions of a chain share one label: e2 is GPE, e13 is ORG" in refused.stderr
    assert tree_digest(seed_project.annotations) == before


def test_bad_equiv_lines_in_brat_are_refused_with_their_line(seed_project) -> None:
    before = tree_digest(seed_project.annotations)
    ann, lines, tids = brat_lines(seed_project)
    lines += [f"*\tEquiv {tids['e13']}", f"*\tEquiv {tids['e13']} T999", f"*\tEquiv {tids['e13']} {tids['q1']}"]
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused = run_review(seed_project, "import", str(ann), "--annotator", "amina")
    assert refused.returncode == 1
    assert f"error: {ann}: line {len(lines) - 2}: not a supported standoff line (T with one span, or a content T with fragments, quote_of or Source R, * Equiv of two or more T," in refused.stderr
    assert f"error: {ann}: coreference link {tids['e13']} = T999: refers to region 'T999', which does not exist" in refused.stderr
    assert f"error: {ann}: coreference link {tids['e13']} = {tids['q1']}: a coreference link joins entity mentions, not content {tids['q1']}" in refused.stderr
    assert tree_digest(seed_project.annotations) == before


def test_annotators_who_disagree_on_a_chain_get_it_as_a_disagreement_and_the_curated_chain_keeps_its_speakers(seed_project, tmp_path: Path) -> None:
    task = ls_export(seed_project)
    omar = [r for r in submitted(task) if r["type"] != "relation" or (r["from_id"], r["to_id"]) != ("e21", "e58")]  # e58 out of c5
    e21 = next(e for e in gold()["entities"] if e["id"] == "e21")
    assert [(d["what"], d["start"], d["text"], d["versions"]) for d in disagreements(seed_project, tmp_path, task, omar)] == [
        ("chain of 1 mention(s), the first", e21["start"], e21["text"], {"amina@example.org": None, "omar@example.org": {"name": "السفارة الأميركية"}}),
        ("chain of 2 mention(s), the first", e21["start"], e21["text"], {"amina@example.org": {"name": "السفارة الأميركية"}, "omar@example.org": None}),
    ]  # omar's c5 (e21 alone) and amina's (e21, e58) are two chains
    assert_gold_chains(curated_with(seed_project, ["none", "amina@example.org"]))


def test_curation_refuses_an_annotator_layer_whose_chain_names_a_mention_it_does_not_have(seed_project, tmp_path: Path) -> None:
    task = ls_export(seed_project)
    omar = submitted(task)
    labels(omar, "e39")["value"]["labels"] = ["EVENT"]
    disagreements(seed_project, tmp_path, task, omar)
    omars_layer = seed_project.annotations / "passes" / SEED / "omar@example.org.json"
    layer = read_json(omars_layer)
    layer["chains"][4]["entities"] = ["e999"]  # c5, by hand
    omars_layer.write_text(json.dumps(layer, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    before = tree_digest(seed_project.annotations)
    refused = run_review(seed_project, "curate", SEED, "--curator", "lead")
    assert refused.returncode == 1
    assert f"error: {omars_layer}: /chains/4/entities/0: refers to entity 'e999', which does not exist" in refused.stderr
    assert tree_digest(seed_project.annotations) == before


def test_a_json_min_export_of_a_layer_with_chains_is_refused_saying_it_drops_them(seed_project, tmp_path: Path) -> None:
    layer = {**gold(), "quotes": [], "stance": []}  # entities and chains only: JSON-MIN takes entities
    (seed_project.annotations / GOLD_FILE.name).write_text(json.dumps(layer, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    task = ls_export(seed_project)
    path = tmp_path / "json-min.json"
    path.write_text(json.dumps([json_min(task, submitted(task), "amina@example.org", 7)], ensure_ascii=False), encoding="utf-8")
    before = tree_digest(seed_project.annotations)
    refused = run_review(seed_project, "import", str(path))
    assert refused.returncode == 1
    assert (f"error: {path}: record 0 (task 1): a JSON-MIN export keeps labelled spans but drops the relations, and the layer this task was "
            "exported with has 9 entity chains of more than one mention (coref relations), which it cannot bring back: "
            "export the project as JSON (Export → JSON) and import that") in refused.stderr
    assert tree_digest(seed_project.annotations) == before


def test_a_speaker_entity_given_in_label_studio_without_coref_links_gets_a_chain_of_its_own(seed_project, tmp_path: Path) -> None:
    """A singleton has no coref link to show it: the speaker named once still gets its chain (GUIDELINES §2.12 rule 6),
    so that `qawl build` takes the layer and `attributions` counts the quote."""
    task = ls_export(seed_project)
    result = submitted(task)
    result.append({"from_id": "e13", "to_id": "q2", "type": "relation", "direction": "right", "labels": []})  # الإدارة الأميركية, in no chain
    imported = ls_import(seed_project, tmp_path, result, task)
    assert imported.returncode == 0, imported.stderr
    layer = read_json(seed_project.annotations / GOLD_FILE.name)
    assert layer["chains"][:12] == gold()["chains"]
    assert [{k: chain[k] for k in ("id", "name", "entities")} for chain in layer["chains"][12:]] == [
        {"id": "c13", "name": "الإدارة الأميركية", "entities": ["e13"]}
    ]
    assert speaker_chains(layer) == {**speaker_chains(gold()), "q2": "c13"}
    built = invoke_qawl("build", cwd=seed_project.root)
    assert built.returncode == 0, built.stderr
    attributions = pq.read_table(seed_project.corpus / "attributions" / "train-00000.parquet").to_pylist()
    assert [(row["chain"], row["name"], row["quote_ids"]) for row in attributions if row["chain"] == "c13"] == [
        ("c13", "الإدارة الأميركية", [f"{SEED}/q2"])
    ]


def test_a_pro_drop_speaker_given_a_mention_in_label_studio_leaves_the_chain_it_continued(seed_project, tmp_path: Path) -> None:
    """q10 made pro-drop (unknown, continuing q9's chain c11); the reviewer marks a speaker mention with no entity:
    the speaker is anonymous now, and an anonymous speaker is nobody's chain."""
    path = seed_project.annotations / GOLD_FILE.name
    layer = gold()
    assert layer["quotes"][9]["id"] == "q10" and layer["quotes"][8]["speaker"]["chain"] == "c11"
    layer["quotes"][9]["speaker"] = {"kind": "unknown", "mention": None, "entity": None, "chain": "c11"}
    path.write_text(json.dumps(layer, ensure_ascii=False, indent=2), encoding="utf-8")
    task = ls_export(seed_project)
    result = submitted(task)
    mention = copy.deepcopy(labels(result, "q9~speaker"))
    result += [{**mention, "id": "new~speaker"}, {"from_id": "new~speaker", "to_id": "q10", "type": "relation", "direction": "right", "labels": []}]
    imported = ls_import(seed_project, tmp_path, result, task)
    assert imported.returncode == 0, imported.stderr
    speaker = read_json(path)["quotes"][9]["speaker"]
    assert (speaker["kind"], speaker["mention"]["text"], speaker["entity"], speaker["chain"]) == ("anonymous", "حيدر اللامي", None, None)
