"""Entity pre-annotation: gazetteers and contextual patterns, as the spaCy component "qawl_entities".

Sources, strongest first: the gold layer (names reviewers annotated in other
documents), dates, quoted organisation names, CLDR and curated gazetteers,
organisation heads (وزارة، حزب، مجلس ...), titles and given names before person
names, and nisba adjectives (عراقي، الأمريكية) as NORP. Matching runs on the
normalised text and tolerates proclitics (و ف ب ك ل لل); spans map back to the
original text and leave the proclitic outside.
"""

from __future__ import annotations

import bisect
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from qawl.annotate.lexicon import (
    WORD_CACHE_SIZE,
    Gazetteer,
    _norm_set,
    cities_read_as_words,
    cue_forms,
    lexicons,
    ordinary_words,
    static_gazetteer,
    variants,
)
from qawl.annotate.text import NormText

if not Doc.has_extension("qawl_entities"):
    Doc.set_extension("qawl_entities", default=None)
if not Doc.has_extension("qawl_doc_id"):
    Doc.set_extension("qawl_doc_id", default="")


def doc_value(doc: Doc, name: str) -> Any:
    """`doc._.<name>`, read from where spaCy keeps it: building the `doc._` proxy on every
    access costs more than the components spend on a short document."""
    return doc.user_data.get(("._.", name, None, None))


def set_doc_value(doc: Doc, name: str, value: Any) -> None:
    """`doc._.<name> = value`, without the `doc._` proxy (see `doc_value`)."""
    doc.user_data[("._.", name, None, None)] = value


def doc_text(doc: Doc) -> str:
    """`doc.text`, computed once per doc (spaCy rebuilds it from the tokens on each access)."""
    text = doc.user_data.get("qawl_text")
    if text is None:
        text = doc.user_data["qawl_text"] = doc.text
    return text


def doc_norm(doc: Doc) -> NormText:
    """The matching form of `doc_text(doc)`, computed once per doc and shared by the components."""
    nt = doc.user_data.get("qawl_norm")
    if nt is None:
        nt = doc.user_data["qawl_norm"] = NormText.of(doc_text(doc))
    return nt


WORD = re.compile(r"\w+")
QUOTED = re.compile(r'"([^"\n]{2,90})"')
# A quoted name after the preposition ل: the outlet of قال لـ«...». The lookbehind (no word
# character before ل) comes after the ل: a literal first lets `re` skip ahead to each ل.
OUTLET = re.compile(r'ل(?<!\wل)\s*"([^"\n]{2,40})"')
# A dateline opens an article: place, an optional (agency), a dash, then the outlet or the
# byline up to the end of the line or the first verb ("بغداد - «X» قال", "عمان (رويترز) -");
# or place, a slash and the outlet up to a dash or a colon ("بغداد/ شفق نيوز-").
DATELINE = re.compile(
    r'\s*(?P<place>\w+(?: \w+)?)\s*(?:\((?P<agency>[^()\n]{1,30})\)\s*)?(?:[-–—]|/\s*(?P<slashed>[^-–—:\n"/]{2,30}?)\s*[-–—:])'
    r'\s*(?:"(?P<quoted>[^"\n]{2,40})"|\((?P<agency_after>[^()\n]{1,30})\))?'
)
# A short name in parentheses, two words at most: the abbreviation of the organisation before it (§2.5).
ABBREVIATION = re.compile(r"[(\"]\s*([^\W\d]+(?: [^\W\d]+)?)\s*[)\"]")  # (كونا)، «واع»
UNNAMED_AGENCIES = frozenset({"وكالات"})  # بغداد - (وكالات): wire copy from several agencies, none named
DATELINE_NAME_WORDS = 4
# Tiers decide conflicts before length does: gold names beat everything, a dateline or a quoted
# outlet beats the gazetteer names and dates inside an outlet's name (الغد العراقي، لـ«المصري اليوم»).
TIER_GOLD, TIER_DATELINE, TIER_DATE, TIER_RULE = 0, 1, 2, 3
ILA = "الي"  # إلى, normalised: it looks definite
# Particles of European family names (فان دير بيرغ، دي ميستورا): the family name comes back with them.
FAMILY_PARTICLES = frozenset({"فان", "دير", "دي", "فون", "دو", "دا", "ديل"})
PLACE_PREPOSITIONS = frozenset({"في", "الي", "من", "قباله", "قرب", "نحو", "داخل"})  # normalised (إلى، قبالة)
CLAUSE_MARKS = frozenset(".،,؛:")
SHORT_WORD = 2  # letters of a month name (آب) that alone is another word too
MAX_NAME_WORDS = 4  # words of a person name, not counting the connectors
# Words that join the parts of an Arab name (بن، أبو، عبد، آل): the next word belongs to the name.
NAME_CONNECTORS = frozenset({"بن", "ابن", "ابو", "عبد", "ال", "ولد"})  # ولد: "son of" in Mauritanian names
CONNECTOR_FORMS = NAME_CONNECTORS | {clitic + c for c in NAME_CONNECTORS for clitic in "وف"}  # also وعبد
NASAB = frozenset({"بن", "ابن"})
NASAB_WORDS = NASAB | {"ولد"}  # ولد: "son of" in Mauritanian names
# Second words of compound given names (نور الدين، نصر الله، عبد الرحمن): definite, and yet not the family name.
COMPOUND_NAME_ENDS = frozenset({"الدين", "الله", "الرحمن", "الاسلام", "الحق"})
MAX_NAME_SPAN = 2 * MAX_NAME_WORDS  # words of a person name, connectors included
# Prepositions inside a role phrase, each followed by one word of it (المبعوث إلى السودان).
ROLE_PREPOSITIONS = frozenset({"في", "الي", "لدي", "عن"})
ROLE_WINDOW = 9  # words from a title to the end of its role phrase
NISBA_SHAPED = frozenset({"الذي", "التي", "الذين", "اللذين", "اللتين", "الي"})  # relative pronouns and إلى, normalised
# Spellings that the matching form folds together, told apart in the original: the name علي (final ي)
# and the preposition على (final ى); a word that opens with إل or أل, which is never the article (إلياس، ألستوم).
# Literal first (a search for a literal is fast); where the word begins is checked on each match.
NAME_ALI = re.compile(r"علي(?!\w)")
HAMZA_AL = re.compile(r"[إأ]ل(?!ى(?!\w))")  # not إلى
# باسم: "in the name of" before an organisation (المتحدث باسم الوزارة), the given name Basim before a family name.
GOVERNOR = re.compile(r"(?<!\w)[وفل]?محافظ (?=\w)")  # محافظ X: the governor of the governorate X
# festivals, conferences, forums, tournaments, seasons (normalised: مؤتمر → مءتمر)
EVENT_HEAD = re.compile(r"(?<!\w)[وفبل]?(?P<head>(?:ال)?(?:مهرجان|مءتمر|ملتقي|منتدي|بطوله|موسم))(?!\w)")
PRESS = frozenset({"الصحفي", "الصحافي"})  # المؤتمر الصحفي: a press conference, no named event
ANNA = re.compile(r"[وف]?[بلك]?ان(?:ه|ها|هم|هما|هن|ني|نا|ك|كم)?$")  # أنّ with a preposition and a pronoun (بأنه، لأنها), normalised
CLAUSE_PARTICLES = frozenset({"لن", "لم", "لا", "قد", "لقد", "سوف", "ليس"})  # words of a sentence, never of a name
PRONOUN_SUFFIXES = frozenset({"ها", "هم", "نا"})
OBJECT_SUFFIXES = ("ها", "هم")  # "her", "their": no family name ends so (رفعت جاهزيتها)
BASIM = re.compile(r"باسم (?=\w)")
# Plural heads that name no organisation before one common noun (قوات الاحتلال، فصائل المقاومة: §2.7), but do
# before a longer name or one that is no ordinary word (قوات الدعم السريع، قوات البيشمركة).
GROUP_HEADS = frozenset({"قوات", "فصاءل"})
COINED_NAME_WORDS = 4  # words of a coined or foreign name (غولدمان ساكس، أورسولا فون دير لاين)
CORRESPONDENTS = frozenset({"مراسل", "مراسله", "مراسلو", "مراسلي", "مندوب"})  # مراسل «X»: the outlet X
NON = "غير"  # before a definite adjective, a negated adjective of the name (الهجرة غير الشرعية)
CLUB_HEADS = frozenset({"فريق", "نادي"})  # before a sports club's name
AVIATION = "طيران"  # an organisation head before a place's name only (طيران الإمارات)
AIRWAYS = ("خطوط", "الجويه")  # الخطوط الجوية + nisba: an airline (normalised)
SPORTS_ADJECTIVES = frozenset({"الرياضي", "الرياضيه"})  # after a club's name (الرجاء الرياضي)
CLUB_ADJECTIVES = frozenset({"الاهلي", "الثقافي"})  # after the name of a club named with نادي (نادي الرستاق الأهلي)
MOVEMENT = "حركه"  # a movement (حركة النهضة), or the movement of traffic and goods (حركة المرور)
TRAFFIC = _norm_set(  # what حركة also moves: no organisation then (حركة السير، حركة الحاويات)
    "سير مرور ملاحة نقل تجارة طيران حاويات شاحنات سفن بضائع مسافرين ركاب قطارات سيارات سياحة أسواق أسعار بيع شراء عبور".split()
)
DIRECTIONS = frozenset({"الشرقيه", "الغربيه", "الشماليه", "الجنوبيه", "الوسطي"})  # after a region head (المنطقة الشرقية), normalised
DETERMINERS = frozenset({"اي", "ايه", "كل"})  # أي، أية، كل (normalised): a class noun after them names nothing
LED_BY = frozenset({"بقياده", "وبقياده"})  # "led by" (التحالف بقيادة واشنطن): a locating modifier, no organisation head (§2.6)


class Mention(NamedTuple):
    """An entity candidate or result: [start, end) and label."""

    start: int
    end: int
    label: str


GazetteerEntry = tuple[tuple[str, ...], str, frozenset[str]]


class WordFeatures(NamedTuple):
    """What the rules need to know about one word form (in matching form); cached per form."""

    gold: tuple[tuple[int, list[GazetteerEntry]], ...]  # readings that start a gold name
    static: tuple[tuple[int, list[GazetteerEntry]], ...]  # readings that start a CLDR/curated name
    org_head: int | None  # offsets (after proclitics) of the lexicon readings, or None
    institution: tuple[int, bool, bool, bool] | None  # definite head: offset, N2 head?, adjective head?, a complement needed?
    facility: int | None
    place: tuple[int, str] | None  # a class noun before a place name: offset, kind (`Lexicons.place_heads`)
    city_word: int | None  # offset of a city's name that is also a dictionary word (قابس، سرت)
    club: int | None  # offset of فريق or نادي before a club's name
    reporting_verb: bool  # a verb of saying (قال، وأكدت), before its subject
    name_start: int | None  # a given name, or عبد/ابو (offset 0)
    title: bool
    title_definite: bool  # the title reading carries the article (الوالي, not والي read as و + الي)
    nisba: int | None
    date_start: bool  # may begin a date expression
    namey: bool  # may be part of a person name
    definite: bool  # carries the article behind its proclitics (الدفاع، والدفاع، للشغل)
    known: bool  # is a one-word CLDR or curated name as it stands (not كلاوس read as ك + لاوس)
    trigger: bool  # can a rule start at this word?


class _FeatureTable(dict[str, WordFeatures]):
    """Word form → its `WordFeatures`, computed on first lookup (so that a text's words
    are looked up in one `map`)."""

    def __init__(self, compute: Callable[[str], WordFeatures]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, word: str) -> WordFeatures:
        features = self[word] = self.compute(word)
        return features


@dataclass(frozen=True)
class _Words:
    """The words of a normalised text: forms, [start, end) offsets, gaps before them, features."""

    norm: str
    texts: list[str]
    starts: list[int]
    ends: list[int]
    gaps: list[str]  # gaps[j]: what precedes word j
    features: list[WordFeatures]

    def adjacent(self, i: int) -> bool:
        """Is only whitespace between word i and word i + 1?"""
        return not self.gaps[i + 1].strip()

    def hyphenated(self, i: int) -> bool:
        """Are words i and i + 1 joined by a hyphen (جان-لوك)?"""
        return self.gaps[i + 1] == "-"


@lru_cache(maxsize=WORD_CACHE_SIZE)
def bare(word: str) -> str:
    """The word without proclitics and article (matching form)."""
    return _bare_form(variants(word)[-1][1])


def _bare_form(form: str) -> str:
    """The last of a word's `variants` without its article."""
    return form[2:] if form.startswith("ال") and len(form) > 4 else form


@lru_cache(maxsize=WORD_CACHE_SIZE)
def spellings(word: str) -> frozenset[str]:
    """The word as written after its proclitics: و ف, then ب ك ل (وللحداد for الحداد), itself included;
    `variants` reads them back."""
    lam = ("لل" + word[2:],) if word.startswith("ال") else ()
    return frozenset(p + form for form in (word, "ب" + word, "ك" + word, "ل" + word, *lam) for p in ("", "و", "ف"))


def first_reading(readings: tuple[tuple[int, str], ...], lexicon: frozenset[str]) -> int | None:
    """Offset of the first of a word's `variants` (itself, then without proclitics) found in `lexicon`."""
    for offset, form in readings:
        if form in lexicon:
            return offset
    return None


def nisba_offset(readings: tuple[tuple[int, str], ...], nisba: frozenset[str]) -> int | None:
    """Offset of a nisba (عراقي، والأمريكية) in a word, given its `variants`, after its proclitics, or None."""
    for offset, form in reversed(readings):
        stem = form[2:] if form.startswith("ال") else form
        if stem in nisba or form in nisba:
            return offset
    return None


class DateRegexes(NamedTuple):
    """`dates` finds date expressions; `starts_date` accepts every word that can begin one."""

    dates: re.Pattern[str]
    leads: frozenset[str]  # the words that begin a pattern, after و ف then ب ل or none

    def starts_date(self, word: str) -> bool:
        """Can a date begin at this word: one of `leads`, or a digit after و ف, ب ل and the article (وبال2026)?"""
        if word in self.leads:
            return True
        at = 1 if word[:1] in ("و", "ف") else 0  # each clitic taken when there: no letter of a later one could be it
        if word[at : at + 1] in ("ب", "ل"):
            at += 1
        if word.startswith("ال", at):
            at += 2
        return word[at : at + 1].isdecimal()  # what \d matches


def _not_inside(mentions: list[Mention], wholes: list[tuple[int, int]]) -> list[Mention]:
    """The `mentions` (in text order) that no longer span of `wholes` (sorted) contains, in one sweep."""
    kept, k, reach = [], 0, -1  # reach: the furthest end of the wholes that start before the mention
    for m in mentions:
        while k < len(wholes) and wholes[k][0] < m.start:
            reach = max(reach, wholes[k][1])
            k += 1
        longest_here = bisect.bisect_right(wholes, (m.start, sys.maxsize)) - 1  # the longest whole starting with it
        if reach < m.end and not (longest_here >= k and wholes[longest_here][1] > m.end):
            kept.append(m)
    return kept


def _date_regexes() -> DateRegexes:
    lex = lexicons()
    month = "|".join(map(re.escape, lex.months))
    day = "|".join(map(re.escape, lex.days))
    rel = r"(?:الحالي|الماضي|المقبل|الجاري|القادم|المنصرم)"
    unit = r"(?:العام|الشهر|الاسبوع|السنه|الاسابيع|الايام|الاشهر)"
    day_part = r"(?:يوم|امس|مساء|صباح|ليله|ليل|فجر|ظهر|عصر)"
    year_head = r"(?:عام|العام|سنه|مطلع|منتصف|اواخر|نهايه|بدايه)"
    number_word = r"(?:ثلاثه|اربعه|خمسه|سته|سبعه|ثمانيه|تسعه|عشره|ثلاث|اربع|خمس|ست|سبع|ثماني|تسع|عشر)"
    ordinal = r"(?:الاول|الثاني|الثالث|الرابع|الخامس|السادس|السابع|الثامن|التاسع|العاشر)"
    day_ordinal = rf"(?:{ordinal}|الحادي|الثاني)(?:\s+عشر)?|(?:{ordinal}\s+و)?(?:العشرين|الثلاثين)"
    season = r"(?:الصيف|الشتاء|الربيع|الخريف)"
    holiday = r"عيد\s+(?:الفطر|الاضحي|الميلاد|الفصح|الاستقلال)|المولد\s+النبوي"
    plural_unit = r"(?:الاشهر|الاسابيع|الايام|السنوات)"
    dual_unit = r"(?:اليومين|الاسبوعين|الشهرين|العامين|السنتين)"
    dual_rel = r"(?:الماضيين|المقبلين|القادمين|الاخيرين|الماضيتين|المقبلتين|الاخيرتين)"
    indefinite_season = r"(?:صيف|شتاء|ربيع|خريف)"  # before a year only: ربيع is also a given name
    # Hijri months, only after a day number (رمضان and رجب are also given names).
    hijri = "محرم|صفر|ربيع الاول|ربيع الاخر|ربيع الثاني|جمادي الاولي|جمادي الاخره|رجب|شعبان|رمضان|شوال|ذو القعده|ذو الحجه"
    day_of_month = rf"(?:\d{{1,2}}\s*(?:الي|-)\s*)?\d{{1,2}}\s+(?:{hijri}|{month})(?:\s+\d{{4}}(?:\s*ه(?!\w))?)?"
    patterns = [
        rf"(?:(?:ال\s*)?\d{{1,2}}\s*(?:من\s+)?|شهر\s+)?(?:{month})(?:\s*/\s*(?:{month}))?"
        rf"(?:\s+(?:من\s+)?(?:عام\s+)?\d{{4}}|\s+{rel})?",
        day_of_month,
        rf"(?:ال\s*)?\d{{1,2}}\s+من\s+(?:الشهر|العام)\s+{rel}",
        rf"(?:{day_part}\s+)?(?:(?:اليوم|امس)\s+)?(?:{day})(?:\s+(?:الماضي|المقبل|القادم))?(?:\s+{day_of_month})?",
        rf"{unit}\s+{rel}",
        rf"{year_head}\s+(?:(?:عام|سنه)\s+)?(?:\d{{4}}|{unit}(?:\s+{rel})?)",  # نهاية سنة 2027
        rf"(?:هذا|هذه)\s+{unit}",
        r"(?:19|20)\d{2}",
        rf"(?:{day_part}\s+)?(?:امس|اليوم(?!\s+{ordinal}(?!\w))|غدا)",  # not اليوم الأول: the first day
        r"الذكري\s+ال\w+",
        rf"(?:\d+|{number_word})\s+(?:ايام|اسابيع|اشهر|شهور|سنوات|اعوام)",
        r"(?:يومين|اسبوعين|شهرين|عامين|سنتين)",
        rf"(?:{day_ordinal})\s+من\s+(?:{month})(?:\s+{rel})?",  # الحادي عشر من أكتوبر
        rf"(?:مطلع|منتصف|اواخر|اوائل|نهايه|بدايه)\s+(?:{month})(?:\s+{rel})?",
        rf"الربع\s+{ordinal}\s+من\s+(?:(?:العام|السنه)(?:\s+{rel})?|(?:عام\s+)?\d{{4}})",
        rf"(?:فصل\s+)?{season}(?:\s+{rel})?(?!\s+العربي)",
        holiday,
        rf"{plural_unit}\s+(?:\w+\s+)?(?:الماضيه|المقبله|الاخيره)",
        rf"{dual_unit}\s+{dual_rel}",  # الشهرين المقبلين
        rf"{indefinite_season}\s+\d{{4}}",  # صيف 2026
    ]
    alternatives = "|".join(f"(?:{p})" for p in patterns)
    # The first word of every pattern above, after the proclitics: a digit (or ال + digits),
    # or a whole word. Dates are only looked for at words this accepts.
    first_words = [
        "ال", *(m.split()[0] for m in lex.months), *lex.days, day_part, unit, year_head,
        "امس|اليوم|غدا", "الذكري", number_word, plural_unit, "شهر", "هذا", "هذه",
        "يومين|اسبوعين|شهرين|عامين|سنتين", ordinal, "الحادي|العشرين|الثلاثين", "اوائل", "الربع", "فصل", season, "عيد|المولد", dual_unit, indefinite_season,
    ]
    words = {word for group in first_words for word in group.removeprefix("(?:").removesuffix(")").split("|")}
    assert all(re.fullmatch(r"\w+", word) for word in words), words
    leads = frozenset(p + q + word for p in ("", "و", "ف") for q in ("", "ب", "ل") for word in words)
    return DateRegexes(re.compile(rf"(?<!\w)(?:[وف]?[بل]?)(?P<date>{alternatives})(?!\w)"), leads)


class EntityRecognizer:
    """Rule- and lexicon-based recogniser of flat OntoNotes entity mentions."""

    def __init__(self, gold: Gazetteer | None = None) -> None:
        self.gold = gold or Gazetteer()
        self.static = static_gazetteer()
        self.static_one_word = frozenset(first for first, entries in self.static.index.items() if any(not rest for rest, _, _ in entries))
        self.lex = lexicons()
        self.ordinary = ordinary_words()
        self.cues = cue_forms()
        self.reporting_verbs = frozenset(form for form, kind in self.cues.items() if kind == "verb")
        self.dates = _date_regexes()
        # indefinite ones, and no verbal noun (بيان): a word of the dictionary that names a city in context
        self.city_words = frozenset(w for w in cities_read_as_words() if not w.startswith("ال") and w not in self.ordinary.verbal_nouns)
        cues = self.lex.cues
        self.not_name = (
            self.lex.stopwords | self.lex.titles | self.lex.org_heads | frozenset(self.cues) | frozenset(self.lex.place_heads)
            | _norm_set([*cues["complementizers"], *cues["speech_nouns"]])
        )
        lex = self.lex
        # Every reading (`variants`) that gives a word a feature beyond `namey` and `definite`, gold names
        # apart (the gold gazetteer grows): a word with none of them, and no date lead, is a plain word.
        self.feature_forms = frozenset().union(
            self.static.index, lex.given_names, lex.org_heads, lex.complement_org_heads, lex.facilities, lex.titles, lex.nisba, ("عبد", "ابو"), NASAB, lex.place_heads,
            self.city_words, CLUB_HEADS, self.reporting_verbs,
            *(("ال" + word for word in words) for words in (lex.n2_heads, lex.adjective_heads, lex.complement_heads, lex.nisba)),
        )
        # the features of a plain word, by (namey, definite)
        self.plain = {
            (namey, definite): WordFeatures(
                gold=(), static=(), org_head=None, institution=None, facility=None, place=None, city_word=None, club=None,
                reporting_verb=False, name_start=None, title=False, title_definite=False, nisba=None, date_start=False,
                namey=namey, definite=definite, known=False, trigger=False,
            )
            for namey in (False, True)
            for definite in (False, True)
        }
        # Features per word form, valid for one revision of the gold gazetteer.
        self._features = _FeatureTable(self._word_features)
        self._features_gold: Gazetteer | None = None
        self._features_revision = -1

    # -- gold layer -----------------------------------------------------------------

    def learn(self, annotations_dir: Path) -> None:
        """Add every gold entity string of `annotations_dir/*.json` to the gold gazetteer."""
        self.gold.learn_gold(annotations_dir)

    # -- matching -------------------------------------------------------------------

    def find(self, text: str, doc_id: str = "", nt: NormText | None = None) -> list[Mention]:
        """Flat entity mentions of `text`, original offsets, in text order (`nt`: its NormText, if known)."""
        nt = nt or NormText.of(text)
        words = self._words(nt)
        chosen: list[Mention] = []
        taken = bytearray(len(nt.norm))  # 1 where a chosen mention lies; mentions are never empty
        width = len(nt.norm) + 1
        for tier in self._candidates(words, doc_id):
            # Longest first, then leftmost; the sort is stable, so ties keep the rules' order.
            tier.sort(key=lambda m: (m.start - m.end) * width + m.start)
            for mention in tier:
                if taken.find(1, mention.start, mention.end) < 0:
                    taken[mention.start : mention.end] = b"\1" * (mention.end - mention.start)
                    chosen.append(mention)
        for mention in list(self._other_mentions(words, chosen, taken)):
            if taken.find(1, mention.start, mention.end) < 0:
                taken[mention.start : mention.end] = b"\1" * (mention.end - mention.start)
                chosen.append(mention)
        chosen.sort()  # by start: the chosen mentions are disjoint
        return [Mention(*nt.span(start, end), label) for start, end, label in chosen]

    def _candidates(self, words: _Words, doc_id: str) -> tuple[list[Mention], list[Mention], list[Mention], list[Mention]]:
        """The candidate mentions of tiers TIER_GOLD, TIER_DATELINE, TIER_DATE and TIER_RULE, in normalised offsets.

        One pass over the words that can start a mention runs every rule there. The rules'
        lists are joined in a fixed order (gazetteer, quoted, org heads, institutions,
        facilities, persons, nisba), each in text order: the tie-break order of `find`.
        """
        norm, starts, texts = words.norm, words.starts, words.texts
        gold: list[Mention] = []
        dates: list[Mention] = []
        static: list[Mention] = []
        org_heads: list[Mention] = []
        institutions: list[Mention] = []
        facilities: list[Mention] = []
        places: list[Mention] = []
        persons: list[Mention] = []
        nisbas: list[Mention] = []
        after_descriptor: dict[int, int] = {}  # start → end of the organisation names found after their descriptor (شركة X → X)
        match_date, searched_to = self.dates.dates.match, 0
        features, n = words.features, len(words.features)
        for i in compress(range(len(features)), map(attrgetter("trigger"), features)):
            f = features[i]
            if f.gold:
                gold += self._gazetteer_at(words, i, f.gold, doc_id)
            # Dates leftmost first and not overlapping, as `finditer` would find them.
            if f.date_start and starts[i] >= searched_to and (m := match_date(norm, starts[i])):
                searched_to = m.end()
                if m.end("date") - m.start("date") > SHORT_WORD:  # آب alone is also أب (father) or ب + اب (باب)
                    dates.append(Mention(m.start("date"), m.end("date"), "DATE"))
            if f.static:
                static += self._gazetteer_at(words, i, f.static, doc_id)
            if f.org_head is not None and (mention := self._org_head_at(words, i, f.org_head)):
                org_heads.append(mention)
                if mention.start > starts[i]:
                    after_descriptor[mention.start] = mention.end
            if f.institution is not None and (mention := self._institution_at(words, i, f.institution)):
                institutions.append(mention)
                if mention.start > starts[i]:
                    after_descriptor[mention.start] = mention.end
            if f.facility is not None and (mention := self._facility_at(words, i, f.facility)):
                facilities.append(mention)
            if f.place is not None and (mention := self._place_at(words, i, *f.place)):
                places.append(mention)
            if f.reporting_verb and i + 1 < n and (after := features[i + 1]).namey and not (after.definite or after.static) and (
                mention := self._foreign_subject(words, i)
            ):
                persons.append(mention)
            if f.club is not None and (mention := self._club_at(words, i, f.club)):
                org_heads.append(mention)
            if f.city_word is not None and self._city_in_context(words, i, f.city_word):
                places.append(Mention(starts[i] + f.city_word, words.ends[i], "GPE"))
            if f.name_start is not None and self._name_in_context(words, i):
                last = self._name_from(words, i)
                if last > i:
                    persons.append(Mention(starts[i] + f.name_start, words.ends[last], "PERSON"))
            elif texts[i] in NASAB and i > 0 and self._nasab_opener(words, i - 1):
                persons.append(Mention(starts[i - 1], words.ends[self._name_from(words, i - 1)], "PERSON"))
            elif f.title and self._opens_nasab(words, i):
                persons.append(Mention(starts[i], words.ends[self._name_from(words, i)], "PERSON"))
            elif f.title:
                role_end = self._role_end(words, i)
                persons += filter(None, (self._after_title(words, i, role_end), self._name_after_role(words, i, role_end)))
                if f.title_definite and i + 1 < n and (after := features[i + 1]).namey and after.name_start is None and not after.static and (
                    mention := self._family_name_after_title(words, i)
                ):
                    persons.append(mention)
            if f.nisba is not None:
                nisbas.append(Mention(starts[i] + f.nisba, words.ends[i], "NORP"))
                if f.nisba == 0 and i > 0 and (mention := self._foreign_name_after_nisba(words, i)):
                    persons.append(mention)
        # A gold NORP is an adjective, not a name: it must not cut the organisation it qualifies
        # (الخارجية العراقية), so it competes with the rules.
        gold_norp = [m for m in gold if m.label == "NORP"]
        gold = [m for m in gold if m.label != "NORP"]
        places += self._governed_places(words)
        if nisbas and persons:
            nisbas = self._family_names_of_nisba_shape(words, persons, nisbas)
        if after_descriptor:
            persons = [p for p in (self._person_after_organisation(words, p, after_descriptor) for p in persons) if p]
        abbreviations = self._abbreviations(norm, [*static, *org_heads, *institutions])
        rules = [*static, *self._states_with_nisba(words, static), *abbreviations, *self._quoted_orgs(norm), *org_heads, *institutions, *facilities, *places, *self._events(words), *persons, *nisbas, *gold_norp]
        outlets = [Mention(m.start(1), m.end(1), "ORG") for m in OUTLET.finditer(norm)]
        datelines = [*self._dateline(words), *outlets]
        # A gold name inside a facility's or an outlet's name is part of it (مطار بغداد الدولي، «بغداد اليوم»).
        wholes = sorted((m.start, m.end) for m in (*facilities, *datelines))
        if wholes:
            gold = _not_inside(gold, wholes)
        return gold, datelines, dates, rules

    def _family_names_of_nisba_shape(self, words: _Words, persons: list[Mention], nisbas: list[Mention]) -> list[Mention]:
        """`nisbas`, with those spelled like the nisba-shaped family name of a person found in the text (محمد علي
        المصري ... وأضاف المصري) as that person's, except where they follow a definite noun as its adjective."""
        norm, texts, ends = words.norm, words.texts, words.ends
        family = {norm[p.start : p.end].rsplit(None, 1)[-1] for p in persons}.intersection(norm[m.start : m.end] for m in nisbas)
        if not family:
            return nisbas
        relabelled = []
        for m in nisbas:
            k = bisect.bisect_left(ends, m.end)
            adjective = k > 0 and words.adjacent(k - 1) and texts[k - 1].startswith("ال")
            relabelled.append(m._replace(label="PERSON") if norm[m.start : m.end] in family and not adjective else m)
        return relabelled

    def _foreign_subject(self, words: _Words, i: int) -> Mention | None:
        """The subject of reporting verb i when it is a foreign name of two or more words, the first of no Arabic
        lexicon, and the clause goes on after it (وقال ماركو روبيو إن، وحذر فولكر تورك من)."""
        texts, features, n = words.texts, words.features, len(words.texts)
        if i + 1 >= n or not words.adjacent(i) or self._coined_name_end(words, i + 1) is None:
            return None  # وقال مصدر أمني: the first word of a foreign name is of no Arabic lexicon
        last = i + 1
        while last + 1 < min(i + 1 + COINED_NAME_WORDS, n) and words.adjacent(last):
            f = features[last + 1]
            particle = texts[last + 1] in FAMILY_PARTICLES  # فون دير لاين
            if not particle and (not f.namey or f.definite or f.static or f.nisba is not None or f.name_start is not None):
                break
            last += 1  # فولكر تورك: a later word may read as an Arabic one
        while texts[last] in FAMILY_PARTICLES:
            last -= 1
        if last < i + 2:
            return None
        after = texts[last + 1] if last + 1 < n and words.adjacent(last) else ""
        if after and not (after in self.lex.stopwords or ANNA.match(after)):
            return None
        return Mention(words.starts[i + 1], words.ends[last], "PERSON")

    def _foreign_name_after_nisba(self, words: _Words, i: int) -> Mention | None:
        """A foreign name of two or more words of no Arabic lexicon after a definite noun and its nisba i (الشريك
        الإيطالي جوفاني روسيتي): the person the noun and the nisba describe. Not after an organisation's head."""
        texts, features = words.texts, words.features
        if i == 0 or features[i].nisba != 0 or not texts[i].startswith("ال"):
            return None
        if words.gaps[i].strip() == "،":
            last = self._coined_name_end(words, i + 1)  # في أربيل، الإيطالي ماتيو ...: the nisba opens an apposition
            return Mention(words.starts[i + 1], words.ends[last], "PERSON") if last is not None and last > i + 1 else None
        if not words.adjacent(i - 1):
            return None
        before = features[i - 1]
        if not texts[i - 1].startswith("ال") or before.org_head is not None or before.institution is not None or before.facility is not None:
            return None
        last = self._coined_name_end(words, i + 1)
        return Mention(words.starts[i + 1], words.ends[last], "PERSON") if last is not None and last > i + 1 else None

    def _person_after_organisation(self, words: _Words, person: Mention, organisations: dict[int, int]) -> Mention | None:
        """`person`, unless it starts with the name of an organisation found after its descriptor (في مجموعة X فلان):
        then the person's name of two words or more that follows the organisation's, if there is one, from its
        given name if the word after the organisation's name is not one."""
        end = organisations.get(person.start)
        if end is None or end >= person.end:
            return person
        k = bisect.bisect_left(words.ends, end) + 1
        if k + 1 < len(words.texts) and words.features[k].name_start is None and words.features[k + 1].name_start == 0:
            k += 1  # the organisation's name went on (غولدمان ساكس): the person's begins with the given name
        last = self._name_from(words, k) if k < len(words.texts) and words.adjacent(k - 1) else k - 1
        return Mention(words.starts[k], words.ends[last], "PERSON") if last > k else None

    def _words(self, nt: NormText) -> _Words:
        """The words of the matching form of `nt` with their (cached) features."""
        if self._features_gold is not self.gold or self._features_revision != self.gold.revision:
            self._features_gold, self._features_revision = self.gold, self.gold.revision
            self._features.clear()
        elif len(self._features) > WORD_CACHE_SIZE:
            self._features.clear()
        texts, starts, ends, gaps = nt.words
        features = list(map(self._features.__getitem__, texts))
        for m in NAME_ALI.finditer(nt.original):
            at = nt.norm_offset(m.start())
            j = bisect.bisect_right(starts, at) - 1
            if at - starts[j] <= 1 and texts[j][: at - starts[j]] in ("", "و", "ف", "ب", "ل"):
                features[j] = features[j]._replace(namey=True)
        for m in HAMZA_AL.finditer(nt.original):
            at = nt.norm_offset(m.start())
            j = bisect.bisect_right(starts, at) - 1
            if at - starts[j] <= 2 and all(c in "وفبكل" for c in texts[j][: at - starts[j]]):
                features[j] = features[j]._replace(definite=False, institution=None)
        for m in BASIM.finditer(nt.norm):
            j = bisect.bisect_right(starts, m.start())
            if j < len(texts) and starts[j - 1] == m.start() and self._family_name_of_basim(texts[j], features[j]):
                features[j - 1] = features[j - 1]._replace(name_start=0, namey=True, trigger=True)
        return _Words(nt.norm, texts, starts, ends, gaps, features)

    def _word_features(self, word: str) -> WordFeatures:
        """The features of a word form (uncached: `_words` looks them up through `_features`)."""
        lex = self.lex
        readings = variants(word)
        forms, gold_index = self.feature_forms, self.gold.index
        for _, form in readings:
            if form in forms or form in gold_index:
                break
        else:
            if not self.dates.starts_date(word):
                # most words have no proclitic: one reading, the word itself
                definite = word.startswith("ال") if len(readings) == 1 else any(form.startswith("ال") for _, form in readings)
                return self.plain[self._namey(word, readings), definite]
        institution = None
        offset, definite_form = next(((o, f) for o, f in readings if f.startswith("ال")), (None, ""))
        if offset is not None:
            head = definite_form[2:]  # not word[offset + 2:]: للحكومة reads as ل + الحكومة
            if head in lex.n2_heads or head in lex.adjective_heads or head in lex.complement_heads:
                institution = (offset, head in lex.n2_heads, head in lex.adjective_heads or head in lex.complement_heads, head in lex.complement_heads)
        given_name = first_reading(readings, lex.given_names)
        if given_name and (word in self.ordinary.nouns or word in self.ordinary.verbs):
            given_name = None  # وجود is no و + جود
        gold, static = self._readings(self.gold, readings), self._readings(self.static, readings)
        org_head = first_reading(readings, lex.org_heads)
        if org_head is None:
            org_head = first_reading(readings, lex.complement_org_heads)
        facility = first_reading(readings, lex.facilities)
        if word in LED_BY:
            org_head = institution = None
        place = next(((offset, lex.place_heads[form]) for offset, form in readings if form in lex.place_heads), None)
        city_word = first_reading(readings, self.city_words)
        reporting_verb = first_reading(readings, self.reporting_verbs) is not None
        club = first_reading(readings, CLUB_HEADS)
        name_start = given_name if given_name is not None else 0 if word in ("عبد", "ابو") else None
        title = first_reading(readings, lex.titles) is not None
        nisba = nisba_offset(readings, lex.nisba)
        date_start = self.dates.starts_date(word)
        return WordFeatures(
            gold=gold,
            static=static,
            org_head=org_head,
            institution=institution,
            facility=facility,
            place=place,
            city_word=city_word,
            club=club,
            reporting_verb=reporting_verb,
            name_start=name_start,
            title=title,
            title_definite=title and next(form for _, form in readings if form in lex.titles).startswith("ال"),
            nisba=nisba,
            date_start=date_start,
            namey=self._namey(word, readings),
            definite=offset is not None,
            known=word in self.static_one_word,
            trigger=bool(gold or static or title or date_start or word in NASAB)
            or any(x is not None for x in (org_head, institution, facility, place, city_word, club, name_start, nisba))
            or reporting_verb,
        )

    @staticmethod
    def _readings(gazetteer: Gazetteer, readings: tuple[tuple[int, str], ...]) -> tuple[tuple[int, list[GazetteerEntry]], ...]:
        """(offset, entries) of each of a word's `variants` that starts a gazetteer name."""
        index = gazetteer.index
        return tuple((offset, index[form]) for offset, form in readings if form in index)

    @staticmethod
    def _gazetteer_at(
        words: _Words, i: int, readings: tuple[tuple[int, list[GazetteerEntry]], ...], doc_id: str
    ) -> Iterator[Mention]:
        """The longest gazetteer name starting at word i, for each of its `readings`
        (names from the gold layer of `doc_id` itself are skipped)."""
        texts, n = words.texts, len(words.texts)
        for offset, entries in readings:
            for rest, label, docs in entries:
                if len(docs) == 1 and doc_id in docs:  # only from this document's gold
                    continue
                j = i + len(rest)
                if j >= n or (rest and tuple(texts[i + 1 : j + 1]) != rest):
                    continue
                if all(words.adjacent(k) for k in range(i, j)):
                    yield Mention(words.starts[i] + offset, words.ends[j], label)
                    break

    @staticmethod
    def _states_with_nisba(words: _Words, static: list[Mention]) -> Iterator[Mention]:
        """A state's name of two or more words ending in a definite feminine word, with the nisba that
        follows it: one GPE (الولايات المتحدة الأمريكية, GUIDELINES §2.8 N3)."""
        texts, starts, ends = words.texts, words.starts, words.ends
        for m in static:
            j = bisect.bisect_left(ends, m.end)
            if m.label != "GPE" or starts[j] <= m.start or j + 1 >= len(texts) or not words.adjacent(j):
                continue
            last, nxt = texts[j], texts[j + 1]
            if last.startswith("ال") and last.endswith("ه") and nxt.startswith("ال") and nxt.endswith("يه") and words.features[j + 1].nisba == 0:
                yield Mention(m.start, ends[j + 1], "GPE")

    def _abbreviations(self, norm: str, candidates: list[Mention]) -> list[Mention]:
        """The abbreviation in parentheses or quotes right after an organisation's name (وكالة الأنباء الكويتية (كونا)،
        «بترا»), not a phrase opening with a function word (السفارة (في بغداد))."""
        found = []
        for end in sorted({m.end for m in candidates if m.label == "ORG"}):
            start = end
            while start < len(norm) and norm[start] == " ":
                start += 1
            if (m := ABBREVIATION.match(norm, start)) and m.group(1).split()[0] not in self.lex.stopwords and (
                m.group(0)[0] == "(" or self._quoted_abbreviation(m.group(1))
            ):
                found.append(Mention(m.start(1), m.end(1), "ORG"))
        return found

    def _quoted_abbreviation(self, quoted: str) -> bool:
        """Is a quoted text after an organisation's name its abbreviation: one word of no dictionary («بترا»), not
        what the organisation says («بشدة»، «جاهزة فنياً»)?"""
        return " " not in quoted and not (self._common_word(quoted) or self._verb(quoted) or ANNA.match(quoted))

    def _quoted_orgs(self, norm: str) -> Iterator[Mention]:
        """«الهيئة التنسيقية ...» (a quoted name opening with an organisation head), and an indefinite
        head + quoted name (حركة «أمل», مليشيا "X"): the name inside the quotes. After a definite noun
        (الشركة «بدأت ...») the quotes hold its predicate, not its name."""
        for m in QUOTED.finditer(norm):
            inner = m.group(1).split()
            if not inner or len(inner) > 9:
                continue
            if any(w in CLAUSE_PARTICLES or (self._verb(w) and not w.startswith("ال")) for w in inner[1:]):
                continue  # «الهيئة لن تقبل ...»: a quoted sentence, not a name
            if bare(inner[0]) in self.lex.org_heads and not self._group_label(inner):
                yield Mention(m.start(1), m.end(1), "ORG")
                continue
            before = norm[max(0, m.start() - 20) : m.start()].split()
            if before and not before[-1].startswith(("ال", "وال")) and (bare(before[-1]) in self.lex.org_heads or before[-1] in CORRESPONDENTS) and len(inner) <= 4:
                yield Mention(m.start(1), m.end(1), "ORG")

    def _org_head_at(self, words: _Words, i: int, offset: int) -> Mention | None:
        """Construct-state names: an indefinite head and its definite genitive (وزارة الخارجية
        الأمريكية، مجلس النواب، حزب العمال), trailing adjectives included."""
        lex, texts = self.lex, words.texts
        descriptor = texts[i][offset:] in lex.descriptors  # not `bare`: وكالة is no و + ك + اله
        if texts[i][offset:] == MOVEMENT and i + 1 < len(texts) and bare(texts[i + 1]) in TRAFFIC:
            return None  # حركة المرور: traffic
        if descriptor and (last := self._coined_name_end(words, i + 1)) is not None:
            return Mention(words.starts[i + 1], words.ends[last], "ORG")  # شركة ألستوم → ألستوم (§2.6)
        if i + 1 < len(texts) and words.adjacent(i) and words.features[i + 1].name_start == 0:
            last = self._name_from(words, i + 1)  # مؤسسة جان-بيير ديفيل للمخطوطات: named after a person
            if last > i + 1 and (complement_end := self._complement_end(words, last)) is not None:
                return Mention(words.starts[i] + offset, words.ends[complement_end], "ORG")
        end, complement = i, False  # complement: a لـ complement or a chain of two indefinite nouns follows the head
        second = i + 1  # the chain's second indefinite noun, where it has one (جمعية حماية صغار المساهمين)
        for j in range(i + 1, min(i + 5, len(texts))):
            nxt = texts[j]
            if not words.adjacent(j - 1):
                break
            definite = nxt.startswith(("ال", "وال")) or (j > i + 1 and nxt.startswith("لل"))
            if j > i + 2 and texts[j - 1].startswith("لل") and nxt.startswith("ال") and not self._org_adjective(nxt):
                break  # جمعية X للأيتام المساعدات: after the complement, only its adjectives
            complement = complement or (j > i + 1 and nxt.startswith("لل"))
            if nxt == NON and j > i + 1 and j + 1 < len(texts) and words.adjacent(j) and self._org_adjective(texts[j + 1]):
                end = j + 1  # جهاز مكافحة الهجرة غير الشرعية: غير and its adjective
                break
            if words.features[j].date_start and self.dates.dates.match(words.norm, words.starts[j]):
                break  # وزارة الداخلية اليوم الأحد: a date ends the name
            if j > i + 1 and nxt.startswith("ال") and self._adjective_of_name(words, j - 1) and not self._adjective_of_name(words, j):
                break  # وزارة الداخلية العراقية القبض: after an adjective, only adjectives
            function_word = nxt in lex.stopwords and not (nxt.startswith("ال") and len(nxt) > 3)  # الي is إلى
            if function_word or nxt in NISBA_SHAPED or nxt in self.cues or "ال" + bare(nxt) in lex.days or nxt in lex.titles or EVENT_HEAD.fullmatch(nxt):
                break  # (تنظيم المهرجان ...: the organising of an event)
            if j > i + 1 and words.features[j - 1].known and not self._org_adjective(nxt):
                break  # after a place's name only an adjective of the name (غرفة القاهرة التجارية، not ... الافتتاح)
            if not definite:
                # a construct chain: head + indefinite noun + definite noun or known name (مجلس نواب الشعب،
                # مؤسسة مطارات دبي, غرفة تجارة عدن), or the known name itself (جامعة بغداد)
                after = texts[j + 1] if j + 1 < len(texts) and words.adjacent(j) else ""
                known = words.features[j].known
                if j == i + 1 and after and not after.startswith("ال") and self._indefinite_chain_at(words, j):
                    second, complement = j + 1, True
                chain = second == j + 1 or (j == second and (after.startswith("ال") or (after and words.features[j + 1].known)))
                if j == i + 1 and after and words.features[j + 1].name_start == 0 and words.features[j].namey and not self._verb(nxt):
                    end = j  # كتلة وفاقون سعيد ...: a one-word name, then a person's given name
                    break
                if not (known or (chain and (words.features[j].namey or words.features[j].place))):
                    break  # (مجلس محافظة البصرة: a class noun of places in the chain)
                if known:
                    end = j
                    continue
            end = j
        if end == i or self._group_label(texts[i : end + 1]):
            return None
        if texts[i][offset:] in lex.complement_org_heads and not self._named_centre(words, i, end, complement):
            return None  # مركز المدينة: a centre, no organisation named
        if texts[i][offset:] == AVIATION and not (end == i + 1 and words.features[end].known):
            return None  # طيران الإمارات is an airline, طيران الاحتلال the enemy's aircraft
        if words.features[end].known and (complement_end := self._complement_end(words, end)) is not None:
            while words.features[complement_end].nisba is not None:
                complement_end -= 1  # شركة بغداد للمقاولات التركية: the nisba is the company's, outside its name
            return Mention(words.starts[i] + offset, words.ends[complement_end], "ORG")  # شركة بغداد للمقاولات
        if descriptor and self._name_alone(words, i + 1, end):
            return Mention(words.starts[i + 1], words.ends[end], "ORG")  # حركة حماس → حماس (§2.6)
        return Mention(words.starts[i] + offset, words.ends[end], "ORG")

    def _indefinite_chain_at(self, words: _Words, j: int) -> bool:
        """Are words j and j + 1 two indefinite common nouns before a definite noun or a known name, the middle of
        a construct chain (حماية صغار المساهمين، نقابات عمال تونس)? Not an adjective (جمعية نسائية), but a verbal
        noun in -اية is none (رعاية، حماية)."""
        texts, features = words.texts, words.features
        if j + 2 >= len(texts) or not (words.adjacent(j) and words.adjacent(j + 1)):
            return False
        if not (texts[j + 2].startswith("ال") or features[j + 2].known):
            return False
        if texts[j + 1][0] == "ل" and texts[j + 1] not in self.ordinary.nouns:
            return False  # مركز متخصص لعلاج الأورام: a preposition's noun, no genitive
        return all(
            features[k].namey and features[k].name_start is None and (self._common_word(texts[k]) or self._construct_plural(texts[k]))
            and not (self._common_adjective(texts[k]) and not texts[k].endswith("ايه")) and not self._accusative(texts[k])
            for k in (j, j + 1)
        )

    def _named_centre(self, words: _Words, i: int, end: int, complement: bool) -> bool:
        """Do words i..end name an organisation by a head of `complement_org_heads`: a name and a لـ complement (مركز الخليج
        للدراسات، سوق مسقط للأوراق المالية), or a construct chain of two nouns or of a noun and an adjective (مركز رصد
        الزلازل الوطني)? Not a centre described (مركز المدينة، مركز متخصص لعلاج ...)."""
        texts = words.texts
        if texts[i + 1].startswith("ال") or words.features[i + 1].known:
            return complement or self._complement_end(words, end) is not None
        return complement or (end >= i + 3 and self._org_adjective(texts[end]))

    def _construct_plural(self, word: str) -> bool:
        """Is the word a sound masculine plural of the dictionary before its genitive (لمصدري، ممثلي: مصدرين)?"""
        stem = bare(word)[:-1]
        return word.endswith("ي") and (stem + "ين" in self.ordinary.nouns or stem + "ون" in self.ordinary.nouns)

    def _group_label(self, name: list[str]) -> bool:
        """Is `name` (words) a plural head and one definite common noun: a group described, not named (§2.7)?"""
        return (
            len(name) == 2 and first_reading(variants(name[0]), GROUP_HEADS) is not None
            and name[1].startswith("ال") and self._common_word(name[1])
        )

    def _coined_name_end(self, words: _Words, j: int) -> int | None:
        """Index of the last of up to three words from word j that belong to no Arabic lexicon: a coined or foreign
        name (ألستوم، غولدمان ساكس), not definite, no dictionary noun or verb, given name, known place or nisba;
        None if word j is not one."""
        texts, features = words.texts, words.features
        last = None
        for k in range(j, min(j + COINED_NAME_WORDS, len(texts))):
            f, w = features[k], texts[k]
            if not words.adjacent(k - 1):
                break
            if k > j and w in FAMILY_PARTICLES:
                continue  # فون دير لاين
            if not f.namey or f.definite or f.name_start is not None or f.static or f.nisba is not None:
                break
            if self._common_word(w) or self._verb(w):
                break
            last = k
        return last

    def _name_alone(self, words: _Words, first: int, last: int) -> bool:
        """Are words first..last a name used on its own: one word, or a known name (أنصار الله)?"""
        return first == last or any(
            tuple(words.texts[first + 1 : last + 1]) == rest for _, entries in words.features[first].static for rest, _, _ in entries
        )

    def _institution_at(self, words: _Words, i: int, institution: tuple[int, bool, bool, bool]) -> Mention | None:
        """الحكومة العراقية، السفارة الأمريكية (N2), and التحالف الدولي (definite head + adjective),
        with the adjectives and the لـ complement that follow (المنظمة الدولية للهجرة، الاتحاد الكويتي لكرة اليد)."""
        texts = words.texts
        if i + 1 >= len(texts):
            return None
        offset, n2_head, adjective_head, needs_complement = institution
        nxt = texts[i + 1]
        if not words.adjacent(i) or not nxt.startswith("ال"):
            return None
        if bare(texts[i]) == AIRWAYS[0] and nxt != AIRWAYS[1]:
            return None  # الخطوط الأمامية: lines, not the airways
        agrees = texts[i].endswith("ه") == nxt.endswith("يه")  # وزير الخارجية المصري: the nisba is the minister's
        if n2_head and agrees and words.features[i + 1].nisba is not None:
            # adjectives after the nisba stay outside (الحكومة العراقية الجديدة), unless a لـ complement
            # follows them: then they are part of the name (الوكالة الفرنسية للتنمية)
            _, complement_end = self._org_tail(words, i + 1)
            return Mention(words.starts[i] + offset, words.ends[complement_end or i + 1], "ORG")
        if adjective_head and self._org_adjective(nxt):
            adjectives_end, complement_end = self._org_tail(words, i + 1)
            if needs_complement and complement_end is None:
                return None  # اللجنة الفنية: a committee described; اللجنة الوطنية للانتخابات is named
            end = complement_end or adjectives_end
            if end == i + 1 and agrees and bare(texts[i]) in self.lex.descriptors and (last := self._coined_name_end(words, end + 1)) is not None:
                return Mention(words.starts[end + 1], words.ends[last], "ORG")  # الشركة الإيطالية إيني: the name after its descriptor
            if end == i + 1 and words.features[end].nisba is not None:
                return None  # الشركة الإيطالية: outside the N2 heads, a noun and its nisba alone are no name (§2.8)
            after = texts[end + 1] if end + 1 < len(texts) else ""
            if after.startswith("ل") and bare(after) in self.lex.org_heads:
                return None  # المجلس السياسي لمليشيا ...: a body of the organisation, not its name
            return Mention(words.starts[i] + offset, words.ends[end], "ORG")
        return None

    def _adjective_of_name(self, words: _Words, j: int) -> bool:
        """Is word j an adjective in an organisation's name: a nisba, or an adjective of such names (العام، الأعلى)?"""
        return words.features[j].nisba is not None or self._org_adjective(words.texts[j])

    def _org_adjective(self, word: str) -> bool:
        return word.startswith("ال") and word not in NISBA_SHAPED and (
            word.endswith(("ي", "يه")) or word in self.lex.organisation_adjectives
        )

    def _org_tail(self, words: _Words, end: int) -> tuple[int, int | None]:
        """After word `end` of an organisation name, an adjective: the index of its last adjective,
        and of the last word of the لـ complement that follows them, if one does (None if not)."""
        texts, n = words.texts, len(words.texts)
        while end + 1 < n and words.adjacent(end) and self._org_adjective(texts[end + 1]):
            end += 1
        complement_end = self._complement_end(words, end)
        # a second complement after the first (للأمم المتحدة لشؤون اللاجئين)
        return end, complement_end and (self._complement_end(words, complement_end) or complement_end)

    def _complement_end(self, words: _Words, end: int) -> int | None:
        """Index of the last word of a لـ complement right after word `end` (للهجرة، لكرة اليد، للسكك
        الحديدية، للكهرباء والغاز: adjectives and one coordinated noun included), or None."""
        texts, features, n = words.texts, words.features, len(words.texts)
        if end + 1 >= n or not words.adjacent(end):
            return None
        nxt = texts[end + 1]
        if nxt.startswith("لل") and len(nxt) > 4:
            last = end + 1
        elif nxt[0] == "ل" and end + 2 < n and words.adjacent(end + 1) and (
            texts[end + 2].startswith("ال") or (features[end + 2].known and nxt[1:] in self.ordinary.nouns)
        ):
            last = end + 2  # للهجرة، لشؤون اللاجئين، لنصرة غزة
        elif nxt[0] == "ل" and self._indefinite_chain_at(words, end + 1):
            last = end + 3  # لنقابات عمال تونس، لمصدري زيت الزيتون
        else:
            return None
        coordinated = False
        while last + 1 < n and words.adjacent(last):
            w, f = texts[last + 1], features[last + 1]
            if self._org_adjective(w) or (w.startswith("ال") and w.endswith("ه") and not f.date_start and self._common_word(w)):
                last += 1  # للصناعات الصغيرة: a feminine adjective of the complement
            elif not coordinated and w.startswith("وال") and f.institution is None and f.org_head is None:
                last, coordinated = last + 1, True
            else:
                break
        return last

    def _facility_at(self, words: _Words, i: int, offset: int) -> Mention | None:
        """مطار بغداد الدولي، قاعدة عين الأسد الجوية: class noun + name (+ adjective). Not a class noun
        with a common adjective (مستشفى ميداني، مركز صحي), and the name ends before a verb (ستنتهي) or a person's name."""
        lex, texts = self.lex, words.texts
        if i > 0 and not offset and texts[i - 1] in DETERMINERS:
            return None  # أي قاعدة تؤوي ...: any base, none named
        end = i
        for j in range(i + 1, min(i + 5, len(texts))):
            w = texts[j]
            if not words.adjacent(j - 1):
                break
            if w in lex.facility_adjectives:
                end = j
                break
            if j > i + 1 and words.features[j].date_start and self.dates.dates.match(words.norm, words.starts[j]):
                break  # صالة الشيخ جابر الأحمد الشهر المقبل: a date ends the name
            joined = texts[j - 1] in CONNECTOR_FORMS  # مستشفى ابن رشد، سجن أبو سليم: the word after a connector is a name's
            if w in lex.stopwords or w in self.cues or (self._verb(w) and not joined and w not in CONNECTOR_FORMS) or (w[0] in "ول" and self._common_word(w)) or ANNA.match(w):
                break  # ... ومركز, ... لتصفية: a coordinated common noun or a preposition's; ... بأنه: أنّ opens a clause
            if j > i + 1 and texts[j - 1].startswith("ال") and not words.features[j - 1].title and not w.startswith("ال") and w not in CONNECTOR_FORMS and self._common_word(w):
                break  # شارع الرشيد مزدحم: an indefinite predicate after the name
            if j > i + 1 and not w.startswith("ال") and (self._accusative(w) or (self._common_word(w) and self._proper_word(texts[j - 1]))):
                break  # ملعب الجلاء مؤقتاً، سجن تدمرين مغلق: an adverb, or a predicate after a name of no dictionary
            if j > i + 1 and words.features[j].name_start is not None and not words.features[j - 1].title and not joined:
                break  # مدير ميناء وهران رشيد ...: a person's name follows the facility's (not مطار الملك عبد ...)
            if j > i + 1 and words.features[j].title_definite and not words.features[j - 1].title and not joined:
                break  # مستشفى كسلا التعليمي الدكتور ...: a title opens the name of the facility's head
            if j > i + 2 and self._person_after_adjective(words, j):
                break  # ميناء جدة الإسلامي ميلود العتيبي: after the name's adjective, a plain word + a definite one
            end = j
        if end == i + 1 and self._common_adjective(texts[end]):
            return None  # the adjective alone is no name (but ملعب حمادي العقربي is)
        return Mention(words.starts[i] + offset, words.ends[end], "FAC") if end > i else None

    def _proper_word(self, word: str) -> bool:
        """Is the word no common word, verb or connector of the dictionary (صيدنايا, not باب or عين)?"""
        return word not in CONNECTOR_FORMS and not self._common_word(word) and not self._verb(word)

    def _person_after_adjective(self, words: _Words, j: int) -> bool:
        """Do words j, j + 1 read as a person's name (a plain word, then a definite family name) after
        the definite adjective j - 1 that ends a name?"""
        texts, features = words.texts, words.features
        return (
            texts[j - 1].startswith("ال")
            and not features[j - 1].title
            and not texts[j].startswith("ال")
            and texts[j] not in CONNECTOR_FORMS
            and j + 1 < len(texts)
            and words.adjacent(j)
            and texts[j + 1].startswith("ال")
            and texts[j + 1] not in self.lex.facility_adjectives
        )

    def _place_at(self, words: _Words, i: int, offset: int, kind: str) -> Mention | None:
        """The place named after class noun i: a known name (محافظة الأنبار، بلدية صيدا) or one word that is no
        ordinary word (بلدة سرمين). A unit with its head is a GPE, a municipality with its head an ORG,
        a settlement's name alone a GPE (مدينة الموصل → الموصل), a natural place with its head a LOC (نهر الفرات)."""
        texts, features = words.texts, words.features
        j = i + 1
        if j >= len(texts) or not words.adjacent(i):
            return None
        if kind == "region":
            part_of = j + 1 < len(texts) and (texts[j + 1] == "من" or texts[j + 1].startswith("لل"))  # المنطقة الشرقية من المدينة
            return Mention(words.starts[i] + offset, words.ends[j], "GPE") if texts[j] in DIRECTIONS and not part_of else None
        labels = ("GPE", "LOC") if kind == "nature" else ("GPE",)
        known = [m for m in self._gazetteer_at(words, j, features[j].static, "") if m.label in labels and m.start == words.starts[j]]
        if known:
            end = known[0].end
        elif features[j].namey and not features[j].static and not self._verb(texts[j]) and (
            not self._common_word(texts[j]) or (kind == "municipality" and texts[j].startswith("ال"))
        ):
            end = words.ends[j]  # بلدة سرمين; بلدية القبة: a municipality's definite name may be a common word
        else:
            return None
        if kind == "settlement":
            return Mention(words.starts[j], end, "GPE")
        return Mention(words.starts[i] + offset, end, {"municipality": "ORG", "nature": "LOC"}.get(kind, "GPE"))

    @staticmethod
    def _club_at(words: _Words, i: int, offset: int) -> Mention | None:
        """A sports club after فريق or نادي: its definite name and الرياضي (فريق الرجاء الرياضي → الرجاء الرياضي;
        نادي الفجر الرياضي, whose official name holds نادي), or نادي and its definite name (نادي الزمالك)."""
        texts, n = words.texts, len(words.texts)
        j = i + 1
        if j >= n or not words.adjacent(i) or not texts[j].startswith("ال") or words.features[j].nisba is not None:
            return None
        club = texts[i][offset:] == "نادي"
        sports = j + 1 < n and words.adjacent(j) and texts[j + 1] in SPORTS_ADJECTIVES
        if club and not sports and j + 1 < n and words.adjacent(j) and texts[j + 1] in CLUB_ADJECTIVES:
            return Mention(words.starts[i] + offset, words.ends[j + 1], "ORG")  # نادي الرستاق الأهلي
        if not (sports or club):
            return None  # فريق العمل: a team, no club
        return Mention(words.starts[i] + offset if club else words.starts[j], words.ends[j + 1 if sports else j], "ORG")

    def _city_in_context(self, words: _Words, i: int, offset: int) -> bool:
        """Is word i, a city's name that is also a dictionary word (`city_word` at `offset`), a place here: coordinated
        with a known place or such a city (صفاقس وقابس، سرت وبنغازي), or after a place preposition and before a
        comma, a full stop or a date (قبالة زوارة فجر الخميس، إلى تعز.)?"""
        texts, features, gaps, n = words.texts, words.features, words.gaps, len(words.texts)
        if offset == 1 and texts[i][0] == "و":
            return i > 0 and words.adjacent(i - 1) and (features[i - 1].known or features[i - 1].city_word == 0)
        if offset:
            return False
        if i + 1 < n and words.adjacent(i) and texts[i + 1][0] == "و" and (texts[i + 1][1:] in self.static_one_word or features[i + 1].city_word == 1):
            return True
        clause_ends = i + 1 == n or gaps[i + 1].strip(" \n")[:1] in CLAUSE_MARKS or features[i + 1].date_start
        return i > 0 and texts[i - 1] in PLACE_PREPOSITIONS and words.adjacent(i - 1) and clause_ends

    def _common_adjective(self, word: str) -> bool:
        """An indefinite adjective formed from a common noun of the dictionary (ميداني، ميدانياً from ميدان، صحية from صحة)."""
        stem = word[:-2] if word.endswith(("يه", "يا")) else word[:-1] if word.endswith("ي") else ""
        return len(stem) >= 2 and not word.startswith("ال") and (stem in self.ordinary.nouns or stem + "ه" in self.ordinary.nouns)

    def _namey(self, word: str, readings: tuple[tuple[int, str], ...]) -> bool:
        """Can the word, of these `variants`, be part of a name?"""
        return (
            len(word) >= 3
            and not word.isdigit()
            and word not in self.not_name
            and ((stem := _bare_form(readings[-1][1])) not in self.not_name or (word.startswith("ال") and stem in self.lex.stopwords))  # العلي: not على
            and stem not in self.lex.nisba
            and not self._pronoun_suffixed(word)
        )

    def _pronoun_suffixed(self, word: str) -> bool:
        """Is the word a word of the dictionary with a pronoun suffix (أرضنا، حكومتها، معها، لدينا)? Not after
        the article, which never takes one (البنا), nor a given name (رنا) or an unknown stem (يوحنا)."""
        if word.startswith("ال") or word[-2:] not in PRONOUN_SUFFIXES or word in self.lex.given_names:
            return False
        stem = word[:-2]
        stems = (stem, stem[:-1] + "ه") if stem.endswith("ت") else (stem,)  # حكومتها: حكومة
        return len(stem) <= 2 or any(s in self.not_name or bare(s) in self.not_name or self._common_word(s) or self._verb(s) for s in stems)

    def _common_word(self, word: str) -> bool:
        """Is the word (without its proclitics and article) a common noun or adjective of the dictionary,
        and not a given name? Asked only where a rule needs it: most words never are."""
        return (word in self.ordinary.nouns or bare(word) in self.ordinary.nouns) and self._not_a_given_name(word)

    def _verb(self, word: str) -> bool:
        """Is the word, as written, a verb form of the dictionary and not a given name? Not read without a
        proclitic: names would be read as verbs (وسام، فهيم)."""
        return word in self.ordinary.verbs and self._not_a_given_name(word)

    def _not_a_given_name(self, word: str) -> bool:
        return first_reading(variants(word), self.lex.given_names) is None and word not in ("عبد", "ابو")

    def _name_from(self, words: _Words, i: int) -> int:
        """Index of the last word of a person name starting at word i (i-1 if none).

        A connector (بن، أبو، عبد، آل) takes the next word into the name; otherwise the name ends
        after a definite word (its family name); before a word that cannot be part of a name, a date
        (فولكر تورك يوم الجمعة), or a definite word or given name behind a proclitic (بالوفد، ونزار);
        from its third word on before a verb (ماركوس كوخ زار); and from its fourth word on before a
        common noun or adjective of the dictionary."""
        texts, features = words.texts, words.features
        last, count = i - 1, 0
        for j in range(i, min(i + MAX_NAME_SPAN, len(texts))):
            w, f = texts[j], features[j]
            connector = w in CONNECTOR_FORMS
            if j > i and not (words.adjacent(j - 1) or words.hyphenated(j - 1)):
                break
            joined = j > i and texts[j - 1] in CONNECTOR_FORMS
            compound = j > i and w in COMPOUND_NAME_ENDS
            if j == i and self._opens_nasab(words, i):
                pass  # سلطان بن ...: a word before بن opens a name, even a title or a common noun
            elif j == i and self._nisba_given_name(words, i):
                pass  # تركي الشهري: a nisba that is the given name before a family name
            elif j == i + 1 and f.title_definite and features[i].name_start is not None and not self._name_follows(words, j):
                last, count = j, count + 1  # وليد الحاج: a definite title after a given name is the family name
                if not self._nasab_follows(words, j):
                    break
                continue  # أحمد الأمين ولد محمود: the name goes on
            elif joined or compound:
                if not (f.namey or f.name_start is not None or (w.startswith("ال") and len(w) > 3)) or f.date_start:
                    break
            elif j > i and f.nisba == 0 and self._family_nisba(words, i, j):
                last, count = j, count + 1  # محمد علي المصري: a family name that is a nisba ends the name
                break
            elif not connector and (
                (not f.namey and not (f.title and f.name_start is not None and self._rank_as_name(words, i, j)))
                or (j > i and f.date_start and f.name_start is None)
                or (j > i and f.definite and not w.startswith("ال"))  # بالوفد، والقاضي: a clitic before the article
                or (j > i and f.name_start is not None and f.name_start > 0 and w[0] in "وف")  # ونزار: the next name (not باسيل as ب + أسيل)
                or (j > i and w[0] == "و" and f.name_start is None and self._common_word(w))  # آمنة وكريمة: coordinated words
                or (count >= 2 and f.known)  # ماكرون بيروت: a place's name after two name words
                or ((count >= 2 or texts[i] in CONNECTOR_FORMS) and self._verb(w))  # أبو غريب أغلق: a verb after a kunya
                or (count == 1 and j + 1 < len(texts) and texts[j + 1].startswith("ال") and self._verb_and_object_at(words, j))  # خالد زار المخيم
                or (count >= 2 and w[-1] in "تا" and (self._plural_before_its_genitive(words, j) or self._accusative(w)))  # تبون وفداً
                or (count >= 1 and w.endswith("يا") and self._accusative(w))  # موسى شخصياً: an adverb
                or (count >= 2 and self._ordinary_phrase_at(words, j))
                or (count >= 2 and self._noun_and_genitive_at(words, j))  # وليد جنبلاط مستقبل الحكومة
                or (count >= 3 and self._common_word(w) and not (w.startswith("ال") and features[j - 1].name_start is not None))
            ):
                break
            last = j
            if not connector:
                count += 1
            if count >= MAX_NAME_WORDS or (
                w.startswith("ال") and j > i and not joined and not connector and not compound and not self._nasab_follows(words, j)
            ):
                break
        while last >= i and texts[last] in CONNECTOR_FORMS:
            last -= 1  # a name does not end with بن or عبد
        return last

    def _rank_as_name(self, words: _Words, i: int, j: int) -> bool:
        """Is word j, a rank that is also a given name (رائد، سلطان), a part of the name starting at word i: after a
        given name (ماهر سلطان الكواري), or first, behind no proclitic but و or ف, before a name word of no dictionary
        or a family nisba (ورائد جوحي، رائد الكبيسي; not أمين عام الحزب, أمين السر, سلطان عمان, لامين as ل + أمين)?"""
        texts, features = words.texts, words.features
        if j + 1 >= len(texts) or not words.adjacent(j) or not features[j + 1].namey or features[j + 1].static:
            return False
        if j > i:
            return features[j - 1].name_start is not None
        after = texts[j + 1]
        return (
            texts[j][: features[j].name_start] in ("", "و", "ف")
            and not (self._common_word(after) or self._verb(after))
            and (not after.startswith("ال") or after.endswith("ي"))
        )

    def _events(self, words: _Words) -> Iterator[Mention]:
        """A named festival, conference or tournament: a definite head, its adjectives and a لـ complement
        (المهرجان الدولي للموسيقى الأندلسية), or an indefinite head and a name (مهرجان جرش للثقافة والفنون)."""
        texts, features, starts = words.texts, words.features, words.starts
        for m in EVENT_HEAD.finditer(words.norm):
            i = bisect.bisect_right(starts, m.start()) - 1
            if i + 1 >= len(texts) or not words.adjacent(i) or texts[i + 1] in PRESS:
                continue
            if m.group("head").startswith("ال"):
                adjectives_end, complement_end = self._org_tail(words, i)
                end = complement_end if adjectives_end > i else None
            else:
                end = self._event_name_end(words, i)
            if end is not None:
                yield Mention(m.start("head"), words.ends[end], "EVENT")

    def _event_name_end(self, words: _Words, i: int) -> int | None:
        """Last word of the name after indefinite event head i: a known place or a word of no dictionary, and its
        لـ complement (مهرجان جرش للثقافة والفنون، موسم جدة), or one or two words, one of them a name or a city, before a
        لل complement (مهرجان بابل للثقافة، مهرجان سوق عكاظ للشعر); None if no name follows."""
        texts, features = words.texts, words.features
        f = features[i + 1]
        if f.known or (f.namey and not f.definite and not self._common_word(texts[i + 1]) and not self._verb(texts[i + 1])):
            return self._org_tail(words, i + 1)[1] or i + 1
        for last in range(i + 1, min(i + 3, len(texts) - 1)):
            if features[last].definite or not features[last].namey or not words.adjacent(last - 1):
                return None
            if texts[last + 1].startswith("لل") and any(
                features[k].known or features[k].city_word == 0 or not self._common_word(texts[k]) for k in range(i + 1, last + 1)
            ):
                return self._complement_end(words, last)
        return None

    def _governed_places(self, words: _Words) -> Iterator[Mention]:
        """The governorate after محافظ: a definite word of no organisation or title (محافظ المفرق), or a
        noun before a known name (محافظ ريف دمشق). Not محافظ البنك المركزي."""
        texts, features, starts, ends = words.texts, words.features, words.starts, words.ends
        for m in GOVERNOR.finditer(words.norm):
            j = bisect.bisect_left(starts, m.end())
            if j >= len(texts) or not words.adjacent(j - 1):
                continue
            f = features[j]
            if f.definite and f.namey and f.institution is None and f.org_head is None and f.nisba is None and not f.title:
                yield Mention(starts[j], ends[j], "GPE")
            elif not f.definite and not f.known and j + 1 < len(texts) and words.adjacent(j) and features[j + 1].known:
                yield Mention(starts[j], ends[j + 1], "GPE")

    def _nisba_given_name(self, words: _Words, i: int) -> bool:
        """Is word i an indefinite nisba right before a definite name word (تركي الشهري), so a given name?"""
        f = words.features[i]
        return (
            f.nisba == 0 and not f.definite and i + 1 < len(words.texts) and words.adjacent(i)
            and words.texts[i + 1].startswith("ال") and words.features[i + 1].namey and words.features[i + 1].nisba is None
        )

    def _name_in_context(self, words: _Words, i: int) -> bool:
        """Does the given name at word i open a name? Not after a hyphen; a word-like one (أمل، سعيد، حياة) only before another given
        name, a connector, a compound's end (نور الدين) or, if not definite (الطاهر), a word of no dictionary (أمل الكبيسي,
        not أمل كبير) or, after a verb of saying or a title, a definite word that may be a name (وقالت نور السعيد)."""
        texts = words.texts
        if i > 0 and words.hyphenated(i - 1):
            return False  # يان-بيتر: the second part of a name that opens before it
        if texts[i][words.features[i].name_start or 0 :] not in self.lex.word_like_given_names:
            return True
        if i + 1 == len(texts) or not words.adjacent(i):
            return False
        after = texts[i + 1]
        if words.features[i + 1].name_start == 0 or after in CONNECTOR_FORMS or after in COMPOUND_NAME_ENDS:
            return True
        if texts[i].startswith("ال", words.features[i].name_start or 0):
            return False  # الطاهر محمد: a definite given name only before another given name
        if words.features[i + 1].static or after.endswith(OBJECT_SUFFIXES) or self._pronoun_suffixed(after):
            return False  # أمل لبنان، رفعت جاهزيتها
        if after.startswith("ال") and words.features[i + 1].namey and i > 0 and words.adjacent(i - 1) and (
            words.features[i - 1].reporting_verb or words.features[i - 1].title
        ):
            return True  # وقالت نور السعيد، الخبير منير الحداد: the subject of a verb of saying, or after a title
        return not (self._common_word(after) or self._verb(after) or bare(after) in self.not_name)

    def _name_follows(self, words: _Words, j: int) -> bool:
        """Does a name start right after word j (الحاج سمير: the title opens it)?"""
        return j + 1 < len(words.texts) and words.adjacent(j) and words.features[j + 1].name_start is not None

    def _family_name_of_basim(self, word: str, f: WordFeatures) -> bool:
        """Is `word` (with features `f`) after باسم a family name, making باسم the given name: a plain word of no
        dictionary, list or gazetteer (باسم منصور), or a definite family nisba (باسم العكيلي), not an organisation's
        name (باسم الوزارة، باسم حركة ...)?"""
        if f.definite:
            return word.startswith("ال") and word.endswith("ي") and f.nisba is None and f.institution is None and not f.static and word not in self.lex.organisation_adjectives
        heads = self.lex.n2_heads, self.lex.adjective_heads
        return f.namey and not f.static and f.org_head is None and all(word not in h for h in heads) and not self._common_word(word)

    def _nasab_follows(self, words: _Words, j: int) -> bool:
        """Is word j followed directly by بن، ابن or ولد and a word (العتيبي بن سعد، الأمين ولد محمود)?"""
        texts = words.texts
        return j + 2 < len(texts) and texts[j + 1] in NASAB_WORDS and words.adjacent(j) and words.adjacent(j + 1)

    def _opens_nasab(self, words: _Words, i: int) -> bool:
        """Is word i followed directly by بن or ابن (and no function word itself)?"""
        return i + 1 < len(words.texts) and words.texts[i + 1] in NASAB and words.adjacent(i) and words.texts[i] not in self.lex.stopwords

    def _nasab_opener(self, words: _Words, i: int) -> bool:
        """Does word i, before بن, open a name that no other rule starts (حمدان بن ...): a plain
        word that may be a name, not a verb, not a given name or title (those start names themselves)."""
        f = words.features[i]
        if f.facility is not None or f.org_head is not None or f.place is not None:
            return False  # مستشفى ابن سينا: a class noun before a name
        return f.namey and f.name_start is None and not f.title and not self._verb(words.texts[i]) and self._opens_nasab(words, i)

    def _family_nisba(self, words: _Words, i: int, j: int) -> bool:
        """Is word j, in a name opened by the given name i, a definite masculine nisba that is the family name
        (أحمد كمال الليبي إن), not an adjective of what follows (وزير ... المصري)?"""
        texts, features = words.texts, words.features
        w = texts[j]
        return (
            features[i].name_start is not None and features[j].nisba == 0 and w.startswith("ال") and w.endswith("ي")
            and not texts[j - 1].startswith("ال") and (j + 1 >= len(texts) or not words.adjacent(j) or not texts[j + 1].startswith("ال"))
        )

    def _plural_before_its_genitive(self, words: _Words, j: int) -> bool:
        """Is word j a common noun's plural in ات before a definite genitive (اجتماعات المنتدى)? Not a family name
        in ات at the end of a name (فرحات)."""
        w = words.texts[j]
        return (
            w.endswith("ات") and not w.startswith("ال") and j + 1 < len(words.texts) and words.adjacent(j)
            and words.texts[j + 1].startswith("ال") and self._common_word(w)
        )

    def _accusative(self, word: str) -> bool:
        """Is an indefinite word a common noun's accusative in ا (وفداً), so no name word?"""
        return word.endswith("ا") and not word.startswith("ال") and len(word) >= 4 and self._common_word(word[:-1])

    def _verb_and_object_at(self, words: _Words, j: int) -> bool:
        """Do words j, j + 1 read as a verb of no noun reading and its definite object (زار المخيم)?"""
        texts = words.texts
        return (
            j + 1 < len(texts) and words.adjacent(j) and texts[j + 1].startswith("ال") and self._verb(texts[j])
            and not self._common_word(texts[j]) and self._common_word(texts[j + 1])
        )

    def _noun_and_genitive_at(self, words: _Words, j: int) -> bool:
        """Do words j, j + 1 read as an indefinite common noun and its definite common genitive (مخيم اللاجئين،
        مستقبل الحكومة), not a family nisba (عبيد الكعبي)?"""
        texts = words.texts
        if j + 1 >= len(texts) or not words.adjacent(j) or texts[j].startswith("ال") or not texts[j + 1].startswith("ال"):
            return False
        genitive = texts[j + 1]
        return not genitive.endswith("ي") and self._common_word(texts[j]) and self._common_word(genitive)

    def _ordinary_phrase_at(self, words: _Words, j: int) -> bool:
        """Does word j open an ordinary phrase after a name: a verbal noun (بلعيد توقيع اتفاق), or a common
        noun with its indefinite adjective (كرم مدرسة رسمية)? Given names excepted."""
        texts = words.texts
        if texts[j] in self.ordinary.verbal_nouns:
            return self._not_a_given_name(texts[j])
        following = j + 1 < len(texts) and words.adjacent(j) and self._common_adjective(texts[j + 1])
        return following and texts[j] in self.ordinary.nouns and self._not_a_given_name(texts[j])

    def _after_title(self, words: _Words, i: int, role_end: int) -> Mention | None:
        """A name after a title and its role phrase: before the next comma or clause
        boundary (عضو المجلس ... فلان الفلاني، إن), or between commas (مستشار ...، فلان، قد)."""
        norm, texts, starts, ends, gaps = words.norm, words.texts, words.starts, words.ends, words.gaps
        end = min(i + 9, len(texts))
        for j in range(i + 1, end):
            gap = gaps[j]
            if "،" in gap or "," in gap:
                last = self._name_from(words, j)
                if last > j:
                    after = norm[ends[last] : ends[last] + 3]
                    nxt = texts[last + 1] if last + 1 < len(texts) else ""
                    if after.strip()[:1] in ("،", ",", ".", ":") or nxt in ("قد", "ان"):
                        return Mention(starts[j], ends[last], "PERSON")
                boundary = j
                break
            w = texts[j]
            if w in self.cues or bare(w) in ("ان",) or w in ("قد", "ان", "خلال"):
                boundary = j
                break
        else:
            boundary = end if end == len(texts) else -1
        if boundary < i + 3 or boundary - 2 < role_end:
            return None
        first, second = boundary - 2, boundary - 1
        if texts[first - 1] in self.lex.stopwords:
            return None  # باسم رئاسة الوزراء: the complement of a preposition, not the title's name
        if not texts[first].startswith(("ال", "لل")) and self._name_from(words, first) >= second:
            if self._common_phrase(words, first, second) or (self._verb(texts[first]) and texts[second].startswith("ال") and self._common_word(texts[second])):
                return None  # الرئيس سيزور المنطقة: a verb and its object
            return Mention(starts[first] + (words.features[first].name_start or 0), ends[second], "PERSON")  # ورائد: و is no name's
        return None

    def _family_name_after_title(self, words: _Words, i: int) -> Mention | None:
        """A family name alone right after definite title i and before a clause goes on (الوزير سويلم في، الدكتور
        الشمري إن): one word of no dictionary, list or gazetteer."""
        texts, features, n = words.texts, words.features, len(words.texts)
        j = i + 1
        if j >= n or not words.adjacent(i) or (i > 0 and features[i - 1].name_start is not None):
            return None  # خالد الحاج وفداً: the title is the family name of the name before it
        f, w = features[j], texts[j]
        if not f.namey or f.name_start is not None or f.static or f.nisba is not None or f.title or self._common_word(w) or self._verb(w):
            return None
        if w.endswith(("ه", "ا")) and self._common_word(w[:-1]):
            return None  # الوزير نفسه، الحاج وفداً: a noun with its pronoun or its accusative ending
        if j + 1 < n and words.adjacent(j) and texts[j + 1] in self.lex.stopwords and not ANNA.match(texts[j + 1]):
            clause_goes_on = not w.startswith("ال")  # الوزير سويلم في، not المبعوث الأممي إلى
        else:
            clause_goes_on = j + 1 >= n or not words.adjacent(j) or texts[j + 1] in self.cues or bool(ANNA.match(texts[j + 1])) or self._verb(texts[j + 1])
        return Mention(words.starts[j], words.ends[j], "PERSON") if clause_goes_on else None

    def _role_end(self, words: _Words, i: int) -> int:
        """Index of the first word after the role phrase that title word i opens: the construct
        chain of an indefinite title (وزيرة السياحة، مدير مرصد حقوق الإنسان), then definite
        words, known names and prepositional phrases (الأوروبي إلى السودان، في الحزب الاشتراكي)."""
        texts, features = words.texts, words.features
        limit = min(i + ROLE_WINDOW, len(texts))
        j = i + 1
        if not features[i].title_definite:
            while j < limit and words.adjacent(j - 1) and not (features[j].definite or features[j].known) and (
                features[j].namey or features[j].place or features[j].org_head == 0  # رئيس مجلس محافظة ...
            ):
                j += 1
            # up to a definite or known word, or a preposition that goes on with the role (مدير فرع X في
            # بلد); without one, the complement is one name (والي سطيف)
            if j < limit and (features[j].definite or features[j].known):
                j += 1
            elif not (i + 1 < j < limit and texts[j] in ROLE_PREPOSITIONS):
                j = i + 2
        while j < limit and words.adjacent(j - 1):
            f = features[j]
            if j == i + 1 and texts[j] == "باسم":
                j = self._basim_complement_end(words, j + 1, limit)  # الناطق باسم الحكومة: a role, not the given name باسم
                continue
            if f.name_start is not None:
                break
            if f.definite or (f.known and not (j + 1 < limit and texts[j + 1] in CONNECTOR_FORMS)):
                j += 1  # a known name before بن opens the person's name (نايف بن ...)
            elif texts[j] in ROLE_PREPOSITIONS or self._role_complement(words, j):
                j += 2
            elif (offset := f.org_head) is not None and texts[j][offset:] in self.lex.descriptors and (
                last := self._coined_name_end(words, j + 1)
            ) is not None:
                j = last + 1  # مدير لشركة ألستوم: the organisation's coined name goes on with the role
            else:
                break
        return j

    def _basim_complement_end(self, words: _Words, j: int, limit: int) -> int:
        """Index of the word after the organisation named from word j after الناطق باسم: a construct chain of heads, place
        heads and common words up to a definite or known word (حكومة إقليم كردستان، جبهة الشرق; not a name's word)."""
        texts, features = words.texts, words.features
        while j < limit and words.adjacent(j - 1) and not (features[j].definite or features[j].known) and (
            features[j].org_head is not None or features[j].place is not None or self._common_word(texts[j])
        ):
            j += 1
        return j + 1 if j < limit and (features[j].definite or features[j].known) else j

    def _role_complement(self, words: _Words, j: int) -> bool:
        """Does word j open a two-word complement of a role phrase: ل + noun + definite noun
        (لحقوق الإنسان، لشؤون الشرق الأوسط) or و + common noun + definite noun (وشؤون المغتربين)?"""
        texts, features = words.texts, words.features
        if j + 1 >= len(texts) or not words.adjacent(j) or not (features[j + 1].definite or features[j + 1].known):
            return False
        return texts[j][0] == "ل" or (texts[j][0] == "و" and self._common_word(texts[j]))

    def _name_after_role(self, words: _Words, i: int, j: int) -> Mention | None:
        """A name of two or more words starting at word j, right after the role phrase of title word i (`_role_end`)."""
        texts, features = words.texts, words.features
        if j >= min(i + ROLE_WINDOW, len(texts)) or not words.adjacent(j - 1):
            return None
        last = self._name_from(words, j)
        if features[j].name_start is None and j + 1 < last and features[j + 1].name_start == 0 and features[j - 1].org_head == 0:
            j += 1  # النائب عن كتلة X سعيد ...: the one-word name of the bloc, then the person's given name
        if features[j].name_start is None and (
            not (features[j].namey or self._nisba_given_name(words, j)) or features[j].definite or (texts[j][0] in "لب" and self._after_lam(words, j)) or (texts[j][0] == "س" and self._verb(texts[j]) and (last - j < 2 or self._future_verb(texts[j])))
        ):
            return None  # لشؤون الصحة: a preposition opens the rest of the role phrase (not لوكاس); ستواصل: a future verb its predicate
        if features[j].name_start is None and (self._plural_before_its_genitive(words, j) or self._feminine_noun_and_adjective(words, j)):
            return None  # السفير الأميركي تطورات المنطقة، الوزير خطة جديدة: a noun phrase opens the object
        if last == j + 1 and features[j].name_start is None and self._verb(texts[j]) and not self._common_word(texts[j]) and self._common_word(texts[last]):
            return None  # أمير البلاد استقبل الوفد: a verb (and no noun: نجوى) and its object, the predicate

        following = last + 1
        if (
            last - j >= 2
            and features[last].definite
            and texts[last - 1] not in ("عبد", "ابو", "بن", "ابن")
            and following < len(texts)
            and words.adjacent(last)
            and texts[following].startswith("ال")
            and texts[following] != ILA  # الجعدني إلى: إلى is no definite word
        ):
            last -= 1  # كاوه رسول القصف الذي: a definite noun with its adjective or relative opens the predicate
        noun_phrase = texts[j] in self.ordinary.verbal_nouns and not texts[last].endswith("ي") and self._common_phrase(words, j, last)
        if last <= j or noun_phrase:
            return None  # احترام القانون: a verbal noun and its object (but نجوى القباني: a family nisba)
        return Mention(words.starts[j] + (features[j].name_start or 0), words.ends[last], "PERSON")

    def _future_verb(self, word: str) -> bool:
        """Is the word سـ and an imperfect verb of the dictionary (سيلتقي، ستعقد; not the name ستار, a noun too)?"""
        return len(word) > 3 and word[0] == "س" and word[1] in "يتنا" and self._verb(word[1:]) and not self._common_word(word)

    def _feminine_noun_and_adjective(self, words: _Words, j: int) -> bool:
        """Are words j, j + 1 a feminine common noun and its indefinite adjective (خطة جديدة، رؤية شاملة)?"""
        texts = words.texts
        return (
            j + 1 < len(texts) and words.adjacent(j) and texts[j].endswith("ه") and texts[j + 1].endswith("ه")
            and not texts[j + 1].startswith("ال") and self._common_word(texts[j]) and self._common_word(texts[j + 1])
        )

    def _after_lam(self, words: _Words, j: int) -> bool:
        """Is word j, which opens with ل, a preposition and what follows it (لمجمع، لشؤون الصحة، ليبيا as a
        known name), not a name that opens with the letter (لوكاس)?"""
        return words.features[j].known or self._common_word(words.texts[j]) or self._role_complement(words, j)

    def _common_phrase(self, words: _Words, first: int, last: int) -> bool:
        """Are words first..last all common words of the dictionary (توحيد المؤسسات)? Two words found
        only by their place before a clause boundary, far from a title, are then a noun phrase."""
        return all(self._common_word(w) for w in words.texts[first : last + 1] if w not in CONNECTOR_FORMS)

    def _dateline(self, words: _Words) -> Iterator[Mention]:
        """The place (GPE) and the agency, outlet (ORG) or byline (PERSON, from a given name)
        of a dateline that opens the text."""
        m = DATELINE.match(words.norm)
        if not m:
            return
        yield Mention(m.start("place"), m.end("place"), "GPE")
        for agency in ("agency", "agency_after"):
            if m.group(agency) and m.group(agency).strip() not in UNNAMED_AGENCIES:
                place = m.group(agency).strip() in self.static_one_word and self._gpe_name(m.group(agency).strip())
                yield Mention(m.start(agency), m.end(agency), "GPE" if place else "ORG")  # طرابلس (ليبيا) - رويترز
        for outlet in ("quoted", "slashed"):  # بيروت - «النهار»، بغداد/ شفق نيوز-
            if m.group(outlet):
                yield Mention(m.start(outlet), m.end(outlet), "ORG")
        if m.group("quoted") or m.group("agency_after") or m.group("slashed"):
            return  # no byline after an outlet or agency
        texts, starts, ends, gaps = words.texts, words.starts, words.ends, words.gaps
        first = bisect.bisect_left(starts, m.end())
        if first >= len(texts) or texts[first] in self.cues or texts[first] in self.lex.stopwords:
            return
        for k in range(first, min(first + DATELINE_NAME_WORDS + 1, len(texts))):
            ends_here = k > first and ("\n" in gaps[k] or texts[k] in self.cues or texts[k] in self.lex.stopwords)
            if ends_here:
                yield Mention(starts[first], ends[k - 1], self._byline_or_outlet(words, first, k))
                return
            if k > first and not words.adjacent(k - 1):
                return
        if first < len(texts) and len(texts) - first <= DATELINE_NAME_WORDS and not gaps[-1].strip(".\n "):
            yield Mention(starts[first], ends[-1], "ORG")

    def _gpe_name(self, word: str) -> bool:
        """Is `word` (matching form) a one-word place of the static gazetteer?"""
        return any(not rest and label == "GPE" for rest, label, _ in self.static.index.get(word, ()))

    def _byline_or_outlet(self, words: _Words, first: int, end: int) -> str:
        """PERSON for a byline (a given name first, in context; two or more plain words: no article, no
        known place; or a plain word and a family nisba: سعود المطيري), else ORG (الغد العراقي،
        ليبيا برس، وام)."""
        features, texts = words.features, words.texts
        if features[first].name_start is not None and self._name_in_context(words, first):
            return "PERSON"
        if end - first == 2 and not (features[first].definite or features[first].known) and texts[first + 1].startswith("ال") and texts[first + 1].endswith("ي"):
            return "PERSON"
        plain = not any(f.definite or f.known for f in features[first:end])
        return "PERSON" if end - first >= 2 and plain else "ORG"

    def _other_mentions(self, words: _Words, chosen: list[Mention], taken: bytearray) -> Iterator[Mention]:
        """The other mentions of the names found, in one pass over the words: a person by the family name alone
        (الحداد, بن عمور after سليم الحداد, صالح بن عمور), hyphenated as it was (هينيس-بلاسخارت); and every
        other occurrence of a name spelled the same, with its label, as the evidence of one place holds for the
        others (قابس after the dateline's قابس, «داعش» after تنظيم «داعش»). Not dates and nisbas: their
        patterns find each one. `taken`: 1 where a chosen mention lies; no other mention starts in one."""
        norm = words.norm
        names: dict[str, set[tuple[tuple[str, ...], str]]] = {}  # first word → (the words after it, label)
        for m in chosen:
            label = m.label
            if label == "DATE" or label == "NORP":
                continue
            name = norm[m.start : m.end]
            parts = name.split()
            if label == "ORG" and len(parts) >= 2 and parts[-1] in SPORTS_ADJECTIVES:
                names.setdefault(parts[-2], set()).add(((), "ORG"))  # الرجاء after الرجاء الرياضي
            if label == "PERSON":
                first, *rest = parts[-1].split("-")
                particle = next((k for k in range(1, len(parts) - 1) if parts[k] in FAMILY_PARTICLES), None)
                if len(parts) >= 3 and parts[-2] in ("بن", "ابن", "ابو"):
                    names.setdefault(parts[-2], set()).add(((parts[-1],), "PERSON"))
                elif particle is not None:
                    names.setdefault(parts[particle], set()).add((tuple(parts[particle + 1 :]), "PERSON"))
                elif len(parts) >= 2 and len(first) >= 3 and first not in self.not_name:
                    names.setdefault(first, set()).add((tuple(rest), "PERSON"))
            if "-" not in name and not (len(parts) == 1 and name in self.static_one_word):  # the gazetteer finds those
                names.setdefault(parts[0], set()).add((tuple(parts[1:]), label))
        if not names:
            return
        texts, ends, n = words.texts, words.ends, len(words.texts)
        spelled = frozenset().union(*map(spellings, names))
        hits = spelled.intersection(texts)
        for i in [i for i, word in enumerate(texts) if word in hits and not taken[ends[i] - 1]]:
            for offset, form in variants(texts[i]):
                found = [
                    (i + len(rest), label) for rest, label in names.get(form, ())
                    if i + len(rest) < n and tuple(texts[i + 1 : i + len(rest) + 1]) == rest
                    and all(words.adjacent(k) or words.hyphenated(k) for k in range(i, i + len(rest)))
                ]
                if found:
                    last, label = max(found, key=lambda match: (match[0], match[1] == "PERSON", match[1]))  # the longest; a person on a tie
                    yield Mention(words.starts[i] + offset, words.ends[last], label)
                    break

    # -- spaCy component ------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        set_doc_value(doc, "qawl_entities", self.find(doc_text(doc), doc_value(doc, "qawl_doc_id") or "", doc_norm(doc)))
        return doc

    def to_disk(self, path: Path, *, exclude: tuple[str, ...] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "gold_gazetteer.json").write_text(
            json.dumps(self.gold.entries(), ensure_ascii=False, indent=0), encoding="utf-8"
        )

    def from_disk(self, path: Path, *, exclude: tuple[str, ...] = ()) -> EntityRecognizer:
        self.gold = Gazetteer()
        for phrase, label, docs in json.loads((Path(path) / "gold_gazetteer.json").read_text(encoding="utf-8")):
            self.gold.add(phrase, label, docs)
        return self


@Language.factory("qawl_entities", default_config={"annotations_dir": None})
def make_entities(nlp: Language, name: str, annotations_dir: str | None) -> EntityRecognizer:
    """The entity component; `annotations_dir` feeds the gold gazetteer when given."""
    recognizer = EntityRecognizer()
    if annotations_dir:
        recognizer.learn(Path(annotations_dir))
    return recognizer
