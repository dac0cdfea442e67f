"""Entity patterns, with Arabic examples written for these tests (none from the seed)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qawl.annotate.entities import TIER_DATE, EntityRecognizer
from qawl.annotate.text import NormText, normalize


@pytest.fixture(scope="module")
def recognizer() -> EntityRecognizer:
    return EntityRecognizer()


def ents(recognizer: EntityRecognizer, text: str) -> list[tuple[str, str]]:
    found = recognizer.find(text)
    for m in found:
        assert 0 <= m.start < m.end <= len(text)
    return [(text[m.start : m.end], m.label) for m in found]


def labelled(recognizer: EntityRecognizer, text: str, label: str) -> list[str]:
    """The mentions of `text` with `label`, in text order."""
    return [mention for mention, found_label in ents(recognizer, text) if found_label == label]


def recognizer_with_gold(tmp_path, text: str, label: str) -> EntityRecognizer:
    """A recognizer whose gold gazetteer holds `text` with `label`, from another document's gold layer."""
    layer = {"doc_id": "other", "entities": [{"text": text, "label": label, "provenance": {"status": "gold"}}]}
    (tmp_path / "other.json").write_text(json.dumps(layer, ensure_ascii=False), encoding="utf-8")
    recognizer = EntityRecognizer()
    recognizer.learn(tmp_path)
    return recognizer


def test_normalisation_is_for_matching_only() -> None:
    assert normalize("أميركيّة") == normalize("امريكيه")
    assert normalize("مسئول") == normalize("مسؤول")
    nt = NormText.of("وصلَ إلى بغـداد")
    start = nt.norm.index("بغداد")
    assert nt.original[slice(*nt.span(start, start + 5))] == "بغـداد"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("زار الوفد القاهرة أمس.", ("القاهرة", "GPE")),
        ("ووصل إلى بيروت مساءً.", ("بيروت", "GPE")),
        ("عاد من فرنسا.", ("فرنسا", "GPE")),  # CLDR territory via Babel
        ("اجتماع في الأمم المتحدة.", ("الأمم المتحدة", "ORG")),
        ("وبالعراق أزمة مياه.", ("العراق", "GPE")),  # stacked proclitics و + ب stay outside
        ("وفدٌ من المدن السوريّة.", ("السوريّة", "NORP")),
    ],
)
def test_gazetteer_and_proclitics(recognizer: EntityRecognizer, text: str, expected: tuple[str, str]) -> None:
    assert expected in ents(recognizer, text)


def test_lam_lam_keeps_the_article_lam(recognizer: EntityRecognizer) -> None:
    assert ("لولايات المتحدة", "GPE") in ents(recognizer, "قدم الدعم للولايات المتحدة.")


def test_spelling_variants_of_american(recognizer: EntityRecognizer) -> None:
    assert ("الأمريكية", "NORP") in ents(recognizer, "القوات الأمريكية")
    assert ("الاميركية", "NORP") in ents(recognizer, "القوات الاميركية")


def test_institution_noun_with_nisba_is_one_org(recognizer: EntityRecognizer) -> None:
    assert ("الحكومة اللبنانية", "ORG") in ents(recognizer, "قررت الحكومة اللبنانية ذلك.")
    assert ("القنصلية التركية", "ORG") in ents(recognizer, "أمام القنصلية التركية في أربيل")


def test_plural_noun_with_nisba_is_norp_only(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "انتشرت القوات المصرية على الحدود.")
    assert ("المصرية", "NORP") in found
    assert not any(label == "ORG" for _, label in found)


def test_org_heads_construct_state(recognizer: EntityRecognizer) -> None:
    assert ("وزارة الخارجية", "ORG") in ents(recognizer, "وأعلنت وزارة الخارجية ذلك.")
    assert ("مجلس النواب", "ORG") in ents(recognizer, "صوت مجلس النواب على القانون.")


def test_quoted_name_after_descriptor_excludes_marks(recognizer: EntityRecognizer) -> None:
    assert ("عصائب الحق", "ORG") in ents(recognizer, "أعلنت جماعة «عصائب الحق» مسؤوليتها.")


def test_outlet_after_lam(recognizer: EntityRecognizer) -> None:
    assert ("المدن", "ORG") in ents(recognizer, "قال لـ\"المدن\" إن الوضع صعب.")


def test_person_from_given_name(recognizer: EntityRecognizer) -> None:
    assert ("خالد العنزي", "PERSON") in ents(recognizer, "وصرح خالد العنزي بأن الأمر انتهى.")


def test_person_after_title_and_role_phrase(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "وقال عضو المكتب السياسي للحركة زكي الشمري، إن الحوار مستمر.")
    assert ("زكي الشمري", "PERSON") in found
    found = ents(recognizer, "وكان وزير النفط في ليبيا، طلعت البرغوثي، قد أعلن ذلك.")
    assert ("طلعت البرغوثي", "PERSON") in found


def test_no_person_without_name(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "وقال رئيس الوزراء الأردني، إن الحوار مستمر.")
    assert not any(label == "PERSON" for _, label in found)


def test_facility(recognizer: EntityRecognizer) -> None:
    assert ("مطار القاهرة الدولي", "FAC") in ents(recognizer, "هبطت الطائرة في مطار القاهرة الدولي.")


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("وصل يوم الاثنين.", "يوم الاثنين"),
        ("في 5 حزيران/يونيو الماضي", "5 حزيران/يونيو الماضي"),
        ("بدأ العمل الأسبوع الماضي.", "الأسبوع الماضي"),
        ("منذ عام 2003", "عام 2003"),
        ("مطلع الشهر المقبل", "مطلع الشهر المقبل"),  # as مطلع 2010
        ("سقطت القذيفة فجر اليوم السبت.", "فجر اليوم السبت"),
        ("في مؤتمر صحافي مساء الأحد 3 شعبان 1446هـ، قال", "مساء الأحد 3 شعبان 1446هـ"),
        ("يقام المعرض من ١ إلى ٧ رمضان ١٤٤٦هـ.", "١ إلى ٧ رمضان ١٤٤٦هـ"),
        ("تبدأ البطولة خلال شهر أيلول.", "شهر أيلول"),
        ("ارتفعت الأسعار هذا العام.", "هذا العام"),
        ("ينتهي العقد نهاية العام.", "نهاية العام"),
    ],
)
def test_dates(recognizer: EntityRecognizer, text: str, date: str) -> None:
    assert (date, "DATE") in ents(recognizer, text)


# Words from every date pattern, their proclitics, and words that are not dates.
DATE_PIECES = [
    "15", "2021", "ال", "ال5", "من", "عام", "العام", "مارس", "حزيران", "/", "يونيو", "كانون", "الثاني", "تشرين",
    "الأول", "الماضي", "المقبل", "الحالي", "يوم", "أمس", "مساء", "الاثنين", "الجمعة", "الشهر", "الأسبوع", "مطلع",
    "نهاية", "اليوم", "غدا", "الذكرى", "السنوية", "ثلاثة", "أيام", "أشهر", "الأشهر", "الأخيرة", "و", "ب", "ل", "ف",
    "وب", "بالعام", "وفي", "قال", "الوزير", "،", ".", "\n",
]


# One text per date pattern, with and without proclitics.
DATE_TEXTS = [
    "وصل في 15 مارس 2021 وغادر في ال 5 من حزيران/يونيو الماضي",
    "بدأ في ال12 من الشهر الجاري وانتهى في 3 من العام المقبل",
    "عاد يوم الاثنين الماضي ومساء الجمعة وبالسبت",
    "قال العام الماضي إن الأسبوع المقبل حاسم",
    "منذ عام 2003 ومطلع 2010 ونهاية 2020",
    "في 1999 وأمس واليوم وغدا",
    "في الذكرى السنوية للحرب وفي الذكرى الخامسة",
    "بعد ثلاثة أيام و10 سنوات",
    "خلال الأشهر القليلة الماضية والأيام الأخيرة",
    "في تشرين الأول وكانون الثاني",
    "فجر اليوم الخميس ومساء الأحد 3 شعبان 1446هـ ومن 1 إلى 7 رمضان وخلال شهر مارس وهذا العام ومطلع الشهر",
    "مدد لثلاثة أيام وبعيد الفطر ولمطلع 2026 وبشهر مارس فليومين ولل15 من الشهر الجاري وبال٣ من الشهر الماضي",
]


def prefiltered_and_full_scan(recognizer: EntityRecognizer, text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    norm = normalize(text)
    found = [(m.start, m.end) for m in recognizer._candidates(recognizer._words(NormText.of(text)), "")[TIER_DATE]]
    return found, [(m.start("date"), m.end("date")) for m in recognizer.dates.dates.finditer(norm)]


@pytest.mark.parametrize("text", DATE_TEXTS)
def test_dates_are_found_where_a_full_scan_finds_them(recognizer: EntityRecognizer, text: str) -> None:
    # Dates are only looked for at words that can begin one; that must lose nothing.
    found, scan = prefiltered_and_full_scan(recognizer, text)
    assert found == scan and len(found) >= 2


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(DATE_PIECES), max_size=14), st.lists(st.sampled_from(["", " ", " ", "  "]), min_size=14, max_size=14))
def test_dates_prefilter_loses_nothing_on_any_mix(pieces: list[str], glue: list[str]) -> None:
    found, scan = prefiltered_and_full_scan(RECOGNIZER, "".join(p + g for p, g in zip(pieces, glue)))
    assert found == scan


RECOGNIZER = EntityRecognizer()


def test_negatives(recognizer: EntityRecognizer) -> None:
    # Common words that are also CLDR city names, adjectives that are not nisbas, bare nouns.
    found = ents(recognizer, "ترك الرجل الحكومة والتحالف وهو حكومي دولي عسكري، ماهي الأسباب؟")
    assert found == []


def test_gold_gazetteer_learns_and_skips_own_document(tmp_path) -> None:
    layer = {
        "doc_id": "other",
        "entities": [{"text": "أبناء الرافدين", "label": "ORG", "provenance": {"status": "gold"}}],
    }
    (tmp_path / "other.json").write_text(json.dumps(layer, ensure_ascii=False), encoding="utf-8")
    recognizer = EntityRecognizer()
    recognizer.learn(tmp_path)
    text = "وتبنت أبناء الرافدين الهجوم."
    assert [(text[m.start : m.end], m.label) for m in recognizer.find(text, "new")] == [("أبناء الرافدين", "ORG")]
    assert recognizer.find(text, "other") == []


def test_complementizer_and_speech_noun_end_a_name(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "أفاد رامي عبد الغني بأن القصف توقف، ونقلت عن كمال الزين قوله إن الوضع هادئ.")
    assert ("رامي عبد الغني", "PERSON") in found
    assert ("كمال الزين", "PERSON") in found


def test_family_name_alone_after_the_full_name(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "وقال الوزير سليم الحداد إن الخطة جاهزة. وأضاف الحداد أن التنفيذ يبدأ غدا.")
    assert found.count(("الحداد", "PERSON")) == 1
    assert ("سليم الحداد", "PERSON") in found


def test_family_name_with_bin_after_the_full_name(recognizer: EntityRecognizer) -> None:
    text = "وطالب النائب صالح بن عمور، الحكومة بالتراجع. وقال بن عمور إن المشروع متسرع."
    assert ("بن عمور", "PERSON") in ents(recognizer, text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("وقالت وزيرة السياحة نجوى القباني إن الموسم واعد.", "نجوى القباني"),
        ("ودعا المبعوث الأوروبي إلى السودان كلاوس-بيتر هايم إلى الحوار.", "كلاوس-بيتر هايم"),
        ("وقال مدير مرصد المياه سمير عبد الكريم بأن السد ممتلئ.", "سمير عبد الكريم"),
        ("وأكد القيادي في الحزب الاشتراكي نزار الحلبي أن الحزب سيشارك.", "نزار الحلبي"),
        ("وقال نقيب الصيادلة وائل الدباغ إن الأدوية متوفرة.", "وائل الدباغ"),
        ("وحذر الباحث الفرنسي جان-لوك مارتان من التصعيد.", "جان-لوك مارتان"),
    ],
)
def test_person_right_after_a_role_noun_and_its_complement(recognizer: EntityRecognizer, text: str, name: str) -> None:
    assert (name, "PERSON") in ents(recognizer, text)


def test_role_noun_complement_is_not_a_person(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "وقال مدير مرصد حقوق الإنسان إن الأرقام مقلقة.")
    assert not any(label == "PERSON" for _, label in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("حلب - «الصباح الجديد»\nقال مسؤول محلي إن الطريق مغلق.", [("حلب", "GPE"), ("الصباح الجديد", "ORG")]),
        ("سوسة - نبض الساحل قال مسؤول محلي إن الميناء مغلق.", [("سوسة", "GPE"), ("نبض الساحل", "ORG")]),
        ("الموصل - ليلى القيسي أعلنت البلدية إغلاق الجسر.", [("الموصل", "GPE"), ("ليلى القيسي", "PERSON")]),
        ("عمّان (رويترز) - قال مسؤول إن الحدود مفتوحة.", [("عمّان", "GPE"), ("رويترز", "ORG")]),
    ],
)
def test_dateline_place_and_outlet(recognizer: EntityRecognizer, text: str, expected: list[tuple[str, str]]) -> None:
    found = ents(recognizer, text)
    for entity in expected:
        assert entity in found
    assert not any(label == "NORP" for _, label in found)


def test_definite_ministry_with_nisba_is_one_org(recognizer: EntityRecognizer) -> None:
    assert ("الخارجية الإيرانية", "ORG") in ents(recognizer, "وقال المتحدث باسم الخارجية الإيرانية إن الرد قادم.")


def test_org_name_with_coordinated_complement_and_no_title(recognizer: EntityRecognizer) -> None:
    assert ("لجنة الصحة والبيئة النيابية", "ORG") in ents(recognizer, "وقالت عضو لجنة الصحة والبيئة النيابية إن الملف مهم.")
    found = ents(recognizer, "وأكد المتحدث باسم وزارة الدفاع المصرية العقيد هاني فوزي أن الحدود آمنة.")
    assert ("وزارة الدفاع المصرية", "ORG") in found
    assert ("هاني فوزي", "PERSON") in found


def test_nisba_agreeing_with_the_minister_is_not_part_of_the_ministry(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "وقال وزير الخارجية المصري في بيان إن الاتفاق قريب.")
    assert ("المصري", "NORP") in found
    assert not any(label == "ORG" for _, label in found)


def test_indefinite_form_of_a_role_noun_before_its_complement(recognizer: EntityRecognizer) -> None:
    assert ("صفوان فهيم", "PERSON") in ents(recognizer, "وقال نقيب المعلمين صفوان فهيم في مؤتمر صحافي إن الإضراب مستمر.")


def test_name_after_role_stops_before_a_noun_phrase(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "ووصف رئيس الإقليم يان-بيتر كوول القرار الأخير بأنه خطأ.")
    assert ("يان-بيتر كوول", "PERSON") in found


def test_byline_of_plain_words_is_a_person(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "الموصل - سلوى كريم\nأعلنت البلدية إغلاق الجسر.")
    assert ("سلوى كريم", "PERSON") in found


@pytest.mark.parametrize(
    ("text", "org"),
    [
        ("وحذرت المنظمة الدولية للهجرة من موجة جديدة.", "المنظمة الدولية للهجرة"),
        ("وقال محافظ البنك المركزي الليبي إن الاحتياطي كاف.", "البنك المركزي الليبي"),
        ("أعلن الاتحاد الأردني لكرة السلة موعد البطولة.", "الاتحاد الأردني لكرة السلة"),
        ("واجتمع المجلس الأعلى للقضاء أمس.", "المجلس الأعلى للقضاء"),
    ],
)
def test_definite_head_with_adjectives_and_complement_is_one_org(recognizer: EntityRecognizer, text: str, org: str) -> None:
    assert (org, "ORG") in ents(recognizer, text)


def test_body_of_an_organisation_is_not_its_name(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "وقال عضو المكتب السياسي لحركة «النهضة» إن الحوار مستمر.")
    assert not any(text.startswith("المكتب") for text, _ in found)


def test_gold_dates_do_not_cut_date_expressions(tmp_path) -> None:
    recognizer = recognizer_with_gold(tmp_path, "الخميس", "DATE")
    assert ents(recognizer, "وصل الوفد فجر الخميس.") == [("فجر الخميس", "DATE")]


@pytest.mark.parametrize(
    ("text", "org"),
    [
        ("وصوت مجلس نواب الشعب على القانون.", "مجلس نواب الشعب"),
        ("وأعلنت خلية الإعلام الأمني سقوط صاروخ.", "خلية الإعلام الأمني"),
        ("ودعا مجلس أمناء الجامعة إلى اجتماع طارئ.", "مجلس أمناء الجامعة"),
    ],
)
def test_org_head_with_construct_chain(recognizer: EntityRecognizer, text: str, org: str) -> None:
    assert (org, "ORG") in ents(recognizer, text)


def test_gold_nisba_does_not_cut_the_organisation_it_qualifies(tmp_path) -> None:
    recognizer = recognizer_with_gold(tmp_path, "الليبية", "NORP")
    assert ents(recognizer, "واستدعت الخارجية الليبية السفير.") == [("الخارجية الليبية", "ORG")]
    assert ents(recognizer, "وانتشرت القوات الليبية.") == [("الليبية", "NORP")]


def test_person_name_does_not_swallow_the_date_after_it(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "وقال الخبير سامي نجيب فرحات يوم الأحد إن الأسعار سترتفع.")
    assert ("سامي نجيب فرحات", "PERSON") in found
    assert ("يوم الأحد", "DATE") in found


def test_long_arab_name_with_connectors_is_one_person(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "وصل الشيخ حمد بن عيسى بن سلمان آل خليفة إلى المطار.")
    assert ("حمد بن عيسى بن سلمان آل خليفة", "PERSON") in found


def test_name_after_abd_takes_a_word_that_is_also_a_title(recognizer: EntityRecognizer) -> None:
    assert ("كريم عبد الأمير الطائي", "PERSON") in ents(recognizer, "وأكد المحافظ كريم عبد الأمير الطائي أن العمل مستمر.")


def test_a_verb_of_the_dictionary_ends_a_person_name(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "وكان المدرب كارلوس نيفيز يزور النادي كل أسبوع.")
    assert ("كارلوس نيفيز", "PERSON") in found


def test_connector_after_the_conjunction_takes_the_next_word(recognizer: EntityRecognizer) -> None:
    assert ("عبد الكريم الجابري", "PERSON") in ents(recognizer, "وحضر اللقاء سالم الرميثي وعبد الكريم الجابري.")


def test_a_verb_as_second_word_of_a_theophoric_name(recognizer: EntityRecognizer) -> None:
    assert ("حسن فضل الله", "PERSON") in ents(recognizer, "وقال النائب حسن فضل الله إن الجلسة تأجلت.")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("وقال المفوض الأوروبي لشؤون التجارة بيتر موريس إن المحادثات صعبة.", "بيتر موريس"),  # ل + noun + definite
        ("وأكدت المديرة الإقليمية لصندوق الطفولة مارتا لوبيز أن البرنامج مستمر.", "مارتا لوبيز"),  # feminine title
        ("وقال وزير التربية والتعليم العالي وشؤون الشباب نبيل قطيش إن المدارس تفتح.", "نبيل قطيش"),  # و + noun + definite
    ],
)
def test_person_after_role_phrase_with_complements(recognizer: EntityRecognizer, text: str, name: str) -> None:
    assert (name, "PERSON") in ents(recognizer, text)


def test_role_complement_after_and_is_not_a_person(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, "وقال وزير الزراعة وشؤون الري إن الموسم جيد.", "PERSON") == []


def test_dual_title_before_a_name(recognizer: EntityRecognizer) -> None:
    assert ("كنان طراد", "PERSON") in ents(recognizer, "وتحدث المستشاران كنان طراد ونزار العلي في الندوة.")


def test_indefinite_title_read_with_the_conjunction_keeps_its_complement(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "وقال والي سطيف ميلود عبلة إن الطريق سيفتح.")
    assert ("ميلود عبلة", "PERSON") in found
    assert not any("سطيف" in text for text, label in found if label == "PERSON")


def test_a_word_with_a_proclitic_before_its_article_ends_a_name(recognizer: EntityRecognizer) -> None:
    assert ("عمر بوزيد", "PERSON") in ents(recognizer, "ورحب الوالي عمر بوزيد بالوفد.")


def test_counterpart_is_a_role_noun(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "والتقى الوزير نظيره البرتغالي جواو غوميز كرافينيو في لشبونة.")
    assert ("جواو غوميز كرافينيو", "PERSON") in found


def test_cities_of_the_region_from_geonames(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "وصل الوفد إلى ورقلة أمس قادماً من دهوك.")
    assert ("ورقلة", "GPE") in found and ("دهوك", "GPE") in found


def test_capitals_and_great_cities_of_the_world_from_geonames(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "وتوصلت واشنطن وبكين إلى تفاهم، فيما رحبت لندن وبرلين بالخطوة ونددت بها بيونغ يانغ وساو باولو.")
    assert [name for name, label in found if label == "GPE"] == ["واشنطن", "بكين", "لندن", "برلين", "بيونغ يانغ", "ساو باولو"]


def test_known_name_before_bin_opens_the_person_after_a_title(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "وقال الدكتور دهوك بن سالم المري إن الخطة جاهزة.")
    assert ("دهوك بن سالم المري", "PERSON") in found


def test_future_verb_after_a_role_is_not_a_name(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, "وأعلن محافظ دهوك سيستقبل النازحين في المخيمات.", "PERSON") == []


def test_institution_after_lam_lam_is_one_org(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "وجاء ذلك في بيان للحكومة اللبنانية وآخر للاتحاد العام الليبي للعمال.")
    assert ("لحكومة اللبنانية", "ORG") in found
    assert ("لاتحاد العام الليبي للعمال", "ORG") in found


@pytest.mark.parametrize(
    ("text", "org"),
    [
        ("ومولت الوكالة اليابانية للتعاون الدولي المشروع.", "الوكالة اليابانية للتعاون الدولي"),  # N2 + nisba + complement
        ("وأعلنت الشركة الوطنية للنقل البحري أرباحها.", "الشركة الوطنية للنقل البحري"),  # complement with its adjective
        ("ورحبت الغرفة الأردنية للسياحة والفنادق بالقرار.", "الغرفة الأردنية للسياحة والفنادق"),  # one coordinated noun
    ],
)
def test_organisation_with_a_lam_complement(recognizer: EntityRecognizer, text: str, org: str) -> None:
    assert (org, "ORG") in ents(recognizer, text)


def test_institution_with_nisba_keeps_later_adjectives_out(recognizer: EntityRecognizer) -> None:
    assert ("الحكومة السورية", "ORG") in ents(recognizer, "وقالت الحكومة السورية الجديدة إنها ستعمل.")


def test_class_noun_with_a_common_adjective_is_not_a_facility(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, "وافتتح الوزير مستشفى ميدانياً ومركز صحي جديد في القرية.", "FAC") == []


def test_facility_name_ends_before_a_verb(recognizer: EntityRecognizer) -> None:
    assert ("ملعب حمادي العقربي", "FAC") in ents(recognizer, "وقال إن ملعب حمادي العقربي سيحتضن المباراة.")


def test_hyphenated_family_name_comes_back_whole(recognizer: EntityRecognizer) -> None:
    text = "وقالت الوزيرة ماريا لوبيز-غارسيا إن الاتفاق قريب. وأضافت لوبيز-غارسيا أن المحادثات مستمرة."
    assert labelled(recognizer, text, "PERSON") == ["ماريا لوبيز-غارسيا", "لوبيز-غارسيا"]


def test_year_after_a_period_noun_and_its_unit(recognizer: EntityRecognizer) -> None:
    assert ("نهاية سنة ٢٠٣٠", "DATE") in ents(recognizer, "ويكتمل المشروع قبل نهاية سنة ٢٠٣٠.")


def test_byline_of_a_name_and_a_family_nisba_is_a_person(recognizer: EntityRecognizer) -> None:
    assert ("مشعل الحربي", "PERSON") in ents(recognizer, "جدة - مشعل الحربي\nأعلنت الأمانة افتتاح الحديقة.")


def test_common_noun_phrase_before_the_end_is_not_the_name_after_a_title(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, "ودعا نقيب المحامين إلى احترام القانون.", "PERSON") == []


def test_the_name_ali_and_the_preposition_ala_are_told_apart_by_their_spelling(recognizer: EntityRecognizer) -> None:
    """Normalisation writes على (on) and علي (the name) alike; the original's final letter decides."""
    assert labelled(recognizer, "وقال علي الساعدي إن الوفد وصل.", "PERSON") == ["علي الساعدي"]
    assert labelled(recognizer, "وأعلن سامي علي حسون أن الجسر افتتح.", "PERSON") == ["سامي علي حسون"]
    assert labelled(recognizer, "وشدد سامي على ضرورة الحوار.", "PERSON") == []


def test_a_name_opening_with_hamza_alef_lam_is_no_definite_word(recognizer: EntityRecognizer) -> None:
    """إلهام normalises to الهام, which looks like the article; after a title it is the name."""
    assert labelled(recognizer, "وقالت المستشارة إلهام الزبيدي إن الخطة جاهزة.", "PERSON") == ["إلهام الزبيدي"]


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("وقال الوزير نور الدين الحلبي إن القضية مستمرة.", "نور الدين الحلبي"),  # الدين: a compound given name, not the family name
        ("وقال حمدان بن زايد الكعبي إن الموسم جيد.", "حمدان بن زايد الكعبي"),  # the word before بن opens the name
        ("والتقى الرئيس التنفيذي سلطان بن ماجد المري الوفد.", "سلطان بن ماجد المري"),  # even a title word
        ("وكان قائد الفرقة الثالثة العميد ستار كاظم الموسوي قد أكد أن الطريق آمن.", "ستار كاظم الموسوي"),  # ستار: no future verb here
        ("أعلن مدير المصنع كمال بوراس افتتاح خط جديد.", "كمال بوراس"),  # a verbal noun ends the name
        ("وزارت المديرة سناء حداد مدرسة ابتدائية في الريف.", "سناء حداد"),  # so does a noun with its adjective
        ("وأشار مدير فرع سيمنس في مصر هانز كولر إلى أن العمل مستمر.", "هانز كولر"),  # the role goes on after في
        ("وأكد المتحدث الرسمي باسم رئاسة الوزراء، السفير كريم عادل، أن الاجتماع انتهى.", "كريم عادل"),  # باسم: no name follows it
    ],
)
def test_a_person_name_is_taken_whole_and_no_further(recognizer: EntityRecognizer, text: str, person: str) -> None:
    assert labelled(recognizer, text, "PERSON") == [person]


def test_a_quoted_outlet_after_lam_beats_the_names_and_dates_inside_it(recognizer: EntityRecognizer) -> None:
    assert ents(recognizer, "وقال المتحدث لـ«المساء اليوم» إن الوفد وصل.") == [("المساء اليوم", "ORG")]


def test_a_quoted_clause_after_an_organisation_head_is_no_name(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, 'وأكد المدير أن الشركة "بدأت تجني الأرباح" هذا العام.', "ORG") == []


def test_an_organisation_name_ends_before_ila(recognizer: EntityRecognizer) -> None:
    """إلى normalises to الي, shaped like a nisba adjective (الدولي): it is not one."""
    text = "وأشار تقرير صادر عن الهيئة العامة للتخطيط إلى أن النمو تراجع."
    assert labelled(recognizer, text, "ORG") == ["الهيئة العامة للتخطيط"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وصل الوفد إلى محافظة البصرة أمس.", ("محافظة البصرة", "GPE")),  # an administrative unit is named with its head
        ("انتشرت القوات في قضاء تلكيف.", ("قضاء تلكيف", "GPE")),
        ("واستقبل رئيس بلدية جبيل الوفد.", ("بلدية جبيل", "ORG")),  # a municipality is its council
        ("زار رئيس الحكومة مدينة الموصل صباح السبت.", ("الموصل", "GPE")),  # a settlement is its name alone
        ("سقطت قذيفة على بلدة كفرنبودة.", ("كفرنبودة", "GPE")),  # a name of no gazetteer
    ],
)
def test_a_place_after_its_class_noun(recognizer: EntityRecognizer, text: str, expected: tuple[str, str]) -> None:
    assert expected in ents(recognizer, text)
    assert labelled(recognizer, text, "PERSON") == []


def test_a_class_noun_before_an_ordinary_word_names_no_place(recognizer: EntityRecognizer) -> None:
    assert ents(recognizer, "انتقلت العائلة إلى مدينة كبيرة.") == []


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("ستستمر الأشغال سبع سنوات.", "سبع سنوات"),  # the number word before a feminine-plural unit
        ("تأجل الافتتاح شهرين.", "شهرين"),  # a dual unit
        ("يبدأ المعرض في الثاني عشر من مايو المقبل.", "الثاني عشر من مايو المقبل"),  # an ordinal day of a month
        ("تصل البعثة في أواخر يناير.", "أواخر يناير"),
        ("تراجعت المبيعات خلال الربع الثاني من العام الماضي.", "الربع الثاني من العام الماضي"),  # a quarter
        ("تنقطع المياه طوال فصل الشتاء.", "فصل الشتاء"),  # a season
        ("تغلق المدارس قبل عيد الأضحى.", "عيد الأضحى"),  # a holiday
        ("سقطت القذائف ليل السبت.", "ليل السبت"),
    ],
)
def test_more_date_expressions(recognizer: EntityRecognizer, text: str, date: str) -> None:
    assert labelled(recognizer, text, "DATE") == [date]


def test_the_arab_spring_is_no_season(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, "بعد ثورات الربيع العربي تغيرت المنطقة.", "DATE") == []


def test_a_facility_name_ends_where_a_person_name_begins(recognizer: EntityRecognizer) -> None:
    text = "وقال مدير ميناء صفاقس كمال الهمامي إن الحركة ارتفعت."
    assert ents(recognizer, text) == [("ميناء صفاقس", "FAC"), ("كمال الهمامي", "PERSON")]
    assert ents(recognizer, "هبطت الطائرة في مطار الملك عبد العزيز الدولي.") == [("مطار الملك عبد العزيز الدولي", "FAC")]


@pytest.mark.parametrize(
    ("text", "nisba"),
    [
        ("والتقى الوزير نظيره البولندي أمس.", "البولندي"),  # بولندا → بولندي, derived from CLDR
        ("وصل الرئيس الأرجنتيني إلى المدينة.", "الأرجنتيني"),
        ("وقعت الوزارة عقداً مع الشركة البرازيلية.", "البرازيلية"),  # شركة is no N2 head: the nisba alone is tagged
    ],
)
def test_nisba_of_a_country_name_from_cldr(recognizer: EntityRecognizer, text: str, nisba: str) -> None:
    assert labelled(recognizer, text, "NORP") == [nisba]
    assert labelled(recognizer, text, "ORG") == []


def test_a_name_found_once_is_found_wherever_it_is_spelled_the_same(recognizer: EntityRecognizer) -> None:
    """The dateline's place, and a quoted name after its descriptor, label their other occurrences."""
    assert labelled(recognizer, "سرت - «الوسط»\nوقال سكان في سرت إن المياه انقطعت.", "GPE") == ["سرت", "سرت"]
    text = "تبنى تنظيم «جند الشام» الهجوم. وتطارد القوات عناصر «جند الشام» منذ أشهر."
    assert labelled(recognizer, text, "ORG") == ["جند الشام", "جند الشام"]


@pytest.mark.parametrize(
    ("text", "org"),
    [
        ("وقال رئيس غرفة تجارة حلب إن الأسعار ارتفعت.", "غرفة تجارة حلب"),  # head + noun + a known place
        ("تخرج الطبيب في جامعة دمشق قبل سنوات.", "جامعة دمشق"),  # head + a known place
    ],
)
def test_an_organisation_head_with_a_known_place_in_its_complement(recognizer: EntityRecognizer, text: str, org: str) -> None:
    assert labelled(recognizer, text, "ORG") == [org]
    assert labelled(recognizer, text, "GPE") == []


def test_a_sports_role_before_a_name_that_opens_with_lam(recognizer: EntityRecognizer) -> None:
    """مهاجم is a role noun; لوكاس is a name, not ل + a complement of the role (لشؤون الصحة)."""
    assert labelled(recognizer, "وأشار مهاجم النادي لوكاس مارتينيز إلى أن الفوز مستحق.", "PERSON") == ["لوكاس مارتينيز"]
    assert labelled(recognizer, "وأشار المبعوث الخاص لشؤون المياه إلى أن الأزمة تتفاقم.", "PERSON") == []


def test_an_organisation_chain_through_a_place_class_noun_ends_after_the_place(recognizer: EntityRecognizer) -> None:
    text = "وحضر رئيس مجلس محافظة البصرة الافتتاح أمس."
    assert labelled(recognizer, text, "ORG") == ["مجلس محافظة البصرة"]
    assert labelled(recognizer, text, "GPE") == []


def test_a_camp_is_no_settlement(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, "عاد اللاجئون من مخيم الزعتري.", "GPE") == []


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("وأوضح مدير الشركة باسم قطيش أن العقد وقع.", ["باسم قطيش"]),  # the given name before a family name
        ("واعتبر النائب باسم الزيدي أن القانون ناقص.", ["باسم الزيدي"]),  # before a family nisba
        ("وقال المتحدث باسم الوزارة إن العقد وقع.", []),  # "in the name of" an institution
        ("وقال المتحدث باسم رئاسة الحكومة إن العقد وقع.", []),
    ],
)
def test_basim_the_name_and_basim_in_the_name_of(recognizer: EntityRecognizer, text: str, persons: list[str]) -> None:
    assert labelled(recognizer, text, "PERSON") == persons


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("دمشق - (أ ف ب)\nقالت ممثلة الهيئة إن العمل مستمر.", [("دمشق", "GPE"), ("أ ف ب", "ORG")]),
        ("حلب - (وكالات)\nقال الوزير إن العمل مستمر.", [("حلب", "GPE")]),  # "agencies": no one agency
    ],
)
def test_an_agency_after_the_dateline_dash(recognizer: EntityRecognizer, text: str, expected: list[tuple[str, str]]) -> None:
    assert ents(recognizer, text)[: len(expected) + 1] == expected


def test_two_coordinated_words_are_no_name(recognizer: EntityRecognizer) -> None:
    """آمنة وكريمة: a name never goes on with و + a word (وليد, a name of its own, apart)."""
    assert labelled(recognizer, "وقالت إن الظروف لا تسمح بعد بعودة آمنة وكريمة للاجئين.", "PERSON") == []
    assert labelled(recognizer, "قال الكاتب محمد وليد الحسن إن الظروف صعبة.", "PERSON") == ["محمد وليد الحسن"]


def test_a_quoted_sentence_opening_with_an_organisation_head_is_no_name(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, 'وأضاف الرئيس: «الهيئة لن تقبل أي شرط يمس الأجور».', "ORG") == []


def test_a_facility_name_ends_before_bianna(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, "وصف الهجوم على قاعدة الصقر بأنه عمل جبان.", "FAC") == ["قاعدة الصقر"]


def test_a_person_after_a_role_and_a_one_word_bloc_name(recognizer: EntityRecognizer) -> None:
    """النائب عن كتلة X + given name + family name: the bloc is X's, the person starts at the given name."""
    text = "وقال النائب عن كتلة وفاقون سعيد الكرخي إن الاتفاق باطل."
    assert ents(recognizer, text) == [("كتلة وفاقون", "ORG"), ("سعيد الكرخي", "PERSON")]


def test_a_person_after_the_head_of_a_council_of_a_place(recognizer: EntityRecognizer) -> None:
    """رئيس مجلس محافظة X + name: an organisation head goes on with the role's construct chain."""
    text = "ودعا رئيس مجلس محافظة نينوى ضرغام الجبوري إلى سحب الأسلحة."  # a given name of no list
    assert labelled(recognizer, text, "PERSON") == ["ضرغام الجبوري"]


def test_a_square_for_a_purpose_is_no_facility(recognizer: EntityRecognizer) -> None:
    """ساحة لتصفية الحسابات: a class noun and a preposition with a common noun, no name."""
    assert labelled(recognizer, "حوّلت الحرب البلاد إلى ساحة لتصفية الحسابات.", "FAC") == []


def test_a_title_word_after_a_given_name_is_its_family_name(recognizer: EntityRecognizer) -> None:
    """خالد الحاج: الحاج closes the name as its family name when no name follows it."""
    text = "واستقبل رئيس بلدية صور خالد الحاج وفداً من المزارعين."
    assert labelled(recognizer, text, "PERSON") == ["خالد الحاج"]


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("وقال المتحدث باسم الجيش العميد تركي العنزي، في مؤتمر صحافي.", ["تركي العنزي"]),
        ("وقال مسؤول عراقي إن الأسعار سترتفع.", []),  # no family name: عراقي is the official's nisba
    ],
)
def test_a_nisba_given_name_after_a_role(recognizer: EntityRecognizer, text: str, persons: list[str]) -> None:
    assert labelled(recognizer, text, "PERSON") == persons


def test_the_family_name_al_ali_is_no_preposition(recognizer: EntityRecognizer) -> None:
    """العلي reads as ال + علي, and علي is also على normalised: with the article it is a name word."""
    assert labelled(recognizer, "وقال المحلل السياسي سرمد العلي إن الدعم كان حاسماً.", "PERSON") == ["سرمد العلي"]


@pytest.mark.parametrize(
    ("text", "org"),
    [
        ("وحذرت المفوضية السامية للأمم المتحدة لشؤون اللاجئين من الظروف.", "المفوضية السامية للأمم المتحدة لشؤون اللاجئين"),
        ("وذكرت المفوضية السامية لشؤون اللاجئين أن العدد ارتفع.", "المفوضية السامية لشؤون اللاجئين"),
        ("وقالت المفوضية المستقلة للانتخابات إن الموعد ثابت.", "المفوضية المستقلة للانتخابات"),
    ],
)
def test_a_commission_with_its_adjective_and_complements(recognizer: EntityRecognizer, text: str, org: str) -> None:
    assert labelled(recognizer, text, "ORG") == [org]


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("وقال محافظ البرقاء سالم الحمد إن الطرق آمنة.", ["البرقاء"]),
        ("وأوضح محافظ ريف حلب أن المراكز فتحت.", ["ريف حلب"]),
        ("وقال محافظ البنك المركزي إن الفائدة ثابتة.", []),  # the governor of an organisation
    ],
)
def test_the_place_a_governor_governs(recognizer: EntityRecognizer, text: str, places: list[str]) -> None:
    assert labelled(recognizer, text, "GPE") == places


@pytest.mark.parametrize(
    ("text", "events"),
    [
        ("وانطلقت فعاليات مهرجان صفاقس للفنون الشعبية بحضور الوزير.", ["مهرجان صفاقس للفنون الشعبية"]),
        ("وأعلنت الوزارة تنظيم المهرجان الوطني للموسيقى الشعبية في قسنطينة.", ["المهرجان الوطني للموسيقى الشعبية"]),
        ("وتستضيف الدوحة المؤتمر الدولي للطاقة والمياه في مارس.", ["المؤتمر الدولي للطاقة والمياه"]),
        ("وقال الوزير في المؤتمر الصحفي للحكومة إن الأسعار ثابتة.", []),  # a press conference is no named event
        ("وعقد الوزير مؤتمراً صحفياً أمس.", []),
    ],
)
def test_a_festival_or_conference_with_its_complement_is_an_event(recognizer: EntityRecognizer, text: str, events: list[str]) -> None:
    assert labelled(recognizer, text, "EVENT") == events


@pytest.mark.parametrize(
    ("text", "orgs"),
    [
        ("وقال المتحدث باسم حركة حماس إن الهدنة قائمة.", ["حماس"]),  # GUIDELINES §2.6
        ("وقال في حديث لقناة الميادين إن الوضع صعب.", ["الميادين"]),
        ("ونقلت صحيفة الوطن عن مصادر أن الاجتماع تأجل.", ["الوطن"]),
        ("وقال المتحدث باسم جماعة أنصار الله إن الهدنة قائمة.", ["أنصار الله"]),
        ("وقال مراسل وكالة الأنباء العراقية إن الخبر صحيح.", ["وكالة الأنباء العراقية"]),  # the rest is no name alone
    ],
)
def test_a_generic_descriptor_stays_outside_a_name_used_alone(recognizer: EntityRecognizer, text: str, orgs: list[str]) -> None:
    assert labelled(recognizer, text, "ORG") == orgs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("كشف مدير ميناء جدة الإسلامي ميلود العتيبي عن ارتفاع الحجم.", [("ميناء جدة الإسلامي", "FAC"), ("ميلود العتيبي", "PERSON")]),
        ("وهبطت الطائرة في مطار الملك عبد العزيز الدولي مساءً.", [("مطار الملك عبد العزيز الدولي", "FAC")]),
    ],
)
def test_a_facility_name_ends_before_the_person_that_follows(recognizer: EntityRecognizer, text: str, expected: list[tuple[str, str]]) -> None:
    assert [e for e in ents(recognizer, text) if e[1] != "DATE"] == expected


def test_a_definite_family_name_ending_in_na_is_no_pronoun_suffix(recognizer: EntityRecognizer) -> None:
    """-نا after the article is part of the word: the article and a possessive suffix never go together."""
    text = "وأعلن وزير النقل مروان الحنا الذي زار المحافظة أن المشروع بدأ."
    assert labelled(recognizer, text, "PERSON") == ["مروان الحنا"]
    assert labelled(recognizer, "وقال إن أرضنا محررة.", "PERSON") == []


def test_an_organisation_name_ends_before_a_weekday(recognizer: EntityRecognizer) -> None:
    text = "وقال وزير المالية أمام مجلس الشيوخ الأربعاء إن الدعم باق."
    assert ents(recognizer, text) == [("مجلس الشيوخ", "ORG"), ("الأربعاء", "DATE")]


@pytest.mark.parametrize(
    ("text", "orgs"),
    [
        ("وأعلنت حكومة الإنقاذ الوطني أنها خصصت ميزانية للعملية.", ["حكومة الإنقاذ الوطني"]),
        ("وقال المتحدث باسم حكومة إقليم كردستان إن الوجود ضروري.", ["حكومة إقليم كردستان"]),
        ("وطالب النواب بتشكيل حكومة جديدة.", []),
    ],
)
def test_a_government_named_by_its_genitive(recognizer: EntityRecognizer, text: str, orgs: list[str]) -> None:
    assert labelled(recognizer, text, "ORG") == orgs


def test_a_given_name_ending_like_a_pronoun_suffix_opens_a_name(recognizer: EntityRecognizer) -> None:
    """رنا is a given name, not a word with the suffix -نا (أرضنا)."""
    assert labelled(recognizer, "وقالت رئيسة الجمعية رنا الحلبي إن الدعم تأخر.", "PERSON") == ["رنا الحلبي"]
    assert labelled(recognizer, "وقال: «لدينا أدلة على التهريب».", "PERSON") == []  # ل + دينا: لدينا, "we have"


def test_an_unknown_name_ending_like_a_pronoun_suffix_after_a_title(recognizer: EntityRecognizer) -> None:
    """-نا is a suffix only on a word of the dictionary (أرضنا، حكومتنا): تاتيانا has no such stem."""
    text = "وقالت الوزيرة تاتيانا الخوري إن أرضنا محررة وإن حكومتنا صامدة."
    assert labelled(recognizer, text, "PERSON") == ["تاتيانا الخوري"]


def test_a_gold_name_inside_a_facility_or_outlet_name_is_part_of_it(tmp_path) -> None:
    recognizer = recognizer_with_gold(tmp_path, "البصرة", "GPE")
    assert ents(recognizer, "وسقط صاروخ قرب مطار البصرة الدولي.") == [("مطار البصرة الدولي", "FAC")]
    assert ents(recognizer, "البصرة - «البصرة الآن» قال المحافظ إن الطرق آمنة.") == [("البصرة", "GPE"), ("البصرة الآن", "ORG")]
    assert ents(recognizer, "ووصل الوفد إلى البصرة.") == [("البصرة", "GPE")]


def test_led_by_is_no_organisation_head(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "وانضمت القوة متعددة الجنسيات بقيادة باريس إلى المهمة، والتقى وفد القيادة العامة للجيش بالوزير.")
    assert ("باريس", "GPE") in found
    assert not [name for name, _ in found if "قيادة" in name and "باريس" in name]


def test_full_name_of_a_state_with_its_nisba_is_one_gpe(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "وأكدت الولايات المتحدة الأمريكية دعمها، ورحبت المملكة المتحدة البريطانية بالقرار.")
    assert [name for name, _ in found] == ["الولايات المتحدة الأمريكية", "المملكة المتحدة البريطانية"]
    assert {label for _, label in found} == {"GPE"}


def test_forces_or_factions_of_a_common_noun_are_no_name(recognizer: EntityRecognizer) -> None:
    text = 'وقال إن "فصائل المعارضة" وقوات الجيش انسحبت، فيما تقدمت قوات الدعم السريع وقوات البيشمركة نحو المدينة.'
    assert labelled(recognizer, text, "ORG") == ["قوات الدعم السريع", "قوات البيشمركة"]
    assert labelled(recognizer, 'وقالت إن "فصائل المقاومة" لن تتوقف.', "ORG") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وقال الخبير في مجموعة ستيرلينغ بارتنرز كريم الحداد إن الأسعار سترتفع.", [("ستيرلينغ بارتنرز", "ORG"), ("كريم الحداد", "PERSON")]),
        ("وأعلنت شركة فولكسفاغن الألمانية خطة جديدة.", [("فولكسفاغن", "ORG"), ("الألمانية", "NORP")]),
        ("وذكرت وكالة بلومبرغ أن الصفقة أنجزت.", [("بلومبرغ", "ORG")]),
        ("ووقعت الوزارة اتفاقاً مع الشركة الفرنسية توتال لبناء المصنع.", [("الفرنسية", "NORP"), ("توتال", "ORG")]),
        ("وقال رئيس مجمع فوسفاطكو سمير الدباغ إن الإنتاج ارتفع.", [("فوسفاطكو", "ORG"), ("سمير الدباغ", "PERSON")]),
    ],
)
def test_a_descriptor_before_a_coined_or_foreign_name_stays_outside(recognizer: EntityRecognizer, text: str, expected: list[tuple[str, str]]) -> None:
    assert ents(recognizer, text) == expected


def test_a_descriptor_before_ordinary_words_keeps_the_whole_name(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, "وأعلنت شركة نفط الشمال زيادة الإنتاج، وقالت شركة كبرى إنها ستنسحب.", "ORG") == ["شركة نفط الشمال"]


def test_abbreviation_in_parentheses_after_an_organisation(recognizer: EntityRecognizer) -> None:
    text = "ونقلت وكالة الأنباء البحرينية (بنا) عن مصدر قوله إن الجلسة (المغلقة) انتهت، وقال صندوق النقد الدولي (صنق) إن النمو تباطأ."
    assert labelled(recognizer, text, "ORG") == ["وكالة الأنباء البحرينية", "بنا", "صندوق النقد الدولي", "صنق"]
    assert ents(recognizer, "وقال إن السفارة الأمريكية (في عمان) مغلقة.") == [("السفارة الأمريكية", "ORG"), ("عمان", "GPE")]


def test_a_perfect_verb_after_a_role_noun_opens_the_predicate(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, "وكان أمير البلاد استقبل الوفد في القصر.", "PERSON") == []


def test_a_word_opening_with_hamza_alef_lam_is_no_definite_word_either(recognizer: EntityRecognizer) -> None:
    assert ents(recognizer, "وأكد المدير العام لشركة ألكاتيل الفرنسية أن المصنع جاهز.") == [("ألكاتيل", "ORG"), ("الفرنسية", "NORP")]


def test_a_role_goes_on_through_a_coined_organisation_name(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "وأكد المدير العام لشركة ألكاتيل الفرنسية جان-لوك بيرنار أن المصنع جاهز.")
    assert found == [("ألكاتيل", "ORG"), ("الفرنسية", "NORP"), ("جان-لوك بيرنار", "PERSON")]


def test_a_known_place_ends_a_person_name(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "وزار الرئيس الكوري يون سوك يول طوكيو أمس.")
    assert ("يون سوك يول", "PERSON") in found and ("طوكيو", "GPE") in found


def test_an_organisation_name_ends_before_a_relative_pronoun(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, "ورفض الشروط التي وضعها مجلس الأمن الدولي التي وصفها بالمجحفة.", "ORG") == ["مجلس الأمن الدولي"]


def test_a_two_letter_month_alone_is_no_date(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, "وعبرت السفن باب المندب، وقال أب لثلاثة أطفال إن المدارس تفتح في آب المقبل أو 3 آب 2027.", "DATE") == [
        "آب المقبل", "3 آب 2027"
    ]


def test_a_nisba_that_does_not_agree_with_the_descriptor_is_the_persons(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "وقال الرئيس التنفيذي للشركة البلجيكي ماتياس فان هوف إن الأرباح ارتفعت.")
    assert found == [("البلجيكي", "NORP"), ("ماتياس فان هوف", "PERSON")]


@pytest.mark.parametrize(
    ("text", "org"),
    [
        ("وحذرت الشبكة العربية لحقوق اللاجئين من ترحيلهم.", "الشبكة العربية لحقوق اللاجئين"),
        ("وأعلنت اللجنة الوطنية المستقلة للانتخابات النتائج.", "اللجنة الوطنية المستقلة للانتخابات"),
        ("وطالب التجمع الوطني لمكافحة الفساد بمحاسبة المسؤولين.", "التجمع الوطني لمكافحة الفساد"),
    ],
)
def test_a_definite_head_with_adjectives_and_a_complement(recognizer: EntityRecognizer, text: str, org: str) -> None:
    assert labelled(recognizer, text, "ORG") == [org]


def test_a_definite_head_with_an_adjective_alone_is_no_name(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, "وقالت اللجنة الفنية إن الشبكة الكهربائية تعطلت.", "ORG") == []


def test_an_adjective_after_the_complement_belongs_to_the_name(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, "وأعلن الاتحاد العام للصناعات الصغيرة دعمه للقرار.", "ORG") == ["الاتحاد العام للصناعات الصغيرة"]


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("وقال وزير المالية السوداني عبد الرحيم محمد أحمد الطيب إن العجز تراجع.", "عبد الرحيم محمد أحمد الطيب"),
        ("وشدد رئيس الحزب محمدو ولد سيدي المختار على ضرورة الحوار.", "محمدو ولد سيدي المختار"),
    ],
)
def test_long_names_keep_their_family_name(recognizer: EntityRecognizer, text: str, person: str) -> None:
    assert labelled(recognizer, text, "PERSON") == [person]


def test_a_preposition_before_a_common_noun_opens_no_name(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, "وطالب الحزب المعارض بإعادة فرز الأصوات في الدائرة.", "PERSON") == []


def test_a_family_name_comes_back_with_its_particles(recognizer: EntityRecognizer) -> None:
    text = "وقال المدير التنفيذي للشركة الهولندي ماتياس فان دير بروغن إن الطلب ارتفع. وأضاف فان دير بروغن أن العقود جاهزة."
    assert labelled(recognizer, text, "PERSON") == ["ماتياس فان دير بروغن", "فان دير بروغن"]


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("وانتشرت الحمى في صفاقس وقابس، وقال الطبيب إن الوضع مستقر.", ["صفاقس", "قابس"]),
        ("وأنقذت الدورية ٤٠ مهاجراً قبالة زوارة فجر الجمعة.", ["زوارة"]),
        ("وعاد النازحون إلى سرت. وقال المسؤول إن المدينة آمنة.", ["سرت"]),
    ],
)
def test_a_city_that_is_also_a_dictionary_word_in_a_place_context(recognizer: EntityRecognizer, text: str, places: list[str]) -> None:
    assert labelled(recognizer, text, "GPE") == places


def test_a_city_that_is_also_a_dictionary_word_out_of_context_is_no_place(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, "وسرت شائعات في المدينة، وقال إن قابس الجمر لا يحترق.", "GPE") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وتحصن المسلحون في جبال مكحول منذ أسابيع.", ("جبال مكحول", "LOC")),
        ("وارتفع منسوب نهر الفرات هذا الشهر.", ("نهر الفرات", "LOC")),
        ("وتقدمت القوات في وادي حضرموت شمالاً.", ("وادي حضرموت", "LOC")),
    ],
)
def test_a_natural_place_after_its_class_noun(recognizer: EntityRecognizer, text: str, expected: tuple[str, str]) -> None:
    assert expected in ents(recognizer, text)


@pytest.mark.parametrize(
    ("text", "facility"),
    [
        ("وبدأت أعمال ترميم جامع الزيتونة أمس.", "جامع الزيتونة"),
        ("وتقام البطولة في صالة الشيخ جابر الأحمد الشهر المقبل.", "صالة الشيخ جابر الأحمد"),
        ("وامتدت أعمال تطوير كورنيش النيل إلى الجنوب.", "كورنيش النيل"),
    ],
)
def test_more_facility_class_nouns(recognizer: EntityRecognizer, text: str, facility: str) -> None:
    assert labelled(recognizer, text, "FAC") == [facility]


def test_a_natural_class_noun_before_an_ordinary_word_is_no_place(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, "وقال إن جبال الجليد تذوب، وإن نهر الحياة لا يتوقف.", "LOC") == []


def test_institutions_named_after_buildings_are_organisations(recognizer: EntityRecognizer) -> None:
    assert ents(recognizer, "وقال البيت الأبيض إن الرئيس سيزور المنطقة.") == [("البيت الأبيض", "ORG")]


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("وقال الوزير بوزيان في مؤتمر صحفي إن الخطة جاهزة.", "بوزيان"),
        ("وقال الدكتور الزعابي إن الخطة جاهزة.", "الزعابي"),
        ("وأكد الدكتور بنعبدالله أن الدواء آمن.", "بنعبدالله"),
    ],
)
def test_a_family_name_alone_right_after_a_definite_title(recognizer: EntityRecognizer, text: str, person: str) -> None:
    assert labelled(recognizer, text, "PERSON") == [person]


def test_a_common_word_after_a_definite_title_is_no_name(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, "وقال الوزير المختص إن الرئيس التنفيذي سيستقيل، وأكد الأمين العام ذلك.", "PERSON") == []
    assert labelled(recognizer, "وقال المبعوث الأممي إلى السودان إن الهدنة صامدة.", "PERSON") == []


def test_a_quoted_outlet_after_its_correspondent(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, "وأفاد مراسل «صوت الجنوب» في المدينة بأن القصف تجدد.", "ORG") == ["صوت الجنوب"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ونقل المصابون إلى مستشفى ابن رشد الجامعي وسط المدينة.", [("مستشفى ابن رشد الجامعي", "FAC")]),
        ("وقال إن شارع المتنبي مزدحم منذ الصباح.", [("شارع المتنبي", "FAC")]),
        ("وقال إن سجن أبو سليم أغلق منذ سنوات.", [("سجن أبو سليم", "FAC")]),
    ],
)
def test_a_facility_named_after_a_person_and_its_predicate(recognizer: EntityRecognizer, text: str, expected: list[tuple[str, str]]) -> None:
    assert ents(recognizer, text) == expected


def test_a_verb_after_a_kunya_ends_the_name(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, "وكان أبو خالد زار المخيم قبل أيام.", "PERSON") == ["أبو خالد"]


def test_a_nisba_that_ends_a_persons_name_is_the_family_name(recognizer: EntityRecognizer) -> None:
    text = "وقال الباحث سعيد كمال التونسي إن الأزمة ستطول. وأضاف التونسي أن وزير الخارجية التونسي سيزور الجزائر."
    assert ents(recognizer, text) == [("سعيد كمال التونسي", "PERSON"), ("التونسي", "PERSON"), ("التونسي", "NORP"), ("الجزائر", "GPE")]


def test_a_sports_club_and_its_short_form(recognizer: EntityRecognizer) -> None:
    text = "وتعادل فريق الوداد الرياضي مع نادي الزمالك. وقال مدرب الوداد إن فريق العمل سيراجع الأداء، ويحل الوداد ضيفاً على الأهلي."
    assert labelled(recognizer, text, "ORG") == ["الوداد الرياضي", "نادي الزمالك", "الوداد", "الوداد"]


def test_an_institution_is_no_feminine_title(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, "وأعلنت مؤسسة الموانئ عن تشغيل رصيف جديد للسفن.", "PERSON") == []


@pytest.mark.parametrize(
    ("text", "org"),
    [
        ("وأعلن جهاز مكافحة الهجرة غير النظامية ضبط قارب.", "جهاز مكافحة الهجرة غير النظامية"),
        ("وقال قيادي في ألوية العمالقة الجنوبية إن الهجوم صُدّ.", "ألوية العمالقة الجنوبية"),
        ("وأعلنت كتيبة الصمود أنها انسحبت من المنطقة.", "كتيبة الصمود"),
    ],
)
def test_armed_units_and_a_negated_adjective_of_an_organisation(recognizer: EntityRecognizer, text: str, org: str) -> None:
    assert labelled(recognizer, text, "ORG") == [org]


def test_a_foreign_name_after_a_noun_and_its_nisba(recognizer: EntityRecognizer) -> None:
    found = ents(recognizer, "وقال الشريك الإسباني خابيير مونتيرو إن المصنع سيصدر إنتاجه.")
    assert found == [("الإسباني", "NORP"), ("خابيير مونتيرو", "PERSON")]
    assert labelled(recognizer, "ووقعت الشركة الإسبانية عقد توريد المعدات.", "PERSON") == []


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("وقال ماركو روبيو إن واشنطن لن تتراجع.", "ماركو روبيو"),
        ("وحذر فولكر تورك من تدهور الأوضاع.", "فولكر تورك"),
        ("وقالت أورسولا فون دير لاين في بيان إن المساعدات ستصل.", "أورسولا فون دير لاين"),
    ],
)
def test_a_foreign_name_as_the_subject_of_a_reporting_verb(recognizer: EntityRecognizer, text: str, person: str) -> None:
    assert labelled(recognizer, text, "PERSON") == [person]


def test_an_ordinary_subject_of_a_reporting_verb_is_no_name(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, "وقال مصدر أمني مطلع إن الهجوم فشل، وأكد شهود عيان أن القصف استمر.", "PERSON") == []


@pytest.mark.parametrize(
    ("text", "org"),
    [
        ("أعلنت وزارة الصحة الأردنية اليوم الأحد افتتاح مستشفى.", "وزارة الصحة الأردنية"),
        ("أعلنت وزارة الداخلية الليبية القبض على متهمين.", "وزارة الداخلية الليبية"),
        ("وقالت وزارة التعليم العالي والبحث العلمي إن الدوام سيستأنف.", "وزارة التعليم العالي والبحث العلمي"),
    ],
)
def test_an_organisation_name_ends_before_a_date_or_a_noun_after_its_adjective(recognizer: EntityRecognizer, text: str, org: str) -> None:
    assert labelled(recognizer, text, "ORG") == [org]


def test_a_country_in_the_dateline_parentheses_is_a_place(recognizer: EntityRecognizer) -> None:
    assert ents(recognizer, "بنغازي (ليبيا) - رويترز\nقال مسؤولون إن الاشتباكات توقفت.")[:3] == [("بنغازي", "GPE"), ("ليبيا", "GPE"), ("رويترز", "ORG")]


def test_a_quoted_abbreviation_after_an_organisation(recognizer: EntityRecognizer) -> None:
    text = "وقال في تصريح لوكالة الأنباء الأردنية «بترا» إن القوات جاهزة، وأكدت هيئة الإعلام «بشدة» رفضها."
    assert labelled(recognizer, text, "ORG") == ["وكالة الأنباء الأردنية", "بترا", "هيئة الإعلام"]


def test_an_outlet_after_a_slash_in_the_dateline(recognizer: EntityRecognizer) -> None:
    assert ents(recognizer, "أربيل/ روداو نت- أعلنت حكومة الإقليم صرف الرواتب.")[:2] == [("أربيل", "GPE"), ("روداو نت", "ORG")]


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("واستقبل الرئيس عبد المجيد تبون وفداً برلمانياً أمس.", ["عبد المجيد تبون"]),
        ("وشارك رئيس الإقليم نيجيرفان بارزاني اجتماعات المنتدى.", ["نيجيرفان بارزاني"]),
        ("وبحث الوزير مع السفير الأميركي تطورات المنطقة.", []),
    ],
)
def test_a_plural_or_an_accusative_noun_ends_a_name(recognizer: EntityRecognizer, text: str, persons: list[str]) -> None:
    assert labelled(recognizer, text, "PERSON") == persons


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("وقال أدهم الخزرجي إن المشروع تأخر.", ["أدهم الخزرجي"]),
        ("وأكدت لبنى العبيدي أن المدارس ستفتح.", ["لبنى العبيدي"]),
        ("وأوضح رابح بلعيد أن الموسم كان جيداً.", ["رابح بلعيد"]),  # a Maghreb given name
        ("وصرح فرانسوا دوبون بأن الشركة ستستثمر.", ["فرانسوا دوبون"]),  # a European given name, transliterated
    ],
)
def test_a_given_name_of_the_general_list_opens_a_person(recognizer: EntityRecognizer, text: str, persons: list[str]) -> None:
    """Given names beyond the first 168: a person is found without a title before the name."""
    assert labelled(recognizer, text, "PERSON") == persons


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("وقالت أمل الكبيسي إن الحل قريب.", ["أمل الكبيسي"]),  # a family name of no dictionary
        ("ويبقى أمل كبير في الحل.", []),  # أمل: hope
        ("وكان سعيد جداً بالنتيجة.", []),  # سعيد: happy
        ("وأكد المدير أن الهيئة رفعت جاهزيتها في المدن.", []),  # رفعت: she raised
        ("ويعود أمل لبنان إلى الواجهة.", []),  # a known place after it
        ("وقال أمل بن سالم إن الوفد وصل.", ["أمل بن سالم"]),  # a connector after it
    ],
)
def test_a_given_name_that_is_an_ordinary_word_needs_a_name_after_it(recognizer: EntityRecognizer, text: str, persons: list[str]) -> None:
    assert labelled(recognizer, text, "PERSON") == persons


def test_a_byline_of_a_word_like_given_name_and_a_place_is_an_outlet(recognizer: EntityRecognizer) -> None:
    """إربد - حياة إربد: a local outlet's name, not a person named حياة."""
    text = "الزرقاء - حياة الزرقاء\nقال المتحدث باسم البلدية إن الطرق مفتوحة."
    assert ("حياة الزرقاء", "ORG") in ents(recognizer, text)


@pytest.mark.parametrize(
    ("text", "organisation"),
    [
        ("وطالب التجمع الليبي لنصرة غزة بوقف الحرب.", "التجمع الليبي لنصرة غزة"),  # ل + masdar + a known place
        ("ودعت الرابطة التونسية لدعم لبنان إلى التبرع.", "الرابطة التونسية لدعم لبنان"),
        ("وقررت شركة بغداد للمقاولات التركية رفع رأس مالها.", "شركة بغداد للمقاولات"),  # a place and its لل complement, not the nisba
        ("وأعلنت هيئة بيروت للنقل والمواصلات إغلاق الجسر.", "هيئة بيروت للنقل والمواصلات"),  # and a coordinated noun
    ],
)
def test_an_organisation_named_by_a_place_and_a_complement(recognizer: EntityRecognizer, text: str, organisation: str) -> None:
    assert organisation in labelled(recognizer, text, "ORG")


@pytest.mark.parametrize(
    ("text", "organisations"),
    [
        ("وأعلنت الخطوط الجوية الكويتية تعليق رحلاتها.", ["الخطوط الجوية الكويتية"]),
        ("وقالت طيران الإمارات إن الرحلات مستمرة.", ["طيران الإمارات"]),
        ("وقصف طيران الاحتلال المنطقة.", []),  # aviation, no airline
        ("وتراجعت القوات إلى الخطوط الأمامية.", []),  # lines, no airline
    ],
)
def test_an_airline(recognizer: EntityRecognizer, text: str, organisations: list[str]) -> None:
    assert labelled(recognizer, text, "ORG") == organisations


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("وأعلن الوزير خطة جديدة لدعم الشباب.", []),  # a noun and its adjective: the object, no name
        ("وطرح المدير رؤية شاملة لإصلاح القطاع.", []),
        ("وأعلن الوزير فارس القيسي خطة جديدة لدعم الشباب.", ["فارس القيسي"]),
    ],
)
def test_a_noun_and_its_adjective_after_a_title_are_no_name(recognizer: EntityRecognizer, text: str, persons: list[str]) -> None:
    assert labelled(recognizer, text, "PERSON") == persons


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("وأكد مستشار الرئيس عمرو موسى شخصياً أن الاتفاق قريب.", ["عمرو موسى"]),  # an adverb in -ياً ends the name
        ("وحضر وليد الزعبي رسمياً حفل الافتتاح.", ["وليد الزعبي"]),
    ],
)
def test_an_adverb_after_a_name_is_outside_it(recognizer: EntityRecognizer, text: str, persons: list[str]) -> None:
    assert labelled(recognizer, text, "PERSON") == persons


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("وقال عميد كلية الطب الطاهر محمد الحسن إن التسجيل بدأ.", ["الطاهر محمد الحسن"]),  # a definite given name, then a given name
        ("وأكد الحبيب سالم الورفلي أن الموسم جيد.", ["الحبيب سالم الورفلي"]),
        ("وقال الأمين العام للحزب إن الحوار مستمر.", []),  # الأمين before no given name: the secretary
        ("ويبقى الحبيب الأول للجماهير هو الفريق.", []),
    ],
)
def test_a_definite_given_name_opens_a_name_before_a_given_name(recognizer: EntityRecognizer, text: str, persons: list[str]) -> None:
    assert labelled(recognizer, text, "PERSON") == persons


@pytest.mark.parametrize(
    ("text", "events"),
    [
        ("وانطلقت فعاليات مهرجان بابل للثقافة والفنون مساء أمس.", ["مهرجان بابل للثقافة والفنون"]),  # a place that is also a word
        ("وسيقام مهرجان سوق عكاظ للشعر في الصيف.", ["مهرجان سوق عكاظ للشعر"]),  # two words, then a complement
        ("وتأهل المنتخب إلى كأس العالم للمرة الثانية.", ["كأس العالم"]),
        ("وأعلنت الهيئة انطلاق موسم جدة الشهر المقبل.", ["موسم جدة"]),
        ("وبدأ موسم الحصاد في الجنوب.", []),  # a season of the year
        ("وعقد الوزير مؤتمراً صحفياً للإعلان عن الخطة.", []),
    ],
)
def test_an_event_named_by_its_head_and_a_place_or_complement(recognizer: EntityRecognizer, text: str, events: list[str]) -> None:
    assert labelled(recognizer, text, "EVENT") == events


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وحذرت منظمة العفو الدولية من تدهور الأوضاع.", ("منظمة العفو الدولية", "ORG")),
        ("وعبرت الناقلة مضيق هرمز فجراً.", ("مضيق هرمز", "LOC")),
        ("وتعاني دول أفريقيا جنوب الصحراء من الجفاف.", ("أفريقيا جنوب الصحراء", "LOC")),  # not أفريقيا alone
    ],
)
def test_international_organisations_and_regions_of_the_gazetteer(recognizer: EntityRecognizer, text: str, expected: tuple[str, str]) -> None:
    assert expected in ents(recognizer, text)


@pytest.mark.parametrize(
    ("text", "facility"),
    [
        ("وقال المحامي إن سجن تدمرين مغلق منذ أشهر.", "سجن تدمرين"),  # an indefinite predicate after a name of no dictionary
        ("وأعلنت الشركة إغلاق ملعب الجلاء نهائياً.", "ملعب الجلاء"),  # an adverb in -اً
        ("ووصل الوفد إلى مطار قرطاج الدولي مساء أمس.", "مطار قرطاج الدولي"),
    ],
)
def test_a_facility_stops_before_an_ordinary_word_after_its_name(recognizer: EntityRecognizer, text: str, facility: str) -> None:
    assert labelled(recognizer, text, "FAC") == [facility]


def test_a_class_noun_after_any_names_no_facility(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, "وهددت الفصائل بضرب أي قاعدة تؤوي قوات أجنبية.", "FAC") == []


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("وقال وزير الصيد أحمد الأمين ولد محمود إن الموسم بدأ.", ["أحمد الأمين ولد محمود"]),  # a Mauritanian name: ولد after the family name
        ("وأكد خالد العتيبي بن سعد أن الاتفاق قريب.", ["خالد العتيبي بن سعد"]),
        ("وقال خالد العتيبي إن الاتفاق قريب.", ["خالد العتيبي"]),
    ],
)
def test_a_name_goes_on_after_its_definite_word_with_a_nasab(recognizer: EntityRecognizer, text: str, persons: list[str]) -> None:
    assert labelled(recognizer, text, "PERSON") == persons


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وأكد أن وفداً عراقياً سيزور عمان.", [("عراقياً", "NORP"), ("عمان", "GPE")]),  # the accusative of a nisba
        ("وقال إن مسؤولاً إيرانياً وصل.", [("إيرانياً", "NORP")]),
        ("وعاد الوفد من تركيا وروسيا.", [("تركيا", "GPE"), ("روسيا", "GPE")]),  # country names in يا stay places
    ],
)
def test_an_accusative_nisba_is_norp(recognizer: EntityRecognizer, text: str, expected: list[tuple[str, str]]) -> None:
    assert ents(recognizer, text) == expected


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("وقالت الناطقة باسم الوزارة ربى فلاح إن الإصابات تراجعت.", ["ربى فلاح"]),
        ("وقالت لولوة الخاطر إن المحادثات مستمرة.", ["لولوة الخاطر"]),
        ("وقال إن وجود مستشاري التحالف ضروري.", []),  # وجود: a noun, not و + the name جود
        ("وقال النائب جبران باسيل إن التيار لن يشارك.", ["جبران باسيل"]),  # باسيل: not ب + the name أسيل
    ],
)
def test_given_names_read_behind_a_proclitic_only_where_the_word_is_no_ordinary_word(recognizer: EntityRecognizer, text: str, persons: list[str]) -> None:
    assert labelled(recognizer, text, "PERSON") == persons


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("وتفقد سمير حداد مخيم اللاجئين أمس.", ["سمير حداد"]),  # a noun and its definite genitive: the object
        ("وبحث وليد جنبلاط مستقبل الحكومة مع الرئيس.", ["وليد جنبلاط"]),
        ("وقال خالد عبيد الكعبي إن الجلسة تأجلت.", ["خالد عبيد الكعبي"]),  # a family nisba after a common word stays
    ],
)
def test_a_name_stops_before_a_noun_and_its_definite_genitive(recognizer: EntityRecognizer, text: str, persons: list[str]) -> None:
    assert labelled(recognizer, text, "PERSON") == persons


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("وقالت نور السعيد إن الوضع هادئ.", ["نور السعيد"]),  # the subject of a verb of saying
        ("ورأى الخبير منير الحداد أن الأسعار سترتفع.", ["منير الحداد"]),  # after a title
        ("وقال إن نور الشمس يكفي.", []),
    ],
)
def test_a_word_like_given_name_before_a_definite_word_after_a_verb_of_saying_or_a_title(recognizer: EntityRecognizer, text: str, persons: list[str]) -> None:
    assert labelled(recognizer, text, "PERSON") == persons


@pytest.mark.parametrize(
    ("text", "organisations"),
    [
        ("وقال رئيس جمعية رعاية صغار المزارعين إن الموسم جيد.", ["جمعية رعاية صغار المزارعين"]),  # head + two indefinite nouns + definite
        ("وطالبت رابطة أساتذة التعليم الثانوي بزيادة الرواتب.", ["رابطة أساتذة التعليم الثانوي"]),
        ("وأعلن ديوان المحاسبة العامة نتائج التدقيق.", ["ديوان المحاسبة العامة"]),
        ("وزارت جمعية نسائية مخيم اللاجئين أمس.", []),  # an indefinite adjective: a society described, and the verb's object
    ],
)
def test_organisations_named_by_a_chain_of_indefinite_nouns(recognizer: EntityRecognizer, text: str, organisations: list[str]) -> None:
    assert labelled(recognizer, text, "ORG") == organisations


@pytest.mark.parametrize(
    ("text", "organisations", "persons"),
    [
        ("وقال رئيس الجمعية الوطنية لمربّي نحل العسل سالم الراشد إن الإنتاج تراجع.", ["الجمعية الوطنية لمربّي نحل العسل"], ["سالم الراشد"]),
        ("وحذر الاتحاد العام لنقابات عمال تونس من الإضراب.", ["الاتحاد العام لنقابات عمال تونس"], []),
    ],
)
def test_a_complement_of_two_indefinite_nouns_ends_an_organisation(recognizer: EntityRecognizer, text: str, organisations: list[str], persons: list[str]) -> None:
    assert labelled(recognizer, text, "ORG") == organisations
    assert labelled(recognizer, text, "PERSON") == persons


@pytest.mark.parametrize(
    ("text", "facilities", "persons"),
    [
        ("وقال مدير مستشفى الرمادي التعليمي الدكتور سامر العبيدي إن الأسرّة نفدت.", ["مستشفى الرمادي التعليمي"], ["سامر العبيدي"]),
        ("وأكد مدير ميناء طرطوس التجاري المهندس نزار الخطيب أن السفينة وصلت.", ["ميناء طرطوس التجاري"], ["نزار الخطيب"]),
        ("وهبطت الطائرة في مطار الملك خالد الدولي مساءً.", ["مطار الملك خالد الدولي"], []),  # a title opening the name stays in it
    ],
)
def test_a_facility_name_ends_before_a_title(recognizer: EntityRecognizer, text: str, facilities: list[str], persons: list[str]) -> None:
    assert labelled(recognizer, text, "FAC") == facilities
    assert labelled(recognizer, text, "PERSON") == persons


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("وقال إن وزير الزراعة سيلتقي ممثلي الفلاحين الأسبوع المقبل.", []),  # a future verb and its object, the predicate
        ("وقال إن وزير النقل ستيفن براون سيزور الميناء.", ["ستيفن براون"]),
    ],
)
def test_a_future_verb_after_a_role_opens_the_predicate(recognizer: EntityRecognizer, text: str, persons: list[str]) -> None:
    assert labelled(recognizer, text, "PERSON") == persons


def test_a_name_like_a_future_verb_after_a_title_stays_a_name(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, "وقال العميد ستار كريم الدليمي إن الهجوم فشل.", "PERSON") == ["ستار كريم الدليمي"]


@pytest.mark.parametrize(
    ("text", "organisations"),
    [
        ("وقال رئيس الرابطة الوطنية لمنتجي زيت النخيل إن الأسعار تراجعت.", ["الرابطة الوطنية لمنتجي زيت النخيل"]),  # a plural in construct (منتجي)
        ("وأعلنت بلدية الميناء إغلاق السوق.", ["بلدية الميناء"]),  # بلدية + a definite name that is also a common word
        ("وخسر نادي الشعلة الأهلي أمس.", ["نادي الشعلة الأهلي"]),  # a club's name and الأهلي
    ],
)
def test_organisations_by_head_and_common_words(recognizer: EntityRecognizer, text: str, organisations: list[str]) -> None:
    assert labelled(recognizer, text, "ORG") == organisations


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("وقال المحلل في شركة الأمل ماهر سلطان الدوسري إن السهم سيرتفع.", ["ماهر سلطان الدوسري"]),  # a rank that is a given name, inside a name
        ("وسيحضر الجلسة وزير المالية ورائد الكبيسي.", ["رائد الكبيسي"]),  # a rank that is a given name, before a family name
        ("وقال أمين عام الحزب إن الانتخابات ستجري.", []),  # أمين before a common word: the title
        ("واستقبل سلطان عمان الوفد أمس.", []),  # before a place: the title
    ],
)
def test_a_given_name_that_is_also_a_rank_opens_or_continues_a_name(recognizer: EntityRecognizer, text: str, persons: list[str]) -> None:
    assert labelled(recognizer, text, "PERSON") == persons


@pytest.mark.parametrize(
    ("text", "organisations"),
    [
        ("وقال مدير مركز الرافدين للدراسات الاستراتيجية إن التقرير جاهز.", ["مركز الرافدين للدراسات الاستراتيجية"]),
        ("وأعلن مركز رصد الزلازل الوطني وقوع هزة.", ["مركز رصد الزلازل الوطني"]),  # a construct chain
        ("وتراجع مؤشر سوق مسقط للأوراق المالية أمس.", ["سوق مسقط للأوراق المالية"]),
        ("وتجمع المحتجون في مركز المدينة أمس.", []),  # a centre, no organisation: no complement
        ("وأغلقت الشرطة سوق الخضار.", []),
    ],
)
def test_centres_and_markets_are_organisations_with_a_complement(recognizer: EntityRecognizer, text: str, organisations: list[str]) -> None:
    assert labelled(recognizer, text, "ORG") == organisations


def test_a_centre_described_by_an_adjective_is_no_organisation(recognizer: EntityRecognizer) -> None:
    assert labelled(recognizer, "وافتتحت الوزارة مركز متخصص لعلاج الأورام أمس.", "ORG") == []


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("وسيصل الوفد خلال الأسبوعين المقبلين.", ["الأسبوعين المقبلين"]),  # a definite dual and its relative adjective
        ("وارتفعت الأسعار في العامين الماضيين.", ["العامين الماضيين"]),
        ("وتعطلت الرحلات خلال شتاء ٢٠٢٥.", ["شتاء ٢٠٢٥"]),  # an indefinite season before a year
        ("وقال ربيع حداد إن المعرض نجح.", []),
    ],
)
def test_dual_periods_and_seasons_of_a_year_are_dates(recognizer: EntityRecognizer, text: str, dates: list[str]) -> None:
    assert labelled(recognizer, text, "DATE") == dates


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("وبلغت مبيعات اليوم الأول ألف نسخة.", []),  # the first day, not today
        ("وقال الوزير اليوم إن المبيعات ارتفعت.", ["اليوم"]),
    ],
)
def test_a_day_with_an_ordinal_is_no_date(recognizer: EntityRecognizer, text: str, dates: list[str]) -> None:
    assert labelled(recognizer, text, "DATE") == dates


def test_a_foreign_name_after_a_nisba_opening_an_apposition(recognizer: EntityRecognizer) -> None:
    text = "وقال رئيس البعثة في الموصل، البولندي ياتسيك كورسكي، إن العمل مستمر."
    assert labelled(recognizer, text, "PERSON") == ["ياتسيك كورسكي"]


@pytest.mark.parametrize(
    ("text", "persons"),
    [
        ("وقال الناطق باسم جبهة الشمال ياتسيك كورسكي لـ«الجزيرة» إن الهدنة صامدة.", ["ياتسيك كورسكي"]),  # باسم + organisation: the role
        ("وقال الناطق باسم الحكومة مراد الزين للصحافيين إن الوزير وصل.", ["مراد الزين"]),
        ("وقال المتحدث باسم حكومة إقليم كردستان هيمن شواني إن الهجوم فشل.", ["هيمن شواني"]),  # the whole chain is the role
    ],
)
def test_a_spokesman_role_goes_on_after_basim(recognizer: EntityRecognizer, text: str, persons: list[str]) -> None:
    assert labelled(recognizer, text, "PERSON") == persons


@pytest.mark.parametrize(
    ("text", "organisations", "persons"),
    [
        ("وأعلنت مؤسسة جان-لوك مارتان للتراث تمويل المشروع.", ["مؤسسة جان-لوك مارتان للتراث"], []),  # a person's name inside
        ("ووزعت جمعية سعاد الحمدان للأيتام المساعدات.", ["جمعية سعاد الحمدان للأيتام"], []),
    ],
)
def test_an_organisation_named_after_a_person_with_a_complement(recognizer: EntityRecognizer, text: str, organisations: list[str], persons: list[str]) -> None:
    assert labelled(recognizer, text, "ORG") == organisations
    assert labelled(recognizer, text, "PERSON") == persons


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("وسقطت الأمطار بغزارة في المنطقة الجنوبية أمس.", ["المنطقة الجنوبية"]),  # a region named by its direction
        ("ويترشح عن الدائرة الثانية في المحافظة الشمالية.", ["المحافظة الشمالية"]),
        ("وانتشرت القوات في المنطقة الشرقية من المدينة.", []),  # a part of a place, no region's name
    ],
)
def test_regions_named_by_a_direction_are_gpes(recognizer: EntityRecognizer, text: str, places: list[str]) -> None:
    assert labelled(recognizer, text, "GPE") == places


@pytest.mark.parametrize(
    ("text", "organisations"),
    [
        ("وعادت حركة المرور إلى طبيعتها، وارتفعت حركة الشاحنات في الميناء.", []),  # traffic, no movement
        ("وقالت حركة النهضة إن الحوار متعثر.", ["النهضة"]),  # the movement's name, its descriptor outside (§2.6)
    ],
)
def test_traffic_is_no_movement(recognizer: EntityRecognizer, text: str, organisations: list[str]) -> None:
    assert labelled(recognizer, text, "ORG") == organisations
