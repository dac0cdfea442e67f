"""Publish: Parquet shards whose bytes and manifest facts depend on the rows alone."""

from __future__ import annotations

import pyarrow as pa

from qawl.publish import ParquetShard, verify_written
from qawl.schema import Problem


def _through_ipc(table: pa.Table) -> pa.Table:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return pa.ipc.open_stream(sink.getvalue()).read_all()


def test_a_shard_counts_the_same_bytes_for_a_slice_and_its_ipc_copy(tmp_path) -> None:
    """A document's rows stay a slice of its batch's table in a one-process build and arrive as an IPC copy from workers."""
    batch = pa.table({"id": [f"d-{n}" for n in range(16)], "heading": [n % 3 == 0 for n in range(16)]})
    document = batch.slice(3, 8)  # bits 3 to 10 of the batch's booleans: two bytes of its buffer, one once copied
    facts = []
    for n, table in enumerate((document, _through_ipc(document))):
        shard = ParquetShard(tmp_path / f"{n}.parquet", batch.schema)
        shard.add(table)
        facts.append(shard.close())
    assert facts[0] == facts[1]


def test_a_shard_s_size_depends_on_its_rows_not_on_what_they_were_sliced_from(tmp_path) -> None:
    schema = pa.schema([("n", pa.int32()), ("span", pa.struct([("start", pa.int32()), ("text", pa.string())]))])
    rows = [{"n": 1, "span": {"start": 0, "text": "قال"}}, {"n": 2, "span": {"start": 4, "text": "إن"}}]
    alone = pa.Table.from_pylist(rows, schema=schema)
    sliced = pa.Table.from_pylist([*rows, {"n": None, "span": {"start": None, "text": None}}], schema=schema).slice(0, 2)
    assert sliced.equals(alone) and sliced.nbytes != alone.nbytes  # the slice keeps its parent's validity bitmaps
    written = []
    for name, table in (("alone", alone), ("sliced", sliced)):
        shard = ParquetShard(tmp_path / f"{name}.parquet", schema)
        shard.add(table)
        written.append(shard.close())
    assert written[0] == written[1]
    assert written[0]["bytes"] == alone.nbytes  # built afresh, the rows have no bitmap to count


def test_written_files_are_checked_by_their_bytes_not_only_their_row_count(tmp_path) -> None:
    """A file with the rows the writer counted, but not the bytes it hashed, is refused before it is published."""
    schema = pa.schema([("text", pa.string())])
    facts = {}
    for name, words in (("written", ["قال", "إن"]), ("other", ["قالت", "إنها"])):
        shard = ParquetShard(tmp_path / f"{name}.parquet", schema)
        shard.add(pa.table({"text": words}, schema=schema))
        facts[name] = shard.close()
    assert facts["written"]["rows"] == facts["other"]["rows"] == 2
    entry = {"path": "written.parquet", **facts["written"]}
    assert verify_written(tmp_path, [entry]) == []
    (tmp_path / "written.parquet").write_bytes((tmp_path / "other.parquet").read_bytes())  # as a bad copy would leave it
    assert verify_written(tmp_path, [entry]) == [
        Problem(str(tmp_path / "written.parquet"), "", "sha256 of the written file differs from the one recorded when it was written")
    ]
