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


def test_cue_speaker_and_type_agreement_are_over_the_exactly_matched_quotes(gold_layer) -> None:
    other = copy.deepcopy(gold_layer)
    other["quotes"][0]["cue"] = {**other["quotes"][0]["cue"], "end": other["quotes"][0]["cue"]["end"] + 1}
    other["quotes"][1]["speaker"]["mention"] = None
    other["quotes"][2]["type"] = "indirect" if gold_layer["quotes"][2]["type"] != "indirect" else "direct"
    quotes = agreement(gold_layer, other)["quotes"]
    assert quotes["matched"] == 3
    assert (quotes["cue_agreement"], quotes["speaker_agreement"], quotes["type_agreement"]) == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    for quote in other["quotes"]:
        quote["content"] = {**quote["content"], "start": quote["content"]["start"] + 1}
    quotes = agreement(gold_layer, other)["quotes"]
    assert quotes["matched"] == 0
    assert quotes["cue_agreement"] is quotes["speaker_agreement"] is quotes["type_agreement"] is None


def test_layers_of_different_texts_are_refused_naming_both_hashes(gold_layer) -> None:
    other = {**copy.deepcopy(gold_layer), "sha256": "0123456789abcdef" * 4}
    with pytest.raises(ValueError) as raised:
        agreement(gold_layer, other)
    assert str(raised.value) == f"the layers annotate different texts: rev_001 {gold_layer['sha256'][:12]}… and rev_001 0123456789ab…"


def test_a_judgement_only_one_annotator_made_is_not_paired(gold_layer) -> None:
    other = copy.deepcopy(gold_layer)
    del other["stance"][1]
    stance = agreement(gold_layer, other)["stance"]
    assert (stance["a"], stance["b"], stance["paired"], stance["observed_agreement"]) == (3, 2, 2, 1.0)
    # (AGAINST, AGAINST), (FAVOR, FAVOR) paired, FAVOR unpaired: alpha over the pairable values only is 1
    assert stance["cohen_kappa"] == pytest.approx(1.0) and stance["krippendorff_alpha"] == pytest.approx(1.0)


def test_no_shared_judgement_and_a_single_label_leave_the_coefficients_undefined(gold_layer) -> None:
    other = copy.deepcopy(gold_layer)
    other["stance"] = []  # a second annotator who judged no stance: nothing to agree on, not a crash
    assert agreement(gold_layer, other)["stance"] == {
        "a": 3, "b": 0, "paired": 0, "observed_agreement": None, "cohen_kappa": None, "krippendorff_alpha": None
    }
    one_label = copy.deepcopy(gold_layer)
    for stance in one_label["stance"]:
        stance["label"] = "FAVOR"
    assert agreement(one_label, copy.deepcopy(one_label))["stance"] == {
        "a": 3, "b": 3, "paired": 3, "observed_agreement": 1.0, "cohen_kappa": None, "krippendorff_alpha": None
    }


def test_a_speaker_agrees_only_with_the_same_kind_mention_and_entity_and_the_outlet_is_compared_too(gold_layer) -> None:
    """Two passes with the same speaker mention but another kind (named vs anonymous), or another entity
    behind it, do not agree on the speaker; an outlet left out by one pass is an outlet disagreement."""
    other = copy.deepcopy(gold_layer)
    named = next(i for i, q in enumerate(other["quotes"]) if q["speaker"]["kind"] == "named")
    other["quotes"][named]["speaker"] = {**other["quotes"][named]["speaker"], "kind": "anonymous", "entity": None}
    with_outlet = next(i for i, q in enumerate(other["quotes"]) if q["outlet"] is not None)
    other["quotes"][with_outlet]["outlet"] = None
    quotes = agreement(gold_layer, other)["quotes"]
    assert quotes["matched"] == 3
    assert quotes["speaker_agreement"] == pytest.approx(2 / 3)
    assert quotes["outlet_agreement"] == pytest.approx(2 / 3)
    assert agreement(gold_layer, gold_layer)["quotes"]["outlet_agreement"] == 1.0


def test_speakers_with_one_mention_and_entities_of_other_spans_do_not_agree(gold_layer) -> None:
    other = copy.deepcopy(gold_layer)
    minister = next(e for e in other["entities"] if e["text"] == "فؤاد حسين")
    minister.update(start=minister["start"] + 5, text="حسين")  # the entity behind the same mention, drawn over the family name only
    assert agreement(gold_layer, other)["quotes"]["speaker_agreement"] == pytest.approx(2 / 3)
    # an anonymous speaker has no entity, whatever the entities are called
    renamed = [copy.deepcopy(gold_layer), copy.deepcopy(other)]
    for layer in renamed:
        entity = next(e for e in layer["entities"] if e["id"] == minister["id"])
        entity["id"] = "XXXX"
        layer["quotes"] = [q for q in layer["quotes"] if q["speaker"]["kind"] != "named"]
    assert agreement(*renamed)["quotes"]["speaker_agreement"] == 1.0
