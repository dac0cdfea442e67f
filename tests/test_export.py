"""qawl export: CoNLL-2003 IOB2, a spaCy DocBin that `spacy train` accepts, and JSON lines."""

from __future__ import annotations

import json
import subprocess
import sys

import datasets
import pytest
from spacy.tokens import DocBin
from spacy.training.corpus import walk_corpus

from qawl import export, segment
from qawl.export import export_spacy
from qawl.segment import blank_arabic, vocabulary_size
from tests.conftest import invoke_qawl
from tests.layers import annotated  # noqa: F401  (fixture)


def _conll_sentences(path):
    """Sentences of a CoNLL file as lists of (token, tag), and the number of -DOCSTART- lines."""
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    starts = sum(block.strip() == "-DOCSTART- O" for block in blocks)
    sentences = [[tuple(line.split(" ")) for line in block.splitlines()] for block in blocks if block.strip() and block.strip() != "-DOCSTART- O"]
    return sentences, starts


def _entity_tags(sentences):
    """The tagged tokens of each sentence that has any (O left out), in file order."""
    return [tagged for tagged in ([(token, tag) for token, tag in sentence if tag != "O"] for sentence in sentences) if tagged]


# The seed's gold layer (tests/layers.py) as IOB2, in text order: a multi-word entity is B- then I-.
SEED_ENTITY_TAGS = [
    # "بين بغداد وواشنطن، توصّلت الحكومة العراقية": واشنطن is tagged on its host token وواشنطن, never cut from its و
    [("بغداد", "B-GPE"), ("وواشنطن", "B-GPE"), ("الحكومة", "B-ORG"), ("العراقية", "I-ORG")],
    [("العربي", "B-ORG"), ("الجديد", "I-ORG")],
    [("قاسم", "B-PERSON"), ("الأعرجي", "I-PERSON")],
    [("حيدر", "B-PERSON"), ("اللامي", "I-PERSON")],
]


def test_conll_export_is_the_ner_config_line_by_line(annotated, tmp_path) -> None:
    out = tmp_path / "qawl.conll"
    result = invoke_qawl("export", "conll", "--out", str(out), cwd=annotated.root)
    assert result.returncode == 0, result.stderr
    sentences, starts = _conll_sentences(out)
    ner = datasets.load_dataset(str(annotated.corpus), "ner")
    names = next(iter(ner.values())).features["ner_tags"].feature.names
    expected = [list(zip(row["tokens"], (names[t] for t in row["ner_tags"]))) for split in ner.values() for row in split]
    assert sentences == expected
    assert _entity_tags(sentences) == SEED_ENTITY_TAGS
    assert starts == len({row["doc_id"] for split in ner.values() for row in split})
    assert out.read_text(encoding="utf-8").startswith("-DOCSTART- O\n\n")
    assert all(len(pair) == 2 for sentence in sentences for pair in sentence)


def test_conll_tagset_maps_each_tag_of_the_ner_config(annotated, tmp_path) -> None:
    ontonotes, conll = tmp_path / "qawl.conll", tmp_path / "qawl4.conll"
    assert invoke_qawl("export", "conll", "--out", str(ontonotes), cwd=annotated.root).returncode == 0
    assert invoke_qawl("export", "conll", "--tagset", "conll", "--out", str(conll), cwd=annotated.root).returncode == 0
    to_conll = {"PERSON": "PER", "GPE": "LOC", "ORG": "ORG"}  # schema/conll_label_map.json, for the labels the seed has
    mapped = [[(token, "O" if tag == "O" else tag[:2] + to_conll[tag[2:]]) for token, tag in sentence] for sentence in _conll_sentences(ontonotes)[0]]
    assert _conll_sentences(conll)[0] == mapped
    assert _entity_tags(mapped) == [
        [("بغداد", "B-LOC"), ("وواشنطن", "B-LOC"), ("الحكومة", "B-ORG"), ("العراقية", "I-ORG")],
        [("العربي", "B-ORG"), ("الجديد", "I-ORG")],
        [("قاسم", "B-PER"), ("الأعرجي", "I-PER")],
        [("حيدر", "B-PER"), ("اللامي", "I-PER")],
    ]


def test_spacy_docbin_has_every_gold_entity_on_the_published_tokens(annotated, tmp_path) -> None:
    out = tmp_path / "train.spacy"
    assert invoke_qawl("export", "spacy", "--out", str(out), cwd=annotated.root).returncode == 0
    docs = list(DocBin().from_disk(out).get_docs(blank_arabic().vocab))
    sentences = next(iter(datasets.load_dataset(str(annotated.corpus), "sentences").values()))
    labels = sentences.features["entities"].feature["label"].names
    assert len(docs) == sentences.num_rows
    by_id = {row["sentence_id"]: row for row in sentences}
    for doc in docs:
        sentence = by_id[doc.user_data["sentence_id"]]
        assert doc.text == sentence["text"] and [t.text for t in doc if not t.is_space] == [t["text"] for t in sentence["tokens"]]
        expanded = [doc.char_span(e["start"], e["end"], label=labels[e["label"]], alignment_mode="expand") for e in sentence["entities"]]
        assert [(e.start, e.end, e.label_) for e in doc.ents] == [(e.start, e.end, e.label_) for e in expanded]  # every one, none lost
    assert ("وواشنطن", "GPE") in [(e.text, e.label_) for doc in docs for e in doc.ents]


def _spacy_docs(path) -> list[tuple]:
    """What a .spacy file, or a directory of them as `spacy train` reads it, holds: per doc, its words, entities and ids."""
    files = walk_corpus(path, ".spacy")
    docs = [doc for file in files for doc in DocBin().from_disk(file).get_docs(blank_arabic().vocab)]
    return [([t.text for t in doc], [(e.start, e.end, e.label_) for e in doc.ents], doc.user_data["sentence_id"]) for doc in docs]


def test_spacy_export_to_a_directory_writes_the_same_docs_in_files_as_they_fill(annotated, tmp_path, monkeypatch) -> None:
    whole = tmp_path / "all.spacy"
    assert export_spacy(annotated, whole) > 5
    monkeypatch.setattr(export, "SENTENCES_PER_SPACY_FILE", 3)
    written: list[int] = []
    to_disk = DocBin.to_disk
    monkeypatch.setattr(DocBin, "to_disk", lambda docs, path: written.append(len(docs)) or to_disk(docs, path))
    parts = tmp_path / "parts"
    count = export_spacy(annotated, parts)
    assert sorted(p.name for p in parts.iterdir())[:2] == ["part-00000.spacy", "part-00001.spacy"]
    assert written[:-1] == [3] * (len(written) - 1) and 0 < written[-1] <= 3 and sum(written) == count  # none held past 3
    assert _spacy_docs(parts) == _spacy_docs(whole)


def test_spacy_export_starts_a_new_vocabulary_past_the_limit_with_the_same_docs(annotated, tmp_path, monkeypatch) -> None:
    """A long export does not keep every word form of the corpus: its vocabulary starts afresh, the docs stay the same."""
    as_usual = tmp_path / "usual.spacy"
    export_spacy(annotated, as_usual)
    monkeypatch.setattr(segment, "VOCABULARY_LIMIT", 1)  # afresh after every doc
    before = blank_arabic()
    afresh = tmp_path / "afresh.spacy"
    export_spacy(annotated, afresh)
    assert blank_arabic() is not before and vocabulary_size() < len(before.vocab)
    assert _spacy_docs(afresh) == _spacy_docs(as_usual)


def test_spacy_export_to_a_directory_through_the_cli(annotated, tmp_path) -> None:
    out = tmp_path / "train"
    done = invoke_qawl("export", "spacy", "--out", str(out), cwd=annotated.root)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in out.iterdir()] == ["part-00000.spacy"]
    assert _spacy_docs(out) == _spacy_docs(out / "part-00000.spacy") and len(_spacy_docs(out)) > 5
    again = invoke_qawl("export", "spacy", "--out", str(out), cwd=annotated.root)  # stale files would be read with new ones
    assert again.returncode == 1 and f"{out}: not an empty directory" in again.stderr
    assert [p.name for p in out.iterdir()] == ["part-00000.spacy"]


def test_an_export_that_cannot_be_written_says_where_and_why(annotated, tmp_path) -> None:
    (tmp_path / "folder.spacy").mkdir()
    for command, out, why in [
        (["conll"], tmp_path / "missing" / "qawl.conll", "No such file or directory"),
        (["spacy"], tmp_path / "folder.spacy", "Is a directory"),
        (["jsonl", "--config", "quotes"], tmp_path / "missing" / "quotes.jsonl", "No such file or directory"),
    ]:
        done = invoke_qawl("export", *command, "--out", str(out), cwd=annotated.root)
        assert done.returncode == 1 and f"Error: {out}: {why}" in done.stderr and "Traceback" not in done.stderr, done.stderr


@pytest.mark.slow
def test_spacy_train_runs_on_the_export(annotated, tmp_path) -> None:
    data = tmp_path / "qawl"  # a directory of .spacy files, as a large corpus is exported
    assert invoke_qawl("export", "spacy", "--out", str(data), cwd=annotated.root).returncode == 0
    config = tmp_path / "ner.cfg"
    spacy_cli = [sys.executable, "-m", "spacy"]
    init = subprocess.run([*spacy_cli, "init", "config", str(config), "--lang", "ar", "--pipeline", "ner", "--optimize", "efficiency"], capture_output=True, text=True)
    assert init.returncode == 0, init.stderr
    train = subprocess.run(
        [
            *spacy_cli, "train", str(config), "--output", str(tmp_path / "model"),
            "--paths.train", str(data), "--paths.dev", str(data),
            "--training.max_steps", "6", "--training.eval_frequency", "3",
            # train on the exported tokens (the published ones), not on a re-tokenisation of the text by spaCy's own rules
            "--corpora.train.gold_preproc", "true", "--corpora.dev.gold_preproc", "true",
        ],
        capture_output=True, text=True, timeout=600,
    )
    assert train.returncode == 0, train.stdout + train.stderr
    model = tmp_path / "model" / "model-last"
    meta = json.loads((model / "meta.json").read_text())
    assert meta["lang"] == "ar" and {"GPE", "ORG", "PERSON"} <= set(meta["labels"]["ner"])
    scores = tmp_path / "scores.json"
    evaluate = subprocess.run([*spacy_cli, "evaluate", str(model), str(data), "--gold-preproc", "--output", str(scores)], capture_output=True, text=True, timeout=600)
    assert evaluate.returncode == 0, evaluate.stdout + evaluate.stderr
    assert {"ents_p", "ents_r", "ents_f", "ents_per_type"} <= set(json.loads(scores.read_text()))
    debug = subprocess.run(
        [*spacy_cli, "debug", "data", str(config), "--paths.train", str(data), "--paths.dev", str(data),
         "--corpora.train.gold_preproc", "true", "--corpora.dev.gold_preproc", "true"],
        capture_output=True, text=True, timeout=600,
    )
    assert "misaligned" not in debug.stdout and "0 missing value(s) (tokens with '-' label)" in debug.stdout, debug.stdout


def test_jsonl_export_has_label_names_and_splits(annotated, tmp_path) -> None:
    out = tmp_path / "stance.jsonl"
    assert invoke_qawl("export", "jsonl", "--config", "stance", "--out", str(out), cwd=annotated.root).returncode == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 2 and {row["label"] for row in rows} == {"AGAINST", "NONE"}
    assert all(row["split"] in ("train", "validation", "test") for row in rows)


def test_export_without_a_built_corpus_says_what_to_do(make_project, tmp_path) -> None:
    project = make_project()
    result = invoke_qawl("export", "conll", "--out", str(tmp_path / "x.conll"), cwd=project.root)
    assert result.returncode == 1 and "qawl build" in result.stderr


def test_a_spacy_doc_keeps_whitespace_between_tokens_as_spacy_does_and_an_entity_across_it() -> None:
    text = "قال  حيدر\tاللامي إن"  # two spaces, then a tab inside the entity
    starts, ends = [0, 5, 10, 17], [3, 9, 16, 19]
    row = {"text": text, "token_starts": starts, "token_ends": ends, "tokens": [text[a:b] for a, b in zip(starts, ends)],
           "ner_tags": ["O", "B-PERSON", "I-PERSON", "O"], "sentence_id": "d-1", "doc_id": "d"}
    doc = export.ner_doc(row)
    assert doc.text == text and [t.text for t in doc] == ["قال", " ", "حيدر", "\t", "اللامي", "إن"]
    assert [(e.text, e.label_) for e in doc.ents] == [("حيدر\tاللامي", "PERSON")]
    expanded = doc.char_span(5, 16, label="PERSON", alignment_mode="expand")
    assert (doc.ents[0].start, doc.ents[0].end) == (expanded.start, expanded.end) == (2, 5)
