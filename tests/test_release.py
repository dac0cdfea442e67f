"""qawl release and qawl diff in a throw-away git repository with two tagged releases."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from qawl.annotate import preannotate
from qawl.release import bump, changelog_section, corpus_at, update_changelog
from qawl.segment import split_sentences
from tests.conftest import REPO, SEED_ID, run_qawl, tree_digest
from tests.layers import annotated_copy, seed_layer, write_layer

EXTRA = "خبر قصير عن الاقتصاد العراقي.\nوقال الوزير إن الموازنة ستقر قريباً.\n"


def git(root, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


def tag_first_release(root: Path) -> None:
    """Make the project at `root` a git repository whose first commit, its corpus built, is tagged v0.1.0."""
    (root / "CHANGELOG.md").write_text("# Changelog\n\n## Unreleased\n\n- First corpus.\n", encoding="utf-8")
    shutil.copy(REPO / ".gitignore", root / ".gitignore")  # build caches stay out of the commits
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "tester@example.org")
    git(root, "config", "user.name", "Tester")
    assert run_qawl("build", cwd=root).returncode == 0
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "v0.1.0")
    git(root, "tag", "v0.1.0")


def ready_to_release(root: Path) -> dict[str, Any]:
    """A repository at v0.1.0 (seed with a layer missing e5), then a new seed and layer edits committed; the seed's full layer."""
    annotated_copy(root)
    layer = seed_layer(root / "seeds" / f"{SEED_ID}.txt")
    first = {**layer, "entities": [e for e in layer["entities"] if e["id"] != "e5"]}
    write_layer(root / "annotations", first)
    tag_first_release(root)

    (root / "seeds" / "extra.txt").write_text(EXTRA, encoding="utf-8")
    second = {**layer, "entities": [dict(e, label="NORP") if e["id"] == "e4" else e for e in layer["entities"]]}
    write_layer(root / "annotations", second)
    with (root / "CHANGELOG.md").open("a", encoding="utf-8") as handle:
        handle.write("- Added a short economy article.\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "More data")
    return layer


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """`ready_to_release`, released minor."""
    root = tmp_path_factory.mktemp("release") / "repo"
    layer = ready_to_release(root)
    result = run_qawl("release", "minor", cwd=root)
    assert result.returncode == 0, result.stderr
    return root, layer


@pytest.mark.slow
def test_release_bumps_rebuilds_commits_and_tags(released) -> None:
    root, _ = released
    assert json.loads((root / "schema" / "dataset.json").read_text())["version"] == "0.2.0"
    assert json.loads((root / "corpus" / "manifest.json").read_text())["version"] == "0.2.0"
    assert git(root, "tag", "--list").split() == ["v0.1.0", "v0.2.0"]
    assert git(root, "rev-parse", "v0.2.0^{commit}") == git(root, "rev-parse", "HEAD")
    assert git(root, "status", "--porcelain") == ""
    assert run_qawl("build", "--check", cwd=root).returncode == 0
    changelog = (root / "CHANGELOG.md").read_text()
    unreleased, released_section = changelog.split("## 0.2.0 — ")
    assert "## Unreleased" in unreleased and "- " not in unreleased.split("## Unreleased")[1]
    assert "- Added a short economy article." in released_section
    assert "Changes since v0.1.0" in released_section
    assert "- documents: 1 added, 0 removed, 0 changed" in released_section


@pytest.mark.slow
def test_diff_between_the_tags_reports_exactly_the_changes(released) -> None:
    root, layer = released
    result = run_qawl("diff", "v0.1.0", "v0.2.0", "--json", cwd=root)
    assert result.returncode == 0, result.stderr
    diff = json.loads(result.stdout)
    extra_sentences = {s.sentence_id for s in split_sentences("extra", EXTRA)}
    sentence_of = {e["id"]: e for e in layer["entities"]}
    seed_text = (root / "seeds" / f"{SEED_ID}.txt").read_text(encoding="utf-8")
    touched = {
        s.sentence_id
        for s in split_sentences(SEED_ID, seed_text)
        for e in (sentence_of["e4"], sentence_of["e5"])
        if s.start <= e["start"] < s.end
    }
    assert [d["doc_id"] for d in diff["documents"]["added"]] == ["extra"]
    assert diff["documents"]["removed"] == [] and diff["documents"]["changed"] == []
    assert {s["sentence_id"] for s in diff["sentences"]["added"]} == extra_sentences
    assert diff["sentences"]["removed"] == []
    assert {(s["sentence_id"], tuple(s["fields"])) for s in diff["sentences"]["changed"]} == {(s, ("entities",)) for s in touched}
    annotations = diff["annotations"]
    silver = preannotate("extra", EXTRA, hashlib.sha256(EXTRA.encode()).hexdigest())  # no gold layer: pre-annotated
    new_silver = [("extra", kind, item["id"]) for kind in ("entities", "quotes", "stance") for item in silver[kind]]
    assert new_silver
    assert sorted((a["doc_id"], a["kind"], a["id"]) for a in annotations["added"]) == sorted([(SEED_ID, "entities", "e5"), *new_silver])
    assert [(a["doc_id"], a["kind"], a["id"], a["fields"]) for a in annotations["changed"]] == [(SEED_ID, "entities", "e4", ["label"])]
    assert annotations["changed"][0]["values"] == {"label": {"old": "ORG", "new": "NORP"}}
    assert annotations["removed"] == []

    text = run_qawl("diff", "v0.1.0", "v0.2.0", cwd=root).stdout
    assert "documents: 1 added, 0 removed, 0 changed" in text
    assert f"+ annotation {SEED_ID} entities e5" in text and f"~ annotation {SEED_ID} entities e4: label" in text


@pytest.mark.slow
def test_diff_against_the_working_tree_and_unknown_revisions(released) -> None:
    root, _ = released
    same = json.loads(run_qawl("diff", "v0.2.0", "--json", cwd=root).stdout)
    assert all(not same[kind][change] for kind in ("documents", "sentences", "annotations") for change in ("added", "removed", "changed"))
    missing = run_qawl("diff", "v9.9.9", cwd=root)
    assert missing.returncode == 1 and "v9.9.9" in missing.stderr


@pytest.mark.slow
def test_release_refuses_uncommitted_sources(released) -> None:
    root, _ = released
    late = root / "seeds" / "late.txt"
    late.write_text("نص.\n", encoding="utf-8")
    try:
        result = run_qawl("release", "patch", cwd=root)
    finally:
        late.unlink()
    assert result.returncode == 1 and "late.txt" in result.stderr
    assert git(root, "tag", "--list").split() == ["v0.1.0", "v0.2.0"]


@pytest.mark.parametrize(("part", "expected"), [("major", "2.0.0"), ("minor", "1.3.0"), ("patch", "1.2.4")])
def test_bump(part: str, expected: str) -> None:
    assert bump("1.2.3", part) == expected


def test_changelog_keeps_older_sections_below_the_new_one(tmp_path) -> None:
    path = tmp_path / "CHANGELOG.md"
    path.write_text("# Changelog\n\nIntro.\n\n## Unreleased\n\n- note\n\n## 0.1.0 — 2026-01-01\n\n- old\n", encoding="utf-8")
    empty = {k: {"added": [], "removed": [], "changed": []} for k in ("documents", "sentences", "annotations")}
    update_changelog(path, changelog_section("0.2.0", "2026-02-01", "v0.1.0", empty, "- note"))
    text = path.read_text()
    assert text.index("Intro.") < text.index("## Unreleased") < text.index("## 0.2.0 — 2026-02-01") < text.index("- note") < text.index("## 0.1.0")
    assert text.count("- note") == 1


@pytest.fixture(scope="module")
def unreleased(tmp_path_factory) -> Path:
    """`ready_to_release`, to be copied by each test."""
    root = tmp_path_factory.mktemp("unreleased") / "repo"
    ready_to_release(root)
    return root


def state(root: Path) -> dict[str, Any]:
    """Everything a release changes: the working tree (status, version, changelog, corpus/), HEAD, the index, the tags."""
    return {
        "status": git(root, "status", "--porcelain", "--untracked-files=all"),
        "head": git(root, "rev-parse", "HEAD"),
        "index": git(root, "ls-files", "--stage"),
        "tags": git(root, "tag", "--list"),
        "dataset.json": (root / "schema" / "dataset.json").read_bytes(),
        "CHANGELOG.md": (root / "CHANGELOG.md").read_bytes(),
        "corpus": tree_digest(root / "corpus"),
    }


def pre_commit_hook(root: Path, script: str) -> Path:
    hook = root / ".git" / "hooks" / "pre-commit"
    hook.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    hook.chmod(0o755)
    return hook


def assert_released_on_retry(root: Path) -> None:
    retried = run_qawl("release", "minor", cwd=root)
    assert retried.returncode == 0, retried.stderr
    assert git(root, "tag", "--list").split() == ["v0.1.0", "v0.2.0"] and git(root, "status", "--porcelain") == ""
    assert json.loads((root / "corpus" / "manifest.json").read_text())["version"] == "0.2.0"


@pytest.mark.slow
def test_a_release_whose_commit_hook_fails_leaves_nothing_behind_and_can_be_retried(unreleased: Path, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(unreleased, root, symlinks=True)
    before = state(root)
    hook = pre_commit_hook(root, "echo 'lint: 3 problems' >&2\nexit 1")
    failed = run_qawl("release", "minor", cwd=root)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert "lint: 3 problems" in failed.stderr
    assert "nothing was released: schema/dataset.json, CHANGELOG.md, corpus/ and git are as they were" in failed.stderr
    assert state(root) == before
    hook.unlink()
    assert_released_on_retry(root)


def ctrl_c_as_in_a_terminal() -> None:
    """In the child, before it runs qawl: SIGINT as a terminal's foreground process gets it, whatever the test run
    inherited (a shell starts a background job with SIGINT ignored, and a process keeps what it was started with)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["building", "committing"])
def test_ctrl_c_during_a_release_leaves_nothing_behind_and_it_can_be_retried(unreleased: Path, tmp_path: Path, moment: str) -> None:
    root = tmp_path / "repo"
    shutil.copytree(unreleased, root, symlinks=True)
    before = state(root)
    committing = tmp_path / "committing"
    hook = pre_commit_hook(root, f"touch {committing}\nsleep 60")

    def reached() -> bool:
        return committing.exists() if moment == "committing" else any(True for _ in root.glob(".corpus.building-*/*/*.parquet"))

    process = subprocess.Popen(
        [sys.executable, "-m", "qawl", "release", "minor"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=ctrl_c_as_in_a_terminal,
    )
    deadline = time.monotonic() + 120
    while not reached() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert process.poll() is None, f"the release ended before {moment}"
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the whole foreground group
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1 and "Aborted!" in stderr.decode()
    assert state(root) == before
    hook.unlink()
    assert_released_on_retry(root)


@pytest.mark.slow
def test_a_patch_release_that_changes_annotations_is_refused_and_leaves_nothing_behind(unreleased: Path, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(unreleased, root, symlinks=True)
    before = state(root)
    refused = run_qawl("release", "patch", cwd=root)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    message = " ".join(refused.stderr.split())
    assert "v0.1.0: a patch release changes no annotation or sentence, but 1 document added, 2 sentences added," in message
    assert f"1 annotation changed (e.g. ~ annotation {SEED_ID} entities e4: label, + annotation {SEED_ID} entities e5" in message
    assert message.endswith("; use qawl release minor nothing was released: schema/dataset.json, CHANGELOG.md, corpus/ and git are as they were")
    assert state(root) == before
    assert_released_on_retry(root)


@pytest.mark.slow
def test_a_minor_release_that_changes_the_schema_is_refused(unreleased: Path, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(unreleased, root, symlinks=True)
    dataset = root / "schema" / "dataset.json"
    old = json.loads(dataset.read_text())["schema_version"]
    dataset.write_text(dataset.read_text().replace(f'"schema_version": "{old}"', '"schema_version": "9.0.0"'), encoding="utf-8")
    git(root, "commit", "-q", "-am", "Schema 9")
    before = state(root)
    refused = run_qawl("release", "minor", cwd=root)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert f"v0.1.0: a minor release keeps the schema, but schema_version changed from {old} to 9.0.0; use qawl release major" in refused.stderr
    assert state(root) == before
    assert run_qawl("release", "major", cwd=root).returncode == 0
    assert git(root, "tag", "--list").split() == ["v0.1.0", "v1.0.0"]


@pytest.mark.slow
def test_the_first_release_tags_the_version_the_data_carries_and_diffs_against_it(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    annotated_copy(root)
    (root / "CHANGELOG.md").write_text("# Changelog\n\n## Unreleased\n\n- First corpus.\n", encoding="utf-8")
    shutil.copy(REPO / ".gitignore", root / ".gitignore")
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.email=t@example.org", "-c", "user.name=T", "commit", "-q", "--allow-empty", "-m", "empty")
    git(root, "add", "-A")
    git(root, "-c", "user.email=t@example.org", "-c", "user.name=T", "commit", "-q", "-m", "sources")
    carried = json.loads((root / "schema" / "dataset.json").read_text())["version"]
    assert carried == "0.1.0"
    assert run_qawl("build", "--no-preannotate", cwd=root).returncode == 0
    unreleased = run_qawl("publish", "--repo", "qawl/qawl", "--dry-run", cwd=root)
    assert unreleased.returncode == 1 and "Traceback" not in unreleased.stderr
    assert f"error: {root / 'corpus' / 'manifest.json'}: /version: 0.1.0 is not released: no git tag v0.1.0 (run qawl release)" in unreleased.stderr

    result = subprocess.run(
        [sys.executable, "-m", "qawl", "release", "minor", "--no-preannotate"],
        cwd=root, capture_output=True, text=True, env={**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("released v0.1.0 (first release")
    assert git(root, "tag", "--list").split() == ["v0.1.0"]
    assert json.loads((root / "schema" / "dataset.json").read_text())["version"] == "0.1.0"
    assert json.loads((root / "corpus" / "manifest.json").read_text())["version"] == "0.1.0"
    assert 'revision="v0.1.0"' in (root / "corpus" / "README.md").read_text(encoding="utf-8")
    changelog = (root / "CHANGELOG.md").read_text()
    assert "## 0.1.0 — " in changelog and "- First corpus.\n\nFirst release:" in changelog

    diff = run_qawl("diff", "v0.1.0", "HEAD", "--json", cwd=root)
    assert diff.returncode == 0, diff.stderr
    assert json.loads(diff.stdout)["documents"] == {"added": [], "removed": [], "changed": []}


@pytest.mark.slow
def test_publish_dry_run_plans_exactly_the_files_a_one_document_release_changed(released, tmp_path: Path) -> None:
    """After v0.2.0, the seed (gold, train) alone changes: v0.3.0 uploads its train shards, the metadata that
    describes them and nothing of the silver article's shards."""
    root = tmp_path / "repo"
    shutil.copytree(released[0], root, symlinks=True)
    layer = released[1]
    write_layer(root / "annotations", layer | {"entities": [dict(e, label="LOC") if e["id"] == "e5" else e for e in layer["entities"]]})
    git(root, "commit", "-q", "-am", "e5 is a place")
    assert run_qawl("release", "minor", cwd=root).returncode == 0

    result = run_qawl("publish", "--repo", "qawl/qawl", "--dry-run", cwd=root)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:4] == ["dry run: would publish corpus/ to https://huggingface.co/datasets/qawl/qawl", "tag: v0.3.0", "commit message:", "  Release v0.3.0"]
    assert lines[4:9] == [
        "",
        "  Changes since v0.2.0:",
        "  - documents: 0 added, 0 removed, 0 changed",
        "  - sentences: 0 added, 0 removed, 2 changed",
        "  - annotations: 0 added, 0 removed, 2 changed (entities +0 -0 ~2, quotes +0 -0 ~0, stance +0 -0 ~0)",  # e5, and e4 back to ORG
    ]
    upload = lines[lines.index("upload (7, changed since v0.2.0):") + 1 : lines.index("delete (0):")]
    assert upload == [  # not the documents row (unchanged), nor quotes and stance (no quote names e4 or e5), nor any silver shard
        "  README.md",
        "  croissant.json",
        "  manifest.json",
        "  ner/train-00000.parquet",
        "  plots/labels.png",
        "  schema/dataset.json",  # the version
        "  sentences/train-00000.parquet",
    ]
    with tempfile.TemporaryDirectory() as scratch:  # the plan is the files whose bytes differ between the two tags
        before, after = (tree_digest(corpus_at(root, tag, Path(scratch) / tag)) for tag in ("v0.2.0", "v0.3.0"))
    assert sorted(f"  {path}" for path in after if before.get(path) != after[path]) == upload
    assert lines[-1] == f"unchanged: {len(after) - 7} file(s)" and len(after) - 7 > 15


@pytest.mark.slow
def test_publish_refuses_a_corpus_the_build_or_the_tag_disowns_and_another_repository(released, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(released[0], root, symlinks=True)
    with (root / "corpus" / "README.md").open("a", encoding="utf-8") as handle:
        handle.write("edited by hand\n")
    result = run_qawl("publish", "--repo", "someone/else", "--dry-run", cwd=root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        f"error: {root / 'schema' / 'dataset.json'}: /hub_repo: the card and Croissant cite 'qawl/qawl', not 'someone/else': publish there, or change hub_repo and rebuild",
        f"error: {root / 'corpus' / 'README.md'}: differs from corpus/ at v0.2.0: commit it and release",
        f"error: {root / 'corpus'}: qawl build --check: README.md: content differs",
    ]
    assert result.stderr.splitlines()[-1] == "not published: 3 problem(s)"
