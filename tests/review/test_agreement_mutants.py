"""qawl.review.agreement: what the mutants that survived tests/review/test_agreement.py changed (docs/mutation.md)."""

from __future__ import annotations

import copy

import pytest

from qawl.review import agreement
from qawl.review.agreement import overlap_f1, set_f1


def test_set_f1_reports_counts_and_ratios_and_an_empty_side_has_no_ratio() -> None:
    assert set_f1({1, 2, 3}, {2, 3, 4, 5}) == {"a": 3, "b": 4, "matched": 2, "precision": 0.5, "recall": pytest.approx(2 / 3), "f1": pytest.approx(4 / 7)}
    assert set_f1([], []) == {"a": 0, "b": 0, "matched": 0, "precision": None, "recall": None, "f1": 1.0}  # both found nothing: agree
    assert set_f1([1, 2], []) == {"a": 2, "b": 0, "matched": 0, "precision": None, "recall": 0.0, "f1": 0.0}
    assert set_f1([], [1]) == {"a": 0, "b": 1, "matched": 0, "precision": 0.0, "recall": None, "f1": 0.0}
    assert set_f1([1, 2], [3]) == {"a": 2, "b": 1, "matched": 0, "precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_spans_that_only_touch_do_not_overlap() -> None:
    assert overlap_f1([(0, 5)], [(5, 9)])["matched"] == 0
    assert overlap_f1([(5, 9)], [(0, 5)])["matched"] == 0
    assert overlap_f1([(0, 5), (20, 30)], [(4, 6), (40, 50)]) == {"a": 2, "b": 2, "matched": 1, "precision": 0.5, "recall": 0.5, "f1": 0.5}


def test_stance_judgements_are_paired_by_evidence_span_target_and_holder_whatever_the_ids(gold_layer) -> None:
    layer = copy.deepcopy(gold_layer)
    layer["quotes"][2]["cue"] = None  # a quote without a cue
    s1, s3 = layer["stance"][0], layer["stance"][2]
    layer["stance"] += [  # a second judgement on s1's target by a speaker (q2's), and by the author on other evidence
        {**copy.deepcopy(s1), "id": "s4", "label": "FAVOR", "holder": {"kind": "speaker", "quote": "q2"}, "evidence": {"quote": "q2", "span": None}},
        {**copy.deepcopy(s3), "id": "s5", "label": "NONE", "evidence": {"quote": None, "span": {"start": 0, "end": 20, "text": layer["stance"][2]["evidence"]["span"]["text"][:20]}}},
    ]
    other = copy.deepcopy(layer)  # the other annotator's ids differ; s4 is judged AGAINST
    for quote in other["quotes"]:
        quote["id"] = "x" + quote["id"]
    for stance in other["stance"]:
        stance["id"] = "x" + stance["id"]
        for side in ("holder", "evidence"):
            stance[side]["quote"] = stance[side]["quote"] and "x" + stance[side]["quote"]
    other["stance"][3]["label"] = "AGAINST"
    figures = agreement(layer, other)
    stance = figures["stance"]
    assert (stance["a"], stance["b"], stance["paired"]) == (5, 5, 5)
    assert stance["observed_agreement"] == pytest.approx(4 / 5)
    assert figures["quotes"]["cue_agreement"] == figures["quotes"]["speaker_agreement"] == 1.0
