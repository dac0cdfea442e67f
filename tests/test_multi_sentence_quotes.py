"""Quotations over several sentences, discontinuous quotations and nested attribution (issue 26, /XQUOTE format):
the layer's `content` across sentences, `parts` and `source`, their checks, and the rows a user reads."""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
from typing import Any

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from qawl.card import document_statistics
from qawl.ingest import Document
from qawl.merge import build_rows, check_layer, read_layer
from qawl.publish import file_sha256
from qawl.schema import Schemas
from qawl.segment import split_sentences, tokenize
from qawl.tasks import derive_attributions, derive_quotes
from qawl.validate import check_sentence_rows
from tests.conftest import REPO, invoke_qawl

PROVENANCE = {"source": "manual", "status": "gold", "annotator": "tester", "time": "2026-01-01T00:00:00Z"}
DOC_ID = "m1"
# An indirect quotation over three sentences and two paragraphs; a direct one interrupted by its cue and speaker;
# the minister reporting what the ambassador told him (a quote nested in another).
TEXT = (
    "قال الوزير أحمد خالد إن الوضع صعب. الحل بعيد.\n\n"
    "المفاوضات متوقفة.\n\n"
    "«المفاوضات مستمرة»، وأضاف خالد، «والاتفاق قريب».\n\n"
    "وقال خالد إن السفير أبلغه أن الحرب انتهت.\n"
)
SHA256 = hashlib.sha256(TEXT.encode()).hexdigest()


def _span(part: str, occurrence: int = 0) -> dict[str, Any]:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(part, start + 1)
    return {"start": start, "end": start + len(part), "text": part}


def _between(first: str, last: str) -> dict[str, Any]:
    """The span from the start of `first` to the end of `last` (both first occurrences)."""
    start, end = TEXT.index(first), TEXT.index(last) + len(last)
    return {"start": start, "end": end, "text": TEXT[start:end]}


def _quote(id_: str, type_: str, content: dict[str, Any], cue: str, speaker: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"id": id_, "type": type_, "content": content, "cue": _span(cue), "speaker": speaker, "outlet": None, "provenance": PROVENANCE, **extra}


def _minister(occurrence: int) -> dict[str, Any]:
    mention = _span("أحمد خالد") if occurrence == 0 else _span("خالد", occurrence)
    return {"kind": "named", "mention": mention, "entity": f"e{occurrence + 1}", "chain": "c1"}


def layer() -> dict[str, Any]:
    return {
        "schema_version": "2.0.0",
        "doc_id": DOC_ID,
        "sha256": SHA256,
        "entities": [
            {"id": "e1", **_span("أحمد خالد"), "label": "PERSON", "provenance": PROVENANCE},
            {"id": "e2", **_span("خالد", 1), "label": "PERSON", "provenance": PROVENANCE},
            {"id": "e3", **_span("خالد", 2), "label": "PERSON", "provenance": PROVENANCE},
        ],
        "chains": [{"id": "c1", "name": "أحمد خالد", "entities": ["e1", "e2", "e3"], "provenance": PROVENANCE}],
        "quotes": [
            _quote("q1", "indirect", _between("الوضع صعب", "المفاوضات متوقفة"), "قال", _minister(0)),
            _quote("q2", "direct", _between("المفاوضات مستمرة", "والاتفاق قريب"), "وأضاف", _minister(1),
                   parts=[_span("المفاوضات مستمرة"), _span("والاتفاق قريب")]),
            _quote("q3", "indirect", _between("السفير", "الحرب انتهت"), "وقال", _minister(2)),
            _quote("q4", "indirect", _span("الحرب انتهت"), "أبلغه", {"kind": "anonymous", "mention": _span("السفير"), "entity": None}, source="q3"),
        ],
        "stance": [
            {"id": "s1", "target": "syrian_refugee_return", "label": "NONE", "holder": {"kind": "speaker", "quote": "q1"},
             "evidence": {"quote": "q1", "span": None}, "provenance": PROVENANCE},
        ],
    }


def _document() -> tuple[Document, list]:
    return Document(DOC_ID, TEXT, SHA256, f"seeds/{DOC_ID}.txt"), split_sentences(DOC_ID, TEXT)


def _problems(edited: dict[str, Any]) -> list[str]:
    document, sentences = _document()
    return [str(p) for p in check_layer(edited, document, sentences, {"syrian_refugee_return"}, "a.json")]


def _rows(edited: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    document, sentences = _document()
    tokens = tokenize(s.text for s in sentences)
    return build_rows(document, sentences, tokens, edited or layer(), "gold")


def test_the_sentences_of_the_text_are_those_the_quotes_run_over() -> None:
    assert [s.text for s in _document()[1]] == [
        "قال الوزير أحمد خالد إن الوضع صعب.", "الحل بعيد.", "المفاوضات متوقفة.",
        "«المفاوضات مستمرة»، وأضاف خالد، «والاتفاق قريب».", "وقال خالد إن السفير أبلغه أن الحرب انتهت.",
    ]


def test_a_quote_over_three_sentences_a_discontinuous_one_and_a_nested_one_are_a_sound_layer() -> None:
    assert _problems(layer()) == []


def test_a_quote_over_three_sentences_is_a_piece_in_each_with_its_document_offsets() -> None:
    rows = _rows()
    whole = _between("الوضع صعب", "المفاوضات متوقفة")
    pieces = [(row["index"], q["content"]["text"], [p["text"] for p in q["parts"]], q["document_content"]) for row in rows for q in row["quotes"] if q["id"] == "q1"]
    assert pieces == [
        (0, "الوضع صعب.", ["الوضع صعب."], whole), (1, "الحل بعيد.", ["الحل بعيد."], whole), (2, "المفاوضات متوقفة", ["المفاوضات متوقفة"], whole),
    ]
    assert whole["text"] == "الوضع صعب. الحل بعيد.\n\nالمفاوضات متوقفة"
    assert rows[0]["quotes"][0]["content"] == {"start": 24, "end": 34, "text": "الوضع صعب."}
    # the stance whose evidence is the quote sits in its first sentence, with the quote's piece there as evidence
    assert [(row["index"], s["evidence"]) for row in rows for s in row["stance"]] == [(0, {"start": 24, "end": 34, "text": "الوضع صعب."})]


def test_a_discontinuous_quote_is_one_piece_with_its_parts_and_the_cue_in_the_gap() -> None:
    row = _rows()[3]
    (quote,) = row["quotes"]
    assert (quote["id"], quote["content"]["text"], [p["text"] for p in quote["parts"]]) == (
        "q2", "المفاوضات مستمرة»، وأضاف خالد، «والاتفاق قريب", ["المفاوضات مستمرة", "والاتفاق قريب"],
    )
    assert [row["text"][p["start"] : p["end"]] for p in quote["parts"]] == ["المفاوضات مستمرة", "والاتفاق قريب"]
    assert (quote["cue"]["text"], quote["speaker"]["mention"]["text"], quote["source_quote_id"]) == ("وأضاف", "خالد", None)


def test_a_nested_quote_names_its_source_and_both_are_in_the_sentence() -> None:
    quotes = _rows()[4]["quotes"]
    assert [(q["id"], q["content"]["text"], q["source_quote_id"]) for q in quotes] == [
        ("q3", "السفير أبلغه أن الحرب انتهت", None), ("q4", "الحرب انتهت", "q3"),
    ]


def test_the_quotes_config_has_one_row_per_quote_with_its_pieces_and_attributions_count_each_quote_once() -> None:
    rows = _rows()
    document = {"doc_id": DOC_ID}
    quotes = derive_quotes(document, rows)
    assert [(q["quote_id"], q["sentence_id"], q["content"]["text"], [(p["sentence_id"], p["text"]) for p in q["pieces"]], q["source_quote_id"]) for q in quotes] == [
        ("q1", rows[0]["sentence_id"], "الوضع صعب.", [(rows[0]["sentence_id"], "الوضع صعب."), (rows[1]["sentence_id"], "الحل بعيد."), (rows[2]["sentence_id"], "المفاوضات متوقفة")], None),
        ("q2", rows[3]["sentence_id"], "المفاوضات مستمرة»، وأضاف خالد، «والاتفاق قريب", [(rows[3]["sentence_id"], "المفاوضات مستمرة"), (rows[3]["sentence_id"], "والاتفاق قريب")], None),
        ("q3", rows[4]["sentence_id"], "السفير أبلغه أن الحرب انتهت", [(rows[4]["sentence_id"], "السفير أبلغه أن الحرب انتهت")], None),
        ("q4", rows[4]["sentence_id"], "الحرب انتهت", [(rows[4]["sentence_id"], "الحرب انتهت")], "q3"),
    ]
    assert quotes[0]["document_content"] == _between("الوضع صعب", "المفاوضات متوقفة")
    (minister,) = derive_attributions(document, rows)
    assert (minister["quotes"], minister["direct"], minister["indirect"], minister["quote_ids"]) == (3, 1, 2, ["m1/q1", "m1/q2", "m1/q3"])


def _edit_q2_parts(*parts: str | dict[str, Any]):
    def edit(edited: dict[str, Any]) -> None:
        edited["quotes"][1]["parts"] = [_span(part) if isinstance(part, str) else part for part in parts]
    return edit


OPENING = _span("المفاوضات", 1)  # the first word of q2


def _set(path: tuple[Any, ...], value: Any):
    def edit(edited: dict[str, Any]) -> None:
        node = edited
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return edit


def _cycle(edited: dict[str, Any]) -> None:
    """q5 reports the same words as q4 (the ambassador's), and each is the other's source."""
    edited["quotes"].append(_quote("q5", "indirect", _span("الحرب انتهت"), "أبلغه", {"kind": "unknown", "mention": None, "entity": None}, source="q4"))
    edited["quotes"][3]["source"] = "q5"


def _wrong_part_text(edited: dict[str, Any]) -> None:
    edited["quotes"][1]["parts"][1]["text"] = "والاتفاق بعيد"


# Where each part is (code points) in TEXT: the discontinuous quote q2 is at [67, 112).
MESSAGES = {
    "a part out of order": (
        _edit_q2_parts(OPENING, "والاتفاق", "مستمرة", "قريب"),
        "a.json: /quotes/1/parts/2: part [77, 83) comes before part 1 [99, 107): parts are in text order",
    ),
    "overlapping parts": (
        _edit_q2_parts("المفاوضات مستمرة", "مستمرة", "والاتفاق قريب"),
        "a.json: /quotes/1/parts/1: part [77, 83) overlaps part 0 [67, 83)",
    ),
    "adjacent parts": (
        _edit_q2_parts(OPENING, " مستمرة", "والاتفاق قريب"),
        "a.json: /quotes/1/parts/1: part [76, 83) touches part 0 with no gap between them: join them "
        "(parts are for a quotation interrupted by the author's words)",
    ),
    "a first part after the content's start": (
        _edit_q2_parts("مستمرة", "والاتفاق قريب"),
        "a.json: /quotes/1/parts/0: the first part starts at 77, the content at 67: the parts cover the content from its first character to its last",
    ),
    "a last part before the content's end": (
        _edit_q2_parts("المفاوضات مستمرة", "والاتفاق"),
        "a.json: /quotes/1/parts/1: the last part ends at 107, the content at 112: the parts cover the content from its first character to its last",
    ),
    "a part whose text is not the document's": (
        _wrong_part_text,
        "a.json: /quotes/1/parts/1: span text 'والاتفاق بعيد' does not match the text at [99, 112): 'والاتفاق قريب'",
    ),
    "a cue on a part": (
        _edit_q2_parts("المفاوضات مستمرة»، وأضاف", "والاتفاق قريب"),
        "a.json: /quotes/1/cue: 'وأضاف' overlaps part 0 'المفاوضات مستمرة»، وأضاف': the author's words sit in a gap between parts, never on one",
    ),
    "a speaker mention on a part": (
        _edit_q2_parts("المفاوضات مستمرة", "خالد، «والاتفاق قريب"),
        "a.json: /quotes/1/speaker/mention: 'خالد' overlaps part 1 'خالد، «والاتفاق قريب': the author's words sit in a gap between parts, never on one",
    ),
    "an outlet on a part": (
        _set(("quotes", 1, "outlet"), _span("والاتفاق")),
        "a.json: /quotes/1/outlet: 'والاتفاق' overlaps part 1 'والاتفاق قريب': the author's words sit in a gap between parts, never on one",
    ),
    "a part that is a space": (
        _edit_q2_parts(OPENING, {"start": _span("وأضاف")["end"], "end": _span("وأضاف")["end"] + 1, "text": " "}, "والاتفاق قريب"),
        "a.json: /quotes/1/parts/1: part ' ' is whitespace only: it quotes no word",
    ),
    "a quote of the space between two paragraphs, which no sentence row would hold": (
        _set(("quotes", 0, "content"), _span("\n\n")),
        "a.json: /quotes/0/content: quote q1 '\\n\\n' is whitespace only: it quotes no word",
    ),
    "a source that does not exist": (
        _set(("quotes", 3, "source"), "q9"),
        "a.json: /quotes/3/source: refers to quote 'q9', which does not exist",
    ),
    "a quote that is its own source": (
        _set(("quotes", 3, "source"), "q4"),
        "a.json: /quotes/3/source: quote q4 is its own source",
    ),
    "a source that does not contain the quote": (
        _set(("quotes", 2, "source"), "q1"),
        "a.json: /quotes/2/source: the content [129, 156) is not inside the content of its source q1 [24, 63): a nested quote is reported inside the outer quote",
    ),
    "sources in a cycle": (
        _cycle,
        "a.json: /quotes/3/source: the sources make a cycle: q4 → q5 → q4; a quote is not its own source through others",
    ),
}


@pytest.mark.parametrize("case", list(MESSAGES))
def test_check_layer_refuses_a_bad_discontinuous_or_nested_quote_with_its_place(case: str) -> None:
    edit, message = MESSAGES[case]
    edited = layer()
    edit(edited)
    assert _problems(edited) == [message]


@pytest.fixture
def quote_corpus(make_project, build_once):
    """A project of the one article TEXT with its gold layer, built."""
    project = make_project(seeds={f"{DOC_ID}.txt": TEXT.encode()}, with_seed=False)
    shutil.copy(REPO / "annotations" / "targets.json", project.annotations / "targets.json")
    (project.annotations / f"{DOC_ID}.json").write_text(json.dumps(layer(), ensure_ascii=False), encoding="utf-8")
    build_once(project)
    return project


def _loaded(project, config: str) -> datasets.Dataset:
    (split,) = datasets.load_dataset(str(project.corpus), config).values()  # the gold document's split
    return split


def test_datasets_loads_one_quotes_row_per_quote_with_its_document_offsets_pieces_and_source(quote_corpus) -> None:
    sentences, quotes, attributions = (_loaded(quote_corpus, config) for config in ("sentences", "quotes", "attributions"))
    ids = sentences["sentence_id"]
    assert [[q["id"] for q in row["quotes"]] for row in sentences] == [["q1"], ["q1"], ["q1"], ["q2"], ["q3", "q4"]]
    assert [(q["quote_id"], q["sentence_id"], q["document_content"], q["pieces"], q["source_quote_id"]) for q in quotes] == [
        ("q1", ids[0], {"start": 24, "end": 63, "text": "الوضع صعب. الحل بعيد.\n\nالمفاوضات متوقفة"}, [
            {"sentence_id": ids[0], "start": 24, "end": 34, "text": "الوضع صعب."},
            {"sentence_id": ids[1], "start": 0, "end": 10, "text": "الحل بعيد."},
            {"sentence_id": ids[2], "start": 0, "end": 16, "text": "المفاوضات متوقفة"},
        ], None),
        ("q2", ids[3], {"start": 67, "end": 112, "text": "المفاوضات مستمرة»، وأضاف خالد، «والاتفاق قريب"}, [
            {"sentence_id": ids[3], "start": 1, "end": 17, "text": "المفاوضات مستمرة"},
            {"sentence_id": ids[3], "start": 33, "end": 46, "text": "والاتفاق قريب"},
        ], None),
        ("q3", ids[4], {"start": 129, "end": 156, "text": "السفير أبلغه أن الحرب انتهت"}, [
            {"sentence_id": ids[4], "start": 13, "end": 40, "text": "السفير أبلغه أن الحرب انتهت"},
        ], None),
        ("q4", ids[4], {"start": 145, "end": 156, "text": "الحرب انتهت"}, [
            {"sentence_id": ids[4], "start": 29, "end": 40, "text": "الحرب انتهت"},
        ], "q3"),
    ]
    assert [(row["chain"], row["quotes"], row["direct"], row["indirect"]) for row in attributions] == [("c1", 3, 1, 2)]
    assert invoke_qawl("validate", "corpus", cwd=quote_corpus.root).returncode == 0


def _rewrite_sentences(project, change) -> str:
    """Apply `change` to every sentence row of the built corpus and re-seal the manifest, as a hostile edit would;
    the file's path relative to the project."""
    manifest_path = project.corpus / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    entry = next(e for e in manifest["files"] if e["config"] == "sentences" and e["rows"])
    path = project.corpus / entry["path"]
    table = pq.read_table(path)
    rows = table.to_pylist()
    for row in rows:
        change(row)
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)
    entry["sha256"] = file_sha256(path)
    manifest_path.write_text(json.dumps(manifest))
    return path.relative_to(project.root).as_posix()


def _validate_errors(project) -> list[str]:
    result = invoke_qawl("validate", "corpus", cwd=project.root)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def test_validate_refuses_one_piece_of_a_quote_given_another_speaker_even_with_a_fixed_up_manifest(quote_corpus) -> None:
    def change(row):
        if row["index"] == 1:  # q1's second piece
            row["quotes"][0]["speaker"]["kind"] = "anonymous"

    path = _rewrite_sentences(quote_corpus, change)
    first = _loaded(quote_corpus, "sentences")["sentence_id"][0]
    assert _validate_errors(quote_corpus) == [
        f"error: {path}: row 1 /quotes/0/speaker: quote 'q1' has another speaker than its piece in sentence {first}: every piece of a quote repeats the same",
    ]


def test_validate_refuses_a_document_content_that_is_not_the_document_s_text_even_with_a_fixed_up_manifest(quote_corpus) -> None:
    def change(row):
        for quote in row["quotes"]:
            if quote["id"] == "q3":
                quote["document_content"]["text"] = "الصحفي أبلغه أن الحرب انتهت"

    path = _rewrite_sentences(quote_corpus, change)
    last = _loaded(quote_corpus, "sentences")["sentence_id"][4]
    assert _validate_errors(quote_corpus) == [
        f"error: {path}: sentence {last} /quotes/0/document_content: span text 'الصحفي أبلغه أن الحرب انتهت' does not match the text at [129, 156): 'السفير أبلغه أن الحرب انتهت'",
        f"error: {path.replace('sentences', 'quotes')}: row 2 /document_content: {{'start': 129, 'end': 156, 'text': 'السفير أبلغه أن الحرب انتهت'}} "
        "is not what the sentences give: {'start': 129, 'end': 156, 'text': 'الصحفي أبلغه أن الحرب انتهت'}",
    ]


def test_qawl_build_lists_every_problem_of_the_parts_and_sources_of_a_gold_layer_and_publishes_nothing(make_project) -> None:
    project = make_project(seeds={f"{DOC_ID}.txt": TEXT.encode()}, with_seed=False)
    shutil.copy(REPO / "annotations" / "targets.json", project.annotations / "targets.json")
    edited = layer()
    _edit_q2_parts("المفاوضات مستمرة»، وأضاف", "والاتفاق قريب")(edited)
    _cycle(edited)
    path = project.annotations / f"{DOC_ID}.json"
    path.write_text(json.dumps(edited, ensure_ascii=False), encoding="utf-8")
    result = invoke_qawl("build", cwd=project.root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert not project.corpus.exists()
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == [
        f"error: {path}: /quotes/1/cue: 'وأضاف' overlaps part 0 'المفاوضات مستمرة»، وأضاف': the author's words sit in a gap between parts, never on one",
        f"error: {path}: /quotes/3/source: the sources make a cycle: q4 → q5 → q4; a quote is not its own source through others",
    ]


def test_the_jsonl_export_of_quotes_gives_one_line_per_quote_with_its_pieces(quote_corpus, tmp_path) -> None:
    """`qawl export jsonl --config quotes`: the quotation over three sentences is one line; CoNLL and spaCy export `ner` only."""
    out = tmp_path / "quotes.jsonl"
    result = invoke_qawl("export", "jsonl", "--config", "quotes", "--out", str(out), cwd=quote_corpus.root)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(line["quote_id"], line["type"], [piece["text"] for piece in line["pieces"]]) for line in lines] == [
        ("q1", "indirect", ["الوضع صعب.", "الحل بعيد.", "المفاوضات متوقفة"]),
        ("q2", "direct", ["المفاوضات مستمرة", "والاتفاق قريب"]),
        ("q3", "indirect", ["السفير أبلغه أن الحرب انتهت"]),
        ("q4", "indirect", ["الحرب انتهت"]),
    ]


def test_check_sentence_rows_refuses_pieces_whose_parts_are_not_the_quote_s_and_ids_repeated_in_one_row() -> None:
    rows = _rows()
    assert check_sentence_rows(list(enumerate(rows)), "s.parquet") == []
    q1_second = rows[1]["quotes"][0]
    q1_second["document_content"] = {**q1_second["document_content"], "end": 40, "text": q1_second["document_content"]["text"][:16]}
    q2 = rows[3]["quotes"][0]
    q2["parts"] = q2["parts"][::-1]
    rows[4]["quotes"].append(rows[4]["quotes"][1])  # q4 twice in its sentence
    assert [str(p) for p in check_sentence_rows(list(enumerate(rows)), "s.parquet")] == [
        "s.parquet: row 1 /quotes/0/parts/0: part 'الحل بعيد.' is not inside the quotation's document_content [24, 40)",
        f"s.parquet: row 1 /quotes/0/document_content: quote 'q1' has another document_content than its piece in sentence {rows[0]['sentence_id']}: every piece of a quote repeats the same",
        "s.parquet: row 3 /quotes/0/parts: the parts are not the quote's content in this sentence: in text order, apart, from its start to its end",
        "s.parquet: row 4 /quotes/2/id: annotation id 'q4' used twice in m1",
    ]


def test_the_card_counts_a_quote_over_several_sentences_once() -> None:
    document = {"status": "gold", "publisher": "p", "license": "l", "duplicate_group": None}
    statistics = document_statistics(document, _rows())
    assert (statistics["quote_types"], statistics["speaker_kinds"]) == ([["indirect", 3], ["direct", 1]], [["named", 3], ["anonymous", 1]])


def test_a_discontinuous_quote_of_one_part_is_refused_by_the_schema(tmp_path) -> None:
    edited = layer()
    edited["quotes"][1]["parts"] = edited["quotes"][1]["parts"][:1]
    path = tmp_path / f"{DOC_ID}.json"
    path.write_text(json.dumps(edited, ensure_ascii=False), encoding="utf-8")
    kept, problems = read_layer(path, Schemas(REPO / "schema"))
    assert kept is None
    assert [str(p) for p in problems] == [f"{path}: /quotes/1/parts: [{{'start': 67, 'end': 83, 'text': 'المفاوضات مستمرة'}}] is too short"]
    edited["quotes"][1]["parts"], edited["quotes"][3]["source"] = None, None  # null: continuous, not nested
    path.write_text(json.dumps(edited, ensure_ascii=False), encoding="utf-8")
    assert read_layer(path, Schemas(REPO / "schema"))[1] == []


def test_check_sentence_rows_refuses_a_quote_whose_last_piece_was_removed() -> None:
    rows = _rows()
    rows[2]["quotes"] = []  # q1's piece in its third sentence
    assert [str(p) for p in check_sentence_rows(list(enumerate(rows)), "s.parquet")] == [
        "s.parquet: row 1 /quotes/0: the pieces of quote 'q1' run over [24, 45) of the document, its document_content over [24, 63): a piece is missing or cut",
    ]
