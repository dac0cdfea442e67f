"""Offsets at the border of a tool: code points (qawl) ↔ UTF-16 code units (Java, old browsers).

qawl offsets are code points (Python `str` indices). Tools written in Java
(INCEpTION, UIMA) and Label Studio before its code-point fix count UTF-16 code
units, where a character outside the Basic Multilingual Plane (emoji, 𝕏) takes
two. Label Studio 1.23 converts browser offsets to code points itself
(`charsToCodePoints` in its editor), so code points are the default there.
"""

from __future__ import annotations

import bisect
from functools import cached_property

UNITS = ("codepoints", "utf16")


class OffsetMap:
    """Converts offsets into one text between code points and a tool's unit."""

    def __init__(self, text: str, unit: str) -> None:
        if unit not in UNITS:
            raise ValueError(f"unknown offset unit {unit!r}; expected one of {', '.join(UNITS)}")
        self.text = text
        self.unit = unit

    @cached_property
    def _astral(self) -> list[int]:
        """Code point positions of the characters that take two UTF-16 units."""
        return [i for i, char in enumerate(self.text) if ord(char) > 0xFFFF]

    @cached_property
    def _astral_units(self) -> list[int]:
        """UTF-16 positions of the same characters."""
        return [i + n for n, i in enumerate(self._astral)]

    def to_tool(self, offset: int) -> int:
        """A code point offset in the tool's unit."""
        if self.unit == "codepoints":
            return offset
        return offset + bisect.bisect_left(self._astral, offset)

    def from_tool(self, offset: int) -> int | None:
        """The code point offset of a tool offset; None if it splits a surrogate pair."""
        if self.unit == "codepoints":
            return offset
        before = bisect.bisect_left(self._astral_units, offset)
        if before and self._astral_units[before - 1] == offset - 1:
            return None
        return offset - before

    def length(self) -> int:
        """The text's length in the tool's unit."""
        return self.to_tool(len(self.text))
