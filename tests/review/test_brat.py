"""brat standoff: round trips, edits with provenance, bad .ann files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from qawl.review.regions import Vocabulary, from_view, to_view
from qawl.schema import Schemas
from tests.conftest import REPO, tree_digest
from tests.review.conftest import ARTICLE, DOC_ID, read_json, run_review


def test_the_view_gives_back_the_layer_it_was_made_from(gold_layer) -> None:
    vocabulary = Vocabulary.load(Schemas(REPO / "schema"), ["us_coalition_presence_iraq", "us_iraq_strategic_partnership"])
    layer, problems, _ = from_view(to_view(gold_layer), gold_layer, ARTICLE, vocabulary, [], "test")
    assert problems == []
    assert json.dumps(layer, ensure_ascii=False, indent=2) == json.dumps(gold_layer, ensure_ascii=False, indent=2)


@pytest.mark.parametrize("unit", ["codepoints", "utf16"])
def test_round_trip_without_edits_keeps_the_file_byte_identical(review_project, unit: str) -> None:
    project = review_project()
    before = tree_digest(project.annotations)
    out = project.root / "brat"
    assert run_review(project, "export", "--format", "brat", "--out", str(out), "--offsets", unit).returncode == 0
    assert (out / f"{DOC_ID}.txt").read_text(encoding="utf-8") == ARTICLE
    assert {p.name for p in out.iterdir()} == {f"{DOC_ID}.txt", f"{DOC_ID}.ann", f"{DOC_ID}.qawl.json", "annotation.conf", "visual.conf"}
    imported = run_review(project, "import", str(out), "--annotator", "amina")
    assert imported.returncode == 0, imported.stderr
    assert "rev_001: no changes" in imported.stdout
    assert tree_digest(project.annotations) == before


def test_edits_in_the_ann_file_are_recorded(review_project) -> None:
    project = review_project()
    out = project.root / "brat"
    assert run_review(project, "export", "--format", "brat", "--out", str(out)).returncode == 0
    ann = out / f"{DOC_ID}.ann"
    lines = ann.read_text(encoding="utf-8").splitlines()
    lines = [line.replace("\tGPE 19 24\t", "\tLOC 19 24\t") for line in lines]  # e1 relabelled
    lines = [line for line in lines if not line.startswith("A5\t")]  # stance s2 removed
    start = ARTICLE.index("مراقبون")
    lines.append(f"T99\tNORP {start} {start + 7}\tمراقبون")  # added in brat, no qawl note
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    imported = run_review(project, "import", str(ann), "--annotator", "layla")
    assert imported.returncode == 0, imported.stderr
    assert "1 added, 1 edited, 1 removed" in imported.stdout
    layer = read_json(project.annotations / f"{DOC_ID}.json")
    entities = {e["id"]: e for e in layer["entities"]}
    assert entities["e1"]["label"] == "LOC" and entities["e1"]["provenance"]["annotator"] == "layla"
    assert entities["e7"]["text"] == "مراقبون" and entities["e7"]["provenance"]["source"] == "manual"
    assert [s["id"] for s in layer["stance"]] == ["s1", "s3"]
    log = [json.loads(line) for line in (project.annotations / "review-log.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {(e["id"], e["action"], e["tool"]) for e in log} == {("e1", "edited", "brat"), ("e7", "added", "brat"), ("s2", "removed", "brat")}


def test_bad_ann_files_are_refused_with_every_problem(review_project, tmp_path: Path) -> None:
    project = review_project()
    out = project.root / "brat"
    assert run_review(project, "export", "--format", "brat", "--out", str(out)).returncode == 0
    ann = out / f"{DOC_ID}.ann"
    text = ann.read_text(encoding="utf-8")
    text = text.replace("T1\tGPE 19 24\tبغداد", "T1\tGPE 19 24\tالبصرة")  # text not at its offsets
    text = text.replace("T2\tPERSON", "T2\tPOLITICIAN")  # unknown label
    text += "R99\tquote_of Arg1:T8 Arg2:T404\n"  # relation to a missing span
    text += f"T98\tDATE {len(ARTICLE) + 2} {len(ARTICLE) + 6}\tأمس\n"  # past the end
    ann.write_text(text, encoding="utf-8")
    before = tree_digest(project.annotations)
    refused = run_review(project, "import", str(ann), "--annotator", "layla")
    assert refused.returncode == 1
    assert "'البصرة' is not the text at its offsets" in refused.stderr
    assert "refers to region 'T404', which does not exist" in refused.stderr
    assert "outside the text" in refused.stderr
    assert tree_digest(project.annotations) == before


def test_an_export_made_against_another_text_is_refused(review_project) -> None:
    project = review_project()
    out = project.root / "brat"
    assert run_review(project, "export", "--format", "brat", "--out", str(out)).returncode == 0
    seed = project.seeds / f"{DOC_ID}.txt"
    seed.write_bytes(seed.read_bytes().replace("يومين".encode(), "ثلاثة أيام".encode()))
    refused = run_review(project, "import", str(out), "--annotator", "layla")
    assert refused.returncode == 1
    assert "exported against a different text" in refused.stderr and "re-export" in refused.stderr


def test_a_brat_document_whose_files_cannot_be_read_safely_is_refused_by_name(review_project) -> None:
    project = review_project()
    out = project.root / "brat"
    assert run_review(project, "export", "--format", "brat", "--out", str(out)).returncode == 0
    meta, txt = out / f"{DOC_ID}.qawl.json", out / f"{DOC_ID}.txt"
    meta.write_text(meta.read_text(encoding="utf-8")[:-2] + ', "base_kind": "gold"}\n', encoding="utf-8")
    txt.unlink()
    os.mkfifo(txt)  # waited forever in read_text
    before = tree_digest(project.annotations)
    refused = run_review(project, "import", str(out / f"{DOC_ID}.ann"), "--annotator", "layla")
    assert refused.returncode == 1
    assert f"error: {meta}: /: key 'base_kind' appears more than once" in refused.stderr
    assert f"error: {txt}: not a regular file (a FIFO)" in refused.stderr
    assert tree_digest(project.annotations) == before


def test_visual_conf_names_each_stance_target_in_arabic_and_shows_it_with_the_value(review_project) -> None:
    project = review_project()
    out = project.root / "brat"
    assert run_review(project, "export", "--format", "brat", "--out", str(out)).returncode == 0
    visual = (out / "visual.conf").read_text(encoding="utf-8")
    labels = visual.split("[labels]\n", 1)[1].split("\n[", 1)[0]
    drawing = visual.split("[drawing]\n", 1)[1]
    targets = read_json(REPO / "annotations" / "targets.json")["targets"]
    for target in targets:
        name, glyph_name = target["name_ar"], target["name_ar"].replace(" ", "_")
        assert f"Stance_{target['id']} | {name}\n" in labels
        # brat reads a drawing argument as key:value without whitespace, one glyph per value in annotation.conf's order
        line = next(line for line in drawing.splitlines() if line.startswith(f"Stance_{target['id']}\t"))
        assert line == f"Stance_{target['id']}\tglyph:" + "|".join(f"[{glyph_name}:{label}]" for label in ("FAVOR", "AGAINST", "NONE"))
