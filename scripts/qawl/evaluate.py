"""Scoring predictions against gold, the way a result on qawl is reported.

Gold is one config and split of a published corpus/ (the Parquet shards its manifest
lists, read with pyarrow; label names come from the files' own Hugging Face feature
metadata, so a downloaded copy of corpus/ is enough), or annotation-layer JSON (a file
or a directory). Predictions are validated in full before anything is scored: every
problem is reported at once (`EvaluationError`) and nothing is dropped, so an unknown
label is an error, not a prediction that silently does not count.

- entities: precision/recall/F1 per label and micro overall, **strict** (same
  span and label: on IOB2 tags, seqeval's default mode) and **partial**
  (overlapping spans with the same label, matched one-to-one);
- quotes: detection P/R/F1 on content spans, a match being any overlap (one-to-one); in layers, quotes are
  whole quotations in document offsets (a content may cross sentences and have `parts`), also scored by
  **exact extent** (same content and same parts, one-to-one) and per **quoted character** (the characters
  of the parts, or of the content when a quote has none, unioned over each side's quotes): a gold quotation
  over three sentences predicted as three one-sentence quotes is one overlap match of three predictions
  (P 1/3, R 1), no exact match, and the share of its characters the three cover;
- sources (layers whose quotes both have the `source` key, null included): accuracy of the nesting of the
  overlap-matched quotes, correct when both are not nested or the predicted source is the match of the gold one;
- speakers: accuracy on matched quotes — correct when both kinds are unknown, or the
  predicted speaker mention (or, in layers, entity) overlaps the gold one;
- stance: F_avg = mean of F1(FAVOR) and F1(AGAINST) (SemEval-2016 Task 6; the
  layer report calls it `macro_f1`) and, on `stance` rows, the macro-F1 over the
  three labels, overall and per target;
- chains (layers only, documents whose gold and predicted layers both have `chains`): MUC, B³,
  CEAF-e and their mean, the CoNLL-2012 F1 (`qawl.coref`), mentions compared by (start, end);
- per label (layers): P/R/F1 and confusion tables of entities, quote types, speaker kinds and
  stance (`layer_details`);
- 95% bootstrap confidence intervals, resampling documents with `random.Random(seed)`.

Counts are summed over documents before the ratios are taken (micro averages).
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from qawl.coref import chain_counts, chain_scores
from qawl.jsonfile import parse_json, read_json_file, read_text_file
from qawl.merge import quote_parts
from qawl.publish import file_sha256, listed_file_problems
from qawl.schema import Problem

Layer = dict[str, Any]
Record = dict[str, Any]
ENTITY_LABELS = ("PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "EVENT", "DATE")
SPEAKER_KINDS = ("named", "anonymous", "unknown")  # common.schema.json#/$defs/speaker_kind: a plain string in the rows
QUOTE_TYPES = ("direct", "indirect", "mixed")
STANCE_LABELS = ("FAVOR", "AGAINST", "NONE")
MISSED, SPURIOUS = "missed", "spurious"  # confusion columns: a gold item nothing matched, a predicted one that matched nothing
TASK_CONFIGS = ("ner", "quotes", "stance")
RESAMPLES = 1000


class EvaluationError(Exception):
    """Gold or predictions that cannot be scored: every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = sorted(problems, key=_file_order)  # stable: a line's problems keep their order


def _file_order(problem: Problem) -> tuple[str, float]:
    """Problems sort by file, then line (those of no line, such as a missing row, last)."""
    words = problem.place.replace(",", " ").split()
    line = float(words[1]) if len(words) > 1 and words[0] == "line" and words[1].isdigit() else math.inf
    return problem.file, line


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


def _entity_counts(g_ents: list[Record], p_ents: list[Record], labels: Iterable[str]) -> Counter[str]:
    """Gold, predicted, strict and partial matches per label of entities with `start`, `end`, `label`."""
    c: Counter[str] = Counter()
    for label in labels:
        g = [e for e in g_ents if e["label"] == label]
        p = [e for e in p_ents if e["label"] == label]
        c[f"ent:{label}:gold"] += len(g)
        c[f"ent:{label}:pred"] += len(p)
        c[f"ent:{label}:strict"] += len(_match(g, p, lambda a, b: (a["start"], a["end"]) == (b["start"], b["end"])))
        c[f"ent:{label}:partial"] += len(_match(g, p, _overlap))
    return c


def pair_counts(gold: Layer, pred: Layer) -> Counter[str]:
    """Raw counts for one document; `summarise` turns summed counts into scores."""
    g_ents, p_ents = gold.get("entities", []), pred.get("entities", [])
    c = _entity_counts(g_ents, p_ents, ENTITY_LABELS)
    c.update(_confusion_counts("entity", [e["label"] for e in g_ents], [e["label"] for e in p_ents], _span_pairs(g_ents, p_ents)))
    g_quotes, p_quotes = gold.get("quotes", []), pred.get("quotes", [])
    pairs = _match(g_quotes, p_quotes, lambda a, b: _overlap(a["content"], b["content"]))
    c.update(_confusion_counts("quote_type", [q["type"] for q in g_quotes], [q["type"] for q in p_quotes], pairs))
    c["quote:gold"], c["quote:pred"], c["quote:tp"] = len(g_quotes), len(p_quotes), len(pairs)
    g_by_id = {e["id"]: e for e in g_ents}
    p_by_id = {e["id"]: e for e in p_ents}
    for g, p in pairs:
        c["speaker:total"] += 1
        c["speaker:correct"] += _same_speaker(g_quotes[g]["speaker"], p_quotes[p]["speaker"], g_by_id, p_by_id)
        c["type:correct"] += g_quotes[g]["type"] == p_quotes[p]["type"]
        c[f"confusion:speaker_kind:{g_quotes[g]['speaker']['kind']}:{p_quotes[p]['speaker']['kind']}"] += 1
    quote_map = {g_quotes[g]["id"]: p_quotes[p]["id"] for g, p in pairs}
    c.update(document_quote_counts(g_quotes, p_quotes))
    if _has_sources(g_quotes) and _has_sources(p_quotes):
        c.update(_source_counts(g_quotes, p_quotes, pairs, quote_map))
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
        c[f"confusion:stance:{s['target']}:{s['label']}:{predicted}"] += 1
    c.update(_chain_pair_counts(gold, pred))
    return c


def quoted_spans(quote: Record) -> list[tuple[int, int]]:
    """The [start, end) spans a quote quotes: its `parts`, or its content when it has none."""
    return [(span["start"], span["end"]) for span in quote_parts(quote)]


def quote_extent(quote: Record) -> tuple[int, int, tuple[tuple[int, int], ...]]:
    """What two quotes share when they match exactly: the content's ends and the quoted spans."""
    return quote["content"]["start"], quote["content"]["end"], tuple(quoted_spans(quote))


def _union(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans merged into disjoint ones, in order."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _shared_length(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    """How many characters two lists of disjoint ordered spans have in common (one pass over both)."""
    i = j = shared = 0
    while i < len(a) and j < len(b):
        shared += max(0, min(a[i][1], b[j][1]) - max(a[i][0], b[j][0]))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return shared


def document_quote_counts(g_quotes: list[Record], p_quotes: list[Record]) -> Counter[str]:
    """Quotes matched as whole quotations in document offsets: exact extents, one-to-one, and quoted characters."""
    c: Counter[str] = Counter()
    c["quote_exact:tp"] = sum((Counter(map(quote_extent, g_quotes)) & Counter(map(quote_extent, p_quotes))).values())
    gold = _union(span for q in g_quotes for span in quoted_spans(q))
    pred = _union(span for q in p_quotes for span in quoted_spans(q))
    c["quote_chars:gold"] = sum(end - start for start, end in gold)
    c["quote_chars:pred"] = sum(end - start for start, end in pred)
    c["quote_chars:tp"] = _shared_length(gold, pred)
    return c


def _has_sources(quotes: list[Record]) -> bool:
    """Does a layer say which quotes are nested: one of its quotes has the `source` key (null: not nested)?"""
    return any("source" in q for q in quotes)


def _source_counts(g_quotes: list[Record], p_quotes: list[Record], pairs: list[tuple[int, int]], quote_map: dict[str, str]) -> Counter[str]:
    """Over matched quotes: the predicted source is the match of the gold source (both null when not nested)."""
    c: Counter[str] = Counter({"source:documents": 1})
    for g, p in pairs:
        gold_source = g_quotes[g].get("source")
        expected = quote_map.get(gold_source, MISSED) if gold_source else None  # an outer quote not found: no source is right
        c["source:total"] += 1
        c["source:correct"] += p_quotes[p].get("source") == expected
    return c


def _chain_pair_counts(gold: Layer, pred: Layer) -> Counter[str]:
    """`chain_counts` of the two layers' entity chains, and `coref:documents` 1, when both layers have `chains`."""
    if "chains" not in gold or "chains" not in pred:
        return Counter()
    c = chain_counts(mention_clusters(gold), mention_clusters(pred))
    c["coref:documents"] = 1
    return c


def mention_clusters(layer: Layer) -> list[set[tuple[int, int]]]:
    """A layer's entity mentions, by (start, end), partitioned by its chains: an entity in no chain is a cluster alone."""
    spans = {e["id"]: (e["start"], e["end"]) for e in layer["entities"]}
    clusters = [{spans[entity] for entity in chain["entities"]} for chain in layer["chains"]]
    chained = set().union(*clusters)
    return [*clusters, *({span} for span in dict.fromkeys(spans.values()) if span not in chained)]


def _span_pairs(gold: list[Record], pred: list[Record]) -> list[tuple[int, int]]:
    """Gold and predicted entities of the same span, one-to-one: a prediction of the gold label first, then any."""
    free: dict[tuple[int, int], list[int]] = {}
    for p, e in enumerate(pred):
        free.setdefault((e["start"], e["end"]), []).append(p)
    pairs, unpaired = [], []
    for g, e in enumerate(gold):
        same_span = free.get((e["start"], e["end"]), [])
        p = next((p for p in same_span if pred[p]["label"] == e["label"]), None)
        if p is None:
            unpaired.append(g)
        else:
            same_span.remove(p)
            pairs.append((g, p))
    for g in unpaired:
        if same_span := free.get((gold[g]["start"], gold[g]["end"])):
            pairs.append((g, same_span.pop(0)))
    return pairs


def _confusion_counts(name: str, gold_labels: list[str], pred_labels: list[str], pairs: list[tuple[int, int]]) -> Counter[str]:
    """`confusion:name:GOLD:PRED` per matched pair, `…:GOLD:missed` per gold item not matched, `…:PRED:spurious` per
    predicted item not matched (see `confusion_table`)."""
    c: Counter[str] = Counter(f"confusion:{name}:{gold_labels[g]}:{pred_labels[p]}" for g, p in pairs)
    matched_gold, matched_pred = {g for g, _ in pairs}, {p for _, p in pairs}
    c.update(f"confusion:{name}:{label}:{MISSED}" for g, label in enumerate(gold_labels) if g not in matched_gold)
    c.update(f"confusion:{name}:{label}:{SPURIOUS}" for p, label in enumerate(pred_labels) if p not in matched_pred)
    return c


def _same_speaker(g: dict[str, Any], p: dict[str, Any], g_ents: dict[str, Any], p_ents: dict[str, Any]) -> bool:
    if g["kind"] == "unknown" or p["kind"] == "unknown":
        return g["kind"] == p["kind"]
    g_spans = [g["mention"], g_ents.get(g["entity"] or "")]
    p_spans = [p["mention"], p_ents.get(p["entity"] or "")]
    return any(_overlap(a, b) for a in g_spans for b in p_spans)


def entity_scores(c: Counter[str], labels: Iterable[str]) -> dict[str, Any]:
    """Strict and partial P/R/F1 per label (those seen in gold or predictions) and micro over all (`ALL`)."""
    labels = list(labels)
    entities: dict[str, Any] = {"strict": {}, "partial": {}}
    for mode in ("strict", "partial"):
        for label in labels:
            if c[f"ent:{label}:gold"] or c[f"ent:{label}:pred"]:
                entities[mode][label] = _prf(c[f"ent:{label}:{mode}"], c[f"ent:{label}:pred"], c[f"ent:{label}:gold"])
        entities[mode]["ALL"] = _prf(
            sum(c[f"ent:{label}:{mode}"] for label in labels),
            sum(c[f"ent:{label}:pred"] for label in labels),
            sum(c[f"ent:{label}:gold"] for label in labels),
        )
    return entities


def quote_scores(c: Counter[str]) -> dict[str, Any]:
    """Quote detection P/R/F1 and speaker accuracy on the matched quotes."""
    matched = c["speaker:total"]
    return {
        "quotes": _prf(c["quote:tp"], c["quote:pred"], c["quote:gold"]),
        "speaker_accuracy": c["speaker:correct"] / matched if matched else 0.0,
        "matched_quotes": matched,
    }


def summarise(c: Counter[str]) -> dict[str, Any]:
    """Scores from (summed) counts of annotation layers."""
    stance = {label: _prf(c[f"stance:{label}:tp"], c[f"stance:{label}:pred"], c[f"stance:{label}:gold"]) for label in ("FAVOR", "AGAINST")}
    quotes = quote_scores(c)
    matched = quotes["matched_quotes"]
    scores = {
        "entities": entity_scores(c, ENTITY_LABELS),
        **quotes,
        "quote_type_accuracy": c["type:correct"] / matched if matched else 0.0,
        "quotes_exact": _prf(c["quote_exact:tp"], c["quote:pred"], c["quote:gold"]),
        "quoted_characters": _prf(c["quote_chars:tp"], c["quote_chars:pred"], c["quote_chars:gold"]),
        "stance": {
            "macro_f1": (stance["FAVOR"]["f1"] + stance["AGAINST"]["f1"]) / 2,
            **stance,
            "records": c["stance:total"],
        },
    }
    if "source:documents" in c:
        total = c["source:total"]
        scores["source_accuracy"] = {"accuracy": c["source:correct"] / total if total else 0.0, "matched_quotes": total, "documents": c["source:documents"]}
    if "coref:documents" in c:  # some document had chains on both sides (a bootstrap resample keeps the key at 0)
        scores["chains"] = {**chain_scores(c), "documents": c["coref:documents"]}
    return scores


# -- per-label tables ------------------------------------------------------------------

Table = dict[str, dict[str, int]]  # row (gold label) → column (predicted label, `missed`, `spurious`) → count


def confusion_table(c: Counter[str], name: str) -> Table:
    """The `confusion:name:…` counts of `pair_counts` (summed) as rows of gold labels and columns of predicted ones.

    Row L holds the gold items of label L by what they were predicted as (`missed`: nothing) and, in `spurious`,
    the predictions of label L that match no gold item."""
    table: Table = {}
    prefix = f"confusion:{name}:"
    for key, n in c.items():
        if n and key.startswith(prefix):
            row, column = key[len(prefix) :].rsplit(":", 1)
            table.setdefault(row, Counter())[column] += n
    return {row: dict(columns) for row, columns in table.items()}


def label_scores(table: Table, labels: Iterable[str]) -> dict[str, Any]:
    """P/R/F1 per label (those of the table) of a `confusion_table`: correct on the diagonal, gold in the label's row
    (but `spurious`), predicted in its column and its `spurious` cell."""
    scores = {}
    for label in labels:
        gold = sum(n for column, n in table.get(label, {}).items() if column != SPURIOUS)
        pred = sum(columns.get(label, 0) for columns in table.values()) + table.get(label, {}).get(SPURIOUS, 0)
        if gold or pred:
            scores[label] = _prf(table.get(label, {}).get(label, 0), pred, gold)
    return scores


def _stance_tables(c: Counter[str]) -> dict[str, Table]:
    """The stance confusion of each target (`confusion:stance:TARGET:GOLD:PRED`), targets sorted."""
    prefix = "confusion:stance:"
    targets = sorted({key[len(prefix) :].rsplit(":", 2)[0] for key, n in c.items() if n and key.startswith(prefix)})
    return {target: confusion_table(c, f"stance:{target}") for target in targets}


def _summed(tables: Iterable[Table]) -> Table:
    total: dict[str, Counter[str]] = {}
    for table in tables:
        for row, columns in table.items():
            total.setdefault(row, Counter()).update(columns)
    return {row: dict(columns) for row, columns in total.items()}


def layer_details(c: Counter[str]) -> dict[str, Any]:
    """Per-label P/R/F1 and confusion tables of (summed) layer counts: entities over span-matched mentions, quote types
    and speaker kinds over overlap-matched quotes, stance over the gold records (overall and per target)."""
    per_target = _stance_tables(c)
    stance = _summed(per_target.values())
    entities, types = confusion_table(c, "entity"), confusion_table(c, "quote_type")
    return {
        "entities": {"labels": label_scores(entities, ENTITY_LABELS), "confusion": entities},
        "quote_types": {"labels": label_scores(types, QUOTE_TYPES), "confusion": types},
        "speaker_kinds": {"confusion": confusion_table(c, "speaker_kind")},
        "stance": {
            "labels": label_scores(stance, STANCE_LABELS),
            "confusion": stance,
            "targets": {target: _target_stance(table) for target, table in per_target.items()},
        },
    }


def _target_stance(table: Table) -> dict[str, Any]:
    scores = label_scores(table, STANCE_LABELS)
    f1 = {label: scores[label]["f1"] if label in scores else 0.0 for label in ("FAVOR", "AGAINST")}
    return {"records": sum(sum(columns.values()) for columns in table.values()), "f_avg": (f1["FAVOR"] + f1["AGAINST"]) / 2, "confusion": table}


def evaluate(gold: Layer, pred: Layer) -> dict[str, Any]:
    """Scores of `pred` against `gold`, two annotation-file dicts for the same document."""
    if gold.get("doc_id") != pred.get("doc_id"):
        raise ValueError(f"gold is {gold.get('doc_id')!r} but pred is {pred.get('doc_id')!r}")
    report = summarise(pair_counts(gold, pred))
    report["documents"] = 1
    return report


# -- validation ---------------------------------------------------------------------


@dataclass(frozen=True)
class Nullable:
    """A field that may be null or else match `spec`."""

    spec: Any


SPAN_SPEC = {"start": int, "end": int}
LAYER_SPEC = {
    "doc_id": str,
    "entities": [{"id": str, **SPAN_SPEC, "label": ENTITY_LABELS}],
    "quotes": [
        {"id": str, "type": QUOTE_TYPES, "content": SPAN_SPEC, "speaker": {"kind": SPEAKER_KINDS, "mention": Nullable(SPAN_SPEC), "entity": Nullable(str)}}
    ],
    "stance": [{"target": str, "label": ("FAVOR", "AGAINST", "NONE"), "evidence": {"quote": Nullable(str)}}],
}


_TYPE_NAMES = {int: "an integer", str: "a string", list: "a list"}
CHAINS_SPEC = [{"id": str, "entities": [str]}]


def chain_problems(layer: Layer, file: str) -> list[Problem]:
    """How a layer's optional `chains` break the agreed format: each chain an `id` and a list of `entities`, ids of
    the layer's entities, an entity (and a span) in one chain at most."""
    if "chains" not in layer:
        return []
    problems = check(layer["chains"], CHAINS_SPEC, file, "", "/chains")
    if problems:
        return problems
    entities = {e["id"]: (e["start"], e["end"]) for e in layer["entities"]}
    chain_of: dict[Any, str] = {}  # an entity id, or a span, → the chain that has it
    for n, chain in enumerate(layer["chains"]):
        for k, entity in enumerate(chain["entities"]):
            place = f"/chains/{n}/entities/{k}"
            if entity not in entities:
                problems.append(Problem(file, place, f"{entity!r} is not an entity of the layer"))
            elif chain_of.setdefault(entity, chain["id"]) != chain["id"]:
                problems.append(Problem(file, place, f"{entity!r} is in chain {chain_of[entity]!r} too: an entity is in one chain at most"))
            elif chain_of.setdefault(entities[entity], chain["id"]) != chain["id"]:
                (start, end), other = entities[entity], chain_of[entities[entity]]
                problems.append(Problem(file, place, f"[{start}, {end}) of {entity!r} is a mention of chain {other!r} too: a span is in one chain at most"))
    return problems


OPTIONAL_QUOTE_SPEC = {"parts": [SPAN_SPEC], "source": str}  # keys a quote may lack (absent and null mean the same)


def optional_quote_problems(layer: Layer, file: str) -> list[Problem]:
    """How a layer's quotes break the agreed format in their optional `parts` and `source`."""
    return [
        problem
        for n, q in enumerate(layer["quotes"])
        for key, spec in OPTIONAL_QUOTE_SPEC.items()
        if q.get(key) is not None
        for problem in check(q[key], spec, file, "", f"/quotes/{n}/{key}")
    ]


def check(value: Any, spec: Any, file: str, place: str = "", pointer: str = "") -> list[Problem]:
    """Every way `value` (at `place` in `file`, e.g. a line) differs from `spec`: a type, a tuple of allowed labels,
    `[item spec]`, an object spec (`{field: spec}`; fields not named are allowed) or `Nullable(spec)`."""
    where = f"{place} {pointer}".strip()
    if isinstance(spec, Nullable):
        return [] if value is None else check(value, spec.spec, file, place, pointer)
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            return [Problem(file, where or "/", f"expected an object, found {_shown(value)}")]
        problems = []
        for key, sub in spec.items():
            if key in value:
                problems += check(value[key], sub, file, place, f"{pointer}/{key}")
            else:
                problems.append(Problem(file, where, f"missing field {key!r}"))
        return problems
    if isinstance(spec, list):
        if not isinstance(value, list):
            return [Problem(file, where, f"expected a list, found {_shown(value)}")]
        return [problem for n, item in enumerate(value) for problem in check(item, spec[0], file, place, f"{pointer}/{n}")]
    if isinstance(spec, tuple):
        return [] if isinstance(value, str) and value in spec else [Problem(file, where, f"unknown label {_shown(value)} (labels: {', '.join(spec)})")]
    if isinstance(value, spec) and not (spec is int and isinstance(value, bool)):
        return []
    return [Problem(file, where, f"expected {_TYPE_NAMES[spec]}, found {_shown(value)}")]


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


def label_name(value: Any, names: list[str], file: str, place: str) -> tuple[str | None, list[Problem]]:
    """A ClassLabel value given as its name or its id, as its name; or why it is not one."""
    if isinstance(value, str) and value in names:
        return value, []
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(names):
        return names[value], []
    return None, [Problem(file, place, f"unknown label {_shown(value)} (labels: {', '.join(names)}, or their ids 0-{len(names) - 1})")]


# -- annotation layers --------------------------------------------------------------


def read_layers(path: Path) -> tuple[dict[str, Layer], list[Problem]]:
    """The annotation layers in `path` (a file, or the *.json of a directory but targets.json) by doc_id, and their problems."""
    files = [path] if path.is_file() else sorted(p for p in path.glob("*.json") if p.name != "targets.json")
    if not files:
        return {}, [Problem(str(path), "", "no annotation files (*.json)")]
    layers: dict[str, Layer] = {}
    problems: list[Problem] = []
    for file in files:
        layer, found = read_json_file(file)
        found = found or check(layer, LAYER_SPEC, str(file)) or chain_problems(layer, str(file)) + optional_quote_problems(layer, str(file))
        if not found and layer["doc_id"] in layers:
            found = [Problem(str(file), "/doc_id", f"document {layer['doc_id']!r} has another layer in {path}")]
        problems += found
        if not found:
            layers[layer["doc_id"]] = layer
    return layers, problems


def layer_counts(gold: Path, pred: Path) -> tuple[dict[str, Counter[str]], str]:
    """Counts per gold document of the layers in `pred` against those in `gold`, and the sha256 of the gold layers.

    A gold document without a prediction counts as predicted empty (no chains either, when predicted layers have
    chains); a predicted document that is not in gold is an error.
    """
    golds, gold_problems = read_layers(gold)
    if gold_problems:
        raise EvaluationError(gold_problems)
    preds, problems = read_layers(pred)
    problems += [Problem(str(pred), doc_id, f"document {doc_id!r} is not in the gold layers") for doc_id in preds if doc_id not in golds]
    if problems:
        raise EvaluationError(problems)
    empty = {"entities": [], "quotes": [], "stance": [], **({"chains": []} if any("chains" in layer for layer in preds.values()) else {})}
    counts = {doc_id: pair_counts(g, preds.get(doc_id, {"doc_id": doc_id, **empty})) for doc_id, g in sorted(golds.items())}
    return counts, _canonical_sha256(golds[doc_id] for doc_id in sorted(golds))


def evaluate_paths(gold: Path, pred: Path) -> dict[str, Any]:
    """Corpus-level scores of annotation files (or directories of them), paired by doc_id (see `layer_counts`)."""
    counts, _ = layer_counts(gold, pred)
    report = summarise(sum(counts.values(), Counter()))
    report["documents"] = len(counts)
    return report


def _canonical_sha256(records: Iterable[Any]) -> str:
    """sha256 of records as canonical JSON lines (sorted keys, UTF-8, no spaces): the same rows give the same hash."""
    digest = hashlib.sha256()
    for record in records:
        digest.update(json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")
    return digest.hexdigest()


# -- a split of the published corpus --------------------------------------------------


@dataclass(frozen=True)
class GoldSplit:
    """The rows of one config and split of a published corpus/, ClassLabels as names."""

    config: str
    split: str
    rows: list[Record]
    features: dict[str, Any]  # the config's Hugging Face features (to_dict form)
    dataset: dict[str, Any]  # name, version and schema_version of the manifest
    sha256: str  # of the rows as canonical JSON lines

    def names(self, field: str) -> list[str]:
        """The ClassLabel names of `field` (or of its items, for a list)."""
        feature = self.features[field]
        return list(feature.get("feature", feature)["names"])


def decode_feature(feature: Any, value: Any) -> Any:
    """A value read from Parquet with its ClassLabel ids replaced by names, following the HF feature."""
    if value is None or not isinstance(feature, dict):
        return value
    kind = feature.get("_type")
    if kind == "ClassLabel":
        return feature["names"][value]
    if kind in ("List", "Sequence", "LargeList"):
        return [decode_feature(feature["feature"], item) for item in value]
    if kind is None:  # a struct: its fields
        return {key: decode_feature(feature.get(key), item) for key, item in value.items()}
    return value


def _split_tables(corpus: Path, config: str, split: str, columns: list[str] | None = None) -> tuple[list[Any], dict[str, Any]]:
    """The checked Parquet tables of a config's split, in manifest order, and the manifest."""
    manifest_path = corpus / "manifest.json"
    manifest, problems = read_json_file(manifest_path)
    if problems:
        raise EvaluationError(problems if manifest_path.exists() else [Problem(str(corpus), "", "no manifest.json: not a published qawl corpus/")])
    entries = [entry for entry in manifest["files"] if entry["config"] == config and entry["split"] == split]
    if not entries:
        present = sorted({entry["split"] for entry in manifest["files"] if entry["config"] == config})
        raise EvaluationError([Problem(str(manifest_path), f"{config}/{split}", f"the split is empty: nothing to evaluate on (splits of {config}: {', '.join(present) or 'none'})")])
    problems = listed_file_problems(corpus, entries)
    if problems:
        raise EvaluationError(problems)
    return [pq.read_table(corpus / entry["path"], columns=columns) for entry in entries], manifest


def read_gold_split(corpus: Path, config: str, split: str) -> GoldSplit:
    """The gold rows of `config`/`split` of a published corpus/, each shard checked against the manifest's sha256."""
    tables, manifest = _split_tables(corpus, config, split)
    features = json.loads(tables[0].schema.metadata[b"huggingface"])["info"]["features"]
    rows = [{key: decode_feature(features.get(key), value) for key, value in row.items()} for table in tables for row in table.to_pylist()]
    dataset = {key: manifest.get(key) for key in ("name", "version", "schema_version")}
    return GoldSplit(config, split, rows, features, dataset, _canonical_sha256(rows))


def split_sentences(corpus: Path, split: str) -> dict[str, Record]:
    """The `sentences` rows of a split by sentence_id (doc_id and text only): where predicted quotes may be."""
    tables, _ = _split_tables(corpus, "sentences", split, columns=["sentence_id", "doc_id", "text"])
    return {row["sentence_id"]: row for table in tables for row in table.to_pylist()}


# -- predictions in the published row formats ----------------------------------------


def read_jsonl(path: Path) -> tuple[list[tuple[str, Any]], list[Problem]]:
    """(place, value) of each non-blank line of a JSON-lines file, and the lines that are not JSON."""
    text, problems = read_text_file(path)
    if text is None:
        return [], problems
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            value, found = parse_json(line, str(path))
            problems += [Problem(p.file, f"line {number}" + (f" {p.place}" if p.place.startswith("/") else ""), p.message) for p in found]
            if not found:
                rows.append((f"line {number}", value))
    if not rows and not problems:
        problems.append(Problem(str(path), "", "no predictions: the file is empty"))
    return rows, problems


def read_conll(path: Path, gold: GoldSplit) -> tuple[list[tuple[str, Any]], list[Problem]]:
    """CoNLL predictions (`token ... tag` lines, blank lines between sentences, -DOCSTART- lines ignored) as `ner` rows.

    CoNLL has no ids: the sentences are the gold rows in order, and each must have the gold row's tokens.
    """
    text, problems = read_text_file(path)
    if text is None:
        return [], problems
    sentences: list[tuple[int, list[str], list[str]]] = []
    tokens: list[str] = []
    tags: list[str] = []
    for number, line in enumerate([*text.splitlines(), ""], 1):
        fields = line.split()
        if fields and fields[0] == "-DOCSTART-":
            continue
        if not fields:
            if tokens:
                sentences.append((number - len(tokens), tokens, tags))
            tokens, tags = [], []
        elif len(fields) < 2:
            problems.append(Problem(str(path), f"line {number}", f"expected a token and its tag, found {_shown(line)}"))
        else:
            tokens.append(fields[0])
            tags.append(fields[-1])
    if len(sentences) != len(gold.rows):
        problems.append(Problem(str(path), "", f"{len(sentences)} sentences for the {len(gold.rows)} rows of {gold.config}/{gold.split}"))
    rows = []
    for (line, words, sentence_tags), row in zip(sentences, gold.rows):
        if words != row["tokens"]:
            problems.append(Problem(str(path), f"line {line}", f"the tokens are not those of gold row {row['id']} ({_shown(' '.join(row['tokens']))})"))
        rows.append((f"line {line}", {"id": row["id"], "ner_tags": sentence_tags}))
    return rows, problems


def _by_id(rows: list[tuple[str, Any]], spec: dict[str, Any], gold: GoldSplit, file: str) -> tuple[dict[str, tuple[str, Record]], list[Problem]]:
    """Rows checked against `spec` and keyed by their `id`, which must be a gold row's; every gold row needs one."""
    gold_ids = {row["id"] for row in gold.rows}
    by_id: dict[str, tuple[str, Record]] = {}
    problems: list[Problem] = []
    for place, row in rows:
        found = check(row, {"id": str, **spec}, file, place)
        if not found and row["id"] not in gold_ids:
            found = [Problem(file, f"{place} /id", f"{row['id']!r} is not a row of {gold.config}/{gold.split}")]
        elif not found and row["id"] in by_id:
            found = [Problem(file, f"{place} /id", f"{row['id']!r} is predicted twice (first at {by_id[row['id']][0]})")]
        problems += found
        if not found:
            by_id[row["id"]] = (place, row)
    if not problems:
        problems = [Problem(file, "", f"no prediction for gold row {row['id']!r}") for row in gold.rows if row["id"] not in by_id]
    return by_id, problems


def ner_counts(gold: GoldSplit, path: Path) -> dict[str, Counter[str]]:
    """Counts per document of `ner` predictions (JSON lines `{"id", "ner_tags"}`, tags as names or ids; or CoNLL)."""
    file = str(path)
    text, _ = read_text_file(path)
    rows, problems = read_jsonl(path) if (text or "").lstrip().startswith("{") else read_conll(path, gold)
    by_id, found = _by_id(rows, {"ner_tags": list}, gold, file)
    problems += found
    names = gold.names("ner_tags")
    labels = entity_labels(names)
    predicted: dict[str, list[str]] = {}
    for row_id, (place, row) in by_id.items():
        tags = []
        for n, value in enumerate(row["ner_tags"]):
            tag, found = label_name(value, names, file, f"{place} /ner_tags/{n}")
            problems += found
            tags.append(tag)
        predicted[row_id] = tags
    for row in gold.rows:
        tags = predicted.get(row["id"])
        if tags is not None and len(tags) != len(row["tokens"]):
            problems.append(Problem(file, f"{by_id[row['id']][0]} /ner_tags", f"{len(tags)} tags for the {len(row['tokens'])} tokens of {row['id']!r}"))
    if problems:
        raise EvaluationError(problems)
    counts: dict[str, Counter[str]] = {}
    for row in gold.rows:
        counts.setdefault(row["doc_id"], Counter()).update(tag_counts(row["ner_tags"], predicted[row["id"]], labels))
    return counts


def entity_labels(tags: Iterable[str]) -> list[str]:
    """The entity labels of IOB2 tag names, in their order: O, B-PERSON, I-PERSON, B-ORG… → PERSON, ORG…"""
    return list(dict.fromkeys(tag[2:] for tag in tags if tag != "O"))


def tag_counts(gold_tags: list[str], pred_tags: list[str], labels: Iterable[str]) -> Counter[str]:
    """Entity counts (see `entity_scores`) of a sentence's predicted IOB2 tags against its gold ones."""
    return _entity_counts(tag_spans(gold_tags), tag_spans(pred_tags), labels)


def tag_spans(tags: list[str]) -> list[Record]:
    """The entities of IOB2 tags as token spans, read as seqeval's default mode (conlleval) reads them:
    an entity starts at B-X, or at an I-X that does not continue an X, and runs over the I-X after it."""
    spans: list[Record] = []
    label, start = None, 0
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, kind = tag.partition("-")
        if label is not None and (prefix != "I" or kind != label):
            spans.append({"start": start, "end": i, "label": label})
            label = None
        if prefix == "B" or (prefix == "I" and label is None):
            label, start = kind, i
    return spans


QUOTE_ROW_SPEC = {"sentence_id": str, "content": SPAN_SPEC, "speaker_kind": SPEAKER_KINDS, "speaker_mention": Nullable({"sentence_id": str, **SPAN_SPEC})}


def quote_counts(gold: GoldSplit, path: Path, sentences: dict[str, Record]) -> dict[str, Counter[str]]:
    """Counts per document of `quotes` predictions: JSON lines with `sentence_id`, `content` {start, end} (offsets
    in the sentence), `speaker_kind` and `speaker_mention` ({sentence_id, start, end} or null).

    Predicted quotes have no gold id: they are matched to the gold quotes of their sentence by overlapping content.
    """
    file = str(path)
    rows, problems = read_jsonl(path)
    predicted: dict[str, list[Record]] = {}
    for place, row in rows:
        found = check(row, QUOTE_ROW_SPEC, file, place)
        if not found:
            spans = [("/content", row["sentence_id"], row["content"])]
            if row["speaker_mention"]:
                spans.append(("/speaker_mention", row["speaker_mention"]["sentence_id"], row["speaker_mention"]))
            found = [Problem(file, f"{place} {field}", message) for field, message in _span_problems(spans, sentences, gold.split)]
        problems += found
        if not found:
            predicted.setdefault(row["sentence_id"], []).append(row)
    if problems:
        raise EvaluationError(problems)
    golds: dict[str, list[Record]] = {}
    for row in gold.rows:
        golds.setdefault(row["sentence_id"], []).append(row)
    counts = {row["doc_id"]: Counter() for row in sentences.values()}
    for sentence_id, sentence in sentences.items():
        g, p = golds.get(sentence_id, []), predicted.get(sentence_id, [])
        pairs = _match(g, p, lambda a, b: _overlap(a["content"], b["content"]))
        c = counts[sentence["doc_id"]]
        c["quote:gold"] += len(g)
        c["quote:pred"] += len(p)
        c["quote:tp"] += len(pairs)
        c["speaker:total"] += len(pairs)
        c["speaker:correct"] += sum(_same_row_speaker(g[i], p[j]) for i, j in pairs)
    return counts


def _span_problems(spans: list[tuple[str, str, Record]], sentences: dict[str, Record], split: str) -> list[tuple[str, str]]:
    """(field, message) for each (field, sentence_id, span) that is not a span of a sentence of the split."""
    problems = []
    for field, sentence_id, span in spans:
        if sentence_id not in sentences:
            problems.append((field, f"sentence {sentence_id!r} is not in split {split!r}"))
        elif not 0 <= span["start"] < span["end"] <= len(sentences[sentence_id]["text"]):
            problems.append((field, f"[{span['start']}, {span['end']}) is not a span of the sentence's {len(sentences[sentence_id]['text'])} characters"))
    return problems


def _same_row_speaker(gold: Record, pred: Record) -> bool:
    if "unknown" in (gold["speaker_kind"], pred["speaker_kind"]):
        return gold["speaker_kind"] == pred["speaker_kind"]
    g, p = gold["speaker_mention"], pred["speaker_mention"]
    return bool(g and p and g["sentence_id"] == p["sentence_id"] and _overlap(g, p))


def stance_counts(gold: GoldSplit, path: Path) -> dict[str, Counter[str]]:
    """Counts per document of `stance` predictions: JSON lines `{"id", "label"}`, the label as its name or id."""
    file = str(path)
    rows, problems = read_jsonl(path)
    by_id, found = _by_id(rows, {"label": object}, gold, file)
    problems += found
    names = gold.names("label")
    predicted = {}
    for row_id, (place, row) in by_id.items():
        predicted[row_id], found = label_name(row["label"], names, file, f"{place} /label")
        problems += found
    if problems:
        raise EvaluationError(problems)
    counts: dict[str, Counter[str]] = {}
    for row in gold.rows:
        c = counts.setdefault(row["doc_id"], Counter())
        for target in ("ALL", row["target"]):
            c[f"stance:{target}:records"] += 1
            for label in names:
                c[f"stance:{target}:{label}:gold"] += row["label"] == label
                c[f"stance:{target}:{label}:pred"] += predicted[row["id"]] == label
                c[f"stance:{target}:{label}:tp"] += row["label"] == label == predicted[row["id"]]
    return counts


def stance_scores(c: Counter[str], labels: list[str], targets: list[str]) -> dict[str, Any]:
    """Per label P/R/F1, F_avg (FAVOR, AGAINST) and macro-F1 over `labels`, overall (`ALL`) and per target."""
    scores = {}
    for target in ["ALL", *targets]:
        per_label = {label: _prf(c[f"stance:{target}:{label}:tp"], c[f"stance:{target}:{label}:pred"], c[f"stance:{target}:{label}:gold"]) for label in labels}
        scores[target] = {
            "f_avg": (per_label["FAVOR"]["f1"] + per_label["AGAINST"]["f1"]) / 2,
            "macro_f1": sum(s["f1"] for s in per_label.values()) / len(labels),
            **per_label,
            "records": c[f"stance:{target}:records"],
        }
    return scores


# -- reports -----------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """How a config's counts become scores, and the headline figures that get confidence intervals."""

    scores: Callable[[Counter[str]], dict[str, Any]]
    headline: Callable[[dict[str, Any]], dict[str, float]]


def _entity_headline(scores: dict[str, Any]) -> dict[str, float]:
    strict, partial = scores["entities"]["strict"]["ALL"], scores["entities"]["partial"]["ALL"]
    return {"entity_precision_strict": strict["precision"], "entity_recall_strict": strict["recall"], "entity_f1_strict": strict["f1"], "entity_f1_partial": partial["f1"]}


def _quote_headline(scores: dict[str, Any]) -> dict[str, float]:
    return {"quote_f1": scores["quotes"]["f1"], "speaker_accuracy": scores["speaker_accuracy"]}


def _layer_headline(scores: dict[str, Any]) -> dict[str, float]:
    chains = {"chain_conll_f1": scores["chains"]["conll_f1"]} if "chains" in scores else {}
    whole = {"quote_exact_f1": scores["quotes_exact"]["f1"], "quoted_characters_f1": scores["quoted_characters"]["f1"]}
    return {**_entity_headline(scores), **_quote_headline(scores), **whole, "stance_f_avg": scores["stance"]["macro_f1"], **chains}


LAYER_TASK = Task(summarise, _layer_headline)


def corpus_task(gold: GoldSplit) -> Task:
    if gold.config == "ner":
        labels = entity_labels(gold.names("ner_tags"))
        return Task(lambda c: {"entities": entity_scores(c, labels)}, _entity_headline)
    if gold.config == "quotes":
        return Task(quote_scores, _quote_headline)
    targets = sorted({row["target"] for row in gold.rows})
    return Task(
        lambda c: {"stance": stance_scores(c, gold.names("label"), targets)},
        lambda s: {"stance_f_avg": s["stance"]["ALL"]["f_avg"], "stance_macro_f1": s["stance"]["ALL"]["macro_f1"]},
    )


def bootstrap(counts: list[Counter[str]], task: Task, resamples: int, seed: int) -> dict[str, list[float]]:
    """95% percentile intervals of the headline figures over `resamples` resamplings of the documents, with replacement."""
    keys = sorted({key for c in counts for key in c})
    table = [[c[key] for key in keys] for c in counts]
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {}
    for _ in range(resamples):
        drawn = [table[rng.randrange(len(table))] for _ in table]
        total = Counter(dict(zip(keys, map(sum, zip(*drawn)))))
        for name, value in task.headline(task.scores(total)).items():
            samples.setdefault(name, []).append(value)
    return {name: [_percentile(values, 0.025), _percentile(values, 0.975)] for name, values in samples.items()}


def _percentile(values: list[float], q: float) -> float:
    """The `q` quantile of `values`, interpolated linearly between ranks (numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def report(counts: dict[str, Counter[str]], task: Task, resamples: int, seed: int) -> dict[str, Any]:
    """Scores over all documents and the confidence intervals of the headline figures."""
    scores = task.scores(sum(counts.values(), Counter()))
    return {
        "documents": len(counts),
        "scores": scores,
        "headline": task.headline(scores),
        "confidence_intervals": {
            "level": 0.95,
            "method": f"percentile bootstrap over documents, {resamples} resamples, random.Random({seed})",
            **(bootstrap(list(counts.values()), task, resamples, seed) if counts and resamples else {}),
        },
    }


def evaluate_split(corpus: Path, config: str, split: str, pred: Path, resamples: int = RESAMPLES, seed: int = 0) -> dict[str, Any]:
    """Scores of the predictions in `pred` against `config`/`split` of the published `corpus`, reproducibly identified."""
    return score_split(read_gold_split(corpus, config, split), corpus, pred, resamples, seed)


def score_split(gold: GoldSplit, corpus: Path, pred: Path, resamples: int = RESAMPLES, seed: int = 0) -> dict[str, Any]:
    """`evaluate_split` on a gold split already read from `corpus`."""
    if gold.config == "ner":
        counts = ner_counts(gold, pred)
    elif gold.config == "quotes":
        counts = quote_counts(gold, pred, split_sentences(corpus, gold.split))
    else:
        counts = stance_counts(gold, pred)
    return {
        "dataset": gold.dataset,
        "gold": {"config": gold.config, "split": gold.split, "rows": len(gold.rows), "sha256": gold.sha256},
        "predictions": {"file": pred.name, "sha256": file_sha256(pred)},
        **report(counts, corpus_task(gold), resamples, seed),
    }


def evaluate_layer_paths(gold: Path, pred: Path, resamples: int = RESAMPLES, seed: int = 0) -> dict[str, Any]:
    """Like `evaluate_split`, for annotation layers; the dataset is that of the project around `gold`, if any."""
    counts, sha256 = layer_counts(gold, pred)
    details = layer_details(sum(counts.values(), Counter()))
    dataset = next((json.loads((d / "schema" / "dataset.json").read_text(encoding="utf-8")) for d in gold.resolve().parents if (d / "schema" / "dataset.json").is_file()), {})
    return {
        "dataset": {key: dataset.get(key) for key in ("name", "version", "schema_version")},
        "gold": {"config": "annotation layers", "split": None, "rows": len(counts), "sha256": sha256},
        "predictions": {"file": pred.name, "sha256": None if pred.is_dir() else file_sha256(pred)},
        **report(counts, LAYER_TASK, resamples, seed),
        "details": details,
    }


def _entity_lines(entities: dict[str, Any]) -> list[str]:
    lines = [f"{'entities':<22}{'P':>7}{'R':>7}{'F1':>7}{'gold':>6}{'pred':>6}"]
    for mode in ("strict", "partial"):
        for label, s in entities[mode].items():
            lines.append(f"{mode + ' ' + label:<22}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}{s['gold']:>6}{s['pred']:>6}")
    return lines


def _quote_lines(scores: dict[str, Any]) -> list[str]:
    q = scores["quotes"]
    return [
        f"{'quotes (overlap)':<22}{q['precision']:>7.3f}{q['recall']:>7.3f}{q['f1']:>7.3f}{q['gold']:>6}{q['pred']:>6}",
        f"{'speaker accuracy':<22}{scores['speaker_accuracy']:>7.3f}   on {scores['matched_quotes']} matched quotes",
    ]


def format_table(report: dict[str, Any]) -> str:
    """A plain-text table of a layer report (`evaluate`, `evaluate_paths`), for people."""
    st = report["stance"]
    lines = [f"documents: {report.get('documents', 1)}", "", *_entity_lines(report["entities"]), "", *_quote_lines(report)]
    for name, key in (("quotes (exact extent)", "quotes_exact"), ("quoted characters", "quoted_characters")):
        q = report[key]
        lines.append(f"{name:<22}{q['precision']:>7.3f}{q['recall']:>7.3f}{q['f1']:>7.3f}{q['gold']:>6}{q['pred']:>6}")
    if "source_accuracy" in report:
        sources = report["source_accuracy"]
        lines.append(f"{'source accuracy':<22}{sources['accuracy']:>7.3f}   on {sources['matched_quotes']} matched quotes of {sources['documents']} documents with sources on both sides")
    lines += [
        f"{'quote type accuracy':<22}{report['quote_type_accuracy']:>7.3f}",
        f"{'stance macro-F1':<22}{st['macro_f1']:>7.3f}   (F1 FAVOR {st['FAVOR']['f1']:.3f}, AGAINST {st['AGAINST']['f1']:.3f}; {st['records']} gold records)",
    ]
    if "chains" in report:
        lines += ["", *_chain_lines(report["chains"])]
    return "\n".join(lines)


def _chain_lines(chains: dict[str, Any]) -> list[str]:
    lines = [f"{'chains':<22}{'P':>7}{'R':>7}{'F1':>7}   on {chains['documents']} documents with chains on both sides"]
    for measure, name in (("muc", "MUC"), ("bcub", "B³"), ("ceafe", "CEAF-e")):
        s = chains[measure]
        lines.append(f"{name:<22}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}")
    return [*lines, f"{'CoNLL F1 (mean)':<22}{'':>14}{chains['conll_f1']:>7.3f}"]


DetailTable = tuple[str, list[str], list[list[str]]]  # title, header, rows of cells


def _label_rows(scores: dict[str, Any]) -> list[list[str]]:
    return [[label, str(s["gold"]), str(s["pred"]), f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}"] for label, s in scores.items()]


def _confusion_rows(table: Table, labels: Iterable[str], unmatched: tuple[str, ...]) -> tuple[list[str], list[list[str]]]:
    """The header and rows of a confusion table, over the `labels` that occur in it, then the `unmatched` columns."""
    present = [label for label in labels if label in table or any(label in columns for columns in table.values())]
    columns = [*present, *unmatched]
    rows = [[label, *(str(table.get(label, {}).get(column, 0)) for column in columns)] for label in present]
    return ["gold \\ predicted", *columns], rows


def detail_tables(details: dict[str, Any]) -> list[DetailTable]:
    """The per-label and confusion tables of `layer_details`, those with rows, for a text report or the card."""
    score_header = ["label", "gold", "pred", "P", "R", "F1"]
    entities, types, stance = details["entities"], details["quote_types"], details["stance"]
    tables: list[DetailTable] = [
        ("entities per label (strict: same span and label)", score_header, _label_rows(entities["labels"])),
        ("entity labels over same-span mentions (rows gold, columns predicted)", *_confusion_rows(entities["confusion"], ENTITY_LABELS, (MISSED, SPURIOUS))),
        ("quote types (quotes matched by overlapping content)", ["type", *score_header[1:]], _label_rows(types["labels"])),
        ("quote types over matched quotes (rows gold, columns predicted)", *_confusion_rows(types["confusion"], QUOTE_TYPES, (MISSED, SPURIOUS))),
        ("speaker kinds over matched quotes (rows gold, columns predicted)", *_confusion_rows(details["speaker_kinds"]["confusion"], SPEAKER_KINDS, ())),
        ("stance per label (gold records; a record not predicted counts as NONE)", score_header, _label_rows(stance["labels"])),
        ("stance labels (rows gold, columns predicted)", *_confusion_rows(stance["confusion"], STANCE_LABELS, ())),
        ("stance per target", ["target", "records", "correct", "F_avg"], [_target_row(target, s) for target, s in stance["targets"].items()]),
    ]
    return [table for table in tables if table[2]]


def _target_row(target: str, scores: dict[str, Any]) -> list[str]:
    correct = sum(scores["confusion"].get(label, {}).get(label, 0) for label in STANCE_LABELS)
    return [target, str(scores["records"]), str(correct), f"{scores['f_avg']:.3f}"]


def format_details(details: dict[str, Any]) -> str:
    """`detail_tables` as plain text: a title, then columns aligned (the first to the left, numbers to the right)."""
    blocks = []
    for title, header, rows in detail_tables(details):
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        lines = [title]
        for row in [header, *rows]:
            lines.append("  ".join([row[0].ljust(widths[0]), *(cell.rjust(width) for cell, width in zip(row[1:], widths[1:]))]).rstrip())
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def format_report(result: dict[str, Any], details: bool = False) -> str:
    """A plain-text report of `evaluate_split` or `evaluate_layer_paths`: what was scored, the scores, the intervals
    and, with `details`, a layer report's per-label and confusion tables."""
    dataset, gold, scores = result["dataset"], result["gold"], result["scores"]
    where = gold["config"] + (f"/{gold['split']}" if gold["split"] else "")
    lines = [
        f"dataset: {dataset['name']} {dataset['version']} (schema {dataset['schema_version']})",
        f"gold: {where}, {gold['rows']} rows, {result['documents']} documents, sha256 {gold['sha256']}",
        "",
    ]
    if "quote_type_accuracy" in scores:
        lines.append(format_table({**scores, "documents": result["documents"]}))
    elif "entities" in scores:
        lines += _entity_lines(scores["entities"])
    elif "quotes" in scores:
        lines += [f"{'':<22}{'P':>7}{'R':>7}{'F1':>7}{'gold':>6}{'pred':>6}", *_quote_lines(scores)]
    else:
        lines.append(f"{'stance target':<34}{'F_avg':>7}{'macro-F1':>9}{'rows':>6}")
        lines += [f"{target:<34}{s['f_avg']:>7.3f}{s['macro_f1']:>9.3f}{s['records']:>6}" for target, s in scores["stance"].items()]
    intervals = result["confidence_intervals"]
    lines += ["", f"{intervals['level']:.0%} confidence intervals ({intervals['method']}):"]
    lines += [f"  {name:<26}{value:.3f}  [{intervals[name][0]:.3f}, {intervals[name][1]:.3f}]" for name, value in result["headline"].items() if name in intervals]
    if details and "details" in result:
        lines += ["", format_details(result["details"])]
    return "\n".join(lines)
