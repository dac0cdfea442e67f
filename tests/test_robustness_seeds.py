"""Bad seeds through the real CLI: a specific error per file (file, place, problem), every
problem in one run, exit 1, and corpus/ and annotations/ left byte-for-byte as they were.

Also the shared helpers of the robustness suite (`built_project`, `errors_by_file`).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import datasets
import pytest

from qawl.ingest import iter_documents
from qawl.project import Project
from qawl.schema import Problem, Schemas
from qawl.segment import split_sentences
from tests.conftest import REPO, SEED_ID, invoke_qawl, tree_digest

GOOD = "أعلنت الحكومة خطة جديدة للنقل.\nوقال الوزير إن الخطة تبدأ غداً.\n"


@pytest.fixture
def built_project(make_project: Callable[..., Project], build_once: Callable[[Project], None]) -> Project:
    """A project whose corpus/ was built once from the repository seed."""
    project = make_project(with_annotations=True)
    build_once(project)
    return project


def snapshot(project: Project) -> dict[str, dict[str, str]]:
    """Digests of what a failed run must never touch: corpus/ and annotations/."""
    return {"corpus": tree_digest(project.corpus), "annotations": tree_digest(project.annotations)}


def errors_by_file(stderr: str) -> dict[str, list[str]]:
    """The `error: <path>: <place>: <message>` lines of a run, keyed by the file's base name."""
    found: dict[str, list[str]] = {}
    for line in stderr.splitlines():
        if line.startswith("error: "):
            path = line.removeprefix("error: ").split(":", 1)[0]
            found.setdefault(Path(path).name, []).append(line)
    return found


def fails_cleanly(project: Project, before: dict[str, dict[str, str]]) -> dict[str, list[str]]:
    """Run `qawl build`, require exit 1 with nothing touched, and return its errors by file."""
    result = invoke_qawl("build", cwd=project.root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert snapshot(project) == before
    return errors_by_file(result.stderr)


# name → (bytes, fragments every error line for that file must contain)
BAD_SEEDS: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "invalid-utf8.txt": ("سطر أول.\nكلمة ".encode() + b"\xd9\xff tail\n", ("byte 24 (line 2, column 10)", "not valid UTF-8", "re-save the file as UTF-8")),
    "truncated-utf8.txt": ("نص مقطوع".encode()[:-1], ("byte 13 (line 1, column 14)", "not valid UTF-8", "unexpected end of data")),
    "latin1.txt": ("café résumé.\n".encode("latin-1"), ("byte 3 (line 1, column 4)", "not valid UTF-8")),
    "utf16le.txt": ("نص عربي.\n".encode("utf-16"), ("byte 0", "UTF-16 (byte-order mark)", "re-save the file as UTF-8")),
    "utf16be.txt": (b"\xfe\xff" + "نص عربي.\n".encode("utf-16-be"), ("byte 0", "UTF-16 (byte-order mark)")),
    "utf16-no-bom.txt": ("Iraq نص".encode("utf-16-le"), ("byte 0", "UTF-16 without a byte-order mark")),
    "empty.txt": (b"", ("empty or whitespace-only article",)),
    "whitespace.txt": (b" \t\n\r\n\xc2\xa0\n", ("empty or whitespace-only article",)),
    "bom-only.txt": (b"\xef\xbb\xbf\r\n", ("empty or whitespace-only article",)),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", ("byte 8 (line 3, column 1)", "NUL byte", "binary")),
    "nul-inside.txt": ("خبر عاجل.".encode() + b"\x00" + "تتمة.\n".encode(), ("byte 16 (line 1, column 17)", "NUL byte")),
    "random-bytes.txt": (bytes(range(128, 256)), ("byte 0 (line 1, column 1)", "not valid UTF-8")),
    # published before as one invisible heading sentence
    "zero-width.txt": ("\u200b\u200c\u200d\u2060\n".encode(), ("no visible letter", "empty article")),
    "diacritics-only.txt": ("\u064e\u064f\u0650\u0651\u0652 \u064b\n".encode(), ("no visible letter",)),
    "double-bom.txt": (b"\xef\xbb\xbf\xef\xbb\xbf\n", ("no visible letter",)),
    "bidi-only.txt": ("\u202b\u200f\u2067\u2069\u200e\u061c\n".encode(), ("no visible letter",)),
}


def test_every_bad_seed_is_reported_in_one_run_and_nothing_is_touched(built_project: Project) -> None:
    before = snapshot(built_project)
    for name, (content, _) in BAD_SEEDS.items():
        (built_project.seeds / name).write_bytes(content)
    errors = fails_cleanly(built_project, before)
    for name, (_, fragments) in BAD_SEEDS.items():
        assert name in errors, f"{name} not reported"
        assert len(errors[name]) == 1, errors[name]
        for fragment in fragments:
            assert fragment in errors[name][0], (fragment, errors[name][0])
    assert SEED_ID + ".txt" not in errors  # the good seed is not blamed


def test_crlf_and_lone_cr_are_normalised_with_offsets_into_the_normalised_text(make_project: Callable[..., Project]) -> None:
    raw = "العنوان الأول\r\nقال الوزير: «نعم».\rوأضاف أن الخطة جاهزة.\r\n\r\nفقرة أخيرة.\r".encode()
    project = make_project(with_seed=False, seeds={"line-ends.txt": raw})
    result = invoke_qawl("build", cwd=project.root)
    assert result.returncode == 0, result.stderr
    document = next(iter(datasets.load_dataset(str(project.corpus), "documents").values()))[0]
    expected = raw.decode().replace("\r\n", "\n").replace("\r", "\n")
    assert document["text"] == expected and "\r" not in document["text"]
    assert document["sha256"] == __import__("hashlib").sha256(raw).hexdigest()  # of the bytes as received
    rows = sorted(next(iter(datasets.load_dataset(str(project.corpus), "sentences").values())), key=lambda r: r["index"])
    assert [r["text"] for r in rows] == ["العنوان الأول", "قال الوزير: «نعم».", "وأضاف أن الخطة جاهزة.", "فقرة أخيرة."]
    assert all(expected[r["start"] : r["end"]] == r["text"] for r in rows)
    assert [r["paragraph"] for r in rows] == [0, 1, 2, 3]


def test_duplicate_articles_are_refused_even_with_different_line_ends(built_project: Project) -> None:
    before = snapshot(built_project)
    original = (built_project.seeds / f"{SEED_ID}.txt").read_bytes()
    (built_project.seeds / "copy.txt").write_bytes(original)
    (built_project.seeds / "copy-crlf.txt").write_bytes(original.replace(b"\n", b"\r\n"))
    errors = fails_cleanly(built_project, before)
    for name in ("copy.txt", "copy-crlf.txt"):
        assert f"same article text as {built_project.seeds / (SEED_ID + '.txt')}" in errors[name][0]
        assert "remove one of the two" in errors[name][0]


REJECTED_NAMES = ["..txt", "a..b.txt", ".hidden.txt", "with space.txt", "خبر.txt", "back\\slash.txt", "-dash.txt", "new\nline.txt", "x" * 201 + ".txt"]
ACCEPTED_NAMES = ["2021-12-11_news.v2.txt", "A.txt", "x" * 200 + ".txt"]


def test_file_names_outside_the_doc_id_rule_are_refused_and_the_error_says_what_is_allowed(built_project: Project) -> None:
    before = snapshot(built_project)
    for n, name in enumerate(REJECTED_NAMES + ACCEPTED_NAMES):
        (built_project.seeds / name).write_text(f"خبر رقم {n} عن الطقس.\n", encoding="utf-8")
    result = invoke_qawl("build", cwd=built_project.root)
    assert result.returncode == 1 and snapshot(built_project) == before
    rule = "is not allowed: a seed's file name is its doc_id + '.txt'; a doc_id is 1-200 ASCII letters, digits, '_', '.' or '-', starting with a letter or digit"
    for name in REJECTED_NAMES:
        assert f"{built_project.seeds / name}: file name: doc_id {name.removesuffix('.txt')!r} {rule}" in result.stderr, name
    assert result.stderr.count(rule) == len(REJECTED_NAMES)  # the accepted names are not among them


def test_names_that_look_like_articles_are_not_skipped_in_silence_and_targets_is_reserved(built_project: Project) -> None:
    before = snapshot(built_project)
    for n, name in enumerate(["x.TXT", "y.Txt", "z.txt ", "targets.txt"]):
        (built_project.seeds / name).write_text(f"خبر رقم {n} عن الطقس.\n", encoding="utf-8")
    (built_project.seeds / "README.md").write_text("notes, not an article\n", encoding="utf-8")
    errors = fails_cleanly(built_project, before)
    for name in ("x.TXT", "y.Txt", "z.txt "):
        assert errors[name] == [f"error: {built_project.seeds / name}: file name: looks like an article but does not end in '.txt' exactly: rename it to end in '.txt' (or move it out of seeds/)"]
    # it was read as the gold layer annotations/targets.json, and the inventory's errors blamed on it
    assert errors["targets.txt"] == [f"error: {built_project.seeds / 'targets.txt'}: file name: doc_id 'targets' is reserved: annotations/targets.json is the stance target inventory, not an article's layer; rename the file"]
    assert set(errors) == {"x.TXT", "y.Txt", "z.txt ", "targets.txt"}


def test_accepted_file_names_build(make_project: Callable[..., Project]) -> None:
    seeds = {name: f"خبر رقم {n} عن الطقس.\n".encode() for n, name in enumerate(ACCEPTED_NAMES)}
    project = make_project(with_seed=False, seeds=seeds)
    result = invoke_qawl("build", cwd=project.root)
    assert result.returncode == 0, result.stderr
    loaded = datasets.load_dataset(str(project.corpus), "documents")
    assert sorted(doc_id for split in loaded.values() for doc_id in split["doc_id"]) == sorted(n.removesuffix(".txt") for n in ACCEPTED_NAMES)


def test_a_sidecar_cannot_smuggle_a_doc_id_and_a_path_like_doc_id_in_an_annotation_is_refused(built_project: Project) -> None:
    before = snapshot(built_project)
    (built_project.seeds / "other.txt").write_text(GOOD, encoding="utf-8")
    (built_project.seeds / "other.meta.json").write_text('{"doc_id": "../corpus/evil"}', encoding="utf-8")
    errors = fails_cleanly(built_project, before)
    assert "Additional properties are not allowed ('doc_id' was unexpected)" in errors["other.meta.json"][0]

    (built_project.seeds / "other.meta.json").unlink()  # validate stops at seed problems before reading layers
    layer = built_project.root / "layer.json"
    layer.write_text(
        '{"schema_version": "1.0.0", "doc_id": "../seeds/other", "sha256": "' + "0" * 64 + '", "entities": [], "quotes": [], "stance": []}',
        encoding="utf-8",
    )
    result = invoke_qawl("validate", str(layer), cwd=built_project.root)
    assert result.returncode == 1
    assert "layer.json: /doc_id: '../seeds/other' does not match" in result.stderr


def test_symbolic_links_outside_seeds_or_dangling_are_refused(built_project: Project, tmp_path: Path) -> None:
    before = snapshot(built_project)
    outside = tmp_path / "outside.txt"
    outside.write_text(GOOD, encoding="utf-8")
    (built_project.seeds / "escape.txt").symlink_to(outside)
    up_to_root = "../" * len(built_project.seeds.resolve().parts)  # a relative escape, however deep the test's folder is
    (built_project.seeds / "passwd.txt").symlink_to(up_to_root + "etc/passwd")
    (built_project.seeds / "dangling.txt").symlink_to("gone.txt")
    (built_project.seeds / "folder.txt").mkdir()
    (built_project.seeds / "inside.txt").symlink_to(f"{SEED_ID}.txt")  # inside seeds/: allowed, but a duplicate
    errors = fails_cleanly(built_project, before)
    assert f"symbolic link to {outside}, outside {built_project.seeds}" in errors["escape.txt"][0]
    assert "symbolic link to /etc/passwd, outside" in errors["passwd.txt"][0]
    assert "cannot be read: No such file or directory (symbolic link to" in errors["dangling.txt"][0]
    assert "not a regular file (a directory): only regular files are read" in errors["folder.txt"][0]
    assert "same article text as" in errors["inside.txt"][0]


def test_malformed_sidecars_are_reported_with_their_place(built_project: Project) -> None:
    before = snapshot(built_project)
    cases = {
        "syntax": ('{"title": "عنوان",\n  "publisher": }', "line 2, column 16", "invalid JSON"),
        "date": ('{"published": "11/12/2021", "published_precision": "sometimes"}', "/published", "does not match"),
        "url": ('{"url": "javascript:alert(1)", "inferred": ["colour"]}', "/url", "does not match '^https?://'"),
        "type": ('["not", "an", "object"]', "/", "is not of type 'object'"),
        "encoding": (b'{"title": "\xff"}', "byte 11", "not valid UTF-8"),
        "twice": ('{"title": "الأول", "publisher": "x", "title": "الثاني"}', "", "key 'title' appears more than once"),
        "surrogate": ('{"title": "\\ud800"}', "/title", "a lone surrogate"),  # was pyarrow's UnicodeEncodeError traceback
    }
    for n, (name, (content, _, _)) in enumerate(cases.items()):
        (built_project.seeds / f"{name}.txt").write_text(f"خبر رقم {n} عن الطقس.\n", encoding="utf-8")
        sidecar = built_project.seeds / f"{name}.meta.json"
        sidecar.write_bytes(content if isinstance(content, bytes) else content.encode())
    (built_project.seeds / "orphan.meta.json").write_text("{}", encoding="utf-8")
    errors = fails_cleanly(built_project, before)
    for name, (_, place, message) in cases.items():
        lines = "\n".join(errors[f"{name}.meta.json"])
        assert place in lines and message in lines, (name, lines)
    assert "/published_precision" in "\n".join(errors["date.meta.json"])
    assert "/inferred/0" in "\n".join(errors["url.meta.json"])
    assert "metadata sidecar without a .txt article beside it" in errors["orphan.meta.json"][0]


LONG_LINE_BYTES = 20 * 2**20


def long_line(size: int = LONG_LINE_BYTES) -> str:
    """A single line of real article text of `size` bytes at most (many sentences and quotations, no line break)."""
    base = (REPO / "seeds" / f"{SEED_ID}.txt").read_text(encoding="utf-8").replace("\n", " ")
    text = base * (size // len(base.encode()) + 1)
    return text.encode()[: size - 1].decode("utf-8", "ignore").rstrip() + "\n"


def test_a_20_mb_line_segments_in_linear_time() -> None:
    text = long_line()
    started = time.perf_counter()
    sentences = split_sentences("long", text)
    elapsed = time.perf_counter() - started
    # 2.5 s on the reference machine; the quadratic quotation lookup it replaced took 123 s.
    assert elapsed < 30, f"split_sentences on a 20 MB line took {elapsed:.1f} s"
    assert len(sentences) > 40_000
    assert all(text[s.start : s.end] == s.text for s in sentences[:: 997])


def test_only_regular_files_are_read_and_a_fifo_or_device_is_refused_without_opening_it(built_project: Project) -> None:
    """A FIFO hung the build (open waits for a writer), /dev/zero grew its memory without limit."""
    before = snapshot(built_project)
    os.mkfifo(built_project.seeds / "fifo.txt")
    os.mknod(built_project.seeds / "zero.txt", 0o644 | stat.S_IFCHR, os.makedev(1, 5))
    (built_project.seeds / "sidecar.txt").write_text(GOOD, encoding="utf-8")
    os.mkfifo(built_project.seeds / "sidecar.meta.json")
    result = subprocess.run([sys.executable, "-m", "qawl", "build"], cwd=built_project.root, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert snapshot(built_project) == before
    errors = errors_by_file(result.stderr)
    assert errors["fifo.txt"] == [f"error: {built_project.seeds / 'fifo.txt'}: not a regular file (a FIFO): only regular files are read"]
    assert errors["zero.txt"] == [f"error: {built_project.seeds / 'zero.txt'}: not a regular file (a character device): only regular files are read"]
    assert errors["sidecar.meta.json"] == [f"error: {built_project.seeds / 'sidecar.meta.json'}: not a regular file (a FIFO): only regular files are read"]


def test_an_article_above_the_size_limit_is_refused_unread_and_the_limit_is_a_project_setting(make_project: Callable[..., Project]) -> None:
    limit = 100_000  # an article just under a limit set in schema/dataset.json builds; one byte more does not
    under = long_line(limit).encode()
    assert limit - 4 <= len(under) <= limit
    default_over = b"a" * (10 * 2**20) + b".\n"  # above the default 10 MiB: refused by its size, never read
    project = make_project(with_seed=False, seeds={"under.txt": under, "over.txt": under[:-1] + b" ab\n", "huge.txt": default_over})
    result = invoke_qawl("build", cwd=project.root)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    errors = errors_by_file(result.stderr)
    assert errors["huge.txt"] == [f"error: {project.seeds / 'huge.txt'}: 10485762 bytes, above the limit of 10485760 bytes per article (max_article_bytes in schema/dataset.json)"]
    assert set(errors) == {"huge.txt"}  # 10 MiB is the default

    dataset = json.loads((project.schema_dir / "dataset.json").read_text(encoding="utf-8"))
    (project.schema_dir / "dataset.json").write_text(json.dumps({**dataset, "max_article_bytes": limit}), encoding="utf-8")
    (project.seeds / "huge.txt").unlink()
    result = invoke_qawl("build", cwd=project.root)
    assert result.returncode == 1
    over = len(under) + 3
    assert errors_by_file(result.stderr) == {"over.txt": [f"error: {project.seeds / 'over.txt'}: {over} bytes, above the limit of {limit} bytes per article (max_article_bytes in schema/dataset.json)"]}

    (project.seeds / "over.txt").unlink()
    result = invoke_qawl("build", cwd=project.root)
    assert result.returncode == 0, result.stderr[-2000:]
    document = next(iter(datasets.load_dataset(str(project.corpus), "documents").values()))[0]
    assert document["text"].encode() == under


def test_a_bad_size_limit_setting_is_reported(make_project: Callable[..., Project]) -> None:
    project = make_project()
    dataset = json.loads((project.schema_dir / "dataset.json").read_text(encoding="utf-8"))
    (project.schema_dir / "dataset.json").write_text(json.dumps({**dataset, "max_article_bytes": "10 MB"}), encoding="utf-8")
    result = invoke_qawl("build", cwd=project.root)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"error: {project.schema_dir / 'dataset.json'}: /max_article_bytes: '10 MB' is not a positive whole number of bytes" in result.stderr


def test_a_seed_rewritten_while_the_build_reads_is_refused(make_project: Callable[..., Project]) -> None:
    """The build streams the seeds: one rewritten after it was read (a half-written file read
    early, a copy still in progress) would be published as it was read."""
    project = make_project(with_seed=False, seeds={"a.txt": GOOD.encode(), "b.txt": "خبر آخر عن الطقس.\n".encode()})
    problems: list[Problem] = []
    documents = iter_documents(project.seeds, Schemas(project.schema_dir), problems)
    first = next(documents)
    assert first.text == GOOD
    with open(project.seeds / "a.txt", "ab") as seed:  # the rest of the article arrives
        seed.write("وأضاف أن العمل يبدأ الأسبوع المقبل.\n".encode())
    assert [d.doc_id for d in documents] == ["b"]
    assert [str(p) for p in problems] == [f"{project.seeds / 'a.txt'}: changed while the build read the seeds (size or modification time differs from when it was read): nothing is published from it; build again"]
