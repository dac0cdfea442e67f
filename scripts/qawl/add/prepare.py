"""One candidate → an article ready to store (text, doc_id, metadata, signature), or why it is rejected.

Pure and picklable both ways: it runs on the build's engines (a process pool, or Ray),
in batches, and only what the store needs comes back (the page gzipped, not parsed).
"""

from __future__ import annotations

import gzip
import os
from dataclasses import dataclass
from typing import Any

import py3langid
from rensa import RMinHash

from qawl.add.dedup import signature
from qawl.add.doc_ids import derive_doc_id
from qawl.add.html import extract_page, extractor_versions
from qawl.add.sources import Candidate
from qawl.ingest import decode_seed
from qawl.schema import Problem

LANGUAGE_SAMPLE = 5000  # characters: the head of an article is enough to tell its language, and bounds the cost
# Fewer words than this extracted from a page: a section, index or gallery page (its menu, a caption), not an article.
MIN_PAGE_WORDS = 25
NO_ARTICLE = f"page without an article (under {MIN_PAGE_WORDS} words extracted)"


@dataclass(frozen=True)
class Article:
    """A candidate made into an article: what `store` writes, and how it found it."""

    doc_id: str
    text: str
    metadata: dict[str, Any]
    file: str  # where it came from, for a problem that `store` finds
    place: str
    signature: RMinHash
    raw_gzip: bytes | None = None  # the page as received, for seeds/raw/<doc_id>.html.gz
    sidecar_from: str | None = None  # a .txt file's own sidecar, which the store reads and checks


@dataclass(frozen=True)
class Rejected:
    """A candidate that gives no article: the reason counted in the summary, and the problem to list."""

    reason: str
    problem: Problem | None = None  # None: skipped on purpose (another language, a page without an article), not bad input


def detect_language(text: str) -> str:
    """The ISO 639-1 code py3langid gives the head of `text`."""
    language, _ = py3langid.classify(text[:LANGUAGE_SAMPLE])
    return str(language)


def gzip_deterministic(raw: bytes) -> bytes:
    """`raw` gzipped with no time or name in the header: the same page always gives the same bytes."""
    return gzip.compress(raw, compresslevel=9, mtime=0)


def _source_record(candidate: Candidate) -> dict[str, Any]:
    record = {"kind": candidate.source, "file": os.path.basename(candidate.file)}
    if candidate.place:
        record["place"] = candidate.place
    if candidate.hints.get("crawled"):
        record["crawled"] = candidate.hints["crawled"]
    return record


def prepare(candidate: Candidate, keep_other_languages: bool) -> Article | Rejected:
    """The article in `candidate`, or why there is none."""
    hints = candidate.hints
    metadata: dict[str, Any] = {
        "title": hints.get("title"),
        "publisher": hints.get("publisher"),
        "published": hints.get("published"),
        "published_precision": "exact" if hints.get("published") else "unknown",
        "url": hints.get("url"),
        "license": None,
        "inferred": [],
        "source": _source_record(candidate),
    }
    raw_gzip = None
    if candidate.kind == "html":
        page = extract_page(candidate.payload, hints.get("url"))
        if page is None or len(page.text.split()) < MIN_PAGE_WORDS:
            return Rejected(NO_ARTICLE)
        text = page.text
        url = hints.get("url") or page.url
        metadata.update(title=page.title, publisher=page.publisher, url=url if url and url.startswith(("http://", "https://")) else None, published=page.published)
        metadata["published_precision"] = "unknown" if page.published is None else "inferred" if page.published_inferred else "exact"
        metadata["inferred"] = ["published"] if page.published_inferred else []
        raw_gzip = gzip_deterministic(candidate.payload)
    else:  # a .txt file's bytes, or a dump's text: decoded and checked as a seed is (a dump's place is its row's)
        raw = candidate.payload if candidate.kind == "txt" else candidate.payload.encode()
        text, problems = decode_seed(raw, candidate.file)
        if text is None:
            problem = problems[0] if candidate.kind == "txt" else Problem(candidate.file, candidate.place, problems[0].message)
            return Rejected("not a readable article text", problem)
    language = detect_language(text)
    if language != "ar" and not keep_other_languages:
        return Rejected(f"language {language}")
    metadata["language"] = language
    stem = os.path.basename(candidate.file).rsplit(".", 1)[0]
    doc_id = derive_doc_id(hints.get("id"), metadata["url"], stem if not candidate.place else f"{stem}-{candidate.place}")
    if raw_gzip is not None:
        metadata["extraction"] = {**extractor_versions(), "raw": f"raw/{doc_id}.html.gz"}
    return Article(doc_id, text, metadata, candidate.file, candidate.place, signature(text), raw_gzip, hints.get("sidecar"))


def prepare_batch(batch: tuple[list[Candidate], bool]) -> list[Article | Rejected]:
    """`prepare` over a batch of candidates (one task of the engine)."""
    candidates, keep_other_languages = batch
    return [prepare(candidate, keep_other_languages) for candidate in candidates]
