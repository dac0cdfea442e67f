"""qawl.evaluate: hand-checked numbers, and a cross-check of strict entity F1 against seqeval."""

from __future__ import annotations

import json
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.metrics import classification_report, f1_score, precision_score, recall_score

from qawl.cli import cli
from qawl.evaluate import (
    ENTITY_LABELS,
    EvaluationError,
    entity_labels,
    entity_scores,
    evaluate,
    evaluate_layer_paths,
    evaluate_paths,
    format_table,
    tag_counts,
)

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


# -- validation, seqeval agreement and confidence intervals (issue 21) --------------------------------


def write_layers(directory: Path, *layers: dict[str, Any]) -> Path:
    directory.mkdir()
    for layer in layers:
        (directory / f"{layer['doc_id']}.json").write_text(json.dumps(layer, ensure_ascii=False), encoding="utf-8")
    return directory


def test_unknown_labels_and_a_quote_without_speaker_are_errors_not_dropped(tmp_path: Path) -> None:
    # the case: 12 predicted entities, 11 labelled MISC or org, scored P=1.000 pred=1
    entities = [ent(f"p{n}", "بغداد", ["MISC", "org"][n % 2] if n else "GPE") for n in range(12)]
    speakerless = {k: v for k, v in quote("q1", "العراق يرفض ذلك", "e1", "أحمد الراوي").items() if k != "speaker"}
    pred = {**PRED, "entities": entities, "quotes": [speakerless]}
    gold_dir, pred_dir = write_layers(tmp_path / "gold", GOLD), write_layers(tmp_path / "pred", pred)
    with pytest.raises(EvaluationError) as raised:
        evaluate_paths(gold_dir, pred_dir)
    file = str(pred_dir / "d.json")
    messages = [str(problem) for problem in raised.value.problems]
    assert len(messages) == 12
    assert f"{file}: /entities/1/label: unknown label \"org\" (labels: {', '.join(ENTITY_LABELS)})" in messages
    assert f"{file}: /entities/2/label: unknown label \"MISC\" (labels: {', '.join(ENTITY_LABELS)})" in messages
    assert sum("unknown label" in m for m in messages) == 11
    assert f"{file}: /quotes/0: missing field 'speaker'" in messages


def test_a_predicted_document_not_in_gold_and_a_malformed_layer(tmp_path: Path) -> None:
    gold_dir = write_layers(tmp_path / "gold", GOLD)
    pred_dir = write_layers(tmp_path / "pred", PRED, {**PRED2, "doc_id": "elsewhere"})
    (pred_dir / "broken.json").write_text('{"doc_id": "d", ', encoding="utf-8")
    with pytest.raises(EvaluationError) as raised:
        evaluate_paths(gold_dir, pred_dir)
    assert [str(p) for p in raised.value.problems] == [
        f"{pred_dir}: elsewhere: document 'elsewhere' is not in the gold layers",
        f"{pred_dir / 'broken.json'}: line 1, column 17: invalid JSON: Expecting property name enclosed in double quotes",
    ]


def test_the_evaluate_command_lists_the_problems_and_exits_2(tmp_path: Path) -> None:
    pred = {**PRED, "entities": [{**e, "label": "MISC"} for e in PRED["entities"]]}
    gold_dir, pred_dir = write_layers(tmp_path / "gold", GOLD), write_layers(tmp_path / "pred", pred)
    result = CliRunner().invoke(cli, ["evaluate", "--gold", str(gold_dir), "--pred", str(pred_dir)])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        *(f"error: {pred_dir / 'd.json'}: /entities/{n}/label: unknown label \"MISC\" (labels: {', '.join(ENTITY_LABELS)})" for n in range(4)),
        "nothing scored: 4 problem(s)",
    ]


def test_bootstrap_intervals_over_documents_are_seeded_and_hand_checked(tmp_path: Path) -> None:
    gold_dir = write_layers(tmp_path / "gold", GOLD, GOLD2)
    pred_dir = write_layers(tmp_path / "pred", PRED, PRED2)
    result = evaluate_layer_paths(gold_dir, pred_dir, resamples=1000, seed=7)
    # quote F1 of a resample: d twice 1.0 (2/2 found, 2 predicted), d2 twice 0.4, one of each 0.667 (tp 3, pred 4, gold 5):
    # 1/4 of the resamples are (d2, d2), so the 2.5% point is 0.4, and 1/4 are (d, d), so the 97.5% point is 1.0
    assert result["headline"]["quote_f1"] == pytest.approx(2 * (3 / 4) * (3 / 5) / (3 / 4 + 3 / 5))
    assert result["confidence_intervals"]["quote_f1"] == pytest.approx([0.4, 1.0])
    assert result["confidence_intervals"]["speaker_accuracy"] == pytest.approx([0.5, 1.0])
    assert result["documents"] == 2 and result["gold"]["rows"] == 2
    assert evaluate_layer_paths(gold_dir, pred_dir, resamples=1000, seed=7) == result
    # 20 resamples drawn by random.Random(7) hold one (d2, d2): the 2.5% point lies 0.475 of the way from 0.4 to 0.667
    few = evaluate_layer_paths(gold_dir, pred_dir, resamples=20, seed=7)["confidence_intervals"]["quote_f1"]
    assert few == pytest.approx([0.4 + (2 / 3 - 0.4) * 0.475, 1.0])
    assert evaluate_layer_paths(gold_dir, pred_dir, resamples=20, seed=8)["confidence_intervals"]["quote_f1"] == pytest.approx([0.4, 1.0])


iob2 = st.lists(st.sampled_from(["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC"]), min_size=0, max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(iob2, iob2), min_size=1, max_size=6))
def test_strict_scores_equal_seqeval_on_random_tags(sentences: list[tuple[list[str], list[str]]]) -> None:
    pairs = [(g, (p + ["O"] * len(g))[: len(g)]) for g, p in sentences]
    gold, pred = [g for g, _ in pairs], [p for _, p in pairs]
    labels = entity_labels(["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"])
    counts = sum((tag_counts(g, p, labels) for g, p in pairs), Counter())
    strict = entity_scores(counts, labels)["strict"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # seqeval warns on labels without gold or predictions
        report = classification_report(gold, pred, output_dict=True, zero_division=0)
        assert strict["ALL"]["precision"] == pytest.approx(precision_score(gold, pred, zero_division=0))
        assert strict["ALL"]["recall"] == pytest.approx(recall_score(gold, pred, zero_division=0))
        assert strict["ALL"]["f1"] == pytest.approx(f1_score(gold, pred, zero_division=0))
    for label in labels:
        if label in report:
            ours = strict.get(label, {"precision": 0.0, "recall": 0.0, "f1": 0.0, "gold": 0})
            assert (ours["precision"], ours["recall"], ours["f1"], ours["gold"]) == pytest.approx(
                (report[label]["precision"], report[label]["recall"], report[label]["f1-score"], report[label]["support"])
            )
        else:
            assert label not in strict or strict[label]["gold"] == strict[label]["pred"] == 0
