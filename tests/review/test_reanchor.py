"""`qawl review reanchor DOC`: after the seed's text changed, every span whose text did not change is
found again, the others are listed exactly, nothing is written before --write, and export of the
stale layer is refused with a message that names the command."""

from __future__ import annotations

import hashlib
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qawl.bench import synthetic_article
from qawl.ingest import read_seed
from qawl.merge import check_layer, read_targets
from qawl.project import Project
from qawl.review.reanchor import CharacterMap, item_spans
from qawl.review.store import read_log
from qawl.schema import Schemas
from qawl.segment import split_sentences
from tests.conftest import run_qawl
from tests.review.conftest import ARTICLE, DOC_ID, read_json, run_review

# The seed edited before, inside and after spans, one span's word rewritten and one span deleted.
EDITS = (
    ("وزير الخارجية يزور بغداد", "تحديث: وزير الخارجية يزور أربيل"),  # text before every span; e1 بغداد rewritten
    ("الحكومة ستواصل", "الحكومة العراقية ستواصل"),  # inside q2's content
    ("على منصة 𝕏 أن", "أن"),  # q3's outlet deleted
    ("بالعراق.\n", "بالعراق.\nوتستمر المحادثات الأسبوع المقبل.\n"),  # after every span
)
NEW_ARTICLE = ARTICLE
for old, new in EDITS:
    assert NEW_ARTICLE.count(old) == 1
    NEW_ARTICLE = NEW_ARTICLE.replace(old, new)


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=root, check=True, capture_output=True)


def edited_project(review_project: Any, in_git: bool = True, repository_above: bool = False) -> Project:
    """The review project, its seed committed (when `in_git`, in a repository at the project's top
    or the directory above it) and then edited."""
    project = review_project()
    if in_git:
        top = project.root.parent if repository_above else project.root
        git(top, "init", "-q")
        git(top, "add", "-A")
        git(top, "commit", "-q", "-m", "seed and its gold layer")
    (project.seeds / f"{DOC_ID}.txt").write_bytes(NEW_ARTICLE.encode())
    return project


def spans_by_part(layer: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(item["id"], part): span for kind in ("entities", "quotes", "stance") for item in layer[kind] for part, span in item_spans(kind, item)}


def test_reanchor_recovers_every_unchanged_span_and_lists_the_rest(review_project: Any) -> None:
    project = edited_project(review_project)
    layer_file = project.annotations / f"{DOC_ID}.json"
    old_layer, old_bytes = read_json(layer_file), layer_file.read_bytes()

    report = run_review(project, "reanchor", DOC_ID)

    assert report.returncode == 0, report.stderr
    assert layer_file.read_bytes() == old_bytes  # nothing written before --write
    lines = report.stdout.splitlines()
    assert lines[0].endswith("18 span(s) onto " + str(project.seeds / f"{DOC_ID}.txt") + " (sha256 "
                             f"{old_layer['sha256'][:12]}… → {hashlib.sha256(NEW_ARTICLE.encode()).hexdigest()[:12]}…): 0 kept, 15 moved, 1 changed, 2 unplaced")
    listed = [line.strip() for line in lines[1:] if not line.strip().startswith("moved")]
    assert listed == [
        "unplaced e1 'بغداد' [19, 24): its text is gone or rewritten",
        "changed  q2 content 'الحكومة ستواصل الحوار مع واشنطن 😀 بشأن الانسحاب' [150, 197) → 'الحكومة العراقية ستواصل الحوار مع واشنطن 😀 بشأن الانسحاب' [157, 213)",
        "unplaced q3 outlet 'منصة 𝕏' [222, 228): its text is gone or rewritten",
        "left out entities e1: its span 'بغداد' could not be placed",
        "left out quotes q3: its outlet 'منصة 𝕏' could not be placed",
        f"nothing written; if this is right: qawl review reanchor {DOC_ID} --write --annotator NAME",
    ]

    written = run_review(project, "reanchor", DOC_ID, "--write", "--annotator", "amina")

    assert written.returncode == 0, written.stderr
    layer = read_json(layer_file)
    assert layer["sha256"] == hashlib.sha256(NEW_ARTICLE.encode()).hexdigest()
    old_spans, new_spans = spans_by_part(old_layer), spans_by_part(layer)
    lost = {("e1", ""), ("q3", "content"), ("q3", "cue"), ("q3", "speaker mention"), ("q3", "outlet")}
    assert set(old_spans) - set(new_spans) == lost
    for key, new in new_spans.items():
        assert NEW_ARTICLE[new["start"] : new["end"]] == new["text"]
        if key != ("q2", "content"):  # every span whose text did not change, on the same occurrence of it
            old = old_spans[key]
            assert new["text"] == old["text"]
            assert NEW_ARTICLE[: new["start"]].count(old["text"]) == ARTICLE[: old["start"]].count(old["text"]) + (key == ("e6", ""))  # العراقية was inserted before it
    assert new_spans[("q2", "content")]["text"] == "الحكومة العراقية ستواصل الحوار مع واشنطن 😀 بشأن الانسحاب"
    schemas = Schemas(project.schema_dir)
    document, _ = read_seed(str(project.seeds / f"{DOC_ID}.txt"), schemas)
    assert check_layer(layer, document, split_sentences(DOC_ID, NEW_ARTICLE), read_targets(project.annotations, schemas)[0], "x") == []
    history = list((project.annotations / ".history" / DOC_ID).iterdir())
    assert [p.read_bytes() for p in history] == [old_bytes]
    entries = read_log(project)
    assert {(e["id"], e["action"]) for e in entries} >= {("e1", "left out"), ("q3", "left out"), ("q2", "reanchored"), ("e2", "reanchored")}
    assert {e["annotator"] for e in entries} == {"amina"}

    exported = run_review(project, "export", "--format", "label-studio", "--out", str(project.root / "review"))
    assert exported.returncode == 0, exported.stderr


def test_export_and_validate_of_a_stale_layer_name_reanchor(review_project: Any) -> None:
    project = edited_project(review_project, in_git=False)

    exported = run_review(project, "export", "--format", "label-studio", "--out", str(project.root / "review"))
    validated = run_qawl("validate", str(project.annotations / f"{DOC_ID}.json"), cwd=project.root)

    assert validated.returncode == 1
    assert f"not merged until it is re-anchored by a person: qawl review reanchor {DOC_ID}" in validated.stderr
    assert exported.returncode == 1
    assert f"re-anchor it first: qawl review reanchor {DOC_ID}" in exported.stderr
    assert "Traceback" not in exported.stderr
    assert not (project.root / "review").exists()


def test_old_text_given_by_file_and_checked(review_project: Any, tmp_path: Path) -> None:
    project = edited_project(review_project, in_git=False)
    old_seed, wrong = tmp_path / "old.txt", tmp_path / "wrong.txt"
    old_seed.write_bytes(ARTICLE.encode())
    wrong.write_bytes(NEW_ARTICLE.encode())

    not_found = run_review(project, "reanchor", DOC_ID)
    refused = run_review(project, "reanchor", DOC_ID, "--old-text", str(wrong))
    given = run_review(project, "reanchor", DOC_ID, "--old-text", str(old_seed))

    assert not_found.returncode == 1
    assert f"cannot find the text the layer was made against: no version of {project.seeds / DOC_ID}.txt in the git history" in not_found.stderr
    assert "give it with --old-text FILE" in not_found.stderr
    assert refused.returncode == 1
    assert f"error: {wrong}: its sha256 is {hashlib.sha256(NEW_ARTICLE.encode()).hexdigest()[:12]}…" in refused.stderr
    assert given.returncode == 0, given.stderr
    assert "15 moved, 1 changed, 2 unplaced" in given.stdout


def test_the_old_text_is_found_in_a_repository_above_the_project_and_a_current_layer_is_left_alone(review_project: Any) -> None:
    project = edited_project(review_project, repository_above=True)

    reported = run_review(project, "reanchor", DOC_ID)
    written = run_review(project, "reanchor", DOC_ID, "--write", "--annotator", "amina")
    again = run_review(project, "reanchor", DOC_ID)

    assert reported.returncode == 0, reported.stderr
    assert "0 kept, 15 moved, 1 changed, 2 unplaced" in reported.stdout
    assert written.returncode == 0, written.stderr
    assert again.returncode == 0
    assert again.stdout == f"{DOC_ID}: the layer was made against the text {project.seeds / DOC_ID}.txt has now; nothing to re-anchor\n"


def test_write_needs_an_annotator(review_project: Any) -> None:
    project = edited_project(review_project)
    before = (project.annotations / f"{DOC_ID}.json").read_bytes()

    refused = run_review(project, "reanchor", DOC_ID, "--write")

    assert refused.returncode == 1
    assert "error: --annotator: --write records who confirmed it: give --annotator NAME" in refused.stderr
    assert (project.annotations / f"{DOC_ID}.json").read_bytes() == before


@pytest.mark.parametrize(
    ("old", "new", "span", "expected"),
    [
        ("abc قال def", "xyz abc قال def", (4, 7), (8, 11)),  # inserted before
        ("قال: نعم قال", "نعم قال", (9, 12), (4, 7)),  # deleted before, the same word earlier
        ("ذهب الوزير إلى بغداد", "ذهب إلى بغداد", (4, 10), None),  # the word deleted
        ("أمس قال الوزير", "صباح اليوم قال رئيس الحكومة", (4, 7), (11, 14)),  # the diff rewrote all, قال is still there
        ("ذهب الوزير إلى بغداد", "ذهب السفير إلى بغداد", (4, 10), (4, 10)),  # letters kept: changed in place
    ],
)
def test_character_map_places_a_span(old: str, new: str, span: tuple[int, int], expected: tuple[int, int] | None) -> None:
    assert CharacterMap(old, new).place(*span, old[span[0] : span[1]]) == expected


def lines_run(work: Callable[[], object]) -> int:
    """Python lines executed while `work` runs (diff-match-patch is pure Python)."""
    count = 0

    def trace(frame: object, event: str, arg: object) -> Callable[..., object]:
        nonlocal count
        count += 1
        return trace

    sys.settrace(trace)
    try:
        work()
    finally:
        sys.settrace(None)
    return count


def test_the_diff_costs_linearly_with_the_text_for_edits_spread_through_it() -> None:
    def edited(text: str, edits: int) -> str:
        rng, characters = random.Random(1), list(text)
        for _ in range(edits):
            at = rng.randrange(len(characters))
            characters[at:at] = "نص مضاف "
        return "".join(characters)

    texts = [synthetic_article(random.Random(7), sentences) for sentences in (50, 400)]  # 6,822 and 50,778 characters
    pairs = [(text, edited(text, len(text) // 340)) for text in texts]
    cost = [lines_run(lambda pair=pair: CharacterMap(*pair)) for pair in pairs]

    # 7.4 times the text with as many edits per character: 6.7 times the work (without the
    # anchors, Myers' diff alone: 15 times, growing with the square of the length)
    assert cost[1] / cost[0] < 10
