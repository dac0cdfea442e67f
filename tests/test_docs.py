"""The docs point at tests that exist: a row of docs/robustness.md names the test that proves it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _test_names() -> set[str]:
    return {m for path in (ROOT / "tests").rglob("test_*.py") for m in re.findall(r"^\s*def (test_\w+)", path.read_text(encoding="utf-8"), re.M)}


def cited_tests(markdown: str) -> set[str]:
    """The test names quoted in the last cell of the table rows."""
    return {name for line in markdown.splitlines() if line.startswith("|") for name in re.findall(r"`(test_\w+)`", line.rsplit("|", 2)[-2])}


def test_every_test_the_robustness_catalogue_cites_exists() -> None:
    cited = cited_tests((ROOT / "docs" / "robustness.md").read_text(encoding="utf-8"))
    assert len(cited) > 100
    assert sorted(cited - _test_names()) == []


def test_a_cited_name_that_is_no_test_is_found() -> None:
    row = "| a case | a message | `test_every_test_the_robustness_catalogue_cites_exists`, `test_that_was_renamed` |"
    assert cited_tests(row) - _test_names() == {"test_that_was_renamed"}
