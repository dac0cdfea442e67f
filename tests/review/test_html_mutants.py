"""qawl.review.html: what the mutants that survived its tests changed (docs/mutation.md).

The page of the test article (silver, q2 without a cue), pinned where a mutant changed it: the quote,
chain (empty here) and author-stance tables whole, the end of a quote in the text, the evidence spans, the legend, the head.
"""

from __future__ import annotations

import hashlib
import re

import pytest

from qawl.ingest import Document
from qawl.review.html import render_page
from tests.review.conftest import ARTICLE, DOC_ID, SILVER, article_layer
from tests.review.conftest import run_review
from tests.review.test_html import vocabulary
from tests.review.test_review_chains import SEED, make_seed_project
from tests.test_multi_sentence_quotes import DOC_ID as MULTI_ID
from tests.test_multi_sentence_quotes import TEXT as MULTI_TEXT
from tests.test_multi_sentence_quotes import layer as multi_sentence_layer

QUOTE_END = '<mark class="ent ent-GPE silver" data-id="e4" title="GPE e4 · silver · auto:test@1.0 · test · 2025-01-10T08:00:00Z"><span class="part p-content silver" title="q1 content">العراق</span></mark><span class="part p-content silver q-end" title="q1 content" data-quote="q1"> يرفض بقاء القوات الأجنبية على أراضيه</span><sup class="q-stance" dir="rtl">[<span dir="auto" title="us_coalition_presence_iraq">us_coalition_presence_iraq</span>:&nbsp;<span dir="ltr">AGAINST</span>]</sup>'

EVIDENCE = '\n<span class="part p-evidence silver" title="s3 evidence">ويرى مراقبون أن انسحاب القوات سيترك فراغاً أمنياً ب</span><mark class="ent ent-GPE silver" data-id="e6" title="GPE e6 · silver · auto:test@1.0 · test · 2025-01-10T08:00:00Z"><span class="part p-evidence silver" title="s3 evidence">العراق</span></mark><span class="part p-evidence silver" title="s3 evidence">.</span>\n'

TABLES = '<table class="quotes"><caption>الاقتباسات والموقف</caption>\n<tr><th>id</th><th>النوع</th><th>القائل</th><th>فعل القول</th><th>الوسيلة</th><th>النص</th><th>الموقف</th><th>المصدر</th></tr>\n<tr class="quote silver" data-id="q1"><td class="id">q1</td><td><span dir="ltr">direct</span></td><td><span dir="auto">فؤاد حسين</span> → <span dir="auto">فؤاد حسين</span> <span dir="ltr">(PERSON e2)</span> <span dir="ltr">[named]</span></td><td>قال</td><td>العربي الجديد</td><td>العراق يرفض بقاء القوات الأجنبية على أراضيه</td><td><div class="stance-line"><span dir="auto" title="us_coalition_presence_iraq">us_coalition_presence_iraq</span>:&nbsp;<span dir="ltr">AGAINST</span>&nbsp;(<span dir="ltr">speaker</span>)</div></td><td class="id">silver · auto:test@1.0 · test · 2025-01-10T08:00:00Z</td></tr>\n<tr class="quote silver" data-id="q2"><td class="id">q2</td><td><span dir="ltr">indirect</span></td><td><span dir="auto">مسؤول حكومي عراقي</span> <span dir="ltr">[anonymous]</span></td><td>—</td><td>—</td><td>الحكومة ستواصل الحوار مع واشنطن 😀 بشأن الانسحاب</td><td><div class="stance-line"><span dir="auto" title="us_iraq_strategic_partnership">us_iraq_strategic_partnership</span>:&nbsp;<span dir="ltr">FAVOR</span>&nbsp;(<span dir="ltr">speaker</span>)</div></td><td class="id">silver · auto:test@1.0 · test · 2025-01-10T08:00:00Z</td></tr>\n<tr class="quote silver" data-id="q3"><td class="id">q3</td><td><span dir="ltr">indirect</span></td><td><span dir="auto">الحساب الرسمي</span> <span dir="ltr">[anonymous]</span></td><td>كتب</td><td>منصة 𝕏</td><td>الزيارة تستمر يومين</td><td>—</td><td class="id">silver · auto:test@1.0 · test · 2025-01-10T08:00:00Z</td></tr>\n</table>\n<table class="chains"><caption>سلاسل الكيانات</caption>\n<tr><th>id</th><th>الاسم</th><th>النوع</th><th>الإشارات</th><th>المصدر</th></tr>\n\n</table>\n<table class="author-stance"><caption>موقف الكاتب وأدلة الموقف</caption>\n<tr><th>id</th><th>الهدف</th><th>الموقف</th><th>صاحب الموقف</th><th>الدليل</th><th>المصدر</th></tr>\n<tr class="stance silver" data-id="s3"><td class="id">s3</td><td><span dir="auto" title="us_coalition_presence_iraq">us_coalition_presence_iraq</span></td><td><span dir="ltr">FAVOR</span></td><td><span dir="ltr">author</span></td><td>ويرى مراقبون أن انسحاب القوات سيترك فراغاً أمنياً بالعراق.</td><td class="id">silver · auto:test@1.0 · test · 2025-01-10T08:00:00Z</td></tr>\n</table>\n'


@pytest.fixture(scope="module")
def page() -> str:
    layer = article_layer(SILVER)
    layer["quotes"][1]["cue"] = None
    document = Document(DOC_ID, ARTICLE, hashlib.sha256(ARTICLE.encode()).hexdigest(), "seeds/rev_001.txt", {"title": "T"})
    return render_page(document, "silver", layer, vocabulary())


def test_the_tables_show_every_quote_and_author_stance_with_their_classes_and_dashes_for_what_is_missing(page: str) -> None:
    assert page[page.index('<table class="quotes"'):page.index("</body>")] == TABLES


def test_a_quote_ends_with_its_marker_and_its_polar_stance_in_the_text(page: str) -> None:
    assert QUOTE_END in page


def test_an_author_stance_evidence_is_underlined_in_the_text(page: str) -> None:
    assert page[page.index('\n<span class="part p-evidence'):page.index("</article>")] == EVIDENCE


def test_the_head_title_status_and_legend(page: str) -> None:
    assert "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n<title>T</title>" in page
    assert ".ent-GPE { background-color: #caffbf; }\n.ent-LOC { background-color: #a0c4ff; }" in page
    assert '<header><h1><span dir="auto">T</span></h1>' in page
    assert '<span class="swatch status-gold" dir="ltr">gold (<span dir="rtl">بشري</span>)</span></div>\n<article class="text"' in page


# The seed's gold page (12 chains): what the chain mutants changed, pinned whole (tests/review/test_review_chains.py has its shape).
SEED_CHAIN_CSS = '.chain-1 { box-shadow: inset 0 -4px 0 hsl(137.5 75% 40%); }\n.chain-2 { box-shadow: inset 0 -4px 0 hsl(275.0 75% 40%); }\n.chain-3 { box-shadow: inset 0 -4px 0 hsl(52.5 75% 40%); }\n.chain-4 { box-shadow: inset 0 -4px 0 hsl(190.0 75% 40%); }\n.chain-5 { box-shadow: inset 0 -4px 0 hsl(327.5 75% 40%); }\n.chain-6 { box-shadow: inset 0 -4px 0 hsl(105.0 75% 40%); }\n.chain-7 { box-shadow: inset 0 -4px 0 hsl(242.6 75% 40%); }\n.chain-8 { box-shadow: inset 0 -4px 0 hsl(20.1 75% 40%); }\n.chain-9 { box-shadow: inset 0 -4px 0 hsl(157.6 75% 40%); }\n.chain-10 { box-shadow: inset 0 -4px 0 hsl(295.1 75% 40%); }\n.chain-11 { box-shadow: inset 0 -4px 0 hsl(72.6 75% 40%); }\n.chain-12 { box-shadow: inset 0 -4px 0 hsl(210.1 75% 40%); }'

SEED_C5_ROW = '<tr class="chain" data-id="c5"><td class="id"><span class="chain-5">c5</span></td><td>السفارة الأميركية</td><td><span dir="ltr">ORG</span></td><td><span dir="auto">لسفارة الأميركية</span> <span dir="ltr">e21</span> · <span dir="auto">السفارة الأميركية</span> <span dir="ltr">e58</span></td><td class="id">gold · manual · qawl-chains · 2026-12-03T01:30:00Z</td></tr>'

SEED_E58_MARK = '<mark class="ent ent-ORG chain chain-5" data-id="e58" title="ORG e58 · gold · manual · adjudicator · 2026-11-29T03:25:12Z · chain c5 السفارة الأميركية: لسفارة الأميركية · السفارة الأميركية">'


@pytest.fixture(scope="module")
def seed_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    project = make_seed_project(tmp_path_factory.mktemp("seed") / "project")
    out = project.root / "html"
    assert run_review(project, "export", "--format", "html", "--out", str(out)).returncode == 0
    return (out / f"{SEED}.html").read_text(encoding="utf-8")


def test_each_chain_of_the_seed_has_a_golden_angle_hue_class_by_position(seed_page: str) -> None:
    assert "\n".join(line for line in seed_page.split("\n") if line.startswith(".chain-")) == SEED_CHAIN_CSS


def test_a_chain_row_shows_its_id_in_its_hue_name_label_mentions_in_order_and_provenance(seed_page: str) -> None:
    assert SEED_C5_ROW in seed_page.split("\n")


def test_a_chained_mention_carries_its_chain_class_and_names_the_chain_and_its_mentions_on_hover(seed_page: str) -> None:
    assert SEED_E58_MARK in seed_page


def test_a_quote_in_parts_and_a_nested_quote_are_shown_part_by_part_and_with_the_quote_that_reports_them() -> None:
    quotes = {**multi_sentence_layer(), "stance": []}  # q2 in two parts; q4 reported by q3
    page = render_page(Document(MULTI_ID, MULTI_TEXT, quotes["sha256"], "seeds"), "gold", quotes, vocabulary())
    assert sorted(set(re.findall(r'title="(q\d content[^"]*)"', page))) == [
        "q1 content", "q2 content (part 1 of 2)", "q2 content (part 2 of 2)", "q3 content", "q3 content; q4 content, reported by q3", "q3 content; q4 cue",
        "q3 content; q4 speaker",
    ]
    assert "<td>المفاوضات مستمرة … والاتفاق قريب</td>" in page
    assert '<td>الحرب انتهت <span dir="ltr">(reported by q3)</span></td>' in page
