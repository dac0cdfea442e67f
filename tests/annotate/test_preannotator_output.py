"""The pre-annotator's exact output on small texts written for each rule (no name from the seed):
stance votes each way, a tie, a concession and negation; NORP nisbas after proclitics; a dropped subject after a
quote whose speaker is unknown. A change to any of these changes published silver."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from qawl.annotate import preannotate
from tests.conftest import REPO

SPEAKER = "وقال النائب سالم الحديثي إن "


@pytest.fixture(scope="module")
def targets_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An annotations/ with the repository's target inventory and no gold layer (no gold names)."""
    annotations = tmp_path_factory.mktemp("annotations")
    shutil.copy(REPO / "annotations" / "targets.json", annotations / "targets.json")
    return annotations


def layer_of(text: str, annotations: Path) -> dict[str, Any]:
    return preannotate("t", text, "0" * 64, annotations_dir=annotations)


def stances(layer: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(s["evidence"]["quote"], s["target"], s["label"]) for s in layer["stance"]]


TARGETS = [t["id"] for t in json.loads((REPO / "annotations" / "targets.json").read_text(encoding="utf-8"))["targets"]]  # every target gets a record


@pytest.mark.parametrize(
    ("content", "label"),
    [
        ("بقاء قوات التحالف ضروري لحماية الحدود", "FAVOR"),  # بقاء + ضروري
        ("وجود القوات الأجنبية احتلال يجب إنهاؤه", "AGAINST"),  # احتلال, يجب + إنهاء
        ("التدريب ضروري والقوات الأجنبية احتلال", "NONE"),  # ضروري against احتلال: a tie
        ("بقاء القوات الأجنبية احتلال", "AGAINST"),  # staying (بقاء) judged an occupation (احتلال)
        # a concession (لا يعني) before an undoing (الاستغناء); the forces named, as a text about them does
        ("الانسحاب لا يعني الاستغناء عن تدريب القوات الأجنبية", "FAVOR"),
        ("بقاء القوات الأجنبية ليس ضروريا", "AGAINST"),  # a negation inside the predicate: staying + not + necessary
    ],
    ids=["favor", "against", "tie", "keeping-judged", "concession", "negation"],
)
def test_stance_votes_of_one_quote(targets_only: Path, content: str, label: str) -> None:
    layer = layer_of(SPEAKER + content + ".", targets_only)
    (quote,) = layer["quotes"]
    assert quote["content"]["text"] == content
    assert stances(layer) == [("q1", target, label if target == "us_coalition_presence_iraq" else "NONE") for target in TARGETS]


def test_nisbas_after_proclitics_leave_the_proclitic_out(targets_only: Path) -> None:
    text = "ورحب الأردنيون والفلسطينيون وللمصريين بالقرار، وشارك فيه وفد بالسعودية والكويتيون."
    found = [(e["text"], e["label"], e["start"], e["end"]) for e in layer_of(text, targets_only)["entities"]]
    assert found == [
        ("الأردنيون", "NORP", 5, 14),
        ("الفلسطينيون", "NORP", 16, 27),  # و outside
        ("لمصريين", "NORP", 30, 37),  # و and the preposition ل outside; لل is ل + the article's lam
        ("السعودية", "GPE", 62, 70),  # ب outside
        ("الكويتيون", "NORP", 72, 81),  # و outside
    ]
    assert all(text[start:end] == span for span, _, start, end in found)


def test_a_dropped_subject_after_an_unknown_speaker_is_the_last_known_speaker(targets_only: Path) -> None:
    text = "وقال النائب سالم الحديثي إن المفاوضات متعثرة.\nالاتفاق قريب جدا من الحل وفقا لـ ـــ.\nوأوضح أن الجولة المقبلة في أربيل.\n"
    layer = layer_of(text, targets_only)
    assert [(e["id"], e["text"], e["label"], e["start"]) for e in layer["entities"]] == [("e1", "سالم الحديثي", "PERSON", 12), ("e2", "أربيل", "GPE", 111)]
    found = [
        (q["id"], q["type"], q["content"]["text"], q["cue"]["text"], q["speaker"]["kind"], q["speaker"]["mention"] and q["speaker"]["mention"]["text"], q["speaker"]["entity"])
        for q in layer["quotes"]
    ]
    assert found == [
        ("q1", "indirect", "المفاوضات متعثرة", "قال", "named", "سالم الحديثي", "e1"),
        ("q2", "indirect", "الاتفاق قريب جدا من الحل", "وفقا", "unknown", None, None),  # marks only: no one named
        ("q3", "indirect", "الجولة المقبلة في أربيل", "أوضح", "named", "سالم الحديثي", "e1"),  # not the unknown speaker of q2
    ]
