"""Click command `annotate`, registered on the `qawl` group by cli.py."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import click

from qawl.options import project_at, root_option


def _decode(raw: bytes) -> str:
    """The document text as ingest freezes it: UTF-8, no BOM, \\n line ends."""
    return raw.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


@click.command("annotate")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl"]), default="json", show_default=True)
@root_option
def annotate_command(files: tuple[Path, ...], fmt: str, root: Path | None) -> None:
    """Pre-annotate raw UTF-8 articles and print their annotation layers (doc-level offsets).

    The pre-annotator learns gold names and stance targets from the project's annotations/
    (--root, or the project around the current directory; none outside a project).
    """
    from qawl.annotate import preannotate, preannotator

    if root is not None:
        preannotate = preannotator(project_at(root).annotations)

    failed = False
    layers = []
    for path in files:
        raw = path.read_bytes()
        try:
            text = _decode(raw)
        except UnicodeDecodeError as error:
            click.echo(f"{path}: byte {error.start}: not valid UTF-8", err=True)
            failed = True
            continue
        layers.append(preannotate(path.stem, text, hashlib.sha256(raw).hexdigest()))
    if fmt == "jsonl":
        for layer in layers:
            click.echo(json.dumps(layer, ensure_ascii=False))
    else:
        click.echo(json.dumps(layers[0] if len(layers) == 1 else layers, ensure_ascii=False, indent=2))
    if failed:
        sys.exit(1)
