"""qawl evaluate on whole quotations in document offsets (issue #26): exact extents, quoted characters and sources,
on texts written for these tests, the expected figures computed by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qawl.cli import cli
from qawl.evaluate import evaluate, evaluate_paths, format_table

PROV = {"source": "manual", "status": "gold", "annotator": "t", "time": "2025-01-01T00:00:00Z"}
# one quotation over three sentences: content [13, 58), 45 characters; its three stretches 15 + 10 + 12 = 37 characters,
# the two "». «" between them 4 each
THREE = "قال الوزير: «لن نرفع الأسعار». «الدعم باقٍ». «سنراجع الخطة»."
# a quotation cut by the frame: parts "لن نتراجع" (9) and "مهما كانت الكلفة" (16); then an indirect quote "الحكومة مخطئة" (13)
CUT = "«لن نتراجع»، قال الوزير، «مهما كانت الكلفة». وقال النائب إن الحكومة مخطئة."


def span(text: str, needle: str) -> dict[str, Any]:
    start = text.index(needle)
    return {"start": start, "end": start + len(needle), "text": needle}


def quote(qid: str, text: str, first: str, last: str | None = None, parts: bool = False, **keys: Any) -> dict[str, Any]:
    """A quote of `text` from `first` to `last` (or `first` alone), with `first` and `last` as its parts if `parts`."""
    a, b = span(text, first), span(text, last or first)
    content = {"start": a["start"], "end": b["end"], "text": text[a["start"] : b["end"]]}
    return {
        "id": qid, "type": "direct", "content": content, **({"parts": [a, b]} if parts else {}), "cue": None, "outlet": None,
        "speaker": {"kind": "unknown", "mention": None, "entity": None}, "provenance": PROV, **keys,
    }


def layer(doc_id: str, *quotes: dict[str, Any]) -> dict[str, Any]:
    return {"doc_id": doc_id, "entities": [], "quotes": list(quotes), "stance": []}


GOLD_THREE = layer("three", quote("q1", THREE, "لن نرفع الأسعار", "سنراجع الخطة"))
PRED_THREE = layer("three", *(quote(f"q{n}", THREE, piece) for n, piece in enumerate(["لن نرفع الأسعار", "الدعم باقٍ", "سنراجع الخطة"], 1)))
GOLD_CUT = layer("cut", quote("q1", CUT, "لن نتراجع", "مهما كانت الكلفة", parts=True), quote("q2", CUT, "الحكومة مخطئة"))
PRED_CUT = layer("cut", quote("q1", CUT, "لن نتراجع", "مهما كانت الكلفة", parts=True))


def figures(scores: dict[str, Any]) -> tuple[float, float]:
    return scores["precision"], scores["recall"]


def test_a_quotation_over_three_sentences_predicted_as_three_quotes_scores_as_what_it_is() -> None:
    report = evaluate(GOLD_THREE, PRED_THREE)
    assert figures(report["quotes"]) == (1 / 3, 1.0)  # the gold quotation overlaps all three; one-to-one, one matches it
    assert figures(report["quotes_exact"]) == (0.0, 0.0)  # no prediction has its extent
    chars = report["quoted_characters"]
    assert (chars["tp"], chars["pred"], chars["gold"]) == (37, 37, 45)  # the marks between the sentences are not predicted
    assert figures(chars) == (1.0, 37 / 45)


def test_exact_extents_include_the_parts_and_sum_over_documents(tmp_path: Path) -> None:
    for side, layers in (("gold", [GOLD_THREE, GOLD_CUT]), ("pred", [PRED_THREE, PRED_CUT])):
        (tmp_path / side).mkdir()
        for doc in layers:
            (tmp_path / side / f"{doc['doc_id']}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    report = evaluate_paths(tmp_path / "gold", tmp_path / "pred")
    # overlap: 1 of 3 in `three`, 1 of 1 in `cut` (its gold has 2): tp 2, pred 4, gold 3
    assert figures(report["quotes"]) == (2 / 4, 2 / 3)
    # exact: only the quote with parts (same content, same parts): tp 1, pred 4, gold 3
    assert figures(report["quotes_exact"]) == (1 / 4, 1 / 3)
    assert report["quotes_exact"]["f1"] == pytest.approx(2 / 7)
    # characters: three 37 of 45 (37 predicted); cut: 9 + 16 = 25 predicted and found, of 25 + 13 = 38
    chars = report["quoted_characters"]
    assert (chars["tp"], chars["pred"], chars["gold"]) == (62, 62, 83)
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(tmp_path / "gold"), "--pred", str(tmp_path / "pred")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "quotes (overlap)        0.500  0.667  0.571     3     4" in lines
    assert "quotes (exact extent)   0.250  0.333  0.286     3     4" in lines
    assert "quoted characters       1.000  0.747  0.855    83    62" in lines


def test_a_quote_without_the_gold_parts_is_no_exact_match_and_its_gap_is_not_quoted() -> None:
    whole = quote("q1", CUT, "لن نتراجع", "مهما كانت الكلفة")  # same content, no parts: the frame counts as quoted
    report = evaluate(GOLD_CUT, layer("cut", whole))
    assert report["quotes_exact"]["tp"] == 0
    gap = len("»، قال الوزير، «")
    chars = report["quoted_characters"]
    assert (chars["tp"], chars["pred"], chars["gold"]) == (25, 25 + gap, 38)


NESTED = "قال الوزير إن السفير أبلغه أن واشنطن ستراجع الخطة."


def test_source_accuracy_when_both_layers_say_which_quotes_are_nested() -> None:
    outer, inner = quote("q1", NESTED, "السفير أبلغه أن واشنطن ستراجع الخطة"), quote("q2", NESTED, "واشنطن ستراجع الخطة", source="q1")
    gold = layer("n", outer, inner)
    right = layer("n", {**outer, "id": "p7", "source": None}, {**inner, "id": "p8", "source": "p7"})
    flat = layer("n", {**outer, "id": "p7", "source": None}, {**inner, "id": "p8", "source": None})
    assert evaluate(gold, right)["source_accuracy"] == {"accuracy": 1.0, "matched_quotes": 2, "documents": 1}
    assert evaluate(gold, flat)["source_accuracy"]["accuracy"] == 0.5  # the inner quote is not said to be nested
    assert "source accuracy         0.500   on 2 matched quotes of 1 documents with sources on both sides" in format_table(evaluate(gold, flat)).splitlines()
    # the inner prediction overlaps the outer gold quote first (one-to-one, in text order) and says it is nested: wrong
    stray = layer("n", {**inner, "id": "p8", "source": "p9"}, {**quote("p9", NESTED, "قال الوزير"), "source": None})
    assert evaluate(gold, stray)["source_accuracy"] == {"accuracy": 0.0, "matched_quotes": 1, "documents": 1}
    without = layer("n", *({k: v for k, v in q.items() if k != "source"} for q in (outer, inner)))
    assert "source_accuracy" not in evaluate(gold, without)  # the prediction does not nest: nothing to score


def test_malformed_parts_and_source_are_listed_errors_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "gold").mkdir()
    (tmp_path / "pred").mkdir()
    (tmp_path / "gold" / "cut.json").write_text(json.dumps(GOLD_CUT, ensure_ascii=False), encoding="utf-8")
    bad = layer("cut", {**PRED_CUT["quotes"][0], "parts": [{"start": 1}], "source": 3}, quote("q2", CUT, "الحكومة مخطئة", parts=False) | {"parts": "x"})
    (tmp_path / "pred" / "cut.json").write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(tmp_path / "gold"), "--pred", str(tmp_path / "pred")])
    file = tmp_path / "pred" / "cut.json"
    assert (result.exit_code, result.output.splitlines()) == (
        2,
        [
            f"error: {file}: /quotes/0/parts/0: missing field 'end'",
            f"error: {file}: /quotes/0/source: expected a string, found 3",
            f'error: {file}: /quotes/1/parts: expected a list, found "x"',
            "nothing scored: 3 problem(s)",
        ],
    )
