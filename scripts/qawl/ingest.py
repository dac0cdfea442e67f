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
import unicodedata
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy

from qawl.jsonfile import UnreadableFile, read_json_file, read_regular_file
from qawl.schema import Problem, Schemas
from qawl.segment import paragraphs

log = logging.getLogger(__name__)

DOC_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,199}")  # as common.schema.json#/$defs/doc_id; use fullmatch
DOC_ID_RULE = (
    "a seed's file name is its doc_id + '.txt'; a doc_id is 1-200 ASCII letters, digits, '_', '.' or '-', "
    "starting with a letter or digit (no spaces, path separators, '..' or Arabic letters): rename the file"
)
DOC_ID_FORBIDDEN = re.compile(r"\.\.")  # the doc_id rule's "no '..'", which DOC_ID alone lets through inside a name
RESERVED_DOC_IDS = {
    "targets": "annotations/targets.json is the stance target inventory, not an article's layer",
}
SIDECAR_SUFFIX = ".meta.json"
# An article larger than this is refused unread; a project sets its own in schema/dataset.json.
MAX_ARTICLE_BYTES = 10 * 2**20
LIMIT_SETTING = "max_article_bytes"
LIMIT_HINT = f" per article ({LIMIT_SETTING} in schema/dataset.json)"
# Letters, marks that stand alone (combining ones do not), numbers, punctuation and symbols: what a reader sees.
VISIBLE_CATEGORIES = frozenset("LNPS")
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
    if not any(unicodedata.category(character)[0] in VISIBLE_CATEGORIES for character in text):
        return None, [
            Problem(file, "", "no visible letter (only invisible characters: zero-width, bidi controls, byte-order marks or diacritics): an empty article")
        ]
    return text, []


def article_size_limit(seeds_dir: Path) -> tuple[int, list[Problem]]:
    """The project's limit on an article's bytes: `max_article_bytes` in the schema/dataset.json beside
    `seeds_dir`, else MAX_ARTICLE_BYTES; and the problem with the setting, if any."""
    path = Path(seeds_dir).parent / "schema" / "dataset.json"
    try:
        limit = json.loads(path.read_text(encoding="utf-8")).get(LIMIT_SETTING, MAX_ARTICLE_BYTES)
    except (OSError, ValueError, AttributeError):  # no project around seeds/, or a dataset.json other commands report
        return MAX_ARTICLE_BYTES, []
    if type(limit) is not int or limit < 1:
        return MAX_ARTICLE_BYTES, [Problem(str(path), f"/{LIMIT_SETTING}", f"{limit!r} is not a positive whole number of bytes")]
    return limit, []


def read_sidecar(path: str, schemas: Schemas, max_bytes: int = MAX_ARTICLE_BYTES) -> tuple[dict[str, Any], list[Problem]]:
    """Metadata from `<doc_id>.meta.json`; unknown values where there is no sidecar."""
    metadata = dict(UNKNOWN_METADATA)
    if not os.path.lexists(path):
        return metadata, []
    loaded, problems = read_json_file(path, max_bytes=max_bytes, limit_hint=LIMIT_HINT)
    if problems:
        return metadata, problems
    problems = schemas.problems("seed_metadata", loaded, path)
    if not problems:
        metadata.update({k: v for k, v in loaded.items() if k != "notes"})
    return metadata, problems


def read_seed(path: str, schemas: Schemas, max_bytes: int = MAX_ARTICLE_BYTES) -> tuple[Document | None, list[Problem]]:
    """One seed file and its sidecar as a Document, or the problems that prevent it.

    Paths are strings here: on Python 3.11, pathlib interns every name it parses,
    for good, which would cost memory per article read.
    """
    document, problems, _ = _read_seed(path, schemas, max_bytes)
    return document, problems


def _read_seed(path: str, schemas: Schemas, max_bytes: int) -> tuple[Document | None, list[Problem], os.stat_result | None]:
    """`read_seed`, and the seed's status when it was read (to tell later whether it changed since)."""
    directory, name = os.path.split(path)
    doc_id = name.removesuffix(".txt")
    if not DOC_ID.fullmatch(doc_id) or DOC_ID_FORBIDDEN.search(doc_id):
        return None, [Problem(path, "file name", f"doc_id {doc_id!r} is not allowed: {DOC_ID_RULE}")], None
    if doc_id in RESERVED_DOC_IDS:
        return None, [Problem(path, "file name", f"doc_id {doc_id!r} is reserved: {RESERVED_DOC_IDS[doc_id]}; rename the file")], None
    if os.path.islink(path) and os.path.commonpath([os.path.realpath(path), os.path.realpath(directory)]) != os.path.realpath(directory):
        return None, [Problem(path, "", f"symbolic link to {os.path.realpath(path)}, outside {directory}")], None
    try:
        raw, status = read_regular_file(path, max_bytes, LIMIT_HINT)
    except UnreadableFile as error:
        return None, [Problem(path, "", str(error) + (f" (symbolic link to {os.path.realpath(path)})" if os.path.islink(path) else ""))], None
    text, decode_problems = decode_seed(raw, path)
    metadata, meta_problems = read_sidecar(os.path.join(directory, doc_id + SIDECAR_SUFFIX), schemas, max_bytes)
    problems = decode_problems + meta_problems
    if text is None or problems:
        return None, problems, None
    return Document(doc_id, text, hashlib.sha256(raw).hexdigest(), path, metadata), [], status


def _seed_names(seeds_dir: Path) -> Iterator[str]:
    """The file names of the seeds (`*.txt`) in `seeds_dir`, in directory order (none if it is missing)."""
    return (entry.name for entry in os.scandir(seeds_dir) if entry.name.endswith(".txt")) if seeds_dir.is_dir() else iter(())


def _almost_seeds(seeds_dir: Path) -> list[Problem]:
    """A problem for every file whose name ends in '.txt' but for case or trailing spaces (x.TXT, "x.txt "):
    meant as an article, it would otherwise be left out without a word."""
    names = sorted(entry.name for entry in os.scandir(seeds_dir) if entry.name.rstrip().lower().endswith(".txt") and not entry.name.endswith(".txt"))
    message = "looks like an article but does not end in '.txt' exactly: rename it to end in '.txt' (or move it out of seeds/)"
    return [Problem(os.path.join(seeds_dir, name), "file name", message) for name in names]


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
    max_bytes, limit_problems = article_size_limit(seeds_dir)
    problems += limit_problems
    text_keys, positions = array("Q"), array("I")  # per document read: a 64-bit prefix of its text's hash, its place in `names`
    read_as = array("q")  # per document read: its size and modification time (ns) then, to find seeds changed since
    without_sidecar, examples = 0, []
    for position, name in enumerate(names):
        path = os.path.join(seeds_dir, name)
        if not os.path.exists(os.path.join(seeds_dir, name.removesuffix(".txt") + SIDECAR_SUFFIX)):
            without_sidecar += 1
            examples += [name] if len(examples) < 3 else []
        document, seed_problems, status = _read_seed(path, schemas, max_bytes)
        problems += seed_problems
        if document is None or status is None:
            continue
        text_keys.append(int.from_bytes(_text_digest(document.text)[:8], "little"))
        positions.append(position)
        read_as.extend((status.st_size, status.st_mtime_ns))
        yield document
    problems += _changed_since_read(seeds_dir, names, positions, read_as)
    problems += _same_texts(seeds_dir, names, text_keys, positions, max_bytes)
    problems += _orphan_sidecars(seeds_dir, names)
    problems += _almost_seeds(seeds_dir) if seeds_dir.is_dir() else []
    if not names:
        problems.append(Problem(str(seeds_dir), "", "no *.txt articles found"))
    if without_sidecar:
        listed = ", ".join(examples) + (", …" if without_sidecar > 3 else "")
        log.warning("%d seed(s) in %s have no metadata sidecar (%s); their metadata is recorded as unknown", without_sidecar, seeds_dir, listed)


def _changed_since_read(seeds_dir: Path, names: list[str], positions: array, read_as: array) -> list[Problem]:
    """A problem for every seed read whose size or modification time is no longer what it was then.

    Seeds are streamed through the build: one rewritten meanwhile (or still being
    written when it was read) would be published as it was read, half of it perhaps.
    Looked at after the last seed is read, just before the build publishes.
    """
    problems = []
    message = "changed while the build read the seeds (size or modification time differs from when it was read): nothing is published from it; build again"
    for n, position in enumerate(positions):
        path = os.path.join(seeds_dir, names[position])
        try:
            now = os.stat(path)
        except OSError:
            now = None
        if now is None or (now.st_size, now.st_mtime_ns) != (read_as[2 * n], read_as[2 * n + 1]):
            problems.append(Problem(path, "", message))
    return problems


def _text_digest(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


def _same_texts(seeds_dir: Path, names: list[str], text_keys: array, positions: array, max_bytes: int) -> list[Problem]:
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
        try:
            raw, _ = read_regular_file(path, max_bytes, LIMIT_HINT)
        except UnreadableFile:
            continue  # gone or replaced since: `_changed_since_read` says so
        text, _ = decode_seed(raw, path)
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
