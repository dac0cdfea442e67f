"""qawl.coref: MUC, B³ and CEAF-e on the example of Pradhan et al. (2014) worked by hand, and against scorch."""

from __future__ import annotations

import itertools
import statistics
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scorch.scores import b_cubed, ceaf_e, conll2012, muc

from qawl.coref import chain_counts, chain_scores

KEY = [{"a", "b", "c"}, {"d", "e", "f", "g"}]
RESPONSE = [{"a", "b"}, {"c", "d"}, {"f", "g", "h", "i"}]


def test_the_example_of_pradhan_et_al_2014_by_hand() -> None:
    """Key {a b c} {d e f g}, response {a b} {c d} {f g h i} (Pradhan et al. 2014, figure 1).

    MUC: the key clusters fall into {a b}{c} and {d}{e}{f g} in the response: R = ((3-2) + (4-3)) / ((3-1) + (4-1))
    = 2/5; the response's into {a b}, {c}{d}, {f g}{h}{i} in the key: P = (1 + 0 + 1) / (1 + 1 + 3) = 2/5; F1 = 0.4.
    B³: R = (2²/3 + 1²/3 + 1²/4 + 2²/4) / 7 = (5/3 + 5/4) / 7 = 5/12; P = (2²/2 + 1²/2 + 1²/2 + 2²/4) / 8 = 4/8 = 1/2;
    F1 = 2·(5/12)(1/2) / (5/12 + 1/2) = 5/11.
    CEAF-e: φ4(k, r) = 2#k∩r / (#k + #r): {a b c}-{a b} 4/5, {a b c}-{c d} 2/5, {d e f g}-{c d} 1/3, {d e f g}-{f g h i}
    1/2; the best alignment is 4/5 + 1/2 = 13/10: R = (13/10) / 2 = 13/20, P = (13/10) / 3 = 13/30, F1 = 26/50 = 0.52.
    CoNLL F1 = (2/5 + 5/11 + 13/25) / 3."""
    scores = chain_scores(chain_counts(KEY, RESPONSE))
    assert (scores["muc"]["recall"], scores["muc"]["precision"], scores["muc"]["f1"]) == pytest.approx((2 / 5, 2 / 5, 2 / 5))
    assert (scores["bcub"]["recall"], scores["bcub"]["precision"], scores["bcub"]["f1"]) == pytest.approx((5 / 12, 1 / 2, 5 / 11))
    assert (scores["ceafe"]["recall"], scores["ceafe"]["precision"], scores["ceafe"]["f1"]) == pytest.approx((13 / 20, 13 / 30, 0.52))
    assert scores["conll_f1"] == pytest.approx((2 / 5 + 5 / 11 + 13 / 25) / 3)


def test_singletons_count_in_b_cubed_and_ceaf_e_but_not_in_muc() -> None:
    """The example with a singleton {x} on both sides: MUC is unchanged; B³ gains 1 of 1 on both sides
    (R = (35/12 + 1) / 8 = 47/96, P = (4 + 1) / 9 = 5/9); CEAF-e aligns {x} with {x} (φ4 = 1):
    R = (13/10 + 1) / 3 = 23/30, P = (13/10 + 1) / 4 = 23/40."""
    scores = chain_scores(chain_counts([*KEY, {"x"}], [*RESPONSE, {"x"}]))
    assert scores["muc"]["f1"] == pytest.approx(2 / 5)
    assert (scores["bcub"]["recall"], scores["bcub"]["precision"]) == pytest.approx((47 / 96, 5 / 9))
    assert (scores["ceafe"]["recall"], scores["ceafe"]["precision"]) == pytest.approx((23 / 30, 23 / 40))


def test_documents_are_summed_before_the_ratios() -> None:
    """Two documents: the example, and a perfect one of two mentions in one chain. MUC sums to R = (2 + 1) / (5 + 1)."""
    total = chain_counts(KEY, RESPONSE) + chain_counts([{"p", "q"}], [{"p", "q"}])
    assert chain_scores(total)["muc"]["recall"] == pytest.approx(3 / 6)
    assert chain_scores(total)["ceafe"]["recall"] == pytest.approx((13 / 10 + 1) / 3)


def test_no_chains_at_all_scores_zero_not_an_error() -> None:
    assert chain_scores(Counter())["conll_f1"] == 0.0
    assert chain_scores(chain_counts([{"a"}], [{"a"}]))["muc"] == {"recall": 0.0, "precision": 0.0, "f1": 0.0}


def test_the_conll_f1_of_the_example_is_scorch_s() -> None:
    assert chain_scores(chain_counts(KEY, RESPONSE))["conll_f1"] == pytest.approx(conll2012(KEY, RESPONSE))


def partitions(mentions: list[int]) -> st.SearchStrategy[list[set[int]]]:
    """Partitions of some of `mentions` (each kept with probability of its draw) into clusters."""
    return st.lists(st.tuples(st.booleans(), st.integers(0, 5)), min_size=len(mentions), max_size=len(mentions)).map(
        lambda draws: [set(group) for _, group in itertools.groupby(sorted((c, m) for m, (kept, c) in zip(mentions, draws) if kept), key=lambda x: x[0])]
    ).map(lambda groups: [{m for _, m in group} for group in groups])


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # inside scorch, for R = P = 0
@settings(max_examples=300, deadline=None)
@given(partitions(list(range(12))), partitions(list(range(4, 16))))
def test_the_scores_are_scorch_s(key: list[set[int]], response: list[set[int]]) -> None:
    """scorch (the CoNLL-2012 formulas, CEAF by scipy's assignment solver) gives the same figures on random
    partitions, singletons and mentions of one side only included; and its CoNLL F1 on the worked example."""
    if not key or not response:
        return
    scores = chain_scores(chain_counts(key, response))
    for name, measure in (("muc", muc), ("bcub", b_cubed), ("ceafe", ceaf_e)):
        try:
            expected = measure(key, response)
        except statistics.StatisticsError:  # scorch's harmonic mean of R = P = 0 fails on Python >= 3.10; its F1 is 0
            assert (scores[name]["recall"], scores[name]["precision"], scores[name]["f1"]) == (0.0, 0.0, 0.0), name
            continue
        assert (scores[name]["recall"], scores[name]["precision"], scores[name]["f1"]) == pytest.approx(expected), name
