"""qawl.evaluate: hand-checked numbers, and a cross-check of strict entity F1 against seqeval."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from seqeval.metrics import f1_score

from qawl.evaluate import evaluate, evaluate_paths, format_table

TEXT = "قال أحمد الراوي في بغداد إن العراق يرفض ذلك، مؤكداً أن واشنطن تعرف."
PROV = {"source": "manual", "status": "gold", "annotator": "t", "time": "2025-01-01T00:00:00Z"}


def span(text: str, start: int | None = None) -> dict[str, Any]:
    s = TEXT.index(text) if start is None else start
    return {"start": s, "end": s + len(text), "text": text}


def ent(eid: str, text: str, label: str) -> dict[str, Any]:
    return {"id": eid, **span(text), "label": label, "provenance": PROV}


def quote(qid: str, content: str, speaker_entity: str | None, mention: str) -> dict[str, Any]:
    return {
        "id": qid, "type": "indirect", "content": span(content), "cue": None, "outlet": None, "provenance": PROV,
        "speaker": {"kind": "named", "mention": span(mention), "entity": speaker_entity},
    }


def stance(sid: str, qid: str, label: str) -> dict[str, Any]:
    return {"id": sid, "target": "t", "label": label, "holder": {"kind": "speaker", "quote": qid},
            "evidence": {"quote": qid, "span": None}, "provenance": PROV}


GOLD = {
    "doc_id": "d",
    "entities": [ent("e1", "أحمد الراوي", "PERSON"), ent("e2", "بغداد", "GPE"), ent("e3", "العراق", "GPE"), ent("e4", "واشنطن", "GPE")],
    "quotes": [quote("q1", "العراق يرفض ذلك", "e1", "أحمد الراوي"), quote("q2", "واشنطن تعرف", "e1", "أحمد الراوي")],
    "stance": [stance("s1", "q1", "AGAINST"), stance("s2", "q2", "FAVOR")],
}
PRED = {
    "doc_id": "d",
    "entities": [ent("e1", "أحمد الراوي", "PERSON"), ent("e2", "بغداد", "ORG"), ent("e3", "العراق يرفض", "GPE"), ent("e4", "واشنطن", "GPE")],
    "quotes": [quote("q1", "يرفض ذلك", "e1", "أحمد الراوي"), quote("q2", "تعرف", "e2", "بغداد")],
    "stance": [stance("s1", "q1", "AGAINST"), stance("s2", "q2", "NONE")],
}


def char_bio(layer: dict[str, Any]) -> list[str]:
    tags = ["O"] * len(TEXT)
    for e in layer["entities"]:
        tags[e["start"]] = f"B-{e['label']}"
        for i in range(e["start"] + 1, e["end"]):
            tags[i] = f"I-{e['label']}"
    return tags


def test_hand_checked_scores() -> None:
    report = evaluate(GOLD, PRED)
    strict, partial = report["entities"]["strict"]["ALL"], report["entities"]["partial"]["ALL"]
    assert (strict["tp"], strict["pred"], strict["gold"]) == (2, 4, 4)
    assert partial["tp"] == 3  # العراق يرفض overlaps العراق; بغداد has the wrong label
    assert report["quotes"]["f1"] == 1.0
    assert report["speaker_accuracy"] == 0.5
    assert report["stance"]["AGAINST"]["f1"] == 1.0 and report["stance"]["FAVOR"]["f1"] == 0.0
    assert report["stance"]["macro_f1"] == 0.5


def test_strict_entity_f1_agrees_with_seqeval() -> None:
    report = evaluate(GOLD, PRED)
    expected = f1_score([char_bio(GOLD)], [char_bio(PRED)])
    assert report["entities"]["strict"]["ALL"]["f1"] == pytest.approx(expected)


def test_corpus_level_over_directories_and_table(tmp_path: Path) -> None:
    (tmp_path / "gold").mkdir()
    (tmp_path / "pred").mkdir()
    (tmp_path / "gold" / "d.json").write_text(json.dumps(GOLD), encoding="utf-8")
    (tmp_path / "pred" / "d.json").write_text(json.dumps(PRED), encoding="utf-8")
    report = evaluate_paths(tmp_path / "gold", tmp_path / "pred")
    assert report["documents"] == 1
    assert report["entities"]["strict"]["ALL"]["f1"] == evaluate(GOLD, PRED)["entities"]["strict"]["ALL"]["f1"]
    table = format_table(report)
    assert "strict ALL" in table and "stance macro-F1" in table


def test_mismatched_documents_are_refused() -> None:
    with pytest.raises(ValueError):
        evaluate(GOLD, {**PRED, "doc_id": "other"})
