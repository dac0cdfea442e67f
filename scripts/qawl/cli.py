"""The `qawl` command line."""

from __future__ import annotations

import json
import logging
import sys
import tempfile
from pathlib import Path

import click

from qawl import __version__
from qawl.engines import ENGINES, default_workers
from qawl.evaluate import RESAMPLES, TASK_CONFIGS
from qawl.options import fail, project_at, root_option
from qawl.publish import tree_differences
from qawl.schema import Problem, Schemas
from qawl.validate import annotation_files, validate_annotation_files, validate_corpus


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qawl")
@click.option("-v", "--verbose", is_flag=True, help="Show progress and warnings.")
def cli(verbose: bool) -> None:
    """qawl: build, check and publish an annotated corpus of Arabic news.

    \b
    Typical session:
      qawl build            seeds/ + annotations/  →  corpus/ (Parquet, card, manifest)
      qawl build --check    is the committed corpus/ what the sources produce?
      qawl validate         check corpus/ and annotations/ to the character
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s: %(message)s")


@cli.command()
@root_option
@click.option("--check", is_flag=True, help="Build into a temporary directory and exit 1 if corpus/ differs from it.")
@click.option("--workers", type=click.IntRange(min=1), default=default_workers, show_default="all cores", help="Worker processes (spaCy is loaded once per worker).")
@click.option("--engine", type=click.Choice(ENGINES), default="local", show_default=True, help="local: a process pool on this machine; ray: Ray Data (needs the `ray` extra).")
@click.option("--address", help="Ray cluster address (with --engine ray; every node must see the project directory at the same path); default: start a local Ray with --workers CPUs.")
@click.option("--no-cache", is_flag=True, help="Recompute every document instead of reusing .qawl-cache/.")
@click.option("--preannotate/--no-preannotate", default=True, show_default=True, help="Pre-annotate documents without a gold layer (status silver); without it they are published unannotated.")
def build(root: Path | None, check: bool, workers: int, engine: str, address: str | None, no_cache: bool, preannotate: bool) -> None:
    """Build corpus/ from seeds/ and annotations/.

    Seeds are ingested (strict UTF-8), segmented, tokenized, merged with their
    human annotation layer (gold) and written as Parquet per config and split,
    with the dataset card and manifest. The build writes into a temporary
    directory and replaces corpus/ only when everything is valid: a failed build
    leaves the previous corpus/ untouched and lists every problem it found.
    """
    if address and engine != "ray":
        raise click.UsageError("--address is the address of a Ray cluster: give it with --engine ray")
    # imported here: the build's libraries (datasets, matplotlib, spaCy's pipeline) would slow every other command
    from qawl.annotate import preannotator
    from qawl.build import BuildError, build_corpus, manifest_summary

    project = project_at(root)
    options = {
        "engine": engine,
        "workers": workers,
        "address": address,
        "cache": not no_cache,
        "preannotate": preannotator(project.annotations) if preannotate else None,
    }
    try:
        if check:
            with tempfile.TemporaryDirectory(prefix="qawl-check-") as scratch:
                fresh = Path(scratch) / "corpus"
                build_corpus(project, fresh, **options)
                differences = tree_differences(fresh, project.corpus)
            if differences:
                for difference in differences:
                    click.echo(f"corpus/{difference}", err=True)
                click.echo("corpus/ is out of date: run `qawl build` and commit corpus/", err=True)
                sys.exit(1)
            click.echo("corpus/ is up to date")
            return
        manifest = build_corpus(project, **options)
    except BuildError as error:
        fail(error.problems, "build failed, corpus/ left unchanged")
    click.echo(f"built {project.corpus} {manifest_summary(manifest)}")


@cli.command()
@root_option
@click.option("--workers", type=click.IntRange(min=1), default=default_workers, show_default="all cores", help="Processes checking the corpus's shards.")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def validate(root: Path | None, workers: int, paths: tuple[Path, ...]) -> None:
    """Check a corpus directory or annotation files (default: corpus/ and annotations/).

    Every row against the JSON Schema, every span's text against its offsets,
    ids unique and references resolvable. Lists every problem with its file,
    row and JSON pointer, and exits 1 if there is any.
    """
    project = project_at(root)
    schemas = Schemas(project.schema_dir)
    targets = list(paths) or [project.corpus, project.annotations]
    problems: list[Problem] = []
    for path in targets:
        if path.is_dir() and (path / "manifest.json").exists():
            problems += validate_corpus(path, schemas, workers)
        elif path.is_dir():
            problems += validate_annotation_files(annotation_files(path), project, schemas)
        else:
            problems += validate_annotation_files([path], project, schemas)
    if problems:
        fail(problems, "validation failed")
    click.echo("valid: " + ", ".join(str(p) for p in targets))


@cli.command()
@root_option
@click.option("--documents", type=click.IntRange(min=2), default=300, show_default=True, help="Synthetic articles for the throughput and worker figures.")
@click.option("--sentences-per-document", type=click.IntRange(min=1), default=30, show_default=True)
@click.option("--large-documents", type=click.IntRange(min=2), default=1000, show_default=True, help="Synthetic articles for the 2-worker speed-up and the incremental rebuild.")
@click.option("--memory-sentences", type=(int, int), default=(10_000, 100_000), show_default=True, help="Corpus sizes (sentences) whose peak memory is compared.")
@click.option("--speedup-pairs", type=click.IntRange(min=1), default=3, show_default=True, help="Back-to-back 1- and 2-worker build pairs; the speed-up is their median.")
@click.option(
    "--long-articles",
    is_flag=True,
    help="Instead: time and peak memory of building one quote-dense and one name-dense article at each --long-article-bytes (linear cost: ratios follow the sizes).",
)
@click.option("--long-article-bytes", type=click.IntRange(min=100), multiple=True, help="Sizes for --long-articles (repeat the option)  [default: 175000, 350000, 1400000, 5000000]")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def bench(
    root: Path | None,
    documents: int,
    sentences_per_document: int,
    large_documents: int,
    memory_sentences: tuple[int, int],
    speedup_pairs: int,
    long_articles: bool,
    long_article_bytes: tuple[int, ...],
    as_json: bool,
) -> None:
    """Measure the build on a synthetic corpus (generated in a temporary directory, never published).

    Prints, in one run: characters and sentences per second end to end and for
    bare spacy.blank("ar") tokenization of the same text (each the best of 3
    runs with cold caches: noise only ever adds time), their ratio, time per
    stage, the speed-up of 2 workers over 1 (on both corpus sizes; on the large
    one, the median of --speedup-pairs back-to-back pairs), incremental
    rebuild time in --large-documents after one changed document, one added
    document and one relabelled gold name, and peak memory at two corpus sizes.
    On a terminal, a progress bar names the measurement running.
    """
    from qawl.bench import LONG_ARTICLE_BYTES, format_long_articles, format_report, run_benchmark, run_long_article_benchmark

    project = project_at(root)
    with tempfile.TemporaryDirectory(prefix="qawl-bench-") as scratch:
        if long_articles:
            report = run_long_article_benchmark(project, Path(scratch), long_article_bytes or LONG_ARTICLE_BYTES)
        else:
            report = run_benchmark(project, Path(scratch), documents, sentences_per_document, memory_sentences, large_documents, speedup_pairs)
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        click.echo(format_long_articles(report["long_articles"]) if long_articles else format_report(report))


@cli.command()
@click.option("--gold", required=True, type=click.Path(exists=True, path_type=Path), help="A published corpus/ (a downloaded copy will do), or gold annotation layers: a file or a directory.")
@click.option("--config", type=click.Choice(TASK_CONFIGS), help="With a corpus/: the task whose rows are scored.")
@click.option("--split", default="test", show_default=True, help="With a corpus/: the split scored.")
@click.option("--pred", required=True, type=click.Path(exists=True, path_type=Path), help="Predictions: JSON lines of the config's rows (ner: also CoNLL), or annotation layers against annotation layers.")
@click.option("--resamples", type=click.IntRange(min=0), default=RESAMPLES, show_default=True, help="Bootstrap resamples of the documents for the 95% confidence intervals (0: none).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the bootstrap: the same seed prints the same intervals.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON, with the dataset version and the sha256 of the gold rows.")
@click.option("--details", is_flag=True, help="With annotation layers: also print P/R per label and the confusion tables of entities, quote types, speaker kinds and stance.")
def evaluate(gold: Path, config: str | None, split: str, pred: Path, resamples: int, seed: int, as_json: bool, details: bool) -> None:
    """Score predictions against gold: entities, quotes, speakers, stance, with confidence intervals.

    \b
      qawl evaluate --gold corpus/ --config ner --split test --pred preds.jsonl
      qawl evaluate --gold annotations/ --pred predicted-layers/

    Every prediction is checked first: an unknown label, an id that is not a
    row of the split, a gold row without a prediction, a missing field or a
    malformed file is listed with its file and line, and nothing is scored (exit 2).
    """
    from qawl.evaluate import EvaluationError, evaluate_layer_paths, evaluate_split, format_report

    published = (gold / "manifest.json").is_file()
    if published and config is None:
        raise click.UsageError(f"{gold} is a published corpus: say which task to score with --config {'|'.join(TASK_CONFIGS)}")
    if not published and config is not None:
        raise click.UsageError(f"--config scores a published corpus/, and {gold} has no manifest.json")
    if details and published:
        raise click.UsageError("--details prints the tables of annotation layers: --gold must be layers, not a published corpus/")
    try:
        result = evaluate_split(gold, config, split, pred, resamples, seed) if config else evaluate_layer_paths(gold, pred, resamples, seed)
    except EvaluationError as error:
        fail(error.problems, "nothing scored", code=2)
    click.echo(json.dumps(result, indent=2, ensure_ascii=False) if as_json else format_report(result, details))


@cli.command()
@click.argument("pipeline", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--gold", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path), help="A published corpus/ (a downloaded copy will do).")
@click.option("--split", default="test", show_default=True, help="The split of the ner config scored.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Keep the pipeline's predictions here (ner rows, JSON lines); default: a temporary file.")
@click.option("--resamples", type=click.IntRange(min=0), default=RESAMPLES, show_default=True, help="Bootstrap resamples of the documents for the 95% confidence intervals (0: none).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the bootstrap.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON, with the pipeline, the dataset version and the sha256 of the gold rows.")
def benchmark(pipeline: Path, gold: Path, split: str, out: Path | None, resamples: int, seed: int, as_json: bool) -> None:
    """Run a spaCy pipeline directory (spacy.load) over a split of the ner config and score its entities.

    \b
      qawl benchmark training/model-best --gold corpus/ --split test

    The pipeline tags the gold tokens of each row; its predictions are scored as
    `qawl evaluate --config ner` scores a file of them (--out keeps that file).
    Predictions of any other model go through `qawl evaluate`.
    """
    from qawl.benchmark import run_benchmark
    from qawl.evaluate import EvaluationError, format_report

    try:
        with tempfile.TemporaryDirectory(prefix="qawl-benchmark-") as scratch:
            result = run_benchmark(pipeline, gold, split, out or Path(scratch) / "predictions.jsonl", resamples, seed)
    except EvaluationError as error:
        fail(error.problems, "nothing scored", code=2)
    click.echo(json.dumps(result, indent=2, ensure_ascii=False) if as_json else f"pipeline: {result['pipeline']['name']} {result['pipeline']['version']}\n" + format_report(result))


# Commands of other modules, registered last: they import helpers from this module.
from qawl.add.commands import add_command, add_report_command  # noqa: E402
from qawl.annotate.commands import annotate_command  # noqa: E402
from qawl.export import export_group  # noqa: E402
from qawl.hub import publish_command  # noqa: E402
from qawl.release import diff_command, release_command  # noqa: E402
from qawl.review.commands import review_group  # noqa: E402

for command in (add_command, add_report_command, annotate_command, review_group, export_group, release_command, diff_command, publish_command):
    cli.add_command(command)


def main() -> None:
    cli()
