"""Mutation testing of the modules where a bug corrupts or misreports data, one module at a time.

    .venv/bin/python scripts/mutation.py evaluate merge      # or: --all; --jobs 2 to use two cores

For each module, mutmut runs in a workspace of its own (.mutation/<module>/): the package as `src/qawl` (so
mutmut names it `qawl.<module>`), the tests and the data they read, and a [tool.mutmut] section that mutates
that one module and runs only the test files that cover it, serially (`-n 0`: the project's `-n auto` would
start xdist workers in every mutant's run). PYTHONPATH points at the mutated copy, so the many tests that run
`python -m qawl` in a subprocess run the mutant too. mutmut records which tests reach a function only in the
pytest process: scripts/mutation_hits.py, loaded as sitecustomize, adds the functions a subprocess reached. A
mutant still without a test (reached only in a build's worker processes) is run here against the module's tests.

The score of a module is killed / (mutants - equivalent ones); the equivalent mutants are listed, each with
why, in docs/mutation.md. Survivors are printed: `mutmut show NAME` in the workspace shows the change.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORKSPACES = REPO / ".mutation"
EQUIVALENTS = REPO / "docs" / "mutation.md"
DATA_THE_TESTS_READ = ["schema", "seeds", "annotations", "corpus", "docs", ".gitignore", "README.md"]

# The pytest arguments (test files, a -k) that cover each module (not every test that happens to import it: the slow, whole-build ones
# add minutes per mutant and kill nothing the module's own tests do not).
TESTS_BY_MODULE: dict[str, list[str]] = {
    # qawl.benchmark's tests train spaCy pipelines (50 s a run) to test that module, not this one
    "evaluate": ["tests/test_evaluate.py", "tests/test_evaluate_corpus.py", "tests/test_evaluate_mutants.py", "tests/test_evaluate_quotes.py", "-k", "not benchmark"],
    "merge": ["tests/test_gold.py", "tests/test_robustness_annotations.py", "tests/test_integrity_checks.py", "tests/test_chains.py", "tests/test_merge_mutants.py",
              "tests/test_merge_chains_mutants.py", "tests/test_multi_sentence_quotes.py"],
    "validate": ["tests/test_validate.py", "tests/test_integrity_checks.py", "tests/test_validate_mutants.py", "tests/test_multi_sentence_quotes.py"],
    "export": ["tests/test_export.py", "tests/test_export_mutants.py"],
    "tasks": ["tests/test_tasks.py", "tests/test_ner_tokens.py", "tests/test_tasks_mutants.py", "tests/test_multi_sentence_quotes.py"],
    # the cache, the shard writer and the swap into place are run only by builds: without these files their mutants all survive
    "publish": ["tests/test_publish.py", "tests/test_splits.py", "tests/test_publish_mutants.py",
                "tests/test_cache_integrity.py", "tests/test_stable_shards.py", "tests/test_robustness_crash.py"],
    "review/agreement": ["tests/review/test_agreement.py", "tests/review/test_agreement_chains.py", "tests/review/test_agreement_mutants.py",
                         "tests/review/test_agreement_chains_mutants.py", "tests/review/test_xquotes_curate_reanchor_agreement.py"],
    "review/brat": ["tests/review/test_brat.py", "tests/review/test_brat_import_cases.py", "tests/review/test_brat_mutants.py",
                    "tests/review/test_review_chains.py", "tests/review/test_review_xquotes.py"],
    "review/label_studio": ["tests/review/test_label_studio.py", "tests/review/test_label_studio_import_cases.py", "tests/review/test_team_review.py",
                            "tests/review/test_label_studio_mutants.py", "tests/review/test_review_chains.py", "tests/review/test_review_xquotes.py"],
    "review/offsets": ["tests/review/test_offsets.py", "tests/review/test_offsets_mutants.py"],
    "review/regions": ["tests/review/test_brat.py", "tests/review/test_label_studio.py", "tests/review/test_html.py", "tests/review/test_regions_mutants.py",
                       "tests/review/test_review_chains.py", "tests/review/test_review_xquotes.py"],
    "review/store": ["tests/review/test_import_transaction.py", "tests/review/test_crash.py", "tests/review/test_store_mutants.py"],
    "review/changes": ["tests/review/test_brat_import_cases.py", "tests/review/test_label_studio_import_cases.py", "tests/review/test_changes_mutants.py",
                       "tests/review/test_review_chains.py", "tests/review/test_review_xquotes.py"],
    "review/html": ["tests/review/test_html.py", "tests/review/test_html_escaping.py", "tests/review/test_html_mutants.py",
                     "tests/review/test_review_chains.py", "tests/review/test_review_xquotes.py"],
    # both write gold layers; -k keeps the tests of these files that run curate (reanchor), and every test of the named files
    "review/curate": ["tests/review/test_team_review.py", "tests/review/test_review_chains.py", "tests/review/test_curate_mutants.py",
                      "tests/review/test_xquotes_curate_reanchor_agreement.py", "-k", "curat or decisions"],
    "review/reanchor": ["tests/review/test_reanchor.py", "tests/review/test_review_chains.py", "tests/review/test_reanchor_mutants.py",
                        "tests/review/test_xquotes_curate_reanchor_agreement.py", "-k", "reanchor"],
}

KILLED = {1, 3, 36, 37, 24, -24, 152, 255}  # mutmut's exit codes for a failing test, a timeout, a type error
NO_TESTS = {5, 33}
MOST_MUTANTS_OF_A_FUNCTION = 2000


@dataclass
class Score:
    module: str
    sampled: bool
    total: int
    killed: int
    equivalent: list[str]
    survivors: list[str]

    def line(self) -> str:
        counted = self.total - len(self.equivalent)
        percent = 100 * self.killed / counted if counted else 100.0
        return (
            f"{self.module}{' (sample)' if self.sampled else ''}: {self.killed}/{counted} killed ({percent:.1f}%), "
            f"{len(self.equivalent)} equivalent, {len(self.survivors)} surviving"
        )


def equivalent_mutants() -> set[str]:
    """The mutant names listed in docs/mutation.md as equivalent (first cell of a table row)."""
    if not EQUIVALENTS.exists():
        return set()
    return set(re.findall(r"^\| `(qawl\.[\w.ǁ]+__mutmut_\d+)`", EQUIVALENTS.read_text(encoding="utf-8"), re.MULTILINE))


def test_files(module: str) -> list[str]:
    """The pytest arguments of `module` but test files not written yet (a *_mutants.py file comes with a survivor)."""
    return [arg for arg in TESTS_BY_MODULE[module] if not arg.startswith("tests/") or (REPO / arg).exists()]


def make_workspace(module: str) -> Path:
    """A fresh workspace for `module`: the package as src/qawl, the tests, their data and the mutmut config."""
    workspace = WORKSPACES / module.replace("/", ".")
    shutil.rmtree(workspace, ignore_errors=True)
    workspace.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "scripts" / "qawl", workspace / "src" / "qawl", ignore=ignore)
    shutil.copy2(REPO / "scripts" / "mutation_hits.py", workspace / "src" / "sitecustomize.py")
    shutil.copytree(REPO / "tests", workspace / "tests", ignore=ignore)
    for name in DATA_THE_TESTS_READ:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, workspace / name, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, workspace / name)
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    pytest_options = project["tool"]["pytest"]["ini_options"]
    config = [
        "[tool.pytest.ini_options]",
        f"markers = {json.dumps(pytest_options['markers'])}",
        "",
        "[tool.mutmut]",
        'source_paths = ["src"]',
        f'only_mutate = ["src/qawl/{module}.py"]',
        f"pytest_add_cli_args_test_selection = {json.dumps(test_files(module))}",
        'pytest_add_cli_args = ["-n", "0", "-p", "no:cacheprovider", "-p", "sitecustomize"]',
        f"also_copy = {json.dumps(DATA_THE_TESTS_READ)}",
        # mutmut times a test's call, not its fixtures, and many fixtures run `qawl build` (seconds, more on a
        # loaded machine): its default (time + 1 s) x 15 turned such mutants into false "timeouts".
        "timeout_constant = 30.0",
        "timeout_multiplier = 3.0",
    ]
    (workspace / "pyproject.toml").write_text("\n".join(config) + "\n", encoding="utf-8")
    # On PYTHONPATH from the start: Python skips for good a path that did not exist when it was first searched.
    (workspace / "mutants" / "src").mkdir(parents=True)
    return workspace


def mutant_results(workspace: Path, module: str) -> dict[str, int | None]:
    meta = workspace / "mutants" / "src" / "qawl" / f"{module}.py.meta"
    return json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]


def run_without_mutmut(workspace: Path, module: str, mutant: str, environment: dict[str, str]) -> int:
    """Exit code of the module's tests with `mutant` switched on (in this process and every `python -m qawl`)."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-n", "0", "-p", "no:cacheprovider", "--rootdir=.",
         *test_files(module)],
        cwd=workspace / "mutants",
        env={**environment, "MUTANT_UNDER_TEST": mutant},
        capture_output=True,
    )
    return done.returncode


def sample(module: str, every: int, functions: list[str]) -> list[str]:
    """mutmut name patterns for the 1st, (every+1)th, (2·every+1)th… mutant of each function of `module`
    (of each of `functions` only, if any are named)."""
    name = module.replace("/", ".")
    numbers = ["*"] if every == 1 else range(1, MOST_MUTANTS_OF_A_FUNCTION, every)
    if functions:
        return [f"qawl.{name}.x_{function}__mutmut_{number}" for function in functions for number in numbers]
    return [f"qawl.{name}.*__mutmut_{number}" for number in numbers]


def mutate(module: str, jobs: int, every: int, functions: list[str], mutants: list[str]) -> Score:
    workspace = make_workspace(module)
    environment = {
        **os.environ,
        "PYTHONPATH": str(workspace / "mutants" / "src"),
        "QAWL_MUTATION_HITS": str(workspace / "subprocess-hits"),
    }
    mutmut = Path(sys.executable).with_name("mutmut")
    prefix = f"qawl.{module.replace('/', '.')}."
    names = [prefix + mutant for mutant in mutants] or (sample(module, every, functions) if every > 1 or functions else [])
    subprocess.run([str(mutmut), "run", "--max-children", str(jobs), *names], cwd=workspace, env=environment, check=False)
    results = {mutant: code for mutant, code in mutant_results(workspace, module).items() if not names or code is not None}
    for mutant, exit_code in results.items():
        if exit_code in NO_TESTS:  # reached only through `python -m qawl`, which mutmut's stats do not see
            results[mutant] = run_without_mutmut(workspace, module, mutant, environment)
    killed = [mutant for mutant, exit_code in results.items() if exit_code in KILLED]
    listed = equivalent_mutants() & results.keys()
    for mutant in sorted(listed & set(killed)):
        print(f"{mutant} is listed as equivalent in {EQUIVALENTS.name} but a test kills it: take it off the list")
    equivalent = sorted(listed - set(killed))
    survivors = sorted(set(results) - set(killed) - set(equivalent))
    return Score(module, bool(names), len(results), len(killed), equivalent, survivors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", metavar="MODULE", help=f"one or more of: {', '.join(TESTS_BY_MODULE)}")
    parser.add_argument("--all", action="store_true", help="every module above")
    parser.add_argument("--jobs", type=int, default=1, help="mutants tested at once (default 1)")
    parser.add_argument("--every", type=int, default=1, metavar="N",
                        help="a sample: only the 1st, (N+1)th, (2N+1)th… mutant of each function (default: all)")
    parser.add_argument("--function", action="append", default=[], metavar="NAME",
                        help="only the mutants of this top-level function of the module (repeat for several)")
    parser.add_argument("--mutant", action="append", default=[], metavar="NAME",
                        help="only this mutant, named without qawl.<module>. (e.g. x__view__mutmut_123; repeat for several)")
    arguments = parser.parse_args()
    modules = list(TESTS_BY_MODULE) if arguments.all else arguments.modules
    if not modules:
        parser.error("name a module, or --all")
    unknown = [module for module in modules if module not in TESTS_BY_MODULE]
    if unknown:
        parser.error(f"no such module: {', '.join(unknown)} (one of: {', '.join(TESTS_BY_MODULE)})")
    scores = [mutate(module, arguments.jobs, arguments.every, arguments.function, arguments.mutant) for module in modules]
    for score in scores:
        print(score.line())
        for mutant in score.survivors:
            print(f"    survived: {mutant}")


if __name__ == "__main__":
    main()
