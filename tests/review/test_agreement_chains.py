"""Agreement of two layers' entity chains (MUC, B³, CEAF-e, CoNLL F1), worked by hand, and through the CLI."""

from __future__ import annotations

import json
from typing import Any

import pytest

from qawl.publish import write_json
from qawl.review import agreement
from tests.review.conftest import GOLD, run_review

# The test article's entities: e1 بغداد, e2 فؤاد حسين, e3 العربي الجديد, e4 العراق, e5 واشنطن, e6 (ب)العراق.
# A: Iraq = {e1 (بغداد for the state), e4, e6}, the speaker {e2}; e3 and e5 are clusters alone.
# B: Iraq = {e4, e6} only; e1, e2, e3, e5 are clusters alone.
CHAINS_A = [("العراق", ["e1", "e4", "e6"]), ("فؤاد حسين", ["e2"])]
CHAINS_B = [("بالعراق", ["e4", "e6"])]


def with_chains(layer: dict[str, Any], chains: list[tuple[str, list[str]]]) -> dict[str, Any]:
    return {
        **layer,
        "schema_version": "2.0.0",
        "chains": [{"id": f"c{n}", "name": name, "entities": ids, "provenance": dict(GOLD)} for n, (name, ids) in enumerate(chains, 1)],
    }


def test_chain_agreement_gives_the_hand_computed_figures(gold_layer) -> None:
    chains = agreement(with_chains(gold_layer, CHAINS_A), with_chains(gold_layer, CHAINS_B))["chains"]
    assert (chains["a"], chains["b"], chains["mentions_a"], chains["mentions_b"]) == (2, 1, 4, 2)
    assert (chains["identical"], chains["same_name"]) == (0, 0)
    # MUC: A's Iraq falls in 2 parts of B (3 − 2 = 1 of 3 − 1 = 2 links); B's Iraq lies in 1 part of A (1 of 1).
    assert (chains["muc"]["recall"], chains["muc"]["precision"]) == (0.5, 1.0)
    assert chains["muc"]["f1"] == pytest.approx(2 / 3)
    # B³ over the 6 mentions: recall (2²/3 + 1²/3 + 1 + 1 + 1) / 6 = 7/9; every B cluster lies inside an A cluster.
    assert chains["bcub"]["recall"] == pytest.approx(7 / 9)
    assert chains["bcub"]["precision"] == pytest.approx(1.0)
    assert chains["bcub"]["f1"] == pytest.approx(7 / 8)
    # CEAF-e: Iraq↔Iraq φ4 = 2·2/(3+2) = 0.8, three singletons 1 each: 3.8 over 4 A and 5 B clusters.
    assert chains["ceafe"]["recall"] == pytest.approx(3.8 / 4)
    assert chains["ceafe"]["precision"] == pytest.approx(3.8 / 5)
    assert chains["ceafe"]["f1"] == pytest.approx(38 / 45)
    assert chains["conll_f1"] == pytest.approx((2 / 3 + 7 / 8 + 38 / 45) / 3)


def test_chains_are_not_compared_unless_both_layers_have_them(gold_layer) -> None:
    assert agreement(with_chains(gold_layer, CHAINS_A), gold_layer)["chains"] is None
    assert agreement(gold_layer, gold_layer)["chains"] is None


def test_chains_of_the_same_mentions_are_compared_by_name(gold_layer) -> None:
    renamed = [("بغداد", ["e1", "e4", "e6"]), ("فؤاد حسين", ["e2"])]
    chains = agreement(with_chains(gold_layer, CHAINS_A), with_chains(gold_layer, renamed))["chains"]
    assert (chains["identical"], chains["same_name"], chains["conll_f1"]) == (2, 1, 1.0)


def test_agreement_command_prints_the_chain_scores(review_project, gold_layer) -> None:
    project = review_project()
    write_json(project.root / "a.json", with_chains(gold_layer, CHAINS_A))
    write_json(project.root / "b.json", with_chains(gold_layer, CHAINS_B))
    files = str(project.root / "a.json"), str(project.root / "b.json")
    shown = run_review(project, "agreement", *files)
    assert shown.returncode == 0, shown.stderr
    assert "chains    CoNLL F1 0.795  MUC 0.667  B³ 0.875  CEAF-e 0.844  (A 2 chains of 4 mentions, B 1 of 2)" in shown.stdout
    assert "recall/precision: MUC 0.500/1.000  B³ 0.778/1.000  CEAF-e 0.950/0.760" in shown.stdout
    figures = json.loads(run_review(project, "agreement", *files, "--json").stdout)
    assert figures["chains"]["muc"] == {"recall": 0.5, "precision": 1.0, "f1": pytest.approx(2 / 3)}
    without = run_review(project, "agreement", str(project.annotations / "rev_001.json"), files[1])
    assert "chains    not compared: a layer has no chains" in without.stdout


def test_agreement_command_lists_every_broken_chain_instead_of_a_traceback(review_project, gold_layer) -> None:
    project = review_project()
    write_json(project.root / "a.json", with_chains(gold_layer, [("العراق", ["e4", "e9"])]))
    write_json(project.root / "b.json", with_chains(gold_layer, [("العراق", ["e4", "e6"]), ("بغداد", ["e1", "e4"])]))
    shown = run_review(project, "agreement", str(project.root / "a.json"), str(project.root / "b.json"))
    assert shown.returncode == 1 and shown.stdout == ""
    assert f"error: {project.root / 'a.json'}: /chains/0/entities/1: refers to entity 'e9', which does not exist" in shown.stderr
    assert f"error: {project.root / 'b.json'}: /chains/1/entities/1: entity e4 is already in chain c1 (an entity is in at most one chain)" in shown.stderr
