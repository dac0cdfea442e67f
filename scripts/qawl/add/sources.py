"""What the user gives `qawl add`, streamed as candidates: one per page, WARC record, dump row or text file.

Folders are walked (sorted, so a run is repeatable); a file's kind comes from its
suffix. Nothing is decoded or extracted here: `prepare` does that, on the pool.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qawl.ingest import LIMIT_HINT
from qawl.jsonfile import UnreadableFile, read_regular_file
from qawl.schema import Problem

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
DUMP_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".csv", ".parquet")
TEXT_SUFFIXES = (".txt",)


@dataclass(frozen=True)
class Candidate:
    """One article as received: a page's bytes (`kind` "html"), a text file's bytes ("txt") or a text ("text", from a dump), and where it came from.

    `hints` holds what the container says of it (url, title, published, publisher, id, crawled, metadata).
    """

    file: str
    place: str
    kind: str
    payload: bytes | str
    source: str  # html, warc, jsonl, csv, parquet or txt
    hints: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Skipped:
    """A record or file that holds no article (a WARC request, an image beside a saved page): counted, not reported."""

    reason: str


@dataclass(frozen=True)
class DumpColumns:
    """The columns of a dump that hold each field; `given`: those the user named, which must exist."""

    text: str = "text"
    id: str = "id"
    title: str = "title"
    url: str = "url"
    date: str = "date"
    publisher: str = "publisher"
    given: frozenset[str] = frozenset()


def kind_of(path: str) -> str | None:
    name = path.lower()
    for kind, suffixes in (("html", HTML_SUFFIXES), ("warc", WARC_SUFFIXES), ("dump", DUMP_SUFFIXES), ("txt", TEXT_SUFFIXES)):
        if name.endswith(suffixes):
            return kind
    return None


def walk(source: Path) -> Iterator[str]:
    """The files of `source` (itself if it is a file), sorted, hidden ones and sidecars left out."""
    if not source.is_dir():
        yield str(source)
        return
    for directory, subdirectories, files in os.walk(source):
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and not name.endswith(".meta.json"):
                yield os.path.join(directory, name)


def candidates(sources: list[Path], columns: DumpColumns, problems: list[Problem], max_bytes: int) -> Iterator[Candidate | Skipped]:
    """Every candidate of every source, in order; problems of the containers themselves go to `problems`.

    Only regular files are opened (a FIFO would block the read, a device never end); a page or
    text file is read whole, so it may hold at most `max_bytes`, as a seed may.
    """
    # imported here: those modules build on this one's Candidate
    from qawl.add.dumps import dump_candidates
    from qawl.add.warc import warc_candidates

    for source in sources:
        if not source.exists():
            problems.append(Problem(str(source), "", "no such file or folder"))
            continue
        for path in walk(source):
            kind = kind_of(path)
            if kind is None:
                if source.is_dir():
                    yield Skipped("not an article file (suffix)")
                else:
                    problems.append(Problem(path, "", f"not a kind qawl add reads: give .html/.htm pages, {'/'.join(WARC_SUFFIXES)}, {'/'.join(DUMP_SUFFIXES)} dumps or .txt files"))
                continue
            if kind in ("warc", "dump"):
                try:
                    regular = stat.S_ISREG(os.stat(path).st_mode)
                except OSError as error:
                    problems.append(Problem(path, "", f"cannot be read: {error.strerror}"))
                    continue
                if not regular:
                    problems.append(Problem(path, "", "not a regular file (a FIFO, a device or a socket): only regular files are read"))
                    continue
                yield from warc_candidates(path, problems) if kind == "warc" else dump_candidates(path, columns, problems)
            else:
                try:
                    raw, _ = read_regular_file(path, max_bytes, LIMIT_HINT)
                except UnreadableFile as error:
                    problems.append(Problem(path, "", str(error)))
                    continue
                sidecar = path[: -len(".txt")] + ".meta.json" if kind == "txt" else None
                hints = {"sidecar": sidecar} if sidecar and os.path.exists(sidecar) else {}
                yield Candidate(path, "", kind, raw, kind, hints)
