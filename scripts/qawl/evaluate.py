"""Evaluation of an annotation layer (pred) against a gold layer of the same document.

- entities: precision/recall/F1 per label and micro overall, **strict** (same
  offsets and label) and **partial** (overlapping spans with the same label,
  matched one-to-one);
- quotes: detection P/R/F1 on content spans, a match being any overlap (one-to-one);
- speakers: accuracy on matched quotes — correct when both kinds are unknown, or the
  predicted speaker mention or entity span overlaps the gold mention or entity span;
- stance: macro-F1 = mean of F1(FAVOR) and F1(AGAINST) (SemEval-2016 Task 6) over
  the gold records whose evidence quote was matched, keyed by (quote, target).

Counts are summed over documents before the ratios are taken (micro averages).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

Layer = dict[str, Any]
ENTITY_LABELS = ("PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "EVENT", "DATE")


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "pred": n_pred, "gold": n_gold}


def _overlap(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    return bool(a and b and a["start"] < b["end"] and b["start"] < a["end"])


def _match(gold: list[Any], pred: list[Any], same: Any) -> list[tuple[int, int]]:
    """Greedy one-to-one matching of gold and pred items in text order."""
    used: set[int] = set()
    pairs = []
    for g, gi in enumerate(gold):
        for p, pi in enumerate(pred):
            if p not in used and same(gi, pi):
                used.add(p)
                pairs.append((g, p))
                break
    return pairs


def _counts(gold: Layer, pred: Layer) -> Counter[str]:
    """Raw counts for one document; `summarise` turns summed counts into scores."""
    c: Counter[str] = Counter()
    g_ents, p_ents = gold.get("entities", []), pred.get("entities", [])
    for label in ENTITY_LABELS:
        g = [e for e in g_ents if e["label"] == label]
        p = [e for e in p_ents if e["label"] == label]
        c[f"ent:{label}:gold"] += len(g)
        c[f"ent:{label}:pred"] += len(p)
        c[f"ent:{label}:strict"] += len(_match(g, p, lambda a, b: (a["start"], a["end"]) == (b["start"], b["end"])))
        c[f"ent:{label}:partial"] += len(_match(g, p, _overlap))
    g_quotes, p_quotes = gold.get("quotes", []), pred.get("quotes", [])
    pairs = _match(g_quotes, p_quotes, lambda a, b: _overlap(a["content"], b["content"]))
    c["quote:gold"], c["quote:pred"], c["quote:tp"] = len(g_quotes), len(p_quotes), len(pairs)
    g_by_id = {e["id"]: e for e in g_ents}
    p_by_id = {e["id"]: e for e in p_ents}
    for g, p in pairs:
        c["speaker:total"] += 1
        c["speaker:correct"] += _same_speaker(g_quotes[g]["speaker"], p_quotes[p]["speaker"], g_by_id, p_by_id)
        c["type:correct"] += g_quotes[g]["type"] == p_quotes[p]["type"]
    quote_map = {g_quotes[g]["id"]: p_quotes[p]["id"] for g, p in pairs}
    p_stance = {
        (s["evidence"]["quote"], s["target"]): s["label"] for s in pred.get("stance", []) if s["evidence"]["quote"]
    }
    for s in gold.get("stance", []):
        q = s["evidence"]["quote"]
        if q is None:
            continue
        predicted = p_stance.get((quote_map.get(q), s["target"]), "NONE")
        for label in ("FAVOR", "AGAINST"):
            c[f"stance:{label}:gold"] += s["label"] == label
            c[f"stance:{label}:pred"] += predicted == label
            c[f"stance:{label}:tp"] += s["label"] == label == predicted
        c["stance:total"] += 1
    return c


def _same_speaker(g: dict[str, Any], p: dict[str, Any], g_ents: dict[str, Any], p_ents: dict[str, Any]) -> bool:
    if g["kind"] == "unknown" or p["kind"] == "unknown":
        return g["kind"] == p["kind"]
    g_spans = [g["mention"], g_ents.get(g["entity"] or "")]
    p_spans = [p["mention"], p_ents.get(p["entity"] or "")]
    return any(_overlap(a, b) for a in g_spans for b in p_spans)


def summarise(c: Counter[str]) -> dict[str, Any]:
    """Scores from (summed) counts."""
    entities: dict[str, Any] = {"strict": {}, "partial": {}}
    for mode in ("strict", "partial"):
        for label in ENTITY_LABELS:
            if c[f"ent:{label}:gold"] or c[f"ent:{label}:pred"]:
                entities[mode][label] = _prf(c[f"ent:{label}:{mode}"], c[f"ent:{label}:pred"], c[f"ent:{label}:gold"])
        entities[mode]["ALL"] = _prf(
            sum(c[f"ent:{label}:{mode}"] for label in ENTITY_LABELS),
            sum(c[f"ent:{label}:pred"] for label in ENTITY_LABELS),
            sum(c[f"ent:{label}:gold"] for label in ENTITY_LABELS),
        )
    stance = {label: _prf(c[f"stance:{label}:tp"], c[f"stance:{label}:pred"], c[f"stance:{label}:gold"]) for label in ("FAVOR", "AGAINST")}
    matched = c["speaker:total"]
    return {
        "entities": entities,
        "quotes": _prf(c["quote:tp"], c["quote:pred"], c["quote:gold"]),
        "speaker_accuracy": c["speaker:correct"] / matched if matched else 0.0,
        "quote_type_accuracy": c["type:correct"] / matched if matched else 0.0,
        "matched_quotes": matched,
        "stance": {
            "macro_f1": (stance["FAVOR"]["f1"] + stance["AGAINST"]["f1"]) / 2,
            **stance,
            "records": c["stance:total"],
        },
    }


def evaluate(gold: Layer, pred: Layer) -> dict[str, Any]:
    """Scores of `pred` against `gold`, two annotation-file dicts for the same document."""
    if gold.get("doc_id") != pred.get("doc_id"):
        raise ValueError(f"gold is {gold.get('doc_id')!r} but pred is {pred.get('doc_id')!r}")
    report = summarise(_counts(gold, pred))
    report["documents"] = 1
    return report


def _layers(path: Path) -> dict[str, Layer]:
    files = [path] if path.is_file() else sorted(path.glob("*.json"))
    layers = {}
    for file in files:
        layer = json.loads(file.read_text(encoding="utf-8"))
        if isinstance(layer, dict) and "doc_id" in layer and "entities" in layer:
            layers[layer["doc_id"]] = layer
    return layers


def evaluate_pairs(pairs: Iterable[tuple[Layer, Layer]]) -> dict[str, Any]:
    """Corpus-level (micro) scores over (gold, pred) pairs."""
    total: Counter[str] = Counter()
    n = 0
    for gold, pred in pairs:
        total += _counts(gold, pred)
        n += 1
    report = summarise(total)
    report["documents"] = n
    return report


def evaluate_paths(gold: Path, pred: Path) -> dict[str, Any]:
    """Corpus-level scores: annotation files (or directories of them), paired by doc_id.

    A gold document without a prediction counts as predicted empty.
    """
    golds, preds = _layers(gold), _layers(pred)
    if not golds:
        raise FileNotFoundError(f"no annotation files in {gold}")
    empty = {"entities": [], "quotes": [], "stance": []}
    return evaluate_pairs((g, preds.get(doc_id, {"doc_id": doc_id, **empty})) for doc_id, g in golds.items())


def format_table(report: dict[str, Any]) -> str:
    """A plain-text table of a report, for people."""
    lines = [f"documents: {report.get('documents', 1)}", "", f"{'entities':<22}{'P':>7}{'R':>7}{'F1':>7}{'gold':>6}{'pred':>6}"]
    for mode in ("strict", "partial"):
        for label, s in report["entities"][mode].items():
            lines.append(
                f"{mode + ' ' + label:<22}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}{s['gold']:>6}{s['pred']:>6}"
            )
    q = report["quotes"]
    st = report["stance"]
    lines += [
        "",
        f"{'quotes (overlap)':<22}{q['precision']:>7.3f}{q['recall']:>7.3f}{q['f1']:>7.3f}{q['gold']:>6}{q['pred']:>6}",
        f"{'speaker accuracy':<22}{report['speaker_accuracy']:>7.3f}   on {report['matched_quotes']} matched quotes",
        f"{'quote type accuracy':<22}{report['quote_type_accuracy']:>7.3f}",
        f"{'stance macro-F1':<22}{st['macro_f1']:>7.3f}   (F1 FAVOR {st['FAVOR']['f1']:.3f}, AGAINST {st['AGAINST']['f1']:.3f}; {st['records']} gold records)",
    ]
    return "\n".join(lines)
