"""qawl.evaluate: what the mutants that survived tests/test_evaluate*.py changed (scripts/mutation.py, docs/mutation.md).

The reports people read, pinned in full; the quotes config's speaker rule on rows; the layer report's identifiers.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from qawl.evaluate import (
    EvaluationError,
    GoldSplit,
    Nullable,
    check,
    corpus_task,
    decode_feature,
    evaluate,
    evaluate_layer_paths,
    evaluate_paths,
    evaluate_split,
    format_report,
    format_table,
    label_name,
    quote_counts,
    read_conll,
    report,
    score_split,
)
from qawl.schema import Problem
from tests.conftest import REPO, invoke_qawl
from tests.test_evaluate import GOLD, GOLD2, PRED, PRED2, write_layers
from tests.test_evaluate_corpus import built, miss_org_and_call_gpe_loc, rows, write_jsonl  # noqa: F401  (fixture)

TABLE_OF_GOLD_AND_PRED = """\
documents: 1

entities                    P      R     F1  gold  pred
strict PERSON           1.000  1.000  1.000     1     1
strict ORG              0.000  0.000  0.000     0     1
strict GPE              0.500  0.333  0.400     3     2
strict ALL              0.500  0.500  0.500     4     4
partial PERSON          1.000  1.000  1.000     1     1
partial ORG             0.000  0.000  0.000     0     1
partial GPE             1.000  0.667  0.800     3     2
partial ALL             0.750  0.750  0.750     4     4

quotes (overlap)        1.000  1.000  1.000     2     2
speaker accuracy        0.500   on 2 matched quotes
quotes (exact extent)   0.000  0.000  0.000     2     2
quoted characters       1.000  0.462  0.632    26    12
quote type accuracy     1.000
stance macro-F1         0.500   (F1 FAVOR 0.000, AGAINST 1.000; 2 gold records)"""


def test_the_table_of_one_document_reads_as_hand_checked() -> None:
    report = evaluate(GOLD, PRED)
    assert report["documents"] == 1
    assert format_table(report) == TABLE_OF_GOLD_AND_PRED


def test_a_prediction_for_another_document_is_refused_naming_both() -> None:
    with pytest.raises(ValueError, match=r"^gold is 'd' but pred is 'other'$"):
        evaluate(GOLD, {**PRED, "doc_id": "other"})


def canonical_sha256(*layers: dict) -> str:
    lines = (json.dumps(layer, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n" for layer in layers)
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def test_the_layer_report_names_the_dataset_the_gold_and_the_prediction_file(tmp_path: Path) -> None:
    (tmp_path / "schema").mkdir()
    dataset = json.loads((REPO / "schema" / "dataset.json").read_text(encoding="utf-8")) | {"version": "0.1.0", "schema_version": "1.1.0"}
    (tmp_path / "schema" / "dataset.json").write_text(json.dumps(dataset), encoding="utf-8")  # pinned: the report names them
    gold = write_layers(tmp_path / "annotations", GOLD2, GOLD)
    pred = tmp_path / "d.json"
    pred.write_text(json.dumps(PRED), encoding="utf-8")
    result = evaluate_layer_paths(gold, pred, resamples=20, seed=7)
    gold_sha256 = canonical_sha256(GOLD, GOLD2)  # sorted by doc_id: d, d2
    assert result["dataset"] == {"name": "qawl", "version": "0.1.0", "schema_version": "1.1.0"}
    assert result["gold"] == {"config": "annotation layers", "split": None, "rows": 2, "sha256": gold_sha256}
    assert result["predictions"] == {"file": "d.json", "sha256": hashlib.sha256(pred.read_bytes()).hexdigest()}
    # d2 has no prediction: its gold counts as missed; the interval's low ends are the one (d2, d2) resample of the
    # 20 drawn by random.Random(7) (all zero), 0.475 of the way to the next lowest, e.g. quote F1 0.571 × 0.475
    assert format_report(result) == f"""\
dataset: qawl 0.1.0 (schema 1.1.0)
gold: annotation layers, 2 rows, 2 documents, sha256 {gold_sha256}

documents: 2

entities                    P      R     F1  gold  pred
strict PERSON           1.000  0.250  0.400     4     1
strict ORG              0.000  0.000  0.000     0     1
strict GPE              0.500  0.333  0.400     3     2
strict ALL              0.500  0.286  0.364     7     4
partial PERSON          1.000  0.250  0.400     4     1
partial ORG             0.000  0.000  0.000     0     1
partial GPE             1.000  0.667  0.800     3     2
partial ALL             0.750  0.429  0.545     7     4

quotes (overlap)        1.000  0.400  0.571     5     2
speaker accuracy        0.500   on 2 matched quotes
quotes (exact extent)   0.000  0.000  0.000     5     2
quoted characters       1.000  0.167  0.286    72    12
quote type accuracy     1.000
stance macro-F1         0.500   (F1 FAVOR 0.000, AGAINST 1.000; 4 gold records)

95% confidence intervals (percentile bootstrap over documents, 20 resamples, random.Random(7)):
  entity_precision_strict   0.500  [0.238, 0.500]
  entity_recall_strict      0.286  [0.136, 0.500]
  entity_f1_strict          0.364  [0.173, 0.500]
  entity_f1_partial         0.545  [0.259, 0.750]
  quote_f1                  0.571  [0.271, 1.000]
  speaker_accuracy          0.500  [0.238, 0.500]
  quote_exact_f1            0.000  [0.000, 0.000]
  quoted_characters_f1      0.286  [0.136, 0.632]
  stance_f_avg              0.500  [0.238, 0.500]"""


def quote_row(sentence_id: str, start: int, end: int, kind: str, mention: tuple[int, int] | None) -> dict:
    speaker_mention = {"sentence_id": sentence_id, "start": mention[0], "end": mention[1]} if mention else None
    return {"sentence_id": sentence_id, "content": {"start": start, "end": end}, "speaker_kind": kind, "speaker_mention": speaker_mention}


def test_quote_rows_speakers_unknown_on_both_sides_agree_and_unknown_against_named_does_not(tmp_path: Path) -> None:
    sentences = {
        "s1": {"sentence_id": "s1", "doc_id": "d", "text": "قال الوزير إن الموازنة ستقر قريبا."},
        "s2": {"sentence_id": "s2", "doc_id": "d", "text": "وقيل إن الحكومة تأخرت كثيرا."},
    }
    gold_rows = [
        {**quote_row("s1", 14, 27, "named", (4, 10)), "id": "q1", "doc_id": "d"},
        {**quote_row("s2", 8, 21, "unknown", None), "id": "q2", "doc_id": "d"},
    ]
    gold = GoldSplit("quotes", "train", gold_rows, {}, {}, "")

    def speakers_right(*rows: dict) -> int:
        pred = tmp_path / "pred.jsonl"
        pred.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
        counts = quote_counts(gold, pred, sentences)["d"]
        assert (counts["quote:tp"], counts["speaker:total"]) == (len(rows), len(rows))
        return counts["speaker:correct"]

    assert speakers_right(quote_row("s2", 8, 15, "unknown", None)) == 1
    assert speakers_right(quote_row("s1", 14, 22, "unknown", None)) == 0
    assert speakers_right(quote_row("s1", 14, 22, "anonymous", (0, 3))) == 0  # قال is not the gold mention الوزير
    assert speakers_right(quote_row("s1", 14, 22, "anonymous", (4, 8))) == 1


def test_each_way_a_prediction_differs_from_its_spec_is_named_with_its_place() -> None:
    spec = {"id": str, "n": int, "tags": [("A", "B")], "span": Nullable({"start": int}), "where": {"x": int}}
    value = {"id": 7, "n": True, "tags": ["A", "C", 1], "span": {"start": "0"}, "where": [1]}
    assert [str(p) for p in check(value, spec, "f.jsonl", "line 3")] == [
        "f.jsonl: line 3 /id: expected a string, found 7",
        "f.jsonl: line 3 /n: expected an integer, found true",
        'f.jsonl: line 3 /tags/1: unknown label "C" (labels: A, B)',
        "f.jsonl: line 3 /tags/2: unknown label 1 (labels: A, B)",
        'f.jsonl: line 3 /span/start: expected an integer, found "0"',
        "f.jsonl: line 3 /where: expected an object, found [1]",
    ]
    assert check({"id": "a", "n": 1, "tags": [], "span": None, "where": {"x": 0}, "more": 1}, spec, "f") == []
    assert [str(p) for p in check({"tags": "A"}, spec, "f")] == [
        "f: missing field 'id'",
        "f: missing field 'n'",
        'f: /tags: expected a list, found "A"',
        "f: missing field 'span'",
        "f: missing field 'where'",
    ]
    assert [str(p) for p in check(3, spec, "f")] == ["f: /: expected an object, found 3"]


def test_a_long_value_is_shown_cut_at_forty_characters() -> None:
    forty = "x" * 38  # 40 characters once quoted
    assert str(check(forty, int, "f")[0]) == f'f: expected an integer, found "{forty}"'
    assert str(check(forty + "y", int, "f")[0]) == f'f: expected an integer, found "{forty}…'


def test_problems_are_listed_by_file_then_line_number_and_those_without_a_line_last() -> None:
    problems = [
        Problem("b", "line 2", "m"),
        Problem("a", "", "no line"),
        Problem("a", "line 10 /id", "m"),
        Problem("a", "line 9, column 3", "m"),
        Problem("a", "/entities/0", "m"),
        Problem("a", "line 9", "second on line 9"),
    ]
    assert [(p.file, p.place) for p in EvaluationError(problems).problems] == [
        ("a", "line 9, column 3"),
        ("a", "line 9"),
        ("a", "line 10 /id"),
        ("a", ""),
        ("a", "/entities/0"),
        ("b", "line 2"),
    ]
    assert str(EvaluationError(problems)) == "6 problem(s)"


def test_a_label_is_its_name_or_its_id_and_nothing_else() -> None:
    names = ["FAVOR", "AGAINST", "NONE"]
    assert label_name("AGAINST", names, "f", "line 1") == ("AGAINST", [])
    assert label_name(0, names, "f", "line 1") == ("FAVOR", [])
    assert label_name(2, names, "f", "line 1") == ("NONE", [])
    for wrong in (3, -1, True, "favor", 1.0):
        label, problems = label_name(wrong, names, "f", "line 1")
        assert label is None
        assert [str(p) for p in problems] == [f"f: line 1: unknown label {json.dumps(wrong)} (labels: FAVOR, AGAINST, NONE, or their ids 0-2)"]


def test_class_label_ids_are_decoded_in_lists_and_structs() -> None:
    features = {
        "tags": {"_type": "List", "feature": {"_type": "ClassLabel", "names": ["O", "B-X"]}},
        "old": {"_type": "Sequence", "feature": {"_type": "ClassLabel", "names": ["O", "B-X"]}},
        "large": {"_type": "LargeList", "feature": {"_type": "ClassLabel", "names": ["O", "B-X"]}},
        "speaker": {"kind": {"_type": "ClassLabel", "names": ["named", "unknown"]}, "start": {"_type": "Value", "dtype": "int32"}},
        "text": {"_type": "Value", "dtype": "string"},
    }
    row = {"tags": [1, 0], "old": [0, 1], "large": [1], "speaker": {"kind": 1, "start": 4}, "text": "x"}
    assert {key: decode_feature(features[key], value) for key, value in row.items()} == {
        "tags": ["B-X", "O"], "old": ["O", "B-X"], "large": ["B-X"], "speaker": {"kind": "unknown", "start": 4}, "text": "x"
    }
    assert decode_feature(features["speaker"], None) is None


def test_conll_predictions_skip_docstart_and_need_a_token_and_a_tag(tmp_path: Path) -> None:
    gold = GoldSplit("ner", "train", [{"id": "s1", "tokens": ["قال", "الوزير"]}, {"id": "s2", "tokens": ["بغداد"]}], {}, {}, "")
    conll = tmp_path / "p.conll"
    conll.write_text("-DOCSTART- -X- O O\n\nقال _ O\nالوزير _ B-PERSON\n\n\nبغداد B-GPE\n", encoding="utf-8")
    assert read_conll(conll, gold) == (
        [("line 3", {"id": "s1", "ner_tags": ["O", "B-PERSON"]}), ("line 7", {"id": "s2", "ner_tags": ["B-GPE"]})],
        [],
    )
    conll.write_text("قال O\nالوزير O\n\nبغداد O\nثم O\n", encoding="utf-8")
    rows, problems = read_conll(conll, gold)
    assert rows == [("line 1", {"id": "s1", "ner_tags": ["O", "O"]}), ("line 4", {"id": "s2", "ner_tags": ["O", "O"]})]
    assert [str(p) for p in problems] == [f'{conll}: line 4: the tokens are not those of gold row s2 ("بغداد")']
    conll.write_text("قال O\nالوزير\n\nبغداد O\n", encoding="utf-8")
    assert str(read_conll(conll, gold)[1][0]) == f'{conll}: line 2: expected a token and its tag, found "الوزير"'
    conll.write_text("قال O\nالوزير O\n", encoding="utf-8")
    assert [str(p) for p in read_conll(conll, gold)[1]] == [f"{conll}: 1 sentences for the 2 rows of ner/train"]


def test_a_prediction_of_entities_only_misses_every_quote_and_an_unknown_kind_is_wrong_even_with_a_mention() -> None:
    report = evaluate(GOLD, {"doc_id": "d", "entities": PRED["entities"]})
    assert (report["quotes"]["tp"], report["quotes"]["pred"], report["quotes"]["gold"]) == (0, 0, 2)
    assert report["stance"]["records"] == 2 and report["stance"]["AGAINST"]["recall"] == 0.0
    unknown = {**GOLD, "quotes": [{**q, "speaker": {**q["speaker"], "kind": "unknown"}} for q in GOLD["quotes"]]}
    assert evaluate(GOLD, unknown)["speaker_accuracy"] == 0.0  # the mentions are gold's own: the kind decides
    assert evaluate(unknown, GOLD)["speaker_accuracy"] == 0.0


def test_an_empty_gold_directory_and_two_layers_of_one_document_are_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(EvaluationError) as raised:
        evaluate_paths(tmp_path / "empty", tmp_path / "empty")
    assert [str(p) for p in raised.value.problems] == [f"{tmp_path / 'empty'}: no annotation files (*.json)"]
    gold = write_layers(tmp_path / "gold", GOLD)
    (gold / "copy.json").write_text(json.dumps(GOLD), encoding="utf-8")
    with pytest.raises(EvaluationError) as raised:
        evaluate_paths(gold, gold)
    assert [str(p) for p in raised.value.problems] == [f"{gold / 'd.json'}: /doc_id: document 'd' has another layer in {gold}"]


STANCE_FEATURES = {"label": {"_type": "ClassLabel", "names": ["FAVOR", "AGAINST", "NONE"]}}


def test_reports_are_seeded_with_zero_unless_told_and_the_stance_table_has_its_header(tmp_path: Path) -> None:
    rows = [
        {"id": "r1", "doc_id": "d1", "target": "t1", "label": "FAVOR"},
        {"id": "r2", "doc_id": "d2", "target": "t1", "label": "AGAINST"},
        {"id": "r3", "doc_id": "d3", "target": "t2", "label": "NONE"},
    ]
    gold = GoldSplit("stance", "test", rows, STANCE_FEATURES, {"name": "qawl", "version": "0.1.0", "schema_version": "1.1.0"}, "abc")
    pred = tmp_path / "stance.jsonl"
    pred.write_text('{"id": "r1", "label": "FAVOR"}\n{"id": "r2", "label": 0}\n{"id": "r3", "label": "NONE"}\n', encoding="utf-8")
    result = score_split(gold, tmp_path, pred, resamples=30)
    assert result == score_split(gold, tmp_path, pred, resamples=30, seed=0) != score_split(gold, tmp_path, pred, resamples=30, seed=1)
    assert result["confidence_intervals"]["method"] == "percentile bootstrap over documents, 30 resamples, random.Random(0)"
    lines = format_report(result).splitlines()
    assert lines[:5] == [
        "dataset: qawl 0.1.0 (schema 1.1.0)",
        "gold: stance/test, 3 rows, 3 documents, sha256 abc",
        "",
        "stance target                       F_avg macro-F1  rows",
        "ALL                                 0.333    0.556     3",
    ]
    gold_dir = write_layers(tmp_path / "gold", GOLD, GOLD2)
    pred_dir = write_layers(tmp_path / "pred", PRED, PRED2)
    layers = evaluate_layer_paths(gold_dir, pred_dir, resamples=30)
    assert layers == evaluate_layer_paths(gold_dir, pred_dir, resamples=30, seed=0)
    assert layers["confidence_intervals"]["method"].endswith("random.Random(0)")


def test_the_quotes_report_has_its_header(tmp_path: Path) -> None:
    sentences = {"s1": {"sentence_id": "s1", "doc_id": "d", "text": "قال الوزير إن الموازنة ستقر قريبا."}}
    gold = GoldSplit("quotes", "test", [{**quote_row("s1", 14, 27, "named", (4, 10)), "id": "q1", "doc_id": "d"}], {}, {"name": "qawl", "version": "1", "schema_version": "1"}, "abc")
    pred = tmp_path / "quotes.jsonl"
    pred.write_text(json.dumps(quote_row("s1", 14, 20, "named", (4, 8))) + "\n", encoding="utf-8")
    result = {"dataset": gold.dataset, "gold": {"config": "quotes", "split": "test", "rows": 1, "sha256": "abc"},
              **report(quote_counts(gold, pred, sentences), corpus_task(gold), 0, 0)}
    assert format_report(result).splitlines()[3:6] == [
        "                            P      R     F1  gold  pred",
        "quotes (overlap)        1.000  1.000  1.000     1     1",
        "speaker accuracy        1.000   on 1 matched quotes",
    ]


def test_a_single_resample_gives_an_interval_of_one_point(tmp_path: Path) -> None:
    gold_dir = write_layers(tmp_path / "gold", GOLD, GOLD2)
    pred_dir = write_layers(tmp_path / "pred", PRED, PRED2)
    intervals = evaluate_layer_paths(gold_dir, pred_dir, resamples=1, seed=7)["confidence_intervals"]
    assert all(intervals[name][0] == intervals[name][1] for name in ("quote_f1", "speaker_accuracy", "stance_f_avg"))


def test_a_directory_without_a_manifest_is_named_as_not_a_corpus(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError) as raised:
        evaluate_split(tmp_path, "ner", "train", tmp_path / "p.jsonl")
    assert [str(p) for p in raised.value.problems] == [f"{tmp_path}: no manifest.json: not a published qawl corpus/"]


def test_evaluate_split_bootstraps_with_the_seed_of_the_command(built: tuple[Path, Path], tmp_path: Path) -> None:  # noqa: F811
    """A script that calls `evaluate_split` without a seed gets the intervals `qawl evaluate` prints without --seed."""
    _, corpus = built
    predictions = [{"id": row["id"], "ner_tags": miss_org_and_call_gpe_loc(row["ner_tags"])} for row in rows(corpus, "ner")]
    pred = write_jsonl(tmp_path / "preds.jsonl", predictions)
    done = invoke_qawl("evaluate", "--gold", str(corpus), "--config", "ner", "--split", "train", "--pred", str(pred), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert "random.Random(0)" in printed["confidence_intervals"]["method"]
    assert json.loads(json.dumps(evaluate_split(corpus, "ner", "train", pred))) == printed
