"""Curation: the annotator layers of a document merged into its gold layer (as INCEpTION's curation).

Annotators' ids differ, so items are compared by what they annotate: an entity
by its span, a quote by its content span (its parts and the content of its source are what it says), a chain by its mentions' spans, a
stance by its target, holder and evidence. What every layer says alike is agreed; every other item is a
disagreement, listed in a decisions file for a curator to settle by choosing one
annotator's version (or "none", which leaves the item out). The curated layer
then links its items again: a quote's speaker entity and a stance's quote are
found by their spans among the curated items, a chain keeps the mentions the
curated layer has, a speaker's chain follows its entity, and a nested quote's source is the
curated quote with its source's content span.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from qawl.merge import Layer
from qawl.review.regions import KIND_PREFIX, NewIds
from qawl.schema import Problem

NONE = "none"  # the choice that leaves a disputed item out of the gold layer
Key = tuple[Any, ...]


def _span(span: dict[str, Any] | None) -> list[int] | None:
    return None if span is None else [span["start"], span["end"]]


def _at(span: dict[str, Any] | None) -> tuple[int, ...]:
    """A span in an item key: (start, end), or () for none (keys sort)."""
    return () if span is None else (span["start"], span["end"])


def _versions(layer: Layer) -> dict[Key, tuple[dict[str, Any], dict[str, Any]]]:
    """Every item of a layer by what it annotates: (what it says, the item itself)."""
    entities = {e["id"]: e for e in layer["entities"]}
    quotes = {q["id"]: q for q in layer["quotes"]}

    def quote_at(quote_id: str | None) -> tuple[int, ...]:
        return _at(quotes[quote_id]["content"]) if quote_id in quotes else ()

    items: dict[Key, tuple[dict[str, Any], dict[str, Any]]] = {}
    for entity in layer["entities"]:
        items[("entities", entity["start"], entity["end"])] = ({"label": entity["label"]}, entity)
    for quote in layer["quotes"]:
        speaker_entity = entities.get(quote["speaker"]["entity"] or "")
        says = {
            "type": quote["type"],
            "cue": _span(quote["cue"]),
            "speaker": _span(quote["speaker"]["mention"]),
            "speaker_entity": speaker_entity and [speaker_entity["start"], speaker_entity["end"], speaker_entity["label"]],
            "outlet": _span(quote["outlet"]),
            **({"parts": [_span(part) for part in quote["parts"]]} if quote.get("parts") else {}),  # absent when unset: decisions files of
            **({"source": _span(quotes[quote["source"]]["content"])} if quote.get("source") in quotes else {}),  # layers without them hold
        }
        items[("quotes", quote["content"]["start"], quote["content"]["end"])] = (says, quote)
    for chain in layer.get("chains", []):
        mentions = tuple(_at(entities[entity_id]) for entity_id in chain["entities"] if entity_id in entities)
        items[("chains", *mentions[0], mentions)] = ({"name": chain["name"]}, chain)
    for stance in layer["stance"]:
        evidence = quote_at(stance["evidence"]["quote"]) or _at(stance["evidence"]["span"])
        holder = (stance["holder"]["kind"], quote_at(stance["holder"]["quote"]))
        items[("stance", evidence, stance["target"], *holder)] = ({"label": stance["label"]}, stance)
    return items


def _order(key: Key) -> tuple[Any, ...]:
    """Entities, quotes, stances; each in text order (a stance by its evidence, then target and holder)."""
    return (list(KIND_PREFIX).index(key[0]), *key[1:])


def _where(key: Key) -> tuple[int, int, str]:
    """Where a disputed item is, and what it is, for the curator."""
    if key[0] == "stance":
        _, (start, end), target, holder, _ = key
        return start, end, f"stance on {target} held by the {holder}"
    if key[0] == "chains":
        return key[1], key[2], f"chain of {len(key[3])} mention(s), the first"
    return key[1], key[2], {"entities": "entity", "quotes": "quote"}[key[0]]


@dataclass(frozen=True)
class Disagreement:
    """One item the layers do not agree on: each layer's version (None: it has no such item)."""

    id: str
    key: Key
    what: str
    start: int
    end: int
    text: str
    versions: dict[str, dict[str, Any] | None]


@dataclass(frozen=True)
class Comparison:
    """The layers of one document compared: what all agree on, and where they differ."""

    doc_id: str
    agreed: list[Key]
    disagreements: list[Disagreement]
    items: dict[str, dict[Key, tuple[dict[str, Any], dict[str, Any]]]]  # by layer


def compare(layers: dict[str, Layer], text: str) -> Comparison:
    """Agreed items and disagreements of the annotator layers of one document (`layers` by annotator)."""
    items = {name: _versions(layer) for name, layer in layers.items()}
    keys = sorted({key for versions in items.values() for key in versions}, key=_order)
    agreed, disagreements = [], []
    for key in keys:
        versions = {name: items[name][key][0] if key in items[name] else None for name in layers}
        if None not in versions.values() and all(v == next(iter(versions.values())) for v in versions.values()):
            agreed.append(key)
            continue
        start, end, what = _where(key)
        disagreements.append(Disagreement(f"d{len(disagreements) + 1}", key, what, start, end, text[start:end], versions))
    doc_id = next(iter(layers.values()))["doc_id"]
    return Comparison(doc_id, agreed, disagreements, items)


def layers_digest(files: dict[str, bytes]) -> dict[str, str]:
    """What identifies the layers a decisions file was made from: the sha256 of each file."""
    return {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}


def decisions_record(comparison: Comparison, digests: dict[str, str]) -> dict[str, Any]:
    """The decisions file a curator edits: every disagreement with each annotator's version and a `choice` to fill in."""
    return {
        "doc_id": comparison.doc_id,
        "layers": digests,
        "agreed": len(comparison.agreed),
        "choices": [*digests, NONE],
        "disagreements": [
            {"id": d.id, "what": d.what, "start": d.start, "end": d.end, "text": d.text, "versions": d.versions, "choice": None}
            for d in comparison.disagreements
        ],
    }


def read_choices(record: Any, comparison: Comparison, digests: dict[str, str], file: str) -> tuple[dict[str, str], list[Problem]]:
    """The curator's choice for every disagreement, or every problem with the decisions file."""
    if not isinstance(record, dict) or not isinstance(record.get("disagreements"), list):
        return {}, [Problem(file, "", "not a decisions file of `qawl review curate` (no list of disagreements)")]
    if record.get("doc_id") != comparison.doc_id or record.get("layers") != digests:
        return {}, [Problem(file, "", "made from other annotator layers than annotations/passes/ holds now; delete it and run curate again to list the disagreements afresh")]
    listed = {d["id"]: d for d in record["disagreements"] if isinstance(d, dict) and isinstance(d.get("id"), str)}
    choices, problems = {}, []
    allowed = [*digests, NONE]
    for disagreement in comparison.disagreements:
        choice = listed.get(disagreement.id, {}).get("choice")
        if choice is None:
            versions = "; ".join(f"{name}: {json.dumps(v, ensure_ascii=False) if v else '—'}" for name, v in disagreement.versions.items())
            problems.append(Problem(file, disagreement.id, f"no choice for the {disagreement.what} at [{disagreement.start}, {disagreement.end}) {disagreement.text!r} ({versions}); set \"choice\" to one of {', '.join(allowed)}"))
        elif choice not in allowed:
            problems.append(Problem(file, disagreement.id, f"choice {choice!r} is not one of {', '.join(allowed)}"))
        else:
            choices[disagreement.id] = choice
    return choices, problems


@dataclass(frozen=True)
class Curated:
    """A curated item: its kind, the item, and how it came to be (agreed by all, or one annotator's version chosen)."""

    kind: str
    item: dict[str, Any]
    decision: Disagreement | None = None
    choice: str | None = None


def curate(comparison: Comparison, choices: dict[str, str], base: Layer, time: str, file: str) -> tuple[Layer, list[Curated], list[Problem]]:
    """The gold layer: agreed items and chosen versions, linked again by span; every dangling link as a problem.

    An item keeps its source (manual, or the pre-annotator whose item all accepted) and is credited
    to the annotators who agreed on it, or to the one whose version was chosen."""
    chosen: list[tuple[Key, str, Disagreement | None]] = [(key, next(n for n in comparison.items if key in comparison.items[n]), None) for key in comparison.agreed]
    for disagreement in comparison.disagreements:
        choice = choices[disagreement.id]
        if choice != NONE and disagreement.versions[choice] is not None:
            chosen.append((disagreement.key, choice, disagreement))
    used: set[str] = set()
    ids = NewIds(item["id"] for versions in comparison.items.values() for _, item in versions.values())
    curated: dict[str, list[Curated]] = {kind: [] for kind in KIND_PREFIX}
    for key, name, decision in sorted(chosen, key=lambda c: _order(c[0])):
        item = copy.deepcopy(comparison.items[name][key][1])
        if item["id"] in used:  # two annotators gave different items the same new id
            item["id"] = ids.new(key[0])
        used.add(item["id"])
        credited = name if decision else "+".join(comparison.items)
        item["provenance"] = {"source": item["provenance"]["source"], "status": "gold", "annotator": credited, "time": time}
        curated[key[0]].append(Curated(key[0], item, decision, name if decision else None))
    problems = _relink(curated, comparison, file)
    layer = {
        "schema_version": base["schema_version"],
        "doc_id": base["doc_id"],
        "sha256": base["sha256"],
        **{kind: [c.item for c in curated[kind]] for kind in KIND_PREFIX if curated[kind] or kind in base},
    }
    return layer, [c for kind in KIND_PREFIX for c in curated[kind]], problems


def _relink(curated: dict[str, list[Curated]], comparison: Comparison, file: str) -> list[Problem]:
    """Point each chain's mentions, each quote's speaker entity, chain and source, and each stance's quotes at the curated items with the same spans."""
    problems = []
    entity_ids = {(c.item["start"], c.item["end"], c.item["label"]): c.item["id"] for c in curated["entities"]}
    quote_ids = {(c.item["content"]["start"], c.item["content"]["end"]): c.item["id"] for c in curated["quotes"]}
    sources = {name: {item["id"]: item for _, item in versions.values()} for name, versions in comparison.items.items()}

    def source_of(c: Curated) -> dict[str, Any]:
        return sources[c.choice] if c.choice else next(iter(sources.values()))

    decision_at = {d.key: d.id for d in comparison.disagreements}

    def decision_keeping(c: Curated, kind: str, old: dict[str, Any]) -> str:
        """The decision that can keep the item at `old`'s span that `c` links to: c's own, else (c is agreed, so every layer
        has that item) the decision that left it out."""
        return c.decision.id if c.decision else decision_at[(kind, old["start"], old["end"])]

    mention_ids = {(start, end): entity_id for (start, end, _), entity_id in entity_ids.items()}
    for c in list(curated["chains"]):
        mentions = [_at(source_of(c)[entity_id]) for entity_id in c.item["entities"]]
        c.item["entities"] = [mention_ids[m] for m in mentions if m in mention_ids]  # a mention left out leaves its chain
        if not c.item["entities"]:
            curated["chains"].remove(c)

    curated_entities = {c.item["id"]: c.item for c in curated["entities"]}
    chain_at = {_at(curated_entities[entity_id]): c.item["id"] for c in curated["chains"] for entity_id in c.item["entities"]}
    for c in curated["quotes"]:
        entity, chain = c.item["speaker"]["entity"], c.item["speaker"].get("chain")
        if chain is not None or entity is not None and chain_at:  # a speaker's chain: its entity's, else the chain it continued
            old_chain = source_of(c).get(entity or chain)
            old_entities = [old_chain] if entity else [source_of(c)[e] for e in old_chain["entities"]] if old_chain else []
            c.item["speaker"]["chain"] = next((chain_at[_at(e)] for e in old_entities if _at(e) in chain_at), None)
        if entity is not None:
            old = source_of(c)[entity]
            key = (old["start"], old["end"], old["label"])
            c.item["speaker"]["entity"] = entity_ids.get(key)
            if key not in entity_ids:
                problems.append(Problem(file, decision_keeping(c, "entities", old), f"quote {c.item['content']['text']!r} names speaker entity {old['text']!r} ({key[2]}), which the curated layer leaves out; choose a version that keeps it"))
    for c in curated["quotes"]:
        if c.item.get("source") is not None:
            old = source_of(c)[c.item["source"]]["content"]
            c.item["source"] = quote_ids.get((old["start"], old["end"]))
            if c.item["source"] is None:
                problems.append(Problem(file, decision_keeping(c, "quotes", old), f"quote {c.item['content']['text']!r} is reported by quote {old['text']!r}, which the curated layer leaves out; choose a version that keeps it"))
    for c in curated["stance"]:
        for part in ("holder", "evidence"):
            quote = c.item[part]["quote"]
            if quote is not None:
                old = source_of(c)[quote]["content"]
                c.item[part]["quote"] = quote_ids.get((old["start"], old["end"]))
                if (old["start"], old["end"]) not in quote_ids:
                    problems.append(Problem(file, decision_keeping(c, "quotes", old), f"stance on {c.item['target']} rests on quote {old['text']!r}, which the curated layer leaves out; choose a version that keeps it"))
    return problems


def same_annotations(a: Layer, b: Layer) -> bool:
    """Whether two layers hold the same annotations, from the same people (when they were made aside)."""

    def timeless(layer: Layer) -> list[Any]:
        return [{**item, "provenance": {**item["provenance"], "time": None}} for kind in KIND_PREFIX for item in layer.get(kind, [])]

    return timeless(a) == timeless(b)


def log_entries(
    comparison: Comparison, choices: dict[str, str], curated: list[Curated], previous: Layer | None, curator: str, time: str, file: str, digests: dict[str, str]
) -> list[dict[str, Any]]:
    """The review-log lines of a curation: every agreed item, every decision (who decided, the choice,
    each annotator's version), and every item of the previous gold layer that is gone."""
    before = {(kind, item["id"]): item for kind in KIND_PREFIX for item in (previous or {}).get(kind, [])}
    review = hashlib.sha256(json.dumps(digests, sort_keys=True).encode()).hexdigest()
    common = {"time": time, "annotator": curator, "layer": "gold", "doc_id": comparison.doc_id, "tool": "curate", "file": file, "tool_user": None, "review": review}
    decided = {c.decision.id: c for c in curated if c.decision}
    entries = []
    for c in curated:
        if c.decision is None:
            entries.append({**common, "kind": c.kind, "id": c.item["id"], "action": "agreed", "origin": "+".join(comparison.items), "before": before.get((c.kind, c.item["id"])), "after": c.item})
    for d in comparison.disagreements:
        chosen = decided.get(d.id)
        item_id = chosen.item["id"] if chosen else None
        decision = {"id": d.id, "choice": choices[d.id], "versions": d.versions}
        entries.append({**common, "kind": d.key[0], "id": item_id, "action": "decided", "origin": choices[d.id], "decision": decision, "before": before.get((d.key[0], item_id)), "after": chosen and chosen.item})
    kept = {(c.kind, c.item["id"]) for c in curated}
    entries += [{**common, "kind": kind, "id": item_id, "action": "removed", "origin": "curation", "before": item, "after": None} for (kind, item_id), item in before.items() if (kind, item_id) not in kept]
    return entries
