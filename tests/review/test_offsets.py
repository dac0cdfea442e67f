"""Code points ↔ UTF-16 code units, proven on text with characters outside the BMP."""

from __future__ import annotations

import pytest

from qawl.review.offsets import OffsetMap
from tests.review.conftest import ARTICLE


def utf16_index(text: str, offset: int) -> int:
    return len(text[:offset].encode("utf-16-le")) // 2


def test_utf16_offsets_match_the_encoding_and_come_back() -> None:
    offsets = OffsetMap(ARTICLE, "utf16")
    assert sum(ord(c) > 0xFFFF for c in ARTICLE) == 4  # 🇮🇶 (two), 😀, 𝕏
    for i in range(len(ARTICLE) + 1):
        assert offsets.to_tool(i) == utf16_index(ARTICLE, i)
        assert offsets.from_tool(offsets.to_tool(i)) == i
    assert offsets.length() == len(ARTICLE.encode("utf-16-le")) // 2 == len(ARTICLE) + 4
    after_emoji = ARTICLE.index("بشأن")
    assert offsets.to_tool(after_emoji) == after_emoji + 3  # the flag and 😀 come before it


def test_an_offset_inside_a_surrogate_pair_is_refused() -> None:
    offsets = OffsetMap(ARTICLE, "utf16")
    x = ARTICLE.index("𝕏")
    assert offsets.from_tool(offsets.to_tool(x) + 1) is None
    assert offsets.from_tool(offsets.to_tool(x) + 2) == x + 1


def test_code_points_are_unchanged_and_units_are_checked() -> None:
    offsets = OffsetMap(ARTICLE, "codepoints")
    assert [offsets.to_tool(i) for i in (0, 25, 300)] == [0, 25, 300]
    assert offsets.from_tool(300) == 300
    with pytest.raises(ValueError, match="unknown offset unit"):
        OffsetMap(ARTICLE, "bytes")
