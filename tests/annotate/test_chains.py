"""Silver entity chains (qawl.annotate.chains): the rules of guidelines §2.12 on small texts written for each."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest

from qawl.annotate import preannotate
from qawl.annotate.chains import Chain, chain_layer, find_chains
from qawl.ingest import Document
from qawl.merge import check_layer, read_targets
from qawl.schema import Schemas
from qawl.segment import split_sentences
from tests.conftest import REPO

PROVENANCE = {"source": "auto:qawl-preannotator@0.1.0", "status": "silver", "annotator": "qawl-preannotator", "time": "2025-01-01T00:00:00Z"}


def _entities(text: str, *mentions: tuple[str, str]) -> list[dict[str, Any]]:
    """Entity records of (mention, label) pairs, each the next occurrence after the previous one."""
    found, after = [], 0
    for n, (mention, label) in enumerate(mentions, 1):
        start = text.index(mention, after)
        after = start + len(mention)
        found.append({"id": f"e{n}", "start": start, "end": after, "text": mention, "label": label, "provenance": PROVENANCE})
    return found


def _quote(text: str, content: str, mention: str, entity: str | None) -> dict[str, Any]:
    def span(start: int, part: str) -> dict[str, Any]:
        return {"start": start, "end": start + len(part), "text": part}

    kind = "named" if entity else "anonymous"  # the speaker: the last occurrence of `mention` before the content
    return {"id": "q1", "type": "indirect", "content": span(text.index(content), content), "cue": None, "outlet": None,
            "speaker": {"kind": kind, "mention": span(text.rindex(mention, 0, text.index(content)), mention), "entity": entity}, "provenance": PROVENANCE}


def test_a_family_name_after_a_title_joins_the_full_name_and_the_full_name_is_the_chain_s_name() -> None:
    text = "أعلن مستشار الأمن القومي قاسم الأعرجي انتهاء الحوار. وزار الأعرجي أربيل، ثم عاد الأعرجي إلى بغداد."
    entities = _entities(text, ("قاسم الأعرجي", "PERSON"), ("الأعرجي", "PERSON"), ("أربيل", "GPE"), ("الأعرجي", "PERSON"), ("بغداد", "GPE"))
    assert find_chains(text, entities) == [Chain("قاسم الأعرجي", ["e1", "e2", "e4"])]


def test_a_name_stored_without_the_alef_of_lil_joins_its_full_form_and_names_the_chain_as_a_word() -> None:
    text = "جاء ذلك في بيان للسفارة الأميركية في بغداد. وقال إن السفارة الأميركية مغلقة، وإن لتحالف الدولي شأنه."
    entities = _entities(text, ("لسفارة الأميركية", "ORG"), ("بغداد", "GPE"), ("السفارة الأميركية", "ORG"))
    assert find_chains(text, entities) == [Chain("السفارة الأميركية", ["e1", "e3"])]
    # a name that begins with ل is not a لل form: لبنان stays لبنان
    text = "زار الوفد لبنان، ثم غادر لبنان."
    assert find_chains(text, _entities(text, ("لبنان", "GPE"), ("لبنان", "GPE"))) == [Chain("لبنان", ["e1", "e2"])]


def test_short_and_long_forms_join_in_either_order_and_a_short_form_joins_the_chain_mentioned_last() -> None:
    text = "قالت الولايات المتحدة إن الولايات المتحدة الأميركية تدعم عراقٍ مستقراً، وزار العراق وفد. التقى أحمد خالد وسعيد خالد، ثم غادر خالد."
    entities = _entities(text, ("الولايات المتحدة", "GPE"), ("الولايات المتحدة الأميركية", "GPE"), ("عراقٍ", "GPE"), ("العراق", "GPE"),
                         ("أحمد خالد", "PERSON"), ("سعيد خالد", "PERSON"), ("خالد", "PERSON"))
    assert find_chains(text, entities) == [
        Chain("الولايات المتحدة الأميركية", ["e1", "e2"]),
        Chain("العراق", ["e3", "e4"]),  # tanwin and the article do not keep the country apart
        Chain("سعيد خالد", ["e6", "e7"]),  # أحمد خالد is left alone: named once, not a speaker
    ]


def test_a_person_s_given_and_family_name_join_the_full_name_that_has_a_patronymic_between_them_in_either_order() -> None:
    text = "افتتح فيصل بن سعد الزهراني المعرض. وقال الزهراني إن فيصل الزهراني سيعود. والتقى ماجد الشمراني بعد ذلك ماجد بن علي الشمراني."
    entities = _entities(text, ("فيصل بن سعد الزهراني", "PERSON"), ("الزهراني", "PERSON"), ("فيصل الزهراني", "PERSON"),
                         ("ماجد الشمراني", "PERSON"), ("ماجد بن علي الشمراني", "PERSON"))
    assert find_chains(text, entities) == [Chain("فيصل بن سعد الزهراني", ["e1", "e2", "e3"]), Chain("ماجد بن علي الشمراني", ["e4", "e5"])]
    # only for persons: an organisation's first and last words are no name of it
    text = "أعلنت هيئة تنظيم الاتصالات خطة، ثم أعلنت هيئة الاتصالات أخرى."
    assert find_chains(text, _entities(text, ("هيئة تنظيم الاتصالات", "ORG"), ("هيئة الاتصالات", "ORG"))) == []


def test_labels_keep_chains_apart_and_dates_and_nisbas_are_never_chained() -> None:
    text = "قالت الحكومة العراقية إن العراق والحكومة العراقية والقوات العراقية والعراقية في الـ 31 من الشهر الحالي، أي في الـ 31 من الشهر الحالي."
    entities = _entities(text, ("الحكومة العراقية", "ORG"), ("العراق", "GPE"), ("الحكومة العراقية", "ORG"), ("العراقية", "NORP"),
                         ("العراقية", "NORP"), ("الـ 31 من الشهر الحالي", "DATE"), ("الـ 31 من الشهر الحالي", "DATE"))
    assert find_chains(text, entities) == [Chain("الحكومة العراقية", ["e1", "e3"])]


def test_a_speaker_named_once_is_a_chain_of_its_own_and_its_quote_points_to_it() -> None:
    text = "وقال النائب سالم الحديثي إن المفاوضات متعثرة في أربيل."
    entities = _entities(text, ("سالم الحديثي", "PERSON"), ("أربيل", "GPE"))
    chains, quotes = chain_layer(text, entities, [_quote(text, "المفاوضات متعثرة في أربيل", "سالم الحديثي", "e1")], PROVENANCE)
    assert chains == [{"id": "c1", "name": "سالم الحديثي", "entities": ["e1"], "provenance": PROVENANCE}]
    assert quotes[0]["speaker"] == {"kind": "named", "mention": {"start": 12, "end": 24, "text": "سالم الحديثي"}, "entity": "e1", "chain": "c1"}


def test_a_definite_role_noun_speaker_refers_back_to_the_last_named_entity_of_its_kind() -> None:
    text = "التقى وزير الخارجية فؤاد حسين نظيره هاكان فيدان في أنقرة. وقال الوزير إن المحادثات مثمرة."
    entities = _entities(text, ("فؤاد حسين", "PERSON"), ("هاكان فيدان", "PERSON"), ("أنقرة", "GPE"))
    chains, quotes = chain_layer(text, entities, [_quote(text, "المحادثات مثمرة", "الوزير", None)], PROVENANCE)
    # the last PERSON before the mention (أنقرة is no minister); which of the two ministers spoke, a person decides
    assert [(c["id"], c["name"], c["entities"]) for c in chains] == [("c1", "هاكان فيدان", ["e2"])]
    assert (quotes[0]["speaker"]["kind"], quotes[0]["speaker"]["entity"], quotes[0]["speaker"]["chain"]) == ("named", "e2", "c1")
    # an indefinite description stays anonymous, and so does a role noun with no named entity of its kind before it
    # and a role noun with a complement other than في introduces someone: the spokesman is not the minister named before
    for mention, text in (("مسؤول", "وقال مسؤول إن المحادثات مثمرة مع فؤاد حسين."), ("الوزير", "وقال الوزير إن المحادثات مثمرة مع فؤاد حسين."),
                          ("المتحدث باسم الوزارة", "التقى فؤاد حسين الوفد. وقال المتحدث باسم الوزارة إن المحادثات مثمرة مع فؤاد حسين.")):
        entities = _entities(text, *[("فؤاد حسين", "PERSON")] * text.count("فؤاد حسين"))
        chains, quotes = chain_layer(text, entities, [_quote(text, "المحادثات مثمرة مع فؤاد حسين", mention, None)], PROVENANCE)
        assert len(chains) == text.count("فؤاد حسين") - 1 and quotes[0]["speaker"]["kind"] == "anonymous" and quotes[0]["speaker"]["chain"] is None


def test_a_feminine_role_noun_refers_back_to_the_last_woman_its_title_marks_not_to_a_man_named_later() -> None:
    text = "قالت وزيرة التجارة ريم حداد إن الأسواق مستقرة. ثم تحدث الخبير مراد عيسى عن الأسعار. وقالت الوزيرة إن المخزون كاف."
    entities = _entities(text, ("ريم حداد", "PERSON"), ("مراد عيسى", "PERSON"))
    chains, quotes = chain_layer(text, entities, [_quote(text, "المخزون كاف", "الوزيرة", None)], PROVENANCE)
    assert [(c["id"], c["name"], c["entities"]) for c in chains] == [("c1", "ريم حداد", ["e1"])]
    assert (quotes[0]["speaker"]["kind"], quotes[0]["speaker"]["entity"], quotes[0]["speaker"]["chain"]) == ("named", "e1", "c1")


def test_a_masculine_role_noun_passes_over_a_woman_named_after_the_man() -> None:
    text = "التقى الوزير سامي عواد نظيرته وزيرة التجارة ريم حداد في عمّان. وقال الوزير إن المحادثات مثمرة."
    entities = _entities(text, ("سامي عواد", "PERSON"), ("ريم حداد", "PERSON"), ("عمّان", "GPE"))
    chains, quotes = chain_layer(text, entities, [_quote(text, "المحادثات مثمرة", "الوزير", None)], PROVENANCE)
    assert [(c["id"], c["name"], c["entities"]) for c in chains] == [("c1", "سامي عواد", ["e1"])]
    assert (quotes[0]["speaker"]["entity"], quotes[0]["speaker"]["chain"]) == ("e1", "c1")
    # a person no title marks may be either, nor does a title in ة that is no feminine (العمدة): the role noun takes the last one
    text = "التقى الوزير سامي عواد العمدة نادر حبيب. وقال الوزير إن المحادثات مثمرة."
    chains, quotes = chain_layer(text, _entities(text, ("سامي عواد", "PERSON"), ("نادر حبيب", "PERSON")), [_quote(text, "المحادثات مثمرة", "الوزير", None)], PROVENANCE)
    assert quotes[0]["speaker"]["entity"] == "e2"
    text = "التقى الوزير سامي عواد في عمّان، ثم اتصل به نادر حبيب. وقال الوزير إن المحادثات مثمرة."
    chains, quotes = chain_layer(text, _entities(text, ("سامي عواد", "PERSON"), ("نادر حبيب", "PERSON")), [_quote(text, "المحادثات مثمرة", "الوزير", None)], PROVENANCE)
    assert quotes[0]["speaker"]["entity"] == "e2"


@pytest.fixture(scope="module")
def targets_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    annotations = tmp_path_factory.mktemp("annotations")
    shutil.copy(REPO / "annotations" / "targets.json", annotations / "targets.json")
    return annotations


def test_the_pre_annotator_s_layer_has_chains_that_merge(targets_only: Path) -> None:
    text = "وقال النائب سالم الحديثي إن المفاوضات متعثرة.\nوأوضح الحديثي أن الجولة المقبلة في أربيل.\n"
    sha256 = hashlib.sha256(text.encode()).hexdigest()
    layer = preannotate("t", text, sha256, annotations_dir=targets_only)
    names = {e["id"]: e["text"] for e in layer["entities"]}
    assert [(c["name"], [names[e] for e in c["entities"]]) for c in layer["chains"]] == [("سالم الحديثي", ["سالم الحديثي", "الحديثي"])]
    assert {q["speaker"]["chain"] for q in layer["quotes"]} == {"c1"}
    targets, _ = read_targets(targets_only, Schemas(REPO / "schema"))
    assert check_layer(layer, Document("t", text, sha256, "seeds/t.txt"), split_sentences("t", text), targets, "t") == []


def test_the_pre_annotator_s_role_noun_speakers_are_the_persons_their_gender_and_titles_agree_on(targets_only: Path) -> None:
    """A role-noun speaker the quote step leaves unresolved is resolved by the chain step, past a person whose title
    gives the other gender (الوزير سامي عواد ... وزيرة التجارة ريم حداد)."""
    text = "التقى الوزير سامي عواد وزيرة التجارة ريم حداد في عمّان.\nوقالت الوزيرة إن المحادثات مثمرة.\nوقال الوزير إن الاتفاق قريب.\n"
    layer = preannotate("t", text, hashlib.sha256(text.encode()).hexdigest(), annotations_dir=targets_only)
    names = {e["id"]: e["text"] for e in layer["entities"]}
    chain_names = {c["id"]: c["name"] for c in layer["chains"]}
    assert [(q["speaker"]["mention"]["text"], names.get(q["speaker"]["entity"]), chain_names.get(q["speaker"]["chain"])) for q in layer["quotes"]] == [
        ("الوزيرة", "ريم حداد", "ريم حداد"), ("الوزير", "سامي عواد", "سامي عواد"),
    ]
