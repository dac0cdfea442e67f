"""`qawl export`: the published corpus in the formats other tools train on.

- `conll`: CoNLL-2003 style IOB2, a token and its tag per line, a blank line
  between sentences and `-DOCSTART-` before each document;
- `spacy`: a `DocBin` of the `ner` rows, the published tokens set explicitly and every
  entity a `doc.ents` span, for `spacy train` with `gold_preproc = true` (train on those tokens);
- `jsonl`: the rows of any config, one JSON object per line, label names not ids.

Every export reads `corpus/` as published (through its manifest), never the sources,
and works on a copy of `corpus/` alone (`--corpus`): the schemas travel with the data.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from qawl.options import project_at, root_option
from qawl.project import Project
from qawl.publish import CONFIGS, EVALUATION_SPLITS, SCHEMA_DIR, SPLIT_ORDER
from qawl.schema import Problem, Schemas
from qawl.segment import blank_arabic, renew_vocabulary_past_limit
from qawl.validate import read_rows

if TYPE_CHECKING:
    from spacy.tokens import Doc

TAGSETS = ("ontonotes", "conll")


class PublishedCorpus(Project):
    """A published corpus/ on its own (a download, a copy): the data at `root`, its schemas in `root/schema/`."""

    @property
    def corpus(self) -> Path:
        return self.root


def corpus_at(corpus: Path) -> Project:
    """The corpus directory given by --corpus, which must be a built qawl corpus carrying its schemas."""
    if not (corpus / "manifest.json").is_file():
        raise click.ClickException(f"{corpus}: no manifest.json: not a qawl corpus directory (the one `qawl build` writes)")
    if not (corpus / SCHEMA_DIR / "dataset.json").is_file():
        raise click.ClickException(f"{corpus}: no {SCHEMA_DIR}/ beside the data: it was built before corpora carried their schemas; export it inside its project")
    return PublishedCorpus(corpus.resolve())


class EmptySplit(Exception):
    """An export or an evaluation of a split that has no rows."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def split_entries(corpus: Path, config: str, split: str | None = None) -> list[dict[str, Any]]:
    """The manifest entries of a config's split (all splits: None), in order; EmptySplit if a split asked for has no rows."""
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    entries = sorted((f for f in manifest["files"] if f["config"] == config), key=lambda f: SPLIT_ORDER.index(f["split"]))
    entries = [entry for entry in entries if split is None or entry["split"] == split]
    if split is not None and not sum(entry["rows"] for entry in entries):
        why = "no human-reviewed (gold) document is in it yet: validation and test hold gold documents only" if split in EVALUATION_SPLITS else "it has no rows"
        raise EmptySplit(Problem(str(corpus / "manifest.json"), "", f"split {split} is empty: {why}; config {config!r}, see README.md for what each split holds"))
    return entries


def published_rows(corpus: Path, schemas: Schemas, config: str, split: str | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """(split, row) of a published config, splits in order, rows in file order; EmptySplit at once if `split` has none."""
    schema = {c.name: c.schema for c in CONFIGS}[config]
    entries = split_entries(corpus, config, split)
    return ((entry["split"], row) for entry in entries for row in read_rows(corpus / entry["path"], schemas, schema))


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

corpus_option = click.option(
    "--corpus", type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="A published corpus directory on its own (a download, a copy), instead of the project's corpus/.",
)
out_option = click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path), help="File to write.")
split_option = click.option(
    "--split", type=click.Choice(SPLIT_ORDER),
    help="Only this split (default: all, in order); validation and test hold gold documents only, silver the others.",
)


def exported(root: Path | None, corpus: Path | None) -> Project:
    """What to export: the corpus given by --corpus, else the project's built corpus/."""
    return corpus_at(corpus) if corpus is not None else project_at(root, built=True)


@click.group("export")
def export_group() -> None:
    """Write the published corpus/ for other tools (CoNLL, spaCy, JSON lines).

    \b
      qawl export conll --out qawl.conll            token and IOB2 tag per line
      qawl export spacy --out train.spacy --split train
      qawl export spacy --out train/ --split train    a directory of .spacy files (large corpora)
      qawl export jsonl --config quotes --out quotes.jsonl
      qawl export conll --corpus path/to/corpus --split test --out test.conll   a corpus/ on its own
    """


def report_export(export: Callable[[], int], out: Path, what: str, project: Project, config: str, split: str | None) -> None:
    """Run `export` of `config` and say how many `what` it wrote; an empty split asked for (exit 2, nothing written),
    a file it cannot write (or read) are clear errors, not a traceback."""
    try:
        split_entries(project.corpus, config, split)
        count = export()
    except EmptySplit as error:
        click.echo(f"error: {error.problem}", err=True)
        sys.exit(2)
    except ExportError as error:
        raise click.ClickException(str(error)) from error
    except OSError as error:
        raise click.ClickException(f"{error.filename or out}: {error.strerror or error}") from error
    click.echo(f"wrote {count} {what} to {out}")


@export_group.command("conll")
@root_option
@corpus_option
@out_option
@split_option
@click.option("--tagset", type=click.Choice(TAGSETS), default="ontonotes", show_default=True, help="conll: map to PER/ORG/LOC/MISC with schema/conll_label_map.json.")
def conll_command(root: Path | None, corpus: Path | None, out: Path, split: str | None, tagset: str) -> None:
    """CoNLL-2003 style IOB2 of the `ner` config: `token tag` lines, -DOCSTART- per document."""
    project = exported(root, corpus)
    report_export(lambda: export_conll(project, out, split, tagset), out, "sentence(s)", project, "ner", split)


@export_group.command("spacy")
@root_option
@corpus_option
@click.option(
    "--out", required=True, type=click.Path(writable=True, path_type=Path),
    help=f"A .spacy file, or a new directory of files of {SENTENCES_PER_SPACY_FILE:,} docs (for large corpora).",
)
@split_option
def spacy_command(root: Path | None, corpus: Path | None, out: Path, split: str | None) -> None:
    """spaCy DocBins of the `ner` rows: the published tokens and every entity (`spacy train` takes a file or a directory).

    Train and evaluate on these tokens: `--corpora.train.gold_preproc true --corpora.dev.gold_preproc true`
    for `spacy train`, `--gold-preproc` for `spacy evaluate`.
    """
    project = exported(root, corpus)
    report_export(lambda: export_spacy(project, out, split), out, "doc(s)", project, "ner", split)


@export_group.command("jsonl")
@root_option
@corpus_option
@out_option
@split_option
@click.option("--config", "config", required=True, type=click.Choice([c.name for c in CONFIGS]), help="The config to export.")
def jsonl_command(root: Path | None, corpus: Path | None, out: Path, split: str | None, config: str) -> None:
    """The rows of a config as JSON lines, with label names and a `split` key."""
    project = exported(root, corpus)
    report_export(lambda: export_jsonl(project, out, config, split), out, "row(s)", project, config, split)
