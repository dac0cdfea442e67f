"""Task configs: `ner`, `quotes` and `stance` rows, derived from a document's sentence rows.

Each `derive_*` function has the `ConfigSpec.derive` shape
`(document_row, sentence_rows) -> rows`; rows come out in document order.
Sentences of unannotated documents contribute nothing to a task config.
"""

from __future__ import annotations

import bisect
import math
from operator import itemgetter
from typing import Any

Record = dict[str, Any]
Piece = tuple[int, int, str]  # start, end (relative to the sentence), text
_start = itemgetter("start")


def iob2_tags(labels: list[str]) -> list[str]:
    """The IOB2 tag inventory of entity `labels`: O, then B-/I- of each label in order."""
    return ["O"] + [f"{prefix}-{label}" for label in labels for prefix in ("B", "I")]


def ner_pieces(row: Record) -> tuple[list[Piece], list[str]]:
    """The tokens of a sentence row split at every entity boundary, with their IOB2 tags.

    A token that an entity starts or ends inside (a proclitic before a name:
    وبغداد → و + بغداد) is cut there, so every entity is a whole number of tokens.
    """
    entities = sorted(row["entities"], key=_start)
    text = row["text"]
    pieces = [(token["start"], token["end"], text[token["start"] : token["end"]]) for token in row["tokens"]]
    inner = _inner_cuts(pieces, {offset for entity in entities for offset in (entity["start"], entity["end"])})
    for i in sorted(inner, reverse=True):  # from the end, so the pieces before keep their index
        start, end, _ = pieces[i]
        bounds = [start, *inner[i], end]
        pieces[i : i + 1] = [(a, b, text[a:b]) for a, b in zip(bounds, bounds[1:])]
    tags = ["O"] * len(pieces)
    for entity in entities:
        # pieces are in order and do not overlap: those inside the entity are a run from its first,
        # the first piece starting at or after it ((start,) sorts before every piece with that start)
        first = last = bisect.bisect_left(pieces, (entity["start"],))
        while last < len(pieces) and pieces[last][1] <= entity["end"]:
            last += 1
        if first == last:
            raise ValueError(f"{row['sentence_id']}: entity {entity['id']} {entity['text']!r} covers no token")
        tags[first] = f"B-{entity['label']}"
        for i in range(first + 1, last):
            tags[i] = f"I-{entity['label']}"
    return pieces, tags


def _inner_cuts(pieces: list[Piece], cuts: set[int]) -> dict[int, list[int]]:
    """The `cuts` strictly inside a piece, sorted, by piece index; `pieces` are in order and do not overlap.

    There are few cuts (two per entity) and many pieces: each cut looks for its
    piece, comparing tuples (no key function to call at each step).
    """
    inner: dict[int, list[int]] = {}
    for cut in sorted(cuts):
        i = bisect.bisect_right(pieces, (cut, math.inf)) - 1  # the last piece starting at or before the cut
        if i >= 0 and pieces[i][0] < cut < pieces[i][1]:
            inner.setdefault(i, []).append(cut)
    return inner


def derive_ner(document: Record, sentences: list[Record]) -> list[Record]:
    """One row per annotated sentence: tokens and IOB2 `ner_tags`."""
    rows = []
    for row in sentences:
        if row["status"] == "unannotated":
            continue
        pieces, tags = ner_pieces(row)
        rows.append(
            {
                "id": row["sentence_id"],
                "tokens": [text for _, _, text in pieces],
                "ner_tags": tags,
                "sentence_id": row["sentence_id"],
                "doc_id": row["doc_id"],
                "status": row["status"],
            }
        )
    return rows


def derive_quotes(document: Record, sentences: list[Record]) -> list[Record]:
    """One row per quote, with the sentence that holds its content."""
    return [
        {
            "id": f"{row['doc_id']}/{quote['id']}",
            "quote_id": quote["id"],
            "doc_id": row["doc_id"],
            "sentence_id": row["sentence_id"],
            "text": row["text"],
            "type": quote["type"],
            "content": quote["content"],
            "cue": quote["cue"],
            "speaker_kind": quote["speaker"]["kind"],
            "speaker_mention": quote["speaker"]["mention"],
            "speaker_entity": quote["speaker"]["entity"],
            "outlet": quote["outlet"],
            "provenance": quote["provenance"],
        }
        for row in sentences
        for quote in row["quotes"]
    ]


def derive_stance(document: Record, sentences: list[Record]) -> list[Record]:
    """One row per holder × target × evidence, SemEval-2016 style (text, target, label)."""
    return [
        {
            "id": f"{row['doc_id']}/{stance['id']}",
            "text": stance["evidence"]["text"],
            "target": stance["target"],
            "label": stance["label"],
            "holder_kind": stance["holder"]["kind"],
            "holder": stance["holder"]["text"],
            "stance_id": stance["id"],
            "evidence_quote_id": stance["evidence_quote_id"],
            "evidence": stance["evidence"],
            "sentence": row["text"],
            "sentence_id": row["sentence_id"],
            "doc_id": row["doc_id"],
            "provenance": stance["provenance"],
        }
        for row in sentences
        for stance in row["stance"]
    ]
