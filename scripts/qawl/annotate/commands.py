"""Click command `annotate`, registered on the `qawl` group by cli.py."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import click

from qawl.options import fail, project_at, root_option


@click.command("annotate")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl"]), default="json", show_default=True)
@root_option
def annotate_command(files: tuple[Path, ...], fmt: str, root: Path | None) -> None:
    """Pre-annotate raw UTF-8 articles and print their annotation layers (doc-level offsets).

    The pre-annotator learns gold names and stance targets from the project's annotations/
    (--root, or the project around the current directory; none outside a project).
    """
    from qawl.annotate import annotations_dir_here, preannotate, preannotator
    from qawl.ingest import decode_seed
    from qawl.jsonfile import UnreadableFile, read_regular_file
    from qawl.merge import read_targets
    from qawl.schema import Problem, Schemas

    annotations = project_at(root).annotations if root is not None else annotations_dir_here()
    if root is not None:
        preannotate = preannotator(annotations)
    # a target inventory that cannot be read would give no stance at all, in silence
    problems = read_targets(annotations, Schemas(annotations.parent / "schema"))[1] if annotations else []
    layers = []
    for path in files:
        try:
            raw, _ = read_regular_file(path)  # click's exists=True lets a FIFO through, which would block a read
        except UnreadableFile as error:
            problems.append(Problem(str(path), "", str(error)))
            continue
        text, decode_problems = decode_seed(raw, str(path))
        problems += decode_problems
        if text is not None and not problems:
            layers.append(preannotate(path.stem, text, hashlib.sha256(raw).hexdigest()))
    if problems:
        fail(problems, "nothing annotated")
    if fmt == "jsonl":
        for layer in layers:
            click.echo(json.dumps(layer, ensure_ascii=False))
    else:
        click.echo(json.dumps(layers[0] if len(layers) == 1 else layers, ensure_ascii=False, indent=2))
