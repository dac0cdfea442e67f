"""Pre-annotation throughput against bare spaCy Arabic tokenization, on one core, in one run.

Text: the seeds and the devset articles. Usage: PYTHONPATH=scripts python scripts/bench_annotate.py [--rounds N]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import spacy

from qawl.annotate import get_pipeline
from qawl.annotate.pipeline import run

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 0.40


def corpus() -> list[str]:
    files = sorted(ROOT.glob("seeds/*.txt")) + sorted(ROOT.glob("annotations/devset/*.txt"))
    return [f.read_text(encoding="utf-8") for f in files]


def throughput(texts: list[str], process, rounds: int) -> float:
    """Characters per second of `process` over `texts`, best of `rounds`."""
    chars = sum(map(len, texts))
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            process(text)
        best = min(best, time.perf_counter() - start)
    return chars / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    texts = corpus()
    bare = spacy.blank("ar")
    nlp = get_pipeline()
    for text in texts:  # warm caches: lexicons, regexes, tokenizer
        run(nlp, "bench", text)
    bare_cps = throughput(texts, bare, args.rounds)
    full_cps = throughput(texts, lambda t: run(nlp, "bench", t), args.rounds)
    ratio = full_cps / bare_cps
    print(f"text: {len(texts)} documents, {sum(map(len, texts))} characters, best of {args.rounds} rounds")
    print(f"bare spacy.blank('ar') tokenization: {bare_cps:>12,.0f} chars/s")
    print(f"qawl pre-annotation pipeline:       {full_cps:>12,.0f} chars/s")
    print(f"ratio: {ratio:.1%} (target ≥ {TARGET_RATIO:.0%}): {'OK' if ratio >= TARGET_RATIO else 'BELOW TARGET'}")


if __name__ == "__main__":
    main()
