"""Text hazards survive unchanged, and every offset still points at its text.

One seed carries all of them (diacritics, shadda, tatweel, ZWJ/ZWNJ, bidi
controls, presentation forms, emoji and other astral characters, scraping
leftovers); it is built through the CLI with a gold layer whose spans sit right
after the hazards, then loaded with `datasets` and checked code point by code point.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

import datasets
import pytest

from qawl.project import Project
from tests.conftest import invoke_qawl

HAZARDS = {
    "diacritics": "قَالَ الوَزِيرُ إنّ الخُطّةَ جاهزةٌ.",
    "tatweel": "ستنسحب القوات في الـ 31 من الشهر، وقال لـ\"العربي الجديد\" إن الموعد جـــديد.",
    "zwj_zwnj": "كتب المحرر\u200cون عن ال\u200dحكومة والسياسة.",
    "bidi": "قال \u200fالوزير\u200f إن \u202bبغداد\u202c و\u2067Washington\u2069 اتفقتا \u200e(2021)\u200e \u061cأمس.",
    "presentation": "ختم بقوله \ufdfa و\ufefb أحد يعلم \ufdf2 أعلم.",
    "astral": "رحّب المستخدمون 👍🏽 والعائلة 👨\u200d👩\u200d👧 والعلم 🇮🇶 والرمز 𝐀 𠀋 في بغداد.",
    "html": "<p>قال&nbsp;المتحدث &quot;لا&quot; &amp;amp; <script>alert('x')</script> <a href=\"x\" onclick='y'>رابط</a></p>.",
    "invisible": "نص\ufeffبلا\u00a0فاصل\u2028ثم\u2029تتمة\u00ad و\u034fكلمة.",
    "digits": "بلغ العدد ٣١ ألفاً و3.5 مليون، أي ١٢٫٥٪.",
    "combining_start": "\u0651 شدّة في أول الجملة.",
}
ENTITY_AFTER = {  # an entity right after each hazard: offsets must not drift
    "بغداد": "GPE",
    "الحكومة": "ORG",
    "الوزير": "PERSON",
}


def hazard_text() -> str:
    return "\n".join(HAZARDS.values()) + "\n"


def provenance() -> dict[str, str]:
    return {"source": "manual", "status": "gold", "annotator": "robustness", "time": "2026-01-01T00:00:00Z"}


def entity_layer(doc_id: str, text: str, raw: bytes) -> dict:
    """A gold layer with every occurrence of the ENTITY_AFTER words (ZWJ-split ones are skipped: not the word)."""
    entities = []
    for word, label in ENTITY_AFTER.items():
        start = text.find(word)
        while start != -1:
            entities.append({"id": f"e{len(entities)}", "start": start, "end": start + len(word), "text": word, "label": label, "provenance": provenance()})
            start = text.find(word, start + 1)
    return {"schema_version": "1.0.0", "doc_id": doc_id, "sha256": hashlib.sha256(raw).hexdigest(), "entities": entities, "quotes": [], "stance": []}


@pytest.fixture
def hazard_corpus(make_project: Callable[..., Project], build_once: Callable[[Project], None]) -> tuple[Project, str, dict]:
    text = hazard_text()
    raw = b"\xef\xbb\xbf" + text.encode()
    project = make_project(with_seed=False, seeds={"hazards.txt": raw})
    layer = entity_layer("hazards", text, raw)
    (project.annotations / "hazards.json").write_text(json.dumps(layer, ensure_ascii=False), encoding="utf-8")
    build_once(project)
    return project, text, layer


def rows(project: Project, config: str) -> list[dict]:
    loaded = datasets.load_dataset(str(project.corpus), config)
    return [row for split in loaded.values() for row in split]


def test_document_text_is_the_decoded_seed_exactly(hazard_corpus) -> None:
    project, text, _ = hazard_corpus
    (document,) = rows(project, "documents")
    assert document["text"].encode() == text.encode()  # byte-identical: nothing normalised, only the BOM gone
    for start, end in ((p["start"], p["end"]) for p in document["paragraphs"]):
        assert document["text"][start:end] in HAZARDS.values()


def test_every_sentence_token_and_entity_points_at_its_text(hazard_corpus) -> None:
    project, text, layer = hazard_corpus
    sentences = sorted(rows(project, "sentences"), key=lambda r: r["index"])
    assert [s["text"] for s in sentences] == list(HAZARDS.values())  # one sentence per hazard line, none split or merged
    for row in sentences:
        assert text[row["start"] : row["end"]] == row["text"]
        covered = set()
        for token in row["tokens"]:
            assert row["text"][token["start"] : token["end"]] == token["text"]
            covered.update(range(token["start"], token["end"]))
        lost = [c for i, c in enumerate(row["text"]) if i not in covered and not c.isspace()]
        assert not lost, f"characters in no token: {[hex(ord(c)) for c in lost]} in {row['text']!r}"
    published = {e["id"]: (row, e) for row in sentences for e in row["entities"]}
    assert published.keys() == {e["id"] for e in layer["entities"]}
    for entity in layer["entities"]:
        row, local = published[entity["id"]]
        assert row["text"][local["start"] : local["end"]] == entity["text"]
        assert row["start"] + local["start"] == entity["start"]


def test_validate_accepts_the_hazard_corpus(hazard_corpus) -> None:
    project, _, _ = hazard_corpus
    result = invoke_qawl("validate", cwd=project.root)
    assert result.returncode == 0, result.stderr
