"""A small hand-made gold annotation layer for the seed article, for tests of the task configs."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from qawl.build import build_corpus
from qawl.project import Project
from tests.conftest import REPO, SEED_ID

PROVENANCE = {"source": "manual", "status": "gold", "annotator": "tester", "time": "2026-01-01T00:00:00Z"}


def span(text: str, needle: str, after: str = "") -> dict[str, Any]:
    """The first occurrence of `needle` in `text` after the first occurrence of `after`."""
    start = text.index(needle, text.index(after) + len(after) if after else 0)
    return {"start": start, "end": start + len(needle), "text": needle}


def entity(text: str, id_: str, label: str, needle: str, after: str = "") -> dict[str, Any]:
    return {"id": id_, **span(text, needle, after), "label": label, "provenance": PROVENANCE}


def seed_layer(seed: Path) -> dict[str, Any]:
    """Entities (one after a proclitic: وواشنطن), a direct and an indirect quote, two stances, the direct quote's speaker chain."""
    raw = seed.read_bytes()
    text = raw.decode("utf-8")
    entities = [
        entity(text, "e1", "GPE", "بغداد", after="حوار بدأت العام الماضي بين "),
        entity(text, "e2", "GPE", "واشنطن", after="بين بغداد و"),
        entity(text, "e3", "ORG", "الحكومة العراقية", after="توصّلت "),
        entity(text, "e4", "ORG", "العربي الجديد", after='قال لـ"'),
        entity(text, "e5", "PERSON", "قاسم الأعرجي"),
        entity(text, "e6", "PERSON", "حيدر اللامي"),
    ]
    quotes = [
        {
            "id": "q1",
            "type": "indirect",
            "content": span(text, "السلطات تعتبر خروج القوات القتالية التابعة للتحالف الدولي منجزاً مهماً، حققته الحكومة"),
            "cue": span(text, "قال", after="مسؤول حكومي عراقي، "),
            "speaker": {"kind": "anonymous", "mention": span(text, "مسؤول حكومي عراقي"), "entity": None},
            "outlet": span(text, "العربي الجديد", after='قال لـ"'),
            "provenance": PROVENANCE,
        },
        {
            "id": "q2",
            "type": "direct",
            "content": span(text, "الأميركيين لا يعرفون معنى الدبلوماسية، بل يتعاملون فقط بمنطق القوة"),
            "cue": span(text, "أشار"),
            "speaker": {"kind": "named", "mention": span(text, "حيدر اللامي"), "entity": "e6", "chain": "c1"},
            "outlet": None,
            "provenance": PROVENANCE,
        },
    ]
    stance = [
        {
            "id": "s1",
            "target": "us_iraq_strategic_partnership",
            "label": "AGAINST",
            "holder": {"kind": "speaker", "quote": "q2"},
            "evidence": {"quote": "q2", "span": None},
            "provenance": PROVENANCE,
        },
        {
            "id": "s2",
            "target": "us_coalition_presence_iraq",
            "label": "NONE",
            "holder": {"kind": "author", "quote": None},
            "evidence": {"quote": None, "span": span(text, "توصّلت الحكومة العراقية والإدارة الأميركية إلى اتفاق")},
            "provenance": PROVENANCE,
        },
    ]
    return {
        "schema_version": "1.0.0",
        "doc_id": seed.name.removesuffix(".txt"),
        "sha256": hashlib.sha256(raw).hexdigest(),
        "entities": entities,
        "quotes": quotes,
        "stance": stance,
        "chains": [{"id": "c1", "name": "حيدر اللامي", "entities": ["e6"], "provenance": PROVENANCE}],
    }


def write_layer(annotations: Path, layer: dict[str, Any]) -> Path:
    path = annotations / f"{layer['doc_id']}.json"
    path.write_text(json.dumps(layer, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def annotated_copy(root: Path) -> Project:
    """A project at `root` with the repository's schema/ and seed, and the seed's test layer."""
    shutil.copytree(REPO / "schema", root / "schema")
    (root / "seeds").mkdir(parents=True)
    (root / "annotations").mkdir()
    for path in (REPO / "seeds").glob(f"{SEED_ID}*"):
        shutil.copy(path, root / "seeds" / path.name)
    shutil.copy(REPO / "annotations" / "targets.json", root / "annotations" / "targets.json")
    write_layer(root / "annotations", seed_layer(root / "seeds" / f"{SEED_ID}.txt"))
    return Project(root)


@pytest.fixture(scope="session")
def annotated(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A built project whose seed has the gold test layer (read-only: do not modify it)."""
    project = annotated_copy(tmp_path_factory.mktemp("annotated") / "project")
    build_corpus(project)
    return project
