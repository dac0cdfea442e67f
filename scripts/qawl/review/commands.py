"""`qawl review`: export to review tools, import reviews into annotations/, agreement."""

from __future__ import annotations

import json
from pathlib import Path

import click

from qawl.ingest import Document, IngestError, ingest_seeds
from qawl.jsonfile import read_json_file, value_problems
from qawl.merge import Layer, read_layer, read_targets
from qawl.options import fail, project_at, root_option
from qawl.project import Project
from qawl.publish import target_names
from qawl.review import brat, html, label_studio
from qawl.review.agreement import agreement
from qawl.review.changes import Outcome, Review, now_utc, plan_import, write_outcomes
from qawl.review.offsets import UNITS
from qawl.review.reanchor import reanchor_command, stale_problem
from qawl.review.regions import Vocabulary
from qawl.review.store import WriteFailed, base_layer, locked
from qawl.schema import Problem, Schemas

FORMATS = ("label-studio", "brat", "html")


def _documents(project: Project, schemas: Schemas) -> dict[str, Document]:
    try:
        return {d.doc_id: d for d in ingest_seeds(project.seeds, schemas)}
    except IngestError as error:
        fail(error.problems, "cannot read seeds/")




@click.group("review")
def review_group() -> None:
    """Review annotations in Label Studio, brat/INCEpTION or an HTML page, and bring the work back.

    \b
      qawl review export --format label-studio --out review/     tasks.json + config.xml
      qawl review import project-1-at-….json --annotator amina    into annotations/
      qawl review agreement a.json b.json                         inter-annotator agreement
    """


review_group.add_command(reanchor_command)


@review_group.command("export")
@root_option
@click.option("--format", "format_", type=click.Choice(FORMATS), required=True, help="Review tool to export for.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Directory to write into.")
@click.option("--offsets", type=click.Choice(UNITS), default="codepoints", show_default=True,
              help="Offset unit of the tool: Label Studio ≥1.5 and brat count code points; use utf16 for Java tools (INCEpTION) and older Label Studio.")
@click.argument("doc_ids", nargs=-1)
def export_command(root: Path | None, format_: str, out: Path, offsets: str, doc_ids: tuple[str, ...]) -> None:
    """Export documents (default: all) with their gold layer, else the silver pre-annotation.

    Label Studio gets config.xml and tasks.json (silver as predictions, gold as
    annotations to re-review); brat gets <doc_id>.txt/.ann with annotation.conf;
    html gets one self-contained right-to-left page per document.
    """
    project = project_at(root)
    schemas = Schemas(project.schema_dir)
    documents = _documents(project, schemas)
    unknown = [Problem(str(project.seeds), doc_id, "no such document") for doc_id in doc_ids if doc_id not in documents]
    if unknown:
        fail(unknown, "export failed")
    items: list[tuple[Document, str, Layer]] = []
    problems: list[Problem] = []
    for doc_id in doc_ids or sorted(documents):
        kind, layer, layer_problems = base_layer(project, documents[doc_id], schemas)
        problems += layer_problems
        stale = stale_problem(project, layer, documents[doc_id]) if layer is not None else None
        if stale is not None:
            problems.append(stale)
            continue
        if layer is not None:
            items.append((documents[doc_id], kind, layer))
    targets, target_problems = read_targets(project.annotations, schemas)
    problems += target_problems
    if problems:
        fail(problems, "export failed (fix the annotation files first)")
    names = {target: ar for target, (ar, _) in target_names(read_json_file(project.annotations / "targets.json")[0]).items()} if targets else {}
    vocabulary = Vocabulary.load(schemas, targets, names)
    try:
        if format_ == "label-studio":
            written = label_studio.export_tasks(items, vocabulary, out, offsets)
        elif format_ == "brat":
            written = brat.export_documents(items, vocabulary, out, offsets)
        else:
            out.mkdir(parents=True, exist_ok=True)
            written = []
            for document, kind, layer in items:
                page = out / f"{document.doc_id}.html"
                page.write_text(html.render_page(document, kind, layer, vocabulary), encoding="utf-8")
                written.append(page)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    kinds = ", ".join(f"{doc.doc_id} ({kind})" for doc, kind, _ in items)
    click.echo(f"exported {len(items)} document(s) for {format_} into {out}: {kinds}; {len(written)} file(s)")


def read_reviews(path: Path) -> tuple[list[Review], list[Problem], list[str]]:
    """Every review in a Label Studio export, a .ann file, or a directory of them."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix == ".ann" or (p.suffix == ".json" and not p.name.endswith(brat.META_SUFFIX)))
    else:
        files = [path]
    reviews: list[Review] = []
    problems: list[Problem] = []
    notes: list[str] = []
    for file in files:
        if file.suffix == ".ann":
            found, found_problems = brat.read_document(file)
        else:
            found, found_problems, found_notes = label_studio.read_export(file)
            notes += found_notes
        reviews += found
        problems += found_problems
    if not files:
        problems.append(Problem(str(path), "", "no Label Studio export (.json) or brat document (.ann) here"))
    return reviews, problems, notes


@review_group.command("import")
@root_option
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--annotator", required=True, help="Your annotator id, recorded on every change.")
@click.option("--dry-run", is_flag=True, help="Check and report the changes, write nothing.")
def import_command(root: Path | None, path: Path, annotator: str, dry_run: bool) -> None:
    """Bring a review back into annotations/: a Label Studio JSON export, brat .ann files, or a directory.

    Every span is checked against the frozen text and every review against the
    text it was exported from (sha256); changes are merged into the current
    annotation file (untouched annotations are kept), recorded with provenance,
    appended to annotations/review-log.jsonl, and the previous file is kept in
    annotations/.history/. If anything is wrong, nothing is written; the import
    of all its documents lands whole or not at all, even if killed or out of disk
    space. A review imported before is recognised and left alone.
    """
    project = project_at(root)
    schemas = Schemas(project.schema_dir)
    documents = _documents(project, schemas)
    reviews, problems, notes = read_reviews(path)
    problems += [Problem("--annotator", "", problem.message) for problem in value_problems(annotator, "--annotator")]
    for note in notes:
        click.echo(note, err=True)
    time = now_utc()
    with locked(project):
        outcomes, plan_problems = plan_import(project, schemas, documents, reviews, annotator, time)
        problems += plan_problems
        if problems:
            fail(problems, "import refused, annotations/ left unchanged")
        try:
            written = [] if dry_run else write_outcomes(project, outcomes, annotator, time)
        except WriteFailed as error:
            fail([error.problem], "import failed")
        except UnicodeEncodeError:  # found before anything is written
            fail([Problem(str(path), "", "its name is not UTF-8 text, so the review log cannot record it; rename it")], "import refused, annotations/ left unchanged")
    for outcome in outcomes:
        click.echo(f"{outcome.review.doc_id}: {_summary(outcome)}")
    if dry_run:
        click.echo(f"dry run: would write {len([o for o in outcomes if o.changes])} annotation file(s)")
    elif outcomes and all(o.imported_before for o in outcomes):
        click.echo(f"nothing to do: {path} was imported before")
    else:
        click.echo(f"wrote {len(written)} annotation file(s); previous versions in annotations/.history/, changes in annotations/review-log.jsonl")


def _summary(outcome: Outcome) -> str:
    """What an import does to one document: its changes by kind, or that it already did them."""
    if outcome.imported_before is not None:
        earlier = outcome.imported_before
        return f"this review was imported on {earlier['time']} by {earlier['annotator']}; nothing to do"
    counts: dict[str, int] = {}
    for change in outcome.changes:
        counts[change.action] = counts.get(change.action, 0) + 1
    return ", ".join(f"{n} {action}" for action, n in sorted(counts.items())) or "no changes"


@review_group.command("agreement")
@root_option
@click.argument("a", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("b", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def agreement_command(root: Path | None, a: Path, b: Path, as_json: bool) -> None:
    """Agreement between two annotation files of one document: span F1, stance kappa and alpha."""
    schemas = Schemas(project_at(root).schema_dir)
    layers = []
    problems: list[Problem] = []
    for path in (a, b):
        layer, layer_problems = read_layer(path, schemas)
        problems += layer_problems
        layers.append(layer)
    if problems:
        fail(problems, "agreement failed")
    try:
        figures = agreement(layers[0], layers[1])
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    click.echo(_report(figures))


def _report(figures: dict) -> str:
    def number(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    e, q, s = figures["entities"], figures["quotes"], figures["stance"]
    return "\n".join(
        [
            f"{figures['doc_id']}",
            f"entities  F1 labelled {number(e['labelled']['f1'])}  unlabelled {number(e['unlabelled']['f1'])}  (A {e['labelled']['a']}, B {e['labelled']['b']})",
            f"quotes    F1 exact {number(q['exact']['f1'])}  overlap {number(q['overlap']['f1'])}  (A {q['exact']['a']}, B {q['exact']['b']})",
            f"          on {q['matched']} matched quotes: cue {number(q['cue_agreement'])}  speaker {number(q['speaker_agreement'])}  type {number(q['type_agreement'])}",
            f"stance    Cohen's kappa {number(s['cohen_kappa'])}  Krippendorff's alpha {number(s['krippendorff_alpha'])}  observed {number(s['observed_agreement'])}  ({s['paired']} paired; A {s['a']}, B {s['b']})",
        ]
    )
