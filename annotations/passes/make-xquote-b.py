"""Run from the repo root: python3 annotations/passes/make-xquote-b.py .
Writes annotations/passes/<doc>.xquote-b.json: pass B of the batch10 quotes and chains, every span found in the text."""
import json, hashlib, sys
from pathlib import Path

REPO = Path(sys.argv[1])
TUNE = REPO / "annotations/devset/tune"
PROV = {"source": "manual", "status": "gold", "annotator": "qawl-xpass", "time": "2026-12-03T05:10:00Z"}


def finder(text):
    def span(s, before="", after=""):
        key = before + s + after
        i = text.find(key)
        assert i >= 0, key
        assert text.find(key, i + 1) < 0, ("not unique", key)
        start = i + len(before)
        return {"start": start, "end": start + len(s), "text": s}
    return span


def between(text, a, b):
    """The span from a's start to b's end (a and b spans)."""
    return {"start": a["start"], "end": b["end"], "text": text[a["start"]:b["end"]]}


def write(doc, quotes, chains):
    raw = (TUNE / f"{doc}.txt").read_bytes()
    gold = json.loads((TUNE / f"{doc}.json").read_text())
    layer = {"schema_version": gold["schema_version"], "doc_id": doc, "sha256": hashlib.sha256(raw).hexdigest(),
             "entities": gold["entities"], "quotes": [], "chains": [], "stance": []}
    ent_chain = {e: c for c, (_, es) in chains.items() for e in es}
    for q in quotes:
        item = {"id": q["id"], "type": q["type"], "content": q["content"]}
        if q.get("parts"):
            item["parts"] = q["parts"]
        if q.get("source"):
            item["source"] = q["source"]
        sp = {"kind": q["kind"], "mention": q.get("mention"), "entity": q.get("entity")}
        if q.get("entity") in ent_chain:
            sp["chain"] = ent_chain[q["entity"]]
        item.update(cue=q["cue"], speaker=sp, outlet=q.get("outlet"), provenance=PROV)
        layer["quotes"].append(item)
    for cid, (name, es) in chains.items():
        layer["chains"].append({"id": cid, "name": name, "entities": es, "provenance": PROV})
    (REPO / "annotations/passes" / f"{doc}.xquote-b.json").write_text(json.dumps(layer, ensure_ascii=False, indent=2) + "\n")


def load(doc):
    text = (TUNE / f"{doc}.txt").read_text()
    gold = json.loads((TUNE / f"{doc}.json").read_text())
    ents = {e["id"]: e for e in gold["entities"]}
    return text, finder(text), ents


def ment(ents, eid):
    e = ents[eid]
    return {"start": e["start"], "end": e["end"], "text": e["text"]}


def quote(id, type, content, cue, kind, mention=None, entity=None, outlet=None, parts=None, source=None):
    return dict(id=id, type=type, content=content, cue=cue, kind=kind, mention=mention, entity=entity, outlet=outlet,
                parts=parts, source=source)


# --- ae_01
d = "dev_b10_ae_01"; t, s, E = load(d)
c = between(t, s("اتفاقية", before="أمس: «"), s("أبوظبي", after="».\n"))
q = [quote("q1", "direct", c, s("قال", after=" وزير الدولة"), "named", ment(E, "e3"), "e3"),
     quote("q2", "mixed", s('الاتفاقية "تتجاهل معاناة الفلسطينيين"'), s("اعتبر"), "anonymous", s("ناشطون إماراتيون"))]
write(d, q, {"c1": ("أبوظبي", ["e1", "e7"]), "c2": ("راشد المزروعي", ["e3"])})

# --- bh_01
d = "dev_b10_bh_01"; t, s, E = load(d)
p1 = s("افتتاح الخط الجوي المباشر مع تل أبيب خطوة تخدم الاستقرار في المنطقة")
p2 = s("وسيتبعه تعاون في السياحة والتجارة")
q = [quote("q1", "direct", between(t, p1, p2), s("قال", after=" وكيل"), "named", ment(E, "e4"), "e4", ment(E, "e5"), [p1, p2]),
     quote("q2", "indirect", s("أول رحلة ستنطلق مطلع الشهر المقبل"), s("أضاف", after=" الوكيل"), "named", s("الوكيل", before="وأضاف "), "e4"),
     quote("q3", "direct", s("التطبيع لن يمنح إسرائيل أي شرعية في وجدان الشعب"), s("قال", after=" التجمع"), "named", ment(E, "e7"), "e7")]
write(d, q, {"c1": ("أخبار الخليج", ["e2", "e5"]), "c2": ("خالد البنعلي", ["e4"]), "c3": ("التجمع الشعبي لمناهضة التطبيع", ["e7"])})

# --- dz_01
d = "dev_b10_dz_01"; t, s, E = load(d)
outer = between(t, s("نظيره", before="إن "), s('"لن تنخرط في أي مسار تطبيع"'))
p1 = s("موقف الجزائر الرافض للتطبيع ثابت"); p2 = s("ولن يتغير بتغير الظروف")
q = [quote("q1", "mixed", outer, s("قال", after=" وزير الاتصال"), "named", ment(E, "e3"), "e3"),
     quote("q2", "mixed", s('بلاده "لن تنخرط في أي مسار تطبيع"'), s("أكد", after=" له"), "anonymous", s("نظيره التونسي"), source="q1"),
     quote("q3", "direct", between(t, p1, p2), s("أضاف", after=" مزياني"), "named", ment(E, "e6"), "e6", parts=[p1, p2])]
write(d, q, {"c1": ("عبد الحق مزياني", ["e3", "e6"])})

# --- eg_01
d = "dev_b10_eg_01"; t, s, E = load(d)
p1 = s("برنامج الإصلاح مع صندوق النقد الدولي أنقذ الاقتصاد من الانهيار"); p2 = s("ولن تُفرض ضرائب جديدة على محدودي الدخل")
outer = between(t, s("بعثة الصندوق", before="إن "), s('"يسير في الاتجاه الصحيح"'))
q = [quote("q1", "direct", between(t, p1, p2), s("قال", after=" وزير المالية"), "named", ment(E, "e4"), "e4", ment(E, "e5"), [p1, p2]),
     quote("q2", "mixed", outer, s("قال", after=" القليوبي"), "named", ment(E, "e6"), "e6"),
     quote("q3", "mixed", s('برنامج الإصلاح "يسير في الاتجاه الصحيح"'), s("أكدت"), "anonymous", s("بعثة الصندوق"), source="q2"),
     quote("q4", "mixed", s('رفع أسعار الوقود "سيدفع ملايين الأسر إلى ما دون خط الفقر"'), s("حذّر"), "named", ment(E, "e7"), "e7")]
write(d, q, {"c1": ("الوطن", ["e2", "e5"]), "c2": ("حسام القليوبي", ["e4", "e6"]), "c3": ("عادل منصور", ["e7"])})

# --- iq_01
d = "dev_b10_iq_01"; t, s, E = load(d)
c1 = between(t, s("حصر السلاح"), s("خارج القانون"))
outer = between(t, s("مسؤولاً"), s("نهاية العام"))
q = [quote("q1", "mixed", c1, s("قال", after=" قائد"), "named", ment(E, "e4"), "e4"),
     quote("q2", "indirect", outer, s("قال", after=" الفريجي"), "named", ment(E, "e5"), "e5"),
     quote("q3", "indirect", between(t, s("الفصائل"), s("نهاية العام")), s("أكد", after=" له"), "anonymous", s("مسؤولاً في الحشد الشعبي"), source="q2"),
     quote("q4", "mixed", s('حملات التفتيش "طالت الأبرياء"'), s("أكد", after=" شيوخ"), "anonymous", s("شيوخ عشائر في قضاء الزبير"))]
write(d, q, {"c1": ("البصرة", ["e1", "e3"]), "c2": ("مهند الفريجي", ["e4", "e5"])})

# --- iq_02
d = "dev_b10_iq_02"; t, s, E = load(d)
p1 = ment(E, "e3"); p2 = s("سيُبقي مستشاريه في قاعدة حرير حتى أيلول المقبل")
p3 = s("وجود المستشارين ضروري"); p4 = s("ما دام خطر داعش قائماً")
q = [quote("q1", "indirect", between(t, p1, p2), s("بحسب"), "anonymous", s("مسؤول عسكري كردي"), parts=[p1, p2]),
     quote("q2", "direct", between(t, p3, p4), s("قال"), "named", ment(E, "e7"), "e7", parts=[p3, p4]),
     quote("q3", "indirect", s("انسحاب قوات التحالف الدولي من إقليم كردستان"), s("طالب"), "named", ment(E, "e9"), "e9")]
write(d, q, {"c1": ("التحالف الدولي", ["e3", "e10"]), "c2": ("شورش بابكر", ["e7"]), "c3": ("جمال الهركي", ["e9"])})

# --- jo_01
d = "dev_b10_jo_01"; t, s, E = load(d)
outer = between(t, s("وزير المالية", before="إن "), s("هذا العام"))
q = [quote("q1", "indirect", outer, s("قال"), "named", ment(E, "e3"), "e3"),
     quote("q2", "indirect", between(t, s("الحكومة لن"), s("هذا العام")), s("أبلغ"), "anonymous", s("وزير المالية", before="إن "), source="q1"),
     quote("q3", "direct", between(t, s("اللجنة لن توافق"), s("ظروف الناس")), s("أضاف"), "named", ment(E, "e5"), "e5")]
write(d, q, {"c1": ("فراس القطامين", ["e3", "e5"])})

# --- lb_01
d = "dev_b10_lb_01"; t, s, E = load(d)
q = [quote("q1", "direct", between(t, s("قوافل العودة"), s("لم يعد يحتمل")), s("قال"), "named", ment(E, "e4"), "e4"),
     quote("q2", "direct", s("الأرقام التي تتداولها المنظمات مبالغ فيها"), None, "named", ment(E, "e8"), "e8"),
     quote("q3", "mixed", s('الظروف في المناطق السورية "لا تسمح بعودة آمنة"'), s("أكدت"), "anonymous", s("منظمات حقوقية"))]
write(d, q, {"c1": ("بيروت", ["e1", "e9"]), "c2": ("وليد صفير", ["e4", "e8"])})

# --- ma_01
d = "dev_b10_ma_01"; t, s, E = load(d)
q = [quote("q1", "direct", between(t, s("رفع الدعم"), s("سيعوّض الفارق")), s("قال"), "named", ment(E, "e3"), "e3", ment(E, "e4")),
     quote("q2", "mixed", s('القرار "استجابة لإملاءات صندوق النقد الدولي" وضرب للقدرة الشرائية'), s("اعتبر"), "anonymous", s("نواب من المعارضة"))]
write(d, q, {"c1": ("يونس الكتاني", ["e3"])})

# --- sa_01
d = "dev_b10_sa_01"; t, s, E = load(d)
q = [quote("q1", "direct", between(t, s("الصواريخ"), s("المسؤولية الكاملة")), s("قال", after=" المتحدث"), "named", ment(E, "e4"), "e4"),
     quote("q2", "indirect", between(t, s("قادة ميدانيين"), s("على إطلاقها")), s("قال", after=" السبيعي"), "named", ment(E, "e7"), "e7"),
     quote("q3", "indirect", between(t, s("خبراء من"), s("على إطلاقها")), s("أفادوا"), "anonymous", s("قادة ميدانيين أسرى"), source="q2")]
write(d, q, {"c1": ("ماجد السبيعي", ["e4", "e7"])})

# --- wire_01
d = "dev_b10_wire_01"; t, s, E = load(d)
p1 = s("لا نريد قواعد أجنبية على أرضنا"); p2 = s("لكننا نحتاج إلى خبرة التحالف في التدريب")
q = [quote("q1", "indirect", between(t, s("السفير الأميركي"), s("الطاقة والتعليم")), s("قال", after=" وزير"), "named", ment(E, "e3"), "e3"),
     quote("q2", "indirect", between(t, s("واشنطن ملتزمة"), s("الطاقة والتعليم")), s("أبلغه"), "anonymous", s("السفير الأميركي"), source="q1"),
     quote("q3", "direct", between(t, p1, p2), s("أضاف"), "named", ment(E, "e8"), "e8", parts=[p1, p2]),
     quote("q4", "indirect", s("جدول انسحاب المستشارين لم يُحسم بعد"), s("قالت"), "anonymous", s("مصادر في وزارة الدفاع"))]
write(d, q, {"c1": ("نزار الشمرتي", ["e3", "e8"])})

# --- wire_02
d = "dev_b10_wire_02"; t, s, E = load(d)
q = [quote("q1", "direct", between(t, s("العودة يجب"), s("لا يشعر فيه بالأمان")), s("قالت"), "named", ment(E, "e5"), "e5", ment(E, "e6")),
     quote("q2", "indirect", between(t, s("لاجئين كثيرين"), s("دُمّرت بالكامل")), s("أضافت"), "named", ment(E, "e7"), "e7"),
     quote("q3", "indirect", s("منازلهم في درعا دُمّرت بالكامل"), s("أبلغوا"), "anonymous", s("لاجئين كثيرين"), source="q2")]
write(d, q, {"c1": ("وكالة فرانس برس", ["e2", "e6"]), "c2": ("ريم الشقيرات", ["e5", "e7"])})
print("ok")
