"""The pre-annotator's baseline scores for the dataset card, and the recorded inter-annotator agreement.

Both are computed from files in the repository, so the card is a pure function
of the sources like the rest of the corpus.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qawl.evaluate import LAYER_TASK, RESAMPLES, layer_details, pair_counts, report
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


def scored(pairs: Iterator[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, Any]:
    """Headline scores of (gold, pred) layers, with their 95% bootstrap intervals over documents, and the per-label and
    confusion tables, as `qawl evaluate --details` gives them."""
    counts = {gold["doc_id"]: pair_counts(gold, pred) for gold, pred in pairs}
    result = report(counts, LAYER_TASK, RESAMPLES, seed=0)
    intervals = result["confidence_intervals"]
    return {
        "documents": result["documents"],
        "scores": result["headline"],
        "ci95": {name: intervals[name] for name in result["headline"]},
        "details": layer_details(sum(counts.values(), Counter())),
    }


DEVSET_PARTS = ("tune", "scored")  # annotations/devset/<part>/: rules may be tuned on the first, the second is only scored


def devset_part(project: Project, part: str) -> list[tuple[Path, Path]]:
    """(text, gold layer) pairs of one part of the devset, in name order."""
    directory = project.annotations / "devset" / part
    return [(path, path.with_suffix(".json")) for path in sorted(directory.glob("*.txt")) if path.with_suffix(".json").exists()]


def baseline_report(project: Project, preannotate: PreAnnotator) -> dict[str, Any] | None:
    """Scores of the pre-annotator on the gold corpus (its own gold left out of the gazetteer) and on each devset part."""
    gold = [(project.seeds / f"{path.stem}.txt", path) for path in project.gold_layers()]
    report = {}
    if gold:
        report["gold_corpus"] = scored(_pairs(iter(gold), preannotate))
    for part in DEVSET_PARTS:
        if pairs := devset_part(project, part):
            report[f"devset_{part}"] = scored(_pairs(iter(pairs), preannotate))
    return report or None


def recorded_agreement(project: Project) -> dict[str, Any] | None:
    """annotations/passes/agreement.json (written by `qawl review agreement --json`), if present."""
    path = project.annotations / AGREEMENT_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
