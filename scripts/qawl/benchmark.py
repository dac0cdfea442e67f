"""`qawl benchmark`: a spaCy pipeline's entities on a split of the published `ner` config, scored by `qawl.evaluate`.

The pipeline runs on the gold tokens of each row (a `Doc` made from them, so its
tokenizer is not used): its entities are read as IOB2 tags of those tokens, written
as `ner` prediction rows, and scored exactly as `qawl evaluate` scores a file of them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qawl.evaluate import RESAMPLES, EvaluationError, GoldSplit, entity_labels, read_gold_split, score_split
from qawl.schema import Problem


def pipeline_predictions(pipeline: Path, gold: GoldSplit) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """`ner` prediction rows of the spaCy pipeline in `pipeline` for the gold rows, and the pipeline's name and version.

    A label the dataset does not have is an error (each one listed once, with the first row it is predicted in).
    """
    import spacy
    from spacy.tokens import Doc

    try:
        nlp = spacy.load(pipeline)
    except (OSError, ValueError) as error:
        raise EvaluationError([Problem(str(pipeline), "", f"cannot load the spaCy pipeline: {error}")]) from error
    names = gold.names("ner_tags")
    rows: list[dict[str, Any]] = []
    unknown: dict[str, str] = {}
    for row, doc in zip(gold.rows, nlp.pipe(Doc(nlp.vocab, words=row["tokens"], spaces=token_spaces(row)) for row in gold.rows)):
        tags = [f"{token.ent_iob_}-{token.ent_type_}" if token.ent_iob_ in ("B", "I") else "O" for token in doc]
        for tag in tags:
            if tag not in names:
                unknown.setdefault(tag[2:], row["id"])
        rows.append({"id": row["id"], "ner_tags": tags})
    if unknown:
        raise EvaluationError([
            Problem(str(pipeline), f"row {row_id}", f"the pipeline predicts label {label!r}, which the dataset does not have (labels: {', '.join(entity_labels(names))})")
            for label, row_id in unknown.items()
        ])
    return rows, {"name": f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}", "version": nlp.meta.get("version")}


def token_spaces(row: dict[str, Any]) -> list[bool] | None:
    """Whether each token is followed by whitespace, from the row's token offsets (None, all spaced, without them)."""
    if "token_starts" not in row:
        return None
    return [end < start for end, start in zip(row["token_ends"], row["token_starts"][1:])] + [False]


def run_benchmark(pipeline: Path, corpus: Path, split: str, out: Path, resamples: int = RESAMPLES, seed: int = 0) -> dict[str, Any]:
    """Write the pipeline's predictions for `split` to `out` (JSON lines) and score them: `evaluate_split`'s result."""
    gold = read_gold_split(corpus, "ner", split)
    rows, meta = pipeline_predictions(pipeline, gold)
    out.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return {"pipeline": meta, **score_split(gold, corpus, out, resamples, seed)}
