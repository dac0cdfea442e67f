"""qawl.validate: what its mutants changed (scripts/mutation.py, docs/mutation.md), pinned on rows written by hand."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from qawl.project import Project
from qawl.publish import file_sha256
from qawl.schema import Schemas
from qawl.validate import ShardReport, _document_order_problems, _shard_order_problems, _manifest_version_problems, annotation_files, check_sentence_rows, validate_annotation_files, validate_corpus
from tests.conftest import REPO, SEED_ID
from tests.test_multi_sentence_quotes import _rows

FIRST = "قال الوزير إن الوضع صعب."
SECOND = "وزار بيروت أمس."


def _span(text: str, part: str, sentence_id: str | None = None) -> dict[str, Any]:
    start = text.index(part)
    span = {"start": start, "end": start + len(part), "text": part}
    return span if sentence_id is None else {"sentence_id": sentence_id, **span}


def _row(sentence_id: str, doc_id: str, start: int, text: str, **layers: list[dict[str, Any]]) -> dict[str, Any]:
    tokens = [_span(text, word) for word in text.rstrip(".").split(" ")]
    layers["entities"] = [{"chain": None, **entity} for entity in layers.get("entities", [])]
    return {"sentence_id": sentence_id, "doc_id": doc_id, "start": start, "end": start + len(text), "text": text,
            "tokens": tokens, "quotes": [], "stance": [], **layers}


def _quote(quote_id: str, content: dict[str, Any], cue: dict[str, Any] | None, mention: dict[str, Any] | None,
           entity: dict[str, Any] | None, outlet: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": quote_id, "type": "indirect", "content": content, "parts": [content], "document_content": content, "source_quote_id": None,
            "cue": cue, "outlet": outlet, "provenance": None,
            "speaker": {"kind": "named" if entity else "anonymous", "mention": mention, "entity": entity, "chain": None}}


def _stance(stance_id: str, evidence: dict[str, Any], evidence_quote: str | None, holder_quote: str | None) -> dict[str, Any]:
    return {"id": stance_id, "evidence": evidence, "evidence_quote_id": evidence_quote, "holder": {"quote_id": holder_quote}}


def test_sentence_rows_that_agree_with_each_other_have_no_problem() -> None:
    minister = {"id": "e1", **_span(FIRST, "الوزير")}
    rows = [
        _row("d-1", "d", 0, FIRST, entities=[minister],
             quotes=[_quote("q1", _span(FIRST, "الوضع صعب"), _span(FIRST, "قال", "d-1"), _span(FIRST, "الوزير", "d-1"),
                            {"id": "e1", "text": "الوزير"}, _span(SECOND, "بيروت", "d-2"))],
             stance=[_stance("s1", _span(FIRST, "الوضع صعب"), "q1", "q1")]),
        _row("d-2", "d", len(FIRST) + 1, SECOND, stance=[_stance("s2", _span(SECOND, "أمس"), None, "q1")]),
        _row("x-1", "x", 0, FIRST, entities=[{"id": "e1", **_span(FIRST, "الوزير")}]),  # e1 again, in another document
    ]
    assert check_sentence_rows(list(enumerate(rows)), "s.parquet") == []


def test_every_problem_across_sentence_rows_is_named_with_its_row_and_pointer() -> None:
    minister = {"id": "e1", **_span(FIRST, "الوزير")}
    wrong = {"start": 0, "end": 3, "text": "قول"}
    rows = [
        _row("d-1", "d", 0, FIRST, entities=[minister, {"id": "e2", **wrong}],
             quotes=[
                 _quote("q1", wrong, {"sentence_id": "d-9", **_span(FIRST, "قال")}, {"sentence_id": "x-1", **_span(FIRST, "الوزير")},
                        {"id": "e7", "text": "الوزير"}, {"sentence_id": "d-2", **wrong}),
                 _quote("q2", _span(FIRST, "الوضع صعب"), None, None, {"id": "e1", "text": "الوزيرة"}),
             ],
             stance=[_stance("s1", wrong, "q5", "q6"), _stance("e1", _span(FIRST, "صعب"), None, None)]),
        {**_row("d-2", "d", 100, SECOND), "end": 101},
        _row("d-2", "d", 200, SECOND),
        _row("x-1", "x", 0, FIRST),
    ]
    rows[1]["tokens"][0] = wrong
    assert [str(p) for p in check_sentence_rows(list(enumerate(rows)), "s.parquet")] == [
        "s.parquet: row 2 /sentence_id: duplicate sentence_id 'd-2'",
        "s.parquet: row 0 /entities/1: span text 'قول' does not match the text at [0, 3): 'قال'",
        "s.parquet: row 0 /stance/1/id: annotation id 'e1' used twice in d",
        "s.parquet: row 0 /quotes/0/content: span text 'قول' does not match the text at [0, 3): 'قال'",
        "s.parquet: row 0 /quotes/0/parts/0: span text 'قول' does not match the text at [0, 3): 'قال'",
        "s.parquet: row 0 /quotes/0/cue: refers to sentence 'd-9', not in this document",
        "s.parquet: row 0 /quotes/0/speaker/mention: refers to sentence 'x-1', not in this document",
        "s.parquet: row 0 /quotes/0/outlet: span text 'قول' does not match the text at [0, 3): 'وزا'",
        "s.parquet: row 0 /quotes/0/speaker/entity: speaker entity 'e7' does not resolve to an entity mention",
        "s.parquet: row 0 /quotes/1/speaker/entity: speaker entity 'e1' does not resolve to an entity mention",
        "s.parquet: row 0 /stance/0/evidence: span text 'قول' does not match the text at [0, 3): 'قال'",
        "s.parquet: row 0 /stance/0: refers to quote 'q5', which does not exist",
        "s.parquet: row 0 /stance/0: refers to quote 'q6', which does not exist",
        "s.parquet: row 1 /end: start/end do not span the sentence text",
        "s.parquet: row 1 /tokens/0: span text 'قول' does not match the text at [0, 3): 'وزا'",
    ]


def test_each_version_the_manifest_states_is_compared_with_the_schema_s() -> None:
    dataset = {"version": "1.2.0", "schema_version": "3"}
    assert _manifest_version_problems(dict(dataset), dataset, "m.json") == []
    assert [str(p) for p in _manifest_version_problems({"version": "1.1.0", "schema_version": "2"}, dataset, "m.json")] == [
        "m.json: /version: '1.1.0', but schema/dataset.json says '1.2.0': rebuild with qawl build",
        "m.json: /schema_version: '2', but schema/dataset.json says '3': rebuild with qawl build",
    ]


def _document(doc_id: str, pin: str | None = None, group: str | None = None) -> dict[str, Any]:
    return {"doc_id": doc_id, "duplicate_group": group, "status": "gold", "pinned_split": pin}


def test_documents_of_a_shard_are_checked_for_their_split_with_its_pin_and_for_their_order() -> None:
    shares = {"train": 80, "validation": 10, "test": 10}  # gold "a", "b", "e" hash to train, "f" to validation
    rows = [(0, _document("a")), (1, _document("e")), (2, _document("b")), (3, _document("f", pin="train")), (4, _document("c", group="f"))]
    assert [str(p) for p in _document_order_problems(rows, "train", shares, "documents/train-00000.parquet")] == [
        "documents/train-00000.parquet: row 2 /doc_id: document 'b' comes after 'e': the documents are out of order",
        "documents/train-00000.parquet: row 4 /doc_id: document 'c' belongs to split 'validation', not 'train'",
    ]


def test_annotation_files_are_the_layers_of_a_directory_not_its_target_inventory(tmp_path: Path) -> None:
    for name in ("b.json", "a.json", "targets.json", "notes.txt"):
        (tmp_path / name).write_text("{}")
    assert annotation_files(tmp_path) == [tmp_path / "a.json", tmp_path / "b.json"]


def test_a_layer_under_another_name_or_without_its_seed_is_named_with_its_file(make_project: Callable[..., Project]) -> None:
    project = make_project(with_annotations=True)
    layer = project.annotations / f"{SEED_ID}.json"
    renamed = layer.rename(project.annotations / "renamed.json")
    orphan = project.root / "orphan.json"
    orphan.write_text(renamed.read_text(encoding="utf-8").replace(SEED_ID, "no_such_seed"), encoding="utf-8")
    problems = validate_annotation_files([renamed, orphan], project, Schemas(project.schema_dir))
    assert [str(p) for p in problems] == [
        f"{renamed}: /doc_id: layer is for {SEED_ID!r}, not 'renamed': the build reads it only as annotations/{SEED_ID}.json",
        f"{orphan}: /doc_id: no seed article 'no_such_seed' in {project.seeds}",
    ]


def test_a_directory_without_a_readable_manifest_is_named_as_not_a_corpus(tmp_path: Path) -> None:
    schemas = Schemas(REPO / "schema")
    assert [str(p) for p in validate_corpus(tmp_path, schemas)] == [f"{tmp_path}: no manifest.json: not a qawl corpus (run qawl build)"]
    (tmp_path / "manifest.json").write_text('{"files": [\n,]}', encoding="utf-8")
    assert [str(p) for p in validate_corpus(tmp_path, schemas)] == [f"{tmp_path / 'manifest.json'}: line 2: invalid JSON: Expecting value"]


def test_validating_a_corpus_draws_no_progress_bar_when_stderr_is_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    validate_corpus(REPO / "corpus", Schemas(REPO / "schema"))  # the published corpus: its shards are checked
    assert capsys.readouterr().err == ""


def test_a_manifest_entry_outside_any_config_directory_is_a_missing_file_not_a_crash(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    entry = next(entry for entry in manifest["files"] if entry["config"] == "ner")
    entry["path"] = "ner-train-00000.parquet"
    (corpus / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    problems = [str(p) for p in validate_corpus(corpus, Schemas(REPO / "schema"))]
    assert f"{corpus / 'ner-train-00000.parquet'}: listed in manifest.json but missing" in problems
    assert f"{corpus / 'ner' / 'train-00000.parquet'}: not listed in manifest.json, nor a file qawl build writes beside the shards: remove it" in problems


def test_the_shards_are_checked_and_their_problems_listed_in_split_order_not_by_name(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    for entry in list(manifest["files"]):  # the train shard again as silver ("silver" sorts before "train" by name)
        copy = entry["path"].replace("/train-", "/silver-")
        shutil.copy(corpus / entry["path"], corpus / copy)
        manifest["files"].append({**entry, "path": copy, "split": "silver"})
        if entry["config"] == "ner":
            entry["sha256"] = "0" * 64
    (corpus / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    problems = [str(p) for p in validate_corpus(corpus, Schemas(REPO / "schema"))]
    changed = problems.index(f"{corpus / 'ner' / 'train-00000.parquet'}: sha256 differs from manifest.json: the file was changed after the build")
    misplaced = next(i for i, problem in enumerate(problems) if "silver-00000.parquet" in problem)
    assert changed < misplaced


def test_a_shard_whose_row_count_differs_from_the_manifest_is_named(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    entry = next(entry for entry in manifest["files"] if entry["config"] == "ner")
    entry["rows"] += 1
    (corpus / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    problems = [str(p) for p in validate_corpus(corpus, Schemas(REPO / "schema"))]
    assert f"{corpus / entry['path']}: {entry['rows'] - 1} rows, manifest.json says {entry['rows']}" in problems


def test_shards_of_a_split_follow_each_other_where_the_build_would_cut_them() -> None:
    def report(split: str, number: int, first: str, last: str, ends: bool) -> ShardReport:
        return ShardReport(split, f"corpus/documents/{split}-{number:05d}.parquet", first, last, ends, [])

    reports = [report("train", 0, "a", "c", False), report("train", 1, "d", "f", True), report("train", 2, "e", "g", True), report("silver", 0, "a", "b", True)]
    assert [str(p) for p in _shard_order_problems(reports)] == [
        "corpus/documents/train-00000.parquet: the build would not end a shard after its last document 'c'",
        "corpus/documents/train-00002.parquet: row 0 /doc_id: document 'e' comes after documents/train-00001.parquet's last: the shards are out of order",
    ]


def _copy_with(tmp_path: Path, **changes: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> Path:
    """The repository's corpus with each change applied to the rows of its config's shard and the manifest re-sealed
    (sha256 and row count), as a careless edit would: only a check of the rows themselves can tell."""
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    for config, change in changes.items():
        path = corpus / config / "train-00000.parquet"
        table = pq.read_table(path)
        rows = change(table.to_pylist())
        pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)
        entry = next(entry for entry in manifest["files"] if entry["path"] == f"{config}/train-00000.parquet")
        entry["sha256"], entry["rows"] = file_sha256(path), len(rows)
    (corpus / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return corpus


def _first_row(field: str, value: Any) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    def change(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rows[0][field] = value
        return rows

    return change


def test_a_task_shard_missing_a_row_is_told_how_many_rows_the_sentences_give_and_the_configs_after_it_are_still_compared(tmp_path: Path) -> None:
    corpus = _copy_with(tmp_path, quotes=lambda rows: rows[:-1], attributions=_first_row("direct", 3))
    problems = [str(p) for p in validate_corpus(corpus, Schemas(REPO / "schema"))]
    assert problems == [
        f"{corpus / 'quotes' / 'train-00000.parquet'}: 15 rows, but the sentences give 16",
        f"{corpus / 'attributions' / 'train-00000.parquet'}: row 0 /direct: 3 is not what the sentences give: 1",
    ]


def test_task_rows_failing_their_schema_are_not_also_compared_with_what_the_sentences_give(tmp_path: Path) -> None:
    corpus = _copy_with(tmp_path, quotes=_first_row("text", ""))
    problems = [str(p) for p in validate_corpus(corpus, Schemas(REPO / "schema"))]
    assert problems == [f"{corpus / 'quotes' / 'train-00000.parquet'}: row 0 /text: '' should be non-empty"]


def test_sentence_rows_with_a_problem_give_no_task_rows_to_compare_with(tmp_path: Path) -> None:
    def shift(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rows[0]["tokens"][2]["start"] += 1
        return rows

    corpus = _copy_with(tmp_path, sentences=shift)
    problems = [str(p) for p in validate_corpus(corpus, Schemas(REPO / "schema"))]
    assert problems == [f"{corpus / 'sentences' / 'train-00000.parquet'}: row 0 /tokens/2: span text 'العدّ' does not match the text at [8, 12): 'لعدّ'"]


def test_a_shard_whose_documents_cannot_be_read_is_not_compared_with_task_rows_derived_from_no_document(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    path = corpus / "documents" / "train-00000.parquet"
    path.write_bytes(b"not parquet")
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    next(entry for entry in manifest["files"] if entry["config"] == "documents")["sha256"] = file_sha256(path)
    (corpus / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    problems = [str(p) for p in validate_corpus(corpus, Schemas(REPO / "schema"))]
    assert problems == [f"{path}: not a readable Parquet file: Parquet magic bytes not found in footer. Either the file is corrupted or this is not a parquet file."]


def test_a_shard_whose_sentences_are_missing_is_not_compared_with_task_rows_derived_from_no_sentence(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    (corpus / "sentences" / "train-00000.parquet").unlink()
    problems = [str(p) for p in validate_corpus(corpus, Schemas(REPO / "schema"))]
    assert problems == [f"{corpus / 'sentences' / 'train-00000.parquet'}: listed in manifest.json but missing"]


def test_a_document_whose_sentence_rows_were_all_removed_is_told_its_task_rows_are_not_what_no_sentence_gives(tmp_path: Path) -> None:
    corpus = _copy_with(tmp_path, sentences=lambda rows: [])
    problems = [str(p) for p in validate_corpus(corpus, Schemas(REPO / "schema"))]
    assert problems == [
        f"{corpus / config / 'train-00000.parquet'}: {rows} rows, but the sentences give 0"
        for config, rows in [("ner", 12), ("quotes", 16), ("stance", 128), ("attributions", 4)]
    ]


# -- a quote's pieces in published sentence rows (`_piece_problems`), on the rows of tests/test_multi_sentence_quotes.py ------------------------

NOT_THE_CONTENT = "s.parquet: row 3 /quotes/0/parts: the parts are not the quote's content in this sentence: in text order, apart, from its start to its end"


def _discontinuous_piece_problems(*parts: dict[str, Any]) -> list[str]:
    """The problems of the published rows whose discontinuous quote q2 (row 3: «المفاوضات مستمرة»، وأضاف خالد، «والاتفاق قريب») has `parts`."""
    rows = _rows()
    rows[3]["quotes"][0]["parts"] = list(parts)
    return [str(p) for p in check_sentence_rows(list(enumerate(rows)), "s.parquet")]


def _local(start: int, end: int) -> dict[str, Any]:
    return {"start": start, "end": end, "text": "«المفاوضات مستمرة»، وأضاف خالد، «والاتفاق قريب»."[start:end]}


def test_a_piece_whose_first_part_has_the_wrong_text_is_told_so_when_its_second_part_is_right() -> None:
    assert _discontinuous_piece_problems({**_local(1, 17), "text": "المفاوضات متوقفة"}, _local(33, 46)) == [
        "s.parquet: row 3 /quotes/0/parts/0: span text 'المفاوضات متوقفة' does not match the text at [1, 17): 'المفاوضات مستمرة'"]


def test_a_piece_whose_parts_are_in_order_but_start_after_its_content_is_refused() -> None:
    assert _discontinuous_piece_problems(_local(2, 17), _local(33, 46)) == [NOT_THE_CONTENT]


def test_a_piece_whose_two_parts_touch_is_refused() -> None:
    assert _discontinuous_piece_problems(_local(1, 33), _local(33, 46)) == [NOT_THE_CONTENT]


def test_a_piece_with_an_empty_part_that_names_text_is_refused_three_ways() -> None:
    assert _discontinuous_piece_problems(_local(1, 17), {"start": 33, "end": 33, "text": "والاتفاق قريب"}) == [
        "s.parquet: row 3 /quotes/0/parts/1: offsets [33, 33) outside the text (length 48) or reversed",
        "s.parquet: row 3 /quotes/0/parts/1: part 'والاتفاق قريب' is not inside the quotation's document_content [67, 112)",
        NOT_THE_CONTENT,
    ]


def test_a_piece_with_another_type_and_speaker_than_the_quote_s_first_names_both() -> None:
    rows = _rows()
    piece = rows[1]["quotes"][0]  # q1's second piece
    piece["type"], piece["speaker"] = "direct", {**piece["speaker"], "kind": "anonymous"}
    assert [str(p) for p in check_sentence_rows(list(enumerate(rows)), "s.parquet")] == [
        f"s.parquet: row 1 /quotes/0/type: quote 'q1' has another type, speaker than its piece in sentence {rows[0]['sentence_id']}: "
        "every piece of a quote repeats the same"]
