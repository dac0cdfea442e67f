"""Silver entity chains: which entity mentions of one document name the same referent, found by rules.

A pure function over a document's text, entity mentions and quotes (annotation-layer dicts,
document offsets), following the guidelines (§2.12, §3.7):

- a mention joins the chain of an earlier mention with the same label when one name is the
  other, or a contiguous part of it (a short name, a family name after a title: `الأعرجي`
  after `قاسم الأعرجي`), or for a person its given and family name (`فيصل الزهراني` of
  `فيصل بن سعد الزهراني`), compared on matching forms without the article; with several such
  chains, the one whose matching name was mentioned last;
- a definite role noun that is a quote's speaker (`الوزير`، `القيادي في ...`) refers back to the
  last named entity of the label it stands for (a person of the same gender where a title marks it:
  `الوزيرة` passes over a man named `الوزير سامي عواد`), and the quote's speaker becomes that entity;
- DATE and NORP mentions are never chained; a mention named once is a chain of its own only
  when it is a quote's speaker.

A capital standing for its state (`بين بغداد وواشنطن`) is not told apart from the city: it
needs a reading of the sentence, which these rules do not make.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple

from qawl.annotate.lexicon import lexicons
from qawl.annotate.text import normalize
from qawl.merge import UNCHAINED_LABELS

Record = dict[str, Any]

PERSON_ROLES = ("الوزير", "الرئيس", "المتحدث", "الناطق", "القيادي", "المستشار", "السفير", "النائب", "القائد", "الزعيم", "المبعوث", "الأمين")
ORG_ROLES = ("الوزارة", "السفارة", "الحكومة", "الحركة", "المليشيا", "الميليشيا", "الحزب", "الهيئة", "المنظمة", "الجماعة")
# Definite role nouns (matching form) that refer back to a named source → the label of the entity they stand for and,
# for a person, the gender the noun marks ("f": the feminine ة, normalised to ه; "m").
ROLE_NOUNS: Mapping[str, tuple[str, str | None]] = {
    **{normalize(noun): ("PERSON", "m") for noun in PERSON_ROLES},
    **{normalize(noun + "ة"): ("PERSON", "f") for noun in PERSON_ROLES},
    **{normalize(noun): ("ORG", None) for noun in ORG_ROLES},
}
CLAUSE_END = re.compile(r"[.،,؛;:!?؟\n]")
TITLE_REACH = 4  # words before a name among which its title is looked for (وزيرة الصحة العامة ريم حداد)


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


@lru_cache(maxsize=16384)  # names recur within and across documents; normalising is most of the step's cost
def _key(form: str) -> tuple[str, ...]:
    """The words of a name as they are compared: matching forms, without the article."""
    # tuple of a list: faster than of a generator
    return tuple([word.removeprefix("ال") if len(word) > 3 else word for word in normalize(form).split()])


@lru_cache(maxsize=16384)
def _parts(key: tuple[str, ...], label: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(label, part) for every contiguous part of a name's words (a name has a few words: a few parts); and a
    person's given and family name without what stands between them (`فيصل الزهراني` of `فيصل بن سعد الزهراني`).
    With their label, as `find_chains` looks them up."""
    n = len(key)
    parts = [(label, key[i:j]) for i in range(n) for j in range(i + 1, n + 1)]
    if label == "PERSON" and n > 2:
        parts.append((label, (key[0], key[-1])))
    return tuple(parts)


def _role(mention: Mapping[str, Any]) -> tuple[str, str | None] | None:
    """The label (and gender) of the entity a speaker mention refers back to, if it is a role noun that does: the
    noun alone (`الوزير`) or with a membership phrase (`القيادي في مليشيا "النجباء"`); a role noun with another
    complement (`المتحدث باسم الخارجية`) introduces someone rather than refers back."""
    words = normalize(mention["text"]).split()
    role = ROLE_NOUNS.get(words[0]) if words else None
    return role if len(words) == 1 or words[1] == "في" else None


def person_gender(text: str, entity: Mapping[str, Any]) -> str | None:
    """"f" or "m" when a title shortly before a person's name in its clause marks it (`وزيرة التجارة ريم حداد`: f;
    `الوزير سامي عواد`: m), else None: a name alone does not say, nor a title in ة that is no feminine of another
    (`الداعية`، `العمدة`)."""
    clause = CLAUSE_END.split(text[max(0, entity["start"] - TITLE_REACH * 20) : entity["start"]])[-1]
    titles = lexicons().titles
    for word in reversed(normalize(clause).split()[-TITLE_REACH:]):
        title = word if word in titles else word[1:] if word[:1] in "وف" and word[1:] in titles else None
        if title and title.endswith("ه"):
            return "f" if title[:-1] in titles else None
        if title:
            return "m"
    return None


def resolve_role_speakers(text: str, entities: list[Record], quotes: list[Record]) -> list[Record]:
    """`quotes` with each speaker who has no entity but a role-noun mention (`_role`) named by the last entity
    before the mention of the label that role stands for and of a gender that does not differ from the role's. Not
    the speaker of a nested quote (`source`): a role inside another's words is someone the outer speaker reports."""
    roles = [_role(q["speaker"]["mention"]) if q["speaker"]["mention"] and q["speaker"]["entity"] is None and not q.get("source") else None for q in quotes]
    if not any(roles):
        return quotes
    compatible: dict[tuple[str, str | None], list[Record]] = {}  # (label, a role's gender) → the entities it may refer to
    for entity in sorted(entities, key=itemgetter("start")):
        gender = person_gender(text, entity) if entity["label"] == "PERSON" else None
        role_genders = (None,) if entity["label"] != "PERSON" else ("m", "f") if gender is None else (gender,)
        for role_gender in role_genders:
            compatible.setdefault((entity["label"], role_gender), []).append(entity)
    starts = {role: [e["start"] for e in named] for role, named in compatible.items()}
    resolved = []
    for quote, role in zip(quotes, roles):
        speaker = quote["speaker"]
        before = bisect.bisect_left(starts.get(role, []), speaker["mention"]["start"]) if role else 0
        if role and before:
            named = compatible[role][before - 1]
            quote = {**quote, "speaker": {**speaker, "kind": "named", "entity": named["id"]}}
        resolved.append(quote)
    return resolved


def find_chains(text: str, entities: Iterable[Record], speakers: Iterable[str] = ()) -> list[Chain]:
    """The chains of a document's entity mentions, in the order of their first mention; `speakers`:
    ids of entities that are quote speakers, which make a chain even when named once.

    Two indexes keep, per label and name (whole, or any part of one), where it was last mentioned
    and in which chain: a mention costs a few look-ups, however many mentions came before.
    """
    members: list[list[tuple[Record, str]]] = []  # each chain's (entity, its `word_form`)
    wholes: dict[tuple[str, tuple[str, ...]], tuple[int, int]] = {}  # (label, a name) → (where last mentioned, its chain)
    parts: dict[tuple[str, tuple[str, ...]], tuple[int, int]] = {}  # (label, a part of a name) → the same
    for entity in sorted(entities, key=itemgetter("start")):
        label = entity["label"]
        if label in UNCHAINED_LABELS:
            continue
        form = word_form(text, entity)
        key = _key(form)
        if not key:
            continue
        labelled_parts = _parts(key, label)
        found = [f for f in (parts.get((label, key)), *map(wholes.get, labelled_parts)) if f is not None]
        chosen = max(found)[1] if found else len(members)  # the name mentioned last
        if chosen == len(members):
            members.append([])
        members[chosen].append((entity, form))
        wholes[label, key] = here = entity["start"], chosen
        parts.update(dict.fromkeys(labelled_parts, here))
    speaker_ids = set(speakers)
    return [
        Chain(_most_complete([form for _, form in chain]), [e["id"] for e, _ in chain])
        for chain in members
        if len(chain) > 1 or chain[0][0]["id"] in speaker_ids
    ]


def canonical_name(text: str, chain: list[Record]) -> str:
    """The most complete mention as a word: the most words, then the most letters; the first of equals."""
    return _most_complete([word_form(text, entity) for entity in chain])


def _most_complete(forms: list[str]) -> str:
    """`canonical_name` of mentions as words."""
    return max(forms, key=lambda form: (len(form.split()), len(form)))


def chain_layer(text: str, entities: list[Record], quotes: list[Record], provenance: Mapping[str, str]) -> tuple[list[Record], list[Record]]:
    """A silver layer's `chains` (ids c1.. in order of first mention) and its quotes with each speaker's chain."""
    quotes = resolve_role_speakers(text, entities, quotes)
    found = find_chains(text, entities, (q["speaker"]["entity"] for q in quotes if q["speaker"]["entity"]))
    chains = [{"id": f"c{n}", "name": chain.name, "entities": chain.entities, "provenance": dict(provenance)} for n, chain in enumerate(found, 1)]
    return chains, with_speaker_chains(quotes, chains)


def with_speaker_chains(quotes: list[Record], chains: list[Record]) -> list[Record]:
    """`quotes` with each speaker's `chain`: the chain of its entity, or null."""
    chain_of = {entity_id: chain["id"] for chain in chains for entity_id in chain["entities"]}
    return [{**q, "speaker": {**q["speaker"], "chain": chain_of.get(q["speaker"]["entity"] or "")}} for q in quotes]
