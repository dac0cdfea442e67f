"""Quote pre-annotation (PARC-style): content, cue, speaker and outlet, as the component "qawl_quotes".

Patterns, per sentence of `qawl.segment.split_sentences`:

- verb cue, subject, complementizer: وقال الوزير إن ... / وأشار إلى أن ... (dropped subject:
  the previous speaker) / X، قال لـ«outlet» إن ... (subject before the verb);
- adverbial cue after a clause: ...، مبيناً أن ... (same speaker as the clause);
- colon-introduced: وقال X: «...» / X: «...» at the start of a sentence;
- quote first: «...»، قال X;
- على لسان X / نقل عن X (قوله); بحسب X at the end or, before a comma, at the start of the sentence;
- a governed preposition before the content (أعلن عن، دعا X إلى، حذر من، شدد على، طالب بـ);
- وكان X قد أعلن ...، أعلنت <name> <noun phrase>, and adverbial cues with a noun-phrase object (مؤكداً نهاية ...);
- passive cues (قيل إن ...): an unknown speaker;
- a sentence wholly in quotation marks after a quote whose content ends its sentence, or inside a quotation
  left open: the quote goes on, its content now crossing sentences (guidelines §3.5.1); after narration, a
  sentence in marks is a cue-less quote of its own;
- «...»، قال X، «...» and X، بحسب Y، ...: a quotation opened without a cue and resumed after the frame is one
  quote with `parts` (guidelines §3.5.2); after «...» that has a cue before it, the stretch after وأضاف is a new quote;
- a past verb of telling inside a content, with its subject and a complementizer of its own (قال إن السفير أبلغه
  أن ...): a quote nested in that quote (`source`, guidelines §3.1); views and promises stay part of the content.

Speakers: after the cue (VSO, an apposition after the role, a title with a place), fronted
(غير أن X قال), the main verb's for a participle, else the dropped subject's antecedent: the
previous quote's speaker, or the closest name before.

Content is direct when fully quoted, mixed when it holds a quotation of three or
more words, else indirect. The speaker's entity is the entity mention inside the
speaker mention (a person first); a role-only mention ("مسؤول حكومي") is anonymous.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from operator import attrgetter
from typing import Any, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from qawl.annotate.entities import WORD_CACHE_SIZE, Mention, bare, doc_norm, doc_text, doc_value, set_doc_value, variants
from qawl.annotate.lexicon import cue_forms, lexicons, ordinary_words, verb_forms
from qawl.annotate.text import NormText, marks_end, normalize
from qawl.segment import NON_SPACE, paragraphs, sentence_spans

if not Doc.has_extension("qawl_quotes"):
    Doc.set_extension("qawl_quotes", default=None)

QUOTE_MARK = re.compile('"')
WORD = re.compile(r"\S+")
QUOTED_TEXT = re.compile(r'"([^"]+)"')  # what a quotation holds, if anything
SPEAKER_LABELS = ("PERSON", "ORG", "GPE", "NORP")
MAX_SPEAKER_WORDS = 14
# Definite role descriptions that refer back to a named person (القيادي في ...، المتحدث ...).
TITLE_HEADS = frozenset(
    normalize(w) for w in ["قيادي", "متحدث", "ناطق", "وزير", "رئيس", "مسؤول", "نائب", "عضو", "سفير", "مستشار", "زعيم", "قائد"]
)
MIXED_MIN_WORDS = 3
PLACE_LABELS = ("GPE", "LOC")
TITLE_LINKS = frozenset(normalize(w) for w in ["عن", "في", "إلى", "على", "لدى"])  # النائب عن ..., القيادي في ...
TITLE_PREPOSITIONS = frozenset(normalize(w) for w in ["إلى", "على"])  # المبعوث إلى ..., المشرف على ...
# A name in apposition between commas, then nothing but the complementizer that follows the segment.
APPOSITION = re.compile(r"\s*([^،,:;\"]+?)\s*[،,]\s*")
MAX_APPOSITION_WORDS = 5
# Stopwords that may open a subject phrase: quantifiers (بعض النواب، كل من ...) and kinship words (أم محمد).
# عدم كشف اسمه، بعدم ذكر ...: after the noun of negation a cue word is its verbal noun, no verb of saying
NEGATING_NOUNS = frozenset(normalize(p + "عدم") for p in ["", "و", "ب", "ل", "وب"])
RELATIVE_PRONOUNS = frozenset(normalize(w) for w in ["الذي", "التي", "الذين", "اللذين", "اللتين", "اللواتي"])
SUBJECT_OPENERS = frozenset(normalize(w) for w in ["بعض", "كل", "جميع", "معظم", "أغلب", "أم"])
# Indefinite heads of a source that is never the person or organisation named in its description (مصادر في مكتب فلان).
ANONYMOUS_SOURCES = frozenset(normalize(w) for w in ["مصدر", "مصادر", "مقرب", "مقربون", "مقربين", "أوساط", "جهات"])
ANONYMOUS_OPENINGS = ("مص", "مق", "جه", "أو", "او")  # how the words of ANONYMOUS_SOURCES begin, as written
STATEMENTS = frozenset(normalize(w) for w in ["بيان", "تصريح", "تصريحات", "رسالة", "بلاغ", "منشور", "تغريدة"])
OPENING_PHRASE_WORDS = 4  # words of an adverbial phrase that may open a sentence before its comma (من جهته، وفي سياق متصل،)
DROPPED_SUBJECT_LOOKBACK = 8  # names before a dropped subject searched for its antecedent
CLAUSE_OBJECT = re.compile(r"(?<!\S)(?:عن|من)(?!\S)")
CLOSING_PUNCTUATION = " \t.!?؟…"
FRONTED_WINDOW, MAX_FRONTED_WORDS = 80, 6  # characters before a verb cue searched for a fronted subject; its words
SUBJECT_NAME_WITHIN = 4  # words after a cue where its subject's name may start (after a title: وزير الإعلام فلان)
NOT_AN_OBJECT = frozenset([normalize("لسان")])  # أكد على لسان X أن ...: the speaker follows, not the content
PARTICIPLE_ENDINGS = ("ا", "ه", "ين")  # مؤكدا(ً)، مؤكدة، مؤكدين after normalisation
# Neither the phrases nor the name of «...، بحسب X» hold one of these (a final full stop aside).
ACCORDING_SEPARATORS = "،,."
# Words before أن that open a contrast (غير أن، إلا أن، بيد أن): a clause of the author's, not a reported one.
CONTRASTS = frozenset(normalize(w) for w in ["غير", "إلا", "بيد"])
# A comma and a conjunction that end a content where the next cue starts (...، فيما اعتبر X أن ...): they open the
# next cue's clause, not what the first reports.
NEXT_CLAUSE_OPENING = re.compile(r"[،,]\s*(?:" + "|".join(normalize(w) for w in ["فيما", "بينما", "في حين", "حين", "لكن", "ولكن"]) + r")\s*$")
# Verbs of telling whose past forms, inside a quote's content with a subject and a complementizer of their own, report a
# specific act of communication: a quote nested in it (guidelines §3.1); opinions and promises (تعتبر، تعهد) stay inside.
TELLING_VERBS = tuple(normalize(w) for w in ["قال", "أكد", "أبلغ", "أخبر", "أفاد", "أوضح", "ذكر", "كشف", "أعلن", "صرح"])
TELLING_ENDINGS = ("", "ت", "وا", "ا", "تا")  # قال، قالت، قالوا، قالا، قالتا
POSSESSIVE_SUFFIXES = ("هما", "هم", "ها", "ه")  # longest first
OBJECT_SUFFIXES = ("", "ه", "ها", "هم", "ني", "نا")  # أبلغه، أبلغوهم (the suffix on the verb)
COMPLEMENT_PREPOSITIONS = frozenset(normalize(w) for w in ["عن", "إلى", "على", "من"])  # إعلان الوزارة عن ...، دعوة الحزب إلى ...
B_NOT_OBJECT = frozenset(normalize(w) for w in ["بحسب", "بشأن", "بعد", "بين", "بسبب", "بدوره", "بدورها", "بقيادة"])


@dataclass
class Span:
    """A [start, end) span in the original document."""

    start: int
    end: int


@dataclass
class Speaker:
    kind: str
    mention: Span | None
    entity: Mention | None


@dataclass
class Quote:
    """One attribution: content, cue, speaker, outlet (document offsets)."""

    type: str
    content: Span
    cue: Span | None
    speaker: Speaker
    outlet: Span | None = None
    parts: list[Span] | None = None  # a discontinuous quotation's quoted stretches, in text order (None: `content` whole)
    source: Quote | None = None  # the quote whose content reports this one (nested attribution), if any


@dataclass
class _Sentence:
    """A sentence in matching form, with its words.

    `norm` is the slice [base, base + len(norm)) of the document's matching form
    `nt.norm`: a sentence is bounded by whitespace, so normalising it alone gives
    the same string, and mapping through the document gives the same offsets.
    """

    nt: NormText
    base: int
    norm: str
    texts: list[str]  # the words' text
    starts: list[int]  # the words' [start, end) in `norm`
    ends: list[int]
    gaps: list[str]  # gaps[j]: what separates word j - 1 from word j (j ≥ 1)

    def span(self, a: int, b: int) -> Span:
        return Span(*self.nt.span(self.base + a, self.base + b))

    @cached_property
    def marks(self) -> list[int]:
        """Where the quotation marks '"' of `norm` are, in order."""
        return [m.start() for m in QUOTE_MARK.finditer(self.norm)]

    def quoted(self, position: int) -> bool:
        """Is `position` after a quotation's opening mark and at or before its closing one ("..." pairs
        from the left)? A bisect, not a scan of the quotations: a sentence with a quotation per word stays linear."""
        marks = self.marks
        before = bisect.bisect_left(marks, position)  # marks before `position`
        # an odd count: the last one opens a pair; it is closed if a mark follows
        return before % 2 == 1 and before < len(marks)

    def mark_before(self, position: int) -> int:
        """The last quotation mark before `position`, or -1 (`norm.rfind('"', 0, position)` in log time)."""
        at = bisect.bisect_left(self.marks, position)
        return self.marks[at - 1] if at else -1


class _Located(NamedTuple):
    """A quote's content [start, end), type and cue [cue_start, cue_end) in sentence matching form;
    `segment_end` bounds the speaker phrase after the cue."""

    type: str
    start: int
    end: int
    cue_start: int
    cue_end: int
    segment_end: int


def _trimmed_end(text: str, end: int, chars: str | None) -> int:
    """len(text[:end].rstrip(chars)), stepping back from `end` instead of copying the head."""
    while end and (text[end - 1].isspace() if chars is None else text[end - 1] in chars):
        end -= 1
    return end


def _is_stopword(word: str) -> bool:
    """Is the word, or the word after its conjunction و/ف (وفي، فمن), a stopword?"""
    stopwords = lexicons().stopwords
    return word in stopwords or (word[:1] in "وف" and word[1:] in stopwords)


def _skip_spaces(text: str, position: int) -> int:
    """The first position from `position` on that is not whitespace (`len(text)` if none)."""
    found = NON_SPACE.search(text, position)
    return found.start() if found else max(position, len(text))


def _is_verbal_noun(word: str) -> bool:
    """Is the word (matching form) a verbal noun, alone or with a possessive pronoun (استقالته، مشاركتها، تورطهم)?"""
    verbal_nouns = ordinary_words().verbal_nouns
    if word in verbal_nouns:
        return True
    for suffix in POSSESSIVE_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            return (stem[:-1] + "ه" if stem.endswith("ت") else stem) in verbal_nouns  # مشاركت → مشاركه (ة)
    return False


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of the sentences of `split_sentences(text)`, without the ids it hashes."""
    return [(p_start + start, p_start + end) for p_start, p_end in paragraphs(text) for start, end in sentence_spans(text[p_start:p_end])]


def _with_proclitic_spellings(forms: list[str]) -> frozenset[str]:
    """Every word whose first two `variants` can be one of `forms`: the form itself, after a proclitic
    و ف ب ك ل, and ال written لل after ل. A word outside this set needs no lookup of its readings."""
    spellings = {spelling for form in forms for spelling in (form, *(proclitic + form for proclitic in "وفبكل"))}
    spellings |= {"ل" + form[1:] for form in forms if form.startswith("ال")}
    return frozenset(spellings)


def _join(quote: Quote, continuation: Quote, closed: bool) -> None:
    """Make `quote` go on with the content of a cue-less `continuation` in a later sentence (guidelines §3.5.1): one
    content up to the continuation's end; direct if both are, else mixed (a reported sentence continued verbatim),
    whose content ends with the closing mark (`closed`: one follows the continuation, §3.4). In place: the quotes
    nested in it keep it as their source."""
    quote.type = "direct" if quote.type == continuation.type == "direct" else "mixed"
    end = continuation.content.end + (quote.type == "mixed" and closed)
    quote.content = Span(quote.content.start, end)
    if quote.parts:
        quote.parts[-1] = Span(quote.parts[-1].start, end)


def _with_object(form: str, suffix: str) -> str:
    """A verb form with an object pronoun: أبلغ + هم, and the plural's alef dropped before it (أبلغوا + ه → أبلغوه)."""
    return form[:-1] + suffix if suffix and form.endswith("وا") else form + suffix


def _inflected_cue_forms(cues: dict[str, Any]) -> dict[str, str]:
    """Verb cue forms beyond `cue_forms`: the future of the present forms (سيعلن، ستؤكد) and the verbs of telling with an
    object pronoun (أبلغهم، أبلغوه)."""
    future = {"س" + form for form in verb_forms([], cues["present"])}
    telling = verb_forms(cues["object_pronoun"]["past"], cues["object_pronoun"]["present"])
    return dict.fromkeys(future | {_with_object(form, suffix) for form in telling for suffix in OBJECT_SUFFIXES[1:]}, "verb")


def _regex_alternation(phrases: list[str]) -> str:
    return "|".join(re.escape(normalize(p)) for p in sorted(phrases, key=len, reverse=True))


class QuoteExtractor:
    """Finds quotes sentence by sentence and resolves their speakers."""

    def __init__(self) -> None:
        self.text = ""
        self.nt = NormText.of("")
        self.entities: list[Mention] = []
        self.entity_starts: list[int] = []
        self.last_person: Mention | None = None
        cues = lexicons().cues
        self.cue_forms = cue_forms() | _inflected_cue_forms(cues)
        self.complementizers = frozenset(normalize(c) for c in cues["complementizers"])
        self.objects = {normalize(k): {normalize(v) for v in vs} for k, vs in cues["adverbial_with_object"].items()}
        self.passive = frozenset(normalize(w) for w in cues["passive"])
        objects = [form for stem in self.objects for form in (stem, stem + "ا")]
        # a verbal noun spelt like no verb form (نفي is نفى normalised); مطالبة is a participle's too
        self.statement_spellings = _with_proclitic_spellings(list(STATEMENTS))  # وفي بيان، ببيان
        self.verbal_nouns = frozenset(normalize(w) for w in cues["verbal_nouns"]["words"] if self.cue_forms.get(normalize(w)) != "verb")
        self.may_be_cue = _with_proclitic_spellings([*self.cue_forms, *self.passive, *objects, *self.verbal_nouns])
        self.speech_nouns = frozenset(normalize(w) for w in cues["speech_nouns"])
        statement = _regex_alternation(cues["statement_phrases"])
        outlet_heads = _regex_alternation(cues["outlet_heads"])
        days = _regex_alternation(list(lexicons().days))
        addressees = _regex_alternation(cues["addressees"])  # للصحافيين: no outlet, no part of the speaker (guidelines §3.8)
        # Where a speaker phrase ends: comma, colon, quote, outlet, statement phrase, preposition.
        self.speaker_stop = re.compile(
            rf'[،,:;(]|(?<!\w)ل\s*"|(?<!\w)(?:[وف]?(?:{statement})|ل(?:{outlet_heads})|(?:{addressees}|{days}|الي|علي|خلال(?:ه|ها|هم)?|امس|اليوم|يوم)(?!\w))'
        )
        self.statement_of = re.compile(r"(?<!\w)(?:بيان|تصريح|رساله)\s+(?:صادر\s+عن\s+|ل(?=ل))(?P<who>[^،,:]+?)\s*(?=$|[،,:]|(?<!\w)(?:في|بمناسبه|حول|بشان)(?!\w))")
        self.according = re.compile(rf"[،,]?\s*(?<!\w)(?:{_regex_alternation(cues['according_to'])})\s*(?P<who>[^،,.]+)\s*[.]?\s*$")
        # وبحسب X، ...: the source first, then the content
        self.according_first = re.compile(rf"\s*[وف]?(?P<cue>{_regex_alternation(cues['according_to'])})\s*(?P<who>[^،,.:\"]+?)\s*[،,]\s*")
        # X، بحسب Y، ...: a statement cut by its source (guidelines §3.5.2, hard case 3)
        self.according_inside = re.compile(
            rf"\s*(?P<first>[^\s،,.:;\"][^،,.:;\"]*?)\s*[،,]\s*(?P<cue>{_regex_alternation(cues['according_to'])})\s*(?P<who>[^،,.:\"]+?)\s*[،,]\s*"
        )
        # `according` can only match where one of its phrases occurs: looking for them first is cheaper.
        self.according_phrases = tuple(normalize(p) for p in cues["according_to"])
        assert not any(set(p) & set(ACCORDING_SEPARATORS) for p in self.according_phrases)  # see `_according`
        # In the patterns below, a lookbehind (no word character before) comes after the literal
        # it guards: a literal first lets `re` skip ahead to each occurrence of it.
        self.what_was_said = re.compile(r"ما\s+\S+\s+(?:(?:به|بها)\s+)?")
        self.on_tongue = re.compile(r"علي(?<!\wعلي) لسان\s+(?P<who>[^،,:]+)")
        self.from_saying = re.compile(r"عن(?<!\wعن)\s+(?P<who>[^،,:]+?)\s+(?:" + "|".join(self.speech_nouns) + r")(?!\w)")
        self.was_subject = re.compile(r"^(?:[وف]?(?:كان|كانت|كانوا))\s+(?P<who>.+?)\s+(?:قد|لقد)\s*$")
        self.topic = re.compile(r"\s*و?اما\s+(?P<who>[^،,:;]+?)\s*$")  # أما X فقال ...: the topic before ف is the subject
        self.fronted_subject = re.compile(r'(?<![^\s"])[وف]?(?:ان|لكن|بينما|فيما)\s+(?P<who>[^\s،,:;"\-–][^،,:;"\-–]*?)\s+$')
        self.telling = frozenset(_with_object(verb + ending, suffix) for verb in TELLING_VERBS for ending in TELLING_ENDINGS for suffix in OBJECT_SUFFIXES)
        # with an object pronoun (أبلغه، أخبرها): no cue of the lexicon, a cue only inside a content (nested)
        self.told = frozenset(form for form in self.telling if form not in self.cue_forms)
        self.may_be_cue_or_told = self.may_be_cue | self.told  # one lookup per word
        self.relays = frozenset(verb_forms(cues["relay"]["past"], cues["relay"]["present"]))
        self.relayed_from = re.compile(r"عن(?<!\wعن)\s+(?P<who>[^،,:]+?)\s*$")
        self.gendered = self._gendered_forms(cues)
        self.gender_of: dict[str, str | None] = {}  # caches, per cue word, of `_gender` and `_prepositions`
        self.prepositions_of: dict[str, frozenset[str]] = {}
        self.last_by_gender: dict[str, Speaker] = {}  # the last speaker of a cue of each gender in the document
        self.last_gender: str | None = None  # the gender of the last speaker's cue, if it shows one
        self.earlier_subject = re.compile(r'\s*[وف]?(?:كان|كانت|كانوا)\s+(?P<who>[^\s،,:"][^،,:"]*?)\s+(?:قد|لقد)(?!\w)')
        self.initial_subject = re.compile(r'\s*(?P<who>[^\s،,:;"\-–][^،,:;"\-–]*?)\s+$')
        self.narration = re.compile(r"[،,]\s*(?:" + _regex_alternation(cues["narration_resumes"]) + r")(?!\w)")
        self.np_object = frozenset(verb_forms(cues["noun_phrase_object"]["past"], cues["noun_phrase_object"]["present"]))
        self.governed = self._governed_prepositions(cues["b_object"], cues["complement_prepositions"])
        self.quoted_outlet = re.compile(r'ل(?<!\wل)\s*"([^"]+)"')
        self.named_outlet = re.compile(rf"ل(?<!\wل)((?:{outlet_heads})\s+[^،,:]+?)\s*(?=$|[،,:])")
        self.headline_colon = re.compile(r'^(?P<who>[^:"،]{2,60}?)\s*:\s*(?="|\w)')

    # -- cues -----------------------------------------------------------------------

    def _cue_kind(self, s: _Sentence, i: int) -> str | None:
        """The kind of cue word i is ("verb", "adverbial", "passive", "masdar"), or None; only a word of `may_be_cue` can be one.
        A feminine participle that is no حال of its own (`_adverbial_stands`) may be a verbal noun (بعد مطالبة النقابة بـ ...)."""
        texts = s.texts
        word = texts[i]
        for offset, form in variants(word)[:2]:
            kind = self.cue_forms.get(form)
            if kind is None:
                kind = "passive" if form in self.passive else "masdar" if form in self.verbal_nouns else None
            if kind is None:
                stem = form[:-1] if form.endswith("ا") else form
                if stem in self.objects and i + 1 < len(texts) and texts[i + 1] in self.objects[stem]:
                    kind = "adverbial"
            if kind == "adverbial" and not self._adverbial_stands(s, i):
                return "masdar" if form in self.verbal_nouns else None
            if kind:
                return kind
        return None

    @staticmethod
    def _governed_prepositions(b_object: list[str], table: dict[str, dict[str, list[str]]]) -> dict[str, frozenset[str]]:
        """Cue form (verb form or participle stem) → the prepositions that introduce its content."""
        governed: dict[str, set[str]] = {form: {"ب"} for form in verb_forms(b_object, [])}
        for preposition, cues in ((normalize(p), c) for p, c in table.items() if not p.startswith("_")):
            forms = verb_forms(cues["past"], cues["present"]) | {normalize(stem) for stem in cues["participle"]}
            for form in forms:
                governed.setdefault(form, set()).add(preposition)
        return {form: frozenset(prepositions) for form, prepositions in governed.items()}

    def _prepositions(self, cue: str) -> frozenset[str]:
        """The prepositions that introduce the content of cue word `cue` (its proclitic و/ف and a participle's ending aside)."""
        found = self.prepositions_of.get(cue)
        if found is None:
            stems = (
                stem for _, form in variants(cue)[:2] for stem in (form, *(form[: -len(end)] for end in PARTICIPLE_ENDINGS if form.endswith(end)))
            )
            found = next((self.governed[stem] for stem in stems if stem in self.governed), frozenset())
            if len(self.prepositions_of) < WORD_CACHE_SIZE:
                self.prepositions_of[cue] = found
        return found

    def _entity_at(self, s: _Sentence, position: int) -> Mention | None:
        """The entity that starts at `position` of `s.norm`, if one does."""
        start = s.span(position, position + 1).start
        at = bisect.bisect_left(self.entity_starts, start)
        return self.entities[at] if at < len(self.entity_starts) and self.entity_starts[at] == start else None

    def _starts_entity(self, s: _Sentence, position: int, labels: tuple[str, ...]) -> bool:
        """Does an entity with one of `labels` start at `position` of `s.norm`?"""
        entity = self._entity_at(s, position)
        return entity is not None and entity.label in labels

    def _last_word_of(self, s: _Sentence, j: int, entity: Mention, stop: int) -> int:
        """The index of the last word before `stop` of `entity`, which starts at word j."""
        while j + 1 < stop and s.span(s.starts[j + 1], s.ends[j + 1]).end <= entity.end:
            j += 1
        return j

    def _named_subject_end(self, s: _Sentence, i: int, stop: int) -> int | None:
        """Where the named subject of verb cue word i ends, if the cue takes a noun-phrase object
        (أعلنت وزارة الصحة تسجيل ...): the end of the first name within a few words after the cue
        (a title before it: نفى وزير الإعلام فلان ...), in `s.norm`; None if there is none.
        A first name that is not a person's may belong to the title of a person named after it
        (نفى المتحدث باسم الوزارة فلان، أعلن مدير شركة X المهندس فلان): the subject then ends with the person."""
        if not any(form in self.np_object for _, form in variants(s.texts[i])[:2]):
            return None
        titled = self._person_ending_title(s, i, stop)
        if titled is not None:
            return s.ends[titled]
        for j in range(i + 1, min(stop, i + 1 + SUBJECT_NAME_WITHIN)):
            entity = self._entity_at(s, s.starts[j])
            if entity is not None and entity.label in SPEAKER_LABELS:
                last = self._last_word_of(s, j, entity, stop)
                if entity.label != "PERSON":
                    last = self._titled_person_end(s, last, stop)
                return s.ends[last]
        return None

    def _verbal_noun_object_follows(self, s: _Sentence, i: int, stop: int) -> bool:
        """Is verb cue word i, with و/ف and a noun-phrase object (وأعلنت افتتاح قسم ...), followed by that object: a
        verbal noun that starts no name (so no subject comes between)?"""
        if i + 1 >= stop or not self._cue_offset(s.texts[i]) or not any(form in self.np_object for _, form in variants(s.texts[i])[:2]):
            return False
        word = s.texts[i + 1]
        return _is_verbal_noun(word) and not _is_stopword(word) and self._entity_at(s, s.starts[i + 1]) is None

    def _person_ending_title(self, s: _Sentence, i: int, stop: int) -> int | None:
        """The last word of the person that ends a title phrase opening the subject of cue word i, if one does
        (أعلن المدير العام لشركة X فلان، أعلن قائد شرطة المحافظة اللواء فلان، كشف النائب عن كتلة X فلان): after the
        title only title words, names, definite words, ل-genitives, a preposition between a title and a name, and the
        genitive of an indefinite title; a definite title's indefinite word is the object (أعلن الوزير استقبال ...)."""
        titles = lexicons().titles
        if i + 1 >= stop or s.texts[i + 1] not in titles:
            return None
        genitive_may_follow = False  # after an indefinite title (قائد شرطة، ممثل مؤسسة)
        j = i + 1
        while j < min(stop, i + 1 + MAX_SPEAKER_WORDS):
            word, entity = s.texts[j], self._entity_at(s, s.starts[j])
            if entity is not None:
                last = self._last_word_of(s, j, entity, stop)
                if entity.label == "PERSON":
                    return last
                j, genitive_may_follow = last + 1, False
                continue
            if word in titles:
                genitive_may_follow = not word.startswith("ال")
            elif word in TITLE_LINKS and s.texts[j - 1] in titles and j + 1 < stop and self._entity_at(s, s.starts[j + 1]):
                genitive_may_follow = False  # النائب عن كتلة X، القيادي في حزب X: a name follows (كشف الوزير عن مشروع ...: no)
            elif word.startswith(("ال", "ل")) or genitive_may_follow:
                genitive_may_follow = False
            else:
                return None
            j += 1
        return None

    def _titled_person_end(self, s: _Sentence, last: int, stop: int) -> int:
        """The last word of a person named right after word `last`, title words aside (المهندس فلان); else `last`."""
        titles = lexicons().titles
        k = last + 1
        while k < stop and s.texts[k] in titles:
            k += 1
        person = self._entity_at(s, s.starts[k]) if k < stop else None
        return self._last_word_of(s, k, person, stop) if person is not None and person.label == "PERSON" else last

    @staticmethod
    def _gendered_forms(cues: dict[str, Any]) -> dict[str, str]:
        """Cue form → "f" or "m", for the forms that show the gender of their subject (قالت، تقول، مؤكدة / قال، يقول، مؤكداً)."""
        past = [normalize(p) for p in cues["past"]]
        forms: dict[str, set[str]] = {}
        for p in past:
            base = p[:-1] if p[-1] in "يا" else p
            if not (p.endswith("ت") and p[:-1] in past):  # أكدت is listed beside أكد: it is the feminine
                forms.setdefault(p, set()).add("m")
            forms.setdefault(base + "ت", set()).add("f")
        for f in map(normalize, cues["present"]):
            forms.setdefault(f, set()).add("m")
            forms.setdefault("ت" + f[1:], set()).add("f")
        for stem in map(normalize, cues["adverbial"]):
            forms.setdefault(stem + "ا", set()).add("m")
            forms.setdefault(stem + "ه", set()).add("f")
        return {form: genders.pop() for form, genders in forms.items() if len(genders) == 1}  # لفت: both, so neither

    def _gender(self, cue: str) -> str | None:
        """"f" or "m" when the cue word shows its subject's gender, else None."""
        if cue not in self.gender_of:
            gender = next((self.gendered[f] for _, f in variants(normalize(cue))[:2] if f in self.gendered), None)
            if len(self.gender_of) >= WORD_CACHE_SIZE:
                return gender
            self.gender_of[cue] = gender
        return self.gender_of[cue]

    def _adverbial_stands(self, s: _Sentence, i: int) -> bool:
        """Is adverbial cue word i a حال of its own: after a comma or و/ف (، مطالبةً بـ ...، ومؤكداً), or with the accusative
        alef (مؤكداً)? Otherwise a feminine or plural participle is a predicate (إن الشركة مطالبة بتسديد ...)."""
        return s.texts[i].endswith("ا") or "،" in s.gaps[i] or "," in s.gaps[i] or self._cue_offset(s.texts[i]) == 1

    def _cue_offset(self, word: str) -> int:
        """1 when the cue carries the proclitic و/ف (left outside the cue span), else 0."""
        if word not in self.cue_forms and word[:1] in "وف" and word[1:] not in ("",):
            stem = word[1:-1] if word.endswith("ا") else word[1:]
            if word[1:] in self.cue_forms or word[1:] in self.passive or stem in self.objects:
                return 1
        return 0

    # -- extraction -----------------------------------------------------------------

    def find(
        self, text: str, entities: list[Mention], nt: NormText | None = None, sentences: list[tuple[int, int]] | None = None
    ) -> list[Quote]:
        """All quotes of a document, in text order.

        `nt`: its NormText, and `sentences`: the (start, end) of its `split_sentences` sentences, if known.
        """
        nt = nt or NormText.of(text)
        self.text, self.nt = text, nt
        self.last_person = None
        entities = sorted(entities, key=attrgetter("start"))  # flat, so sorted by end too
        self.entities = entities
        self.entity_starts = [e.start for e in entities]
        quotes: list[Quote] = []
        last: Speaker | None = None
        self.last_by_gender = {}
        last_gender: str | None = None
        if sentences is None:
            sentences = _sentence_bounds(text)
        previous: Quote | None = None  # the previous sentence's last quote, which the sentence may continue
        previous_sentence: _Sentence | None = None
        open_before = False  # is a quotation of `previous` still open?
        resumed_from: Quote | None = None  # the last quote, when the sentence before is the one sentence of narration after it
        narrated: Speaker | None = None  # whom the sentences since the last quote are about, if one of them says
        for s in self._sentences(nt, sentences):
            self.last_gender = None if narrated else last_gender  # the narrated subject's gender is not known
            found = self._sentence_quotes(s, entities, narrated or last)
            if not found and previous is not None:
                continuation = self._continuation(s, previous.speaker, open_before)
                if continuation is not None and (open_before or self._ends_its_sentence(previous, previous_sentence)):
                    after = s.nt.norm_offset(continuation.content.end) - s.base
                    _join(previous, continuation, closed=s.norm[after : after + 1] == '"')
                    open_before = self._leaves_open(s, open_before)
                    previous_sentence, resumed_from = s, None
                    continue
                found = [continuation] if continuation else []
            if not found and resumed_from is not None and previous_sentence is not None:
                resumed = self._continuation(s, self._mentioned_since(resumed_from.speaker, previous_sentence), False)
                found = [resumed] if resumed else []
            if found:
                narrated = None
            else:
                narrated = self._narrated_subject(s, first_quote=last is None) or narrated
            open_before = bool(found) and self._leaves_open(s, open_before)
            quotes += found
            found = [quote for quote in found if quote.source is None]  # a nested quote is neither continued nor a speaker to go on from
            resumed_from = None if found else previous
            previous = found[-1] if found else None
            previous_sentence = s
            for quote in found:
                if quote.speaker.kind != "unknown":
                    last = quote.speaker
                    last_gender = self._gender(text[quote.cue.start : quote.cue.end]) if quote.cue else last_gender
                    if last_gender:
                        self.last_by_gender[last_gender] = last
                if quote.speaker.entity is not None and quote.speaker.entity.label == "PERSON":
                    self.last_person = quote.speaker.entity
        return quotes

    def _mentioned_since(self, speaker: Speaker, s: _Sentence) -> Speaker:
        """`speaker` with its closest mention in sentence `s` (guidelines §3.7 rule 3): the last name of `s` with its
        entity's label that is, or is part of, the speaker's name (الحلو after سامي الحلو); else `speaker` as it is."""
        if speaker.entity is None:
            return speaker
        name = normalize(self.text[speaker.entity.start : speaker.entity.end]).split()
        start, end = s.span(0, 0).start, s.span(len(s.norm), len(s.norm)).end
        inside = self.entities[bisect.bisect_left(self.entity_starts, start) : bisect.bisect_left(self.entity_starts, end)]
        for entity in reversed(inside):
            words = normalize(self.text[entity.start : entity.end]).split()
            if entity.label == speaker.entity.label and any(name[k : k + len(words)] == words for k in range(len(name))):
                return Speaker("named", Span(entity.start, entity.end), entity)
        return speaker

    def _narrated_subject(self, s: _Sentence, first_quote: bool, end: int | None = None) -> Speaker | None:
        """The subject of a sentence that opens with a verb (استقبل وزير النقل فلان الوفد), after a short adverbial
        phrase and its comma if one opens it (وفي سياق متصل، التقى ...): a person named right after it or after the
        title that follows it, an organisation right after it, or (`first_quote`: no speaker to go on from) that title
        itself (زار وزير الزراعة المحافظة). A dropped subject after it refers to it. Words from `end` on are not read.
        None if the sentence shows none."""
        texts = s.texts
        n = end if end is not None else len(texts)  # the words read, not a copy of them
        v = 0  # the verb's word: after the comma of an opening phrase, if one ends in the first few words
        for j in range(1, min(n, OPENING_PHRASE_WORDS + 1)):
            if "،" in s.gaps[j] or "," in s.gaps[j]:
                v = j
                break
        if n < v + 2 or _is_stopword(texts[v]) or self._entity_at(s, s.starts[v]) is not None:
            return None
        head = texts[v + 1]
        titled = head in TITLE_HEADS or bare(head) in TITLE_HEADS or head in lexicons().titles  # وزير is not و + زير
        # a person right after the verb or after a title, or an organisation right after the verb (أصدرت وزارة الصحة بياناً);
        # not a name further on (ندد المتظاهرون بقرار الوزير فلان)
        for j in range(v + 1, min(n, v + 1 + SUBJECT_NAME_WITHIN) if titled else min(n, v + 2)):
            entity = self._entity_at(s, s.starts[j])
            if entity is not None and (entity.label == "PERSON" or (j == v + 1 and entity.label == "ORG")):
                return Speaker("named", Span(entity.start, entity.end), entity)
        if first_quote and titled:
            title = self._entity_at(s, s.starts[v + 2]) if n > v + 2 else None  # وزير الزراعة، رئيس مجلس الوزراء
            last = (
                self._last_word_of(s, v + 2, title, n)
                if title is not None
                else v + 2 if n > v + 2 and texts[v + 2].startswith("ال") else v + 1
            )
            return Speaker("anonymous", s.span(s.starts[v + 1], s.ends[last]), None)
        return None

    @staticmethod
    def _reopens(s: _Sentence, open_before: bool) -> bool:
        """Does the sentence open again a quotation left open before it (a new paragraph of a long quotation starts with «)?"""
        return open_before and bool(s.marks) and s.marks[0] == _skip_spaces(s.norm, 0)

    def _leaves_open(self, s: _Sentence, open_before: bool) -> bool:
        """Is a quotation still open at the end of the sentence (an odd number of marks opens one or closes the one before)?"""
        closing_marks = len(s.marks) - self._reopens(s, open_before)
        return open_before != (closing_marks % 2 == 1)

    def _continuation(self, s: _Sentence, speaker: Speaker, open_before: bool) -> Quote | None:
        """The quote of a sentence that continues the previous sentence's (guidelines §3.5): inside a quotation left
        open before it, or wholly in quotation marks. Same speaker, no cue."""
        norm, marks = s.norm, s.marks
        start, end = _skip_spaces(norm, 0), _trimmed_end(norm, len(norm), CLOSING_PUNCTUATION)
        if open_before:
            start += self._reopens(s, open_before)
            close = next((m for m in marks if m >= start), end)
        elif marks == [start, end - 1]:
            start, close = start + 1, end - 1
        else:
            return None
        if close - start < 2:
            return None
        return Quote("direct", s.span(start, close), None, speaker, None)

    @staticmethod
    def _ends_its_sentence(quote: Quote, s: _Sentence | None) -> bool:
        """Does the content of `quote`, found in sentence `s`, end it: only closing marks and final punctuation after it
        (no narration of the author's between it and a sentence that continues it, guidelines §3.5.1 rule 3)?"""
        if s is None:
            return False
        after = s.nt.norm_offset(quote.content.end) - s.base
        return 0 <= after <= len(s.norm) and not s.norm[after:].strip(CLOSING_PUNCTUATION + '"')

    @staticmethod
    def _sentences(nt: NormText, sentences: list[tuple[int, int]]) -> Iterator[_Sentence]:
        """The sentences at the (start, end) offsets of the original text, in matching form."""
        # No word crosses a sentence boundary (whitespace): a sentence's words are a slice of the document's.
        texts, starts, ends, gaps = nt.words
        for s_start, s_end in sentences:
            base, stop = nt.norm_offset(s_start), nt.norm_offset(s_end)
            first, last = bisect.bisect_left(starts, base), bisect.bisect_left(starts, stop)
            yield _Sentence(
                nt,
                base,
                nt.norm[base:stop],
                texts[first:last],
                [start - base for start in starts[first:last]],
                [end - base for end in ends[first:last]],
                gaps[first:last],
            )

    def _sentence_quotes(self, s: _Sentence, entities: list[Mention], last: Speaker | None) -> list[Quote]:
        may_be_cue, told = self.may_be_cue_or_told, self.told
        cues = [
            (i, kind)
            for i, w in enumerate(s.texts)
            if w in may_be_cue
            and (kind := self._cue_kind(s, i) or ("told" if w in told else None))
            and not s.quoted(s.starts[i])
            # a verbal noun with no source and content after it (في تصريح صحافي) bounds no other cue's content
            and (kind != "masdar" or self._locate_after_source(s, i, len(s.texts)) is not None)
            and not (i and s.texts[i - 1] in NEGATING_NOUNS)
        ]
        # cue n → the complementizer word before it, for each cue inside what the cue before it reports
        inside = {
            n: j for n, cue in enumerate(cues) if n and cue[1] != "adverbial" and (j := self._reported_inside(s, cue[0], cues[n - 1][0])) is not None
        }
        # (cue word, that complementizer, the next cue word or the sentence's end) of each cue inside a content
        reported = [(cue[0], inside[n], cues[n + 1][0] if n + 1 < len(cues) else len(s.texts)) for n, cue in enumerate(cues) if n in inside]
        cues = [cue for n, cue in enumerate(cues) if n not in inside and cue[1] != "told"]
        if not cues:
            return self._cueless(s, entities)
        # First pass: which cues introduce a quote; second: contents bounded by the next real cue.
        # A content depends on the cue and its limit only: the second pass reuses the first's.
        located: dict[tuple[int, int], _Located | None] = {}
        starters = [c for n, c in enumerate(cues) if self._locate_run(s, cues, n, located)]
        quotes: list[Quote] = []
        verbs = [i for i, kind in cues if kind == "verb"]
        for n, (i, kind) in enumerate(starters):
            found = self._locate_run(s, starters, n, located)
            if found:
                main = quotes[-1] if quotes else None
                clause = self._clause_speaker(s, verbs, i, entities) if main is None and kind == "adverbial" else None
                quote = self._quote(s, i, kind, found, entities, main, clause or last)
                quotes.append(self._with_resumed_stretch(s, quote, found, main) if found.end <= found.cue_start else quote)
        if not quotes:  # ...، وفق ما أفاد به X: a cue verb in the source's relative clause reports nothing of its own
            return self._source_after(s, entities) if any(i and s.texts[i - 1] == "ما" for i, _ in cues) else []
        return self._with_nested(s, quotes, reported, entities) if reported else quotes

    def _with_nested(self, s: _Sentence, quotes: list[Quote], reported: list[tuple[int, int, int]], entities: list[Mention]) -> list[Quote]:
        """`quotes` and, after the quote whose content holds it, each quote nested in one (guidelines §3.1): a cue of
        telling (`telling`, past) that `_reported_inside` found inside a content (`reported`: the cue word, the
        complementizer before it and the next cue word), its subject between that complementizer and it, and a
        complementizer of its own before its content, which ends at the next cue at the latest."""
        starts = [q.content.start for q in quotes]
        nested: dict[int, list[Quote]] = {}
        for i, complementizer, stop in reported:
            at = s.span(s.starts[i], s.ends[i])
            n = bisect.bisect_right(starts, at.start) - 1
            if n < 0 or at.end > quotes[n].content.end or s.texts[i] not in self.telling:
                continue
            found = self._locate(s, i, "verb", stop)
            if found is None or found.start < found.cue_end or s.span(found.start, found.end).end > quotes[n].content.end:
                continue
            if not any(w in self.complementizers for w in s.norm[found.cue_end : found.start].split()):
                continue
            subject = s.span(s.starts[complementizer + 1], s.starts[i])
            speaker = self._speaker(subject, entities, refer_back=False)
            nested.setdefault(n, []).append(Quote(found.type, s.span(found.start, found.end), s.span(found.cue_start, found.cue_end), speaker, source=quotes[n]))
        return [quote for n, outer in enumerate(quotes) for quote in (outer, *nested.get(n, ()))]

    def _with_resumed_stretch(self, s: _Sentence, quote: Quote, found: _Located, main: Quote | None) -> Quote:
        """A quote whose content precedes its cue, with the quoted stretch that resumes after the frame, if one does
        (guidelines §3.5.2): «A»، قال X، «B» is one quote with parts A and B; but when A is the content of a cue before
        it (`main`: قال X: «A»، وأضاف، «B»), B is the content of this cue, a quote of its own."""
        resumed = self._resumed_stretch(s, found)
        if resumed is None:
            return quote
        second = s.span(*resumed)
        if main is not None and main.content.end >= quote.content.end:
            return replace(quote, type="direct", content=second)
        return replace(quote, content=Span(quote.content.start, second.end), parts=[quote.content, second])

    def _resumed_stretch(self, s: _Sentence, found: _Located) -> tuple[int, int] | None:
        """[start, end) in `s.norm` of a quotation that closes the segment after a cue (before the next cue), after a
        comma: the frame between the cue and it holds no colon, no complementizer and no quotation but an outlet's
        (لـ«X»). One pass over the frame: each cue's frame ends where the next cue starts."""
        norm = s.norm
        end = _trimmed_end(norm, found.segment_end, CLOSING_PUNCTUATION + "،,")
        if end <= found.cue_end or norm[end - 1] != '"':
            return None
        opening = s.mark_before(end - 1)
        if opening < found.cue_end or end - 1 - opening < 2:
            return None
        frame = norm[found.cue_end : opening].rstrip()
        if not frame.endswith(("،", ",")):
            return None
        words = self.quoted_outlet.sub("", frame).split()
        if len(words) > MAX_SPEAKER_WORDS or any('"' in w or ":" in w or w in self.complementizers for w in words):
            return None
        return opening + 1, end - 1

    def _reported_inside(self, s: _Sentence, k: int, before: int) -> int | None:
        """The complementizer word after which cue word k is part of what the cue at word `before` reports
        (قال إن الحكومة أكدت أن ...), or None. So it is when it has no و/ف and follows a complementizer and a subject
        with no comma between, that complementizer opening no contrast (غير أن نواباً أكدوا ...)."""
        texts, gaps = s.texts, s.gaps
        if self._cue_offset(texts[k]):
            return None
        for j in range(k - 1, before, -1):
            if "،" in gaps[j + 1] or "," in gaps[j + 1]:
                return None
            if texts[j] in self.complementizers:
                return j if j < k - 1 and texts[j - 1] not in CONTRASTS else None
        return None

    def _clause_speaker(self, s: _Sentence, verbs: list[int], i: int, entities: list[Mention]) -> Speaker | None:
        """The subject of the cue verb of the clause before participle cue word i, when that clause holds no
        quote (أعرب فلان عن أسفه، مؤكداً أن ...): the participle shares its main verb's subject."""
        at = bisect.bisect_left(verbs, i)
        if not at:
            return None
        verb, verb_end = verbs[at - 1], s.ends[verbs[at - 1]]
        subject = s.norm[verb_end : s.starts[i]]
        governed = CLAUSE_OBJECT.search(subject)  # أعرب فلان عن أسفه: the subject ends before the object
        return self._speaker_after(s, verb_end, subject[: governed.start()] if governed else subject, entities, s.texts[verb])

    def _locate_run(
        self, s: _Sentence, cues: list[tuple[int, str]], n: int, located: dict[tuple[int, int], _Located | None]
    ) -> _Located | None:
        """The content of cue n of `cues`, bounded by the next cue (memoised in `located`)."""
        i, kind = cues[n]
        stop = cues[n + 1][0] if n + 1 < len(cues) else len(s.texts)
        if (i, stop) not in located:
            located[i, stop] = self._locate(s, i, kind, stop)
        return located[i, stop]

    def _locate(self, s: _Sentence, i: int, kind: str, stop: int) -> _Located | None:
        """Content and cue of the quote that cue word i introduces before word `stop`, or None."""
        if kind == "masdar":
            return self._locate_after_source(s, i, stop)
        norm, texts, starts, ends, gaps = s.norm, s.texts, s.starts, s.ends, s.gaps
        limit = starts[stop] if stop < len(texts) else len(norm)
        cue = texts[i]
        cue_start = starts[i] + self._cue_offset(cue)
        cue_end = ends[i]
        stem = cue[:-1] if cue.endswith("ا") else cue
        if kind == "adverbial" and i + 1 < len(texts) and texts[i + 1] in self.objects.get(stem, ()):
            cue_end = ends[i + 1]
        # Content start: complementizer, colon, or the object of a governed preposition (لوّح بـ، دعا إلى), before the next cue.
        content_start = None
        comp_end = None
        prepositions = self._prepositions(cue)
        # كشف النائب عن كتلة X فلان عن ...: a preposition inside the subject's title introduces no content
        subject_last = self._person_ending_title(s, i, stop) if prepositions else None
        for j in range(i + 1, stop):
            gap = gaps[j]
            if kind == "adverbial" and (j - i > 6 or "،" in gap or "," in gap):
                break
            if ":" in gap:
                content_start = ends[j - 1] + gap.index(":") + 1
                comp_end = ends[j - 1] + gap.index(":")
                break
            w = texts[j]
            if w in self.complementizers:
                content_start, comp_end = ends[j], starts[j]
                break
            if not prepositions or j - i > MAX_SPEAKER_WORDS or (subject_last is not None and j <= subject_last):
                continue
            if "ب" in prepositions and w.startswith("ب") and len(w) > 3 and w not in B_NOT_OBJECT:
                content_start, comp_end = starts[j] + 1, starts[j]
                break
            # a preposition followed by a place belongs to the subject (المبعوث إلى السودان), one followed by إن/أن waits for it
            if (
                w in prepositions
                and j + 1 < stop
                and texts[j + 1] not in self.complementizers
                and texts[j + 1] not in NOT_AN_OBJECT
                and not self._starts_entity(s, starts[j + 1], PLACE_LABELS)
            ):
                content_start, comp_end = ends[j], starts[j]
                break
        segment_end = comp_end if comp_end is not None else limit
        if content_start is None:
            # What ends before the cue, looked at backwards from it: slicing the sentence's head per cue
            # would make a sentence of many cues quadratic.
            before = _trimmed_end(norm, starts[i], " ،,")  # norm[: starts[i]].rstrip(" ،,") is norm[:before]
            if before and norm[before - 1] == '"' and s.mark_before(before - 1) >= 0:
                open_at = s.mark_before(_trimmed_end(norm, before, '"'))
                return _Located("direct", open_at + 1, before - 1, cue_start, cue_end, segment_end)
            if kind == "verb" and self._closes_its_content(s, i, stop):
                content = self._content(s, 0, before)
                return _Located(content[2], content[0], content[1], cue_start, cue_end, segment_end) if content else None
            head_end = _trimmed_end(norm, starts[i], None)
            object_after = cue_end
            if kind != "adverbial" and norm[max(0, head_end - 3) : head_end].endswith(("قد", "لقد")):
                segment_end = cue_end  # وكان فلان قد أعلن ...: the subject is before the cue, the object all after it
            elif kind != "adverbial":
                subject_end = self._named_subject_end(s, i, stop)
                if subject_end is None and self._verbal_noun_object_follows(s, i, stop):
                    subject_end = cue_end  # وأعلنت افتتاح ...: a dropped subject
                if subject_end is None:
                    return None
                object_after = segment_end = subject_end
            content_start = self._np_start(s, object_after, limit)
            if content_start is None:
                return None
        content = self._content(s, content_start, limit)
        if content is None:
            return None
        a, b, qtype = content
        return _Located(qtype, a, b, cue_start, cue_end, segment_end)

    def _locate_after_source(self, s: _Sentence, i: int, stop: int) -> _Located | None:
        """The quote of verbal-noun cue word i (guidelines §3.1): its source follows it as a genitive, and its content
        follows the source up to a comma: after a complementizer, after a preposition (إعلان البلدية عن ...، مطالبة
        النقابة بـ ...), or, after a name, as the verbal noun that opens a noun-phrase object (إعلان القيادة تدمير ...).
        The source is a name (with the person a title before it names), or an organisation's head noun and its
        complements when no name was found in it (مطالبة الائتلاف المغربي لنصرة فلسطين بمنع ...). `segment_end` is
        the source's end. A source only described (تأكيد القيادات العسكرية خروج ...) is left out: the stance component
        reads the seed's one such quote against its gold."""
        texts, starts, ends = s.texts, s.starts, s.ends
        if i + 1 >= stop:
            return None
        named = self._entity_at(s, starts[i + 1])
        if named is not None and named.label in SPEAKER_LABELS:
            k = self._titled_person_end(s, self._last_word_of(s, i + 1, named, stop), stop) + 1
            content_start = self._content_after_source(s, k, stop, noun_phrase=True)
        elif bare(texts[i + 1]) in lexicons().org_heads:
            content_start, k = None, i + 2
            while k < min(stop, i + 2 + MAX_FRONTED_WORDS) and s.gaps[k] == " ":
                content_start = self._content_after_source(s, k, stop, noun_phrase=False)
                if content_start is not None:
                    break
                k += 1
        else:
            return None
        if content_start is None:
            return None
        limit = starts[stop] if stop < len(texts) else len(s.norm)
        comma = min((at for at in (s.norm.find("،", content_start, limit), s.norm.find(",", content_start, limit)) if at >= 0), default=limit)
        content = self._content(s, content_start, comma)
        if content is None:
            return None
        a, b, qtype = content
        offset = next(offset for offset, form in variants(texts[i])[:2] if form in self.verbal_nouns)
        return _Located(qtype, a, b, starts[i] + offset, ends[i], ends[k - 1])

    def _content_after_source(self, s: _Sentence, k: int, stop: int, noun_phrase: bool) -> int | None:
        """Where the content of a verbal-noun cue starts if word k, right after its source, opens it: a complementizer,
        a preposition or a بـ before a verbal noun (إعلان الوزارة عن منع ...، not حفل إعلان الوزارة عن الفائزين), or
        (`noun_phrase`) a verbal noun; else None."""
        if k >= stop or s.gaps[k] != " ":
            return None
        word = s.texts[k]
        if word in self.complementizers:
            return s.ends[k]
        if word in COMPLEMENT_PREPOSITIONS:
            return s.ends[k] if k + 1 < stop and _is_verbal_noun(bare(s.texts[k + 1])) else None
        if word.startswith("ب") and len(word) > 3 and word not in B_NOT_OBJECT:
            return s.starts[k] + 1 if _is_verbal_noun(bare(word[1:])) else None
        if noun_phrase and _is_verbal_noun(word) and not _is_stopword(word):  # خلال is a verbal noun too
            return s.starts[k]
        return None

    def _closes_its_content(self, s: _Sentence, i: int, stop: int) -> bool:
        """Does verb cue word i close a sentence whose one clause before it is what it reports (الاتفاق صامد، قال
        الوزير فلان.)? After a comma, without و/ف, no cue after it and only a speaker phrase; a clause of a few words
        or more, with no comma and no stopword first (بعد الاجتماع، قال ... is the author's)."""
        texts, gaps = s.texts, s.gaps
        return (
            MIXED_MIN_WORDS <= i
            and stop == len(texts)
            and len(texts) - i <= MAX_SPEAKER_WORDS
            and ("،" in gaps[i] or "," in gaps[i])
            and not self._cue_offset(texts[i])
            and not _is_stopword(texts[0])
            and not any("،" in gap or "," in gap for gap in gaps[1:i])
        )

    def _quote(
        self,
        s: _Sentence,
        i: int,
        kind: str,
        found: _Located,
        entities: list[Mention],
        main: Quote | None,
        last: Speaker | None,
    ) -> Quote:
        """The quote of cue word i with content `found`: its speaker and outlet."""
        # Speaker after the cue (up to a stop), or before it.
        seg = s.norm[found.cue_end : found.segment_end]
        outlet = self._outlet(s, found.cue_end, seg)
        speaker = self._speaker_after(s, found.cue_end, seg, entities, s.texts[i]) if kind == "verb" else None
        if kind == "passive":  # قيل إن ...: no source in the text
            speaker = Speaker("unknown", None, None)
        if kind == "masdar":  # إعلان الوزارة أن ...: the genitive after the cue
            speaker = self._speaker(s.span(_skip_spaces(s.norm, found.cue_end), found.segment_end), entities)
        # X قال إن ...، غير أن Y أكدوا أن ...; a cue with و/ف opens a clause of its own (قال X إن ... وأكد أن ...)
        if speaker is None and kind == "verb" and main is not None and not self._cue_offset(s.texts[i]):
            speaker = self._fronted_speaker(s, s.norm[: s.starts[i]], entities, at_start=False)
        if speaker is None:
            content_first = found.end <= found.cue_start  # «...»، أضاف: what precedes the cue is its content
            speaker = main.speaker if main else self._speaker_before(s, s.starts[i], s.texts[i], entities, kind, last, content_first)
        if outlet is None and kind == "adverbial" and main is not None:
            outlet = main.outlet
        return Quote(found.type, s.span(found.start, found.end), s.span(found.cue_start, found.cue_end), speaker, outlet)

    def _np_start(self, s: _Sentence, after: int, limit: int) -> int | None:
        """Start of a noun-phrase object after a cue (skipping a date and a comma)."""
        rest = s.norm[after:limit]
        m = re.match(r"\s*(?:(?:امس|يوم)\s+)?(?:ال(?:سبت|احد|اثنين|ثلاثاء|اربعاء|خميس|جمعه))?\s*[،,]?\s*", rest)
        start = after + (m.end() if m else 0)
        date = self._entity_at(s, start) if start < limit else None
        if date is not None and date.label == "DATE":  # أعلن فلان اليوم / الأسبوع الماضي تسيير ...
            start = _skip_spaces(s.norm, s.nt.norm_offset(date.end) - s.base)
        word = re.match(r"\w+", s.norm[start:limit])
        if not word or word.group() in lexicons().stopwords or word.group() in self.complementizers:
            return None
        return start

    def _content(self, s: _Sentence, start: int, end: int) -> tuple[int, int, str] | None:
        norm = s.norm
        # Stop before ", <adverbial cue>" handled by `end`; trim punctuation and spaces.
        while start < end and norm[start] in " \t":
            start += 1
        resume = self.narration.search(norm, start, end)
        stop = resume.start() if resume else end
        opening = NEXT_CLAUSE_OPENING.search(norm, start, stop)
        stop = opening.start() if opening else stop
        while stop > start and norm[stop - 1] in " \t،,.:؛;":
            stop -= 1
        if stop - start < 2:
            return None
        text = norm[start:stop]
        if text.startswith('"'):
            close = text.find('"', 1)
            if close == -1:  # a quotation that goes on in the next sentence
                return start + 1, stop, "direct"
            if close == len(text) - 1 or (close > 0 and not text[close + 1 :].strip(' .،,"')):
                return start + 1, start + close, "direct"
        quoted = QUOTED_TEXT.findall(text)
        heads = lexicons().org_heads
        if any(len(q.split()) >= MIXED_MIN_WORDS and bare(q.split()[0]) not in heads for q in quoted):
            return start, stop, "mixed"
        return start, stop, "indirect"

    def _outlet(self, s: _Sentence, base: int, seg: str) -> Span | None:
        found = self._outlet_in(s, base, seg)
        return s.span(base + found[0], base + found[1]) if found else None

    def _outlet_in(self, s: _Sentence, base: int, seg: str, opening: bool = False) -> tuple[int, int] | None:
        """[start, end) in `seg` (at `base` in `s.norm`) of the outlet given a statement (لـ«X»، لصحيفة X): the first, or
        the one opening `seg` if `opening`. A named outlet ends with its ORG name (قال لقناة X مسؤول ...); opening `seg`
        without one, where it ends is not known."""
        at = _skip_spaces(seg, 0)
        if opening:
            m = self.quoted_outlet.match(seg, at) or self.named_outlet.match(seg, at)
        else:
            m = self.quoted_outlet.search(seg) or self.named_outlet.search(seg)
        if not m:
            return None
        start, end = m.start(1), m.end(1)
        if m.re is self.named_outlet:
            name = self._entity_at(s, base + start)
            if name is None and (space := seg.find(" ", start, end)) > 0:
                # لصحيفة الأيام: the descriptor stays outside the name (GUIDELINES §2.6), the outlet is the name
                name = self._entity_at(s, base + _skip_spaces(seg, space))
                start = _skip_spaces(seg, space) if name is not None and name.label == "ORG" else start
            if name is not None and name.label == "ORG":
                end = min(end, s.nt.norm_offset(name.end) - s.base - base)
            elif opening:
                return None
        return start, end

    def _speaker_after(self, s: _Sentence, base: int, seg: str, entities: list[Mention], cue: str) -> Speaker | None:
        tongue = self.on_tongue.search(seg) or self.from_saying.search(seg)
        if not tongue and any(form in self.relays for _, form in variants(cue)[:2]):
            tongue = self.relayed_from.search(seg)  # نقلت الوكالة عن مصدر أن ...: the source, not the relay
        if tongue:
            a, b = tongue.start("who"), tongue.end("who")
        else:
            outlet_first = self._outlet_in(s, base, seg, opening=True)  # قال لـ«X» فلان إن ...: the speaker follows the outlet
            a = _skip_spaces(seg, outlet_first[1] + (seg[outlet_first[1] : outlet_first[1] + 1] == '"')) if outlet_first else 0
            stop = self.speaker_stop.search(seg, a)
            # a preposition before a place or before the person a title names belongs to the title (المبعوث إلى
            # السودان فلان، المشرف على متحف المدينة فلان), and علي that starts a person is a name spelt like على: the phrase goes on
            while stop and stop.group() in TITLE_PREPOSITIONS and (
                self._starts_entity(s, base + _skip_spaces(seg, stop.end()), PLACE_LABELS)
                or self._starts_entity(s, base + stop.start(), ("PERSON",))
                or self._names_a_person(s, base, seg, stop.end())
            ):
                stop = self.speaker_stop.search(seg, stop.end())
            b = stop.start() if stop else len(seg)
            if stop and stop.group() in "،,":
                b = self._apposition_end(s, base, seg, stop.end()) or b
        text = seg[a:b]
        lead = len(text) - len(text.lstrip())
        a, b = a + lead, a + len(text.rstrip())
        date = self._entity_at(s, base + a) if a < b else None
        if date is not None and date.label == "DATE":  # قال أمس الوزير ...، وكان X قد حذر الأسبوع الماضي من ...: a date is no subject
            a = _skip_spaces(seg, s.nt.norm_offset(date.end) - s.base - base)
        if b - a < 2:
            return None
        if len(seg[a:b].split()) > MAX_SPEAKER_WORDS:
            return self._opening_person(s, base, seg, a)
        first = seg[a:b].split()[0]
        if (first in lexicons().stopwords and not first.startswith("ال") and first not in SUBJECT_OPENERS) or first in self.complementizers:
            return None
        return self._speaker(s.span(base + a, base + b), entities)

    def _names_a_person(self, s: _Sentence, base: int, seg: str, at: int) -> bool:
        """Is a person named in `seg` (at `base` in `s.norm`) a few words after `at`, with no stopword (الذي، في) and no
        punctuation before it outside a name: the rest of a title and its holder (على متحف المدينة فلان)?"""
        words = itertools.islice(WORD.finditer(seg, at), MAX_SPEAKER_WORDS)
        skip_to = 0
        for word in words:
            if word.start() < skip_to:
                continue
            entity = self._entity_at(s, base + word.start())
            if entity is not None:
                if entity.label == "PERSON":
                    return True
                skip_to = s.nt.norm_offset(entity.end) - s.base - base
            elif _is_stopword(word.group()) or any(mark in word.group() for mark in "،,:;"):
                return False
        return False

    def _opening_person(self, s: _Sentence, base: int, seg: str, a: int) -> Speaker | None:
        """The speaker of a phrase too long to be a description, from `a` in `seg`: the person named in its first few
        words (قال معالي الشيخ فلان رئيس مجلس ... ونائب رئيس ... إن), with his offices after him; else None."""
        for word in itertools.islice(WORD.finditer(seg, a), SUBJECT_NAME_WITHIN):
            person = self._entity_at(s, base + word.start())
            if person is not None and person.label == "PERSON":
                return Speaker("named", Span(person.start, person.end), person)
        return None

    def _apposition_end(self, s: _Sentence, base: int, seg: str, after: int) -> int | None:
        """The end in `seg` of a name in apposition that closes the speaker phrase (المتحدث باسم الوزارة، السفير فلان، إن ...)."""
        m = APPOSITION.fullmatch(seg, after)
        if not m or len(m.group(1).split()) > MAX_APPOSITION_WORDS:
            return None
        start, end = s.span(base + m.start(1), base + m.end(1)).start, s.span(base + m.start(1), base + m.end(1)).end
        at = bisect.bisect_left(self.entity_starts, start)
        inside = self.entities[at : bisect.bisect_right(self.entity_starts, end)]
        return m.end(1) if any(e.label == "PERSON" and e.end <= end for e in inside) else None

    def _speaker_before(
        self, s: _Sentence, cue_start: int, cue: str, entities: list[Mention], kind: str, previous: Speaker | None, content_first: bool
    ) -> Speaker:
        """The speaker of a cue with none after it: a subject before it, else the dropped subject's antecedent."""
        before = s.norm[:cue_start]
        m = self.was_subject.match(before.strip())
        if m:
            lead = len(before) - len(before.lstrip())
            return self._speaker(s.span(lead + m.start("who"), lead + m.end("who")), entities)
        m = self.topic.match(before) if cue.startswith("ف") else None
        if m and len(m.group("who").split()) <= MAX_SPEAKER_WORDS:
            return self._speaker(s.span(m.start("who"), m.end("who")), entities)
        antecedent = self._relative_antecedent(s, before)
        if antecedent is not None:
            return antecedent
        if kind == "verb" and not content_first:
            head = before.rstrip()
            if head.endswith(("،", ",")) and len(head.split()) <= 8 and "،" not in head[:-1]:
                body = head[:-1].strip()
                if body and not _is_stopword(body.split()[0]):
                    lead = len(before) - len(before.lstrip())
                    return self._speaker(s.span(lead, lead + len(body)), entities)
            fronted = self._fronted_speaker(s, before, entities, at_start=True)
            if fronted is not None:
                return fronted
        m = self.statement_of.search(before)
        if m:
            return self._speaker(s.span(m.start("who"), m.end("who")), entities)
        m = self.earlier_subject.match(before)  # وكانت X قد استنكرت ...، وقالت إن ...
        if m:
            return self._speaker(s.span(m.start("who"), m.end("who")), entities)
        if kind == "verb" and self._cue_offset(cue) and (opening := self._narrated_subject(s, False, bisect.bisect_left(s.starts, cue_start))):
            return opening  # استقبل الوزير فلان الوفد، وأكد أن ...: the subject of the sentence's opening verb
        if previous is not None:
            # وقالت فلانة ... وأضاف أن ...: a dropped subject agrees with its antecedent
            gender = self._gender(cue)
            if gender and self.last_gender and gender != self.last_gender:
                return self.last_by_gender.get(gender, previous)
            return previous
        return self._closest_named_before(s.span(cue_start, cue_start).start)

    def _relative_antecedent(self, s: _Sentence, before: str) -> Speaker | None:
        """The name a relative pronoun right before the cue follows (`before`: the sentence up to the cue), as
        the subject of a cue in a relative clause (نظيره فلان، الذي قال إن ...); else None."""
        head = before.rstrip()
        pronoun_start = head.rfind(" ") + 1
        if head[pronoun_start:] not in RELATIVE_PRONOUNS:
            return None
        end = s.span(0, _trimmed_end(s.norm, pronoun_start, " ،,")).end
        at = bisect.bisect_left(self.entity_starts, end)
        entity = self.entities[at - 1] if at else None
        if entity is None or entity.end != end or entity.label not in SPEAKER_LABELS:
            return None
        return Speaker("named", Span(entity.start, entity.end), entity)

    def _fronted_speaker(self, s: _Sentence, before: str, entities: list[Mention], at_start: bool) -> Speaker | None:
        """غير أن منظمات حقوقية قالت ...: the subject fronted before a verb cue (`before`: the sentence up to it) after a
        conjunction, or at the sentence's start if `at_start`. Only the head's last characters can hold it; a cue with
        و/ف after it starts a clause of its own."""
        window = max(0, len(before) - FRONTED_WINDOW)
        m = self.fronted_subject.search(before, window) or (self.initial_subject.match(before) if at_start and not window else None)
        if m and len(m.group("who").split()) <= MAX_FRONTED_WORDS and not _is_stopword(m.group("who").split()[0]):
            return self._speaker(s.span(m.start("who"), m.end("who")), entities)
        return None

    def _closest_named_before(self, position: int) -> Speaker:
        """A dropped subject with no quote before it (استقبل فلان الوفد. وأكد أن ...): the closest person named
        before `position` (among the last few names), else the closest organisation; else no one."""
        at = bisect.bisect_left(self.entity_starts, position)
        recent = self.entities[max(0, at - DROPPED_SUBJECT_LOOKBACK) : at]
        for labels in (("PERSON",), ("ORG",)):
            named = [e for e in recent if e.label in labels]
            if named:
                return Speaker("named", Span(named[-1].start, named[-1].end), named[-1])
        return Speaker("unknown", None, None)

    def _speaker(self, mention: Span, entities: list[Mention], refer_back: bool = True) -> Speaker:
        """Speaker from a subject phrase (guidelines §3.7): the name inside it, else the description (a definite title
        refers back to the last person quoted if `refer_back`)."""
        text = self.text
        while mention.end > mention.start and (text[mention.end - 1] in " ،,:.؛;" or text[mention.end - 1].isspace()):
            mention.end -= 1
        # مصدر مقرب من فلان: the name is not the source's (§3.7); the first letters spare most speakers the lookup
        if text.startswith(ANONYMOUS_OPENINGS, mention.start) and self._first_word(mention) in ANONYMOUS_SOURCES:
            return Speaker("anonymous", mention, None)
        # entities are sorted and flat: bisect instead of scanning the whole document per speaker
        first_inside = bisect.bisect_left(self.entity_starts, mention.start)
        last_inside = bisect.bisect_right(self.entity_starts, mention.end)
        inside = [e for e in entities[first_inside:last_inside] if e.end <= mention.end]
        persons = [e for e in inside if e.label == "PERSON"]
        if persons:
            # the last name, or the coordination of names that ends the phrase (قال X وY: the mention is the
            # coordination, the entity its first name, guidelines §3.7 rule 4)
            first = len(persons) - 1
            while first and text[persons[first - 1].end : persons[first].start].strip() == "و":
                first -= 1
            return Speaker("named", Span(persons[first].start, persons[-1].end), persons[first])
        leading = [e for e in inside if e.start == mention.start and e.label in SPEAKER_LABELS]
        words = normalize(text[mention.start : mention.end]).split()
        if words and words[0].startswith(("وال", "فال")):  # والمتظاهرون قالوا: the conjunction is no part of the description
            mention = Span(marks_end(text, mention.start + 1), mention.end)
        if not leading and words and words[0] in self.statement_spellings:  # بيان لوزارة الصحة: a medium, its issuer speaks (§3.7)
            leading = [e for e in inside if e.label in SPEAKER_LABELS][:1]
        if leading:
            return Speaker("named", Span(leading[0].start, leading[0].end), leading[0])
        if not words:  # marks only (diacritics, tatweel): there is no phrase to name anyone
            return Speaker("unknown", None, None)
        first = words[0]
        if refer_back and first.startswith("ال") and bare(first) in TITLE_HEADS and self.last_person is not None:
            return Speaker("named", mention, self.last_person)
        return Speaker("anonymous", mention, None)

    def _first_word(self, mention: Span) -> str:
        """The first word of a mention in matching form, read off the document's (no normalising per speaker)."""
        norm, start, end = self.nt.norm, self.nt.norm_offset(mention.start), self.nt.norm_offset(mention.end)
        space = norm.find(" ", start, end)
        return norm[start : space if space >= 0 else end]

    def _according(self, norm: str) -> re.Match[str] | None:
        """`self.according.search(norm)`, looked for only where it can match: from the last
        separator on (a final full stop aside), and only if one of its phrases occurs there."""
        body = norm.rstrip()
        body = body[:-1] if body.endswith(".") else body
        start = max(0, *map(body.rfind, ACCORDING_SEPARATORS))
        tail = norm[start:]
        if not any(map(tail.__contains__, self.according_phrases)):
            return None
        return self.according.search(norm, start)

    def _cueless(self, s: _Sentence, entities: list[Mention]) -> list[Quote]:
        """Quotes without a verb cue: «X: "..."» headlines and «...، بحسب X»."""
        norm = s.norm
        m = self.headline_colon.match(norm) if ":" in norm else None
        if m and '"' in norm[m.end() : m.end() + 2]:
            content = self._content(s, m.end(), len(norm))
            if content:
                a, b, qtype = content
                speaker = self._speaker(s.span(m.start("who"), m.end("who")), entities)
                return [Quote(qtype, s.span(a, b), None, speaker, None)]
        cut = self._cut_by_according(s, entities)
        if cut is not None:
            return [cut]
        m = self.according_first.match(norm)
        if m and len(m.group("who").split()) <= MAX_FRONTED_WORDS:
            first = WORD.match(norm, m.end())  # وحسب X، فإن ...: the complementizer stays outside (guidelines §3.4)
            start = first.end() if first and first.group()[:1] == "ف" and first.group()[1:] in self.complementizers else m.end()
            content = self._content(s, start, len(norm))
            if content:
                a, b, qtype = content
                speaker = self._speaker(s.span(m.start("who"), m.end("who")), entities)
                return [Quote(qtype, s.span(a, b), s.span(m.start("cue"), m.end("cue")), speaker, None)]
        return self._source_after(s, entities)

    def _source_after(self, s: _Sentence, entities: list[Mention]) -> list[Quote]:
        """«...، بحسب X»: the quote of a sentence whose source closes it, or none."""
        norm = s.norm
        m = self._according(norm)
        if m and m.start() > 10:
            content = self._content(s, 0, m.start())
            if content:
                a, b, qtype = content
                cue_m = re.search(r"\S+", norm[m.start() :].lstrip("،, "))
                cue_at = m.start() + (len(norm[m.start() :]) - len(norm[m.start() :].lstrip("،, ")))
                relative = self.what_was_said.match(norm, m.start("who"))  # بحسب ما قاله X، وفق ما أفاد به X
                who_start = relative.end() if relative and relative.end() < m.end("who") else m.start("who")
                speaker = self._speaker(s.span(who_start, m.start("who") + len(m.group("who").rstrip())), entities)
                cue = s.span(cue_at, cue_at + cue_m.end()) if cue_m else None
                return [Quote(qtype, s.span(a, b), cue, speaker, None)]
        return []

    def _cut_by_according(self, s: _Sentence, entities: list[Mention]) -> Quote | None:
        """X، بحسب Y، ...: one quote whose parts are the subject X (a few words, no stopword first) and the rest of the
        clause; cue بحسب, speaker Y in the gap (guidelines §3.5.2)."""
        m = self.according_inside.match(s.norm)
        if not m or len(m.group("first").split()) > MAX_FRONTED_WORDS or len(m.group("who").split()) > MAX_FRONTED_WORDS:
            return None
        if _is_stopword(m.group("first").split()[0]):
            return None
        rest = self._content(s, m.end(), len(s.norm))
        if rest is None:
            return None
        a, b, kind = rest
        first = s.span(m.start("first"), m.end("first"))
        speaker = self._speaker(s.span(m.start("who"), m.end("who")), entities)
        parts = [first, s.span(a, b)]
        return Quote("mixed" if kind == "direct" else kind, Span(first.start, parts[1].end), s.span(m.start("cue"), m.end("cue")), speaker, None, parts)

    # -- spaCy component ------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        quotes = self.find(doc_text(doc), doc_value(doc, "qawl_entities") or [], doc_norm(doc))
        set_doc_value(doc, "qawl_quotes", quotes)
        return doc


@Language.factory("qawl_quotes")
def make_quotes(nlp: Language, name: str) -> QuoteExtractor:
    """The quote component (needs "qawl_entities" before it for speaker entities)."""
    return QuoteExtractor()
