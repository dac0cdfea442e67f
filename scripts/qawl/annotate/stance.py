"""Stance pre-annotation for any target of the inventory, as the spaCy component "qawl_stance".

Every quote gets a record per target of annotations/targets.json (guidelines §4.2). Nothing
here is written for a particular target; each one is read off its own record:

- relevance: the words of the target's Arabic name, of the Arabic in its definition and of its
  examples, light-stemmed (`keys`), weighted by how many of the target's texts use them times
  their rarity among the targets' records and the other targets' gold quotes (`Relevance`; a word
  the quotes on most targets use counts against); a word counts for the targets it is most a word of; function
  words, reporting cues and titles do not count;
  and the head word of the target's name, when no other target uses it (التطبيع), alone makes a sentence
  about it. A quote is about a target when its sentence
  holds a set share of what the target's own examples typically hold (half of it in a document that holds
  several times that share), and not much less than it holds of the target it is most about; in a document
  about some targets, a quote on one of them is about those only. A document that holds no word of the target's
  name, nor a place its name or FAVOR/AGAINST examples name (طهران), is not about it.
- polarity: the general evaluative lexicon data/evaluative.tsv (`Evaluation`), with negation,
  predicates that apply to their object ("demand" + "withdrawal" is against), an undoing or a keeping judged
  ("withdrawal would be a mistake" is for, "staying is an insult" against), contrast (the clause after "but"
  is the speaker's point), exceptions and rhetorical questions ("brought nothing but ruin"), the goal after
  "until", denial of a report, and conditions and what "despite" concedes (they count only when the main clause says nothing).
  Whether undoing the target's object is FAVOR or AGAINST ("withdrawal" of forces, "disarming" of
  factions) is fitted on the target's examples and gold, from its name when the name is an undoing; undoing what
  names the target itself is against it; an evaluative word that its examples use the other way round standing
  alone ("occupation" in the calls to attack forces) is read their way.
- similarity: a naive Bayes vote between FAVOR and AGAINST, trained on the target's examples and
  the gold stance records of annotations/ (never the devset's; a document's own gold is left out of
  the classifier, the orientation and the rarity of words when it is annotated).

A tie, a weak vote or no relevance gives NONE.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import math
import os
import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from qawl.annotate.entities import doc_norm, doc_value, set_doc_value
from qawl.annotate.lexicon import DATA, cue_forms, lexicons, static_gazetteer, verb_forms
from qawl.annotate.quotes import Quote
from qawl.annotate.text import NormText, normalize
from qawl.jsonfile import read_json_file
from qawl.segment import MAX_SENTENCE_CHARS

if not Doc.has_extension("qawl_stance"):
    Doc.set_extension("qawl_stance", default=None)

LABELS = ("FAVOR", "AGAINST", "NONE")
# A target's name counts as this many of its texts: it says best what the target is about.
NAME_WEIGHT = 2
# The share of what the target's examples typically hold of its words that a quote's sentence must hold to be about the target.
RELEVANCE = 0.5
# ... and at least this weight: a word of one text of one target in five (weight ln 6 = 1.8) is not enough.
MIN_RELEVANCE = 3.5
# A target with less than this share of the weight of the quote's most relevant target is not what it is about.
SHARE = 0.6
# A word counts for the targets whose weight of it is at least this share of its largest weight.
WORD_SHARE = 0.8
# Polar items further apart than this many words do not compose ("demand ... withdrawal").
SCOPE = 3
# The kinds of the evaluative lexicon that are particles (لا، لكن): their first word is matched as written,
# with a proclitic و or ف (and a contrast with a pronoun: لكنهم), not by its stem (الولايات is not و + لا).
PARTICLES = frozenset(("negation", "contrast", "concession", "neutral", "denial", "without", "exception", "question", "goal", "any"))
# The proclitics before a three-letter stem, which `keys` leaves on it.
SHORT_PROCLITICS = ("و", "ف", "ب", "ل", "وب", "ول", "فب", "فل")
PRONOUNS = ("", "ه", "ها", "هم", "هما", "هن", "كم", "نا", "ي", "ني")
# The votes after a contrast marker are the speaker's point (guidelines §4.3): they count this many times.
POINT_WEIGHT = 2
# How many documents with gold of their own (the card scores them) keep a relevance without that gold.
DOCUMENTS_KEPT = 4
# How much one naive Bayes log-odds unit counts against one evaluative word.
SIMILARITY_WEIGHT = 0.3
# How many more examples an unusual orientation must agree with to be chosen over the usual one.
ORIENTATION_MARGIN = 2
# A document whose words hold this many times a target's threshold is about it ...
TOPIC = 3.0
# ... and a sentence of it holding this share of the threshold is about it too ("the reactor" after a paragraph on the plant).
TOPIC_SHARE = 0.5
# |vote| below this gives NONE.
DECISION = 0.5
SENTENCE_END = re.compile(r"[.!?؟\n]")
WORD = re.compile(r"\w+")


class Stance(NamedTuple):
    """A stance of a quote's speaker toward a target; `quote` indexes the doc's quotes."""

    target: str
    label: str
    quote: int


def read_targets(annotations_dir: Path | None) -> list[dict[str, Any]]:
    """The target records of annotations/targets.json; none (so no stance) when there is no inventory, or
    one that cannot be read or is malformed (`merge.read_targets` tells the build and `qawl validate` why)."""
    path = annotations_dir / "targets.json" if annotations_dir else None
    if path is None or not os.path.lexists(path):
        return []
    found, problems = read_json_file(path)
    targets = found.get("targets") if isinstance(found, dict) else None
    if problems or not isinstance(targets, list):
        return []
    return [t for t in targets if isinstance(t, dict) and isinstance(t.get("id"), str)]


class GoldStance(NamedTuple):
    """A gold stance record with the content of its quote, from the gold layer of `doc_id`."""

    doc_id: str
    target: str
    label: str
    content: str


def gold_stance(annotations_dir: Path | None) -> list[GoldStance]:
    """The gold stance records of the layers annotations_dir/*.json whose quote has a content (never the devset's)."""
    found: list[GoldStance] = []
    for path in sorted(annotations_dir.glob("*.json")) if annotations_dir else []:
        layer, problems = read_json_file(path)  # never opens a FIFO; the build reports the problems
        if problems or not isinstance(layer, dict) or "stance" not in layer or path.name == "targets.json":
            continue
        try:
            contents = {q["id"]: q["content"]["text"] for q in layer.get("quotes", []) if q.get("content")}
            doc_id = str(layer.get("doc_id", path.stem))
            found += [
                GoldStance(doc_id, s["target"], s["label"], contents[s["evidence"]["quote"]])
                for s in layer["stance"]
                if s.get("provenance", {}).get("status") == "gold" and s["evidence"].get("quote") in contents
            ]
        except (AttributeError, KeyError, TypeError):
            continue  # a layer the build refuses (its schema problems are reported) teaches nothing
    return found


def stance_learns(annotations_dir: Path | None) -> tuple[str, ...]:
    """What the stance component learns from `annotations_dir`, for the build's cache: the target records and the gold stance."""
    return _learned(read_targets(annotations_dir), gold_stance(annotations_dir))


def _learned(targets: list[dict[str, Any]], gold: list[GoldStance]) -> tuple[str, ...]:
    records = [json.dumps(t, ensure_ascii=False, sort_keys=True) for t in targets]
    return (*records, hashlib.sha256(json.dumps(gold, ensure_ascii=False).encode()).hexdigest())


_ARTICLE = re.compile("^(?:[وف](?=....))?(?:(?:ب|ل(?!ل))(?=....))?(?:(?:ال|لل)(?=...))?(?:س(?=[يتن]...))?")
_PROCLITIC_FIRST = frozenset("وفبلاس")  # the first letters `_ARTICLE` can strip
_SUFFIXES = frozenset(("هما", "كما", "هم", "هن", "كم", "ها", "نا", "ات", "ون", "ين", "ان", "وا", "يه", "ه", "ي", "ا"))


_SUFFIX_ENDS = frozenset(suffix[-1] for suffix in _SUFFIXES)


def _strip_suffixes(word: str) -> str:
    """Up to two suffixes off, each the longest that leaves three letters (a set lookup per length, not a regex search)."""
    for _ in range(2):
        if word[-1:] not in _SUFFIX_ENDS:  # no suffix ends with its last letter
            break
        for length in (3, 2, 1):
            if len(word) - length >= 3 and word[-length:] in _SUFFIXES:
                word = word[:-length]
                break
    return word


@lru_cache(maxsize=1 << 16)
def keys(word: str) -> tuple[str, ...]:
    """The light stems of a word in matching form: with proclitics (و ف, ب ل, ال, the future's س)
    stripped, and with only the article stripped (و ب ل may be the word's first letter: وجود، بيان);
    up to two suffixes (pronouns, plural, dual, feminine, nisba, accusative alef) go, three letters stay.

    Coarse on purpose: text and lexicon go through the same function, so only two words with a
    stem in common are confused, and one entry covers a word's definite, feminine, plural and possessed forms.
    """
    # it always matches, maybe empty; each of its proclitics starts with one of these letters
    proclitics = _ARTICLE.match(word).end() if word[:1] in _PROCLITIC_FIRST else 0
    article = 2 if word.startswith("ال") and len(word) > 4 else 0
    full = _strip_suffixes(word[proclitics:])
    kept = full if article == proclitics else _strip_suffixes(word[article:])  # most words: the same letters
    return (full,) if kept == full else (full, kept)


def stems(text: str) -> list[tuple[str, ...]]:
    """The `keys` of the words of a text in matching form."""
    return [keys(w) for w in WORD.findall(text)]


def entry_forms(entry: str) -> set[tuple[str, ...]]:
    """The stem sequences of a lexicon entry: a verb "past/present" in its conjugated forms, else the words as written.

    An entry is written without proclitics, so each word has only its article-stripped key: وافق is not
    the و of أفق (horizon), فاعلية not the ف of أعلى.
    """
    if "/" in entry:
        past, present = entry.split("/")
        forms = verb_forms([past] if past else [], [present])
        forms |= {prefix + normalize(present)[1:] for prefix in "نا"}  # first person: نرفض أرفض
        return {(keys(f)[-1],) for f in forms}
    return {tuple(k[-1] for k in stems(normalize(entry)))}


@lru_cache(maxsize=1)
def function_word_keys() -> frozenset[str]:
    """The keys of function words (the stopword list, إن/أن and لكن with their pronouns, with و or ف):
    an evaluative form with one of them is dropped, unless it is a particle itself (لا, غير):
    أنهى (to end) has the form انهي, whose key انه is also that of أنه (that he)."""
    particles = [normalize(p + suffix) for p in ("أن", "إن", "لأن", "بأن", "كأن", "لكن") for suffix in PRONOUNS]
    return frozenset(k for w in (*lexicons().stopwords, *particles) for prefix in ("", "و", "ف") for k in keys(prefix + w))


class Item(NamedTuple):
    """An entry of the evaluative lexicon found in a text: where, its kind, whether its first word has
    the article (an undoing so written, الانسحاب, is not in construct with a following object as إنهاء الاحتلال is),
    whether it stands in a condition, and whether it is a particle or a predicate with the conjunction و (وعدم، ولا، ونحذر)."""

    index: int
    kind: str
    definite: bool
    conditional: bool
    coordinated: bool = False


_DEFINITE = re.compile("^[وف]?(?:[بك]?ال|لل)")
# "who will ...?" (من سيحمي البلاد؟): a question no one is meant to answer
ASKING_WHO = frozenset(("من", "ومن", "فمن"))
_FUTURE = re.compile("^س[يتنا]..")


@dataclass(frozen=True)
class Evaluation:
    """The evaluative lexicon: stem sequences by first stem, longest first, with their kind, and the
    words that open a condition (kind `condition`)."""

    phrases: dict[str, list[tuple[tuple[str, ...], str]]]
    condition: re.Pattern[str]
    particle_words: frozenset[str]

    @classmethod
    def load(cls, path: Any = DATA / "evaluative.tsv") -> Evaluation:
        phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        openers = []
        particle_words: set[str] = set()
        function_words = function_word_keys()
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            kind, entry = line.split("\t")
            if kind == "condition":
                openers.append(re.escape(normalize(entry)))
                continue
            forms = entry_forms(entry)
            if kind in PARTICLES:
                first = normalize(entry.split()[0])
                written = {prefix + first + suffix for prefix in ("", "و", "ف") for suffix in (PRONOUNS if kind == "contrast" else ("",))}
                particle_words |= written
                forms |= {(keys(word)[-1], *form[1:]) for form in forms for word in written}
            if kind not in PARTICLES:
                # a stem of three letters keeps its proclitics (`keys` strips them only before four): ويجب، بنزع، لوقف
                forms |= {(prefix + form[0],) for form in forms if len(form) == 1 and len(form[0]) == 3 for prefix in SHORT_PROCLITICS}
            for form in forms:
                if len(form) == 1 and form[0] in function_words and kind not in PARTICLES:
                    continue
                if form and (form[1:], kind) not in phrases.get(form[0], []):
                    phrases.setdefault(form[0], []).append((form[1:], kind))
        for entries in phrases.values():
            entries.sort(key=lambda e: (-len(e[0]), e))
        # from the opener to the clause's punctuation, or to the word with ف that opens the main clause (فسنرد، فإن; not في)
        opener = "|".join(sorted(openers, key=len, reverse=True))
        condition = re.compile(rf"(?<!\w)[وف]?(?:{opener})(?!\w)(?:\s+(?!ف(?!ي(?:ه|ها|هم)?(?!\w)))[^\s،,؛;:.!?؟]+)*")
        return cls(phrases, condition, frozenset(particle_words))

    def items(self, text: str, words: list[str] | None = None) -> list[Item]:
        """The lexicon's entries in a text (matching form), left to right, longest first; `neutral` ones
        (لا يزال still, لا يقل no less) only keep their words from being read as others."""
        words = WORD.findall(text) if words is None else words  # the caller may have them already
        word_keys = list(map(keys, words))
        conditions = [(c.start(), c.end()) for c in self.condition.finditer(text)]  # in text order, apart
        condition_starts = [start for start, _ in conditions]
        word_starts = [m.start() for m in WORD.finditer(text)] if conditions else []  # only a condition needs them
        found = []
        i = 0
        phrases = self.phrases
        while i < len(words):
            length = 1
            if word_keys[i][0] not in phrases and word_keys[i][-1] not in phrases:  # most words open no entry (a word has one or two keys)
                i += 1
                continue
            word = words[i]
            for rest, kind in (entry for key in word_keys[i] for entry in phrases.get(key, ())):
                if kind in PARTICLES and word not in self.particle_words:
                    continue
                if not rest or (all(r in w for r, w in zip(rest, word_keys[i + 1 : i + 1 + len(rest)])) and i + len(rest) < len(words)):
                    if kind != "neutral":
                        conditional = False
                        if conditions:
                            before = bisect.bisect_right(condition_starts, word_starts[i]) - 1
                            conditional = before >= 0 and word_starts[i] < conditions[before][1]
                        coordinated = word[:1] == "و" and (
                            word[1:] in self.particle_words
                            if kind in PARTICLES
                            else kind in ("support", "oppose") and word_keys[i][0] != word and keys(word[1:])[0] == word_keys[i][0]
                        )
                        # tuple.__new__ is Item(...) without the Python-level constructor of a NamedTuple
                        found.append(tuple.__new__(Item, (i, kind, _DEFINITE.match(word) is not None, conditional, coordinated)))
                    length = 1 + len(rest)
                    break
            i += length
        if "؟" in text:
            asking = next((i for i, (who, verb) in enumerate(itertools.pairwise(words)) if who in ASKING_WHO and _FUTURE.match(verb)), None)
            if asking is not None:
                found.insert(sum(item.index < asking for item in found), tuple.__new__(Item, (asking, "rhetorical", False, False, False)))
        return found


# The kinds that govern the evaluative word after them.
GOVERNING = frozenset(("support", "oppose", "reverse", "keep", "negation", "avert"))
SIGN = {"support": 1, "oppose": -1, "positive": 1, "negative": -1, "negation": -1, "concession": -1}


class Orientation(NamedTuple):
    """How a target relates to the two kinds whose sign depends on it: undoing its object
    (withdrawal of forces: against; disarming of factions: for; keeping its object, `keep`, the
    opposite) and negative words (occupation names the target, or what attacks on it answer)."""

    reverse: int = -1
    negative: int = -1


def _within(positions: frozenset[int], first: int, last: int) -> bool:
    """Is one of `positions` in [first, last]? A set lookup per word of the window (a few words), not a pass over
    the positions: a clause is read in time linear in its length, however many words of the target it holds."""
    return any(position in positions for position in range(first, last + 1))


def polarity(
    items: list[Item], orientation: Orientation, anchors: frozenset[int] | None = None, itself: frozenset[int] = frozenset(), flipped: frozenset[int] = frozenset()
) -> int:
    """The vote of a clause's evaluative items: + for the target, - against.

    `anchors`: the positions of the clause's words of the target's record; an undoing or a keeping alone (no
    predicate, negation or judgement) votes only within SCOPE words of one: "the price of bread will fall" reports
    a change of something else; a chain of predicates with no undoing or keeping votes only with one within 2 * SCOPE
    words of its first predicate ("demanded elections on time", in a sentence on the target, demands something else).
    A bare negation that reaches a word naming the target itself (`itself`) with nothing else to invert rejects it ("no to the plant").
    A predicate (support, oppose), an undoing (reverse), a keeping (keep) or a negation applies to the next one
    within SCOPE words: a chain of them is emitted as the product of its signs when it ends
    ("demand" + "withdrawal" is against, "reject" + "withdrawal" for, "staying" + "not" +
    "necessary" against); a negation alone emits nothing. An evaluative word votes its own sign,
    inverted by a negation just before it: "reject occupation" is against whatever is called an occupation;
    the evaluative word right after it of the same kind only reinforces it ("a grave mistake").
    An evaluative word right before an undoing or a keeping judges it as a predicate would ("no justification
    for leaving" is for). An undoing or a keeping that opens its chain is what the clause is about, and the next
    evaluative word in the clause judges it ("withdrawal ... is a mistake" is for, "staying ... an insult" against), unless that word is
    its object in construct (إنهاء الاحتلال: ending the occupation).
    An exception after a bare negation cancels it ("brought nothing but ruin" is "ruin"); after a question
    (هل), a negation is the exception (هل جلب غير الخراب: what did it bring but ruin).
    A verb of averting ("avoid", "ward off") negates what it governs, as a negation does; "any" (أي) carries an
    open chain or "without" on to the word after it ("will not give it any benefit").
    The evaluative item after "without" votes nothing ("fell without losses", "withdrawal without delay").
    A denial ("is untrue") drops the votes before it since the last contrast: they are the report it denies;
    a verb of denying ("denied") those after it, up to the next contrast.
    A question "who will ...?" (من سـ…؟) with a condition warns against what the condition says: its votes count, inverted.
    The votes of a condition count only if the main clause casts none ("we support it even if some reject it";
    "we will strike unless they leave" is against their staying). After a contrast marker, the votes
    that follow decide if there are any, and count POINT_WEIGHT times; a concession ("does not mean") is a
    contrast and a negation.
    """
    contrasted = False
    before = main = conditional = 0  # votes before the last contrast marker; since, in the main clause and in conditions
    chain: int | None = None  # the sign of the pending chain
    chain_in_condition = False
    has_predicate = False
    undoing: Item | None = None  # the undoing that opened the pending chain: it waits for its judgement
    previous: Item | None = None  # the last evaluative word
    last = -SCOPE - 1

    def vote(value: int, in_condition: bool) -> None:
        nonlocal main, conditional
        if in_condition:
            conditional += value
        else:
            main += value

    def close() -> None:
        nonlocal chain, has_predicate, undoing, lone, undoes, negated, predicate_at
        if chain is not None and not has_predicate and negated is not None and _within(itself, negated + 1, negated + SCOPE):
            vote(-1, chain_in_condition)  # "no to the plant": a negation with nothing to invert but the target's name
        # a predicate with no undoing is about its object: with no word of the target near it, something else
        if chain is not None and has_predicate and not (lone and undoing is not None and not anchored(undoing.index)) and (undoes or anchored(predicate_at, 2 * SCOPE)):
            vote(chain, chain_in_condition)
        chain, has_predicate, undoing, lone, undoes, negated, predicate_at = None, False, None, False, False, None, -1

    def anchored(index: int, span: int = SCOPE) -> bool:
        return anchors is None or _within(anchors, index - span, index + span)

    lone = False  # the pending chain is an undoing or a keeping alone, with no predicate or negation
    undoes = False  # the pending chain holds an undoing or a keeping
    negated: int | None = None  # where the negation that opened the pending chain is
    predicate_at = -1  # where its first predicate is

    without = -SCOPE - 1  # where the last "without" was: the word it governs says how, and casts no vote
    asked = False  # a question (هل) is open: its negation is an exception
    rhetorical = False  # the clause asks "who will ...?"
    denying = False  # a verb of denying is open: what follows is the report it denies
    for position, item in enumerate(items):
        index, kind = item.index, item.kind
        if kind == "any":  # "not ... any", "without any": what is open reaches the word after it ("no legitimacy at all")
            if chain is not None and index - last <= SCOPE:
                last = index
            if index - without <= SCOPE:
                without = index
            continue
        if denying and kind not in ("contrast", "concession"):
            continue
        if kind == "deny":
            close()
            denying = True
            continue
        if kind == "goal":  # "until": what follows is what the clause before works for, a predicate of its own
            close()
            continue
        if kind == "without" or index - without <= SCOPE:
            without = index if kind == "without" else -SCOPE - 1
            continue
        if kind == "rhetorical":
            rhetorical = True
            continue
        if kind == "question" or (asked and kind == "negation" and chain is None):
            asked = kind == "question"
            continue
        if kind == "exception":
            if chain is not None and not has_predicate:
                chain = None
            continue
        # a chain ends after SCOPE words and with its condition or clause, unless it is an undoing that waits for its judgement
        ended = index - last > SCOPE or item.conditional != chain_in_condition
        if chain is not None and ended and (undoing is None or kind not in ("positive", "negative", "negation")):
            close()
        last = index
        if kind in ("contrast", "concession"):
            contrasted, denying = True, False
            close()
            before, main, conditional = before + (main or conditional), 0, 0
            if kind == "concession":
                chain = -1
        elif kind == "denial":  # what was said before is a report denied, not judged (guidelines §4.1, R6)
            chain, has_predicate, undoing = None, False, None
            main = conditional = 0
        elif kind in ("negation", "avert"):  # inverts the open chain ("staying ... is not necessary"), or starts one
            if item.coordinated:  # "and not" starts one
                close()
            if chain is None:
                negated = index
            chain, lone = -(chain or 1), False
        elif kind in ("support", "oppose", "reverse", "keep"):
            if item.coordinated:  # "we reject it and warn of ...": a predicate of its own, not one of the one before
                chain = None
            # undoing the target itself ("stop the negotiations with the Fund") is against it, whatever else it undoes
            reverse = -1 if _within(itself, index + 1, index + SCOPE) else orientation.reverse
            sign = reverse if kind == "reverse" else -reverse if kind == "keep" else -SIGN[kind] if index in flipped else SIGN[kind]
            lone = kind in ("reverse", "keep") and chain is None
            if not has_predicate:
                predicate_at = index
            undoes = undoes or kind in ("reverse", "keep")
            if lone:
                undoing = item
            chain, has_predicate = (chain or 1) * sign, True
        elif previous is not None and index == previous.index + 1 and kind == previous.kind and chain is None:
            pass  # خطأ فادح, انتهاك صارخ: one judgement
        elif undoing is not None and (undoing.definite or index - undoing.index > 1):
            vote((chain or 1) * SIGN[kind], item.conditional)
            chain, has_predicate, undoing = None, False, None
        else:  # positive, negative: negated by a bare negation only
            bare = chain if chain is not None and not has_predicate else 1
            if not has_predicate:
                chain = None  # a bare negation is this word's
            close()
            following = items[position + 1] if position + 1 < len(items) else None
            if following is not None and following.kind in ("reverse", "keep") and following.index - index <= SCOPE:
                # it judges the undoing that follows it ("no justification for leaving", "the danger of closing")
                chain, has_predicate, chain_in_condition = bare * SIGN[kind], True, item.conditional
            else:
                sign = orientation.negative if kind == "negative" else SIGN[kind]
                vote(bare * (-sign if index in flipped else sign), item.conditional)
        if kind in ("positive", "negative"):
            previous = item
        if kind in ("negation", "support", "oppose", "reverse", "keep"):
            chain_in_condition = item.conditional
    close()
    if rhetorical and conditional:  # "who will protect us if we hand over our arms?": handing them over is the danger
        return -conditional
    point = main or conditional
    return point * (POINT_WEIGHT if contrasted else 1) if point else before


class NaiveBayes:
    """FAVOR against AGAINST, by stem counts: log-odds of a text, with a document's own gold taken out."""

    def __init__(self, texts: Iterable[tuple[str, set[str], str | None]]) -> None:
        favor, against = Counter[str](), Counter[str]()
        self.by_doc: dict[str, tuple[Counter[str], Counter[str]]] = {}
        for label, features, doc_id in texts:
            if label in ("FAVOR", "AGAINST"):
                own = self.by_doc.setdefault(doc_id, (Counter(), Counter())) if doc_id is not None else None
                (favor if label == "FAVOR" else against).update(features)
                if own is not None:
                    own[label == "AGAINST"].update(features)
        self.counts = (favor, against)
        self.totals = self._totals(favor, against)

    @staticmethod
    def _totals(favor: Counter[str], against: Counter[str]) -> tuple[int, int]:
        """The denominators of add-one smoothing: each class's count plus the vocabulary."""
        vocabulary = len(favor | against) + 1
        return sum(favor.values()) + vocabulary, sum(against.values()) + vocabulary

    def log_odds(self, words: set[str], doc_id: str | None) -> float:
        own = self.by_doc.get(doc_id) if doc_id is not None else None
        favor, against = (self.counts[0] - own[0], self.counts[1] - own[1]) if own else self.counts
        n_favor, n_against = self._totals(favor, against) if own else self.totals
        return sum(
            math.log((favor[w] + 1) / n_favor) - math.log((against[w] + 1) / n_against) for w in words if favor[w] or against[w]
        )


ORIENTATIONS = tuple(Orientation(reverse, negative) for negative in (-1, 1) for reverse in (-1, 1))  # the usual one first


class OrientationFit:
    """A target's orientation: the one that agrees with at least ORIENTATION_MARGIN more of its FAVOR/AGAINST
    texts (examples and gold) than the usual one, with a document's own gold left out as from the classifier.
    The usual one is that of most targets, or the undoing's opposite when the target's name is an undoing
    (حصر السلاح: restricting arms is what FAVOR supports, so disarming is for it)."""

    def __init__(self, agreeing: dict[Orientation, Counter[str | None]], usual: Orientation = Orientation()) -> None:
        self.agreeing = agreeing
        self.usual = usual
        self.totals = {orientation: sum(counts.values()) for orientation, counts in agreeing.items()}
        self.with_gold = {doc for counts in agreeing.values() for doc in counts if doc is not None}
        self.shared = self._fitted(None)

    def for_document(self, doc_id: str | None) -> Orientation:
        return self._fitted(doc_id) if doc_id in self.with_gold else self.shared

    def _fitted(self, doc_id: str | None) -> Orientation:
        def agreeing(orientation: Orientation) -> int:
            return self.totals[orientation] - (self.agreeing[orientation][doc_id] if doc_id is not None else 0)

        best = max(ORIENTATIONS, key=agreeing)
        return best if agreeing(best) >= agreeing(self.usual) + ORIENTATION_MARGIN else self.usual


class TargetModel(NamedTuple):
    """What the polarity of a quote toward one target is read with: its orientation, its classifier, and the
    evaluative words its examples use the other way round (the occupation in a call to attack it)."""

    id: str
    orientation: OrientationFit
    classifier: NaiveBayes
    flips: frozenset[str] = frozenset()


class Relevance:
    """What each target is about: the words of its record, weighted by the number of its texts holding them
    (its name counts NAME_WEIGHT) times their rarity, and the weight from which a sentence is about it.

    A word's rarity is ln((n + 1) / m) for n targets, m counting the targets whose record uses it and the other
    targets whose FAVOR/AGAINST gold quotes use it: a word the quotes on most other targets use (the government,
    the country) counts against a target whose record uses it, as it says nothing of what a sentence is about."""

    def __init__(self, records: list[list[set[str]]], golds: list[set[str]], heads: list[set[str]]) -> None:
        """`records`: each target's texts as their sets of keys, its name first, its definition second;
        `golds`: the keys of each target's FAVOR/AGAINST gold quotes; `heads`: the keys of the head word of
        each target's name.

        A head word no other target's record or gold uses (التطبيع) says alone what a sentence is about:
        it weighs the threshold."""
        in_records = Counter(k for texts in records for k in set().union(*texts))
        in_golds = Counter(k for keys_of_quotes in golds for k in keys_of_quotes)
        self.thresholds: list[float] = []
        # every target's weight of a key, so that a sentence's words are looked up once for all targets
        self.term_weights: dict[str, list[float]] = {}
        for i, (texts, own_golds) in enumerate(zip(records, golds)):
            uses: Counter[str] = Counter()
            for n, keys_of_text in enumerate(texts):
                uses.update({k: NAME_WEIGHT if n == 0 else 1 for k in keys_of_text})
            rarity = {k: math.log((len(records) + 1) / (in_records[k] + in_golds[k] - (k in own_golds))) for k in uses}
            terms = {k: count * rarity[k] for k, count in uses.items()}
            # How much of the target's weight an example holds when it is left out of the weights: what a new sentence on the target holds.
            typical = [sum(terms[k] - rarity[k] for k in keys_of_text) for keys_of_text in texts[2:]] or [sum(terms[k] for k in texts[0])]
            self.thresholds.append(max(MIN_RELEVANCE, RELEVANCE * statistics.median(typical)))
            for k in heads[i]:
                if in_records[k] + in_golds[k] - (k in own_golds) == 1:
                    terms[k] = max(terms[k], self.thresholds[-1])
            for k, weight in terms.items():
                self.term_weights.setdefault(k, [0.0] * len(records))[i] = weight
        # the first three letters of every key of some target: a key has three letters or more (`_features`)
        self.key_starts = frozenset(k[:3] for k in self.term_weights)
        self.word_weights = lru_cache(maxsize=1 << 16)(self._word_weights)

    def _word_weights(self, word: str) -> tuple[float, ...] | None:
        """Each target's weight of a word in matching form, by its best key, for the targets it is most a word of
        ("forces" is more the presence of forces than attacks on them); None for most words, of no target."""
        # a key starts after the word's proclitics, five letters at most (`_ARTICLE`): without the first letters
        # of some target's key there, a word (most words) has none, found without working its keys out
        if self.key_starts.isdisjoint((word[:3], word[1:4], word[2:5], word[3:6], word[4:7], word[5:8])):
            return None
        found = [weights for k in keys(word) if (weights := self.term_weights.get(k))]
        if not found:
            return None
        weights = tuple(map(max, zip(*found)))
        top = max(weights)
        return tuple(w if w >= WORD_SHARE * top else 0.0 for w in weights)

    def of(self, words: Iterable[str]) -> list[float]:
        """Each target's weight among `words` (each word once), as a share of the target's threshold."""
        found = [weights for word in set(words) if (weights := self.word_weights(word)) is not None]
        return [sum(weights) / threshold for weights, threshold in zip(zip(*found), self.thresholds)] if found else [0.0] * len(self.thresholds)


@lru_cache(maxsize=1)
def one_word_places() -> frozenset[str]:
    """The one-word GPE names of the static gazetteer (CLDR, the curated list, GeoNames cities), in matching form."""
    return frozenset(first for first, entries in static_gazetteer().index.items() for rest, label, _ in entries if label == "GPE" and not rest)


def examples_of(target: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, text) of a target record's examples; what is not a list of texts under a label is left out
    (a malformed inventory is the build's to report, `merge.read_targets`: here it only teaches less)."""
    examples = target.get("examples")
    if not isinstance(examples, dict):
        return []
    return [(label, text) for label in LABELS if isinstance(examples.get(label), list) for text in examples[label] if isinstance(text, str)]


def _arabic(text: str) -> str:
    """The Arabic-script words of a text (a definition may be written in English around Arabic phrases)."""
    return " ".join(re.findall("[\u0600-\u06ff]+", text))


class StanceDetector:
    """Stance of quotes toward the inventory's targets, from the targets' own records."""

    def __init__(self, targets: list[dict[str, Any]], gold: list[GoldStance]) -> None:
        self.evaluation = Evaluation.load()
        self.targets = tuple(t["id"] for t in targets)
        self.learned = _learned(targets, gold)
        lex = lexicons()
        function_words = [*lex.stopwords, *lex.titles, *cue_forms()]
        # evaluative words stay: "withdrawal" is as much what a target is about as "forces"
        self.general = {k for w in function_words for prefixed in (w, "و" + w, "ف" + w) for k in keys(prefixed)}
        self.models = [self._model(t, gold) for t in targets]
        # the head word of a name: its first word that is not a function word (تطبيع in تطبيع العلاقات مع إسرائيل)
        name_words = [WORD.findall(self._texts(t)[0]) for t in targets]
        self.heads = [next((found for w in words if (found := self._features(w))), set()) for words in name_words]
        self.record_texts = [[self._features(text) for text in self._texts(t)] for t in targets]
        # what names a target in a document: the Arabic words of its name and the places it names (none: its record's words do)
        self.name_keys = [self._features(_arabic(self._texts(t)[0])) | self._places(t) for t in targets]
        self.itself_keys = [self._itself(self._texts(t)[0]) for t in targets]
        self.object_keys = [self._undone(self._texts(t)[0]) for t in targets]
        self.gold_texts = [
            [(g.doc_id, self._features(normalize(g.content))) for g in gold if g.target == t["id"] and g.label in ("FAVOR", "AGAINST")] for t in targets
        ]
        gold_keys = [set().union(*(text for _, text in golds)) for golds in self.gold_texts]
        self.shared_relevance = Relevance(self.record_texts, gold_keys, self.heads)
        self.gold_documents = {doc for golds in self.gold_texts for doc, _ in golds}
        self.relevance_by_document: dict[str, Relevance] = {}
        self.all_none = tuple((target, "NONE") for target in self.targets)

    def relevance_for(self, doc_id: str | None) -> Relevance:
        """The targets' relevance for reading a document: without the document's own gold if it has some (as the card scores it)."""
        if doc_id not in self.gold_documents:
            return self.shared_relevance
        if doc_id not in self.relevance_by_document:
            if len(self.relevance_by_document) >= DOCUMENTS_KEPT:
                del self.relevance_by_document[next(iter(self.relevance_by_document))]
            golds = [set().union(*(text for doc, text in golds if doc != doc_id)) for golds in self.gold_texts]
            self.relevance_by_document[doc_id] = Relevance(self.record_texts, golds, self.heads)
        return self.relevance_by_document[doc_id]

    def relevance(self, words: Iterable[str], doc_id: str | None = None) -> list[float]:
        """Each target's weight among `words` (each word once), as a share of the target's threshold."""
        return self.relevance_for(doc_id).of(words)

    def _itself(self, name: str) -> set[str]:
        """The keys of the words of a target's name that name the target itself, not what its name undoes or keeps:
        صندوق in برامج صندوق النقد وإجراءات التقشف, none in حصر السلاح (arms are what restricting undoes)."""
        undoings = [item.index for item in self.evaluation.items(name) if item.kind in ("reverse", "keep")]
        words = WORD.findall(name)
        return {k for i, w in enumerate(words) if not any(0 < i - u <= SCOPE for u in undoings) for k in self._features(w)}

    def _undone(self, name: str) -> frozenset[str]:
        """The keys of the word a target's name undoes (السلاح in حصر السلاح بيد الدولة): judging it is judging the target the other way round."""
        words = WORD.findall(name)
        undone = [next((k for w in words[item.index + 1 :] if (k := self._features(w))), set()) for item in self.evaluation.items(name) if item.kind == "reverse"]
        return frozenset().union(*undone)

    def _places(self, target: dict[str, Any]) -> set[str]:
        """The keys of the places (one-word GPE names of the gazetteer) that the target's name and FAVOR/AGAINST
        examples name, with or without a proclitic: they name the target as its name does (طهران for Iran's role)."""
        places = one_word_places()
        texts = [self._texts(target)[0], *(normalize(text) for label, text in examples_of(target) if label != "NONE")]
        found = {w for text in texts for w in WORD.findall(text) if w in places or (w[:1] in "وبلف" and w[1:] in places)}
        return {k for w in found for k in keys(w) if k not in self.general and len(k) >= 3}

    def _features(self, text: str, words: list[str] | None = None) -> set[str]:
        """The keys of a text's words (`words`, if already found) that can say what it is about."""
        return {k for w in (WORD.findall(text) if words is None else words) for k in keys(w) if k not in self.general and len(k) >= 3}

    def _model(self, target: dict[str, Any], gold: list[GoldStance]) -> TargetModel:
        """A target's orientation and classifier, from its examples and gold."""
        training = [(label, normalize(text), None) for label, text in examples_of(target)]
        training += [(g.label, normalize(g.content), g.doc_id) for g in gold if g.target == target["id"]]
        classifier = NaiveBayes((label, self._features(text), doc) for label, text, doc in training)
        name = self.evaluation.items(self._texts(target)[0])
        named_by_undoing = polarity(name, Orientation(reverse=1)) > 0 > polarity(name, Orientation())
        usual = Orientation(reverse=1) if named_by_undoing else Orientation()
        fit = self._orientation_fit(training, usual)
        return TargetModel(target["id"], fit, classifier, self._flips(target, fit.shared))

    def _flips(self, target: dict[str, Any], orientation: Orientation) -> frozenset[str]:
        """The keys of the positive and negative words that the target's FAVOR/AGAINST examples use the other way round:
        those that, standing alone and read with the opposite sign, make more examples' polarity agree with their label
        than disagree (for attacks on forces, "occupation" in the calls to attack them)."""
        wanted = {"FAVOR": 1, "AGAINST": -1}
        evidence: Counter[str] = Counter()
        for label, text in examples_of(target):
            if label in wanted:
                text = normalize(text)
                words, items = WORD.findall(text), self.evaluation.items(text)
                governing = [other.index for other in items if other.kind in GOVERNING]
                for item in items:
                    # a word a predicate, an undoing or a negation governs is not read alone: its sign there says nothing
                    if item.kind in ("positive", "negative") and not any(0 < item.index - g <= SCOPE for g in governing):
                        as_written = polarity(items, orientation) * wanted[label]
                        flipped = polarity(items, orientation, flipped=frozenset((item.index,))) * wanted[label]
                        evidence[keys(words[item.index])[-1]] += (flipped > 0) - (as_written > 0)
        return frozenset(key for key, count in evidence.items() if count > 0)

    @staticmethod
    def _texts(target: dict[str, Any]) -> list[str]:
        """The target's texts in matching form: its name first, the Arabic of its definition, its examples."""
        name, definition = target.get("name_ar"), target.get("definition")
        found = [name if isinstance(name, str) else "", _arabic(definition) if isinstance(definition, str) else ""]
        return [normalize(text) for text in found + [text for _, text in examples_of(target)]]

    def _orientation_fit(self, training: list[tuple[str, str, str | None]], usual: Orientation) -> OrientationFit:
        """How many of the FAVOR/AGAINST (label, text, doc_id) texts each orientation's polarity agrees with, by document."""
        wanted = {"FAVOR": 1, "AGAINST": -1}
        items = [(self.evaluation.items(text), wanted[label], doc) for label, text, doc in training if label in wanted]
        agreeing = {o: Counter(doc for found, sign, doc in items if polarity(found, o) * sign > 0) for o in ORIENTATIONS}
        return OrientationFit(agreeing, usual)

    def classify(self, sentence: str, clause: str, doc_id: str | None) -> tuple[tuple[str, str], ...]:
        """(target, label) of a quote, for every target of the inventory, in order: `sentence` (matching form)
        decides relevance, `clause` (its cue and content) the polarity."""
        return self.label_quote(self.relevance(WORD.findall(sentence), doc_id), clause, doc_id)

    def label_quote(self, weights: list[float], clause: str, doc_id: str | None) -> tuple[tuple[str, str], ...]:
        """`classify` given the `relevance` of the quote's sentence."""
        if max(weights, default=0.0) < 1:
            return self.all_none
        # a quote is about the targets it is most about, not every one it touches
        relevant = [w >= 1 and w >= SHARE * max(weights) for w in weights]
        words = WORD.findall(clause)
        items = self.evaluation.items(clause, words)
        features = self._features(clause, words)
        # the words of the targets' records, for a predicate, an undoing or a keeping to be anchored to (most clauses have none)
        if any(item.kind in GOVERNING for item in items):
            word_weights = self.relevance_for(doc_id).word_weights
            clause_weights = [(i, weights, word) for i, word in enumerate(words) if (weights := word_weights(word)) is not None]
        else:
            clause_weights = []
        evaluative = [(item.index, keys(words[item.index])[-1]) for item in items if item.kind in ("positive", "negative")]
        undoings = [item.index for item in items if item.kind in ("reverse", "keep")]
        found = []
        for n, (model, about) in enumerate(zip(self.models, relevant)):
            label = "NONE"
            if about:
                anchors = frozenset(i for i, weights, _ in clause_weights if weights[n])
                itself = frozenset(i for i, _, word in clause_weights if not self.itself_keys[n].isdisjoint(keys(word)))
                flipped = frozenset(i for i, key in evaluative if key in model.flips)
                read = items
                if self.object_keys[n] and items:
                    judging, existential = self._judging_undone(words, items, undoings, self.object_keys[n])
                    flipped |= judging
                    read = [item for item in items if item.index not in existential] if existential else items
                vote = polarity(read, model.orientation.for_document(doc_id), anchors, itself, flipped)
                vote += SIMILARITY_WEIGHT * model.classifier.log_odds(features, doc_id)
                label = "FAVOR" if vote >= DECISION else "AGAINST" if vote <= -DECISION else "NONE"
            found.append((model.id, label))
        return tuple(found)

    @staticmethod
    def _judging_undone(
        words: list[str], items: list[Item], undoings: list[int], undone: frozenset[str]
    ) -> tuple[frozenset[int], frozenset[int]]:
        """The positions of the items that judge what the target undoes where no undoing governs it: an evaluative
        word just after it (السلاح المنفلت، سلاحنا هو الضمانة) or a predicate just before it (نحذر من السلاح); and
        those of the negations just before it, when it is so judged: they deny that it should be (لا سلاح خارج القانون),
        as the judgement does."""
        governed = frozenset(undoings)
        free = frozenset(i for i, word in enumerate(words) if not undone.isdisjoint(keys(word)) and not _within(governed, i - SCOPE, i - 1))
        judged = {
            (item.index, o)
            for item in items
            if item.kind in ("positive", "negative", "support", "oppose")
            for o in (range(item.index - 2, item.index) if item.kind in ("positive", "negative") else range(item.index + 1, item.index + 3))
            if o in free
        }
        objects = {o for index, o in judged if index > o}
        existential = frozenset(item.index for item in items if item.kind == "negation" and item.index + 1 in objects)
        return frozenset(index for index, _ in judged), existential

    def find(self, nt: NormText, quotes: list[Quote], doc_id: str | None = None) -> list[Stance]:
        """One record per quote and target (guidelines §4.2)."""
        if not quotes or not self.models:
            return []
        # The document's words of some target, found in one pass over its words (shared with the other components).
        words = nt.words
        relevance = self.relevance_for(doc_id)
        weights_of = relevance.word_weights
        # each distinct word looked up once: a set test per word is cheaper than the cached call
        of_some_target = {word for word in set(words.texts) if weights_of(word) is not None}
        hits = [i for i, word in enumerate(words.texts) if word in of_some_target]
        hit_starts = [words.starts[i] for i in hits]
        ends = [m.end() for m in SENTENCE_END.finditer(nt.norm)]  # where sentences end
        topics = [w >= TOPIC for w in relevance.of(of_some_target)]
        # a document that holds no word of a target's name is not about it, whatever general words it shares with its record
        document_keys = {k for word in of_some_target for k in keys(word)}
        named = [not name or not document_keys.isdisjoint(name) for name in self.name_keys]
        found = []
        for n, quote in enumerate(quotes):
            start, end = nt.norm_offset(quote.content.start), nt.norm_offset(quote.content.end)
            cue = nt.norm[nt.norm_offset(quote.cue.start) : nt.norm_offset(quote.cue.end)] if quote.cue else ""
            first = min(start, nt.norm_offset(quote.cue.start)) if quote.cue else start
            # the quote's sentence, at most MAX_SENTENCE_CHARS on either side (as the segmenter cuts a long one)
            before, after = bisect.bisect_right(ends, first), bisect.bisect_left(ends, end)
            sentence_start = max(ends[before - 1] if before else 0, first - MAX_SENTENCE_CHARS)
            sentence_end = min(ends[after] if after < len(ends) else len(nt.norm), end + MAX_SENTENCE_CHARS)
            in_sentence = hits[bisect.bisect_left(hit_starts, sentence_start) : bisect.bisect_left(hit_starts, sentence_end)]
            weights = relevance.of(words.texts[i] for i in in_sentence)
            weights = [w if about else 0.0 for w, about in zip(weights, named)]
            weights = [max(w, 1.0) if topic and w >= TOPIC_SHARE else w for w, topic in zip(weights, topics)]
            if any(topic and w >= 1 for w, topic in zip(weights, topics)):
                # on one of the document's topics, a quote is about its topics only: in an article on normalisation,
                # "the partnership with Tel Aviv" is not the partnership of another target's record
                weights = [w if topic else 0.0 for w, topic in zip(weights, topics)]
            # tuple.__new__ is Stance(...) without the Python-level constructor of a NamedTuple
            # what the speaker said: a discontinuous quote's parts, without the author's frame between them
            said = " ".join(nt.norm[nt.norm_offset(p.start) : nt.norm_offset(p.end)] for p in quote.parts) if quote.parts else nt.norm[start:end]
            found += [tuple.__new__(Stance, (t, label, n)) for t, label in self.label_quote(weights, f"{cue} {said}", doc_id)]
        return found

    def __call__(self, doc: Doc) -> Doc:
        set_doc_value(doc, "qawl_stance", self.find(doc_norm(doc), doc_value(doc, "qawl_quotes") or [], doc_value(doc, "qawl_doc_id")))
        return doc


@Language.factory("qawl_stance", default_config={"annotations_dir": None})
def make_stance(nlp: Language, name: str, annotations_dir: str | None) -> StanceDetector:
    """The stance component over the targets and gold stance of annotations/ (none: no stance)."""
    directory = Path(annotations_dir) if annotations_dir else None
    return StanceDetector(read_targets(directory), gold_stance(directory))
