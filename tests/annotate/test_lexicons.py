"""The curated lexicons name nothing from the seed; the CLI commands run end to end."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from qawl.annotate.commands import annotate_command, evaluate_command
from qawl.annotate.lexicon import DATA
from qawl.annotate.text import normalize

REPO = Path(__file__).resolve().parents[2]


def key(text: str) -> str:
    """Matching form that keeps ى apart from ي (so the preposition على is not the name علي)."""
    return normalize(text.replace("ى", "§"))


def test_curated_name_lists_contain_no_name_of_the_seed() -> None:
    seed_words = set()
    for path in (REPO / "seeds").glob("*.txt"):
        seed_words |= set(re.findall(r"[\w§]+", key(path.read_text(encoding="utf-8"))))
    names = [line.split("\t")[-1] for line in (DATA / "gazetteer.tsv").read_text(encoding="utf-8").splitlines()]
    names += (DATA / "given_names.txt").read_text(encoding="utf-8").splitlines()
    leaked = []
    for name in names:
        if name and not name.startswith("#"):
            words = key(name).split()
            # A single-word name, or a multi-word name all of whose words occur in the seed.
            if words and all(w in seed_words for w in words):
                leaked.append(name)
    assert leaked == []


def test_annotate_and_evaluate_commands(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text("وقال يوسف الخطيب إن الحوار مستمر.\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(annotate_command, [str(article), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    layer = json.loads(result.output.splitlines()[0])
    assert layer["doc_id"] == "article" and layer["quotes"]
    (tmp_path / "pred.json").write_text(json.dumps(layer), encoding="utf-8")
    result = runner.invoke(evaluate_command, ["--gold", str(tmp_path / "pred.json"), "--pred", str(tmp_path / "pred.json"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["quotes"]["f1"] == 1.0


def test_annotate_reports_undecodable_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00bad")
    result = CliRunner().invoke(annotate_command, [str(bad)])
    assert result.exit_code == 1
    assert "bad.txt" in result.output
