"""Merge: annotation layers (document offsets) onto sentences → sentence rows.

An annotation layer is the content of `annotations/<doc_id>.json` (gold) or the
pre-annotator's output (silver). Before a layer is merged, `check_layer` proves
every span against the frozen text and every reference against its target.
"""

from __future__ import annotations

import bisect
import os
from pathlib import Path
from typing import Any, Protocol

from qawl.ingest import Document
from qawl.jsonfile import read_json_file
from qawl.schema import Problem, Schemas
from qawl.segment import Sentence, Token

Layer = dict[str, Any]


class PreAnnotator(Protocol):
    """(doc_id, text, sha256) → silver layer; `sentences`, when given, are the (start, end) of `segment.split_sentences(text)`, not cut again."""

    def __call__(self, doc_id: str, text: str, sha256: str, sentences: list[tuple[int, int]] | None = None) -> Layer: ...


Row = dict[str, Any]
# Labels whose mentions are chained only with another mention, never alone, even a speaker's (GUIDELINES §2.12 rule 5).
UNCHAINED_LABELS = frozenset({"DATE", "NORP"})
# Whether a speaker of each kind has a mention and an entity.
_SPEAKER_FIELDS = {"named": (True, True), "anonymous": (True, False), "unknown": (False, False)}


def read_targets(annotations_dir: Path, schemas: Schemas) -> tuple[set[str], list[Problem]]:
    """Stance target ids of the inventory `annotations/targets.json` (empty if absent), or its problems."""
    path = annotations_dir / "targets.json"
    if not os.path.lexists(path):
        return set(), []
    inventory, problems = read_json_file(path)
    if problems:
        return set(), problems
    problems = schemas.problems("targets", inventory, str(path))
    ids = [target["id"] for target in inventory["targets"]] if not problems else []
    problems += [Problem(str(path), "/targets", f"target id {i!r} listed twice") for i in sorted({i for i in ids if ids.count(i) > 1})]
    return set(ids), problems


def read_layer(path: str | Path, schemas: Schemas) -> tuple[Layer | None, list[Problem]]:
    """An annotation file, parsed and schema-checked (None when it cannot be used)."""
    layer, problems = read_json_file(path, integers_only=True)  # an offset 71.0 would pass the schema as an integer
    if problems:
        return None, problems
    problems = schemas.problems("annotation", layer, str(path))
    return (None if problems else layer), problems


def span_problems(span: dict[str, Any] | None, text: str, file: str, pointer: str) -> list[Problem]:
    """Why `span` does not sit at its offsets in `text` (nothing if it does, or if there is no span)."""
    if span is None:
        return []
    start, end = span["start"], span["end"]
    if not 0 <= start < end <= len(text):
        return [Problem(file, pointer, f"offsets [{start}, {end}) outside the text (length {len(text)}) or reversed")]
    if text[start:end] != span["text"]:
        return [Problem(file, pointer, f"span text {span['text']!r} does not match the text at [{start}, {end}): {text[start:end]!r}")]
    return []


def _offsets(span: dict[str, Any] | None) -> tuple[int, int] | None:
    return None if span is None else (span["start"], span["end"])


def _quote_key(quote: dict[str, Any]) -> tuple[Any, ...]:
    speaker = quote["speaker"]
    return _offsets(quote["content"]), _offsets(quote["cue"]), speaker["kind"], _offsets(speaker["mention"]), speaker["entity"]


def _stance_key(stance: dict[str, Any]) -> tuple[Any, ...]:
    holder, evidence = stance["holder"], stance["evidence"]
    return stance["target"], holder["kind"], holder["quote"], evidence["quote"], _offsets(evidence["span"])


def repeated_records(layer: Layer, file: str) -> list[Problem]:
    """Quotes with the same content, cue and speaker, and stance records with the same target,
    holder and evidence, as another one: the same annotation twice (an import run twice made them)."""
    problems = []
    for kind, key, what in (("quotes", _quote_key, "content, cue and speaker"), ("stance", _stance_key, "target, holder and evidence")):
        first: dict[tuple[Any, ...], str] = {}
        noun = kind.removesuffix("s")
        for i, item in enumerate(layer[kind]):
            earlier = first.setdefault(key(item), item["id"])
            if earlier != item["id"]:
                problems.append(Problem(file, f"/{kind}/{i}", f"{noun} {item['id']} repeats {earlier} (same {what}); remove one"))
    return problems


def _sentence_at(sentences: list[Sentence], starts: list[int], start: int, end: int) -> Sentence | None:
    """The sentence that contains [start, end), or None if the span crosses a boundary."""
    i = bisect.bisect_right(starts, start) - 1
    if i >= 0 and sentences[i].start <= start and end <= sentences[i].end:
        return sentences[i]
    return None


def check_layer(
    layer: Layer, document: Document, sentences: list[Sentence], targets: set[str], file: str
) -> list[Problem]:
    """Every problem that keeps `layer` from being merged onto `document`."""
    text = document.text
    if layer["doc_id"] != document.doc_id:
        return [Problem(file, "/doc_id", f"layer is for {layer['doc_id']!r}, not {document.doc_id!r}")]
    if layer["sha256"] != document.sha256:
        return [
            Problem(
                file,
                "/sha256",
                f"stale: annotated against a text with sha256 {layer['sha256'][:12]}…, but {document.source} "
                f"now has {document.sha256[:12]}…; the layer is kept as it is and not merged until it is re-anchored by a person: "
                f"qawl review reanchor {document.doc_id}",
            )
        ]
    problems: list[Problem] = []
    starts = [s.start for s in sentences]
    first_use: dict[str, tuple[str, int]] = {}  # id → (kind, index); the pointer is only written for a problem
    for kind in ("entities", "quotes", "chains", "stance"):
        for i, item in enumerate(layer.get(kind, [])):
            place = (kind, i)
            first = first_use.setdefault(item["id"], place)
            if first is not place:  # an earlier item has this id
                problems.append(Problem(file, f"/{kind}/{i}/id", f"id {item['id']!r} already used at /{first[0]}/{first[1]}"))

    problems += repeated_records(layer, file)

    entities = {e["id"]: e for e in layer["entities"]}
    ordered = sorted(enumerate(layer["entities"]), key=lambda pair: (pair[1]["start"], pair[1]["end"]))
    for (_, previous), (i, entity) in zip(ordered, ordered[1:]):
        if entity["start"] < previous["end"]:
            problems.append(Problem(file, f"/entities/{i}", f"entity {entity['id']} {entity['text']!r} overlaps {previous['id']} {previous['text']!r} (entities are flat)"))
    for i, entity in enumerate(layer["entities"]):
        misplaced = span_problems(entity, text, file, f"/entities/{i}")
        if not misplaced and entity["text"].isspace():  # no token to tag in the `ner` config (tokens are never whitespace)
            misplaced = [Problem(file, f"/entities/{i}", f"entity {entity['id']} {entity['text']!r} is whitespace only: it covers no word")]
        problems += misplaced
        if not misplaced and _sentence_at(sentences, starts, entity["start"], entity["end"]) is None:
            problems.append(Problem(file, f"/entities/{i}", f"entity {entity['text']!r} crosses a sentence boundary"))

    chain_of, chain_problems = _chain_membership(layer, entities, file)
    problems += chain_problems
    problems += _speaker_chain_problems(layer, chain_of, entities, file)

    quotes = {q["id"]: q for q in layer["quotes"]}
    for i, quote in enumerate(layer["quotes"]):
        where = f"/quotes/{i}"
        content_problems = span_problems(quote["content"], text, file, f"{where}/content")
        problems += content_problems
        for part in ("cue", "outlet"):
            problems += span_problems(quote[part], text, file, f"{where}/{part}")
        speaker = quote["speaker"]
        problems += span_problems(speaker["mention"], text, file, f"{where}/speaker/mention")
        if not content_problems and quote["content"]["text"].isspace():  # in no sentence: no row would publish it
            problems.append(Problem(file, f"{where}/content", f"quote {quote['id']} {quote['content']['text']!r} is whitespace only: it quotes no word"))
        elif not content_problems:
            problems += _parts_problems(quote, text, file, where)
        expected = _SPEAKER_FIELDS[speaker["kind"]]
        if (speaker["mention"] is not None, speaker["entity"] is not None) != expected:
            problems.append(Problem(file, f"{where}/speaker", f"a {speaker['kind']} speaker needs mention={'set' if expected[0] else 'null'} and entity={'set' if expected[1] else 'null'}"))
        if speaker["entity"] is not None and speaker["entity"] not in entities:
            problems.append(Problem(file, f"{where}/speaker/entity", f"refers to entity {speaker['entity']!r}, which does not exist"))

    problems += _source_problems(layer["quotes"], quotes, file)

    # Stance records are the most numerous: their pointers are only written for a problem.
    for i, stance in enumerate(layer["stance"]):
        if stance["target"] not in targets:
            inventory = "is not in annotations/targets.json" if targets else "cannot be checked: annotations/targets.json is missing or broken"
            problems.append(Problem(file, f"/stance/{i}/target", f"target {stance['target']!r} {inventory}"))
        holder_quote = stance["holder"]["quote"]
        if (stance["holder"]["kind"] == "speaker") != (holder_quote is not None):
            problems.append(Problem(file, f"/stance/{i}/holder", "a speaker holder names its quote; the author holder has quote=null"))
        evidence = stance["evidence"]
        evidence_quote, span = evidence["quote"], evidence["span"]
        if (evidence_quote is None) == (span is None):
            problems.append(Problem(file, f"/stance/{i}/evidence", "exactly one of evidence.quote and evidence.span must be set"))
        for part, ref in (("holder", holder_quote), ("evidence", evidence_quote)):
            if ref is not None and ref not in quotes:
                problems.append(Problem(file, f"/stance/{i}/{part}/quote", f"refers to quote {ref!r}, which does not exist"))
        if span is not None:
            misplaced = span_problems(span, text, file, f"/stance/{i}/evidence/span")
            problems += misplaced
            if not misplaced and _sentence_at(sentences, starts, span["start"], span["end"]) is None:
                problems.append(Problem(file, f"/stance/{i}/evidence/span", "stance evidence crosses a sentence boundary"))
    return problems


def quote_parts(quote: dict[str, Any]) -> list[dict[str, Any]]:
    """The quoted spans of a quote (document offsets): its `parts` when it is discontinuous, else its content."""
    return quote.get("parts") or [quote["content"]]


def _parts_problems(quote: dict[str, Any], text: str, file: str, where: str) -> list[Problem]:
    """Why the `parts` of a quote (whose content is sound) do not cut its content into quoted spans with gaps between
    them, in text order, free of its cue, speaker mention and outlet (none when it has no parts)."""
    parts = quote.get("parts")
    if not parts:
        return []
    problems = []
    for j, part in enumerate(parts):
        misplaced = span_problems(part, text, file, f"{where}/parts/{j}")
        if not misplaced and part["text"].isspace():  # between two sentences: in no row
            misplaced = [Problem(file, f"{where}/parts/{j}", f"part {part['text']!r} is whitespace only: it quotes no word")]
        problems += misplaced
    for j, (before, part) in enumerate(zip(parts, parts[1:]), start=1):
        if part["start"] < before["start"]:
            problems.append(Problem(file, f"{where}/parts/{j}", f"part [{part['start']}, {part['end']}) comes before part {j - 1} [{before['start']}, {before['end']}): parts are in text order"))
        elif part["start"] < before["end"]:
            problems.append(Problem(file, f"{where}/parts/{j}", f"part [{part['start']}, {part['end']}) overlaps part {j - 1} [{before['start']}, {before['end']})"))
        elif part["start"] == before["end"]:
            problems.append(Problem(file, f"{where}/parts/{j}", f"part [{part['start']}, {part['end']}) touches part {j - 1} with no gap between them: join them (parts are for a quotation interrupted by the author's words)"))
    content = quote["content"]
    if parts[0]["start"] != content["start"]:
        problems.append(Problem(file, f"{where}/parts/0", f"the first part starts at {parts[0]['start']}, the content at {content['start']}: the parts cover the content from its first character to its last"))
    if parts[-1]["end"] != content["end"]:
        problems.append(Problem(file, f"{where}/parts/{len(parts) - 1}", f"the last part ends at {parts[-1]['end']}, the content at {content['end']}: the parts cover the content from its first character to its last"))
    for name, span in (("cue", quote["cue"]), ("speaker/mention", quote["speaker"]["mention"]), ("outlet", quote["outlet"])):
        if span is None:
            continue
        for j, part in enumerate(parts):
            if span["start"] < part["end"] and part["start"] < span["end"]:
                problems.append(Problem(file, f"{where}/{name}", f"{span['text']!r} overlaps part {j} {part['text']!r}: the author's words sit in a gap between parts, never on one"))
    return problems


def _source_problems(quotes: list[dict[str, Any]], by_id: dict[str, dict[str, Any]], file: str) -> list[Problem]:
    """Why a quote's `source` (the outer quote that reports it) cannot stand: it does not exist, is the quote itself,
    does not contain the quote's content, or leads back to the quote (a cycle, reported once, at its first quote)."""
    problems = []
    index = {quote["id"]: i for i, quote in enumerate(quotes)}
    for i, quote in enumerate(quotes):
        source_id = quote.get("source")
        if source_id is None:
            continue
        place = f"/quotes/{i}/source"
        source = by_id.get(source_id)
        if source is None:
            problems.append(Problem(file, place, f"refers to quote {source_id!r}, which does not exist"))
        elif source_id == quote["id"]:
            problems.append(Problem(file, place, f"quote {source_id} is its own source"))
        elif not source["content"]["start"] <= quote["content"]["start"] < quote["content"]["end"] <= source["content"]["end"]:
            inner, outer = quote["content"], source["content"]
            problems.append(Problem(file, place, f"the content [{inner['start']}, {inner['end']}) is not inside the content of its source {source_id} [{outer['start']}, {outer['end']}): "
                                    "a nested quote is reported inside the outer quote"))
    # Each quote is walked once: `done` quotes end a walk, so the cost is linear in the quotes.
    done: set[str] = set()
    for quote in quotes:
        path: dict[str, int] = {}  # quote id → its place on this walk
        current: str | None = quote["id"]
        while current is not None and current not in done and current in by_id and current not in path:
            path[current] = len(path)
            next_id = by_id[current].get("source")
            current = None if next_id == current else next_id  # its own source is reported above
        if current is not None and current in path:
            cycle = list(path)[path[current]:]
            problems.append(Problem(file, f"/quotes/{index[cycle[0]]}/source", f"the sources make a cycle: {' → '.join([*cycle, cycle[0]])}; a quote is not its own source through others"))
        done.update(path)
    return problems


def chain_problems(layer: Layer, file: str) -> list[Problem]:
    """Why a layer's chains cannot stand, read apart from its text (see `_chain_membership`)."""
    return _chain_membership(layer, {e["id"]: e for e in layer["entities"]}, file)[1]


def _chain_membership(layer: Layer, entities: dict[str, dict[str, Any]], file: str) -> tuple[dict[str, str], list[Problem]]:
    """Each chained entity's chain id, and why the layer's chains cannot stand: a mention that does not
    exist, one in two chains (or twice in one), mentions of one chain with different labels."""
    chain_of: dict[str, str] = {}
    problems = []
    for i, chain in enumerate(layer.get("chains", [])):
        labels: dict[str, str] = {}  # label → the first mention with it
        for j, entity_id in enumerate(chain["entities"]):
            if entity_id not in entities:
                problems.append(Problem(file, f"/chains/{i}/entities/{j}", f"refers to entity {entity_id!r}, which does not exist"))
                continue
            if entity_id in chain_of:
                problems.append(Problem(file, f"/chains/{i}/entities/{j}", f"entity {entity_id} is already in chain {chain_of[entity_id]} (an entity is in at most one chain)"))
                continue
            chain_of[entity_id] = chain["id"]
            labels.setdefault(entities[entity_id]["label"], entity_id)
        if len(labels) > 1:
            found = ", ".join(f"{entity_id} is {label}" for label, entity_id in labels.items())
            problems.append(Problem(file, f"/chains/{i}", f"the mentions of a chain share one label: {found}"))
    return chain_of, problems


def _speaker_chain_problems(layer: Layer, chain_of: dict[str, str], entities: dict[str, dict[str, Any]], file: str) -> list[Problem]:
    """Why a quote's speaker chain is wrong: it does not exist; it is not the chain of the speaker entity;
    the speaker entity (not a DATE or NORP) is in no chain of a layer that has chains; an anonymous speaker has one; an unknown
    speaker (pro-drop) does not continue the previous quote's speaker chain."""
    chain_ids = {chain["id"] for chain in layer.get("chains", [])}
    problems = []
    earlier: list[str | None] = []  # the speaker chains of the quotes before this one in the text
    for i, quote in sorted(enumerate(layer["quotes"]), key=lambda pair: _offsets(pair[1]["content"])):
        speaker = quote["speaker"]
        chain, entity = speaker.get("chain"), speaker["entity"]
        place = f"/quotes/{i}/speaker/chain"
        if chain is not None and chain not in chain_ids:
            problems.append(Problem(file, place, f"refers to chain {chain!r}, which does not exist"))
        elif entity is not None and chain is None and entity not in chain_of and chain_ids and entities.get(entity, {}).get("label") not in UNCHAINED_LABELS:
            problems.append(Problem(file, place, f"the named speaker's entity {entity} is in no chain; a layer with chains gives every named speaker one "
                                    "(a chain of its own when named once, GUIDELINES §2.12 rule 6), else attributions leaves out its quotes"))
        elif entity is not None and chain_of.get(entity) != chain:
            expected = f"is in chain {chain_of[entity]}, so the speaker's chain is {chain_of[entity]!r}" if entity in chain_of else "is in no chain, so the speaker has no chain"
            problems.append(Problem(file, place, f"the speaker entity {entity} {expected}, not {chain!r}"))
        elif speaker["kind"] == "anonymous" and chain is not None:
            mention = (speaker["mention"] or {}).get("text")
            problems.append(Problem(file, place, f"an anonymous speaker ({mention!r}) is nobody's chain, not {chain!r}; "
                                    "only a pro-drop speaker without a mention (unknown) continues the previous quote's chain"))
        elif entity is None and chain is not None and earlier[-1:] != [chain]:
            previous = f" ({earlier[-1]!r}), not {chain!r}" if earlier else ", and there is no previous quote"
            problems.append(Problem(file, place, f"a speaker without an entity continues the previous quote's speaker chain{previous}"))
        earlier.append(chain)
    return problems


def _local(span: dict[str, Any], sentence: Sentence) -> dict[str, Any]:
    offset = sentence.start
    return {"start": span["start"] - offset, "end": span["end"] - offset, "text": span["text"]}


def build_rows(
    document: Document,
    sentences: list[Sentence],
    tokens: list[list[Token]],
    layer: Layer | None,
    status: str,
) -> list[Row]:
    """Sentence rows of one document with the (already checked) layer merged in."""
    rows: list[Row] = [
        {
            "sentence_id": s.sentence_id,
            "doc_id": document.doc_id,
            "index": s.index,
            "paragraph": s.paragraph,
            "heading": s.heading,
            "start": s.start,
            "end": s.end,
            "text": s.text,
            "tokens": sentence_tokens,
            "entities": [],
            "quotes": [],
            "stance": [],
            "status": status,
        }
        for s, sentence_tokens in zip(sentences, tokens)
    ]
    if layer is None:
        return rows
    starts = [s.start for s in sentences]

    def home(span: dict[str, Any]) -> Sentence:
        sentence = _sentence_at(sentences, starts, span["start"], span["end"])
        assert sentence is not None, "check_layer guarantees spans inside one sentence"
        return sentence

    def anchored(span: dict[str, Any] | None) -> dict[str, Any] | None:
        if span is None:
            return None
        sentence = _sentence_at(sentences, starts, span["start"], span["end"])
        if sentence is None:  # a cue or mention may straddle sentences; anchor at its start
            sentence = sentences[max(0, bisect.bisect_right(starts, span["start"]) - 1)]
        return {"sentence_id": sentence.sentence_id, **_local(span, sentence)}

    chain_of = {entity_id: chain for chain in layer.get("chains", []) for entity_id in chain["entities"]}
    entity_homes: dict[str, tuple[dict[str, Any], Sentence]] = {}
    for entity in sorted(layer["entities"], key=lambda e: (e["start"], e["end"])):
        sentence = home(entity)
        entity_homes[entity["id"]] = entity, sentence
        chain = chain_of.get(entity["id"])
        rows[sentence.index]["entities"].append(
            {"id": entity["id"], **_local(entity, sentence), "label": entity["label"], "chain": None if chain is None else chain["id"], "provenance": entity["provenance"]}
        )
    entities = {e["id"]: e for e in layer["entities"]}
    speaker_chains = {
        chain["id"]: {"id": chain["id"], "name": chain["name"], "label": entities[chain["entities"][0]]["label"]} for chain in layer.get("chains", [])
    }
    # A stance's evidence is usually a quote: its first sentence and its piece there are found once, with the quote.
    quote_homes: dict[str, tuple[dict[str, Any], Sentence, dict[str, Any]]] = {}
    for quote in sorted(layer["quotes"], key=lambda q: (q["content"]["start"], q["content"]["end"])):
        speaker = quote["speaker"]
        speaker_entity = entity_homes.get(speaker["entity"]) if speaker["entity"] else None
        shared = {
            "document_content": dict(quote["content"]),
            "source_quote_id": quote.get("source"),
            "cue": anchored(quote["cue"]),
            "speaker": {
                "kind": speaker["kind"],
                "mention": anchored(speaker["mention"]),
                "entity": None if speaker_entity is None else _speaker_entity(*speaker_entity),
                "chain": speaker_chains.get(speaker.get("chain") or ""),
            },
            "outlet": anchored(quote["outlet"]),
            "provenance": quote["provenance"],
        }
        for sentence, parts in _pieces(quote_parts(quote), sentences, starts, document.text):
            content = {"start": parts[0]["start"], "end": parts[-1]["end"], "text": sentence.text[parts[0]["start"] : parts[-1]["end"]]}
            quote_homes.setdefault(quote["id"], (quote, sentence, content))
            rows[sentence.index]["quotes"].append({"id": quote["id"], "type": quote["type"], "content": content, "parts": parts, **shared})
    for stance in layer["stance"]:
        holder, evidence = stance["holder"], stance["evidence"]
        evidence_home = quote_homes.get(evidence["quote"] or "")
        if evidence_home is None:
            sentence = home(evidence["span"])
            local = _local(evidence["span"], sentence)
        else:
            _, sentence, local = evidence_home
        holder_home = quote_homes.get(holder["quote"] or "")
        holder_mention = holder_home[0]["speaker"]["mention"] if holder_home else None
        rows[sentence.index]["stance"].append(
            {
                "id": stance["id"],
                "target": stance["target"],
                "label": stance["label"],
                "holder": {"kind": holder["kind"], "quote_id": holder["quote"], "text": holder_mention["text"] if holder_mention else None},
                "evidence_quote_id": evidence["quote"],
                "evidence": local,
                "provenance": stance["provenance"],
            }
        )
    return rows


def _pieces(spans: list[dict[str, Any]], sentences: list[Sentence], starts: list[int], text: str) -> list[tuple[Sentence, list[dict[str, Any]]]]:
    """The sentences that quoted `spans` (document offsets, in text order) have a character in, each with the spans
    clipped to it (sentence offsets), in document order. A span is found by bisection and walks only the sentences it
    touches, so the cost is linear in the pieces."""
    pieces: list[tuple[Sentence, list[dict[str, Any]]]] = []
    for span in spans:
        i = max(0, bisect.bisect_right(starts, span["start"]) - 1)
        while i < len(sentences) and sentences[i].start < span["end"]:
            sentence = sentences[i]
            start, end = max(span["start"], sentence.start), min(span["end"], sentence.end)
            if start < end:  # not the space between two sentences
                local = {"start": start - sentence.start, "end": end - sentence.start, "text": text[start:end]}
                if pieces and pieces[-1][0] is sentence:
                    pieces[-1][1].append(local)
                else:
                    pieces.append((sentence, [local]))
            i += 1
    return pieces


def _speaker_entity(entity: dict[str, Any], sentence: Sentence) -> dict[str, Any]:
    """A quote's speaker entity as its row gives it: the entity and the sentence that holds it."""
    return {"id": entity["id"], "sentence_id": sentence.sentence_id, "text": entity["text"], "label": entity["label"]}
