"""Property-based tests (hypothesis) on arbitrary Arabic-heavy text: segmentation covers the
document exactly, spans round-trip through document and sentence offsets, Parquet round-trips
rows unchanged, and UTF-16 offsets convert exactly.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from qawl import segment
from qawl.annotate import preannotate
from qawl.build import encode_documents, process_document
from qawl.ingest import UNKNOWN_METADATA, Document
from qawl.merge import build_rows, check_layer
from qawl.publish import CONFIGS, ShardWriter, config_arrow_schemas
from qawl.review.offsets import OffsetMap  # no optional dependency: a broken import fails the module, never skips it
from qawl.schema import Schemas
from qawl.segment import split_sentences, tokenize
from qawl.validate import read_rows
from tests.conftest import REPO

EXAMPLES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ARABIC_WORDS = ["ب. م", "ب.", "د.", "قال", "الوزير", "إنّ", "الحكومة", "بغداد", "الـ", "جـــديد", "وَقَالَ", "لـ", "هـ", "د", "م", "٣١", "3.5", "ﷺ", "ﻻ"]
PUNCTUATION = list(".؟?!…،,؛:") + list("«»“”„\"'()") + ["\u200c", "\u200d", "\u200f", "\u202b", "\u202c", "\u061c", "\ufeff"]
ODD = ["👍🏽", "𝐀", "🇮🇶", "<p>", "&amp;", "&nbsp;", "\u00a0", "\t", "\u2028", "\u0651"]

arabic_heavy = st.lists(
    st.one_of(
        st.sampled_from(ARABIC_WORDS),
        st.sampled_from(PUNCTUATION),
        st.sampled_from(ODD),
        st.sampled_from([" ", " ", " ", "\n", "\n\n", "  "]),
        st.text(st.characters(min_codepoint=0x0600, max_codepoint=0x06FF), min_size=1, max_size=6),
        st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"), max_size=3),
    ),
    max_size=80,
).map("".join)


def document_of(text: str, doc_id: str = "prop") -> Document:
    return Document(doc_id, text, hashlib.sha256(text.encode()).hexdigest(), f"seeds/{doc_id}.txt", dict(UNKNOWN_METADATA))


@EXAMPLES
@given(arabic_heavy)
def test_sentences_cover_the_document_exactly(text: str) -> None:
    sentences = split_sentences("prop", text)
    position = 0
    for n, sentence in enumerate(sentences):
        assert sentence.index == n
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text and not sentence.text[0].isspace() and not sentence.text[-1].isspace()
        gap = text[position : sentence.start]
        assert gap.strip() == "", f"text between sentences is lost: {gap!r}"
        position = sentence.end
    assert text[position:].strip() == ""
    assert len({s.sentence_id for s in sentences}) == len(sentences)


@EXAMPLES
@given(arabic_heavy)
def test_bisected_quotation_lookup_agrees_with_the_linear_scan(line: str) -> None:
    line = line.replace("\n", " ")
    regions = segment.quoted_regions(line)
    outer = segment._outermost(regions)
    for position in range(len(line)):
        assert segment._inside(position, outer) == any(a < position < b for a, b in regions)


@EXAMPLES
@given(arabic_heavy)
def test_the_pre_annotator_finds_the_same_with_the_build_s_sentences_as_in_the_text_alone(text: str) -> None:
    """The build hands it the sentences it cut for the rows: no second segmentation."""
    sentences = [(s.start, s.end) for s in split_sentences("prop", text)]
    assert preannotate("prop", text, "0" * 64, sentences) == preannotate("prop", text, "0" * 64)


@EXAMPLES
@given(arabic_heavy, st.data())
def test_every_span_round_trips_through_document_and_sentence_offsets(text: str, data: st.DataObject) -> None:
    document = document_of(text)
    sentences = split_sentences(document.doc_id, text)
    tokens = tokenize(s.text for s in sentences)
    entities = []
    for sentence, sentence_tokens in zip(sentences, tokens):
        chosen = data.draw(st.lists(st.sampled_from(sentence_tokens), unique_by=lambda t: t["start"], max_size=3)) if sentence_tokens else []
        for token in sorted(chosen, key=lambda t: t["start"]):  # tokens never overlap: a flat layer
            start = sentence.start + token["start"]
            entities.append({"id": f"e{len(entities)}", "start": start, "end": start + len(token["text"]), "text": token["text"], "label": "ORG",
                             "provenance": {"source": "manual", "status": "gold", "annotator": "h", "time": "2026-01-01T00:00:00Z"}})
    layer = {"schema_version": "1.0.0", "doc_id": document.doc_id, "sha256": document.sha256, "entities": entities, "quotes": [], "stance": []}
    assert check_layer(layer, document, sentences, set(), "prop.json") == []
    rows = build_rows(document, sentences, tokens, layer, "gold")
    published = [(row, e) for row in rows for e in row["entities"]]
    assert len(published) == len(entities)
    by_id = {e["id"]: e for e in entities}
    for row, entity in published:
        assert row["text"][entity["start"] : entity["end"]] == entity["text"]
        original = by_id[entity["id"]]
        assert (row["start"] + entity["start"], row["start"] + entity["end"]) == (original["start"], original["end"])
        assert text[original["start"] : original["end"]] == entity["text"]
    for row in rows:
        for token in row["tokens"]:
            assert row["text"][token["start"] : token["end"]] == token["text"]


@pytest.fixture(scope="module")
def schemas() -> Schemas:
    return Schemas(REPO / "schema")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(arabic_heavy.filter(lambda t: t.strip() != ""), min_size=1, max_size=4, unique_by=str.strip))
def test_parquet_round_trips_rows_unchanged(schemas: Schemas, tmp_path_factory: pytest.TempPathFactory, texts: list[str]) -> None:
    out = tmp_path_factory.mktemp("parquet")
    writer = ShardWriter(out, config_arrow_schemas(schemas, "1.0.0"), "train", 0, "1.0.0")
    written: dict[str, list[dict]] = {config.name: [] for config in CONFIGS}
    results = [(f"doc{n}", process_document(document_of(text, f"doc{n}"), None, "", frozenset(), None), None) for n, text in enumerate(texts)]
    for (_, result, _), output in zip(results, encode_documents(results, schemas, {})):  # encoded together, sliced per document
        assert output.problems == []  # every record was validated against its schema
        writer.add_document(output.tables)
        for config in CONFIGS:
            written[config.name] += config.derive(result.document_row, result.rows)
    files = writer.close()
    for entry in files:
        schema = next(c.schema for c in CONFIGS if c.name == entry["config"])
        read = list(read_rows(out / entry["path"], schemas, schema))
        assert read == written[entry["config"]], entry["path"]


@EXAMPLES
@given(arabic_heavy)
def test_utf16_offsets_convert_exactly(text: str) -> None:
    mapping = OffsetMap(text, "utf16")
    encoded = text.encode("utf-16-le")
    assert mapping.length() == len(encoded) // 2
    for i in range(len(text) + 1):
        unit = mapping.to_tool(i)
        assert unit == len(text[:i].encode("utf-16-le")) // 2
        assert mapping.from_tool(unit) == i
        assert encoded[: unit * 2].decode("utf-16-le") == text[:i]
    for unit in range(len(encoded) // 2 + 1):
        back = mapping.from_tool(unit)
        splits_pair = 0 < unit < len(encoded) // 2 and 0xDC00 <= int.from_bytes(encoded[unit * 2 : unit * 2 + 2], "little") <= 0xDFFF
        assert (back is None) == splits_pair
