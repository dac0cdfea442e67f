"""JSONL, CSV and Parquet dumps: one article a row, read as a stream (a dump larger than memory is fine).

`DumpColumns` names the column of each field. A column the user named that the dump
lacks is one problem for the file; a row that cannot be read, or whose text is
missing or empty, is a problem for that row, and the rows around it are still read.
"""

from __future__ import annotations

import csv
import gzip
import re
import sys
from collections.abc import Iterable, Iterator
from typing import Any

import orjson
import pyarrow.parquet as pq

from qawl.add.sources import Candidate, DumpColumns
from qawl.schema import Problem

PARQUET_BATCH_ROWS = 1024
_ISO_DATE = re.compile(r"^(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?:$|[T ])")
FIELDS = ("text", "id", "title", "url", "date", "publisher")


def dump_candidates(path: str, columns: DumpColumns, problems: list[Problem]) -> Iterator[Candidate]:
    """The rows of a dump, by its suffix, as candidates."""
    name = path.lower()
    if name.endswith(".parquet"):
        return _rows_to_candidates(path, "parquet", "row", _parquet_rows(path, columns, problems), columns, problems)
    if name.endswith(".csv"):
        return _rows_to_candidates(path, "csv", "row", _csv_rows(path, columns, problems), columns, problems)
    return _rows_to_candidates(path, "jsonl", "line", _jsonl_rows(path, problems), columns, problems)


def _missing_columns(path: str, present: Iterable[str], columns: DumpColumns) -> list[Problem]:
    """A problem for each column the user named, or the text column, that the dump does not have."""
    present = set(present)
    wanted = sorted({getattr(columns, f) for f in columns.given} | {columns.text})
    return [Problem(path, "columns", f"no column {name!r} (columns: {', '.join(sorted(present)) or 'none'}); name the right one with --{next(f for f in FIELDS if getattr(columns, f) == name)}") for name in wanted if name not in present]


def _jsonl_rows(path: str, problems: list[Problem]) -> Iterator[tuple[int, dict[str, Any] | None]]:
    opener = gzip.open if path.lower().endswith(".gz") else open
    with opener(path, "rb") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = orjson.loads(line)
            except orjson.JSONDecodeError as error:
                problems.append(Problem(path, f"line {number}", f"not JSON ({error})"))
                yield number, None
                continue
            if not isinstance(row, dict):
                problems.append(Problem(path, f"line {number}", f"a JSON {type(row).__name__}, not an object with one article"))
                row = None
            yield number, row


def _csv_rows(path: str, columns: DumpColumns, problems: list[Problem]) -> Iterator[tuple[int, dict[str, Any] | None]]:
    csv.field_size_limit(sys.maxsize)  # an article is one field, often longer than csv's default 128 KiB
    with open(path, newline="", encoding="utf-8-sig", errors="strict") as handle:
        reader = csv.DictReader(handle)
        try:
            header = reader.fieldnames or []
        except UnicodeDecodeError as error:
            problems.append(Problem(path, "line 1", f"not valid UTF-8 ({error.reason}); re-save the file as UTF-8"))
            return
        if missing := _missing_columns(path, header, columns):
            problems.extend(missing)
            return
        number = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except (UnicodeDecodeError, csv.Error) as error:
                problems.append(Problem(path, f"row {number + 1} (line {reader.line_num})", f"cannot be read ({error}); the rest of the file is not read"))
                return
            number += 1
            yield number, row


def _parquet_rows(path: str, columns: DumpColumns, problems: list[Problem]) -> Iterator[tuple[int, dict[str, Any] | None]]:
    try:
        parquet = pq.ParquetFile(path)
    except Exception as error:  # pyarrow raises ArrowInvalid, OSError and others for a file that is not Parquet
        problems.append(Problem(path, "", f"not a readable Parquet file ({error})"))
        return
    present = parquet.schema_arrow.names
    if missing := _missing_columns(path, present, columns):
        problems.extend(missing)
        return
    wanted = [name for name in {getattr(columns, f) for f in FIELDS} if name in present]
    number = 0
    for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=wanted):
        for row in batch.to_pylist():
            number += 1
            yield number, row


def _text_value(value: Any) -> str | None:
    """A cell as text: None for an empty or missing one."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _rows_to_candidates(path: str, source: str, unit: str, rows: Iterator[tuple[int, dict[str, Any] | None]], columns: DumpColumns, problems: list[Problem]) -> Iterator[Candidate]:
    for number, row in rows:
        if row is None:
            continue
        place = f"{unit} {number}"
        text = row.get(columns.text)
        if not isinstance(text, str) or not text.strip():
            problems.append(Problem(path, place, f"no article text in column {columns.text!r}" + ("" if text is None else f" (found {type(text).__name__} {str(text)[:40]!r})")))
            continue
        hints: dict[str, Any] = {field: _text_value(row.get(getattr(columns, field))) for field in ("id", "title", "url", "publisher")}
        date = _text_value(row.get(columns.date))
        if date is not None:
            match = _ISO_DATE.match(date)
            if match is None:
                problems.append(Problem(path, place, f"date {date!r} in column {columns.date!r} is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD, a time may follow)"))
                continue
            hints["published"] = match.group(1)
        if hints["url"] is not None and not re.match(r"^https?://", hints["url"]):
            problems.append(Problem(path, place, f"url {hints['url']!r} in column {columns.url!r} is not an http(s) URL"))
            continue
        yield Candidate(path, place, "text", text, source, hints)
