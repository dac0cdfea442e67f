"""qawl diff when a document was removed: every record of it listed as removed, nothing else."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
from click.testing import CliRunner

from qawl.annotate import preannotator
from qawl.build import build_corpus
from qawl.cli import cli
from qawl.release import annotation_records
from qawl.segment import split_sentences
from tests.conftest import REPO
from tests.layers import annotated_copy

EXTRA = "خبر قصير عن الاقتصاد الأردني.\nوقال الوزير إن الموازنة ستقر قريباً.\n"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


def annotation_keys(corpus: Path, doc_id: str) -> list[tuple[str, str, str]]:
    """(doc_id, kind, id) of every annotation of a document in a published corpus, read from its Parquet files."""
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    keys = []
    for entry in (f for f in manifest["files"] if f["config"] == "sentences"):
        for row in pq.read_table(corpus / entry["path"]).to_pylist():
            if row["doc_id"] == doc_id:
                keys += [(doc_id, kind, item["id"]) for kind in ("entities", "quotes", "stance") for item in row[kind]]
    return sorted(keys)


def test_diff_lists_a_removed_document_with_its_sentences_and_annotations(tmp_path: Path) -> None:
    project = annotated_copy(tmp_path / "repo")
    root = project.root
    (root / "seeds" / "extra.txt").write_text(EXTRA, encoding="utf-8")
    shutil.copy(REPO / ".gitignore", root / ".gitignore")
    build_corpus(project, preannotate=preannotator(project.annotations))  # as qawl build does
    removed = annotation_keys(project.corpus, "extra")
    assert len(removed) >= 2  # the silver layer of the article: something to list
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "-c", "user.email=t@example.org", "-c", "user.name=T", "commit", "-q", "-m", "with extra")
    git(root, "tag", "v1")
    (root / "seeds" / "extra.txt").unlink()
    build_corpus(project, preannotate=preannotator(project.annotations))

    done = CliRunner().invoke(cli, ["diff", "--root", str(root), "v1", "--json"], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    diff = json.loads(done.stdout)
    sentences = split_sentences("extra", EXTRA)
    assert diff["documents"] == {"added": [], "removed": [{"doc_id": "extra"}], "changed": []}
    assert diff["sentences"] == {
        "added": [],
        "removed": sorted(({"sentence_id": s.sentence_id, "doc_id": "extra", "text": s.text} for s in sentences), key=lambda s: s["sentence_id"]),
        "changed": [],
    }
    assert sorted((a["doc_id"], a["kind"], a["id"]) for a in diff["annotations"]["removed"]) == removed
    assert diff["annotations"]["added"] == [] and diff["annotations"]["changed"] == []

    done = CliRunner().invoke(cli, ["diff", "--root", str(root), "v1"], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    assert lines[0] == "v1 → working tree"
    assert lines[1:3] == ["documents: 0 added, 1 removed, 0 changed", "sentences: 0 added, 2 removed, 0 changed"]
    assert "- document extra" in lines
    assert sorted(line for line in lines if line.startswith("- annotation")) == sorted(f"- annotation extra {kind} {i}" for _, kind, i in removed)


def test_a_change_in_any_piece_of_a_quote_over_several_sentences_is_a_change_of_that_quote() -> None:
    """A quote has a piece in each sentence it runs over; the diff keys it once and compares every piece."""
    from tests.test_multi_sentence_quotes import _rows

    old = _rows()
    new = copy.deepcopy(old)
    middle = next(q for q in new[1]["quotes"] if q["id"] == "q1")  # q1's second piece, of three
    middle["parts"][0]["text"] = "edited"
    records_old, records_new = annotation_records(old), annotation_records(new)
    assert [s["sentence_id"] for s in records_old[("m1", "quotes", "q1")]["pieces"]] == [row["sentence_id"] for row in old[:3]]
    assert records_old[("m1", "quotes", "q1")]["sentence_id"] == old[0]["sentence_id"]
    assert [key for key in records_old if records_old[key] != records_new[key]] == [("m1", "quotes", "q1")]
