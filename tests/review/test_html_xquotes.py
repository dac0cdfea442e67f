"""The review page marks a quotation over several sentences in each, a discontinuous one part by part with the
author's words between them unmarked, and says on hover which quote reports a nested one (issue #26)."""

from __future__ import annotations

from html.parser import HTMLParser

from qawl.merge import quote_parts
from qawl.review.html import render_page
from tests.review.test_html_escaping import Page, payload
from tests.review.test_review_xquotes import ARTICLE, document, vocabulary, xquote_layer


class ArticleMarks(HTMLParser):
    """Each character of the article text, with whether a quote content covers it and what hovering it says."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.chars: list[tuple[str, bool, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        tags = [tag for tag, _ in self.stack]
        if "article" not in tags or "sup" in tags:  # the text only, not a quote's stance superscript
            return
        spans = [attrs for tag, attrs in self.stack if tag == "span"]
        content = any("p-content" in (attrs.get("class") or "").split() for attrs in spans)
        title = " | ".join(attrs.get("title") or "" for attrs in spans)
        self.chars += [(char, content, title) for char in data]


def marks() -> tuple[list[tuple[str, bool, str]], str]:
    page = render_page(document(), "gold", xquote_layer(), vocabulary())
    parser = ArticleMarks()
    parser.feed(page)
    return parser.chars, page


def test_the_quoted_parts_are_marked_and_the_gap_of_a_discontinuous_quote_is_not() -> None:
    chars, _ = marks()
    assert "".join(char for char, _, _ in chars) == ARTICLE
    quoted = {i for quote in xquote_layer()["quotes"] for part in quote_parts(quote) for i in range(part["start"], part["end"])}
    assert {i for i, (_, content, _) in enumerate(chars) if content} == quoted
    gap = ARTICLE.index("»، وأضاف حسين، «")
    assert not any(content for _, content, _ in chars[gap : gap + len("»، وأضاف حسين، «")])
    q1 = xquote_layer()["quotes"][0]["content"]
    assert ARTICLE[q1["start"] : q1["end"]].count("».") == 2 and all(content for _, content, _ in chars[q1["start"] : q1["end"]])  # over 3 sentences


def test_hovering_says_which_part_and_which_quote_reports_a_nested_one() -> None:
    chars, page = marks()
    q2 = xquote_layer()["quotes"][1]
    assert chars[q2["parts"][0]["start"]][2] == "q2 content (part 1 of 2)"
    assert chars[q2["parts"][1]["start"]][2] == "q2 content (part 2 of 2)"
    inner = ARTICLE.index("الاتفاق سيوقع")
    assert chars[inner][2] == "q3 content; q4 content, reported by q3"
    assert "<td>المفاوضات صعبة … لكننا نقترب من اتفاق</td>" in page
    assert '<td>الاتفاق سيوقع قريبا <span dir="ltr">(reported by q3)</span></td>' in page


def test_a_source_id_is_escaped_in_the_text_and_the_table() -> None:
    layer = xquote_layer()
    layer["quotes"][3]["source"] = payload("quote.source")
    page = Page()
    page.feed(render_page(document(), "gold", layer, vocabulary()))
    assert {tag for tag, _ in page.tags} <= {"html", "head", "meta", "title", "style", "body", "header", "h1", "p", "code", "span", "div", "article", "mark", "table", "caption", "tr", "th", "td", "sup"}
    assert any(payload("quote.source") in text for text in page.text)
    assert any(payload("quote.source") in (attrs.get("title") or "") for _, attrs in page.tags)
