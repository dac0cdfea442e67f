"""qawl.publish: what its mutants changed (scripts/mutation.py, docs/mutation.md), on the pure parts of publishing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from qawl.publish import (
    ParquetShard,
    ShardWriter,
    ShardSize,
    file_sha256,
    label_maps,
    listed_file_problems,
    manifest_order,
    pin_problems,
    publishing_target,
    shard_path,
    shards_pattern,
    split_tables,
    store_cache_entry,
    target_names,
    tree_differences,
    verify_written,
    with_target_names,
)
from qawl.schema import Schemas
from tests.conftest import REPO


def test_a_shard_ends_at_its_maximum_never_before_its_minimum_and_between_where_the_id_hashes_to_zero() -> None:
    size = ShardSize(minimum=2, mean=4, maximum=6)  # between: an id whose blake2b is 0 modulo 3 ends a shard
    assert [(doc_id, size.ends_with(doc_id, 3)) for doc_id in "abcdef"] == [
        ("a", False), ("b", False), ("c", True), ("d", False), ("e", False), ("f", True),
    ]
    assert size.ends_with("c", 2) and not size.ends_with("c", 1)  # at the minimum, not below
    assert size.ends_with("a", 6) and not size.ends_with("a", 5)  # at the maximum whatever the id, not below


def test_tables_of_several_documents_are_sliced_into_each_document_s_rows() -> None:
    tables = {"ner": pa.table({"n": [1, 2, 3, 4, 5]}), "quotes": pa.table({"q": ["a", "b"]})}
    parts = split_tables(tables, [{"ner": 2, "quotes": 0}, {"ner": 0, "quotes": 1}, {"ner": 3, "quotes": 1}])
    assert [{name: table.column(0).to_pylist() for name, table in part.items()} for part in parts] == [
        {"ner": [1, 2], "quotes": []},
        {"ner": [], "quotes": ["a"]},
        {"ner": [3, 4, 5], "quotes": ["b"]},
    ]


def test_manifest_entries_are_ordered_by_config_then_split_in_publishing_order_then_path() -> None:
    entries = [
        {"config": "ner", "split": "silver", "path": "ner/silver-00000.parquet"},
        {"config": "ner", "split": "test", "path": "ner/test-00000.parquet"},
        {"config": "documents", "split": "validation", "path": "documents/validation-00000.parquet"},
        {"config": "ner", "split": "train", "path": "ner/train-00001.parquet"},
        {"config": "ner", "split": "train", "path": "ner/train-00000.parquet"},
        {"config": "ner", "split": "validation", "path": "ner/validation-00000.parquet"},
    ]
    assert [entry["path"] for entry in manifest_order(entries)] == [
        "documents/validation-00000.parquet",
        "ner/train-00000.parquet",
        "ner/train-00001.parquet",
        "ner/validation-00000.parquet",
        "ner/test-00000.parquet",
        "ner/silver-00000.parquet",
    ]


def test_shard_paths_and_the_pattern_that_matches_them_and_no_other_split() -> None:
    assert shard_path("ner", "train", 1) == "ner/train-00001.parquet"
    assert shards_pattern("ner", "train") == "ner/train-*.parquet"


def test_a_pin_is_refused_only_on_a_document_without_gold_and_says_how_to_mend_it() -> None:
    assert pin_problems("seeds/a.json", gold=True, pin="test") == []
    assert pin_problems("seeds/a.json", gold=False, pin=None) == []
    assert [str(p) for p in pin_problems("seeds/a.json", gold=False, pin="test")] == [
        "seeds/a.json: /split: pins the document to 'test', but it has no gold layer: a document that no one has reviewed "
        "is published in split 'silver'; review it (annotations/<doc_id>.json) or remove the pin"
    ]


def test_stance_rows_carry_their_target_s_arabic_and_english_names() -> None:
    names = target_names({"targets": [{"id": "t1", "name_ar": "الحكومة", "name_en": "the government"}, {"id": "t2", "name_ar": "ب", "name_en": "b"}]})
    assert names == {"t1": ("الحكومة", "the government"), "t2": ("ب", "b")}
    assert with_target_names([{"id": "s1", "target": "t1"}], names) == [
        {"id": "s1", "target": "t1", "target_name_ar": "الحكومة", "target_name_en": "the government"}
    ]


def test_labels_json_maps_stance_labels_to_semeval_and_tweet_eval_and_names_every_class_label() -> None:
    maps = label_maps(Schemas(REPO / "schema"))
    assert maps["stance_labels"] == {
        "qawl": ["FAVOR", "AGAINST", "NONE"],
        "semeval2016_task6": {"FAVOR": "FAVOR", "AGAINST": "AGAINST", "NONE": "NONE"},
        "tweet_eval_stance_ids": {"FAVOR": 2, "AGAINST": 1, "NONE": 0},
    }
    labels = maps["class_labels"]
    assert list(labels) == ["sentences", "documents", "ner", "quotes", "stance", "attributions"]
    assert labels["documents"] == {}
    assert list(labels["sentences"]) == ["entities.label", "quotes.type", "quotes.speaker.entity.label", "quotes.speaker.chain.label", "stance.label"]
    assert labels["attributions"] == {"label": labels["sentences"]["entities.label"], "stance.label": ["FAVOR", "AGAINST", "NONE"]}
    assert labels["ner"]["ner_tags"][:3] == ["O", "B-PERSON", "I-PERSON"]
    assert labels["quotes"]["speaker_entity.label"] == labels["sentences"]["entities.label"]
    assert maps["conll_entity_classes"]["PERSON"] == "PER" and maps["conll_entity_classes"]["DATE"] is None


def test_written_files_are_reread_for_their_bytes_their_parquet_and_their_rows(tmp_path: Path) -> None:
    pq.write_table(pa.table({"n": [1, 2, 3]}), tmp_path / "a.parquet")
    (tmp_path / "b.parquet").write_bytes(b"not parquet")
    a, b = file_sha256(tmp_path / "a.parquet"), file_sha256(tmp_path / "b.parquet")
    assert verify_written(tmp_path, [{"path": "a.parquet", "sha256": a, "rows": 3}]) == []
    problems = verify_written(tmp_path, [
        {"path": "a.parquet", "sha256": a, "rows": 4},
        {"path": "a.parquet", "sha256": b, "rows": 3},
        {"path": "b.parquet", "sha256": b, "rows": 0},
        {"path": "c.parquet", "sha256": a, "rows": 3},
    ])
    assert [(p.file, p.message.split(":")[0]) for p in problems] == [
        (str(tmp_path / "a.parquet"), "has 3 rows, 4 were written"),
        (str(tmp_path / "a.parquet"), "sha256 of the written file differs from the one recorded when it was written"),
        (str(tmp_path / "b.parquet"), "written file is not readable Parquet"),
        (str(tmp_path / "c.parquet"), "written file is not readable Parquet"),
    ]
    assert [str(p) for p in listed_file_problems(tmp_path, [
        {"path": "a.parquet", "sha256": a}, {"path": "a.parquet", "sha256": b}, {"path": "c.parquet", "sha256": a},
    ])] == [
        f"{tmp_path / 'a.parquet'}: sha256 differs from manifest.json: the file was changed after the build",
        f"{tmp_path / 'c.parquet'}: listed in manifest.json but missing",
    ]


def test_two_trees_differ_by_missing_extra_and_changed_files(tmp_path: Path) -> None:
    expected, actual = tmp_path / "expected", tmp_path / "actual"
    for root, files in ((expected, {"same": "x", "sub/changed": "1", "missing": "m"}), (actual, {"same": "x", "sub/changed": "2", "extra": "e"})):
        for name, content in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(content)
    assert tree_differences(expected, actual) == ["missing: missing", "extra: not produced by the sources", "sub/changed: content differs"]
    assert tree_differences(expected, tmp_path / "absent") == ["missing: missing", "same: missing", "sub/changed: missing"]


def test_a_corpus_can_be_published_only_as_a_directory_and_a_link_to_one_is_followed(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    (tmp_path / "real").mkdir()
    (tmp_path / "to-real").symlink_to(tmp_path / "real")
    (tmp_path / "to-file").symlink_to(tmp_path / "file")
    assert publishing_target(tmp_path / "to-real") == (tmp_path / "real", [])
    assert publishing_target(tmp_path / "new") == (tmp_path / "new", [])
    target, problems = publishing_target(tmp_path / "file")
    assert [str(p) for p in problems] == [f"{tmp_path / 'file'}: not a directory: move it away, a build publishes a directory here"]
    target, problems = publishing_target(tmp_path / "to-file")
    assert [str(p) for p in problems] == [f"{tmp_path / 'to-file'}: a symbolic link to {tmp_path / 'file'}, which is not a directory"]


def test_a_shard_records_its_arrow_bytes_as_a_whole_number(tmp_path: Path) -> None:
    table = pa.table({"n": pa.array([1, None, 3], pa.int32()), "s": ["ab", "c", "d"]})
    shard = ParquetShard(tmp_path / "s.parquet", table.schema)
    shard.add(table)
    facts = shard.close()
    assert json.dumps({"rows": facts["rows"], "bytes": facts["bytes"]}) == '{"rows": 3, "bytes": 29}'  # 1 + 12, 12 + 4


def test_a_cache_that_cannot_be_written_is_a_warning_not_an_error(tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("a file where the cache directory should be")
    source = tmp_path / "a.parquet"
    source.write_bytes(b"x")
    warning = store_cache_entry(tmp_path / "cache" / "entry", {"a.parquet": source})
    assert warning == f"{tmp_path / 'cache'}: cannot write to the cache (Not a directory); the build goes on without storing what it computes"


def test_a_shard_with_a_document_that_has_no_key_is_never_stored_in_the_cache(tmp_path: Path) -> None:
    """A document without a key is never reused (`add_document`), so no shard holding it may come from the cache."""
    table = pa.table({"id": ["d1-0", "d1-1"], "n": pa.array([1, 2], pa.int32())})

    def cached_entries(keys: list[str | None]) -> list[str]:
        cache = tmp_path / "cache" / "-".join(map(str, keys))
        writer = ShardWriter(tmp_path / "out", {"ner": table.schema}, "train", 0, "1.0.0", cache)
        (tmp_path / "out" / "ner").mkdir(parents=True, exist_ok=True)
        for key in keys:
            writer.add_document({"ner": table}, key)
        writer.close()
        return sorted(path.name for path in cache.iterdir()) if cache.exists() else []

    assert len(cached_entries(["k1", "k2"])) == 1  # every document keyed: the shard is stored
    assert cached_entries(["k1", None]) == []


# A shard of one full row group written under a file-size limit (RLIMIT_FSIZE) that its rows fit under and its footer,
# which pyarrow writes when the file is closed, does not: the kernel refuses that last write as it would on a full disk.
_SHARD_FOOTER_TOO_LARGE = """
import os, resource, signal, sys
from pathlib import Path
import pyarrow as pa
from qawl.publish import ROW_GROUP_SIZE, ParquetShard, WriteFailed
rows = pa.table({"text": [f"جملة {n}" for n in range(ROW_GROUP_SIZE)]})
shard = ParquetShard(Path(sys.argv[1]), rows.schema)
shard.add(rows)
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills the writer
resource.setrlimit(resource.RLIMIT_FSIZE, (os.path.getsize(sys.argv[1]) + 16, resource.RLIM_INFINITY))
try:
    shard.close()
except WriteFailed as failed:
    print(failed.problem(Path("corpus")))
"""


def test_a_shard_whose_footer_cannot_be_written_is_named_by_its_path(tmp_path: Path) -> None:
    path = tmp_path / "ner" / "train-00000.parquet"
    done = subprocess.run([sys.executable, "-c", _SHARD_FOOTER_TOO_LARGE, str(path)], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"{path}: cannot write the new corpus: File too large; corpus was left untouched\n"
