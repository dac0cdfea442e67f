"""Task configs: `ner`, `quotes`, `stance` and `attributions` rows, derived from a document's sentence rows.

Each `derive_*` function has the `ConfigSpec.derive` shape
`(document_row, sentence_rows) -> rows`; rows come out in document order.
Sentences of unannotated documents contribute nothing to a task config.
"""

from __future__ import annotations

import bisect
from collections import Counter
from operator import itemgetter
from typing import Any, NamedTuple

Record = dict[str, Any]
_start = itemgetter("start")


def iob2_tags(labels: list[str]) -> list[str]:
    """The IOB2 tag inventory of entity `labels`: O, then B-/I- of each label in order."""
    return ["O"] + [f"{prefix}-{label}" for label in labels for prefix in ("B", "I")]


class NerProjection(NamedTuple):
    """The IOB2 tags of a sentence row's entities on its tokens, and what the convention cost."""

    tags: list[str]
    inside_token: list[str]  # ids of entities with a boundary inside a token: tagged on the whole host token
    held: list[str]  # ids of entities whose every token an earlier entity tags: not in `tags`


def project_entities(row: Record) -> NerProjection:
    """IOB2 tags of `row`'s entities on its tokens, which are the text's own and are never cut.

    The convention (ANERcorp's: tag the host token): an entity tags every token it
    overlaps, B- on the first and I- on the rest. An entity that starts or ends
    inside a token (a proclitic before a name: وواشنطن for واشنطن, للتحالف for
    لتحالف) tags that whole token. A token two entities overlap goes to the first;
    the second starts at its next token, or, with none left, is `held` out of the tags.
    """
    starts = [token["start"] for token in row["tokens"]]
    ends = [token["end"] for token in row["tokens"]]
    tags = ["O"] * len(starts)
    inside, held = [], []
    for entity in sorted(row["entities"], key=_start):
        first = bisect.bisect_right(ends, entity["start"])  # the first token ending after the entity starts
        last = bisect.bisect_left(starts, entity["end"])  # past the last token starting before it ends
        if first >= last:
            raise ValueError(f"{row['sentence_id']}: entity {entity['id']} {entity['text']!r} covers no token")
        if starts[first] < entity["start"] or ends[last - 1] > entity["end"]:
            inside.append(entity["id"])
        while first < last and tags[first] != "O":  # only an earlier entity's host token: entities are flat
            first += 1
        if first == last:
            held.append(entity["id"])
            continue
        tags[first : last] = [f"B-{entity['label']}"] + [f"I-{entity['label']}"] * (last - first - 1)
    return NerProjection(tags, inside, held)


def derive_ner(document: Record, sentences: list[Record]) -> list[Record]:
    """One row per annotated sentence: its text, its tokens with their offsets, and IOB2 `ner_tags`."""
    return [
        {
            "id": row["sentence_id"],
            "text": row["text"],
            "tokens": [token["text"] for token in row["tokens"]],
            "token_starts": [token["start"] for token in row["tokens"]],
            "token_ends": [token["end"] for token in row["tokens"]],
            "ner_tags": project_entities(row).tags,
            "sentence_id": row["sentence_id"],
            "doc_id": row["doc_id"],
            "status": row["status"],
        }
        for row in sentences
        if row["status"] != "unannotated"
    ]


def derive_quotes(document: Record, sentences: list[Record]) -> list[Record]:
    """One row per quote, however many sentences it runs over: its first sentence and its piece there,
    the whole quotation in document offsets, and its quoted parts in every sentence (`pieces`)."""
    rows: dict[str, Record] = {}
    for row in sentences:
        for quote in row["quotes"]:
            pieces = [{"sentence_id": row["sentence_id"], **part} for part in quote["parts"]]
            if quote["id"] in rows:
                rows[quote["id"]]["pieces"] += pieces
                continue
            rows[quote["id"]] = {
                "id": f"{row['doc_id']}/{quote['id']}",
                "quote_id": quote["id"],
                "doc_id": row["doc_id"],
                "sentence_id": row["sentence_id"],
                "text": row["text"],
                "type": quote["type"],
                "content": quote["content"],
                "document_content": quote["document_content"],
                "pieces": pieces,
                "source_quote_id": quote["source_quote_id"],
                "cue": quote["cue"],
                "speaker_kind": quote["speaker"]["kind"],
                "speaker_mention": quote["speaker"]["mention"],
                "speaker_entity": quote["speaker"]["entity"],
                "speaker_chain": None if quote["speaker"]["chain"] is None else quote["speaker"]["chain"]["id"],
                "speaker_name": None if quote["speaker"]["chain"] is None else quote["speaker"]["chain"]["name"],
                "outlet": quote["outlet"],
                "provenance": quote["provenance"],
            }
    return list(rows.values())


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


def derive_attributions(document: Record, sentences: list[Record]) -> list[Record]:
    """Who said what: one row per speaker chain of the document (in the order it is first quoted),
    with its quotes counted by type (a quote over several sentences once) and its stance judgements counted per target and label."""
    rows: dict[str, Record] = {}
    stance: dict[str, Counter[tuple[str, str]]] = {}
    chain_of_quote: dict[str, str] = {}
    for row in sentences:
        for quote in row["quotes"]:
            chain = quote["speaker"]["chain"]
            if chain is None or quote["id"] in chain_of_quote:  # no speaker chain, or a later piece of a quote counted
                continue
            chain_of_quote[quote["id"]] = chain["id"]
            if chain["id"] not in rows:
                rows[chain["id"]] = {
                    "id": f"{row['doc_id']}/{chain['id']}",
                    "doc_id": row["doc_id"],
                    "chain": chain["id"],
                    "name": chain["name"],
                    "label": chain["label"],
                    "quotes": 0,
                    "direct": 0,
                    "indirect": 0,
                    "mixed": 0,
                    "quote_ids": [],
                    "status": row["status"],
                }
                stance[chain["id"]] = Counter()
            attribution = rows[chain["id"]]
            attribution["quotes"] += 1
            attribution[quote["type"]] += 1
            attribution["quote_ids"].append(f"{row['doc_id']}/{quote['id']}")
    for row in sentences:
        for judgement in row["stance"]:
            chain_id = chain_of_quote.get(judgement["holder"]["quote_id"] or "")
            if chain_id is not None:
                stance[chain_id][judgement["target"], judgement["label"]] += 1
    return [
        {**row, "stance": [{"target": target, "label": label, "count": count} for (target, label), count in sorted(stance[chain_id].items())]}
        for chain_id, row in rows.items()
    ]
