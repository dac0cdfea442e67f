"""Devset articles written with inline markup → `annotations/devset/<part>/<doc_id>.txt` and its gold layer.

A markup file holds articles, each one:

    === <doc_id> <part> [<annotator>]        part: tune or scored; annotator: of this article (else the file's, below)
    <paragraphs, one a line, with markup>
    ---
    <one line per quote, then optional author lines>

Markup inside the text (the brackets never occur in the articles themselves):

    [text|LABEL]  [text|LABEL:key]   an entity; LABEL is PERSON NORP FAC ORG GPE LOC EVENT DATE
                                     or P N F O G L E D; `key` names this mention for the lines below
    {text}N                          the content of quote N; it may run over sentences and paragraphs (one quote,
                                     guidelines §3.5); written twice or more, the parts of one discontinuous quote
                                     (§3.5: the author's frame in the gaps)
    <text>N                          the cue of quote N
    ((text))key                      a descriptive speaker mention (may contain entities)

A line `annotator: <id>` before the first article names who wrote the file's articles (default
qawl-devset-2), as the layers' provenance records it.

Quote lines: `N TYPE sp=KEY [ent=KEY] [out=KEY] [+target ...] [-target ...]`. TYPE is direct,
indirect or mixed; `sp` is an entity key (named speaker, mention = that entity mention), a
description key (anonymous, or named when `ent=` gives the entity it refers to), or `-`
(unknown); `out` is the entity key of the outlet; `+t` / `-t` are FAVOR / AGAINST on target t
(an id or an alias below), every other target of annotations/targets.json is NONE; `src=M` nests
quote N in quote M, the outer quote that reports it (§3.1).
Author lines: `author +t|-t ... @ <words of the sentence>`.

Chain lines (guidelines §2.12): `chain KEY KEY ... [name=<words>]`, the entity keys of the mentions of one
referent; `name=` (the rest of the line) when a person chooses the canonical name, else it is the most
complete mention as a word (`annotate.chains.canonical_name`). A named speaker whose entity is in no chain
line gets a chain of its own, and each quote's speaker the chain of its entity. An article with chain lines
(or the line `chain none`: chains annotated, none but the speakers' own) gets `chains`, by annotator
CHAIN_ANNOTATOR unless a line `chains by <id>` names who wrote them; an article without them gets none, and is
not scored for chains.

Every span is then checked against the text (schema, offsets, sentence boundaries, flat
entities, references: `merge.check_layer`, the build's own check, plus the content rules of the
guidelines that the build does not check), and every problem is listed before anything is written.

Usage: PYTHONPATH=scripts python scripts/devset_markup.py annotations/devset/markup/*.markup
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from qawl.annotate.chains import canonical_name, with_speaker_chains
from qawl.ingest import Document
from qawl.merge import check_layer, quote_parts, read_targets
from qawl.project import Project
from qawl.schema import Problem, Schemas
from qawl.segment import split_sentences

ROOT = Path(__file__).resolve().parent.parent
ANNOTATOR = "qawl-devset-2"
CHAIN_ANNOTATOR = "qawl-chainpre"
PARTS = ("tune", "scored")
RECORD_KINDS = ("entities", "quotes", "chains", "stance")  # the lists of records, each with its provenance
LABELS = {"P": "PERSON", "N": "NORP", "F": "FAC", "O": "ORG", "G": "GPE", "L": "LOC", "E": "EVENT", "D": "DATE"}
TARGET_ALIASES = {
    "pres": "us_coalition_presence_iraq",
    "part": "us_iraq_strategic_partnership",
    "att": "armed_attacks_on_us_interests",
    "arms": "state_monopoly_on_arms",
    "iran": "iran_regional_influence",
    "norm": "normalization_with_israel",
    "imf": "imf_austerity_programmes",
    "refugees": "syrian_refugee_return",
}
QUOTE_MARKS = "\"'«»“”‘’"
COMPLEMENTIZERS = ("إن ", "أن ", "إنّ ", "أنّ ", "بأن ", "إنه ", "أنه ", "بأنه ", "إنها ", "أنها ", "بأنها ")
EDGE_PUNCTUATION = " .,،؛:!?؟…"


@dataclass
class Article:
    doc_id: str
    part: str
    annotator: str
    text: str = ""
    entities: list[dict[str, Any]] = field(default_factory=list)  # start, end, label, key
    contents: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # the parts of each quote, in text order
    cues: dict[str, tuple[int, int]] = field(default_factory=dict)
    descriptions: dict[str, tuple[int, int]] = field(default_factory=dict)
    quote_lines: list[str] = field(default_factory=list)
    author_lines: list[str] = field(default_factory=list)
    chain_lines: list[str] = field(default_factory=list)
    chain_annotator: str = CHAIN_ANNOTATOR


_ENTITY_END = re.compile(r"\|([A-Z]+)(?::(\w+))?\]")
_NUMBERED_END = re.compile(r"(\d+)")
_KEY_END = re.compile(r"(\w+)")


def parse_text(article: Article, marked: str, file: str) -> list[Problem]:
    """Strip the markup of `marked` into `article.text`, recording each span's code-point offsets."""
    out: list[str] = []
    stack: list[tuple[str, int]] = []  # (opening marker, offset in the output)
    problems: list[Problem] = []
    place = f"article {article.doc_id}"
    i = 0
    while i < len(marked):
        ch = marked[i]
        if marked.startswith("((", i):
            stack.append(("((", len(out)))
            i += 2
        elif ch in "[{<":
            stack.append((ch, len(out)))
            i += 1
        elif marked.startswith("))", i) or ch in "|}>":
            opener = {")": "((", "|": "[", "}": "{", ">": "<"}[ch]
            if not stack or stack[-1][0] != opener:
                problems.append(Problem(file, place, f"unbalanced {ch!r} after {''.join(out)[-30:]!r}"))
                return problems
            _, start = stack.pop()
            pattern = {"((": _KEY_END, "[": _ENTITY_END, "{": _NUMBERED_END, "<": _NUMBERED_END}[opener]
            match = pattern.match(marked, i + (2 if opener == "((" else 0 if opener == "[" else 1))
            if match is None:
                problems.append(Problem(file, place, f"{opener} closed without its label or number after {''.join(out)[-30:]!r}"))
                return problems
            end = len(out)
            if opener == "[":
                label = LABELS.get(match.group(1), match.group(1))
                article.entities.append({"start": start, "end": end, "label": label, "key": match.group(2)})
            elif opener == "((":
                article.descriptions[match.group(1)] = (start, end)
            elif opener == "{":
                article.contents.setdefault(match.group(1), []).append((start, end))
            else:
                if match.group(1) in article.cues:
                    problems.append(Problem(file, place, f"quote {match.group(1)} has two cues"))
                article.cues[match.group(1)] = (start, end)
            i = match.end()
        else:
            out.append(ch)
            i += 1
    if stack:
        problems.append(Problem(file, place, f"unclosed {stack[-1][0]!r}"))
    article.text = "".join(out)
    return problems


def read_markup(path: Path) -> tuple[list[Article], list[Problem]]:
    """The articles of one markup file."""
    articles: list[Article] = []
    problems: list[Problem] = []
    preamble, *blocks = re.split(r"^=== ", path.read_text(encoding="utf-8"), flags=re.M)
    named = re.search(r"^annotator: *(\S+)", preamble, flags=re.M)
    annotator = named.group(1) if named else ANNOTATOR
    for block in blocks:
        header, _, body = block.partition("\n")
        doc_id, part, *article_annotator = header.split()
        if part not in PARTS:
            problems.append(Problem(str(path), f"article {doc_id}", f"part {part!r} is not one of {PARTS}"))
        marked, _, lines = body.partition("\n---\n")
        article = Article(doc_id, part, article_annotator[0] if article_annotator else annotator)
        problems += parse_text(article, marked.strip("\n"), str(path))
        for line in filter(None, (line.strip() for line in lines.splitlines())):
            if line.startswith("chains by "):
                article.chain_annotator = line.removeprefix("chains by ").strip()
                continue
            kind = line.split(maxsplit=1)[0]
            (article.author_lines if kind == "author" else article.chain_lines if kind == "chain" else article.quote_lines).append(line)
        articles.append(article)
    return articles, problems


def _span(text: str, start_end: tuple[int, int]) -> dict[str, Any]:
    start, end = start_end
    return {"start": start, "end": end, "text": text[start:end]}


def _stance_labels(tokens: list[str], targets: list[str], place: str, file: str, problems: list[Problem]) -> dict[str, str]:
    labels = dict.fromkeys(targets, "NONE")
    for token in tokens:
        target = TARGET_ALIASES.get(token[1:], token[1:])
        if target not in labels:
            problems.append(Problem(file, place, f"unknown target {token[1:]!r}"))
            continue
        labels[target] = "FAVOR" if token[0] == "+" else "AGAINST"
    return labels


def build_layer(article: Article, targets: list[str], schema_version: str, time: str, file: str) -> tuple[dict[str, Any], list[Problem]]:
    """The gold layer of `article`: ids in text order, every quote × every target."""
    problems: list[Problem] = []
    text = article.text
    provenance = {"source": "manual", "status": "gold", "annotator": article.annotator, "time": time}
    entities = sorted(article.entities, key=lambda e: (e["start"], e["end"]))
    entity_by_key: dict[str, tuple[str, dict[str, Any]]] = {}
    layer_entities = []
    for n, entity in enumerate(entities, 1):
        record = {"id": f"e{n}", **_span(text, (entity["start"], entity["end"])), "label": entity["label"], "provenance": provenance}
        layer_entities.append(record)
        if entity["key"]:
            if entity["key"] in entity_by_key:
                problems.append(Problem(file, f"article {article.doc_id}", f"entity key {entity['key']!r} used twice"))
            entity_by_key[entity["key"]] = (record["id"], record)
    quotes: list[tuple[int, str, dict[str, Any], dict[str, str]]] = []  # (content start, quote number, quote, stance)
    numbers = {line.split()[0] for line in article.quote_lines}
    for line in article.quote_lines:
        place = f"article {article.doc_id}: quote line {line!r}"
        number, kind, *rest = line.split()
        options = dict(token.split("=", 1) for token in rest if "=" in token)
        if number not in article.contents:
            problems.append(Problem(file, place, f"no content {{…}}{number} in the text"))
            continue
        parts = sorted(article.contents[number])
        content = _span(text, (parts[0][0], parts[-1][1]))
        cue = _span(text, article.cues[number]) if number in article.cues else None
        speaker_key, entity_key = options.get("sp", "-"), options.get("ent")
        if speaker_key == "-":
            speaker = {"kind": "unknown", "mention": None, "entity": None}
        elif speaker_key in entity_by_key:
            mentioned = entity_by_key[speaker_key][1]
            speaker = {"kind": "named", "mention": _span(text, (mentioned["start"], mentioned["end"])), "entity": entity_by_key[entity_key or speaker_key][0]}
        elif speaker_key in article.descriptions:
            mention = _span(text, article.descriptions[speaker_key])
            if entity_key and entity_key not in entity_by_key:
                problems.append(Problem(file, place, f"no entity key {entity_key!r}"))
                continue
            speaker = {"kind": "named" if entity_key else "anonymous", "mention": mention, "entity": entity_by_key[entity_key][0] if entity_key else None}
        else:
            problems.append(Problem(file, place, f"no entity or description key {speaker_key!r}"))
            continue
        outlet = None
        if "out" in options:
            if options["out"] not in entity_by_key:
                problems.append(Problem(file, place, f"no entity key {options['out']!r} for the outlet"))
                continue
            record = entity_by_key[options["out"]][1]
            outlet = _span(text, (record["start"], record["end"]))
        if options.get("src", number) not in numbers:
            problems.append(Problem(file, place, f"src={options['src']}: the article has no quote {options['src']}"))
            continue
        stance = _stance_labels([t for t in rest if t[0] in "+-"], targets, place, file, problems)
        quote = {"type": kind, "content": content}
        quote |= {"parts": [_span(text, part) for part in parts]} if len(parts) > 1 else {}
        quote |= {"source": options["src"]} if "src" in options else {}  # a quote number until the ids are known
        quote |= {"cue": cue, "speaker": speaker, "outlet": outlet, "provenance": provenance}
        quotes.append((content["start"], number, quote, stance))
    quotes.sort(key=lambda q: q[0])
    quote_ids = {number: f"q{n}" for n, (_, number, _, _) in enumerate(quotes, 1)}
    layer_quotes, layer_stance = [], []
    for n, (_, _, quote, stance) in enumerate(quotes, 1):
        quote |= {"source": quote_ids.get(quote["source"])} if "source" in quote else {}  # None: its quote line was refused
        layer_quotes.append({"id": f"q{n}", **quote})
        for target in targets:
            holder = {"kind": "speaker", "quote": f"q{n}"}
            layer_stance.append({"target": target, "label": stance[target], "holder": holder, "evidence": {"quote": f"q{n}", "span": None}, "provenance": provenance})
    sentences = split_sentences(article.doc_id, text)
    for line in article.author_lines:
        place = f"article {article.doc_id}: author line {line!r}"
        labels_part, _, words = line.removeprefix("author ").partition("@")
        sentence = next((s for s in sentences if words.strip() in s.text), None)
        if sentence is None:
            problems.append(Problem(file, place, "no sentence contains these words"))
            continue
        labels = _stance_labels(labels_part.split(), targets, place, file, problems)
        for target, label in labels.items():
            if label != "NONE":
                span = _span(text, (sentence.start, sentence.end))
                layer_stance.append({"target": target, "label": label, "holder": {"kind": "author", "quote": None}, "evidence": {"quote": None, "span": span}, "provenance": provenance})
    layer_stance = [{"id": f"s{n}", **record} for n, record in enumerate(layer_stance, 1)]
    for number in sorted(set(article.contents) - numbers) + sorted(set(article.cues) - set(article.contents)):
        problems.append(Problem(file, f"article {article.doc_id}", f"quote {number} is marked in the text but has no quote line or no content"))
    chains = None
    if article.chain_lines:
        chains = build_chains(article, entity_by_key, layer_quotes, {**provenance, "annotator": article.chain_annotator}, file, problems)
        layer_quotes = with_speaker_chains(layer_quotes, chains)
    layer = {"schema_version": schema_version, "doc_id": article.doc_id, "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "entities": layer_entities, "quotes": layer_quotes}
    layer |= {"chains": chains} if chains is not None else {}
    layer["stance"] = layer_stance
    return layer, problems + guideline_problems(layer, text, file)


def build_chains(
    article: Article, entity_by_key: dict[str, tuple[str, dict[str, Any]]], quotes: list[dict[str, Any]], provenance: dict[str, str], file: str, problems: list[Problem]
) -> list[dict[str, Any]]:
    """The chains of the article's chain lines, and a chain of its own for each named speaker in none of them:
    ids c1.. in the order of first mention, entity ids in text order."""
    found: list[tuple[list[dict[str, Any]], str | None]] = []  # (mentions, the name a person chose)
    for line in article.chain_lines:
        if line == "chain none":
            continue
        keys, _, name = line.removeprefix("chain ").partition("name=")
        unknown = [key for key in keys.split() if key not in entity_by_key]
        if unknown or not keys.split():
            problems.append(Problem(file, f"article {article.doc_id}: chain line {line!r}", f"no entity key {', '.join(map(repr, unknown))}" if unknown else "no entity key"))
            continue
        found.append((sorted((entity_by_key[key][1] for key in keys.split()), key=lambda e: e["start"]), name.strip() or None))
    chained = {entity["id"] for mentions, _ in found for entity in mentions}
    by_id = {record["id"]: record for _, record in entity_by_key.values()}  # a speaker's entity is always a keyed one
    speakers = dict.fromkeys(q["speaker"]["entity"] for q in quotes if q["speaker"]["entity"] and q["speaker"]["entity"] not in chained)
    found += [([by_id[entity_id]], None) for entity_id in speakers]
    found.sort(key=lambda chain: chain[0][0]["start"])
    return [
        {"id": f"c{n}", "name": name or canonical_name(article.text, mentions), "entities": [e["id"] for e in mentions], "provenance": provenance}
        for n, (mentions, name) in enumerate(found, 1)
    ]


def guideline_problems(layer: dict[str, Any], text: str, file: str) -> list[Problem]:
    """Rules of annotations/GUIDELINES.md that `check_layer` does not check: span edges, no DATE in a chain, complementizers, direct quotes."""
    problems = []
    place = f"article {layer['doc_id']}"
    for entity in layer["entities"]:
        if entity["text"][0] in EDGE_PUNCTUATION + QUOTE_MARKS or entity["text"][-1] in EDGE_PUNCTUATION + QUOTE_MARKS:
            problems.append(Problem(file, place, f"entity {entity['text']!r} starts or ends with a space or punctuation"))
    labels = {entity["id"]: entity["label"] for entity in layer["entities"]}
    for chain in layer.get("chains", []):
        if "DATE" in {labels.get(entity_id) for entity_id in chain["entities"]}:
            problems.append(Problem(file, place, f"chain {chain['name']!r} has DATE mentions: dates are not chained"))
    for quote in layer["quotes"]:
        content = quote["content"]["text"]
        for part in quote_parts(quote):
            if part["text"][0] in EDGE_PUNCTUATION or part["text"][-1] in EDGE_PUNCTUATION:
                problems.append(Problem(file, place, f"content {part['text'][:30]!r}… starts or ends with a space or punctuation"))
            if quote["type"] == "direct" and (text[part["start"] - 1] not in QUOTE_MARKS or text[part["end"]] not in QUOTE_MARKS):
                problems.append(Problem(file, place, f"direct content {part['text'][:30]!r}… is not enclosed by quotation marks"))
        if content.startswith(COMPLEMENTIZERS):
            problems.append(Problem(file, place, f"content {content[:30]!r}… starts with its complementizer"))
        if quote["type"] == "mixed" and not any(mark in content for mark in QUOTE_MARKS):
            problems.append(Problem(file, place, f"mixed content {content[:30]!r}… has no quoted fragment"))
    return problems


def clashes(devset: Path, article: Article, file: str) -> list[Problem]:
    """A layer with this doc_id in the other part, or one in this part that was annotated by hand, not from markup."""
    problems = []
    for part in PARTS:
        existing = devset / part / f"{article.doc_id}.json"
        if not existing.exists():
            continue
        annotators = {item["provenance"]["annotator"] for kind in ("entities", "quotes", "stance") for item in json.loads(existing.read_text(encoding="utf-8"))[kind]}
        if part != article.part:
            problems.append(Problem(file, f"article {article.doc_id}", f"{existing} has the same doc_id in the {part} part"))
        elif annotators - {article.annotator}:
            problems.append(Problem(file, f"article {article.doc_id}", f"would overwrite {existing}, annotated by {', '.join(sorted(annotators - {article.annotator}))}, not from markup"))
    return problems


def convert(paths: list[Path], root: Path, time: str) -> list[Problem]:
    """Write every article of `paths` under root/annotations/devset/<part>/, or nothing and the problems."""
    project = Project(root)
    schemas = Schemas(project.root / "schema")
    inventory = json.loads((project.annotations / "targets.json").read_text(encoding="utf-8"))
    targets = [t["id"] for t in inventory["targets"]]
    target_ids, problems = read_targets(project.annotations, schemas)
    schema_version = json.loads((project.root / "schema" / "dataset.json").read_text(encoding="utf-8"))["schema_version"]
    outputs: list[tuple[Path, str, dict[str, Any]]] = []
    seen: set[str] = set()
    for path in paths:
        articles, parse_problems = read_markup(path)
        problems += parse_problems
        for article in articles:
            if article.doc_id in seen:
                problems.append(Problem(str(path), f"article {article.doc_id}", "doc_id used twice"))
            seen.add(article.doc_id)
            layer, layer_problems = build_layer(article, targets, schema_version, time, str(path))
            problems += layer_problems
            document = Document(article.doc_id, article.text, layer["sha256"], str(path))
            problems += schemas.problems("annotation", layer, str(path), f"article {article.doc_id}")
            problems += check_layer(layer, document, split_sentences(article.doc_id, article.text), target_ids, f"{path}: article {article.doc_id}")
            problems += clashes(project.annotations / "devset", article, str(path))
            outputs.append((project.annotations / "devset" / article.part / f"{article.doc_id}.json", article.text, layer))
    if problems:
        return problems
    for json_path, text, layer in outputs:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.with_suffix(".txt").write_text(text, encoding="utf-8")
        if json_path.exists():
            old = json.loads(json_path.read_text(encoding="utf-8"))
            if _without_time(old) == _without_time(layer):
                continue  # unchanged: keep the time it was made
            layer = _with_times_of(old, layer)
        json_path.write_text(json.dumps(layer, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return []


def _without_time(layer: dict[str, Any]) -> str:
    return re.sub(r'"time": "[^"]*"', "", json.dumps(layer, ensure_ascii=False))


def _with_times_of(old: dict[str, Any], layer: dict[str, Any]) -> dict[str, Any]:
    """`layer` with the time of each record that `old` has unchanged (chains added to a layer leave its entities as they were made)."""
    kept = {_without_time(record): record["provenance"]["time"] for kind in RECORD_KINDS for record in old.get(kind, [])}

    def stamped(record: dict[str, Any]) -> dict[str, Any]:
        return {**record, "provenance": {**record["provenance"], "time": kept.get(_without_time(record), record["provenance"]["time"])}}

    return {key: [stamped(record) for record in value] if key in RECORD_KINDS else value for key, value in layer.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("markup", nargs="+", type=Path)
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args()
    time = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    problems = convert(args.markup, args.root, time)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
