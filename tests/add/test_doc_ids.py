"""doc_ids from URLs, ids and file names: stable, of the allowed form, and distinct where their keys differ."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qawl.add.doc_ids import derive_doc_id, normalise
from qawl.ingest import DOC_ID, DOC_ID_FORBIDDEN, RESERVED_DOC_IDS

PAGE = "https://www.rafidain-news.example/politics/2024/03/12/budget-vote"


def test_one_article_at_variants_of_its_url_has_one_doc_id() -> None:
    variants = [PAGE, PAGE + "/", PAGE.replace("https://www.", "http://"), PAGE + "?utm_source=facebook&fbclid=x", PAGE + "#comments"]
    assert {derive_doc_id(None, url, "page") for url in variants} == {"rafidain-news.example-politics-2024-03-12-budget-vote-1e7b51c930"}
    assert derive_doc_id(None, PAGE + "?id=2", "page") != derive_doc_id(None, PAGE + "?id=3", "page")


def test_an_allowed_key_is_kept_and_any_other_gets_a_hash() -> None:
    assert normalise("000_c4096c0fdb543a3e") == "000_c4096c0fdb543a3e"
    assert derive_doc_id("api-2024-0001", PAGE, "dump") == "api-2024-0001"
    assert normalise("خبر عاجل") == "doc-9c66cba54d"
    assert normalise("targets") == "targets-26cafb9400"
    assert normalise("a..b") == "a.b-f62b42414c"


@given(st.text(min_size=1, max_size=400))
def test_every_key_gives_an_allowed_doc_id(key: str) -> None:
    doc_id = normalise(key)
    assert DOC_ID.fullmatch(doc_id) and not DOC_ID_FORBIDDEN.search(doc_id) and doc_id not in RESERVED_DOC_IDS
    assert normalise(key) == doc_id
