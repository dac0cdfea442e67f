"""`qawl review reanchor DOC`: a layer made against an older text of its seed, mapped onto the text it has now.

The old text is found by its sha256 (the one the layer records) in the git
history of the seed, or given with --old-text; every span of the layer must sit
at its offsets in it. A character diff of the two texts maps each span onto the
new text: words found once in each text anchor it (as patience diff does), and
between anchors diff-match-patch (Myers' O(ND) algorithm) diffs the characters,
so the cost grows linearly with the text for edits spread through it (`difflib`
on characters grows with its square: 6.1 s for 13,000 characters, against 4 ms). A span is placed on the characters of it that
survived; if its text did not change it is placed on that text, even where the
diff aligned some of its characters elsewhere. The report lists what moved, what
changed under a span and what could not be placed (its text is gone or
rewritten); an annotation with a span that cannot be placed is left out, with the
annotations that depend on it; a discontinuous quote's content is rebuilt from its parts (it runs from
the first to the last); an entity left out leaves its chain, and a chain
left without mentions is left out. Nothing is written without --write; the layer is
then written through the journaled store, the previous file kept in
annotations/.history/ and every change logged.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from qawl.ingest import LIMIT_HINT, Document, article_size_limit, decode_seed, read_seed
from qawl.jsonfile import UnreadableFile, read_regular_file, value_problems
from qawl.merge import Layer, check_layer, read_layer, read_targets, span_problems
from qawl.options import fail, project_at, root_option
from qawl.project import Project
from qawl.review.changes import file_stamp, now_utc
from qawl.review.store import WriteFailed, commit, layer_path, locked, plan_transaction
from qawl.schema import Problem, Schemas
from qawl.segment import split_sentences

KINDS = ("entities", "quotes", "chains", "stance")  # chains (optional) have no span: they follow their entities
REANCHOR_COMMAND = "qawl review reanchor"


@dataclass(frozen=True)
class Segment:
    """A run of the diff: old[old_start:old_end] became new[new_start:new_end]; `equal` if unchanged."""

    old_start: int
    old_end: int
    new_start: int
    new_end: int
    equal: bool


def unique_common_words(old: str, new: str) -> list[tuple[re.Match[str], re.Match[str]]]:
    """Anchors for the diff, as in patience diff: words found once in each text, in the same order in both.

    Between two anchors the texts are diffed apart, so the cost grows with the length
    of the texts times the size of the edits between neighbouring anchors, not the size
    of all edits (the longest increasing run of anchors is found in O(k log k)).
    """
    def once(text: str) -> dict[str, re.Match[str]]:
        found: dict[str, re.Match[str] | None] = {}
        for word in re.finditer(r"\S+", text):
            found[word.group()] = None if word.group() in found else word
        return {w: m for w, m in found.items() if m is not None}

    old_words, new_words = once(old), once(new)
    pairs = sorted(((m, new_words[w]) for w, m in old_words.items() if w in new_words), key=lambda pair: pair[0].start())
    # the longest run of pairs in the same order in the new text (patience sorting)
    tails: list[int] = []  # tails[k]: the pair that ends the best run of length k + 1 found so far
    tail_starts: list[int] = []  # where its word starts in the new text
    previous: list[int] = []
    for i, (_, new_word) in enumerate(pairs):
        k = bisect.bisect_left(tail_starts, new_word.start())
        previous.append(tails[k - 1] if k else -1)
        tails[k : k + 1], tail_starts[k : k + 1] = [i], [new_word.start()]
    run, i = [], tails[-1] if tails else -1
    while i != -1:
        run.append(pairs[i])
        i = previous[i]
    return run[::-1]


class CharacterMap:
    """Where the characters of an old text are in a new one, from a character diff of the two."""

    def __init__(self, old: str, new: str) -> None:
        from diff_match_patch import diff_match_patch  # the `review` extra; imported here so that the qawl CLI starts without it

        differ = diff_match_patch()
        differ.Diff_Timeout = 0  # the same diff on every machine: a timeout would cut it short on a slow one
        diffs: list[tuple[int, str]] = []
        old_at = new_at = 0
        for old_word, new_word in unique_common_words(old, new):
            diffs += differ.diff_main(old[old_at : old_word.start()], new[new_at : new_word.start()], True)  # True: line mode in a long gap
            diffs.append((diff_match_patch.DIFF_EQUAL, old_word.group()))
            old_at, new_at = old_word.end(), new_word.end()
        diffs += differ.diff_main(old[old_at:], new[new_at:], True)
        differ.diff_cleanupMerge(diffs)
        # Letters that a rewritten word shares with the old one by chance count as rewritten too, and
        # edits slide to word boundaries; a span these absorb is found again by its text (`place`).
        differ.diff_cleanupSemantic(diffs)
        self.new = new
        self.segments: list[Segment] = []
        o = n = 0
        for operation, chunk in diffs:
            length = len(chunk)
            old_length = 0 if operation == diff_match_patch.DIFF_INSERT else length
            new_length = 0 if operation == diff_match_patch.DIFF_DELETE else length
            segment = Segment(o, o + old_length, n, n + new_length, operation == diff_match_patch.DIFF_EQUAL)
            if self.segments and not segment.equal and not self.segments[-1].equal:
                last = self.segments.pop()  # a deletion and an insertion side by side: one replacement
                segment = Segment(last.old_start, segment.old_end, last.new_start, segment.new_end, False)
            self.segments.append(segment)
            o, n = o + old_length, n + new_length
        self._ends = [segment.old_end for segment in self.segments]

    def _touching(self, start: int, end: int) -> list[Segment]:
        """The segments that hold old[start:end], with the edits right at its two edges."""
        first = bisect.bisect_left(self._ends, start)  # the first segment ending at or after `start`
        found = []
        for segment in self.segments[first:]:
            if segment.old_start > end or (segment.old_start == end and segment.equal):
                break
            if not (segment.equal and segment.old_end == start):  # unchanged text before the span is not its edge
                found.append(segment)
        return found

    def place(self, start: int, end: int, text: str) -> tuple[int, int] | None:
        """Where old[start:end] (which reads `text`) is in the new text; None if it is gone or rewritten.

        The span covers the first to the last of its characters that the diff kept
        (text inserted at its edges stays outside). If that does not read `text` but
        `text` is in what the span and the edits at its edges became, it goes there:
        a span whose text did not change is always found.
        """
        touching = self._touching(start, end)
        kept = [s for s in touching if s.equal and s.old_start < end and s.old_end > start]
        new_start, new_end = touching[0].new_start, touching[0].new_start
        if kept:
            new_start = kept[0].new_start + max(start, kept[0].old_start) - kept[0].old_start
            new_end = kept[-1].new_start + min(end, kept[-1].old_end) - kept[-1].old_start
            if self.new[new_start:new_end] == text:
                return new_start, new_end
        found = list(_occurrences(self.new, text, touching[0].new_start, touching[-1].new_end))
        if found:
            nearest = min(found, key=lambda at: abs(at - new_start))
            return nearest, nearest + len(text)
        return (new_start, new_end) if kept else None


def _occurrences(text: str, needle: str, start: int, end: int) -> Iterator[int]:
    at = text.find(needle, start, end)
    while at != -1:
        yield at
        at = text.find(needle, at + 1, end)


# -- the spans of a layer ---------------------------------------------------------------------


def item_spans(kind: str, item: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(part name, span) of every span of an annotation: an entity is its own span."""
    if kind == "entities":
        yield "", item
    elif kind == "quotes":
        quoted = [(f"part {n}", part) for n, part in enumerate(item.get("parts") or [], 1)]  # a discontinuous quote's parts move too
        parts = (("content", item["content"]), *quoted, ("cue", item["cue"]), ("speaker mention", item["speaker"]["mention"]), ("outlet", item["outlet"]))
        yield from ((part, span) for part, span in parts if span is not None)
    elif kind == "stance" and item["evidence"]["span"] is not None:
        yield "evidence", item["evidence"]["span"]


@dataclass(frozen=True)
class Placement:
    """One span of the old layer and where it goes on the new text (None: it cannot be placed)."""

    kind: str
    id: str
    part: str
    old: dict[str, Any]
    new: dict[str, Any] | None

    @property
    def outcome(self) -> str:
        """kept (same place, same text), moved (same text elsewhere), changed (its text changed) or unplaced."""
        if self.new is None:
            return "unplaced"
        if self.new["text"] != self.old["text"]:
            return "changed"
        return "kept" if self.new["start"] == self.old["start"] else "moved"

    def describe(self) -> str:
        name = f"{self.id} {self.part}".rstrip()
        old = f"{self.old['text']!r} [{self.old['start']}, {self.old['end']})"
        if self.new is None:
            return f"{self.outcome:<9}{name} {old}: its text is gone or rewritten"
        new = f"[{self.new['start']}, {self.new['end']})"
        if self.outcome == "changed":
            new = f"{self.new['text']!r} {new}"
        return f"{self.outcome:<9}{name} {old} → {new}"


@dataclass
class Reanchoring:
    """The layer on the new text, where each span went, the annotations left out (id → why),
    and the mentions each chain lost (chain id → entity ids)."""

    layer: Layer
    placements: list[Placement]
    left_out: dict[tuple[str, str], str] = field(default_factory=dict)
    taken_out: dict[str, list[str]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        counted: dict[str, int] = {}
        for placement in self.placements:
            counted[placement.outcome] = counted.get(placement.outcome, 0) + 1
        return counted


def old_text_problems(layer: Layer, old_text: str, file: str) -> list[Problem]:
    """Why the layer was not made on `old_text`: every span that does not sit at its offsets there."""
    problems = []
    for kind in KINDS:
        for i, item in enumerate(layer.get(kind, [])):
            for part, span in item_spans(kind, item):
                problems += span_problems(span, old_text, file, f"/{kind}/{i} {part}".rstrip())
    return problems


def _with_new_spans(kind: str, item: dict[str, Any], new_spans: list[dict[str, Any]]) -> dict[str, Any]:
    """`item` with its spans (in `item_spans` order) replaced by `new_spans`."""
    spans = iter(new_spans)
    if kind == "entities":
        return {**item, **next(spans)}
    if kind == "chains":
        return item
    if kind == "quotes":
        item = {**item, "speaker": dict(item["speaker"])}
        item["content"] = next(spans)
        if item.get("parts"):
            item["parts"] = [next(spans) for _ in item["parts"]]
        for holder, key in ((item, "cue"), (item["speaker"], "mention"), (item, "outlet")):
            if holder[key] is not None:
                holder[key] = next(spans)
        return item
    return {**item, "evidence": {**item["evidence"], "span": next(spans, None)}}


def _dependents(layer: Layer, kind: str, item_id: str) -> Iterator[tuple[str, str]]:
    """The annotations that name (kind, item_id): quotes whose speaker is an entity, stances on a quote, quotes it reports."""
    if kind == "entities":
        yield from (("quotes", q["id"]) for q in layer["quotes"] if q["speaker"]["entity"] == item_id)
    elif kind == "quotes":
        yield from (("stance", s["id"]) for s in layer["stance"] if item_id in (s["holder"]["quote"], s["evidence"]["quote"]))
        yield from (("quotes", q["id"]) for q in layer["quotes"] if q.get("source") == item_id)


def _new_span(start: int, end: int, text: str) -> dict[str, Any]:
    return {"start": start, "end": end, "text": text[start:end]}


def _placed(characters: CharacterMap, span: dict[str, Any], text: str) -> dict[str, Any] | None:
    """Where `span` of the old text is in the new `text`, or None if it cannot be placed."""
    place = characters.place(span["start"], span["end"], span["text"])
    return None if place is None else _new_span(*place, text)


def reanchor(layer: Layer, old_text: str, document: Document, targets: set[str]) -> Reanchoring:
    """Map every span of `layer` (made on `old_text`) onto `document`'s text; leave out what cannot be placed
    or no longer passes the checks of a layer, with what depends on it."""
    characters = CharacterMap(old_text, document.text)
    placements: list[Placement] = []
    new_items: dict[str, list[dict[str, Any]]] = {}
    left_out: dict[tuple[str, str], str] = {}
    for kind in (kind for kind in KINDS if kind in layer):
        new_items[kind] = []
        for item in layer[kind]:
            named = list(item_spans(kind, item))
            spans = [_placed(characters, span, document.text) for _, span in named]
            parts = len(item.get("parts") or [])  # a quote's parts follow its content in `item_spans`
            if parts and None not in spans[1 : parts + 1]:  # placed apart, a content and its parts would fail the check that they meet
                spans[0] = _new_span(spans[1]["start"], spans[parts]["end"], document.text)
            for (part, span), new in zip(named, spans):
                placements.append(Placement(kind, item["id"], part, {k: span[k] for k in ("start", "end", "text")}, new))
                if new is None:
                    left_out.setdefault((kind, item["id"]), f"its {part or 'span'} {span['text']!r} could not be placed")
            new_items[kind].append(_with_new_spans(kind, item, spans) if None not in spans else item)
    result = {**layer, "sha256": document.sha256, **new_items}
    sentences = split_sentences(document.doc_id, document.text)
    taken_out: dict[str, list[str]] = {}
    while True:
        _leave_out_dependents(result, left_out)
        result = {**result, **{kind: [i for i in result[kind] if (kind, i["id"]) not in left_out] for kind in new_items}}
        result = _chains_without_left_out(result, left_out, taken_out)
        problems = check_layer(result, document, sentences, targets, document.source)
        failing = _failing_items(result, problems)
        if not failing:
            return Reanchoring(result, placements, left_out, taken_out)
        left_out.update(failing)


def _chains_without_left_out(layer: Layer, left_out: dict[tuple[str, str], str], taken_out: dict[str, list[str]]) -> Layer:
    """The layer whose chains keep only the entities it has; the mentions a chain loses are added to
    `taken_out`, a chain left empty to `left_out`."""
    if "chains" not in layer:
        return layer
    entities = {entity["id"] for entity in layer["entities"]}
    chains = []
    for chain in layer["chains"]:
        kept = [entity_id for entity_id in chain["entities"] if entity_id in entities]
        if not kept:
            left_out[("chains", chain["id"])] = "every mention of it is left out"
            continue
        if len(kept) < len(chain["entities"]):
            taken_out.setdefault(chain["id"], []).extend(entity_id for entity_id in chain["entities"] if entity_id not in entities)
        chains.append({**chain, "entities": kept})
    return {**layer, "chains": chains}


def _leave_out_dependents(layer: Layer, left_out: dict[tuple[str, str], str]) -> None:
    """Add to `left_out` every annotation that depends on one left out (entities → quotes → stances)."""
    for kind in KINDS:
        for item_kind, item_id in [key for key in left_out if key[0] == kind]:
            for dependent in _dependents(layer, item_kind, item_id):
                left_out.setdefault(dependent, f"it depends on {item_id}, which is left out")


def _failing_items(layer: Layer, problems: list[Problem]) -> dict[tuple[str, str], str]:
    """The annotations that the problems of a re-anchored layer are about (pointers /kind/index/…)."""
    failing: dict[tuple[str, str], str] = {}
    for problem in problems:
        pointer = problem.place.split("/")
        if len(pointer) < 3 or pointer[1] not in KINDS or not pointer[2].isdigit():
            raise ValueError(f"a re-anchored layer fails a check no annotation answers for: {problem}")
        item = layer[pointer[1]][int(pointer[2])]
        failing.setdefault((pointer[1], item["id"]), f"on the new text: {problem.message}")
    return failing


# -- finding the old text -----------------------------------------------------------------


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def text_in_history(root: Path, seed: Path, sha256: str) -> bytes | None:
    """The bytes the seed had in a commit of the git history (any branch) whose sha256 is `sha256`."""
    relative = seed.resolve().relative_to(root.resolve()).as_posix()
    try:
        listed = subprocess.run(["git", "log", "--all", "--format=%H", "--", relative], cwd=root, capture_output=True, text=True)
        seen: set[str] = set()
        for commit_id in listed.stdout.split() if listed.returncode == 0 else []:
            # ./: the path from `root`, which may be below the top of the repository
            found = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{commit_id}:./{relative}"], cwd=root, capture_output=True, text=True)
            blob = found.stdout.strip()
            if not blob or blob in seen:
                continue
            seen.add(blob)
            data = subprocess.run(["git", "cat-file", "blob", blob], cwd=root, capture_output=True).stdout
            if sha256_of(data) == sha256:
                return data
    except OSError:  # no git on this machine
        return None
    return None


def stale_problem(project: Project, layer: Layer, document: Document) -> Problem | None:
    """For `qawl review export`: a layer made against another text of its seed cannot be reviewed as it is."""
    if layer["sha256"] == document.sha256:
        return None
    return Problem(
        str(layer_path(project, document.doc_id)),
        "/sha256",
        f"stale: made against an older text of {document.source} (sha256 {layer['sha256'][:12]}…, now {document.sha256[:12]}…), "
        f"so its spans point at the wrong characters; re-anchor it first: {REANCHOR_COMMAND} {document.doc_id}",
    )


# -- the command --------------------------------------------------------------------------------


def _log_entries(result: Reanchoring, old: Layer, doc_id: str, seed: str, annotator: str, time: str) -> list[dict[str, Any]]:
    """One review-log line per annotation that moved, changed or was left out."""
    before = {(kind, item["id"]): item for kind in KINDS for item in old.get(kind, [])}
    after = {(kind, item["id"]): item for kind in KINDS for item in result.layer.get(kind, [])}
    entries = []
    for key, item in before.items():
        new = after.get(key)
        if new == item:
            continue
        entries.append(
            {
                "time": time,
                "annotator": annotator,
                "layer": "gold",
                "doc_id": doc_id,
                "tool": "reanchor",
                "file": seed,
                "kind": key[0],
                "id": key[1],
                "action": "reanchored" if new is not None else "left out",
                "reason": result.left_out.get(key),
                "before": item,
                "after": new,
            }
        )
    return entries


def _report(result: Reanchoring, document: Document, old_sha256: str) -> list[str]:
    counts = result.counts()
    summary = ", ".join(f"{counts.get(o, 0)} {o}" for o in ("kept", "moved", "changed", "unplaced"))
    lines = [f"{document.doc_id}: {len(result.placements)} span(s) onto {document.source} (sha256 {old_sha256[:12]}… → {document.sha256[:12]}…): {summary}"]
    lines += [f"  {p.describe()}" for p in result.placements if p.outcome != "kept"]
    lines += [f"  chain {chain_id}: {', '.join(entity_ids)} taken out (left out)" for chain_id, entity_ids in result.taken_out.items()]
    lines += [f"  left out {kind} {item_id}: {why}" for (kind, item_id), why in result.left_out.items()]
    return lines


@click.command("reanchor")
@root_option
@click.argument("doc_id")
@click.option("--old-text", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The seed file as it was when the layer was made (default: found by its sha256 in the git history of seeds/).")
@click.option("--write", is_flag=True, help="Write the re-anchored layer (without it, only report).")
@click.option("--annotator", help="Who checked the report and confirms the write (recorded in the review log); needed with --write.")
def reanchor_command(root: Path | None, doc_id: str, old_text: Path | None, write: bool, annotator: str | None) -> None:
    """Re-anchor DOC's annotation layer, made against an older text of its seed, onto the text it has now.

    Reports every span that moved, changed under it or could not be placed, and
    the annotations left out; writes nothing unless --write is given (the
    previous file is kept in annotations/.history/, every change logged in
    annotations/review-log.jsonl).
    """
    project = project_at(root)
    schemas = Schemas(project.schema_dir)
    if write and not annotator:
        fail([Problem("--annotator", "", "--write records who confirmed it: give --annotator NAME")], "reanchor refused, nothing written")
    problems = [Problem("--annotator", "", p.message) for p in value_problems(annotator, "--annotator")] if annotator else []
    document, seed_problems = read_seed(str(project.seeds / f"{doc_id}.txt"), schemas)
    path = layer_path(project, doc_id)
    if document is None:
        fail(seed_problems, "reanchor failed")
    if not path.exists():
        fail([Problem(str(path), "", f"no annotation layer for {doc_id}")], "reanchor failed")
    layer, layer_problems = read_layer(path, schemas)
    targets, target_problems = read_targets(project.annotations, schemas)
    problems += layer_problems + target_problems
    if problems:
        fail(problems, "reanchor failed (fix these first)")
    if layer["doc_id"] != doc_id:
        fail([Problem(str(path), "/doc_id", f"the layer is for {layer['doc_id']!r}, not {doc_id!r}")], "reanchor failed")
    if layer["sha256"] == document.sha256:
        click.echo(f"{doc_id}: the layer was made against the text {document.source} has now; nothing to re-anchor")
        return
    old, old_problems = _old_text(project, document, layer, old_text)
    if old_problems:
        fail(old_problems, "reanchor failed, nothing written")
    result = reanchor(layer, old, document, targets)
    for line in _report(result, document, layer["sha256"]):
        click.echo(line)
    if not write:
        click.echo(f"nothing written; if this is right: {REANCHOR_COMMAND} {doc_id} --write --annotator NAME")
        return
    time = now_utc()
    entries = _log_entries(result, layer, doc_id, document.source, annotator, time)
    with locked(project):
        try:
            commit(project, plan_transaction(project, [(path, result.layer, entries)], file_stamp(time)))
        except WriteFailed as error:
            fail([error.problem], "reanchor failed")
    click.echo(f"wrote {path}; the previous version in annotations/.history/{doc_id}/, {len(entries)} change(s) in annotations/review-log.jsonl")


def _old_text(project: Project, document: Document, layer: Layer, given: Path | None) -> tuple[str, list[Problem]]:
    """The text the layer was made against: --old-text, else the seed's version with its sha256 in git."""
    sha256 = layer["sha256"]
    if given is not None:
        try:
            data, _ = read_regular_file(given, article_size_limit(project.seeds)[0], LIMIT_HINT)
        except UnreadableFile as error:
            return "", [Problem(str(given), "", str(error))]
        if sha256_of(data) != sha256:
            return "", [Problem(str(given), "", f"its sha256 is {sha256_of(data)[:12]}…, not {sha256[:12]}… (the text the layer was made against)")]
        source = str(given)
    else:
        found = text_in_history(project.root, Path(document.source), sha256)
        if found is None:
            where = f"no version of {document.source} in the git history of {project.root} has sha256 {sha256[:12]}…"
            return "", [Problem(str(layer_path(project, document.doc_id)), "/sha256", f"cannot find the text the layer was made against: {where}; give it with --old-text FILE")]
        data, source = found, f"{document.source} (git history)"
    text, problems = decode_seed(data, source)
    if text is None:
        return "", problems
    misplaced = old_text_problems(layer, text, source)
    if misplaced:
        return "", [Problem(source, "", f"the layer's spans do not sit in this text ({len(misplaced)} of them, first: {misplaced[0].place}: {misplaced[0].message})")]
    return text, []
