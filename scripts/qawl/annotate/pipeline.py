"""The pre-annotation pipeline: the project's Arabic tokenizer plus the qawl components,
and the conversion of its results into an annotation-file dict (schema/annotation.schema.json)."""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import spacy
from spacy.language import Language

from qawl.annotate import entities as _entities  # noqa: F401  (registers "qawl_entities")
from qawl.annotate import quotes as _quotes  # noqa: F401  (registers "qawl_quotes")
from qawl.annotate.chains import chain_layer
from qawl.annotate.entities import Mention, variants
from qawl.annotate.lexicon import Gazetteer
from qawl.annotate.quotes import Quote, Span
from qawl.annotate.stance import Stance, stance_learns
from qawl.annotate.text import NormText
from qawl.segment import customize_tokenizer


def build_pipeline(annotations_dir: Path | None = None) -> Language:
    """`spacy.blank("ar")` with the project tokenizer and the qawl components.

    `annotations_dir` (the project's annotations/) feeds the gold gazetteer and
    the stance target inventory.
    """
    nlp = customize_tokenizer(spacy.blank("ar"))  # `nlp(text)` tokenizes as the rows are; `annotate` does not tokenize
    directory = str(annotations_dir) if annotations_dir else None
    nlp.add_pipe("qawl_entities", config={"annotations_dir": directory})
    nlp.add_pipe("qawl_quotes")
    nlp.add_pipe("qawl_stance", config={"annotations_dir": directory})
    return nlp


@dataclass(frozen=True)
class Learned:
    """What `build_pipeline` takes from annotations/, hashed for the build's cache.

    A silver layer depends on annotations/ through these alone, so the build keeps a
    silver document when a review changes a gold quote or entity. It depends on every
    stance target's record and on the gold stance (the stance classifier learns from both), but on a gold name only if the name can occur in it: the entity
    component finds a name where its first word is one of a word's `variants` and its
    other words follow as they are (`EntityRecognizer._gazetteer_at`). So a review that
    relabels a name reprocesses the documents that have all its words, not the corpus.
    """

    targets: str  # hash of what stance learns: the target records and the gold stance (`stance.stance_learns`)
    # `form_hash` of a first word → (`form_hash` of each other word, hash of the entry) of the gold names it starts, in gazetteer order
    names: dict[int, list[tuple[tuple[int, ...], str]]]

    def names_in(self, forms: list[int]) -> str:
        """Hash of the gold names that a document with these (sorted) `name_forms` can contain."""
        present = set(forms)
        found = [entry for form in forms if form in self.names for rest, entry in self.names[form] if present.issuperset(rest)]
        return hashlib.sha256("\n".join(found).encode()).hexdigest()


def learned_from(annotations_dir: Path) -> Learned:
    """What `build_pipeline(annotations_dir)` learns, read from `annotations_dir`."""
    gold = Gazetteer()
    gold.learn_gold(annotations_dir)
    return _learned(gold, stance_learns(annotations_dir))


def learned_by(nlp: Language) -> Learned:
    """What a pipeline of `build_pipeline` has learned, read off its components."""
    return _learned(nlp.get_pipe("qawl_entities").gold, nlp.get_pipe("qawl_stance").learned)


def _learned(gold: Gazetteer, targets: tuple[str, ...]) -> Learned:
    """What stance learns and the gold gazetteer by first word, hashed."""
    names: dict[int, list[tuple[tuple[int, ...], str]]] = {}
    for first, entries in sorted(gold.index.items()):
        for rest, label, docs in entries:  # in gazetteer order: the first entry that matches wins
            entry = hashlib.sha256(json.dumps([first, rest, label, sorted(docs)], ensure_ascii=False).encode()).hexdigest()
            names.setdefault(form_hash(first), []).append((tuple(map(form_hash, rest)), entry))
    return Learned(hashlib.sha256(json.dumps(list(targets), ensure_ascii=False).encode()).hexdigest(), names)


def form_hash(form: str) -> int:
    """A word form in 32 bits (CRC-32 of its UTF-8). Documents keep theirs in the build's cache; two
    forms that collide only make a document depend on a gold name it does not contain."""
    return zlib.crc32(form.encode())


def name_forms(text: str) -> list[int]:
    """`form_hash` of every form by which a word of `text` can start a gazetteer name, sorted."""
    return sorted({form_hash(form) for word in set(NormText.of(text).words.texts) for _, form in variants(word)})


class Found(NamedTuple):
    """What the pipeline's components find in one document."""

    text: str
    entities: list[Mention]
    quotes: list[Quote]
    stance: list[Stance]


def annotate(nlp: Language, doc_id: str, text: str, sentences: list[tuple[int, int]] | None = None) -> Found:
    """What the components of `nlp` (from `build_pipeline`) find in one document; `doc_id` lets the gold
    gazetteer skip the document's own gold.

    The components read the text, its matching form and its sentences, not spaCy's tokens, so no
    Doc is made: `nlp(text)` puts the same results on the Doc's extensions after tokenizing it.
    `sentences`: the (start, end) of the text's `split_sentences`, if they are cut already.
    """
    nt = NormText.of(text)
    entities = nlp.get_pipe("qawl_entities").find(text, doc_id, nt)
    quotes = nlp.get_pipe("qawl_quotes").find(text, entities, nt, sentences)
    return Found(text, entities, quotes, nlp.get_pipe("qawl_stance").find(nt, quotes, doc_id))


def _span(text: str, span: Span | Mention | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {"start": span.start, "end": span.end, "text": text[span.start : span.end]}


def to_layer(found: Found, doc_id: str, sha256: str, schema_version: str, provenance: dict[str, str]) -> dict[str, Any]:
    """The annotation-file dict of what `annotate` found: ids e1.. q1.. s1.. in text order, chains c1.. by first mention."""
    text = found.text
    entity_ids: dict[tuple[int, int], str] = {}
    entities = []
    for n, (start, end, label) in enumerate(found.entities, 1):
        entity_id = entity_ids[start, end] = f"e{n}"
        entities.append(
            {"id": entity_id, "start": start, "end": end, "text": text[start:end], "label": label, "provenance": provenance.copy()}
        )
    quotes = []
    found_quotes = found.quotes
    quote_ids = [f"q{n}" for n in range(1, len(found_quotes) + 1)]
    id_of = {id(quote): quote_id for quote_id, quote in zip(quote_ids, found_quotes)}  # a nested quote's source, by identity
    for quote_id, quote in zip(quote_ids, found_quotes):
        speaker = quote.speaker
        entity = entity_ids.get((speaker.entity.start, speaker.entity.end)) if speaker.entity else None
        kind = speaker.kind if (entity or speaker.kind != "named") else "anonymous"
        quotes.append(
            {
                "id": quote_id,
                "type": quote.type,
                "content": _span(text, quote.content),
                **({"parts": [_span(text, part) for part in quote.parts]} if quote.parts else {}),
                **({"source": id_of[id(quote.source)]} if quote.source else {}),
                "cue": _span(text, quote.cue),
                "speaker": {"kind": kind, "mention": _span(text, speaker.mention), "entity": entity},
                "outlet": _span(text, quote.outlet),
                "provenance": provenance.copy(),
            }
        )
    stance = [
        {
            "id": f"s{n}",
            "target": target,
            "label": label,
            "holder": {"kind": "speaker", "quote": quote_ids[quote]},
            "evidence": {"quote": quote_ids[quote], "span": None},
            "provenance": provenance.copy(),
        }
        for n, (target, label, quote) in enumerate(found.stance, 1)
    ]
    chains, quotes = chain_layer(text, entities, quotes, provenance)
    return {
        "schema_version": schema_version,
        "doc_id": doc_id,
        "sha256": sha256,
        "entities": entities,
        "quotes": quotes,
        "chains": chains,
        "stance": stance,
    }
