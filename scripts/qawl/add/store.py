"""seeds/ as `qawl add` sees it: which doc_ids and texts it has, their near-duplicate groups; and writing new ones.

An article is written as seeds/raw/<doc_id>.html.gz (a page), then its sidecar, then
seeds/<doc_id>.txt, each through a temporary file renamed into place (a file that cannot
be written takes the ones before it away again): a run killed between two leaves a
sidecar without its article, which `qawl build` reports and the next `qawl add` writes
over, never an article with metadata missing in silence.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from qawl.add.dedup import NearDuplicates, signature
from qawl.add.prepare import Article
from qawl.ingest import LIMIT_HINT, SIDECAR_SUFFIX, UNKNOWN_METADATA, article_size_limit, decode_seed, read_sidecar
from qawl.jsonfile import UnreadableFile, read_regular_file
from qawl.schema import Problem, Schemas

RAW_DIR = "raw"
GROUP_FIELD = "duplicate_group"


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Outcome:
    """What became of an article: `added`, `already added`, `duplicate` (same text as another seed) or `rejected`."""

    status: str
    doc_id: str
    other: str | None = None  # the seed it duplicates, or whose near-duplicate group it joined
    reason: str = ""  # why it was rejected
    problems: tuple[Problem, ...] = ()


def write_atomically(path: Path, data: bytes) -> None:
    """`data` at `path`, all or nothing: written beside it, flushed, then renamed over it."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, 0o644)  # mkstemp's 0600 would make the seed unreadable to the rest of the team
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def sidecar_bytes(metadata: dict[str, Any]) -> bytes:
    return orjson.dumps(metadata, option=orjson.OPT_INDENT_2) + b"\n"


class Seeds:
    """The seeds folder: its texts by digest, its doc_ids, and the near-duplicate index of its articles."""

    def __init__(self, seeds_dir: Path, schemas: Schemas) -> None:
        self.directory = seeds_dir
        self.schemas = schemas
        self.max_bytes, _ = article_size_limit(seeds_dir)
        self.by_text: dict[str, str] = {}
        self.text_of: dict[str, str] = {}  # doc_id → digest of its text
        self.near = NearDuplicates()
        self.regrouped: set[str] = set()
        self._load()

    def _load(self) -> None:
        """Read every seed there is (as the build does; those it would refuse are left to it to report)."""
        if not self.directory.is_dir():
            return
        for name in sorted(n for n in os.listdir(self.directory) if n.endswith(".txt")):
            doc_id = name.removesuffix(".txt")
            try:
                raw, _ = read_regular_file(str(self.directory / name), self.max_bytes, "")
            except UnreadableFile:
                continue
            text, _ = decode_seed(raw, name)
            if text is None:
                continue
            metadata, _ = read_sidecar(str(self.directory / f"{doc_id}{SIDECAR_SUFFIX}"), self.schemas, self.max_bytes)
            digest = text_digest(text)
            self.by_text.setdefault(digest, doc_id)
            self.text_of[doc_id] = digest
            self.near.add(doc_id, signature(text), metadata.get(GROUP_FIELD) or doc_id, self._regroup)  # as recorded: never regrouped here

    def store(self, article: Article) -> Outcome:
        """Write `article` unless seeds/ already has it (same doc_id and text) or its text under another doc_id."""
        size = len(article.text.encode())
        if size > self.max_bytes:
            message = f"the article's text is {size} bytes, above the limit of {self.max_bytes} bytes{LIMIT_HINT}: not added"
            return Outcome("rejected", article.doc_id, reason="article too large", problems=(Problem(article.file, article.place, message),))
        digest = text_digest(article.text)
        if article.doc_id in self.text_of:
            if self.text_of[article.doc_id] == digest:
                return Outcome("already added", article.doc_id)
            message = f"its doc_id {article.doc_id!r} is in seeds/ already, with a different text: not replaced (remove seeds/{article.doc_id}.* first to replace it)"
            return Outcome("rejected", article.doc_id, reason="doc_id taken by another text", problems=(Problem(article.file, article.place, message),))
        if digest in self.by_text:
            return Outcome("duplicate", article.doc_id, self.by_text[digest])
        metadata = {**UNKNOWN_METADATA, **article.metadata}
        if article.sidecar_from is not None:
            given, problems = read_sidecar(article.sidecar_from, self.schemas, self.max_bytes)
            if problems:
                return Outcome("rejected", article.doc_id, reason="its sidecar is not valid", problems=tuple(problems))
            metadata.update({key: value for key, value in given.items() if value != UNKNOWN_METADATA.get(key)})
        problems = self.schemas.problems("seed_metadata", metadata, f"{article.doc_id}{SIDECAR_SUFFIX}")
        if problems:
            return Outcome("rejected", article.doc_id, reason="metadata not valid", problems=tuple(Problem(article.file, article.place, str(p)) for p in problems))
        group = self.near.add(article.doc_id, article.signature, None, self._regroup)
        if group != article.doc_id:
            metadata[GROUP_FIELD] = group
        try:
            self._write(article, metadata)
        except OSError as error:  # a full disk, a read-only seeds/: said for each article, none half-written
            where = error.filename or str(self.directory)
            return Outcome("rejected", article.doc_id, reason="cannot be written", problems=(Problem(article.file, article.place, f"cannot be written to {where}: {error.strerror}"),))
        self.by_text[digest] = article.doc_id
        self.text_of[article.doc_id] = digest
        return Outcome("added", article.doc_id, group if group != article.doc_id else None)

    def _write(self, article: Article, metadata: dict[str, Any]) -> None:
        """The page, the sidecar, then the seed; if one cannot be written, those before it are removed again."""
        files = [(self.directory / f"{article.doc_id}{SIDECAR_SUFFIX}", sidecar_bytes(metadata)), (self.directory / f"{article.doc_id}.txt", article.text.encode())]
        if article.raw_gzip is not None:
            files.insert(0, (self.directory / RAW_DIR / f"{article.doc_id}.html.gz", article.raw_gzip))
        written: list[Path] = []
        try:
            for path, data in files:
                path.parent.mkdir(parents=True, exist_ok=True)
                write_atomically(path, data)
                written.append(path)
        except OSError:
            for path in written:
                path.unlink(missing_ok=True)
            raise

    def _regroup(self, doc_id: str, group: str) -> None:
        """Record in `doc_id`'s sidecar that its group is now `group` (two groups found to be near-duplicates of one article)."""
        path = self.directory / f"{doc_id}{SIDECAR_SUFFIX}"
        metadata = orjson.loads(path.read_bytes()) if path.exists() else {}
        metadata[GROUP_FIELD] = group
        write_atomically(path, sidecar_bytes(metadata))
        self.regrouped.add(doc_id)

