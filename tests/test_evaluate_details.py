"""Per-label precision/recall and confusion tables of `qawl evaluate` on annotation layers, checked by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from qawl.evaluate import EvaluationError, evaluate_layer_paths, format_details
from tests.conftest import REPO, invoke_qawl


def ent(n: int, start: int, label: str) -> dict[str, Any]:
    return {"id": f"e{n}", "start": start, "end": start + 5, "label": label}


def quote(n: int, content: tuple[int, int], kind: str, speaker: str, mention: tuple[int, int] | None = None) -> dict[str, Any]:
    return {"id": f"q{n}", "type": kind, "content": {"start": content[0], "end": content[1]},
            "speaker": {"kind": speaker, "mention": {"start": mention[0], "end": mention[1]} if mention else None, "entity": None}}


def stance(quote_id: str, target: str, label: str) -> dict[str, Any]:
    return {"target": target, "label": label, "evidence": {"quote": quote_id}}


# d1: entities. Same span, gold label first (e8 is the gold LOC's twin, e7 a spurious GPE on the same span).
GOLD_D1 = {"doc_id": "d1", "quotes": [], "stance": [],
           "entities": [ent(1, 0, "PERSON"), ent(2, 10, "PERSON"), ent(3, 20, "ORG"), ent(4, 30, "GPE"), ent(5, 40, "GPE"), ent(6, 70, "LOC")]}
PRED_D1 = {"doc_id": "d1", "quotes": [], "stance": [],
           "entities": [ent(1, 0, "PERSON"), ent(2, 10, "ORG"), ent(3, 20, "ORG"), ent(4, 30, "GPE"), ent(5, 50, "GPE"),
                        ent(6, 60, "PERSON"), ent(7, 70, "GPE"), ent(8, 70, "LOC")]}
# d2: one missed GPE, quotes and stance.
GOLD_D2 = {
    "doc_id": "d2",
    "entities": [ent(1, 0, "GPE")],
    "quotes": [quote(1, (100, 120), "direct", "named", (80, 90)), quote(2, (130, 150), "indirect", "anonymous", (125, 128)),
               quote(3, (160, 180), "indirect", "unknown"), quote(4, (200, 220), "mixed", "named", (190, 195))],
    "stance": [stance("q1", "t1", "FAVOR"), stance("q2", "t1", "AGAINST"), stance("q3", "t2", "NONE"), stance("q4", "t2", "AGAINST"),
               stance("q3", "t1", "NONE")],
}
PRED_D2 = {
    "doc_id": "d2",
    "entities": [],
    "quotes": [quote(1, (105, 118), "direct", "named", (80, 90)), quote(2, (131, 150), "direct", "named", (125, 128)),
               quote(3, (165, 170), "indirect", "unknown"), quote(4, (300, 310), "indirect", "anonymous", (295, 299))],
    "stance": [stance("q1", "t1", "FAVOR"), stance("q2", "t1", "FAVOR"), stance("q3", "t2", "AGAINST"), stance("q4", "t1", "FAVOR")],
}


def _write(directory: Path, *layers: dict[str, Any]) -> Path:
    directory.mkdir()
    for layer in layers:
        (directory / f"{layer['doc_id']}.json").write_text(json.dumps(layer), encoding="utf-8")
    return directory


@pytest.fixture
def paths(tmp_path: Path) -> tuple[Path, Path]:
    return _write(tmp_path / "gold", GOLD_D1, GOLD_D2), _write(tmp_path / "pred", PRED_D1, PRED_D2)


def _counts(scores: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    return {label: (s["tp"], s["pred"], s["gold"]) for label, s in scores.items()}


def test_entity_confusion_and_per_label_counts_by_hand(paths: tuple[Path, Path]) -> None:
    """Span-matched mentions: e1 PERSON→PERSON, e2 PERSON→ORG, e3 ORG→ORG, e4 GPE→GPE, e6 LOC→LOC (the LOC twin
    is taken before the GPE listed first on that span); missed: d1 e5 and d2 e1, both GPE; spurious: e5 GPE at 50,
    e6 PERSON at 60, e7 GPE at 70.
    PERSON: 1 correct of 2 predicted (e1, e6), of 2 gold → P 1/2, R 1/2; ORG: 1 of 2 predicted (e2, e3), of 1 gold
    → P 1/2, R 1; GPE: 1 of 3 predicted (e4, e5, e7), of 3 gold → P 1/3, R 1/3; LOC 1 of 1 of 1."""
    details = evaluate_layer_paths(*paths, resamples=0)["details"]["entities"]
    assert details["confusion"] == {
        "PERSON": {"PERSON": 1, "ORG": 1, "spurious": 1},
        "ORG": {"ORG": 1},
        "GPE": {"GPE": 1, "missed": 2, "spurious": 2},
        "LOC": {"LOC": 1},
    }
    assert _counts(details["labels"]) == {"PERSON": (1, 2, 2), "ORG": (1, 2, 1), "GPE": (1, 3, 3), "LOC": (1, 1, 1)}
    assert details["labels"]["ORG"]["precision"] == 0.5 and details["labels"]["ORG"]["recall"] == 1.0


def test_the_confusion_diagonal_is_the_strict_score(paths: tuple[Path, Path]) -> None:
    result = evaluate_layer_paths(*paths, resamples=0)
    strict = {label: s for label, s in result["scores"]["entities"]["strict"].items() if label != "ALL"}
    assert _counts(result["details"]["entities"]["labels"]) == _counts(strict)


def test_quote_type_and_speaker_kind_confusion_by_hand(paths: tuple[Path, Path]) -> None:
    """Quotes matched by overlapping content: q1 direct→direct, q2 indirect→direct, q3 indirect→indirect; gold q4
    (mixed) missed, predicted q4 (indirect) spurious. direct: 1 correct of 2 predicted, of 1 gold → P 1/2, R 1;
    indirect: 1 of 2 (q3, q4), of 2 → P 1/2, R 1/2; mixed: 0 of 0, of 1.
    Speakers of the matched quotes: named→named, anonymous→named, unknown→unknown."""
    details = evaluate_layer_paths(*paths, resamples=0)["details"]
    types = details["quote_types"]
    assert types["confusion"] == {"direct": {"direct": 1}, "indirect": {"direct": 1, "indirect": 1, "spurious": 1}, "mixed": {"missed": 1}}
    assert _counts(types["labels"]) == {"direct": (1, 2, 1), "indirect": (1, 2, 2), "mixed": (0, 0, 1)}
    assert details["speaker_kinds"]["confusion"] == {"named": {"named": 1}, "anonymous": {"named": 1}, "unknown": {"unknown": 1}}


def test_stance_confusion_per_label_and_per_target_by_hand(paths: tuple[Path, Path]) -> None:
    """The five gold records: (q1, t1) FAVOR→FAVOR, (q2, t1) AGAINST→FAVOR, (q3, t2) NONE→AGAINST, (q4, t2) AGAINST→NONE
    (its quote was not found), (q3, t1) NONE→NONE (nothing predicted); the prediction on the spurious quote counts for
    nothing. FAVOR: 1 of 2 predicted, of 1 gold → P 1/2, R 1; AGAINST: 0 of 1, of 2; NONE: 1 of 2, of 2.
    t1: 3 records, 2 correct, F1(FAVOR) 2/3, F1(AGAINST) 0 → F_avg 1/3; t2: 2 records, none correct, F_avg 0."""
    result = evaluate_layer_paths(*paths, resamples=0)
    details = result["details"]["stance"]
    assert details["confusion"] == {"FAVOR": {"FAVOR": 1}, "AGAINST": {"FAVOR": 1, "NONE": 1}, "NONE": {"AGAINST": 1, "NONE": 1}}
    assert _counts(details["labels"]) == {"FAVOR": (1, 2, 1), "AGAINST": (0, 1, 2), "NONE": (1, 2, 2)}
    assert details["targets"]["t1"]["records"] == 3 and details["targets"]["t1"]["f_avg"] == pytest.approx(1 / 3)
    assert details["targets"]["t2"] == {"records": 2, "f_avg": 0.0, "confusion": {"NONE": {"AGAINST": 1}, "AGAINST": {"NONE": 1}}}
    assert result["scores"]["stance"]["macro_f1"] == pytest.approx(1 / 3)  # the headline F_avg agrees


def test_qawl_evaluate_details_prints_the_tables(paths: tuple[Path, Path], tmp_path: Path) -> None:
    gold, pred = paths
    run = invoke_qawl("evaluate", "--gold", str(gold), "--pred", str(pred), "--resamples", "0", "--details", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.endswith(format_details(evaluate_layer_paths(gold, pred, resamples=0)["details"]) + "\n")
    tables = run.stdout.rstrip("\n").split("\n\n")
    assert "entity labels over same-span mentions (rows gold, columns predicted)\n" + "\n".join([
        "gold \\ predicted  PERSON  ORG  GPE  LOC  missed  spurious",
        "PERSON                 1    1    0    0       0         1",
        "ORG                    0    1    0    0       0         0",
        "GPE                    0    0    1    0       2         2",
        "LOC                    0    0    0    1       0         0",
    ]) in tables
    assert "stance per target\n" + "\n".join([
        "target  records  correct  F_avg",
        "t1            3        2  0.333",
        "t2            2        0  0.000",
    ]) in tables
    plain = invoke_qawl("evaluate", "--gold", str(gold), "--pred", str(pred), "--resamples", "0", cwd=tmp_path)
    assert "spurious" not in plain.stdout and run.stdout.startswith(plain.stdout.rstrip("\n"))


def test_an_unknown_quote_type_is_an_error_not_a_new_row(paths: tuple[Path, Path]) -> None:
    gold, pred = paths
    layer = json.loads((pred / "d2.json").read_text(encoding="utf-8"))
    layer["quotes"][1]["type"] = "reported"
    (pred / "d2.json").write_text(json.dumps(layer), encoding="utf-8")
    with pytest.raises(EvaluationError) as error:
        evaluate_layer_paths(gold, pred, resamples=0)
    assert [str(p) for p in error.value.problems] == [
        f"{pred / 'd2.json'}: /quotes/1/type: unknown label \"reported\" (labels: direct, indirect, mixed)"
    ]


def test_details_on_a_published_corpus_is_a_usage_error(tmp_path: Path) -> None:
    pred = tmp_path / "ner.jsonl"
    pred.write_text('{"id": "x", "ner_tags": []}\n', encoding="utf-8")
    run = invoke_qawl("evaluate", "--gold", str(REPO / "corpus"), "--config", "ner", "--split", "train", "--pred", str(pred), "--details", cwd=tmp_path)
    assert run.returncode == 2 and run.stdout == ""
    assert "--details prints the tables of annotation layers: --gold must be layers, not a published corpus/" in run.stderr
