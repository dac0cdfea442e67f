"""A double-annotation round through a real Label Studio 1.23.2 server on 127.0.0.1.

`.ci/run` installs Label Studio in its own virtual environment (.venv-ls, apart from the
project's). The test starts it with a temporary data directory, signup, telemetry, error
reporting and the version check off, and every proxy pointed at a closed local port, so
nothing leaves 127.0.0.1. Two users (created with `label-studio init`) annotate a task
exported by `qawl review export` through the API; Label Studio's JSON export comes back
with `qawl review import` as one layer per annotator, `qawl review agreement` scores them, and
`qawl review curate` settles their two disagreements into the gold layer.
"""

from __future__ import annotations

import copy
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from qawl.project import Project
from tests.conftest import REPO
from tests.review.conftest import ARTICLE, DOC_ID, read_json, run_review
from tests.review.test_review_xquotes import DOC_ID as XQUOTE_DOC
from tests.review.test_review_xquotes import make_xquote_project
from tests.review.test_review_chains import SEED, make_seed_project

LABEL_STUDIO_VENV = REPO / ".venv-ls"
LABEL_STUDIO = LABEL_STUDIO_VENV / "bin" / "label-studio"
USERS = {"amina@example.org": "amina-api-token", "bilal@example.org": "bilal-api-token"}  # email → API token
STARTUP_SECONDS = 600  # the first `init` migrates the database: 145 s on 2 busy cores

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not LABEL_STUDIO.exists(), reason=f"Label Studio is not installed in {LABEL_STUDIO_VENV}: .ci/run installs it (label-studio==1.23.2 in its own venv)"),
]


def offline_environment(data_dir: Path) -> dict[str, str]:
    """Label Studio's settings for a throw-away local server that talks to nothing but 127.0.0.1."""
    closed = "http://127.0.0.1:9"  # the discard port: any request to the outside fails at once
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(data_dir),
        "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir),
        "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
        "COLLECT_ANALYTICS": "false",
        "LATEST_VERSION_CHECK": "false",
        "SENTRY_DSN": "",
        "FRONTEND_SENTRY_DSN": "",
        "HTTP_PROXY": closed,
        "HTTPS_PROXY": closed,
        "http_proxy": closed,
        "https_proxy": closed,
        "NO_PROXY": "127.0.0.1",
        "no_proxy": "127.0.0.1",
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class LabelStudio:
    """A running server and its API, called as one of USERS."""

    url: str

    def call(self, method: str, path: str, user: str, body: Any = None) -> Any:
        request = urllib.request.Request(
            self.url + path,
            data=None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8"),
            method=method,
            headers={"Authorization": f"Token {USERS[user]}", "Content-Type": "application/json"},
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=120) as response:
            raw = response.read()
        return json.loads(raw) if raw else None


@pytest.fixture(scope="module")
def label_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabelStudio]:
    """Label Studio 1.23.2 on a free port of 127.0.0.1, with USERS in one organization."""
    data_dir = tmp_path_factory.mktemp("label-studio")
    environment = offline_environment(data_dir)
    for email, token in USERS.items():
        subprocess.run(
            [str(LABEL_STUDIO), "init", "--quiet", "--username", email, "--password", f"{token}-password", "--user-token", token, "--enable-legacy-api-token"],
            cwd=data_dir, env=environment, check=True, capture_output=True, timeout=STARTUP_SECONDS,
        )
    port = free_port()
    log = data_dir / "server.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [str(LABEL_STUDIO), "start", "--no-browser", "--internal-host", "127.0.0.1", "--port", str(port)],
            cwd=data_dir, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )
    studio = LabelStudio(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if server.poll() is not None:
                pytest.fail(f"Label Studio stopped with {server.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
            try:
                studio.call("GET", "/api/current-user/whoami", next(iter(USERS)))
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    pytest.fail(f"Label Studio did not answer in {STARTUP_SECONDS} s:\n{log.read_text(errors='replace')[-3000:]}")
                time.sleep(1)
        yield studio
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def reviewed(result: list[dict[str, Any]], relabel: dict[str, str], remove: set[str]) -> list[dict[str, Any]]:
    """An annotator's results: the pre-annotation with some entities relabelled and some regions removed."""
    result = [r for r in copy.deepcopy(result) if r.get("id") not in remove and r.get("from_id") not in remove]
    for r in result:
        if r.get("id") in relabel and r["type"] == "labels":
            r["value"]["labels"] = [relabel[r["id"]]]
    return result


def double_annotation(studio: LabelStudio, project: Project, export: Path) -> dict[str, int]:
    """Export the test article, annotate it in Label Studio as both USERS, save the project's JSON export
    in `export`; returns each user's Label Studio id."""
    amina, bilal = USERS
    out = project.root / "label-studio"
    exported = run_review(project, "export", "--format", "label-studio", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    config = (out / "config.xml").read_text(encoding="utf-8")
    # maximum_annotations: the task stays in the queue until two people have annotated it (1 by default)
    created = studio.call("POST", "/api/projects", amina, {"title": "qawl double annotation", "label_config": config, "maximum_annotations": 2})
    imported = studio.call("POST", f"/api/projects/{created['id']}/import", amina, read_json(out / "tasks.json"))
    assert (imported["task_count"], imported["annotation_count"], imported["prediction_count"]) == (1, 0, 1)  # gold comes as a prediction
    ids = {}
    for user, changes in ((amina, {}), (bilal, {"relabel": {"e5": "ORG"}, "remove": {"e4"}})):
        task = studio.call("GET", f"/api/projects/{created['id']}/next", user)  # the labelling queue serves the task
        assert task["data"]["doc_id"] == DOC_ID
        result = reviewed(task["predictions"][0]["result"], changes.get("relabel", {}), changes.get("remove", set()))
        annotation = studio.call("POST", f"/api/tasks/{task['id']}/annotations", user, {"result": result, "lead_time": 42.0})
        ids[user] = annotation["completed_by"]
    export.write_text(json.dumps(studio.call("GET", f"/api/projects/{created['id']}/export?exportType=JSON", amina), ensure_ascii=False), encoding="utf-8")
    return ids


def test_a_double_annotation_round_through_label_studio(label_studio: LabelStudio, review_project: Any, tmp_path: Path) -> None:
    project = review_project()
    export = tmp_path / "project-1-at-export.json"
    ids = double_annotation(label_studio, project, export)
    gold = (project.annotations / f"{DOC_ID}.json").read_bytes()

    names = [f"--annotator={ids[user]}={user}" for user in USERS]
    imported = run_review(project, "import", str(export), *names)

    assert imported.returncode == 0, imported.stderr
    assert (project.annotations / f"{DOC_ID}.json").read_bytes() == gold
    passes = project.annotations / "passes" / DOC_ID
    layers = {path.stem: read_json(path) for path in sorted(passes.glob("*.json"))}
    assert sorted(layers) == sorted(USERS)
    entities = {user: {e["id"]: (e["text"], e["label"]) for e in layer["entities"]} for user, layer in layers.items()}
    assert entities["amina@example.org"] == {e["id"]: (e["text"], e["label"]) for e in read_json(project.annotations / f"{DOC_ID}.json")["entities"]}
    assert entities["bilal@example.org"] == {
        "e1": ("بغداد", "GPE"), "e2": ("فؤاد حسين", "PERSON"), "e3": ("العربي الجديد", "ORG"), "e5": ("واشنطن", "ORG"), "e6": ("العراق", "GPE")}
    washington = next(e for e in layers["bilal@example.org"]["entities"] if e["text"] == "واشنطن")
    assert (washington["start"], washington["end"]) == (ARTICLE.index("واشنطن"), ARTICLE.index("واشنطن") + len("واشنطن"))

    scored = run_review(project, "agreement", DOC_ID, "--json")

    assert scored.returncode == 0, scored.stderr
    [pair] = json.loads(scored.stdout)["documents"][0]["pairs"]
    labelled = pair["entities"]["labelled"]
    assert (labelled["a"], labelled["b"], labelled["matched"]) == (6, 5, 4)  # e4 removed by bilal, e5 relabelled
    assert round(labelled["f1"], 3) == 0.727
    assert pair["quotes"]["exact"]["f1"] == 1.0

    curated = curate(project, {"العراق": "amina@example.org", "واشنطن": "bilal@example.org"})

    assert curated.returncode == 0, curated.stderr
    assert f"{DOC_ID}: 10 agreed, 2 decided by lead (1 amina@example.org, 1 bilal@example.org)" in curated.stdout
    gold_layer = read_json(project.annotations / f"{DOC_ID}.json")
    assert [(e["id"], e["label"]) for e in gold_layer["entities"]] == [("e1", "GPE"), ("e2", "PERSON"), ("e3", "ORG"), ("e4", "GPE"), ("e5", "ORG"), ("e6", "GPE")]
    assert next(e for e in gold_layer["entities"] if e["id"] == "e5")["provenance"]["annotator"] == "bilal@example.org"


def curate(project: Project, choices: dict[str, str]) -> Any:
    """`qawl review curate DOC_ID --curator lead`: the first run lists the disagreements in the decisions
    file, each is settled by the annotator named in `choices` (by the entity's text), and the second run writes gold."""
    listed = run_review(project, "curate", DOC_ID, "--curator", "lead")
    assert listed.returncode == 0, listed.stderr
    assert f"{DOC_ID}: 10 agreed, 2 disagreement(s) among amina@example.org, bilal@example.org" in listed.stdout
    decisions_file = project.annotations / "passes" / f"{DOC_ID}.decisions.json"
    decisions = read_json(decisions_file)
    for disagreement in decisions["disagreements"]:
        disagreement["choice"] = choices[disagreement["text"]]
    decisions_file.write_text(json.dumps(decisions, ensure_ascii=False), encoding="utf-8")
    return run_review(project, "curate", DOC_ID, "--curator", "lead")


def round_through_label_studio(label_studio: LabelStudio, project: Project, doc_id: str, title: str, export: Path) -> list[dict[str, Any]]:
    """Export `project` for Label Studio, create a project with its labeling config on the server, submit the
    prediction as amina's annotation and write the server's JSON export to `export`; the prediction's relations."""
    amina = next(iter(USERS))
    out = project.root / "label-studio"
    assert run_review(project, "export", "--format", "label-studio", "--out", str(out)).returncode == 0
    created = label_studio.call("POST", "/api/projects", amina, {"title": title, "label_config": (out / "config.xml").read_text(encoding="utf-8")})
    imported = label_studio.call("POST", f"/api/projects/{created['id']}/import", amina, read_json(out / "tasks.json"))
    assert (imported["task_count"], imported["prediction_count"]) == (1, 1)
    task = label_studio.call("GET", f"/api/projects/{created['id']}/next", amina)
    assert task["data"]["doc_id"] == doc_id
    result = task["predictions"][0]["result"]
    label_studio.call("POST", f"/api/tasks/{task['id']}/annotations", amina, {"result": result, "lead_time": 12.0})
    export.write_text(json.dumps(label_studio.call("GET", f"/api/projects/{created['id']}/export?exportType=JSON", amina), ensure_ascii=False), encoding="utf-8")
    return [r for r in result if r["type"] == "relation"]


@contextmanager
def imported_unchanged(project: Project, doc_id: str, export: Path) -> Iterator[None]:
    """After the block writes a Label Studio `export` of `doc_id`, `qawl review import` of it changes nothing:
    "no changes", and the gold layer byte for byte as before."""
    gold = (project.annotations / f"{doc_id}.json").read_bytes()
    yield
    back = run_review(project, "import", str(export), "--annotator", "amina")
    assert back.returncode == 0, back.stderr
    assert f"{doc_id}: no changes" in back.stdout
    assert (project.annotations / f"{doc_id}.json").read_bytes() == gold


def test_quotes_over_sentences_discontinuous_and_nested_round_through_label_studio_unchanged(label_studio: LabelStudio, tmp_path: Path) -> None:
    """The labeling config's `part` and `source` relations are accepted by a real Label Studio, and an annotation
    submitted from the prediction comes back as the same layer, byte for byte."""
    project = make_xquote_project(tmp_path / "project")
    export = tmp_path / "project-2-at-export.json"
    with imported_unchanged(project, XQUOTE_DOC, export):
        relations = round_through_label_studio(label_studio, project, XQUOTE_DOC, "qawl xquotes", export)
    assert {tuple(r["labels"]) for r in relations} >= {("part",), ("source",)}


def test_the_seed_s_chains_round_through_label_studio_as_coref_relations_unchanged(label_studio: LabelStudio, tmp_path: Path) -> None:
    """The seed's 12 chains go to a real Label Studio as 30 `coref` relations (the embassy's e21 → e58 among them),
    and its export comes back as the same gold layer, byte for byte."""
    project = make_seed_project(tmp_path / "project")
    export = tmp_path / "project-3-at-export.json"
    with imported_unchanged(project, SEED, export):
        relations = round_through_label_studio(label_studio, project, SEED, "qawl chains", export)
    coref = {(r["from_id"], r["to_id"]) for r in relations if r["labels"] == ["coref"]}
    assert len(coref) == 30 and ("e21", "e58") in coref
    server_coref = [r for r in read_json(export)[0]["annotations"][0]["result"] if r["type"] == "relation" and r["labels"] == ["coref"]]
    assert len(server_coref) == 30
