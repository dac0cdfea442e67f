"""`qawl evaluate` on annotation layers scores entity chains (issue #26): MUC, B³, CEAF-e and the CoNLL F1, mentions
compared by their (start, end), in the agreed layer format (`chains`: id, name, entities, provenance)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qawl.evaluate import EvaluationError, evaluate_layer_paths
from tests.conftest import invoke_qawl

PROV = {"source": "manual", "status": "gold", "annotator": "t", "time": "2025-01-01T00:00:00Z"}
SPANS = {name: (10 * n, 10 * n + 4) for n, name in enumerate("abcdefghix")}


def layer(doc_id: str, mentions: str, chains: list[str] | None) -> dict[str, Any]:
    """A layer whose entities are the `mentions` (letters, ids in reverse order so that ids differ from the other
    side's) and whose chains are groups of those letters."""
    ids = {name: f"e{len(mentions) - n}" for n, name in enumerate(mentions)}
    entities = [{"id": ids[m], "start": SPANS[m][0], "end": SPANS[m][1], "label": "PERSON"} for m in mentions]
    result: dict[str, Any] = {"doc_id": doc_id, "entities": entities, "quotes": [], "stance": []}
    if chains is not None:
        result["chains"] = [{"id": f"c{n}", "name": group, "entities": [ids[m] for m in group], "provenance": PROV} for n, group in enumerate(chains, 1)]
    return result


# Pradhan et al. (2014): key {a b c} {d e f g}, response {a b} {c d} {f g h i}; plus the singleton x on both sides.
GOLD = layer("d", "abcdefgx", ["abc", "defg"])
PRED = layer("d", "abcdfghix", ["ab", "cd", "fghi"])


def _write(directory: Path, *layers: dict[str, Any]) -> Path:
    directory.mkdir()
    for item in layers:
        (directory / f"{item['doc_id']}.json").write_text(json.dumps(item), encoding="utf-8")
    return directory


def test_chains_are_scored_with_the_hand_computed_figures(tmp_path: Path) -> None:
    """As tests/test_coref.py works them out: MUC R = P = 2/5; B³ R = (35/12 + 1) / 8 = 47/96, P = 5/9; CEAF-e
    R = (13/10 + 1) / 3 = 23/30, P = 23/40 (the singleton x matches itself)."""
    result = evaluate_layer_paths(_write(tmp_path / "gold", GOLD), _write(tmp_path / "pred", PRED), resamples=0)
    chains = result["scores"]["chains"]
    assert chains["documents"] == 1
    assert (chains["muc"]["recall"], chains["muc"]["precision"]) == pytest.approx((2 / 5, 2 / 5))
    assert (chains["bcub"]["recall"], chains["bcub"]["precision"]) == pytest.approx((47 / 96, 5 / 9))
    assert (chains["ceafe"]["recall"], chains["ceafe"]["precision"]) == pytest.approx((23 / 30, 23 / 40))
    assert result["headline"]["chain_conll_f1"] == pytest.approx(chains["conll_f1"])


def test_qawl_evaluate_prints_muc_b3_and_ceaf_e(tmp_path: Path) -> None:
    gold, pred = _write(tmp_path / "gold", GOLD), _write(tmp_path / "pred", PRED)
    run = invoke_qawl("evaluate", "--gold", str(gold), "--pred", str(pred), "--resamples", "10", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    start = lines.index("chains                      P      R     F1   on 1 documents with chains on both sides")
    # B³ F1 = 2·(47/96)(5/9) / (47/96 + 5/9) = 470/903; CEAF-e F1 = 2·(23/30)(23/40) / (23/30 + 23/40) = 23/35
    assert lines[start + 1 : start + 5] == [
        "MUC                     0.400  0.400  0.400",
        "B³                      0.556  0.490  0.520",
        "CEAF-e                  0.575  0.767  0.657",
        f"CoNLL F1 (mean)                       {(0.4 + 470 / 903 + 23 / 35) / 3:.3f}",
    ]
    assert any(line.startswith("  chain_conll_f1") for line in lines)


def test_chains_are_scored_only_where_both_sides_have_them(tmp_path: Path) -> None:
    """d2's prediction has no chains: only d counts. A gold document with no predicted layer at all counts as predicted
    without mentions when the predictions have chains (its mentions are all missed)."""
    gold = _write(tmp_path / "gold", GOLD, layer("d2", "abc", ["abc"]))
    assert evaluate_layer_paths(gold, _write(tmp_path / "pred", PRED, layer("d2", "abc", None)), resamples=0)["scores"]["chains"]["documents"] == 1
    assert "chains" not in evaluate_layer_paths(gold, _write(tmp_path / "plain", layer("d", "abc", None)), resamples=0)["scores"]
    missing = evaluate_layer_paths(gold, _write(tmp_path / "one", PRED), resamples=0)["scores"]["chains"]
    assert missing["documents"] == 2
    assert missing["muc"]["recall"] == pytest.approx(2 / (5 + 2))  # d2's chain of 3 adds 2 to the denominator only


def test_bad_chains_are_listed_and_nothing_is_scored(tmp_path: Path) -> None:
    bad = layer("d", "abcdfghix", ["ab", "cd", "fghi"])
    bad["chains"][0]["entities"].append("e99")  # no such entity
    bad["chains"][2]["entities"].append(bad["chains"][1]["entities"][0])  # c's entity in a second chain
    twin = {**bad["entities"][0], "id": "e50"}  # another entity of a's span, in chain c2
    bad["entities"].append(twin)
    bad["chains"][1]["entities"].append("e50")
    other = {**layer("d2", "ab", None), "chains": [{"id": "c1", "entities": "e1"}]}
    gold = _write(tmp_path / "gold", GOLD, layer("d2", "ab", ["ab"]))
    pred = _write(tmp_path / "pred", bad, other)
    with pytest.raises(EvaluationError) as error:
        evaluate_layer_paths(gold, pred, resamples=0)
    assert [str(problem) for problem in error.value.problems] == [
        f"{pred / 'd.json'}: /chains/0/entities/2: 'e99' is not an entity of the layer",
        f"{pred / 'd.json'}: /chains/1/entities/2: [0, 4) of 'e50' is a mention of chain 'c1' too: a span is in one chain at most",
        f"{pred / 'd.json'}: /chains/2/entities/4: 'e7' is in chain 'c2' too: an entity is in one chain at most",
        f"{pred / 'd2.json'}: /chains/0/entities: expected a list, found \"e1\"",
    ]
    run = invoke_qawl("evaluate", "--gold", str(gold), "--pred", str(pred), cwd=tmp_path)
    assert run.returncode == 2 and run.stdout == ""
    assert f"error: {pred / 'd.json'}: /chains/0/entities/2: 'e99' is not an entity of the layer" in run.stderr
