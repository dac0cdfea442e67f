from __future__ import annotations

import json
from typing import Any

import datasets
import pyarrow as pa
import pytest

from qawl.publish import CONFIGS
from qawl.schema import Schemas, TypedField, decode_class_labels
from tests.conftest import REPO


@pytest.fixture(scope="module")
def schemas() -> Schemas:
    return Schemas(REPO / "schema")


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: c.name)
def test_arrow_schema_and_features_agree(schemas: Schemas, config) -> None:
    arrow = schemas.arrow_schema(config.schema)
    features = schemas.features(config.schema)
    assert arrow.names == list(features) == list(schemas.raw[config.schema]["properties"])
    assert features.arrow_schema.remove_metadata() == arrow
    assert datasets.Features.from_arrow_schema(features.arrow_schema) == features


def test_class_labels_are_the_schema_enums(schemas: Schemas) -> None:
    features = schemas.features("sentence")
    assert features["entities"].feature["label"].names == schemas.enum("common.schema.json#/$defs/entity_label")
    assert features["quotes"].feature["type"].names == ["direct", "indirect", "mixed"]
    assert features["stance"].feature["label"].names == ["FAVOR", "AGAINST", "NONE"]


def test_conll_mapping_covers_exactly_the_entity_labels(schemas: Schemas) -> None:
    mapping = json.loads((REPO / "schema" / "conll_label_map.json").read_text())["mapping"]
    assert list(mapping) == schemas.enum("common.schema.json#/$defs/entity_label")
    assert set(mapping.values()) <= {"PER", "ORG", "LOC", "MISC", None}


def test_every_schema_is_a_valid_draft_2020_12_schema(schemas: Schemas) -> None:
    import jsonschema

    for name, schema in schemas.raw.items():
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema", name
        jsonschema.Draft202012Validator.check_schema(schema)


def test_problems_carry_json_pointers(schemas: Schemas) -> None:
    bad = {"schema_version": "1.0.0", "doc_id": "d", "sha256": "0" * 64, "entities": [{"id": "e1", "start": -1, "end": 2, "text": "x", "label": "PER", "provenance": {}}], "quotes": [], "stance": []}
    problems = schemas.problems("annotation", bad, "f.json")
    pointers = {p.place for p in problems}
    assert "/entities/0/start" in pointers and "/entities/0/label" in pointers


def _sentence_row(entities: list[dict], quotes: list[dict]) -> dict:
    return {
        "sentence_id": "d-1", "doc_id": "d", "index": 0, "paragraph": 0, "heading": False, "start": 0, "end": 5,
        "text": "بغداد", "tokens": [{"start": 0, "end": 5, "text": "بغداد"}],
        "entities": entities, "quotes": quotes, "stance": [], "status": "gold",
    }


PROVENANCE = {"source": "manual", "status": "gold", "annotator": "a", "time": "2026-01-01T00:00:00Z"}


def test_class_label_encoding_round_trips(schemas: Schemas) -> None:
    fields = schemas.typed_fields("sentence")
    rows = [
        _sentence_row([{"id": "e1", "start": 0, "end": 5, "text": "بغداد", "label": "GPE", "chain": "c1", "provenance": PROVENANCE}], []),
        _sentence_row([], []),
        _sentence_row([{"id": f"e{n}", "start": 0, "end": 5, "text": "بغداد", "label": label, "chain": None, "provenance": PROVENANCE}
                       for n, label in enumerate(["DATE", "PERSON", "ORG"])], []),
    ]
    encoded = schemas.encode_records("sentence", rows)
    assert encoded.schema == schemas.arrow_schema("sentence")
    labels = schemas.enum("common.schema.json#/$defs/entity_label")
    assert [[e["label"] for e in r["entities"]] for r in encoded.to_pylist()] == [
        [labels.index("GPE")], [], [labels.index("DATE"), labels.index("PERSON"), labels.index("ORG")]
    ]
    assert [decode_class_labels(fields, r) for r in encoded.to_pylist()] == rows


def test_class_label_encoding_keeps_null_structs_and_lists(schemas: Schemas) -> None:
    """A ClassLabel under a null struct stays null, and the rows equal a record-by-record encoding."""
    fields = schemas.typed_fields("quote")
    entity = {"id": "e1", "sentence_id": "d-1", "text": "الوزير", "label": "PERSON"}
    records = [{field.name: None for field in fields} | {"speaker_entity": value} for value in (entity, None, entity)]
    encoded = schemas.encode_records("quote", records)
    person = schemas.enum("common.schema.json#/$defs/entity_label").index("PERSON")
    assert encoded.column("speaker_entity").to_pylist() == [entity | {"label": person}, None, entity | {"label": person}]


def test_class_label_encoding_refuses_an_unknown_label(schemas: Schemas) -> None:
    row = _sentence_row([{"id": "e1", "start": 0, "end": 5, "text": "بغداد", "label": "PER", "provenance": PROVENANCE}], [])
    with pytest.raises(ValueError, match="field 'label': 'PER' is not one of its labels"):
        schemas.encode_records("sentence", [row])


def _with_label_ids(field: TypedField, value: Any) -> Any:
    """A JSON value with its ClassLabel names replaced by their ids, the obvious way (a walk over the record)."""
    if value is None or not field.has_class_label:
        return value
    if field.kind == "classlabel":
        return field.names.index(value)
    if field.kind == "list":
        return [_with_label_ids(field.children[0], v) for v in value]
    return {child.name: _with_label_ids(child, value.get(child.name)) for child in field.children}


def test_encoded_records_are_the_records_with_label_ids_and_survive_ipc_unchanged(schemas: Schemas) -> None:
    """The values of a record-by-record encoding; Arrow IPC (how tables leave a worker) changes no buffer (`nbytes`)."""
    entity = {"id": "e1", "start": 0, "end": 5, "text": "بغداد", "label": "GPE", "provenance": PROVENANCE}
    quote_entity = {"id": "e1", "sentence_id": "d-1", "text": "الوزير", "label": "PERSON"}
    cases = {
        "sentence": [_sentence_row([entity], []), _sentence_row([], []), _sentence_row([entity, entity | {"label": "ORG"}], [])],
        "quote": [{f.name: None for f in schemas.typed_fields("quote")} | {"type": "direct", "speaker_entity": value} for value in (quote_entity, None)],
        "document": [],
    }
    for name, records in cases.items():
        encoded = schemas.encode_records(name, records)
        fields = schemas.typed_fields(name)
        expected = pa.Table.from_pylist([{f.name: _with_label_ids(f, r.get(f.name)) for f in fields} for r in records], schema=schemas.arrow_schema(name))
        assert encoded.equals(expected), name
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, encoded.schema) as writer:
            writer.write_table(encoded)
        received = pa.ipc.open_stream(sink.getvalue()).read_all()
        assert received.equals(encoded) and received.nbytes == encoded.nbytes, name
