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


# A second hand-checked fixture where precision and recall differ everywhere they are reported.
TEXT2 = "أعلن وزير المالية سعيد الكبيسي أن الموازنة ستقر قريبا. وقالت النائبة ليلى حسن إن الحكومة تأخرت. وأضاف الكبيسي أن الرواتب مضمونة."


def span2(text: str, after: str = "") -> dict[str, Any]:
    start = TEXT2.index(text, TEXT2.index(after) + len(after) if after else 0)
    return {"start": start, "end": start + len(text), "text": text}


def ent2(eid: str, text: str, label: str, after: str = "") -> dict[str, Any]:
    return {"id": eid, **span2(text, after), "label": label, "provenance": PROV}


def quote2(qid: str, content: str, mention: str, entity: str | None, mention_after: str = "") -> dict[str, Any]:
    return {
        "id": qid, "type": "indirect", "content": span2(content), "cue": None, "outlet": None, "provenance": PROV,
        "speaker": {"kind": "named", "mention": span2(mention, mention_after), "entity": entity},
    }


def stance2(sid: str, qid: str, label: str) -> dict[str, Any]:
    return {"id": sid, "target": "t", "label": label, "holder": {"kind": "speaker", "quote": qid},
            "evidence": {"quote": qid, "span": None}, "provenance": PROV}


# 3 gold quotes, 2 predicted, 1 right; 3 gold PERSONs, 2 predicted, 1 exact and 1 overlapping;
# 2 gold FAVOR records, 1 predicted (on the matched quote).
GOLD2 = {
    "doc_id": "d2",
    "entities": [ent2("e1", "سعيد الكبيسي", "PERSON"), ent2("e2", "ليلى حسن", "PERSON"), ent2("e3", "الكبيسي", "PERSON", after="وأضاف ")],
    "quotes": [
        quote2("q1", "الموازنة ستقر قريبا", "سعيد الكبيسي", "e1"),
        quote2("q2", "الحكومة تأخرت", "ليلى حسن", "e2"),
        quote2("q3", "الرواتب مضمونة", "الكبيسي", "e3", mention_after="وأضاف "),
    ],
    "stance": [stance2("s1", "q1", "FAVOR"), stance2("s2", "q3", "FAVOR")],
}
PRED2 = {
    "doc_id": "d2",
    # the speaker of p1 is named by its title (وزير المالية), which does not overlap the gold
    # mention; its entity (سعيد الكبيسي) does, so the speaker is right
    "entities": [ent2("p_e1", "سعيد الكبيسي", "PERSON"), ent2("p_e2", "النائبة ليلى", "PERSON")],
    "quotes": [quote2("p1", "الموازنة ستقر", "وزير المالية", "p_e1"), quote2("p2", "النائبة ليلى حسن", "ليلى حسن", "p_e2")],
    "stance": [stance2("p_s1", "p1", "FAVOR")],
}


def test_precision_and_recall_are_not_swapped() -> None:
    report = evaluate(GOLD2, PRED2)
    quotes = report["quotes"]
    assert (quotes["tp"], quotes["pred"], quotes["gold"]) == (1, 2, 3)
    assert quotes["precision"] == pytest.approx(1 / 2) and quotes["recall"] == pytest.approx(1 / 3)
    assert quotes["f1"] == pytest.approx(0.4)
    strict, partial = report["entities"]["strict"]["PERSON"], report["entities"]["partial"]["PERSON"]
    assert (strict["precision"], strict["recall"]) == pytest.approx((1 / 2, 1 / 3))
    assert (partial["precision"], partial["recall"]) == pytest.approx((1.0, 2 / 3))  # النائبة ليلى overlaps ليلى حسن
    favor = report["stance"]["FAVOR"]
    assert (favor["precision"], favor["recall"], favor["f1"]) == pytest.approx((1.0, 1 / 2, 2 / 3))
    assert report["stance"]["macro_f1"] == pytest.approx(1 / 3) and report["stance"]["records"] == 2
    assert report["matched_quotes"] == 1 and report["speaker_accuracy"] == 1.0  # by the entity's span
    table = format_table(report)
    assert "quotes (overlap)        0.500  0.333  0.400     3     2" in table
    assert "strict PERSON           0.500  0.333  0.400     3     2" in table


def test_speaker_agreement_is_on_the_speaker_span_not_the_content() -> None:
    # the contents overlap, the speakers do not: the quote is found, its speaker is wrong
    gold = {"doc_id": "d2", "entities": [], "stance": [], "quotes": [quote2("q2", "الحكومة تأخرت", "ليلى حسن", None)]}
    gold["quotes"][0]["speaker"]["kind"] = "anonymous"
    wrong = {**gold, "quotes": [quote2("p2", "الحكومة تأخرت", "سعيد الكبيسي", None)]}
    wrong["quotes"][0]["speaker"]["kind"] = "anonymous"
    assert evaluate(gold, wrong)["speaker_accuracy"] == 0.0
    right = {**gold, "quotes": [quote2("p2", "الحكومة", "النائبة ليلى", None)]}
    right["quotes"][0]["speaker"]["kind"] = "anonymous"
    assert evaluate(gold, right)["speaker_accuracy"] == 1.0
    unknown = {**gold, "quotes": [{**quote2("p2", "الحكومة تأخرت", "ليلى حسن", None), "speaker": {"kind": "unknown", "mention": None, "entity": None}}]}
    assert evaluate(gold, unknown)["speaker_accuracy"] == 0.0  # an unknown speaker is right only against an unknown one


def test_a_gold_document_without_a_prediction_counts_its_gold_as_missed(tmp_path: Path) -> None:
    (tmp_path / "gold").mkdir()
    (tmp_path / "pred").mkdir()
    (tmp_path / "gold" / "d.json").write_text(json.dumps(GOLD), encoding="utf-8")
    (tmp_path / "gold" / "d2.json").write_text(json.dumps(GOLD2), encoding="utf-8")
    (tmp_path / "pred" / "d.json").write_text(json.dumps(PRED), encoding="utf-8")  # no prediction for d2
    report = evaluate_paths(tmp_path / "gold", tmp_path / "pred")
    assert report["documents"] == 2
    quotes = report["quotes"]
    assert (quotes["tp"], quotes["pred"], quotes["gold"]) == (2, 2, 5)
    assert quotes["precision"] == 1.0 and quotes["recall"] == pytest.approx(2 / 5)
    strict = report["entities"]["strict"]["ALL"]
    assert (strict["tp"], strict["pred"], strict["gold"]) == (2, 4, 7)
    assert report["stance"]["records"] == 4 and report["stance"]["FAVOR"]["recall"] == pytest.approx(0 / 3)
