"""`qawl add` end to end: candidates streamed from the sources, prepared on the engine, stored in order."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from qawl.add.prepare import Article, Rejected, prepare_batch
from qawl.add.sources import Candidate, DumpColumns, Skipped, candidates
from qawl.add.store import Seeds
from qawl.engines import batched, run
from qawl.project import Project
from qawl.schema import Problem, Schemas

BATCH = 16  # candidates a task: enough to make a worker's round trip cheap, few enough to keep every worker busy


@dataclass
class Summary:
    """What a run did: articles added, already there, duplicates, skipped and rejected by reason, and every problem."""

    added: int = 0
    already_added: int = 0
    duplicates: int = 0
    grouped: int = 0  # added to a near-duplicate group
    regrouped: int = 0  # seeds whose group changed because an article joined two groups
    skipped: Counter[str] = field(default_factory=Counter)
    rejected: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [
            f"added {self.added} article(s) ({self.grouped} into a near-duplicate group); "
            f"{self.already_added} already added (nothing done); {self.duplicates} duplicate(s) of a seed's text (not added)"
        ]
        if self.regrouped:
            lines.append(f"{self.regrouped} seed(s) moved into a merged near-duplicate group (their sidecars say so)")
        if self.skipped:
            lines.append("skipped: " + ", ".join(f"{reason} {count}" for reason, count in sorted(self.skipped.items())))
        if self.rejected:
            lines.append("rejected: " + ", ".join(f"{reason} {count}" for reason, count in sorted(self.rejected.items())))
        return lines


def _tasks(stream: Iterator[Candidate | Skipped], summary: Summary, keep_other_languages: bool, progress: tqdm) -> Iterator[tuple[list[Candidate], bool]]:
    """Batches of candidates for the engine; what holds no article is counted here and goes no further."""
    def articles_only() -> Iterator[Candidate]:
        for item in stream:
            if isinstance(item, Skipped):
                summary.skipped[item.reason] += 1
                progress.update(1)
            else:
                yield item

    for batch in batched(articles_only(), BATCH):
        yield batch, keep_other_languages


def add_sources(
    project: Project,
    sources: list[Path],
    columns: DumpColumns = DumpColumns(),
    keep_other_languages: bool = False,
    engine: str = "local",
    workers: int = 1,
    address: str | None = None,
) -> Summary:
    """Add every article of `sources` to the project's seeds/; nothing already there is changed but a group."""
    summary = Summary()
    seeds = Seeds(project.seeds, Schemas(project.schema_dir))
    stream = candidates(sources, columns, summary.problems, seeds.max_bytes)
    progress = tqdm(unit="item", desc="add", disable=not sys.stderr.isatty())
    with progress:
        batches = _tasks(stream, summary, keep_other_languages, progress)
        for results in run(prepare_batch, batches, engine, workers, address):
            for result in results:
                progress.update(1)
                _record(seeds, result, summary)
    summary.regrouped = len(seeds.regrouped)
    return summary


def _record(seeds: Seeds, result: Article | Rejected, summary: Summary) -> None:
    if isinstance(result, Rejected):
        if result.problem is None:
            summary.skipped[result.reason] += 1
        else:
            summary.rejected[result.reason] += 1
            summary.problems.append(result.problem)
        return
    outcome = seeds.store(result)
    if outcome.status == "added":
        summary.added += 1
        summary.grouped += outcome.other is not None
    elif outcome.status == "already added":
        summary.already_added += 1
    elif outcome.status == "duplicate":
        summary.duplicates += 1
    else:
        summary.rejected[outcome.reason] += 1
        summary.problems.extend(outcome.problems)
