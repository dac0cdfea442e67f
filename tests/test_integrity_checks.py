"""The checks that keep a broken layer out of the corpus, one rule at a time: a quote's content span,
a speaker's kind against its mention and entity, exactly one of a stance's evidence quote and span;
and `qawl validate` finding a quote content that no longer matches its sentence in a published corpus.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from qawl.ingest import Document
from qawl.merge import check_layer
from qawl.project import Project
from qawl.publish import file_sha256
from qawl.schema import Schemas
from qawl.segment import split_sentences
from qawl.validate import validate_annotation_files, validate_corpus
from tests.layers import annotated  # noqa: F401  (fixture)
from tests.test_robustness_annotations import TEXT, span, valid_layer

DOCUMENT = Document("doc", TEXT, hashlib.sha256(TEXT.encode()).hexdigest(), "seeds/doc.txt")


def problems_of(change: Callable[[dict[str, Any]], None]) -> list[tuple[str, str]]:
    layer = valid_layer("doc", TEXT)
    change(layer)
    return [(p.place, p.message) for p in check_layer(layer, DOCUMENT, split_sentences("doc", TEXT), {"plan"}, "doc.json")]


def test_the_valid_layer_has_no_problem() -> None:
    assert problems_of(lambda layer: None) == []


def test_a_quote_content_that_is_not_the_text_at_its_offsets() -> None:
    def shift(layer: dict[str, Any]) -> None:
        layer["quotes"][0]["content"]["text"] = "الحكومة ستعلن الخطة بعد غد"

    assert problems_of(shift) == [
        ("/quotes/0/content", "span text 'الحكومة ستعلن الخطة بعد غد' does not match the text at [23, 47): 'الحكومة ستعلن الخطة غداً'")
    ]


NAMED_WITHOUT_ENTITY = "a named speaker needs mention=set and entity=set"
ANONYMOUS = "a anonymous speaker needs mention=set and entity=null"
UNKNOWN = "a unknown speaker needs mention=null and entity=null"


@pytest.mark.parametrize(
    ("speaker", "message"),
    [
        ({"kind": "named", "entity": None}, NAMED_WITHOUT_ENTITY),
        ({"kind": "named", "mention": None}, NAMED_WITHOUT_ENTITY),
        ({"kind": "anonymous"}, ANONYMOUS),  # keeps the entity of the named speaker
        ({"kind": "unknown", "entity": None}, UNKNOWN),  # keeps its mention
        ({"kind": "unknown"}, UNKNOWN),
    ],
)
def test_a_speaker_whose_kind_disagrees_with_its_mention_and_entity(speaker: dict[str, Any], message: str) -> None:
    assert problems_of(lambda layer: layer["quotes"][0]["speaker"].update(speaker)) == [("/quotes/0/speaker", message)]


@pytest.mark.parametrize(
    "evidence",
    [{"quote": "q1", "span": span(TEXT, "الحكومة ستعلن الخطة غداً")}, {"quote": None, "span": None}],
    ids=["both", "neither"],
)
def test_stance_evidence_has_exactly_one_of_quote_and_span(evidence: dict[str, Any]) -> None:
    assert problems_of(lambda layer: layer["stance"][0].update(evidence=evidence)) == [
        ("/stance/0/evidence", "exactly one of evidence.quote and evidence.span must be set")
    ]


def test_qawl_validate_checks_the_quote_content_of_annotation_files(annotated: Project, tmp_path: Path) -> None:  # noqa: F811
    layer = json.loads(next(annotated.annotations.glob("0*.json")).read_text(encoding="utf-8"))
    layer["quotes"][1]["content"]["end"] -= 1
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(layer, ensure_ascii=False), encoding="utf-8")
    problems = validate_annotation_files([path], annotated, Schemas(annotated.schema_dir))
    assert [(p.file, p.place) for p in problems] == [(str(path), "/quotes/1/content")]
    assert "does not match the text at" in problems[0].message


def test_qawl_validate_checks_the_quote_content_of_a_published_corpus(annotated: Project, tmp_path: Path) -> None:  # noqa: F811
    corpus = tmp_path / "corpus"
    shutil.copytree(annotated.corpus, corpus)
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["files"] if e["config"] == "sentences")
    path = corpus / entry["path"]
    table = pq.read_table(path)
    rows = table.to_pylist()
    n, row = next((n, row) for n, row in enumerate(rows) if row["quotes"])
    row["quotes"][0]["content"]["text"] = "«" + row["quotes"][0]["content"]["text"][1:]
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)
    entry["sha256"] = file_sha256(path)  # re-sealed, as a careless edit would
    (corpus / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    problems = validate_corpus(corpus, Schemas(annotated.schema_dir))
    assert [(p.file, p.place) for p in problems] == [(str(path), f"row {n} /quotes/0/content")]
    assert "does not match the text at" in problems[0].message
