"""The JSON Schemas in schema/ are the single source of truth.

This module loads them, validates records against them (collecting every
problem with a JSON pointer), and derives the Arrow schema and the Hugging Face
`datasets.Features` of a published config from the same JSON Schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import pyarrow as pa
import pyarrow.compute as pc
from referencing import Registry, Resource
from referencing._core import Resolver

SCHEMA_FILES = {
    "common": "common.schema.json",
    "document": "document.schema.json",
    "sentence": "sentence.schema.json",
    "annotation": "annotation.schema.json",
    "manifest": "manifest.schema.json",
    "seed_metadata": "seed_metadata.schema.json",
    "ner": "ner.schema.json",
    "quote": "quote.schema.json",
    "stance": "stance.schema.json",
    "attribution": "attribution.schema.json",
    "targets": "targets.schema.json",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what is wrong."""

    file: str
    place: str
    message: str

    def __str__(self) -> str:
        place = f" {self.place}:" if self.place else ""
        return f"{self.file}:{place} {self.message}"


class Schemas:
    """The project's JSON Schemas, with validators and derived Arrow/HF types."""

    def __init__(self, schema_dir: Path) -> None:
        self.directory = schema_dir
        self.raw: dict[str, dict[str, Any]] = {
            name: json.loads((schema_dir / file).read_text(encoding="utf-8"))
            for name, file in SCHEMA_FILES.items()
        }
        resources = [
            (self.raw[name]["$id"], Resource.from_contents(self.raw[name])) for name in SCHEMA_FILES
        ]
        self.registry: Registry = Registry().with_resources(resources)
        self._typed: dict[str, list[TypedField]] = {}
        self._arrow: dict[tuple[str, pa.DataType], pa.Schema] = {}
        self._json_rows: dict[str, pa.StructType] = {}

    @cached_property
    def _fast_validators(self) -> dict[str, Any]:
        registry = jsonschema_rs.Registry([(schema["$id"], schema) for schema in self.raw.values()])
        return {name: jsonschema_rs.validator_for(self.raw[name], registry=registry, validate_formats=True) for name in SCHEMA_FILES}

    @cached_property
    def _validators(self) -> dict[str, jsonschema.protocols.Validator]:
        return {
            name: jsonschema.Draft202012Validator(
                self.raw[name],
                registry=self.registry,
                format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
            )
            for name in SCHEMA_FILES
        }

    def problems(self, name: str, record: Any, file: str, place: str = "") -> list[Problem]:
        """Every schema violation of `record` against schema `name`, with JSON pointers.

        The compiled validator (jsonschema-rs) decides; the reference
        implementation (jsonschema) words the report when there is something to report.
        """
        if self.is_valid(name, record):
            return []
        errors = [("/" + "/".join(str(p) for p in e.absolute_path), e.message) for e in self._validators[name].iter_errors(record)]
        errors = errors or [("/" + "/".join(str(p) for p in e.instance_path), e.message) for e in self._fast_validators[name].iter_errors(record)]
        return [Problem(file, f"{place} {pointer}".strip(), message) for pointer, message in sorted(errors)]

    def is_valid(self, name: str, record: Any) -> bool:
        return self._fast_validators[name].is_valid(record)

    # -- derived types -------------------------------------------------------------

    def enum(self, ref: str) -> list[str]:
        """The values of an enum definition such as 'common.schema.json#/$defs/entity_label'."""
        node, _ = _resolve({"$ref": ref}, self.registry.resolver(self.raw["common"]["$id"]))
        return list(node["enum"])

    def typed_fields(self, name: str) -> list[TypedField]:
        """The top-level fields of schema `name` as a tree of TypedField (derived once)."""
        if name not in self._typed:
            root = self.raw[name]
            self._typed[name] = _object_fields(root, self.registry.resolver(root["$id"]))
        return self._typed[name]

    def arrow_schema(self, name: str, metadata: dict[str, str] | None = None) -> pa.Schema:
        schema = self._arrow_schema(name, pa.int64())
        return schema.with_metadata(metadata) if metadata else schema

    def json_arrow_schema(self, name: str) -> pa.Schema:
        """The Arrow schema of JSON records of schema `name`: like `arrow_schema`, but ClassLabels as strings."""
        return self._arrow_schema(name, pa.string())

    def _arrow_schema(self, name: str, class_label: pa.DataType) -> pa.Schema:
        if (name, class_label) not in self._arrow:
            self._arrow[name, class_label] = pa.schema([f.arrow_field(class_label) for f in self.typed_fields(name)])
        return self._arrow[name, class_label]

    def encode_records(self, name: str, records: list[dict[str, Any]]) -> pa.Table:
        """JSON records of schema `name` as a table of `arrow_schema(name)`, ClassLabel strings replaced by their ids.

        The records are converted as one array of row structs (one converter for
        the whole row type rather than one per column); the ClassLabels are then
        encoded on Arrow arrays, so the cost does not grow with the number of
        nested values the way a walk over Python records does.
        """
        schema = self.arrow_schema(name)
        rows = pa.array(records, type=self._json_row_type(name))
        batches = [
            pa.RecordBatch.from_arrays([_encode(*column) for column in zip(self.typed_fields(name), chunk.flatten(), schema.types)], schema=schema)
            for chunk in (rows.chunks if isinstance(rows, pa.ChunkedArray) else [rows])
        ]
        return pa.Table.from_batches(batches, schema=schema)

    def _json_row_type(self, name: str) -> pa.StructType:
        """A JSON record of schema `name` as one Arrow struct (derived once)."""
        if name not in self._json_rows:
            self._json_rows[name] = pa.struct(self.json_arrow_schema(name))
        return self._json_rows[name]

    def features(self, name: str) -> Any:
        import datasets

        return datasets.Features({f.name: f.hf_feature() for f in self.typed_fields(name)})


@lru_cache(maxsize=4)
def schemas_in(schema_dir: str) -> Schemas:
    """The Schemas of `schema_dir`, loaded once per process (for workers, which get the directory, not the object)."""
    return Schemas(Path(schema_dir))


@dataclass(frozen=True)
class TypedField:
    """A field of a JSON Schema object, with enough type information for Arrow and HF."""

    name: str
    kind: str  # string | int32 | int64 | float64 | bool | list | struct | classlabel
    nullable: bool = False
    children: tuple[TypedField, ...] = ()
    names: tuple[str, ...] = ()  # ClassLabel names

    @cached_property
    def has_class_label(self) -> bool:
        """Whether this field or one nested in it is a ClassLabel (encoding skips the others)."""
        return self.kind == "classlabel" or any(child.has_class_label for child in self.children)

    @cached_property
    def label_lookup(self) -> pc.SetLookupOptions:
        """`index_in` options finding a ClassLabel name's id: its index in `names` (made once, not per call)."""
        return pc.SetLookupOptions(pa.array(self.names, pa.string()))

    def arrow_type(self, class_label: pa.DataType = pa.int64()) -> pa.DataType:
        """The Arrow type; ClassLabels are `class_label` (int64 ids when published, strings in JSON form)."""
        simple = {
            "string": pa.string(),
            "int32": pa.int32(),
            "int64": pa.int64(),
            "float64": pa.float64(),
            "bool": pa.bool_(),
            "classlabel": class_label,
        }
        if self.kind in simple:
            return simple[self.kind]
        if self.kind == "list":
            return pa.list_(self.children[0].arrow_field(class_label))
        return pa.struct([child.arrow_field(class_label) for child in self.children])

    def arrow_field(self, class_label: pa.DataType = pa.int64()) -> pa.Field:
        return pa.field(self.name, self.arrow_type(class_label), nullable=True)

    def hf_feature(self) -> Any:
        import datasets

        if self.kind == "classlabel":
            return datasets.ClassLabel(names=list(self.names))
        if self.kind == "list":
            return datasets.List(self.children[0].hf_feature())
        if self.kind == "struct":
            return {child.name: child.hf_feature() for child in self.children}
        dtype = {"string": "string", "int32": "int32", "int64": "int64", "float64": "float64", "bool": "bool"}
        return datasets.Value(dtype[self.kind])


def _resolve(node: dict[str, Any], resolver: Resolver) -> tuple[dict[str, Any], Resolver]:
    """Follow `$ref`s to a concrete schema node, with the resolver for its own refs."""
    while "$ref" in node:
        resolved = resolver.lookup(node["$ref"])
        node, resolver = resolved.contents, resolved.resolver
    return node, resolver


def _object_fields(node: dict[str, Any], resolver: Resolver) -> list[TypedField]:
    return [_typed(key, sub, resolver) for key, sub in node["properties"].items()]


def _typed(name: str, node: dict[str, Any], resolver: Resolver) -> TypedField:
    node, resolver = _resolve(node, resolver)
    nullable = False
    for combinator in ("oneOf", "anyOf"):
        if combinator in node:
            options = [_resolve(option, resolver) for option in node[combinator]]
            non_null = [(o, r) for o, r in options if o.get("type") != "null"]
            if len(non_null) != 1:
                raise ValueError(f"field {name!r}: only 'X or null' unions can be published")
            nullable = len(options) > 1
            node, resolver = non_null[0]
    types = node.get("type")
    if isinstance(types, list):
        nullable = nullable or "null" in types
        types = [t for t in types if t != "null"]
        types = types[0] if len(types) == 1 else types
    if "enum" in node:
        if node.get("x-hf") == "ClassLabel":
            return TypedField(name, "classlabel", nullable, names=tuple(node["enum"]))
        return TypedField(name, "string", nullable)
    if types == "object":
        return TypedField(name, "struct", nullable, tuple(_object_fields(node, resolver)))
    if types == "array":
        item = _typed("item", node["items"], resolver)
        return TypedField(name, "list", nullable, (item,))
    if types == "integer":
        return TypedField(name, node.get("x-arrow", "int64"), nullable)
    scalar = {"string": "string", "number": "float64", "boolean": "bool"}
    if types in scalar:
        return TypedField(name, scalar[types], nullable)
    raise ValueError(f"field {name!r}: no Arrow type for JSON Schema type {types!r}")


def _encode(field: TypedField, array: pa.Array, arrow_type: pa.DataType) -> pa.Array:
    """`array` (JSON form) with ClassLabel strings replaced by ids, as `arrow_type`.

    Arrays are assembled with the parts of `arrow_type` itself, not with equal
    types the conversion made: Arrow checks the types of the arrays it puts
    together, and for the same type object that is a pointer comparison, while
    for another one it builds fingerprint strings of the whole nested type.
    """
    if not field.has_class_label:
        return array.view(arrow_type)
    mask = array.is_null() if array.null_count else None
    if field.kind == "classlabel":
        ids = pc.index_in(array, options=field.label_lookup)
        if ids.null_count != array.null_count:
            unknown = pc.filter(array, pc.and_(ids.is_null(), array.is_valid()))
            raise ValueError(f"field {field.name!r}: {unknown[0].as_py()!r} is not one of its labels {field.names}")
        ids = ids.cast(arrow_type)
        if ids.null_count == 0 and ids.buffers()[0] is not None:
            # drop the all-valid bitmap index_in allocates: Arrow IPC drops it too, and table sizes must not
            # depend on whether a document's table went through a worker or the cache
            ids = pa.Array.from_buffers(arrow_type, len(ids), [None, ids.buffers()[1]], 0, ids.offset)
        return ids
    if field.kind == "list":
        values = _encode(field.children[0], array.values, arrow_type.value_type)
        return pa.ListArray.from_arrays(array.offsets, values, type=arrow_type, mask=mask)
    # flatten(): a child's slots under a null struct are null too (the conversion fills them with empty values)
    children = [_encode(child, values, child_field.type) for child, values, child_field in zip(field.children, array.flatten(), arrow_type)]
    return pa.StructArray.from_arrays(children, type=arrow_type, mask=mask)


def decode_class_labels(fields: Iterable[TypedField], record: dict[str, Any]) -> dict[str, Any]:
    """Inverse of `Schemas.encode_records`, for one record: integer ids back to label names (JSON form)."""
    return {f.name: _decode(f, record[f.name]) for f in fields}


def _decode(field: TypedField, value: Any) -> Any:
    if value is None or not field.has_class_label:
        return value
    if field.kind == "classlabel":
        return field.names[value]
    if field.kind == "list":
        return [_decode(field.children[0], v) for v in value]
    if field.kind == "struct":
        return decode_class_labels(field.children, value)
    return value
