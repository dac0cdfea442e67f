"""Manual review: Label Studio and brat round trips, an RTL HTML review page, agreement.

`qawl review export|import|agreement` (see `commands.py`). Import never loses
work: spans are checked against the frozen text, the previous annotation file
is kept in annotations/.history/, every change goes to annotations/review-log.jsonl.
"""

from qawl.review.agreement import agreement

__all__ = ["agreement"]
