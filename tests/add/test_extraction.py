"""Boilerplate never reaches the seeds: on saved pages written to look like Arabic news sites (navigation,
tickers, teasers, comment boxes and forms, share bars, bylines, related lists, cookie notices, RTL markup,
mixed Latin), the extracted text is the article's paragraphs, and the page's metadata is found."""

from __future__ import annotations

import pytest

from qawl.add.html import extract_page
from qawl.add.report import marked_pages, paragraph_scores
from tests.add.sources import news_page, story
from tests.conftest import REPO, invoke_qawl

PAGES = REPO / "tests" / "fixtures" / "pages"


def test_extraction_finds_the_article_paragraphs_and_nothing_else() -> None:
    scores = paragraph_scores(PAGES)
    assert len(scores["pages"]) == 10
    furniture = {page.page: page.furniture for page in scores["pages"] if page.furniture}
    missed = {page.page: page.missed for page in scores["pages"] if page.missed}
    assert scores["precision"] >= 0.95, furniture
    assert scores["recall"] >= 0.95, missed


@pytest.mark.parametrize("page, marked", marked_pages(PAGES), ids=lambda value: getattr(value, "stem", ""))
def test_a_page_gives_its_title_url_and_date(page, marked) -> None:  # type: ignore[no-untyped-def]
    extracted = extract_page(page.read_bytes())
    assert extracted is not None
    assert (extracted.title, extracted.url, extracted.published) == (marked["title"], marked["url"], marked["published"])


def test_the_report_command_prints_precision_and_recall() -> None:
    done = invoke_qawl("add-report", cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "extraction by paragraph on 10 marked pages: precision 1.000, recall 1.000"


def test_a_page_in_windows_1256_is_read_as_arabic() -> None:
    """Older Arabic sites still serve windows-1256; the page says so in its <meta charset>."""
    page = news_page("خبر", "https://old.example/a", "2010-05-01", story("wire")).decode().replace('charset="utf-8"', 'charset="windows-1256"')
    extracted = extract_page(page.encode("cp1256"))
    assert extracted is not None and extracted.text == story("wire")
