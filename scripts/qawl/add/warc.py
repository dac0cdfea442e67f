"""WARC files (warcio): every HTML response record is a candidate page, with the record's URL and date."""

from __future__ import annotations

from collections.abc import Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from qawl.add.sources import Candidate, Skipped
from qawl.schema import Problem

HTML_TYPES = ("text/html", "application/xhtml+xml")


def warc_candidates(path: str, problems: list[Problem]) -> Iterator[Candidate | Skipped]:
    """The HTML responses of a WARC file, in order; other records are skipped, a damaged file is a problem."""
    number = 0
    try:
        with open(path, "rb") as stream:
            for number, record in enumerate(ArchiveIterator(stream), start=1):
                if record.rec_type != "response":
                    yield Skipped(f"WARC {record.rec_type} record")
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                place = f"record {number} ({url})"
                status = record.http_headers.get_statuscode() if record.http_headers else None
                content_type = (record.http_headers.get_header("Content-Type") or "") if record.http_headers else ""
                if not content_type.lower().startswith(HTML_TYPES):
                    yield Skipped("WARC response not HTML")
                    continue
                if status != "200":
                    yield Skipped(f"WARC response with HTTP status {status}")
                    continue
                payload = record.content_stream().read()
                hints = {"url": url, "crawled": record.rec_headers.get_header("WARC-Date")}
                yield Candidate(path, place, "html", payload, "warc", hints)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as error:
        problems.append(Problem(path, f"after record {number}", f"not a readable WARC file ({error}); the records before it were read"))
