"""Lexicons for pre-annotation: shipped data files, Babel's CLDR names, and the gold layer.

Every entry is stored in its matching form (`text.normalize`). Nothing here
names an entity of a particular article: places and organisations come from
CLDR (territories, time-zone cities) and from curated lists of well-known
Arab-world names; the gold layer adds whatever reviewers have annotated.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import babel

from qawl.annotate.text import normalize
from qawl.jsonfile import read_json_file

DATA = resources.files("qawl.annotate") / "data"
# Time-zone exemplar cities that are also ordinary Arabic words or not cities.
_CITY_STOPLIST = frozenset(
    normalize(w)
    for w in ["ماهي", "سنتر", "كناري", "العيون", "مدينة غير معروفة", "حي الأمير السفلي", "ترك", "بلم", "ثيل"]
)
# CLDR "territories" that are organisations: the European Union, the Eurozone, the United Nations.
ORG_TERRITORIES = frozenset({"EU", "EZ", "UN"})
BABEL_LOCALES = ("ar", "ar_IQ", "ar_MA", "ar_DZ", "ar_TN")

# Word forms each per-form cache here keeps (its features, its readings without clitics): bounded,
# so that a worker's memory stays flat while a corpus keeps meeting new words; a few MB each when full.
WORD_CACHE_SIZE = 1 << 15


@lru_cache(maxsize=WORD_CACHE_SIZE)
def variants(word: str) -> tuple[tuple[int, str], ...]:
    """(offset, form) of a word with proclitics removed: و ف, then ب ك ل (لل → ال)."""
    if len(word) <= 3 or word[0] not in "وفبكل":  # most words: no proclitic to read off
        return ((0, word),)
    out = [(0, word)]
    if len(word) > 3 and word[0] in "وف":
        out.append((1, word[1:]))
    for offset, form in list(out):
        if len(form) > 3 and form[0] in "بكل":
            out.append((offset + 1, "ا" + form[1:] if form.startswith("لل") else form[1:]))
    return tuple(out)


def _lines(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _json(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def norm_words(phrase: str) -> tuple[str, ...]:
    """The matching form of a phrase, as a tuple of words."""
    return tuple(normalize(phrase).replace('"', " ").split())


@dataclass
class Gazetteer:
    """Multi-word names indexed by their first word; longest entry first."""

    index: dict[str, list[tuple[tuple[str, ...], str, frozenset[str]]]] = field(default_factory=dict)
    # Counts changes, so that caches of lookups know when they are stale.
    revision: int = 0

    def add(self, phrase: str, label: str, docs: Iterable[str] = ()) -> None:
        """Add a name; `docs` are the documents whose gold layer it came from."""
        words = norm_words(phrase)
        if not words:
            return
        self.revision += 1
        entries = self.index.setdefault(words[0], [])
        for i, (rest, old_label, old_docs) in enumerate(entries):
            if rest == words[1:] and old_label == label:
                entries[i] = (rest, label, old_docs | frozenset(docs))
                return
        entries.append((words[1:], label, frozenset(docs)))
        entries.sort(key=lambda entry: -len(entry[0]))

    def learn_gold(self, annotations_dir: Path) -> None:
        """Add every gold name of the layers `annotations_dir/*.json`, with the document it is gold in.

        Dates are left to the date patterns: a gold الخميس is not a name, and as one it would cut
        فجر الخميس elsewhere to its last word."""
        for text, label, doc_id in gold_entities(annotations_dir):
            if label != "DATE":
                self.add(text, label, [doc_id])

    def entries(self) -> list[tuple[str, str, list[str]]]:
        """All (phrase, label, docs) entries, for serialisation."""
        return sorted(
            (" ".join((first, *rest)), label, sorted(docs))
            for first, items in self.index.items()
            for rest, label, docs in items
        )


def babel_names() -> list[tuple[str, str]]:
    """(name, label) from CLDR: territories (GPE; numeric regions LOC) and cities (GPE)."""
    names: list[tuple[str, str]] = []
    for locale_id in BABEL_LOCALES:
        locale = babel.Locale.parse(locale_id)
        for code, name in locale.territories.items():
            label = "ORG" if code in ORG_TERRITORIES else "LOC" if code.isdigit() else "GPE"
            names.append((name, label))
    for zone in babel.Locale("ar").time_zones.values():
        city = zone.get("city")
        if city and len(normalize(city)) >= 4 and normalize(city) not in _CITY_STOPLIST:
            names.append((city, "GPE"))
    return names


def territory_nisba_stems() -> set[str]:
    """The stems that the nisba endings attach to, of the one-word CLDR country names: the name without its article
    and its final ا or يا (بولندا → بولندي، البولندية; الأرجنتين → الأرجنتيني). A stem of three letters that is an
    ordinary word of the dictionary is left out: its nisba would be an ordinary word too (باني 'builder', from بنما's
    بان; كوبي). Longer stems in the dictionary are the country names it lists (برازيل، صومال)."""
    ordinary = ordinary_words()
    stems = set()
    for code, name in babel.Locale("ar").territories.items():
        words = norm_words(name)
        if code.isdigit() or code in ORG_TERRITORIES or len(words) != 1:
            continue
        word = words[0].removeprefix("ال")
        stem = word[:-2] if word.endswith("يا") else word.removesuffix("ا")
        if len(stem) >= 4 or (len(stem) == 3 and stem not in ordinary.nouns and stem not in ordinary.verbs):
            stems.add(stem)
    return stems


def babel_months_and_days() -> tuple[list[str], list[str]]:
    """Month names (Gregorian in all Arabic conventions) and weekday names from CLDR."""
    months: set[str] = set()
    days: set[str] = set()
    for locale_id in BABEL_LOCALES:
        locale = babel.Locale.parse(locale_id)
        months.update(locale.months["format"]["wide"].values())
        days.update(locale.days["format"]["wide"].values())
    return sorted(months, key=len, reverse=True), sorted(days)


@lru_cache(maxsize=1)
def static_gazetteer() -> Gazetteer:
    """Babel's CLDR names, the curated gazetteer file, and the GeoNames cities (`city_names`) not named by either."""
    gazetteer = Gazetteer()
    for name, label in babel_names():
        gazetteer.add(name, label)
    for line in _lines("gazetteer.tsv"):
        label, name = line.split("\t")
        gazetteer.add(name, label)
    for name in city_names():
        words = norm_words(name)
        if not any(rest == words[1:] for rest, _, _ in gazetteer.index.get(words[0], ())):
            gazetteer.add(name, "GPE")
    return gazetteer


def city_names() -> list[str]:
    """The city names of `cities.tsv` (GeoNames, scripts/city_gazetteer.py) that cannot be read as an ordinary
    word: a one-word name is left out when it has fewer than four letters, or when it, or it read without its
    article or a proclitic, is a noun, adjective or verb of the dictionary (الخميس، الجزيرة، كابل), a given
    name, a title, or a function word (بانه: ب + أنه)."""
    return [name for name, reading in _city_readings() if reading == "name"]


@lru_cache(maxsize=1)
def cities_read_as_words() -> frozenset[str]:
    """The one-word city names of `cities.tsv` (matching form) that `city_names` leaves out only because they read as
    a noun, adjective or verb of the dictionary (قابس، سرت، تعز): places where the context says so."""
    return frozenset(norm_words(name)[0] for name, reading in _city_readings() if reading == "dictionary word")


def _city_readings() -> list[tuple[str, str]]:
    """Each name of `cities.tsv` with how it reads: "name", "dictionary word" (one word of three letters or more
    that the dictionary has), or "other word" (a given name, title, function word, or too short)."""
    lex, ordinary = lexicons(), ordinary_words()
    other_words = lex.given_names | lex.stopwords | lex.titles | lex.org_heads | lex.nisba | frozenset(cue_forms())
    readings_of_names = []
    for line in _lines("cities.tsv"):
        name = line.split("\t")[1]
        words = norm_words(name)
        reading = "name"
        if words[0] in lex.stopwords:
            reading = "other word"  # ان بو، ام ...: a name opening with a function word
        elif len(words) == 1:
            word = words[0]
            stem = word[2:] if word.startswith("ال") else word
            readings = {stem, *(form for _, form in variants(word))}  # بانه is also ب + أنه
            if len(stem) < 3 or not other_words.isdisjoint(readings):
                reading = "other word"
            elif not (ordinary.nouns.isdisjoint(readings) and ordinary.verbs.isdisjoint(readings)):
                reading = "dictionary word"
            elif len(stem) < 4:
                reading = "other word"
        readings_of_names.append((name, reading))
    return readings_of_names


def gold_entities(annotations_dir: Path) -> list[tuple[str, str, str]]:
    """(text, label, doc_id) of every entity in the gold layers `annotations_dir/*.json`."""
    found = []
    for path in sorted(annotations_dir.glob("*.json")):
        layer, problems = read_json_file(path)  # never opens a FIFO; the build reports the problems
        if problems or not isinstance(layer, dict) or "entities" not in layer:
            continue
        doc_id = str(layer.get("doc_id", path.stem))
        try:
            found += [(e["text"], e["label"], doc_id) for e in layer["entities"] if e.get("provenance", {}).get("status") == "gold"]
        except (AttributeError, KeyError, TypeError):
            continue  # a layer the build refuses (its schema problems are reported) teaches nothing
    return found


@dataclass(frozen=True)
class Lexicons:
    """Word lists in matching form, loaded once per process."""

    given_names: frozenset[str]  # with the word-like ones
    word_like_given_names: frozenset[str]  # also frequent ordinary words (أمل، سعيد): a name only in context
    titles: frozenset[str]
    org_heads: frozenset[str]
    stopwords: frozenset[str]
    nisba: frozenset[str]
    months: tuple[str, ...]
    days: tuple[str, ...]
    cues: dict[str, Any]
    n2_heads: frozenset[str]
    adjective_heads: frozenset[str]
    complement_heads: frozenset[str]  # a definite head with adjectives names an organisation only with its لـ complement
    complement_org_heads: frozenset[str]  # open an organisation name only with a complement (مركز الخليج للدراسات)
    descriptors: frozenset[str]  # left outside a name used alone (حركة حماس → حماس)
    organisation_adjectives: frozenset[str]
    facilities: frozenset[str]
    facility_adjectives: frozenset[str]
    place_heads: dict[str, str]  # class noun before a place name → unit, municipality or settlement


def _norm_set(words: Iterable[str]) -> frozenset[str]:
    return frozenset(normalize(w) for w in words)


# Titles whose feminine is another noun: محافظة is the province, مؤسسة an institution.
OTHER_FEMININE = frozenset({"محافظ", "مءسس"})


def title_forms(words: frozenset[str]) -> frozenset[str]:
    """Every title as listed, a definite one also without its article (الناقد، ناقد: definite before a
    name, indefinite before its complement, نقيب الممثلين) and in the dual (النائبان), each in the
    feminine too (المديرة، مديرة)."""
    forms = set(words)
    for word in words:
        definite = word.startswith("ال") and len(word) > 4
        base = word[2:] if definite else word
        if len(base) < 3:
            continue
        variants = [base, word, "ال" + base + "ان"] if definite else [base]
        forms |= set(variants)
        if not base.endswith("ه") and base not in OTHER_FEMININE:
            forms |= {base + "ه", *(("ال" + base + "ه",) if definite else ())}
    return frozenset(forms)


@lru_cache(maxsize=1)
def lexicons() -> Lexicons:
    """The shipped word lists, normalised."""
    nisba = _json("nisba.json")
    stems = {normalize(s) for s in nisba["stems"]} | territory_nisba_stems()
    endings = [normalize(e) for e in nisba["endings"]]
    forms = {s + e for s in stems for e in endings}
    # the accusative (عراقياً، إيرانياً), which a country's name in يا also has (تركيا، سوريا): never that name
    countries = {words[0].removeprefix("ال") for name, _ in babel_names() if len(words := norm_words(name)) == 1}
    forms |= {s + "يا" for s in stems} - countries
    forms |= {normalize(w)[2:] if normalize(w).startswith("ال") else normalize(w) for w in nisba["words"]}
    months, days = babel_months_and_days()
    institutions = _json("institutions.json")
    word_like_given_names = _norm_set(_lines("given_names_common.txt"))
    return Lexicons(
        n2_heads=frozenset(normalize(w).removeprefix("ال") for w in institutions["n2_heads"]),  # matched after the article
        adjective_heads=_norm_set(institutions["definite_adjective_heads"]),
        complement_heads=_norm_set(institutions["definite_complement_heads"]),
        complement_org_heads=_norm_set(institutions["complement_org_heads"]),
        descriptors=_norm_set(institutions["descriptors"]),
        organisation_adjectives=_norm_set(institutions["organisation_adjectives"]),
        facilities=_norm_set(institutions["facilities"]),
        facility_adjectives=_norm_set(institutions["facility_adjectives"]),
        place_heads={normalize(head): kind for kind, heads in institutions["place_heads"].items() if kind != "_doc" for head in heads},
        given_names=_norm_set(_lines("given_names.txt")) | word_like_given_names,
        word_like_given_names=word_like_given_names,
        titles=title_forms(_norm_set(_lines("titles.txt"))),
        org_heads=_norm_set(_lines("org_heads.txt")),
        stopwords=_norm_set(_lines("stopwords.txt")),
        nisba=frozenset(forms),
        months=tuple(normalize(m) for m in months),
        days=tuple(normalize(d) for d in days),
        cues=_json("cues.json"),
    )


def verb_forms(past: Iterable[str], present: Iterable[str]) -> set[str]:
    forms: set[str] = set()
    for p in map(normalize, past):
        base = p[:-1] if p[-1] in "يا" else p
        forms |= {p, base + "ت", base + "وا"}
    for f in map(normalize, present):
        fem = "ت" + f[1:]
        forms |= {f, fem}
        if f[-1] not in "يو":
            forms |= {f + "ون", fem + "ان", f + "ان"}
    return forms


def _adverbial_forms(stems: Iterable[str]) -> set[str]:
    return {a + suffix for a in map(normalize, stems) for suffix in ("ا", "ه", "ين")}


@lru_cache(maxsize=1)
def cue_forms() -> dict[str, str]:
    """Every reporting-cue word form in matching form → "verb" or "adverbial"."""
    cues = lexicons().cues
    forms = {f: "verb" for f in verb_forms([*cues["past"], *cues["b_object"]], cues["present"])}
    forms.update({f: "adverbial" for f in _adverbial_forms(cues["adverbial"])})
    return forms


# The dictionary of ordinary Arabic words: Arramooz (arramooz-pysqlite on PyPI, GPL-3.0; see the
# README), installed with qawl and read from its package data, never downloaded at run time.
ORDINARY_DICTIONARY = ("arramooz", "data/arabicdictionary.sqlite")
# Imperfect prefixes (he, she/you, we, I) and the future particle before them.
IMPERFECT_PREFIXES = ("ي", "ت", "ن", "ا")


@dataclass(frozen=True)
class OrdinaryWords:
    """Common nouns, adjectives and verbs of Arabic, in matching form, without proclitics or article."""

    nouns: frozenset[str]  # singular, feminine and plural forms of nouns and adjectives
    verbs: frozenset[str]  # perfect and imperfect forms of verbs
    verbal_nouns: frozenset[str]  # the masdars among the nouns (احترام، توحيد، رئاسة)


def _noun_forms(word: str, feminable: bool, masculine_plural: bool, feminine_plural: bool, broken_plurals: str) -> set[str]:
    """A noun or adjective (matching form) with the feminine and plural forms its dictionary entry allows."""
    forms = {word}
    stem = word[:-1] if word.endswith("ه") else word
    if feminable:
        forms.add(stem + "ه")
    if masculine_plural:
        forms |= {stem + "ون", stem + "ين"}
    if feminine_plural:
        forms.add(stem + "ات")
    for plural in filter(None, broken_plurals.split(";")):
        forms.add(plural[2:] if plural.startswith("ال") else plural)
    return forms


def _normalized_column(values: list[str]) -> list[str]:
    """`normalize` of each value, in one call (the values hold no newline)."""
    return normalize("\n".join(values)).split("\n")


def _imperfect_stem(past: str, root: str) -> str:
    """The imperfect stem after the prefix, approximated from the perfect: أعلن → علن (يعلن), انتهى → نتهي
    (ينتهي), زار → زور (يزور, from the root of a hollow verb), كتب → كتب (يكتب)."""
    if len(past) >= 4 and past[0] == "ا":  # forms IV, VII, VIII, X lose their first alef
        past = past[1:]
    elif len(past) == 3 and past[1] == "ا" and len(root) == 3:  # hollow: the root's middle letter
        past = root
    return past[:-1] + "ي" if past.endswith("ي") else past[:-1] + "و" if past.endswith("ا") else past


def _verb_forms(past: str, root: str) -> set[str]:
    """The frequent perfect and imperfect forms of a verb: قال قالت قالوا، يقول تقول نقول سيقول يقولون يقولان."""
    base = past[:-1] if past[-1] in "يا" else past
    forms = {past, base + "ت", base + "وا"}
    stem = _imperfect_stem(past, root)
    for prefix in IMPERFECT_PREFIXES:
        forms |= {prefix + stem, "س" + prefix + stem}
    forms |= {prefix + stem + suffix for prefix in ("ي", "ت", "سي", "ست") for suffix in ("ون", "ان")}
    return forms


def read_ordinary_words(dictionary: Path) -> OrdinaryWords:
    """The nouns (proper names left out) and verbs of an Arramooz dictionary file, with their inflected forms."""
    import sqlite3  # only the first call pays for it; pre-annotation loads the dictionary once per process

    nouns: set[str] = set()
    verbs: set[str] = set()
    with sqlite3.connect(f"file:{dictionary}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            "SELECT unvocalized, feminable, masculin_plural, feminin_plural, broken_plural, category FROM nouns"
            " WHERE category NOT LIKE '%علم%'"  # علم: proper names (places, months, people)
        ).fetchall()
        verb_rows = connection.execute("SELECT unvocalized, root FROM verbs").fetchall()
    words, broken = _normalized_column([r[0] for r in rows]), _normalized_column([r[4] or "" for r in rows])
    verbal_nouns = frozenset(word for word, row in zip(words, rows) if row[5] == "مصدر")
    for word, (_, feminable, masculine_plural, feminine_plural, _, _), plurals in zip(words, rows, broken):
        nouns |= _noun_forms(word, feminable, masculine_plural, feminine_plural, plurals)
    pasts, roots = _normalized_column([r[0] for r in verb_rows]), _normalized_column([r[1] or "" for r in verb_rows])
    for past, root in zip(pasts, roots):
        verbs |= _verb_forms(past, root)
    return OrdinaryWords(frozenset(filter(None, nouns)), frozenset(filter(None, verbs)), verbal_nouns)


@lru_cache(maxsize=1)
def ordinary_words() -> OrdinaryWords:
    """The ordinary-word lexicon of the installed dictionary (`ORDINARY_DICTIONARY`)."""
    package, name = ORDINARY_DICTIONARY
    with resources.as_file(resources.files(package) / name) as path:
        return read_ordinary_words(path)
