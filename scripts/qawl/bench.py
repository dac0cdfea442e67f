"""`qawl bench`: throughput, scaling and memory of the build on a synthetic corpus.

The corpus is generated from templates and an open vocabulary into a temporary
directory, clearly marked synthetic, and never published. Every ratio is measured in one run,
against a baseline on the same input (bare `spacy.blank("ar")` tokenization).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import spacy
from tqdm import tqdm

from qawl.build import DOCUMENTS_PER_BATCH, build_corpus, collector_off_what_is_loaded
from qawl.ingest import SIDECAR_SUFFIX, iter_documents
from qawl.merge import PreAnnotator, build_rows, check_layer, read_targets
from qawl.project import Project
from qawl.publish import (
    CONFIGS,
    Record,
    SHARD_SIZE,
    ShardWriter,
    config_arrow_schemas,
    encode_records,
    split_tables,
)
from qawl.schema import Schemas
from qawl.segment import split_sentences, tokenize

GIVEN = ["سامر", "ليلى", "نادر", "هدى", "كريم", "رنا", "وليد", "منى", "طارق", "سلمى", "فادي", "دينا"]
FAMILY = ["الحداد", "النجار", "العطار", "الخطيب", "البنا", "الصباغ", "القاضي", "الشامي"]
TITLES = ["وزير المالية", "المتحدث باسم الحكومة", "رئيس البرلمان", "عضو اللجنة الاقتصادية", "محافظ البنك المركزي"]
PLACES = ["القاهرة", "بيروت", "عمّان", "الرياض", "الدوحة", "تونس", "الرباط", "غزة", "دمشق", "أربيل"]
ORGS = ["وزارة الصحة", "هيئة الطاقة", "مجلس النواب", "الاتحاد العام للعمال", "وكالة الأنباء الرسمية"]
OUTLETS = ["«الصحيفة»", "\"الإذاعة\"", "“الموقع”"]
CLAUSES = [
    "الحكومة ستعلن خطة جديدة لدعم الأسعار خلال الأسابيع المقبلة",
    "المفاوضات مع الجهات المانحة وصلت إلى مرحلة متقدمة",
    "نسبة التضخم تراجعت إلى 4.5 في المئة مقارنة بالعام الماضي",
    "الوضع الأمني في المدينة مستقر رغم التوتر على الحدود",
    "المشروع سيوفر آلاف فرص العمل للشباب في المحافظات",
]
DIRECT = ["لن نقبل بأي تأجيل. الموعد نهائي", "نحن أمام مرحلة صعبة، لكننا قادرون على تجاوزها", "الأولوية اليوم هي حماية المواطنين"]


# The open vocabulary: words drawn by a Zipf law from a million made-up forms, so that, as in
# real text, the corpus keeps meeting new words (about 20,000 distinct forms in 10,000 sentences,
# 125,000 in 100,000), and memory that grows with the vocabulary shows in the figures.
OPEN_VOCABULARY = 1_000_000
OPEN_WORDS_PER_CLAUSE = 6
LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def open_word(rank: int) -> str:
    """The made-up word of the open vocabulary at `rank`: 3 to 8 letters, the same in every run."""
    digest = hashlib.blake2b(rank.to_bytes(4, "little"), digest_size=9).digest()
    return "".join(LETTERS[b % len(LETTERS)] for b in digest[1 : 4 + digest[0] % 6])


def synthetic_article(rng: random.Random, sentences: int) -> str:
    """One synthetic news article: a heading, then reported speech and plain sentences."""
    def person() -> str:
        return f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"

    def clause() -> str:
        rare = " ".join(open_word(int(OPEN_VOCABULARY ** rng.random())) for _ in range(OPEN_WORDS_PER_CLAUSE))
        return f"{rng.choice(CLAUSES)} {rare}"

    templates: list[Callable[[], str]] = [
        lambda: f"وقال {rng.choice(TITLES)} {person()} إن {clause()}.",
        lambda: f"وأكدت {rng.choice(ORGS)} في بيان، الخميس، أن {clause()}، مشيرة إلى أن {clause()}.",
        lambda: f"{person()}، {rng.choice(TITLES)}، قال لـ{rng.choice(OUTLETS)} إن {clause()}.",
        lambda: f"وأضاف: «{rng.choice(DIRECT)}».",
        lambda: f"وشهدت {rng.choice(PLACES)} خلال الأسبوع الماضي احتجاجات محدودة، بحسب د. {person()}.",
    ]
    lines = [f"{rng.choice(PLACES)}: خطة جديدة بعد اجتماع {rng.choice(ORGS)}"]
    paragraph: list[str] = []
    for _ in range(sentences):
        paragraph.append(rng.choice(templates)())
        if len(paragraph) == 3:
            lines.append(" ".join(paragraph))
            paragraph = []
    if paragraph:
        lines.append(" ".join(paragraph))
    return "\n".join(lines) + "\n"


SYNTHETIC_METADATA = {
    "publisher": "qawl bench (synthetic)",
    "language": "ar",
    "license": "CC0-1.0",
    "notes": "Generated from templates by `qawl bench` to measure the build: not news, never published.",
}


def write_synthetic_seed(seeds: Path, doc_id: str, text: str) -> None:
    """A synthetic article and its sidecar, which says it is synthetic."""
    (seeds / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    metadata = {"title": text.split("\n", 1)[0], **SYNTHETIC_METADATA}
    (seeds / f"{doc_id}{SIDECAR_SUFFIX}").write_text(json.dumps(metadata, ensure_ascii=False), encoding="utf-8")


def make_synthetic_project(
    root: Path, documents: int, sentences_per_document: int, source: Project, seed: int = 7, with_gold: bool = False
) -> Project:
    """A throw-away project: the real schema/ and targets, synthetic seeds with sidecars saying so.

    `with_gold`: also the source's gold documents (seed, sidecar, layer), which the pre-annotator learns names from.
    """
    shutil.copytree(source.schema_dir, root / "schema")
    (root / "seeds").mkdir(parents=True)
    (root / "annotations").mkdir()
    if (source.annotations / "targets.json").exists():
        shutil.copy(source.annotations / "targets.json", root / "annotations" / "targets.json")
    for layer in source.gold_layers() if with_gold else []:
        shutil.copy(layer, root / "annotations" / layer.name)
        for part in source.seeds.glob(f"{layer.stem}.*"):
            shutil.copy(part, root / "seeds" / part.name)
    rng = random.Random(seed)
    for n in range(documents):
        text = synthetic_article(rng, sentences_per_document)
        write_synthetic_seed(root / "seeds", f"synthetic-{n:07d}", text)
    return Project(root)


def add_an_article_first(project: Project, sentences: int, seed: int = 13) -> str:
    """Add a synthetic article whose id sorts before every other: without gold, it is in split silver with the others.

    Where shards were cut every n documents, every later document of the split would move to another shard.
    """
    doc_id = "0-added-0"
    text = synthetic_article(random.Random(seed), sentences)
    write_synthetic_seed(project.seeds, doc_id, text)
    return doc_id


RELABELLED = {"PERSON": "NORP", "NORP": "PERSON", "ORG": "GPE", "GPE": "ORG", "LOC": "GPE"}


def relabel_name(layer: dict[str, Any], is_name: Callable[[str], bool], label: str) -> None:
    """A review that relabels a name: its mentions and the other mentions of their chains (a chain has one label)."""
    ids = {e["id"] for e in layer["entities"] if is_name(e["text"])}
    ids |= {i for chain in layer.get("chains", []) if ids & set(chain["entities"]) for i in chain["entities"]}
    for entity in layer["entities"]:
        if entity["id"] in ids:
            entity["label"] = label


def relabel_a_gold_name(project: Project) -> str | None:
    """Give the first relabellable gold name of the project another label, everywhere in its layer and its chains, as a
    review would (the name, or None if there is none)."""
    for path in project.gold_layers():
        layer = json.loads(path.read_text(encoding="utf-8"))
        entity = next((e for e in layer.get("entities", []) if e.get("label") in RELABELLED), None)
        if entity is not None:
            relabel_name(layer, lambda text: text == entity["text"], RELABELLED[entity["label"]])
            path.write_text(json.dumps(layer, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            return entity["text"]
    return None


@contextmanager
def stopwatch(times: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    times[name] = times.get(name, 0.0) + time.perf_counter() - start


def stage_times(project: Project, preannotate: PreAnnotator, out: Path) -> dict[str, float]:
    """Seconds spent in each stage, running them one after another in this process (the synthetic seeds are valid).

    As in the build, the rows of DOCUMENTS_PER_BATCH documents are encoded together, and
    shards end where SHARD_SIZE says (all in one split here).
    """
    times: dict[str, float] = {}
    schemas = Schemas(project.schema_dir)
    targets, problems = read_targets(project.annotations, schemas)
    arrow = config_arrow_schemas(schemas, "0.0.0")  # once per build process, as in the build
    shards = (ShardWriter(out, arrow, "train", number, "0.0.0") for number in itertools.count())
    writer, in_shard = next(shards), 0
    documents = iter_documents(project.seeds, schemas, problems)
    batch: list[dict[str, list[Record]]] = []
    batch_ids: list[str] = []
    while True:
        with stopwatch(times, "ingest"):
            document = next(documents, None)
        if document is not None:
            with stopwatch(times, "segment"):
                sentences = split_sentences(document.doc_id, document.text)
            with stopwatch(times, "tokenize"):
                tokens = tokenize(s.text for s in sentences)
            with stopwatch(times, "annotate"):
                layer = preannotate(document.doc_id, document.text, document.sha256, [(s.start, s.end) for s in sentences])
            with stopwatch(times, "merge"):
                check_layer(layer, document, sentences, targets, document.source)
                rows = build_rows(document, sentences, tokens, layer, "silver")
            with stopwatch(times, "derive"):
                # the documents config (one row per article) is left out of the stage split
                batch.append({c.name: c.derive({}, rows) if c.name != "documents" else [] for c in CONFIGS})
                batch_ids.append(document.doc_id)
            with stopwatch(times, "validate"):
                for config in CONFIGS:
                    for record in batch[-1][config.name]:
                        schemas.is_valid(config.schema, record)
        if batch and (document is None or len(batch) == DOCUMENTS_PER_BATCH):
            with stopwatch(times, "encode"):
                tables = {c.name: encode_records(schemas, c, [r for records in batch for r in records[c.name]]) for c in CONFIGS}
            with stopwatch(times, "write"):
                counts = [{name: len(rows) for name, rows in records.items()} for records in batch]
                for doc_id, own in zip(batch_ids, split_tables(tables, counts)):
                    writer.add_document(own)
                    in_shard += 1
                    if SHARD_SIZE.ends_with(doc_id, in_shard):
                        writer.close()
                        writer, in_shard = next(shards), 0
            batch, batch_ids = [], []
        if document is None:
            break
    with stopwatch(times, "write"):
        writer.close()
    return times


# Throughput builds and baseline runs are each the best of this many, every run with cold caches (a build in a
# new process, a new tokenizer): noise on a shared machine only ever adds time, so the minimum is the estimate,
# the same one on both sides of the ratio.
BEST_OF = 3


def bare_tokenization_seconds(texts: list[str]) -> float:
    """Seconds for bare `spacy.blank("ar")` to tokenize `texts` (the baseline)."""
    nlp = spacy.blank("ar")
    start = time.perf_counter()
    for _ in nlp.tokenizer.pipe(texts):
        pass
    return time.perf_counter() - start


def timed_build(project: Project, target: Path, **options: Any) -> float:
    start = time.perf_counter()
    build_corpus(project, target, **options)
    return time.perf_counter() - start


# Run as the measured process: `qawl` with the given arguments, then its own peak resident memory (VmHWM, kB)
# into the file named first. A child's rusage cannot serve: Linux counts in it the pages of the parent it was
# forked from (the bench process, which grows with every build it has timed).
_PEAK_REPORTER = """
import atexit, sys
from pathlib import Path
report, sys.argv = Path(sys.argv[1]), ["qawl", *sys.argv[2:]]
atexit.register(lambda: report.write_text(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:"))))
from qawl.cli import main
main()
"""


_COLD_BUILD = """
import sys
from pathlib import Path
from qawl.bench import timed_build, warmed_preannotator
from qawl.project import Project
project = Project(Path(sys.argv[1]))
print(timed_build(project, Path(sys.argv[2]), workers=int(sys.argv[3]), cache=False, preannotate=warmed_preannotator(project)))
"""


def _run_in_new_process(script: str, *args: str) -> str:
    """What `script` prints when run by this Python in a process of its own with `args`; a failed build raises."""
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark build failed: {done.stderr}")
    return done.stdout


def cold_build_seconds(project: Project, target: Path, workers: int) -> float:
    """Seconds of a build of `project` in a new process, every cache cold as the baseline's (the pipeline loaded first)."""
    return float(_run_in_new_process(_COLD_BUILD, str(project.root), str(target), str(workers)).split()[-1])


def peak_memory_mib(project: Project) -> float:
    """Peak resident memory of a one-worker `qawl build` of `project`, in its own process."""
    return build_cost(project).peak_mib


class BuildCost(NamedTuple):
    """What a one-worker build in a process of its own cost: wall and CPU seconds (its start included), peak memory."""

    seconds: float
    cpu_seconds: float  # user + system: what other processes on a shared machine do not inflate
    peak_mib: float


def build_cost(project: Project) -> BuildCost:
    """The cost of a one-worker `qawl build` of `project`, in its own process."""
    with tempfile.TemporaryDirectory(prefix="qawl-peak-") as scratch:
        report = Path(scratch) / "peak"
        start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        _run_in_new_process(_PEAK_REPORTER, str(report), "build", "--root", str(project.root), "--workers", "1", "--no-cache")
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        return BuildCost(time.perf_counter() - start, cpu, int(report.read_text()) / 1024)


# Issue 20's quote-dense text: a quote and a quotation per 28 bytes, no full stop before the end.
QUOTE_DENSE_UNIT = 'قال "نعم" و«لا» '
LONG_ARTICLE_BYTES = (175_000, 350_000, 1_400_000, 5_000_000)


def quote_dense_article(size: int) -> str:
    """One line of QUOTE_DENSE_UNIT of about `size` bytes (issue 20: `' '.join(unit for _ in range(6250)) + '.'` is 175 KB)."""
    return " ".join([QUOTE_DENSE_UNIT] * max(1, size // len(QUOTE_DENSE_UNIT.encode()))) + ".\n"


def name_dense_article(size: int) -> str:
    """A `synthetic_article` of about `size` bytes: news sentences in paragraphs, a person, an organisation or a
    place in each, many of them met again far apart (work per mention over the whole text would show)."""
    sample = 200
    sentences = max(1, round(size * sample / len(synthetic_article(random.Random(0), sample).encode())))
    return synthetic_article(random.Random(size), sentences)


# The long articles: how each is made from a size in bytes; the smallest size first is the baseline of its ratios.
LONG_ARTICLES: dict[str, Callable[[int], str]] = {"quote-dense": quote_dense_article, "name-dense": name_dense_article}


def long_article_figures(source: Project, workdir: Path, sizes: tuple[int, ...], progress: tqdm) -> dict[str, Any]:
    """Time and peak memory of building one article of each kind (`LONG_ARTICLES`) and size, each in a process of its own.

    The figures net of a build of the kind's smallest article (the process, spaCy and the pipeline) are compared
    with the smallest size's: linear cost makes each ratio about the ratio of the sizes. Time
    is compared in CPU seconds, which other processes on a shared machine do not inflate.
    """
    return {kind: _long_article_rows(source, workdir, kind, sizes, progress) for kind in LONG_ARTICLES}


def _long_article_rows(source: Project, workdir: Path, kind: str, sizes: tuple[int, ...], progress: tqdm) -> dict[str, Any]:
    """`long_article_figures` of one kind: rows by size, with the article's actual bytes."""
    measured = []
    for size in (1, *sizes):  # 1: the smallest article of the kind (one unit, one sentence)
        with step(progress, f"{kind} article of {size:,} bytes"):
            project = make_synthetic_project(workdir / f"{kind}-{size}", 0, 0, source)
            text = LONG_ARTICLES[kind](size)
            write_synthetic_seed(project.seeds, kind, text)
            measured.append((len(text.encode()), build_cost(project)))
    (_, base), *_ = measured
    rows = [
        {"bytes": size, **cost._asdict(), "net_cpu_seconds": cost.cpu_seconds - base.cpu_seconds, "net_mib": cost.peak_mib - base.peak_mib}
        for size, cost in measured[1:]
    ]
    first = rows[0]
    for row in rows:
        row.update(
            size_ratio=row["bytes"] / first["bytes"],
            time_ratio=row["net_cpu_seconds"] / first["net_cpu_seconds"],
            memory_ratio=row["net_mib"] / first["net_mib"],
        )
    return {"baseline": base._asdict(), "sizes": rows}


def run_long_article_benchmark(source: Project, workdir: Path, sizes: tuple[int, ...] = LONG_ARTICLE_BYTES) -> dict[str, Any]:
    """`long_article_figures`, with a progress bar on a terminal."""
    with tqdm(total=len(LONG_ARTICLES) * (len(sizes) + 1), desc="bench", unit="step", disable=not sys.stderr.isatty()) as progress:
        return {"long_articles": long_article_figures(source, workdir, sizes, progress)}


def format_long_articles(figures: dict[str, Any]) -> str:
    """The long-article figures, for people."""
    described = {
        "quote-dense": f"quote-dense article ({QUOTE_DENSE_UNIT.strip()!r} repeated, one line)",
        "name-dense": "name-dense article (synthetic news sentences in paragraphs, a name in each)",
    }
    lines = []
    for kind, kind_figures in figures.items():
        base = kind_figures["baseline"]
        lines += [
            f"{described[kind]}, qawl build, 1 worker, own process;",
            f"net of a one-unit article ({base['seconds']:.2f} s wall, {base['cpu_seconds']:.2f} s CPU, {base['peak_mib']:.0f} MiB); ratios to the smallest size:",
            f"  {'bytes':>11}  {'wall s':>8}  {'CPU s':>8}  {'peak MiB':>8}  {'net CPU s':>9}  {'net MiB':>8}  {'size ×':>7}  {'CPU ×':>7}  {'memory ×':>8}",
        ]
        lines += [
            f"  {r['bytes']:>11,}  {r['seconds']:>8.2f}  {r['cpu_seconds']:>8.2f}  {r['peak_mib']:>8.0f}  {r['net_cpu_seconds']:>9.2f}  {r['net_mib']:>8.0f}"
            f"  {r['size_ratio']:>7.2f}  {r['time_ratio']:>7.2f}  {r['memory_ratio']:>8.2f}"
            for r in kind_figures["sizes"]
        ]
    return "\n".join(lines)


def warmed_preannotator(project: Project) -> PreAnnotator:
    """The project's pre-annotator, its pipeline loaded (before the clock starts)."""
    from qawl.annotate import preannotator

    preannotate = preannotator(project.annotations)
    preannotate("warm-up", "قال المتحدث إن الاجتماع انتهى.", "0" * 64)
    return preannotate


def run_benchmark(
    source: Project,
    workdir: Path,
    documents: int,
    sentences_per_document: int,
    memory_sentences: tuple[int, int],
    large_documents: int = 1000,
    speedup_pairs: int = 3,
) -> dict[str, Any]:
    """Every figure of issue 7's targets, measured in this one run.

    Throughput and time per stage use `documents` articles; the worker speed-up and the
    incremental rebuild use a corpus of `large_documents`, where the fixed end of a build
    (card, plots, Croissant) weighs as it does on real corpora, not as on a small one.
    The speed-up is the median of `speedup_pairs` pairs of 1- and 2-worker builds run back
    to back: on a machine shared with others, one pair can land on a busy moment.
    """
    with tqdm(total=10 + 2 * speedup_pairs, desc="bench", unit="step", disable=not sys.stderr.isatty()) as progress:
        return _run_benchmark(source, workdir, documents, sentences_per_document, memory_sentences, large_documents, speedup_pairs, progress)


@contextmanager
def step(progress: tqdm, name: str) -> Iterator[None]:
    """One measurement of the benchmark, named on its progress bar while it runs."""
    progress.set_description_str(f"bench: {name}")
    yield
    progress.update()


def _run_benchmark(
    source: Project,
    workdir: Path,
    documents: int,
    sentences_per_document: int,
    memory_sentences: tuple[int, int],
    large_documents: int,
    speedup_pairs: int,
    progress: tqdm,
) -> dict[str, Any]:
    report: dict[str, Any] = {"documents": documents, "sentences_per_document": sentences_per_document, "large_documents": large_documents}
    project = make_synthetic_project(workdir / "throughput", documents, sentences_per_document, source)
    texts = [p.read_text(encoding="utf-8") for p in sorted(project.seeds.glob("*.txt"))]
    characters = sum(len(t) for t in texts)
    preannotate = warmed_preannotator(project)

    with step(progress, f"{documents:,} documents, 1 worker, best of {BEST_OF}"):
        one_worker_runs = [cold_build_seconds(project, workdir / "out-1", workers=1) for _ in range(BEST_OF)]
        one_worker = min(one_worker_runs)
    with step(progress, "bare tokenization"):  # each with a fresh (cold-cache) tokenizer
        baseline = min(bare_tokenization_seconds(texts) for _ in range(BEST_OF))
    sentences = json.loads((workdir / "out-1" / "manifest.json").read_text())["files"]
    sentence_rows = sum(f["rows"] for f in sentences if f["config"] == "sentences")
    report["end_to_end"] = {
        "seconds": one_worker, "runs": one_worker_runs, "chars_per_s": characters / one_worker, "sentences_per_s": sentence_rows / one_worker
    }
    report["bare_tokenizer"] = {"seconds": baseline, "chars_per_s": characters / baseline}
    report["throughput_ratio"] = baseline / one_worker

    # as in the build: otherwise full collections land in whichever stage allocates
    with step(progress, "time per stage"), collector_off_what_is_loaded():
        stages = stage_times(project, preannotate, workdir / "stages")
    report["stages"] = {name: {"seconds": seconds, "share": seconds / sum(stages.values())} for name, seconds in stages.items()}
    report["validation_share_of_build"] = stages["validate"] / one_worker

    with step(progress, f"{documents:,} documents, 2 workers, best of {BEST_OF}"):
        two_workers = min(cold_build_seconds(project, workdir / "out-2", workers=2) for _ in range(BEST_OF))
    large = make_synthetic_project(workdir / "large", large_documents, sentences_per_document, source, seed=11, with_gold=True)
    preannotate = warmed_preannotator(large)
    pairs = []
    for _ in range(speedup_pairs):  # back to back, so both builds of a pair see the same load on a shared machine
        with step(progress, f"{large_documents:,} documents, 1 worker"):
            large_one = timed_build(large, workdir / "large-1", workers=1, cache=False, preannotate=preannotate)
        with step(progress, f"{large_documents:,} documents, 2 workers"):
            large_two = timed_build(large, workdir / "large-2", workers=2, cache=False, preannotate=preannotate)
        pairs.append({"1": large_one, "2": large_two, "speedup": large_one / large_two})
    median = sorted(pairs, key=lambda pair: pair["speedup"])[len(pairs) // 2]
    report["workers"] = {
        "documents": {"1": one_worker, "2": two_workers, "speedup": one_worker / two_workers},
        "large_documents": {**median, "pairs": [pair["speedup"] for pair in pairs]},
    }
    report["speedup_2_workers"] = median["speedup"]

    with step(progress, "incremental: clean build"):
        clean = timed_build(large, workdir / "inc-out", workers=1, cache=True, preannotate=preannotate)
    changed = sorted(large.seeds.glob("*.txt"))[large_documents // 2]
    changed.write_text(changed.read_text(encoding="utf-8") + "وقال مصدر رسمي إن الاجتماع انتهى.\n", encoding="utf-8")
    with step(progress, "incremental: one changed document"):
        again = timed_build(large, workdir / "inc-out", workers=1, cache=True, preannotate=preannotate)
    report["incremental"] = {"clean_seconds": clean, "one_changed_seconds": again, "ratio": again / clean}
    add_an_article_first(large, sentences_per_document)
    with step(progress, "incremental: one added document"):
        added = timed_build(large, workdir / "inc-out", workers=1, cache=True, preannotate=preannotate)
    report["incremental"].update(one_added_seconds=added, added_ratio=added / clean)
    # A review that relabels a gold name: the pre-annotator learns it, so silver documents that contain it change too.
    with step(progress, "incremental: one relabelled gold name"):
        relabelled = relabel_a_gold_name(large)
        if relabelled is not None:
            reviewed = timed_build(large, workdir / "inc-out", workers=1, cache=True, preannotate=preannotate)
            report["incremental"].update(relabelled_name=relabelled, relabelled_seconds=reviewed, relabelled_ratio=reviewed / clean)

    small, large = memory_sentences
    memory, forms = {}, {}
    for target_sentences in (small, large):
        docs = max(1, target_sentences // sentences_per_document)
        with step(progress, f"peak memory at {target_sentences:,} sentences"):
            memory_project = make_synthetic_project(workdir / f"memory-{target_sentences}", docs, sentences_per_document, source)
            memory[target_sentences] = peak_memory_mib(memory_project)
        forms[target_sentences] = len({w for p in memory_project.seeds.glob("*.txt") for w in re.findall(r"\w+", p.read_text(encoding="utf-8"))})
    report["peak_memory_mib"] = memory
    report["word_forms"] = forms
    report["memory_ratio"] = memory[large] / memory[small]
    return report


TARGETS = {
    "throughput_ratio": (">=", 0.40),
    "speedup_2_workers": (">=", 1.7),  # on the large corpus
    "memory_ratio": ("<=", 1.25),
    "validation_share_of_build": ("<=", 0.10),
    "incremental.ratio": ("<=", 0.10),
    "incremental.added_ratio": ("<=", 0.10),  # the same target, for one added document
    "incremental.relabelled_ratio": ("<=", 0.10),  # the same target, for one changed annotation file
}


def format_report(report: dict[str, Any]) -> str:
    """The figures and whether each target is met, for people."""
    e2e, bare = report["end_to_end"], report["bare_tokenizer"]
    lines = [
        f"synthetic corpus: {report['documents']} documents × {report['sentences_per_document']} sentences (generated, never published)",
        f"end to end, 1 worker : {e2e['chars_per_s']:>12,.0f} chars/s  {e2e['sentences_per_s']:>10,.0f} sentences/s  ({e2e['seconds']:.2f} s, best of {BEST_OF})",
        f"bare spacy.blank('ar'): {bare['chars_per_s']:>12,.0f} chars/s  ({bare['seconds']:.2f} s, best of {BEST_OF})",
        "time per stage (1 worker, in process):",
        *(f"  {name:<9} {s['seconds']:8.2f} s  {s['share']:6.1%}" for name, s in report["stages"].items()),
        "peak memory: " + ", ".join(
            f"{k:,} sentences ({report['word_forms'][k]:,} word forms): {v:.0f} MiB" for k, v in report["peak_memory_mib"].items()
        ),
        *(
            f"2 workers on {report[size]:,} documents: {w['1']:.2f} s → {w['2']:.2f} s, speed-up {w['speedup']:.2f}×"
            + (f" (median of {len(w['pairs'])} back-to-back pairs: {', '.join(f'{x:.2f}×' for x in w['pairs'])})" if "pairs" in w else "")
            for size, w in report["workers"].items()
        ),
        f"incremental ({report['large_documents']:,} documents): clean {report['incremental']['clean_seconds']:.2f} s, "
        f"one changed document {report['incremental']['one_changed_seconds']:.2f} s, "
        f"one added before all others {report['incremental']['one_added_seconds']:.2f} s, "
        + (
            f"one gold name relabelled ({report['incremental']['relabelled_name']}) {report['incremental']['relabelled_seconds']:.2f} s"
            if "relabelled_seconds" in report["incremental"]
            else "no gold name to relabel (the project has no gold layer)"
        ),
        "targets:",
    ]
    for key, (op, bound) in TARGETS.items():
        value: Any = report
        for part in key.split("."):
            value = value.get(part) if value is not None else None
        if value is None:
            lines.append(f"  {key:<28} {'—':>8}  target {op} {bound:<5} not measured")
            continue
        met = value >= bound if op == ">=" else value <= bound
        lines.append(f"  {key:<28} {value:8.3f}  target {op} {bound:<5} {'met' if met else 'NOT MET'}")
    return "\n".join(lines)
