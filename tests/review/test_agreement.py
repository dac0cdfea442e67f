"""Agreement figures on hand-checked examples, and the CLI."""

from __future__ import annotations

import copy
import json

import pytest

from qawl.publish import write_json
from qawl.review import agreement
from tests.review.conftest import run_review


def test_identical_layers_agree_perfectly(gold_layer) -> None:
    figures = agreement(gold_layer, copy.deepcopy(gold_layer))
    assert figures["entities"]["labelled"]["f1"] == figures["quotes"]["exact"]["f1"] == 1.0
    assert figures["stance"]["cohen_kappa"] == pytest.approx(1.0)
    assert figures["stance"]["krippendorff_alpha"] == pytest.approx(1.0)


def test_disagreements_give_the_hand_computed_figures(gold_layer) -> None:
    other = copy.deepcopy(gold_layer)
    other["entities"] = other["entities"][:5]  # e6 missing
    other["entities"][0]["label"] = "LOC"  # e1 labelled differently
    other["quotes"][2]["content"] = {**other["quotes"][2]["content"], "start": other["quotes"][2]["content"]["start"] + 1}
    other["stance"][0]["label"] = "NONE"  # s1: AGAINST vs NONE
    figures = agreement(gold_layer, other)
    assert figures["entities"]["labelled"]["f1"] == pytest.approx(2 * 4 / (6 + 5))
    assert figures["entities"]["unlabelled"]["f1"] == pytest.approx(2 * 5 / (6 + 5))
    assert figures["quotes"]["exact"]["f1"] == pytest.approx(2 / 3)
    assert figures["quotes"]["overlap"]["f1"] == 1.0
    # (AGAINST, NONE), (FAVOR, FAVOR), (FAVOR, FAVOR): po = 2/3, pe = 4/9, kappa = 0.4;
    # alpha: coincidences A-N twice, F-F four times, n = 6: 1 - 5 * 2 / 18
    assert figures["stance"]["cohen_kappa"] == pytest.approx(0.4)
    assert figures["stance"]["krippendorff_alpha"] == pytest.approx(1 - 10 / 18)


def test_layers_of_different_texts_are_refused(gold_layer) -> None:
    other = {**copy.deepcopy(gold_layer), "sha256": "0" * 64}
    with pytest.raises(ValueError, match="different texts"):
        agreement(gold_layer, other)


def test_agreement_command(review_project, gold_layer) -> None:
    project = review_project()
    other = copy.deepcopy(gold_layer)
    other["stance"][0]["label"] = "NONE"
    write_json(project.root / "b.json", other)
    a = str(project.annotations / "rev_001.json")
    shown = run_review(project, "agreement", a, str(project.root / "b.json"))
    assert shown.returncode == 0, shown.stderr
    assert "Cohen's kappa 0.400" in shown.stdout and "F1 labelled 1.000" in shown.stdout
    figures = json.loads(run_review(project, "agreement", a, str(project.root / "b.json"), "--json").stdout)
    assert figures["stance"]["paired"] == 3


def test_quotes_agree_exactly_only_with_the_same_parts_as_qawl_evaluate_matches_them(gold_layer) -> None:
    # one annotator cuts quote 3 into two parts around a word of its content, the other keeps it whole: same content span
    other = copy.deepcopy(gold_layer)
    content = other["quotes"][2]["content"]
    start, end, text = content["start"], content["end"], content["text"]
    gap = text.index(" ", 5)
    other["quotes"][2]["parts"] = [
        {"start": start, "end": start + gap, "text": text[:gap]},
        {"start": start + gap + 1, "end": end, "text": text[gap + 1 :]},
    ]
    figures = agreement(gold_layer, other)["quotes"]
    assert (figures["exact"]["f1"], figures["overlap"]["f1"], figures["matched"]) == (pytest.approx(2 / 3), 1.0, 2)
    quoted = sum(q["content"]["end"] - q["content"]["start"] for q in gold_layer["quotes"])  # the seed's quotes do not overlap
    assert figures["characters"] == {"a": quoted, "b": quoted - 1, "matched": quoted - 1, "precision": 1.0, "recall": (quoted - 1) / quoted, "f1": pytest.approx(2 * (quoted - 1) / (2 * quoted - 1))}
