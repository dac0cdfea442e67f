"""`qawl publish`: a release's corpus/ to the Hugging Face Hub, one commit and one tag per release.

Only a corpus that `qawl build --check` and `qawl validate` accept, whose version is a git
tag, is published, to the repository the card and Croissant cite (`hub_repo` in
schema/dataset.json). The Hub is assumed to hold the previous release: the commit uploads the
files whose sha256 differs from corpus/ at the previous tag and deletes the files it no longer
has (the first release uploads everything), then tags the commit `vX.Y.Z`.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from qawl.options import fail, project_at, root_option
from qawl.project import Project
from qawl.publish import file_sha256, tree_differences
from qawl.release import TAG_PATTERN, ReleaseError, corpus_at, diff_revisions, git, summary_lines
from qawl.schema import Problem, Schemas


@dataclass(frozen=True)
class PublishPlan:
    """What `qawl publish` uploads: files relative to corpus/, the commit message and the tag."""

    repo: str
    tag: str
    previous: str | None
    upload: list[str]
    delete: list[str]
    unchanged: int
    message: str


def _digests(corpus: Path) -> dict[str, str]:
    return {path.relative_to(corpus).as_posix(): file_sha256(path) for path in sorted(corpus.rglob("*")) if path.is_file()}


def changed_files(old: Path | None, new: Path) -> tuple[list[str], list[str], int]:
    """Files of `new` added or changed since `old` (by sha256), files of `old` that `new` no longer has, and how many are the same."""
    before, after = _digests(old) if old else {}, _digests(new)
    upload = [path for path, digest in after.items() if before.get(path) != digest]
    return upload, sorted(before.keys() - after.keys()), len(after) - len(upload)


def tag_before(root: Path, tag: str) -> str | None:
    """The release tag that precedes `tag` in its history, or None for the first release."""
    result = subprocess.run(["git", "describe", "--tags", "--abbrev=0", "--match", TAG_PATTERN, f"{tag}^"], cwd=root, capture_output=True, text=True)
    return result.stdout.strip() or None


def refusals(project: Project, repo: str) -> list[Problem]:
    """Why corpus/ cannot be published to `repo`: another repository than the card cites, a version without
    its tag or with another corpus/ than the tag's, or what `qawl build --check` and `qawl validate` reject."""
    from qawl.annotate import preannotator
    from qawl.build import BuildError, build_corpus
    from qawl.validate import annotation_files, validate_annotation_files, validate_corpus

    dataset = project.dataset
    manifest_file = str(project.corpus / "manifest.json")
    problems = []
    if repo != dataset["hub_repo"]:
        cited = f"the card and Croissant cite {dataset['hub_repo']!r}, not {repo!r}: publish there, or change hub_repo and rebuild"
        problems.append(Problem(str(project.schema_dir / "dataset.json"), "/hub_repo", cited))
    tag = f"v{dataset['version']}"
    if not git(project.root, "tag", "--list", tag).strip():
        problems.append(Problem(manifest_file, "/version", f"{dataset['version']} is not released: no git tag {tag} (run qawl release)"))
    else:
        with tempfile.TemporaryDirectory(prefix="qawl-publish-") as scratch:
            changed, removed, _ = changed_files(corpus_at(project.root, tag, Path(scratch)), project.corpus)
        problems += [Problem(str(project.corpus / path), "", f"differs from corpus/ at {tag}: commit it and release") for path in changed + removed]
    with tempfile.TemporaryDirectory(prefix="qawl-publish-") as scratch:
        fresh = Path(scratch) / "corpus"
        try:
            build_corpus(project, fresh, preannotate=preannotator(project.annotations))
            problems += [Problem(str(project.corpus), "", f"qawl build --check: {difference}") for difference in tree_differences(fresh, project.corpus)]
        except BuildError as error:
            problems += error.problems
    schemas = Schemas(project.schema_dir)
    problems += validate_corpus(project.corpus, schemas) + validate_annotation_files(annotation_files(project.annotations), project, schemas)
    return problems


def publish_plan(project: Project, repo: str) -> PublishPlan:
    """The commit that brings the Hub from the previous release to this one (see the module docstring)."""
    tag = f"v{project.dataset['version']}"
    previous = tag_before(project.root, tag)
    with tempfile.TemporaryDirectory(prefix="qawl-publish-") as scratch:
        old = corpus_at(project.root, previous, Path(scratch)) if previous else None
        upload, delete, unchanged = changed_files(old, project.corpus)
    summary = summary_lines(diff_revisions(project.root, previous, tag)) if previous else ["first release"]
    message = f"Release {tag}\n\n" + (f"Changes since {previous}:\n" if previous else "") + "\n".join(f"- {line}" for line in summary)
    return PublishPlan(repo, tag, previous, upload, delete, unchanged, message)


def upload(project: Project, plan: PublishPlan) -> str:
    """Make the commit and the tag on the Hub (needs a token with write access); returns the commit's URL."""
    from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi

    api = HfApi()
    api.create_repo(plan.repo, repo_type="dataset", exist_ok=True)
    operations: list[Any] = [CommitOperationAdd(path_in_repo=path, path_or_fileobj=str(project.corpus / path)) for path in plan.upload]
    operations += [CommitOperationDelete(path_in_repo=path) for path in plan.delete]
    title, _, description = plan.message.partition("\n\n")
    commit = api.create_commit(plan.repo, operations, commit_message=title, commit_description=description, repo_type="dataset")
    api.create_tag(plan.repo, tag=plan.tag, revision=commit.oid, repo_type="dataset")
    return commit.commit_url


@click.command("publish")
@root_option
@click.option("--repo", required=True, metavar="OWNER/NAME", help="The Hub dataset repository (must be hub_repo of schema/dataset.json).")
@click.option("--dry-run", is_flag=True, help="Check and print the plan (files, commit message, tag); upload nothing.")
def publish_command(root: Path | None, repo: str, dry_run: bool) -> None:
    """Publish the released corpus/ to the Hugging Face Hub: one commit of the files changed since the
    previous release tag, tagged vX.Y.Z.

    Refused, with every reason listed, unless corpus/ is what the sources build
    (`qawl build --check`), passes `qawl validate`, and is the corpus/ of the
    release tag of its version.
    """
    project = project_at(root)
    problems = refusals(project, repo)
    if problems:
        fail(problems, "not published")
    try:
        plan = publish_plan(project, repo)
    except ReleaseError as error:
        raise click.ClickException(str(error)) from error
    since = f"changed since {plan.previous}" if plan.previous else "first release: every file"
    click.echo(f"{'dry run: would publish' if dry_run else 'publishing'} corpus/ to https://huggingface.co/datasets/{plan.repo}")
    click.echo(f"tag: {plan.tag}")
    click.echo("commit message:\n" + "\n".join(f"  {line}" if line else "" for line in plan.message.splitlines()))
    click.echo(f"upload ({len(plan.upload)}, {since}):")
    for path in plan.upload:
        click.echo(f"  {path}")
    click.echo(f"delete ({len(plan.delete)}):")
    for path in plan.delete:
        click.echo(f"  {path}")
    click.echo(f"unchanged: {plan.unchanged} file(s)")
    if not dry_run:
        click.echo(f"published: {upload(project, plan)}")
