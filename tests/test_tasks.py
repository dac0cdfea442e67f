"""Task configs: ner (IOB2 on the text's tokens, entities tagged on their host tokens), quotes and stance, loaded with datasets and scored with seqeval."""

from __future__ import annotations

import re

import datasets
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.metrics import classification_report, precision_score, recall_score
from seqeval.scheme import Entities, IOB2

from qawl.schema import Schemas
from qawl.tasks import iob2_tags, project_entities
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


def test_an_entity_after_a_proclitic_tags_its_whole_host_token() -> None:
    row = _row("بين بغداد وواشنطن،", ["بين", "بغداد", "وواشنطن", "،"], [("بغداد", "GPE"), ("واشنطن", "GPE")])
    assert project_entities(row) == (["O", "B-GPE", "B-GPE", "O"], ["e1"], [])  # no lone و: the tokens are the text's


def test_a_boundary_inside_a_token_never_cuts_it_and_multiword_entities_get_inside_tags() -> None:
    row = _row("قال للتحالف الدولي إن", ["قال", "للتحالف", "الدولي", "إن"], [("لتحالف الدولي", "ORG")])
    assert project_entities(row) == (["O", "B-ORG", "I-ORG", "O"], ["e0"], [])


def test_a_token_two_entities_overlap_goes_to_the_first_and_the_second_takes_the_next() -> None:
    row = _row("أ بغدادوواشنطن العاصمة", ["أ", "بغدادوواشنطن", "العاصمة"], [("بغداد", "GPE"), ("واشنطن العاصمة", "GPE")])
    assert project_entities(row) == (["O", "B-GPE", "B-GPE"], ["e0", "e1"], [])
    alone = _row("أ بغدادوواشنطن", ["أ", "بغدادوواشنطن"], [("بغداد", "GPE"), ("واشنطن", "GPE")])
    assert project_entities(alone) == (["O", "B-GPE"], ["e0", "e1"], ["e1"])  # no token left for واشنطن: counted, on the card


def test_an_entity_that_covers_no_token_is_an_error_not_a_silent_drop() -> None:
    row = _row("أ ب", ["أ", "ب"], [])
    row["entities"] = [{"id": "e9", "start": 1, "end": 2, "text": " ", "label": "GPE"}]
    with pytest.raises(ValueError, match="e9"):
        project_entities(row)


def _reference_projection(row: dict) -> tuple[list[str], list[str], list[str]]:
    """`project_entities` the obvious way: each entity, in text order, tags the tokens it overlaps that no earlier one tagged."""
    tags, inside, held = ["O"] * len(row["tokens"]), [], []
    for entity in sorted(row["entities"], key=lambda e: e["start"]):
        overlapped = [i for i, t in enumerate(row["tokens"]) if t["start"] < entity["end"] and entity["start"] < t["end"]]
        if not overlapped:
            raise ValueError(f"{row['sentence_id']}: entity {entity['id']} {entity['text']!r} covers no token")
        first, last = row["tokens"][overlapped[0]], row["tokens"][overlapped[-1]]
        if first["start"] < entity["start"] or last["end"] > entity["end"]:
            inside.append(entity["id"])
        free = [i for i in overlapped if tags[i] == "O"]
        if not free:
            held.append(entity["id"])
        for n, i in enumerate(free):
            tags[i] = f"{'I' if n else 'B'}-{entity['label']}"
    return tags, inside, held


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
def test_project_entities_is_the_reference_tagging(row: dict) -> None:
    try:
        expected = _reference_projection(row)
    except ValueError as error:
        with pytest.raises(ValueError, match=re.escape(str(error))):
            project_entities(row)
    else:
        assert project_entities(row) == expected


@pytest.mark.parametrize(("config", "schema"), [("ner", "ner"), ("quotes", "quote"), ("stance", "stance"), ("attributions", "attribution")])
def test_task_configs_load_with_their_typed_features(annotated, config: str, schema: str) -> None:
    loaded = datasets.load_dataset(str(annotated.corpus), config)
    features = Schemas(annotated.schema_dir).features(schema)
    assert loaded and all(split.features == features for split in loaded.values())


def _tagged_spans(tags: list[str], starts: list[int], ends: list[int]) -> list[tuple[str, int, int]]:
    """(label, start, end) of each B- run of IOB2 `tags` on tokens at `starts`/`ends`."""
    spans: list[tuple[str, int, int]] = []
    for tag, start, end in zip(tags, starts, ends):
        if tag.startswith("B-"):
            spans.append((tag[2:], start, end))
        elif tag.startswith("I-"):
            assert spans and spans[-1][0] == tag[2:]
            spans[-1] = (tag[2:], spans[-1][1], end)
    return spans


def test_ner_tags_are_every_gold_entity_on_the_tokens_it_overlaps(annotated) -> None:
    sentences = datasets.load_dataset(str(annotated.corpus), "sentences")
    ner = datasets.load_dataset(str(annotated.corpus), "ner")
    for split in ner:
        names = ner[split].features["ner_tags"].feature.names
        entity_labels = sentences[split].features["entities"].feature["label"].names
        by_id = {row["sentence_id"]: row for row in sentences[split]}
        for row in ner[split]:
            assert row["id"] == row["sentence_id"] and len(row["tokens"]) == len(row["ner_tags"]) == len(row["token_starts"])
            spans = _tagged_spans([names[t] for t in row["ner_tags"]], row["token_starts"], row["token_ends"])
            hosts = [
                (entity_labels[e["label"]], max(a for a in row["token_starts"] if a <= e["start"]), min(b for b in row["token_ends"] if b >= e["end"]))
                for e in by_id[row["id"]]["entities"]
            ]
            assert spans == hosts
    all_tokens = [t for split in ner.values() for row in split for t in row["tokens"]]
    assert "وواشنطن" in all_tokens and "و" not in all_tokens  # the host token, not a proclitic cut off at the gold boundary


def test_seqeval_scores_the_ner_config(annotated) -> None:
    ner = datasets.load_dataset(str(annotated.corpus), "ner")
    rows = [row for split in ner.values() for row in split]
    names = next(iter(ner.values())).features["ner_tags"].feature.names
    gold = [[names[t] for t in row["ner_tags"]] for row in rows]
    # what seqeval reads in the published tags (strict IOB2): the six entities of the seed's gold layer, واشنطن on its host token
    found = [(e.tag, " ".join(rows[e.sent_id]["tokens"][e.start : e.end])) for sentence in Entities(gold, IOB2).entities for e in sentence]
    assert sorted(found) == [("GPE", "بغداد"), ("GPE", "وواشنطن"), ("ORG", "الحكومة العراقية"), ("ORG", "العربي الجديد"), ("PERSON", "حيدر اللامي"), ("PERSON", "قاسم الأعرجي")]
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
