"""corpus/croissant.json: valid for mlcroissant (offline), checksummed files, records readable."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import mlcroissant as mlc
import pyarrow.parquet as pq

from qawl.publish import CONFIGS
from qawl.schema import Schemas
from tests.layers import annotated  # noqa: F401  (fixture)

OFFLINE = {**os.environ, "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": "", "HF_HUB_OFFLINE": "1"}


def test_mlcroissant_validate_passes_offline(annotated) -> None:
    cli = Path(sys.executable).parent / "mlcroissant"
    result = subprocess.run([str(cli), "validate", "--jsonld", str(annotated.corpus / "croissant.json")], capture_output=True, text=True, env=OFFLINE, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "error" not in result.stderr.lower()


def test_file_objects_carry_the_manifest_checksums(annotated) -> None:
    metadata = json.loads((annotated.corpus / "croissant.json").read_text())
    manifest = json.loads((annotated.corpus / "manifest.json").read_text())
    files = {f["@id"]: f for f in metadata["distribution"] if f["@type"] == "cr:FileObject"}
    assert set(files) == {entry["path"] for entry in manifest["files"]}
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
    assert ner_tags["repeated"] is True and "1=B-PERSON" in ner_tags["description"]

    dataset = mlc.Dataset(str(annotated.corpus / "croissant.json"))
    records = list(dataset.records("ner_train"))
    table = pq.read_table(annotated.corpus / "ner" / "train-00000.parquet").to_pylist()
    assert len(records) == len(table)
    for record, row in zip(records, table):
        assert [t.decode() for t in record["ner_train/tokens"]] == row["tokens"]
        assert list(record["ner_train/ner_tags"]) == row["ner_tags"]
