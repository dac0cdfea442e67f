"""Reading a JSON file that a person wrote or a tool exported, strictly.

`json.loads` keeps the last of two equal keys, turns `"\\ud800"` into a string that
cannot be written back as UTF-8, recurses until RecursionError on deep nesting,
and `open` waits forever on a FIFO. `read_json_file` refuses each of these with
a `Problem` naming the file and the place, so that no caller can trip on them later.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from qawl.schema import Problem

MAX_DEPTH = 64  # arrays and objects inside each other; an annotation layer needs 5, a Label Studio export about 12
MAX_INTEGER = 2**63 - 1  # what a 64-bit integer holds (Arrow, orjson and SQLite stop there)
_KINDS = {stat.S_IFDIR: "a directory", stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}


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


def value_problems(value: Any, file: str, integers_only: bool = False) -> list[Problem]:
    """What makes a parsed JSON value unsafe to use: lone surrogates, repeated keys, nesting deeper
    than MAX_DEPTH, integers beyond 64 bits, and (with `integers_only`) any fraction such as 71.0.

    Walks the value without recursion, so that its own depth cannot stop it.
    """
    problems: list[Problem] = []
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        item, pointer, depth = stack.pop()
        place = pointer or "/"
        if isinstance(item, str):
            if not _encodable(item):
                problems.append(Problem(file, place, "a lone surrogate (\\ud800-\\udfff) in a string; it is not text and cannot be written as UTF-8"))
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int):
            if abs(item) > MAX_INTEGER:
                problems.append(Problem(file, place, f"integer {str(item)[:30]}{'…' if len(str(item)) > 30 else ''} does not fit in 64 bits"))
        elif isinstance(item, float):
            if integers_only:
                problems.append(Problem(file, place, f"{item!r} is not an integer (write whole numbers without a decimal point)"))
        elif depth >= MAX_DEPTH:
            problems.append(Problem(file, place, f"nested deeper than {MAX_DEPTH} levels"))
        elif isinstance(item, dict):
            if isinstance(item, _Object):
                problems += [Problem(file, place, f"key {key!r} appears more than once (JSON keeps only the last; remove the others)") for key in item.repeated]
            for key, member in item.items():
                if not _encodable(key):
                    problems.append(Problem(file, place, "a lone surrogate (\\ud800-\\udfff) in a key; it is not text and cannot be written as UTF-8"))
                stack.append((member, f"{pointer}/{_pointer_part(key)}", depth + 1))
        else:
            stack += [(member, f"{pointer}/{n}", depth + 1) for n, member in enumerate(item)]
    return sorted(problems, key=lambda problem: problem.place) if len(problems) > 1 else problems


def parse_json(text: str, file: str, integers_only: bool = False) -> tuple[Any, list[Problem]]:
    """A JSON document parsed strictly (see `value_problems`); None with the problems when it cannot be used."""
    try:
        value = json.loads(text, object_pairs_hook=_object)
    except json.JSONDecodeError as error:
        return None, [Problem(file, f"line {error.lineno}, column {error.colno}", f"invalid JSON: {error.msg}")]
    except RecursionError:
        return None, [Problem(file, "", f"invalid JSON: nested deeper than {MAX_DEPTH} levels")]
    problems = value_problems(value, file, integers_only)
    return (None if problems else value), problems


def read_text_file(path: str | Path) -> tuple[str | None, list[Problem]]:
    """The UTF-8 text of `path`, or None and why not: not a regular file (a directory or a FIFO
    is never opened), unreadable, or not UTF-8."""
    file = str(path)
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            return None, [Problem(file, "", f"is {_KINDS.get(stat.S_IFMT(mode), 'a special file')}, not a regular file")]
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        return None, [Problem(file, "", f"cannot read: {error.strerror or error}")]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as error:
        return None, [Problem(file, f"byte {error.start}", "not valid UTF-8")]


def read_json_file(path: str | Path, integers_only: bool = False) -> tuple[Any, list[Problem]]:
    """The JSON value in `path`, or None and why it cannot be used: what `read_text_file` refuses,
    invalid JSON, or unsafe (`value_problems`)."""
    text, problems = read_text_file(path)
    if text is None:
        return None, problems
    return parse_json(text, str(path), integers_only)
