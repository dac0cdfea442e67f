"""Near-duplicates: MinHash over word shingles (rensa), an LSH index, and groups kept together.

Two articles are near-duplicates when the estimated Jaccard similarity of their sets
of SHINGLE_WORDS-word shingles (on the matching form of the text: diacritics, tatweel
and letter variants folded) is at least THRESHOLD. A republished wire story with a
changed lead or a new headline and byline stays well above it; two different stories
on the same event share names and phrases but few runs of five words, and stay below
(tests/add/test_dedup.py pins both). rensa computes signatures about 14 times as fast as
datasketch (`qawl add-report --bench`).

A group is named by its first member's doc_id; the others record it in their sidecar
(`duplicate_group`), and the build assigns a document's split by its group, so no
pair of near-duplicates is published in two splits.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable

from rensa import RMinHash, RMinHashLSH

from qawl.annotate.text import normalize

SHINGLE_WORDS = 5
THRESHOLD = 0.5
NUM_PERM = 256
# 64 bands of 4 rows: a pair is looked at with probability 1 - (1 - J**4)**64: 0.98 at J = 0.5, 0.9998 at 0.6,
# and 0.0004 for unrelated articles (J ≈ 0.05), so each new article is compared with a few others, not with all.
NUM_BANDS = 64
SEED = 20250101
_WORD = re.compile(r"\w+")


def shingles(text: str) -> list[str]:
    """The SHINGLE_WORDS-word runs of `text`'s matching form (the whole text if it is shorter)."""
    words = _WORD.findall(normalize(text))
    if len(words) <= SHINGLE_WORDS:
        return [" ".join(words)]
    return [" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)]


def signature(text: str) -> RMinHash:
    """The MinHash of `text`'s shingles (picklable: computed in the worker that extracts the text)."""
    minhash = RMinHash(NUM_PERM, SEED)
    minhash.update(shingles(text))
    return minhash


class NearDuplicates:
    """The articles seen so far, by doc_id: their signatures in an LSH index, and their groups.

    `group_of(doc_id)` is the doc_id that names its group (its own when it has no near-duplicate).
    """

    def __init__(self) -> None:
        self._lsh = RMinHashLSH(THRESHOLD, NUM_PERM, NUM_BANDS)
        self._signatures: list[RMinHash] = []
        self._doc_ids: list[str] = []
        self._keys: dict[str, int] = {}
        self._group: dict[str, str] = {}
        self._members: defaultdict[str, list[str]] = defaultdict(list)

    def __len__(self) -> int:
        return len(self._doc_ids)

    def group_of(self, doc_id: str) -> str:
        return self._group[doc_id]

    def members(self, group: str) -> list[str]:
        return self._members[group]

    def matches(self, minhash: RMinHash) -> list[str]:
        """The doc_ids already seen whose estimated similarity to `minhash` is at least THRESHOLD, most similar first."""
        scored = [(minhash.jaccard(self._signatures[key]), self._doc_ids[key]) for key in self._lsh.query(minhash)]
        return [doc_id for score, doc_id in sorted(scored, key=lambda pair: (-pair[0], pair[1])) if score >= THRESHOLD]

    def add(self, doc_id: str, minhash: RMinHash, group: str | None, regroup: Callable[[str, str], None]) -> str:
        """Record an article and its group: `group` as its sidecar says, or that of its near-duplicates.

        When its near-duplicates are in different groups, they become one: the first
        member of the first group (in the order they were seen) names it, and `regroup(doc_id,
        group)` is called for every member of the others, whose sidecar must say so.
        """
        if group is None:
            groups = sorted({self._group[match] for match in self.matches(minhash)}, key=self._seen_at)
            group = groups[0] if groups else doc_id
            for other in groups[1:]:
                for member in self._members.pop(other):
                    self._group[member] = group
                    self._members[group].append(member)
                    regroup(member, group)
        key = len(self._doc_ids)
        self._lsh.insert(key, minhash)
        self._signatures.append(minhash)
        self._doc_ids.append(doc_id)
        self._keys[doc_id] = key
        self._group[doc_id] = group
        self._members[group].append(doc_id)
        return group

    def _seen_at(self, doc_id: str) -> int:
        return self._keys.get(doc_id, -1)  # a group named by a seed since removed comes first
