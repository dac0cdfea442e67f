"""Task configs: ner (IOB2 on entity-aligned tokens), quotes and stance, loaded with datasets and scored with seqeval."""

from __future__ import annotations

import re

import datasets
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.metrics import classification_report, precision_score, recall_score
from seqeval.scheme import Entities, IOB2

from qawl.schema import Schemas
from qawl.tasks import iob2_tags, ner_pieces
from tests.conftest import REPO
from tests.layers import annotated  # noqa: F401  (fixture)


def test_iob2_enum_in_the_schema_is_generated_from_the_entity_labels() -> None:
    schemas = Schemas(REPO / "schema")
    labels = schemas.enum("common.schema.json#/$defs/entity_label")
    assert schemas.raw["ner"]["$defs"]["iob2_tag"]["enum"] == iob2_tags(labels)
    assert schemas.features("ner")["ner_tags"].feature.names[:3] == ["O", "B-PERSON", "I-PERSON"]


def _row(text: str, tokens: list[str], entities: list[tuple[str, str]]) -> dict:
    offsets, at = [], 0
    for token in tokens:
        at = text.index(token, at)
        offsets.append({"start": at, "end": at + len(token), "text": token})
        at += len(token)
    spans = []
    for n, (needle, label) in enumerate(entities):
        start = text.index(needle)
        spans.append({"id": f"e{n}", "start": start, "end": start + len(needle), "text": needle, "label": label})
    return {"sentence_id": "s", "text": text, "tokens": offsets, "entities": spans}


def test_a_proclitic_before_an_entity_becomes_its_own_token() -> None:
    row = _row("بين بغداد وواشنطن،", ["بين", "بغداد", "وواشنطن", "،"], [("بغداد", "GPE"), ("واشنطن", "GPE")])
    pieces, tags = ner_pieces(row)
    assert [p[2] for p in pieces] == ["بين", "بغداد", "و", "واشنطن", "،"]
    assert tags == ["O", "B-GPE", "O", "B-GPE", "O"]
    assert all(row["text"][start:end] == text for start, end, text in pieces)


def test_any_boundary_inside_a_token_splits_it_and_multiword_entities_get_inside_tags() -> None:
    row = _row("قال للتحالف الدولي إن", ["قال", "للتحالف", "الدولي", "إن"], [("لتحالف الدولي", "ORG")])
    pieces, tags = ner_pieces(row)
    assert [p[2] for p in pieces] == ["قال", "ل", "لتحالف", "الدولي", "إن"]
    assert tags == ["O", "O", "B-ORG", "I-ORG", "O"]


def test_an_entity_that_covers_no_token_is_an_error_not_a_silent_drop() -> None:
    row = _row("أ ب", ["أ", "ب"], [])
    row["entities"] = [{"id": "e9", "start": 1, "end": 2, "text": " ", "label": "GPE"}]
    with pytest.raises(ValueError, match="e9"):
        ner_pieces(row)


def _reference_ner_pieces(row: dict) -> tuple[list, list[str]]:
    """`ner_pieces` the obvious way: every token cut at the entity boundaries inside it, every piece inside an entity tagged."""
    entities = sorted(row["entities"], key=lambda e: e["start"])
    cuts = {offset for entity in entities for offset in (entity["start"], entity["end"])}
    pieces = []
    for token in row["tokens"]:
        bounds = [token["start"], *sorted(c for c in cuts if token["start"] < c < token["end"]), token["end"]]
        pieces += [(start, end, row["text"][start:end]) for start, end in zip(bounds, bounds[1:])]
    tags = ["O"] * len(pieces)
    for entity in entities:
        inside = [i for i, (start, end, _) in enumerate(pieces) if entity["start"] <= start and end <= entity["end"]]
        if not inside:
            raise ValueError(f"{row['sentence_id']}: entity {entity['id']} {entity['text']!r} covers no token")
        tags[inside[0]] = f"B-{entity['label']}"
        for i in inside[1:]:
            tags[i] = f"I-{entity['label']}"
    return pieces, tags


@st.composite
def ner_rows(draw: st.DrawFn) -> dict:
    """A sentence row with tokens in order, not overlapping, and flat entities anywhere in the text (across tokens and gaps)."""
    text = draw(st.text("abc ", min_size=1, max_size=40))
    offsets = sorted(draw(st.sets(st.integers(0, len(text)), max_size=24)))
    tokens = [{"start": a, "end": b, "text": text[a:b]} for a, b in zip(offsets[::2], offsets[1::2])]
    offsets = sorted(draw(st.sets(st.integers(0, len(text)), max_size=8)))
    entities = [
        {"id": f"e{n}", "start": a, "end": b, "text": text[a:b], "label": draw(st.sampled_from(["GPE", "ORG"]))}
        for n, (a, b) in enumerate(zip(offsets[::2], offsets[1::2]))
    ]
    return {"sentence_id": "s", "text": text, "tokens": tokens, "entities": draw(st.permutations(entities))}


@settings(max_examples=400, deadline=None)
@given(ner_rows())
def test_ner_pieces_is_the_reference_split_and_tagging(row: dict) -> None:
    try:
        expected = _reference_ner_pieces(row)
    except ValueError as error:
        with pytest.raises(ValueError, match=re.escape(str(error))):
            ner_pieces(row)
    else:
        assert ner_pieces(row) == expected


@pytest.mark.parametrize(("config", "schema"), [("ner", "ner"), ("quotes", "quote"), ("stance", "stance")])
def test_task_configs_load_with_their_typed_features(annotated, config: str, schema: str) -> None:
    loaded = datasets.load_dataset(str(annotated.corpus), config)
    features = Schemas(annotated.schema_dir).features(schema)
    assert loaded and all(split.features == features for split in loaded.values())


def test_ner_tokens_and_tags_cover_every_gold_entity(annotated) -> None:
    sentences = datasets.load_dataset(str(annotated.corpus), "sentences")
    ner = datasets.load_dataset(str(annotated.corpus), "ner")
    for split in ner:
        names = ner[split].features["ner_tags"].feature.names
        by_id = {row["sentence_id"]: row for row in sentences[split]}
        for row in ner[split]:
            assert row["id"] == row["sentence_id"] and len(row["tokens"]) == len(row["ner_tags"])
            tags = [names[t] for t in row["ner_tags"]]
            spans, current = [], None
            for token, tag in zip(row["tokens"], tags):
                if tag.startswith("B-"):
                    current = [tag[2:], token]
                    spans.append(current)
                elif tag.startswith("I-"):
                    assert current is not None and current[0] == tag[2:]
                    current.append(token)
                else:
                    current = None
            entity_labels = sentences[split].features["entities"].feature["label"].names
            gold = by_id[row["sentence_id"]]["entities"]
            assert [(s[0], "".join(s[1:])) for s in spans] == [
                (entity_labels[e["label"]], e["text"].replace(" ", "")) for e in gold
            ]
    all_tokens = [t for split in ner.values() for row in split for t in row["tokens"]]
    assert "واشنطن" in all_tokens and "وواشنطن" not in all_tokens


def test_seqeval_scores_the_ner_config(annotated) -> None:
    ner = datasets.load_dataset(str(annotated.corpus), "ner")
    rows = [row for split in ner.values() for row in split]
    names = next(iter(ner.values())).features["ner_tags"].feature.names
    gold = [[names[t] for t in row["ner_tags"]] for row in rows]
    # what seqeval reads in the published tags (strict IOB2): the six entities of the seed's gold layer
    found = [(e.tag, " ".join(rows[e.sent_id]["tokens"][e.start : e.end])) for sentence in Entities(gold, IOB2).entities for e in sentence]
    assert sorted(found) == [("GPE", "بغداد"), ("GPE", "واشنطن"), ("ORG", "الحكومة العراقية"), ("ORG", "العربي الجديد"), ("PERSON", "حيدر اللامي"), ("PERSON", "قاسم الأعرجي")]
    relabelled = [list(tags) for tags in gold]  # بغداد tagged ORG: one wrong of six predicted
    first = next(i for i, tags in enumerate(relabelled) if "B-GPE" in tags)
    relabelled[first][relabelled[first].index("B-GPE")] = "B-ORG"
    assert (precision_score(gold, relabelled, mode="strict", scheme=IOB2), recall_score(gold, relabelled, mode="strict", scheme=IOB2)) == pytest.approx((5 / 6, 5 / 6))
    missed = [["O" if "PERSON" in tag else tag for tag in tags] for tags in gold]  # both persons missed: four right of four predicted
    assert (precision_score(gold, missed, mode="strict", scheme=IOB2), recall_score(gold, missed, mode="strict", scheme=IOB2)) == pytest.approx((1.0, 4 / 6))
    report = classification_report(gold, missed, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    assert {label: (report[label]["recall"], report[label]["support"]) for label in ("GPE", "ORG", "PERSON")} == {"GPE": (1.0, 2), "ORG": (1.0, 2), "PERSON": (0.0, 2)}


def test_quotes_and_stance_rows_carry_their_sentence_and_labels(annotated) -> None:
    quotes = next(iter(datasets.load_dataset(str(annotated.corpus), "quotes").values()))
    stance = next(iter(datasets.load_dataset(str(annotated.corpus), "stance").values()))
    assert quotes.num_rows == 2 and stance.num_rows == 2
    for row in quotes:
        assert row["text"][row["content"]["start"] : row["content"]["end"]] == row["content"]["text"]
        assert row["id"] == f"{row['doc_id']}/{row['quote_id']}"
    direct = next(row for row in quotes if row["quote_id"] == "q2")
    assert quotes.features["type"].int2str(direct["type"]) == "direct"
    assert direct["speaker_kind"] == "named" and direct["speaker_entity"]["text"] == "حيدر اللامي"
    assert direct["cue"]["text"] == "أشار" and direct["speaker_mention"]["sentence_id"] != direct["sentence_id"]
    labels = {row["stance_id"]: (row["target"], stance.features["label"].int2str(row["label"]), row["holder"]) for row in stance}
    assert labels == {
        "s1": ("us_iraq_strategic_partnership", "AGAINST", "حيدر اللامي"),
        "s2": ("us_coalition_presence_iraq", "NONE", None),
    }
    for row in stance:
        assert row["sentence"][row["evidence"]["start"] : row["evidence"]["end"]] == row["text"]
