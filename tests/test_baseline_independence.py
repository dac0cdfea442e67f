"""What the baseline's figures may rest on: the pre-annotator learns nothing from the devset, and
scores each gold document as if its own gold layer were not there (leave-one-out)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, SEED_ID, run_qawl

DEVSET = REPO / "annotations" / "devset"
# A few devset articles of both parts and of several styles, and an article the devset has never seen.
DEVSET_TEXTS = [DEVSET / "tune" / "dev_iq_11.txt", DEVSET / "scored" / "dev_eg_04.txt", DEVSET / "scored" / "dev_wire_01.txt"]
NEW_TEXT = (
    "بغداد - قال وزير الخارجية العراقي فؤاد حسين، اليوم الثلاثاء، إن «الحكومة ترفض أي وجود عسكري أجنبي"
    " على أراضيها». وأضاف حسين أن السفارة الأميركية أبلغت الوزارة بموعد الانسحاب.\n"
)


def _project_without(tmp_path: Path, *left_out: str) -> Path:
    """A copy of the project's schema/, seeds/ and annotations/ without the annotations/ entries named."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "schema", root / "schema")
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "annotations", root / "annotations", ignore=lambda directory, names: [n for n in names if Path(directory) == REPO / "annotations" and n in left_out])
    return root


def _annotated(root: Path, texts: list[Path], cwd: Path) -> str:
    run = run_qawl("annotate", "--root", str(root), "--format", "jsonl", *map(str, texts), cwd=cwd)
    assert run.returncode == 0, run.stderr
    return run.stdout


@pytest.fixture(scope="module")
def texts(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The seed, the devset articles and the new article."""
    new_text = tmp_path_factory.mktemp("new") / "new_article.txt"
    new_text.write_text(NEW_TEXT, encoding="utf-8")
    return [REPO / "seeds" / f"{SEED_ID}.txt", *DEVSET_TEXTS, new_text]


@pytest.fixture(scope="module")
def with_devset(texts: list[Path]) -> str:
    """The texts' silver layers by the repository's project, devset and the seed's gold layer present (one line each)."""
    return _annotated(REPO, texts, texts[-1].parent)


def test_the_preannotator_learns_nothing_from_the_devset(tmp_path: Path, texts: list[Path], with_devset: str) -> None:
    """Issue #22 "done when": with annotations/devset/ removed, the silver layers of the seed, of devset
    articles and of a new article are byte for byte those made with the devset present."""
    root = _project_without(tmp_path, "devset")
    assert not (root / "annotations" / "devset").exists() and (root / "annotations" / f"{SEED_ID}.json").exists()
    assert _annotated(root, texts, tmp_path) == with_devset
    layers = [json.loads(line) for line in with_devset.splitlines()]
    assert [layer["doc_id"] for layer in layers] == [SEED_ID, "dev_iq_11", "dev_eg_04", "dev_wire_01", "new_article"]
    new = layers[-1]
    assert ("فؤاد حسين", "PERSON") in {(e["text"], e["label"]) for e in new["entities"]}
    assert [q["content"]["text"] for q in new["quotes"]][:1] == ["الحكومة ترفض أي وجود عسكري أجنبي على أراضيها"]


def test_the_seed_is_annotated_as_if_its_own_gold_were_not_there(tmp_path: Path, with_devset: str) -> None:
    """Leave-one-out, as the card's `gold_corpus` column claims: the seed's silver layer with its gold layer
    in annotations/ (the gazetteer and the stance classifier skip a document's own gold) is byte for byte
    the layer made by a project that has no gold layer for it."""
    seed = [REPO / "seeds" / f"{SEED_ID}.txt"]
    root = _project_without(tmp_path, f"{SEED_ID}.json", "devset")
    assert [p.name for p in sorted((root / "annotations").glob("*.json"))] == ["targets.json"]
    assert _annotated(root, seed, tmp_path) == with_devset.splitlines(keepends=True)[0]  # the seed's line
