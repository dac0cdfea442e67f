"""Shared fixtures: small throw-away qawl projects built from the real schema/ and seeds/."""

from __future__ import annotations

import fcntl
import hashlib
import os
import pty
import shutil
import struct
import subprocess
import sys
import termios
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from qawl.project import Project

REPO = Path(__file__).resolve().parents[1]
SEED_ID = "000_c4096c0fdb543a3e"


def run_qawl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the qawl CLI as a user would, in `cwd`."""
    return subprocess.run([sys.executable, "-m", "qawl", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


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


@pytest.fixture
def seed_text() -> str:
    return (REPO / "seeds" / f"{SEED_ID}.txt").read_text(encoding="utf-8")
