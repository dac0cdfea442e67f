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
from huggingface_hub import DatasetCard, DatasetCardData
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
from qawl.evaluate import detail_tables
from qawl.licensing import LICENCE_FILE, card_licence, licence_prose
from qawl.schema import Schemas, TypedField, _resolve
from qawl.tasks import project_entities

PNG_METADATA = {"Software": None}
log = logging.getLogger(__name__)
STATUSES = ("gold", "silver", "unannotated")
LENGTH_BINS = (1, 6, 11, 21, 31, 41, 61, 81, 121)  # token-count histogram edges (last bin open-ended)


# The Hub's task id of each config that has one (quotation attribution and the plain sentences/documents have none).
TASK_IDS = {"ner": "named-entity-recognition", "stance": "multi-class-classification"}
SIZE_CATEGORIES = ("n<1K", "1K<n<10K", "10K<n<100K", "100K<n<1M", "1M<n<10M", "10M<n<100M", "100M<n<1B", "1B<n<10B", "10B<n<100B", "100B<n<1T")


def size_category(examples: int) -> str:
    """The Hub's size category of a dataset of `examples` rows (of its default config): one per power of ten from 1,000."""
    decade = max(0, len(str(examples)) - 3)
    return SIZE_CATEGORIES[decade] if decade < len(SIZE_CATEGORIES) else "n>1T"


def annotations_creators(sources: dict[str, int]) -> list[str]:
    """`expert-generated` for manual (reviewed) annotations, `machine-generated` for automatic ones (`auto:…` sources)."""
    kinds = {"machine-generated" if source.startswith("auto:") else "expert-generated" for source, count in sources.items() if count}
    return sorted(kinds) or ["no-annotation"]


def card_metadata(schemas: Schemas, manifest: dict[str, Any], dataset: dict[str, Any], file_sizes: dict[str, int]) -> DatasetCardData:
    """`configs:` and `dataset_info:` for every config, with split sizes from the written files.

    `num_bytes` and `dataset_size` are Arrow bytes (the manifest's `bytes`);
    `download_size` is the Parquet files' size on disk (`file_sizes`, path → bytes).
    The licence fields come from the manifest's licence story (`card_licence`).
    """
    files = manifest["files"]
    card = DatasetCardData(
        language=["ar"],
        pretty_name=dataset["pretty_name"],
        annotations_creators=annotations_creators(manifest["annotators"]),
        language_creators=["found"],  # published news articles, kept as published
        multilinguality=["monolingual"],
        size_categories=[size_category(sum(f["rows"] for f in files if f["config"] == DEFAULT_CONFIG))],
        source_datasets=["original"],
        task_categories=["token-classification", "text-classification"],
        task_ids=[TASK_IDS[config.name] for config in CONFIGS if config.name in TASK_IDS],
        tags=["arabic", "news", "quotation-attribution", "stance-detection"],
        **card_licence(manifest["license"]),
    )
    configs: dict[str, dict[str, Any]] = {}
    infos: dict[str, datasets.DatasetInfo] = {}
    for config in CONFIGS:
        entries = [f for f in files if f["config"] == config.name]
        shards = {split: [f for f in entries if f["split"] == split] for split in SPLIT_ORDER}
        shards = {split: split_files for split, split_files in shards.items() if split_files}
        # a split without rows cannot be loaded ("corresponds to no data") and would stop the whole config loading
        shards = {split: split_files for split, split_files in shards.items() if any(f["rows"] for f in split_files)} or shards
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
    quotes = list({q["id"]: q for row in sentence_rows for q in row["quotes"]}.values())  # a quote over several sentences once
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


def length_histogram(lengths: Counter[int]) -> list[tuple[int, int, int]]:
    """(low, high, sentences) per token-length bin of LENGTH_BINS up to the longest sentence, where the last bin ends; `high` exclusive."""
    longest = max(lengths, default=LENGTH_BINS[0])
    edges = [edge for edge in LENGTH_BINS if edge <= longest] + [longest + 1]
    return [(low, high, sum(count for n, count in lengths.items() if low <= n < high)) for low, high in zip(edges, edges[1:])]


def _save(figure: Figure, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    FigureCanvasAgg(figure)
    figure.savefig(path, format="png", dpi=100, metadata=PNG_METADATA)


LABEL_PANELS = (("entity label", "entities", "entities"), ("quote type", "quote_types", "quotes"), ("stance label", "stance", "stance judgements"), ("status", "status", "sentences"))


def _plot_data(stats: dict[str, Any], labels: dict[str, list[str]]) -> dict[str, Any]:
    """Everything the plots show, as plain values (the plots are a pure function of it)."""
    return {
        "histogram": length_histogram(stats["lengths"]),
        "panels": [
            (title, unit, labels[key], [(split, [stats[key][(split, name)] for name in labels[key]]) for split in stats["splits"]])
            for title, key, unit in LABEL_PANELS
        ],
    }


def _render_plots(plots_dir: Path, data: dict[str, Any]) -> None:
    figure = Figure(figsize=(7, 3.5))
    axes = figure.add_subplot()
    histogram = data["histogram"]
    # each bar as wide as its bin and as high as its sentences per token of length, so its area is its sentences
    axes.bar([low for low, _, _ in histogram], [count / (high - low) for low, high, count in histogram],
             width=[high - low for low, high, _ in histogram], align="edge", color="#4c72b0", edgecolor="white")
    axes.set_xticks([low for low, _, _ in histogram] + [histogram[-1][1]])
    axes.set_xlabel("tokens per sentence")
    axes.set_ylabel("sentences per token of length")
    axes.set_title("Sentence length", y=1.0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    figure.subplots_adjust(left=0.1, right=0.97, bottom=0.15, top=0.9)  # fixed margins: tight_layout costs a third of the drawing
    _save(figure, plots_dir / PLOT_FILES[0])

    figure = Figure(figsize=(12, 3.5))
    for n, (title, unit, names, per_split) in enumerate(data["panels"], start=1):
        axes = figure.add_subplot(1, len(data["panels"]), n)
        bottom = [0] * len(names)
        for split, values in per_split:
            axes.bar(names, values, bottom=bottom, label=split)
            bottom = [b + v for b, v in zip(bottom, values)]
        axes.set_title(title, y=1.0)
        axes.set_ylabel(unit, fontsize=8)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.tick_params(axis="x", labelrotation=60, labelsize=8)
    figure.axes[0].legend(fontsize=8)
    figure.subplots_adjust(left=0.05, right=0.99, bottom=0.32, top=0.9, wspace=0.3)
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
    for measure in dict.fromkeys(measure for name in sets for measure in baseline[name]["scores"]):  # chains: only sets that have them
        cells = [_with_interval(baseline[name], measure) for name in sets]
        lines.append(f"| `{measure}` | " + " | ".join(cells) + " |")
    return "\n\n".join(["\n".join(lines), *(_baseline_details(name, baseline[name]["details"]) for name in sets if "details" in baseline[name])])


def _with_interval(scored: dict[str, Any], measure: str) -> str:
    """A headline figure and its 95% interval, or `—` where the set has no such measure."""
    if measure not in scored["scores"]:
        return "—"
    low, high = scored["ci95"][measure]
    return f"{scored['scores'][measure]:.3f} [{low:.3f}, {high:.3f}]"


def _baseline_details(name: str, details: dict[str, Any]) -> str:
    """One evaluation set's per-label and confusion tables (`qawl evaluate --details`) as Markdown, folded."""
    blocks = [f"<details><summary><code>{name}</code>: per label and confusion tables</summary>"]
    for title, header, rows in detail_tables(details):
        table = [f"| {' | '.join(header)} |", "|---" + "|--:" * (len(header) - 1) + "|", *(f"| {' | '.join(row)} |" for row in rows)]
        blocks.append(f"*{title}*\n\n" + "\n".join(table))
    return "\n\n".join([*blocks, "</details>"])


# -- the card ------------------------------------------------------------------------


def _documented(node: dict[str, Any], resolver: Any) -> tuple[dict[str, Any], Any, str]:
    """A field's schema node with its `$ref`s and `X or null` unions followed, and its description
    (the first one met: a property's own description wins over its definition's)."""
    description = node.get("description", "")
    while True:
        node, resolver = _resolve(node, resolver)
        description = description or node.get("description", "")
        options = [option for option in node.get("oneOf", node.get("anyOf", [])) if option.get("type") != "null"]
        if not options:
            return node, resolver, description
        node = options[0]


def _field_rows(field: TypedField, node: dict[str, Any], resolver: Any, path: str) -> Iterable[str]:
    """Table rows of a field and of every field inside its structs and lists (dotted paths)."""
    node, resolver, description = _documented(node, resolver)
    item, item_node, item_resolver = field, node, resolver
    kind = field.kind
    if field.kind == "list":
        item = field.children[0]
        item_node, item_resolver, item_description = _documented(node["items"], resolver)
        description = description or item_description
        kind = f"list of {item.kind}"
    if item.kind == "classlabel":
        kind += f" ({', '.join(item.names)})"
    elif "enum" in item_node:
        kind += " (one of " + ", ".join(f"`{value}`" for value in item_node["enum"]) + ")"
    yield f"| `{path}` | {kind}{' or null' if field.nullable else ''} | {description.replace('|', chr(92) + '|')} |"
    if item.kind == "struct":
        for child in item.children:
            yield from _field_rows(child, item_node["properties"][child.name], item_resolver, f"{path}.{child.name}")


def fields_table(schemas: Schemas, schema_name: str) -> str:
    """Every field of a config, nested ones included, with its type, allowed values and description, from the schema."""
    root = schemas.raw[schema_name]
    resolver = schemas.registry.resolver(root["$id"])
    rows = [row for field in schemas.typed_fields(schema_name) for row in _field_rows(field, root["properties"][field.name], resolver, field.name)]
    return "\n".join(["| field | type | description |", "|---|---|---|", *rows])


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


def citation(dataset: dict[str, Any], version: str) -> str:
    """BibTeX for this release: author, year and URL of the published version (the Hub revision of its tag)."""
    return f"""@misc{{{dataset["name"]}_{version.replace(".", "_")},
  author       = {{{{{dataset["author"]}}}}},
  title        = {{{{{dataset["pretty_name"]}}}}},
  year         = {{{dataset["date_published"][:4]}}},
  version      = {{{version}}},
  howpublished = {{Dataset, git tag v{version}}},
  url          = {{{release_url(dataset, version)}}}
}}"""


def release_url(dataset: dict[str, Any], version: str) -> str:
    """Where release `version` is published: the Hub revision of its tag."""
    return f"{hub_url(dataset)}/tree/v{version}"


def release_file_url(dataset: dict[str, Any], version: str, path: str) -> str:
    """A file of release `version` on the Hub."""
    return f"{hub_url(dataset)}/blob/v{version}/{path}"


def hub_url(dataset: dict[str, Any]) -> str:
    return f"https://huggingface.co/datasets/{dataset['hub_repo']}"


def render_agreement(agreement: dict[str, Any] | None) -> str:
    """One small table per annotation layer, a column per comparison of passes that measured it (ids and other
    strings left out): a pass of chains alone is compared on chains only."""
    if not agreement:
        return "No inter-annotator agreement has been measured for this release."
    layers = dict.fromkeys(layer for figures in agreement.values() for layer, value in figures.items() if isinstance(value, dict))
    tables = []
    for layer in layers:
        comparisons = [name for name, figures in agreement.items() if isinstance(figures.get(layer), dict)]
        values = {name: dict(_flatten(agreement[name][layer])) for name in comparisons}
        # a later comparison may measure more (guidelines 1.2 added quoted characters and nesting): every measure shows
        measures = dict.fromkeys(path for name in comparisons for path, value in values[name].items() if not isinstance(value, str))
        lines = [f"**{layer}**", "", "| measure | " + " | ".join(f"`{name}`" for name in comparisons) + " |", "|---" * (len(comparisons) + 1) + "|"]
        for measure in measures:
            cells = [_number(values[name].get(measure)) for name in comparisons]
            lines.append(f"| {measure} | " + " | ".join(cells) + " |")
        tables.append("\n".join(lines))
    return "\n\n".join(tables)


def agreement_documents(agreement: dict[str, Any] | None) -> str:
    """The documents the comparisons of agreement.json were measured on (`doc_id`, or `doc_ids` for a pooled one)."""
    agreed_on = sorted({doc for comparison in (agreement or {}).values() for doc in comparison.get("doc_ids", [comparison.get("doc_id")]) if doc})
    return f"{len(agreed_on)} document(s) (" + ", ".join(f"`{doc}`" for doc in agreed_on) + ")" if agreed_on else "no document"


def _number(value: Any) -> str:
    return "–" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


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


ANNOTATORS = (
    "Gold layers are reviewed and corrected by the project's maintainers, who read Arabic, working from "
    "the written guidelines; the passes behind the agreement figures were made the same way, not by "
    "independent annotators. Automatic annotations are marked `silver` and never presented as human-reviewed."
)
TEMPLATE = Path(__file__).parent / "templates" / "dataset_card.md"


def card_context(
    schemas: Schemas,
    manifest: dict[str, Any],
    dataset: dict[str, Any],
    stats: dict[str, Any],
    plots: list[str],
    baseline: dict[str, Any] | None = None,
    agreement: dict[str, Any] | None = None,
    inventory: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """What the card template shows, with the figures of this build; `inventory`: the stance targets."""
    splits = stats["splits"]
    labels = _labels(schemas)
    configs_table = "\n".join(
        [
            "| config | content | " + " | ".join(splits) + " |",
            "|---|---|" + "---|" * len(splits),
            *(
                f"| `{config.name}` | {config.description} | " + " | ".join(str(stats["rows"].get((config.name, split), 0)) for split in splits) + " |"
                for config in CONFIGS
            ),
        ]
    )
    publishers = Counter[str]()
    for (publisher, _), count in stats["texts"].items():
        publishers[publisher or "an unknown publisher"] += count
    targets = "\n".join(f"| `{target}` | {label} | {count} |" for (target, label), count in sorted(stats["targets"].items()))
    return {
        "pretty_name": dataset["pretty_name"],
        "hub_repo": dataset["hub_repo"],
        "version": manifest["version"],
        "schema_version": manifest["schema_version"],
        "documents": manifest["documents"],
        "sentences": sum(stats["lengths"].values()),
        "gold_sentences": sum(n for (_, status), n in stats["status"].items() if status == "gold"),
        "first_split": splits[0] if splits else "train",
        "stance_label_order": stance_label_order(labels["stance"]),
        "configs_table": configs_table,
        "shares": ", ".join(f"{split} {dataset['splits'][split]}" for split in GOLD_SPLITS),
        "near_duplicates": _near_duplicates(stats["duplicate_groups"]),
        "silver_split": SILVER_SPLIT,
        "gold_splits_table": gold_splits_table(stats),
        "evaluation_status": evaluation_status(stats),
        "ner_tokens": _ner_tokens_section(stats["ner_projection"]),
        "fields": [(config.name, fields_table(schemas, config.schema)) for config in CONFIGS],
        "statistics_tables": [
            _per_split_table("sentence status", STATUSES, stats["status"], splits),
            _per_split_table("document status", STATUSES, stats["documents_status"], splits),
            _per_split_table("entity label", labels["entities"], stats["entities"], splits),
            _per_split_table("quote type", labels["quote_types"], stats["quote_types"], splits),
            _per_split_table("speaker", labels["speaker_kinds"], stats["speaker_kinds"], splits),
            _per_split_table("stance label", labels["stance"], stats["stance"], splits),
            "| stance target | label | count |\n|---|---|---|\n" + targets,
        ],
        "stance_targets": stance_targets(inventory or []),
        "length_summary": _length_summary(stats["lengths"]),
        "plots": [{"title": Path(plot).stem.replace("_", " "), "path": plot} for plot in plots],
        "sources": "\n".join(f"- `{source}`: {count} annotation(s)" for source, count in manifest["annotators"].items()) or "- none yet",
        "annotators": ANNOTATORS,
        "agreement_documents": agreement_documents(agreement),
        "agreement": render_agreement(agreement),
        "baseline": render_baseline(baseline),
        "source": (
            "; ".join(f"{count} article(s) from {publisher}" for publisher, count in sorted(publishers.items()))
            + ". Each document's publisher, date, URL and licence are in `documents`, with which of them were inferred."
        )
        if publishers
        else "No articles yet.",
        "licence": licence_prose(manifest["license"]),
        "licence_file": LICENCE_FILE,
        "citation": citation(dataset, manifest["version"]),
        "targets_file": TARGETS_FILE,
        "labels_file": LABELS_FILE,
        "guidelines_file": GUIDELINES_FILE,
        "schema_dir": SCHEMA_DIR,
        "plots_dir": PLOTS_DIR,
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
    with the `statistics` of the documents written there: `DatasetCard.from_template` over TEMPLATE."""
    stats = statistics.report(manifest)
    plots = write_plots(out_dir, stats, _labels(schemas), plot_cache)
    file_sizes = {f["path"]: (out_dir / f["path"]).stat().st_size for f in manifest["files"]}
    card_data = card_metadata(schemas, manifest, dataset, file_sizes)
    inventory = out_dir / TARGETS_FILE  # the copy shipped beside the data
    targets = json.loads(inventory.read_text(encoding="utf-8"))["targets"] if inventory.exists() else []
    context = card_context(schemas, manifest, dataset, stats, plots, baseline, agreement, targets)
    card = DatasetCard.from_template(card_data, template_path=str(TEMPLATE), **context)
    (out_dir / "README.md").write_text(card.content.rstrip() + "\n", encoding="utf-8")
