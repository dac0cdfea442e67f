"""Quote patterns, with Arabic examples written for these tests (none from the seed)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qawl.annotate import preannotate
from qawl.annotate.quotes import QuoteExtractor, _trimmed_end
from qawl.annotate.text import NormText, split_words
from qawl.segment import split_sentences


def quotes(text: str) -> list[dict[str, Any]]:
    layer = preannotate("test", text, "0" * 64)
    for q in layer["quotes"]:
        for key in ("content", "cue", "outlet"):
            span = q[key]
            if span:
                assert text[span["start"] : span["end"]] == span["text"]
    return layer["quotes"]


def text_of(span: dict[str, Any] | None) -> str | None:
    return span["text"] if span else None


def test_verb_subject_complementizer() -> None:
    (q,) = quotes("وقال وزير المالية خالد العنزي إن الموازنة ستقر قريباً.")
    assert q["type"] == "indirect"
    assert text_of(q["cue"]) == "قال"  # و outside the cue
    assert text_of(q["content"]) == "الموازنة ستقر قريباً"
    assert q["speaker"]["kind"] == "named" and text_of(q["speaker"]["mention"]) == "خالد العنزي"


def test_direct_with_guillemets_and_colon() -> None:
    (q,) = quotes("وقال محمد الدوري: «لن نقبل بالتقسيم».")
    assert q["type"] == "direct"
    assert text_of(q["content"]) == "لن نقبل بالتقسيم"


@pytest.mark.parametrize("marks", [("“", "”"), ('"', '"'), ("«", "»")])
def test_direct_after_complementizer_in_every_style(marks: tuple[str, str]) -> None:
    o, c = marks
    (q,) = quotes(f"وأكد سامي الحلو أن {o}الاتفاق صامد{c}.")
    assert q["type"] == "direct" and text_of(q["content"]) == "الاتفاق صامد"


def test_mixed_quote() -> None:
    (q,) = quotes('وقال علي الكردي إن الحكومة "لن تسمح بأي اعتداء" على البعثات.')
    assert q["type"] == "mixed"


def test_naming_quotes_stay_indirect() -> None:
    (q,) = quotes('وأوضح علي الكردي أن "الكتائب" انسحبت من المدينة.')
    assert q["type"] == "indirect"
    assert text_of(q["content"]).startswith('"الكتائب"')


def test_adverbial_cue_starts_new_quote_with_same_speaker_and_outlet() -> None:
    first, second = quotes('قال مسؤول أمني لـ"المدن" إن الطريق مقطوع، مشيراً إلى أن التعزيزات وصلت.')
    assert text_of(first["outlet"]) == "المدن" and text_of(second["outlet"]) == "المدن"
    assert text_of(second["cue"]) == "مشيراً"
    assert text_of(first["content"]) == "الطريق مقطوع"
    assert text_of(second["content"]) == "التعزيزات وصلت"
    assert second["speaker"]["mention"] == first["speaker"]["mention"]
    assert first["speaker"]["kind"] == "anonymous"


def test_adverbial_without_tanween_alef_and_missing_hamza() -> None:
    quotes_ = quotes("وقال يوسف الخطيب ان الحوار مستمر، مؤكدا ان الحل قريب.")
    assert [text_of(q["cue"]) for q in quotes_] == ["قال", "مؤكدا"]


def test_dropped_subject_resolves_to_previous_speaker() -> None:
    first, second = quotes("وقال يوسف الخطيب إن الحوار مستمر.\nوأشار إلى أن الجولة المقبلة في عمّان.")
    assert text_of(second["cue"]) == "أشار"
    assert second["speaker"]["mention"] == first["speaker"]["mention"]
    assert second["speaker"]["entity"] == first["speaker"]["entity"]


def test_subject_before_verb() -> None:
    (q,) = quotes("مصدر دبلوماسي غربي، قال إن المحادثات متعثرة.")
    assert text_of(q["speaker"]["mention"]) == "مصدر دبلوماسي غربي"
    assert q["speaker"]["kind"] == "anonymous"


def test_on_the_tongue_of() -> None:
    (q,) = quotes("وأكدت الحركة على لسان المتحدث باسمها حازم قاسمي أن التهدئة مستمرة.")
    assert text_of(q["cue"]) == "أكدت"
    assert text_of(q["speaker"]["mention"]) == "حازم قاسمي"


def test_reported_from_saying() -> None:
    (q,) = quotes("ونقلت صحيفة الرأي عن عماد الفايز قوله إن الأسعار ستنخفض.")
    assert text_of(q["speaker"]["mention"]) == "عماد الفايز"


def test_quote_first_then_verb() -> None:
    (q,) = quotes("«لن نتراجع»، قال هشام الزعبي.")
    assert q["type"] == "direct" and text_of(q["content"]) == "لن نتراجع"
    assert text_of(q["speaker"]["mention"]) == "هشام الزعبي"


def test_headline_colon_without_cue() -> None:
    (q,) = quotes("عماد الفايز: «الأسعار ستنخفض»")
    assert q["cue"] is None and text_of(q["content"]) == "الأسعار ستنخفض"


def test_according_to() -> None:
    (q,) = quotes("وسقط عشرة جرحى في الاشتباكات، بحسب الدفاع المدني.")
    assert text_of(q["cue"]) == "بحسب"
    assert text_of(q["content"]) == "وسقط عشرة جرحى في الاشتباكات"


def test_b_object_threat() -> None:
    (q,) = quotes("ولوّح النائب عماد الفايز بسحب الثقة من الحكومة.")
    assert text_of(q["content"]) == "سحب الثقة من الحكومة"


@pytest.mark.parametrize(
    "text",
    [
        'وأعلنت جماعة "الأحرار" موقفها من الانتخابات.',  # naming quotes, no cue
        "ترفض الفصائل التخلي عن سلاحها.",  # position without a reporting expression
        "اقرأ أيضاً: انفجار في ميناء العقبة",  # boilerplate with a colon, no quotation marks
        "المصدر: وكالة الأنباء الأردنية",
        "وجاء الوفد بين عمّان ودمشق.",  # بين is a preposition here, not بيّن
    ],
)
def test_no_quote(text: str) -> None:
    assert quotes(text) == []


def test_content_stays_in_one_sentence() -> None:
    found = quotes("وقال عماد الفايز إن الوضع صعب. ولكن الحياة تستمر.")
    assert [text_of(q["content"]) for q in found] == ["الوضع صعب"]


@pytest.mark.parametrize(
    "text",
    [
        "وقالَ الوزيرُ إنّ «الاتفاقَ» قريب. وأضافَ: نعم!\n  ـوأشار إلى أن الوفد وصل… وكانت الجلسة عاصفة.",
        "«قال» المتحدث.. ثم غادر؟ د. أحمد حضر\n\nعنوان بلا نقطة",
    ],
)
def test_sentence_words_are_the_document_words_inside_it(text: str) -> None:
    # `_sentences` slices the document's words: they must be the words of the sentence split alone.
    nt = NormText.of(text)
    for s in QuoteExtractor._sentences(nt, [(s.start, s.end) for s in split_sentences("", text)]):
        alone = split_words(s.norm)
        assert (s.texts, s.starts, s.ends, s.gaps[1:]) == (alone.texts, alone.starts, alone.ends, alone.gaps[1 : len(s.texts)])


ACCORDING_PIECES = ["بحسب", "حسب", "وفقا ل", "نقلا عن", "المصدر", "الوزاره", "قال", "،", ",", ".", " ", " ", "\n", ":", "ا", "وبحسب"]
EXTRACTOR = QuoteExtractor()


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(ACCORDING_PIECES), max_size=16))
def test_according_is_searched_where_it_can_match(pieces: list[str]) -> None:
    # `_according` searches from the last separator on: it must find what a search of the whole sentence finds.
    norm = "".join(pieces)
    found, whole = EXTRACTOR._according(norm), EXTRACTOR.according.search(norm)
    assert (found and (found.span(), found.group("who"))) == (whole and (whole.span(), whole.group("who")))


@pytest.mark.parametrize("marks", ["َ", "ّـ", "ـــ"])
def test_a_speaker_phrase_of_marks_only_names_no_one(marks: str) -> None:
    found = quotes(f"الاتفاق قريب جدا من الحل وفقا لـ {marks}")
    assert [(text_of(q["content"]), q["speaker"]["kind"]) for q in found] == [("الاتفاق قريب جدا من الحل", "unknown")]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet='"اب ', max_size=24))
def test_inside_a_quotation_is_what_pairing_marks_from_the_left_says(norm: str) -> None:
    # `quoted` bisects the marks instead of scanning every quotation per word (quadratic in a quote-dense
    # sentence); `mark_before` replaces rfind. Both must say what the scans said.
    sentence = QuoteExtractor._sentences(NormText.of(norm), [(0, len(norm))]) if norm.strip() else None
    s = next(sentence) if sentence else None
    if s is None or s.norm != norm:
        return
    regions = [m.span() for m in re.finditer(r'"[^"]*"', norm)]
    for position in range(len(norm) + 1):
        assert s.quoted(position) == any(a < position < b for a, b in regions), position
        assert s.mark_before(position) == norm.rfind('"', 0, position), position


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='"ا ،,\t', max_size=16), st.sampled_from([" ،,", '"', None]))
def test_trimmed_end_is_the_length_of_the_head_stripped(text: str, chars: str | None) -> None:
    for end in range(len(text) + 1):
        assert _trimmed_end(text, end, chars) == len(text[:end].rstrip(chars))


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        ("وأعلنت بلدية الزرقاء عن إغلاق السوق القديم مؤقتاً.", "أعلنت", "إغلاق السوق القديم مؤقتاً"),
        ("وكشف النائب سليم الحداد عن صفقة لشراء طائرات مسيّرة.", "كشف", "صفقة لشراء طائرات مسيّرة"),
        ("ودعا رئيس الرابطة كمال النجار الطلاب إلى مقاطعة الامتحانات.", "دعا", "مقاطعة الامتحانات"),
        ("وشدّد الأمين العام رامي الشريف على ضرورة الحوار.", "شدّد", "ضرورة الحوار"),
        ("وحذّرت نقابة الأطباء من انهيار القطاع الصحي.", "حذّرت", "انهيار القطاع الصحي"),
        ('وطالب النائب عادل الصافي الحكومة بـ"فتح تحقيق عاجل".', "طالب", "فتح تحقيق عاجل"),
        ("ويطالب سكان الحي البلدية بإصلاح الطريق.", "يطالب", "إصلاح الطريق"),
    ],
)
def test_cue_whose_complement_is_a_preposition(text: str, cue: str, content: str) -> None:
    (q,) = quotes(text)
    assert (text_of(q["cue"]), text_of(q["content"])) == (cue, content)


def test_a_preposition_inside_the_subject_does_not_start_the_content() -> None:
    (q,) = quotes("ودعا المبعوث الأممي إلى السودان ماركوس برينر الأطراف إلى وقف القتال.")
    assert text_of(q["content"]) == "وقف القتال"


@pytest.mark.parametrize(
    ("text", "contents"),
    [
        ('وقال سعيد المراكشي إن "الوضع خطير"، داعياً إلى تشكيل لجنة طوارئ.', ["الوضع خطير", "تشكيل لجنة طوارئ"]),
        ("وأضاف أن الأسعار ارتفعت، محذراً من موجة غلاء جديدة.", ["الأسعار ارتفعت", "موجة غلاء جديدة"]),
        ("وقالت جمعيات أهلية إن المخيم مكتظ، مطالبة الحكومة بفتح مخيم ثان.", ["المخيم مكتظ", "فتح مخيم ثان"]),
    ],
)
def test_second_cue_of_a_sentence_is_a_participle_with_a_preposition(text: str, contents: list[str]) -> None:
    found = quotes(text)
    assert [text_of(q["content"]) for q in found] == contents
    assert found[1]["speaker"]["mention"] == found[0]["speaker"]["mention"]


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        ("أعلنت وزارة الصحة الأردنية تسجيل إصابات جديدة بالحصبة.", "وزارة الصحة الأردنية", "تسجيل إصابات جديدة بالحصبة"),
        ("وأعلنت وزارة الداخلية المغربية أمس تفكيك شبكة لتهريب البشر.", "وزارة الداخلية المغربية", "تفكيك شبكة لتهريب البشر"),
        ("ونفى وزير الإعلام كمال النجار وجود أي رقابة على الصحف.", "كمال النجار", "وجود أي رقابة على الصحف"),
    ],
)
def test_verb_subject_object_noun_phrase(text: str, speaker: str, content: str) -> None:
    (q,) = quotes(text)
    assert (text_of(q["speaker"]["mention"]), text_of(q["content"])) == (speaker, content)


@pytest.mark.parametrize(
    "text",
    [
        "وأكد وزير الخارجية كمال النجار خلال لقائه نظيره الأردني في عمّان.",  # no object: an adverbial after the subject
        "وأعلنت وزارة الصحة الأردنية.",
    ],
)
def test_no_object_after_the_subject_no_quote(text: str) -> None:
    assert quotes(text) == []


def test_speaker_in_an_apposition_after_the_role() -> None:
    (q,) = quotes("وقال المتحدث باسم وزارة الخارجية، السفير رامي الشريف، إن الزيارة مؤجلة.")
    assert q["speaker"]["kind"] == "named" and text_of(q["speaker"]["mention"]) == "رامي الشريف"


@pytest.mark.parametrize(
    ("text", "kind", "mention"),
    [
        ("وقال كمال النجار إن المصنع سيغلق. غير أن العامل سليم الحداد قال إن العمال لم يُبلّغوا.", "named", "سليم الحداد"),
        ("وقال كمال النجار إن المصنع سيغلق. لكن نقابات عمالية قالت إن القرار مخالف للقانون.", "anonymous", "نقابات عمالية"),
    ],
)
def test_subject_before_the_verb_after_a_conjunction(text: str, kind: str, mention: str) -> None:
    second = quotes(text)[1]
    assert (second["speaker"]["kind"], text_of(second["speaker"]["mention"])) == (kind, mention)


def test_speaker_after_a_title_with_a_place() -> None:
    (q,) = quotes("ودعا المبعوث العربي إلى السودان كمال النجار الأطراف إلى وقف القتال.")
    assert text_of(q["speaker"]["mention"]) == "كمال النجار"


@pytest.mark.parametrize(
    ("text", "content", "kind"),
    [
        # a sentence wholly in quotation marks after a quote that ends its sentence joins it (guidelines §3.5.1,
        # hard case 4): a reported sentence continued by a verbatim one is mixed, its closing mark inside (§3.4)
        ("وقال كمال النجار إن الوضع صعب.\n«لن نتراجع عن مطالبنا».", "الوضع صعب.\n«لن نتراجع عن مطالبنا»", "mixed"),
        # a quotation over two paragraphs: the first is left open, the second opens and closes (hard case 7)
        ("وقال كمال النجار: «الوضع صعب جداً.\n«لن نتراجع عن مطالبنا».", "الوضع صعب جداً.\n«لن نتراجع عن مطالبنا", "direct"),
        # a quotation left open over several sentences of a line
        ("وقال كمال النجار: «الوضع صعب جداً. لن نتراجع. سنواصل الإضراب", "الوضع صعب جداً. لن نتراجع. سنواصل الإضراب", "direct"),
        # closed and opened again in the next sentence (hard case 1)
        ("قال كمال النجار: «لن نرفع أسعار الخبز». «الدعم باقٍ حتى نهاية العام».", "لن نرفع أسعار الخبز». «الدعم باقٍ حتى نهاية العام", "direct"),
    ],
)
def test_a_quotation_over_several_sentences_is_one_quote(text: str, content: str, kind: str) -> None:
    (q,) = quotes(text)
    start = text.index(content)
    assert q["content"] == {"start": start, "end": start + len(content), "text": content}
    assert (q["type"], text_of(q["cue"]), text_of(q["speaker"]["mention"])) == (kind, "قال", "كمال النجار")
    assert "parts" not in q  # one continuous span


def test_a_three_sentence_direct_quotation_is_one_quote_over_the_three() -> None:
    text = "وقال سمير الخطيب: «الطريق مقطوع منذ أسبوع». «لا وقود في المدينة». «سنواصل المطالبة بفتحه».\nوغادر الوفد."
    (q,) = quotes(text)
    assert (q["content"]["start"], q["content"]["end"]) == (19, 88)
    assert q["content"]["text"] == "الطريق مقطوع منذ أسبوع». «لا وقود في المدينة». «سنواصل المطالبة بفتحه"
    assert [s.text for s in split_sentences("test", text) if s.start < q["content"]["end"] and q["content"]["start"] < s.end] == [
        "وقال سمير الخطيب: «الطريق مقطوع منذ أسبوع».",
        "«لا وقود في المدينة».",
        "«سنواصل المطالبة بفتحه».",
    ]


@pytest.mark.parametrize(
    ("text", "contents", "cues"),
    [
        # a new cue starts a new quote, even for the same speaker (§3.5.1 rule 1, hard case 2)
        ("قال كمال النجار: «لن نرفع أسعار الخبز». وأضاف: «الدعم باقٍ».", ["لن نرفع أسعار الخبز", "الدعم باقٍ"], ["قال", "أضاف"]),
        # narration after the content in its sentence: what follows in marks is a quote of its own, cue null (rule 3)
        ("قال كمال النجار إن الوضع صعب، وذلك خلال مؤتمر صحافي.\n«لن نتراجع».", ["الوضع صعب", "لن نتراجع"], ["قال", None]),
    ],
)
def test_a_sentence_with_a_new_cue_or_after_narration_is_a_new_quote(text: str, contents: list[str], cues: list[str | None]) -> None:
    found = quotes(text)
    assert [text_of(q["content"]) for q in found] == contents
    assert [text_of(q["cue"]) for q in found] == cues


@pytest.mark.parametrize(
    ("text", "parts", "cue", "outlet"),
    [
        # a quotation opened without a cue, cut by the author's frame and resumed without one (§3.5.2, hard case 1)
        ("«لن نتراجع عن الإصلاحات»، قال هشام الزعبي، «مهما كانت الكلفة».", ["لن نتراجع عن الإصلاحات", "مهما كانت الكلفة"], "قال", None),
        # وأضاف inside the quotation governs all of it; the outlet sits in the gap too (hard case 2)
        ("«الأسعار ستنخفض»، وأضاف هشام الزعبي لـ«الأهرام»، «لكن ليس قبل الصيف».", ["الأسعار ستنخفض", "لكن ليس قبل الصيف"], "أضاف", "الأهرام"),
    ],
)
def test_a_quotation_cut_by_the_frame_is_one_quote_with_parts(text: str, parts: list[str], cue: str, outlet: str | None) -> None:
    (q,) = quotes(text)
    spans = [(text.index(part), text.index(part) + len(part)) for part in parts]
    assert [(p["start"], p["end"], p["text"]) for p in q["parts"]] == [(a, b, text[a:b]) for a, b in spans]
    assert (q["content"]["start"], q["content"]["end"]) == (spans[0][0], spans[-1][1])
    assert (q["type"], text_of(q["cue"]), text_of(q["outlet"]), text_of(q["speaker"]["mention"])) == ("direct", cue, outlet, "هشام الزعبي")


def test_a_statement_cut_by_according_to_is_one_indirect_quote_with_parts() -> None:
    # §3.5.2 hard case 3: the subject, then بحسب X between commas, then the rest of the clause
    text = "الحكومة، بحسب الوزير سامي الحلو، لن تتراجع عن قرارها."
    (q,) = quotes(text)
    assert [p["text"] for p in q["parts"]] == ["الحكومة", "لن تتراجع عن قرارها"]
    assert (q["content"]["start"], q["content"]["end"]) == (0, text.index(".")) and q["type"] == "indirect"
    assert (text_of(q["cue"]), text_of(q["speaker"]["mention"])) == ("بحسب", "سامي الحلو")


@pytest.mark.parametrize("text", ["وفي بغداد، بحسب مصادر أمنية، سقط صاروخ قرب السفارة.", "الحكومة، بحسب الوزير سامي الحلو، ."])
def test_according_to_after_a_preposition_or_before_nothing_cuts_no_quote(text: str) -> None:
    assert quotes(text) == []


def test_a_quotation_after_a_cue_then_resumed_after_another_is_two_quotes() -> None:
    # the first stretch has a cue before it: وأضاف is the cue of the second (§3.5.2), not a frame cutting the first
    found = quotes("قال هشام الزعبي: «الأسعار ستنخفض»، وأضاف، «لكن ليس قبل الصيف».")
    assert [(text_of(q["content"]), text_of(q["cue"]), text_of(q["speaker"]["mention"])) for q in found] == [
        ("الأسعار ستنخفض", "قال", "هشام الزعبي"),
        ("لكن ليس قبل الصيف", "أضاف", "هشام الزعبي"),
    ]
    assert all("parts" not in q for q in found)


@pytest.mark.parametrize(
    ("text", "contents"),
    [
        ("وأكد سامي الحلو أن الأساتذة لن يعودوا، فيما اعتبر الوزير فادي نصار أن المطالب محقة.", ["الأساتذة لن يعودوا", "المطالب محقة"]),
        ('وقال سامي الحلو إن "المصالحة شرط لأي انتخابات"، بينما دعا الوزير فادي نصار إلى الحوار.', ["المصالحة شرط لأي انتخابات", "الحوار"]),
        ("وقال سامي الحلو إن الأسعار ارتفعت، بينما الرواتب ثابتة.", ["الأسعار ارتفعت، بينما الرواتب ثابتة"]),  # the speaker's own contrast
    ],
)
def test_a_conjunction_that_opens_the_next_cue_s_clause_is_not_content(text: str, contents: list[str]) -> None:
    assert [text_of(q["content"]) for q in quotes(text)] == contents


@pytest.mark.parametrize(
    ("text", "inner", "cue", "mention"),
    [
        # guidelines §3.1 nested attribution, hard case 1: the inner report of a specific act of telling
        ("قال وزير الخارجية سامي الحلو إن السفير الأميركي أبلغ الوزارة أمس أن واشنطن ستراجع خطة الانسحاب.", "واشنطن ستراجع خطة الانسحاب", "أبلغ", "السفير الأميركي"),
        ("وأكدت النائبة ليلى بن عمر أن مسؤولين في الوزارة أكدوا لها بأن المشروع سينفذ.", "المشروع سينفذ", "أكدوا", "مسؤولين في الوزارة"),
        # a verb of telling with its object pronoun: a cue only inside a content
        ("وقال الوزير سامي الحلو إن السفير أبلغه خلال لقاء أمس أن واشنطن ملتزمة بالاتفاق.", "واشنطن ملتزمة بالاتفاق", "أبلغه", "السفير"),
    ],
)
def test_a_report_of_an_act_of_telling_inside_a_quote_is_a_quote_nested_in_it(text: str, inner: str, cue: str, mention: str) -> None:
    outer, nested = quotes(text)
    assert "source" not in outer and nested["source"] == outer["id"]
    assert (text_of(nested["content"]), text_of(nested["cue"]), text_of(nested["speaker"]["mention"])) == (inner, cue, mention)
    assert nested["speaker"]["kind"] == "anonymous"  # a role, not the person named before (§3.7)
    assert outer["content"]["start"] <= nested["speaker"]["mention"]["start"] and nested["content"]["end"] == outer["content"]["end"]


@pytest.mark.parametrize(
    "text",
    [
        "وقال مسؤول حكومي إن السلطات تعتبر خروج القوات منجزاً مهماً.",  # a view held, no act of communication (§3.1 hard case 4)
        "وأكدت النائبة ليلى بن عمر أن رئيس الوزراء تعهد لها بأن المشروع سينفذ.",  # a promise, not a report (hard case 3)
    ],
)
def test_a_view_or_a_promise_inside_a_quote_is_part_of_it_not_a_nested_quote(text: str) -> None:
    (q,) = quotes(text)
    assert "source" not in q


def test_a_dropped_subject_after_a_nested_quote_is_the_outer_speaker() -> None:
    found = quotes("قال الوزير سامي الحلو إن السفير أبلغ الوزارة أن الخطة ستراجع.\nوأضاف أن الحوار مستمر.")
    assert [(text_of(q["cue"]), text_of(q["speaker"]["mention"])) for q in found] == [("قال", "سامي الحلو"), ("أبلغ", "السفير"), ("أضاف", "سامي الحلو")]


def test_a_sentence_in_marks_after_one_sentence_of_narration_is_a_new_cue_less_quote_of_the_same_source() -> None:
    # guidelines §3.5.1 rule 3, hard case 3: the narration ends the quote; the speaker's mention is the closest (§3.7 rule 3)
    text = "قال الوزير سامي الحلو: «الاتفاق قريب».\nوجاء كلام الحلو بعد اجتماع مع الوفد.\n«الأرقام مبالغ فيها»."
    first, second = quotes(text)
    assert (text_of(second["content"]), second["cue"], second["type"]) == ("الأرقام مبالغ فيها", None, "direct")
    assert second["speaker"]["kind"] == "named" and second["speaker"]["mention"]["start"] == text.index("الحلو بعد")
    assert text_of(first["content"]) == "الاتفاق قريب"


def test_a_sentence_in_marks_after_two_sentences_of_narration_is_no_quote() -> None:
    text = "قال الوزير سامي الحلو: «الاتفاق قريب».\nوجاء كلام الحلو بعد اجتماع مع الوفد. وغادر الوفد مساء.\n«الأرقام مبالغ فيها»."
    assert [text_of(q["content"]) for q in quotes(text)] == ["الاتفاق قريب"]


@pytest.mark.parametrize("text", ["«أهلاً بكم في المدينة».", "وصل الوفد إلى المدينة.\n«أهلاً بكم في المدينة»."])
def test_a_quoted_sentence_without_a_quote_before_it_is_no_quote(text: str) -> None:
    assert quotes(text) == []


def test_a_prepositional_phrase_before_a_dropped_subject_is_not_the_speaker() -> None:
    first, second = quotes("قال كمال النجار إن الوضع صعب.\nوفي تصريح لقناة الشروق، أكد أن الحل قريب.")
    assert second["speaker"] == first["speaker"]


def test_relayed_from_a_source_without_a_speech_noun() -> None:
    (q,) = quotes("ونقلت وكالة الأنباء الأردنية عن مصدر مسؤول أن الحدود ستفتح.")
    assert (q["speaker"]["kind"], text_of(q["speaker"]["mention"])) == ("anonymous", "مصدر مسؤول")


@pytest.mark.parametrize("cue", ["قيل", "ويُقال", "وأُفيد"])
def test_passive_cue_has_an_unknown_speaker(cue: str) -> None:
    first, second = quotes(f"قال كمال النجار إن الوضع صعب.\n{cue} إن الوفد غادر العاصمة.")
    assert text_of(second["content"]) == "الوفد غادر العاصمة"
    assert (second["speaker"]["kind"], second["speaker"]["mention"]) == ("unknown", None)


def test_according_to_at_the_start_of_the_sentence() -> None:
    (q,) = quotes("وبحسب وزارة الصحة الأردنية، ارتفع عدد الإصابات إلى عشرة.")
    assert (text_of(q["cue"]), text_of(q["content"])) == ("بحسب", "ارتفع عدد الإصابات إلى عشرة")
    assert text_of(q["speaker"]["mention"]) == "وزارة الصحة الأردنية"


def test_narration_resumes_after_as_he_put_it() -> None:
    (q,) = quotes("وقال كمال النجار إن الوضع صعب، على حد قوله.")
    assert text_of(q["content"]) == "الوضع صعب"


def test_dropped_subject_after_an_earlier_clause_of_the_sentence() -> None:
    (q,) = quotes('وكانت النقابة العامة للمعلمين قد استنكرت القرار، وقالت في بيان إن "المعلمين لن يتراجعوا".')
    assert text_of(q["speaker"]["mention"]) == "النقابة العامة للمعلمين"


def test_participle_after_a_clause_without_a_quote_takes_the_clause_subject() -> None:
    first, second = quotes(
        "قال سليم الحداد إن الطريق مقطوع.\nوأعرب رئيس بلدية الكرك كمال النجار عن أسفه للحادث، مؤكداً أن التحقيق بدأ."
    )
    assert text_of(second["content"]) == "التحقيق بدأ"
    assert text_of(second["speaker"]["mention"]) == "كمال النجار"


def test_dropped_subject_without_an_earlier_quote_is_the_closest_person_before() -> None:
    (q,) = quotes("واستقبل رئيس الوزراء كمال النجار وفداً من البنك الدولي في عمّان.\nوأكد أن الحكومة ماضية في الإصلاحات.")
    assert (q["speaker"]["kind"], text_of(q["speaker"]["mention"])) == ("named", "كمال النجار")


@pytest.mark.parametrize(
    ("text", "mention"),
    [
        ("قال سليم الحداد إن الطريق مقطوع.\nالنائب كمال النجار قال إن الطريق سالك.", "كمال النجار"),
        ("قال سليم الحداد إن الطريق مقطوع.\nوفي هذا السياق قال إن الطريق سالك.", "سليم الحداد"),  # no subject before
        ("قال سليم الحداد إن الطريق مقطوع.\nعمّان - قال إن الطريق سالك.", "سليم الحداد"),  # a dateline
    ],
)
def test_subject_before_the_verb_at_the_start_of_the_sentence(text: str, mention: str) -> None:
    assert text_of(quotes(text)[1]["speaker"]["mention"]) == mention


@pytest.mark.parametrize(
    ("sentence", "cue"),
    [
        ("واستطرد كمال النجار أن الموسم كان صعباً.", "استطرد"),
        ("وتعهد كمال النجار بإصلاح شبكة المياه.", "تعهد"),
        ("ونبّه كمال النجار إلى أن السدود ممتلئة.", "نبّه"),
        ("ويجزم كمال النجار بأن الموسم سيكون جيداً.", "يجزم"),
        ("وتناشد النقابة الحكومة بأن تصرف الأجور.", "تناشد"),
        ("وقال كمال النجار إن الطريق مقطوع، مستطرداً أن العمل جار.", "مستطرداً"),
        ("وقال كمال النجار إن الطريق مقطوع، متعهداً بفتحه خلال يومين.", "متعهداً"),
    ],
)
def test_cue_inventory_forms(sentence: str, cue: str) -> None:
    assert cue in [text_of(q["cue"]) for q in quotes(sentence)]


@pytest.mark.parametrize(
    ("subject", "mention"),
    [("بعض النواب", "بعض النواب"), ("كل من سليم الحداد ورامي الشريف", "سليم الحداد ورامي الشريف"), ("أم محمد، وهي نازحة،", "أم محمد")],
)
def test_subject_opening_with_a_quantifier_or_kinship_word(subject: str, mention: str) -> None:
    second = quotes(f"قال كمال النجار إن الطريق مقطوع.\nوقال {subject} إن المياه مقطوعة.")[1]
    assert text_of(second["speaker"]["mention"]) == mention


def test_dropped_subject_agrees_in_gender_with_its_antecedent() -> None:
    found = quotes(
        "وقال كمال النجار إن الطريق مقطوع.\nوقالت النائبة سلمى الحداد إن المياه مقطوعة.\nوأضاف أن الإصلاح يحتاج أسبوعاً."
    )
    assert [text_of(q["speaker"]["mention"]) for q in found] == ["كمال النجار", "سلمى الحداد", "كمال النجار"]


@pytest.mark.parametrize(
    "text",
    [
        "نفى المتحدث باسم وزارة النقل سمير الخطيب وجود أي خطة لرفع الأجور.",  # an ORG in the title
        "نفى الناطق باسم الشرطة الأردنية سمير الخطيب وجود أي خطة لرفع الأجور.",  # a NORP in the title
        "أعلن مدير عام شركة الموانئ المهندس سمير الخطيب افتتاح رصيف جديد.",  # an ORG, then a title word
    ],
)
def test_a_noun_phrase_cue_subject_runs_to_the_person_after_the_names_of_the_title(text: str) -> None:
    # the first name after the cue belongs to the speaker's title: the subject goes on to the person it describes
    (q,) = quotes(text)
    assert (q["speaker"]["kind"], text_of(q["speaker"]["mention"])) == ("named", "سمير الخطيب")
    assert text_of(q["content"]).startswith(("وجود", "افتتاح"))


@pytest.mark.parametrize("date", ["أمس", "الأسبوع الماضي", "يوم الخميس"])
def test_a_date_after_the_cue_is_not_its_subject(date: str) -> None:
    # وكان X قد حذر <date> من ...: the words between the cue and its content are a date, the subject came before
    (q,) = quotes(f"وكان رئيس اتحاد المزارعين قد حذر {date} من ارتفاع أسعار الأسمدة.")
    assert (q["speaker"]["kind"], text_of(q["speaker"]["mention"])) == ("anonymous", "رئيس اتحاد المزارعين")


def test_a_speaker_after_an_outlet_that_follows_the_cue() -> None:
    # قال لـ«X» Y إن ...: the outlet comes first, the speaker after it
    (q,) = quotes("وقال لـ«الأيام» مسؤول في وزارة الري إن المخزون يكفي حتى الربيع.")
    assert (q["speaker"]["kind"], text_of(q["speaker"]["mention"])) == ("anonymous", "مسؤول في وزارة الري")
    assert text_of(q["outlet"]) == "الأيام"


@pytest.mark.parametrize("participle", ["مطالبة", "مطالبين"])
def test_a_participle_without_a_comma_or_its_accusative_alef_is_a_predicate_not_a_cue(participle: str) -> None:
    # الشركة مطالبة بتسديد ...: "required to", inside the content; after a comma the same word is a cue
    found = quotes(f"وقال سمير الخطيب إن الشركات {participle} بتسديد الديون.")
    assert [text_of(q["cue"]) for q in found] == ["قال"]
    found = quotes(f"وقال سمير الخطيب إن الأجور متدنية، {participle} برفعها فوراً.")
    assert [text_of(q["cue"]) for q in found] == ["قال", participle]


def test_a_dropped_subject_refers_to_the_person_a_narrative_sentence_after_the_last_quote_is_about() -> None:
    # قال X ... . واستقبل Y الوفد. وأكد أن ...: the subject of the sentence just before, not the last quote's speaker
    found = quotes("قال مسؤول في البلدية إن الطرق مغلقة. واستقبل وزير النقل سمير الخطيب وفداً من السائقين. وأكد أن الطرق ستفتح قريباً.")
    assert [(q["speaker"]["kind"], text_of(q["speaker"]["mention"])) for q in found] == [
        ("anonymous", "مسؤول في البلدية"),
        ("named", "سمير الخطيب"),
    ]


def test_a_dropped_subject_keeps_the_last_speaker_across_a_narrative_sentence_about_no_one() -> None:
    found = quotes("قال سمير الخطيب إن الطرق مغلقة. وشهدت المدينة أمطاراً غزيرة طوال الليل. وأضاف أن الفرق تعمل.")
    assert [text_of(q["speaker"]["mention"]) for q in found] == ["سمير الخطيب", "سمير الخطيب"]


def test_a_dropped_subject_with_no_quote_before_refers_to_a_title_the_sentence_before_opens_with() -> None:
    # زار وزير الزراعة المحافظة. وقال إن ...: the title is the antecedent, not the byline's name before it
    (q,) = quotes("الرباط - سمير الخطيب\nزار وزير الزراعة المحافظة أمس. وقال إن الموسم جيد.")
    assert (q["speaker"]["kind"], text_of(q["speaker"]["mention"])) == ("anonymous", "وزير الزراعة")


def test_the_quotation_before_a_cue_is_its_content_not_its_subject() -> None:
    # «...»، أضاف. (no subject after the cue): the speaker goes on from the quote before, the quotation is no speaker
    found = quotes('قال سمير الخطيب إن الإصلاحات ضرورية. "لا خيار أمامنا"، أضاف.')
    assert [(text_of(q["content"]), text_of(q["speaker"]["mention"])) for q in found] == [
        ("الإصلاحات ضرورية", "سمير الخطيب"),
        ("لا خيار أمامنا", "سمير الخطيب"),
    ]


def test_a_second_cue_with_its_subject_fronted_has_its_own_speaker() -> None:
    # X قالت إن ...، غير أن Y أكدوا أن ...: the second cue's subject comes before it, not after
    found = quotes("وقالت الحكومة إن الميزانية جاهزة، غير أن نواباً في البرلمان أكدوا أن النقاش لم يبدأ.")
    assert [text_of(q["speaker"]["mention"]) for q in found] == ["الحكومة", "نواباً في البرلمان"]


@pytest.mark.parametrize(
    ("text", "content", "nested"),
    [
        ("وقال سمير الخطيب إن الحكومة أكدت أن الرواتب ستصرف.", "الحكومة أكدت أن الرواتب ستصرف", ["الرواتب ستصرف"]),
        ("وأوضح سمير الخطيب أن الوزير قال له إن المشروع متوقف.", "الوزير قال له إن المشروع متوقف", ["المشروع متوقف"]),
        ("وأشار سمير الخطيب إلى أن الوزارة طالبت بزيادة الميزانية.", "الوزارة طالبت بزيادة الميزانية", []),  # a demand, no complementizer
    ],
)
def test_an_attribution_inside_a_content_is_part_of_it(text: str, content: str, nested: list[str]) -> None:
    # the outer content keeps the inner cue, speaker and content (guidelines §3.1: `source` never shortens it)
    q, *inner = quotes(text)
    assert [(text_of(i["content"]), i["source"]) for i in inner] == [(n, q["id"]) for n in nested]
    assert (text_of(q["content"]), text_of(q["speaker"]["mention"])) == (content, "سمير الخطيب")


@pytest.mark.parametrize("joint", ["، فيما ", "، غير أن ", " غير أن ", "، بينما "])
def test_a_cue_after_a_contrast_starts_a_quote_of_its_own(joint: str) -> None:
    found = quotes(f"وقال سمير الخطيب إن الاتفاق قريب{joint}نبيل العطار أكد أن الخلافات عميقة.")
    assert [text_of(q["cue"]) for q in found] == ["قال", "أكد"]


def test_a_speaker_after_a_named_outlet_that_follows_the_cue() -> None:
    # قال لقناة X مسؤول إن ...: the outlet is its ORG name, the speaker comes after it
    (q,) = quotes("وقال لصحيفة الأيام مسؤول في وزارة الري إن المخزون يكفي حتى الربيع.")
    assert (q["speaker"]["kind"], text_of(q["speaker"]["mention"]), text_of(q["outlet"])) == (
        "anonymous",
        "مسؤول في وزارة الري",
        "الأيام",  # the descriptor صحيفة stays outside the name (GUIDELINES §2.6)
    )


@pytest.mark.parametrize(
    ("subject", "mention"), [("سمير الخطيب ونبيل العطار", "سمير الخطيب ونبيل العطار"), ("كل من سمير الخطيب ونبيل العطار", "سمير الخطيب ونبيل العطار")]
)
def test_of_coordinated_speakers_the_mention_is_the_coordination_and_the_entity_its_first_name(subject: str, mention: str) -> None:
    # guidelines §3.7, rule 4
    text = f"وأكد {subject} أن الاجتماع انتهى."
    layer = preannotate("test", text, "0" * 64)
    (q,) = layer["quotes"]
    entity = next(e for e in layer["entities"] if e["id"] == q["speaker"]["entity"])
    assert (q["speaker"]["kind"], text_of(q["speaker"]["mention"]), entity["text"]) == ("named", mention, "سمير الخطيب")


@pytest.mark.parametrize(
    "text",
    [
        "عمّان - سمير الخطيب\nأصدرت وزارة الصحة بياناً مساء أمس. وقالت فيه إن الإصابات تراجعت.",
        "التقى سمير الخطيب رؤساء البلديات. وأصدرت وزارة الصحة بياناً بعد اللقاء. وقالت فيه إن الإصابات تراجعت.",
    ],
)
def test_a_dropped_subject_refers_to_the_organisation_a_narrative_sentence_opens_with(text: str) -> None:
    # أصدرت وزارة X بياناً. وقالت فيه إن ...: the ministry, not a person named before it
    (q,) = quotes(text)
    assert (q["speaker"]["kind"], text_of(q["speaker"]["mention"])) == ("named", "وزارة الصحة")


def test_a_pronoun_after_the_cue_is_no_subject() -> None:
    # ترأس X اجتماعاً، وقال خلاله إن ...: خلاله is "during it"; the subject is the clause's before the comma
    (q,) = quotes("وترأس سمير الخطيب اجتماعاً للحكومة، وقال خلاله إن الموازنة جاهزة.")
    assert (q["speaker"]["kind"], text_of(q["speaker"]["mention"])) == ("named", "سمير الخطيب")


def test_a_name_further_into_a_narrative_sentence_is_not_its_subject() -> None:
    # ندد المتظاهرون بقرار الوزير فلان. وطالبوا ...: the minister is the object's genitive, the speaker goes on
    found = quotes("قال نبيل العطار إن الوضع صعب. وندد المتظاهرون بقرار الوزير سمير الخطيب. وأضاف أن الحل قريب.")
    assert [text_of(q["speaker"]["mention"]) for q in found] == ["نبيل العطار", "نبيل العطار"]


def test_joined_quotes_and_parts_are_a_layer_qawl_build_merges_into_a_quote_per_sentence_it_runs_over() -> None:
    import hashlib

    from qawl.ingest import Document
    from qawl.merge import build_rows, check_layer
    from qawl.segment import tokenize

    text = (
        "وقال سمير الخطيب: «الطريق مقطوع منذ أسبوع». «لا وقود في المدينة».\n"
        "«لن نتراجع عن الإصلاحات»، قال هشام الزعبي، «مهما كانت الكلفة».\n"
    )
    sha256 = hashlib.sha256(text.encode()).hexdigest()
    layer = preannotate("x1", text, sha256)
    document, sentences = Document("x1", text, sha256, "seeds/x1.txt"), split_sentences("x1", text)
    assert check_layer(layer, document, sentences, {s["target"] for s in layer["stance"]}, "x1.json") == []
    tokens = tokenize(s.text for s in sentences)
    rows = build_rows(document, sentences, tokens, layer, "silver")
    assert [[(q["id"], q["content"]["text"]) for q in row["quotes"]] for row in rows] == [
        [("q1", "الطريق مقطوع منذ أسبوع».")],  # the marks between two sentences of a quotation are inside it (§3.5)
        [("q1", "«لا وقود في المدينة")],
        [("q2", "لن نتراجع عن الإصلاحات»، قال هشام الزعبي، «مهما كانت الكلفة")],
    ]
    assert [part["text"] for part in rows[2]["quotes"][0]["parts"]] == ["لن نتراجع عن الإصلاحات", "مهما كانت الكلفة"]


def test_a_name_that_is_spelt_like_a_preposition_does_not_end_the_speaker_phrase() -> None:
    # علي (the name) normalises like على (the preposition that ends a speaker phrase): a person starts there
    (q,) = quotes("وقال النائب عن حزب التقدم علي الحسني إن الانتخابات ستجري في موعدها.")
    assert q["speaker"]["kind"] == "named" and text_of(q["speaker"]["mention"]) == "علي الحسني"
    assert text_of(q["content"]) == "الانتخابات ستجري في موعدها"


@pytest.mark.parametrize(
    "subject",
    [
        "المدير العام لشركة الفجر للنقل خالد العنزي",  # a title with its complement, longer than the few words a name is looked for in
        "قائد شرطة المحافظة اللواء خالد العنزي",  # an indefinite title's genitive, a rank before the name
    ],
)
def test_the_subject_of_a_noun_phrase_cue_is_the_person_its_title_phrase_ends_with(subject: str) -> None:
    (q,) = quotes(f"أعلن {subject} تسيير دوريات جديدة على الطريق الدولي.")
    assert q["speaker"]["kind"] == "named" and text_of(q["speaker"]["mention"]) == "خالد العنزي"
    assert text_of(q["content"]) == "تسيير دوريات جديدة على الطريق الدولي"



@pytest.mark.parametrize("date", ["اليوم", "الأسبوع الماضي"])
def test_a_date_between_the_subject_and_a_noun_phrase_object_is_skipped(date: str) -> None:
    (q,) = quotes(f"أعلن وزير الداخلية خالد العنزي {date} تسيير دوريات جديدة على الطريق الدولي.")
    assert text_of(q["speaker"]["mention"]) == "خالد العنزي"
    assert text_of(q["content"]) == "تسيير دوريات جديدة على الطريق الدولي"


def test_a_speaker_phrase_too_long_to_be_a_description_is_the_person_it_opens_with() -> None:
    # a long apposition after the name (his offices) does not make the subject unknown, nor the dateline's outlet
    subject = "معالي الشيخ خالد العنزي رئيس مجلس إدارة شركة الفجر للنقل والتجارة العامة ونائب رئيس غرفة التجارة والصناعة"
    (q,) = quotes(f"الكويت - «الرأي»\nقال {subject} إن الأرباح ارتفعت هذا العام.")
    assert q["speaker"]["kind"] == "named" and text_of(q["speaker"]["mention"]) == "خالد العنزي"
    assert text_of(q["content"]) == "الأرباح ارتفعت هذا العام"


@pytest.mark.parametrize("relative", ["، الذي", " الذي"])
def test_the_subject_of_a_cue_in_a_relative_clause_is_the_name_the_clause_follows(relative: str) -> None:
    # not the speaker of the quote before (a dropped subject would be)
    text = f"قال خالد العنزي إن الزيارة ناجحة. والتقى العنزي نظيره الأردني سامي الحلو{relative} قال إن العلاقات متينة."
    first, second = quotes(text)
    assert text_of(first["speaker"]["mention"]) == "خالد العنزي"
    assert text_of(second["speaker"]["mention"]) == "سامي الحلو" and text_of(second["content"]) == "العلاقات متينة"


def test_the_object_of_a_noun_phrase_cue_after_qad_is_not_its_speaker() -> None:
    # وكان فلان قد أعلن ...: the subject stands before قد, what follows the cue is only its object
    (q,) = quotes("وكان خالد العنزي قد أعلن الأسبوع الماضي تسيير دوريات جديدة على الطريق الدولي.")
    assert q["speaker"]["kind"] == "named" and text_of(q["speaker"]["mention"]) == "خالد العنزي"
    assert text_of(q["content"]) == "تسيير دوريات جديدة على الطريق الدولي"


@pytest.mark.parametrize("negated", ["عدم كشف", "عدم ذكر"])
def test_a_cue_word_negated_by_adam_is_a_verbal_noun_not_a_cue(negated: str) -> None:
    # طلب عدم كشف اسمه: كشف is the masdar of the request, the sentence's cue is أضاف
    (q,) = quotes(f"وأضاف المسؤول، الذي طلب {negated} اسمه، أن الشحنة وصلت إلى الميناء.")
    assert text_of(q["cue"]) == "أضاف" and text_of(q["speaker"]["mention"]) == "المسؤول"
    assert text_of(q["content"]) == "الشحنة وصلت إلى الميناء"


def test_a_cue_s_preposition_inside_the_title_of_its_subject_does_not_open_the_content() -> None:
    # كشف النائب عن حزب X فلان عن ...: the first عن belongs to the title, the content follows the second
    (q,) = quotes("كشف النائب عن حزب التقدم خالد العنزي عن تقديم طلب لاستجواب الوزير.")
    assert text_of(q["speaker"]["mention"]) == "خالد العنزي"
    assert text_of(q["content"]) == "تقديم طلب لاستجواب الوزير"
    (q,) = quotes("كشف الوزير عن مشروع الرئيس خالد العنزي لدعم المزارعين.")  # a preposition before no name opens it
    assert text_of(q["content"]) == "مشروع الرئيس خالد العنزي لدعم المزارعين"


# -- issue 22: cues and speakers on text never seen -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cue", "content", "speaker", "kind"),
    [
        ("وجاء ذلك بعد إعلان وزارة الدفاع أن القوات انسحبت من البلدة.", "إعلان", "القوات انسحبت من البلدة", "وزارة الدفاع", "named"),
        ("وجاءت الخطوة بعد مطالبة نقابة المعلمين بزيادة الأجور.", "مطالبة", "زيادة الأجور", "نقابة المعلمين", "named"),
        ("ورغم تأكيد وزارة المالية انتهاء الأزمة، بقيت الأسعار مرتفعة.", "تأكيد", "انتهاء الأزمة", "وزارة المالية", "named"),
    ],
)
def test_a_verbal_noun_cue_with_its_source_as_genitive(text: str, cue: str, content: str, speaker: str, kind: str) -> None:
    # guidelines §3.1: the masdar of a verb of saying is a cue when its source is expressed (إعلان الوزارة أن ...)
    (q,) = quotes(text)
    assert text_of(q["cue"]) == cue
    assert text_of(q["content"]) == content
    assert q["speaker"]["kind"] == kind and text_of(q["speaker"]["mention"]) == speaker


@pytest.mark.parametrize("text", ["وأدى إعلان الطوارئ إلى إغلاق المدارس.", "وينتظر الأهالي إعلان النتائج غداً.", "وأثار اتهام الوزارة بالتقصير غضب الأهالي."])
def test_a_verbal_noun_without_a_source_and_a_proposition_is_no_cue(text: str) -> None:
    assert quotes(text) == []


@pytest.mark.parametrize("told", ["أبلغوه", "أخبروها", "أبلغوهم"])
def test_a_plural_verb_of_telling_with_an_object_pronoun_reports_a_nested_quote(told: str) -> None:
    # أبلغ + وا + ه is written أبلغوه: the alef of the plural drops before the pronoun
    outer, inner = quotes(f"وأضاف سمير العطار أن موظفين في البلدية {told} أن المياه ستعود مساء اليوم.")
    assert text_of(inner["cue"]) == told and text_of(inner["content"]) == "المياه ستعود مساء اليوم"
    assert inner["speaker"]["kind"] == "anonymous" and text_of(inner["speaker"]["mention"]) == "موظفين في البلدية"
    assert inner["source"] == outer["id"]


@pytest.mark.parametrize("cue", ["أبلغهم", "أبلغها", "أخبرهم"])
def test_a_verb_cue_with_an_object_pronoun(cue: str) -> None:
    # a specific act of telling (guidelines §3.1), outside a content as well as inside one
    (q,) = quotes(f"و{cue} المدير رامي الزين أن الدوام سيتقلص.")
    assert text_of(q["cue"]) == cue and text_of(q["content"]) == "الدوام سيتقلص"
    assert text_of(q["speaker"]["mention"]) == "رامي الزين"


@pytest.mark.parametrize(("cue", "speaker"), [("سيعلن", "خليل المصري"), ("ستؤكد", "سلمى الخطيب"), ("سيقول", "خالد العنزي وسامي الحلو")])
def test_a_future_verb_cue(cue: str, speaker: str) -> None:
    (q,) = quotes(f"و{cue} {speaker} في المؤتمر أن الرسوم لن ترتفع.")
    assert text_of(q["cue"]) == cue and text_of(q["content"]) == "الرسوم لن ترتفع"
    assert text_of(q["speaker"]["mention"]) == speaker


def test_the_speaker_after_amma_is_the_topic_before_fa() -> None:
    # أما X فـ<cue>: X is the subject, even with a quoted name in its title and a person named before
    text = 'التقى وزير الخارجية سليم الراشد نظيره التونسي. أما المتحدث باسم حركة "الغد" هشام النوري فأكد أن الزيارة ناجحة.'
    (q,) = quotes(text)
    assert q["speaker"]["kind"] == "named" and text_of(q["speaker"]["mention"]) == "هشام النوري"
    (q,) = quotes("قال سليم الراشد إن الوضع هادئ. أما المعارضة فاعتبرت أن الهدوء مؤقت.")[1:]
    assert q["speaker"]["kind"] == "anonymous" and text_of(q["speaker"]["mention"]) == "المعارضة"


def test_a_noun_phrase_cue_with_a_dropped_subject_after_a_narrated_clause() -> None:
    # وزارت الوزيرة فلانة ...، وأعلنت افتتاح ...: the object is a verbal noun, the subject the narrated person
    (q,) = quotes("وزارت وزيرة الصحة هالة الخوري مستشفى المدينة، وأعلنت افتتاح قسم جديد للأطفال.")
    assert text_of(q["cue"]) == "أعلنت" and text_of(q["content"]) == "افتتاح قسم جديد للأطفال"
    assert text_of(q["speaker"]["mention"]) == "هالة الخوري"


def test_the_speaker_of_a_statement_is_its_issuer() -> None:
    # guidelines §3.7: a statement (بيان) is a medium; its issuer is the speaker
    (q,) = quotes("وبحسب بيان لوزارة الصحة، فإن عدد الإصابات ارتفع إلى ثلاثين.")
    assert q["speaker"]["kind"] == "named" and text_of(q["speaker"]["mention"]) == "وزارة الصحة"


def test_a_verbal_noun_without_its_source_does_not_cut_the_quote_of_the_verb_before_it() -> None:
    # في تصريح صحافي: a medium, not a cue; the content of قال still starts after إن
    (q,) = quotes("وقال مدير المصنع في تصريح صحافي إن الإنتاج سيتضاعف، مع ضرورة إعلان النتائج خلال شهر.")
    assert text_of(q["cue"]) == "قال" and text_of(q["content"]).startswith("الإنتاج سيتضاعف")


@pytest.mark.parametrize(
    "narration",
    [
        "وفي سياق متصل، التقى وزير الخارجية سليم الراشد نظيره التونسي. وأكد",  # a sentence of narration after an opening phrase
        "من جهته، استقبل وزير الخارجية سليم الراشد السفير التونسي، وأكد",  # the clause before the cue, same sentence
    ],
)
def test_a_dropped_subject_after_narration_is_the_narrated_person_not_the_previous_speaker(narration: str) -> None:
    first, second = quotes(f"قال خالد العنزي إن الوضع هادئ. {narration} أن العلاقات ممتازة.")
    assert text_of(first["speaker"]["mention"]) == "خالد العنزي"
    assert text_of(second["content"]) == "العلاقات ممتازة" and text_of(second["speaker"]["mention"]) == "سليم الراشد"


@pytest.mark.parametrize("title", ["المشرف على متحف المدينة القديمة", "القيم على مكتبة آل الخطيب", "المبعوث الخاص إلى منطقة البحيرات"])
def test_a_title_with_a_preposition_before_the_name_of_its_speaker(title: str) -> None:
    # the speaker is the person the title names, not the role noun before على/إلى
    (q,) = quotes(f"وأوضح {title} سامر الجبوري أن القطع المسروقة أعيدت.")
    assert q["speaker"]["kind"] == "named" and text_of(q["speaker"]["mention"]) == "سامر الجبوري"


def test_a_name_after_a_relative_clause_is_not_the_speaker_of_the_role_noun_before_it() -> None:
    (q,) = quotes("وقال الوزير على هامش المؤتمر الذي حضره الرئيس عمر الفاضل إن العلاقات ممتازة.")
    assert text_of(q["speaker"]["mention"]) == "الوزير"


@pytest.mark.parametrize(("o", "c"), [("'", "'"), ("‘", "’")])
def test_single_quotation_marks_are_quotation_marks(o: str, c: str) -> None:
    # «...»، قال X، «...» in single marks: one quote in two parts (guidelines §3.5.2)
    (q,) = quotes(f"{o}الوضع صعب جداً{c}، قال طبيب في المستشفى، {o}لكننا سنصمد{c}.")
    assert [text_of(p) for p in q["parts"]] == ["الوضع صعب جداً", "لكننا سنصمد"]
    assert q["speaker"]["kind"] == "anonymous" and text_of(q["speaker"]["mention"]) == "طبيب في المستشفى"
    (q,) = quotes(f"وقال الطبيب سامر الجبوري: {o}لن نترك المرضى{c}.")
    assert q["type"] == "direct" and text_of(q["content"]) == "لن نترك المرضى"


def test_the_second_cue_of_a_sentence_with_a_dropped_subject_has_the_first_cue_s_speaker() -> None:
    # وقال X إن A وأكد أن B: the و opens a clause of its own, no subject is fronted inside A
    first, second = quotes("وقال الوزير سامر الجبوري إن الاتفاق صامد وأكد أن الحوار مستمر.")
    assert text_of(second["cue"]) == "أكد" and text_of(second["content"]) == "الحوار مستمر"
    assert second["speaker"] == first["speaker"] and text_of(second["speaker"]["mention"]) == "سامر الجبوري"


def test_the_complementizer_after_a_fronted_source_is_outside_the_content() -> None:
    # guidelines §3.4: وحسب X، فإن ...: the content starts after فإن
    (q,) = quotes("وحسب سامر الجبوري، فإن الاتفاق صامد.")
    assert text_of(q["content"]) == "الاتفاق صامد" and text_of(q["speaker"]["mention"]) == "سامر الجبوري"


def test_an_attribution_phrase_after_the_content_whose_relative_clause_holds_a_cue_verb() -> None:
    # وفق ما أفاد به X: أفاد has no content of its own; the sentence is a quote cut by its source
    (q,) = quotes("الاتفاق صامد حتى الآن، وفق ما أفاد به مصدر دبلوماسي.")
    assert text_of(q["content"]) == "الاتفاق صامد حتى الآن" and text_of(q["cue"]) == "وفق"
    assert q["speaker"]["kind"] == "anonymous" and text_of(q["speaker"]["mention"]) == "مصدر دبلوماسي"


@pytest.mark.parametrize("addressee", ["للصحافيين", "لوسائل الإعلام"])
def test_a_generic_addressee_ends_the_speaker_description(addressee: str) -> None:
    # guidelines §3.8: للصحافيين is no outlet and no part of the description
    (q,) = quotes(f"وقالت المتحدثة باسم الخارجية الأميركية {addressee} إن واشنطن تدعم الحوار.")
    assert text_of(q["speaker"]["mention"]) == "المتحدثة باسم الخارجية الأميركية" and q["outlet"] is None


def test_a_fronted_subject_s_mention_leaves_its_conjunction_out() -> None:
    (q,) = quotes("والمتظاهرون قالوا إن مطالبهم لم تتحقق.")
    assert q["speaker"]["kind"] == "anonymous" and text_of(q["speaker"]["mention"]) == "المتظاهرون"


def test_a_fronted_subject_s_mention_leaves_its_conjunction_and_its_mark_out() -> None:
    (q,) = quotes("وَالمتظاهرون قالوا إن مطالبهم لم تتحقق.")
    assert text_of(q["speaker"]["mention"]) == "المتظاهرون"


@pytest.mark.parametrize("cue", ["قال", "أضاف", "يقول"])
def test_a_reported_clause_before_its_cue_without_quotation_marks(cue: str) -> None:
    # content first, then «، قال X» closing the sentence (guidelines §3.1: content and cue in either order)
    (q,) = quotes(f"الاتفاق صامد ولن ينهار، {cue} الوزير سامر الجبوري للصحافيين.")
    assert q["type"] == "indirect" and text_of(q["content"]) == "الاتفاق صامد ولن ينهار" and text_of(q["cue"]) == cue
    assert text_of(q["speaker"]["mention"]) == "سامر الجبوري"


def test_a_clause_before_a_cue_with_its_own_conjunction_is_narration() -> None:
    (q,) = quotes("وصل الوفد إلى المدينة، وقال الوزير سامر الجبوري إن الزيارة ناجحة.")
    assert text_of(q["content"]) == "الزيارة ناجحة"
    assert quotes("وصل الوفد إلى المدينة، وقال الوزير سامر الجبوري للصحافيين.") == []


@pytest.mark.parametrize("source", ["مصدر مقرب من رئيس الوزراء خالد العنزي", "مصادر في مكتب الرئيس عمر الفاضل", "أوساط قريبة من خالد العنزي"])
def test_an_anonymous_source_described_by_a_named_person_is_not_that_person(source: str) -> None:
    # guidelines §3.7: people described inside an organisation or near a person speak for themselves: anonymous
    (q,) = quotes(f"وقال {source} إن الحكومة ستستقيل.")
    assert q["speaker"]["kind"] == "anonymous" and text_of(q["speaker"]["mention"]) == source and q["speaker"]["entity"] is None


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        ("وجاء القرار بعد مطالبة الائتلاف الأردني لنصرة العراق بمنع بيع المنتج.", "منع بيع المنتج", "الائتلاف الأردني لنصرة العراق"),
        ("وأثار إعلان الائتلاف الأردني لنصرة العراق عن إغلاق مكاتبه، غضب أنصاره.", "إغلاق مكاتبه", "الائتلاف الأردني لنصرة العراق"),
    ],
)
def test_a_verbal_noun_cue_whose_source_is_an_organisation_not_found_as_a_name(text: str, content: str, speaker: str) -> None:
    # the organisation's head noun (ائتلاف) and its complements, where only a NORP and a GPE were found in it
    (q,) = quotes(text)
    assert text_of(q["content"]) == content and text_of(q["speaker"]["mention"]) == speaker


@pytest.mark.parametrize(("cue", "content"), [("وأعلن", "استقالته من منصبه"), ("ونفى", "تورطه في الهجوم"), ("وأكد", "مشاركته في القمة")])
def test_a_noun_phrase_cue_with_a_dropped_subject_and_a_verbal_noun_with_its_pronoun(cue: str, content: str) -> None:
    first, second = quotes(f"قال خالد العنزي إن الوضع هادئ. {cue} {content}.")
    assert text_of(second["content"]) == content and second["speaker"] == first["speaker"]


def test_a_verbal_noun_cue_whose_preposition_governs_no_proposition_is_no_cue() -> None:
    # إعلان الوزارة عن الفائزين announces names, not a statement
    assert quotes("وشارك في حفل إعلان وزارة الثقافة عن الفائزين عدد من الأدباء.") == []


def test_a_speaker_closing_the_sentence_leaves_the_full_stop_out() -> None:
    (q,) = quotes("وصل الوفد إلى المطار فجراً، قال شهود.")
    assert text_of(q["speaker"]["mention"]) == "شهود" and text_of(q["content"]) == "وصل الوفد إلى المطار فجراً"
