"""The card's Baseline section: per-label and confusion tables for each evaluation set, as `qawl evaluate --details` gives them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from qawl.annotate import preannotator
from qawl.baseline import baseline_report
from qawl.card import render_baseline
from qawl.evaluate import evaluate_layer_paths
from qawl.project import Project
from tests.conftest import REPO
from tests.test_evaluate_details import GOLD_D1, GOLD_D2, PRED_D1, PRED_D2, _write


def test_each_set_s_tables_are_rendered_as_markdown(tmp_path: Path) -> None:
    """The hand-checked example of test_evaluate_details, as the card shows it: under the headline table, one folded
    block per set with its tables, numbers as `qawl evaluate --details` prints them."""
    details = evaluate_layer_paths(_write(tmp_path / "gold", GOLD_D1, GOLD_D2), _write(tmp_path / "pred", PRED_D1, PRED_D2), resamples=0)["details"]
    headline = {"documents": 2, "scores": {"quote_f1": 0.75}, "ci95": {"quote_f1": [0.5, 1.0]}, "details": details}
    card = render_baseline({"devset_scored": headline})
    blocks = card.split("\n\n")
    assert blocks[0] == "| measure | `devset_scored` (2 documents) |\n|---|---|\n| `quote_f1` | 0.750 [0.500, 1.000] |"
    assert blocks[1] == "<details><summary><code>devset_scored</code>: per label and confusion tables</summary>"
    assert blocks[-1] == "</details>"
    assert "\n".join([
        "| label | gold | pred | P | R | F1 |",
        "|---|--:|--:|--:|--:|--:|",
        "| PERSON | 2 | 2 | 0.500 | 0.500 | 0.500 |",
        "| ORG | 1 | 2 | 0.500 | 1.000 | 0.667 |",
        "| GPE | 3 | 3 | 0.333 | 0.333 | 0.333 |",
        "| LOC | 1 | 1 | 1.000 | 1.000 | 1.000 |",
    ]) in blocks
    assert "\n".join([
        "| gold \\ predicted | FAVOR | AGAINST | NONE |",
        "|---|--:|--:|--:|",
        "| FAVOR | 1 | 0 | 0 |",
        "| AGAINST | 1 | 0 | 1 |",
        "| NONE | 0 | 1 | 1 |",
    ]) in blocks
    assert "| direct | indirect | mixed | missed | spurious |" in card and "| named | anonymous | unknown |" in card


def test_the_baseline_s_tables_are_those_of_qawl_evaluate_on_the_same_articles(tmp_path: Path) -> None:
    """The devset part's tables in the baseline are computed by the evaluate module from the same layers: the same
    as `evaluate_layer_paths` of the pre-annotator's layers against the gold ones."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "schema", root / "schema")
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "annotations", root / "annotations", ignore=shutil.ignore_patterns("devset", "passes"))
    scored = root / "annotations" / "devset" / "scored"
    scored.mkdir(parents=True)
    for doc_id in ("dev_eg_04", "dev_wire_01"):
        for suffix in (".txt", ".json"):
            shutil.copy(REPO / "annotations" / "devset" / "scored" / f"{doc_id}{suffix}", scored)
    project = Project(root)
    preannotate = preannotator(project.annotations)
    report = baseline_report(project, preannotate)
    predictions = tmp_path / "predictions"
    predictions.mkdir()
    for text in sorted(scored.glob("*.txt")):
        layer = preannotate(text.stem, text.read_text(encoding="utf-8"), "0" * 64)
        (predictions / f"{text.stem}.json").write_text(json.dumps(layer, ensure_ascii=False), encoding="utf-8")
    expected = evaluate_layer_paths(scored, predictions, resamples=0)["details"]
    assert report["devset_scored"]["details"] == expected
    gold_entities = sum(len(json.loads(path.read_text(encoding="utf-8"))["entities"]) for path in scored.glob("*.json"))
    assert sum(s["gold"] for s in expected["entities"]["labels"].values()) == gold_entities


def test_a_measure_only_some_sets_have_gets_a_dash_in_the_others() -> None:
    """Chains are scored where gold and predictions both have them: a set without gets `—`, not a KeyError."""
    with_chains = {"documents": 1, "scores": {"quote_f1": 1.0, "chain_conll_f1": 0.5}, "ci95": {"quote_f1": [1.0, 1.0], "chain_conll_f1": [0.5, 0.5]}}
    without = {"documents": 3, "scores": {"quote_f1": 0.5}, "ci95": {"quote_f1": [0.25, 0.75]}}
    assert render_baseline({"devset_tune": without, "gold_corpus": with_chains}).splitlines()[2:] == [
        "| `quote_f1` | 0.500 [0.250, 0.750] | 1.000 [1.000, 1.000] |",
        "| `chain_conll_f1` | — | 0.500 [0.500, 0.500] |",
    ]
