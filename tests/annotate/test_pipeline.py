"""The pipeline as a spaCy pipeline: save, load, same output; the silver layer contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

import qawl.annotate.pipeline  # noqa: F401  (registers the factories for spacy.load)
from qawl.annotate import ANNOTATOR_VERSION, PROVENANCE, preannotate
from qawl.annotate.pipeline import build_pipeline, run, to_layer
from qawl.schema import Schemas
from qawl.segment import split_sentences, tokenize_document

REPO = Path(__file__).resolve().parents[2]
TEXT = (
    "وقال وزير الخارجية الأردني أيمن العلي، في مؤتمر صحافي أمس الأحد، إن \"عمّان لن تقبل بالتهجير\".\n"
    "وأشار إلى أن الاتصالات مع الحكومة المصرية مستمرة، مضيفاً أن القمة ستعقد في القاهرة."
)


def layer_of(nlp: spacy.language.Language) -> dict:
    return to_layer(run(nlp, "doc", TEXT), "doc", "0" * 64, "1.0.0", PROVENANCE)


def test_to_disk_and_spacy_load_round_trip(tmp_path: Path) -> None:
    gold = tmp_path / "annotations"
    gold.mkdir()
    (gold / "g.json").write_text(
        json.dumps({"doc_id": "g", "entities": [{"text": "أيمن العلي", "label": "PERSON", "provenance": {"status": "gold"}}]}),
        encoding="utf-8",
    )
    nlp = build_pipeline(gold)
    assert nlp.pipe_names == ["qawl_entities", "qawl_quotes", "qawl_stance"]
    nlp.to_disk(tmp_path / "model")
    loaded = spacy.load(tmp_path / "model")
    assert loaded.pipe_names == nlp.pipe_names
    assert loaded.get_pipe("qawl_entities").gold.entries() == nlp.get_pipe("qawl_entities").gold.entries()
    assert layer_of(loaded) == layer_of(nlp)
    # The tokenizer customisation survives the round trip too.
    assert [t.text for t in loaded.make_doc('لـ"المدن".')] == [t.text for t in nlp.make_doc('لـ"المدن".')]


def test_preannotate_is_schema_valid_deterministic_and_silver() -> None:
    layer = preannotate("doc", TEXT, "0" * 64)
    assert Schemas(REPO / "schema").problems("annotation", layer, "doc") == []
    assert preannotate("doc", TEXT, "0" * 64) == layer
    sentences = [(s.start, s.end) for s in split_sentences("doc", TEXT)]
    for kind, items in (("e", layer["entities"]), ("q", layer["quotes"]), ("s", layer["stance"])):
        assert [item["id"] for item in items] == [f"{kind}{n}" for n in range(1, len(items) + 1)]
        for item in items:
            assert item["provenance"]["source"] == f"auto:qawl-preannotator@{ANNOTATOR_VERSION}"
            assert item["provenance"]["status"] == "silver"
    for e in layer["entities"]:
        assert TEXT[e["start"] : e["end"]] == e["text"]
    for q in layer["quotes"]:
        c = q["content"]
        assert any(a <= c["start"] and c["end"] <= b for a, b in sentences)
    ends = [(e["start"], e["end"]) for e in layer["entities"]]
    assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:]))  # flat, in order


def test_stance_records_cover_every_quote_and_target() -> None:
    layer = preannotate("doc", TEXT, "0" * 64)
    targets = json.loads((REPO / "annotations" / "targets.json").read_text(encoding="utf-8"))["targets"]
    assert len(layer["stance"]) == len(layer["quotes"]) * len(targets)
    assert {s["label"] for s in layer["stance"]} <= {"FAVOR", "AGAINST", "NONE"}


def test_results_are_on_the_doc_extensions() -> None:
    nlp = build_pipeline(None)
    doc = run(nlp, "doc", TEXT)
    layer = to_layer(doc, "doc", "0" * 64, "1.0.0", PROVENANCE)
    assert doc._.qawl_doc_id == "doc"
    assert [(m.start, m.end, m.label) for m in doc._.qawl_entities] == [
        (e["start"], e["end"], e["label"]) for e in layer["entities"]
    ]
    assert [(q.content.start, q.content.end) for q in doc._.qawl_quotes] == [
        (q["content"]["start"], q["content"]["end"]) for q in layer["quotes"]
    ]
    assert len(doc._.qawl_quotes) >= 2
    assert doc._.qawl_stance == []  # no target inventory, no stance


def test_a_document_tokenized_for_its_rows_is_annotated_as_it_is() -> None:
    doc, _ = tokenize_document(TEXT, split_sentences("doc", TEXT))
    assert preannotate("doc", TEXT, "0" * 64, doc) == preannotate("doc", TEXT, "0" * 64)
    other = TEXT + " وأضاف أن الاجتماع انتهى."
    wrong, _ = tokenize_document(other, split_sentences("doc", other))
    with pytest.raises(ValueError, match="not this text"):
        preannotate("doc", TEXT, "0" * 64, wrong)
