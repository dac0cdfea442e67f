"""Lets mutmut see the functions a test reaches through `python -m qawl` in a subprocess (see scripts/mutation.py).

scripts/mutation.py copies this file beside the mutated package as `sitecustomize`, which is loaded
- at the start of every Python process on PYTHONPATH, so a qawl subprocess started while mutmut collects its stats (MUTANT_UNDER_TEST=stats)
  loads mutmut's config from the workspace and, at exit, appends the functions it reached to $QAWL_MUTATION_HITS;
- as a pytest plugin (`-p sitecustomize`) in mutmut's own process, which adds those functions to the test that started the subprocess,
  before mutmut files that test's hits.
Without it every mutant reached only through the CLI would be "no tests" to mutmut.
"""

from __future__ import annotations

import atexit
import os
from pathlib import Path

import pytest

HITS = os.environ.get("QAWL_MUTATION_HITS")
WORKSPACE = Path(__file__).resolve().parents[2]  # <workspace>/mutants/src/<this file>


def _write_hits() -> None:
    from mutmut.state import state

    with open(HITS, "a", encoding="utf-8") as hits:
        hits.write("".join(f"{name}\n" for name in state()._stats))


def _start_recording() -> None:
    from mutmut import configuration

    here = Path.cwd()
    os.chdir(WORKSPACE)  # mutmut reads its config from the working directory's pyproject.toml
    try:
        configuration.config()
    finally:
        os.chdir(here)
    atexit.register(_write_hits)


# At interpreter start, MUTANT_UNDER_TEST is set only in a subprocess: mutmut sets it after it has started.
if HITS and os.environ.get("MUTANT_UNDER_TEST") == "stats":
    _start_recording()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    if not HITS or not os.path.exists(HITS):
        return
    from mutmut.state import state

    state()._stats.update(Path(HITS).read_text(encoding="utf-8").split())
    os.remove(HITS)
