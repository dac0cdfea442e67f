"""qawl.review.changes: what the mutants that survived its tests changed (docs/mutation.md)."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import pytest

from qawl.ingest import Document
from qawl.project import Project
from qawl.review.changes import Change, Outcome, Review, apply, diff, file_stamp, fingerprint, log_entries, plan_import, read_meta, write_outcomes
from qawl.review.regions import Region, to_view
from qawl.review.store import encode_log, review_log
from qawl.schema import Problem, Schemas
from tests.conftest import REPO
from tests.review.conftest import ARTICLE, DOC_ID, GOLD, SILVER, article_layer

SHA = hashlib.sha256(ARTICLE.encode()).hexdigest()
TIME = "2025-02-01T09:00:00Z"
MANUAL = {"source": "manual", "status": "gold", "annotator": "amina", "time": TIME}


def document() -> Document:
    return Document(DOC_ID, ARTICLE, SHA, "seeds/rev_001.txt")


def a_review(base: dict[str, Any] | None = None, file: str = "r1.ann", **fields: Any) -> Review:
    base = base if base is not None else article_layer(GOLD)
    return Review(**{"tool": "brat", "file": file, "doc_id": DOC_ID, "sha256": SHA, "text": ARTICLE, "base_kind": "gold",
                     "base": base, "view": to_view(base), "annotator": "amina", **fields})


def planned(project: Project, *reviews: Review) -> tuple[list[Outcome], list[Problem]]:
    return plan_import(project, Schemas(REPO / "schema"), {DOC_ID: document()}, list(reviews), TIME)


def test_reviews_that_cannot_be_imported_are_refused_each_by_file_and_document(review_project) -> None:
    project = review_project()
    other_base = {**article_layer(GOLD), "doc_id": "rev_002"}
    problems = planned(
        project,
        a_review(file="a.ann", base=other_base, view=to_view(article_layer(GOLD))),  # a base of another document: the next are still read
        a_review(file="b.ann", doc_id="rev_404"),
        a_review(file="c.ann", sha256="ab" * 32),
        a_review(file="a2.ann", text=ARTICLE + "!"),
    )[1]
    assert problems == [
        Problem("a.ann", DOC_ID, "the export's base layer is for another document or text; re-export it"),
        Problem("b.ann", "rev_404", f"no seed article 'rev_404' in {project.seeds}"),
        Problem("c.ann", DOC_ID, "reviewed twice in this import (also in a.ann); import one at a time"),
        Problem("a2.ann", DOC_ID, "reviewed twice in this import (also in a.ann); import one at a time"),
    ]
    assert planned(project, a_review(file="c.ann", sha256="ab" * 32))[1] == [
        Problem("c.ann", DOC_ID, f"exported against a different text (sha256 {'ab' * 6}…) than seeds/rev_001.txt has now ({SHA[:12]}…); re-export it and review again"),
    ]
    assert planned(project, a_review(file="d.ann", text=ARTICLE + "!"))[1] == [
        Problem("d.ann", DOC_ID, "the review's text is not the text of seeds/rev_001.txt"),
    ]


def test_two_annotators_reviewing_one_document_into_gold_is_refused_but_into_their_own_layers_is_not(review_project) -> None:
    project = review_project()
    twice = planned(project, a_review(file="a.ann"), a_review(file="b.ann", annotator="layla"))[1]
    assert twice == [Problem("b.ann", DOC_ID, "reviewed twice in this import (also in a.ann); import one at a time")]
    outcomes, problems = planned(project, a_review(file="a.ann", passes=True), a_review(file="b.ann", annotator="layla", passes=True),
                                 a_review(file="c.ann", passes=True))
    assert problems == [Problem("c.ann", DOC_ID, "reviewed twice by amina in this import (also in a.ann); import one at a time")]
    assert [outcome.path for outcome in outcomes] == [project.annotations / "passes" / DOC_ID / f"{who}.json" for who in ("amina", "layla")]


def test_an_unsafe_number_in_the_base_is_named_by_its_place_in_the_base(review_project) -> None:
    base = article_layer(GOLD)
    base["entities"][0]["start"] = 19.0
    problems = planned(review_project(), a_review(base=base, view=to_view(article_layer(GOLD))))[1]
    assert problems == [Problem("r1.ann", f"{DOC_ID} base /entities/0/start", "19.0 is not an integer (write whole numbers without a decimal point)")]


def test_a_gold_file_made_or_removed_since_the_export_is_refused(review_project) -> None:
    project = review_project()
    gold = project.annotations / f"{DOC_ID}.json"
    assert planned(project, a_review(base_kind="silver"))[1] == [
        Problem("r1.ann", DOC_ID, f"{gold} was created after this export; re-export it and review again"),
    ]
    gold.unlink()
    assert planned(project, a_review())[1] == [
        Problem("r1.ann", DOC_ID, f"exported from {gold}, which no longer exists; restore it from annotations/.history or re-export"),
    ]


def test_an_edit_of_an_annotation_changed_in_gold_since_the_export_is_a_conflict(review_project) -> None:
    project = review_project()
    base = article_layer(GOLD)
    base["entities"][0]["label"] = "LOC"  # the export saw LOC; gold says GPE now
    view = to_view(base)
    view.regions["e1"].label = "ORG"
    assert planned(project, a_review(base=base, view=view))[1] == [
        Problem("r1.ann", "entities e1", "conflict: edited in this review, but changed in the annotation file since the export; re-export and review again"),
    ]


def test_view_and_layer_problems_name_the_review_file(review_project) -> None:
    project = review_project()
    view = to_view(article_layer(GOLD))
    view.regions["e1"].label = "POLITICIAN"
    assert planned(project, a_review(view=view))[1] == [Problem("r1.ann", "region e1", "unknown label 'POLITICIAN'")]
    view = to_view(article_layer(GOLD))
    view.stances[("q3", "no_such_target")] = "FAVOR"
    problems = planned(project, a_review(view=view))[1]
    assert problems == [Problem(f"r1.ann ({DOC_ID})", "/stance/3/target", "target 'no_such_target' is not in annotations/targets.json")]


def test_an_id_in_the_review_log_is_never_given_to_a_new_annotation(review_project) -> None:
    project = review_project()
    review_log(project).write_bytes(encode_log([{"doc_id": DOC_ID, "id": "e9", "action": "removed"}, {"doc_id": "rev_002", "id": "e12", "action": "removed"}]))
    view = to_view(article_layer(GOLD))
    start = ARTICLE.index("مراقبون")
    view.regions["T1"] = Region("T1", start, start + 7, "NORP", "مراقبون")
    outcomes, problems = planned(project, a_review(view=view))
    assert problems == []
    assert [change.id for change in outcomes[0].changes] == ["e10"]


def test_a_review_imported_before_is_recognised_by_its_log_entry(review_project) -> None:
    project = review_project()
    review = a_review()
    entry = {"doc_id": DOC_ID, "id": "e1", "review": fingerprint(review)}
    review_log(project).write_bytes(encode_log([entry]))
    outcomes, problems = planned(project, review)
    assert problems == []
    assert [(outcome.review, outcome.layer, outcome.imported_before, outcome.writes) for outcome in outcomes] == [(review, review.base, entry, False)]


def test_the_fingerprint_of_a_review_is_the_one_earlier_logs_recorded() -> None:
    # the review log keeps it to recognise a review imported before: it may not change between versions
    assert fingerprint(a_review()) == FINGERPRINT
    assert fingerprint(a_review(passes=True)) == FINGERPRINT_OF_A_PASS
    reordered = {key: value for key, value in reversed(article_layer(GOLD).items())}
    assert fingerprint(a_review(base=reordered, view=to_view(article_layer(GOLD)))) == FINGERPRINT


FINGERPRINT = "84b65d0e1a8a7f6e46a2e4401bc68d43fa47c809c7bdbcc6a329f139f2c5e791"
FINGERPRINT_OF_A_PASS = "3488f5a63d9dee680af7154dd39e9fd302ffcdacc4681b74e3cdf63ad33bccee"


def test_diff_gives_each_change_with_its_provenance_and_origin() -> None:
    base = article_layer(SILVER)
    reviewed = copy.deepcopy(base)
    reviewed["entities"][1]["label"] = "ORG"  # e2 edited
    del reviewed["entities"][2]  # e3 removed
    reviewed["entities"].append({"id": "e7", "start": 0, "end": 4, "text": "وزير", "label": "PERSON", "provenance": None})
    changes = diff(base, reviewed, "amina", TIME, {"e1": "prediction", "e7": "manual"})
    entities = [change for change in changes if change.kind == "entities"]
    accepted = {**SILVER, "status": "gold", "annotator": "amina", "time": TIME}
    assert entities == [
        Change("entities", "e1", "accepted", base["entities"][0], {**base["entities"][0], "provenance": accepted}, "prediction"),
        Change("entities", "e2", "edited", base["entities"][1], {**reviewed["entities"][1], "provenance": MANUAL}, "manual"),
        Change("entities", "e4", "accepted", base["entities"][3], {**base["entities"][3], "provenance": accepted}, None),
        Change("entities", "e5", "accepted", base["entities"][4], {**base["entities"][4], "provenance": accepted}, None),
        Change("entities", "e6", "accepted", base["entities"][5], {**base["entities"][5], "provenance": accepted}, None),
        Change("entities", "e7", "added", None, {**reviewed["entities"][-1], "provenance": MANUAL}, "manual"),
        Change("entities", "e3", "removed", base["entities"][2], None, "manual"),
    ]


def test_apply_refuses_a_taken_id_and_a_change_to_what_changed_and_skips_what_is_gold_already() -> None:
    current = article_layer(GOLD)
    silver_e1 = {**current["entities"][0], "provenance": SILVER}
    gold_again = {**current["entities"][0], "provenance": MANUAL}
    changes = [
        Change("entities", "e2", "added", None, current["entities"][1]),
        Change("entities", "e9", "removed", {**current["entities"][0], "id": "e9"}, None, "manual"),
        Change("entities", "e1", "accepted", silver_e1, gold_again),  # accepted by someone else meanwhile
    ]
    layer, applied, problems = apply(current, changes, "r1.ann")
    assert problems == [
        Problem("r1.ann", "entities e2", "id already taken in the annotation file"),
        Problem("r1.ann", "entities e9", "conflict: removed in this review, but changed in the annotation file since the export; re-export and review again"),
    ]
    assert applied == []
    assert layer == current


def test_a_log_entry_records_who_when_where_and_what(review_project) -> None:
    project = review_project()
    review = a_review(tool_user=7)
    before = article_layer(GOLD)["entities"][0]
    change = Change("entities", "e1", "edited", before, {**before, "label": "LOC"}, "manual")
    assert log_entries(Outcome(review, review.base, project.annotations / f"{DOC_ID}.json", [change]), TIME) == [{
        "time": TIME, "annotator": "amina", "layer": "gold", "doc_id": DOC_ID, "tool": "brat", "file": "r1.ann", "tool_user": 7,
        "review": fingerprint(review), "kind": "entities", "id": "e1", "action": "edited", "origin": "manual",
        "before": before, "after": {**before, "label": "LOC"},
    }]


def test_the_previous_gold_file_is_kept_under_the_time_of_the_import(review_project) -> None:
    project = review_project()
    gold = project.annotations / f"{DOC_ID}.json"
    old = gold.read_bytes()
    view = to_view(article_layer(GOLD))
    view.regions["e1"].label = "LOC"
    outcomes, problems = planned(project, a_review(view=view))
    assert problems == []
    assert write_outcomes(project, outcomes, TIME) == outcomes
    assert file_stamp(TIME) == "20250201T090000Z"
    assert (project.annotations / ".history" / DOC_ID / "20250201T090000Z.json").read_bytes() == old


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        ({"doc_id": DOC_ID}, "not made by `qawl review export` (no qawl export record); export the documents with qawl first"),
        ({"doc_id": DOC_ID, "sha256": SHA, "offsets": "bytes", "base_kind": "gold", "base": {}},
         "the qawl export record is damaged (doc_id, sha256, offsets, base_kind or base); re-export it"),
        ({"doc_id": DOC_ID, "sha256": SHA, "offsets": "utf16", "base_kind": "bronze", "base": {}},
         "the qawl export record is damaged (doc_id, sha256, offsets, base_kind or base); re-export it"),
    ],
)
def test_an_export_record_that_cannot_be_used_is_refused_by_place(meta: dict[str, Any], message: str) -> None:
    assert read_meta(meta, "r1.ann", "/0/data/qawl") == (None, [Problem("r1.ann", "/0/data/qawl", message)])


def observers_view(base: dict[str, Any]):
    """The view of `base` with one entity added: مراقبون."""
    view = to_view(base)
    start = ARTICLE.index("مراقبون")
    view.regions["T1"] = Region("T1", start, start + 7, "NORP", "مراقبون")
    return view


def test_a_new_annotation_never_takes_an_id_gold_was_given_by_hand_after_the_export(review_project) -> None:
    project = review_project()  # gold has e1-e6; the export was made before e6 was added by hand, without a log entry
    base = article_layer(GOLD)
    base["entities"] = base["entities"][:5]
    outcomes, problems = planned(project, a_review(base=base, view=observers_view(base)))
    assert problems == []
    assert [(change.id, change.action) for change in outcomes[0].changes] == [("e7", "added")]


def test_an_annotator_s_own_layer_numbers_its_new_annotations_apart_from_the_gold_log(review_project) -> None:
    project = review_project()
    review_log(project).write_bytes(encode_log([{"doc_id": DOC_ID, "id": "e9", "action": "removed"}]))
    base = article_layer(GOLD)
    outcomes, problems = planned(project, a_review(base=base, view=observers_view(base), passes=True))
    assert problems == []
    assert [change.id for change in outcomes[0].changes if change.action == "added"] == ["e7"]


def test_a_chain_added_to_a_layer_that_had_none_is_applied() -> None:
    current = article_layer(GOLD)
    assert "chains" not in current
    chain = {"id": "c1", "name": "العراق", "entities": ["e4", "e6"], "provenance": MANUAL}
    layer, applied, problems = apply(current, [Change("chains", "c1", "added", None, chain)], "r1.ann")
    assert (layer["chains"], [change.id for change in applied], problems) == ([chain], ["c1"], [])
    assert {key: value for key, value in layer.items() if key != "chains"} == current


def test_the_fingerprint_of_a_review_with_chains_holds_them() -> None:
    base = article_layer(GOLD)
    view = to_view(base)
    view.chains = [("e4", "e6")]
    assert fingerprint(a_review(view=view)) == FINGERPRINT_WITH_A_CHAIN
    view.chains = [("e1", "e4")]
    assert fingerprint(a_review(view=view)) not in (FINGERPRINT, FINGERPRINT_WITH_A_CHAIN)


FINGERPRINT_WITH_A_CHAIN = "f98ed3aa7959eed8ea768c0c97e492a4f8403b7197a1fe7546ddafe00ff8ba50"


def test_the_fingerprint_of_a_review_holds_its_part_and_source_links() -> None:
    with_part, with_source = to_view(article_layer(GOLD)), to_view(article_layer(GOLD))
    with_part.parts = [("q1", "T9")]
    with_source.sources = [("q2", "q1")]
    assert fingerprint(a_review(view=with_part)) == "9e18d5fd65b729bc6afdbd84d92951ca4dc9bfc50b7c744fb831b94009f8565a"
    assert fingerprint(a_review(view=with_source)) == "b43948fcb132d112429c63531226d2daf99918eb7644ecc75cccd151f1fd13de"
