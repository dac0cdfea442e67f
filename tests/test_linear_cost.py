"""Cost grows linearly with an article, whatever its content (no timed tests: operation counts).

The work of a stage is counted as the Python and C function calls it makes
(`sys.setprofile`), on the same text at two sizes: four times the text must
cost about four times the calls. A step that scans the sentence per quote or
per word (quotes × words) makes the count grow sixteen-fold.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest

from qawl.annotate import preannotate
from qawl.segment import split_sentences, tokenize_document

QUOTE_DENSE = 'قال "نعم" و«لا» '  # the text: one quote and a guillemet quotation per unit, one sentence
LONG_CLAUSES = "قال الوزير إن الاتفاق قريب، "  # a cue, a named speaker and a complementizer per unit


def one_sentence(unit: str, repeats: int) -> str:
    return " ".join(unit.strip() for _ in range(repeats)) + "."


def calls(work: Callable[[], object]) -> int:
    """Function calls (Python and C) made while `work` runs."""
    count = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        work()
    finally:
        sys.setprofile(None)
    return count


def annotate(text: str) -> dict:
    sentences = split_sentences("d", text)
    doc, _ = tokenize_document(text, sentences)
    return preannotate("d", text, "0" * 64, doc)


@pytest.mark.parametrize("unit", [QUOTE_DENSE, LONG_CLAUSES], ids=["quote-dense", "long-clauses"])
def test_annotating_four_times_the_text_costs_four_times_the_calls(unit: str) -> None:
    annotate(one_sentence(unit, 10))  # warm: the pipeline is built once, outside the counts
    small, large = one_sentence(unit, 400), one_sentence(unit, 1600)
    quotes = len(annotate(large)["quotes"])
    assert quotes >= 1500  # every unit's quote is found: the work counted is the real work
    ratio = calls(lambda: annotate(large)) / calls(lambda: annotate(small))
    assert 3.5 < ratio < 4.6, f"4× the text made {ratio:.1f}× the calls"
