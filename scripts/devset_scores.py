"""The pre-annotator's headline scores on the gold corpus and on each part of the devset, as the card shows them.

Summary figures only (with their 95% bootstrap intervals) and each set's per-label and confusion
tables, counts summed over all its documents: this prints no article, no document and no error,
so that running it does not show what the pre-annotator gets wrong on `annotations/devset/scored/`.

Usage: PYTHONPATH=scripts python scripts/devset_scores.py [--root DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from qawl.annotate import preannotator
from qawl.baseline import baseline_report
from qawl.card import render_baseline
from qawl.project import Project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    project = Project(parser.parse_args().root)
    print(render_baseline(baseline_report(project, preannotator(project.annotations))))


if __name__ == "__main__":
    main()
