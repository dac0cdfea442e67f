"""Near-duplicate groups on pairs made for it: a wire story with a changed lead, the same story under another
headline and byline (grouped); another story on the same event, sharing its names and places (not grouped)."""

from __future__ import annotations

import pytest

from qawl.add.dedup import THRESHOLD, NearDuplicates, shingles, signature
from tests.conftest import REPO

STORIES = REPO / "tests" / "fixtures" / "near_duplicates"


def story(name: str) -> str:
    return (STORIES / f"{name}.txt").read_text(encoding="utf-8")


def jaccard(a: str, b: str) -> float:
    first, second = set(shingles(a)), set(shingles(b))
    return len(first & second) / len(first | second)


def test_the_pairs_fall_on_their_side_of_the_threshold() -> None:
    wire = story("wire")
    assert jaccard(wire, story("wire_changed_lead")) == pytest.approx(0.639, abs=0.001)
    assert jaccard(wire, story("wire_new_headline_byline")) == pytest.approx(0.852, abs=0.001)
    assert jaccard(wire, story("same_event_other_story")) == 0.0
    assert signature(wire).jaccard(signature(story("wire_changed_lead"))) >= THRESHOLD
    assert signature(wire).jaccard(signature(story("same_event_other_story"))) < THRESHOLD


def test_copies_join_the_group_of_the_first_and_another_story_stays_alone() -> None:
    index = NearDuplicates()
    groups = {name: index.add(name, signature(story(name)), None, lambda *_: None) for name in ("wire", "same_event_other_story", "wire_changed_lead", "wire_new_headline_byline")}
    assert groups == {"wire": "wire", "same_event_other_story": "same_event_other_story", "wire_changed_lead": "wire", "wire_new_headline_byline": "wire"}
    assert index.members("wire") == ["wire", "wire_changed_lead", "wire_new_headline_byline"]


def test_an_article_near_two_groups_merges_them_and_says_whose_group_changed() -> None:
    """Two halves of a story, which share one paragraph and are not near-duplicates, then the whole story,
    near both: the two groups become one, named by the first seen, and the other's member is told."""
    index = NearDuplicates()
    moved: list[tuple[str, str]] = []
    halves = story("wire").split("\n")
    first, second = "\n".join(halves[:3]), "\n".join(halves[2:])
    index.add("first", signature(first), None, lambda *moved_to: moved.append(moved_to))
    index.add("second", signature(second), None, lambda *moved_to: moved.append(moved_to))
    assert (index.group_of("first"), index.group_of("second")) == ("first", "second")
    assert index.add("whole", signature(story("wire")), None, lambda *moved_to: moved.append(moved_to)) == "first"
    assert moved == [("second", "first")]
    assert index.members("first") == ["first", "second", "whole"]
