"""`qawl export`: the published corpus in the formats other tools train on.

- `conll`: CoNLL-2003 style IOB2, a token and its tag per line, a blank line
  between sentences and `-DOCSTART-` before each document;
- `spacy`: a `DocBin` of the `ner` rows, the published tokens set explicitly and every
  entity a `doc.ents` span, for `spacy train` with `gold_preproc = true` (train on those tokens);
- `jsonl`: the rows of any config, one JSON object per line, label names not ids.

Every export reads `corpus/` as published (through its manifest), never the sources.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from qawl.options import project_at, root_option
from qawl.project import Project
from qawl.publish import CONFIGS, SPLIT_ORDER
from qawl.schema import Schemas
from qawl.segment import blank_arabic, renew_vocabulary_past_limit
from qawl.validate import read_rows

if TYPE_CHECKING:
    from spacy.tokens import Doc

TAGSETS = ("ontonotes", "conll")


def published_rows(corpus: Path, schemas: Schemas, config: str, split: str | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """(split, row) of a published config, splits in order, rows in file order."""
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    schema = {c.name: c.schema for c in CONFIGS}[config]
    entries = sorted((f for f in manifest["files"] if f["config"] == config), key=lambda f: SPLIT_ORDER.index(f["split"]))
    for entry in entries:
        if split is None or entry["split"] == split:
            for row in read_rows(corpus / entry["path"], schemas, schema):
                yield entry["split"], row


def conll_mapping(schema_dir: Path) -> dict[str, str | None]:
    """OntoNotes label → CoNLL-2003 class (None: no class, tagged O), from schema/conll_label_map.json."""
    return json.loads((schema_dir / "conll_label_map.json").read_text(encoding="utf-8"))["mapping"]


def export_conll(project: Project, out: Path, split: str | None = None, tagset: str = "ontonotes") -> int:
    """Write the `ner` config as CoNLL-2003 style IOB2; returns the number of sentences."""
    schemas = Schemas(project.schema_dir)
    mapping = conll_mapping(project.schema_dir) if tagset == "conll" else None
    sentences, document = 0, None
    with out.open("w", encoding="utf-8") as handle:
        for _, row in published_rows(project.corpus, schemas, "ner", split):
            if row["doc_id"] != document:
                handle.write("-DOCSTART- O\n\n")
                document = row["doc_id"]
            for token, tag in zip(row["tokens"], row["ner_tags"]):
                if mapping is not None and tag != "O":
                    label = mapping[tag[2:]]
                    tag = f"{tag[:2]}{label}" if label else "O"
                handle.write(f"{token} {tag}\n")
            handle.write("\n")
            sentences += 1
    return sentences


def ner_doc(row: dict[str, Any]) -> Doc:
    """A spaCy Doc of a `ner` row: the published tokens, set explicitly, and their IOB2 tags as `doc.ents`.

    The text between two tokens is kept as spaCy keeps it (one space as the token's trailing
    space, any other whitespace as a token of its own, tagged O), so `doc.text` is the sentence
    and every entity of the row is `doc.char_span(start, end, alignment_mode="expand")`.
    """
    from spacy.tokens import Doc

    text, starts, ends, row_tags = row["text"], row["token_starts"], row["token_ends"], row["ner_tags"]
    words, spaces, tags = [], [], []
    for i, (start, end, tag) in enumerate(zip(starts, ends, row_tags)):
        gap = text[end : starts[i + 1] if i + 1 < len(starts) else len(text)]
        words.append(text[start:end])
        spaces.append(gap.startswith(" "))
        tags.append(tag)
        if gap.removeprefix(" "):  # whitespace other than one space: spaCy's own whitespace token, inside an entity that goes on
            following = row_tags[i + 1] if i + 1 < len(row_tags) else "O"
            words.append(gap.removeprefix(" "))
            spaces.append(False)
            tags.append(following if following.startswith("I-") else "O")
    doc = Doc(blank_arabic().vocab, words=words, spaces=spaces, ents=tags)
    doc.user_data.update({"sentence_id": row["sentence_id"], "doc_id": row["doc_id"]})
    return doc


# Docs per file of a directory export: spaCy serializes a DocBin whole, in memory, and not past 4 GB.
SENTENCES_PER_SPACY_FILE = 50_000


class ExportError(Exception):
    """An export that cannot be written where it was asked to."""


def export_spacy(project: Project, out: Path, split: str | None = None) -> int:
    """Write the `ner` rows as spaCy DocBins (`ner_doc`); returns the number of docs.

    `out` ending in `.spacy` is one file. Otherwise it is a new (or empty) directory of files
    `part-00000.spacy`, … of SENTENCES_PER_SPACY_FILE docs, each written as it fills, so memory
    does not grow with the corpus; `spacy train` reads such a directory whole, files in name order.
    """
    from spacy.tokens import DocBin

    one_file = out.suffix == ".spacy"
    if not one_file:
        if out.exists() and (not out.is_dir() or any(out.iterdir())):
            raise ExportError(f"{out}: not an empty directory; give a new directory, or a file name ending in .spacy")
        out.mkdir(parents=True, exist_ok=True)
    schemas = Schemas(project.schema_dir)
    written, parts = 0, 0

    def new_bin() -> DocBin:
        return DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=True)

    def write(docs: DocBin) -> None:
        nonlocal written, parts
        docs.to_disk(out if one_file else out / f"part-{parts:05d}.spacy")
        written, parts = written + len(docs), parts + 1

    docs = new_bin()
    for _, row in published_rows(project.corpus, schemas, "ner", split):
        docs.add(ner_doc(row))  # the DocBin keeps the strings it needs, so the vocabulary can start afresh
        renew_vocabulary_past_limit()
        if not one_file and len(docs) == SENTENCES_PER_SPACY_FILE:
            write(docs)
            docs = new_bin()
    if one_file or len(docs) or not parts:
        write(docs)
    return written


def export_jsonl(project: Project, out: Path, config: str, split: str | None = None) -> int:
    """Write the rows of `config` as JSON lines (with a `split` key); returns the number of rows."""
    schemas = Schemas(project.schema_dir)
    count = 0
    with out.open("w", encoding="utf-8") as handle:
        for row_split, row in published_rows(project.corpus, schemas, config, split):
            handle.write(json.dumps({"split": row_split, **row}, ensure_ascii=False) + "\n")
            count += 1
    return count


# -- command line --------------------------------------------------------------------

out_option = click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path), help="File to write.")
split_option = click.option("--split", type=click.Choice(SPLIT_ORDER), help="Only this split (default: all, in order).")


@click.group("export")
def export_group() -> None:
    """Write the published corpus/ for other tools (CoNLL, spaCy, JSON lines).

    \b
      qawl export conll --out qawl.conll            token and IOB2 tag per line
      qawl export spacy --out train.spacy --split train
      qawl export spacy --out train/ --split train    a directory of .spacy files (large corpora)
      qawl export jsonl --config quotes --out quotes.jsonl
    """


def report_export(export: Callable[[], int], out: Path, what: str) -> None:
    """Run `export` and say how many `what` it wrote; a file it cannot write (or read) is a clear error, not a traceback."""
    try:
        count = export()
    except ExportError as error:
        raise click.ClickException(str(error)) from error
    except OSError as error:
        raise click.ClickException(f"{error.filename or out}: {error.strerror or error}") from error
    click.echo(f"wrote {count} {what} to {out}")


@export_group.command("conll")
@root_option
@out_option
@split_option
@click.option("--tagset", type=click.Choice(TAGSETS), default="ontonotes", show_default=True, help="conll: map to PER/ORG/LOC/MISC with schema/conll_label_map.json.")
def conll_command(root: Path | None, out: Path, split: str | None, tagset: str) -> None:
    """CoNLL-2003 style IOB2 of the `ner` config: `token tag` lines, -DOCSTART- per document."""
    project = project_at(root, built=True)
    report_export(lambda: export_conll(project, out, split, tagset), out, "sentence(s)")


@export_group.command("spacy")
@root_option
@click.option(
    "--out", required=True, type=click.Path(writable=True, path_type=Path),
    help=f"A .spacy file, or a new directory of files of {SENTENCES_PER_SPACY_FILE:,} docs (for large corpora).",
)
@split_option
def spacy_command(root: Path | None, out: Path, split: str | None) -> None:
    """spaCy DocBins of the `ner` rows: the published tokens and every entity (`spacy train` takes a file or a directory).

    Train and evaluate on these tokens: `--corpora.train.gold_preproc true --corpora.dev.gold_preproc true`
    for `spacy train`, `--gold-preproc` for `spacy evaluate`.
    """
    project = project_at(root, built=True)
    report_export(lambda: export_spacy(project, out, split), out, "doc(s)")


@export_group.command("jsonl")
@root_option
@out_option
@split_option
@click.option("--config", "config", required=True, type=click.Choice([c.name for c in CONFIGS]), help="The config to export.")
def jsonl_command(root: Path | None, out: Path, split: str | None, config: str) -> None:
    """The rows of a config as JSON lines, with label names and a `split` key."""
    project = project_at(root, built=True)
    report_export(lambda: export_jsonl(project, out, config, split), out, "row(s)")
