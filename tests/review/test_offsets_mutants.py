"""qawl.review.offsets: what the mutants that survived tests/review/test_offsets.py changed (docs/mutation.md)."""

from __future__ import annotations

import pytest

from qawl.review.offsets import OffsetMap


def test_an_unknown_unit_is_refused_naming_the_units_there_are() -> None:
    with pytest.raises(ValueError) as raised:
        OffsetMap("نص", "bytes")
    assert str(raised.value) == "unknown offset unit 'bytes'; expected one of codepoints, utf16"
