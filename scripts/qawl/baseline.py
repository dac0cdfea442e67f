"""The pre-annotator's baseline scores for the dataset card, and the recorded inter-annotator agreement.

Both are computed from files in the repository, so the card is a pure function
of the sources like the rest of the corpus.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qawl.evaluate import evaluate_pairs
from qawl.ingest import decode_seed
from qawl.merge import PreAnnotator
from qawl.project import Project

AGREEMENT_FILE = Path("passes") / "agreement.json"


def _pairs(texts_and_golds: Iterator[tuple[Path, Path]], preannotate: PreAnnotator) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for text_path, gold_path in texts_and_golds:
        raw = text_path.read_bytes()
        text, problems = decode_seed(raw, str(text_path))
        if text is None:
            raise ValueError("; ".join(str(p) for p in problems))
        doc_id = text_path.name.removesuffix(".txt")
        yield json.loads(gold_path.read_text(encoding="utf-8")), preannotate(doc_id, text, hashlib.sha256(raw).hexdigest())


def _headline(report: dict[str, Any]) -> dict[str, Any]:
    strict, partial = report["entities"]["strict"]["ALL"], report["entities"]["partial"]["ALL"]
    return {
        "documents": report["documents"],
        "entity_f1_strict": strict["f1"],
        "entity_precision_strict": strict["precision"],
        "entity_recall_strict": strict["recall"],
        "entity_f1_partial": partial["f1"],
        "quote_f1_overlap": report["quotes"]["f1"],
        "speaker_accuracy": report["speaker_accuracy"],
        "stance_macro_f1": report["stance"]["macro_f1"],
    }


def baseline_report(project: Project, preannotate: PreAnnotator) -> dict[str, Any] | None:
    """Scores of the pre-annotator on the gold corpus (its own gold left out of the gazetteer) and on the devset."""
    gold = [(project.seeds / f"{path.stem}.txt", path) for path in project.gold_layers()]
    devset_dir = project.annotations / "devset"
    devset = [(path, path.with_suffix(".json")) for path in sorted(devset_dir.glob("*.txt")) if path.with_suffix(".json").exists()]
    report = {}
    if gold:
        report["gold_corpus"] = _headline(evaluate_pairs(_pairs(iter(gold), preannotate)))
    if devset:
        report["devset_held_out"] = _headline(evaluate_pairs(_pairs(iter(devset), preannotate)))
    return report or None


def recorded_agreement(project: Project) -> dict[str, Any] | None:
    """annotations/passes/agreement.json (written by `qawl review agreement --json`), if present."""
    path = project.annotations / AGREEMENT_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
