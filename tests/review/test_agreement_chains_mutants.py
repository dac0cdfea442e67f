"""Chain agreement pinned (mutation testing of qawl.review.agreement's chain_agreement): chains of the same mentions
counted by name when every name agrees, not only when half of them do."""

from __future__ import annotations

from qawl.review import agreement
from tests.review.test_agreement_chains import CHAINS_A, with_chains


def test_chains_of_the_same_mentions_and_names_all_count_as_the_same_name(gold_layer) -> None:
    chains = agreement(with_chains(gold_layer, CHAINS_A), with_chains(gold_layer, CHAINS_A))["chains"]
    assert (chains["a"], chains["b"], chains["identical"], chains["same_name"], chains["conll_f1"]) == (2, 2, 2, 2, 1.0)
