"""qawl.export: what its mutants changed (scripts/mutation.py, docs/mutation.md), on a published corpus written by hand."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import click
import pyarrow.parquet as pq
import pytest
from spacy.tokens import DocBin

from qawl.export import EmptySplit, corpus_at, export_conll, export_jsonl, export_spacy, ner_doc, split_entries
from qawl.publish import file_sha256
from qawl.schema import Schemas
from qawl.segment import blank_arabic
from tests.conftest import REPO, run_qawl


def _ner_row(doc_id: str, n: int, words: list[str], tags: list[str]) -> dict[str, Any]:
    starts = [sum(len(w) + 1 for w in words[:i]) for i in range(len(words))]
    return {"id": f"{doc_id}-{n}", "sentence_id": f"{doc_id}-{n}", "doc_id": doc_id, "status": "gold", "text": " ".join(words),
            "tokens": words, "token_starts": starts, "token_ends": [s + len(w) for s, w in zip(starts, words)], "ner_tags": tags}


ROWS = {
    "train": [
        _ner_row("a", 0, ["زار", "قاسم", "الأعرجي", "بغداد"], ["O", "B-PERSON", "I-PERSON", "B-GPE"]),
        _ner_row("a", 1, ["أمس", "الجمعة"], ["B-DATE", "I-DATE"]),
        _ner_row("b", 0, ["قالت", "الحكومة", "العراقية"], ["O", "B-ORG", "I-ORG"]),
    ],
    "test": [_ner_row("c", 0, ["مليشيا", "النجباء"], ["O", "B-ORG"])],
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A corpus/ on its own: schemas, `ner` shards of train and test (test listed first), an empty validation shard."""
    root = tmp_path / "corpus"
    shutil.copytree(REPO / "schema", root / "schema")
    schemas = Schemas(root / "schema")
    files = []
    for split, rows in (("test", ROWS["test"]), ("validation", []), ("train", ROWS["train"])):
        path = root / "ner" / f"{split}-00000.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(schemas.encode_records("ner", rows), path)
        files.append({"config": "ner", "split": split, "path": f"ner/{split}-00000.parquet", "rows": len(rows), "sha256": file_sha256(path)})
    (root / "manifest.json").write_text(json.dumps({"files": files}), encoding="utf-8")
    return root


def test_conll_export_of_every_split_in_order_with_a_docstart_per_document(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.conll"
    assert export_conll(corpus_at(corpus), out) == 4
    assert out.read_text(encoding="utf-8") == (
        "-DOCSTART- O\n\nزار O\nقاسم B-PERSON\nالأعرجي I-PERSON\nبغداد B-GPE\n\nأمس B-DATE\nالجمعة I-DATE\n\n"
        "-DOCSTART- O\n\nقالت O\nالحكومة B-ORG\nالعراقية I-ORG\n\n"
        "-DOCSTART- O\n\nمليشيا O\nالنجباء B-ORG\n\n"
    )


def test_conll_tagset_keeps_b_and_i_and_tags_an_unmapped_class_o(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "train.conll"
    assert export_conll(corpus_at(corpus), out, "train", tagset="conll") == 3
    assert out.read_text(encoding="utf-8") == (
        "-DOCSTART- O\n\nزار O\nقاسم B-PER\nالأعرجي I-PER\nبغداد B-LOC\n\nأمس O\nالجمعة O\n\n"
        "-DOCSTART- O\n\nقالت O\nالحكومة B-ORG\nالعراقية I-ORG\n\n"
    )


def test_jsonl_export_of_a_split_has_its_rows_with_label_names_and_the_split(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "test.jsonl"
    assert export_jsonl(corpus_at(corpus), out, "ner", "test") == 1
    assert [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] == [{"split": "test", **ROWS["test"][0]}]


def test_an_empty_split_is_named_with_why_it_is_empty(corpus: Path) -> None:
    assert [entry["split"] for entry in split_entries(corpus, "ner")] == ["train", "validation", "test"]
    with pytest.raises(EmptySplit) as empty:
        split_entries(corpus, "ner", "validation")
    assert str(empty.value.problem) == (
        f"{corpus / 'manifest.json'}: split validation is empty: no human-reviewed (gold) document is in it yet: "
        "validation and test hold gold documents only; config 'ner', see README.md for what each split holds"
    )
    with pytest.raises(EmptySplit) as empty:
        split_entries(corpus, "ner", "silver")
    assert str(empty.value.problem).endswith("split silver is empty: it has no rows; config 'ner', see README.md for what each split holds")


def test_a_directory_that_is_not_a_corpus_carrying_its_schemas_is_refused(corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(click.ClickException) as refused:
        corpus_at(tmp_path)
    assert refused.value.message == f"{tmp_path}: no manifest.json: not a qawl corpus directory (the one `qawl build` writes)"
    shutil.rmtree(corpus / "schema")
    with pytest.raises(click.ClickException) as refused:
        corpus_at(corpus)
    assert refused.value.message == (
        f"{corpus}: no schema/ beside the data: it was built before corpora carried their schemas; export it inside its project"
    )


def test_a_space_then_a_tab_between_tokens_is_the_token_s_trailing_space_then_a_tab_token() -> None:
    text = "قال \tالوزير  \tإن"
    starts, ends = [0, 5, 14], [3, 11, 16]
    row = {"text": text, "token_starts": starts, "token_ends": ends, "tokens": [text[a:b] for a, b in zip(starts, ends)],
           "ner_tags": ["O", "B-PERSON", "O"], "sentence_id": "d-1", "doc_id": "d"}
    doc = ner_doc(row)
    assert doc.text == text
    assert [(t.text, t.whitespace_) for t in doc] == [("قال", " "), ("\t", ""), ("الوزير", " "), (" \t", ""), ("إن", "")]


def test_a_spacy_export_into_an_empty_directory_that_exists_writes_its_files_there(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "spacy"
    out.mkdir()
    assert export_spacy(corpus_at(corpus), out, "train") == 3
    assert [path.name for path in out.iterdir()] == ["part-00000.spacy"]
    docs = list(DocBin().from_disk(out / "part-00000.spacy").get_docs(blank_arabic().vocab))
    assert [[(e.text, e.label_) for e in doc.ents] for doc in docs] == [
        [("قاسم الأعرجي", "PERSON"), ("بغداد", "GPE")], [("أمس الجمعة", "DATE")], [("الحكومة العراقية", "ORG")],
    ]


def test_jsonl_export_counts_every_row_it_writes(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "train.jsonl"
    assert export_jsonl(corpus_at(corpus), out, "ner", "train") == 3
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["a-0", "a-1", "b-0"]


def test_the_cli_exports_the_corpus_given_by_corpus_outside_any_project(corpus: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = run_qawl("export", "conll", "--corpus", str(corpus), "--split", "test", "--out", "test.conll", cwd=elsewhere)
    assert (done.returncode, done.stdout.strip()) == (0, "wrote 1 sentence(s) to test.conll")
    assert (elsewhere / "test.conll").read_text(encoding="utf-8") == "-DOCSTART- O\n\nمليشيا O\nالنجباء B-ORG\n\n"
