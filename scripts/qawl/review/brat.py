"""brat standoff (`.txt` + `.ann`): export and import, for brat and INCEpTION users.

T lines are entities and quote parts (a discontinuous quote's content is one T
line of several fragments, `content 120 170;190 260`), R lines (`quote_of`) link a cue, speaker,
outlet or speaker entity to its quote content, `Source` R lines a nested quote's content to the
content of the quote that reports it, `Equiv` lines join the mentions
of an entity chain, A lines carry the quote type and the stance per target, and
`AnnotatorNotes` record each T line's qawl key. brat has no place for a chain's
canonical name: a chain keeps the name of the chain it continues, a new one is
named by its most complete mention.
`<doc_id>.qawl.json` beside them is the export record the import checks
(doc_id, sha256, offset unit, base layer). brat counts code points; INCEpTION,
a Java tool, may need `--offsets utf16`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from qawl.ingest import Document
from qawl.jsonfile import read_json_file, read_text_file
from qawl.merge import Layer
from qawl.review.changes import Review, export_meta, read_meta
from qawl.review.offsets import OffsetMap
from qawl.review.regions import CONTENT, LABEL_COLORS, LINKED_PARTS, QUOTE_PARTS, Region, View, Vocabulary, to_view
from qawl.schema import Problem

RELATION = "quote_of"
SOURCE = "Source"  # inner quote content → the content of the quote that reports it
EQUIV = "Equiv"  # brat's symmetric-transitive relation: the mentions of one entity chain
SOURCE_ARC_LABEL = "reported by"  # visual.conf: the Source arc's label (as the HTML page's hover) and its drawing
SOURCE_ARC_DRAWING = "color:#7b2cbf, dashArray:3-3, arrowHead:triangle-5"
QUOTE_TYPE = "QuoteType"
STANCE_PREFIX = "Stance_"
NOTE = "AnnotatorNotes"
KEY_PREFIX = "qawl:"
META_SUFFIX = ".qawl.json"
_T = re.compile(r"^(\S+) (\d+ \d+(?:;\d+ \d+)*)$")  # a label and its fragments


def annotation_conf(vocabulary: Vocabulary) -> str:
    """brat's annotation.conf for the qawl labels."""
    entities = "\n".join([*vocabulary.entity_labels, *QUOTE_PARTS])
    arg1 = "|".join([*LINKED_PARTS, *vocabulary.entity_labels])
    attributes = [f"{QUOTE_TYPE}\tArg:content, Value:{'|'.join(vocabulary.quote_types)}"]
    attributes += [f"{STANCE_PREFIX}{t}\tArg:content|evidence, Value:{'|'.join(vocabulary.stance_labels)}" for t in vocabulary.targets]
    return (
        f"[entities]\n{entities}\n\n[relations]\n{RELATION}\tArg1:{arg1}, Arg2:content\n{SOURCE}\tArg1:content, Arg2:content\n"
        f"{EQUIV}\tArg1:{'|'.join(vocabulary.entity_labels)}, Arg2:{'|'.join(vocabulary.entity_labels)}, <REL-TYPE>:symmetric-transitive\n"
        "<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>\n\n[events]\n\n[attributes]\n" + "\n".join(attributes) + "\n"
    )


def visual_conf(vocabulary: Vocabulary) -> str:
    """brat's visual.conf: the label colours every qawl review tool uses, nesting as a dashed arc of its own, and each
    stance target's Arabic name, as the attribute's label and in the glyph of each value (brat's own glyph is the bare `[FAVOR]`)."""
    labels = "".join(f"{STANCE_PREFIX}{t} | {vocabulary.target_name(t)}\n" for t in vocabulary.targets) + f"{SOURCE} | {SOURCE_ARC_LABEL}\n"
    colours = "".join(f"{label}\tbgColor:{color}\n" for label, color in LABEL_COLORS.items()) + f"{SOURCE}\t{SOURCE_ARC_DRAWING}\n"
    glyphs = ""
    for target in vocabulary.targets:
        name = "_".join(vocabulary.target_name(target).split())  # a drawing argument holds no whitespace
        glyphs += f"{STANCE_PREFIX}{target}\tglyph:" + "|".join(f"[{name}:{label}]" for label in vocabulary.stance_labels) + "\n"
    return f"[labels]\n{labels}\n[drawing]\n{colours}{glyphs}"


def ann_text(view: View, offsets: OffsetMap) -> str:
    """The .ann standoff of a view: the part regions of a discontinuous quote are the fragments of one T line."""
    fragments = {link[0]: [view.regions[rid] for rid in link] for link in view.parts}
    later_parts = {rid for link in view.parts for rid in link[1:]}
    shown = {rid: region for rid, region in view.regions.items() if rid not in later_parts}
    tids = {rid: f"T{n}" for n, rid in enumerate(shown, 1)}
    lines = []
    for rid, region in shown.items():
        spans = fragments.get(rid, [region])
        where = ";".join(f"{offsets.to_tool(r.start)} {offsets.to_tool(r.end)}" for r in spans)
        lines.append(f"{tids[rid]}\t{region.label} {where}\t{' '.join(r.text or '' for r in spans).replace(chr(10), ' ')}")
    relations = [(RELATION, a, b) for a, b in view.relations] + [(SOURCE, a, b) for a, b in view.sources]
    lines += [f"R{n}\t{name} Arg1:{tids[a]} Arg2:{tids[b]}" for n, (name, a, b) in enumerate(relations, 1)]
    lines += [f"*\t{EQUIV} {' '.join(tids[rid] for rid in chain)}" for chain in view.chains]
    attributes = [(QUOTE_TYPE, rid, value) for rid, value in view.quote_types.items()]
    attributes += [(STANCE_PREFIX + target, rid, label) for (rid, target), label in view.stances.items()]
    lines += [f"A{n}\t{name} {tids[rid]} {value}" for n, (name, rid, value) in enumerate(attributes, 1)]
    lines += [f"#{n}\t{NOTE} {tids[rid]}\t{KEY_PREFIX}{region.key}" for n, (rid, region) in enumerate(shown.items(), 1)]
    return "".join(line + "\n" for line in lines)


def export_documents(items: list[tuple[Document, str, Layer]], vocabulary: Vocabulary, out: Path, unit: str) -> list[Path]:
    """Write <doc_id>.txt, .ann and .qawl.json per document, and brat's conf files, into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for document, base_kind, base in items:
        stem = out / document.doc_id
        txt, ann, meta = stem.with_suffix(".txt"), stem.with_suffix(".ann"), out / (document.doc_id + META_SUFFIX)
        txt.write_text(document.text, encoding="utf-8", newline="")
        ann.write_text(ann_text(to_view(base), OffsetMap(document.text, unit)), encoding="utf-8", newline="")
        meta.write_text(json.dumps(export_meta(document, base_kind, base, unit), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written += [txt, ann, meta]
    for name, content in (("annotation.conf", annotation_conf(vocabulary)), ("visual.conf", visual_conf(vocabulary))):
        (out / name).write_text(content, encoding="utf-8")
        written.append(out / name)
    return written


def _view(ann: str, text: str, offsets: OffsetMap, exported: set[str], file: str) -> tuple[View, list[Problem]]:
    """The view a .ann file shows, with offsets in code points."""
    view, problems = View(), []
    keys: dict[str, str] = {}
    for number, line in enumerate(ann.splitlines(), 1):
        place = f"line {number}"
        if not line.strip():
            continue
        fields = line.split("\t")
        ident, body = fields[0], fields[1] if len(fields) > 1 else ""
        words = body.split(" ")
        if ident.startswith("T") and len(fields) == 3 and (match := _T.match(body)):
            label = match.group(1)
            spans = [(offsets.from_tool(int(a)), offsets.from_tool(int(b))) for a, b in (f.split(" ") for f in match.group(2).split(";"))]
            if any(None in span for span in spans):
                problems.append(Problem(file, place, f"{ident}: an offset splits a character outside the BMP"))
            elif ident in view.regions:
                problems.append(Problem(file, place, f"{ident} defined twice"))
            else:
                at = " ".join(text[start:end] for start, end in spans)
                if max(end for _, end in spans) <= len(text) and fields[2] != at.replace("\n", " "):
                    problems.append(Problem(file, place, f"{ident}: text {fields[2]!r} is not the text at its offsets: {at!r}"))
                if len(spans) > 1 and label != CONTENT:
                    problems.append(Problem(file, place, f"{ident}: only a quote {CONTENT} may have several fragments (a discontinuous quote), not {label}"))
                    continue
                if any(b[0] < a[0] for a, b in zip(spans, spans[1:])):  # still a region: the lines naming it add no problems of their own
                    problems.append(Problem(file, place, f"{ident}: fragments {match.group(2)!r} are not in text order; list them from the first to the last"))
                    spans.sort()
                ids = [ident, *(f"{ident} fragment {n}" for n in range(2, len(spans) + 1))]
                view.regions.update((rid, Region(rid, start, end, label)) for rid, (start, end) in zip(ids, spans))
                if len(ids) > 1:
                    view.parts.append(tuple(ids))
        elif ident.startswith("R") and len(words) == 3 and words[0] in (RELATION, SOURCE) and words[1].startswith("Arg1:") and words[2].startswith("Arg2:"):
            pair = (words[1].removeprefix("Arg1:"), words[2].removeprefix("Arg2:"))
            (view.relations if words[0] == RELATION else view.sources).append(pair)
        elif ident == "*" and len(words) >= 3 and words[0] == EQUIV:
            view.chains.append(tuple(words[1:]))
        elif ident.startswith("A") and len(words) == 3 and words[0] == QUOTE_TYPE:
            view.quote_types[words[1]] = words[2]
        elif ident.startswith("A") and len(words) == 3 and words[0].startswith(STANCE_PREFIX):
            view.stances[(words[1], words[0].removeprefix(STANCE_PREFIX))] = words[2]
        elif ident.startswith("#") and len(fields) == 3 and len(words) == 2 and words[0] == NOTE:
            if fields[2].startswith(KEY_PREFIX):
                keys[words[1]] = fields[2].removeprefix(KEY_PREFIX)
        else:
            problems.append(Problem(file, place, f"not a supported standoff line (T with one span, or a {CONTENT} T with fragments, {RELATION} or {SOURCE} R, * {EQUIV} of two or more T, {QUOTE_TYPE}/{STANCE_PREFIX}<target> A, {NOTE}): {line!r}"))
    seen: dict[str, str] = {}
    for tid, key in keys.items():
        if tid in view.regions and key in exported:
            if key in seen:
                problems.append(Problem(file, tid, f"{tid} and {seen[key]} both claim qawl key {key}; remove the note of the copy"))
            seen[key] = tid
            view.regions[tid].key = key
    return view, problems


def read_document(ann_path: Path) -> tuple[list[Review], list[Problem]]:
    """The review in a .ann file (with its .txt and .qawl.json beside it)."""
    file = str(ann_path)
    doc_id = ann_path.name.removesuffix(".ann")
    meta_path, txt_path = ann_path.with_name(doc_id + META_SUFFIX), ann_path.with_suffix(".txt")
    record, problems = read_json_file(meta_path)
    text, text_problems = read_text_file(txt_path)
    ann, ann_problems = read_text_file(ann_path)
    problems += text_problems + ann_problems
    if problems or text is None or ann is None:
        return [], problems
    meta, problems = read_meta(record, str(meta_path), "")
    if meta is None:
        return [], problems
    try:
        exported = set(to_view(meta["base"]).regions)
    except (KeyError, TypeError, ValueError) as error:
        return [], [Problem(str(meta_path), "", f"the export's base layer is damaged ({error}); re-export it")]
    view, problems = _view(ann, text, OffsetMap(text, meta["offsets"]), exported, file)
    return [Review("brat", file, meta["doc_id"], meta["sha256"], text, meta["base_kind"], meta["base"], view)], problems
