"""The review page escapes every field it shows: a payload in each becomes text, never markup."""

from __future__ import annotations

import hashlib
from html.parser import HTMLParser
from typing import Any

from qawl.ingest import Document
from qawl.review.html import render_page
from tests.review.test_html import vocabulary

ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "h1", "p", "code", "span", "div", "article", "mark", "table", "caption", "tr", "th", "td", "sup"}
ALLOWED_ATTRIBUTES = {"lang", "dir", "charset", "name", "content", "http-equiv", "class", "data-id", "data-quote", "title", "aria-label"}


def payload(field: str) -> str:
    """Markup that would run a script if `field` reached the page unescaped, in text or in an attribute."""
    return f"\"'><img src=x onerror=alert(1) data-field={field}><script>{field}</script>"


def provenance(owner: str) -> dict[str, str]:
    return {key: payload(f"{owner}.provenance.{key}") for key in ("source", "status", "annotator", "time")}


class Page(HTMLParser):
    """Every start tag with its attributes, and every piece of text, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def evil_page() -> tuple[str, list[str]]:
    """A page whose every shown field holds a payload, and the names of those fields."""
    parts = [payload("article.entity"), payload("article.content"), payload("article.evidence")]
    text = "قال المتحدث " + " ثم ".join(parts) + ".\n"
    sha = hashlib.sha256(text.encode()).hexdigest()

    def at(part: str, field: str) -> dict[str, Any]:
        start = text.index(part)
        return {"start": start, "end": start + len(part), "text": payload(field)}

    entity = {"id": payload("entity.id"), **at(parts[0], "entity.text"), "label": payload("entity.label"), "provenance": provenance("entity")}
    quote = {
        "id": payload("quote.id"),
        "type": payload("quote.type"),
        "content": at(parts[1], "quote.content.text"),
        "cue": {"start": 0, "end": 3, "text": payload("quote.cue.text")},
        "speaker": {"kind": payload("quote.speaker.kind"), "mention": {"start": 4, "end": 12, "text": payload("quote.speaker.mention.text")}, "entity": entity["id"]},
        "outlet": {"start": 4, "end": 12, "text": payload("quote.outlet.text")},
        "provenance": provenance("quote"),
    }
    on_quote = {
        "id": payload("stance1.id"), "target": payload("stance1.target"), "label": payload("stance1.label"),
        "holder": {"kind": payload("stance1.holder.kind"), "quote": quote["id"]},
        "evidence": {"quote": quote["id"], "span": None}, "provenance": provenance("stance1"),
    }
    on_span = {
        "id": payload("stance2.id"), "target": payload("stance2.target"), "label": payload("stance2.label"),
        "holder": {"kind": payload("stance2.holder.kind"), "quote": None},
        "evidence": {"quote": None, "span": at(parts[2], "stance2.evidence.text")}, "provenance": provenance("stance2"),
    }
    chain = {"id": payload("chain.id"), "name": payload("chain.name"), "entities": [entity["id"]], "provenance": provenance("chain")}
    quote["speaker"]["chain"] = chain["id"]
    layer = {"schema_version": "2.0.0", "doc_id": "evil", "sha256": sha, "entities": [entity], "quotes": [quote], "chains": [chain], "stance": [on_quote, on_span]}
    document = Document(payload("doc_id"), text, sha, "seeds/evil.txt", {"title": payload("title")})
    fields = [
        "doc_id", "title", "article.entity", "article.content", "article.evidence", "entity.id", "entity.label", "entity.text",
        "quote.id", "quote.type", "quote.content.text", "quote.cue.text", "quote.speaker.kind", "quote.speaker.mention.text", "quote.outlet.text",
        "chain.id", "chain.name",
        "stance1.target", "stance1.label", "stance1.holder.kind",
        "stance2.id", "stance2.target", "stance2.label", "stance2.holder.kind", "stance2.evidence.text",
        *(f"{owner}.provenance.{key}" for owner in ("entity", "quote", "chain", "stance2") for key in ("source", "status", "annotator", "time")),
    ]
    return render_page(document, "gold", layer, vocabulary()), fields


def test_every_field_of_the_page_is_shown_as_text_never_as_markup() -> None:
    page, fields = evil_page()
    parsed = Page()
    parsed.feed(page)
    parsed.close()
    assert {tag for tag, _ in parsed.tags} <= ALLOWED_TAGS
    assert {name for _, attrs in parsed.tags for name in attrs} <= ALLOWED_ATTRIBUTES
    shown = "".join(parsed.text) + "".join(value or "" for _, attrs in parsed.tags for value in attrs.values())
    for field in fields:  # each payload is on the page, whole, as the text a reader sees
        assert payload(field) in shown, field
