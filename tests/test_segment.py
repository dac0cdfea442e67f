from __future__ import annotations

import dataclasses
import pickle
import re

import pytest

from qawl.segment import blank_arabic, is_heading, quoted_regions, sentence_spans, split_sentences, tokenize


def sentences_of(text: str) -> list[str]:
    return [s.text for s in split_sentences("doc", text)]


def assert_covers(text: str) -> None:
    """Sentences joined with the whitespace between them reproduce the text."""
    sentences = split_sentences("doc", text)
    rebuilt, position = [], 0
    for s in sentences:
        gap = text[position : s.start]
        assert gap.strip() == "", f"non-whitespace {gap!r} outside every sentence"
        assert text[s.start : s.end] == s.text
        rebuilt += [gap, s.text]
        position = s.end
    assert text[position:].strip() == ""
    assert "".join(rebuilt) + text[position:] == text


def test_seed_is_split_into_its_lines_and_covered(seed_text: str) -> None:
    sentences = split_sentences("seed", seed_text)
    lines = [line for line in seed_text.split("\n") if line.strip()]
    assert [s.text for s in sentences] == lines  # every paragraph of the seed is one sentence
    assert [s.heading for s in sentences].count(True) == 1
    assert sentences[6].heading and sentences[6].text.startswith("المليشيات")
    assert_covers(seed_text)


def test_full_stops_inside_quotations_do_not_split() -> None:
    text = 'قال الوزير: «لن نتراجع. سنواصل العمل حتى النهاية». ثم غادر القاعة.'
    assert sentences_of(text) == ['قال الوزير: «لن نتراجع. سنواصل العمل حتى النهاية».', "ثم غادر القاعة."]


@pytest.mark.parametrize(
    "quoted",
    ['"أولاً. ثانياً"', "“أولاً. ثانياً”", "“أولاً. ثانياً“", "”أولاً. ثانياً“", '«أولاً. ثانياً"', "»أولاً. ثانياً«", "„أولاً. ثانياً“"],
)
def test_every_quotation_style_and_mismatched_pairs(quoted: str) -> None:
    text = f"وأضاف {quoted} في تصريحه. وانتهى الاجتماع."
    assert sentences_of(text) == [f"وأضاف {quoted} في تصريحه.", "وانتهى الاجتماع."]


def test_an_unclosed_quote_does_not_swallow_the_paragraph() -> None:
    text = 'قال "المسؤول إن الوضع مستقر. وعاد الهدوء إلى المدينة.'
    assert len(sentences_of(text)) == 2


def test_abbreviations_and_numbers_do_not_end_sentences() -> None:
    text = "التقى د. محمد علي بالمهندس م. سامي، وبلغ النمو 3.5 في المئة. وتوقع المزيد."
    assert sentences_of(text) == ["التقى د. محمد علي بالمهندس م. سامي، وبلغ النمو 3.5 في المئة.", "وتوقع المزيد."]


@pytest.mark.parametrize("mark", ["؟", "!", "?", "…", "..."])
def test_other_terminators(mark: str) -> None:
    assert sentences_of(f"هل انتهت الحرب{mark} لا أحد يعرف.") == [f"هل انتهت الحرب{mark}", "لا أحد يعرف."]


def test_closing_marks_after_the_full_stop_stay_with_their_sentence() -> None:
    assert sentences_of("وقال إن الأمر انتهى (نهائياً). وغادر.") == ["وقال إن الأمر انتهى (نهائياً).", "وغادر."]
    assert sentences_of("وقال: «انتهى الأمر». وغادر.") == ["وقال: «انتهى الأمر».", "وغادر."]
    # a full stop inside the quotation is the speaker's, not the end of the reporting sentence
    assert sentences_of("وقال: «انتهى الأمر.» مضيفاً أنه سيغادر.") == ["وقال: «انتهى الأمر.» مضيفاً أنه سيغادر."]


def test_line_breaks_always_end_sentences_and_headings_are_marked() -> None:
    text = "الحكومة تعلن خطة جديدة للكهرباء\nأعلنت الحكومة خطة جديدة، وقال الوزير إنها\nستنفذ قريباً. وتبدأ غداً"
    sentences = split_sentences("doc", text)
    assert [s.text for s in sentences] == [
        "الحكومة تعلن خطة جديدة للكهرباء",
        "أعلنت الحكومة خطة جديدة، وقال الوزير إنها",
        "ستنفذ قريباً.",
        "وتبدأ غداً",
    ]
    # a short line without final punctuation reads as a heading; a paragraph of several sentences never does
    assert [s.heading for s in sentences] == [True, True, False, False]
    assert [s.paragraph for s in sentences] == [0, 1, 2, 2]


def test_lines_announcing_a_continuation_are_not_headings() -> None:
    assert not is_heading("وقال المتحدث باسم الوزارة:")
    assert not is_heading("جاء ذلك في بيان، ")
    assert is_heading("«نهاية حقبة» في الخليج")


def test_text_without_final_newline_and_with_blank_lines() -> None:
    for text in ["جملة أولى. جملة ثانية", "\n\n  جملة أولى.\n\n\nجملة ثانية.  \n", "سطر واحد"]:
        assert_covers(text)
    assert sentences_of("جملة أولى. جملة ثانية") == ["جملة أولى.", "جملة ثانية"]


def test_sentence_ids_are_stable_when_other_sentences_change() -> None:
    before = split_sentences("doc", "الأولى.\nالثانية.\nالثالثة.")
    after = split_sentences("doc", "مقدمة جديدة.\nالأولى.\nالثالثة.\nالثانية.")
    ids_before = {s.text: s.sentence_id for s in before}
    ids_after = {s.text: s.sentence_id for s in after}
    for text in ids_before:
        assert ids_before[text] == ids_after[text]
    repeated = split_sentences("doc", "نعم.\nنعم.")
    assert repeated[0].sentence_id != repeated[1].sentence_id


def test_quoted_regions_pair_nested_styles() -> None:
    line = "«قال “نعم” ثم» و\"لا\" ولـ\"العربي\"."
    marks = [i for i, ch in enumerate(line) if ch in "«»“”\""]
    assert quoted_regions(line) == [(marks[1], marks[2]), (marks[0], marks[3]), (marks[4], marks[5]), (marks[6], marks[7])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('إن العراق".', ["إن", "العراق", '"', "."]),
        ('قال لـ"العربي الجديد"', ["قال", "لـ", '"', "العربي", "الجديد", '"']),
        ("قالوا نعم».", ["قالوا", "نعم", "»", "."]),
        ("بـ«داعش»،", ["بـ", "«", "داعش", "»", "،"]),
        ("النمو 3.5 في د. أحمد", ["النمو", "3.5", "في", "د.", "أحمد"]),
    ],
)
def test_tokenizer_fixes_spacy_arabic_gaps(text: str, expected: list[str]) -> None:
    assert [t.text for t in blank_arabic().tokenizer(text)] == expected
    tokens = tokenize([text])[0]
    assert [text[t["start"] : t["end"]] for t in tokens] == expected


def test_tokens_cover_sentence_text_without_whitespace(seed_text: str) -> None:
    for sentence, tokens in zip(split_sentences("s", seed_text), tokenize(s.text for s in split_sentences("s", seed_text))):
        assert re.sub(r"\s+", "", sentence.text) == "".join(t["text"] for t in tokens)


def test_tokenizer_rules_survive_to_disk(tmp_path) -> None:
    import spacy

    blank_arabic().to_disk(tmp_path / "nlp")
    loaded = spacy.load(tmp_path / "nlp")
    assert [t.text for t in loaded('إن العراق".')] == ["إن", "العراق", '"', "."]


def test_blank_arabic_tokenizes_as_spacy_does_with_every_lexical_attribute(seed_text: str) -> None:
    """Its vocabulary leaves out the lexical attributes qawl does not read: the tokens, their norms (د. → دكتور),
    spaces and whitespace tokens stay those of spaCy's full vocabulary."""
    import spacy
    from spacy.attrs import IDX, IS_SPACE, NORM, ORTH, SPACY

    from qawl.segment import customize_tokenizer

    full = customize_tokenizer(spacy.blank("ar"))
    text = seed_text + '\n\nالنمو 3.5% في د. أحمد  ١٤٤٦هـ، https://example.org/a?b=1 «قال» لـ"العربي"\t…'
    columns = [IDX, ORTH, NORM, IS_SPACE, SPACY]
    lean_doc, full_doc = blank_arabic().tokenizer(text), full.tokenizer(text)
    assert [t.text for t in lean_doc] == [t.text for t in full_doc]
    assert [t.norm_ for t in lean_doc] == [t.norm_ for t in full_doc]
    assert (lean_doc.to_array(columns) == full_doc.to_array(columns)).all()
    assert "دكتور" in [t.norm_ for t in lean_doc] and any(t.is_space for t in lean_doc)


def test_blank_arabic_computes_only_the_lexical_attributes_qawl_reads() -> None:
    """A new word form costs spaCy a call of each lexical getter of the vocabulary: only NORM and IS_SPACE are
    read, so the shape, URL or number look of a new form is not computed (40% of tokenizing new text)."""
    word = "كلمةجديدةqawl"  # a form the vocabulary has not met
    token = blank_arabic().tokenizer(f"نص {word}")[1]
    assert token.text == word and token.norm_ == word.lower()
    assert token.shape_ == "" and not token.is_alpha and not token.like_url


def test_sentence_spans_on_a_line() -> None:
    line = "أولى.  ثانية؟ ثالثة"
    assert [line[a:b] for a, b in sentence_spans(line)] == ["أولى.", "ثانية؟", "ثالثة"]


def test_sentences_are_frozen_values_that_pickle() -> None:
    """Sentences are slotted frozen dataclasses: immutable, compared by value, and they travel to workers intact."""
    sentences = split_sentences("doc", "قال الوزير: «نعم». ثم غادر.")
    assert pickle.loads(pickle.dumps(sentences)) == sentences
    with pytest.raises(dataclasses.FrozenInstanceError):
        sentences[0].start = 1  # type: ignore[misc]
    assert dataclasses.replace(sentences[0]) == sentences[0] and hash(dataclasses.replace(sentences[0])) == hash(sentences[0])
