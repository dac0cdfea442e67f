"""Reading a file that a person wrote or a tool exported, strictly.

`open` waits forever on a FIFO and `/dev/zero` never ends: `read_regular_file` reads
regular files only, up to a size. `json.loads` keeps the last of two equal keys, turns
`"\\ud800"` into a string that cannot be written back as UTF-8 and recurses until
RecursionError on deep nesting: `read_json_file` refuses each of these with a `Problem`
naming the file and the place, so that no caller can trip on them later.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from qawl.schema import Problem

MAX_DEPTH = 64  # arrays and objects inside each other; an annotation layer needs 5, a Label Studio export about 12
INTEGERS = range(-(2**63), 2**63)  # what a 64-bit integer holds (Arrow, orjson and SQLite stop there)
FILE_KINDS = {stat.S_IFDIR: "a directory", stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}


class UnreadableFile(Exception):
    """A file that is not read: not a regular file, too large, or an OS error; the message says which."""


def read_regular_file(path: str | Path, max_bytes: int | None = None, limit_hint: str = "") -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file (of at most `max_bytes`), and its status when it was read.

    Anything else is refused before it is read: a FIFO would block the open and a
    device (/dev/zero) never ends. The file is opened non-blocking and checked again
    by its descriptor, in case it was swapped between the two looks. `limit_hint` says
    where the limit is set, for the message.
    """
    try:
        _check_status(os.stat(path), max_bytes, limit_hint)
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise UnreadableFile(f"cannot be read: {error.strerror or error}") from None
    with os.fdopen(descriptor, "rb") as file:
        status = os.fstat(descriptor)
        _check_status(status, max_bytes, limit_hint)
        raw = file.read() if max_bytes is None else file.read(max_bytes + 1)
    if max_bytes is not None and len(raw) > max_bytes:  # it grew while it was read
        raise UnreadableFile(f"more than {max_bytes} bytes, above the limit{limit_hint}")
    return raw, status


def _check_status(status: os.stat_result, max_bytes: int | None, limit_hint: str) -> None:
    if not stat.S_ISREG(status.st_mode):
        kind = FILE_KINDS.get(stat.S_IFMT(status.st_mode), "a special file")
        raise UnreadableFile(f"not a regular file ({kind}): only regular files are read")
    if max_bytes is not None and status.st_size > max_bytes:
        raise UnreadableFile(f"{status.st_size} bytes, above the limit of {max_bytes} bytes{limit_hint}")


class _Object(dict):  # type: ignore[type-arg]
    """A JSON object that had a key twice: the keys, for the report."""

    repeated: list[str]


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) == len(pairs):
        return value
    repeated = _Object(value)
    seen: set[str] = set()
    repeated.repeated = sorted({key for key, _ in pairs if key in seen or seen.add(key)})  # type: ignore[func-returns-value]
    return repeated


def _pointer_part(key: str | int) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _encodable(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def value_problems(value: Any, file: str, integers_only: bool = False, scalars: bool = True) -> list[Problem]:
    """What makes a parsed JSON value unsafe to use: lone surrogates, repeated keys, nesting deeper
    than MAX_DEPTH, integers beyond 64 bits, and (with `integers_only`) any fraction such as 71.0.
    `scalars=False` checks the arrays and objects only (`parse_json` knows when the text has no bad scalar).

    Walks the value without recursion, so that its own depth cannot stop it.
    """
    problems: list[Problem] = []
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    nested = (dict, list) if not scalars else (dict, list, str, int, float)
    while stack:
        item, pointer, depth = stack.pop()
        place = pointer or "/"
        if isinstance(item, str):
            if not _encodable(item):
                problems.append(Problem(file, place, "a lone surrogate (\\ud800-\\udfff) in a string; it is not text and cannot be written as UTF-8"))
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int):
            if item not in INTEGERS:
                problems.append(Problem(file, place, f"integer {str(item)[:30]}{'…' if len(str(item)) > 30 else ''} does not fit in 64 bits"))
        elif isinstance(item, float):
            if integers_only:
                problems.append(Problem(file, place, f"{item!r} is not an integer (write whole numbers without a decimal point)"))
        elif depth >= MAX_DEPTH:
            problems.append(Problem(file, place, f"nested deeper than {MAX_DEPTH} levels"))
        elif isinstance(item, dict):
            if isinstance(item, _Object):
                problems += [Problem(file, place, f"key {key!r} appears more than once (JSON keeps only the last; remove the others)") for key in item.repeated]
            if scalars:
                problems += [Problem(file, place, "a lone surrogate (\\ud800-\\udfff) in a key; it is not text and cannot be written as UTF-8") for key in item if not _encodable(key)]
            stack += [(member, f"{pointer}/{_pointer_part(key)}", depth + 1) for key, member in item.items() if isinstance(member, nested)]
        elif isinstance(item, list):
            stack += [(member, f"{pointer}/{n}", depth + 1) for n, member in enumerate(item) if isinstance(member, nested)]
    return sorted(problems, key=lambda problem: problem.place) if len(problems) > 1 else problems


class _Scalars:
    """Whether a JSON text holds an integer of 19 digits or more, or a number with a fraction or exponent."""

    def __init__(self) -> None:
        self.long_integer = self.fraction = False

    def integer(self, digits: str) -> int:
        self.long_integer = self.long_integer or len(digits.lstrip("-")) >= 19
        return int(digits)

    def number(self, digits: str) -> float:
        self.fraction = True
        return float(digits)


def parse_json(text: str, file: str, integers_only: bool = False) -> tuple[Any, list[Problem]]:
    """A JSON document parsed strictly (see `value_problems`); None with the problems when it cannot be used."""
    scalars = _Scalars()
    try:
        value = json.loads(text, object_pairs_hook=_object, parse_int=scalars.integer, parse_float=scalars.number)
    except json.JSONDecodeError as error:
        return None, [Problem(file, f"line {error.lineno}, column {error.colno}", f"invalid JSON: {error.msg}")]
    except RecursionError:
        return None, [Problem(file, "", f"invalid JSON: nested deeper than {MAX_DEPTH} levels")]
    # a surrogate comes only from an escape (UTF-8 text has none): without one, only the arrays and objects need a look
    suspect = "\\ud" in text or "\\uD" in text or scalars.long_integer or (integers_only and scalars.fraction)
    problems = value_problems(value, file, integers_only, scalars=suspect)
    return (None if problems else value), problems


def read_text_file(path: str | Path, max_bytes: int | None = None, limit_hint: str = "") -> tuple[str | None, list[Problem]]:
    """The UTF-8 text of `path`, or None and why not: what `read_regular_file` refuses, or not UTF-8."""
    file = str(path)
    try:
        raw, _ = read_regular_file(path, max_bytes, limit_hint)
    except UnreadableFile as error:
        return None, [Problem(file, "", str(error))]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as error:
        return None, [Problem(file, f"byte {error.start}", "not valid UTF-8")]


def read_json_file(path: str | Path, integers_only: bool = False, max_bytes: int | None = None, limit_hint: str = "") -> tuple[Any, list[Problem]]:
    """The JSON value in `path`, or None and why it cannot be used: what `read_text_file` refuses,
    invalid JSON, or unsafe (`value_problems`)."""
    text, problems = read_text_file(path, max_bytes, limit_hint)
    if text is None:
        return None, problems
    return parse_json(text, str(path), integers_only)
