"""brat export and import, pinned where mutation testing (scripts/mutation.py review/brat) found the tests blind:
the conf files line by line, the numbering of the .ann lines, lines read strictly, every problem with its file
and line, the export's directory and files under any locale."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qawl.ingest import Document
from qawl.review import brat
from qawl.review.regions import LABEL_COLORS, Vocabulary
from qawl.schema import Schemas
from tests.conftest import REPO, tree_digest
from tests.review.conftest import ARTICLE, DOC_ID, GOLD, article_layer, read_json, run_review, span

SUPPORTED = "not a supported standoff line (T with one span, or a content T with fragments, quote_of or Source R, * Equiv of two or more T, QuoteType/Stance_<target> A, AnnotatorNotes)"
STANCE_LABELS = ("FAVOR", "AGAINST", "NONE")


def export(project, *options: str) -> Path:
    out = project.root / "brat"
    exported = run_review(project, "export", "--format", "brat", "--out", str(out), *options)
    assert exported.returncode == 0, exported.stderr
    return out


def import_refused(project, ann: Path) -> str:
    """stderr of an import of `ann` that must be refused without touching annotations/."""
    before = tree_digest(project.annotations)
    refused = run_review(project, "import", str(ann), "--annotator", "layla")
    assert refused.returncode == 1
    assert tree_digest(project.annotations) == before
    return refused.stderr


def targets() -> list[dict[str, str]]:
    return sorted(read_json(REPO / "annotations" / "targets.json")["targets"], key=lambda target: target["id"])


def test_annotation_conf_declares_the_labels_the_relation_and_each_attribute(review_project) -> None:
    conf = (export(review_project()) / "annotation.conf").read_text(encoding="utf-8")
    entities = ["PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "EVENT", "DATE"]
    stance_lines = "".join(f"Stance_{t['id']}\tArg:content|evidence, Value:FAVOR|AGAINST|NONE\n" for t in targets())
    assert conf == (
        "[entities]\n" + "\n".join([*entities, "content", "cue", "speaker", "outlet", "evidence"]) + "\n\n"
        "[relations]\nquote_of\tArg1:" + "|".join(["cue", "speaker", "outlet", *entities]) + ", Arg2:content\n"
        "Source\tArg1:content, Arg2:content\n"
        "Equiv\tArg1:" + "|".join(entities) + ", Arg2:" + "|".join(entities) + ", <REL-TYPE>:symmetric-transitive\n"
        "<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>\n\n"
        "[events]\n\n"
        "[attributes]\nQuoteType\tArg:content, Value:direct|indirect|mixed\n" + stance_lines
    )


def test_visual_conf_is_one_label_per_target_then_one_colour_per_label_then_the_glyphs(review_project) -> None:
    visual = (export(review_project()) / "visual.conf").read_text(encoding="utf-8")
    labels = [f"Stance_{t['id']} | {t['name_ar']}" for t in targets()]
    colours = [f"{label}\tbgColor:{colour}" for label, colour in LABEL_COLORS.items()]
    glyphs = [
        f"Stance_{t['id']}\tglyph:" + "|".join(f"[{t['name_ar'].replace(' ', '_')}:{label}]" for label in STANCE_LABELS)
        for t in targets()
    ]
    source = ["Source | reported by"], ["Source\tcolor:#7b2cbf, dashArray:3-3, arrowHead:triangle-5"]
    assert visual.splitlines() == ["[labels]", *labels, *source[0], "", "[drawing]", *colours, *source[1], *glyphs]


def test_relations_attributes_and_notes_are_numbered_from_one(review_project) -> None:
    ann = export(review_project()) / f"{DOC_ID}.ann"
    lines = ann.read_text(encoding="utf-8").splitlines()
    idents = [line.split("\t")[0] for line in lines]
    assert idents == [f"T{n}" for n in range(1, 19)] + [f"R{n}" for n in range(1, 10)] + [f"A{n}" for n in range(1, 7)] + [f"#{n}" for n in range(1, 19)]
    assert "R1\tquote_of Arg1:T8 Arg2:T7" in lines  # q1's cue → q1's content
    assert "#1\tAnnotatorNotes T1\tqawl:e1" in lines
    assert "#18\tAnnotatorNotes T18\tqawl:s3" in lines


def test_a_span_across_a_line_break_is_exported_on_one_line_and_imported_unchanged(review_project) -> None:
    project = review_project()
    layer = article_layer(GOLD)
    layer["quotes"][0]["cue"] = span(ARTICLE, "🇮🇶\nقال")  # the heading has no full stop: one sentence with the line after it
    (project.annotations / f"{DOC_ID}.json").write_text(json.dumps(layer, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    before = tree_digest(project.annotations)
    ann = export(project) / f"{DOC_ID}.ann"
    assert "T8\tcue 25 31\t🇮🇶 قال" in ann.read_text(encoding="utf-8").splitlines()
    imported = run_review(project, "import", str(ann), "--annotator", "amina")
    assert imported.returncode == 0, imported.stderr
    assert f"{DOC_ID}: no changes" in imported.stdout
    assert tree_digest(project.annotations) == before


def test_a_blank_line_inside_the_ann_file_is_skipped_and_the_lines_after_it_read(review_project) -> None:
    project = review_project()
    ann = export(project) / f"{DOC_ID}.ann"
    lines = ann.read_text(encoding="utf-8").splitlines()
    lines.insert(1, "")
    lines = [line.replace("\tORG 59 72\t", "\tGPE 59 72\t") for line in lines]  # e3, after the blank line, relabelled
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    imported = run_review(project, "import", str(ann), "--annotator", "layla")
    assert imported.returncode == 0, imported.stderr
    assert f"{DOC_ID}: 1 edited\n" in imported.stdout
    entities = {e["id"]: e["label"] for e in read_json(project.annotations / f"{DOC_ID}.json")["entities"]}
    assert entities == {"e1": "GPE", "e2": "PERSON", "e3": "GPE", "e4": "GPE", "e5": "GPE", "e6": "GPE"}


@pytest.mark.parametrize(
    "line",
    [
        "X1\tStance_us_coalition_presence_iraq T7 FAVOR",  # a stance attribute on a line that is not an A line
        "#19\tAnnotatorNotes T1",  # a note without its text
        "#19 AnnotatorNotes T1 qawl:e1",  # a note written with spaces for tabs
        "T19 GPE 19 24 بغداد",  # a T line written with spaces for tabs
        "A7\tQuoteType T7  mixed",  # two spaces: qawl does not guess which word is the value
    ],
    ids=["stance-not-on-A", "note-without-text", "note-without-tabs", "T-without-tabs", "double-space"],
)
def test_a_line_qawl_would_have_to_guess_at_is_refused_with_its_line_number(review_project, line: str) -> None:
    project = review_project()
    ann = export(project) / f"{DOC_ID}.ann"
    lines = ann.read_text(encoding="utf-8").splitlines() + [line]
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stderr = import_refused(project, ann)
    assert f"error: {ann}: line {len(lines)}: {SUPPORTED}: {line!r}\n" in stderr
    assert "import refused, annotations/ left unchanged: 1 problem(s)" in stderr


@pytest.mark.parametrize("end", ["start", "end"])
def test_an_offset_inside_a_character_outside_the_bmp_is_refused(review_project, end: str) -> None:
    project = review_project()
    ann = export(project, "--offsets", "utf16") / f"{DOC_ID}.ann"
    emoji = len(ARTICLE[: ARTICLE.index("😀")].encode("utf-16-le")) // 2  # 😀 is two UTF-16 units from here
    start, stop = (emoji + 1, emoji + 3) if end == "start" else (emoji - 3, emoji + 1)
    lines = ann.read_text(encoding="utf-8").splitlines() + [f"T19\tGPE {start} {stop}\tx"]
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert f"error: {ann}: line {len(lines)}: T19: an offset splits a character outside the BMP\n" in import_refused(project, ann)


def test_a_t_line_defined_twice_is_refused_at_the_second(review_project) -> None:
    project = review_project()
    ann = export(project) / f"{DOC_ID}.ann"
    lines = ann.read_text(encoding="utf-8").splitlines() + ["T1\tLOC 19 24\tبغداد"]
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert f"error: {ann}: line {len(lines)}: T1 defined twice\n" in import_refused(project, ann)


def test_the_text_of_a_span_that_ends_the_document_is_checked(review_project) -> None:
    project = review_project()
    ann = export(project) / f"{DOC_ID}.ann"
    lines = ann.read_text(encoding="utf-8").splitlines() + [f"T19\tGPE {len(ARTICLE) - 8} {len(ARTICLE)}\tالعراق"]
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stderr = import_refused(project, ann)
    assert f"error: {ann}: line {len(lines)}: T19: text 'العراق' is not the text at its offsets: 'العراق.\\n'\n" in stderr


def test_a_note_left_behind_by_a_deleted_t_line_is_ignored(review_project) -> None:
    project = review_project()
    ann = export(project) / f"{DOC_ID}.ann"
    lines = [line for line in ann.read_text(encoding="utf-8").splitlines() if not line.startswith("T1\t")]  # e1's note stays
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    imported = run_review(project, "import", str(ann), "--annotator", "layla")
    assert imported.returncode == 0, imported.stderr
    assert f"{DOC_ID}: 1 removed\n" in imported.stdout
    assert [e["id"] for e in read_json(project.annotations / f"{DOC_ID}.json")["entities"]] == ["e2", "e3", "e4", "e5", "e6"]
    log = [json.loads(line) for line in (project.annotations / "review-log.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(entry["id"], entry["action"], entry["tool"], entry["file"]) for entry in log] == [("e1", "removed", "brat", str(ann))]


def test_the_export_makes_its_directory_and_writes_over_an_earlier_export(review_project) -> None:
    project = review_project()
    out = project.root / "reviews" / "round 1" / "brat"
    for _ in range(2):
        exported = run_review(project, "export", "--format", "brat", "--out", str(out))
        assert exported.returncode == 0, exported.stderr
        assert exported.stdout.endswith(f"into {out}: {DOC_ID} (gold); 5 file(s)\n")
    assert (out / f"{DOC_ID}.txt").read_text(encoding="utf-8") == ARTICLE


def test_export_and_import_work_under_an_ascii_locale(review_project) -> None:
    """A server or container with LANG=C: Python's default encoding is ASCII, the files must still be UTF-8."""
    project = review_project()
    out = project.root / "brat"
    environment = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}

    def qawl(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "qawl", "review", *args, "--root", str(project.root)],
                              env=environment, capture_output=True, text=True, timeout=300)

    exported = qawl("export", "--format", "brat", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    assert (out / f"{DOC_ID}.txt").read_bytes() == ARTICLE.encode("utf-8")
    assert "T1\tGPE 19 24\tبغداد\n" in (out / f"{DOC_ID}.ann").read_bytes().decode("utf-8")
    assert "وجود القوات الأميركية" in (out / "visual.conf").read_bytes().decode("utf-8")
    assert read_json(out / f"{DOC_ID}.qawl.json")["base"]["entities"][0]["text"] == "بغداد"
    imported = qawl("import", str(out), "--annotator", "amina")
    assert imported.returncode == 0, imported.stderr
    assert f"{DOC_ID}: no changes" in imported.stdout


def test_the_export_record_is_json_a_person_can_read(review_project) -> None:
    meta = export(review_project()) / f"{DOC_ID}.qawl.json"
    text = meta.read_text(encoding="utf-8")
    assert text.startswith('{\n  "doc_id": "rev_001",\n  "sha256": ')
    assert '"text": "بغداد"' in text  # Arabic, not \u escapes
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n"


def test_export_documents_returns_every_file_it_wrote(tmp_path: Path) -> None:
    vocabulary = Vocabulary.load(Schemas(REPO / "schema"), [t["id"] for t in targets()])
    items = []
    for doc_id in ("rev_001", "rev_002"):
        layer = {**article_layer(GOLD), "doc_id": doc_id}
        items.append((Document(doc_id, ARTICLE, layer["sha256"], "seeds"), "gold", layer))
    written = brat.export_documents(items, vocabulary, tmp_path / "out", "codepoints")
    out = tmp_path / "out"
    assert written == [
        out / "rev_001.txt", out / "rev_001.ann", out / "rev_001.qawl.json",
        out / "rev_002.txt", out / "rev_002.ann", out / "rev_002.qawl.json",
        out / "annotation.conf", out / "visual.conf",
    ]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)


def test_an_export_record_that_is_not_json_is_named_even_when_the_text_is_fine(review_project) -> None:
    project = review_project()
    out = export(project)
    meta = out / f"{DOC_ID}.qawl.json"
    meta.write_text(meta.read_text(encoding="utf-8")[:-2] + ', "base_kind": "gold"}\n', encoding="utf-8")
    stderr = import_refused(project, out / f"{DOC_ID}.ann")
    assert f"error: {meta}: /: key 'base_kind' appears more than once (JSON keeps only the last; remove the others)\n" in stderr
    assert "import refused, annotations/ left unchanged: 1 problem(s)" in stderr


def test_a_damaged_export_record_is_named(review_project) -> None:
    project = review_project()
    out = export(project)
    meta = out / f"{DOC_ID}.qawl.json"
    record = read_json(meta)
    meta.write_text(json.dumps({**record, "offsets": "bytes"}), encoding="utf-8")
    stderr = import_refused(project, out / f"{DOC_ID}.ann")
    assert stderr.startswith(f"error: {meta}: the qawl export record is damaged (doc_id, sha256, offsets, base_kind or base); re-export it\n")


def test_a_damaged_base_layer_in_the_export_record_is_named(review_project) -> None:
    project = review_project()
    out = export(project)
    meta = out / f"{DOC_ID}.qawl.json"
    record = read_json(meta)
    del record["base"]["entities"][0]["label"]
    meta.write_text(json.dumps(record), encoding="utf-8")
    stderr = import_refused(project, out / f"{DOC_ID}.ann")
    assert stderr.startswith(f"error: {meta}: the export's base layer is damaged ('label'); re-export it\n")


def test_overlapping_fragments_of_a_quote_are_told_they_overlap_not_that_they_are_out_of_order(review_project) -> None:
    project = review_project()
    ann = export(project) / f"{DOC_ID}.ann"
    start = ARTICLE.index("العراق يرفض")
    fragments = f"{start} {start + 10};{start + 5} {start + 15}"  # in text order, the second starting inside the first
    text = f"{ARTICLE[start:start + 10]} {ARTICLE[start + 5:start + 15]}"
    ann.write_text(ann.read_text(encoding="utf-8") + f"T99\tcontent {fragments}\t{text}\n", encoding="utf-8")
    stderr = import_refused(project, ann)
    assert f"part link T99 + T99 fragment 2: the parts [{start}, {start + 10}) and [{start + 5}, {start + 15}) of one quote overlap" in stderr
    assert "not in text order" not in stderr
