"""A tool-neutral view of an annotation layer: labelled regions, relations, per-region choices.

Label Studio and brat both show a layer as labelled text regions, relations
between regions and values attached to regions. `to_view` turns a layer into
that view; `from_view` turns a reviewed view back into a layer, keeping what a
tool cannot show (ids, stance holders, provenance) from the layer it was
exported from. Offsets in a view are code points; tools convert at their border.
Entity chains are links between entity regions; a tool cannot show a chain of one
mention, so such a chain of the base layer stays while nothing links its mention elsewhere.
A discontinuous quote is one content region per part, the parts joined by a link (the first
region carries the quote's key, its type and stances); a nested quote is a source link from
its content to the content of the quote that reports it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from qawl.annotate.chains import canonical_name
from qawl.merge import UNCHAINED_LABELS, Layer, quote_parts
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
    part links (the content regions of one discontinuous quote), source links (inner content → the
    content of the quote that reports it), quote types and stances by region, and the tool's origin
    of each choice (by region and quote type or stance target)."""

    regions: dict[str, Region] = field(default_factory=dict)
    relations: list[tuple[str, str]] = field(default_factory=list)
    chains: list[tuple[str, ...]] = field(default_factory=list)
    parts: list[tuple[str, ...]] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)
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


def quote_part_key(quote_id: str, n: int) -> str:
    """The region key of the n-th part (from 1) of a discontinuous quote: the first part is the quote's own key."""
    return quote_id if n == 1 else part_key(quote_id, f"part{n}")


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
        keys = [quote_part_key(quote["id"], n) for n in range(1, len(quote_parts(quote)) + 1)]
        for key, span in zip(keys, quote_parts(quote)):
            add(key, span, CONTENT)
        if len(keys) > 1:
            view.parts.append(tuple(keys))
        if quote.get("source") is not None:
            view.sources.append((quote["id"], quote["source"]))
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


def _group_place(group: list[str]) -> str:
    """Where a quote is in a tool: its region, or its parts' regions."""
    return f"region {group[0]}" if len(group) == 1 else f"regions {' + '.join(group)}"


def _part_groups(view: View, regions: dict[str, Region], file: str) -> tuple[dict[str, list[str]], list[Problem]]:
    """The content regions of each quote by its first part, in text order (a region alone, or the regions that
    part links join), in the tool's order of regions; every problem with the part links."""
    problems, links = [], []
    for link in view.parts:
        place = f"part link {' + '.join(link)}"
        if missing := [rid for rid in link if rid not in view.regions]:
            problems.append(Problem(file, place, f"refers to region {missing[0]!r}, which does not exist"))
        elif others := [rid for rid in link if rid in regions and regions[rid].label != CONTENT]:
            problems.append(Problem(file, place, f"a part link joins the content regions of one discontinuous quote, not {regions[others[0]].label} {others[0]}"))
        elif all(rid in regions for rid in link):  # else the region's own problem is already reported
            links.append(link)
    by_region: dict[str, list[str]] = {}
    for group in _linked_groups(links):
        ordered = sorted(group, key=lambda rid: (regions[rid].start, regions[rid].end))
        by_region.update((rid, ordered) for rid in ordered)
        for before, after in zip(ordered, ordered[1:]):
            a, b = regions[before], regions[after]
            if b.start <= a.end:
                how = "touch (join them into one region)" if b.start == a.end else "overlap"
                problems.append(Problem(file, f"part link {before} + {after}", f"the parts [{a.start}, {a.end}) and [{b.start}, {b.end}) of one quote {how}: the author's words separate the parts of a discontinuous quote"))
    groups = {}
    for rid, region in regions.items():
        group = by_region.get(rid, [rid])
        if region.label == CONTENT and group[0] == rid:
            groups[rid] = group
    return groups, problems


def _source_links(view: View, regions: dict[str, Region], head: dict[str, str], file: str) -> tuple[dict[str, str], list[Problem]]:
    """The quote (its first part) that reports each nested quote (its first part), and every problem with the source links."""
    problems: list[Problem] = []
    reported_by: dict[str, str] = {}
    for inner, outer in view.sources:
        place = f"source link {inner} → {outer}"
        if inner not in view.regions or outer not in view.regions:
            problems.append(Problem(file, place, f"refers to region {inner if inner not in view.regions else outer!r}, which does not exist"))
        elif inner not in regions or outer not in regions:
            continue  # the region's own problem is already reported
        elif inner not in head or outer not in head:
            other = inner if inner not in head else outer
            problems.append(Problem(file, place, f"a source link goes from a quote content to the content of the quote that reports it, not from or to {regions[other].label} {other}"))
        elif head[inner] == head[outer]:
            problems.append(Problem(file, place, "a quote is not its own source"))
        elif reported_by.setdefault(head[inner], head[outer]) != head[outer]:
            problems.append(Problem(file, place, f"the quote at {head[inner]} already has a source link, to {reported_by[head[inner]]}; a quote has at most one source"))
    return reported_by, problems


def _quote_keys(groups: dict[str, list[str]], regions: dict[str, Region], base_quotes: dict[str, Any]) -> dict[str, str]:
    """The base quote each quote continues (by its first part): a region keyed with the quote's id, else a later
    part keyed with one of its parts; each base quote is continued at most once."""
    keys: dict[str, str] = {}
    claimed: set[str] = set()
    for exact in (True, False):
        for rid, group in groups.items():
            member_keys = [regions[member].key or "" for member in group]
            candidates = member_keys if exact else [key.partition("~")[0] for key in member_keys] if len(group) > 1 else []
            found = next((quote_id for quote_id in candidates if quote_id in base_quotes and quote_id not in claimed), None)
            if rid not in keys and found is not None:
                keys[rid] = found
                claimed.add(found)
    return keys


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

    def item_id(key: str | None, kind: str, *item_origins: str | None) -> str:
        item = key if key in base_items[kind] else ids.new(kind)
        if origin := strongest_origin(item_origins):
            origins[item] = origin
        return item

    entity_ids: dict[str, str] = {}
    entities = []
    for rid, region in regions.items():
        if region.label in vocabulary.entity_labels:
            entity_ids[rid] = item_id(region.key, "entities", region.origin)
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

    groups, group_problems = _part_groups(view, regions, file)
    problems += group_problems
    head = {rid: group[0] for group in groups.values() for rid in group}  # each content region → the first part of its quote
    roles_of: dict[str, dict[str, list[str]]] = {rid: {} for rid in groups}
    linked: set[str] = set()
    for source, target in view.relations:
        place = f"relation {source} → {target}"
        if source not in view.regions or target not in view.regions:
            missing = source if source not in view.regions else target
            problems.append(Problem(file, place, f"refers to region {missing!r}, which does not exist"))
            continue
        if source not in regions or target not in regions:
            continue  # the region's own problem is already reported
        if source in head and target not in head and (target in entity_ids or regions[target].label in LINKED_PARTS):
            source, target = target, source  # drawn from the quote to its part: the roles are plain, read it the other way
        role = "entity" if source in entity_ids else regions[source].label
        if target not in head or role not in (*LINKED_PARTS, "entity"):
            problems.append(Problem(file, place, f"a relation links a cue, speaker, outlet or entity to a quote content, not {regions[source].label} to {regions[target].label}"))
            continue
        roles_of[head[target]].setdefault(role, []).append(source)
        linked.add(source)
    for rid, region in regions.items():
        if region.label in LINKED_PARTS and rid not in linked:
            problems.append(Problem(file, f"region {rid}", f"{region.label} {region.text or ''!r} is not linked to a quote content"))
    reported_by, source_problems = _source_links(view, regions, head, file)
    problems += source_problems

    quote_ids = _quote_keys(groups, regions, base_items["quotes"])
    for rid, group in groups.items():
        part_origins = [regions[source].origin for sources in roles_of[rid].values() for source in sources]
        choice_origins = [view.choice_origins.get((member, QUOTE_TYPE_CHOICE)) for member in group]
        quote_ids[rid] = item_id(quote_ids.get(rid), "quotes", *(regions[member].origin for member in group), *choice_origins, *part_origins)
    quotes = []
    for rid, group in groups.items():
        region, place, roles = regions[rid], _group_place(group), roles_of[rid]
        for role, sources in roles.items():
            if len(sources) > 1:
                joined = f"; its parts are joined by part links, so they share one {role}" if len(group) > 1 else ""
                problems.append(Problem(file, place, f"quote has {len(sources)} {role} links ({', '.join(sources)}); at most one{joined}"))
        one = {role: regions[sources[0]] for role, sources in roles.items()}
        quote_types = sorted({view.quote_types[member] for member in group if member in view.quote_types})
        quote_type = quote_types[0] if len(quote_types) == 1 else None
        if len(quote_types) > 1:
            problems.append(Problem(file, place, f"the parts of one quote have different quote types ({', '.join(quote_types)}); choose one"))
        elif quote_type not in vocabulary.quote_types:
            problems.append(Problem(file, place, f"quote type {quote_type!r}: choose one of {', '.join(vocabulary.quote_types)}"))
        mention_region = one.get(SPEAKER) or one.get("entity")
        entity_region = one.get("entity")
        base_item = base_items["quotes"].get(quote_ids[rid])
        members = [regions[member] for member in group]
        content = {"start": region.start, "end": members[-1].end, "text": text[region.start : members[-1].end]}
        quote: dict[str, Any] = {"id": quote_ids[rid], "type": quote_type, "content": content}
        optional = {"parts": [span_of(member) for member in members] if len(members) > 1 else None, "source": quote_ids.get(reported_by.get(rid, ""))}
        quote.update({key: value for key, value in optional.items() if value is not None or (base_item and key in base_item)})  # absent stays absent
        quote.update({
            "cue": span_of(one[CUE]) if CUE in one else None,
            "speaker": {
                "kind": "named" if entity_region else "anonymous" if mention_region else "unknown",
                "mention": span_of(mention_region) if mention_region else None,
                "entity": entity_ids[entity_region.id] if entity_region else None,
            },
            "outlet": span_of(one[OUTLET]) if OUTLET in one else None,
            "provenance": base_item and base_item["provenance"],
        })
        quotes.append((quote, content))

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
    chosen: dict[tuple[str, str], str] = {}
    stances = []
    for (choice_rid, target), label in view.stances.items():
        place = f"region {choice_rid} stance on {target}"
        rid = head.get(choice_rid, choice_rid)  # a stance chosen on a later part of a quote is the quote's
        region = regions.get(rid)
        if choice_rid not in view.regions:
            problems.append(Problem(file, place, f"refers to region {choice_rid!r}, which does not exist"))
            continue
        if region is None:
            continue
        if (rid, target) in chosen:  # chosen on two parts of one quote
            if chosen[(rid, target)] != label:
                problems.append(Problem(file, place, f"the parts of one quote have different stances on {target}; choose one, on its first part {rid}"))
            continue
        chosen[(rid, target)] = label
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
        if origin := strongest_origin([view.choice_origins.get((choice_rid, target)), region.origin if region.label == EVIDENCE else None]):
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
