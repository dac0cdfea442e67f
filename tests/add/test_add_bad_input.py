"""Bad input to `qawl add`: every problem listed as `error: FILE: PLACE: MESSAGE`, exit 1, no traceback,
and everything that could be read is added all the same (so a run after the fix adds only the rest)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.add.sources import PAGES, news_page, story, write_warc
from tests.conftest import REPO, invoke_qawl, mount_tmpfs

GOOD = "قال وزير الخارجية إن المحادثات مع الجانب الآخر كانت صريحة وبناءة، وإن جولة جديدة ستعقد الشهر المقبل في العاصمة.\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(REPO / "schema", root / "schema")
    return root


def errors(stderr: str) -> list[str]:
    lines = stderr.splitlines()
    assert "Traceback" not in stderr, stderr
    return [line for line in lines if line.startswith("error: ")]


def test_every_bad_row_and_file_is_listed_and_the_good_ones_added(project: Path, tmp_path: Path) -> None:
    jsonl = tmp_path / "api.jsonl"
    jsonl.write_text(
        "\n".join(
            [
                json.dumps({"id": "ok-1", "text": GOOD}, ensure_ascii=False),
                '{"id": "broken", "text": "نص',
                json.dumps(["not", "an", "object"]),
                json.dumps({"id": "no-text", "body": GOOD}, ensure_ascii=False),
                json.dumps({"id": "bad-date", "text": GOOD + "ثانية\n", "date": "أمس"}, ensure_ascii=False),
                json.dumps({"id": "bad-url", "text": GOOD + "ثالثة\n", "url": "www.example.com/a"}, ensure_ascii=False),
                json.dumps({"id": "invisible", "text": "\u200b\u200f\u064e"}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, [("https://wire.example/a", news_page("خبر", "https://wire.example/a", "2024-04-07", story("wire")), "200 OK", "text/html")])
    truncated = tmp_path / "truncated.warc.gz"
    truncated.write_bytes(warc.read_bytes()[:-200])
    corrupt = tmp_path / "corrupt.warc"
    write_warc(corrupt, [("https://wire.example/b", news_page("خبر", "https://wire.example/b", "2024-04-07", story("wire_changed_lead")), "200 OK", "text/html")], compressed=False)
    raw = corrupt.read_bytes()
    at = raw.index("كركوك".encode())
    corrupt.write_bytes(raw[:at] + b"X" + raw[at + 1 :])  # one byte of the page changed: its digest no longer matches
    latin1 = tmp_path / "old.txt"
    latin1.write_bytes("قال".encode() + b"\xe9t\xe9\n")
    unknown = tmp_path / "notes.docx"
    unknown.write_bytes(b"PK\x03\x04")
    done = invoke_qawl("add", str(jsonl), str(truncated), str(corrupt), str(latin1), str(unknown), str(tmp_path / "missing"), "--workers", "1", cwd=project)
    assert done.returncode == 1
    # how far short the truncated record is depends on how well its gzip member compressed (its headers carry the time)
    assert sorted(re.sub(r"ends \d+ byte", "ends N byte", line) for line in errors(done.stderr)) == sorted([
        f"error: {jsonl}: line 2: not JSON (unexpected control character in string: line 1 column 29 (char 28))",
        f"error: {jsonl}: line 3: a JSON list, not an object with one article",
        f"error: {jsonl}: line 4: no article text in column 'text'",
        f"error: {jsonl}: line 5: date 'أمس' in column 'date' is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD, a time may follow)",
        f"error: {jsonl}: line 6: url 'www.example.com/a' in column 'url' is not an http(s) URL",
        f"error: {jsonl}: line 7: no visible letter (only invisible characters: zero-width, bidi controls, byte-order marks or diacritics): an empty article",
        f"error: {truncated}: record 2 (https://wire.example/a): the file ends N byte(s) before this record does (a truncated WARC file): not added",
        f"error: {corrupt}: record 2: not a readable WARC record (block digest failed: sha1:V6447P5QZBSYAIFUKAA2F52LRNAEIRV2); the records before it were read",
        f"error: {latin1}: byte 6 (line 1, column 7): not valid UTF-8 (invalid continuation byte: b'\\xe9t\\xe9\\n'); re-save the file as UTF-8",
        f"error: {unknown}: not a kind qawl add reads: give .html/.htm pages, .warc/.warc.gz/.arc/.arc.gz, .jsonl/.ndjson/.jsonl.gz/.csv/.parquet dumps or .txt files",
        f"error: {tmp_path / 'missing'}: no such file or folder",
    ])
    assert done.stderr.splitlines()[-1] == "some inputs were not added: 11 problem(s)"
    assert "rejected: not a readable article text 2" in done.stdout
    assert sorted(path.name for path in (project / "seeds").glob("*.txt")) == ["ok-1.txt"]


def test_a_column_named_but_absent_is_one_problem_for_the_file(project: Path, tmp_path: Path) -> None:
    dump = tmp_path / "export.csv"
    dump.write_text(f"id,body\n1,{GOOD.strip()}\n", encoding="utf-8")
    done = invoke_qawl("add", str(dump), "--text", "content", "--title", "headline", cwd=project)
    assert done.returncode == 1
    assert errors(done.stderr) == [
        f"error: {dump}: columns: no column 'content' (columns: body, id); name the right one with --text",
        f"error: {dump}: columns: no column 'headline' (columns: body, id); name the right one with --title",
    ]
    fixed = invoke_qawl("add", str(dump), "--text", "body", cwd=project)
    assert fixed.returncode == 0, fixed.stderr
    assert (project / "seeds" / "1.txt").read_text(encoding="utf-8") == GOOD.strip()  # the cell as it is


def test_a_doc_id_taken_by_another_text_is_not_replaced(project: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(json.dumps({"id": "story-1", "text": GOOD}, ensure_ascii=False) + "\n", encoding="utf-8")
    second.write_text(json.dumps({"id": "story-1", "text": "نص آخر تماماً عن موضوع مختلف في مدينة أخرى.\n"}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert invoke_qawl("add", str(first), cwd=project).returncode == 0
    done = invoke_qawl("add", str(second), cwd=project)
    assert done.returncode == 1
    assert errors(done.stderr) == [f"error: {second}: line 1: its doc_id 'story-1' is in seeds/ already, with a different text: not replaced (remove seeds/story-1.* first to replace it)"]
    assert (project / "seeds" / "story-1.txt").read_text(encoding="utf-8") == GOOD


def test_the_same_text_under_another_id_is_a_duplicate_not_added(project: Path, tmp_path: Path) -> None:
    dump = tmp_path / "a.jsonl"
    dump.write_text("".join(json.dumps({"id": doc_id, "text": GOOD}, ensure_ascii=False) + "\n" for doc_id in ("first", "copy")), encoding="utf-8")
    done = invoke_qawl("add", str(dump), cwd=project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "added 1 article(s) (0 into a near-duplicate group); 0 already added (nothing done); 1 duplicate(s) of a seed's text (not added)"
    assert sorted(path.name for path in (project / "seeds").glob("*.txt")) == ["first.txt"]


def test_a_page_without_an_article_is_skipped_and_counted(project: Path, tmp_path: Path) -> None:
    """A section page saved with the rest: its menu alone must not become an article."""
    section = tmp_path / "section.html"
    section.write_text('<html lang="ar" dir="rtl"><body><nav><a href="/">الرئيسية</a> <a href="/politics">سياسة</a></nav><img src="a.png"></body></html>', encoding="utf-8")
    done = invoke_qawl("add", str(section), cwd=project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1] == "skipped: page without an article (under 25 words extracted) 1"
    assert not list((project / "seeds").glob("*.txt"))


def test_a_full_disk_is_named_for_each_article_and_what_was_written_is_whole(tmp_path: Path) -> None:
    """ENOSPC while seeds are written: each article not written is listed, no traceback, and every seed
    there has its sidecar and no temporary file is left (a second run after making room adds the rest)."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "schema", root / "schema")
    disk = root / "seeds"
    mount_tmpfs(disk, "size=64k")
    try:
        done = invoke_qawl("add", str(PAGES), "--workers", "1", cwd=root)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        failures = errors(done.stderr)
        assert failures and all(line.endswith("No space left on device") for line in failures), failures
        written = sorted(path.name.removesuffix(".txt") for path in disk.glob("*.txt"))
        assert written and len(written) + len(failures) == 10
        assert sorted(path.name.removesuffix(".meta.json") for path in disk.glob("*.meta.json")) == written
        assert sorted(path.name.removesuffix(".html.gz") for path in (disk / "raw").glob("*")) == written
        assert not [path for path in disk.rglob("*") if path.name.endswith(".tmp")]
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_a_fifo_is_refused_unopened_and_a_page_or_text_above_the_limit_is_refused(project: Path, tmp_path: Path) -> None:
    """A FIFO among the saved pages would hang the read; pages, text files and a dump's texts keep to the
    project's max_article_bytes, as seeds do."""
    dataset = project / "schema" / "dataset.json"
    dataset.write_text(json.dumps({**json.loads(dataset.read_text(encoding="utf-8")), "max_article_bytes": 2000}), encoding="utf-8")
    folder = tmp_path / "incoming"
    folder.mkdir()
    os.mkfifo(folder / "pipe.html")
    os.mkfifo(folder / "pipe.jsonl")
    (folder / "big.html").write_bytes(news_page("خبر", "https://wire.example/big", "2024-04-07", story("wire") * 3))
    (folder / "long.jsonl").write_text(json.dumps({"id": "long", "text": GOOD * 20}, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / "short.txt").write_text(GOOD, encoding="utf-8")
    done = invoke_qawl("add", str(folder), "--workers", "1", cwd=project)
    assert done.returncode == 1
    size = (folder / "big.html").stat().st_size
    assert sorted(errors(done.stderr)) == [
        f"error: {folder / 'big.html'}: {size} bytes, above the limit of 2000 bytes per article (max_article_bytes in schema/dataset.json)",
        f"error: {folder / 'long.jsonl'}: line 1: the article's text is {len((GOOD * 20).encode())} bytes, above the limit of 2000 bytes per article (max_article_bytes in schema/dataset.json): not added",
        f"error: {folder / 'pipe.html'}: not a regular file (a FIFO): only regular files are read",
        f"error: {folder / 'pipe.jsonl'}: not a regular file (a FIFO, a device or a socket): only regular files are read",
    ]
    assert sorted(path.name for path in (project / "seeds").glob("*.txt")) == ["short.txt"]
