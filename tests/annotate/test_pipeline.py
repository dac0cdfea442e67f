"""The pipeline as a spaCy pipeline: save, load, same output; the silver layer contract."""

from __future__ import annotations

import json
import random
from pathlib import Path

import spacy

import qawl.annotate.pipeline  # noqa: F401  (registers the factories for spacy.load)
from qawl.annotate import ANNOTATOR_VERSION, PROVENANCE, preannotate
from qawl.annotate.pipeline import annotate, build_pipeline, learned_by, learned_from, name_forms, to_layer
from qawl.annotate.text import split_words
from qawl.schema import Schemas
from qawl.segment import split_sentences

REPO = Path(__file__).resolve().parents[2]
TEXT = (
    "وقال وزير الخارجية الأردني أيمن العلي، في مؤتمر صحافي أمس الأحد، إن \"عمّان لن تقبل بالتهجير\".\n"
    "وأشار إلى أن الاتصالات مع الحكومة المصرية مستمرة، مضيفاً أن القمة ستعقد في القاهرة."
)


def layer_of(nlp: spacy.language.Language) -> dict:
    return to_layer(annotate(nlp, "doc", TEXT), "doc", "0" * 64, "1.0.0", PROVENANCE)


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
    assert learned_by(loaded) == learned_by(nlp) == learned_from(gold)  # what the build's cache keys on
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


def test_nlp_puts_on_the_doc_extensions_what_annotate_finds_in_the_text() -> None:
    """A user of the spaCy pipeline gets what `preannotate` publishes, on a tokenized Doc."""
    nlp = build_pipeline(REPO / "annotations")
    doc = nlp(TEXT)
    found = annotate(nlp, "", TEXT)
    assert len(doc) == len(nlp.tokenizer(TEXT)) > 20
    assert doc._.qawl_entities == found.entities
    assert [(TEXT[m.start : m.end], m.label) for m in found.entities][:2] == [("الأردني", "NORP"), ("أيمن العلي", "PERSON")]
    assert [(q.content.start, q.content.end) for q in doc._.qawl_quotes] == [(q.content.start, q.content.end) for q in found.quotes]
    assert len(found.quotes) >= 2
    assert doc._.qawl_stance == found.stance and len(found.stance) == len(found.quotes) * len(nlp.get_pipe("qawl_stance").targets)
    assert build_pipeline(None)(TEXT)._.qawl_stance == []  # no target inventory, no stance


def test_sentences_already_cut_are_those_the_pre_annotator_cuts() -> None:
    sentences = [(s.start, s.end) for s in split_sentences("doc", TEXT)]
    assert len(sentences) == 2
    assert preannotate("doc", TEXT, "0" * 64, sentences) == preannotate("doc", TEXT, "0" * 64)


def test_a_gold_name_changes_a_silver_layer_only_if_its_first_word_is_among_the_document_s_name_forms(tmp_path: Path) -> None:
    """What the build's cache relies on: names that `Learned.names_in` does not see leave the layer as it is."""
    text = next((REPO / "seeds").glob("*.txt")).read_text(encoding="utf-8")
    words = split_words(text).texts
    elsewhere = split_words(TEXT).texts
    rng = random.Random(11)

    def layer_and_names(names: list[tuple[str, str]], directory: Path) -> tuple[dict, str]:
        directory.mkdir()
        entities = [{"text": name, "label": label, "provenance": {"status": "gold"}} for name, label in names]
        (directory / "other.json").write_text(json.dumps({"doc_id": "other", "entities": entities}, ensure_ascii=False), encoding="utf-8")
        found = annotate(build_pipeline(directory), "doc", text)
        return to_layer(found, "doc", "0" * 64, "1.0.0", PROVENANCE), learned_from(directory).names_in(name_forms(text))

    base, base_names = layer_and_names([], tmp_path / "none")
    unseen, changed = 0, 0
    for trial in range(24):
        source = words if trial % 2 else elsewhere  # names of the document, or of another text
        start = rng.randrange(len(source) - 3)
        name = " ".join(source[start : start + rng.randint(1, 3)])
        if rng.random() < 0.5 and name[0] in "وبل" and len(name.split()[0]) > 4:
            name = name[1:]  # found in the document only without its proclitic: "والعراق" for "العراق"
        layer, names = layer_and_names([(name, rng.choice(["PERSON", "ORG", "GPE"]))], tmp_path / f"trial-{trial}")
        if names == base_names:
            assert layer == base, name
            unseen += 1
        changed += layer != base
    assert unseen and changed  # names it cannot contain were tried, and names that did change it


def test_a_document_depends_on_the_gold_names_whose_words_it_has(tmp_path: Path) -> None:
    forms = name_forms(TEXT)

    def names_in(*names: str) -> str:
        directory = tmp_path / str(len(list(tmp_path.iterdir())))
        directory.mkdir()
        entities = [{"text": name, "label": "ORG", "provenance": {"status": "gold"}} for name in names]
        (directory / "other.json").write_text(json.dumps({"doc_id": "other", "entities": entities}, ensure_ascii=False), encoding="utf-8")
        return learned_from(directory).names_in(forms)

    none = names_in()
    assert names_in("وزير الخارجية") != none
    assert names_in("التهجير") != none  # as "بالتهجير": a proclitic on the first word
    assert names_in("وزير المالية") == none  # its first word is in the text, not the other
    assert names_in("الحكومة الأردنية") == none
    assert names_in("وزير المالية", "الحكومة الأردنية", "وزير الخارجية") == names_in("وزير الخارجية")
