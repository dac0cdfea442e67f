"""Ingest: seed files → Documents, with strict decoding and every problem reported.

Only decoding, BOM removal and line-end normalisation touch the text; nothing
else is ever changed. `doc_id` is the seed's file name without `.txt`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qawl.schema import Problem, Schemas
from qawl.segment import paragraphs

log = logging.getLogger(__name__)

DOC_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,199}")  # as common.schema.json#/$defs/doc_id; use fullmatch
DOC_ID_RULE = (
    "a seed's file name is its doc_id + '.txt'; a doc_id is 1-200 ASCII letters, digits, '_', '.' or '-', "
    "starting with a letter or digit (no spaces, path separators, '..' or Arabic letters): rename the file"
)
SIDECAR_SUFFIX = ".meta.json"
UNKNOWN_METADATA: dict[str, Any] = {
    "title": None,
    "publisher": None,
    "published": None,
    "published_precision": "unknown",
    "url": None,
    "language": "ar",
    "license": None,
    "inferred": [],
}


@dataclass(frozen=True)
class Document:
    """An ingested article: the frozen text every offset points into, and its metadata."""

    doc_id: str
    text: str
    sha256: str
    source: str
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def paragraphs(self) -> list[tuple[int, int]]:
        return paragraphs(self.text)


class IngestError(Exception):
    """Raised with every problem found in the seeds."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _line_and_column(raw: bytes, byte_offset: int) -> tuple[int, int]:
    line_start = raw.rfind(b"\n", 0, byte_offset) + 1
    return raw.count(b"\n", 0, byte_offset) + 1, byte_offset - line_start + 1


def _looks_like_utf16(raw: bytes) -> bool:
    """Most bytes at even or odd positions of the head are high bytes of Latin (0x00) or Arabic (0x06) code units.

    Neither byte occurs in UTF-8 Arabic or Latin prose, so real text never trips this.
    """
    head = raw[:512]
    halves = (head[0::2], head[1::2])
    return len(head) >= 4 and any(half.count(0) + half.count(6) > 0.8 * len(half) for half in halves)


def decode_seed(raw: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """Strict UTF-8 (BOM removed), CRLF and lone CR → LF. Returns text or problems."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(file, "byte 0", "looks like UTF-16 (byte-order mark); re-save the file as UTF-8")]
    if _looks_like_utf16(raw):
        return None, [Problem(file, "byte 0", "looks like UTF-16 without a byte-order mark (UTF-16 code units); re-save the file as UTF-8")]
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line, col = _line_and_column(raw, offset)
        return None, [Problem(file, f"byte {offset} (line {line}, column {col})", "NUL byte: binary file, not a UTF-8 text")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, col = _line_and_column(raw, error.start)
        return None, [
            Problem(
                file,
                f"byte {error.start} (line {line}, column {col})",
                f"not valid UTF-8 ({error.reason}: {raw[error.start:error.start + 4]!r}); re-save the file as UTF-8",
            )
        ]
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return None, [Problem(file, "", "empty or whitespace-only article")]
    return text, []


def read_sidecar(path: Path, schemas: Schemas) -> tuple[dict[str, Any], list[Problem]]:
    """Metadata from `<doc_id>.meta.json`; unknown values where there is no sidecar."""
    metadata = dict(UNKNOWN_METADATA)
    if not path.exists():
        return metadata, []
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        place = f"line {error.lineno}, column {error.colno}" if isinstance(error, json.JSONDecodeError) else ""
        return metadata, [Problem(str(path), place, f"malformed metadata sidecar: {error}")]
    problems = schemas.problems("seed_metadata", loaded, str(path))
    if not problems:
        metadata.update({k: v for k, v in loaded.items() if k != "notes"})
    return metadata, problems


def read_seed(path: Path, schemas: Schemas) -> tuple[Document | None, list[Problem]]:
    """One seed file and its sidecar as a Document, or the problems that prevent it."""
    file = str(path)
    doc_id = path.name.removesuffix(".txt")
    if not DOC_ID.fullmatch(doc_id):
        return None, [Problem(file, "file name", f"doc_id {doc_id!r} is not allowed: {DOC_ID_RULE}")]
    if path.is_symlink() and not path.resolve().is_relative_to(path.parent.resolve()):
        return None, [Problem(file, "", f"symbolic link to {path.resolve()}, outside {path.parent}")]
    try:
        raw = path.read_bytes()
    except OSError as error:
        return None, [Problem(file, "", f"cannot be read: {error.strerror}" + (f" (symbolic link to {path.resolve()})" if path.is_symlink() else ""))]
    text, decode_problems = decode_seed(raw, file)
    metadata, meta_problems = read_sidecar(path.with_name(doc_id + SIDECAR_SUFFIX), schemas)
    problems = decode_problems + meta_problems
    if text is None or problems:
        return None, problems
    return Document(doc_id, text, hashlib.sha256(raw).hexdigest(), file, metadata), []


def iter_documents(seeds_dir: Path, schemas: Schemas, problems: list[Problem]) -> Iterator[Document]:
    """Stream the seeds as Documents, sorted by doc_id, appending every problem to `problems`.

    Only content hashes are kept between documents (to catch duplicates), so
    memory does not grow with the size of the corpus.
    """
    by_content: dict[bytes, str] = {}
    found = False
    without_sidecar: list[str] = []
    for path in sorted(seeds_dir.glob("*.txt")):
        found = True
        if not path.with_name(path.name.removesuffix(".txt") + SIDECAR_SUFFIX).exists():
            without_sidecar.append(path.name)
        document, seed_problems = read_seed(path, schemas)
        problems += seed_problems
        if document is None:
            continue
        digest = hashlib.sha256(document.text.encode()).digest()
        if digest in by_content:
            problems.append(Problem(document.source, "", f"same article text as {by_content[digest]}; remove one of the two"))
            continue
        by_content[digest] = document.source
        yield document
    for sidecar in sorted(seeds_dir.glob("*" + SIDECAR_SUFFIX)):
        if not sidecar.with_name(sidecar.name.removesuffix(SIDECAR_SUFFIX) + ".txt").exists():
            problems.append(Problem(str(sidecar), "", "metadata sidecar without a .txt article beside it"))
    if not found:
        problems.append(Problem(str(seeds_dir), "", "no *.txt articles found"))
    if without_sidecar:
        examples = ", ".join(without_sidecar[:3]) + (", …" if len(without_sidecar) > 3 else "")
        log.warning("%d seed(s) in %s have no metadata sidecar (%s); their metadata is recorded as unknown", len(without_sidecar), seeds_dir, examples)


def ingest_seeds(seeds_dir: Path, schemas: Schemas) -> list[Document]:
    """Every seed as a Document, sorted by doc_id; raises IngestError listing all problems."""
    problems: list[Problem] = []
    documents = list(iter_documents(seeds_dir, schemas, problems))
    if problems:
        raise IngestError(problems)
    return documents
