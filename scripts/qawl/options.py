"""What every `qawl` command shares: the --root option, finding the project, reporting problems.

Kept apart from cli.py, which imports every command module to register it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from qawl.project import Project, find_project
from qawl.schema import Problem

root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Project checkout (default: the nearest directory above the current one with schema/dataset.json).",
)


def project_at(root: Path | None, built: bool = False) -> Project:
    """The project at --root, or around the current directory; `built`: it must have a built corpus/."""
    try:
        project = Project(root.resolve()) if root else find_project()
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from error
    if built and not (project.corpus / "manifest.json").exists():
        raise click.ClickException(f"no built corpus in {project.corpus}: run `qawl build` first")
    return project


def fail(problems: Sequence[Problem], what: str, code: int = 1) -> NoReturn:
    """Print every problem, then what failed and how many, and exit with `code`."""
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    click.echo(f"{what}: {len(problems)} problem(s)", err=True)
    sys.exit(code)
