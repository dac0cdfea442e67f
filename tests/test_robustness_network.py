"""Security: no network anywhere in build, annotate, validate or review, and nothing in the
loading path runs code shipped with the dataset.

The CLI runs in a subprocess whose `sitecustomize` makes every Internet socket operation
(connect, DNS lookup, sendto) raise and records it; the test fails if anything was attempted.
Hugging Face offline switches are removed from the environment on purpose: the point is to
prove they are not needed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import datasets
import pytest

from qawl.project import Project
from tests.conftest import invoke_qawl

GUARD = r'''
import os, socket, traceback

LOG = os.environ["QAWL_NETWORK_LOG"]

def _refuse(what, target):
    with open(LOG, "a", encoding="utf-8") as log:
        log.write(f"{what} {target!r}\n" + "".join(traceback.format_stack(limit=12)) + "\n")
    raise OSError(f"network access refused by the qawl test guard: {what} {target!r}")

def _guard(method):
    original = getattr(socket.socket, method)
    def guarded(self, address, *args):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _refuse(f"socket.{method}", address)
        return original(self, address, *args)
    setattr(socket.socket, method, guarded)

for _method in ("connect", "connect_ex", "sendto"):
    _guard(_method)
socket.getaddrinfo = lambda host, *a, **k: _refuse("getaddrinfo", host)
socket.gethostbyname = lambda host: _refuse("gethostbyname", host)
'''

OFFLINE_SWITCHES = ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY")
LOAD = "import datasets, sys; d = datasets.load_dataset(sys.argv[1], sys.argv[2]); print(sum(s.num_rows for s in d.values()))"


@pytest.fixture
def guarded(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run a Python command line with the network guard; fail on any recorded attempt."""
    site = tmp_path / "guard"
    site.mkdir()
    (site / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    log = tmp_path / "network.log"
    env = {k: v for k, v in os.environ.items() if k not in OFFLINE_SWITCHES}
    env.update(PYTHONPATH=os.pathsep.join([str(site), env.get("PYTHONPATH", "")]), QAWL_NETWORK_LOG=str(log), HF_HOME=str(tmp_path / "hf-home"))

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
        attempts = log.read_text(encoding="utf-8") if log.exists() else ""
        assert not attempts, f"{' '.join(args)} tried to use the network:\n{attempts}"
        return result

    return run


def test_the_guard_catches_a_connection(guarded, tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match="tried to use the network"):
        guarded("-c", "import urllib.request; urllib.request.urlopen('http://example.com', timeout=1)", cwd=tmp_path)


@pytest.mark.slow
def test_build_annotate_validate_review_and_load_never_touch_the_network(guarded, make_project, tmp_path: Path) -> None:
    project: Project = make_project(with_annotations=True)
    for args in (
        ("build", "--preannotate"),
        ("validate",),
        ("review", "export", "--format", "html", "--out", str(tmp_path / "review-html")),
        ("review", "export", "--format", "label-studio", "--out", str(tmp_path / "review-ls")),
    ):
        result = guarded("-m", "qawl", *args, cwd=project.root)
        assert result.returncode == 0, (args, result.stderr[-3000:])
    annotate = guarded("-m", "qawl", "annotate", str(project.seeds / "000_c4096c0fdb543a3e.txt"), cwd=project.root)
    assert annotate.returncode == 0, annotate.stderr[-3000:]
    for config in ("sentences", "documents"):
        loaded = guarded("-c", LOAD, str(project.corpus), config, cwd=tmp_path)
        assert loaded.returncode == 0, loaded.stderr[-3000:]
        assert int(loaded.stdout.split()[-1]) > 0


def test_the_corpus_ships_no_code_and_loads_without_trust_remote_code(make_project, build_once) -> None:
    project: Project = make_project(with_annotations=True)
    build_once(project)
    files = [p.relative_to(project.corpus).as_posix() for p in project.corpus.rglob("*") if p.is_file()]
    assert not [f for f in files if f.endswith((".py", ".pyc", ".pkl", ".pickle", ".so", ".sh"))], files
    assert {Path(f).suffix for f in files} <= {".parquet", ".json", ".md", ".png"}, files  # data, card, plots
    card = (project.corpus / "README.md").read_text(encoding="utf-8")
    assert "configs:" in card and "data_files" in card
    sentences = datasets.load_dataset(str(project.corpus), "sentences")  # trust_remote_code left unset
    assert sum(split.num_rows for split in sentences.values()) > 0


def test_the_html_review_page_escapes_article_text_and_metadata(make_project, tmp_path: Path) -> None:
    hostile = "قال <script>alert('x')</script> المتحدث \"إنّ\" onmouseover=\"alert(1)\" و'<img src=x onerror=alert(2)>' &amp; انتهى.\n"
    sidecar = '{"title": "</title><script>alert(3)</script>", "url": "https://example.com/\\"><script>"}'
    project: Project = make_project(with_seed=False, seeds={"hostile.txt": hostile.encode(), "hostile.meta.json": sidecar.encode()})
    out = tmp_path / "html"
    result = invoke_qawl("review", "export", "--format", "html", "--out", str(out), cwd=project.root)
    assert result.returncode == 0, result.stderr
    pages = [p for p in out.rglob("*.html")]
    assert pages
    page = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    for raw in ("<script", "<img", "</title><", 'onmouseover="alert'):
        assert raw not in page, raw  # no tag opened, no attribute broken out of
    assert "&lt;script&gt;alert" in page and "&lt;/script&gt;" in page  # shown as text (review marks may split it)
    assert "&lt;img src=x onerror=alert(2)&gt;" in page and "&amp;amp;" in page
    assert "onmouseover=&quot;alert(1)&quot;" in page
