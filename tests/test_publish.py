from __future__ import annotations

import pyarrow as pa

from qawl.publish import ParquetShard


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
