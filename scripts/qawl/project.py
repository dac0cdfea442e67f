"""Where a qawl project keeps its inputs and outputs, and its dataset metadata."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Project:
    """A qawl project rooted at `root` (the repository checkout)."""

    root: Path

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @property
    def annotations(self) -> Path:
        return self.root / "annotations"

    @property
    def schema_dir(self) -> Path:
        return self.root / "schema"

    @property
    def corpus(self) -> Path:
        return self.root / "corpus"

    @cached_property
    def dataset(self) -> dict[str, Any]:
        """The dataset's own metadata: name, version, schema version, split shares."""
        return json.loads((self.schema_dir / "dataset.json").read_text(encoding="utf-8"))

    @property
    def version(self) -> str:
        return str(self.dataset["version"])

    def gold_layers(self) -> list[Path]:
        """The annotation files (not targets.json) whose seed exists, sorted."""
        return sorted(p for p in self.annotations.glob("*.json") if p.name != "targets.json" and (self.seeds / f"{p.stem}.txt").exists())


def find_project(start: Path | None = None) -> Project:
    """The nearest directory at or above `start` that holds schema/dataset.json."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "schema" / "dataset.json").is_file():
            return Project(candidate)
    raise FileNotFoundError(
        f"no qawl project found at or above {here} (looked for schema/dataset.json); "
        "run qawl inside a checkout or pass --root"
    )
