"""The review page shows a quote's FAVOR/AGAINST stances in the text, where the quote ends."""

from __future__ import annotations

import hashlib
import re
from html import unescape
from pathlib import Path

from qawl.ingest import Document
from qawl.review.html import render_page
from qawl.review.regions import Vocabulary
from qawl.schema import Schemas

REPO = Path(__file__).resolve().parents[2]
NAMES = {"presence": "وجود القوات", "arms": "حصر السلاح"}


def test_a_quotes_polar_stances_follow_it_in_the_text_and_none_stays_in_the_table() -> None:
    text = 'قال الوزير إن "بقاء القوات ضروري" للبلاد. وأكد النائب أن الأمر منتهٍ.\n'
    sha = hashlib.sha256(text.encode()).hexdigest()

    def span(needle: str) -> dict:
        start = text.index(needle)
        return {"start": start, "end": start + len(needle), "text": needle}

    provenance = {"source": "manual", "status": "gold", "annotator": "t", "time": "2026-12-02T00:00:00Z"}

    def quote(n: int, content: str, cue: str, speaker: str) -> dict:
        return {"id": f"q{n}", "type": "mixed", "content": span(content), "cue": span(cue),
                "speaker": {"kind": "named", "mention": span(speaker), "entity": None}, "outlet": None, "provenance": provenance}

    def stance(n: int, quote_id: str, target: str, label: str) -> dict:
        return {"id": f"s{n}", "target": target, "label": label, "holder": {"kind": "speaker", "quote": quote_id},
                "evidence": {"quote": quote_id, "span": None}, "provenance": provenance}

    layer = {
        "schema_version": "1.0.0", "doc_id": "d", "sha256": sha, "entities": [],
        "quotes": [quote(1, '"بقاء القوات ضروري" للبلاد', "قال", "الوزير"), quote(2, "الأمر منتهٍ", "أكد", "النائب")],
        "stance": [stance(1, "q1", "presence", "FAVOR"), stance(2, "q1", "arms", "NONE"), stance(3, "q2", "arms", "AGAINST"), stance(4, "q2", "presence", "NONE")],
    }
    vocabulary = Vocabulary.load(Schemas(REPO / "schema"), NAMES, NAMES)
    page = render_page(Document("d", text, sha, "seeds/d.txt", {}), "gold", layer, vocabulary)
    article = page.split('<article class="text" lang="ar" dir="rtl">')[1].split("</article>")[0]
    shown = re.findall(r'data-quote="(q\d)">([^<]*)</span><sup class="q-stance" dir="rtl">\[(.*?)\]</sup>', article)
    assert [(q, unescape(end), unescape(re.sub(r"<[^>]+>", "", inner))) for q, end, inner in shown] == [
        ("q1", '"بقاء القوات ضروري" للبلاد', "وجود القوات:\xa0FAVOR"),
        ("q2", "الأمر منتهٍ", "حصر السلاح:\xa0AGAINST"),
    ]
    assert 'title="presence">وجود القوات</span>:&nbsp;<span dir="ltr">FAVOR</span>' in article
