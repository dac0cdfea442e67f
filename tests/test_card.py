"""The dataset card: generated YAML for every config, statistics that match the data, plots, baseline."""

from __future__ import annotations

import json
import shutil
import statistics
from collections import Counter

import datasets
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from qawl.build import build_corpus
from qawl import publish
from qawl.card import CorpusStatistics, _length_summary, document_statistics, evaluation_status, gold_splits_table, render_report, write_card
from qawl.project import Project
from qawl.publish import CONFIGS
from qawl.schema import Schemas
from qawl.validate import read_rows
from tests.conftest import REPO, run_qawl
from tests.layers import annotated  # noqa: F401  (fixture)
from tests.test_robustness_annotations import TARGETS, seed_text, valid_layer


def _front_matter(readme: str) -> dict:
    return yaml.safe_load(readme.split("---\n")[1])


def test_yaml_declares_every_config_with_typed_features(annotated) -> None:
    readme = (annotated.corpus / "README.md").read_text(encoding="utf-8")
    meta = _front_matter(readme)
    assert sorted(c["config_name"] for c in meta["configs"]) == sorted(c.name for c in CONFIGS)
    infos = {info["config_name"]: info for info in meta["dataset_info"]}
    ner_tags = next(f for f in infos["ner"]["features"] if f["name"] == "ner_tags")
    names = Schemas(annotated.schema_dir).raw["ner"]["$defs"]["iob2_tag"]["enum"]
    assert ner_tags["list"]["class_label"]["names"] == {str(i): n for i, n in enumerate(names)}
    manifest = json.loads((annotated.corpus / "manifest.json").read_text(encoding="utf-8"))
    for config, info in infos.items():
        files = [f for f in manifest["files"] if f["config"] == config]
        assert info["dataset_size"] == sum(f["bytes"] for f in files)  # Arrow bytes
        assert info["download_size"] == sum((annotated.corpus / f["path"]).stat().st_size for f in files)  # Parquet on disk
    # the seed's text is the publisher's, not CC-BY: the card must not claim otherwise
    assert meta["license"] == "other"
    assert "**not** covered by that licence" in readme and "Copyright of the publisher" in readme


def test_statistics_match_the_published_rows(annotated) -> None:
    readme = (annotated.corpus / "README.md").read_text(encoding="utf-8")
    sentences = datasets.load_dataset(str(annotated.corpus), "sentences")["train"]
    labels = sentences.features["entities"].feature["label"].names
    counts = Counter(labels[e["label"]] for row in sentences for e in row["entities"])
    for label in labels:
        assert f"| {label} | {counts[label]} | {counts[label]} |" in readme
    assert f"| gold | {sentences.num_rows} | {sentences.num_rows} |" in readme
    assert "| direct | 1 | 1 |" in readme and "| AGAINST | 1 | 1 |" in readme
    lengths = sorted(len(row["tokens"]) for row in sentences)
    assert f"min {lengths[0]}," in readme and f"max {lengths[-1]}," in readme
    for section in ("## Supported tasks", "## Languages", "## Datasheet", "## Data statement", "## Licensing", "## Citation", "### Agreement", "## Baseline"):
        assert section in readme
    for config in CONFIGS:
        for field in Schemas(annotated.schema_dir).raw[config.schema]["properties"]:
            assert f"| `{field}` |" in readme
    assert 'revision="v0.1.0"' in readme


def test_plots_are_png_and_byte_identical_across_builds(annotated, tmp_path) -> None:
    plots = sorted((annotated.corpus / "plots").glob("*.png"))
    assert [p.name for p in plots] == ["labels.png", "sentence_length.png"]
    assert all(p.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") for p in plots)
    readme = (annotated.corpus / "README.md").read_text(encoding="utf-8")
    assert all(f"](plots/{p.name})" in readme for p in plots)
    again = tmp_path / "again"
    build_corpus(annotated, again)
    for name in ("plots/labels.png", "plots/sentence_length.png", "README.md", "croissant.json"):
        assert (again / name).read_bytes() == (annotated.corpus / name).read_bytes(), name


def test_baseline_and_agreement_reports_are_rendered(annotated, tmp_path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(annotated.corpus, corpus)
    manifest = json.loads((corpus / "manifest.json").read_text())
    baseline = {"annotator": "auto:qawl-preannotator@0.1.0", "entities": {"strict": {"micro": {"f1": 0.8734}}}, "stance": {"macro_f1": 0.41}}
    schemas = Schemas(annotated.schema_dir)
    statistics = CorpusStatistics()
    for entry in manifest["files"]:
        if entry["config"] == "documents":
            for document in read_rows(corpus / entry["path"], schemas, "document"):
                sentences = [
                    row
                    for sentence_file in manifest["files"]
                    if sentence_file["config"] == "sentences"
                    for row in read_rows(corpus / sentence_file["path"], schemas, "sentence")
                    if row["doc_id"] == document["doc_id"]
                ]
                statistics.add(entry["split"], document_statistics(document, sentences))
    write_card(corpus, schemas, manifest, annotated.dataset, statistics, baseline=baseline, agreement={"entities": {"f1": 0.9}})
    # statistics summed from the published rows give the card the build wrote, up to the reports
    assert (corpus / "README.md").read_bytes().split(b"### Agreement")[0] == (annotated.corpus / "README.md").read_bytes().split(b"### Agreement")[0]
    readme = (corpus / "README.md").read_text(encoding="utf-8")
    baseline_section = readme.split("## Baseline")[1].split("## Datasheet")[0]
    assert "| `entities.strict.micro.f1` | 0.873 |" in baseline_section
    assert "| `annotator` | auto:qawl-preannotator@0.1.0 |" in baseline_section
    assert "| `entities.f1` | 0.900 |" in readme.split("### Agreement")[1]
    assert "No baseline report" in (annotated.corpus / "README.md").read_text(encoding="utf-8")
    assert render_report(None, "nothing") == "nothing"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=200), min_size=1, max_size=60))
def test_length_summary_from_counts_equals_the_quartiles_of_the_lengths(lengths: list[int]) -> None:
    quartiles = statistics.quantiles(lengths, n=4, method="inclusive") if len(lengths) > 1 else [lengths[0]] * 3
    expected = (
        f"{len(lengths)} sentences; tokens per sentence: min {min(lengths)}, "
        f"first quartile {quartiles[0]:g}, median {quartiles[1]:g}, third quartile {quartiles[2]:g}, "
        f"max {max(lengths)}, mean {statistics.fmean(lengths):.1f}."
    )
    assert _length_summary(Counter(lengths)) == expected


# Four documents in the three splits (tests/test_splits.py pins these ids' splits), each with a different gold layer.
SPLIT_DOCUMENTS = {"001_6b86b273ff34fce1": "train", "007_7902699be42c8a8e": "train", "003_4e07408562bedb8b": "validation", "002_d4735e3a265e16ee": "test"}


@pytest.fixture(scope="module")
def across_splits(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A built project: two full layers in train; validation without ORG/GPE and with AGAINST; test without quotes or stance."""
    root = tmp_path_factory.mktemp("splits") / "project"
    shutil.copytree(REPO / "schema", root / "schema")
    (root / "seeds").mkdir()
    (root / "annotations").mkdir()
    (root / "annotations" / "targets.json").write_text(json.dumps(TARGETS), encoding="utf-8")
    for n, doc_id in enumerate(SPLIT_DOCUMENTS):
        text = seed_text(n)
        (root / "seeds" / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        layer = valid_layer(doc_id, text)
        if SPLIT_DOCUMENTS[doc_id] == "validation":
            layer["entities"] = layer["entities"][:1]
            layer["stance"][0]["label"] = "AGAINST"
        elif SPLIT_DOCUMENTS[doc_id] == "test":
            layer["quotes"], layer["stance"] = [], []
        (root / "annotations" / f"{doc_id}.json").write_text(json.dumps(layer, ensure_ascii=False), encoding="utf-8")
    project = Project(root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(publish, "SHARD_SIZE", publish.ShardSize(1, 1, 1))  # a shard per document: train has two
        build_corpus(project)
    return project


def test_statistics_are_counted_per_split(across_splits: Project) -> None:
    readme = (across_splits.corpus / "README.md").read_text(encoding="utf-8")
    tables = [
        # 3 sentences per document: the two of TEXT and "وهذا الخبر رقم n."
        ["| sentence status | train | validation | test | total |", "|---|---|---|---|---|", "| gold | 6 | 3 | 3 | 12 |", "| silver | 0 | 0 | 0 | 0 |", "| unannotated | 0 | 0 | 0 | 0 |"],
        ["| document status | train | validation | test | total |", "|---|---|---|---|---|", "| gold | 2 | 1 | 1 | 4 |", "| silver | 0 | 0 | 0 | 0 |", "| unannotated | 0 | 0 | 0 | 0 |"],
        ["| PERSON | 2 | 1 | 1 | 4 |", "| NORP | 0 | 0 | 0 | 0 |", "| FAC | 0 | 0 | 0 | 0 |", "| ORG | 2 | 0 | 1 | 3 |", "| GPE | 2 | 0 | 1 | 3 |"],
        ["| direct | 0 | 0 | 0 | 0 |", "| indirect | 2 | 1 | 0 | 3 |"],
        ["| named | 2 | 1 | 0 | 3 |", "| anonymous | 0 | 0 | 0 | 0 |"],
        ["| FAVOR | 2 | 0 | 0 | 2 |", "| AGAINST | 0 | 1 | 0 | 1 |", "| NONE | 0 | 0 | 0 | 0 |"],
    ]
    for rows in tables:
        assert "\n".join(rows) in readme, rows
    configs = {line.split(" | ")[0].strip("| `"): line.split(" | ")[2:] for line in readme.split("### Configs and splits")[1].split("Splits are")[0].splitlines() if line.startswith("| `")}
    assert configs == {"sentences": ["6", "3", "3 |"], "documents": ["2", "1", "1 |"], "ner": ["6", "3", "3 |"], "quotes": ["2", "1", "0 |"], "stance": ["2", "1", "0 |"]}
    manifest = json.loads((across_splits.corpus / "manifest.json").read_text(encoding="utf-8"))
    documents = [(entry["split"], entry["rows"]) for entry in manifest["files"] if entry["config"] == "documents"]
    assert documents == [("train", 1), ("train", 1), ("validation", 1), ("test", 1)]  # a shard per document
    meta = _front_matter(readme)
    sentences = next(info for info in meta["dataset_info"] if info["config_name"] == "sentences")
    assert {split["name"]: split["num_examples"] for split in sentences["splits"]} == {"train": 6, "validation": 3, "test": 3}


def test_the_card_says_which_evaluation_split_has_no_gold_yet() -> None:
    statistics = CorpusStatistics()
    gold = {"documents_status": [["gold", 1]], "status": [["gold", 3]], "entities": [["PERSON", 2]], "quote_types": [["direct", 1]], "stance": [["FAVOR", 1]]}
    for split in ("train", "train", "validation"):
        statistics.add(split, gold)
    statistics.add("silver", {"documents_status": [["silver", 1]], "status": [["silver", 5]], "entities": [["ORG", 4]]})
    stats = statistics.report({"files": []})
    assert gold_splits_table(stats).splitlines()[2:] == [
        "| train | 2 | 6 | 4 | 2 | 2 |",
        "| validation | 1 | 3 | 2 | 1 | 1 |",
        "| test | 0 | 0 | 0 | 0 | 0 |",
    ]
    assert evaluation_status(stats) == "**There is no `test` split yet**: no human-reviewed document is in it."
    statistics.add("test", gold)
    assert evaluation_status(statistics.report({"files": []})) == ""


def test_the_card_s_baseline_is_what_qawl_evaluate_prints_for_the_devset(tmp_path) -> None:
    """The committed card's devset column, intervals included, is `qawl annotate` then `qawl evaluate` run by a user."""
    devset = REPO / "annotations" / "devset"
    annotated = run_qawl("annotate", "--root", str(REPO), "--format", "jsonl", *map(str, sorted(devset.glob("*.txt"))), cwd=tmp_path)
    assert annotated.returncode == 0, annotated.stderr
    predictions = tmp_path / "predictions"
    predictions.mkdir()
    for line in annotated.stdout.splitlines():
        layer = json.loads(line)
        (predictions / f"{layer['doc_id']}.json").write_text(line, encoding="utf-8")
    scored = run_qawl("evaluate", "--gold", str(devset), "--pred", str(predictions), "--json", cwd=tmp_path)
    assert scored.returncode == 0, scored.stderr
    result = json.loads(scored.stdout)
    card = (REPO / "corpus" / "README.md").read_text(encoding="utf-8").split("## Baseline")[1].split("## Datasheet")[0]
    assert f"`devset_held_out` ({result['documents']} documents)" in card
    for measure, value in result["headline"].items():
        low, high = result["confidence_intervals"][measure]
        row = next(line for line in card.splitlines() if line.startswith(f"| `{measure}` |"))
        assert row.split(" | ")[-1] == f"{value:.3f} [{low:.3f}, {high:.3f}] |", (measure, row)
