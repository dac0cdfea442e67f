"""The dataset card `corpus/README.md` and its plots, generated from the schema and the written files.

The YAML front matter (`configs:`, `dataset_info:`) comes from the schema and the
manifest; the statistics and plots are sums of each written document's counts
(`document_statistics`); nothing is hand-written. Plots are PNGs with fixed size, dpi and no
software stamp, so the same corpus gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Hashable, Iterable
from operator import itemgetter
from pathlib import Path
from typing import Any

import datasets
import matplotlib
from huggingface_hub import DatasetCardData
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from qawl.publish import (
    CONFIGS,
    DEFAULT_CONFIG,
    EVALUATION_SPLITS,
    GOLD_SPLITS,
    GUIDELINES_FILE,
    LABELS_FILE,
    PLOT_FILES,
    PLOTS_DIR,
    SCHEMA_DIR,
    SILVER_SPLIT,
    SPLIT_ORDER,
    TARGETS_FILE,
    TWEET_EVAL_STANCE,
    copy_from_cache,
    shards_pattern,
    store_cache_entry,
)
from qawl.schema import Schemas
from qawl.tasks import project_entities

PNG_METADATA = {"Software": None}
log = logging.getLogger(__name__)
STATUSES = ("gold", "silver", "unannotated")
LENGTH_BINS = (1, 6, 11, 21, 31, 41, 61, 81, 121)  # token-count histogram edges (last bin open-ended)


def card_metadata(
    schemas: Schemas,
    files: list[dict[str, Any]],
    dataset: dict[str, Any],
    file_sizes: dict[str, int],
    text_licenses: Iterable[str | None] = (),
) -> DatasetCardData:
    """`configs:` and `dataset_info:` for every config, with split sizes from the written files.

    `num_bytes` and `dataset_size` are Arrow bytes (the manifest's `bytes`);
    `download_size` is the Parquet files' size on disk (`file_sizes`, path → bytes).
    When article texts carry a licence other than the dataset's (the annotations'),
    the licence is declared `other` rather than claiming the texts are under it.
    """
    other = {text for text in text_licenses if text != dataset["license"]}
    licence = {"license": "other", "license_name": "qawl-mixed"} if other else {"license": dataset["license"]}
    card = DatasetCardData(
        language=["ar"],
        pretty_name=dataset["pretty_name"],
        task_categories=["token-classification", "text-classification"],
        task_ids=["named-entity-recognition"],
        tags=["arabic", "news", "quotation-attribution", "stance-detection"],
        **licence,
    )
    configs: dict[str, dict[str, Any]] = {}
    infos: dict[str, datasets.DatasetInfo] = {}
    for config in CONFIGS:
        entries = [f for f in files if f["config"] == config.name]
        shards = {split: [f for f in entries if f["split"] == split] for split in SPLIT_ORDER}
        shards = {split: split_files for split, split_files in shards.items() if split_files}
        configs[config.name] = {
            # a pattern, not a list of the shards: a million articles make some 40,000 files
            "data_files": [{"split": split, "path": shards_pattern(config.name, split)} for split in shards],
            **({"default": True} if config.name == DEFAULT_CONFIG else {}),
        }
        splits = datasets.SplitDict()
        for split, split_files in shards.items():
            splits.add(
                datasets.SplitInfo(name=split, num_bytes=sum(f["bytes"] for f in split_files), num_examples=sum(f["rows"] for f in split_files))
            )
        infos[config.name] = datasets.DatasetInfo(
            features=schemas.features(config.schema),
            splits=splits,
            download_size=sum(file_sizes[f["path"]] for f in entries),
            dataset_size=sum(f["bytes"] for f in entries),
        )
    datasets.utils.metadata.MetadataConfigs(configs).to_dataset_card_data(card)
    datasets.info.DatasetInfosDict(infos).to_dataset_card_data(card)
    return card


def render_card(card: DatasetCardData, body: str) -> str:
    """The full README.md: YAML front matter and the Markdown body."""
    return f"---\n{card.to_yaml()}\n---\n\n{body.strip()}\n"


# -- statistics ----------------------------------------------------------------------


Counted = list[list[Any]]  # [key part, ..., count] per distinct key: a Counter as JSON
PER_SPLIT = ("documents_status", "status", "entities", "quote_types", "speaker_kinds", "stance")


def _counted(keys: Iterable[Hashable]) -> Counted:
    """[key, count] per distinct key, in first-seen order; a tuple key spreads into its parts."""
    return [[*key, count] if isinstance(key, tuple) else [key, count] for key, count in Counter(keys).items()]


_label = itemgetter("label")


def document_statistics(document_row: dict[str, Any], sentence_rows: list[dict[str, Any]]) -> dict[str, Counted]:
    """What the card counts in one document, from its published rows (JSON form, label names).

    Computed where the document is processed (in the workers, and cached with it),
    so the card sums small counts instead of reading the corpus back.
    """
    entities = [e for row in sentence_rows for e in row["entities"]]
    quotes = [q for row in sentence_rows for q in row["quotes"]]
    stance = [s for row in sentence_rows for s in row["stance"]]
    return {
        "documents_status": [[document_row["status"], 1]],
        "texts": [[document_row["publisher"], document_row["license"], 1]],
        "status": _counted(map(itemgetter("status"), sentence_rows)),
        "lengths": _counted(len(row["tokens"]) for row in sentence_rows),
        "entities": _counted(map(_label, entities)),
        "quote_types": _counted(map(itemgetter("type"), quotes)),
        "speaker_kinds": _counted(q["speaker"]["kind"] for q in quotes),
        "stance": _counted(map(_label, stance)),
        "targets": _counted(map(itemgetter("target", "label"), stance)),
        "ner_projection": _counted(_ner_projection(sentence_rows)),
        # near-duplicates (qawl add): the group a document was folded into, if any
        "duplicate_groups": [[document_row["duplicate_group"], 1]] if document_row["duplicate_group"] else [],
    }


NER_PROJECTION = ("entities", "inside_token", "held")


def _ner_projection(sentence_rows: list[dict[str, Any]]) -> Iterable[tuple[str, str]]:
    """(status, kind) per entity of the `ner` config, `kind` one of NER_PROJECTION: what tagging host tokens costs."""
    for row in sentence_rows:
        if row["status"] != "unannotated":
            projection = project_entities(row)
            yield from ((row["status"], "entities") for _ in row["entities"])
            yield from ((row["status"], "inside_token") for _ in projection.inside_token)
            yield from ((row["status"], "held") for _ in projection.held)


class CorpusStatistics:
    """The sum of `document_statistics` over a corpus: counts per split and label, sentence lengths."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter[Any]] = {name: Counter() for name in (*PER_SPLIT, "texts", "targets", "lengths", "ner_projection", "duplicate_groups")}

    def add(self, split: str, document: dict[str, Counted]) -> None:
        for name, counted in document.items():
            counter = self.counts[name]
            for *key, count in counted:
                if name in PER_SPLIT:
                    counter[(split, *key)] += count
                else:
                    counter[tuple(key) if len(key) > 1 else key[0]] += count

    def report(self, manifest: dict[str, Any]) -> dict[str, Any]:
        """Counts per config, split, label, quote type, stance label and status; sentence lengths (length → count)."""
        rows: Counter[tuple[str, str]] = Counter()
        for f in manifest["files"]:
            rows[(f["config"], f["split"])] += f["rows"]  # every shard of a config's split
        splits = [s for s in SPLIT_ORDER if any(split == s for split, _ in self.counts["documents_status"])]  # that have documents
        return {"splits": splits, "rows": rows, **self.counts}


def _per_split_table(title: str, labels: Iterable[str], counts: Counter, splits: list[str]) -> str:
    """A Markdown table of `counts[(split, label)]`, a column per split and a total."""
    lines = [f"| {title} | " + " | ".join(splits) + " | total |", "|---|" + "---|" * (len(splits) + 1)]
    for label in labels:
        values = [counts[(split, label)] for split in splits]
        lines.append(f"| {label} | " + " | ".join(map(str, values)) + f" | {sum(values)} |")
    return "\n".join(lines)


def _nth_length(lengths: Counter[int], index: int) -> int:
    """The `index`-th smallest sentence length (0-based) of a length → count table."""
    for length in sorted(lengths):
        index -= lengths[length]
        if index < 0:
            return length
    raise IndexError(index)


def _length_summary(lengths: Counter[int]) -> str:
    total = sum(lengths.values())
    if not total:
        return "No sentences."
    # statistics.quantiles(..., n=4, method="inclusive") over the expanded lengths, without expanding them
    quartiles = []
    for i in range(1, 4):
        j, delta = divmod(i * (total - 1), 4)
        low = _nth_length(lengths, j)
        high = _nth_length(lengths, j + 1) if total > 1 else low
        quartiles.append((low * (4 - delta) + high * delta) / 4)
    mean = sum(length * count for length, count in lengths.items()) / total
    return (
        f"{total} sentences; tokens per sentence: min {min(lengths)}, "
        f"first quartile {quartiles[0]:g}, median {quartiles[1]:g}, third quartile {quartiles[2]:g}, "
        f"max {max(lengths)}, mean {mean:.1f}."
    )


def length_histogram(lengths: Counter[int]) -> list[tuple[str, int]]:
    """Sentence counts in the token-length bins of LENGTH_BINS."""
    bins = []
    for low, high in zip(LENGTH_BINS, (*LENGTH_BINS[1:], None)):
        name = f"{low}–{high - 1}" if high else f"{low}+"
        bins.append((name, sum(count for n, count in lengths.items() if n >= low and (high is None or n < high))))
    return bins


def _save(figure: Figure, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    FigureCanvasAgg(figure)
    figure.savefig(path, format="png", dpi=100, metadata=PNG_METADATA)


LABEL_PANELS = (("entity label", "entities"), ("quote type", "quote_types"), ("stance label", "stance"), ("status", "status"))


def _plot_data(stats: dict[str, Any], labels: dict[str, list[str]]) -> dict[str, Any]:
    """Everything the plots show, as plain values (the plots are a pure function of it)."""
    return {
        "histogram": length_histogram(stats["lengths"]),
        "panels": [
            (title, labels[key], [(split, [stats[key][(split, name)] for name in labels[key]]) for split in stats["splits"]])
            for title, key in LABEL_PANELS
        ],
    }


def _render_plots(plots_dir: Path, data: dict[str, Any]) -> None:
    figure = Figure(figsize=(7, 3.5))
    axes = figure.add_subplot()
    histogram = data["histogram"]
    axes.bar([name for name, _ in histogram], [count for _, count in histogram], color="#4c72b0")
    axes.set_xlabel("tokens per sentence")
    axes.set_ylabel("sentences")
    axes.set_title("Sentence length", y=1.0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    figure.subplots_adjust(left=0.1, right=0.97, bottom=0.15, top=0.9)  # fixed margins: tight_layout costs a third of the drawing
    _save(figure, plots_dir / PLOT_FILES[0])

    figure = Figure(figsize=(12, 3.5))
    for n, (title, names, per_split) in enumerate(data["panels"], start=1):
        axes = figure.add_subplot(1, len(data["panels"]), n)
        bottom = [0] * len(names)
        for split, values in per_split:
            axes.bar(names, values, bottom=bottom, label=split)
            bottom = [b + v for b, v in zip(bottom, values)]
        axes.set_title(title, y=1.0)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.tick_params(axis="x", labelrotation=60, labelsize=8)
    figure.axes[0].legend(fontsize=8)
    figure.subplots_adjust(left=0.04, right=0.99, bottom=0.32, top=0.9, wspace=0.25)
    _save(figure, plots_dir / PLOT_FILES[1])


def write_plots(out_dir: Path, stats: dict[str, Any], labels: dict[str, list[str]], cache_dir: Path | None = None) -> list[str]:
    """PNG plots of the distributions into `out_dir/plots/`; returns their relative paths.

    Rendering is the slowest part of the card, so with `cache_dir` plots of the
    same figures, matplotlib version and drawing code are copied instead of drawn again.
    """
    data = _plot_data(stats, labels)
    drawing = Path(__file__).read_bytes()  # the code that draws them is part of the key
    key = hashlib.sha256(json.dumps([data, matplotlib.__version__]).encode() + drawing).hexdigest()
    cached = cache_dir / key if cache_dir is not None else None
    target = out_dir / PLOTS_DIR
    plots = {name: target / name for name in PLOT_FILES}
    warnings: list[str] = []
    if cached is None or copy_from_cache(cached, plots, warnings) is None:
        _render_plots(target, data)
        if cached is not None and (warning := store_cache_entry(cached, plots)) is not None:
            warnings.append(warning)
    for warning in warnings:
        log.warning("%s", warning)
    return [f"{PLOTS_DIR}/{name}" for name in PLOT_FILES]


# -- reports (baseline, agreement) ----------------------------------------------------


def _flatten(report: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Numeric and short string leaves of a nested report, as (dotted path, value)."""
    if isinstance(report, dict):
        return [pair for key, value in report.items() for pair in _flatten(value, f"{prefix}.{key}" if prefix else str(key))]
    if isinstance(report, bool) or not isinstance(report, int | float | str) or (isinstance(report, str) and len(report) > 80):
        return []
    return [(prefix, report)]


def render_report(report: dict[str, Any] | None, missing: str) -> str:
    """A nested JSON report (scores per task and metric) as a Markdown table."""
    if not report:
        return missing
    lines = ["| measure | value |", "|---|---|"]
    for path, value in _flatten(report):
        lines.append(f"| `{path}` | {value:.3f} |" if isinstance(value, float) else f"| `{path}` | {value} |")
    return "\n".join(lines)


def render_baseline(baseline: dict[str, Any] | None) -> str:
    """The baseline's headline scores, one column per evaluation set, each with its 95% interval."""
    if not baseline or not all(isinstance(scored, dict) and "ci95" in scored for scored in baseline.values()):
        return render_report(baseline, "No baseline report was supplied to this build.")
    sets = list(baseline)
    headers = [f"`{name}` ({baseline[name]['documents']} document{'s' if baseline[name]['documents'] != 1 else ''})" for name in sets]
    lines = ["| measure | " + " | ".join(headers) + " |", "|---" * (len(sets) + 1) + "|"]
    for measure in baseline[sets[0]]["scores"]:
        cells = [f"{baseline[name]['scores'][measure]:.3f} [{baseline[name]['ci95'][measure][0]:.3f}, {baseline[name]['ci95'][measure][1]:.3f}]" for name in sets]
        lines.append(f"| `{measure}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# -- the card ------------------------------------------------------------------------


def _fields_table(schemas: Schemas, schema_name: str) -> str:
    raw = schemas.raw[schema_name]["properties"]
    lines = ["| field | type | description |", "|---|---|---|"]
    for field in schemas.typed_fields(schema_name):
        kind = f"ClassLabel ({', '.join(field.names)})" if field.kind == "classlabel" else field.kind
        if field.kind == "list":
            child = field.children[0]
            kind = f"list of {child.kind}" + (f" ({', '.join(child.names)})" if child.kind == "classlabel" else "")
        description = raw[field.name].get("description", "").replace("|", "\\|")
        lines.append(f"| `{field.name}` | {kind}{' or null' if field.nullable else ''} | {description} |")
    return "\n".join(lines)


def gold_splits_table(stats: dict[str, Any]) -> str:
    """Gold documents, sentences and annotations of each split that holds gold only (a row even when empty)."""
    lines = ["| split | gold documents | sentences | entities | quotes | stance judgements |", "|---|---|---|---|---|---|"]
    for split in GOLD_SPLITS:
        counts = [
            stats["documents_status"][(split, "gold")],
            stats["status"][(split, "gold")],
            *(sum(n for (where, _), n in stats[kind].items() if where == split) for kind in ("entities", "quote_types", "stance")),
        ]
        lines.append(f"| {split} | " + " | ".join(map(str, counts)) + " |")
    return "\n".join(lines)


def evaluation_status(stats: dict[str, Any]) -> str:
    """Says plainly which evaluation splits have no gold document yet (nothing if both have some)."""
    empty = [split for split in EVALUATION_SPLITS if not stats["documents_status"][(split, "gold")]]
    if not empty:
        return ""
    if len(empty) == len(EVALUATION_SPLITS):
        return (
            "**There is no evaluation split yet**: no human-reviewed document is in `validation` or `test`. "
            "No score can be reported on this release; `qawl export --split test` says so and stops."
        )
    return f"**There is no `{empty[0]}` split yet**: no human-reviewed document is in it."


def _near_duplicates(groups: Counter[str]) -> str:
    """The card's sentence on near-duplicate groups: how many, and how many articles were folded into one."""
    return (
        f"near-duplicates (a story republished with another lead, headline or byline, found by `qawl add`) form "
        f"{len(groups)} group(s), into which {sum(groups.values())} article(s) were folded: a group's documents "
        "take the split of the hash of the group's first `doc_id` (`duplicate_group` in `documents`), so no copy "
        "of a story is in two splits"
    )


def stance_targets(targets: list[dict[str, Any]]) -> str:
    """Each stance target with its names and definition (from the inventory shipped beside the data)."""
    if not targets:
        return "No stance targets are defined for this release."
    return "\n".join(f"- `{t['id']}`: **{t['name_en']}** ({t['name_ar']}). {t['definition']}" for t in targets)


def stance_label_order(names: list[str]) -> str:
    """The stance ClassLabel order, and how it maps to SemEval-2016 Task 6 and tweet_eval."""
    ours = ", ".join(f"{name}={i}" for i, name in enumerate(names))
    tweet_eval = ", ".join(f"{i}→{TWEET_EVAL_STANCE[name]}" for i, name in enumerate(names))
    return (
        f"`label` ids are {ours}. SemEval-2016 Task 6 uses the same three names (FAVOR, AGAINST, NONE): map by name. "
        f"tweet_eval's stance configs number them none=0, against=1, favor=2: qawl id → tweet_eval id is {tweet_eval} "
        f"(`{LABELS_FILE}`, `stance_labels`)."
    )


def _citation(dataset: dict[str, Any], version: str) -> str:
    return f"""```bibtex
@misc{{{dataset["name"]}_{version.replace(".", "_")},
  title   = {{{{{dataset["pretty_name"]}}}}},
  note    = {{Version {version}; load with revision="v{version}"}},
  howpublished = {{Dataset, git tag v{version}}}
}}
```"""


def card_body(
    schemas: Schemas,
    manifest: dict[str, Any],
    dataset: dict[str, Any],
    stats: dict[str, Any],
    plots: list[str],
    baseline: dict[str, Any] | None = None,
    agreement: dict[str, Any] | None = None,
    inventory: list[dict[str, Any]] | None = None,
) -> str:
    """The prose of the card, with the figures of this build; `inventory`: the stance targets."""
    version = manifest["version"]
    splits = stats["splits"]
    config_rows = "\n".join(
        f"| `{config.name}` | {config.description} | "
        + " | ".join(str(stats["rows"].get((config.name, split), 0)) for split in splits)
        + " |"
        for config in CONFIGS
    )
    labels = _labels(schemas)
    fields = "\n\n".join(f"### `{config.name}`\n\n{_fields_table(schemas, config.schema)}" for config in CONFIGS)
    sources = "\n".join(f"- `{source}`: {count} annotation(s)" for source, count in manifest["annotators"].items()) or "- none yet"
    texts = "\n".join(
        f"- {count} article(s) from {publisher or 'an unknown publisher'}: {licence or 'licence unknown'}"
        for (publisher, licence), count in sorted(stats["texts"].items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1])))
    )
    targets = "\n".join(f"| `{target}` | {label} | {count} |" for (target, label), count in sorted(stats["targets"].items()))
    gold = sum(n for (_, status), n in stats["status"].items() if status == "gold")
    shares = ", ".join(f"{split} {dataset['splits'][split]}" for split in GOLD_SPLITS)
    return f"""
# {dataset["pretty_name"]}

Version **{version}** (schema {manifest["schema_version"]}): {manifest["documents"]} document(s),
{sum(stats["lengths"].values())} sentence(s), {gold} of them in human-reviewed (gold) documents.

qawl (قول, "saying") is a corpus of Arabic news articles segmented into sentences and
annotated with named entities (OntoNotes 5 labels), quotations with their cue and speaker
(PARC-style attribution) and the stance of speakers towards a small inventory of targets
(SemEval-2016 Task 6 labels). Human-reviewed annotations are `gold`; automatic
pre-annotations are `silver`; sentences of documents without any annotation are `unannotated`.

This card and every file beside it are generated by `qawl build`; do not edit them by hand.

## Supported tasks

- **Named-entity recognition** (`ner`): token classification with IOB2 tags over 8 OntoNotes 5
  labels, on the tokens of the text (never cut at an entity: see *Tokens and tags of `ner`*), so
  the standard token-classification recipes and `seqeval` apply directly. A mapping to
  the CoNLL/ANERcorp 4-class set ships as `schema/conll_label_map.json`.
- **Quotation attribution** (`quotes`): content span, cue, speaker mention and the entity it
  refers to, quote type (direct, indirect, mixed).
- **Stance detection** (`stance`): SemEval-2016 Task 6 shape (`text`, `target`, `label` in
  FAVOR/AGAINST/NONE), with the holder of the stance; each row also carries its target's Arabic
  and English name (`target_name_ar`, `target_name_en`), and the targets are defined below and in
  [`{TARGETS_FILE}`]({TARGETS_FILE}). The usual score is the macro-F1 of FAVOR and AGAINST.
  {stance_label_order(labels["stance"])}

## Languages

Arabic (`ar`), Modern Standard Arabic as written in news reporting, with quoted speech that
may lean towards dialect. Text is kept exactly as published (diacritics, tatweel, hamza forms,
punctuation).

## Loading

```python
from datasets import load_dataset

sentences = load_dataset("path/to/corpus", "sentences")  # default config
ner = load_dataset("path/to/corpus", "ner")
names = ner["{splits[0] if splits else "train"}"].features["ner_tags"].feature.names  # id → IOB2 tag

# pin this exact release (a git tag of the repository, also a Hub revision):
ner = load_dataset("<hub-user>/qawl", "ner", revision="v{version}")
```

Class labels are stored as integers; their names are in the features. The Parquet files can
be read directly too (pandas, polars, DuckDB). `qawl export conll|spacy|jsonl` writes the
same data for other tools; the spaCy DocBin carries the `ner` tokens themselves, so train and
evaluate on them (`gold_preproc = true`, `spacy evaluate --gold-preproc`).

## Dataset structure

### Configs and splits

| config | content | {" | ".join(splits)} |
|---|---|{"---|" * len(splits)}
{config_rows}

Splits are assigned per document, so no document straddles two splits. `train`, `validation`
and `test` hold human-reviewed (gold) documents only: a gold document's split comes from a
stable hash of its `doc_id` (shares {shares}), so adding documents never moves
existing ones; {_near_duplicates(stats["duplicate_groups"])}; unless a curator pinned it in its sidecar (`"split": "test"` in
`seeds/<doc_id>.meta.json`; only a gold document can be pinned; `pinned_split` in `documents`
says which were). Every document that no one has reviewed is in a split of its own,
`{SILVER_SPLIT}` (automatic pre-annotations, status `silver`; `unannotated` in a build without
pre-annotation), never in train or in an evaluation
split: a score on `validation` or `test` is a score against human judgements, and training on
silver data is a choice (`split="{SILVER_SPLIT}"`). A split with no document yet is not listed
above. The task configs (`ner`, `quotes`, `stance`) hold only annotated sentences.

{gold_splits_table(stats)}

{evaluation_status(stats)}

### Offsets

All offsets are Unicode code points (Python `str` indices), end-exclusive. Inside a
sentence row they are relative to the sentence `text`; `start`/`end` of the row place the
sentence in its document's `text` (config `documents`). Every span stores its `text`, and
`text[start:end] == span["text"]` holds for every span.

### Tokens and tags of `ner`

{_ner_tokens_section(stats["ner_projection"])}

### Fields

{fields}

## Statistics

{_per_split_table("sentence status", STATUSES, stats["status"], splits)}

{_per_split_table("document status", STATUSES, stats["documents_status"], splits)}

{_per_split_table("entity label", labels["entities"], stats["entities"], splits)}

{_per_split_table("quote type", labels["quote_types"], stats["quote_types"], splits)}

{_per_split_table("speaker", labels["speaker_kinds"], stats["speaker_kinds"], splits)}

{_per_split_table("stance label", labels["stance"], stats["stance"], splits)}

| stance target | label | count |
|---|---|---|
{targets}

### Stance targets

{stance_targets(inventory or [])}

Sentence length: {_length_summary(stats["lengths"])}

{chr(10).join(f"![{Path(plot).stem.replace('_', ' ')}]({plot})" for plot in plots)}

## Annotation process

Annotations follow the guidelines, [`{GUIDELINES_FILE}`]({GUIDELINES_FILE}) (entity spans exclude
proclitics; quotes are PARC-style attributions; stance records every quote against every
target). Automatic pre-annotation (rules, lexicons and CLDR names, no downloaded model) gives
`silver` layers; a person reviews and corrects them in Label Studio or brat, which makes the
document's layer `gold` (`annotations/<doc_id>.json`). Every annotation records its source,
status, annotator and time. Sources in this build:

{sources}

### Agreement

From `annotations/passes/agreement.json`: two passes of the seed with the full guidelines
(`pass_a_vs_pass_b`, before adjudication), and a third made without the guidelines' worked
hard cases, against the adjudicated gold (`pass_c_general_rules_only_vs_gold`). All passes were
made by annotators of one kind, not by independent people, and the guidelines were written from
this article: read the figures as a consistency check of the guidelines, not as human agreement
(see `annotations/GUIDELINES.md` §8).

{render_report(agreement, "No inter-annotator agreement has been measured for this release.")}

## Baseline

The rule-based pre-annotator (`silver` layers) scored with `qawl evaluate`, recomputed by every
build: `gold_corpus` against the gold layers of this corpus (each document's own gold is kept out
of the gold-name gazetteer), `devset_held_out` against `annotations/devset/`, short articles in
other countries' styles and spellings written and annotated by the developers and never
published. Read the first with care: the rules were written while reading the seed article, so
the development set is the more honest figure. Stance is a lexical baseline; it says `NONE`
when unsure, and its F_avg (mean of F1 on FAVOR and AGAINST, SemEval-2016) is low. Each score
comes with its 95% interval, a percentile bootstrap over documents (1,000 resamples, seeded, as
`qawl evaluate` prints it): over a single document the interval is that document's score alone,
and says nothing of how the figure would vary on other articles.

{render_baseline(baseline)}

## Datasheet

- **Motivation.** A benchmark for who-said-what in Arabic news: entities, attributed quotations
  and the stances they express, with character-exact offsets, for model evaluation and for
  studying reporting practice.
- **Composition.** News articles (one row each in `documents`), their sentences, and the
  annotations above. Instances are sentences; the statistics section gives the counts.
  Articles name public figures and organisations and report political violence; no private
  individuals are targeted.
- **Collection.** Articles are added as plain UTF-8 text files with a metadata sidecar (publisher,
  date, URL and which of these were inferred). Ingestion only decodes, removes a BOM and
  normalises line ends.
- **Preprocessing and labelling.** Deterministic segmentation (quote-aware) and spaCy-based
  tokenisation; pre-annotation by rules; human review following the guidelines.
- **Uses.** Training and evaluating NER, quotation attribution and stance models for Arabic;
  not for profiling individuals. The corpus is small: report confidence intervals.
- **Distribution.** This directory (Parquet, card, `manifest.json`, `croissant.json`), a git
  tag per release, loadable with `datasets` at `revision="vX.Y.Z"`.
- **Maintenance.** Releases follow semantic versioning (`qawl release`); `CHANGELOG.md` and
  `qawl diff vA vB` list what changed between releases. Errors are fixed in the annotation
  files and published in the next release.

## Data statement

- **Curation rationale.** Reporting on Iraq and the region in which many actors are quoted,
  directly and indirectly, often anonymously.
- **Language variety.** Modern Standard Arabic (`ar`) of pan-Arab news outlets.
- **Source.**
{texts}
- **Annotators.** Project maintainers who read Arabic, working from the written guidelines;
  automatic annotations are marked `silver` and never presented as human-reviewed.
- **Speech situation.** Edited news reports, written for a general Arabic-reading audience,
  quoting officials, militia spokespeople and anonymous sources.

## Licensing

The annotations, segmentation and metadata are released under **{dataset["license"]}**.
The article texts are **not** covered by that licence: each stays under the terms of its
publisher, recorded per document in the `license` field of `documents` (summarised under
*Source* above). Check those terms before redistributing the texts.

## Citation

{_citation(dataset, version)}

## Files

`manifest.json` lists every Parquet file with its sha256 and row count, and every file below with
its sha256, the dataset version, the schema version and the annotation sources; `croissant.json`
describes the configs as Croissant metadata; `{PLOTS_DIR}/` holds the plots above. What a user
of the data needs travels with it (generated copies, so this directory is self-contained):

- [`{TARGETS_FILE}`]({TARGETS_FILE}): the stance target inventory (ids, names, definitions, examples);
- [`{LABELS_FILE}`]({LABELS_FILE}): every ClassLabel's names in id order per config and field, the mapping of the
  entity labels to the CoNLL-2003 classes, and of the stance labels to SemEval-2016 and tweet_eval;
- [`{GUIDELINES_FILE}`]({GUIDELINES_FILE}): the annotation guidelines;
- [`{SCHEMA_DIR}/`]({SCHEMA_DIR}/): the JSON Schemas every row follows. With them, `qawl export ... --corpus DIR`
  works on a copy of this directory alone.
"""


def _ner_tokens_section(projection: Counter[tuple[str, str]]) -> str:
    """The tokenization and tagging convention of `ner`, and what it costs in this build (`_ner_projection` counts)."""
    costs = []
    for status in ("gold", "silver"):
        entities, inside, held = (projection[(status, kind)] for kind in NER_PROJECTION)
        if entities:
            share = f" ({inside / entities:.1%})" if inside else ""
            costs.append(
                f"{inside} of the {entities} {status} entities{share} start or end inside a token and are tagged on their whole "
                f"host token; {held} share their only token with the entity before them and are not in the tags"
            )
    cost = "; ".join(costs) + "." if costs else "There are no annotated entities yet."
    return f"""The `ner` tokens are the `sentences` tokens (spaCy's Arabic tokenizer with qawl's rules for
quote marks and punctuation): a function of the text alone, the same for gold, silver and
unannotated documents, so they never reveal where an annotator put an entity. A proclitic
(و ف ب ل ك) stays on its word while an entity span excludes it (`annotations/GUIDELINES.md`),
so an entity can start inside a token. The tags follow the ANERcorp practice of tagging the
host token: an entity tags every token it overlaps, `B-` on the first and `I-` on the others
(`وواشنطن` is `B-GPE` for the entity `واشنطن`); a token two entities overlap goes to the first.
Each row gives its `text` and each token's offsets in it (`token_starts`, `token_ends`), so a
tag maps back to characters; the exact entity spans are in the `sentences` config. In this
build: {cost}"""


def _labels(schemas: Schemas) -> dict[str, list[str]]:
    common = "common.schema.json#/$defs/"
    return {
        "entities": schemas.enum(common + "entity_label"),
        "quote_types": schemas.enum(common + "quote_type"),
        "speaker_kinds": schemas.enum(common + "speaker_kind"),
        "stance": schemas.enum(common + "stance_label"),
        "status": list(STATUSES),
    }


def write_card(
    out_dir: Path,
    schemas: Schemas,
    manifest: dict[str, Any],
    dataset: dict[str, Any],
    statistics: CorpusStatistics,
    baseline: dict[str, Any] | None = None,
    agreement: dict[str, Any] | None = None,
    plot_cache: Path | None = None,
) -> None:
    """README.md and plots/ for the corpus written into `out_dir` (the build's staging directory),
    with the `statistics` of the documents written there."""
    stats = statistics.report(manifest)
    plots = write_plots(out_dir, stats, _labels(schemas), plot_cache)
    file_sizes = {f["path"]: (out_dir / f["path"]).stat().st_size for f in manifest["files"]}
    card = card_metadata(schemas, manifest["files"], dataset, file_sizes, (licence for _, licence in stats["texts"]))
    inventory = out_dir / TARGETS_FILE  # the copy shipped beside the data
    targets = json.loads(inventory.read_text(encoding="utf-8"))["targets"] if inventory.exists() else []
    body = card_body(schemas, manifest, dataset, stats, plots, baseline, agreement, targets)
    (out_dir / "README.md").write_text(render_card(card, body), encoding="utf-8")
