"""Quotations over several sentences, discontinuous quotations (`parts`) and nested ones (`source`) through review:
brat and Label Studio exports read back by their importers, and the reviewed layer they give (issue #26 items 3, 4)."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from qawl.ingest import Document
from qawl.project import Project
from qawl.publish import write_json
from qawl.review import brat, label_studio
from qawl.review.changes import Review, diff
from qawl.review.regions import LABEL_COLORS, Vocabulary, from_view
from qawl.review.store import encode_layer
from qawl.schema import Problem, Schemas
from tests.conftest import REPO, tree_digest
from tests.review.conftest import empty_project, run_review, span
from tests.review.test_team_review import AMINA, annotation, submitted, task_export

DOC_ID = "xq_001"
TARGET = "us_coalition_presence_iraq"
# A direct quotation over three sentences (each in its own marks, no cue between them); one interrupted by the author's frame (the cue أضاف in the gap);
# an indirect quotation that reports another (the ambassador's words inside the spokesman's).
ARTICLE = (
    "قال وزير الخارجية فؤاد حسين: «الحكومة ماضية في الإصلاح». «لن نتراجع عن القرار». «الشعب يستحق الأفضل».\n"
    "«المفاوضات صعبة»، وأضاف حسين، «لكننا نقترب من اتفاق».\n"
    "وقال المتحدث إن السفير أبلغه أن الاتفاق سيوقع قريبا.\n"
)
GOLD = {"source": "manual", "status": "gold", "annotator": "t1", "time": "2026-01-15T10:30:00Z"}
SHA = hashlib.sha256(ARTICLE.encode()).hexdigest()


def quote(quote_id: str, kind: str, content: dict[str, Any], cue: dict[str, Any], speaker: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"id": quote_id, "type": kind, "content": content, **more, "cue": cue, "speaker": speaker, "outlet": None, "provenance": dict(GOLD)}


def xquote_layer() -> dict[str, Any]:
    """The layer: q1 over three sentences, q2 in two parts with its cue and speaker in the gap, q4 nested in q3."""
    t = ARTICLE
    first, second = span(t, "المفاوضات صعبة"), span(t, "لكننا نقترب من اتفاق")
    return {
        "schema_version": "2.0.0",
        "doc_id": DOC_ID,
        "sha256": SHA,
        "entities": [
            {"id": "e1", **span(t, "فؤاد حسين"), "label": "PERSON", "provenance": dict(GOLD)},
            {"id": "e2", **span(t, "حسين", 2), "label": "PERSON", "provenance": dict(GOLD)},
        ],
        "quotes": [
            quote("q1", "direct", span(t, "الحكومة ماضية في الإصلاح». «لن نتراجع عن القرار». «الشعب يستحق الأفضل"), span(t, "قال"),
                  {"kind": "named", "mention": span(t, "فؤاد حسين"), "entity": "e1"}),
            quote("q2", "direct", {"start": first["start"], "end": second["end"], "text": t[first["start"] : second["end"]]}, span(t, "أضاف"),
                  {"kind": "named", "mention": span(t, "حسين", 2), "entity": "e2"}, parts=[first, second]),
            quote("q3", "indirect", span(t, "السفير أبلغه أن الاتفاق سيوقع قريبا"), span(t, "قال", 2),
                  {"kind": "anonymous", "mention": span(t, "المتحدث"), "entity": None}),
            quote("q4", "indirect", span(t, "الاتفاق سيوقع قريبا"), span(t, "أبلغه"),
                  {"kind": "anonymous", "mention": span(t, "السفير"), "entity": None}, source="q3"),
        ],
        "stance": [
            {
                "id": "s1",
                "target": TARGET,
                "label": "FAVOR",
                "holder": {"kind": "speaker", "quote": "q2"},
                "evidence": {"quote": "q2", "span": None},
                "provenance": dict(GOLD),
            }
        ],
    }


def vocabulary() -> Vocabulary:
    return Vocabulary.load(Schemas(REPO / "schema"), [TARGET])


def document() -> Document:
    return Document(DOC_ID, ARTICLE, SHA, f"seeds/{DOC_ID}.txt")


def reviewed(review: Review) -> tuple[dict[str, Any], list[Problem]]:
    """The layer a review shows (what `qawl review import` merges), and the problems with it."""
    layer, problems, _ = from_view(review.view, review.base, review.text, vocabulary(), [], review.file)
    return layer, problems


def brat_export(tmp_path: Path, layer: dict[str, Any]) -> Path:
    brat.export_documents([(document(), "gold", layer)], vocabulary(), tmp_path, "codepoints")
    return tmp_path / f"{DOC_ID}.ann"


def brat_review(ann: Path) -> tuple[dict[str, Any], list[Problem]]:
    reviews, problems = brat.read_document(ann)
    assert len(reviews) == 1, problems
    layer, view_problems = reviewed(reviews[0])
    return layer, problems + view_problems


def ls_export(tmp_path: Path, layer: dict[str, Any]) -> dict[str, Any]:
    label_studio.export_tasks([(document(), "gold", layer)], vocabulary(), tmp_path, "codepoints")
    return json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))[0]


def ls_review(tmp_path: Path, task: dict[str, Any], result: list[dict[str, Any]]) -> tuple[dict[str, Any], list[Problem], Path]:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(task_export(task, [annotation(1, AMINA, result)]), ensure_ascii=False), encoding="utf-8")
    reviews, problems, _ = label_studio.read_export(path)
    assert len(reviews) == 1, problems
    layer, view_problems = reviewed(reviews[0])
    return layer, problems + view_problems, path


def t_lines(ann: str) -> dict[str, str]:
    """Each T line's qawl key → its T id."""
    return {line.split("\t")[2].removeprefix("qawl:"): line.split("\t")[1].split(" ")[1] for line in ann.splitlines() if line.startswith("#")}


# -- export then import without edits: the same layer, byte for byte ------------------------------------------


def test_brat_writes_a_discontinuous_quote_as_one_t_line_of_fragments_and_nesting_as_a_source_relation(tmp_path: Path) -> None:
    layer = xquote_layer()
    ann = brat_export(tmp_path, layer).read_text(encoding="utf-8")
    tids = t_lines(ann)
    first, second = layer["quotes"][1]["parts"]
    assert f"{tids['q2']}\tcontent {first['start']} {first['end']};{second['start']} {second['end']}\tالمفاوضات صعبة لكننا نقترب من اتفاق\n" in ann
    q1 = layer["quotes"][0]["content"]
    assert f"{tids['q1']}\tcontent {q1['start']} {q1['end']}\t{q1['text']}\n" in ann  # over three sentences: one span
    assert f"\tSource Arg1:{tids['q4']} Arg2:{tids['q3']}\n" in ann
    assert "q2~part2" not in ann  # the second part is a fragment, not a T line of its own
    assert "\nSource\tArg1:content, Arg2:content\n" in (tmp_path / "annotation.conf").read_text(encoding="utf-8")


def test_brat_draws_nesting_as_a_dashed_arc_of_its_own_colour_labelled_reported_by(tmp_path: Path) -> None:
    brat_export(tmp_path, xquote_layer())
    visual = (tmp_path / "visual.conf").read_text(encoding="utf-8")
    labels, drawing = visual.split("[labels]\n", 1)[1].split("\n[drawing]\n", 1)
    assert "Source | reported by\n" in labels  # the arc's label, as the HTML page's "reported by q3"
    assert "Source\tcolor:#7b2cbf, dashArray:3-3, arrowHead:triangle-5\n" in drawing
    assert "#7b2cbf" not in LABEL_COLORS.values()  # not the colour of any span


def test_a_brat_round_trip_without_edits_gives_back_the_layer_byte_for_byte(tmp_path: Path) -> None:
    layer, problems = brat_review(brat_export(tmp_path, xquote_layer()))
    assert problems == []
    assert encode_layer(layer) == encode_layer(xquote_layer())


def test_label_studio_gets_each_part_as_a_region_joined_by_part_relations_and_a_source_relation(tmp_path: Path) -> None:
    results = ls_export(tmp_path, xquote_layer())["predictions"][0]["result"]
    relations = {(r["from_id"], r["to_id"], tuple(r["labels"])) for r in results if r["type"] == "relation"}
    assert ("q2", "q2~part2", ("part",)) in relations
    assert ("q4", "q3", ("source",)) in relations
    part2 = next(r for r in results if r.get("id") == "q2~part2")
    assert (part2["from_name"], part2["value"]["text"], part2["value"]["labels"]) == ("quote", "لكننا نقترب من اتفاق", ["content"])
    config = (tmp_path / "config.xml").read_text(encoding="utf-8")
    assert '<Relation value="part" />' in config and '<Relation value="source" />' in config


def test_a_label_studio_round_trip_without_edits_gives_back_the_layer_byte_for_byte(tmp_path: Path) -> None:
    task = ls_export(tmp_path, xquote_layer())
    layer, problems, _ = ls_review(tmp_path, task, submitted(task))
    assert problems == []
    assert encode_layer(layer) == encode_layer(xquote_layer())


def test_a_layer_without_parts_or_source_keys_keeps_them_absent_and_one_with_nulls_keeps_the_nulls(tmp_path: Path) -> None:
    base = xquote_layer()
    q1 = base["quotes"][0]
    base["quotes"][0] = quote(q1["id"], q1["type"], q1["content"], q1["cue"], q1["speaker"], parts=None, source=None)
    task = ls_export(tmp_path, base)
    layer, problems, _ = ls_review(tmp_path, task, submitted(task))
    assert problems == []
    assert encode_layer(layer) == encode_layer(base)
    assert "parts" not in layer["quotes"][2] and "source" not in layer["quotes"][2]


# -- one edit: exactly that change ------------------------------------------------------------------------------


def moved_second_part() -> dict[str, Any]:
    """The second part of q2 without its first word (لكننا): what the edits below make."""
    moved = span(ARTICLE, "نقترب من اتفاق")
    changed = copy.deepcopy(xquote_layer()["quotes"][1])
    changed["parts"][1] = moved
    changed["content"] = {"start": changed["content"]["start"], "end": moved["end"], "text": ARTICLE[changed["content"]["start"] : moved["end"]]}
    return changed


def only_change(layer: dict[str, Any]) -> dict[str, Any]:
    changes = diff(xquote_layer(), layer, "amina", "2026-12-03T05:00:00Z", {})
    assert [(c.kind, c.id, c.action) for c in changes] == [("quotes", "q2", "edited")]
    return changes[0].after


def test_a_part_moved_in_brat_gives_back_exactly_that_change(tmp_path: Path) -> None:
    ann = brat_export(tmp_path, xquote_layer())
    old, new = span(ARTICLE, "لكننا نقترب من اتفاق"), span(ARTICLE, "نقترب من اتفاق")
    text = ann.read_text(encoding="utf-8")
    assert text.count(f";{old['start']} {old['end']}\t") == 1
    ann.write_text(text.replace(f";{old['start']} {old['end']}\t", f";{new['start']} {new['end']}\t").replace("المفاوضات صعبة لكننا", "المفاوضات صعبة"), encoding="utf-8")
    layer, problems = brat_review(ann)
    assert problems == []
    after = only_change(layer)
    assert {k: v for k, v in after.items() if k != "provenance"} == {k: v for k, v in moved_second_part().items() if k != "provenance"}
    assert after["provenance"]["source"] == "manual"


def test_a_part_moved_in_label_studio_gives_back_exactly_that_change(tmp_path: Path) -> None:
    task = ls_export(tmp_path, xquote_layer())
    result = submitted(task)
    new = span(ARTICLE, "نقترب من اتفاق")
    part2 = next(r for r in result if r.get("id") == "q2~part2" and r["type"] == "labels")
    part2["value"].update(start=new["start"], end=new["end"], text=new["text"])
    part2["origin"] = "prediction-changed"
    layer, problems, _ = ls_review(tmp_path, task, result)
    assert problems == []
    after = only_change(layer)
    assert {k: v for k, v in after.items() if k != "provenance"} == {k: v for k, v in moved_second_part().items() if k != "provenance"}


def test_joining_two_regions_with_a_part_relation_in_label_studio_makes_one_discontinuous_quote(tmp_path: Path) -> None:
    """A reviewer draws the second part of a quote that was exported as one span: the quote keeps its id and
    gains `parts`; the content runs from the first part to the last."""
    base = xquote_layer()
    q2 = base["quotes"][1]
    q2["content"] = q2["parts"][0]
    del q2["parts"]
    task = ls_export(tmp_path, base)
    result = submitted(task)
    second = span(ARTICLE, "لكننا نقترب من اتفاق")
    result.append({"id": "new1", "from_name": "quote", "to_name": "text", "type": "labels", "origin": "manual", "value": {**second, "labels": ["content"]}})
    result.append({"from_id": "q2", "to_id": "new1", "type": "relation", "direction": "right", "labels": ["part"]})
    layer, problems, _ = ls_review(tmp_path, task, result)
    assert problems == []
    assert layer["quotes"][1] == {**xquote_layer()["quotes"][1], "provenance": GOLD}
    assert [q["id"] for q in layer["quotes"]] == ["q1", "q2", "q3", "q4"]


# -- malformed input: every problem, where it is ------------------------------------------------------------------


def test_a_part_relation_between_quotes_of_different_speakers_and_a_source_relation_to_an_entity_are_refused(tmp_path: Path) -> None:
    task = ls_export(tmp_path, xquote_layer())
    result = submitted(task)
    result.append({"from_id": "q1", "to_id": "q3", "type": "relation", "direction": "right", "labels": ["part"]})
    result.append({"from_id": "q4", "to_id": "e2", "type": "relation", "direction": "right", "labels": ["source"]})
    _, problems, path = ls_review(tmp_path, task, result)
    joined = "; its parts are joined by part links, so they share one {}"
    assert problems == [
        Problem(str(path), "source link q4 → e2", "a source link goes from a quote content to the content of the quote that reports it, not from or to PERSON e2"),
        Problem(str(path), "regions q1 + q3", "quote has 2 cue links (q1~cue, q3~cue); at most one" + joined.format("cue")),
        Problem(str(path), "regions q1 + q3", "quote has 2 speaker links (q1~speaker, q3~speaker); at most one" + joined.format("speaker")),
        Problem(str(path), "regions q1 + q3", "the parts of one quote have different quote types (direct, indirect); choose one"),
    ]


def test_brat_fragments_out_of_order_and_a_source_relation_to_a_non_quote_are_both_refused(tmp_path: Path) -> None:
    ann = brat_export(tmp_path, xquote_layer())
    text = ann.read_text(encoding="utf-8")
    tids = t_lines(text)
    first, second = xquote_layer()["quotes"][1]["parts"]
    fragments = f"{first['start']} {first['end']};{second['start']} {second['end']}"
    swapped = f"{second['start']} {second['end']};{first['start']} {first['end']}"
    text = text.replace(fragments, swapped).replace("المفاوضات صعبة لكننا نقترب من اتفاق", "لكننا نقترب من اتفاق المفاوضات صعبة").replace(f"Source Arg1:{tids['q4']} Arg2:{tids['q3']}", f"Source Arg1:{tids['q4']} Arg2:{tids['e1']}")
    ann.write_text(text, encoding="utf-8")
    line = next(n for n, line in enumerate(text.splitlines(), 1) if swapped in line)
    _, problems = brat_review(ann)
    assert problems == [
        Problem(str(ann), f"line {line}", f"{tids['q2']}: fragments {swapped!r} are not in text order; list them from the first to the last"),
        Problem(str(ann), f"source link {tids['q4']} → {tids['e1']}", f"a source link goes from a quote content to the content of the quote that reports it, not from or to PERSON {tids['e1']}"),
    ]


@pytest.mark.parametrize("label", ["cue", "PERSON"])
def test_brat_fragments_on_anything_but_a_quote_content_are_refused(tmp_path: Path, label: str) -> None:
    ann = brat_export(tmp_path, xquote_layer())
    first, second = xquote_layer()["quotes"][1]["parts"]
    fragments = f"{first['start']} {first['end']};{second['start']} {second['end']}"
    text = ann.read_text(encoding="utf-8").replace(f"content {fragments}", f"{label} {fragments}")
    ann.write_text(text, encoding="utf-8")
    line = next(n for n, line in enumerate(text.splitlines(), 1) if fragments in line)
    _, problems = brat_review(ann)
    tid = t_lines(text)["q2"]
    assert Problem(str(ann), f"line {line}", f"{tid}: only a quote content may have several fragments (a discontinuous quote), not {label}") in problems


def test_touching_parts_and_a_quote_its_own_source_are_refused_in_label_studio(tmp_path: Path) -> None:
    task = ls_export(tmp_path, xquote_layer())
    result = submitted(task)
    first = next(r for r in result if r.get("id") == "q2" and r["type"] == "labels")["value"]
    part2 = next(r for r in result if r.get("id") == "q2~part2" and r["type"] == "labels")
    part2["value"].update(start=first["end"], text=ARTICLE[first["end"] : part2["value"]["end"]])
    result.append({"from_id": "q2~part2", "to_id": "q2", "type": "relation", "direction": "right", "labels": ["source"]})
    _, problems, path = ls_review(tmp_path, task, result)
    assert problems == [
        Problem(str(path), "part link q2 + q2~part2", f"the parts [{first['start']}, {first['end']}) and [{first['end']}, {part2['value']['end']}) of one quote touch (join them into one region): the author's words separate the parts of a discontinuous quote"),
        Problem(str(path), "source link q2~part2 → q2", "a quote is not its own source"),
    ]


def test_json_min_refuses_a_task_whose_layer_has_discontinuous_or_nested_quotes(tmp_path: Path) -> None:
    task = ls_export(tmp_path, xquote_layer())
    record = {**task["data"], "id": 1, "annotator": AMINA["email"], "annotation_id": 1, "entity": []}
    path = tmp_path / "min.json"
    path.write_text(json.dumps([record], ensure_ascii=False), encoding="utf-8")
    reviews, problems, _ = label_studio.read_export(path)
    assert reviews == []
    assert [p.message for p in problems] == [
        "a JSON-MIN export keeps labelled spans but drops the relations, and the layer this task was exported with has 1 discontinuous quotes (part relations) "
        "and 1 nested quotes (source relations), which it cannot bring back: export the project as JSON (Export → JSON) and import that"
    ]


# -- through `qawl review export|import` on a project: the schema and the merge checks of the imported layer ------


@pytest.fixture
def xquote_project(tmp_path: Path) -> Project:
    return make_xquote_project(tmp_path / "project")


def make_xquote_project(root: Path) -> Project:
    """A project at `root` holding the article and its gold layer."""
    project = empty_project(root)
    (project.seeds / f"{DOC_ID}.txt").write_bytes(ARTICLE.encode())
    write_json(project.annotations / f"{DOC_ID}.json", xquote_layer())
    return project


def test_brat_and_label_studio_imports_without_edits_leave_the_gold_file_byte_for_byte(xquote_project: Project, tmp_path: Path) -> None:
    gold_file = xquote_project.annotations / f"{DOC_ID}.json"
    before = gold_file.read_bytes()
    out = tmp_path / "brat"
    assert run_review(xquote_project, "export", "--format", "brat", "--out", str(out), DOC_ID).returncode == 0
    imported = run_review(xquote_project, "import", str(out / f"{DOC_ID}.ann"), "--annotator", "layla")
    assert imported.returncode == 0, imported.stderr
    assert f"{DOC_ID}: no changes" in imported.stdout
    assert run_review(xquote_project, "export", "--format", "label-studio", "--out", str(tmp_path / "ls"), DOC_ID).returncode == 0
    task = json.loads((tmp_path / "ls" / "tasks.json").read_text(encoding="utf-8"))[0]
    path = tmp_path / "ls-export.json"
    path.write_text(json.dumps(task_export(task, [annotation(1, AMINA, submitted(task))]), ensure_ascii=False), encoding="utf-8")
    imported = run_review(xquote_project, "import", str(path), "--annotator", "amina")
    assert imported.returncode == 0, imported.stderr
    assert gold_file.read_bytes() == before


def test_a_part_moved_in_brat_is_imported_as_that_one_edit(xquote_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "brat"
    assert run_review(xquote_project, "export", "--format", "brat", "--out", str(out), DOC_ID).returncode == 0
    ann = out / f"{DOC_ID}.ann"
    old, new = span(ARTICLE, "لكننا نقترب من اتفاق"), span(ARTICLE, "نقترب من اتفاق")
    text = ann.read_text(encoding="utf-8").replace(f";{old['start']} {old['end']}\t", f";{new['start']} {new['end']}\t").replace("صعبة لكننا", "صعبة")
    ann.write_text(text, encoding="utf-8")
    imported = run_review(xquote_project, "import", str(ann), "--annotator", "layla")
    assert imported.returncode == 0, imported.stderr
    assert f"{DOC_ID}: 1 edited" in imported.stdout
    layer = json.loads((xquote_project.annotations / f"{DOC_ID}.json").read_text(encoding="utf-8"))
    expected = xquote_layer()
    expected["quotes"][1] = {**moved_second_part(), "provenance": layer["quotes"][1]["provenance"]}
    assert layer == expected and layer["quotes"][1]["provenance"]["annotator"] == "layla"


def test_malformed_part_and_source_links_are_refused_on_stderr_each_with_its_file_and_place(xquote_project: Project, tmp_path: Path) -> None:
    out = tmp_path / "brat"
    assert run_review(xquote_project, "export", "--format", "brat", "--out", str(out), DOC_ID).returncode == 0
    ann = out / f"{DOC_ID}.ann"
    text = ann.read_text(encoding="utf-8")
    tids = t_lines(text)
    first, second = xquote_layer()["quotes"][1]["parts"]
    swapped = f"{second['start']} {second['end']};{first['start']} {first['end']}"
    text = text.replace(f"{first['start']} {first['end']};{second['start']} {second['end']}\tالمفاوضات صعبة لكننا نقترب من اتفاق", f"{swapped}\tلكننا نقترب من اتفاق المفاوضات صعبة")
    text = text.replace(f"Source Arg1:{tids['q4']} Arg2:{tids['q3']}", f"Source Arg1:{tids['q4']} Arg2:{tids['e1']}")
    ann.write_text(text, encoding="utf-8")
    before = tree_digest(xquote_project.annotations)
    refused = run_review(xquote_project, "import", str(ann), "--annotator", "layla")
    line = next(n for n, line in enumerate(text.splitlines(), 1) if swapped in line)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr == (
        f"error: {ann}: line {line}: {tids['q2']}: fragments {swapped!r} are not in text order; list them from the first to the last\n"
        f"error: {ann}: source link {tids['q4']} → {tids['e1']}: a source link goes from a quote content to the content of the quote that reports it, not from or to PERSON {tids['e1']}\n"
        "import refused, annotations/ left unchanged: 2 problem(s)\n"
    )
    assert tree_digest(xquote_project.annotations) == before


def test_a_source_link_from_the_outer_quote_to_the_inner_one_is_refused_by_the_merge_checks(xquote_project: Project, tmp_path: Path) -> None:
    """Drawn the wrong way round, a source link says the outer quote is reported inside the inner one: the layer's
    checks refuse it (its content is not inside its source's), pointing at the review file and the quote."""
    assert run_review(xquote_project, "export", "--format", "label-studio", "--out", str(tmp_path / "ls"), DOC_ID).returncode == 0
    task = json.loads((tmp_path / "ls" / "tasks.json").read_text(encoding="utf-8"))[0]
    result = submitted(task)
    link = next(r for r in result if r["type"] == "relation" and r["labels"] == ["source"])
    link["from_id"], link["to_id"] = link["to_id"], link["from_id"]
    path = tmp_path / "ls-export.json"
    path.write_text(json.dumps(task_export(task, [annotation(1, AMINA, result)]), ensure_ascii=False), encoding="utf-8")
    refused = run_review(xquote_project, "import", str(path), "--annotator", "amina")
    assert refused.returncode == 1
    assert f"error: {path} ({DOC_ID}): /quotes/2/source: the content [" in refused.stderr
    assert "is not inside the content of its source q4" in refused.stderr


def test_a_stance_chosen_on_a_later_part_is_the_quote_s_and_two_different_ones_are_refused(tmp_path: Path) -> None:
    task = ls_export(tmp_path, xquote_layer())
    result = submitted(task)
    part2 = next(r for r in result if r.get("id") == "q2~part2" and r["type"] == "labels")
    result.append({**part2, "from_name": f"stance_{TARGET}", "type": "choices", "value": {**part2["value"], "labels": None, "choices": ["FAVOR"]}})
    result[-1]["value"].pop("labels")
    layer, problems, _ = ls_review(tmp_path, task, result)
    assert problems == [] and encode_layer(layer) == encode_layer(xquote_layer())  # the same stance, on the quote
    result[-1]["value"]["choices"] = ["AGAINST"]
    _, problems, path = ls_review(tmp_path, task, result)
    assert problems == [Problem(str(path), f"region q2~part2 stance on {TARGET}", f"the parts of one quote have different stances on {TARGET}; choose one, on its first part q2")]
