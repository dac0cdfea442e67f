"""Releases and diffs: `qawl release {major|minor|patch}` and `qawl diff A [B]`.

A release bumps the version in schema/dataset.json (its one home) and sets its date_published, rebuilds
corpus/, adds a CHANGELOG.md section from the diff against the previous
release tag, commits and tags `vX.Y.Z`. A diff compares the published corpus/
of two git revisions (or a revision and the working tree): documents by
doc_id, sentences by sentence_id, annotations by doc_id and annotation id.
Rows are read with the features stored in each Parquet file, so revisions
with different schemas still compare by label names.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import signal
import subprocess
import tarfile
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import pyarrow.parquet as pq

from qawl.options import project_at, root_option
from qawl.project import Project
from qawl.publish import swap_into_place

PARTS = ("major", "minor", "patch")
ANNOTATION_KINDS = ("entities", "quotes", "stance")
TAG_PATTERN = "v[0-9]*.[0-9]*.[0-9]*"
SOURCE_PATHS = ("seeds", "annotations", "schema", "scripts", "pyproject.toml", "CHANGELOG.md")
UNRELEASED = "## Unreleased"


class ReleaseError(Exception):
    """A release or diff that cannot be made, with the reason."""


def git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


# -- reading a corpus at a revision ---------------------------------------------------


def corpus_at(root: Path, revision: str, dest: Path) -> Path:
    """Extract corpus/ as committed at `revision` into `dest`; returns the corpus directory."""
    archive = subprocess.run(["git", "archive", "--format=tar", revision, "corpus"], cwd=root, capture_output=True)
    if archive.returncode != 0:
        raise ReleaseError(f"no corpus/ at revision {revision!r}: {archive.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(dest, filter="data")
    return dest / "corpus"


def config_rows(corpus: Path, config: str) -> list[dict[str, Any]]:
    """Every row of a published config (all splits), labels as names."""
    import datasets  # here, not at the top: it takes half a second to import, and only diff and release need it

    def named(feature: Any, value: Any) -> Any:
        """A Parquet value with its ClassLabel ids replaced by names, following the HF features."""
        if value is None:
            return None
        if isinstance(feature, datasets.ClassLabel):
            return feature.int2str(value)
        if isinstance(feature, datasets.List | datasets.LargeList):
            return [named(feature.feature, item) for item in value]
        if isinstance(feature, dict):
            return {key: named(sub, value[key]) for key, sub in feature.items()}
        return value

    if not (corpus / "manifest.json").exists():
        return []
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    rows = []
    for entry in (f for f in manifest["files"] if f["config"] == config):
        table = pq.read_table(corpus / entry["path"])
        features = datasets.Features.from_arrow_schema(table.schema)
        rows += [{key: named(features[key], value) for key, value in row.items()} for row in table.to_pylist()]
    return rows


# -- diff -----------------------------------------------------------------------------


def _compare(old: dict[Any, dict[str, Any]], new: dict[Any, dict[str, Any]], describe: Any) -> dict[str, list[dict[str, Any]]]:
    """Added, removed and changed records between two keyed collections; a changed record lists its
    changed fields and, under "values", each one's old and new value."""
    changed = []
    for key in sorted(old.keys() & new.keys()):
        if old[key] != new[key]:
            fields = sorted(f for f in new[key].keys() | old[key].keys() if new[key].get(f) != old[key].get(f))
            values = {f: {"old": old[key].get(f), "new": new[key].get(f)} for f in fields}
            changed.append({**describe(key, new[key]), "fields": fields, "values": values})
    return {
        "added": [describe(key, new[key]) for key in sorted(new.keys() - old.keys())],
        "removed": [describe(key, old[key]) for key in sorted(old.keys() - new.keys())],
        "changed": changed,
    }


def annotation_records(sentences: list[dict[str, Any]]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Each annotation of the sentence rows by (doc_id, kind, id), with the sentence it is in. A quote over
    several sentences has a piece in each: it is one record, its first piece's, with every piece under "pieces"."""
    records: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in sentences:
        for kind in ANNOTATION_KINDS:
            for item in row[kind]:
                key = (row["doc_id"], kind, item["id"])
                piece = {**item, "sentence_id": row["sentence_id"]}
                if kind != "quotes":
                    records[key] = piece
                elif key in records:
                    records[key]["pieces"].append(piece)
                else:
                    records[key] = {**piece, "pieces": [piece]}
    return records


def _schema_version(corpus: Path) -> str | None:
    manifest = corpus / "manifest.json"
    return json.loads(manifest.read_text(encoding="utf-8"))["schema_version"] if manifest.exists() else None


def diff_corpora(old: Path, new: Path) -> dict[str, Any]:
    """What changed from corpus `old` to corpus `new`: schema version, documents, sentences, annotations."""
    old_sentences, new_sentences = config_rows(old, "sentences"), config_rows(new, "sentences")
    return {
        "schema_version": {"old": _schema_version(old), "new": _schema_version(new)},
        "documents": _compare(
            {row["doc_id"]: row for row in config_rows(old, "documents")},
            {row["doc_id"]: row for row in config_rows(new, "documents")},
            lambda key, row: {"doc_id": key},
        ),
        "sentences": _compare(
            {row["sentence_id"]: row for row in old_sentences},
            {row["sentence_id"]: row for row in new_sentences},
            lambda key, row: {"sentence_id": key, "doc_id": row["doc_id"], "text": row["text"]},
        ),
        "annotations": _compare(
            annotation_records(old_sentences),
            annotation_records(new_sentences),
            lambda key, item: {"doc_id": key[0], "kind": key[1], "id": key[2], "sentence_id": item["sentence_id"]},
        ),
    }


def diff_revisions(root: Path, old: str, new: str | None) -> dict[str, Any]:
    """The diff between corpus/ at two revisions; `new=None` is the working tree's corpus/."""
    with tempfile.TemporaryDirectory(prefix="qawl-diff-") as scratch:
        old_corpus = corpus_at(root, old, Path(scratch) / "old")
        new_corpus = corpus_at(root, new, Path(scratch) / "new") if new else root / "corpus"
        return {"from": old, "to": new or "working tree", **diff_corpora(old_corpus, new_corpus)}


def summary_lines(diff: dict[str, Any]) -> list[str]:
    """One line per kind of record: how many were added, removed and changed."""
    lines = []
    for kind in ("documents", "sentences", "annotations"):
        part = diff[kind]
        line = f"{kind}: {len(part['added'])} added, {len(part['removed'])} removed, {len(part['changed'])} changed"
        if kind == "annotations":
            by_kind = [
                f"{k} +{sum(a['kind'] == k for a in part['added'])} -{sum(a['kind'] == k for a in part['removed'])} ~{sum(a['kind'] == k for a in part['changed'])}"
                for k in ANNOTATION_KINDS
            ]
            line += f" ({', '.join(by_kind)})"
        lines.append(line)
    return lines


def detail_lines(diff: dict[str, Any]) -> list[str]:
    """Every added (+), removed (-) and changed (~) record, one per line."""
    lines = []
    for kind, key in (("documents", "doc_id"), ("sentences", "sentence_id"), ("annotations", "id")):
        for sign, change in (("+", "added"), ("-", "removed"), ("~", "changed")):
            for record in diff[kind][change]:
                where = f"{record['doc_id']} {record['kind']} {record['id']}" if kind == "annotations" else record[key]
                fields = f": {', '.join(record['fields'])}" if change == "changed" else ""
                lines.append(f"{sign} {kind[:-1]} {where}{fields}")
    return lines


# -- release --------------------------------------------------------------------------


def level_problem(part: str, diff: dict[str, Any]) -> str | None:
    """Why `part` is too small a release for `diff` (None: it is not).

    patch: no document, sentence or annotation changes; minor: the schema version stays; major: anything.
    """
    schema = diff["schema_version"]
    if part != "major" and schema["old"] is not None and schema["old"] != schema["new"]:
        return f"a {part} release keeps the schema, but schema_version changed from {schema['old']} to {schema['new']}; use qawl release major"
    changes = [
        f"{len(diff[kind][change])} {kind if len(diff[kind][change]) != 1 else kind[:-1]} {change}"
        for kind in ("documents", "sentences", "annotations")
        for change in ("added", "removed", "changed")
        if diff[kind][change]
    ]
    if part != "patch" or not changes:
        return None
    examples = sorted(detail_lines(diff), key=lambda line: (" annotation " not in line, not line.startswith("~")))[:3]  # changed annotations first
    return f"a patch release changes no annotation or sentence, but {', '.join(changes)} (e.g. {', '.join(examples)}); use qawl release minor"


def bump(version: str, part: str) -> str:
    major, minor, patch = (int(n) for n in version.split("."))
    return {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0", "patch": f"{major}.{minor}.{patch + 1}"}[part]


def previous_tag(root: Path) -> str | None:
    """The latest release tag reachable from HEAD, or None before the first release."""
    result = subprocess.run(["git", "describe", "--tags", "--abbrev=0", "--match", TAG_PATTERN], cwd=root, capture_output=True, text=True)
    return result.stdout.strip() or None


def _set_version(dataset_json: Path, version: str, date: str | None = None) -> None:
    """Rewrite the "version" (and, given a `date`, "date_published") of schema/dataset.json in place, keeping its layout."""
    text = dataset_json.read_text(encoding="utf-8")
    for field, value in (("version", version), ("date_published", date)):
        if value is not None:
            text, count = re.subn(rf'("{field}"\s*:\s*")[^"]*(")', rf"\g<1>{value}\g<2>", text, count=1)
            if count != 1:
                raise ReleaseError(f"{dataset_json}: no \"{field}\" field to set")
    dataset_json.write_text(text, encoding="utf-8")


def changelog_section(version: str, date: str, previous: str | None, diff: dict[str, Any], notes: str) -> str:
    """The CHANGELOG.md section of a release: hand-written notes, then the generated diff summary."""
    since = f"Changes since {previous} (`qawl diff {previous} v{version}`):" if previous else "First release:"
    body = "\n".join(f"- {line}" for line in summary_lines(diff))
    return f"## {version} — {date}\n\n" + (f"{notes.strip()}\n\n" if notes.strip() else "") + f"{since}\n\n{body}\n"


def update_changelog(path: Path, section: str) -> None:
    """Insert `section` under an emptied `## Unreleased` heading (whose notes it has taken over)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Changelog\n"
    head, marker, rest = text.partition(UNRELEASED + "\n")
    if not marker:
        first = re.search(r"^## ", text, flags=re.MULTILINE)
        head, rest = (text[: first.start()], text[first.start() :]) if first else (text.rstrip() + "\n\n", "")
    else:
        following = re.search(r"^## ", rest, flags=re.MULTILINE)
        rest = rest[following.start() :] if following else ""
    path.write_text(f"{head.rstrip()}\n\n{UNRELEASED}\n\n{section}\n{rest}".rstrip() + "\n", encoding="utf-8")


def unreleased_notes(path: Path) -> str:
    """The hand-written notes under `## Unreleased` in CHANGELOG.md."""
    if not path.exists():
        return ""
    _, marker, rest = path.read_text(encoding="utf-8").partition(UNRELEASED + "\n")
    following = re.search(r"^## ", rest, flags=re.MULTILINE)
    return (rest[: following.start()] if following else rest).strip() if marker else ""


def release(root: Path, part: str, today: dt.date | None = None, silver: bool = True) -> tuple[str, dict[str, Any]]:
    """Bump, rebuild (as `qawl build` does), write the changelog, commit and tag; returns the version and the diff.

    The first release (no earlier `vX.Y.Z` tag) bumps nothing: it tags the version that
    schema/dataset.json, the manifest and the card already carry (0.1.0 in a new project).

    All or nothing: a release that fails or is interrupted at any step is undone (`undone_on_failure`).
    """
    from qawl.annotate import preannotator
    from qawl.build import build_corpus

    dirty = git(root, "status", "--porcelain", "--", *SOURCE_PATHS).strip()
    if dirty:
        raise ReleaseError(f"commit or stash these changes first; a release is built from committed sources:\n{dirty}")
    project = Project(root)
    previous = previous_tag(root)
    version = bump(project.version, part) if previous else project.version  # the first release tags the version the data carries
    if git(root, "tag", "--list", f"v{version}").strip():
        raise ReleaseError(f"tag v{version} already exists")
    dataset_json = project.schema_dir / "dataset.json"
    changelog = root / "CHANGELOG.md"
    date = (today or dt.date.today()).isoformat()
    with undone_on_failure(root, [dataset_json, changelog], project.corpus, f"v{version}"):
        _set_version(dataset_json, version, date)
        build_corpus(Project(root), preannotate=preannotator(project.annotations) if silver else None)  # re-read: the version changed
        if previous:
            diff = diff_revisions(root, previous, None)
            if (problem := level_problem(part, diff)) is not None:
                raise ReleaseError(f"{previous}: {problem}")
        else:
            with tempfile.TemporaryDirectory() as empty:
                diff = {"from": None, "to": "working tree", **diff_corpora(Path(empty), project.corpus)}
        update_changelog(changelog, changelog_section(version, date, previous, diff, unreleased_notes(changelog)))
        git(root, "add", "-A", "--", "schema/dataset.json", "CHANGELOG.md", "corpus")
        git(root, "commit", "-q", "-m", f"Release v{version}", "--", "schema/dataset.json", "CHANGELOG.md", "corpus")
        git(root, "tag", "-a", f"v{version}", "-m", f"qawl dataset v{version}")
    return version, diff


@contextmanager
def undone_on_failure(root: Path, files: list[Path], corpus: Path, tag: str) -> Iterator[None]:
    """Put `files`, `corpus`, HEAD and the index back as they were, and remove `tag`, if the body fails or is interrupted.

    The corpus is kept as hard links (the build never rewrites a file: it swaps a new directory
    in), so keeping it costs no copy of its data. Ctrl-C is ignored while the release is undone.
    """
    kept = {path: path.read_bytes() if path.exists() else None for path in files}
    head = git(root, "rev-parse", "HEAD").strip()
    index = root / git(root, "rev-parse", "--git-path", "index").strip()
    kept_index = index.read_bytes()
    real = corpus.resolve()
    backup = real.with_name(f".{real.name}.before-release")
    shutil.rmtree(backup, ignore_errors=True)  # from a release killed with SIGKILL
    if real.is_dir():
        shutil.copytree(real, backup, copy_function=_link_or_copy)
    try:
        yield
    except BaseException:
        with ctrl_c_ignored():
            if git(root, "tag", "--list", tag).strip():
                git(root, "tag", "-d", tag)
            if git(root, "rev-parse", "HEAD").strip() != head:
                git(root, "reset", "-q", "--soft", head)
            index.write_bytes(kept_index)
            for path, content in kept.items():
                if content is None:
                    path.unlink(missing_ok=True)
                else:
                    path.write_bytes(content)
            if backup.is_dir():
                swap_into_place(backup, real)
            else:
                shutil.rmtree(real, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(backup, ignore_errors=True)


def _link_or_copy(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except OSError:  # a filesystem without hard links
        shutil.copy2(source, destination)


@contextmanager
def ctrl_c_ignored() -> Iterator[None]:
    """SIGINT ignored for the duration (it can only be set from the main thread: elsewhere, nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    handler = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, handler)


# -- command line --------------------------------------------------------------------


@click.command("release")
@root_option
@click.argument("part", type=click.Choice(PARTS))
@click.option("--preannotate/--no-preannotate", default=True, show_default=True, help="As for `qawl build`: pre-annotate documents without a gold layer.")
def release_command(root: Path | None, part: str, preannotate: bool) -> None:
    """Release the dataset: bump the version, rebuild, update CHANGELOG.md, commit and tag.

    \b
    minor: documents or annotations added or corrected
    major: a schema change (schema_version in schema/dataset.json)
    patch: fixes that change no document, sentence or annotation
    A level too small for what changed since the previous tag is refused.
    The first release (no vX.Y.Z tag yet) tags the version schema/dataset.json
    already carries (0.1.0), whatever PART says.
    The notes under "## Unreleased" in CHANGELOG.md go into the release section,
    followed by the summary of `qawl diff <previous tag> vX.Y.Z`.
    """
    from qawl.build import BuildError

    try:
        version, diff = release(project_at(root).root, part, silver=preannotate)
    except (ReleaseError, BuildError) as error:
        raise click.ClickException(f"{error}\nnothing was released: schema/dataset.json, CHANGELOG.md, corpus/ and git are as they were") from error
    click.echo(f"released v{version}" + (" (first release: the version the data carries, not bumped)" if diff["from"] is None else ""))
    for line in summary_lines(diff):
        click.echo(f"  {line}")


@click.command("diff")
@root_option
@click.argument("old")
@click.argument("new", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print every added, removed and changed record as JSON.")
def diff_command(root: Path | None, old: str, new: str | None, as_json: bool) -> None:
    """What changed in corpus/ between git revisions OLD and NEW (default: the working tree).

    Documents by doc_id, sentences by sentence_id, annotations by doc_id and id.
    Example: qawl diff v0.1.0 v0.2.0 --json
    """
    try:
        diff = diff_revisions(project_at(root).root, old, new)
    except ReleaseError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(diff, ensure_ascii=False, indent=2))
        return
    click.echo(f"{diff['from']} → {diff['to']}")
    for line in summary_lines(diff) + detail_lines(diff):
        click.echo(line)
