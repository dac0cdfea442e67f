"""corpus/croissant.json: valid for mlcroissant (offline), checksummed files, records readable."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from collections.abc import Iterator
from typing import Any

import mlcroissant as mlc
import pyarrow.parquet as pq
import pytest

from qawl.publish import CONFIGS
from qawl.schema import Schemas
from tests.layers import annotated  # noqa: F401  (fixture)

OFFLINE = {**os.environ, "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": "", "HF_HUB_OFFLINE": "1"}


def test_mlcroissant_validate_passes_offline(annotated) -> None:
    cli = Path(sys.executable).parent / "mlcroissant"
    result = subprocess.run([str(cli), "validate", "--jsonld", str(annotated.corpus / "croissant.json")], capture_output=True, text=True, env=OFFLINE, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "error" not in result.stderr.lower() and "warning" not in result.stderr.lower(), result.stderr


def test_file_objects_carry_the_manifest_checksums(annotated) -> None:
    metadata = json.loads((annotated.corpus / "croissant.json").read_text())
    manifest = json.loads((annotated.corpus / "manifest.json").read_text())
    files = {f["@id"]: f for f in metadata["distribution"] if f["@type"] == "cr:FileObject"}
    assert set(files) == {entry["path"] for entry in manifest["files"] + manifest["resources"]}
    file_sets = {f["@id"]: f["includes"] for f in metadata["distribution"] if f["@type"] == "cr:FileSet"}
    assert file_sets == {f"{e['config']}/{e['split']}": f"{e['config']}/{e['split']}-*.parquet" for e in manifest["files"]}
    for entry in manifest["files"]:
        assert files[entry["path"]]["sha256"] == entry["sha256"] == hashlib.sha256((annotated.corpus / entry["path"]).read_bytes()).hexdigest()
    assert metadata["version"] == manifest["version"] and metadata["conformsTo"] == "http://mlcommons.org/croissant/1.0"


def test_record_sets_follow_the_schema_and_yield_the_parquet_rows(annotated) -> None:
    metadata = json.loads((annotated.corpus / "croissant.json").read_text())
    schemas = Schemas(annotated.schema_dir)
    record_sets = {rs["@id"]: rs for rs in metadata["recordSet"]}
    for config in CONFIGS:
        fields = [f["name"].split("/", 1)[1] for f in record_sets[f"{config.name}_train"]["field"]]
        assert fields == list(schemas.raw[config.schema]["properties"])
    ner_tags = next(f for f in record_sets["ner_train"]["field"] if f["@id"] == "ner_train/ner_tags")
    assert ner_tags["repeated"] is True and "1=B-PERSON" in ner_tags["description"] and "labels/ner/ner_tags" in ner_tags["description"]

    dataset = mlc.Dataset(str(annotated.corpus / "croissant.json"))
    records = list(dataset.records("ner_train"))
    table = pq.read_table(annotated.corpus / "ner" / "train-00000.parquet").to_pylist()
    assert len(records) == len(table)
    for record, row in zip(records, table):
        assert [t.decode() for t in record["ner_train/tokens"]] == row["tokens"]
        assert list(record["ner_train/ner_tags"]) == row["ner_tags"]
        assert (list(record["ner_train/token_starts"]), list(record["ner_train/token_ends"])) == (row["token_starts"], row["token_ends"])


def _as_row(value: Any) -> Any:
    """A Croissant record as the Parquet row it was read from: field names without their record set's
    prefix, text as str (mlcroissant gives bytes below the top level), a struct of nulls as a null struct."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, list):
        return [_as_row(item) for item in value]
    if isinstance(value, dict):
        fields = {key.rsplit("/", 1)[-1]: _as_row(item) for key, item in value.items()}
        return None if all(item is None for item in fields.values()) else fields
    return value


@pytest.mark.parametrize("config", ["quotes", "stance", "documents"])
def test_records_with_struct_fields_are_the_parquet_rows(annotated, config: str) -> None:  # noqa: F811
    """Structs (content, cue, speaker mention and entity, outlet, evidence, provenance), nullable structs and lists of structs (paragraphs)."""
    dataset = mlc.Dataset(str(annotated.corpus / "croissant.json"))
    records = [_as_row(record) for record in dataset.records(f"{config}_train")]
    rows = pq.read_table(annotated.corpus / config / "train-00000.parquet").to_pylist()
    assert len(rows) == {"quotes": 2, "stance": 2, "documents": 1}[config]
    assert records == rows


def _sentence_records(annotated: Any) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    dataset = mlc.Dataset(str(annotated.corpus / "croissant.json"))
    records = [_as_row(record) for record in dataset.records("sentences_train")]
    rows = pq.read_table(annotated.corpus / "sentences" / "train-00000.parquet").to_pylist()
    assert len(records) == len(rows) == 12
    return list(zip(records, rows))


def test_sentence_records_have_the_tokens_and_entities_of_the_parquet_rows(annotated) -> None:  # noqa: F811
    """Lists of structs in a sentence record: tokens, and the entities' own fields."""
    pairs = _sentence_records(annotated)
    flat = ("id", "start", "end", "text", "label")
    for record, row in pairs:
        assert record["tokens"] == row["tokens"]
        assert [{key: e[key] for key in flat} for e in record["entities"]] == [{key: e[key] for key in flat} for e in row["entities"]]
    assert sum(len(row["entities"]) for _, row in pairs) == 6


@pytest.mark.xfail(
    strict=True,
    reason="mlcroissant 1.1.1 reads one provenance per sentence for a list of entities (the nested subField "
    "entities/provenance of the repeated entities field): 3 entities, 1 provenance. croissant.json follows the spec "
    "(a struct subField inside a repeated struct); mlcroissant's ReadFields places every leaf under its direct parent "
    "at the top of the record, so a struct inside a list of structs comes out once per record, under the struct's "
    "own name: a reader limit, which croissant.json cannot describe around",
)
def test_sentence_records_have_a_provenance_per_entity(annotated) -> None:  # noqa: F811
    for record, row in _sentence_records(annotated):
        assert record["provenance"] == {key: [e["provenance"][key] for e in row["entities"]] for key in ("source", "status", "annotator", "time")}


def _fields(nodes: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for node in nodes:
        yield node
        yield from _fields(node.get("subField", []))


def test_every_class_label_has_its_names_in_an_enumeration_record_set(annotated) -> None:
    metadata = json.loads((annotated.corpus / "croissant.json").read_text())
    record_sets = {rs["@id"]: rs for rs in metadata["recordSet"]}
    enumerations = {
        rs_id: [row[f"{rs_id}/name"] for row in sorted(rs["data"], key=lambda row: row[f"{rs_id}/id"])]
        for rs_id, rs in record_sets.items()
        if rs.get("dataType") == "sc:Enumeration"
    }
    schemas = Schemas(annotated.schema_dir)
    entity_labels = schemas.enum("common.schema.json#/$defs/entity_label")
    assert enumerations["labels/sentences/entities.label"] == entity_labels
    assert enumerations["labels/ner/ner_tags"] == schemas.raw["ner"]["$defs"]["iob2_tag"]["enum"]
    assert len(enumerations) == 4  # entity labels, quote types, stance labels, IOB2 tags
    labelled = [f for rs in metadata["recordSet"] if rs.get("dataType") != "sc:Enumeration" for f in _fields(rs["field"]) if "Class label id" in f.get("description", "")]
    # every ClassLabel of the six configs' train record sets: the speaker chain's label of `sentences`, the label and stance labels of `attributions` too
    assert len(labelled) == 11
    for field in labelled:
        target = field["references"]["field"]["@id"].removesuffix("/id") if "references" in field else field["description"].split("RecordSet ")[1].split(")")[0]
        assert target in enumerations
    assert "references" not in next(f for f in labelled if f["@id"] == "ner_train/ner_tags")  # see croissant._field
    stance_label = next(f for f in labelled if f["@id"] == "stance_train/label")
    assert stance_label["references"] == {"field": {"@id": "labels/sentences/stance.label/id"}}
    chain_label = next(f for f in labelled if f["@id"] == "attributions_train/label")
    assert chain_label["references"] == {"field": {"@id": "labels/sentences/entities.label/id"}}


def test_dataset_is_cited_dated_located_and_its_resources_listed(annotated) -> None:
    metadata = json.loads((annotated.corpus / "croissant.json").read_text())
    dataset = json.loads((annotated.schema_dir / "dataset.json").read_text())
    manifest = json.loads((annotated.corpus / "manifest.json").read_text())
    assert metadata["citeAs"].startswith("@misc{qawl_0_1_0,") and "author       = {{qawl maintainers}}" in metadata["citeAs"]
    assert f"year         = {{{dataset['date_published'][:4]}}}" in metadata["citeAs"]
    assert "url          = {https://huggingface.co/datasets/qawl/qawl/tree/v0.1.0}" in metadata["citeAs"]
    assert metadata["datePublished"] == dataset["date_published"]
    assert metadata["url"] == "https://huggingface.co/datasets/qawl/qawl"
    files = {f["@id"]: f for f in metadata["distribution"] if f["@type"] == "cr:FileObject"}
    for entry in manifest["resources"]:
        assert files[entry["path"]]["sha256"] == entry["sha256"] and files[entry["path"]]["description"]
    assert files["LICENSE.md"]["encodingFormat"] == "text/markdown" and files["targets.json"]["encodingFormat"] == "application/json"
