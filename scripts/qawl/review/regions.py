"""A tool-neutral view of an annotation layer: labelled regions, relations, per-region choices.

Label Studio and brat both show a layer as labelled text regions, relations
between regions and values attached to regions. `to_view` turns a layer into
that view; `from_view` turns a reviewed view back into a layer, keeping what a
tool cannot show (ids, stance holders, provenance) from the layer it was
exported from. Offsets in a view are code points; tools convert at their border.
Entity chains are links between entity regions; a tool cannot show a chain of one
mention, so such a chain of the base layer stays while nothing links its mention elsewhere.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from qawl.annotate.chains import canonical_name
from qawl.merge import UNCHAINED_LABELS, Layer
from qawl.schema import Problem, Schemas

COMMON = "common.schema.json#/$defs/"
CONTENT, CUE, SPEAKER, OUTLET, EVIDENCE = "content", "cue", "speaker", "outlet", "evidence"
QUOTE_PARTS = (CONTENT, CUE, SPEAKER, OUTLET, EVIDENCE)
LINKED_PARTS = (CUE, SPEAKER, OUTLET)  # linked to their quote's content by a relation
KIND_PREFIX = {"entities": "e", "quotes": "q", "chains": "c", "stance": "s"}  # in the order of a layer's keys
# One colour per label, shared by every review tool (light enough for black text).
LABEL_COLORS = {
    "PERSON": "#ffd6a5",
    "NORP": "#fdffb6",
    "FAC": "#e4c1f9",
    "ORG": "#9bf6ff",
    "GPE": "#caffbf",
    "LOC": "#a0c4ff",
    "EVENT": "#ffc6ff",
    "DATE": "#d9d9d9",
    CONTENT: "#cfe8ff",
    CUE: "#ff8fa3",
    SPEAKER: "#ffb703",
    OUTLET: "#8ecae6",
    EVIDENCE: "#b7e4c7",
}


@dataclass(frozen=True)
class Vocabulary:
    """The labels a review tool offers, from the schema and the stance target inventory."""

    entity_labels: tuple[str, ...]
    quote_types: tuple[str, ...]
    stance_labels: tuple[str, ...]
    targets: tuple[str, ...]
    target_names: Mapping[str, str] = field(default_factory=dict)  # target id → its Arabic name (targets.json name_ar)

    @classmethod
    def load(cls, schemas: Schemas, targets: Iterable[str], names: Mapping[str, str] | None = None) -> Vocabulary:
        return cls(
            tuple(schemas.enum(COMMON + "entity_label")),
            tuple(schemas.enum(COMMON + "quote_type")),
            tuple(schemas.enum(COMMON + "stance_label")),
            tuple(sorted(targets)),
            dict(names or {}),
        )

    def target_name(self, target: str) -> str:
        """The Arabic name a reviewer reads for a stance target (its id when the inventory names none)."""
        return self.target_names.get(target, target)


@dataclass
class Region:
    """A labelled span as a tool shows it; `key` is the qawl id it was exported with."""

    id: str
    start: int
    end: int
    label: str
    text: str | None = None
    key: str | None = None
    origin: str | None = None


@dataclass
class View:
    """Regions by tool id, part/entity → content relations, coreference links (regions of one chain),
    quote types and stances by region, and the tool's origin of each choice (by region and quote type or stance target)."""

    regions: dict[str, Region] = field(default_factory=dict)
    relations: list[tuple[str, str]] = field(default_factory=list)
    chains: list[tuple[str, ...]] = field(default_factory=list)
    quote_types: dict[str, str] = field(default_factory=dict)
    stances: dict[tuple[str, str], str] = field(default_factory=dict)
    choice_origins: dict[tuple[str, str], str] = field(default_factory=dict)


QUOTE_TYPE_CHOICE = "quote type"  # the choice key of a region's quote type in `View.choice_origins` (targets are ids, no spaces)
ORIGIN_STRENGTH = ("prediction", "prediction-changed", "manual")  # Label Studio's origins, from least to most changed


def strongest_origin(origins: Iterable[str | None]) -> str | None:
    """The origin that says most was changed (an unknown one counts as a change by hand)."""
    known = [o for o in origins if o]
    return max(known, key=lambda o: ORIGIN_STRENGTH.index(o) if o in ORIGIN_STRENGTH else len(ORIGIN_STRENGTH), default=None)


def part_key(quote_id: str, part: str) -> str:
    """The region key of a quote part ('~' never occurs in annotation ids)."""
    return f"{quote_id}~{part}"


def stance_region(stance: dict[str, Any]) -> str:
    """The key of the region a stance is shown on: its evidence quote, or its own evidence span."""
    return stance["evidence"]["quote"] or stance["id"]


def to_view(layer: Layer) -> View:
    """The regions, relations and choices that show `layer` in a review tool."""
    view = View()

    def add(key: str, span: dict[str, Any], label: str) -> None:
        view.regions[key] = Region(key, span["start"], span["end"], label, span["text"], key)

    for entity in layer["entities"]:
        add(entity["id"], entity, entity["label"])
    for quote in layer["quotes"]:
        add(quote["id"], quote["content"], CONTENT)
        view.quote_types[quote["id"]] = quote["type"]
        for part, span in ((CUE, quote["cue"]), (SPEAKER, quote["speaker"]["mention"]), (OUTLET, quote["outlet"])):
            if span is not None:
                add(part_key(quote["id"], part), span, part)
                view.relations.append((part_key(quote["id"], part), quote["id"]))
        if quote["speaker"]["entity"] is not None:
            view.relations.append((quote["speaker"]["entity"], quote["id"]))
    view.chains = [tuple(chain["entities"]) for chain in layer.get("chains", []) if len(chain["entities"]) > 1]
    for stance in layer["stance"]:
        if stance["evidence"]["span"] is not None:
            add(stance["id"], stance["evidence"]["span"], EVIDENCE)
        key = (stance_region(stance), stance["target"])
        if key in view.stances:
            raise ValueError(f"{layer['doc_id']}: two stances on {key[0]} for target {key[1]}; a review tool cannot tell them apart")
        view.stances[key] = stance["label"]
    return view


class NewIds:
    """New annotation ids: the next free number per kind, never one already used."""

    def __init__(self, used: Iterable[str]) -> None:
        self.next: dict[str, int] = {}
        for prefix in KIND_PREFIX.values():
            numbers = [int(m.group(1)) for i in used if (m := re.fullmatch(rf"{prefix}(\d+)", i))]
            self.next[prefix] = max(numbers, default=0) + 1

    def new(self, kind: str) -> str:
        prefix = KIND_PREFIX[kind]
        self.next[prefix] += 1
        return f"{prefix}{self.next[prefix] - 1}"


def _ordered(items: list[tuple[dict[str, Any], dict[str, Any]]], base: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items in the base layer's order, new ones after them in text order."""
    position = {item["id"]: n for n, item in enumerate(base)}

    def order(pair: tuple[dict[str, Any], dict[str, Any]]) -> tuple[int, int, int]:
        item, where = pair
        return position.get(item["id"], len(position)), where["start"], where["end"]

    return [item for item, _ in sorted(items, key=order)]


def _linked_groups(links: Iterable[Iterable[str]]) -> list[set[str]]:
    """The sets of ids that links join, directly or through others."""
    parent: dict[str, str] = {}

    def root(item: str) -> str:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for link in links:
        first, *rest = link
        for item in rest:
            parent[root(item)] = root(first)
    groups: dict[str, set[str]] = {}
    for item in parent:
        groups.setdefault(root(item), set()).add(item)
    return list(groups.values())


def _chains(links: list[set[str]], entities: list[dict[str, Any]], speakers: set[str], base: Layer, text: str, ids: NewIds) -> list[dict[str, Any]]:
    """The chains that coreference links between entities show, in the base layer's order, new ones after in text order.

    A group of linked mentions keeps the id, name and provenance of the base chain it shares most
    mentions with (each base chain goes to one group); other groups are new chains named by their
    most complete mention. A chain of one mention has no link to show it: a base chain no group
    continues stays as its first mention that is linked to none, when that is its only mention or a speaker's entity;
    a speaker's entity in no group is a new chain of its own.
    """
    by_id = {entity["id"]: entity for entity in entities}
    base_chains = base.get("chains", [])
    base_chain_of = {entity_id: n for n, chain in enumerate(base_chains) for entity_id in chain["entities"]}
    shared = sorted((-count, n, g) for g, group in enumerate(links) for n, count in Counter(base_chain_of[e] for e in group if e in base_chain_of).items())
    matched: dict[int, int] = {}  # group index → the index of the base chain it continues
    continued: set[int] = set()
    for _, n, g in shared:
        if g not in matched and n not in continued:
            matched[g] = n
            continued.add(n)
    groups, linked = list(links), set().union(*links)
    for n, chain in enumerate(base_chains):
        alone = [e for e in chain["entities"] if e in by_id and e not in linked and (len(chain["entities"]) == 1 or e in speakers)]
        if alone and n not in continued:
            matched[len(groups)] = n
            groups.append({alone[0]})
    if groups:  # a layer with chains gives every named speaker one, of its own when no link shows it (GUIDELINES §2.12 rule 6; not a DATE or NORP, rule 5)
        grouped = set().union(*groups)
        groups += [{e} for e in sorted(speakers - grouped, key=str) if e in by_id and by_id[e]["label"] not in UNCHAINED_LABELS]
    mentions = [sorted((by_id[entity_id] for entity_id in group), key=lambda e: (e["start"], e["end"])) for group in groups]
    new = sorted((g for g in range(len(groups)) if g not in matched), key=lambda g: (mentions[g][0]["start"], mentions[g][0]["end"]))
    new_ids = {g: ids.new("chains") for g in new}
    chains = []
    for g, group_mentions in enumerate(mentions):
        old = base_chains[matched[g]] if g in matched else None
        chain = {
            "id": old["id"] if old else new_ids[g],
            "name": old["name"] if old else canonical_name(text, group_mentions),
            "entities": [e["id"] for e in group_mentions],
            "provenance": old and old["provenance"],
        }
        chains.append((chain, group_mentions[0]))
    return _ordered(chains, base_chains)


def from_view(
    view: View, base: Layer, text: str, vocabulary: Vocabulary, used_ids: Iterable[str], file: str
) -> tuple[Layer, list[Problem], dict[str, str]]:
    """The layer a reviewed view shows, every problem with it, and the tool origin of each item.

    Items keep their base id (and base provenance, replaced later if they changed);
    new items take the next free id. `used_ids` are ids that may not be reused.
    """
    problems: list[Problem] = []
    ids = NewIds([*used_ids, *(item["id"] for kind in KIND_PREFIX for item in base.get(kind, []))])
    base_items = {kind: {item["id"]: item for item in base.get(kind, [])} for kind in KIND_PREFIX}
    origins: dict[str, str] = {}

    def span_of(region: Region) -> dict[str, Any]:
        return {"start": region.start, "end": region.end, "text": text[region.start : region.end]}

    regions: dict[str, Region] = {}
    for rid, region in view.regions.items():
        place = f"region {rid}"
        if region.label not in vocabulary.entity_labels and region.label not in QUOTE_PARTS:
            problems.append(Problem(file, place, f"unknown label {region.label!r}"))
        elif not 0 <= region.start < region.end <= len(text):
            problems.append(Problem(file, place, f"offsets [{region.start}, {region.end}) outside the text (length {len(text)}) or empty"))
        elif region.text is not None and region.text != text[region.start : region.end]:
            problems.append(Problem(file, place, f"region text {region.text!r} is not the text at [{region.start}, {region.end}): {text[region.start:region.end]!r}"))
        else:
            regions[rid] = region

    def item_id(region: Region, kind: str, *more_origins: str | None) -> str:
        item = region.key if region.key in base_items[kind] else ids.new(kind)
        if origin := strongest_origin([region.origin, *more_origins]):
            origins[item] = origin
        return item

    entity_ids: dict[str, str] = {}
    entities = []
    for rid, region in regions.items():
        if region.label in vocabulary.entity_labels:
            entity_ids[rid] = item_id(region, "entities")
            base_item = base_items["entities"].get(entity_ids[rid])
            entity = {"id": entity_ids[rid], **span_of(region), "label": region.label, "provenance": base_item and base_item["provenance"]}
            entities.append((entity, span_of(region)))

    links = []
    for link in view.chains:
        place = f"coreference link {' = '.join(link)}"
        if missing := [rid for rid in link if rid not in view.regions]:
            problems.append(Problem(file, place, f"refers to region {missing[0]!r}, which does not exist"))
        elif not_entities := [rid for rid in link if rid in regions and rid not in entity_ids]:
            problems.append(Problem(file, place, f"a coreference link joins entity mentions, not {regions[not_entities[0]].label} {not_entities[0]}"))
        elif all(rid in regions for rid in link):  # else the region's own problem is already reported
            links.append({entity_ids[rid] for rid in link})

    parts: dict[str, dict[str, list[str]]] = {rid: {} for rid, r in regions.items() if r.label == CONTENT}
    linked: set[str] = set()
    for source, target in view.relations:
        place = f"relation {source} → {target}"
        if source not in view.regions or target not in view.regions:
            missing = source if source not in view.regions else target
            problems.append(Problem(file, place, f"refers to region {missing!r}, which does not exist"))
            continue
        if source not in regions or target not in regions:
            continue  # the region's own problem is already reported
        if source in parts and target not in parts and (target in entity_ids or regions[target].label in LINKED_PARTS):
            source, target = target, source  # drawn from the quote to its part: the roles are plain, read it the other way
        role = "entity" if source in entity_ids else regions[source].label
        if target not in parts or role not in (*LINKED_PARTS, "entity"):
            problems.append(Problem(file, place, f"a relation links a cue, speaker, outlet or entity to a quote content, not {regions[source].label} to {regions[target].label}"))
            continue
        parts[target].setdefault(role, []).append(source)
        linked.add(source)
    for rid, region in regions.items():
        if region.label in LINKED_PARTS and rid not in linked:
            problems.append(Problem(file, f"region {rid}", f"{region.label} {region.text or ''!r} is not linked to a quote content"))

    quote_ids: dict[str, str] = {}
    quotes = []
    for rid, roles in parts.items():
        region = regions[rid]
        part_origins = [regions[source].origin for sources in roles.values() for source in sources]
        quote_ids[rid] = item_id(region, "quotes", view.choice_origins.get((rid, QUOTE_TYPE_CHOICE)), *part_origins)
        for role, sources in roles.items():
            if len(sources) > 1:
                problems.append(Problem(file, f"region {rid}", f"quote has {len(sources)} {role} links ({', '.join(sources)}); at most one"))
        one = {role: regions[sources[0]] for role, sources in roles.items()}
        quote_type = view.quote_types.get(rid)
        if quote_type not in vocabulary.quote_types:
            problems.append(Problem(file, f"region {rid}", f"quote type {quote_type!r}: choose one of {', '.join(vocabulary.quote_types)}"))
        mention_region = one.get(SPEAKER) or one.get("entity")
        entity_region = one.get("entity")
        base_item = base_items["quotes"].get(quote_ids[rid])
        quote = {
            "id": quote_ids[rid],
            "type": quote_type,
            "content": span_of(region),
            "cue": span_of(one[CUE]) if CUE in one else None,
            "speaker": {
                "kind": "named" if entity_region else "anonymous" if mention_region else "unknown",
                "mention": span_of(mention_region) if mention_region else None,
                "entity": entity_ids[entity_region.id] if entity_region else None,
            },
            "outlet": span_of(one[OUTLET]) if OUTLET in one else None,
            "provenance": base_item and base_item["provenance"],
        }
        quotes.append((quote, span_of(region)))

    speakers = {quote["speaker"]["entity"] for quote, _ in quotes}
    chains = _chains(_linked_groups(links), [entity for entity, _ in entities], speakers, base, text, ids)
    chain_of = {entity_id: chain["id"] for chain in chains for entity_id in chain["entities"]}
    kept = {chain["id"] for chain in chains}
    for quote, _ in quotes:  # a speaker's chain follows its entity; a pro-drop (unknown) speaker keeps the chain it continued, if it is still there
        speaker, base_item = quote["speaker"], base_items["quotes"].get(quote["id"])
        if speaker["entity"]:
            chain = chain_of.get(speaker["entity"])
        else:
            chain = base_item["speaker"].get("chain") if speaker["kind"] == "unknown" and base_item else None
        if chain not in kept:
            chain = None
        if chain is not None or "chains" in base:
            speaker["chain"] = chain

    base_stance = {(stance_region(s), s["target"]): s for s in base["stance"]}
    shown: set[str] = set()
    stances = []
    for (rid, target), label in view.stances.items():
        place = f"region {rid} stance on {target}"
        region = regions.get(rid)
        if rid not in view.regions:
            problems.append(Problem(file, place, f"refers to region {rid!r}, which does not exist"))
            continue
        if region is None:
            continue
        if label not in vocabulary.stance_labels:
            problems.append(Problem(file, place, f"unknown stance label {label!r}"))
            continue
        if region.label not in (CONTENT, EVIDENCE):
            problems.append(Problem(file, place, f"stance belongs on a quote content or an evidence span, not on {region.label}"))
            continue
        shown.add(rid)
        key = quote_ids[rid] if region.label == CONTENT else region.key
        previous = base_stance.get((key, target)) if key else None
        if previous is not None:
            stance = {**previous, "label": label}
            if region.label == EVIDENCE:
                stance["evidence"] = {"quote": None, "span": span_of(region)}
        else:
            quote_id = quote_ids.get(rid)
            stance = {
                "id": ids.new("stance"),
                "target": target,
                "label": label,
                "holder": {"kind": "speaker", "quote": quote_id} if quote_id else {"kind": "author", "quote": None},
                "evidence": {"quote": quote_id, "span": None if quote_id else span_of(region)},
                "provenance": None,
            }
        if origin := strongest_origin([view.choice_origins.get((rid, target)), region.origin if region.label == EVIDENCE else None]):
            origins[stance["id"]] = origin
        stances.append((stance, span_of(region)))
    for rid, region in regions.items():
        if region.label == EVIDENCE and rid not in shown:
            problems.append(Problem(file, f"region {rid}", "an evidence span needs a stance (choose FAVOR, AGAINST or NONE for a target)"))

    layer = {
        "schema_version": base["schema_version"],
        "doc_id": base["doc_id"],
        "sha256": base["sha256"],
        "entities": _ordered(entities, base["entities"]),
        "quotes": _ordered(quotes, base["quotes"]),
        **({"chains": chains} if chains or "chains" in base else {}),
        "stance": _ordered(stances, base["stance"]),
    }
    return layer, problems, origins
