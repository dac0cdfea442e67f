"""Silver entity chains: which entity mentions of one document name the same referent, found by rules.

A pure function over a document's text, entity mentions and quotes (annotation-layer dicts,
document offsets), following the guidelines (§2.12, §3.7):

- a mention joins the chain of an earlier mention with the same label when one name is the
  other, or a contiguous part of it (a short name, a family name after a title: `الأعرجي`
  after `قاسم الأعرجي`), compared on matching forms without the article; with several such
  chains, the one whose matching name was mentioned last;
- a definite role noun that is a quote's speaker (`الوزير`، `القيادي في ...`) refers back to the
  last named entity of the label it stands for, and the quote's speaker becomes that entity;
- DATE and NORP mentions are never chained; a mention named once is a chain of its own only
  when it is a quote's speaker.

A capital standing for its state (`بين بغداد وواشنطن`) is not told apart from the city: it
needs a reading of the sentence, which these rules do not make.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from qawl.annotate.text import normalize

Record = dict[str, Any]

UNCHAINED_LABELS = frozenset({"DATE", "NORP"})
# Definite role nouns (matching form) that refer back to a named source, and the label of the entity they stand for.
ROLE_NOUNS: Mapping[str, str] = {
    normalize(noun): label
    for nouns, label in (
        (("الوزير", "الرئيس", "المتحدث", "الناطق", "القيادي", "المستشار", "السفير", "النائب", "القائد", "الزعيم", "المبعوث", "الأمين"), "PERSON"),
        (("الوزارة", "السفارة", "الحكومة", "الحركة", "المليشيا", "الميليشيا", "الحزب", "الهيئة", "المنظمة", "الجماعة"), "ORG"),
    )
    for noun in nouns
}


class Chain(NamedTuple):
    """A chain found in a document: its canonical name and its entity ids, in text order."""

    name: str
    entities: list[str]


def word_form(text: str, entity: Mapping[str, Any]) -> str:
    """The mention as a word: a span stored without the ال of لل (`لسفارة الأميركية` in `للسفارة`) gets its alef back."""
    span, start = entity["text"], entity["start"]
    if span.startswith("ل") and not span.startswith("ال") and start > 0 and text[start - 1] == "ل":
        return "ا" + span
    return span


def _key(form: str) -> tuple[str, ...]:
    """The words of a name as they are compared: matching forms, without the article."""
    return tuple(word.removeprefix("ال") if len(word) > 3 else word for word in normalize(form).split())


def _parts(key: tuple[str, ...]) -> Iterable[tuple[str, ...]]:
    """Every contiguous part of a name's words (a name has a few words: a few parts)."""
    return (key[i:j] for i in range(len(key)) for j in range(i + 1, len(key) + 1))


def _role_label(mention: Mapping[str, Any]) -> str | None:
    """The label of the entity a speaker mention refers back to, if it is a role noun that does: the noun
    alone (`الوزير`) or with a membership phrase (`القيادي في مليشيا "النجباء"`); a role noun with another
    complement (`المتحدث باسم الخارجية`) introduces someone rather than refers back."""
    words = normalize(mention["text"]).split()
    label = ROLE_NOUNS.get(words[0]) if words else None
    return label if len(words) == 1 or words[1] == "في" else None


def resolve_role_speakers(entities: list[Record], quotes: list[Record]) -> list[Record]:
    """`quotes` with each speaker who has no entity but a role-noun mention (`_role_label`) named by
    the last entity of the label that role stands for before the mention, if there is one."""
    by_label: dict[str, list[Record]] = {}
    for entity in sorted(entities, key=lambda e: e["start"]):
        by_label.setdefault(entity["label"], []).append(entity)
    starts = {label: [e["start"] for e in named] for label, named in by_label.items()}
    resolved = []
    for quote in quotes:
        speaker = quote["speaker"]
        mention = speaker["mention"]
        label = _role_label(mention) if mention and speaker["entity"] is None else None
        before = bisect.bisect_left(starts.get(label or "", []), mention["start"]) if label else 0
        if before:
            named = by_label[label][before - 1]
            quote = {**quote, "speaker": {**speaker, "kind": "named", "entity": named["id"]}}
        resolved.append(quote)
    return resolved


def find_chains(text: str, entities: Iterable[Record], speakers: Iterable[str] = ()) -> list[Chain]:
    """The chains of a document's entity mentions, in the order of their first mention; `speakers`:
    ids of entities that are quote speakers, which make a chain even when named once.

    Two indexes keep, per label and name (whole, or any part of one), where it was last mentioned
    and in which chain: a mention costs a few look-ups, however many mentions came before.
    """
    members: list[list[Record]] = []
    wholes: dict[tuple[str, tuple[str, ...]], tuple[int, int]] = {}  # (label, a name) → (where last mentioned, its chain)
    parts: dict[tuple[str, tuple[str, ...]], tuple[int, int]] = {}  # (label, a part of a name) → the same
    for entity in sorted(entities, key=lambda e: e["start"]):
        label = entity["label"]
        key = _key(word_form(text, entity))
        if label in UNCHAINED_LABELS or not key:
            continue
        found = [parts.get((label, key)), *(wholes.get((label, part)) for part in _parts(key))]
        chosen = max((f for f in found if f is not None), default=(-1, len(members)))[1]  # the name mentioned last
        if chosen == len(members):
            members.append([])
        members[chosen].append(entity)
        wholes[label, key] = entity["start"], chosen
        for part in _parts(key):
            parts[label, part] = entity["start"], chosen
    speaker_ids = set(speakers)
    return [
        Chain(canonical_name(text, chain), [e["id"] for e in chain])
        for chain in members
        if len(chain) > 1 or chain[0]["id"] in speaker_ids
    ]


def canonical_name(text: str, chain: list[Record]) -> str:
    """The most complete mention as a word: the most words, then the most letters; the first of equals."""
    forms = [word_form(text, entity) for entity in chain]
    return max(forms, key=lambda form: (len(form.split()), len(form)))


def chain_layer(text: str, entities: list[Record], quotes: list[Record], provenance: Mapping[str, str]) -> tuple[list[Record], list[Record]]:
    """A silver layer's `chains` (ids c1.. in order of first mention) and its quotes with each speaker's chain."""
    quotes = resolve_role_speakers(entities, quotes)
    found = find_chains(text, entities, (q["speaker"]["entity"] for q in quotes if q["speaker"]["entity"]))
    chains = [{"id": f"c{n}", "name": chain.name, "entities": chain.entities, "provenance": dict(provenance)} for n, chain in enumerate(found, 1)]
    chain_of = {entity_id: chain["id"] for chain in chains for entity_id in chain["entities"]}
    return chains, [{**q, "speaker": {**q["speaker"], "chain": chain_of.get(q["speaker"]["entity"] or "")}} for q in quotes]
