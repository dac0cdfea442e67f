"""SIGKILL during `qawl build`: corpus/ is the old corpus or the complete new one, never a
mix, and the next build succeeds.

Two ways of killing: deterministic (a hook in the build process sends SIGKILL to its own
process group the moment a given step finishes, so no cleanup code runs, exactly as with
`kill -9`) and external (the test polls the staging directory and kills the build).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from qawl.project import Project
from tests.conftest import REPO, SEED_ID, invoke_qawl, mount_tmpfs, run_qawl, tree_digest
from tests.test_robustness_seeds import snapshot

# Runs the CLI with SIGKILL wired to one step of the build (QAWL_KILL_AT names the step).
KILL_HOOK = r"""
import os, signal, sys, tempfile, pathlib
import pyarrow.parquet as pq

AT = os.environ["QAWL_KILL_AT"]
STAGING = ".corpus.building-"

def die():
    os.killpg(os.getpgrp(), signal.SIGKILL)

def after(owner, name, fires):
    original = getattr(owner, name)
    def wrapper(*args, **kwargs):
        result = original(*args, **kwargs)
        if fires(args, result):
            die()
        return result
    setattr(owner, name, wrapper)

if AT == "staging":
    after(tempfile, "mkdtemp", lambda args, result: STAGING in str(result))
elif AT == "parquet":
    after(pq.ParquetWriter, "write_table", lambda args, result: STAGING in str(getattr(args[0], "where", "")))
elif AT in ("manifest.json", "README.md"):
    for method in ("write_text", "write_bytes"):
        after(pathlib.Path, method, lambda args, result: args[0].name == AT and STAGING in str(args[0].parent))
elif AT == "first-rename":
    after(pathlib.Path, "rename", lambda args, result: pathlib.Path(args[1]).name == ".corpus.previous")
elif AT == "second-rename":
    after(pathlib.Path, "rename", lambda args, result: STAGING in str(args[0]) and pathlib.Path(args[1]).name == "corpus")
else:
    raise SystemExit(f"unknown kill point {AT}")

from qawl.cli import main
sys.argv = ["qawl", *sys.argv[1:]]
main()
"""

NEW_SEED = "أعلنت وزارة الصحة افتتاح مستشفى جديد في البصرة.\nوقال المدير إن المستشفى يضم مئتي سرير.\n"
KILL_POINTS = ["staging", "parquet", "manifest.json", "README.md", "first-rename", "second-rename"]


def killed_build(project: Project, point: str) -> subprocess.CompletedProcess[str]:
    """`qawl build` in its own process group, killed with SIGKILL right after `point`."""
    return subprocess.run(
        [sys.executable, "-c", KILL_HOOK, "build"],
        cwd=project.root,
        env={**os.environ, "QAWL_KILL_AT": point},
        capture_output=True,
        text=True,
        timeout=600,
        start_new_session=True,
    )


@pytest.fixture(scope="module")
def generations(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], dict[str, str]]:
    """A project template whose corpus/ is the old build while its sources already give a new one."""
    root = tmp_path_factory.mktemp("generations") / "project"
    shutil.copytree(REPO / "schema", root / "schema")
    (root / "seeds").mkdir()
    (root / "annotations").mkdir()
    for path in (REPO / "seeds").glob(f"{SEED_ID}*"):
        shutil.copy(path, root / "seeds" / path.name)
    assert invoke_qawl("build", cwd=root).returncode == 0
    old = tree_digest(root / "corpus")
    shutil.copytree(root / "corpus", root.parent / "old-corpus")
    shutil.copytree(root / ".qawl-cache", root.parent / "old-cache")  # what the old build cached, no more
    (root / "seeds" / "hospital.txt").write_text(NEW_SEED, encoding="utf-8")
    assert invoke_qawl("build", cwd=root).returncode == 0
    new = tree_digest(root / "corpus")
    assert new != old
    validated = invoke_qawl("validate", "corpus", cwd=root)
    assert validated.returncode == 0, validated.stderr
    shutil.rmtree(root / "corpus")
    shutil.copytree(root.parent / "old-corpus", root / "corpus")
    shutil.rmtree(root / ".qawl-cache")
    shutil.copytree(root.parent / "old-cache", root / ".qawl-cache")
    return root, old, new


# one step in the quick run (between the renames of the swap: the next build must put the old corpus back), every step in CI
@pytest.mark.parametrize("point", [pytest.param(point, marks=() if point == "first-rename" else pytest.mark.slow) for point in KILL_POINTS])
def test_sigkill_at_each_step_leaves_old_or_new_corpus_and_the_next_build_succeeds(
    generations: tuple[Path, dict[str, str], dict[str, str]], tmp_path: Path, point: str
) -> None:
    template, old, new = generations
    project = Project(tmp_path / "project")
    shutil.copytree(template, project.root, symlinks=True)
    annotations = tree_digest(project.annotations)

    result = killed_build(project, point)
    assert result.returncode == -signal.SIGKILL, f"the kill point {point!r} was never reached:\n{result.stderr[-3000:]}"
    previous = project.root / ".corpus.previous"
    if project.corpus.exists():
        after_kill = tree_digest(project.corpus)
        assert after_kill in (old, new), "corpus/ is a mix of two builds"
        assert after_kill == (new if point == "second-rename" else old)
    else:
        # Killed between the two renames of the swap: corpus/ is absent until the next qawl build
        # renames the intact previous corpus back (publish.recover) or swaps a new one in.
        assert point == "first-rename"
        assert tree_digest(previous) == old

    rebuilt = invoke_qawl("build", cwd=project.root)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert tree_digest(project.corpus) == new
    assert tree_digest(project.annotations) == annotations
    assert not previous.exists()


def many_seeds(count: int) -> dict[str, bytes]:
    """`count` distinct small articles: enough work for the build to be caught in the act."""
    return {
        f"doc-{n:04d}.txt": (
            f"قال المتحدث باسم الوزارة رقم {n} إن «الخطة ستنفذ خلال العام المقبل». "
            f"وأضاف أن الحكومة خصصت {n * 7} مليون دينار للمشروع.\nوأكد مسؤول آخر أن العمل بدأ في المحافظة {n}.\n"
        ).encode()
        for n in range(count)
    }


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes], timeout: float = 120) -> bool:
    """Poll `condition` every millisecond while `process` runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if condition():
            return True
        time.sleep(0.001)
    return False


@pytest.mark.slow
def test_external_sigkill_while_the_build_writes_parquet(make_project: Callable[..., Project]) -> None:
    """README.md to swap is too quick to catch from outside: the hook test covers it."""
    project = make_project(seeds=many_seeds(400))
    assert run_qawl("build", cwd=project.root).returncode == 0
    before = snapshot(project)
    (project.seeds / "hospital.txt").write_text(NEW_SEED, encoding="utf-8")

    def condition() -> bool:
        return any(True for _ in project.root.glob(".corpus.building-*/*/*.parquet"))

    process = subprocess.Popen(
        [sys.executable, "-m", "qawl", "build", "--no-cache"],
        cwd=project.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        caught = wait_for(condition, process)
        if caught:
            os.killpg(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=600)
    assert caught, "the build finished before a Parquet file appeared in its staging directory"
    assert process.returncode == -signal.SIGKILL
    assert snapshot(project) == before  # corpus/ and annotations/ exactly as they were
    rebuilt = run_qawl("build", cwd=project.root)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert tree_digest(project.corpus) != before["corpus"]


def test_a_second_build_waits_its_turn(make_project: Callable[..., Project], build_once: Callable[[Project], None]) -> None:
    from qawl.publish import exclusive

    project = make_project(with_annotations=True)
    build_once(project)
    before = snapshot(project)
    leftover = project.root / ".corpus.building-killed"
    (leftover / "sentences").mkdir(parents=True)
    with exclusive(project.corpus):  # as a build in progress holds it
        second = run_qawl("build", cwd=project.root)
    assert second.returncode == 1
    assert f"another qawl build (process {os.getpid()}) is writing {project.corpus}; wait for it to finish" in second.stderr
    assert snapshot(project) == before and leftover.exists()  # a waiting build touches nothing
    assert invoke_qawl("build", cwd=project.root).returncode == 0
    assert not leftover.exists()  # what a killed build left behind is cleaned up


@pytest.fixture(scope="module")
def many_documents(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A project of 400 articles (no corpus/ yet), and the corpus/ of a clean build of it (no cache)."""
    template = tmp_path_factory.mktemp("many") / "project"
    shutil.copytree(REPO / "schema", template / "schema")
    (template / "seeds").mkdir()
    (template / "annotations").mkdir()
    for name, content in many_seeds(400).items():
        (template / "seeds" / name).write_bytes(content)
    reference = template.parent / "reference"
    shutil.copytree(template, reference)
    built = run_qawl("build", "--no-cache", cwd=reference)
    assert built.returncode == 0, built.stderr
    return template, tree_digest(reference / "corpus")


def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid`."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def alive(pid: int) -> bool:
    """Whether process `pid` runs (a zombie waiting to be reaped does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "kill"])
def test_killing_only_the_main_build_process_ends_its_workers_and_the_next_build_takes_over(
    many_documents: tuple[Path, dict[str, str]], tmp_path: Path, sig: signal.Signals
) -> None:
    """`qawl build --workers 2 & kill $!`: the pool workers must not outlive the build, nor keep its lock."""
    template, clean = many_documents
    root = tmp_path / "project"
    shutil.copytree(template, root)
    process = subprocess.Popen(
        [sys.executable, "-m", "qawl", "build", "--workers", "2", "--no-cache"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    workers: list[int] = []
    try:
        assert wait_for(lambda: any(True for _ in root.glob(".corpus.building-*/*/*.parquet")), process), "the build finished first"
        workers = children_of(process.pid)
        os.kill(process.pid, sig)  # the main process only, as `kill $!` does
        process.wait(timeout=60)
        assert len(workers) == 2
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(pid) for pid in workers):
            time.sleep(0.05)
        assert not any(alive(pid) for pid in workers), "pool workers outlived the build"
    finally:
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
    rebuilt = run_qawl("build", cwd=root)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert f"the qawl build of process {process.pid} was interrupted" in rebuilt.stderr
    assert tree_digest(root / "corpus") == clean
    assert not list(root.glob(".corpus.*[!k]"))  # only the lock file is left beside corpus/


def test_a_process_forked_by_the_build_does_not_hold_its_lock(make_project: Callable[..., Project]) -> None:
    """Pool workers are forked while the build holds the lock: they must not keep it once the build lets go."""
    from qawl.publish import exclusive

    project = make_project()
    with exclusive(project.corpus):
        child = os.fork()
        if child == 0:  # a worker that lives on, as one blocked on a pipe does
            time.sleep(60)
            os._exit(0)
    try:
        # in this process: a lock the child kept (as flock's are, shared across a fork) would refuse it as well
        built = invoke_qawl("build", cwd=project.root)
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
    assert built.returncode == 0, built.stderr
    assert "interrupted" not in built.stderr  # the lock was let go, not taken over


@contextmanager
def unwritable(directory: Path) -> Iterator[None]:
    """Make `directory` one whose entries cannot be added, removed or renamed, even by root.

    Permission bits do not stop root (these tests may run as root): there the directory is made
    immutable (`chattr +i`, which needs CAP_LINUX_IMMUTABLE and a filesystem that supports it).
    """
    if os.geteuid() != 0:
        directory.chmod(0o555)
        try:
            yield
        finally:
            directory.chmod(0o755)
        return
    made = subprocess.run(["chattr", "+i", str(directory)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot make a directory immutable here: {made.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(directory)], check=True)


def test_a_corpus_directory_that_cannot_be_removed_is_refused_before_building(make_project: Callable[..., Project], build_once: Callable[[Project], None]) -> None:
    project = make_project()
    build_once(project)
    (project.seeds / "hospital.txt").write_text(NEW_SEED, encoding="utf-8")
    before = snapshot(project)
    with unwritable(project.corpus / "sentences"):
        refused = invoke_qawl("build", cwd=project.root)
        assert refused.returncode == 1 and "Traceback" not in refused.stderr
        assert refused.stderr.startswith(
            f"error: {project.corpus / 'sentences'}: cannot be written (read-only or immutable): a build replaces "
            "the corpus by a new one and removes the old; make it writable and build again\n"
        )
        assert snapshot(project) == before
        assert not list(project.root.glob(".corpus.*[!k]"))  # nothing was built
    rebuilt = invoke_qawl("build", cwd=project.root)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert tree_digest(project.corpus) != before["corpus"]  # with the new article


def test_a_project_directory_that_cannot_be_written_is_refused_before_building(make_project: Callable[..., Project], build_once: Callable[[Project], None]) -> None:
    project = make_project()
    build_once(project)
    before = snapshot(project)
    with unwritable(project.root):
        refused = invoke_qawl("build", "--no-cache", cwd=project.root)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.startswith(f"error: {project.root}: cannot be written (read-only or immutable)")
    assert snapshot(project) == before


def test_a_corpus_that_is_a_symbolic_link_is_followed(make_project: Callable[..., Project], tmp_path: Path, build_once: Callable[[Project], None]) -> None:
    project = make_project()
    build_once(project)
    clean = tree_digest(project.corpus)
    elsewhere = tmp_path / "disk" / "qawl-corpus"
    elsewhere.parent.mkdir()
    project.corpus.rename(elsewhere)
    project.corpus.symlink_to(elsewhere, target_is_directory=True)
    for _ in range(2):
        built = invoke_qawl("build", "--no-cache", cwd=project.root)
        assert built.returncode == 0, built.stderr
        assert "WARNING" not in built.stderr.replace("have no metadata sidecar", "")
        assert project.corpus.is_symlink() and project.corpus.resolve() == elsewhere
        assert tree_digest(elsewhere) == clean
    assert not list(project.root.glob(".corpus.*[!k]")) and not list(elsewhere.parent.glob(".*.previous*"))


def test_a_previous_corpus_that_cannot_be_removed_is_reported_and_never_stops_a_build(make_project: Callable[..., Project], build_once: Callable[[Project], None]) -> None:
    """The clean-up after the swap fails (here: a leftover made immutable after the refusal check passed)."""
    project = make_project()
    build_once(project)
    clean = tree_digest(project.corpus)
    stuck = project.root / ".corpus.previous"
    shutil.copytree(project.corpus, stuck)
    with unwritable(stuck / "sentences"):
        for _ in range(2):
            built = invoke_qawl("build", "--no-cache", cwd=project.root)
            assert built.returncode == 0 and "Traceback" not in built.stderr, built.stderr
            assert f"WARNING: {stuck}: a corpus replaced by a newer build could not be removed" in built.stderr
            assert tree_digest(project.corpus) == clean
            assert sorted(p.name for p in project.root.glob(".corpus.previous*")) == [".corpus.previous"]
    built = invoke_qawl("build", cwd=project.root)
    assert built.returncode == 0 and "WARNING: " + str(stuck) not in built.stderr
    assert not stuck.exists() and tree_digest(project.corpus) == clean


@pytest.mark.slow
def test_twenty_random_sigkills_then_a_build_publish_the_clean_corpus(many_documents: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    """Builds of 400 articles killed at random moments, with `kill -9` of the whole process group or of the
    main process alone (as the OOM killer does), each starting from what the last left (cache, staging,
    lock, a half-done swap): the build after them publishes a corpus byte-identical to a clean build."""
    template, clean = many_documents
    root = tmp_path / "project"
    shutil.copytree(template, root)
    chance = random.Random(20)
    killed = 0
    for _ in range(20):
        process = subprocess.Popen(
            [sys.executable, "-m", "qawl", "build", "--workers", "2"],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            process.wait(timeout=chance.uniform(0.5, 3.5))
        except subprocess.TimeoutExpired:
            if chance.random() < 0.5:
                os.killpg(process.pid, signal.SIGKILL)
            else:
                os.kill(process.pid, signal.SIGKILL)
            killed += 1
        assert process.wait(timeout=60) in (0, -signal.SIGKILL)
    assert killed >= 15
    rebuilt = run_qawl("build", "--workers", "2", cwd=root)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert tree_digest(root / "corpus") == clean
    assert not list(root.glob(".corpus.*[!k]"))


def test_a_swap_killed_between_its_renames_beside_a_stuck_previous_corpus_puts_the_newest_back(tmp_path: Path) -> None:
    """The swap moved corpus/ to `.corpus.previous-1` (`.corpus.previous`, older, could not be removed) and was killed."""
    from qawl.publish import recover

    target = tmp_path / "corpus"
    for name, version in ((".corpus.previous", "old"), (".corpus.previous-1", "newest")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "manifest.json").write_text(version, encoding="utf-8")
    recover(target)
    assert (target / "manifest.json").read_text(encoding="utf-8") == "newest"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"]


def test_a_corpus_path_that_is_not_a_directory_is_refused_before_building(make_project: Callable[..., Project], tmp_path: Path) -> None:
    project = make_project()
    project.corpus.symlink_to(tmp_path / "unmounted" / "corpus")
    dangling = invoke_qawl("build", cwd=project.root)
    assert dangling.returncode == 1 and "Traceback" not in dangling.stderr
    assert dangling.stderr.startswith(f"error: {project.corpus}: a symbolic link to {tmp_path / 'unmounted' / 'corpus'}, which is not a directory\n")
    assert not (tmp_path / "unmounted").exists()
    project.corpus.unlink()
    project.corpus.write_text("notes\n", encoding="utf-8")
    a_file = invoke_qawl("build", cwd=project.root)
    assert a_file.returncode == 1 and "Traceback" not in a_file.stderr
    assert a_file.stderr.startswith(f"error: {project.corpus}: not a directory: move it away, a build publishes a directory here\n")
    assert project.corpus.read_text(encoding="utf-8") == "notes\n"


def test_a_process_cannot_take_the_lock_it_holds_twice(tmp_path: Path) -> None:
    """POSIX locks are per process: a second hold would succeed, and its release would free the first."""
    from qawl.publish import Busy, exclusive

    with exclusive(tmp_path / "corpus"):
        with pytest.raises(Busy, match="this process is already building"):
            with exclusive(tmp_path / "corpus"):
                pass
        assert (tmp_path / ".corpus.lock").read_text() == f"{os.getpid()}\n"
    assert (tmp_path / ".corpus.lock").read_text() == ""


def test_a_disk_without_room_for_the_staging_directory_is_named_and_corpus_is_left_untouched(
    make_project: Callable[..., Project], tmp_path: Path
) -> None:
    """ENOSPC where the build makes its staging directory (a file system out of inodes) was a traceback."""
    disk = tmp_path / "disk"
    mount_tmpfs(disk, "size=64m,nr_inodes=2000")
    try:
        project = Project(disk / "project")
        shutil.copytree(make_project().root, project.root)
        assert invoke_qawl("build", "--workers", "1", cwd=project.root).returncode == 0
        published = tree_digest(project.corpus)
        filler = disk / "filler"
        filler.mkdir()
        with pytest.raises(OSError):  # every inode taken
            for n in range(5000):
                (filler / str(n)).touch()
        (project.seeds / f"{SEED_ID}.txt").write_text("خبر جديد عن الطقس.\n", encoding="utf-8")
        failed = invoke_qawl("build", "--workers", "1", "--no-cache", cwd=project.root)
        assert failed.returncode == 1 and "Traceback" not in failed.stderr
        assert failed.stderr.strip().splitlines()[-2:] == [
            f"error: {disk / 'project'}: cannot write the new corpus: No space left on device; {project.corpus} was left untouched",
            "build failed, corpus/ left unchanged: 1 problem(s)",
        ]
        assert tree_digest(project.corpus) == published
    finally:
        subprocess.run(["umount", str(disk)], check=True)
