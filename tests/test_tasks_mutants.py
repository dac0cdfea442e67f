"""qawl.tasks: what the mutants that survived tests/test_tasks.py changed (scripts/mutation.py, docs/mutation.md)."""

from __future__ import annotations

from qawl.tasks import derive_ner
from tests.test_tasks import _row


def test_the_ner_config_has_the_sentences_of_annotated_documents_only() -> None:
    sentences = []
    for sentence_id, status in (("s1", "gold"), ("s2", "unannotated"), ("s3", "silver")):
        row = _row("زار الوزير بغداد", ["زار", "الوزير", "بغداد"], [("بغداد", "GPE")])
        sentences.append({**row, "sentence_id": sentence_id, "doc_id": "d", "status": status})
    rows = derive_ner({"doc_id": "d"}, sentences)
    assert [(row["id"], row["status"], row["ner_tags"]) for row in rows] == [
        ("s1", "gold", ["O", "O", "B-GPE"]),
        ("s3", "silver", ["O", "O", "B-GPE"]),
    ]
