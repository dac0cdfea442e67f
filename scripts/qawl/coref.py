"""Coreference scores of entity chains: MUC, B³, CEAF-e and their mean, the CoNLL-2012 F1.

Key and response are partitions of mentions, lists of sets of hashable mention keys (in qawl an entity's
(start, end)). The formulas are those of the CoNLL-2012 reference scorer as Pradhan et al. (2014) write them:
every mention given is a cluster of its own unless a chain holds it, so singletons count in B³ and CEAF-e and
add nothing to MUC; a mention of one side only is a part of its own in the other side's partition.

Scores over several documents sum each measure's numerators and denominators first, as the reference scorer
does: `chain_counts` gives them for one document, `chain_scores` turns (summed) counts into R, P and F1.
The scorch package (MIT, last released 2020, numpy and scipy) computes the same figures; the tests check
them against it, and against the example of Pradhan et al. (2014) worked by hand.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

Partition = Sequence[Iterable[Hashable]]
MEASURES = ("muc", "bcub", "ceafe")
# Per measure: recall = r_num / r_den, precision = p_num / p_den.
PARTS = ("r_num", "r_den", "p_num", "p_den")


def chain_counts(key: Partition, response: Partition) -> Counter[str]:
    """`coref:MEASURE:PART` of one document: the numerators and denominators of recall and precision."""
    keys, responses = [frozenset(k) for k in key if k], [frozenset(r) for r in response if r]
    in_key = {m: i for i, k in enumerate(keys) for m in k}
    in_response = {m: j for j, r in enumerate(responses) for m in r}
    overlaps = Counter((i, in_response[m]) for m, i in in_key.items() if m in in_response)  # (k, r) → #k∩r
    c: Counter[str] = Counter()
    c["coref:muc:r_num"], c["coref:muc:r_den"] = _muc(keys, in_response)
    c["coref:muc:p_num"], c["coref:muc:p_den"] = _muc(responses, in_key)
    c["coref:bcub:r_num"] = math.fsum(n * n / len(keys[i]) for (i, _), n in overlaps.items())
    c["coref:bcub:p_num"] = math.fsum(n * n / len(responses[j]) for (_, j), n in overlaps.items())
    c["coref:bcub:r_den"], c["coref:bcub:p_den"] = len(in_key), len(in_response)
    similarity = {(i, j): 2 * n / (len(keys[i]) + len(responses[j])) for (i, j), n in overlaps.items()}  # φ4
    c["coref:ceafe:r_num"] = c["coref:ceafe:p_num"] = _best_alignment(similarity)
    c["coref:ceafe:r_den"], c["coref:ceafe:p_den"] = len(keys), len(responses)
    return c


def _muc(clusters: list[frozenset[Hashable]], other: dict[Hashable, int]) -> tuple[int, int]:
    """Σ(#c − #parts of c in the other partition) and Σ(#c − 1); a mention the other side lacks is a part alone."""
    numerator = 0
    for cluster in clusters:
        parts = len({other[m] for m in cluster if m in other}) + sum(m not in other for m in cluster)
        numerator += len(cluster) - parts
    return numerator, sum(len(cluster) - 1 for cluster in clusters)


def _best_alignment(similarity: dict[tuple[int, int], float]) -> float:
    """The largest total similarity of a one-to-one alignment of key and response clusters. Clusters that share no
    mention have none, so the alignment is solved apart in each connected group of clusters that do."""
    parent: dict[Any, Any] = {}

    def root(node: Any) -> Any:
        while parent.setdefault(node, node) != node:
            parent[node] = node = parent[parent[node]]
        return node

    for i, j in similarity:
        parent[root(("k", i))] = root(("r", j))
    groups: dict[Any, list[tuple[int, int]]] = {}
    for pair in similarity:
        groups.setdefault(root(("k", pair[0])), []).append(pair)
    total = 0.0
    for pairs in groups.values():
        rows, columns = sorted({i for i, _ in pairs}), sorted({j for _, j in pairs})
        total += _max_assignment([[similarity.get((i, j), 0.0) for j in columns] for i in rows])
    return total


def _max_assignment(weights: list[list[float]]) -> float:
    """The largest Σ weights[i][j] over a one-to-one matching of rows and columns (Kuhn–Munkres, O(n²m))."""
    if len(weights) > len(weights[0]):
        weights = [list(column) for column in zip(*weights)]
    n, m = len(weights), len(weights[0])
    u, v = [0.0] * (n + 1), [0.0] * (m + 1)
    row_of = [0] * (m + 1)  # row_of[j]: the row matched to column j (1-based; 0: none)
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        row_of[0], j0 = i, 0
        least, used = [math.inf] * (m + 1), [False] * (m + 1)
        while row_of[j0]:
            used[j0] = True
            i0, delta, j1 = row_of[j0], math.inf, 0
            for j in range(1, m + 1):
                if not used[j]:
                    reduced = -weights[i0 - 1][j - 1] - u[i0] - v[j]
                    if reduced < least[j]:
                        least[j], way[j] = reduced, j0
                    if least[j] < delta:
                        delta, j1 = least[j], j
            for j in range(m + 1):
                if used[j]:
                    u[row_of[j]] += delta
                    v[j] -= delta
                else:
                    least[j] -= delta
            j0 = j1
        while j0:
            row_of[j0] = row_of[way[j0]]
            j0 = way[j0]
    return math.fsum(weights[row_of[j] - 1][j - 1] for j in range(1, m + 1) if row_of[j])


def chain_scores(c: Counter[str]) -> dict[str, Any]:
    """Recall, precision and F1 of each measure from (summed) `chain_counts`, and `conll_f1`, the mean of the three F1."""
    scores: dict[str, Any] = {}
    for measure in MEASURES:
        r_num, r_den, p_num, p_den = (c[f"coref:{measure}:{part}"] for part in PARTS)
        recall, precision = r_num / r_den if r_den else 0.0, p_num / p_den if p_den else 0.0
        f1 = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
        scores[measure] = {"recall": recall, "precision": precision, "f1": f1}
    scores["conll_f1"] = sum(scores[measure]["f1"] for measure in MEASURES) / len(MEASURES)
    return scores
