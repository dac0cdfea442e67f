"""Pre-annotation (silver layer): a spaCy pipeline of rules, lexicons and the gold layer.

`preannotate(doc_id, text, sha256)` returns an annotation-file dict valid against
schema/annotation.schema.json, with silver provenance. The pipeline is built once
per process from the project's annotations/ (gold gazetteer, stance targets).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language

    from qawl.annotate.pipeline import Learned

ANNOTATOR_NAME = "qawl-preannotator"
ANNOTATOR_VERSION = "0.1.0"
# The release time of ANNOTATOR_VERSION: provenance must not depend on when a build runs.
ANNOTATOR_RELEASE_TIME = "2025-01-01T00:00:00Z"
SCHEMA_VERSION = "2.0.0"

PROVENANCE = {
    "source": f"auto:{ANNOTATOR_NAME}@{ANNOTATOR_VERSION}",
    "status": "silver",
    "annotator": ANNOTATOR_NAME,
    "time": ANNOTATOR_RELEASE_TIME,
}


@lru_cache(maxsize=1)  # looked up once, as the pipeline it picks is built once: not a directory walk per document
def annotations_dir_here() -> Path | None:
    """annotations/ of the project around the current directory; None outside a project."""
    from qawl.project import find_project

    try:
        return find_project().annotations
    except FileNotFoundError:
        return None


# Pipelines built in this process, by annotations/ directory, with what each learned there.
_pipelines: dict[Path | None, tuple[Language, Learned]] = {}
PIPELINES_KEPT = 4


def get_pipeline(annotations_dir: Path | None = None) -> Language:
    """The pre-annotation pipeline of a project's annotations/ (default: the project around the
    current directory), built once per process."""
    from qawl.annotate.pipeline import build_pipeline, learned_by

    directory = annotations_dir or annotations_dir_here()
    if directory not in _pipelines:
        if len(_pipelines) >= PIPELINES_KEPT:
            del _pipelines[next(iter(_pipelines))]
        nlp = build_pipeline(directory)
        _pipelines[directory] = nlp, learned_by(nlp)
    return _pipelines[directory][0]


def forget_pipelines(unless_learned: Learned) -> None:
    """Drop the pipelines that learned something else than `unless_learned` from their annotations/
    (it changed since they were built); the next call builds them again."""
    for directory, (_, learned) in list(_pipelines.items()):
        if learned != unless_learned:
            del _pipelines[directory]


def preannotate(
    doc_id: str, text: str, sha256: str, sentences: list[tuple[int, int]] | None = None, annotations_dir: Path | None = None
) -> dict[str, Any]:
    """The silver annotation layer of one document (doc-level code-point offsets).

    `sentences`: the (start, end) of the text's `split_sentences`, if they are cut already.
    `annotations_dir`: the annotations/ whose gold names and stance targets the pipeline
    learns from (default: the project around the current directory).
    """
    from qawl.annotate.pipeline import annotate, to_layer

    found = annotate(get_pipeline(annotations_dir), doc_id, text, sentences)
    return to_layer(found, doc_id, sha256, SCHEMA_VERSION, PROVENANCE)


def preannotator(annotations_dir: Path) -> Callable[..., dict[str, Any]]:
    """`preannotate` for the project whose annotations/ this is, wherever qawl runs from; picklable,
    so it travels to worker processes."""
    return partial(preannotate, annotations_dir=annotations_dir)
