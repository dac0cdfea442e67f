"""Structural facts the human gold layers in annotations/ must satisfy (guidelines, issue 3)."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pytest

from qawl.ingest import ingest_seeds
from qawl.merge import read_targets
from qawl.project import Project
from qawl.schema import Schemas
from qawl.validate import annotation_files, validate_annotation_files
from tests.conftest import REPO

PROJECT = Project(REPO)
GOLD_FILES = annotation_files(PROJECT.annotations)


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_there_is_gold_and_it_validates() -> None:
    assert GOLD_FILES, "no gold annotation layer in annotations/"
    schemas = Schemas(PROJECT.schema_dir)
    assert validate_annotation_files(GOLD_FILES, PROJECT, schemas) == []


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_layer_structure(path: Path) -> None:
    layer = load(path)
    text = next(d for d in ingest_seeds(PROJECT.seeds, Schemas(PROJECT.schema_dir)) if d.doc_id == layer["doc_id"]).text
    entities = {e["id"]: e for e in layer["entities"]}
    quotes = {q["id"]: q for q in layer["quotes"]}
    targets, problems = read_targets(PROJECT.annotations, Schemas(PROJECT.schema_dir))
    assert not problems and targets

    for kind in ("entities", "quotes", "chains", "stance"):
        for item in layer.get(kind, []):
            provenance = item["provenance"]
            assert (provenance["source"], provenance["status"]) == ("manual", "gold") and provenance["annotator"]
    # ids in text order, as the guidelines ask
    assert [e["start"] for e in layer["entities"]] == sorted(e["start"] for e in layer["entities"])

    for quote in layer["quotes"]:
        content = quote["content"]
        assert content["text"] == text[content["start"] : content["end"]] and content["text"].strip()
        speaker = quote["speaker"]
        if speaker["kind"] == "named":
            assert speaker["entity"] in entities and speaker["mention"] is not None
            assert entities[speaker["entity"]]["label"] in {"PERSON", "ORG", "GPE", "NORP"}
            assert entities[speaker["entity"]]["start"] <= quote["content"]["end"]  # named at or before the quote
        elif speaker["kind"] == "anonymous":
            assert speaker["mention"] is not None and speaker["entity"] is None
        else:
            assert speaker == {"kind": "unknown", "mention": None, "entity": None}
        if quote["outlet"] is not None and speaker["mention"] is not None:
            assert quote["outlet"]["text"] != speaker["mention"]["text"]  # the outlet is never the speaker

    if layer.get("chains"):  # chain ids in order of first mention, mentions in text order; every named speaker has a chain (§2.12)
        assert [c["id"] for c in layer["chains"]] == [f"c{n}" for n in range(1, len(layer["chains"]) + 1)]
        firsts = [entities[c["entities"][0]]["start"] for c in layer["chains"]]
        assert firsts == sorted(firsts)
        assert all([entities[e]["start"] for e in c["entities"]] == sorted(entities[e]["start"] for e in c["entities"]) for c in layer["chains"])
        assert all(q["speaker"]["chain"] for q in layer["quotes"] if q["speaker"]["kind"] == "named")
    for stance in layer["stance"]:
        assert stance["target"] in targets
        if stance["holder"]["kind"] == "speaker":
            assert stance["holder"]["quote"] in quotes
    # every quote is labelled against every target (§4 of the guidelines)
    pairs = {(s["evidence"]["quote"], s["target"]) for s in layer["stance"] if s["evidence"]["quote"]}
    assert pairs == {(q, t) for q in quotes for t in targets}


def test_the_built_corpus_shows_gold_entities_quotes_and_stance(make_project, build_once) -> None:
    project = make_project(with_annotations=True)
    build_once(project)
    rows = datasets.load_dataset(str(project.corpus), "sentences")["train"]
    gold = load(GOLD_FILES[0])
    assert all(row["status"] == "gold" for row in rows if row["doc_id"] == gold["doc_id"])
    assert sum(len(r["entities"]) for r in rows) == len(gold["entities"])
    assert sum(len(r["quotes"]) for r in rows) == len(gold["quotes"])
    assert sum(len(r["stance"]) for r in rows) == len(gold["stance"])
    quoted = [q for r in rows for q in r["quotes"]]
    assert all(q["speaker"]["kind"] in ("named", "anonymous", "unknown") for q in quoted)
    assert any(q["speaker"]["entity"] is not None and q["speaker"]["entity"]["label"] == 0 for q in quoted)  # a PERSON speaker
