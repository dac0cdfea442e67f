"""Splits are a fixed function of a document's id and status: a table of ids pins where each gold document is published.

train, validation and test hold gold (human-reviewed) documents only, each placed by a hash of
its doc_id unless its sidecar pins it; every other document is published in `silver`.
"""

from __future__ import annotations

import json

import pytest

from qawl.publish import pin_problems, split_of
from tests.conftest import REPO

SHARES = {"train": 80, "validation": 10, "test": 10}

# Where each of these documents is published once it is gold, computed once with the shares of
# schema/dataset.json. A change here moves published documents between splits: that is a new
# major version of the corpus, never a side effect.
GOLD_SPLITS = {
    "000_c4096c0fdb543a3e": "train",
    "001_6b86b273ff34fce1": "train",
    "002_d4735e3a265e16ee": "test",
    "003_4e07408562bedb8b": "validation",
    "004_4b227777d4dd1fc6": "test",
    "005_ef2d127de37b942b": "test",
    "006_e7f6c011776e8db7": "test",
    "007_7902699be42c8a8e": "train",
    "008_2c624232cdd22177": "train",
    "009_19581e27de7ced00": "train",
    "010_4a44dc15364204a8": "train",
    "011_4fc82b26aecb47d2": "train",
    "012_6b51d431df5d7f14": "validation",
    "013_3fdba35f04dc8c46": "validation",
    "014_8527a891e2241369": "train",
    "015_e629fa6598d73276": "train",
    "aljazeera-2024-05-01": "train",
    "بغداد-خبر-7": "validation",
}


def test_the_shares_are_those_the_table_was_computed_with() -> None:
    shares = json.loads((REPO / "schema" / "dataset.json").read_text(encoding="utf-8"))["splits"]
    assert shares == SHARES


@pytest.mark.parametrize(("doc_id", "split"), GOLD_SPLITS.items())
def test_each_gold_document_keeps_its_published_split(doc_id: str, split: str) -> None:
    assert split_of(doc_id, SHARES, gold=True) == split


@pytest.mark.parametrize("doc_id", GOLD_SPLITS)
def test_a_document_without_gold_is_in_silver_whatever_its_hash(doc_id: str) -> None:
    assert split_of(doc_id, SHARES, gold=False) == "silver"


def test_a_pin_overrides_the_hash_of_a_gold_document() -> None:
    assert split_of("000_c4096c0fdb543a3e", SHARES, gold=True, pin="test") == "test"
    assert split_of("002_d4735e3a265e16ee", SHARES, gold=True, pin="train") == "train"
    assert pin_problems("seeds/x.meta.json", gold=True, pin="test") == []


@pytest.mark.parametrize("pin", ["train", "validation", "test"])
def test_pinning_a_document_without_gold_is_an_error(pin: str) -> None:
    (problem,) = pin_problems("seeds/x.meta.json", gold=False, pin=pin)
    assert (problem.file, problem.place) == ("seeds/x.meta.json", "/split")
    assert f"pins the document to {pin!r}, but it has no gold layer" in problem.message
    assert split_of("x", SHARES, gold=False, pin=pin) == "silver"


def test_a_split_with_no_share_gets_no_document() -> None:
    only_train = {"train": 1, "validation": 0, "test": 0}
    assert {split_of(doc_id, only_train, gold=True) for doc_id in GOLD_SPLITS} == {"train"}
    no_validation = {"train": 80, "validation": 0, "test": 20}
    assert {doc_id: split_of(doc_id, no_validation, gold=True) for doc_id in GOLD_SPLITS if GOLD_SPLITS[doc_id] != "train"} == {
        doc_id: "test" for doc_id, split in GOLD_SPLITS.items() if split != "train"
    }
