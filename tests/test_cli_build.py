"""End-to-end: the CLI as a user runs it, and what load_dataset, pandas, polars and DuckDB see."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import datasets
import pyarrow.parquet as pq
import pytest

from qawl.bench import relabel_name
from qawl.schema import Schemas
from tests.conftest import REPO, invoke_qawl, run_qawl, run_qawl_on_a_terminal, tree_digest


@pytest.fixture
def built(make_project, build_once):
    project = make_project(with_annotations=True)
    build_once(project)
    return project


def test_build_then_load_dataset_gives_declared_features_and_manifest_counts(built) -> None:
    corpus = built.corpus
    manifest = json.loads((corpus / "manifest.json").read_text())
    schemas = Schemas(built.schema_dir)
    assert manifest["version"] == built.version
    for config, schema in (("sentences", "sentence"), ("documents", "document")):
        loaded = datasets.load_dataset(str(corpus), config)
        for split, dataset in loaded.items():
            assert dataset.features == schemas.features(schema)
            entry = next(f for f in manifest["files"] if f["config"] == config and f["split"] == split)
            assert dataset.num_rows == entry["rows"]
    default = datasets.load_dataset(str(corpus))
    assert "sentence_id" in next(iter(default.values())).features


def test_rows_point_into_the_document_text(built) -> None:
    sentences = datasets.load_dataset(str(built.corpus), "sentences")
    documents = datasets.load_dataset(str(built.corpus), "documents")
    texts = {row["doc_id"]: row["text"] for split in documents.values() for row in split}
    for split in sentences.values():
        for row in split:
            assert texts[row["doc_id"]][row["start"] : row["end"]] == row["text"]
            for token in row["tokens"]:
                assert row["text"][token["start"] : token["end"]] == token["text"]


def test_parquet_is_readable_by_pandas_polars_and_duckdb(built) -> None:
    import duckdb
    import pandas as pd
    import polars as pl

    path = next((built.corpus / "sentences").glob("*.parquet"))
    rows = pq.read_table(path).num_rows
    assert len(pd.read_parquet(path)) == rows
    assert pl.read_parquet(path).height == rows
    assert duckdb.sql(f"select count(*) from read_parquet('{path}')").fetchall()[0][0] == rows
    metadata = pq.read_schema(path).metadata
    assert json.loads(metadata[b"qawl"])["schema_version"] == json.loads((built.corpus / "manifest.json").read_text())["schema_version"]


def test_build_is_deterministic(built, tmp_path) -> None:
    first = tree_digest(built.corpus)
    shutil.rmtree(built.corpus)
    again, terminal = run_qawl_on_a_terminal("build", cwd=built.root)  # on a terminal: a progress bar over the documents
    assert again.returncode == 0, terminal
    assert tree_digest(built.corpus) == first
    documents = json.loads((built.corpus / "manifest.json").read_text())["documents"]
    assert "build: 100%" in terminal and f"{documents}/{documents} [" in terminal


def test_check_passes_when_current_and_fails_when_stale(built) -> None:
    assert invoke_qawl("build", "--check", cwd=built.root).returncode == 0
    (built.root / "seeds" / "extra.txt").write_text("خبر جديد عن الاقتصاد.\n", encoding="utf-8")
    stale = invoke_qawl("build", "--check", cwd=built.root)
    assert stale.returncode == 1
    assert "out of date" in stale.stderr


def test_a_seed_without_sidecar_is_accepted_with_unknown_metadata(make_project) -> None:
    project = make_project(with_seed=False, seeds={"plain.txt": "أعلنت الحكومة خطة جديدة.\n".encode()})
    result = invoke_qawl("build", "--no-preannotate", cwd=project.root)
    assert result.returncode == 0, result.stderr
    assert "no metadata sidecar" in result.stderr
    row = datasets.load_dataset(str(project.corpus), "documents")
    record = next(iter(row.values()))[0]
    assert record["published_precision"] == "unknown" and record["url"] is None and record["status"] == "unannotated"
    sentences = next(iter(datasets.load_dataset(str(project.corpus), "sentences").values()))
    assert all(r["entities"] == [] and r["quotes"] == [] and r["status"] == "unannotated" for r in sentences)


def test_documents_without_gold_are_pre_annotated_as_silver(make_project) -> None:
    project = make_project(with_seed=False, seeds={"news.txt": "وقال وزير الخارجية المصري إن القاهرة ترفض التصعيد.\n".encode()})
    assert invoke_qawl("build", cwd=project.root).returncode == 0
    rows = next(iter(datasets.load_dataset(str(project.corpus), "sentences").values()))
    assert rows.num_rows == 1 and rows[0]["status"] == "silver"
    labels = rows.features["entities"].feature["label"]
    assert [(e["text"], labels.int2str(e["label"]), e["start"]) for e in rows[0]["entities"]] == [("المصري", "NORP", 19), ("القاهرة", "GPE", 29)]
    (quote,) = rows[0]["quotes"]
    speaker = quote["speaker"]
    assert (quote["content"]["text"], quote["cue"]["text"], speaker["kind"], speaker["mention"]["text"], speaker["entity"]) == (
        "القاهرة ترفض التصعيد", "قال", "anonymous", "وزير الخارجية المصري", None
    )
    provenance = [item["provenance"] for kind in ("entities", "quotes") for item in rows[0][kind]]
    assert {(p["source"], p["status"], p["annotator"]) for p in provenance} == {("auto:qawl-preannotator@0.1.0", "silver", "qawl-preannotator")}
    assert rows[0]["stance"] == []  # no target inventory in this project


def test_the_build_is_the_same_from_any_directory(make_project, tmp_path) -> None:
    """The pre-annotator learns from the built project's annotations/ (gold names, stance targets), not the current directory's."""
    project = make_project(with_annotations=True, seeds={"news.txt": "وقال وزير الخارجية المصري إن القاهرة ترفض التصعيد.\n".encode()})
    inside = invoke_qawl("build", "--no-cache", cwd=project.root)
    assert inside.returncode == 0, inside.stderr
    from_inside = tree_digest(project.corpus)
    outside = invoke_qawl("build", "--no-cache", "--root", str(project.root), cwd=tmp_path)  # no project around tmp_path
    assert outside.returncode == 0, outside.stderr
    assert tree_digest(project.corpus) == from_inside
    stance = datasets.load_dataset(str(project.corpus), "stance")["silver"]  # the split of documents without gold
    assert "news" in {row["doc_id"] for row in stance}  # the silver quote has its stance records


def test_a_review_that_relabels_a_gold_name_rebuilds_the_articles_that_contain_it(make_project) -> None:
    """The review loop as a maintainer runs it: build, relabel a name in a gold layer, build again.

    The silver article that names it is pre-annotated again and learns the new label;
    the other one is taken from the cache (its entry is not rewritten); the corpus
    equals an uncached build.
    """
    project = make_project(with_annotations=True)
    gold = next(p for p in project.annotations.glob("*.json") if p.name != "targets.json")
    layer = json.loads(gold.read_text(encoding="utf-8"))
    name = next(e["text"] for e in layer["entities"] if e["label"] == "ORG")
    (project.seeds / "names-it.txt").write_text(f"وقال {name} في بيان إن الاجتماع انتهى.\n", encoding="utf-8")
    (project.seeds / "does-not.txt").write_text("وقال المتحدث في بيان إن الاجتماع انتهى.\n", encoding="utf-8")
    assert invoke_qawl("build", cwd=project.root).returncode == 0
    cache = project.root / ".qawl-cache" / "documents"
    entries = {p.name: p.stat().st_ino for p in cache.iterdir()}

    relabel_name(layer, lambda text: text == name, "GPE")
    gold.write_text(json.dumps(layer, ensure_ascii=False, indent=2), encoding="utf-8")
    rebuilt = invoke_qawl("build", cwd=project.root)
    assert rebuilt.returncode == 0, rebuilt.stderr
    rewritten = {p.name for p in cache.iterdir() if entries.get(p.name) != p.stat().st_ino}
    assert len(rewritten) == 2  # the gold document (a new key: its layer changed) and the article that names it
    splits = datasets.load_dataset(str(project.corpus), "sentences")
    labels = next(iter(splits.values())).features["entities"].feature["label"]
    found = {row["doc_id"]: [labels.int2str(e["label"]) for e in row["entities"] if e["text"] == name] for rows in splits.values() for row in rows}
    assert found["names-it"] == ["GPE"]
    check = invoke_qawl("build", "--check", "--no-cache", cwd=project.root)
    assert check.returncode == 0 and "up to date" in check.stdout, check.stderr


def test_annotate_learns_from_the_project_given_by_root(make_project, tmp_path) -> None:
    project = make_project(with_annotations=True, seeds={"news.txt": "وقال وزير الخارجية المصري إن القاهرة ترفض التصعيد.\n".encode()})
    # targets of its own, so that a pre-annotator of another project (the repository around this process) shows
    inventory = json.loads((project.annotations / "targets.json").read_text(encoding="utf-8"))
    inventory["targets"] = inventory["targets"][:3]
    (project.annotations / "targets.json").write_text(json.dumps(inventory, ensure_ascii=False), encoding="utf-8")
    article = project.seeds / "news.txt"
    inside = run_qawl("annotate", str(article), cwd=project.root)
    outside = invoke_qawl("annotate", "--root", str(project.root), str(article), cwd=tmp_path)  # no project around tmp_path
    bare = run_qawl("annotate", str(article), cwd=tmp_path)
    assert inside.returncode == outside.returncode == bare.returncode == 0, (inside.stderr, outside.stderr, bare.stderr)
    assert json.loads(outside.stdout) == json.loads(inside.stdout)
    assert [s["target"] for s in json.loads(outside.stdout)["stance"]] == [t["id"] for t in inventory["targets"]]
    assert not json.loads(bare.stdout)["stance"]  # no targets outside a project


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xd9\x85\xd8\xb9 \xff\xfe bad", "not valid UTF-8"),
        (b"   \n\t\n", "empty or whitespace-only"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL byte"),
        ("نص".encode("utf-16"), "UTF-16"),
    ],
    ids=["not-utf8", "empty", "binary", "utf16"],
)
def test_bad_seeds_stop_the_build_and_leave_corpus_untouched(built, content: bytes, message: str) -> None:
    before = tree_digest(built.corpus)
    (built.root / "seeds" / "bad.txt").write_bytes(content)
    (built.root / "seeds" / "also-bad.txt").write_bytes(b"")
    result = invoke_qawl("build", cwd=built.root)
    assert result.returncode == 1
    assert "bad.txt" in result.stderr and message in result.stderr
    assert "also-bad.txt" in result.stderr  # every problem in one run
    assert tree_digest(built.corpus) == before


def test_help_teaches(tmp_path) -> None:
    result = invoke_qawl("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "qawl build" in result.stdout and "validate" in result.stdout
    assert "temporary directory" in invoke_qawl("build", "--help", cwd=tmp_path).stdout


def test_commands_other_than_build_do_not_load_the_build_s_libraries() -> None:
    """`qawl --help`, `validate`, `review`… start in a third of the time: datasets and matplotlib load with `build`,
    `diff`, `release`, and spaCy where text is tokenized."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, qawl.cli; print(sorted({m.split('.')[0] for m in sys.modules}))"],
        capture_output=True, text=True, check=True,
    ).stdout
    assert "'datasets'" not in loaded and "'matplotlib'" not in loaded and "'spacy'" not in loaded and "'click'" in loaded
    validate = "import sys; from qawl.cli import cli; cli(['validate', '--root', sys.argv[1]], standalone_mode=False); print('spacy' in sys.modules)"
    validated = subprocess.run([sys.executable, "-c", validate, str(REPO)], capture_output=True, text=True, check=True)
    assert validated.stdout.split()[-1] == "False" and "valid:" in validated.stdout + validated.stderr


def test_annotate_refuses_a_broken_target_inventory_and_a_fifo_by_name(make_project, tmp_path) -> None:
    """Both were silent or stuck: a targets.json with a syntax error gave layers without stance, a FIFO hung the read."""
    project = make_project(with_annotations=True, seeds={"news.txt": "وقال وزير الخارجية المصري إن القاهرة ترفض التصعيد.\n".encode()})
    article, targets = project.seeds / "news.txt", project.annotations / "targets.json"
    targets.write_text(targets.read_text(encoding="utf-8").replace('"targets"', '"targets" ,', 1), encoding="utf-8")
    broken = invoke_qawl("annotate", "--root", str(project.root), str(article), cwd=tmp_path)
    assert broken.returncode == 1 and broken.stdout == "" and "Traceback" not in broken.stderr
    assert broken.stderr.splitlines() == [f"error: {targets}: line 3, column 13: invalid JSON: Expecting ':' delimiter", "nothing annotated: 1 problem(s)"]
    fifo, bad = tmp_path / "pipe.txt", tmp_path / "bad.txt"
    os.mkfifo(fifo)
    bad.write_bytes(b"\xff")
    stuck = run_qawl("annotate", str(fifo), str(bad), cwd=tmp_path)
    assert stuck.returncode == 1 and stuck.stdout == ""
    assert stuck.stderr.splitlines() == [
        f"error: {fifo}: not a regular file (a FIFO): only regular files are read",
        f"error: {bad}: byte 0 (line 1, column 1): not valid UTF-8 (invalid start byte: b'\\xff'); re-save the file as UTF-8",
        "nothing annotated: 2 problem(s)",
    ]
