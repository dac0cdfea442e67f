"""`qawl build`: seeds and annotations → the published corpus, atomically.

`process_document` is the whole per-document pipeline (segment, tokenize,
annotate, merge) as a pure function; `build_corpus` streams its results into
the writer and swaps the finished corpus into place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qawl.card import card_body, card_metadata, render_card
from qawl.ingest import Document, IngestError, ingest_seeds
from qawl.merge import Layer, Row, annotators, build_rows, check_layer, load_targets, read_layer
from qawl.project import Project
from qawl.publish import CONFIGS, CorpusWriter, recover, split_of, staging_directory, swap_into_place, write_json
from qawl.schema import Problem, Schemas
from qawl.segment import split_sentences, tokenize
from qawl.validate import validate_corpus

PreAnnotator = Callable[[Document], Layer]


class BuildError(Exception):
    """Raised with every problem that stopped a build; nothing was published."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class DocumentResult:
    """What one document contributes: its row in `documents`, its sentence rows, its layer."""

    document_row: dict[str, Any]
    rows: list[Row]
    layer: Layer | None
    problems: list[Problem]


def process_document(
    document: Document,
    gold: Layer | None,
    gold_file: str,
    targets: set[str],
    preannotate: PreAnnotator | None,
) -> DocumentResult:
    """Segment, tokenize, annotate and merge one document (no I/O, no global state)."""
    sentences = split_sentences(document.doc_id, document.text)
    tokens = tokenize(s.text for s in sentences)
    layer, status, file = gold, "gold", gold_file
    if layer is None and preannotate is not None:
        layer, status, file = preannotate(document), "silver", f"pre-annotation of {document.source}"
    if layer is None:
        status = "unannotated"
    problems = check_layer(layer, document, sentences, targets, file) if layer is not None else []
    rows = build_rows(document, sentences, tokens, None if problems else layer, status)
    document_row = {
        "doc_id": document.doc_id,
        "text": document.text,
        "sha256": document.sha256,
        **{key: document.metadata[key] for key in ("title", "publisher", "published", "published_precision", "url", "language", "license", "inferred")},
        "paragraphs": [{"start": start, "end": end} for start, end in document.paragraphs],
        "num_sentences": len(rows),
        "status": status,
    }
    return DocumentResult(document_row, rows, layer, problems)


def read_gold_layers(project: Project, documents: list[Document], schemas: Schemas) -> tuple[dict[str, Layer], list[Problem]]:
    """annotations/<doc_id>.json for the documents, schema-checked; orphans are problems."""
    layers: dict[str, Layer] = {}
    problems: list[Problem] = []
    known = {d.doc_id for d in documents}
    for path in sorted(project.annotations.glob("*.json")):
        if path.name == "targets.json":
            continue
        doc_id = path.name.removesuffix(".json")
        if doc_id not in known:
            problems.append(Problem(str(path), "", f"annotation file for {doc_id!r}, but there is no seeds/{doc_id}.txt"))
            continue
        layer, layer_problems = read_layer(path, schemas)
        problems += layer_problems
        if layer is not None:
            layers[doc_id] = layer
    return layers, problems


def build_corpus(project: Project, target: Path | None = None, preannotate: PreAnnotator | None = None) -> dict[str, Any]:
    """Build the corpus into `target` (default `corpus/`) atomically; returns the manifest."""
    target = target or project.corpus
    recover(target)
    schemas = Schemas(project.schema_dir)
    dataset = project.dataset
    try:
        documents = ingest_seeds(project.seeds, schemas)
    except IngestError as error:
        raise BuildError(error.problems) from error
    gold, problems = read_gold_layers(project, documents, schemas)
    targets = load_targets(project.annotations)
    used_layers: list[Layer] = []
    with staging_directory(target) as staging:
        writer = CorpusWriter(staging, schemas, dataset["version"], dataset["schema_version"])
        for document in documents:
            result = process_document(
                document, gold.get(document.doc_id), str(project.annotations / f"{document.doc_id}.json"), targets, preannotate
            )
            problems += result.problems
            if result.problems:
                continue
            split = split_of(document.doc_id, dataset["splits"])
            for config in CONFIGS:
                for n, record in enumerate(config.derive(result.document_row, result.rows)):
                    problems += writer.add(config, split, record, f"{document.source} ({config.name} row {n})")
            if result.layer is not None:
                used_layers.append(result.layer)
        if problems:
            raise BuildError(problems)
        files = writer.close()
        manifest = {
            "name": dataset["name"],
            "version": dataset["version"],
            "schema_version": dataset["schema_version"],
            "annotators": annotators(used_layers),
            "documents": len(documents),
            "files": files,
        }
        manifest_problems = schemas.problems("manifest", manifest, "manifest.json")
        if manifest_problems:
            raise BuildError(manifest_problems)
        write_json(staging / "manifest.json", manifest)
        card = card_metadata(schemas, files, dataset)
        (staging / "README.md").write_text(render_card(card, card_body(manifest, dataset)), encoding="utf-8")
        problems = validate_corpus(staging, schemas)
        if problems:
            raise BuildError(problems)
        swap_into_place(staging, target)
    return manifest
