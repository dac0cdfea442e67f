"""A small review project: an Arabic article with characters outside the BMP, and its gold layer."""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qawl.cli import cli
from qawl.project import Project
from qawl.publish import write_json
from tests.conftest import REPO

DOC_ID = "rev_001"
# A heading with a flag (two astral code points), a direct quote with an outlet, an anonymous
# speaker and an emoji, 𝕏 inside an outlet span, a proclitic before an entity (بالعراق).
ARTICLE = (
    "وزير الخارجية يزور بغداد 🇮🇶\n"
    "قال وزير الخارجية فؤاد حسين لـ«العربي الجديد» إن «العراق يرفض بقاء القوات الأجنبية على أراضيه».\n"
    "وأكد مسؤول حكومي عراقي أن الحكومة ستواصل الحوار مع واشنطن 😀 بشأن الانسحاب.\n"
    "وكتب الحساب الرسمي على منصة 𝕏 أن الزيارة تستمر يومين.\n"
    "ويرى مراقبون أن انسحاب القوات سيترك فراغاً أمنياً بالعراق.\n"
)
GOLD = {"source": "manual", "status": "gold", "annotator": "t1", "time": "2025-01-15T10:30:00Z"}
SILVER = {"source": "auto:test@1.0", "status": "silver", "annotator": "test", "time": "2025-01-10T08:00:00Z"}


def span(text: str, needle: str, occurrence: int = 1, skip: int = 0) -> dict[str, Any]:
    """The span of the n-th occurrence of `needle`, `skip` characters trimmed off its start."""
    start = -1
    for _ in range(occurrence):
        start = text.index(needle, start + 1)
    start += skip
    end = start + len(needle) - skip
    return {"start": start, "end": end, "text": text[start:end]}


def article_layer(provenance: dict[str, str]) -> dict[str, Any]:
    """The test article's annotation layer, every record with `provenance`."""
    t = ARTICLE

    def entity(n: int, needle: str, label: str, occurrence: int = 1, skip: int = 0) -> dict[str, Any]:
        return {"id": f"e{n}", **span(t, needle, occurrence, skip), "label": label, "provenance": dict(provenance)}

    return {
        "schema_version": "1.0.0",
        "doc_id": DOC_ID,
        "sha256": hashlib.sha256(t.encode()).hexdigest(),
        "entities": [
            entity(1, "بغداد", "GPE"),
            entity(2, "فؤاد حسين", "PERSON"),
            entity(3, "العربي الجديد", "ORG"),
            entity(4, "العراق", "GPE"),
            entity(5, "واشنطن", "GPE"),
            entity(6, "بالعراق", "GPE", skip=1),
        ],
        "quotes": [
            {
                "id": "q1",
                "type": "direct",
                "content": span(t, "العراق يرفض بقاء القوات الأجنبية على أراضيه"),
                "cue": span(t, "قال"),
                "speaker": {"kind": "named", "mention": span(t, "فؤاد حسين"), "entity": "e2"},
                "outlet": span(t, "العربي الجديد"),
                "provenance": dict(provenance),
            },
            {
                "id": "q2",
                "type": "indirect",
                "content": span(t, "الحكومة ستواصل الحوار مع واشنطن 😀 بشأن الانسحاب"),
                "cue": span(t, "وأكد", skip=1),
                "speaker": {"kind": "anonymous", "mention": span(t, "مسؤول حكومي عراقي"), "entity": None},
                "outlet": None,
                "provenance": dict(provenance),
            },
            {
                "id": "q3",
                "type": "indirect",
                "content": span(t, "الزيارة تستمر يومين"),
                "cue": span(t, "وكتب", skip=1),
                "speaker": {"kind": "anonymous", "mention": span(t, "الحساب الرسمي"), "entity": None},
                "outlet": span(t, "منصة 𝕏"),
                "provenance": dict(provenance),
            },
        ],
        "stance": [
            {
                "id": "s1",
                "target": "us_coalition_presence_iraq",
                "label": "AGAINST",
                "holder": {"kind": "speaker", "quote": "q1"},
                "evidence": {"quote": "q1", "span": None},
                "provenance": dict(provenance),
            },
            {
                "id": "s2",
                "target": "us_iraq_strategic_partnership",
                "label": "FAVOR",
                "holder": {"kind": "speaker", "quote": "q2"},
                "evidence": {"quote": "q2", "span": None},
                "provenance": dict(provenance),
            },
            {
                "id": "s3",
                "target": "us_coalition_presence_iraq",
                "label": "FAVOR",
                "holder": {"kind": "author", "quote": None},
                "evidence": {"quote": None, "span": span(t, "ويرى مراقبون أن انسحاب القوات سيترك فراغاً أمنياً بالعراق.")},
                "provenance": dict(provenance),
            },
        ],
    }


def empty_project(root: Path) -> Project:
    """A project at `root` with the schemas and stance targets, no seed and no annotation layer."""
    shutil.copytree(REPO / "schema", root / "schema")
    (root / "seeds").mkdir()
    (root / "annotations").mkdir()
    shutil.copy(REPO / "annotations" / "targets.json", root / "annotations" / "targets.json")
    return Project(root)


@pytest.fixture
def review_project(tmp_path: Path) -> Callable[..., Project]:
    """A project with the test article (and `extra` seeds), optionally its gold layer."""

    def make(gold: bool = True, extra: dict[str, str] | None = None) -> Project:
        root = empty_project(tmp_path / "project").root
        for doc_id, text in {DOC_ID: ARTICLE, **(extra or {})}.items():
            (root / "seeds" / f"{doc_id}.txt").write_bytes(text.encode())
        if gold:
            write_json(root / "annotations" / f"{DOC_ID}.json", article_layer(GOLD))
        return Project(root)

    return make


@pytest.fixture
def gold_layer() -> dict[str, Any]:
    return copy.deepcopy(article_layer(GOLD))


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def run_review(project: Project, command: str, *args: str) -> Ran:
    """`qawl review <command> --root <project> ...`, in-process through click (the CLI a user runs)."""
    result = CliRunner().invoke(cli, ["review", command, "--root", str(project.root), *args], catch_exceptions=False)
    return Ran(result.exit_code, result.stdout, result.stderr)
