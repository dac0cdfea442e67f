"""Shared fixtures: small throw-away qawl projects built from the real schema/ and seeds/."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import json
import logging
import os
import pty
import shutil
import signal
import struct
import subprocess
import sys
import termios
import threading
from collections.abc import Callable, Hashable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qawl.cli import cli
from qawl.project import Project

REPO = Path(__file__).resolve().parents[1]
SEED_ID = "000_c4096c0fdb543a3e"

# the ray extra is optional: a test of the Ray engine skips where the package is absent (not on a broken import of qawl)
requires_ray = pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="the ray extra is not installed: pip install -e '.[ray]'")


def run_qawl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the qawl CLI as a user would, in `cwd`."""
    return subprocess.run([sys.executable, "-m", "qawl", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


class StillRunning(BaseException):
    """A call stopped by `invoke_qawl(timeout=...)`: a BaseException, so that no `except Exception` of the code under test takes it."""


@contextlib.contextmanager
def stopped_after(seconds: float) -> Iterator[None]:
    """Raise StillRunning in this thread (the main one) after `seconds`: a read blocked on a FIFO fails the test, not hangs it."""

    def stop(signum: int, frame: object) -> None:
        raise StillRunning(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def invoke_qawl(*args: str, cwd: Path, timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """Call the qawl CLI in this process, in `cwd`: its exit code, stdout and stderr as `run_qawl` gives them, without
    starting an interpreter. For what a process of its own proves nothing more about: not signals, terminals, locks,
    or what a process looks up once (`qawl annotate` without --root: the project around the first directory it ran in).
    An exception escapes and fails the test, as a traceback would; so does StillRunning after `timeout` seconds."""
    root_logger = logging.getLogger()
    handlers, level = root_logger.handlers[:], root_logger.level
    root_logger.handlers.clear()  # so that the command's logging.basicConfig writes to its stderr, as in a process of its own
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        with stopped_after(timeout) if timeout else contextlib.nullcontext():
            result = CliRunner().invoke(cli, list(args), catch_exceptions=False, prog_name="python -m qawl")
    finally:
        os.chdir(previous)
        for handler in root_logger.handlers:
            handler.close()
        root_logger.handlers[:] = handlers
        root_logger.setLevel(level)
    return subprocess.CompletedProcess(["qawl", *args], result.exit_code, result.stdout, result.stderr)


def run_qawl_on_a_terminal(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], str]:
    """Run the qawl CLI with its stderr on a terminal 120 columns wide (stdout captured apart): the run, and what the terminal got."""
    terminal, stderr = pty.openpty()
    fcntl.ioctl(stderr, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    received: list[bytes] = []

    def read_terminal() -> None:  # as it comes: a full terminal buffer would stop the command
        while True:
            try:
                chunk = os.read(terminal, 65536)
            except OSError:  # EIO: the command has closed its end
                return
            if not chunk:
                return
            received.append(chunk)

    reader = threading.Thread(target=read_terminal)
    reader.start()
    try:
        done = subprocess.run([sys.executable, "-m", "qawl", *args], cwd=cwd, stdout=subprocess.PIPE, stderr=stderr, text=True, timeout=600)
    finally:
        os.close(stderr)
        reader.join(timeout=10)
        os.close(terminal)
    return done, b"".join(received).decode("utf-8", "replace")


def mount_tmpfs(directory: Path, options: str) -> None:
    """A small file system at `directory` (e.g. "size=4m,nr_inodes=400"), to fill up as a full disk is; the test unmounts it."""
    directory.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(directory)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system to fill: {mounted.stderr.decode()}")


def tree_digest(root: Path) -> dict[str, str]:
    """sha256 of every file under root, by relative path."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Project]:
    """A project with the repository's schema/, and the given seeds and annotations."""

    def make(
        seeds: dict[str, bytes] | None = None,
        with_seed: bool = True,
        with_annotations: bool = False,
    ) -> Project:
        root = tmp_path / "project"
        shutil.copytree(REPO / "schema", root / "schema")
        (root / "seeds").mkdir()
        (root / "annotations").mkdir()
        if with_seed:
            for path in (REPO / "seeds").glob(f"{SEED_ID}*"):
                shutil.copy(path, root / "seeds" / path.name)
        if with_annotations:
            for path in (REPO / "annotations").glob("*.json"):
                shutil.copy(path, root / "annotations" / path.name)
        for name, content in (seeds or {}).items():
            (root / "seeds" / name).write_bytes(content)
        return Project(root)

    return make


def sources_digest(root: Path) -> str:
    """One sha256 over the paths and contents of every file under root."""
    return hashlib.sha256(json.dumps(tree_digest(root), sort_keys=True).encode()).hexdigest()


@pytest.fixture(scope="session")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Project, Hashable, Callable[[], object]], None]:
    """`built_once(project, how, build)`: `build()` in a project not built yet, run once per session (per xdist worker)
    for each distinct project tree and `how`; a project whose tree was built so before gets a copy of what that build
    added (corpus/, the cache, the lock file), byte for byte and with its times, instead of a build of its own."""
    built: dict[tuple[str, Hashable], tuple[Path, list[str]]] = {}

    def once(project: Project, how: Hashable, build: Callable[[], object]) -> None:
        key = sources_digest(project.root), how
        if key not in built:
            before = {path.name for path in project.root.iterdir()}
            build()
            added = sorted({path.name for path in project.root.iterdir()} - before)
            kept = tmp_path_factory.mktemp("built")
            for name in added:
                copy_entry(project.root / name, kept / name)
            built[key] = kept, added
            return
        kept, added = built[key]
        for name in added:
            copy_entry(kept / name, project.root / name)

    return once


@pytest.fixture(scope="session")
def build_once(built_once: Callable[[Project, Hashable, Callable[[], object]], None]) -> Callable[..., None]:
    """`qawl build [args]` in a project not built yet, through `built_once`."""

    def build(project: Project, *args: str) -> None:
        def run() -> None:
            result = invoke_qawl("build", *args, cwd=project.root)
            assert result.returncode == 0, result.stderr

        built_once(project, ("qawl build", args), run)

    return build


@pytest.fixture
def first_build(project: Project, built_once: Callable[[Project, Hashable, Callable[[], object]], None]) -> Callable[..., dict[str, Any]]:
    """`first_build(**options)`: a test's first `build_corpus(project, **options)` of its module's `project`, through
    `built_once` (keyed by the options and the shard size): the manifest."""
    from qawl import publish
    from qawl.build import build_corpus

    def build(**options: Any) -> dict[str, Any]:
        how = ("build_corpus", repr(publish.SHARD_SIZE), repr(sorted(options.items())))
        built_once(project, how, lambda: build_corpus(project, **options))
        return json.loads((project.corpus / "manifest.json").read_text(encoding="utf-8"))

    return build


def copy_entry(source: Path, destination: Path) -> None:
    """Copy a file or a directory tree, with its times."""
    if source.is_dir():
        shutil.copytree(source, destination, symlinks=True)
    else:
        shutil.copy2(source, destination)


@pytest.fixture
def seed_text() -> str:
    return (REPO / "seeds" / f"{SEED_ID}.txt").read_text(encoding="utf-8")
