"""brat import, branch by branch: lines it cannot read are refused, never dropped; one qawl key, one T line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import tree_digest
from tests.review.conftest import DOC_ID, run_review

SUPPORTED = "not a supported standoff line (T with one span, or a content T with fragments, quote_of or Source R, * Equiv of two or more T, QuoteType/Stance_<target> A, AnnotatorNotes)"


def exported_ann(project) -> Path:
    out = project.root / "brat"
    assert run_review(project, "export", "--format", "brat", "--out", str(out)).returncode == 0
    return out / f"{DOC_ID}.ann"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        # a discontinuous span is a quote content's only (a discontinuous quote)
        ("T19\tGPE 19 21;22 24\tبغ اد", "T19: only a quote content may have several fragments (a discontinuous quote), not GPE"),
        ("E1\tcontent:T7", None),  # an event
        ("R10\tsupports Arg1:T8 Arg2:T7", None),  # a relation type qawl does not have
        ("A7\tNegated T7", None),  # an attribute qawl does not have
        ("N1\tReference T1 Wikipedia:1234\tBaghdad", None),  # a normalization
    ],
    ids=["discontinuous", "event", "relation", "attribute", "normalization"],
)
def test_an_unsupported_line_is_refused_with_its_line_number(review_project, line: str, message: str | None) -> None:
    project = review_project()
    ann = exported_ann(project)
    lines = ann.read_text(encoding="utf-8").splitlines()
    lines.insert(18, line)  # after the T lines: line 19
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = tree_digest(project.annotations)
    refused = run_review(project, "import", str(ann), "--annotator", "layla")
    assert refused.returncode == 1
    assert f"{ann}: line 19: {message or f'{SUPPORTED}: {line!r}'}\n" in refused.stderr
    assert "import refused, annotations/ left unchanged: 1 problem(s)" in refused.stderr
    assert tree_digest(project.annotations) == before


def test_two_t_lines_claiming_one_qawl_key_are_refused(review_project) -> None:
    project = review_project()
    ann = exported_ann(project)
    text = ann.read_text(encoding="utf-8")
    # a copy of T1 (بغداد), relabelled, that kept T1's note: which one is e1?
    text += "T19\tLOC 19 24\tبغداد\n#19\tAnnotatorNotes T19\tqawl:e1\n"
    ann.write_text(text, encoding="utf-8")
    before = tree_digest(project.annotations)
    refused = run_review(project, "import", str(ann), "--annotator", "layla")
    assert refused.returncode == 1
    assert f"{ann}: T19: T19 and T1 both claim qawl key e1; remove the note of the copy" in refused.stderr
    assert tree_digest(project.annotations) == before
