"""The dataset card: generated YAML for every config, statistics that match the data, plots, baseline."""

from __future__ import annotations

import json
import shutil
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

import datasets
import pytest
import yaml
from huggingface_hub import DatasetCard
from hypothesis import given, settings
from hypothesis import strategies as st

from qawl.annotate import preannotator
from qawl.baseline import baseline_report, devset_part
from qawl.build import build_corpus
from qawl import publish
from qawl.card import (
    TEMPLATE,
    CorpusStatistics,
    _length_summary,
    agreement_documents,
    document_statistics,
    evaluation_status,
    fields_table,
    gold_splits_table,
    length_histogram,
    render_agreement,
    render_report,
    size_category,
    write_card,
)
from qawl.croissant import croissant_licence
from qawl.licensing import UNKNOWN_TEXT_LICENCE, card_licence, licence_prose, licensing
from qawl.project import Project
from qawl.publish import CONFIGS
from qawl.schema import Schemas
from qawl.validate import read_rows
from tests.conftest import REPO, invoke_qawl
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
    write_card(corpus, schemas, manifest, annotated.dataset, statistics, baseline=baseline, agreement={"pass_a_vs_pass_b": {"doc_id": "d", "entities": {"labelled": {"f1": 0.9}}}})
    # statistics summed from the published rows give the card the build wrote, up to the reports
    assert (corpus / "README.md").read_bytes().split(b"### Agreement")[0] == (annotated.corpus / "README.md").read_bytes().split(b"### Agreement")[0]
    readme = (corpus / "README.md").read_text(encoding="utf-8")
    baseline_section = readme.split("## Baseline")[1].split("## Datasheet")[0]
    assert "| `entities.strict.micro.f1` | 0.873 |" in baseline_section
    assert "| `annotator` | auto:qawl-preannotator@0.1.0 |" in baseline_section
    assert "| labelled.f1 | 0.900 |" in readme.split("### Agreement")[1]
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
    assert configs == {"sentences": ["6", "3", "3 |"], "documents": ["2", "1", "1 |"], "ner": ["6", "3", "3 |"], "quotes": ["2", "1", "0 |"], "stance": ["2", "1", "0 |"], "attributions": ["0", "0", "0 |"]}
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


@pytest.mark.parametrize("part", ["tune", "scored"])
def test_the_card_s_baseline_is_what_qawl_evaluate_prints_for_each_devset_part(tmp_path, part) -> None:
    """The committed card's column for each devset part, intervals included, is `qawl annotate` then `qawl evaluate`, as a user runs them."""
    devset = REPO / "annotations" / "devset" / part
    annotated = invoke_qawl("annotate", "--root", str(REPO), "--format", "jsonl", *map(str, sorted(devset.glob("*.txt"))), cwd=tmp_path)
    assert annotated.returncode == 0, annotated.stderr
    predictions = tmp_path / "predictions"
    predictions.mkdir()
    for line in annotated.stdout.splitlines():
        layer = json.loads(line)
        (predictions / f"{layer['doc_id']}.json").write_text(line, encoding="utf-8")
    scored = invoke_qawl("evaluate", "--gold", str(devset), "--pred", str(predictions), "--json", cwd=tmp_path)
    assert scored.returncode == 0, scored.stderr
    result = json.loads(scored.stdout)
    card = (REPO / "corpus" / "README.md").read_text(encoding="utf-8").split("## Baseline")[1].split("## Datasheet")[0]
    header = next(line for line in card.splitlines() if line.startswith("| measure |")).removesuffix(" |").split(" | ")
    column = header.index(f"`devset_{part}` ({result['documents']} documents)")
    for measure, value in result["headline"].items():
        low, high = result["confidence_intervals"][measure]
        row = next(line for line in card.splitlines() if line.startswith(f"| `{measure}` |"))
        assert row.removesuffix(" |").split(" | ")[column] == f"{value:.3f} [{low:.3f}, {high:.3f}]", (measure, row)


def test_the_baseline_scores_each_devset_part_on_its_own_articles(tmp_path) -> None:
    """Articles in annotations/devset/tune/ and .../scored/ are reported apart, each under its own name."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "schema", root / "schema")
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "annotations", root / "annotations", ignore=shutil.ignore_patterns("devset", "passes"))
    parts = {"tune": ["dev_iq_11"], "scored": ["dev_eg_04", "dev_wire_01"]}
    for part, doc_ids in parts.items():
        (root / "annotations" / "devset" / part).mkdir(parents=True)
        for doc_id in doc_ids:
            for suffix in (".txt", ".json"):
                shutil.copy(REPO / "annotations" / "devset" / part / f"{doc_id}{suffix}", root / "annotations" / "devset" / part)
    project = Project(root)
    report = baseline_report(project, preannotator(project.annotations))
    assert list(report) == ["gold_corpus", "devset_tune", "devset_scored"]
    assert [report[name]["documents"] for name in report] == [1, 1, 2]
    pairs = [(path.name, gold.name) for path, gold in devset_part(project, "scored")]
    assert pairs == [("dev_eg_04.txt", "dev_eg_04.json"), ("dev_wire_01.txt", "dev_wire_01.json")]


def test_a_local_load_ignores_revision_as_the_card_says(annotated) -> None:
    """The card warns that pinning needs a checkout locally: `revision=` on a directory loads it as it is."""
    readme = (annotated.corpus / "README.md").read_text(encoding="utf-8")
    assert "`load_dataset` on a local directory ignores `revision=`" in " ".join(readme.split())
    documents = datasets.load_dataset(str(annotated.corpus), "documents", revision="no-such-tag")
    assert documents["train"]["doc_id"] == [json.loads(p.read_text())["doc_id"] for p in sorted((annotated.root / "annotations").glob("*.json")) if p.name != "targets.json"]


CC_BY = {"id": "cc-by-4.0", "name": "Creative Commons Attribution 4.0 International", "url": "https://creativecommons.org/licenses/by/4.0/"}


def test_one_licence_story_in_manifest_card_yaml_card_prose_licence_file_and_croissant(annotated) -> None:
    corpus = annotated.corpus
    sidecar = json.loads(next(annotated.seeds.glob("*.meta.json")).read_text(encoding="utf-8"))["license"]
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["license"] == {"annotations": CC_BY, "texts": [{"license": sidecar, "documents": 1}], "file": "LICENSE.md"}
    listed = {entry["path"]: entry["sha256"] for entry in manifest["resources"]}
    assert listed["LICENSE.md"] == publish.file_sha256(corpus / "LICENSE.md")

    readme = (corpus / "README.md").read_text(encoding="utf-8")
    meta = _front_matter(readme)
    assert (meta["license"], meta["license_name"], meta["license_link"]) == ("other", "qawl-annotations-and-publisher-texts", "LICENSE.md")
    terms = licence_prose(manifest["license"])
    assert "**Creative Commons Attribution 4.0 International** (`cc-by-4.0`, https://creativecommons.org/licenses/by/4.0/)" in terms
    assert f"- 1 article(s): {sidecar}" in terms
    licensing_section = readme.split("## Licensing\n")[1].split("\n## ")[0]
    assert terms in licensing_section
    assert (corpus / "LICENSE.md").read_text(encoding="utf-8") == f"# Licence\n\n{terms}\n"

    croissant = json.loads((corpus / "croissant.json").read_text(encoding="utf-8"))
    assert croissant["license"] == [CC_BY["url"], "https://huggingface.co/datasets/qawl/qawl/blob/v0.1.0/LICENSE.md"]


def test_texts_under_the_annotations_licence_make_a_single_licence() -> None:
    dataset = {"license": CC_BY["id"], "license_name": CC_BY["name"], "license_url": CC_BY["url"]}
    same = licensing(dataset, Counter({("Publisher", "cc-by-4.0"): 3}))
    assert card_licence(same) == {"license": "cc-by-4.0"} and croissant_licence(same, "https://x/LICENSE.md") == CC_BY["url"]
    mixed = licensing(dataset, Counter({("A", "cc-by-4.0"): 3, ("B", None): 2}))
    assert mixed["texts"] == [{"license": "cc-by-4.0", "documents": 3}, {"license": UNKNOWN_TEXT_LICENCE, "documents": 2}]
    assert card_licence(mixed)["license"] == "other"


def _datasets_resource(name: str) -> Any:
    return json.loads((Path(datasets.__file__).parent / "utils" / "resources" / name).read_text(encoding="utf-8"))


def test_card_yaml_passes_the_offline_metadata_checks(annotated) -> None:
    """What can be checked without the Hub: huggingface_hub parses the YAML into DatasetCardData without
    ignoring errors, every closed-vocabulary field holds a value of the lists `datasets` ships, and
    `datasets` reads the configs and features back. (The Hub's own validation, `DatasetCard.validate`, is online only.)"""
    readme = (annotated.corpus / "README.md").read_text(encoding="utf-8")
    data = DatasetCard(readme, ignore_metadata_errors=False).data
    assert data.annotations_creators == ["expert-generated"] and data.language_creators == ["found"]
    assert data.multilinguality == ["monolingual"] and data.size_categories == ["n<1K"] and data.source_datasets == ["original"]
    assert data.task_categories == ["token-classification", "text-classification"]
    assert data.task_ids == ["named-entity-recognition", "multi-class-classification"]  # ner and stance; quotes has no Hub task id
    creators = _datasets_resource("creators.json")
    assert set(data.annotations_creators) <= set(creators["annotations"]) and set(data.language_creators) <= set(creators["language"])
    assert set(data.multilinguality) <= set(_datasets_resource("multilingualities.json"))
    assert set(data.size_categories) <= set(_datasets_resource("size_categories.json"))
    assert set(data.language) <= set(_datasets_resource("languages.json"))
    assert (annotated.corpus / data.license_link).is_file()
    configs = datasets.utils.metadata.MetadataConfigs.from_dataset_card_data(data)
    infos = datasets.info.DatasetInfosDict.from_dataset_card_data(data)
    assert sorted(configs) == sorted(infos) == sorted(c.name for c in CONFIGS)


@pytest.mark.parametrize(("sentences", "category"), [(0, "n<1K"), (999, "n<1K"), (1000, "1K<n<10K"), (123_456, "100K<n<1M"), (10**12, "n>1T")])
def test_size_category(sentences: int, category: str) -> None:
    assert size_category(sentences) == category


def test_the_card_is_the_package_template_rendered(annotated) -> None:
    readme = (annotated.corpus / "README.md").read_text(encoding="utf-8")
    headings = [line for line in TEMPLATE.read_text(encoding="utf-8").splitlines() if line.startswith("## ")]
    assert len(headings) >= 10
    positions = [readme.index(f"\n{heading}\n") for heading in headings]
    assert positions == sorted(positions)
    assert "{{ " not in readme and "{%" not in readme


def test_agreement_is_a_small_table_per_layer_without_ids() -> None:
    agreement = json.loads((REPO / "annotations" / "passes" / "agreement.json").read_text(encoding="utf-8"))
    rendered = render_agreement(agreement)
    tables = ["**" + table for table in rendered.removeprefix("**").split("\n\n**")]
    assert [table.splitlines()[0] for table in tables] == ["**entities**", "**quotes**", "**stance**", "**chains**"]
    seed_and_batch10 = "| measure | `pass_a_vs_pass_b` | `pass_c_general_rules_only_vs_gold` | `batch10_first_vs_pass_b` |"
    assert [table.splitlines()[2] for table in tables[:2]] == [seed_and_batch10] * 2
    assert tables[2].splitlines()[2] == "| measure | `pass_a_vs_pass_b` | `pass_c_general_rules_only_vs_gold` |"  # batch10's pass B made no stance
    assert tables[3].splitlines()[2] == "| measure | `chains_gold_vs_pass_b` | `batch10_first_vs_pass_b` |"  # the chains pass is compared on chains only
    assert "doc_id" not in rendered
    assert "| labelled.f1 | 1.000 | 1.000 | 1.000 |" in tables[0] and "| cohen_kappa | 1.000 | 1.000 |" in tables[2]
    assert "| identical | 12 | 22 |" in tables[3] and "| conll_f1 | 1.000 | 1.000 |" in tables[3]
    assert sum(len(table.splitlines()) - 4 for table in tables) == 34 + 8 + 16  # every numeric measure, once per layer (8: quoted characters, outlet and source agreement, batch10 only)


def test_agreement_shows_the_measures_only_a_later_comparison_has_and_its_documents() -> None:
    """batch10's comparison (guidelines 1.2) measures quoted characters and nesting, which the seed's older passes did not:
    its rows show, with a dash for the passes that lack them, and its 12 documents are named beside the seed."""
    agreement = json.loads((REPO / "annotations" / "passes" / "agreement.json").read_text(encoding="utf-8"))
    quotes = render_agreement(agreement).split("\n\n")[3]
    assert "| exact.f1 | 1.000 | 1.000 | 0.973 |" in quotes
    assert "| characters.f1 | – | – | 1.000 |" in quotes and "| source_agreement | – | – | 1.000 |" in quotes
    batch10 = ", ".join(f"`dev_b10_{doc}`" for doc in ("ae_01", "bh_01", "dz_01", "eg_01", "iq_01", "iq_02", "jo_01", "lb_01", "ma_01", "sa_01", "wire_01", "wire_02"))
    assert agreement_documents(agreement) == f"13 document(s) (`000_c4096c0fdb543a3e`, {batch10})"
    assert agreement_documents({}) == "no document"


def test_agreement_of_chains_is_a_table_of_the_comparisons_that_have_them() -> None:
    scores = {"recall": 0.5, "precision": 1.0, "f1": 2 / 3}
    rendered = render_agreement(
        {
            "full": {"doc_id": "d", "entities": {"labelled": {"f1": 0.9}}, "chains": None},
            "chains_only": {"doc_id": "d", "chains": {"identical": 3, "muc": scores, "conll_f1": 0.75}},
        }
    )
    assert rendered.split("\n\n")[2:] == ["**chains**", "| measure | `chains_only` |\n|---|---|\n| identical | 3 |\n| muc.recall | 0.500 |\n| muc.precision | 1.000 |\n| muc.f1 | 0.667 |\n| conll_f1 | 0.750 |"]


def test_every_kind_field_lists_its_allowed_values_from_the_schema(annotated) -> None:
    readme = (annotated.corpus / "README.md").read_text(encoding="utf-8")
    schemas = Schemas(annotated.schema_dir)
    speaker = ", ".join(f"`{v}`" for v in schemas.enum("common.schema.json#/$defs/speaker_kind"))
    assert f"| `quotes.speaker.kind` | string (one of {speaker}) |" in readme
    assert f"| `speaker_kind` | string (one of {speaker}) |" in readme
    assert "| `stance.holder.kind` | string (one of `speaker`, `author`) |" in readme
    assert "| `published_precision` | string or null (one of `exact`, `inferred`, `unknown`) |" in readme or "| `published_precision` | string (one of `exact`, `inferred`, `unknown`) |" in readme


def test_length_histogram_bars_have_their_true_widths() -> None:
    bins = length_histogram(Counter({6: 2, 40: 5, 65: 1}))
    assert bins == [(1, 6, 0), (6, 11, 2), (11, 21, 0), (21, 31, 0), (31, 41, 5), (41, 61, 0), (61, 66, 1)]


def test_every_field_of_every_config_is_described(annotated) -> None:
    schemas = Schemas(annotated.schema_dir)
    for config in CONFIGS:
        rows = fields_table(schemas, config.schema).splitlines()[2:]
        assert len(rows) > len(schemas.raw[config.schema]["properties"]) or config.name == "ner"  # nested fields listed too
        assert [row for row in rows if row.endswith("|  |")] == [], config.name


def test_a_config_loads_without_its_splits_that_have_no_row(across_splits: Project) -> None:
    """`quotes` has no row in test, `attributions` none at all (no chains): datasets cannot load a split without
    rows ("corresponds to no data"), which would stop the whole config loading, so the card leaves it out."""
    quotes = datasets.load_dataset(str(across_splits.corpus), "quotes")
    assert {split: rows.num_rows for split, rows in quotes.items()} == {"train": 2, "validation": 1}
    assert set(datasets.load_dataset(str(across_splits.corpus), "stance")) == {"train", "validation"}
