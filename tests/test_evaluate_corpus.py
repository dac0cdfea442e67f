"""`qawl evaluate` and `qawl benchmark` on a published corpus/ copied away from its project: row predictions, CoNLL,
spaCy pipelines, and every invalid input."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import spacy
from click.testing import CliRunner
from datasets import Dataset
from spacy.tokens import Doc
from spacy.training import biluo_to_iob, offsets_to_biluo_tags

from qawl.cli import cli
from tests.conftest import REPO, SEED_ID, invoke_qawl


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(project, a copy of its corpus/ outside it): the repository's gold document, built."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(REPO / "schema", root / "schema")
    (root / "seeds").mkdir()
    for path in (REPO / "seeds").glob(f"{SEED_ID}*"):
        shutil.copy(path, root / "seeds" / path.name)
    shutil.copytree(REPO / "annotations", root / "annotations", ignore=shutil.ignore_patterns("devset", "passes"))
    done = invoke_qawl("build", "--workers", "1", cwd=root)
    assert done.returncode == 0, done.stderr
    copy = tmp_path_factory.mktemp("download") / "corpus"
    shutil.copytree(root / "corpus", copy)
    return root, copy


def rows(corpus: Path, config: str) -> list[dict[str, Any]]:
    """A config's train rows as a user of the dataset gets them: `datasets`, ClassLabels as names."""
    dataset = Dataset.from_parquet(str(corpus / config / "train-00000.parquet"))
    names = dataset.features["ner_tags"].feature.names if config == "ner" else dataset.features["label"].names
    return [{**row, "ner_tags": [names[t] for t in row["ner_tags"]]} if config == "ner" else {**row, "label": names[row["label"]]} for row in dataset]


def write_jsonl(path: Path, records: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def evaluate(*args: str | Path) -> Any:
    return CliRunner().invoke(cli, ["evaluate", *map(str, args)])


def miss_org_and_call_gpe_loc(tags: list[str]) -> list[str]:
    return ["O" if tag.endswith("-ORG") else tag.replace("-GPE", "-LOC") for tag in tags]


def test_scores_jsonl_rows_against_a_downloaded_corpus(built: tuple[Path, Path], tmp_path: Path) -> None:
    root, corpus = built
    gold = rows(corpus, "ner")
    preds = write_jsonl(tmp_path / "preds.jsonl", [{"id": r["id"], "ner_tags": miss_org_and_call_gpe_loc(r["ner_tags"])} for r in gold])
    done = invoke_qawl("evaluate", "--gold", str(corpus), "--config", "ner", "--split", "train", "--pred", str(preds), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    # 65 gold entities: 19 ORG all missed, 23 GPE all predicted as LOC, the other 23 right
    strict = result["scores"]["entities"]["strict"]
    assert (strict["ALL"]["tp"], strict["ALL"]["pred"], strict["ALL"]["gold"]) == (23, 46, 65)
    assert (strict["ALL"]["precision"], strict["ALL"]["recall"]) == pytest.approx((0.5, 23 / 65))
    assert strict["ALL"]["f1"] == pytest.approx(2 * 0.5 * (23 / 65) / (0.5 + 23 / 65))
    assert (strict["ORG"]["recall"], strict["ORG"]["pred"], strict["GPE"]["recall"], strict["LOC"]["precision"], strict["LOC"]["pred"]) == (0.0, 0, 0.0, 0.0, 23)
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    assert result["dataset"] == {"name": "qawl", "version": manifest["version"], "schema_version": manifest["schema_version"]} and manifest["version"] == "0.1.0"
    assert result["gold"] == {
        "config": "ner",
        "split": "train",
        "rows": 12,
        "sha256": hashlib.sha256(b"".join(json.dumps(r, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode() + b"\n" for r in gold)).hexdigest(),
    }
    assert result["predictions"]["sha256"] == hashlib.sha256(preds.read_bytes()).hexdigest()
    assert result["confidence_intervals"]["entity_f1_strict"] == pytest.approx([strict["ALL"]["f1"]] * 2)  # one document: no spread
    again = invoke_qawl("evaluate", "--gold", str(root / "corpus"), "--config", "ner", "--split", "train", "--pred", str(preds), "--json", cwd=tmp_path)
    assert again.stdout == done.stdout  # the project's corpus and its copy, run twice: the same bytes


def test_tag_ids_and_a_conll_export_score_like_tag_names(built: tuple[Path, Path], tmp_path: Path) -> None:
    root, corpus = built
    names = json.loads(pq.read_schema(corpus / "ner" / "train-00000.parquet").metadata[b"huggingface"])["info"]["features"]["ner_tags"]["feature"]["names"]
    ids = write_jsonl(tmp_path / "ids.jsonl", [{"id": r["id"], "ner_tags": [names.index(t) for t in miss_org_and_call_gpe_loc(r["ner_tags"])]} for r in rows(corpus, "ner")])
    by_id = evaluate("--gold", corpus, "--config", "ner", "--split", "train", "--pred", ids, "--json")
    assert by_id.exit_code == 0, by_id.output
    assert json.loads(by_id.output)["scores"]["entities"]["strict"]["ALL"]["tp"] == 23
    conll = tmp_path / "gold.conll"
    assert invoke_qawl("export", "conll", "--out", str(conll), cwd=root).returncode == 0
    perfect = evaluate("--gold", corpus, "--config", "ner", "--split", "train", "--pred", conll)
    assert perfect.exit_code == 0, perfect.output
    assert "strict ALL              1.000  1.000  1.000    65    65" in perfect.output
    assert "entity_f1_strict          1.000  [1.000, 1.000]" in perfect.output


def test_stance_rows_score_f_avg_and_macro_f1_per_target(built: tuple[Path, Path], tmp_path: Path) -> None:
    _, corpus = built
    gold = rows(corpus, "stance")
    preds = write_jsonl(tmp_path / "stance.jsonl", [{"id": r["id"], "label": "FAVOR"} for r in gold])
    done = evaluate("--gold", corpus, "--config", "stance", "--split", "train", "--pred", preds, "--json")
    assert done.exit_code == 0, done.output
    stance = json.loads(done.output)["scores"]["stance"]
    gold_favor = sum(r["label"] == "FAVOR" for r in gold)
    favor_f1 = 2 * gold_favor / (len(gold) + gold_favor)  # P = gold_favor / all, R = 1
    assert stance["ALL"]["FAVOR"]["f1"] == pytest.approx(favor_f1)
    assert stance["ALL"]["f_avg"] == pytest.approx(favor_f1 / 2) and stance["ALL"]["macro_f1"] == pytest.approx(favor_f1 / 3)
    assert {target: s["records"] for target, s in stance.items() if target != "ALL"} == {
        target: sum(r["target"] == target for r in gold) for target in {r["target"] for r in gold}
    }


def test_quote_rows_are_matched_in_their_sentence(built: tuple[Path, Path], tmp_path: Path) -> None:
    _, corpus = built
    gold = pq.read_table(corpus / "quotes" / "train-00000.parquet").to_pylist()
    fields = ("sentence_id", "content", "speaker_kind", "speaker_mention")
    preds = [{f: r[f] for f in fields} for r in gold[::2]]  # every other gold quote
    preds[0]["speaker_mention"] = None  # its speaker is then wrong
    done = evaluate("--gold", corpus, "--config", "quotes", "--split", "train", "--pred", write_jsonl(tmp_path / "q.jsonl", preds), "--json")
    assert done.exit_code == 0, done.output
    scores = json.loads(done.output)["scores"]
    assert (scores["quotes"]["tp"], scores["quotes"]["pred"], scores["quotes"]["gold"]) == (8, 8, 16)
    assert scores["speaker_accuracy"] == pytest.approx(7 / 8)


def test_invalid_ner_predictions_are_each_listed_and_nothing_is_scored(built: tuple[Path, Path], tmp_path: Path) -> None:
    _, corpus = built
    gold = rows(corpus, "ner")
    records: list[Any] = [{"id": r["id"], "ner_tags": r["ner_tags"]} for r in gold]
    records[0]["ner_tags"] = ["B-MISC" if t != "O" else t for t in records[0]["ner_tags"]]  # the MISC and org
    records[1]["ner_tags"] = [t.lower() for t in records[1]["ner_tags"]]
    records[2]["ner_tags"] = records[2]["ner_tags"][:-1]
    records[3] = {"id": records[3]["id"]}
    records[4]["ner_tags"][0] = 17
    records.append({"id": "no-such-row", "ner_tags": []})
    del records[5]
    path = write_jsonl(tmp_path / "bad.jsonl", records)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    done = evaluate("--gold", corpus, "--config", "ner", "--split", "train", "--pred", path)
    assert done.exit_code == 2
    errors = [line for line in done.output.splitlines() if line.startswith("error: ")]
    first_misc = next(i for i, t in enumerate(gold[0]["ner_tags"]) if t != "O")
    expected = [
        f"error: {path}: line 1 /ner_tags/{first_misc}: unknown label \"B-MISC\"",
        f"error: {path}: line 2 /ner_tags/{next(i for i, t in enumerate(gold[1]['ner_tags']) if t != 'O')}: unknown label \"b-",
        f"error: {path}: line 3 /ner_tags: {len(gold[2]['tokens']) - 1} tags for the {len(gold[2]['tokens'])} tokens of {gold[2]['id']!r}",
        f"error: {path}: line 4: missing field 'ner_tags'",
        f"error: {path}: line 5 /ner_tags/0: unknown label 17 (labels: O, B-PERSON",
        f"error: {path}: line 12 /id: 'no-such-row' is not a row of ner/train",
        f"error: {path}: line 13: invalid JSON: Expecting property name enclosed in double quotes",
    ]
    for line in expected:
        assert any(error.startswith(line) for error in errors), (line, errors)
    assert sum("unknown label \"B-MISC\"" in e for e in errors) == sum(t != "O" for t in gold[0]["ner_tags"]) > 0
    assert sum("unknown label \"b-" in e or "unknown label \"i-" in e for e in errors) == sum(t != "O" for t in gold[1]["ner_tags"])
    assert "nothing scored" in done.output and "strict ALL" not in done.output


def test_a_gold_row_without_a_prediction_and_a_repeated_id(built: tuple[Path, Path], tmp_path: Path) -> None:
    _, corpus = built
    gold = rows(corpus, "ner")
    records = [{"id": r["id"], "ner_tags": r["ner_tags"]} for r in gold[:-1]]
    missing = evaluate("--gold", corpus, "--config", "ner", "--split", "train", "--pred", write_jsonl(tmp_path / "m.jsonl", records))
    assert missing.exit_code == 2
    assert f"error: {tmp_path / 'm.jsonl'}: no prediction for gold row {gold[-1]['id']!r}" in missing.output
    twice = evaluate("--gold", corpus, "--config", "ner", "--split", "train", "--pred", write_jsonl(tmp_path / "t.jsonl", [*records, records[0], {"id": gold[-1]["id"], "ner_tags": gold[-1]["ner_tags"]}]))
    assert twice.exit_code == 2
    assert f"error: {tmp_path / 't.jsonl'}: line 12 /id: {gold[0]['id']!r} is predicted twice (first at line 1)" in twice.output


def test_a_file_in_the_wrong_format_is_refused(built: tuple[Path, Path], tmp_path: Path) -> None:
    _, corpus = built
    tsv = tmp_path / "preds.tsv"
    tsv.write_text("id\tner_tags\n" + "".join(f"{r['id']}\t{' '.join(r['ner_tags'])}\n" for r in rows(corpus, "ner")), encoding="utf-8")
    done = evaluate("--gold", corpus, "--config", "ner", "--split", "train", "--pred", tsv)
    assert done.exit_code == 2
    assert f"error: {tsv}: 1 sentences for the 12 rows of ner/train" in done.output
    assert f"error: {tsv}: line 1: the tokens are not those of gold row" in done.output
    stance = evaluate("--gold", corpus, "--config", "stance", "--split", "train", "--pred", tsv)
    assert stance.exit_code == 2 and f"error: {tsv}: line 1: invalid JSON: Expecting value" in stance.output
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    done = evaluate("--gold", corpus, "--config", "stance", "--split", "train", "--pred", empty)
    assert done.exit_code == 2 and f"error: {empty}: no predictions: the file is empty" in done.output


def refused(corpus: Path, config: str, predictions: Path) -> list[str]:
    """The lines `qawl evaluate` prints for predictions it refuses (exit 2) on the train split."""
    done = evaluate("--gold", corpus, "--config", config, "--split", "train", "--pred", predictions)
    assert done.exit_code == 2, done.output
    return done.output.splitlines()


def test_invalid_stance_rows(built: tuple[Path, Path], tmp_path: Path) -> None:
    _, corpus = built
    gold = rows(corpus, "stance")
    records: list[Any] = [{"id": r["id"], "label": r["label"]} for r in gold]
    records[0]["label"], records[1]["label"], records[2] = "POSITIVE", 3, {"id": gold[2]["id"]}
    file = write_jsonl(tmp_path / "s.jsonl", records)
    assert refused(corpus, "stance", file) == [
        f'error: {file}: line 1 /label: unknown label "POSITIVE" (labels: FAVOR, AGAINST, NONE, or their ids 0-2)',
        f"error: {file}: line 2 /label: unknown label 3 (labels: FAVOR, AGAINST, NONE, or their ids 0-2)",
        f"error: {file}: line 3: missing field 'label'",
        "nothing scored: 3 problem(s)",
    ]


def test_invalid_quote_rows(built: tuple[Path, Path], tmp_path: Path) -> None:
    _, corpus = built
    quote = pq.read_table(corpus / "quotes" / "train-00000.parquet").to_pylist()[0]
    mention = quote["speaker_mention"]
    file = write_jsonl(tmp_path / "q.jsonl", [
        {"sentence_id": quote["sentence_id"], "content": quote["content"], "speaker_mention": None},
        {"sentence_id": "elsewhere", "content": quote["content"], "speaker_kind": "named", "speaker_mention": None},
        {"sentence_id": quote["sentence_id"], "content": quote["content"], "speaker_kind": "someone", "speaker_mention": None},
        {"sentence_id": quote["sentence_id"], "content": {"start": 5, "end": 100000}, "speaker_kind": "named", "speaker_mention": {**mention, "start": "5"}},
        {"sentence_id": quote["sentence_id"], "content": {"start": 5, "end": 100000}, "speaker_kind": "named", "speaker_mention": mention},
    ])
    length = len(quote["text"])
    assert refused(corpus, "quotes", file) == [
        f"error: {file}: line 1: missing field 'speaker_kind'",
        f"error: {file}: line 2 /content: sentence 'elsewhere' is not in split 'train'",
        f'error: {file}: line 3 /speaker_kind: unknown label "someone" (labels: named, anonymous, unknown)',
        f'error: {file}: line 4 /speaker_mention/start: expected an integer, found "5"',
        f"error: {file}: line 5 /content: [5, 100000) is not a span of the sentence's {length} characters",
        "nothing scored: 5 problem(s)",
    ]


def test_an_empty_split_a_damaged_shard_and_a_missing_config(built: tuple[Path, Path], tmp_path: Path) -> None:
    _, corpus = built
    preds = write_jsonl(tmp_path / "p.jsonl", [{"id": r["id"], "ner_tags": r["ner_tags"]} for r in rows(corpus, "ner")])
    done = evaluate("--gold", corpus, "--config", "ner", "--split", "test", "--pred", preds)
    assert done.exit_code == 2
    assert f"error: {corpus / 'manifest.json'}: ner/test: the split is empty: nothing to evaluate on (splits of ner: train)" in done.output
    damaged = tmp_path / "corpus"
    shutil.copytree(corpus, damaged)
    with (damaged / "ner" / "train-00000.parquet").open("r+b") as handle:
        handle.seek(100)
        handle.write(b"\x00\x01")
    done = evaluate("--gold", damaged, "--config", "ner", "--split", "train", "--pred", preds)
    assert done.exit_code == 2
    assert f"error: {damaged / 'ner' / 'train-00000.parquet'}: sha256 differs from manifest.json" in done.output
    done = evaluate("--gold", corpus, "--split", "train", "--pred", preds)
    assert done.exit_code == 2 and "is a published corpus: say which task to score with --config ner|quotes|stance" in done.output


def ruler_pipeline(path: Path, patterns: list[dict[str, Any]]) -> Path:
    """A spaCy pipeline directory that tags `patterns` (an entity ruler on a blank Arabic pipeline)."""
    nlp = spacy.blank("ar")
    nlp.add_pipe("entity_ruler").add_patterns(patterns)
    nlp.to_disk(path)
    return path


def test_benchmark_scores_a_rule_pipeline_on_the_gold_tokens(built: tuple[Path, Path], tmp_path: Path) -> None:
    _, corpus = built
    pipeline = ruler_pipeline(tmp_path / "ruler", [
        {"label": "GPE", "pattern": "واشنطن"}, {"label": "GPE", "pattern": "إيران"},
        {"label": "ORG", "pattern": [{"TEXT": "التحالف"}, {"TEXT": "الدولي"}]},
    ])
    out = tmp_path / "predictions.jsonl"
    done = invoke_qawl("benchmark", str(pipeline), "--gold", str(corpus), "--split", "train", "--out", str(out), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    strict = result["scores"]["entities"]["strict"]
    # the ruler's matches on the gold tokens, and those that are exactly a gold entity (on today's tokens: 5 GPE and 4 ORG, all right)
    gpe = org = gpe_right = org_right = 0
    for row in rows(corpus, "ner"):
        tokens, tags = row["tokens"], [*row["ner_tags"], "O"]
        for i, token in enumerate(tokens):
            if token in ("واشنطن", "إيران"):
                gpe += 1
                gpe_right += tags[i] == "B-GPE" and tags[i + 1] != "I-GPE"
            if tokens[i : i + 2] == ["التحالف", "الدولي"]:
                org += 1
                org_right += tags[i : i + 3] == ["B-ORG", "I-ORG", tags[i + 2]] and tags[i + 2] != "I-ORG"
    assert (strict["GPE"]["tp"], strict["GPE"]["pred"], strict["ORG"]["tp"], strict["ORG"]["pred"]) == (gpe_right, gpe, org_right, org)
    assert (strict["ALL"]["tp"], strict["ALL"]["pred"], strict["ALL"]["gold"]) == (gpe_right + org_right, gpe + org, 65) and gpe_right and org_right
    assert result["pipeline"] == {"name": "ar_pipeline", "version": "0.0.0"}
    evaluated = evaluate("--gold", corpus, "--config", "ner", "--split", "train", "--pred", out, "--json")
    assert json.loads(evaluated.output) == {key: value for key, value in result.items() if key != "pipeline"}


def test_benchmark_refuses_a_pipeline_with_labels_the_dataset_lacks(built: tuple[Path, Path], tmp_path: Path) -> None:
    _, corpus = built
    pipeline = ruler_pipeline(tmp_path / "conll", [{"label": "MISC", "pattern": "واشنطن"}, {"label": "PER", "pattern": "إيران"}])
    done = CliRunner().invoke(cli, ["benchmark", str(pipeline), "--gold", str(corpus), "--split", "train"])
    assert done.exit_code == 2
    labels = "PERSON, NORP, FAC, ORG, GPE, LOC, EVENT, DATE"
    first = rows(corpus, "ner")[0]["id"]
    assert done.output.splitlines() == [
        f"error: {pipeline}: row {first}: the pipeline predicts label 'MISC', which the dataset does not have (labels: {labels})",
        f"error: {pipeline}: row {first}: the pipeline predicts label 'PER', which the dataset does not have (labels: {labels})",
        "nothing scored: 2 problem(s)",
    ]


@pytest.mark.slow  # spaCy training in processes of its own; a rule pipeline runs the benchmark in the quick run
def test_benchmark_runs_a_pipeline_trained_on_the_export(built: tuple[Path, Path], tmp_path: Path) -> None:
    root, corpus = built
    data = tmp_path / "train.spacy"
    assert invoke_qawl("export", "spacy", "--out", str(data), cwd=root).returncode == 0
    config = tmp_path / "ner.cfg"
    spacy_cli = [sys.executable, "-m", "spacy"]
    assert subprocess.run([*spacy_cli, "init", "config", str(config), "--lang", "ar", "--pipeline", "ner", "--optimize", "efficiency"], capture_output=True).returncode == 0
    train = subprocess.run(
        [*spacy_cli, "train", str(config), "--output", str(tmp_path / "model"), "--paths.train", str(data), "--paths.dev", str(data),
         "--training.max_steps", "30", "--training.eval_frequency", "10", "--corpora.train.gold_preproc", "true", "--corpora.dev.gold_preproc", "true"],
        capture_output=True, text=True, timeout=600,
    )
    assert train.returncode == 0, train.stdout + train.stderr
    model, out = tmp_path / "model" / "model-last", tmp_path / "predictions.jsonl"
    done = invoke_qawl("benchmark", str(model), "--gold", str(corpus), "--split", "train", "--out", str(out), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    # the predictions are the pipeline's entities on the gold tokens, as spaCy itself writes them in IOB
    nlp = spacy.load(model)
    docs = [(r["id"], nlp(Doc(nlp.vocab, words=r["tokens"]))) for r in rows(corpus, "ner")]
    expected = [{"id": i, "ner_tags": biluo_to_iob(offsets_to_biluo_tags(d, [(e.start_char, e.end_char, e.label_) for e in d.ents]))} for i, d in docs]
    assert [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] == expected
    strict = json.loads(done.stdout)["scores"]["entities"]["strict"]["ALL"]
    assert strict["gold"] == 65 and strict["pred"] == sum(tag.startswith("B-") for r in expected for tag in r["ner_tags"]) > 0
