"""The `qawl add` command."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from qawl.add.sources import DumpColumns
from qawl.engines import ENGINES, EngineUnavailable, default_workers
from qawl.options import fail, project_at, root_option

COLUMN_OPTIONS = {
    "text": "the article's text",
    "id": "a stable id of the article (its doc_id, normalised; default: from the URL)",
    "title": "its title",
    "url": "its URL",
    "date": "its publication date (ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD, a time may follow)",
    "publisher": "its publisher",
}


def _column_options(command: Callable[..., None]) -> Callable[..., None]:
    """One --<field> option per dump column (COLUMN_OPTIONS), passed as `<field>_column`."""
    for field, meaning in reversed(COLUMN_OPTIONS.items()):
        command = click.option(f"--{field}", f"{field}_column", metavar="COLUMN", help=f"Dump column with {meaning}  [default: {field}]")(command)
    return command


@click.command("add")
@root_option
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@_column_options
@click.option("--keep-other-languages", is_flag=True, help="Add articles in a language other than Arabic too (default: skip them, counted).")
@click.option("--workers", type=click.IntRange(min=1), default=default_workers, show_default="all cores", help="Processes extracting pages.")
@click.option("--engine", type=click.Choice(ENGINES), default="local", show_default=True, help="local: a process pool on this machine; ray: Ray Data (needs the `ray` extra), for a large WARC set.")
@click.option("--address", help="Ray cluster address (with --engine ray).")
def add_command(root: Path | None, sources: tuple[Path, ...], keep_other_languages: bool, workers: int, engine: str, address: str | None, **columns: str | None) -> None:
    """Turn saved web pages, WARC files, JSONL/CSV/Parquet dumps and .txt files into seeds with sidecars.

    \b
      qawl add saved-pages/ crawl.warc.gz
      qawl add news-api.jsonl --text body --url link --date published_at

    Pages (also WARC response records) go through trafilatura: the article's
    paragraphs become seeds/<doc_id>.txt, its title, site, date and URL the sidecar,
    and the page itself is kept as seeds/raw/<doc_id>.html.gz. A doc_id comes from
    the URL (or --id, or the file name) and is the same every time: adding a source
    again adds nothing. Articles not in Arabic are skipped unless
    --keep-other-languages; near-duplicates are grouped (sidecar `duplicate_group`),
    and a group is kept in one split by the build. Every rejected input is listed
    (exit 1); the rest is added all the same.
    """
    from qawl.add.run import add_sources

    if address and engine != "ray":
        raise click.UsageError("--address is the address of a Ray cluster: give it with --engine ray")
    given = frozenset(field for field in COLUMN_OPTIONS if columns[f"{field}_column"] is not None)
    dump_columns = DumpColumns(**{field: columns[f"{field}_column"] or field for field in COLUMN_OPTIONS}, given=given)
    project = project_at(root)
    try:
        summary = add_sources(project, list(sources), dump_columns, keep_other_languages, engine, workers, address)
    except EngineUnavailable as error:
        raise click.BadParameter(str(error), param_hint=error.option) from error
    for line in summary.lines():
        click.echo(line)
    if summary.problems:
        fail(summary.problems, "some inputs were not added")


@click.command("add-report")
@root_option
@click.option("--pages", type=click.Path(exists=True, file_okay=False, path_type=Path), help="Saved pages with their article marked (<page>.article.json)  [default: tests/fixtures/pages]")
@click.option("--bench", is_flag=True, help="Also measure pages per second (qawl add against the extractor alone) and MinHash signatures per second (rensa, datasketch).")
@click.option("--copies", type=click.IntRange(min=1), default=20, show_default=True, help="With --bench: copies of each page, as new articles.")
@click.option("--workers", type=click.IntRange(min=1), default=default_workers, show_default="all cores", help="With --bench: processes of qawl add.")
def add_report_command(root: Path | None, pages: Path | None, bench: bool, copies: int, workers: int) -> None:
    """Print how well `qawl add` extracts articles: precision and recall by paragraph, the furniture let through
    and the paragraphs missed on each page; with --bench, its speed."""
    from qawl.add.report import format_report, minhash_speeds, pages_per_second, paragraph_scores

    project = project_at(root)
    pages = pages or project.root / "tests" / "fixtures" / "pages"
    speeds = pages_per_second(pages, project.root, copies, workers) if bench else None
    click.echo(format_report(paragraph_scores(pages), speeds, minhash_speeds() if bench else None))
