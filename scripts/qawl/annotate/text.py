"""Arabic orthographic normalisation for matching, with a map back to the original text.

Matching tolerates hamza and alef forms, ya/alef maqsura, ta marbuta written as
ha, Persian kaf/yeh, the أمريكي/أميركي spellings, diacritics and tatweel. The
normalised string drops diacritics and tatweel; `NormText.span` maps a span of
it back to code-point offsets of the original, which is never changed.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate
from typing import NamedTuple

# Harakat, tanween, shadda, sukun, dagger alef, Quranic marks, and tatweel.
_REMOVABLE = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# What follows a letter and belongs to it: its marks, and a tatweel (the هـ of ١٤٤٦هـ).
_DIACRITIC = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]*")
_CHAR_MAP = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ى": "ي",
    "ی": "ي",
    "ئ": "ء",
    "ؤ": "ء",
    "ة": "ه",
    "ک": "ك",
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    "‘": '"',
    "’": '"',
    "'": '"',  # a straight apostrophe in Arabic news is a quotation mark ('...'، قالت ...)
}
# No replacement is itself replaced, so one str.replace per character is the same as
# str.translate, and many times faster (translate with a dict table looks up every character).
_REPLACEMENTS = tuple(_CHAR_MAP.items())
assert not set(_CHAR_MAP.values()) & set(_CHAR_MAP)
# Same-length respellings, so offsets are unaffected: أميركي → أمريكي.
_RESPELL = re.compile("اميرك")


# Splitting on words, kept: [gap, word, gap, ..., word, gap].
_WORD_SPLIT = re.compile(r"(\w+)")


class Words(NamedTuple):
    """The \\w+ words of a text: their text, [start, end) offsets, and what surrounds them."""

    texts: list[str]
    starts: list[int]
    ends: list[int]
    gaps: list[str]  # gaps[j]: what precedes word j; gaps[-1]: what follows the last word


def split_words(text: str) -> Words:
    """The words of `text`, in one regex scan: running lengths of the split parts are the offsets."""
    parts = _WORD_SPLIT.split(text)
    offsets = list(accumulate(map(len, parts)))
    texts = parts[1::2]
    return Words(texts, offsets[0::2][: len(texts)], offsets[1::2], parts[0::2])


def marks_end(text: str, position: int) -> int:
    """The first position from `position` on that holds no diacritic or tatweel (what the matching form drops)."""
    return _DIACRITIC.match(text, position).end()


def normalize(text: str) -> str:
    """The matching form of `text` (lossy; never stored)."""
    return _fold(_REMOVABLE.sub("", text))


def _fold(text: str) -> str:
    """The matching form of a text without removable marks: letter variants folded, respelled."""
    for char, replacement in _REPLACEMENTS:
        text = text.replace(char, replacement)
    return _RESPELL.sub("امريك", text)


@dataclass(frozen=True)
class NormText:
    """A text, its matching form, and the offset map between them."""

    original: str
    norm: str
    # Shift points: norm offset n maps to n + bisect_right(_shifts, n).
    _shifts: tuple[int, ...]
    # Original offsets of the removed characters.
    _removed: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> NormText:
        # One scan: the removable marks are single characters, so the k-th one follows the
        # first k + 1 split parts (the kept text before it, its shift) and k marks.
        parts = _REMOVABLE.split(text)
        shifts = tuple(accumulate(map(len, parts[:-1])))
        removed = tuple(shift + k for k, shift in enumerate(shifts))
        return cls(text, _fold("".join(parts)), shifts, removed)

    @cached_property
    def words(self) -> Words:
        """The words of the matching form, split once and shared by the components."""
        return split_words(self.norm)

    def norm_offset(self, o: int) -> int:
        """Normalised offset of original offset `o` (removed characters before it do not count)."""
        return o - bisect.bisect_left(self._removed, o) if self._removed else o

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) of the normalised span [start, end).

        The end takes in the diacritics and tatweel after the last letter (they belong to it).
        """
        if not self._removed:  # nothing was removed: the offsets are the same, and no marks follow
            return (start, end) if start < end else (start, start)
        shifts = self._shifts  # the original offset of the character at n is n + bisect_right(shifts, n)
        if start >= end:
            o = start + bisect.bisect_right(shifts, start)
            return o, o
        last = end + bisect.bisect_right(shifts, end - 1)  # original offset of end - 1, plus 1
        return start + bisect.bisect_right(shifts, start), marks_end(self.original, last)
