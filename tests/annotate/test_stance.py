"""Stance from the target's own record: relevance, the evaluative lexicon's rules, the classifier, and a new target."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import pytest

from qawl.annotate import preannotate
from qawl.annotate.stance import GoldStance, StanceDetector, gold_stance, read_targets, stance_learns
from qawl.annotate.text import normalize

# A target no list of the project was written for: building a nuclear power plant.
NUCLEAR = {
    "id": "nuclear_power_plant",
    "name_ar": "إنشاء محطة للطاقة النووية",
    "name_en": "Building a nuclear power plant",
    "definition": "Building and running the country's first nuclear power plant. FAVOR: supports or defends it. AGAINST: opposes it or calls for stopping it. NONE: neutral reports.",
    "examples": {
        "FAVOR": [
            "قال الوزير إن المحطة النووية ضرورية لتأمين الكهرباء للأجيال المقبلة.",
            "أكد الخبير أن الطاقة النووية مصدر نظيف وآمن للكهرباء.",
            "دعا النائب الحكومة إلى الإسراع في إنشاء المحطة النووية.",
        ],
        "AGAINST": [
            "طالب الناشطون بوقف مشروع المحطة النووية فوراً.",
            "حذّر العلماء من أن المفاعل النووي يشكل خطراً على السكان.",
            "رفض سكان المنطقة إقامة المفاعل النووي قرب مدينتهم.",
        ],
        "NONE": [
            "قالت الهيئة إن وفداً فنياً سيزور موقع المحطة النووية الأسبوع المقبل.",
            "أعلنت الوزارة أن تكلفة المفاعل النووي لم تُحدَّد بعد.",
            "ذكر التقرير أن المحطة النووية ستضم مفاعلين.",
        ],
    },
}


def write_targets(annotations: Path, *targets: dict) -> None:
    annotations.mkdir(parents=True, exist_ok=True)
    (annotations / "targets.json").write_text(json.dumps({"schema_version": "1.0.0", "targets": list(targets)}, ensure_ascii=False), encoding="utf-8")


def repository_targets(tmp_path: Path) -> Path:
    """An annotations/ with the repository's target inventory and no gold."""
    annotations = tmp_path / "annotations"
    annotations.mkdir()
    (annotations / "targets.json").write_bytes((Path(__file__).resolve().parents[2] / "annotations" / "targets.json").read_bytes())
    return annotations


def stance_rows(annotations: Path, text: str) -> list[tuple[str, str, str]]:
    """(quote content, target, label) of each stance record the pre-annotator gives a text."""
    layer = preannotate("d", text, hashlib.sha256(text.encode()).hexdigest(), annotations_dir=annotations)
    contents = {q["id"]: q["content"]["text"] for q in layer["quotes"]}
    return [(contents[s["evidence"]["quote"]], s["target"], s["label"]) for s in layer["stance"]]


def test_a_target_added_to_the_inventory_gets_stance_without_code_or_data(tmp_path: Path) -> None:
    write_targets(tmp_path / "annotations", NUCLEAR)
    text = (
        'وقال وزير الطاقة إن "المحطة النووية مفيدة للاقتصاد ونحن ندعم استكمالها". '
        'وقال رئيس جمعية البيئة إن "المفاعل النووي خطر على حياة السكان ونرفض بناءه".'
    )
    assert stance_rows(tmp_path / "annotations", text) == [
        ("المحطة النووية مفيدة للاقتصاد ونحن ندعم استكمالها", "nuclear_power_plant", "FAVOR"),
        ("المفاعل النووي خطر على حياة السكان ونرفض بناءه", "nuclear_power_plant", "AGAINST"),
    ]


def test_a_target_named_in_latin_script_is_read_off_the_rest_of_its_record(tmp_path: Path) -> None:
    # No Arabic word names it, so no document can name it: its definition and examples alone say what it is about.
    write_targets(tmp_path / "annotations", {**NUCLEAR, "name_ar": "NPP"})
    text = 'وقال وزير الطاقة إن "المحطة النووية مفيدة للاقتصاد ونحن ندعم استكمالها".'
    assert [row[1:] for row in stance_rows(tmp_path / "annotations", text)] == [("nuclear_power_plant", "FAVOR")]


@pytest.fixture(scope="module")
def nuclear() -> StanceDetector:
    return StanceDetector([NUCLEAR], [])


def label(detector: StanceDetector, content: str, doc_id: str | None = None) -> str:
    """The label of a quote whose sentence is its content."""
    ((_, found),) = detector.classify(normalize(content), normalize(content), doc_id)
    return found


def labels(detector: StanceDetector, target: str, contents: Iterable[str]) -> list[str]:
    """The label toward `target` of quotes whose sentence is their content."""
    return [dict(detector.classify(normalize(content), normalize(content), None))[target] for content in contents]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("ندعم إنشاء المحطة النووية في البلاد", "FAVOR"),  # a predicate for the target
        ("نرفض إنشاء المحطة النووية في البلاد", "AGAINST"),  # a predicate against it
        ("المحطة النووية مشروع خطير على البلاد", "AGAINST"),  # an evaluative word
        ("المحطة النووية ليست ضرورية للبلاد", "AGAINST"),  # negation of a positive word
        ("لا نرفض إنشاء المحطة النووية في البلاد", "FAVOR"),  # negation of a predicate
        ("نطالب بإلغاء مشروع المحطة النووية", "AGAINST"),  # demand + undoing
        ("نرفض إلغاء مشروع المحطة النووية", "FAVOR"),  # rejection + undoing
        ("يزعم البعض أن المحطة النووية خطر، لكنها ضرورية للبلاد", "FAVOR"),  # reported view, then contrast
        ("يقول البعض إن المحطة النووية ضرورية، لكنها خطر على البلاد", "AGAINST"),
        ("تأجيل المحطة النووية لا يعني التخلي عنها", "FAVOR"),  # concession: "does not mean" + undoing
        ("نرفض رفع أسعار الخبز في الأسواق", "NONE"),  # not about the target
        ("سيزور الوفد موقع المحطة النووية يوم الاثنين", "NONE"),  # about it, no evaluation
        ("أكد أنه يدعم إنشاء المحطة النووية", "FAVOR"),  # أنه is a function word, not a form of أنهى (undo)
        ("وقف مشروع المحطة النووية سيكون خطأ فادحاً", "FAVOR"),  # an undoing judged: stopping it is a mistake
        ("إلغاء المحطة النووية انتصار لسكان المنطقة", "AGAINST"),  # ... and cancelling it a victory
        ("المحطة النووية لا تزال خطراً على السكان", "AGAINST"),  # لا تزال (still) negates nothing
        ("المفاعل النووي لا يقل خطورة عن الحرب", "AGAINST"),  # nor does لا يقل (no less)
        ("ندعم إنشاء المحطة النووية حتى لو رفضها بعض السكان", "FAVOR"),  # the main clause over its condition (guidelines §4.3 rule 3)
        ("إذا توقف العمل في المحطة النووية فسيكون ذلك كارثة", "FAVOR"),  # the main clause after the condition counts
        ("ولا نرى أي خطر في المحطة النووية", "FAVOR"),  # a negation with its proclitic و
        ("لن نقبل بالمحطة النووية في مدينتنا", "AGAINST"),
        ("كل ما يقال عن وقف المحطة النووية غير صحيح", "NONE"),  # a denied report is not judged (guidelines §4.1, R6)
        ("نفى الوزير وجود أي قرار بوقف المحطة النووية", "NONE"),  # ... nor is a report denied by a verb before it
        ("نفى الوزير وقف المحطة النووية، لكنه قال إنها خطر على السكان", "AGAINST"),  # the point after the contrast counts
        ("سقطت قذيفة قرب المحطة النووية من دون خسائر", "NONE"),  # "without" says how, it negates no judgement
        ("ربما تكون المحطة النووية مجازفة غير محسوبة", "AGAINST"),  # a hedged evaluation is still the speaker's
        ("قد يكون إنشاء المحطة النووية الحل الأمثل لأزمة الكهرباء", "FAVOR"),
        # keeping is judged like undoing: keeping it going is a mistake, keeping it a necessity
        ("استمرار العمل في المحطة النووية إهانة لسكان المنطقة", "AGAINST"),
        ("استمرار العمل في المحطة النووية ضرورة للبلاد", "FAVOR"),
        ("نرفض استمرار العمل في المحطة النووية", "AGAINST"),
        ("لن نتراجع عن إيقاف المحطة النووية", "AGAINST"),  # negated undoing of an undoing
        ("المحطة النووية فرصة ثمينة لا يجوز إضاعتها", "FAVOR"),  # a judgement, then "must not waste it"
        ("الحكومة لن تفرط في المحطة النووية", "FAVOR"),
        ("المحطة النووية لم تجلب سوى الدمار", "AGAINST"),  # negation + exception: only destruction
        ("المحطة النووية لم تجلب الدمار", "FAVOR"),
        ("هل جلبت المحطة النووية غير الخراب", "AGAINST"),  # a rhetorical question: nothing but ruin
        ("لا بديل عن المحطة النووية في هذه المرحلة", "FAVOR"),  # no alternative: it is needed
        ("المحطة النووية هي السبيل الوحيد أمام البلاد", "FAVOR"),
        ("سنواصل الاحتجاج حتى إغلاق المحطة النووية", "AGAINST"),  # until: the goal is a predicate of its own
        ("إغلاق المحطة النووية سابق لأوانه", "FAVOR"),  # an undoing judged premature
        ("لا نرى أي مبرر لإغلاق المحطة النووية", "FAVOR"),  # an evaluation of the undoing that follows it
        ("نؤكد خطورة إغلاق المحطة النووية", "FAVOR"),
        ("نطالب بإيقاف المحطة النووية وعدم إعادة تشغيلها", "AGAINST"),  # "and not" opens a predicate of its own
        ("لن نتنازل عن المحطة النووية", "FAVOR"),  # not giving it up keeps it
        ("المحطة النووية أغرقت البلاد في الركود", "AGAINST"),  # harm done, in verbs
        ("قال مدير المحطة النووية إن أسعار الخبز ستتراجع بعد الحصاد", "NONE"),  # a change reported of something else
        ("نبني المحطة النووية لتفادي الكارثة", "FAVOR"),  # averting a disaster negates it
        ("لن ننخرط في مشروع المحطة النووية", "AGAINST"),  # refusing to engage in it
        ("المحطة النووية ستفتح أبواب الاستثمار أمام البلاد", "FAVOR"),  # opening doors: a gain
        ("المحطة النووية ستفتح الباب أمام الاستثمار", "FAVOR"),
        ("المحطة النووية مشروع هش", "AGAINST"),  # an evaluative adjective added to the lexicon
        ("المحطة النووية خيار لا مفر منه", "FAVOR"),  # no escape from it: it is needed
        ("نطالب بوقف المحطة النووية", "AGAINST"),  # a three-letter stem with its proclitic (ب + وقف)
        ("ويجب إنشاء المحطة النووية", "FAVOR"),  # ... (و + يجب)
        # a predicate after و is one of its own, not the object of the one before
        ("نرفض المحطة النووية ونحذر من خطرها", "AGAINST"),
        ("نرفض وندين إنشاء المحطة النووية", "AGAINST"),
        ("نطالب ونعمل على إلغاء المحطة النووية", "AGAINST"),
        ("المحطة النووية لن تمنح البلاد أي فائدة", "AGAINST"),  # "not ... any": the negation reaches past أي
        ("لن نكرر خطأ إنشاء المحطة النووية", "AGAINST"),  # not repeating a mistake: it stays a mistake
        # the reporting cue شدد على (stressed that) is no support of what follows
        ("شدد على أن على الحكومة أن تحدد موعداً نهائياً لإغلاق المحطة النووية", "AGAINST"),
        ("مشروع المحطة النووية لم يراعِ سلامة السكان", "AGAINST"),
        ("المحطة النووية ستنقذ البلاد من الظلام", "FAVOR"),
        ("قرار المحطة النووية كان حاسماً", "FAVOR"),
        # words of suspension, demand, displeasure, praise and worth that the lexicon lacked
        ("نطالب بتعليق العمل في المحطة النووية", "AGAINST"),
        ("المحطة النووية مطلب شعبي منذ سنوات", "FAVOR"),
        ("أبدى السكان استياءهم من المحطة النووية", "AGAINST"),
        ("المحطة النووية لم تجلب للمدينة إلا الوعود الفارغة", "AGAINST"),
        ("المحطة النووية لا تليق ببلد يملك الشمس", "AGAINST"),
        ("المحطة النووية قائمة على أرقام مبالغ فيها", "AGAINST"),
        ("المحطة النووية هي ما حمى البلاد من انقطاع الكهرباء", "FAVOR"),
        ("المحطة النووية مشروع غير مشروع", "AGAINST"),
        ("المحطة النووية لا تمثل إرادة الشعب", "AGAINST"),  # the will of the people: legitimacy
        ("المحطة النووية تعمل خارج سيطرة هيئة الرقابة", "AGAINST"),  # outside the control of
        ("الحكومة ماضية في تسريع إنشاء المحطة النووية", "FAVOR"),  # hastening it
        # a stock (مخزون) is no shame (مخز): a warning about the plant's fuel stock is no judgement of the plant
        ("أعلنت المحطة النووية أن المخزون وصل إلى مستواه المعتاد", "NONE"),
        # a trip (رحلة) is no departure (رحل): its key is that of the past tense, which is left out
        ("أول رحلة إلى المحطة النووية تنطلق الشهر المقبل", "NONE"),
        ("على الخبراء الأجانب أن يرحلوا عن المحطة النووية", "AGAINST"),
        # "who will ... if ...?": no one will, if that happens; what the condition says is what the speaker warns against
        ("من سيحمي المدينة من الظلام إذا أغلقنا المحطة النووية؟", "FAVOR"),
        ("من سيحمي المدينة إذا واصلنا العمل في المحطة النووية؟", "AGAINST"),
        ("سنحمي المدينة إذا واصلنا العمل في المحطة النووية", "FAVOR"),  # no question: the main clause speaks
        ("من سوريا وصل خبراء إلى المحطة النووية إذا صح الخبر؟", "NONE"),  # من before a word that is no future verb
        # "despite X": X is conceded, the clause it opens is not the speaker's point
        ("ندعم المحطة النووية رغم المخاطر التي يتحدث عنها البعض", "FAVOR"),
        ("رغم الفوائد المعلنة، نرفض المحطة النووية", "AGAINST"),
        ("على الرغم من الانتقادات، ندعم إنشاء المحطة النووية", "FAVOR"),
        ("وبالرغم من كل المزايا فإن المحطة النووية خطر على السكان", "AGAINST"),
        # a negation that reaches a word naming the target itself, with nothing else to negate, rejects it
        ("لا للمحطة النووية في مدينتنا", "AGAINST"),
        ("لن نكون مكباً للمحطة النووية", "AGAINST"),
        ("لا خطر من المحطة النووية", "FAVOR"),  # the negation is the danger's
        ("لم يحدد الوزير موعد افتتاح المحطة النووية", "NONE"),  # too far from the name: a report
    ],
)
def test_each_rule_votes_as_the_sentence_means(nuclear: StanceDetector, content: str, expected: str) -> None:
    assert label(nuclear, content) == expected


def test_the_classifier_learns_gold_stance_but_not_for_the_document_it_comes_from() -> None:
    # no evaluative word: only the gold record can teach that this sentence is FAVOR
    content = "سكان المدينة ينتظرون تشغيل المحطة النووية الشتاء المقبل بفارغ الصبر"
    gold = [GoldStance("g1", "nuclear_power_plant", "FAVOR", content)] * 3
    detector = StanceDetector([NUCLEAR], gold)
    assert label(StanceDetector([NUCLEAR], []), content) == "NONE"
    assert label(detector, content, doc_id="other") == "FAVOR"
    assert label(detector, content, doc_id="g1") == "NONE"  # its own gold left out, as when the card scores it


def test_the_point_after_a_contrast_outweighs_a_classifier_that_leans_the_other_way() -> None:
    content = "تأجيل المحطة النووية لا يعني التخلي عنها"
    gold = [GoldStance(f"g{n}", "nuclear_power_plant", "AGAINST", "تأجيل المحطة النووية خبر سار لسكان المدينة") for n in range(6)]
    assert label(StanceDetector([NUCLEAR], gold), content) == "FAVOR"


def test_a_word_the_gold_quotes_on_another_target_use_says_less_of_what_a_sentence_is_about() -> None:
    subsidies = {"id": "subsidies", "name_ar": "رفع الدعم عن الوقود", "definition": "", "examples": {}}
    gold = [GoldStance("g1", "subsidies", "AGAINST", "رفع أسعار الكهرباء يثقل كاهل الأسر")]
    without, learned = StanceDetector([NUCLEAR, subsidies], []), StanceDetector([NUCLEAR, subsidies], gold)
    assert learned.relevance(["الكهرباء"])[0] < without.relevance(["الكهرباء"])[0] > 0
    assert learned.relevance(["الكهرباء"], "g1") == without.relevance(["الكهرباء"])  # the document's own gold left out


def test_the_orientation_of_undoing_is_fitted_on_the_examples() -> None:
    # a target whose FAVOR is an undoing: stopping is FAVOR, keeping AGAINST
    ban = {
        "id": "smoking_ban",
        "name_ar": "حظر التدخين في الأماكن العامة",
        "name_en": "A ban on smoking in public places",
        "definition": "Banning smoking in public places.",
        "examples": {
            "FAVOR": ["طالب الأطباء بمنع التدخين في المقاهي.", "دعت الجمعية إلى وقف التدخين في المطاعم.", "ندعو إلى حظر التدخين في الأماكن المغلقة."],
            "AGAINST": ["طالب أصحاب المقاهي بالسماح بالتدخين والإبقاء عليه.", "نرفض منع التدخين في المقاهي.", "رفض التجار حظر التدخين."],
        },
    }
    detector = StanceDetector([ban], [])
    assert detector.models[0].orientation.for_document(None).reverse == 1
    assert label(detector, "نطالب بمنع التدخين في الأماكن العامة") == "FAVOR"


def test_the_orientation_learned_from_gold_leaves_out_the_document_being_read() -> None:
    # a name that is no undoing (fighting smoking), so only the gold teaches that a ban is for it
    ban = {"id": "smoking_ban", "name_ar": "مكافحة التدخين في الأماكن العامة", "definition": "", "examples": {}}
    gold = [GoldStance("g1", "smoking_ban", "FAVOR", "ندعو إلى منع التدخين في المقاهي")] * 3
    fit = StanceDetector([ban], gold).models[0].orientation
    assert (fit.for_document("other").reverse, fit.for_document("g1").reverse) == (1, -1)


def test_the_classifier_learns_the_gold_of_the_project_never_of_the_devset(tmp_path: Path) -> None:
    annotations = tmp_path / "annotations"
    write_targets(annotations, NUCLEAR)
    for directory, label in ((annotations, "FAVOR"), (annotations / "devset" / "tune", "AGAINST"), (annotations / "devset" / "scored", "AGAINST")):
        layer = {
            "doc_id": directory.name,
            "quotes": [{"id": "q1", "content": {"start": 0, "end": 5, "text": f"نص {directory.name}"}}],
            "stance": [{"target": "nuclear_power_plant", "label": label, "evidence": {"quote": "q1"}, "provenance": {"status": "gold"}}],
        }
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"{directory.name}.json").write_text(json.dumps(layer, ensure_ascii=False), encoding="utf-8")
    assert gold_stance(annotations) == [GoldStance("annotations", "nuclear_power_plant", "FAVOR", "نص annotations")]


def test_no_target_list_of_the_repository_is_needed() -> None:
    records = read_targets(Path(__file__).resolve().parents[2] / "annotations")
    assert [t["id"] for t in records][:2] == ["us_coalition_presence_iraq", "us_iraq_strategic_partnership"]
    assert not list((Path(__file__).resolve().parents[2] / "scripts" / "qawl" / "annotate" / "data").glob("stance.json"))


def test_a_malformed_target_record_teaches_less_and_breaks_nothing() -> None:
    # the build reports the inventory's schema errors (merge.read_targets); a pipeline built from it must not crash
    broken = [
        {"id": "a", "name_ar": 7, "definition": None, "examples": ["ندعم المحطة"]},
        {"id": "b", "examples": {"FAVOR": "ندعم المحطة", "AGAINST": [3, None]}},
        {**NUCLEAR, "examples": {**NUCLEAR["examples"], "NONE": {"x": 1}}},
    ]
    detector = StanceDetector(broken, [])
    text = normalize("نرفض إنشاء المحطة النووية في البلاد")
    assert detector.classify(text, text, None) == (("a", "NONE"), ("b", "NONE"), ("nuclear_power_plant", "AGAINST"))


def test_what_stance_learns_changes_with_a_target_example_and_a_gold_stance(tmp_path: Path) -> None:
    """The build's cache keys silver on it (pipeline.Learned): a silver layer made before either change is stale."""
    annotations = tmp_path / "annotations"
    write_targets(annotations, NUCLEAR)
    layer = {
        "doc_id": "g",
        "quotes": [{"id": "q1", "content": {"start": 0, "end": 5, "text": "نص ما"}}],
        "stance": [{"target": "nuclear_power_plant", "label": "FAVOR", "evidence": {"quote": "q1"}, "provenance": {"status": "gold"}}],
    }
    (annotations / "g.json").write_text(json.dumps(layer, ensure_ascii=False), encoding="utf-8")
    before = stance_learns(annotations)
    layer["stance"][0]["label"] = "AGAINST"
    (annotations / "g.json").write_text(json.dumps(layer, ensure_ascii=False), encoding="utf-8")
    relabelled = stance_learns(annotations)
    write_targets(annotations, {**NUCLEAR, "examples": {**NUCLEAR["examples"], "FAVOR": NUCLEAR["examples"]["FAVOR"][:2]}})
    assert len({before, relabelled, stance_learns(annotations)}) == 3


@pytest.mark.parametrize(
    ("content", "target", "expected"),
    [
        ("على القوات الأمريكية أن ترحل فوراً عن البلاد", "us_coalition_presence_iraq", "AGAINST"),
        ("الحكومة ترحب ببقاء المستشارين العسكريين للتحالف", "us_coalition_presence_iraq", "FAVOR"),
        ("الوجود العسكري الأمريكي انتهاك صارخ للسيادة", "us_coalition_presence_iraq", "AGAINST"),
        ("الحكومة تدين الهجمات الصاروخية على السفارة الأمريكية", "armed_attacks_on_us_interests", "AGAINST"),
        ("العلاقات مع واشنطن يجب أن تتعزز في مجالات الاقتصاد", "us_iraq_strategic_partnership", "FAVOR"),
        ("طهران تتدخل في الشؤون الداخلية وتقوض السيادة", "iran_regional_influence", "AGAINST"),
        ("سلاح الفصائل يجب أن يُسلّم إلى الدولة", "state_monopoly_on_arms", "FAVOR"),
        # stopping what the target itself is (talks with the Fund) is against it, though its austerity undoes subsidies
        ("نطالب الحكومة بوقف المفاوضات مع صندوق النقد الدولي", "imf_austerity_programmes", "AGAINST"),
    ],
)
def test_plain_statements_toward_the_repository_targets_in_words_of_no_target_list(tmp_path: Path, content: str, target: str, expected: str) -> None:
    rows = stance_rows(repository_targets(tmp_path), f"وقال المتحدث إن {content}.")
    assert [(found, label) for _, found, label in rows if label != "NONE"] == [(target, expected)]


def made_up_target(target_id: str, name: str, favor: list[str], against: list[str]) -> dict:
    return {"id": target_id, "name_ar": name, "definition": "", "examples": {"FAVOR": favor, "AGAINST": against}}


# A made-up target whose name opens with a head word no other target uses (privatisation).
PORTS = made_up_target(
    "port_privatisation",
    "خصخصة الموانئ البحرية",
    ["قال الوزير إن بيع حصص الموانئ للمستثمرين سيحسن الخدمات.", "أكد الخبير أن الشركات الخاصة أكفأ في إدارة الأرصفة."],
    ["رفض عمال الموانئ بيع الأرصفة للشركات الأجنبية.", "حذر النقابيون من تسريح عمال الموانئ بعد البيع."],
)


def test_the_head_word_of_a_target_name_no_other_target_uses_says_alone_what_a_sentence_is_about() -> None:
    detector = StanceDetector([NUCLEAR, PORTS], [])
    content = normalize("الخصخصة كارثة على البلاد")
    found = detector.classify(content, content, None)
    assert dict(found) == {"nuclear_power_plant": "NONE", "port_privatisation": "AGAINST"}
    # a head word another target's record uses too (إنشاء) does not
    shared = {**PORTS, "name_ar": "إنشاء الموانئ البحرية"}
    content = normalize("الإنشاء كارثة على البلاد")
    found = StanceDetector([NUCLEAR, shared], []).classify(content, content, None)
    assert dict(found) == {"nuclear_power_plant": "NONE", "port_privatisation": "NONE"}


def test_a_target_named_by_an_undoing_is_for_undoing_its_object_without_examples() -> None:
    # restricting arms to the state: disarming is what FAVOR supports, keeping arms what AGAINST defends
    arms = made_up_target(
        "arms",
        "حصر السلاح بيد الدولة",
        ["قال النائب إن قرار الحرب يجب أن يبقى بيد الدولة.", "أكد الوزير أن السلاح المنفلت يهدد أمن الدولة."],
        ["قال القيادي إن سلاح الفصائل خط أحمر.", "أكد المتحدث أن سلاح الفصائل مشروع ما دامت الحرب قائمة."],
    )
    austerity = made_up_target("austerity", "برامج التقشف الحكومية", [], [])  # austerity is a cutting too
    detector = StanceDetector([NUCLEAR, arms, austerity], [])
    assert [model.orientation.for_document(None).reverse for model in detector.models] == [-1, 1, 1]
    assert labels(detector, "arms", ("نطالب بتسليم السلاح إلى الدولة", "التخلي عن السلاح ليس خياراً", "بقاء السلاح بيد الفصائل إهانة للدولة")) == [
        "FAVOR",
        "AGAINST",
        "FAVOR",
    ]
    # arms outside the law are what the target undoes: denying they should be is for it, denying they are a danger against it
    assert labels(detector, "arms", ("لا سلاح خارج القانون بعد اليوم", "السلاح ليس خطراً على أحد")) == ["FAVOR", "AGAINST"]


def test_a_document_about_a_target_makes_its_weaker_mentions_about_it(tmp_path: Path) -> None:
    write_targets(tmp_path / "annotations", NUCLEAR)

    def stance_of(text: str) -> list[tuple[str, str]]:
        layer = preannotate("d", text, hashlib.sha256(text.encode()).hexdigest(), annotations_dir=tmp_path / "annotations")
        contents = {q["id"]: q["content"]["text"] for q in layer["quotes"]}
        return [(contents[s["evidence"]["quote"]], s["label"]) for s in layer["stance"]]

    reply = 'وقال رئيس الجمعية إن "المفاعل كارثة على المنطقة".'
    assert stance_of(reply) == [("المفاعل كارثة على المنطقة", "NONE")]  # "the reactor" alone: about what?
    about = 'وقال وزير الطاقة إن "المحطة النووية ضرورية والمفاعل النووي آمن والطاقة النووية مصدر نظيف للكهرباء". '
    assert stance_of(about + reply) == [
        ("المحطة النووية ضرورية والمفاعل النووي آمن والطاقة النووية مصدر نظيف للكهرباء", "FAVOR"),
        ("المفاعل كارثة على المنطقة", "AGAINST"),
    ]


class _EveryStart(frozenset):
    """A set that shares a member with any other: `Relevance.key_starts` that lets every word through to its keys."""

    def isdisjoint(self, other: object) -> bool:
        return False


def test_a_word_is_skipped_by_its_first_letters_only_when_no_key_of_it_has_weight(nuclear: StanceDetector) -> None:
    """`Relevance.word_weights` skips a word with none of the targets' keys' first three letters after at most five
    letters of proclitics: it must give what working out every key gives, for every key of the targets under every
    proclitic and suffix (وبالس + key: five letters before the key) and for the plain words of a sentence."""
    relevance = nuclear.shared_relevance
    unfiltered = copy.copy(relevance)
    unfiltered.key_starts = _EveryStart()
    proclitics = ("", "و", "ف", "ب", "ل", "ال", "وال", "بال", "وبال", "لل", "ولل", "فس", "وبالس")
    suffixes = ("", "ه", "ها", "هم", "ات", "ين", "يه", "اتهم")
    words = {p + key + s for key in relevance.term_weights for p in proclitics for s in suffixes}
    words |= set(normalize("قال الوزير إن المحطة النووية ضرورية لتأمين الكهرباء وسيرفض السكان المفاعل").split())
    weighed = {w: unfiltered._word_weights(w) for w in words}
    assert sum(v is not None for v in weighed.values()) > 100  # the keys are found under their proclitics
    assert {w: relevance._word_weights(w) for w in words} == weighed


def test_the_words_between_the_parts_of_a_discontinuous_quote_are_not_what_the_speaker_said(tmp_path: Path) -> None:
    """`«A»، قال المعارض السابق، «B»`: the frame in the gap names the speaker; its evaluative words (المعارض) do not vote,
    so the quote is labelled as with a neutral frame. The cue still does: حذر (warned) is the speaker's own act."""
    write_targets(tmp_path / "annotations", NUCLEAR)

    def stance_of(frame: str) -> tuple[int, list[str]]:
        text = f"«المحطة النووية مشروع للبلاد»، {frame}، «والمفاعل النووي قائم»."
        layer = preannotate("d", text, hashlib.sha256(text.encode()).hexdigest(), annotations_dir=tmp_path / "annotations")
        [quote] = layer["quotes"]
        return len(quote["parts"]), [s["label"] for s in layer["stance"]]

    assert stance_of("قال وزير الطاقة") == (2, ["NONE"])
    assert stance_of("قال المعارض السابق") == (2, ["NONE"])
    assert stance_of("قال مدير مكافحة الفساد") == (2, ["NONE"])
    assert stance_of("حذر وزير الطاقة") == (2, ["AGAINST"])


def test_a_quote_on_the_documents_topic_is_about_that_topic_only(tmp_path: Path) -> None:
    # An article on normalisation with Israel: "the partnership with Tel Aviv" shares its general words (partnership,
    # field) with the record of the US–Iraq partnership, which the article is not about; the quote is on normalisation.
    text = (
        "أثار توقيع اتفاق التطبيع مع إسرائيل جدلاً واسعاً في البلاد. "
        'وقال وزير الزراعة إن "الشراكة مع تل أبيب في مجال المياه أثمرت نتائج ملموسة". '
        "ونظمت أحزاب المعارضة وقفة أمام البرلمان ضد اتفاق التطبيع مع إسرائيل."
    )
    rows = stance_rows(repository_targets(tmp_path), text)
    assert [(target, label) for _, target, label in rows if label != "NONE"] == [("normalization_with_israel", "FAVOR")]


def test_a_document_that_never_names_the_target_is_not_about_it(tmp_path: Path) -> None:
    # The words of the target's FAVOR example (needed to secure electricity for the coming generations), in an article
    # on a grid project that names no nuclear plant: the general words it shares with the record do not make it the target's.
    write_targets(tmp_path / "annotations", NUCLEAR)
    text = (
        "أعلنت وزارة الكهرباء توقيع عقد لتوسيع الشبكة في الجنوب. "
        'وقال الوزير إن "المشروع ضروري لتأمين الكهرباء للأجيال المقبلة ونحن ندعم استكماله".'
    )
    labels = {content: label for content, _, label in stance_rows(tmp_path / "annotations", text)}
    assert labels["المشروع ضروري لتأمين الكهرباء للأجيال المقبلة ونحن ندعم استكماله"] == "NONE"


def test_an_evaluative_word_the_targets_examples_use_the_other_way_round_votes_their_way() -> None:
    # Poverty is what the dam answers in both FAVOR examples: a quote on the dam naming poverty is for it; another
    # negative word (a catastrophe) still votes against.
    dam = made_up_target(
        "dam",
        "بناء السد الكبير",
        ["قال الوزير إن بناء السد الكبير سلاح في مواجهة الفقر.", "أكد الخبير أن السد الكبير جواب على الفقر في الريف."],
        ["رفض المزارعون بناء السد الكبير.", "حذر الخبراء من أن السد الكبير سيغرق القرى."],
    )
    detector = StanceDetector([dam], [])
    assert label(detector, "السد الكبير هو الحل لمشكلة الفقر في الجنوب") == "FAVOR"
    assert label(detector, "السد الكبير كارثة على القرى") == "AGAINST"


def test_a_judgement_of_what_a_target_named_by_an_undoing_undoes_is_the_opposite_of_one_of_the_target() -> None:
    # Banning smoking: smoking is what the ban undoes, so calling it a danger is for the ban, defending it against;
    # an occurrence an undoing governs (the demand to ban it) is read as before.
    smoking = made_up_target(
        "smoking_ban",
        "حظر التدخين في الأماكن العامة",
        ["قال الوزير إن حظر التدخين في المقاهي يحمي صحة الأطفال.", "طالب الأطباء بمنع التدخين في الأماكن المغلقة."],
        ["رفض أصحاب المقاهي حظر التدخين.", "قال النائب إن منع التدخين في الأماكن العامة تقييد للحريات."],
    )
    contents = (
        "التدخين الشره خطر على صحة الأطفال في الأماكن العامة",
        "نحذر من التدخين في الأماكن العامة",
        "ندافع عن التدخين في الأماكن العامة",
        "نطالب بحظر التدخين في الأماكن العامة",
    )
    assert labels(StanceDetector([NUCLEAR, smoking], []), "smoking_ban", contents) == ["FAVOR", "FAVOR", "AGAINST", "FAVOR"]


def test_a_predicate_whose_clause_holds_no_word_of_the_target_is_about_something_else(nuclear: StanceDetector) -> None:
    # The sentence is about the plant, the quote's demand (elections on time) is not: no word of the record follows it.
    sentence = normalize("وفي مؤتمر عن المحطة النووية طالب الوزير بإجراء الانتخابات البلدية في موعدها")
    assert nuclear.classify(sentence, normalize("طالب بإجراء الانتخابات البلدية في موعدها"), None) == (("nuclear_power_plant", "NONE"),)
    assert nuclear.classify(sentence, normalize("طالب بالإسراع في إنشاء المحطة النووية"), None) == (("nuclear_power_plant", "FAVOR"),)
    # nor is a demand whose object ends far from the target's words (uncovering who is behind a campaign on the plant)
    content = normalize("نطالب بكشف أسماء الجهات التي تقف وراء الحملة الإعلامية الأخيرة ضد المحطة النووية")
    assert nuclear.classify(content, content, None) == (("nuclear_power_plant", "NONE"),)
    # an evaluative word still judges what the sentence is about
    assert nuclear.classify(sentence, normalize("قال إن المشروع كارثة"), None) == (("nuclear_power_plant", "AGAINST"),)
