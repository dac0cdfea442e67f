"""NormText: the offset map between a text and its matching form."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from qawl.annotate.text import NormText, normalize

REMOVABLE = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
DIACRITICS = "\u064e\u064f\u0650\u0651\u0652\u064b\u0670"
TATWEEL = "\u0640"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="بغداأإة " + DIACRITICS + TATWEEL, max_size=24), st.data())
def test_offsets_map_to_the_kept_characters(text: str, data: st.DataObject) -> None:
    # The reference: norm offset n is the n-th character of the text that normalisation keeps.
    nt = NormText.of(text)
    kept = [i for i, c in enumerate(text) if not REMOVABLE.fullmatch(c)] + [len(text)]
    assert nt.norm == normalize(text)
    assert [nt.norm_offset(o) for o in kept] == list(range(len(kept)))
    start = data.draw(st.integers(0, len(nt.norm)))
    end = data.draw(st.integers(0, len(nt.norm)))
    if start < end:
        last = kept[end - 1] + 1
        while last < len(text) and text[last] in DIACRITICS + TATWEEL:  # a letter's marks and tatweel belong to it
            last += 1
        assert nt.span(start, end) == (kept[start], last)
    else:
        assert nt.span(start, end) == (kept[start], kept[start])
