"""Scale: the same bytes whatever the engine, worker count or cache state."""

from __future__ import annotations

import gc
import importlib.util
import json
import os
import random
import shutil
import socket
import sys
import time
import tracemalloc
from pathlib import Path

import datasets
import mlcroissant as mlc
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from qawl import build, card, engines, publish, segment
from qawl.annotate import preannotate, preannotator
from qawl.annotate.text import normalize
from qawl.bench import cold_build_seconds, make_synthetic_project, open_word, peak_memory_mib, synthetic_article
from qawl.bench import relabel_name
from qawl.build import BuildError, DocumentTask, _read_cached, ShardTask, build_corpus, encode_documents, manifest_summary, process_document, process_shard
from qawl.ingest import iter_documents
from qawl.engines import run_local, run_ray
from qawl.project import Project
from qawl.schema import Schemas
from qawl.segment import blank_arabic, vocabulary_size
from tests.conftest import REPO, invoke_qawl, run_qawl, run_qawl_on_a_terminal, tree_digest


@pytest.fixture
def project(make_project):
    project = make_project(with_annotations=True)
    rng = random.Random(3)
    for n in range(6):
        (project.seeds / f"synthetic-{n}.txt").write_text(synthetic_article(rng, 12), encoding="utf-8")
    return project


def _square(x: int) -> int:
    return x * x


def test_local_engine_keeps_input_order_with_bounded_flight() -> None:
    count = 2 * engines.IN_FLIGHT_PER_WORKER * 3 + 1  # more tasks than may be in flight
    assert list(run_local(_square, iter(range(count)), workers=2)) == [x * x for x in range(count)]


def test_a_build_keeps_the_collector_off_what_was_loaded_before_it(project, tmp_path) -> None:
    frozen_while_annotating = []

    def watched(doc_id, text, sha256, sentences=None):
        frozen_while_annotating.append(gc.get_freeze_count())
        return preannotate(doc_id, text, sha256, sentences)

    build_corpus(project, tmp_path / "out", workers=1, cache=False, preannotate=watched)
    assert frozen_while_annotating and min(frozen_while_annotating) > 10_000  # the libraries, at least
    assert gc.get_freeze_count() == 0  # handed back to the collector afterwards


@pytest.mark.parametrize("shard_size", [publish.SHARD_SIZE, publish.ShardSize(1, 2, 2)])
def test_output_is_identical_across_worker_counts(project, tmp_path, monkeypatch, shard_size) -> None:
    monkeypatch.setattr(publish, "SHARD_SIZE", shard_size)  # (1, 2, 2): shards of a split written by different workers
    build_corpus(project, tmp_path / "one", workers=1, cache=False, preannotate=preannotate)
    build_corpus(project, tmp_path / "two", workers=2, cache=False, preannotate=preannotate)
    one, two = tree_digest(tmp_path / "one"), tree_digest(tmp_path / "two")
    assert one == two
    sentence_files = [path for path in one if path.startswith("sentences/")]
    splits = {path.split("/")[1].split("-")[0] for path in sentence_files}
    assert splits and (shard_size.maximum > 2 or len(sentence_files) > len(splits))  # with 2, some split has several shards


def test_the_build_summary_names_each_config_and_split_once_with_all_its_rows(project, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(publish, "SHARD_SIZE", publish.ShardSize(1, 2, 2))
    manifest = build_corpus(project, tmp_path / "out", workers=1, cache=False, preannotate=preannotate)
    shards = sorted((tmp_path / "out").glob("*/*.parquet"))
    parts = {f"{path.parent.name}/{path.name.split('-')[0]}" for path in shards}
    assert len(shards) > len(parts)  # some split has several shards
    listed = manifest_summary(manifest).split("; ")[1].split(", ")
    assert len(listed) == len(parts)
    assert dict(item.split("=") for item in listed) == {
        part: str(sum(pq.read_metadata(path).num_rows for path in shards if path.match(f"{part}-*.parquet"))) for part in parts
    }


@pytest.fixture(scope="module")
def ray_cluster():
    """A local Ray cluster of 2 CPUs, started once for this module's Ray tests."""
    ray = pytest.importorskip("ray", reason="the ray extra is not installed")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


@pytest.mark.slow
def test_ray_engine_matches_the_local_build(project, tmp_path, ray_cluster) -> None:
    build_corpus(project, tmp_path / "local", workers=1, cache=False, preannotate=preannotate)
    build_corpus(project, tmp_path / "ray", engine="ray", workers=2, cache=False, preannotate=preannotate)
    assert tree_digest(tmp_path / "ray") == tree_digest(tmp_path / "local")


@pytest.mark.slow
def test_ray_runs_the_next_batch_while_one_finishes_and_keeps_order(tmp_path, monkeypatch, ray_cluster) -> None:
    """A batch's slowest task does not hold the cluster: here the first batch's only task waits for the second's."""
    monkeypatch.setattr(engines, "RAY_BATCH_TASKS", 1)
    started = tmp_path / "started"
    started.mkdir()

    def task(n: int) -> tuple[int, bool]:
        (started / str(n)).touch()
        deadline = time.monotonic() + 30
        while n == 0 and not (started / "1").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return n, (started / "1").exists()

    results = list(run_ray(task, iter(range(5)), workers=2))
    assert [n for n, _ in results] == list(range(5))
    assert results[0] == (0, True)  # task 1, of the next batch, started while task 0 was running


@pytest.mark.slow
def test_a_ray_run_stopped_early_does_not_wait_for_the_batches_in_flight(tmp_path, monkeypatch, ray_cluster) -> None:
    """As when a build is interrupted: the batch still running is left behind, not waited for."""
    monkeypatch.setattr(engines, "RAY_BATCH_TASKS", 1)
    release, done = tmp_path / "release", tmp_path / "done"
    done.mkdir()

    def task(n: int) -> int:
        deadline = time.monotonic() + 60
        while n > 0 and not release.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        (done / str(n)).touch()
        return n

    results = run_ray(task, iter(range(3)), workers=2)
    assert next(results) == 0
    results.close()
    assert not (done / "1").exists()  # closed while task 1, of the next batch, was still waiting
    release.touch()
    deadline = time.monotonic() + 60
    while not (done / "1").exists() and time.monotonic() < deadline:  # let it finish before the next test
        time.sleep(0.05)


@pytest.mark.slow
def test_a_ray_worker_that_cannot_see_the_project_says_so(project, tmp_path, ray_cluster) -> None:
    """As a node of a cluster without the shared filesystem: the build fails with that problem, not a traceback."""
    schemas = Schemas(project.schema_dir)
    documents = list(iter_documents(project.seeds, schemas, []))
    elsewhere = str(tmp_path / "not-mounted" / "schema")
    tasks = [DocumentTask(d, None, "", frozenset(), None, "code", None, elsewhere, None) for d in documents]
    shards = [ShardTask("train", n, tasks[n::2], "1.0.0", str(tmp_path / "not-mounted" / "corpus"), None) for n in range(2)]
    results = list(run_ray(process_shard, iter(shards), workers=2))
    problems = [problem for result in results for problem in result.problems]
    assert len(problems) == 2 and len(set(problems)) == 1 and [r.entries for r in results] == [[], []]
    assert problems[0].file == str(tmp_path / "not-mounted")
    assert "cannot see the project directory" in problems[0].message and "every node mounts at the same path" in problems[0].message
    assert BuildError(problems).problems == problems[:1] and str(BuildError(problems)) == str(problems[0])  # reported once


@pytest.mark.parametrize("ray_installed", [True, False], ids=["with-ray", "without-ray"])
def test_a_ray_address_where_nothing_answers_fails_the_build_at_once(make_project, monkeypatch, ray_installed: bool) -> None:
    """Ray itself would retry without end, printing only its own warnings. Without Ray the build stops before that, saying how to install it.

    With Ray, the CLI runs in a process of its own (importing Ray here would load it into every later test of the worker)."""
    if ray_installed and importlib.util.find_spec("ray") is None:
        pytest.skip("the ray extra is not installed (the without-ray case runs)")
    if not ray_installed:
        monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` fails, as where it is not installed
    project = make_project()
    with socket.socket() as closed:  # bound and never listening: a connection to it is refused
        closed.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{closed.getsockname()[1]}"
        args = ["build", "--engine", "ray", "--address", address]
        done = run_qawl(*args, cwd=project.root) if ray_installed else invoke_qawl(*args, cwd=project.root)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    if ray_installed:
        assert f"error: --address {address}: no Ray cluster answers there (Connection refused)" in done.stderr
    else:
        assert "error: --engine ray: Ray is not installed" in done.stderr and "install the `ray` extra" in done.stderr
    assert "build failed, corpus/ left unchanged: 1 problem(s)" in done.stderr and not project.corpus.exists()


def test_an_address_without_the_ray_engine_is_refused(make_project) -> None:
    done = invoke_qawl("build", "--address", "127.0.0.1:6379", cwd=make_project().root)
    assert done.returncode == 2 and "--address is the address of a Ray cluster: give it with --engine ray" in done.stderr


def test_the_ray_engine_without_ray_installed_says_how_to_install_it(make_project, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` fails, as where it is not installed
    project = make_project()
    done = invoke_qawl("build", "--engine", "ray", cwd=project.root)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "error: --engine ray: Ray is not installed" in done.stderr and "install the `ray` extra: pip install -e '.[ray]'" in done.stderr
    assert not project.corpus.exists()


def test_incremental_rebuild_recomputes_only_what_changed(project, first_build, tmp_path) -> None:
    cache = project.root / ".qawl-cache" / "documents"
    first_build(workers=1, preannotate=preannotate)
    entries_before = set(p.name for p in cache.iterdir())
    changed = project.seeds / "synthetic-3.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "وقال مصدر رسمي إن الاجتماع انتهى.\n", encoding="utf-8")
    build_corpus(project, workers=1, preannotate=preannotate)
    entries_after = set(p.name for p in cache.iterdir())
    assert len(entries_after - entries_before) == 1  # only the changed document was processed again

    clean = tmp_path / "clean"
    build_corpus(project, clean, workers=1, cache=False, preannotate=preannotate)
    assert tree_digest(project.corpus) == tree_digest(clean)


def test_silver_documents_are_processed_again_only_when_what_they_learn_changes(project, tmp_path, monkeypatch) -> None:
    """A silver layer depends on the stance targets, and on the gold names of other documents that can occur in it.

    A review that relabels a name reprocesses the gold document and the silver documents
    that contain the name: no other; one that changes a gold stance label reprocesses
    every silver document, since the stance vote is trained on the gold stance records. Each
    rebuild equals a clean build, so none of the documents kept was stale.
    """
    gold = next(p for p in project.annotations.glob("*.json") if p.name != "targets.json")
    relabelled = {"ORG": "GPE", "GPE": "ORG", "PERSON": "NORP", "NORP": "PERSON"}
    synthetic = " ".join(normalize(p.read_text(encoding="utf-8")) for p in project.seeds.glob("synthetic-*.txt"))
    entity = next(
        e for e in json.loads(gold.read_text(encoding="utf-8"))["entities"]
        if e["label"] in relabelled and normalize(e["text"]).split()[0] not in synthetic
    )
    # Two silver articles that name it, with a proclitic on its first word in one: "و" + name.
    (project.seeds / "mentions-a.txt").write_text(f"وقال {entity['text']} إن الاجتماع انتهى.\n", encoding="utf-8")
    (project.seeds / "mentions-b.txt").write_text(f"وأضاف أن و{entity['text']} لم يعلق بعد.\n", encoding="utf-8")
    processed: list[str] = []
    learning = preannotator(project.annotations)  # the pre-annotator of this project, not of the repository

    def watched(document, *args, **kwargs):
        processed.append(document.doc_id)
        return process_document(document, *args, **kwargs)

    monkeypatch.setattr(build, "process_document", watched)

    def rebuild_after(change, path=gold) -> set[str]:
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        processed.clear()
        build_corpus(project, workers=1, preannotate=learning)
        again = set(processed)
        clean = tmp_path / "clean"
        shutil.rmtree(clean, ignore_errors=True)
        build_corpus(project, clean, workers=1, cache=False, preannotate=learning)
        assert tree_digest(project.corpus) == tree_digest(clean)
        return again

    build_corpus(project, workers=1, preannotate=learning)
    silver = set(processed) - {gold.stem}
    assert len(silver) == 8
    assert rebuild_after(lambda layer: None) == set()  # new bytes, same layer
    flipped = {"FAVOR": "AGAINST", "AGAINST": "FAVOR", "NONE": "FAVOR"}
    # the stance vote is trained on the gold stance records: a changed label is learnt by every silver document
    assert rebuild_after(lambda layer: layer["stance"][0].update(label=flipped[layer["stance"][0]["label"]])) == silver | {gold.stem}

    def relabel(layer) -> None:
        relabel_name(layer, lambda text: normalize(text) == normalize(entity["text"]), relabelled[entity["label"]])

    def labels_in_mentions() -> list[int]:  # the ClassLabel ids of the name in the two silver articles
        rows = pq.read_table(project.corpus / "sentences").to_pylist()
        return [e["label"] for row in rows if row["doc_id"].startswith("mentions") for e in row["entities"] if e["text"] == entity["text"]]

    before = labels_in_mentions()
    assert rebuild_after(relabel) == {gold.stem, "mentions-a", "mentions-b"}
    assert len(before) == 2 and set(labels_in_mentions()).isdisjoint(before)  # both learned the new label
    def add_target(inventory) -> None:
        inventory["targets"].append({**inventory["targets"][0], "id": "new_target"})

    assert rebuild_after(add_target, project.annotations / "targets.json") == silver | {gold.stem}


@pytest.mark.slow
def test_bench_prints_every_target_figure(tmp_path) -> None:
    repo = Path(__file__).resolve().parents[1]
    annotations, seeds = tree_digest(repo / "annotations"), tree_digest(repo / "seeds")
    done, terminal = run_qawl_on_a_terminal(
        "bench", "--root", str(repo), "--documents", "4", "--sentences-per-document", "3",
        "--large-documents", "6", "--memory-sentences", "6", "12", "--speedup-pairs", "3", "--json", cwd=tmp_path,
    )
    assert done.returncode == 0, terminal
    # on a terminal, a progress bar names each measurement, and each build has its own
    assert "bench: 4 documents, 1 worker" in terminal and "bench: peak memory at 12 sentences" in terminal
    assert "16/16 [" in terminal and "build: 100%" in terminal
    report = json.loads(done.stdout)
    assert report["end_to_end"]["chars_per_s"] > 0 and report["bare_tokenizer"]["chars_per_s"] > 0
    runs = report["end_to_end"]["runs"]
    assert len(runs) == 3 and report["end_to_end"]["seconds"] == min(runs)  # the best of 3, as the baseline
    assert 0 < report["throughput_ratio"] < 1  # the build tokenizes, and does more
    assert set(report["stages"]) == {"ingest", "segment", "tokenize", "annotate", "merge", "derive", "validate", "encode", "write"}
    large = report["workers"]["large_documents"]
    assert len(large["pairs"]) == 3 and report["speedup_2_workers"] == large["speedup"] == sorted(large["pairs"])[1] > 0
    assert report["incremental"]["ratio"] > 0 and report["incremental"]["added_ratio"] > 0
    assert report["incremental"]["relabelled_ratio"] > 0 and report["incremental"]["relabelled_name"]  # the repository has gold
    assert tree_digest(repo / "annotations") == annotations and tree_digest(repo / "seeds") == seeds  # it changes its own copies
    assert set(report["peak_memory_mib"]) == {"6", "12"}
    assert report["word_forms"]["12"] > report["word_forms"]["6"]  # an open vocabulary: more text, more distinct words
    assert not list(repo.glob("corpus/**/synthetic-*"))  # the synthetic corpus is never published


@pytest.mark.slow  # the bench's own measurement: a build in a process of its own, as test_bench_prints_every_target_figure
def test_a_throughput_build_of_the_bench_starts_cold_in_a_process_of_its_own(project, tmp_path) -> None:
    """As the baseline's tokenizer is new for each run: no build warms the caches of the next one."""
    words_known = vocabulary_size()
    assert cold_build_seconds(project, tmp_path / "out", workers=1) > 0
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["documents"] == 7
    assert vocabulary_size() == words_known  # none of its words were tokenized here


@pytest.mark.slow  # the bench's own measurement: a build in a process of its own, as test_bench_prints_every_target_figure
def test_peak_memory_is_the_build_s_own_not_its_parent_s(project) -> None:
    """The figure comes from the build process itself: a parent holding 1 GiB does not show in it."""
    held = b"x" * (1 << 30)  # written, so resident in this process
    peak = peak_memory_mib(project)
    del held  # resident until the build has run
    assert 50 < peak < 1024, peak


@pytest.fixture
def small_shards(monkeypatch) -> publish.ShardSize:
    size = publish.ShardSize(1, 2, 3)  # about 2 documents a shard, cut where the ids say
    monkeypatch.setattr(publish, "SHARD_SIZE", size)
    return size


@pytest.fixture
def written(monkeypatch) -> list[str]:
    """The names of the Parquet files the build writes (not copies from the cache), as it writes them."""
    names: list[str] = []

    class CountingShard(publish.ParquetShard):  # the real writer, counted
        def __init__(self, path, schema):
            names.append(path.name)
            super().__init__(path, schema)

    monkeypatch.setattr(publish, "ParquetShard", CountingShard)
    return names


def test_a_rebuild_rewrites_only_the_shard_of_the_changed_document(project, first_build, small_shards, written, tmp_path) -> None:
    shards = project.root / ".qawl-cache" / "shards"
    manifest = first_build(workers=1, preannotate=preannotate)
    sentence_files = [f for f in manifest["files"] if f["config"] == "sentences"]
    assert len(sentence_files) > len({f["split"] for f in sentence_files})  # some split has several shards
    before = {p.name for p in shards.iterdir()}
    assert len(before) == len(sentence_files)

    changed = project.seeds / "synthetic-3.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "وقال مصدر رسمي إن الاجتماع انتهى.\n", encoding="utf-8")
    written.clear()
    build_corpus(project, workers=1, preannotate=preannotate)
    assert len({p.name for p in shards.iterdir()} - before) == 1
    assert len(written) == len(publish.CONFIGS)  # one shard encoded again; every other one copied from the cache

    clean = tmp_path / "clean"
    build_corpus(project, clean, workers=1, cache=False, preannotate=preannotate)
    assert tree_digest(project.corpus) == tree_digest(clean)


def test_an_article_added_before_all_others_rewrites_only_its_own_shard(project, small_shards, written, tmp_path) -> None:
    """Shards end at documents chosen by id, not every n documents: the later shards keep theirs, renumbered or not."""
    rng = random.Random(8)
    for n in range(6, 30):
        (project.seeds / f"synthetic-{n}.txt").write_text(synthetic_article(rng, 3), encoding="utf-8")
    before = build_corpus(project, workers=1, preannotate=preannotate)
    silver_shards = [f for f in before["files"] if f["config"] == "sentences" and f["split"] == "silver"]
    assert len(silver_shards) >= 4  # cut every 2 documents, all of them would move

    # an article without gold (in split silver), first of all, whose id ends a shard: it is a shard of its own, and every later one is renumbered
    first = next(name for n in range(1000) if small_shards.ends_with(name := f"0-added-{n}", 1))
    assert first < min(p.stem for p in project.seeds.glob("*.txt"))
    (project.seeds / f"{first}.txt").write_text(synthetic_article(rng, 3), encoding="utf-8")
    written.clear()
    after = build_corpus(project, workers=1, preannotate=preannotate)
    assert sorted(written) == sorted(publish.shard_path(c.name, "silver", 0).split("/")[1] for c in publish.CONFIGS)
    assert pq.read_table(project.corpus / "documents" / "silver-00000.parquet")["doc_id"].to_pylist() == [first]
    renumbered = [f for f in after["files"] if f["config"] == "sentences" and f["split"] == "silver"]
    assert [f["sha256"] for f in renumbered[1:]] == [f["sha256"] for f in silver_shards]  # the same files, one number on

    clean = tmp_path / "clean"
    build_corpus(project, clean, workers=1, cache=False, preannotate=preannotate)
    assert tree_digest(project.corpus) == tree_digest(clean)
    assert sum(f["rows"] for f in after["files"] if f["config"] == "documents") == sum(f["rows"] for f in before["files"] if f["config"] == "documents") + 1


def test_a_worker_past_the_vocabulary_limit_starts_afresh_with_the_same_output(project, small_shards, tmp_path, monkeypatch) -> None:
    build_corpus(project, workers=1, cache=False, preannotate=preannotate)
    kept = vocabulary_size()  # every form of the corpus (and of earlier tests in this process)
    tokenizer = blank_arabic()
    monkeypatch.setattr(segment, "VOCABULARY_LIMIT", 1)  # a new vocabulary before every shard
    build_corpus(project, tmp_path / "afresh", workers=1, cache=False, preannotate=preannotate)
    assert blank_arabic() is not tokenizer and vocabulary_size() < kept  # only the last shard's forms are left
    assert tree_digest(tmp_path / "afresh") == tree_digest(project.corpus)


@pytest.mark.slow
def test_a_worker_s_memory_stays_flat_while_the_corpus_meets_new_words(make_project) -> None:
    """spaCy's vocabulary and the pre-annotator's per-word caches are bounded: what a build leaves
    behind does not grow with the number of distinct words it has seen (here, 300 new ones per article)."""
    project = make_project(with_seed=False)
    shutil.copy(REPO / "annotations" / "targets.json", project.annotations)
    learning = preannotator(project.annotations)

    def add_articles(first: int, count: int) -> None:
        for n in range(first, first + count):
            words = [open_word(10**6 + 300 * n + w) for w in range(300)]
            sentences = [f"وقال المتحدث إن {' '.join(words[s : s + 30])}." for s in range(0, 300, 30)]
            (project.seeds / f"new-words-{n:04d}.txt").write_text(" ".join(sentences) + "\n", encoding="utf-8")

    def retained_after_build() -> int:
        build_corpus(project, workers=1, cache=False, preannotate=learning)
        gc.collect()
        return tracemalloc.get_traced_memory()[0]

    tracemalloc.start()
    try:
        add_articles(0, 180)  # 54,000 new forms: more than the vocabulary limit and the caches hold
        first = retained_after_build()
        for seed in project.seeds.iterdir():
            seed.unlink()
        add_articles(180, 240)  # 72,000 others
        second = retained_after_build()
    finally:
        tracemalloc.stop()
    assert second - first < 25 * 2**20, (first, second)  # unbounded, it grew by about 60 MiB


def test_sharded_splits_load_whole_with_datasets_and_croissant(project, small_shards) -> None:
    manifest = build_corpus(project, workers=1, cache=False, preannotate=preannotate)
    for config in ("sentences", "stance"):
        for split in {f["split"] for f in manifest["files"]}:
            files = [f for f in manifest["files"] if f["config"] == config and f["split"] == split]
            rows = sum(f["rows"] for f in files)
            loaded = datasets.load_dataset(str(project.corpus), config, split=split)
            assert loaded.num_rows == rows
            records = list(mlc.Dataset(str(project.corpus / "croissant.json")).records(f"{config}_{split}"))
            assert len(records) == rows
    silver = [f for f in manifest["files"] if f["config"] == "sentences" and f["split"] == "silver"]  # the synthetic articles
    assert len(silver) >= 2
    # the card counts every shard of a split, not the last one
    card = (project.corpus / "README.md").read_text(encoding="utf-8")
    splits = [s for s in publish.SPLIT_ORDER if any(f["split"] == s for f in manifest["files"])]
    per_split = [sum(f["rows"] for f in manifest["files"] if f["config"] == "sentences" and f["split"] == s) for s in splits]
    assert "| `sentences` | One row per sentence" in card and " | ".join(map(str, per_split)) + " |\n" in card
    assert f"{sum(per_split)} sentences; tokens per sentence" in card
    loaded = datasets.load_dataset(str(project.corpus), "sentences", split="silver")
    assert loaded["sentence_id"] == [r for f in silver for r in pq.read_table(project.corpus / f["path"])["sentence_id"].to_pylist()]
    # the card names each split's shards by one pattern, however many there are
    assert "  - split: silver\n    path: sentences/silver-*.parquet\n" in card and "sentences/silver-00001.parquet" not in card


def test_a_shard_cached_by_a_killed_build_is_written_again(project, first_build, small_shards, tmp_path) -> None:
    first_build(workers=1, preannotate=preannotate)
    shards = project.root / ".qawl-cache" / "shards"
    for shard in shards.iterdir():  # as a build killed while copying the shard into the cache leaves it
        (shard / "entries.json").unlink()
        (shard / "sentences.parquet").write_bytes(b"truncated")
    build_corpus(project, workers=1, preannotate=preannotate)
    clean = tmp_path / "clean"
    build_corpus(project, clean, workers=1, cache=False, preannotate=preannotate)
    assert tree_digest(project.corpus) == tree_digest(clean)
    assert all((shard / "entries.json").exists() for shard in shards.iterdir())


def test_a_shard_is_written_as_its_documents_come(project, monkeypatch, tmp_path) -> None:
    """Without the cache, rows reach the file in row groups of ROW_GROUP_SIZE while the shard fills, not at its end."""
    monkeypatch.setattr(publish, "ROW_GROUP_SIZE", 8)
    schemas = Schemas(project.schema_dir)
    documents = list(iter_documents(project.seeds, schemas, []))
    results = [(d.doc_id, process_document(d, None, "", frozenset(), preannotate), None) for d in documents]
    writer = publish.ShardWriter(tmp_path, publish.config_arrow_schemas(schemas, "1.0.0"), "train", 0, "1.0.0")
    path = tmp_path / publish.shard_path("sentences", "train", 0)
    sizes = []
    for output in encode_documents(results, schemas, {}):
        writer.add_document(output.tables)
        sizes.append(path.stat().st_size)
    assert sizes == sorted(sizes) and len(set(sizes)) > len(documents) // 2  # it grew as documents came
    writer.close()
    groups = [pq.ParquetFile(path).metadata.row_group(i).num_rows for i in range(pq.ParquetFile(path).metadata.num_row_groups)]
    assert sum(groups) > 8 and all(rows == 8 for rows in groups[:-1]) and 0 < groups[-1] <= 8



def test_a_rebuild_that_copies_every_shard_decodes_no_cached_rows(project, first_build, small_shards, monkeypatch) -> None:
    first_build(workers=1, preannotate=preannotate)
    decoded = []
    open_stream = pa.ipc.open_stream
    monkeypatch.setattr(pa.ipc, "open_stream", lambda source: decoded.append(source) or open_stream(source))
    build_corpus(project, workers=1, preannotate=preannotate)
    assert decoded == []  # headers only: statistics and keys; the shards come from the shard cache
    changed = project.seeds / "synthetic-3.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "وقال مصدر رسمي إن الاجتماع انتهى.\n", encoding="utf-8")
    build_corpus(project, workers=1, preannotate=preannotate)
    assert 0 < len(decoded) <= len(publish.CONFIGS) * (small_shards.maximum - 1)  # the rows of the changed shard's other documents


def _cache_entries(project) -> dict[str, set[str]]:
    cache = project.root / ".qawl-cache"
    return {kind: {p.name for p in (cache / kind).iterdir()} for kind in ("documents", "shards", "plots")}


def _age_cache(project) -> None:
    """Every cache entry as if the build that wrote it ran an hour ago."""
    an_hour_ago = time.time() - 3600
    for entry in (project.root / ".qawl-cache").glob("*/*"):
        os.utime(entry, (an_hour_ago, an_hour_ago))


def test_the_cache_keeps_what_the_last_build_used(project, first_build, small_shards, tmp_path) -> None:
    first_build(workers=1, preannotate=preannotate)
    before = _cache_entries(project)
    documents = project.root / ".qawl-cache" / "documents"
    killed = documents / "0123.arrows.999.partial"  # left by a build killed back then
    killed.write_bytes(b"cut short")
    _age_cache(project)
    concurrent = documents / "4567.arrows.998.partial"  # being written by a build running now
    concurrent.write_bytes(b"in progress")

    changed = project.seeds / "synthetic-3.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "وقال مصدر رسمي إن الاجتماع انتهى.\n", encoding="utf-8")
    build_corpus(project, workers=1, preannotate=preannotate)
    after = _cache_entries(project)
    assert not killed.exists() and concurrent.exists()
    after["documents"].discard(concurrent.name)
    # the changed document's entry, its shard's and the plots' are replaced; nothing accumulates
    assert {kind: len(after[kind]) for kind in after} == {kind: len(before[kind]) for kind in before}
    assert {kind: len(after[kind] - before[kind]) for kind in after} == {"documents": 1, "shards": 1, "plots": 1}

    clean = tmp_path / "clean"
    build_corpus(project, clean, workers=1, cache=False, preannotate=preannotate)
    assert tree_digest(project.corpus) == tree_digest(clean)


def test_a_failed_build_prunes_nothing(project, first_build) -> None:
    first_build(workers=1, preannotate=preannotate)
    before = _cache_entries(project)
    _age_cache(project)
    changed = project.seeds / "synthetic-3.txt"  # its entry would be pruned by a successful build
    changed.write_text(changed.read_text(encoding="utf-8") + "وقال مصدر رسمي إن الاجتماع انتهى.\n", encoding="utf-8")
    (project.seeds / "synthetic-1.txt").write_bytes(b"\xff not UTF-8")
    with pytest.raises(BuildError):
        build_corpus(project, workers=1, preannotate=preannotate)
    after = _cache_entries(project)
    assert all(before[kind] <= after[kind] for kind in before)


def test_a_shard_entry_pruned_while_it_is_copied_is_written_instead(project, first_build, small_shards, tmp_path) -> None:
    """Another build may prune a shard's cache entry between reading its entries.json and copying its files."""
    first_build(workers=1, preannotate=preannotate)
    for shard in (project.root / ".qawl-cache" / "shards").iterdir():
        (shard / "stance.parquet").unlink()
    build_corpus(project, workers=1, preannotate=preannotate)
    clean = tmp_path / "clean"
    build_corpus(project, clean, workers=1, cache=False, preannotate=preannotate)
    assert tree_digest(project.corpus) == tree_digest(clean)


def test_a_document_s_rows_are_cached_compressed(project, first_build) -> None:
    first_build(workers=1, preannotate=preannotate)
    entries = sorted((project.root / ".qawl-cache" / "documents").iterdir())
    assert len(entries) == 7
    for entry in entries:
        cached = _read_cached(str(entry), [])
        assert cached is not None and cached.reused
        arrow = sum(cached.tables[name].nbytes for name in cached.tables)
        assert entry.stat().st_size * 4 < arrow  # zstd over the IPC streams; about a tenth in practice


def test_plots_of_the_same_figures_come_from_the_cache_and_a_killed_store_is_not_used(project, first_build, monkeypatch) -> None:
    first_build(workers=1, preannotate=preannotate)
    plots = project.root / ".qawl-cache" / "plots"
    (entry,) = plots.iterdir()
    drawn = {name: (project.corpus / "plots" / name).read_bytes() for name in card.PLOT_FILES}
    rendered = []
    render = card._render_plots
    monkeypatch.setattr(card, "_render_plots", lambda *args: rendered.append(args) or render(*args))
    build_corpus(project, workers=1, preannotate=preannotate)
    assert rendered == []
    shutil.rmtree(entry)  # as a build killed while storing the plots leaves them
    killed = entry.with_name(f"{entry.name}.999.partial")
    killed.mkdir()
    (killed / card.PLOT_FILES[0]).write_bytes(b"cut short")
    build_corpus(project, workers=1, preannotate=preannotate)
    assert len(rendered) == 1
    assert {name: (project.corpus / "plots" / name).read_bytes() for name in card.PLOT_FILES} == drawn
    # the killed store's left-over was written just now: it stays until a build starts more than a second later
    assert sorted(p.name for p in plots.iterdir()) == [entry.name, killed.name]


def test_the_synthetic_corpus_says_it_is_synthetic(tmp_path, caplog) -> None:
    repo = Project(Path(__file__).resolve().parents[1])
    synthetic = make_synthetic_project(tmp_path / "bench", 3, 4, repo)
    build_corpus(synthetic, workers=1, cache=False, preannotate=preannotate)
    documents = [row for path in sorted((synthetic.corpus / "documents").glob("*.parquet")) for row in pq.read_table(path).to_pylist()]
    assert [d["publisher"] for d in documents] == ["qawl bench (synthetic)"] * 3
    assert all("not news" in (synthetic.seeds / f"{d['doc_id']}.meta.json").read_text(encoding="utf-8") for d in documents)
    assert "sidecar" not in caplog.text  # no warning about missing metadata
