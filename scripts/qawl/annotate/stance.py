"""Stance baseline, as the spaCy component "qawl_stance".

Every quote gets a record per target of the inventory (guidelines §4.2). A target
is relevant when the content mentions it (phrases in data/stance.json); FAVOR
and AGAINST phrases then vote, and a tie, no vote or no relevance gives NONE. An honest lexical baseline:
it cannot see negation, irony or stance expressed without its phrases.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from qawl.annotate.entities import doc_norm, doc_value, set_doc_value
from qawl.annotate.lexicon import DATA
from qawl.annotate.quotes import Quote
from qawl.annotate.text import NormText, normalize
from qawl.jsonfile import read_json_file

if not Doc.has_extension("qawl_stance"):
    Doc.set_extension("qawl_stance", default=None)


class Stance(NamedTuple):
    """A stance of a quote's speaker toward a target; `quote` indexes the doc's quotes."""

    target: str
    label: str
    quote: int


def inventory(annotations_dir: Path | None) -> tuple[str, ...]:
    """Target ids of annotations/targets.json; none (so no stance) when there is no inventory, or
    one that cannot be read or is malformed (`merge.read_targets` tells the build and `qawl validate` why)."""
    path = annotations_dir / "targets.json" if annotations_dir else None
    if path is None or not os.path.lexists(path):
        return ()
    found, problems = read_json_file(path)
    targets = found.get("targets") if isinstance(found, dict) else None
    if problems or not isinstance(targets, list):
        return ()
    return tuple(t["id"] for t in targets if isinstance(t, dict) and isinstance(t.get("id"), str))


def occurrence_regex(phrases: list[str]) -> re.Pattern[str]:
    """A regex whose `search` succeeds exactly where one of the literal `phrases` occurs.

    A phrase that contains another is left out (the other occurs wherever it does); the rest
    form a trie, so that `re` tries one branch per character instead of every phrase.
    """
    minimal = sorted({p for p in phrases if not any(q != p and q in p for q in phrases)})
    if not minimal:
        return re.compile("(?!)")  # no phrase: found nowhere
    return re.compile("" if "" in minimal else _trie(minimal))


def _trie(phrases: list[str]) -> str:
    """The alternation of `phrases` (non-empty, none a prefix of another) with common prefixes factored out."""
    by_first: dict[str, list[str]] = {}
    for phrase in phrases:
        by_first.setdefault(phrase[0], []).append(phrase[1:])
    branches = [re.escape(first) + (_trie(rests) if rests != [""] else "") for first, rests in by_first.items()]
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


class StanceDetector:
    """Lexical stance of quotes toward the inventory's targets."""

    def __init__(self, targets: tuple[str, ...]) -> None:
        cues = json.loads((DATA / "stance.json").read_text(encoding="utf-8"))
        self.targets = targets
        self.cues = {
            target: {key: [normalize(p) for p in cues[target][key]] for key in ("about", "FAVOR", "AGAINST")}
            for target in targets
            if target in cues
        }
        # One search per target decides relevance: true exactly when some "about" phrase occurs.
        self.about = {
            target: occurrence_regex(cue["about"]) for target, cue in self.cues.items() if cue["about"]
        }
        # Most contents are about no target: one search over every target's phrases rules that out.
        self.any_about = occurrence_regex([p for cue in self.cues.values() for p in cue["about"]]) if self.about else None
        self.all_none = tuple((target, "NONE") for target in targets)

    def classify(self, norm: str) -> tuple[tuple[str, str], ...]:
        """(target, label) of a content in matching form, for every target of the inventory, in order."""
        if self.any_about is None or not self.any_about.search(norm):
            return self.all_none
        found = []
        for target in self.targets:
            about = self.about.get(target)
            label = "NONE"
            if about is not None and about.search(norm):
                cue = self.cues[target]
                favor = sum(map(norm.__contains__, cue["FAVOR"]))
                against = sum(map(norm.__contains__, cue["AGAINST"]))
                label = "FAVOR" if favor > against else "AGAINST" if against > favor else "NONE"
            found.append((target, label))
        return tuple(found)

    def find(self, nt: NormText, quotes: list[Quote]) -> list[Stance]:
        """One record per quote and target (guidelines §4.2); NONE unless the lexicon votes."""
        # tuple.__new__ is Stance(...) without the Python-level constructor of a NamedTuple
        return [
            tuple.__new__(Stance, (target, label, n))
            for n, quote in enumerate(quotes)
            for target, label in self.classify(
                nt.norm[nt.norm_offset(quote.content.start) : nt.norm_offset(quote.content.end)]
            )
        ]

    def __call__(self, doc: Doc) -> Doc:
        set_doc_value(doc, "qawl_stance", self.find(doc_norm(doc), doc_value(doc, "qawl_quotes") or []))
        return doc


@Language.factory("qawl_stance", default_config={"targets": []})
def make_stance(nlp: Language, name: str, targets: list[str]) -> StanceDetector:
    """The stance component over the given target ids."""
    return StanceDetector(tuple(targets))
