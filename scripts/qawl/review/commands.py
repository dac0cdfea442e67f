"""`qawl review`: export to review tools, import reviews into annotations/, agreement, curation."""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from qawl.ingest import Document, IngestError, ingest_seeds
from qawl.jsonfile import read_json_file, value_problems
from qawl.merge import Layer, chain_problems, check_layer, read_layer, read_targets
from qawl.options import fail, project_at, root_option
from qawl.project import Project
from qawl.publish import target_names, write_json
from qawl.segment import split_sentences
from qawl.review import brat, html, label_studio
from qawl.review import curate as curation
from qawl.review.agreement import agreement
from qawl.review.changes import Outcome, Review, file_stamp, now_utc, plan_import, write_outcomes
from qawl.review.offsets import UNITS
from qawl.review.reanchor import reanchor_command, stale_problem
from qawl.review.regions import Vocabulary
from qawl.review.store import PASSES, WriteFailed, base_layer, commit, layer_path, locked, pass_paths, plan_transaction
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
      qawl review import project-2-at-….json                      two annotators: annotations/passes/DOC/
      qawl review agreement DOC                                   inter-annotator agreement (or a.json b.json)
      qawl review curate DOC --curator lead                       their disagreements settled into gold
    """


review_group.add_command(reanchor_command)


@review_group.command("export")
@root_option
@click.option("--format", "format_", type=click.Choice(FORMATS), required=True, help="Review tool to export for.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Directory to write into.")
@click.option("--offsets", type=click.Choice(UNITS), default="codepoints", show_default=True,
              help="Offset unit of the tool: Label Studio ≥1.5 and brat count code points; use utf16 for Java tools (INCEpTION) and older Label Studio.")
@click.option("--gold-as", type=click.Choice(label_studio.GOLD_AS), default="predictions", show_default=True,
              help="Label Studio: send a gold layer as predictions (the queue serves the task, annotators start from gold) or as annotations (the task counts as labelled).")
@click.argument("doc_ids", nargs=-1)
def export_command(root: Path | None, format_: str, out: Path, offsets: str, gold_as: str, doc_ids: tuple[str, ...]) -> None:
    """Export documents (default: all) with their gold layer, else the silver pre-annotation.

    Label Studio gets config.xml and tasks.json (silver as predictions with the
    pre-annotator as model_version and score 0; gold as predictions with score 1,
    or as annotations with --gold-as annotations); brat gets <doc_id>.txt/.ann
    with annotation.conf; html gets one self-contained right-to-left page per document.
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
            written = label_studio.export_tasks(items, vocabulary, out, offsets, gold_as)
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
    """Every review in a Label Studio export, a .ann file, or a directory of them; a directory whose
    subdirectories hold brat documents is one annotator's set per subdirectory, named after it."""
    sets = sorted(p for p in path.iterdir() if p.is_dir() and any(p.glob("*.ann"))) if path.is_dir() else []
    if sets:
        reviews, problems, notes = [], [], []
        loose = sorted(p.name for p in path.iterdir() if p.suffix in (".ann", ".json") and not p.name.endswith(brat.META_SUFFIX))
        if loose:
            problems.append(Problem(str(path), "", f"holds annotator directories ({', '.join(d.name for d in sets)}) and review files ({', '.join(loose)}) side by side; import them apart"))
        for directory in sets:
            found, found_problems, found_notes = read_reviews(directory)
            reviews += [replace(review, annotator=directory.name) for review in found]
            problems += found_problems
            notes += found_notes
        return reviews, problems, notes
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


SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@+-]*")  # an annotator's layer is a file named after them


def credit(reviews: list[Review], annotators: tuple[str, ...], passes: bool) -> tuple[list[Review], list[Problem]]:
    """Each review with the annotator it is credited to, and whether it goes to that annotator's layer.

    Who: the tool's identity (Label Studio's email, brat's directory), else `--annotator ID=NAME`
    for a Label Studio user id, else a plain `--annotator NAME`. A document reviewed by more than
    one annotator (or `--passes`) makes the import one layer per annotator.
    """
    problems: list[Problem] = []
    named = dict(a.split("=", 1) for a in annotators if "=" in a)
    plain = [a for a in annotators if "=" not in a]
    if len(plain) > 1:
        problems.append(Problem("--annotator", "", f"given {len(plain)} times without a Label Studio user id ({', '.join(plain)}); name users as ID=NAME"))
    for name in [*plain, *named.values()]:
        problems += [Problem("--annotator", "", problem.message) for problem in value_problems(name, "--annotator")]
    by_document: dict[str, int] = {}
    for review in reviews:
        by_document[review.doc_id] = by_document.get(review.doc_id, 0) + 1
    passes = passes or any(n > 1 for n in by_document.values())
    unnamed = sorted({str(r.tool_user) for r in reviews if not r.annotator and str(r.tool_user) not in named})
    fallback = plain[0] if len(plain) == 1 and len(unnamed) == 1 else None  # one name cannot stand for several people
    credited = []
    for review in reviews:
        name = review.annotator or named.get(str(review.tool_user)) or fallback
        if name is None and review.tool_user is None:
            problems.append(Problem(review.file, review.doc_id, "the tool does not say who reviewed it: say who with --annotator NAME"))
        elif name is None:
            others = f" (one of {len(unnamed)} such users: {', '.join(unnamed)}; name each)" if len(unnamed) > 1 else ""
            problems.append(Problem(review.file, review.doc_id, f"reviewed by Label Studio user {review.tool_user}, who has no email in this export{others}: say who with --annotator {review.tool_user}=NAME"))
        elif passes and not SAFE_NAME.fullmatch(name):
            problems.append(Problem(review.file, review.doc_id, f"annotator {name!r} cannot name a layer file (letters, digits and _.@+- only); name them with --annotator {review.tool_user}=NAME"))
        credited.append(replace(review, annotator=name, passes=passes))
    return credited, problems


@review_group.command("import")
@root_option
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--annotator", "annotators", multiple=True,
              help="Who did the review, when the tool does not say (Label Studio's email, brat's directory name win): NAME, or ID=NAME for a Label Studio user id; repeatable.")
@click.option("--passes", is_flag=True, help="Import into one layer per annotator (annotations/passes/) even if each document has one review.")
@click.option("--dry-run", is_flag=True, help="Check and report the changes, write nothing.")
def import_command(root: Path | None, path: Path, annotators: tuple[str, ...], passes: bool, dry_run: bool) -> None:
    """Bring a review back into annotations/: a Label Studio JSON export, brat .ann files, or a directory.

    Every span is checked against the frozen text and every review against the
    text it was exported from (sha256); changes are merged into the current
    annotation file (untouched annotations are kept), recorded with provenance,
    appended to annotations/review-log.jsonl, and the previous file is kept in
    annotations/.history/. If anything is wrong, nothing is written; the import
    of all its documents lands whole or not at all, even if killed or out of disk
    space. A review imported before is recognised and left alone.

    Several annotators on one document (a double annotation: several submitted
    annotations on a Label Studio task, or one brat directory per annotator) are
    imported as one layer per annotator, annotations/passes/<doc_id>/<annotator>.json,
    and the gold layer is left alone: compare them with `qawl review agreement DOC`
    and merge them with `qawl review curate DOC`.
    """
    project = project_at(root)
    schemas = Schemas(project.schema_dir)
    documents = _documents(project, schemas)
    reviews, problems, notes = read_reviews(path)
    reviews, credit_problems = credit(reviews, annotators, passes)
    problems += credit_problems
    for note in notes:
        click.echo(note, err=True)
    time = now_utc()
    with locked(project):
        outcomes, plan_problems = plan_import(project, schemas, documents, reviews, time)
        problems += plan_problems
        if problems:
            fail(problems, "import refused, annotations/ left unchanged")
        try:
            written = [] if dry_run else write_outcomes(project, outcomes, time)
        except WriteFailed as error:
            fail([error.problem], "import failed")
        except UnicodeEncodeError:  # found before anything is written
            fail([Problem(str(path), "", "its name is not UTF-8 text, so the review log cannot record it; rename it")], "import refused, annotations/ left unchanged")
    for outcome in outcomes:
        where = f" → {outcome.layer_name}" if outcome.review.passes else ""
        click.echo(f"{outcome.review.doc_id}{where}: {_summary(outcome)}")
    if dry_run:
        click.echo(f"dry run: would write {len([o for o in outcomes if o.writes])} annotation file(s)")
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
@click.argument("sources", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def agreement_command(root: Path | None, sources: tuple[str, ...], as_json: bool) -> None:
    """Inter-annotator agreement: span F1, stance kappa and alpha.

    \b
      qawl review agreement           every document with annotator layers
      qawl review agreement DOC...    every pair of annotator layers of each document
                                      (annotations/passes/DOC/, made by a double-annotation import)
      qawl review agreement A B       two annotation files of one document
    """
    project = project_at(root)
    schemas = Schemas(project.schema_dir)
    if not sources:
        sources = tuple(sorted(d.name for d in (project.annotations / PASSES).glob("*") if d.is_dir() and len(pass_paths(project, d.name)) > 1))
        if not sources:
            fail([Problem(str(project.annotations / PASSES), "", "no document with two annotator layers: import a double annotation (`qawl review import`) first")], "agreement failed")
    files = [Path(source) for source in sources]
    named = dict(zip("ab", files)) if len(files) == 2 and all(path.is_file() for path in files) else None
    documents, problems = ({"": named}, []) if named else _annotator_layers(project, sources)
    layers: dict[str, dict[str, Layer]] = {}
    for doc_id, paths in documents.items():
        for name, path in paths.items():
            layer, layer_problems = read_layer(path, schemas)
            problems += layer_problems if layer is None else chain_problems(layer, str(path))
            layers.setdefault(doc_id, {})[name] = layer
    if problems:
        fail(problems, "agreement failed")
    try:
        if named:
            figures = agreement(*layers[""].values())
        else:
            figures = {"documents": [_document_agreement(doc_id, by_name) for doc_id, by_name in layers.items()]}
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
    elif named:
        click.echo(_report(figures))
    else:
        click.echo("\n\n".join(_document_report(document) for document in figures["documents"]))


def _annotator_layers(project: Project, doc_ids: tuple[str, ...]) -> tuple[dict[str, dict[str, Path]], list[Problem]]:
    """The annotator layers of each document, or why a document has too few to compare."""
    documents, problems = {}, []
    for doc_id in doc_ids:
        if doc_id.endswith(".json"):
            problems.append(Problem(doc_id, "", "no such file (give two annotation files, or document ids with annotator layers)"))
            continue
        paths = pass_paths(project, doc_id)
        if len(paths) < 2:
            where = project.annotations / PASSES / doc_id
            problems.append(Problem(str(where), doc_id, f"{len(paths)} annotator layer(s) here, agreement needs two: import a double annotation (`qawl review import`) or give two annotation files"))
        documents[doc_id] = paths
    return documents, problems


def _document_agreement(doc_id: str, layers: dict[str, Layer]) -> dict[str, Any]:
    """What each annotator layer of a document holds, and the agreement of every pair of them."""
    counts = {
        name: {
            "entities": len(layer["entities"]),
            "quotes": len(layer["quotes"]),
            "speakers": sum(q["speaker"]["mention"] is not None for q in layer["quotes"]),
            "stance": len(layer["stance"]),
        }
        for name, layer in layers.items()
    }
    pairs = [{"a": a, "b": b, **agreement(layers[a], layers[b])} for a, b in itertools.combinations(layers, 2)]
    return {"doc_id": doc_id, "layers": counts, "pairs": pairs}


def _document_report(document: dict[str, Any]) -> str:
    width = max(len(name) for name in document["layers"])
    lines = [f"{document['doc_id']}: {len(document['layers'])} annotator layers", f"  {'layer':<{width}}  entities  quotes  speakers  stance"]
    lines += [f"  {name:<{width}}  {c['entities']:>8}  {c['quotes']:>6}  {c['speakers']:>8}  {c['stance']:>6}" for name, c in document["layers"].items()]
    for pair in document["pairs"]:
        lines += ["", f"{pair['a']} × {pair['b']}", *_report(pair).splitlines()[1:]]
    return "\n".join(lines)


@review_group.command("curate")
@root_option
@click.argument("doc_id")
@click.option("--curator", required=True, help="Who settles the disagreements; recorded with every decision.")
@click.option("--decisions", type=click.Path(dir_okay=False, path_type=Path), help="The decisions file (default: annotations/passes/DOC.decisions.json).")
@click.option("--dry-run", is_flag=True, help="Check the decisions and report, write no gold layer.")
def curate_command(root: Path | None, doc_id: str, curator: str, decisions: Path | None, dry_run: bool) -> None:
    """Merge the annotator layers of DOC (annotations/passes/DOC/) into its gold layer.

    What every layer says alike is accepted. If the layers disagree, the first
    run writes a decisions file listing each disagreement with every annotator's
    version; set each "choice" to an annotator (take their version) or "none"
    (leave the item out) and run again. The curated layer is checked like any
    import and written in one transaction (the previous gold file kept in
    annotations/.history/); the review log records every agreed item and every
    decision with the curator's name.
    """
    project = project_at(root)
    schemas = Schemas(project.schema_dir)
    document = _documents(project, schemas).get(doc_id)
    if document is None:
        fail([Problem(str(project.seeds), doc_id, "no such document")], "curation refused")
    paths = pass_paths(project, doc_id)
    layers, problems = _layers_to_curate(project, document, paths, schemas)
    problems += [Problem("--curator", "", problem.message) for problem in value_problems(curator, "--curator")]
    if problems:
        fail(problems, "curation refused, the gold layer left unchanged")
    digests = curation.layers_digest({name: path.read_bytes() for name, path in paths.items()})
    comparison = curation.compare(layers, document.text)
    decisions = decisions or project.annotations / PASSES / f"{doc_id}.decisions.json"
    choices: dict[str, str] = {}
    if comparison.disagreements and not decisions.exists():
        decisions.parent.mkdir(parents=True, exist_ok=True)
        write_json(decisions, curation.decisions_record(comparison, digests))
        click.echo(f"{doc_id}: {len(comparison.agreed)} agreed, {len(comparison.disagreements)} disagreement(s) among {', '.join(layers)}")
        click.echo(f"settle them in {decisions}: set each \"choice\" to {' or '.join([*layers, curation.NONE])}, then run this command again")
        return
    if comparison.disagreements:
        record, problems = read_json_file(decisions)
        if not problems:
            choices, problems = curation.read_choices(record, comparison, digests, str(decisions))
        if problems:
            fail(problems, "curation refused, the gold layer left unchanged")
    gold_file = layer_path(project, doc_id)
    with locked(project):
        previous, problems = read_layer(gold_file, schemas) if gold_file.exists() else (None, [])
        time = now_utc()
        layer, curated, curate_problems = curation.curate(comparison, choices, next(iter(layers.values())), time, str(decisions))
        problems += curate_problems or schemas.problems("annotation", layer, str(decisions), doc_id)
        if not problems:
            targets, problems = read_targets(project.annotations, schemas)
            problems += check_layer(layer, document, split_sentences(doc_id, document.text), targets, f"{decisions} ({doc_id})")
        if problems:
            fail(problems, "curation refused, the gold layer left unchanged")
        if previous is not None and curation.same_annotations(previous, layer):
            click.echo(f"{doc_id}: {gold_file} holds this curation already; nothing to do")
            return
        entries = curation.log_entries(comparison, choices, curated, previous, curator, time, str(decisions), digests)
        if not dry_run:
            try:
                commit(project, plan_transaction(project, [(gold_file, layer, entries)], file_stamp(time)))
            except WriteFailed as error:
                fail([error.problem], "curation failed")
            except UnicodeEncodeError:  # found before anything is written
                fail([Problem(str(decisions), "", "its name is not UTF-8 text, so the review log cannot record it; rename it")], "curation refused, the gold layer left unchanged")
    settled = ", ".join(f"{n} {choice}" for choice, n in sorted(Counter(choices.values()).items()))
    click.echo(f"{doc_id}: {len(comparison.agreed)} agreed, {len(choices)} decided by {curator}" + (f" ({settled})" if settled else ""))
    click.echo(f"dry run: would write {gold_file}" if dry_run else f"wrote {gold_file}; decisions in annotations/review-log.jsonl")


def _layers_to_curate(project: Project, document: Document, paths: dict[str, Path], schemas: Schemas) -> tuple[dict[str, Layer], list[Problem]]:
    """The annotator layers of a document, each checked to annotate the text its seed has now and
    to hold together (a layer edited by hand may name a mention it does not have)."""
    if not paths:
        return {}, [Problem(str(project.annotations / PASSES / document.doc_id), document.doc_id, "no annotator layers here: import a double annotation (`qawl review import`) first")]
    targets, problems = read_targets(project.annotations, schemas)
    layers = {}
    sentences = split_sentences(document.doc_id, document.text)
    for name, path in paths.items():
        layer, layer_problems = read_layer(path, schemas)
        if layer is not None and (layer["doc_id"], layer["sha256"]) != (document.doc_id, document.sha256):
            layer_problems = [Problem(str(path), name, f"annotates another text than {document.source} has now; re-export, annotate and import again")]
        elif layer is not None:
            layer_problems = check_layer(layer, document, sentences, targets, str(path))
        problems += layer_problems
        layers[name] = layer
    return layers, problems


def _decimal(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _report(figures: dict) -> str:
    e, q, s = figures["entities"], figures["quotes"], figures["stance"]
    return "\n".join(
        [
            f"{figures['doc_id']}",
            f"entities  F1 labelled {_decimal(e['labelled']['f1'])}  unlabelled {_decimal(e['unlabelled']['f1'])}  (A {e['labelled']['a']}, B {e['labelled']['b']})",
            f"quotes    F1 exact {_decimal(q['exact']['f1'])}  overlap {_decimal(q['overlap']['f1'])}  (A {q['exact']['a']}, B {q['exact']['b']})",
            f"          on {q['matched']} matched quotes: cue {_decimal(q['cue_agreement'])}  speaker {_decimal(q['speaker_agreement'])}  outlet {_decimal(q['outlet_agreement'])}  type {_decimal(q['type_agreement'])}  source {_decimal(q['source_agreement'])}",
            f"stance    Cohen's kappa {_decimal(s['cohen_kappa'])}  Krippendorff's alpha {_decimal(s['krippendorff_alpha'])}  observed {_decimal(s['observed_agreement'])}  ({s['paired']} paired; A {s['a']}, B {s['b']})",
            *_chains_report(figures["chains"]),
        ]
    )


def _chains_report(c: dict[str, Any] | None) -> list[str]:
    if c is None:
        return ["chains    not compared: a layer has no chains"]
    measures = {"MUC": c["muc"], "B³": c["bcub"], "CEAF-e": c["ceafe"]}
    return [
        f"chains    CoNLL F1 {_decimal(c['conll_f1'])}  " + "  ".join(f"{name} {_decimal(m['f1'])}" for name, m in measures.items())
        + f"  (A {c['a']} chains of {c['mentions_a']} mentions, B {c['b']} of {c['mentions_b']})",
        "          recall/precision: " + "  ".join(f"{name} {_decimal(m['recall'])}/{_decimal(m['precision'])}" for name, m in measures.items()),
    ]
