"""Inter-annotator agreement between two annotation layers of the same document.

Entities: span F1, exact match with and without labels. Quotes, matched as
`qawl evaluate` matches whole quotations: F1 exact (the same content and quoted
parts), overlapping (content spans) and per quoted character, and over the exactly
matched quotes how often cue, speaker (kind, mention and the entity's span), outlet, type and
source (the quote that reports a nested one, by its extent) agree. Stance: items are paired by (evidence span, target,
holder kind) — ids differ between annotators, so a quote is known by its
content span — and compared with Cohen's kappa (scikit-learn, over the items
both annotated) and Krippendorff's alpha, nominal (the `krippendorff` package,
over all items, a missing judgement counted as missing). Chains, when both
layers have them: MUC, B³, CEAF-e and their mean, the CoNLL F1 (`qawl.coref`),
over the entity mentions by (start, end), an unchained mention a cluster alone
as in `qawl evaluate`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from typing import Any

from qawl.coref import chain_counts, chain_scores
from qawl.evaluate import document_quote_counts, mention_clusters, quote_extent
from qawl.merge import Layer

Span = tuple[int, int]


def _f1(a: int, b: int, matched_a: int, matched_b: int) -> dict[str, Any]:
    precision = matched_b / b if b else None
    recall = matched_a / a if a else None
    f1 = 2 * precision * recall / (precision + recall) if precision and recall else (1.0 if a == b == 0 else 0.0)
    return {"a": a, "b": b, "matched": matched_a, "precision": precision, "recall": recall, "f1": f1}


def set_f1(a: Iterable[Any], b: Iterable[Any]) -> dict[str, Any]:
    """F1 of two sets of items, exact match (b scored against a)."""
    left, right = set(a), set(b)
    both = len(left & right)
    return _f1(len(left), len(right), both, both)


def overlap_f1(a: list[Span], b: list[Span]) -> dict[str, Any]:
    """F1 where a span counts as found if it overlaps a span of the other side."""

    def overlaps(x: Span, ys: list[Span]) -> bool:
        return any(x[0] < y[1] and y[0] < x[1] for y in ys)

    return _f1(len(a), len(b), sum(overlaps(x, b) for x in a), sum(overlaps(y, a) for y in b))


def _span(span: dict[str, Any] | None) -> Span | None:
    return None if span is None else (span["start"], span["end"])


def _stance_items(layer: Layer) -> dict[tuple[Any, ...], Any]:
    quotes = {q["id"]: q for q in layer["quotes"]}
    items = {}
    for stance in layer["stance"]:
        quote = quotes.get(stance["evidence"]["quote"] or "")
        evidence = quote_extent(quote) if quote else _span(stance["evidence"]["span"])
        items[(evidence, stance["target"], stance["holder"]["kind"])] = stance["label"]
    return items


def _defined(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def stance_agreement(a: Layer, b: Layer) -> dict[str, Any]:
    """Cohen's kappa and Krippendorff's alpha (nominal) on paired stance judgements."""
    import krippendorff  # the `review` extra; imported here so that the qawl CLI starts without it
    import numpy as np
    from sklearn.metrics import cohen_kappa_score

    left, right = _stance_items(a), _stance_items(b)
    shared = sorted(set(left) & set(right), key=repr)
    union = sorted(set(left) | set(right), key=repr)
    labels = sorted({*left.values(), *right.values()})
    result: dict[str, Any] = {
        "a": len(left),
        "b": len(right),
        "paired": len(shared),
        "observed_agreement": sum(left[k] == right[k] for k in shared) / len(shared) if shared else None,
        "cohen_kappa": None,
        "krippendorff_alpha": None,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # kappa is undefined (nan) when only one label is used
        if shared:
            result["cohen_kappa"] = _defined(cohen_kappa_score([left[k] for k in shared], [right[k] for k in shared], labels=labels))
    if shared and len(labels) > 1:  # alpha needs a judgement both made (krippendorff raises otherwise)
        codes = {label: n for n, label in enumerate(labels)}
        data = np.array([[codes[side[k]] if k in side else np.nan for k in union] for side in (left, right)], dtype=float)
        result["krippendorff_alpha"] = _defined(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    return result


def chain_agreement(a: Layer, b: Layer) -> dict[str, Any] | None:
    """Coreference scores of b's chains against a's (recall over a, precision over b), the chains both made with the
    same mentions (`identical`) and how many of those have the same canonical name; None unless both have chains."""
    if "chains" not in a or "chains" not in b:
        return None

    def names(layer: Layer) -> dict[frozenset[Span], str]:
        spans = {e["id"]: (e["start"], e["end"]) for e in layer["entities"]}
        return {frozenset(spans[entity] for entity in chain["entities"]): chain["name"] for chain in layer["chains"]}

    names_a, names_b = names(a), names(b)
    identical = names_a.keys() & names_b.keys()
    return {
        "a": len(a["chains"]),
        "b": len(b["chains"]),
        "mentions_a": sum(len(chain["entities"]) for chain in a["chains"]),
        "mentions_b": sum(len(chain["entities"]) for chain in b["chains"]),
        "identical": len(identical),
        "same_name": sum(names_a[chain] == names_b[chain] for chain in identical),
        **chain_scores(chain_counts(mention_clusters(a), mention_clusters(b))),
    }


def agreement(a: Layer, b: Layer) -> dict[str, Any]:
    """Agreement between two annotation layers of one document (see the module docstring)."""
    if (a["doc_id"], a["sha256"]) != (b["doc_id"], b["sha256"]):
        raise ValueError(f"the layers annotate different texts: {a['doc_id']} {a['sha256'][:12]}… and {b['doc_id']} {b['sha256'][:12]}…")
    quotes_a = {quote_extent(q): q for q in a["quotes"]}
    quotes_b = {quote_extent(q): q for q in b["quotes"]}
    characters = document_quote_counts(a["quotes"], b["quotes"])
    shared = characters["quote_chars:tp"]
    same = [(quotes_a[k], quotes_b[k]) for k in quotes_a.keys() & quotes_b.keys()]
    ids_a, ids_b = ({q["id"]: q for q in layer["quotes"]} for layer in (a, b))

    entities_a, entities_b = ({e["id"]: e for e in layer["entities"]} for layer in (a, b))

    def speaker(quote: dict[str, Any], entities: dict[str, Any]) -> tuple[Any, ...]:
        """A quote's speaker as two passes can compare it: kind, mention span and the span of its entity."""
        return quote["speaker"]["kind"], _span(quote["speaker"]["mention"]), _span(entities.get(quote["speaker"]["entity"] or ""))

    def part_agreement(get: Any) -> float | None:
        return sum(get(x) == get(y) for x, y in same) / len(same) if same else None

    def sources(pair: tuple[dict[str, Any], dict[str, Any]]) -> list[tuple[Any, ...] | None]:
        """The parts of the quotes that report each quote of a matched pair (None: not nested)."""
        outer = (ids.get(quote.get("source") or "") for quote, ids in zip(pair, (ids_a, ids_b)))
        return [None if quote is None else quote_extent(quote) for quote in outer]

    return {
        "doc_id": a["doc_id"],
        "entities": {
            "labelled": set_f1(((e["start"], e["end"], e["label"]) for e in a["entities"]), ((e["start"], e["end"], e["label"]) for e in b["entities"])),
            "unlabelled": set_f1((_span(e) for e in a["entities"]), (_span(e) for e in b["entities"])),
        },
        "quotes": {
            "exact": set_f1(quotes_a, quotes_b),
            "overlap": overlap_f1([extent[:2] for extent in quotes_a], [extent[:2] for extent in quotes_b]),
            "characters": _f1(characters["quote_chars:gold"], characters["quote_chars:pred"], shared, shared),
            "matched": len(same),
            "cue_agreement": part_agreement(lambda q: _span(q["cue"])),
            "speaker_agreement": sum(speaker(x, entities_a) == speaker(y, entities_b) for x, y in same) / len(same) if same else None,
            "outlet_agreement": part_agreement(lambda q: _span(q["outlet"])),
            "type_agreement": part_agreement(lambda q: q["type"]),
            "source_agreement": sum(x == y for x, y in map(sources, same)) / len(same) if same else None,
        },
        "stance": stance_agreement(a, b),
        "chains": chain_agreement(a, b),
    }
