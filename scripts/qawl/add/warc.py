"""WARC files (warcio): every HTML response record is a candidate page, with the record's URL and date.

A record is taken only whole: its payload digest is checked (warcio), and a record the
file ends inside of is a problem, not a shorter page.
"""

from __future__ import annotations

from collections.abc import Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from qawl.add.sources import Candidate, Skipped
from qawl.schema import Problem

HTML_TYPES = ("text/html", "application/xhtml+xml")


def warc_candidates(path: str, problems: list[Problem]) -> Iterator[Candidate | Skipped]:
    """The HTML responses of a WARC file, in order; other records are skipped, a damaged file is a problem."""
    at = "record 1"  # where a failure to read would be
    try:
        with open(path, "rb") as stream:
            for number, record in enumerate(ArchiveIterator(stream, check_digests="raise"), start=1):
                at = f"record {number}"
                candidate = _candidate(path, number, record, problems)
                if candidate is None:
                    return
                at = f"after record {number}"
                yield candidate
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as error:
        problems.append(Problem(path, at, f"not a readable WARC record ({error}); the records before it were read"))


def _candidate(path: str, number: int, record: ArcWarcRecord, problems: list[Problem]) -> Candidate | Skipped | None:
    """A record as a candidate page, or skipped; None (and a problem) for a record the file ends inside of."""
    if record.rec_type != "response":
        return Skipped(f"WARC {record.rec_type} record")
    url = record.rec_headers.get_header("WARC-Target-URI")
    status = record.http_headers.get_statuscode() if record.http_headers else None
    content_type = (record.http_headers.get_header("Content-Type") or "") if record.http_headers else ""
    if not content_type.lower().startswith(HTML_TYPES):
        return Skipped("WARC response not HTML")
    if status != "200":
        return Skipped(f"WARC response with HTTP status {status}")
    place = f"record {number} ({url})"
    payload = record.content_stream().read()
    if record.raw_stream.limit:  # the file ended inside the record: its digest could not even be checked
        problems.append(Problem(path, place, f"the file ends {record.raw_stream.limit} byte(s) before this record does (a truncated WARC file): not added"))
        return None
    return Candidate(path, place, "html", payload, "warc", {"url": url, "crawled": record.rec_headers.get_header("WARC-Date")})
