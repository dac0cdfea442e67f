"""Entity pre-annotation: gazetteers and contextual patterns, as the spaCy component "qawl_entities".

Sources, strongest first: the gold layer (names reviewers annotated in other
documents), dates, quoted organisation names, CLDR and curated gazetteers,
organisation heads (وزارة، حزب، مجلس ...), titles and given names before person
names, and nisba adjectives (عراقي، الأمريكية) as NORP. Matching runs on the
normalised text and tolerates proclitics (و ف ب ك ل لل); spans map back to the
original text and leave the proclitic outside.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from qawl.annotate.lexicon import Gazetteer, cue_forms, gold_entities, lexicons, static_gazetteer
from qawl.annotate.text import NormText

if not Doc.has_extension("qawl_entities"):
    Doc.set_extension("qawl_entities", default=None)
if not Doc.has_extension("qawl_doc_id"):
    Doc.set_extension("qawl_doc_id", default="")

WORD = re.compile(r"\w+")


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


QUOTED = re.compile(r'"([^"\n]{2,90})"')
# A quoted name after the preposition ل: the outlet of قال لـ«...».
OUTLET = re.compile(r'(?<!\w)ل\s*"([^"\n]{2,40})"')
# Tiers decide conflicts before length does: gold names beat everything.
TIER_GOLD, TIER_DATE, TIER_RULE = 0, 1, 2
MAX_NAME_WORDS = 4


@dataclass(frozen=True)
class Mention:
    """An entity candidate or result: [start, end) and label."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    text: str


@lru_cache(maxsize=1 << 17)
def variants(word: str) -> tuple[tuple[int, str], ...]:
    """(offset, form) of a word with proclitics removed: و ف, then ب ك ل (لل → ال)."""
    out = [(0, word)]
    if len(word) > 3 and word[0] in "وف":
        out.append((1, word[1:]))
    for offset, form in list(out):
        if len(form) > 3 and form[0] in "بكل":
            out.append((offset + 1, "ا" + form[1:] if form.startswith("لل") else form[1:]))
    return tuple(out)


@lru_cache(maxsize=1 << 17)
def bare(word: str) -> str:
    """The word without proclitics and article (matching form)."""
    form = variants(word)[-1][1]
    return form[2:] if form.startswith("ال") and len(form) > 4 else form


def in_lexicon(word: str, lexicon: frozenset[str]) -> int | None:
    """Offset of the first reading of `word` (itself, then without proclitics) found in `lexicon`."""
    return next((offset for offset, form in variants(word) if form in lexicon), None)


@lru_cache(maxsize=1 << 17)
def nisba_offset(word: str, nisba: frozenset[str]) -> int | None:
    """Offset of a nisba (عراقي، والأمريكية) in a word after its proclitics, or None."""
    for offset, form in reversed(variants(word)):
        stem = form[2:] if form.startswith("ال") else form
        if stem in nisba or form in nisba:
            return offset
    return None


def _date_regex() -> re.Pattern[str]:
    lex = lexicons()
    month = "|".join(map(re.escape, lex.months))
    day = "|".join(map(re.escape, lex.days))
    rel = r"(?:الحالي|الماضي|المقبل|الجاري|القادم|المنصرم)"
    unit = r"(?:العام|الشهر|الاسبوع|السنه|الاسابيع|الايام|الاشهر)"
    patterns = [
        rf"(?:(?:ال\s*)?\d{{1,2}}\s*(?:من\s+)?)?(?:{month})(?:\s*/\s*(?:{month}))?"
        rf"(?:\s+(?:من\s+)?(?:عام\s+)?\d{{4}}|\s+{rel})?",
        rf"(?:ال\s*)?\d{{1,2}}\s+من\s+(?:الشهر|العام)\s+{rel}",
        rf"(?:(?:يوم|امس|مساء|صباح|ليله|فجر|ظهر|عصر)\s+)?(?:{day})(?:\s+(?:الماضي|المقبل|القادم))?",
        rf"{unit}\s+{rel}",
        r"(?:عام|العام|سنه|مطلع|منتصف|اواخر|نهايه|بدايه)\s+\d{4}",
        r"(?:19|20)\d{2}",
        r"امس|اليوم|غدا",
        r"الذكري\s+ال\w+",
        r"(?:\d+|ثلاثه|اربعه|خمسه|سته|سبعه|ثمانيه|تسعه|عشره)\s+(?:ايام|اسابيع|اشهر|شهور|سنوات|اعوام)",
        r"(?:الاشهر|الاسابيع|الايام|السنوات)\s+(?:\w+\s+)?(?:الماضيه|المقبله|الاخيره)",
    ]
    alternatives = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(rf"(?<!\w)(?:[وف]?[بل]?)(?P<date>{alternatives})(?!\w)")


class EntityRecognizer:
    """Rule- and lexicon-based recogniser of flat OntoNotes entity mentions."""

    def __init__(self, gold: Gazetteer | None = None) -> None:
        self.gold = gold or Gazetteer()
        self.static = static_gazetteer()
        self.lex = lexicons()
        self.cues = cue_forms()
        self.dates = _date_regex()
        self.not_name = self.lex.stopwords | self.lex.titles | self.lex.org_heads | frozenset(self.cues)

    # -- gold layer -----------------------------------------------------------------

    def learn(self, annotations_dir: Path) -> None:
        """Add every gold entity string of `annotations_dir/*.json` to the gold gazetteer."""
        for text, label, doc_id in gold_entities(annotations_dir):
            self.gold.add(text, label, [doc_id])

    # -- matching -------------------------------------------------------------------

    def find(self, text: str, doc_id: str = "", nt: NormText | None = None) -> list[Mention]:
        """Flat entity mentions of `text`, original offsets, in text order (`nt`: its NormText, if known)."""
        nt = nt or NormText.of(text)
        words = [Word(m.start(), m.end(), m.group()) for m in WORD.finditer(nt.norm)]
        candidates: list[tuple[int, Mention]] = []
        candidates += [(TIER_GOLD, m) for m in self._gazetteer(self.gold, nt.norm, words, doc_id)]
        candidates += [(TIER_DATE, m) for m in self._dates(nt.norm)]
        rules = [
            *self._gazetteer(self.static, nt.norm, words, doc_id),
            *self._quoted_orgs(nt.norm, words),
            *self._org_heads(nt.norm, words),
            *self._institutions(nt.norm, words),
            *self._facilities(nt.norm, words),
            *self._persons(nt.norm, words),
            *self._nisba(words),
        ]
        candidates += [(TIER_RULE, m) for m in rules]
        chosen: list[Mention] = []
        taken: list[tuple[int, int]] = []
        for _, mention in sorted(candidates, key=lambda c: (c[0], c[1].start - c[1].end, c[1].start)):
            if all(mention.end <= s or mention.start >= e for s, e in taken):
                taken.append((mention.start, mention.end))
                chosen.append(mention)
        out = []
        for m in sorted(chosen, key=lambda m: m.start):
            start, end = nt.span(m.start, m.end)
            out.append(Mention(start, end, m.label))
        return out

    @staticmethod
    def _adjacent(norm: str, a: Word, b: Word) -> bool:
        return not norm[a.end : b.start].strip()

    def _gazetteer(self, gazetteer: Gazetteer, norm: str, words: list[Word], doc_id: str) -> Iterator[Mention]:
        for i, word in enumerate(words):
            for offset, form in variants(word.text):
                for rest, label, docs in gazetteer.index.get(form, ()):
                    if docs and docs <= {doc_id}:
                        continue
                    j = i + len(rest)
                    if j >= len(words) or any(words[i + 1 + k].text != w for k, w in enumerate(rest)):
                        continue
                    if all(self._adjacent(norm, words[k], words[k + 1]) for k in range(i, j)):
                        yield Mention(word.start + offset, words[j].end, label)
                        break

    def _dates(self, norm: str) -> Iterator[Mention]:
        for m in self.dates.finditer(norm):
            yield Mention(m.start("date"), m.end("date"), "DATE")

    def _quoted_orgs(self, norm: str, words: list[Word]) -> Iterator[Mention]:
        """«الهيئة التنسيقية ...» (a quoted name opening with an organisation head), and
        head + quoted name (حركة «أمل», مليشيا "X"): the name inside the quotes."""
        for m in OUTLET.finditer(norm):
            yield Mention(m.start(1), m.end(1), "ORG")
        for m in QUOTED.finditer(norm):
            inner = m.group(1).split()
            if not inner or len(inner) > 9:
                continue
            if bare(inner[0]) in self.lex.org_heads:
                yield Mention(m.start(1), m.end(1), "ORG")
                continue
            before = norm[max(0, m.start() - 20) : m.start()].split()
            if before and bare(before[-1]) in self.lex.org_heads and len(inner) <= 4:
                yield Mention(m.start(1), m.end(1), "ORG")

    def _org_heads(self, norm: str, words: list[Word]) -> Iterator[Mention]:
        """Construct-state names: an indefinite head and its definite genitive (وزارة الخارجية
        الأمريكية، مجلس النواب، حزب العمال), trailing adjectives included."""
        lex = self.lex
        for i, word in enumerate(words):
            offset = in_lexicon(word.text, lex.org_heads)
            if offset is None:
                continue
            end = i
            for j in range(i + 1, min(i + 5, len(words))):
                nxt = words[j]
                if not self._adjacent(norm, words[j - 1], nxt):
                    break
                definite = nxt.text.startswith("ال") or (j > i + 1 and nxt.text.startswith("لل"))
                function_word = nxt.text in lex.stopwords and not nxt.text.startswith("ال")
                if not definite or function_word or nxt.text in self.cues or bare(nxt.text) in lex.days:
                    break
                end = j
            if end > i:
                yield Mention(word.start + offset, words[end].end, "ORG")

    def _is_nisba(self, word: str) -> bool:
        return nisba_offset(word, self.lex.nisba) is not None

    def _institutions(self, norm: str, words: list[Word]) -> Iterator[Mention]:
        """الحكومة العراقية، السفارة الأمريكية (N2), and التحالف الدولي (definite head + adjective)."""
        lex = self.lex
        for i, word in enumerate(words[:-1]):
            offset = next((o for o, f in variants(word.text) if f.startswith("ال")), None)
            if offset is None:
                continue
            head, nxt = word.text[offset + 2 :], words[i + 1]
            if not self._adjacent(norm, word, nxt) or not nxt.text.startswith("ال"):
                continue
            if head in lex.n2_heads and self._is_nisba(nxt.text):
                yield Mention(word.start + offset, nxt.end, "ORG")
            elif head in lex.adjective_heads and nxt.text.endswith(("ي", "يه")):
                yield Mention(word.start + offset, nxt.end, "ORG")

    def _facilities(self, norm: str, words: list[Word]) -> Iterator[Mention]:
        """مطار بغداد الدولي، قاعدة عين الأسد الجوية: class noun + name (+ adjective)."""
        lex = self.lex
        for i, word in enumerate(words):
            offset = in_lexicon(word.text, lex.facilities)
            if offset is None:
                continue
            end = i
            for j in range(i + 1, min(i + 5, len(words))):
                w = words[j].text
                if not self._adjacent(norm, words[j - 1], words[j]):
                    break
                if w in lex.facility_adjectives:
                    end = j
                    break
                if w in lex.stopwords or w in self.cues:
                    break
                end = j
            if end > i:
                yield Mention(word.start + offset, words[end].end, "FAC")

    def _namey(self, word: str) -> bool:
        return (
            len(word) >= 3
            and not word.isdigit()
            and word not in self.not_name
            and bare(word) not in self.not_name
            and bare(word) not in self.lex.nisba
            and word[-2:] not in ("ها", "هم", "نا")
        )

    def _name_from(self, norm: str, words: list[Word], i: int) -> int:
        """Index of the last word of a person name starting at word i (i-1 if none)."""
        last = i - 1
        for j in range(i, min(i + MAX_NAME_WORDS, len(words))):
            w = words[j].text
            if j > i and not self._adjacent(norm, words[j - 1], words[j]):
                break
            if not self._namey(w) and w not in ("بن", "ابن", "ابو", "عبد", "ال"):
                break
            last = j
            if w.startswith("ال") and j > i and words[j - 1].text not in ("عبد", "ابو"):
                break
        return last

    def _persons(self, norm: str, words: list[Word]) -> Iterator[Mention]:
        lex = self.lex
        for i, word in enumerate(words):
            offset = in_lexicon(word.text, lex.given_names)
            if offset is not None or word.text in ("عبد", "ابو"):
                last = self._name_from(norm, words, i)
                if last > i:
                    yield Mention(word.start + (offset or 0), words[last].end, "PERSON")
            elif in_lexicon(word.text, lex.titles) is not None:
                yield from self._after_title(norm, words, i)

    def _after_title(self, norm: str, words: list[Word], i: int) -> Iterator[Mention]:
        """A name after a title and its role phrase: before the next comma or clause
        boundary (عضو المجلس ... فلان الفلاني، إن), or between commas (مستشار ...، فلان، قد)."""
        end = min(i + 9, len(words))
        for j in range(i + 1, end):
            gap = norm[words[j - 1].end : words[j].start]
            if "،" in gap or "," in gap:
                last = self._name_from(norm, words, j)
                if last > j:
                    after = norm[words[last].end : words[last].end + 3]
                    nxt = words[last + 1].text if last + 1 < len(words) else ""
                    if after.strip()[:1] in ("،", ",", ".", ":") or nxt in ("قد", "ان"):
                        yield Mention(words[j].start, words[last].end, "PERSON")
                        return
                boundary = j
                break
            w = words[j].text
            if w in self.cues or bare(w) in ("ان",) or w in ("قد", "ان", "خلال"):
                boundary = j
                break
        else:
            boundary = end if end == len(words) else -1
        if boundary < i + 3:
            return
        first, second = words[boundary - 2], words[boundary - 1]
        if (
            self._namey(first.text)
            and self._namey(second.text)
            and not first.text.startswith(("ال", "لل"))
            and self._adjacent(norm, first, second)
        ):
            yield Mention(first.start, second.end, "PERSON")

    def _nisba(self, words: list[Word]) -> Iterator[Mention]:
        for word in words:
            offset = nisba_offset(word.text, self.lex.nisba)
            if offset is not None:
                yield Mention(word.start + offset, word.end, "NORP")

    # -- spaCy component ------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        doc._.qawl_entities = self.find(doc_text(doc), doc._.qawl_doc_id, doc_norm(doc))
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
