"""The `ner` config's tokens are a function of the text alone: the `sentences` tokens, whatever the gold says.

A gold span that starts or ends inside a token (a proclitic before a name: وواشنطن) tags its whole host
token (ANERcorp practice); it never cuts the token, so a lone proclitic cannot give an entity away.
"""

from __future__ import annotations

import hashlib
import json

import datasets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qawl.build import process_document
from qawl.card import CorpusStatistics, _ner_tokens_section, document_statistics
from qawl.ingest import UNKNOWN_METADATA, Document
from qawl.tasks import derive_ner
from tests.conftest import REPO, SEED_ID, invoke_qawl
from tests.layers import PROVENANCE, annotated_copy, seed_layer, write_layer
from tests.layers import annotated  # noqa: F401  (fixture)

SEED_TEXT = (REPO / "seeds" / f"{SEED_ID}.txt").read_text(encoding="utf-8")
SEED = Document(SEED_ID, SEED_TEXT, hashlib.sha256(SEED_TEXT.encode()).hexdigest(), f"seeds/{SEED_ID}.txt", dict(UNKNOWN_METADATA))
GOLD_ENTITIES = json.loads((REPO / "annotations" / f"{SEED_ID}.json").read_text(encoding="utf-8"))["entities"]
UNANNOTATED = process_document(SEED, None, "", frozenset(), None)
SENTENCES = [(row["start"], row["end"]) for row in UNANNOTATED.rows]
TOKENS = {row["sentence_id"]: row["tokens"] for row in UNANNOTATED.rows}
LABELS = ["PERSON", "ORG", "GPE", "LOC", "DATE"]


def _entity(id_: str, start: int, end: int, label: str) -> dict:
    return {"id": id_, "start": start, "end": end, "text": SEED_TEXT[start:end], "label": label, "provenance": PROVENANCE}


@st.composite
def edited_gold(draw: st.DrawFn) -> list[dict]:
    """The seed's gold entities with some removed, some with a boundary moved (into a word, across a proclitic)
    and new spans added anywhere inside a sentence: then made flat (an entity overlapping an earlier one is left out)."""
    entities = []
    for entity in draw(st.lists(st.sampled_from(GOLD_ENTITIES), unique_by=lambda e: e["id"])):  # a random subset: the rest removed
        start = max(0, entity["start"] + draw(st.integers(-3, 3)))
        end = entity["end"] + draw(st.integers(-3, 3))
        entities.append((start, end, entity["label"]))
    for _ in range(draw(st.integers(0, 12))):  # added
        sentence_start, sentence_end = draw(st.sampled_from(SENTENCES))
        start = draw(st.integers(sentence_start, sentence_end - 1))
        entities.append((start, draw(st.integers(start + 1, min(sentence_end, start + 40))), draw(st.sampled_from(LABELS))))
    flat, end_of_last = [], -1
    for start, end, label in sorted(entities):
        text = SEED_TEXT[start:end]
        inside_one_sentence = any(a <= start and end <= b for a, b in SENTENCES)
        if start >= end_of_last and text.strip() == text and text and inside_one_sentence:
            flat.append(_entity(f"e{len(flat)}", start, end, label))
            end_of_last = end
    return draw(st.permutations(flat))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited_gold())
def test_editing_adding_and_removing_gold_spans_never_changes_the_ner_tokens(entities: list[dict]) -> None:
    layer = {"schema_version": "1.0.0", "doc_id": SEED_ID, "sha256": SEED.sha256, "entities": entities, "quotes": [], "stance": []}
    result = process_document(SEED, layer, "gold.json", frozenset(), None)
    assert result.problems == []
    rows = derive_ner(result.document_row, result.rows)
    assert [row["id"] for row in rows] == list(TOKENS)
    for row in rows:
        tokens = TOKENS[row["id"]]
        assert row["tokens"] == [t["text"] for t in tokens]
        assert (row["token_starts"], row["token_ends"]) == ([t["start"] for t in tokens], [t["end"] for t in tokens])
        assert len(row["ner_tags"]) == len(tokens)
    # every span, even one inside a token, is an entity of the tags; but one whose every token an earlier entity holds
    hosts = [_host_tokens(entity) for entity in sorted(entities, key=lambda e: e["start"])]
    held = sum(tokens <= set().union(*hosts[:n]) for n, tokens in enumerate(hosts))
    assert sum(tag.startswith("B-") for row in rows for tag in row["ner_tags"]) == len(entities) - held


def _host_tokens(entity: dict) -> set[tuple[str, int]]:
    """(sentence_id, index) of the tokens that `entity` overlaps."""
    row = next(r for r in UNANNOTATED.rows if r["start"] <= entity["start"] and entity["end"] <= r["end"])
    start, end = entity["start"] - row["start"], entity["end"] - row["start"]
    return {(row["sentence_id"], i) for i, token in enumerate(row["tokens"]) if token["start"] < end and token["end"] > start}


def test_ner_tokens_are_the_sentence_tokens_with_their_offsets(annotated) -> None:
    sentences = datasets.load_dataset(str(annotated.corpus), "sentences")
    ner = datasets.load_dataset(str(annotated.corpus), "ner")
    for split in ner:
        by_id = {row["sentence_id"]: row for row in sentences[split]}
        assert ner[split].num_rows == len(by_id)
        for row in ner[split]:
            sentence = by_id[row["id"]]
            assert row["text"] == sentence["text"]
            assert row["tokens"] == [t["text"] for t in sentence["tokens"]]
            assert [row["text"][a:b] for a, b in zip(row["token_starts"], row["token_ends"])] == row["tokens"]


def test_the_card_states_the_convention_and_its_cost_computed_by_the_build(annotated) -> None:
    card = (annotated.corpus / "README.md").read_text(encoding="utf-8")
    assert "ANERcorp practice of tagging the\nhost token" in card
    # the test layer's six entities: only واشنطن (in وواشنطن) has a boundary inside a token
    assert "1 of the 6 gold entities (16.7%) start or end inside a token and are tagged on their whole host token; 0 share" in card


def test_an_entity_left_without_a_token_is_counted_on_the_card() -> None:
    text = "أ بغدادوواشنطن"
    row = {
        "sentence_id": "d-1", "text": text, "status": "silver", "tokens": [{"start": 0, "end": 1, "text": "أ"}, {"start": 2, "end": 14, "text": text[2:]}],
        "entities": [{"id": "e1", "start": 2, "end": 7, "label": "GPE", "text": "بغداد"}, {"id": "e2", "start": 8, "end": 14, "label": "GPE", "text": "واشنطن"}],
    }
    statistics = CorpusStatistics()
    statistics.add("train", {"ner_projection": document_statistics({"status": "silver", "publisher": None, "license": None, "duplicate_group": None}, [row | {"quotes": [], "stance": []}])["ner_projection"]})
    section = _ner_tokens_section(statistics.counts["ner_projection"])
    assert "2 of the 2 silver entities (100.0%) start or end inside a token and are tagged on their whole host token; 1 share" in section


def test_a_gold_entity_of_whitespace_alone_is_a_clear_error_not_a_traceback(tmp_path) -> None:
    project = annotated_copy(tmp_path / "project")
    layer = seed_layer(project.root / "seeds" / f"{SEED_ID}.txt")
    gap = SEED_TEXT.index(" ", 10)
    layer["entities"] += [{"id": "e9", "start": gap, "end": gap + 1, "text": " ", "label": "GPE", "provenance": PROVENANCE}]
    write_layer(project.root / "annotations", layer)
    done = invoke_qawl("build", cwd=project.root)
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    assert f"error: {project.root}/annotations/{SEED_ID}.json: /entities/6: entity e9 ' ' is whitespace only: it covers no word" in done.stderr
    assert not project.corpus.exists()
