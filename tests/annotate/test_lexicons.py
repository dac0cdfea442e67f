"""The curated lexicons name nothing from the seed; the CLI commands run end to end."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from qawl.annotate.commands import annotate_command
from qawl.annotate.lexicon import DATA, city_names, norm_words, ordinary_words
from qawl.annotate.text import normalize
from qawl.cli import evaluate as evaluate_command

REPO = Path(__file__).resolve().parents[2]


def key(text: str) -> str:
    """Matching form that keeps ى apart from ي (so the preposition على is not the name علي)."""
    return normalize(text.replace("ى", "§"))


def test_curated_name_lists_contain_no_name_of_the_seed() -> None:
    seed_words = set()
    for path in (REPO / "seeds").glob("*.txt"):
        seed_words |= set(re.findall(r"[\w§]+", key(path.read_text(encoding="utf-8"))))
    names = [line.split("\t")[-1] for line in (DATA / "gazetteer.tsv").read_text(encoding="utf-8").splitlines()]
    for given_names in ("given_names.txt", "given_names_common.txt"):
        names += (DATA / given_names).read_text(encoding="utf-8").splitlines()
    leaked = []
    for name in names:
        if name and not name.startswith("#"):
            words = key(name).split()
            # A single-word name, or a multi-word name all of whose words occur in the seed.
            if words and all(w in seed_words for w in words):
                leaked.append(name)
    assert leaked == []


ARTICLE = "وقال يوسف الخطيب إن الحوار مستمر.\nوأكد مصدر مطلع أن الجولة المقبلة ستعقد في عمّان.\nويرى الخطيب أن الحل سياسي قبل كل شيء.\n"


def span(needle: str, after: str = "") -> dict:
    start = ARTICLE.index(needle, ARTICLE.index(after) + len(after) if after else 0)
    return {"start": start, "end": start + len(needle), "text": needle}


def gold_layer(doc_id: str, sha256: str) -> dict:
    """The article annotated by hand: the second mention of الخطيب is a PERSON, and names the speaker of the third quote."""
    provenance = {"source": "manual", "status": "gold", "annotator": "t", "time": "2026-01-01T00:00:00Z"}

    def quote(n: int, content: str, cue: str, kind: str, mention: str, entity: str | None) -> dict:
        speaker = {"kind": kind, "mention": span(mention, after=cue), "entity": entity}
        return {"id": f"q{n}", "type": "indirect", "content": span(content), "cue": span(cue), "speaker": speaker, "outlet": None, "provenance": provenance}

    return {
        "schema_version": "1.0.0", "doc_id": doc_id, "sha256": sha256, "stance": [],
        "entities": [
            {"id": "e1", **span("يوسف الخطيب"), "label": "PERSON", "provenance": provenance},
            {"id": "e2", **span("عمّان"), "label": "GPE", "provenance": provenance},
            {"id": "e3", **span("الخطيب", after="ويرى"), "label": "PERSON", "provenance": provenance},
        ],
        "quotes": [
            quote(1, "الحوار مستمر", "قال", "named", "يوسف الخطيب", "e1"),
            quote(2, "الجولة المقبلة ستعقد في عمّان", "أكد", "anonymous", "مصدر مطلع", None),
            quote(3, "الحل سياسي قبل كل شيء", "يرى", "named", "الخطيب", "e3"),
        ],
    }


def test_annotate_and_evaluate_commands(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(annotate_command, [str(article), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    layer = json.loads(result.output.splitlines()[0])
    assert layer["doc_id"] == "article"
    assert [(e["text"], e["label"]) for e in layer["entities"]] == [("يوسف الخطيب", "PERSON"), ("عمّان", "GPE"), ("الخطيب", "PERSON")]
    assert [(q["content"]["text"], q["speaker"]["kind"], q["speaker"]["mention"]["text"]) for q in layer["quotes"]] == [
        ("الحوار مستمر", "named", "يوسف الخطيب"),
        ("الجولة المقبلة ستعقد في عمّان", "anonymous", "مصدر مطلع"),
        ("الحل سياسي قبل كل شيء", "named", "الخطيب"),
    ]
    (tmp_path / "pred.json").write_text(json.dumps(layer), encoding="utf-8")
    (tmp_path / "gold.json").write_text(json.dumps(gold_layer(layer["doc_id"], layer["sha256"])), encoding="utf-8")
    result = runner.invoke(evaluate_command, ["--gold", str(tmp_path / "gold.json"), "--pred", str(tmp_path / "pred.json"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)["scores"]
    strict = report["entities"]["strict"]
    assert (strict["ALL"]["precision"], strict["ALL"]["recall"]) == (1.0, 1.0)
    assert (strict["PERSON"]["precision"], strict["PERSON"]["recall"], strict["GPE"]["recall"]) == (1.0, 1.0, 1.0)
    assert (report["quotes"]["tp"], report["quotes"]["pred"], report["quotes"]["gold"]) == (3, 3, 3)
    assert report["speaker_accuracy"] == 1.0


def test_annotate_reports_undecodable_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00bad")
    result = CliRunner().invoke(annotate_command, [str(bad)])
    assert result.exit_code == 1
    assert "bad.txt" in result.output


def test_ordinary_words_come_from_the_installed_dictionary() -> None:
    words = ordinary_words()
    assert {"يوم", "حركه", "مءسسات", "مغتربين"} <= words.nouns  # singular, feminine, plural forms
    assert {"زار", "يزور", "ستنتهي", "اعلن", "يعلن"} <= words.verbs  # perfect, imperfect, future
    assert "لبنان" not in words.nouns and "نسرين" not in words.nouns  # the dictionary's proper names are left out
    assert {"احترام", "توحيد"} <= words.verbal_nouns and "مختار" not in words.verbal_nouns


def test_city_gazetteer_leaves_out_names_that_read_as_ordinary_words() -> None:
    cities = {norm_words(name) for name in city_names()}
    assert {norm_words("ورقلة"), norm_words("الحسيمة"), norm_words("دهوك")} <= cities
    listed = (DATA / "cities.tsv").read_text(encoding="utf-8")
    for name in ("الخميس", "الجزيره", "بانه"):  # a weekday, an island (and an outlet), ب + أنه
        assert f"\t{name}\n" in listed
        assert norm_words(name) not in cities
