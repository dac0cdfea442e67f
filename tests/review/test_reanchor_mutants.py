"""Re-anchoring pinned in-process (mutation testing of qawl.review.reanchor): where a span goes when its word is
repeated, what is left out and why (with what depends on it), a layer that fails a check on the new text,
the problems of a wrong old text, and the review log of a write."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from qawl.ingest import Document
from qawl.merge import read_targets
from qawl.publish import write_json
from qawl.review.reanchor import CharacterMap, old_text_problems, reanchor, unique_common_words
from qawl.review.store import read_log
from qawl.schema import Problem, Schemas
from tests.conftest import REPO
from tests.review.conftest import ARTICLE, DOC_ID, GOLD, article_layer, run_review

TARGETS = read_targets(REPO / "annotations", Schemas(REPO / "schema"))[0]


def document(text: str) -> Document:
    return Document(DOC_ID, text, hashlib.sha256(text.encode()).hexdigest(), f"seeds/{DOC_ID}.txt")


def test_a_deleted_repeat_of_a_word_is_unplaced_never_put_on_the_occurrence_before_it() -> None:
    characters = CharacterMap("الوزير بغداد أمس أمس", "الوزير بغداد أمس")
    assert characters.place(17, 20, "أمس") is None
    assert characters.place(13, 16, "أمس") == (13, 16)
    assert characters.place(7, 12, "بغداد") == (7, 12)


def test_the_anchors_are_the_longest_run_of_unique_words_in_the_same_order() -> None:
    old, new = "a b c d e f", "a e b c f d"
    assert [(o.group(), o.start(), n.start()) for o, n in unique_common_words(old, new)] == [("a", 0, 0), ("b", 2, 4), ("c", 4, 6), ("f", 10, 8)]
    old, new = "x1 x2 x3 x4 x5", "x3 x1 x4 x2 x5"
    assert [o.group() for o, _ in unique_common_words(old, new)] == ["x3", "x4", "x5"]
    assert [o.group() for o, _ in unique_common_words("a a b c", "b c a")] == ["b", "c"]  # "a" is not unique in the old text


def test_a_span_whose_text_is_found_at_overlapping_places_goes_to_the_nearest_of_them() -> None:
    # the last two of three ب: in the new text "بب" is at 1 and at 2 (overlapping), and 2 is where they went
    assert CharacterMap("اااببب", "اببب  ب").place(4, 6, "بب") == (2, 4)
    assert CharacterMap("ب  اا", "ب بااابا").place(3, 5, "اا") == (4, 6)


def test_what_depends_on_an_annotation_left_out_is_left_out_saying_why() -> None:
    layer = article_layer(GOLD)
    mention = "وزير الخارجية فؤاد حسين"
    start = ARTICLE.index(mention)
    layer["quotes"][0]["speaker"]["mention"] = {"start": start, "end": start + len(mention), "text": mention}
    new = ARTICLE.replace("فؤاد حسين ", "")  # the speaker's entity deleted, his mention still reads "وزير الخارجية"
    result = reanchor(layer, ARTICLE, document(new), TARGETS)
    assert result.left_out == {
        ("entities", "e2"): "its span 'فؤاد حسين' could not be placed",
        ("quotes", "q1"): "it depends on e2, which is left out",
        ("stance", "s1"): "it depends on q1, which is left out",
    }
    assert [q["id"] for q in result.layer["quotes"]] == ["q2", "q3"]
    assert [s["id"] for s in result.layer["stance"]] == ["s2", "s3"]
    assert result.counts() == {"kept": 2, "moved": 14, "unplaced": 1, "changed": 1}


def test_an_annotation_that_fails_a_check_on_the_new_text_is_left_out_with_the_check_s_message() -> None:
    new = ARTICLE.replace("فؤاد حسين", "فؤاد. وقال حسين")  # the entity now crosses a sentence boundary
    result = reanchor(article_layer(GOLD), ARTICLE, document(new), TARGETS)
    assert result.left_out[("entities", "e2")] == "on the new text: entity 'فؤاد. وقال حسين' crosses a sentence boundary"
    assert "e2" not in [e["id"] for e in result.layer["entities"]]
    assert ("quotes", "q1") in result.left_out and ("stance", "s1") in result.left_out


def test_the_spans_of_a_layer_not_made_on_a_text_are_problems_at_their_pointers() -> None:
    problems = old_text_problems(article_layer(GOLD), ARTICLE.replace("بغداد", "أربيل"), "old.txt")
    assert [(p.file, p.place) for p in problems] == [("old.txt", "/entities/0")]
    problems = old_text_problems(article_layer(GOLD), "x" + ARTICLE, "old.txt")
    assert problems[0].place == "/entities/0" and "/quotes/0 content" in [p.place for p in problems]
    assert "/stance/2 evidence" in [p.place for p in problems]


def test_an_old_text_that_is_not_the_layer_s_is_refused_naming_that_file(review_project: Any, tmp_path: Path) -> None:
    project = review_project()
    (project.seeds / f"{DOC_ID}.txt").write_bytes(ARTICLE.replace("بغداد", "أربيل").encode())
    too_big = tmp_path / "too-big.txt"
    too_big.write_bytes(b"x" * (10 * 2**20 + 1))  # one byte above the default limit on an article
    refused = run_review(project, "reanchor", DOC_ID, "--old-text", str(too_big))
    assert refused.returncode == 1 and (f"error: {too_big}: {10 * 2**20 + 1} bytes, above the limit of {10 * 2**20} bytes per article "
                                         "(max_article_bytes in schema/dataset.json)\n") in refused.stderr

    misplaced = article_layer(GOLD)
    wrong = tmp_path / "wrong.txt"
    wrong.write_bytes(("x" + ARTICLE).encode())
    misplaced["sha256"] = hashlib.sha256(wrong.read_bytes()).hexdigest()
    write_json(project.annotations / f"{DOC_ID}.json", misplaced)
    refused = run_review(project, "reanchor", DOC_ID, "--old-text", str(wrong))
    assert refused.returncode == 1
    assert f"error: {wrong}: the layer's spans do not sit in this text (" in refused.stderr
    assert "first: /entities/0: " in refused.stderr


def test_a_written_reanchoring_logs_each_change_with_its_time(review_project: Any, tmp_path: Path) -> None:
    project = review_project()
    old = tmp_path / "old.txt"
    old.write_bytes(ARTICLE.encode())
    (project.seeds / f"{DOC_ID}.txt").write_bytes(ARTICLE.replace("بغداد", "أربيل").encode())
    written = run_review(project, "reanchor", DOC_ID, "--old-text", str(old), "--write", "--annotator", "amina")
    assert written.returncode == 0, written.stderr
    [entry] = read_log(project)
    assert set(entry) == {"time", "annotator", "layer", "doc_id", "tool", "file", "kind", "id", "action", "reason", "before", "after"}
    assert (entry["kind"], entry["id"], entry["action"], entry["reason"], entry["after"]) == (
        "entities", "e1", "left out", "its span 'بغداد' could not be placed", None)
    assert entry["time"].endswith("Z") and entry["time"][:2] == "20"
