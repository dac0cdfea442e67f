"""Stance baseline: the relevance pre-search."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qawl.annotate.stance import occurrence_regex

PHRASES = ["القوات الامريكيه", "القوات", "قوات التحالف", "التحالف", "انسحاب", "الانسحاب", "ايران", "ايرانيه", "ضرب", "ا.ب"]
PIECES = [*PHRASES, "ال", "قوا", "ت", "ا", "ن", "ب", " ", "،", ".", "ايرا"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PHRASES), max_size=6), st.lists(st.sampled_from(PIECES), max_size=12))
def test_occurrence_regex_finds_exactly_the_texts_holding_a_phrase(phrases: list[str], pieces: list[str]) -> None:
    text = "".join(pieces)
    assert (occurrence_regex(phrases).search(text) is not None) == any(p in text for p in phrases)


def test_occurrence_regex_of_an_empty_phrase_finds_every_text() -> None:
    assert occurrence_regex(["", "ضرب"]).search("") is not None
