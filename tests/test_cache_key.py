"""The build's document cache is invalidated by each of its inputs: the article text, its metadata
sidecar, its gold layer, the stance targets, the schemas and the code. After each change, a build
that reuses the cache publishes what a build without it publishes, byte for byte."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import qawl
from qawl import build
from qawl.annotate import preannotator
from qawl.build import BuildError, build_corpus
from qawl.cli import cli
from qawl.project import Project
from qawl.schema import Schemas
from qawl.validate import read_rows
from tests.conftest import REPO, SEED_ID, tree_digest
from tests.layers import annotated_copy

EXTRA = "خبر قصير عن الاقتصاد الأردني.\nوقال الوزير إن الموازنة ستقر قريباً بعد انسحاب القوات الأجنبية.\n"
TITLE = "الموازنة الأردنية"


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A project built with its cache: the seed with its gold layer, and a silver article with a sidecar."""
    project = annotated_copy(tmp_path_factory.mktemp("warm") / "project")
    (project.seeds / "extra.txt").write_text(EXTRA, encoding="utf-8")
    sidecar = json.loads((REPO / "seeds" / f"{SEED_ID}.meta.json").read_text(encoding="utf-8"))
    (project.seeds / "extra.meta.json").write_text(json.dumps({**sidecar, "title": TITLE}, ensure_ascii=False), encoding="utf-8")
    build_corpus(project, preannotate=preannotator(project.annotations))
    return project


@pytest.fixture
def project(warm: Project, tmp_path: Path) -> Project:
    """A copy of the warm project, its cache included."""
    shutil.copytree(warm.root, tmp_path / "project")
    return Project(tmp_path / "project")


def edit_json(path: Path, change: Callable[[dict], None]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def relabel_gold_entity(project: Project) -> None:
    edit_json(project.annotations / f"{SEED_ID}.json", lambda layer: layer["entities"][3].update(label="NORP"))


def drop_a_target(project: Project) -> None:  # one the gold layer does not use: the silver article's stance changes
    edit_json(project.annotations / "targets.json", lambda inventory: inventory.update(targets=[t for t in inventory["targets"] if t["id"] != "iran_regional_influence"]))


def reverse_the_targets(project: Project) -> None:  # a silver quote's stance records follow the inventory's order
    edit_json(project.annotations / "targets.json", lambda inventory: inventory["targets"].reverse())


def reorder_stance_labels(project: Project) -> None:  # ClassLabel ids change: cached Arrow rows would carry the old ids
    edit_json(project.schema_dir / "common.schema.json", lambda schema: schema["$defs"]["stance_label"]["enum"].reverse())


CHANGES: dict[str, Callable[[Project], None]] = {
    "text": lambda p: (p.seeds / "extra.txt").write_text(EXTRA.replace("الأردني", "المغربي"), encoding="utf-8"),
    "sidecar": lambda p: edit_json(p.seeds / "extra.meta.json", lambda meta: meta.update(title="عنوان آخر")),
    "gold layer": relabel_gold_entity,
    "targets": drop_a_target,
    "target order": reverse_the_targets,
    "schema": reorder_stance_labels,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_cached_rebuild_after_a_change_publishes_what_a_clean_build_does(project: Project, tmp_path: Path, change: Callable[[Project], None]) -> None:
    before = tree_digest(project.corpus)
    change(project)
    build_corpus(project, preannotate=preannotator(project.annotations))
    clean = tmp_path / "clean"
    build_corpus(project, clean, cache=False, preannotate=preannotator(project.annotations))
    assert tree_digest(project.corpus) == tree_digest(clean)
    assert {path for path, digest in tree_digest(project.corpus).items() if before.get(path) != digest} & {
        p for p in before if p.startswith(("documents/", "sentences/", "ner/", "quotes/", "stance/"))
    }  # the change reached the published rows


def test_a_gold_layer_is_checked_again_when_a_target_it_uses_is_removed(project: Project) -> None:
    edit_json(project.annotations / "targets.json", lambda inventory: inventory.update(targets=[t for t in inventory["targets"] if t["id"] != "us_iraq_strategic_partnership"]))
    with pytest.raises(BuildError) as refused:
        build_corpus(project, preannotate=preannotator(project.annotations))
    assert [(p.place, p.message) for p in refused.value.problems] == [
        ("/stance/0/target", "target 'us_iraq_strategic_partnership' is not in annotations/targets.json")
    ]


def test_an_edited_title_makes_build_check_fail_and_the_rebuild_publishes_it(project: Project) -> None:
    CHANGES["sidecar"](project)
    check = CliRunner().invoke(cli, ["build", "--check", "--root", str(project.root)], catch_exceptions=False)
    assert check.exit_code == 1 and "corpus/ is out of date" in check.stderr
    assert CliRunner().invoke(cli, ["build", "--root", str(project.root)], catch_exceptions=False).exit_code == 0
    schemas = Schemas(project.schema_dir)
    titles = {
        row["doc_id"]: row["title"]
        for path in (project.corpus / "documents").rglob("*.parquet")
        for row in read_rows(path, schemas, "document")
    }
    assert titles == {SEED_ID: None, "extra": "عنوان آخر"}


def test_a_change_of_code_recomputes_every_document(project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    computed: list[str] = []
    process_document = build.process_document
    monkeypatch.setattr(build, "process_document", lambda document, *args, **kwargs: computed.append(document.doc_id) or process_document(document, *args, **kwargs))
    build_corpus(project, preannotate=preannotator(project.annotations))
    assert computed == []  # nothing changed: every document from the cache
    package = tmp_path / "qawl"
    shutil.copytree(Path(qawl.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(qawl, "__file__", str(package / "__init__.py"))  # the code fingerprint reads this copy
    build_corpus(project, preannotate=preannotator(project.annotations))
    assert computed == []  # the same code, elsewhere
    stopwords = package / "annotate" / "data" / "stopwords.txt"
    stopwords.write_text(stopwords.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build_corpus(project, preannotate=preannotator(project.annotations))
    assert sorted(computed) == sorted([SEED_ID, "extra"])
