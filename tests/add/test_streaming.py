"""Dumps are read as a stream: what reading one holds at a time does not grow with its rows
(a dump larger than memory can be added)."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from qawl.add.dumps import dump_candidates
from qawl.add.sources import DumpColumns
from tests.add.sources import write_dumps

ROW_TEXT = "قال المتحدث باسم الحكومة إن الاجتماع المقبل سيعقد في العاصمة لبحث الملفات العالقة بين الطرفين. " * 5


def peak_while_reading(path: Path) -> tuple[int, int]:
    """Rows read from the dump at `path`, and the peak bytes Python held meanwhile (each row dropped once read)."""
    problems: list = []
    tracemalloc.start()
    try:
        rows = sum(1 for _ in dump_candidates(str(path), DumpColumns(), problems))
        return rows, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        assert problems == []


@pytest.mark.parametrize("kind", ["jsonl", "csv", "parquet"])
def test_ten_times_the_rows_do_not_take_ten_times_the_memory(tmp_path: Path, kind: str) -> None:
    def dump(rows: int) -> Path:
        made = [{"id": f"row-{n}", "title": f"خبر {n}", "url": f"https://example.com/{n}", "date": "2024-01-01", "text": f"{ROW_TEXT}{n}"} for n in range(rows)]
        return write_dumps(tmp_path / str(rows), made * 3)[kind]  # write_dumps puts a third of the rows in each kind

    small_rows, small_peak = peak_while_reading(dump(3000))
    large_rows, large_peak = peak_while_reading(dump(30000))
    assert (small_rows, large_rows) == (3000, 30000)
    assert large_peak < 2 * small_peak, (small_peak, large_peak)
