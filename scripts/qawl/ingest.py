"""Ingest: seed files → Documents, with strict decoding and every problem reported.

Only decoding, BOM removal and line-end normalisation touch the text; nothing
else is ever changed. `doc_id` is the seed's file name without `.txt`.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import logging
import os
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy

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


def read_sidecar(path: str, schemas: Schemas) -> tuple[dict[str, Any], list[Problem]]:
    """Metadata from `<doc_id>.meta.json`; unknown values where there is no sidecar."""
    metadata = dict(UNKNOWN_METADATA)
    if not os.path.exists(path):
        return metadata, []
    try:
        with open(path, encoding="utf-8") as file:
            loaded = json.loads(file.read())
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        place = f"line {error.lineno}, column {error.colno}" if isinstance(error, json.JSONDecodeError) else ""
        return metadata, [Problem(path, place, f"malformed metadata sidecar: {error}")]
    problems = schemas.problems("seed_metadata", loaded, path)
    if not problems:
        metadata.update({k: v for k, v in loaded.items() if k != "notes"})
    return metadata, problems


def read_seed(path: str, schemas: Schemas) -> tuple[Document | None, list[Problem]]:
    """One seed file and its sidecar as a Document, or the problems that prevent it.

    Paths are strings here: on Python 3.11, pathlib interns every name it parses,
    for good, which would cost memory per article read.
    """
    directory, name = os.path.split(path)
    doc_id = name.removesuffix(".txt")
    if not DOC_ID.fullmatch(doc_id):
        return None, [Problem(path, "file name", f"doc_id {doc_id!r} is not allowed: {DOC_ID_RULE}")]
    if os.path.islink(path) and os.path.commonpath([os.path.realpath(path), os.path.realpath(directory)]) != os.path.realpath(directory):
        return None, [Problem(path, "", f"symbolic link to {os.path.realpath(path)}, outside {directory}")]
    try:
        with open(path, "rb") as file:
            raw = file.read()
    except OSError as error:
        return None, [Problem(path, "", f"cannot be read: {error.strerror}" + (f" (symbolic link to {os.path.realpath(path)})" if os.path.islink(path) else ""))]
    text, decode_problems = decode_seed(raw, path)
    metadata, meta_problems = read_sidecar(os.path.join(directory, doc_id + SIDECAR_SUFFIX), schemas)
    problems = decode_problems + meta_problems
    if text is None or problems:
        return None, problems
    return Document(doc_id, text, hashlib.sha256(raw).hexdigest(), path, metadata), []


def _seed_names(seeds_dir: Path) -> Iterator[str]:
    """The file names of the seeds (`*.txt`) in `seeds_dir`, in directory order (none if it is missing)."""
    return (entry.name for entry in os.scandir(seeds_dir) if entry.name.endswith(".txt")) if seeds_dir.is_dir() else iter(())


def count_seeds(seeds_dir: Path) -> int:
    """How many seeds `iter_documents` will read (counted without keeping their names)."""
    return sum(1 for _ in _seed_names(seeds_dir))


def iter_documents(seeds_dir: Path, schemas: Schemas, problems: list[Problem]) -> Iterator[Document]:
    """Stream the seeds as Documents, sorted by doc_id, appending every problem to `problems`.

    Between documents only their sorted file names and 12 bytes each are kept:
    about 100 MB for a million articles (keeping Path objects and whole hashes took
    six times as much). Articles with the same text are therefore found after the
    last one is read (and yielded, but reported then).
    """
    names = sorted(_seed_names(seeds_dir))
    text_keys, positions = array("Q"), array("I")  # per document read: a 64-bit prefix of its text's hash, its place in `names`
    without_sidecar, examples = 0, []
    for position, name in enumerate(names):
        path = os.path.join(seeds_dir, name)
        if not os.path.exists(os.path.join(seeds_dir, name.removesuffix(".txt") + SIDECAR_SUFFIX)):
            without_sidecar += 1
            examples += [name] if len(examples) < 3 else []
        document, seed_problems = read_seed(path, schemas)
        problems += seed_problems
        if document is None:
            continue
        text_keys.append(int.from_bytes(_text_digest(document.text)[:8], "little"))
        positions.append(position)
        yield document
    problems += _same_texts(seeds_dir, names, text_keys, positions)
    problems += _orphan_sidecars(seeds_dir, names)
    if not names:
        problems.append(Problem(str(seeds_dir), "", "no *.txt articles found"))
    if without_sidecar:
        listed = ", ".join(examples) + (", …" if without_sidecar > 3 else "")
        log.warning("%d seed(s) in %s have no metadata sidecar (%s); their metadata is recorded as unknown", without_sidecar, seeds_dir, listed)


def _text_digest(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


def _same_texts(seeds_dir: Path, names: list[str], text_keys: array, positions: array) -> list[Problem]:
    """A problem for every article whose text an earlier one (in `names` order) has.

    Articles whose hash prefixes collide are read again and compared by full hash:
    only those few are looked at twice.
    """
    keys = numpy.frombuffer(text_keys, dtype=numpy.uint64)
    ordered = numpy.sort(keys)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    first_with_text: dict[bytes, str] = {}
    problems = []
    for position in numpy.asarray(positions)[numpy.isin(keys, repeated)].tolist():  # in `names` order
        path = os.path.join(seeds_dir, names[position])
        with open(path, "rb") as file:
            text, _ = decode_seed(file.read(), path)
        digest = _text_digest(text or "")
        if digest in first_with_text:
            problems.append(Problem(path, "", f"same article text as {first_with_text[digest]}; remove one of the two"))
        else:
            first_with_text[digest] = path
    return problems


def _orphan_sidecars(seeds_dir: Path, names: list[str]) -> list[Problem]:
    """A problem for every metadata sidecar without its article (`names`: the sorted seed names)."""
    orphans = []
    for entry in os.scandir(seeds_dir) if seeds_dir.is_dir() else []:
        if entry.name.endswith(SIDECAR_SUFFIX):
            article = entry.name.removesuffix(SIDECAR_SUFFIX) + ".txt"
            at = bisect.bisect_left(names, article)
            if at == len(names) or names[at] != article:
                orphans.append(entry.name)
    return [Problem(os.path.join(seeds_dir, name), "", "metadata sidecar without a .txt article beside it") for name in sorted(orphans)]


def ingest_seeds(seeds_dir: Path, schemas: Schemas) -> list[Document]:
    """Every seed as a Document, sorted by doc_id; raises IngestError listing all problems."""
    problems: list[Problem] = []
    documents = list(iter_documents(seeds_dir, schemas, problems))
    if problems:
        raise IngestError(problems)
    return documents
