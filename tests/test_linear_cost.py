"""Cost grows linearly with an article, whatever its content (no timed tests: operation counts).

The work of a stage is counted as the Python and C function calls it makes
(`sys.setprofile`), on the same text at two sizes: four times the text must
cost about four times the calls. A step that scans the sentence per quote or
per word (quotes × words) makes the count grow sixteen-fold.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Callable

import pytest

from qawl.annotate import preannotate, preannotator
from qawl.bench import LONG_ARTICLES, format_long_articles
from qawl.build import encode_documents, process_document
from qawl.ingest import UNKNOWN_METADATA, Document
from qawl.merge import read_targets
from qawl.project import Project
from qawl.publish import target_names
from qawl.schema import Schemas
from qawl.segment import MAX_SENTENCE_CHARS, split_sentences
from tests.conftest import REPO

QUOTE_DENSE = 'قال "نعم" و«لا» '  # the text: one quote and a guillemet quotation per unit, one sentence
LONG_CLAUSES = "قال الوزير إن الاتفاق قريب، "  # a cue, a named speaker and a complementizer per unit
NESTED_DENSE = "قال الوزير إن السفير أبلغ الوزارة أن الاتفاق قريب، "  # an outer quote and one nested in it per unit
ENTITY_DENSE = "وأكد وزير الخارجية فؤاد حسين، مؤكداً أن الحكومة العراقية ووزارة الدفاع الأميركية"  # 3 entities, 1 quote


def one_sentence(unit: str, repeats: int) -> str:
    return " ".join(unit.strip() for _ in range(repeats)) + "."


def calls(work: Callable[[], object]) -> int:
    """Function calls (Python and C) made while `work` runs."""
    count = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        work()
    finally:
        sys.setprofile(None)
    return count


def annotate(text: str) -> dict:
    sentences = split_sentences("d", text)
    return preannotate("d", text, "0" * 64, [(s.start, s.end) for s in sentences])


@pytest.mark.parametrize(
    ("unit", "found_per_unit"),
    [(QUOTE_DENSE, 1), (LONG_CLAUSES, 1), (ENTITY_DENSE, 4), (NESTED_DENSE, 2)],
    ids=["quote-dense", "long-clauses", "entity-dense", "nested-dense"],
)
def test_annotating_four_times_the_text_costs_four_times_the_calls(unit: str, found_per_unit: int) -> None:
    annotate(one_sentence(unit, 10))  # warm: the pipeline is built once, outside the counts
    small, large = one_sentence(unit, 400), one_sentence(unit, 1600)
    layer = annotate(large)
    # nearly every unit's quote and entities are found (not where a 2,000-character cut splits one): the work counted is the real work
    assert len(layer["quotes"]) + len(layer["entities"]) >= 0.99 * found_per_unit * 1600
    ratio = calls(lambda: annotate(large)) / calls(lambda: annotate(small))
    assert 3.5 < ratio < 4.6, f"4× the text made {ratio:.1f}× the calls"


@pytest.mark.parametrize(
    "said",
    ["«لن نتراجع عن مطالبنا».", "«نرفض الانسحاب ونطالب ببقاء القوات الأميركية ولا سلاح خارج الدولة»."],
    ids=["plain", "evaluative"],  # stance reads the whole quote: each predicate must look at its few neighbours, not every target word
)
def test_a_quotation_continued_over_four_times_the_sentences_costs_four_times_the_calls(said: str) -> None:
    # every sentence joins the one quote (guidelines §3.5.1): joining must not rescan the quote so far
    def text(sentences: int) -> str:
        return "قال الوزير: «الاتفاق قريب». " + " ".join(said + "\n" if n % 5 == 4 else said for n in range(sentences)).rstrip()

    annotate(text(10))
    small, large = text(400), text(1600)
    (quote,) = annotate(large)["quotes"]
    assert quote["content"]["end"] == len(large) - 2
    ratio = calls(lambda: annotate(large)) / calls(lambda: annotate(small))
    assert 3.5 < ratio < 4.6, f"4× the text made {ratio:.1f}× the calls"


def test_a_sentence_longer_than_the_limit_is_cut_after_a_clause_outside_quotations() -> None:
    line = one_sentence("وأضاف الوزير «إن الاتفاق، كما قال، قريب»، ثم", 400)  # 17,600 characters, one full stop
    sentences = split_sentences("d", line)
    assert " ".join(s.text for s in sentences) == line
    assert all(line[s.start : s.end] == s.text for s in sentences)
    assert all(MAX_SENTENCE_CHARS // 2 <= len(s.text) <= MAX_SENTENCE_CHARS for s in sentences[:-1])
    assert all(s.text.endswith("»،") for s in sentences[:-1])  # after the clause's comma, never the quotation's
    assert [s.heading for s in sentences] == [False] * len(sentences)


def test_a_long_sentence_without_commas_is_cut_at_spaces_outside_quotations() -> None:
    line = one_sentence('قال "نعم لا" و«لا نعم»', 1000)
    sentences = split_sentences("d", line)
    assert " ".join(s.text for s in sentences) == line
    assert all(MAX_SENTENCE_CHARS // 2 <= len(s.text) <= MAX_SENTENCE_CHARS for s in sentences[:-1])
    assert all(s.text.count("«") == s.text.count("»") and s.text.count('"') % 2 == 0 for s in sentences)


def test_a_word_longer_than_the_limit_stays_whole() -> None:
    word = "ا" * (3 * MAX_SENTENCE_CHARS)
    line = f"قال {word} نعم {word}."
    assert [s.text for s in split_sentences("d", line)] == [f"قال {word}", f"نعم {word}."]


def published_bytes(unit: str, repeats: int, project: Project) -> int:
    """Arrow bytes of every config's rows of a one-sentence article of `repeats` units, pre-annotated."""
    text = one_sentence(unit, repeats)
    schemas = Schemas(project.schema_dir)
    document = Document("d", text, hashlib.sha256(text.encode()).hexdigest(), "d.txt", dict(UNKNOWN_METADATA))
    targets, _ = read_targets(project.annotations, schemas)
    result = process_document(document, None, "", frozenset(targets), preannotator(project.annotations))
    inventory = json.loads((project.annotations / "targets.json").read_text(encoding="utf-8"))
    (output,) = encode_documents([("d", result, None)], schemas, target_names(inventory))
    assert not output.problems
    return sum(table.nbytes for table in output.tables.values())


def test_four_times_a_quote_dense_sentence_publishes_four_times_the_bytes() -> None:
    """Quote and stance rows carry their sentence: in one unbounded sentence that is quotes × its length."""
    project = Project(REPO)
    ratio = published_bytes(QUOTE_DENSE, 1600, project) / published_bytes(QUOTE_DENSE, 400, project)
    assert 3.5 < ratio < 4.6, f"4× the text published {ratio:.1f}× the bytes"


@pytest.mark.slow
def test_bench_long_articles_prints_time_and_memory_with_their_ratios(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "qawl", "bench", "--root", str(REPO), "--long-articles", "--long-article-bytes", "2800", "--long-article-bytes", "5600", "--json"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    long_articles = json.loads(result.stdout)["long_articles"]
    assert list(long_articles) == ["quote-dense", "name-dense"]
    for kind, figures in long_articles.items():
        sizes = [len(LONG_ARTICLES[kind](size).encode()) for size in (2800, 5600)]
        assert [row["bytes"] for row in figures["sizes"]] == sizes
        assert [row["size_ratio"] for row in figures["sizes"]] == [1.0, sizes[1] / sizes[0]]
        assert figures["sizes"][0]["time_ratio"] == figures["sizes"][0]["memory_ratio"] == 1.0
        for row in figures["sizes"]:
            assert row["peak_mib"] > 50 and row["cpu_seconds"] > 0 and row["net_mib"] == row["peak_mib"] - figures["baseline"]["peak_mib"]
    printed = format_long_articles(long_articles)
    assert "quote-dense article ('قال \"نعم\" و«لا»' repeated, one line)" in printed and "name-dense article (synthetic news sentences" in printed
    assert [line.split()[0] for line in printed.splitlines() if line.strip()[:1].isdigit()] == [f"{size:,}" for kind in long_articles for size in (row["bytes"] for row in long_articles[kind]["sizes"])]
