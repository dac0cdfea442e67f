"""qawl.review.regions: what the mutants that survived its tests changed (docs/mutation.md)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from qawl.review.regions import QUOTE_TYPE_CHOICE, NewIds, Region, Vocabulary, from_view, strongest_origin, to_view
from qawl.schema import Problem, Schemas
from tests.conftest import REPO
from tests.review.conftest import ARTICLE
from tests.test_multi_sentence_quotes import TEXT as MULTI_TEXT
from tests.test_multi_sentence_quotes import layer as multi_sentence_layer

TARGETS = ["us_coalition_presence_iraq", "us_iraq_strategic_partnership"]


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.load(Schemas(REPO / "schema"), TARGETS)


def review(view_layer: dict[str, Any], vocabulary: Vocabulary, edit=None) -> tuple[dict[str, Any], list[Problem], dict[str, str]]:
    """`from_view` of the layer's own view, after `edit` changed the view."""
    view = to_view(view_layer)
    if edit is not None:
        edit(view)
    return from_view(view, view_layer, ARTICLE, vocabulary, [], "review.json")


def test_the_strongest_origin_is_the_one_that_says_most_was_changed() -> None:
    # alphabetically "prediction" comes after "manual": the order is ORIGIN_STRENGTH's, not the names'
    assert strongest_origin(["manual", "prediction", None]) == "manual"
    assert strongest_origin(["prediction-changed", "prediction"]) == "prediction-changed"
    assert strongest_origin(["prediction", "reviewer-tool-x"]) == "reviewer-tool-x"  # an unknown origin counts as by hand
    assert strongest_origin([None, None]) is None


def test_new_ids_start_at_one_for_a_kind_that_has_none_and_follow_the_highest_used() -> None:
    ids = NewIds(["e3", "e10", "q7", "x9", "qq2"])
    assert [ids.new("entities"), ids.new("entities"), ids.new("quotes"), ids.new("stance")] == ["e11", "e12", "q8", "s1"]
    assert NewIds([]).new("entities") == "e1"


def test_a_region_at_the_start_of_the_text_is_kept(gold_layer, vocabulary) -> None:
    def heading_entity(view) -> None:
        view.regions["T1"] = Region("T1", 0, 4, "ORG", ARTICLE[:4])

    layer, problems, _ = review(gold_layer, vocabulary, heading_entity)
    assert problems == []
    assert [(e["id"], e["start"], e["end"], e["text"]) for e in layer["entities"] if e["start"] == 0] == [("e7", 0, 4, "وزير")]


def test_a_region_problem_names_its_region(gold_layer, vocabulary) -> None:
    def break_regions(view) -> None:
        view.regions["e1"].text = "البصرة"
        view.regions["e2"].end = len(ARTICLE) + 3
        view.regions["e3"].label = "POLITICIAN"

    _, problems, _ = review(gold_layer, vocabulary, break_regions)
    e1, e2 = gold_layer["entities"][0], gold_layer["entities"][1]
    assert problems == [
        Problem("review.json", "region e1", f"region text 'البصرة' is not the text at [{e1['start']}, {e1['end']}): 'بغداد'"),
        Problem("review.json", "region e2", f"offsets [{e2['start']}, {len(ARTICLE) + 3}) outside the text (length {len(ARTICLE)}) or empty"),
        Problem("review.json", "region e3", "unknown label 'POLITICIAN'"),
    ]


def test_a_relation_to_a_missing_region_names_the_missing_one_whichever_end_it_is(gold_layer, vocabulary) -> None:
    def dangling(view) -> None:
        view.relations += [("T404", "q1"), ("e1", "T405")]

    _, problems, _ = review(gold_layer, vocabulary, dangling)
    assert problems == [
        Problem("review.json", "relation T404 → q1", "refers to region 'T404', which does not exist"),
        Problem("review.json", "relation e1 → T405", "refers to region 'T405', which does not exist"),
    ]


def test_a_relation_from_a_quote_to_an_evidence_span_is_refused_as_drawn(gold_layer, vocabulary) -> None:
    # only a relation from a quote to its cue, speaker, outlet or entity is read the other way
    def quote_to_evidence(view) -> None:
        view.relations.append(("q1", "s3"))

    _, problems, _ = review(gold_layer, vocabulary, quote_to_evidence)
    assert problems == [
        Problem("review.json", "relation q1 → s3", "a relation links a cue, speaker, outlet or entity to a quote content, not content to evidence"),
    ]


def test_a_relation_from_a_quote_to_an_entity_makes_it_the_speaker(gold_layer, vocabulary) -> None:
    def drawn_from_the_quote(view) -> None:
        view.relations = [(source, target) if source != "e2" else (target, source) for source, target in view.relations]

    layer, problems, _ = review(gold_layer, vocabulary, drawn_from_the_quote)
    assert problems == []
    assert layer["quotes"][0]["speaker"] == gold_layer["quotes"][0]["speaker"]


def test_a_part_linked_to_no_quote_is_refused_by_region(gold_layer, vocabulary) -> None:
    def unlink_cue(view) -> None:
        view.relations.remove(("q1~cue", "q1"))
        view.regions["q2~cue"].text = None  # a tool that sends no text: the message shows ''
        view.relations.remove(("q2~cue", "q2"))

    _, problems, _ = review(gold_layer, vocabulary, unlink_cue)
    assert problems == [
        Problem("review.json", "region q1~cue", "cue 'قال' is not linked to a quote content"),
        Problem("review.json", "region q2~cue", "cue '' is not linked to a quote content"),
    ]


def test_a_quote_with_two_cues_is_refused_naming_both(gold_layer, vocabulary) -> None:
    start = ARTICLE.index("إن «")

    def second_cue(view) -> None:
        view.regions["T9"] = Region("T9", start, start + 2, "cue", "إن")
        view.relations.append(("T9", "q1"))

    _, problems, _ = review(gold_layer, vocabulary, second_cue)
    assert problems == [Problem("review.json", "region q1", "quote has 2 cue links (q1~cue, T9); at most one")]


def test_a_quote_without_a_type_is_refused_listing_the_types(gold_layer, vocabulary) -> None:
    def untyped(view) -> None:
        view.quote_types["q1"] = "fragment"

    _, problems, _ = review(gold_layer, vocabulary, untyped)
    assert problems == [Problem("review.json", "region q1", "quote type 'fragment': choose one of direct, indirect, mixed")]


def test_the_speaker_is_the_linked_entity_when_no_speaker_span_is_drawn_and_unknown_without_either(gold_layer, vocabulary) -> None:
    def speakers_removed(view) -> None:
        for quote in ("q1", "q2"):
            del view.regions[f"{quote}~speaker"]
            view.relations.remove((f"{quote}~speaker", quote))

    layer, problems, _ = review(gold_layer, vocabulary, speakers_removed)
    assert problems == []
    named = next(e for e in gold_layer["entities"] if e["id"] == "e2")
    assert layer["quotes"][0]["speaker"] == {"kind": "named", "mention": {k: named[k] for k in ("start", "end", "text")}, "entity": "e2"}
    assert layer["quotes"][1]["speaker"] == {"kind": "unknown", "mention": None, "entity": None}


def test_stance_problems_name_the_region_and_the_target(gold_layer, vocabulary) -> None:
    target = "us_iraq_strategic_partnership"

    def bad_stances(view) -> None:
        view.stances[("T404", target)] = "FAVOR"
        view.stances[("q1", target)] = "MAYBE"
        view.stances[("e1", target)] = "AGAINST"

    _, problems, _ = review(gold_layer, vocabulary, bad_stances)
    assert problems == [
        Problem("review.json", f"region T404 stance on {target}", "refers to region 'T404', which does not exist"),
        Problem("review.json", f"region q1 stance on {target}", "unknown stance label 'MAYBE'"),
        Problem("review.json", f"region e1 stance on {target}", "stance belongs on a quote content or an evidence span, not on GPE"),
    ]


def test_new_stances_on_a_quote_and_on_an_evidence_span_are_whole_records(gold_layer, vocabulary) -> None:
    evidence = ARTICLE.index("وكتب الحساب")

    def new_stances(view) -> None:
        view.stances[("q3", "us_iraq_strategic_partnership")] = "NONE"  # made first: s4
        view.regions["T9"] = Region("T9", evidence, evidence + 4, "evidence", "وكتب", origin="manual")
        view.stances[("T9", "us_coalition_presence_iraq")] = "AGAINST"

    layer, problems, origins = review(gold_layer, vocabulary, new_stances)
    assert problems == []
    # new items follow the base's in text order: the evidence (before q3's content) first
    assert layer["stance"][3:] == [
        {
            "id": "s5",
            "target": "us_coalition_presence_iraq",
            "label": "AGAINST",
            "holder": {"kind": "author", "quote": None},
            "evidence": {"quote": None, "span": {"start": evidence, "end": evidence + 4, "text": "وكتب"}},
            "provenance": None,
        },
        {
            "id": "s4",
            "target": "us_iraq_strategic_partnership",
            "label": "NONE",
            "holder": {"kind": "speaker", "quote": "q3"},
            "evidence": {"quote": "q3", "span": None},
            "provenance": None,
        },
    ]
    assert origins == {"s5": "manual"}


def test_a_stance_on_a_quote_takes_the_origin_of_its_choice_not_of_the_quote_region(gold_layer, vocabulary) -> None:
    def quote_moved_by_hand(view) -> None:
        view.regions["q1"].origin = "manual"
        view.choice_origins[("q1", "us_coalition_presence_iraq")] = "prediction"

    _, problems, origins = review(gold_layer, vocabulary, quote_moved_by_hand)
    assert problems == []
    assert origins == {"q1": "manual", "s1": "prediction"}


def test_an_evidence_span_without_a_stance_is_refused_by_region(gold_layer, vocabulary) -> None:
    def bare_evidence(view) -> None:
        view.regions["T9"] = Region("T9", 0, 4, "evidence", "وزير")

    _, problems, _ = review(gold_layer, vocabulary, bare_evidence)
    assert problems == [Problem("review.json", "region T9", "an evidence span needs a stance (choose FAVOR, AGAINST or NONE for a target)")]


def test_two_stances_a_tool_cannot_tell_apart_are_refused_naming_the_document(gold_layer) -> None:
    gold_layer["stance"].append({**gold_layer["stance"][0], "id": "s4", "label": "NONE"})
    with pytest.raises(ValueError) as raised:
        to_view(gold_layer)
    assert str(raised.value) == "rev_001: two stances on q1 for target us_coalition_presence_iraq; a review tool cannot tell them apart"


def test_a_chain_split_in_two_keeps_its_id_name_and_provenance_with_the_larger_part_and_the_smaller_is_a_new_chain() -> None:
    seed = "000_c4096c0fdb543a3e"
    layer = json.loads((REPO / "annotations" / f"{seed}.json").read_text(encoding="utf-8"))
    targets = json.loads((REPO / "annotations" / "targets.json").read_text(encoding="utf-8"))["targets"]
    view = to_view(layer)
    assert view.chains[0] == ("e1", "e14", "e30", "e34", "e40", "e44")  # c1, التحالف الدولي
    view.chains[0] = ("e1", "e14")
    view.chains.append(("e30", "e34", "e40", "e44"))
    new, problems, _ = from_view(view, layer, (REPO / "seeds" / f"{seed}.txt").read_text(encoding="utf-8"),
                                 Vocabulary.load(Schemas(REPO / "schema"), [t["id"] for t in targets]), [], "review.json")
    assert problems == []
    c1 = layer["chains"][0]
    assert new["chains"][0] == {**c1, "entities": ["e30", "e34", "e40", "e44"]}
    assert new["chains"][-1] == {"id": "c13", "name": "التحالف الدولي", "entities": ["e1", "e14"], "provenance": None}
    assert len({chain["id"] for chain in new["chains"]}) == len(new["chains"]) == 13


def test_new_chains_take_their_ids_in_text_order_not_in_the_order_the_tool_listed_them() -> None:
    seed = "000_c4096c0fdb543a3e"
    layer = json.loads((REPO / "annotations" / f"{seed}.json").read_text(encoding="utf-8"))
    targets = json.loads((REPO / "annotations" / "targets.json").read_text(encoding="utf-8"))["targets"]
    view = to_view(layer)
    view.chains[0] = ("e1", "e14", "e30", "e34")
    view.chains[1] = ("e2", "e5", "e11", "e17", "e19", "e27")
    view.chains += [("e40", "e44"), ("e33", "e41")]  # split off c1, then c2: e33 comes first in the text
    new, problems, _ = from_view(view, layer, (REPO / "seeds" / f"{seed}.txt").read_text(encoding="utf-8"),
                                 Vocabulary.load(Schemas(REPO / "schema"), [t["id"] for t in targets]), [], "review.json")
    assert problems == []
    assert [(chain["id"], chain["entities"]) for chain in new["chains"][-2:]] == [("c13", ["e33", "e41"]), ("c14", ["e40", "e44"])]


def test_a_chain_that_loses_its_most_complete_mention_keeps_its_name() -> None:
    seed = "000_c4096c0fdb543a3e"
    layer = json.loads((REPO / "annotations" / f"{seed}.json").read_text(encoding="utf-8"))
    targets = json.loads((REPO / "annotations" / "targets.json").read_text(encoding="utf-8"))["targets"]
    view = to_view(layer)
    view.chains[1] = ("e2", "e11", "e17", "e19", "e27", "e33", "e41")  # c2 without e5, الولايات المتحدة الأميركية
    new, problems, _ = from_view(view, layer, (REPO / "seeds" / f"{seed}.txt").read_text(encoding="utf-8"),
                                 Vocabulary.load(Schemas(REPO / "schema"), [t["id"] for t in targets]), [], "review.json")
    assert problems == []
    assert new["chains"][1] == {**layer["chains"][1], "entities": ["e2", "e11", "e17", "e19", "e27", "e33", "e41"]}
    assert new["chains"][1]["name"] == "الولايات المتحدة الأميركية"


def test_a_new_chain_of_mentions_stored_without_the_alef_of_lil_is_named_with_it() -> None:
    seed = "000_c4096c0fdb543a3e"
    layer = json.loads((REPO / "annotations" / f"{seed}.json").read_text(encoding="utf-8"))
    targets = json.loads((REPO / "annotations" / "targets.json").read_text(encoding="utf-8"))["targets"]
    view = to_view(layer)
    assert [layer["entities"][int(e[1:]) - 1]["text"] for e in ("e30", "e34")] == ["لتحالف الدولي"] * 2  # in للتحالف
    view.chains[0] = ("e1", "e14", "e40", "e44")
    view.chains.append(("e30", "e34"))  # split off c1: a new chain, whose name is read from the text around its mentions
    new, problems, _ = from_view(view, layer, (REPO / "seeds" / f"{seed}.txt").read_text(encoding="utf-8"),
                                 Vocabulary.load(Schemas(REPO / "schema"), [t["id"] for t in targets]), [], "review.json")
    assert problems == []
    assert new["chains"][-1] == {"id": "c13", "name": "التحالف الدولي", "entities": ["e30", "e34"], "provenance": None}


def test_part_and_source_links_that_cannot_stand_are_each_named_by_the_link_with_the_review_file(gold_layer, vocabulary) -> None:
    def edit(view) -> None:
        view.parts += [("q1", "T404"), ("q1", "e1")]
        view.sources += [("q2", "T404"), ("T405", "q1"), ("q2", "q1"), ("q2", "q3")]

    _, problems, _ = review(gold_layer, vocabulary, edit)
    assert [str(p) for p in problems] == [
        "review.json: part link q1 + T404: refers to region 'T404', which does not exist",
        "review.json: part link q1 + e1: a part link joins the content regions of one discontinuous quote, not GPE e1",
        "review.json: source link q2 → T404: refers to region 'T404', which does not exist",
        "review.json: source link T405 → q1: refers to region 'T405', which does not exist",
        "review.json: source link q2 → q3: the quote at q2 already has a source link, to q1; a quote has at most one source",
    ]


def test_a_quote_takes_the_strongest_origin_of_its_regions_its_type_s_choice_and_its_parts(gold_layer, vocabulary) -> None:
    def edit(view) -> None:
        for rid in ("q1", "q1~cue", "q1~speaker", "q1~outlet", "q2", "q2~cue", "q2~speaker"):
            view.regions[rid].origin = "prediction"
        view.choice_origins[("q1", QUOTE_TYPE_CHOICE)] = "manual"  # only its type was changed
        view.regions["q2~cue"].origin = "prediction-changed"  # only its cue was moved

    _, problems, origins = review(gold_layer, vocabulary, edit)
    assert problems == []
    assert (origins["q1"], origins["q2"]) == ("manual", "prediction-changed")


def test_the_relations_after_one_that_links_two_entities_are_still_read(gold_layer, vocabulary) -> None:
    _, problems, _ = review(gold_layer, vocabulary, lambda view: view.relations.insert(0, ("e1", "e3")))
    assert [str(p) for p in problems] == ["review.json: relation e1 → e3: a relation links a cue, speaker, outlet or entity to a quote content, not GPE to ORG"]


def test_a_quote_in_parts_whose_first_part_was_redrawn_keeps_its_id_through_the_later_part_unless_their_link_is_gone(vocabulary) -> None:
    base = {**multi_sentence_layer(), "stance": []}  # q2 is a quote in two parts
    view = to_view(base)
    assert view.parts == [("q2", "q2~part2")]
    view.regions["q2"].key = None  # the first part drawn again: only the later part still knows its quote
    reviewed, problems, _ = from_view(view, base, MULTI_TEXT, vocabulary, [], "review.json")
    assert problems == []
    assert [(q["id"], len(q.get("parts") or [])) for q in reviewed["quotes"]] == [("q1", 0), ("q2", 2), ("q3", 0), ("q4", 0)]
    view.parts = []  # and the part link deleted: two quotes, each new, the later part's key naming a part and not a quote
    view.quote_types["q2~part2"] = "direct"
    reviewed, problems, _ = from_view(view, base, MULTI_TEXT, vocabulary, [], "review.json")
    assert problems == []
    assert [(q["id"], q["content"]["text"]) for q in reviewed["quotes"]][-2:] == [("q5", "المفاوضات مستمرة"), ("q6", "والاتفاق قريب")]
