"""Discontinuous (`parts`) and nested (`source`) quotes through reanchoring, curation and agreement (issue #26)."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from qawl.ingest import Document
from qawl.merge import check_layer
from qawl.review.agreement import agreement
from qawl.review.curate import compare, curate
from qawl.review.reanchor import reanchor
from qawl.schema import Problem
from qawl.segment import split_sentences
from tests.review.conftest import span
from tests.review.test_review_xquotes import ARTICLE, DOC_ID, TARGET, quote, xquote_layer

TIME = "2026-12-03T05:00:00Z"


def renumbered(layer: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    """The layer with some quote ids changed (as another annotator's layer has them), its links following."""
    layer = copy.deepcopy(layer)
    for quote in layer["quotes"]:
        quote["id"] = ids.get(quote["id"], quote["id"])
        if quote.get("source"):
            quote["source"] = ids.get(quote["source"], quote["source"])
    for stance in layer["stance"]:
        for part in ("holder", "evidence"):
            stance[part]["quote"] = ids.get(stance[part]["quote"], stance[part]["quote"])
    return layer


def moved_part(layer: dict[str, Any]) -> dict[str, Any]:
    """The layer with q2's second part without its first word."""
    layer = copy.deepcopy(layer)
    q2 = next(q for q in layer["quotes"] if q["id"] == "q2")
    q2["parts"][1] = span(ARTICLE, "نقترب من اتفاق")
    return layer


# -- reanchor ----------------------------------------------------------------------------------------------------

NEW_ARTICLE = ARTICLE.replace("وأضاف حسين", "وأضاف الوزير حسين").replace("قال وزير", "عاجل: قال وزير")


def test_reanchoring_moves_every_part_of_a_discontinuous_quote_and_keeps_the_source() -> None:
    document = Document(DOC_ID, NEW_ARTICLE, hashlib.sha256(NEW_ARTICLE.encode()).hexdigest(), f"seeds/{DOC_ID}.txt")
    result = reanchor(xquote_layer(), ARTICLE, document, {TARGET})
    assert result.left_out == {}
    q2 = next(q for q in result.layer["quotes"] if q["id"] == "q2")
    assert q2["parts"] == [span(NEW_ARTICLE, "المفاوضات صعبة"), span(NEW_ARTICLE, "لكننا نقترب من اتفاق")]
    assert q2["content"] == {**span(NEW_ARTICLE, "المفاوضات صعبة»، وأضاف الوزير حسين، «لكننا نقترب من اتفاق")}
    assert [p.part for p in result.placements if p.id == "q2"] == ["content", "part 1", "part 2", "cue", "speaker mention"]
    assert next(q for q in result.layer["quotes"] if q["id"] == "q4")["source"] == "q3"
    assert check_layer(result.layer, document, split_sentences(DOC_ID, NEW_ARTICLE), {TARGET}, "x") == []


def test_reanchoring_rebuilds_a_discontinuous_quote_s_content_from_its_parts_when_the_two_are_placed_apart() -> None:
    new = ARTICLE.replace("«المفاوضات صعبة»", "«المفاوضات صعبة والمفاوضات صعبة»")  # the content's unchanged text is found from the second copy on,
    document = Document(DOC_ID, new, hashlib.sha256(new.encode()).hexdigest(), f"seeds/{DOC_ID}.txt")  # its first part stays on the first
    result = reanchor(xquote_layer(), ARTICLE, document, {TARGET})
    assert result.left_out == {}  # was: q2 (and s1 on it) left out, "the first part starts at 103, the content at 119"
    q2 = next(q for q in result.layer["quotes"] if q["id"] == "q2")
    assert q2["parts"] == [span(new, "المفاوضات صعبة"), span(new, "لكننا نقترب من اتفاق")]
    assert q2["content"] == span(new, "المفاوضات صعبة والمفاوضات صعبة»، وأضاف حسين، «لكننا نقترب من اتفاق")
    content = next(p for p in result.placements if (p.id, p.part) == ("q2", "content"))
    assert (content.outcome, content.new) == ("changed", q2["content"])  # the report shows the content as it is written
    assert check_layer(result.layer, document, split_sentences(DOC_ID, new), {TARGET}, "x") == []


def test_reanchoring_leaves_out_a_discontinuous_quote_whose_first_part_is_gone() -> None:
    new = ARTICLE.replace("«المفاوضات صعبة»، ", "")
    document = Document(DOC_ID, new, hashlib.sha256(new.encode()).hexdigest(), f"seeds/{DOC_ID}.txt")
    result = reanchor(xquote_layer(), ARTICLE, document, {TARGET})
    assert result.left_out == {("quotes", "q2"): "its part 1 'المفاوضات صعبة' could not be placed", ("stance", "s1"): "it depends on q2, which is left out"}


def test_reanchoring_reports_the_content_rebuilt_from_the_parts_of_a_quote_left_out_for_its_cue() -> None:
    old = "«المفاوضات صعبة» و«لكننا نقترب من اتفاق»، أضاف المتحدث.\n"  # the cue after the quotation, outside its content
    first, second = span(old, "المفاوضات صعبة"), span(old, "لكننا نقترب من اتفاق")
    content = {"start": first["start"], "end": second["end"], "text": old[first["start"] : second["end"]]}
    anonymous = {"kind": "anonymous", "mention": span(old, "المتحدث"), "entity": None}
    layer = {"schema_version": "2.0.0", "doc_id": DOC_ID, "sha256": hashlib.sha256(old.encode()).hexdigest(), "entities": [],
             "quotes": [quote("q1", "direct", content, span(old, "أضاف"), anonymous, parts=[first, second])], "stance": []}
    new = old.replace("«المفاوضات صعبة»", "«المفاوضات صعبة والمفاوضات صعبة»").replace("أضاف", "تابع")
    document = Document(DOC_ID, new, hashlib.sha256(new.encode()).hexdigest(), f"seeds/{DOC_ID}.txt")
    result = reanchor(layer, old, document, {TARGET})
    assert result.left_out == {("quotes", "q1"): "its cue 'أضاف' could not be placed"}
    placed = next(p for p in result.placements if p.part == "content")
    assert placed.new == span(new, "المفاوضات صعبة والمفاوضات صعبة» و«لكننا نقترب من اتفاق")  # its own text, found again, is from the second copy on


def test_a_quote_whose_reporting_quote_cannot_be_placed_is_left_out_with_it() -> None:
    new = ARTICLE.replace("وقال المتحدث", "وأوضح المتحدث")  # the outer quote's cue rewritten
    document = Document(DOC_ID, new, hashlib.sha256(new.encode()).hexdigest(), f"seeds/{DOC_ID}.txt")
    result = reanchor(xquote_layer(), ARTICLE, document, {TARGET})
    assert result.left_out == {("quotes", "q3"): "its cue 'قال' could not be placed", ("quotes", "q4"): "it depends on q3, which is left out"}
    assert [q["id"] for q in result.layer["quotes"]] == ["q1", "q2"]


# -- curate ------------------------------------------------------------------------------------------------------


def test_curation_compares_quotes_by_their_parts_and_relinks_the_source_to_the_curated_quote() -> None:
    amina = xquote_layer()
    omar = moved_part(renumbered(xquote_layer(), {"q3": "q7", "q4": "q8"}))
    next(q for q in omar["quotes"] if q["id"] == "q8")["type"] = "mixed"
    comparison = compare({"amina": amina, "omar": omar}, ARTICLE)
    disputed = {d.id: (d.what, d.start, d.versions["amina"], d.versions["omar"]) for d in comparison.disagreements}
    parts = [[p["start"], p["end"]] for p in amina["quotes"][1]["parts"]]
    assert disputed["d1"][2]["parts"] == parts and disputed["d1"][3]["parts"] == [parts[0], [parts[1][0] + 6, parts[1][1]]]
    assert disputed["d2"][2]["source"] == disputed["d2"][3]["source"] == [amina["quotes"][2]["content"]["start"], amina["quotes"][2]["content"]["end"]]
    assert len(disputed) == 2
    layer, _, problems = curate(comparison, {"d1": "omar", "d2": "omar"}, amina, TIME, "decisions.json")
    assert problems == []
    quotes = {q["id"]: q for q in layer["quotes"]}
    assert quotes["q2"]["parts"] == moved_part(amina)["quotes"][1]["parts"]
    assert quotes["q8"]["type"] == "mixed" and quotes["q8"]["source"] == "q3"  # omar's q8, reported by the curated q3 (amina's id)


def test_curation_that_leaves_out_the_reporting_quote_names_the_nested_one() -> None:
    amina = xquote_layer()
    omar = copy.deepcopy(amina)
    omar["quotes"] = [q for q in omar["quotes"] if q["id"] != "q3"]
    del next(q for q in omar["quotes"] if q["id"] == "q4")["source"]
    comparison = compare({"amina": amina, "omar": omar}, ARTICLE)
    assert [(d.what, d.text) for d in comparison.disagreements] == [("quote", "السفير أبلغه أن الاتفاق سيوقع قريبا"), ("quote", "الاتفاق سيوقع قريبا")]
    _, _, problems = curate(comparison, {"d1": "omar", "d2": "amina"}, amina, TIME, "decisions.json")
    assert problems == [
        Problem("decisions.json", "d2", "quote 'الاتفاق سيوقع قريبا' is reported by quote 'السفير أبلغه أن الاتفاق سيوقع قريبا', which the curated layer leaves out; choose a version that keeps it")
    ]


def test_curation_that_leaves_out_the_reporting_quote_of_an_agreed_nested_quote_names_the_decision_that_left_it_out() -> None:
    amina = xquote_layer()
    omar = copy.deepcopy(amina)
    next(q for q in omar["quotes"] if q["id"] == "q3")["type"] = "mixed"  # both nest q4 in the quote at q3's span, and differ on q3 only
    comparison = compare({"amina": amina, "omar": omar}, ARTICLE)
    assert [(d.id, d.what, d.text) for d in comparison.disagreements] == [("d1", "quote", "السفير أبلغه أن الاتفاق سيوقع قريبا")]
    layer, _, problems = curate(comparison, {"d1": "none"}, amina, TIME, "decisions.json")
    assert problems == [  # q4 has no decision of its own: the curator is sent to the one that can keep its source
        Problem("decisions.json", "d1", "quote 'الاتفاق سيوقع قريبا' is reported by quote 'السفير أبلغه أن الاتفاق سيوقع قريبا', which the curated layer leaves out; choose a version that keeps it")
    ]
    assert next(q for q in layer["quotes"] if q["id"] == "q4")["source"] is None  # no dangling source


def test_curation_that_leaves_out_the_quote_of_an_agreed_stance_names_the_decision_that_left_it_out() -> None:
    comparison = compare({"amina": xquote_layer(), "omar": moved_part(xquote_layer())}, ARTICLE)
    assert [(d.id, d.what) for d in comparison.disagreements] == [("d1", "quote")]  # q2's parts; s1 on q2 is agreed
    layer, _, problems = curate(comparison, {"d1": "none"}, xquote_layer(), TIME, "decisions.json")
    left_out = ("stance on us_coalition_presence_iraq rests on quote 'المفاوضات صعبة»، وأضاف حسين، «لكننا نقترب من اتفاق', "
                "which the curated layer leaves out; choose a version that keeps it")
    assert problems == [Problem("decisions.json", "d1", left_out)] * 2  # its holder and its evidence
    assert layer["stance"][0]["evidence"] == {"quote": None, "span": None}


# -- agreement ---------------------------------------------------------------------------------------------------


def test_agreement_matches_quotes_by_their_parts_and_compares_their_sources() -> None:
    a = xquote_layer()
    b = moved_part(renumbered(xquote_layer(), {"q3": "q7", "q4": "q8"}))
    quotes = agreement(a, b)["quotes"]
    assert (quotes["exact"]["matched"], quotes["overlap"]["matched"], quotes["matched"]) == (3, 4, 3)  # q2's parts differ; its content overlaps
    assert quotes["source_agreement"] == 1.0  # q4 and q8 both reported by the quote with the same parts
    del next(q for q in b["quotes"] if q["id"] == "q8")["source"]
    assert agreement(a, b)["quotes"]["source_agreement"] == 2 / 3
    stance = agreement(a, moved_part(a))["stance"]
    assert (stance["a"], stance["b"], stance["paired"]) == (1, 1, 0)  # a stance on q2 rests on q2's parts
