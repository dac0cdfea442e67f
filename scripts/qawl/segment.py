"""Segmentation: paragraphs → sentences → tokens, quote-aware and Arabic-aware.

A line is a paragraph and a line break always ends a sentence. Inside a line,
`.` `؟` `?` `!` `…` end a sentence unless they sit inside a quotation (any
style: «» “” „ "" and the mismatched pairs of real articles), inside a number,
or after an abbreviation such as `د.`. A line without final punctuation is a
heading. Sentence spans are trimmed of surrounding whitespace, so the sentences
of a document, joined with the whitespace between them, reproduce its text.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, TypedDict

import numpy

if TYPE_CHECKING:  # spaCy is imported where text is tokenized: commands that only segment or check start without it
    from spacy.language import Language

TERMINATORS = frozenset(".؟?!…")
OPENING_ONLY = frozenset("«„")
CLOSING_ONLY = frozenset("»")
SYMMETRIC = frozenset('"“”')
QUOTE_MARKS = '"«»“”„‘’\''
PROCLITICS = frozenset("وفبلك")
OPENING_CONTEXT = frozenset("([{«„:ـ-—")
CLOSING_CONTEXT = frozenset(".،,؛;:!؟?…)]}»")
# A sentence may close with brackets or quote marks after its terminator.
TRAILING_CLOSERS = frozenset(')]}»”"’\'')
# Punctuation that says "this line continues elsewhere": not a heading.
CONTINUATION_ENDINGS = frozenset(":،,؛;")
HEADING_MAX_WORDS = 25
# Longer sentences are cut (see `_cut_long`): rows that carry their sentence (a quote's, a stance's) would
# otherwise cost quotes × sentence length, quadratic in a quote-dense line without full stops.
MAX_SENTENCE_CHARS = 2000
_ARABIC = "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff"
# A single letter (د. = doctor, م. = engineer, U.S.) or هـ (hijri) before a full stop.
_ABBREVIATION = re.compile(rf"(?:^|[\s(«\"“.])(?:[{_ARABIC}]|[A-Za-z]|هـ)$")
_ABBREVIATION_WINDOW = 3  # long enough for "<space>هـ"; ^ then only matches at line start
_TERMINATOR = re.compile("[" + re.escape("".join(sorted(TERMINATORS))) + "]")
_QUOTE_CHAR = re.compile("[" + re.escape("".join(sorted(OPENING_ONLY | CLOSING_ONLY | SYMMETRIC))) + "]")
NON_SPACE = re.compile(r"\S")  # re's \s is str.isspace
_SPACE = re.compile(r"\s")
CLAUSE_ENDS = frozenset("،؛,;")


@dataclass(frozen=True, slots=True)  # slots: a third cheaper to make, and documents have many
class Sentence:
    """A sentence of a document: [start, end) in the document text."""

    index: int
    paragraph: int
    start: int
    end: int
    text: str
    heading: bool
    sentence_id: str


class Token(TypedDict):
    """A token of a sentence, offsets relative to the sentence: the `tokens` items of a sentence row as they are."""

    start: int
    end: int
    text: str


def paragraphs(text: str) -> list[tuple[int, int]]:
    """The non-blank lines of `text`, trimmed of surrounding whitespace."""
    spans = []
    offset = 0
    for line in text.split("\n"):
        stripped_start = len(line) - len(line.lstrip())
        stripped = line.strip()
        if stripped:
            start = offset + stripped_start
            spans.append((start, start + len(stripped)))
        offset += len(line) + 1
    return spans


def _opens(line: str, i: int) -> bool | None:
    """Does the symmetric quote mark at `i` open (True), close (False), or is it unclear (None)?"""
    before = line[i - 1] if i > 0 else " "
    after = line[i + 1] if i + 1 < len(line) else " "
    proclitic = before in PROCLITICS and (i < 2 or line[i - 2].isspace())
    opening = before.isspace() or before in OPENING_CONTEXT or proclitic
    closing = after.isspace() or after in CLOSING_CONTEXT
    if opening != closing:
        return opening
    return None


def quoted_regions(line: str) -> list[tuple[int, int]]:
    """[open, close] index pairs of the quotations in `line`, in any quote style.

    Guillemets are directional (a reversed »…« pair is accepted too). A straight
    or curly double quote opens or closes by its context (space or proclitic
    before it: opens; space or punctuation after it: closes), so “…“, ”…“,
    «…" and "…” all pair up. An opener that never closes quotes nothing.
    """
    stack: list[tuple[str, int]] = []
    regions = []
    for match in _QUOTE_CHAR.finditer(line):
        i, ch = match.start(), match.group()
        if ch in OPENING_ONLY:
            if ch == "«" and stack and stack[-1][0] == "»":
                regions.append((stack.pop()[1], i))
            else:
                stack.append((ch, i))
        elif ch in CLOSING_ONLY:
            if stack and stack[-1][0] != "»":
                regions.append((stack.pop()[1], i))
            else:
                stack.append((ch, i))
        elif ch in SYMMETRIC:
            opens = _opens(line, i)
            if opens is None:
                opens = not (stack and stack[-1][0] in SYMMETRIC)
            if not opens and stack:
                regions.append((stack.pop()[1], i))
            elif opens:
                stack.append((ch, i))
    return regions


def _outermost(regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The quotations not nested in another, sorted: disjoint, so `_inside` can bisect."""
    outer: list[tuple[int, int]] = []
    for open_, close in sorted(regions):
        if not outer or open_ > outer[-1][1]:
            outer.append((open_, close))
    return outer


def _inside(position: int, regions: list[tuple[int, int]]) -> bool:
    """Is `position` strictly inside one of the sorted, disjoint `regions`? (log n: long lines stay linear)"""
    i = bisect.bisect_left(regions, (position,)) - 1
    return i >= 0 and position < regions[i][1]


def _is_boundary(line: str, i: int, regions: list[tuple[int, int]]) -> bool:
    ch = line[i]
    if ch not in TERMINATORS or _inside(i, regions):
        return False
    if ch == ".":
        before, after = line[i - 1 : i], line[i + 1 : i + 2]
        if before.isdigit() and after.isdigit():
            return False
        if _ABBREVIATION.search(line[max(0, i - _ABBREVIATION_WINDOW) : i]):
            return False
    return True


def sentence_spans(line: str) -> Iterator[tuple[int, int]]:
    """[start, end) spans of the sentences of one line (no line breaks inside)."""
    regions = _outermost(quoted_regions(line))
    n = len(line)
    begin = NON_SPACE.search(line)
    while begin is not None:
        start = begin.start()
        # Only terminators can end a sentence: jump from one to the next.
        terminator = _TERMINATOR.search(line, start)
        while terminator is not None:
            i = terminator.start()
            if not _is_boundary(line, i, regions):
                terminator = _TERMINATOR.search(line, i + 1)
                continue
            end = i + 1
            while end < n and (line[end] in TERMINATORS or line[end] in TRAILING_CLOSERS):
                end += 1
            if end == n or line[end].isspace():
                yield from _cut_long(line, start, end, regions)
                break
            terminator = _TERMINATOR.search(line, end)
        else:
            yield from _cut_long(line, start, len(line.rstrip()), regions)
            return
        begin = NON_SPACE.search(line, end)


def _cut_long(line: str, start: int, end: int, regions: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """The sentence [start, end) of `line`, cut into pieces of at most MAX_SENTENCE_CHARS if it is longer.

    A cut is a space, in the second half of a piece (so a piece costs no more than its length to
    find): after a clause's comma outside a quotation if there is one, else outside a quotation,
    else any. A piece without a space there runs to the next space (a word longer than half the limit).
    """
    while end - start > MAX_SENTENCE_CHARS:
        cut = _cut_point(line, start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS, regions)
        if cut is None:
            space = _SPACE.search(line, start + MAX_SENTENCE_CHARS, end)
            if space is None:
                break
            cut = space.start()
        yield start, cut
        start = NON_SPACE.search(line, cut).start()  # there is one: the sentence ends with a non-space
    yield start, end


def _cut_point(line: str, lowest: int, limit: int, regions: list[tuple[int, int]]) -> int | None:
    """The best place in (lowest, limit] to end a piece (see `_cut_long`): a space after a non-space."""
    outside = anywhere = None
    for at in range(limit, lowest, -1):
        if not line[at].isspace() or line[at - 1].isspace():
            continue
        if anywhere is None:
            anywhere = at
        if _inside(at, regions):
            continue
        if line[at - 1] in CLAUSE_ENDS:
            return at
        if outside is None:
            outside = at
    return outside if outside is not None else anywhere


def is_heading(line: str) -> bool:
    """A short line that does not end a sentence or announce a continuation."""
    stripped = line.rstrip()
    while stripped and stripped[-1] in TRAILING_CLOSERS:
        stripped = stripped[:-1]
    if not stripped or stripped[-1] in TERMINATORS or stripped[-1] in CONTINUATION_ENDINGS:
        return False
    return len(line.split()) <= HEADING_MAX_WORDS


def sentence_id(doc_id: str, text: str, occurrence: int) -> str:
    """Stable id: a sentence keeps it while its text does not change."""
    digest = hashlib.sha256(f"{doc_id}\0{text}".encode()).hexdigest()[:12]
    return f"{doc_id}-{digest}" + (f"-{occurrence}" if occurrence else "")


def split_sentences(doc_id: str, text: str) -> list[Sentence]:
    """All sentences of a document, in order, covering its non-whitespace text."""
    sentences: list[Sentence] = []
    seen: dict[str, int] = {}
    for paragraph, (p_start, p_end) in enumerate(paragraphs(text)):
        line = text[p_start:p_end]
        spans = list(sentence_spans(line))
        heading = len(spans) == 1 and is_heading(line)
        for s_start, s_end in spans:
            sentence_text = line[s_start:s_end]
            occurrence = seen.get(sentence_text, 0)
            seen[sentence_text] = occurrence + 1
            sentences.append(
                Sentence(
                    index=len(sentences),
                    paragraph=paragraph,
                    start=p_start + s_start,
                    end=p_start + s_end,
                    text=sentence_text,
                    heading=heading,
                    sentence_id=sentence_id(doc_id, sentence_text, occurrence),
                )
            )
    return sentences


def customize_tokenizer(nlp: Language) -> Language:
    """Fix spaCy's Arabic tokenizer gaps: quote marks and punctuation glued to words.

    spaCy keeps `العراق".`, `لـ"العربي` and `نعم».` as single tokens; here quote
    marks split off as prefixes, suffixes, and infixes after a tatweel or between
    letters. The rules are regexes on the tokenizer, so `nlp.to_disk` keeps them;
    `affixes` compiles them, and spaCy's URL pattern, to spaCy's matches, faster.
    Whitespace special cases go (the same tokens, and spaCy's cache keeps working).
    """
    from spacy.attrs import ORTH

    from qawl.affixes import infix_regex, prefix_regex, suffix_regex, url_regex

    prefixes, suffixes, infixes = affix_rules(nlp)
    nlp.tokenizer.prefix_search = prefix_regex(prefixes).search
    nlp.tokenizer.suffix_search = suffix_regex(suffixes).search
    nlp.tokenizer.infix_finditer = infix_regex(infixes).finditer
    nlp.tokenizer.url_match = url_regex(nlp.tokenizer.url_match.__self__).match
    # spaCy stops caching a text's chunks after the first special case in it, and a line break is one: a
    # whitespace special case that only gives the token its text tokenizes as it would without it, so it goes.
    nlp.tokenizer.rules = {orth: tokens for orth, tokens in nlp.tokenizer.rules.items() if not (orth.isspace() and tokens == [{ORTH: orth}])}
    return nlp


def affix_rules(nlp: Language) -> tuple[list[str], list[str], list[str]]:
    """The prefix, suffix and infix rules of `customize_tokenizer`: spaCy's Arabic ones and the quote marks'."""
    quotes = re.escape(QUOTE_MARKS)
    prefixes = [*nlp.Defaults.prefixes, rf"[{quotes}]"]
    suffixes = [*nlp.Defaults.suffixes, rf"[{quotes}]", r"[.،؛:!؟?…,;]"]
    infixes = [
        *nlp.Defaults.infixes,
        rf"(?<=ـ)[{quotes}]",
        rf"(?<=[{_ARABIC}])[«»“”\"](?=[{_ARABIC}])",
    ]
    return prefixes, suffixes, infixes


@lru_cache(maxsize=1)
def blank_arabic() -> Language:
    """`spacy.blank("ar")` with the tokenizer fixes; shared by segmentation and annotation.

    Its vocabulary computes only the lexical attributes qawl reads of a token (NORM, IS_SPACE): spaCy
    calls every getter (shape, like_url, like_num, ...) for each word form it has not seen, which was 40%
    of tokenizing new text. The others are left unset on new forms, so do not read them off its Docs.
    """
    import spacy
    from spacy.attrs import IS_SPACE, NORM

    nlp = customize_tokenizer(spacy.blank("ar"))
    nlp.vocab.lex_attr_getters = {attr: get for attr, get in nlp.vocab.lex_attr_getters.items() if attr in (IS_SPACE, NORM)}
    return nlp


def vocabulary_size() -> int:
    """Word forms in the vocabulary of `blank_arabic()`: spaCy keeps every form it has tokenized."""
    return len(blank_arabic().vocab)


# Word forms spaCy may keep before a long run (a build worker, an export) starts a new vocabulary (about 20 MB).
# spaCy keeps every form it has tokenized, with its tokenizer cache entry, about 400 bytes each:
# without a bound, memory would grow with the corpus's vocabulary (millions of forms in a
# million articles of real news). Starting afresh costs 50 ms and a cold tokenizer cache.
VOCABULARY_LIMIT = 50_000


def renew_vocabulary_past_limit() -> bool:
    """Past VOCABULARY_LIMIT word forms, start `blank_arabic()` afresh (the same tokens, less memory); whether it did."""
    if vocabulary_size() <= VOCABULARY_LIMIT:
        return False
    blank_arabic.cache_clear()
    return True


def tokenize(texts: Iterable[str]) -> list[list[Token]]:
    """Tokens of each text, offsets relative to that text; whitespace is not a token."""
    from spacy.attrs import IDX, IS_SPACE, LENGTH

    texts = list(texts)
    arrays = [doc.to_array([IDX, LENGTH, IS_SPACE]) for doc in blank_arabic().tokenizer.pipe(texts)]
    columns = numpy.concatenate(arrays) if arrays else numpy.zeros((0, 3), dtype=numpy.uint64)
    return _tokens(texts, columns.astype(numpy.int64), [len(array) for array in arrays])


def _tokens(texts: list[str], columns: numpy.ndarray, counts: list[int]) -> list[list[Token]]:
    """Token records of each text, offsets into it, from spaCy's (IDX, LENGTH, IS_SPACE) rows: `counts[i]` rows for `texts[i]`.

    All texts' rows are filtered and converted at once; only the records are built per token.
    """
    is_word = columns[:, 2] == 0
    words = columns[is_word]
    starts = words[:, 0].tolist()
    ends = (words[:, 0] + words[:, 1]).tolist()
    # texts[i]'s words are starts[bounds[i] : bounds[i + 1]], bounds counting the words in the rows before each text
    words_before = numpy.concatenate(([0], numpy.cumsum(is_word)))
    bounds = words_before[numpy.cumsum([0, *counts])].tolist()
    return [
        [{"start": start, "end": end, "text": text[start:end]} for start, end in zip(starts[first:last], ends[first:last])]
        for text, first, last in zip(texts, bounds, bounds[1:])
    ]
