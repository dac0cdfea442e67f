"""Figures of `qawl add`: extraction precision and recall by paragraph, pages per second, MinHash libraries.

Extraction is scored on saved pages with the article marked beside each one
(`<page>.article.json`: its `paragraphs`, as tests/fixtures/pages has them): an
extracted line is right when it is one of the article's paragraphs.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qawl.add.dedup import NUM_PERM, SEED, shingles
from qawl.add.html import article_lines, extract_page

MARKED_SUFFIX = ".article.json"


@dataclass(frozen=True)
class PageScore:
    page: str
    found: int  # article paragraphs extracted
    extracted: int  # lines extracted
    marked: int  # article paragraphs marked
    furniture: list[str]  # extracted lines that are not the article's
    missed: list[str]  # article paragraphs not extracted


def marked_pages(pages_dir: Path) -> list[tuple[Path, dict[str, Any]]]:
    """The saved pages of `pages_dir` that have their article marked, sorted, with what is marked."""
    return [(page, json.loads(page.with_suffix(MARKED_SUFFIX).read_text(encoding="utf-8"))) for page in sorted(pages_dir.glob("*.html")) if page.with_suffix(MARKED_SUFFIX).exists()]


def score_page(page: Path, marked: dict[str, Any]) -> PageScore:
    extracted = extract_page(page.read_bytes())
    lines = article_lines(extracted.text, extracted.title) if extracted else []
    article = marked["paragraphs"]
    return PageScore(page.name, sum(line in article for line in lines), len(lines), len(article), [line for line in lines if line not in article], [p for p in article if p not in lines])


def paragraph_scores(pages_dir: Path) -> dict[str, Any]:
    """Precision and recall by paragraph over every marked page, and each page's score."""
    pages = [score_page(page, marked) for page, marked in marked_pages(pages_dir)]
    found, extracted, marked = (sum(getattr(p, name) for p in pages) for name in ("found", "extracted", "marked"))
    return {"pages": pages, "precision": found / extracted if extracted else 0.0, "recall": found / marked if marked else 0.0}


def pages_per_second(pages_dir: Path, project_root: Path, copies: int, workers: int) -> dict[str, float]:
    """Pages per second of `qawl add` (into a scratch project) and of the extractor alone, on the same pages.

    The marked pages are copied `copies` times under new URLs. Each figure is taken in a fresh
    process, after a warm-up (`_warm_up`): trafilatura and htmldate cache what they parse, so the
    second run over the same pages in one process would be the faster whichever it is.
    """
    with tempfile.TemporaryDirectory(prefix="qawl-add-bench-") as scratch:
        folder = Path(scratch) / "pages"
        folder.mkdir()
        for page, _ in marked_pages(pages_dir):
            html = page.read_text(encoding="utf-8")
            for n in range(copies):
                (folder / f"{page.stem}-{n}.html").write_text(html.replace(".example/", f".example/copy{n}/"), encoding="utf-8")
        root = Path(scratch) / "project"
        shutil.copytree(project_root / "schema", root / "schema")
        fresh = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(1, mp_context=fresh) as process:
            extractor = process.submit(_time_extractor, folder).result()
        with ProcessPoolExecutor(1, mp_context=fresh) as process:
            seconds, added = process.submit(_time_add, folder, root, workers).result()
    pages = copies * len(marked_pages(pages_dir))
    return {"pages": pages, "added": added, "extractor_pages_per_s": pages / extractor, "add_pages_per_s": pages / seconds, "workers": workers}


def _warm_up(folder: Path) -> None:
    """Extract one copy of each page: htmldate's search of a page's text has dateparser compile its
    languages' patterns (about 7 s), once a process; the pool's workers are forked after this."""
    for path in sorted(folder.glob("*-0.html")):
        extract_page(path.read_bytes())


def _time_extractor(folder: Path) -> float:
    pages = sorted(folder.iterdir())
    _warm_up(folder)
    started = time.perf_counter()
    for path in pages:
        extract_page(path.read_bytes())
    return time.perf_counter() - started


def _time_add(folder: Path, root: Path, workers: int) -> tuple[float, int]:
    from qawl.add.prepare import detect_language
    from qawl.add.run import add_sources
    from qawl.project import Project

    _warm_up(folder)
    detect_language("نص")  # py3langid loads its model (3 s) on its first call; the pool's workers are forked after it
    multiprocessing.set_start_method("fork", force=True)  # as in `qawl add`: this process was spawned, and its children would be too
    started = time.perf_counter()
    summary = add_sources(Project(root), [folder], workers=workers)
    return time.perf_counter() - started, summary.added


def minhash_speeds(articles: int = 300, words: int = 400) -> dict[str, float | None]:
    """Signatures per second of rensa and datasketch (None: not installed) on the same shingled texts."""
    from rensa import RMinHash

    generator = random.Random(0)
    vocabulary = [f"كلمة{n}" for n in range(5000)]
    texts = [shingles(" ".join(generator.choice(vocabulary) for _ in range(words))) for _ in range(articles)]
    started = time.perf_counter()
    for text in texts:
        RMinHash(NUM_PERM, SEED).update(text)
    speeds: dict[str, float | None] = {"rensa": articles / (time.perf_counter() - started), "datasketch": None}
    try:
        from datasketch import MinHash
    except ImportError:
        return speeds
    started = time.perf_counter()
    for text in texts:
        MinHash(num_perm=NUM_PERM, seed=SEED).update_batch([shingle.encode() for shingle in text])
    speeds["datasketch"] = articles / (time.perf_counter() - started)
    return speeds


def format_report(scores: dict[str, Any], speeds: dict[str, float] | None, minhash: dict[str, float | None] | None) -> str:
    lines = [f"extraction by paragraph on {len(scores['pages'])} marked pages: precision {scores['precision']:.3f}, recall {scores['recall']:.3f}"]
    for page in scores["pages"]:
        lines.append(f"  {page.page}: {page.found}/{page.extracted} extracted lines are the article's, {page.found}/{page.marked} of its paragraphs found")
        lines += [f"    furniture: {line[:80]}" for line in page.furniture] + [f"    missed: {line[:80]}" for line in page.missed]
    if speeds:
        lines.append(
            f"pages per second on {speeds['pages']} pages ({speeds['added']} added, the rest the same texts under other URLs): qawl add {speeds['add_pages_per_s']:.1f} ({speeds['workers']} worker(s)), "
            f"trafilatura + htmldate alone {speeds['extractor_pages_per_s']:.1f} (1 process): ratio {speeds['add_pages_per_s'] / speeds['extractor_pages_per_s']:.2f}"
        )
    if minhash:
        datasketch = minhash["datasketch"]
        compared = f"datasketch {datasketch:.0f}: rensa is {minhash['rensa'] / datasketch:.1f}x as fast" if datasketch else "datasketch not installed (pip install datasketch to compare)"
        lines.append(f"MinHash signatures per second ({NUM_PERM} permutations, 5-word shingles): rensa {minhash['rensa']:.0f}, {compared}")
    return "\n".join(lines)
