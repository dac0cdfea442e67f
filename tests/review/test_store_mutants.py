"""qawl.review.store: what the mutants that survived its tests changed (docs/mutation.md)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qawl.ingest import Document
from qawl.project import Project
from qawl.publish import write_json
from qawl.review.store import (
    JOURNAL,
    Transaction,
    WriteFailed,
    base_layer,
    commit,
    empty_layer,
    encode_layer,
    encode_log,
    pass_path,
    pass_paths,
    plan_transaction,
    read_log,
    review_log,
)
from qawl.schema import Problem, Schemas
from tests.conftest import mount_tmpfs
from tests.review.conftest import ARTICLE, DOC_ID, GOLD, article_layer

PAGE = 4096
ENTRY = {"doc_id": DOC_ID, "id": "e1", "action": "edited", "after": {"text": "بغداد"}}


def test_an_annotators_layers_are_found_by_name_in_name_order(review_project) -> None:
    project = review_project()
    assert pass_path(project, DOC_ID, "amina") == project.annotations / "passes" / DOC_ID / "amina.json"
    for name in ("layla.json", "amina.json", "notes.txt"):
        (project.annotations / "passes" / DOC_ID).mkdir(parents=True, exist_ok=True)
        (project.annotations / "passes" / DOC_ID / name).write_text("{}", encoding="utf-8")
    assert list(pass_paths(project, DOC_ID).items()) == [
        ("amina", project.annotations / "passes" / DOC_ID / "amina.json"),
        ("layla", project.annotations / "passes" / DOC_ID / "layla.json"),
    ]


def test_an_imported_layer_has_the_bytes_a_build_writes(tmp_path: Path) -> None:
    layer = article_layer(GOLD)
    write_json(tmp_path / "layer.json", layer)
    assert encode_layer(layer) == (tmp_path / "layer.json").read_bytes()


def test_the_log_is_read_as_utf8_whatever_the_locale(review_project) -> None:
    project = review_project()
    review_log(project).write_bytes(encode_log([ENTRY]))
    read = "import json, sys, pathlib; from qawl.project import Project; from qawl.review.store import read_log; print(json.dumps(read_log(Project(pathlib.Path(sys.argv[1])))))"
    ascii_locale = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    done = subprocess.run([sys.executable, "-c", read, str(project.root)], env=ascii_locale, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [ENTRY]


def test_a_history_copy_never_overwrites_an_earlier_one_of_the_same_second(review_project) -> None:
    project = review_project()
    target = project.annotations / f"{DOC_ID}.json"
    history = project.annotations / ".history" / DOC_ID
    history.mkdir(parents=True)
    layer = article_layer(GOLD)

    def kept_as() -> list[str]:
        planned = plan_transaction(project, [(target, layer, [])], "20250115T103000Z")
        return sorted(path.name for path in planned.files if path != target)

    (history / "20250115T103000Z.json").write_text("{}", encoding="utf-8")
    assert kept_as() == ["20250115T103000Z-1.json"]
    (history / "20250115T103000Z-1.json").write_text("{}", encoding="utf-8")
    assert kept_as() == ["20250115T103000Z-2.json"]


def test_an_import_appends_to_the_log_and_keeps_the_earlier_entries(review_project) -> None:
    project = review_project()
    review_log(project).write_bytes(encode_log([ENTRY]))
    later = {**ENTRY, "id": "e2"}
    commit(project, Transaction({project.annotations / "rev_009.json": b"{}\n"}, encode_log([later])))
    assert read_log(project) == [ENTRY, later]
    assert (project.annotations / "rev_009.json").read_bytes() == b"{}\n"


def test_a_write_failure_reads_as_its_problem() -> None:
    problem = Problem("annotations/rev_001.json", "", "cannot write: No space left on device")
    assert str(WriteFailed(problem)) == "annotations/rev_001.json: cannot write: No space left on device"


def test_a_file_that_cannot_be_moved_into_place_is_reported_with_the_committed_journal(review_project) -> None:
    project = review_project()
    blocked = project.annotations / "rev_009.json"
    (blocked / "inside").mkdir(parents=True)  # a directory where the new file goes: the rename fails after the commit
    with pytest.raises(WriteFailed) as raised:
        commit(project, Transaction({blocked: b"{}\n"}, encode_log([ENTRY])))
    journal = project.annotations / JOURNAL
    assert raised.value.problem == Problem(
        str(journal), "", f"cannot move into place: Is a directory; the import is committed in {journal} and the next `qawl review import` or `qawl build` finishes it"
    )
    assert json.loads(journal.read_text(encoding="utf-8"))["state"] == "committed"


# A one-page log, a journal, one new file, the log grown by a page, the committed journal: each
# needs one more page of a full disk. The failure names the file it could not write, and every
# earlier step is rolled back.
@pytest.mark.parametrize(("free_pages", "failing"), [(0, JOURNAL), (1, "rev_009.json"), (2, "review-log.jsonl"), (3, JOURNAL)])
def test_a_full_disk_at_each_step_names_that_file_and_leaves_annotations_as_they_were(tmp_path: Path, free_pages: int, failing: str) -> None:
    disk = tmp_path / "disk"
    mount_tmpfs(disk, "size=1m")
    try:
        project = Project(disk / "project")
        project.annotations.mkdir(parents=True)
        log = review_log(project)
        log.write_bytes(b" " * (PAGE - 1) + b"\n")  # a whole page: the append needs another
        filler = disk / "filler"
        with open(filler, "wb", buffering=0) as handle:
            try:
                while True:
                    handle.write(b"\0" * PAGE)
            except OSError:
                pass
        os.truncate(filler, filler.stat().st_size - free_pages * PAGE)
        with pytest.raises(WriteFailed) as raised:
            commit(project, Transaction({project.annotations / "rev_009.json": b"{}\n"}, encode_log([ENTRY])))
        nothing = "nothing was imported; annotations/ is as it was"
        assert raised.value.problem == Problem(str(project.annotations / failing), "", f"cannot write: No space left on device; {nothing}")
        assert sorted(path.name for path in project.annotations.iterdir()) == ["review-log.jsonl"]
        assert log.read_bytes() == b" " * (PAGE - 1) + b"\n"
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_a_document_nobody_annotated_starts_from_an_empty_layer(review_project) -> None:
    project = review_project(gold=False)
    schema_version = json.loads((project.schema_dir / "dataset.json").read_text(encoding="utf-8"))["schema_version"]
    assert empty_layer(project, "rev_009", "ab" * 32) == {
        "schema_version": schema_version, "doc_id": "rev_009", "sha256": "ab" * 32, "entities": [], "quotes": [], "stance": [],
    }


def test_without_a_gold_file_or_a_pre_annotator_a_review_starts_from_an_empty_layer(review_project, monkeypatch) -> None:
    project = review_project(gold=False)
    monkeypatch.setitem(sys.modules, "qawl.annotate", None)  # as when the pre-annotator is not installed: its import fails
    document = Document(DOC_ID, ARTICLE, hashlib.sha256(ARTICLE.encode()).hexdigest(), "seeds/rev_001.txt")
    kind, layer, problems = base_layer(project, document, Schemas(project.schema_dir))
    assert (kind, problems) == ("empty", [])
    assert layer == empty_layer(project, DOC_ID, document.sha256)
    assert layer["sha256"] == document.sha256
