"""Curation pinned in-process (mutation testing of qawl.review.curate): what two annotator layers agree on,
the disagreements a curator is shown, the problems of a decisions file, the curated gold layer and its log.

Amina's layer is the test article's layer with two chains (العراق ×2; فؤاد حسين, the speaker of q1).
Omar relabels واشنطن (e5) as ORG, leaves out the official account's quote q3, labels s1 NONE and names
his العراق chain differently.
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from qawl.review import curate as curation
from qawl.schema import Problem
from tests.review.conftest import ARTICLE, DOC_ID, article_layer

AMINA, OMAR = "amina@example.org", "omar@example.org"
DIGESTS = {AMINA: "a" * 64, OMAR: "b" * 64}
TIME = "2026-12-03T03:00:00Z"
FILE = "annotations/passes/rev_001.decisions.json"


def provenance(annotator: str) -> dict[str, str]:
    return {"source": "manual", "status": "silver", "annotator": annotator, "time": "2026-03-01T09:00:00Z"}


def amina_layer() -> dict[str, Any]:
    layer = article_layer(provenance(AMINA))
    layer["chains"] = [
        {"id": "c1", "name": "العراق", "entities": ["e4", "e6"], "provenance": provenance(AMINA)},
        {"id": "c2", "name": "فؤاد حسين", "entities": ["e2"], "provenance": provenance(AMINA)},
    ]
    for quote in layer["quotes"]:
        quote["speaker"]["chain"] = "c2" if quote["id"] == "q1" else None
    return layer


def omar_layer() -> dict[str, Any]:
    layer = copy.deepcopy(amina_layer())
    for item in (*layer["entities"], *layer["quotes"], *layer["chains"], *layer["stance"]):
        item["provenance"] = provenance(OMAR)
    next(e for e in layer["entities"] if e["id"] == "e5")["label"] = "ORG"
    layer["quotes"] = [q for q in layer["quotes"] if q["id"] != "q3"]
    next(s for s in layer["stance"] if s["id"] == "s1")["label"] = "NONE"
    next(c for c in layer["chains"] if c["id"] == "c1")["name"] = "بلاد الرافدين"
    return layer


def compared() -> curation.Comparison:
    return curation.compare({AMINA: amina_layer(), OMAR: omar_layer()}, ARTICLE)


def at(needle: str, occurrence: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence):
        start = ARTICLE.index(needle, start + 1)
    return start, start + len(needle)


def test_the_disagreements_of_two_layers_are_listed_whole_in_text_order_after_what_they_agree_on() -> None:
    comparison = compared()
    washington, q3, iraq, iraq_2 = at("واشنطن"), at("الزيارة تستمر يومين"), at("العراق"), at("العراق", 2)  # the second: بالعراق without its proclitic
    q1 = at("العراق يرفض بقاء القوات الأجنبية على أراضيه")
    assert comparison.doc_id == DOC_ID
    assert [(d.id, d.key, d.what, d.start, d.end, d.text, d.versions) for d in comparison.disagreements] == [
        ("d1", ("entities", *washington), "entity", *washington, "واشنطن", {AMINA: {"label": "GPE"}, OMAR: {"label": "ORG"}}),
        ("d2", ("quotes", *q3), "quote", *q3, "الزيارة تستمر يومين", {
            AMINA: {"type": "indirect", "cue": list(at("كتب")), "speaker": list(at("الحساب الرسمي")), "speaker_entity": None,
                    "outlet": list(at("منصة 𝕏"))},
            OMAR: None}),
        ("d3", ("chains", *iraq, (iraq, iraq_2)), "chain of 2 mention(s), the first", *iraq, "العراق",
         {AMINA: {"name": "العراق"}, OMAR: {"name": "بلاد الرافدين"}}),
        ("d4", ("stance", q1, "us_coalition_presence_iraq", "speaker", q1), "stance on us_coalition_presence_iraq held by the speaker",
         *q1, "العراق يرفض بقاء القوات الأجنبية على أراضيه", {AMINA: {"label": "AGAINST"}, OMAR: {"label": "NONE"}}),
    ]
    entities = [key for key in comparison.agreed if key[0] == "entities"]
    assert entities == [("entities", *at(t)) for t in ("بغداد", "فؤاد حسين", "العربي الجديد", "العراق")] + [("entities", *iraq_2)]
    assert [key[0] for key in comparison.agreed] == ["entities"] * 5 + ["quotes"] * 2 + ["chains"] + ["stance"] * 2
    q1_says = comparison.items[AMINA][("quotes", *q1)][0]
    assert q1_says == {"type": "direct", "cue": list(at("قال")), "speaker": list(at("فؤاد حسين")),
                       "speaker_entity": [*at("فؤاد حسين"), "PERSON"], "outlet": list(at("العربي الجديد"))}
    s3 = next(key for key in comparison.agreed if key[0] == "stance" and key[3] == "author")
    assert s3 == ("stance", at("ويرى مراقبون أن انسحاب القوات سيترك فراغاً أمنياً بالعراق."), "us_coalition_presence_iraq", "author", ())


def test_the_decisions_file_lists_every_disagreement_with_an_empty_choice() -> None:
    record = curation.decisions_record(compared(), DIGESTS)
    assert {k: v for k, v in record.items() if k != "disagreements"} == {
        "doc_id": DOC_ID, "layers": DIGESTS, "agreed": 10, "choices": [AMINA, OMAR, "none"]}
    assert record["disagreements"][0] == {"id": "d1", "what": "entity", "start": at("واشنطن")[0], "end": at("واشنطن")[1], "text": "واشنطن",
                                          "versions": {AMINA: {"label": "GPE"}, OMAR: {"label": "ORG"}}, "choice": None}
    assert [d["id"] for d in record["disagreements"]] == ["d1", "d2", "d3", "d4"]


def test_choices_are_read_by_disagreement_and_every_bad_one_is_a_problem_at_its_id() -> None:
    comparison = compared()
    record = curation.decisions_record(comparison, DIGESTS)
    for disagreement, choice in zip(record["disagreements"], [OMAR, None, "nobody", "none"]):
        disagreement["choice"] = choice
    choices, problems = curation.read_choices(record, comparison, DIGESTS, FILE)
    assert choices == {"d1": OMAR, "d4": "none"}
    q3 = at("الزيارة تستمر يومين")
    assert problems == [
        Problem(FILE, "d2", f"no choice for the quote at [{q3[0]}, {q3[1]}) 'الزيارة تستمر يومين' (amina@example.org: "
                "{\"type\": \"indirect\", \"cue\": " + str(list(at("كتب"))) + ", \"speaker\": " + str(list(at("الحساب الرسمي")))
                + ", \"speaker_entity\": null, \"outlet\": " + str(list(at("منصة 𝕏"))) + "}; omar@example.org: —); "
                "set \"choice\" to one of amina@example.org, omar@example.org, none"),
        Problem(FILE, "d3", "choice 'nobody' is not one of amina@example.org, omar@example.org, none"),
    ]


def test_a_decisions_file_of_other_layers_or_of_no_disagreements_is_refused_whole() -> None:
    comparison = compared()
    record = curation.decisions_record(comparison, DIGESTS)
    stale = "made from other annotator layers than annotations/passes/ holds now; delete it and run curate again to list the disagreements afresh"
    assert curation.read_choices({**record, "layers": {AMINA: "a" * 64}}, comparison, DIGESTS, FILE) == ({}, [Problem(FILE, "", stale)])
    assert curation.read_choices({**record, "doc_id": "rev_002"}, comparison, DIGESTS, FILE) == ({}, [Problem(FILE, "", stale)])
    not_decisions = [Problem(FILE, "", "not a decisions file of `qawl review curate` (no list of disagreements)")]
    for broken in ([], {"disagreements": {}}, {**record, "disagreements": None}):
        assert curation.read_choices(broken, comparison, DIGESTS, FILE) == ({}, not_decisions)


def curated_layer(choices: dict[str, str]) -> tuple[dict[str, Any], list[curation.Curated], list[Problem]]:
    return curation.curate(compared(), choices, amina_layer(), TIME, FILE)


def test_the_curated_layer_holds_agreed_items_credited_to_both_and_chosen_ones_to_their_annotator() -> None:
    layer, curated, problems = curated_layer({"d1": OMAR, "d2": AMINA, "d3": OMAR, "d4": "none"})
    assert problems == []
    assert list(layer) == ["schema_version", "doc_id", "sha256", "entities", "quotes", "chains", "stance"]
    assert (layer["schema_version"], layer["doc_id"], layer["sha256"]) == ("1.0.0", DOC_ID, amina_layer()["sha256"])
    both = f"{AMINA}+{OMAR}"
    assert [(e["id"], e["label"], e["provenance"]) for e in layer["entities"]] == [
        (f"e{n}", label, {"source": "manual", "status": "gold", "annotator": OMAR if n == 5 else both, "time": TIME})
        for n, label in enumerate(["GPE", "PERSON", "ORG", "GPE", "ORG", "GPE"], 1)]
    assert [(q["id"], q["provenance"]["annotator"], q["speaker"]) for q in layer["quotes"]] == [
        ("q1", both, {"kind": "named", "mention": amina_layer()["quotes"][0]["speaker"]["mention"], "entity": "e2", "chain": "c2"}),
        ("q2", both, {**amina_layer()["quotes"][1]["speaker"], "chain": None}),
        ("q3", AMINA, {**amina_layer()["quotes"][2]["speaker"], "chain": None}),
    ]
    assert [(c["id"], c["name"], c["entities"], c["provenance"]["annotator"]) for c in layer["chains"]] == [
        ("c2", "فؤاد حسين", ["e2"], both), ("c1", "بلاد الرافدين", ["e4", "e6"], OMAR)]
    assert [(s["id"], s["label"], s["holder"], s["evidence"]["quote"]) for s in layer["stance"]] == [
        ("s2", "FAVOR", {"kind": "speaker", "quote": "q2"}, "q2"), ("s3", "FAVOR", {"kind": "author", "quote": None}, None)]
    assert [(c.kind, c.item["id"], c.decision and c.decision.id, c.choice) for c in curated] == [
        ("entities", "e1", None, None), ("entities", "e2", None, None), ("entities", "e3", None, None), ("entities", "e4", None, None),
        ("entities", "e5", "d1", OMAR), ("entities", "e6", None, None), ("quotes", "q1", None, None), ("quotes", "q2", None, None),
        ("quotes", "q3", "d2", AMINA), ("chains", "c2", None, None), ("chains", "c1", "d3", OMAR), ("stance", "s2", None, None),
        ("stance", "s3", None, None)]


def test_a_choice_of_a_layer_without_the_item_leaves_it_out_and_a_kind_left_empty_is_kept_only_if_the_base_has_it() -> None:
    layer, curated, problems = curated_layer({"d1": "none", "d2": OMAR, "d3": "none", "d4": AMINA})
    assert problems == []
    assert [e["id"] for e in layer["entities"]] == ["e1", "e2", "e3", "e4", "e6"]
    assert [q["id"] for q in layer["quotes"]] == ["q1", "q2"]
    assert [c["id"] for c in layer["chains"]] == ["c2"]
    assert [(s["id"], s["label"], s["provenance"]["annotator"]) for s in layer["stance"]] == [
        ("s1", "AGAINST", AMINA), ("s2", "FAVOR", f"{AMINA}+{OMAR}"), ("s3", "FAVOR", f"{AMINA}+{OMAR}")]
    assert "d3" not in {c.decision.id for c in curated if c.decision}

    no_chains = {name: {k: v for k, v in layer.items() if k != "chains"} for name, layer in ((AMINA, amina_layer()), (OMAR, amina_layer()))}
    for name in no_chains:
        for quote in no_chains[name]["quotes"]:
            del quote["speaker"]["chain"]
    plain, _, _ = curation.curate(curation.compare(no_chains, ARTICLE), {}, no_chains[AMINA], TIME, FILE)
    assert "chains" not in plain and plain["quotes"][0]["speaker"] == {"kind": "named", "mention": amina_layer()["quotes"][0]["speaker"]["mention"], "entity": "e2"}
    empty, _, _ = curation.curate(curation.compare({AMINA: {**amina_layer(), "chains": []}, OMAR: {**amina_layer(), "chains": []}}, ARTICLE),
                                  {}, {**amina_layer(), "chains": []}, TIME, FILE)
    assert empty["chains"] == []


def test_items_of_two_annotators_with_one_id_get_new_ids_and_links_follow_them() -> None:
    amina, omar = amina_layer(), amina_layer()
    start, end = at("الحكومة")
    amina["entities"].append({"id": "e7", "start": start, "end": end, "text": "الحكومة", "label": "ORG", "provenance": provenance(AMINA)})
    start, end = at("مراقبون")
    omar["entities"].append({"id": "e7", "start": start, "end": end, "text": "مراقبون", "label": "NORP", "provenance": provenance(OMAR)})
    omar["chains"].append({"id": "c3", "name": "مراقبون", "entities": ["e7"], "provenance": provenance(OMAR)})
    comparison = curation.compare({AMINA: amina, OMAR: omar}, ARTICLE)
    choices = {d.id: AMINA if d.versions[AMINA] else OMAR for d in comparison.disagreements}
    layer, _, problems = curation.curate(comparison, choices, amina, TIME, FILE)
    assert problems == []
    assert [(e["id"], e["text"]) for e in layer["entities"] if e["text"] in ("الحكومة", "مراقبون")] == [("e7", "الحكومة"), ("e8", "مراقبون")]
    assert [(c["id"], c["entities"]) for c in layer["chains"]] == [("c2", ["e2"]), ("c1", ["e4", "e6"]), ("c3", ["e8"])]


def test_a_quote_or_stance_whose_linked_item_was_left_out_is_a_problem_and_its_link_is_dropped() -> None:
    amina, omar = amina_layer(), amina_layer()
    omar["entities"] = [e for e in omar["entities"] if e["id"] != "e2"]
    omar["chains"] = [c for c in omar["chains"] if c["id"] != "c2"]
    omar["quotes"][0]["speaker"] = {**omar["quotes"][0]["speaker"], "entity": None, "chain": None}
    omar["quotes"] = [q for q in omar["quotes"] if q["id"] != "q2"]
    omar["stance"] = [s for s in omar["stance"] if s["id"] != "s2"]
    comparison = curation.compare({AMINA: amina, OMAR: omar}, ARTICLE)
    d = {(x.what, x.text): x.id for x in comparison.disagreements}
    entity, q1, q2, chain, s2 = (d[("entity", "فؤاد حسين")], d[("quote", "العراق يرفض بقاء القوات الأجنبية على أراضيه")],
                                 d[("quote", "الحكومة ستواصل الحوار مع واشنطن 😀 بشأن الانسحاب")], d[("chain of 1 mention(s), the first", "فؤاد حسين")],
                                 d[("stance on us_iraq_strategic_partnership held by the speaker", "الحكومة ستواصل الحوار مع واشنطن 😀 بشأن الانسحاب")])
    assert len(d) == 5
    layer, _, problems = curation.curate(comparison, {entity: OMAR, q1: AMINA, q2: AMINA, chain: AMINA, s2: AMINA}, amina, TIME, FILE)
    assert problems == [Problem(FILE, q1, "quote 'العراق يرفض بقاء القوات الأجنبية على أراضيه' names speaker entity 'فؤاد حسين' (PERSON), "
                                          "which the curated layer leaves out; choose a version that keeps it")]
    assert layer["quotes"][0]["speaker"]["entity"] is None and layer["quotes"][0]["speaker"]["chain"] is None
    assert [c["id"] for c in layer["chains"]] == ["c1"]  # c2's one mention is left out

    layer, _, problems = curation.curate(comparison, {entity: AMINA, q1: AMINA, q2: "none", chain: AMINA, s2: AMINA}, amina, TIME, FILE)
    left_out = ("stance on us_iraq_strategic_partnership rests on quote 'الحكومة ستواصل الحوار مع واشنطن 😀 بشأن الانسحاب', "
                "which the curated layer leaves out; choose a version that keeps it")
    assert problems == [Problem(FILE, s2, left_out)] * 2  # its holder and its evidence
    assert next(s for s in layer["stance"] if s["id"] == "s2")["holder"] == {"kind": "speaker", "quote": None}
    assert layer["quotes"][0]["speaker"] == {**amina["quotes"][0]["speaker"], "entity": "e2", "chain": "c2"}


def test_two_layers_with_the_same_annotations_made_at_other_times_are_the_same() -> None:
    layer, _, _ = curated_layer({"d1": OMAR, "d2": AMINA, "d3": OMAR, "d4": "none"})
    later, _, _ = curation.curate(compared(), {"d1": OMAR, "d2": AMINA, "d3": OMAR, "d4": "none"}, amina_layer(), "2027-01-01T00:00:00Z", FILE)
    assert curation.same_annotations(layer, later)
    other, _, _ = curated_layer({"d1": AMINA, "d2": AMINA, "d3": OMAR, "d4": "none"})
    assert not curation.same_annotations(layer, other)
    only_chains = copy.deepcopy(layer)
    only_chains["chains"][0]["provenance"]["annotator"] = AMINA
    assert not curation.same_annotations(layer, only_chains)


def test_the_log_of_a_curation_has_each_agreed_item_each_decision_and_each_removed_gold_item() -> None:
    comparison = compared()
    choices = {"d1": OMAR, "d2": "none", "d3": OMAR, "d4": "none"}
    layer, curated, _ = curation.curate(comparison, choices, amina_layer(), TIME, FILE)
    previous = amina_layer()
    previous["entities"].append({"id": "e9", "start": 0, "end": 4, "text": ARTICLE[:4], "label": "PERSON", "provenance": provenance("t1")})
    entries = curation.log_entries(comparison, choices, curated, previous, "lead", TIME, FILE, DIGESTS)
    review = hashlib.sha256(json.dumps(DIGESTS, sort_keys=True).encode()).hexdigest()  # the layers curated, as the import's fingerprint
    common = {"time": TIME, "annotator": "lead", "layer": "gold", "doc_id": DOC_ID, "tool": "curate", "file": FILE, "tool_user": None, "review": review}
    agreed = [e for e in entries if e["action"] == "agreed"]
    assert [(e["kind"], e["id"]) for e in agreed] == [("entities", f"e{n}") for n in (1, 2, 3, 4, 6)] + [
        ("quotes", "q1"), ("quotes", "q2"), ("chains", "c2"), ("stance", "s2"), ("stance", "s3")]
    e1 = next(item for item in layer["entities"] if item["id"] == "e1")
    assert agreed[0] == {**common, "kind": "entities", "id": "e1", "action": "agreed", "origin": f"{AMINA}+{OMAR}",
                         "before": previous["entities"][0], "after": e1}
    decided = [e for e in entries if e["action"] == "decided"]
    assert decided[0] == {**common, "kind": "entities", "id": "e5", "action": "decided", "origin": OMAR,
                          "decision": {"id": "d1", "choice": OMAR, "versions": {AMINA: {"label": "GPE"}, OMAR: {"label": "ORG"}}},
                          "before": previous["entities"][4], "after": layer["entities"][4]}
    assert [(e["kind"], e["id"], e["origin"], e["after"]) for e in decided[1:]] == [
        ("quotes", None, "none", None), ("chains", "c1", OMAR, layer["chains"][1]), ("stance", None, "none", None)]
    assert decided[1]["before"] is None
    removed = [e for e in entries if e["action"] == "removed"]
    assert removed == [{**common, "kind": kind, "id": item["id"], "action": "removed", "origin": "curation", "before": item, "after": None}
                       for kind, item in (("entities", previous["entities"][-1]), ("quotes", previous["quotes"][2]), ("stance", previous["stance"][0]))]
    assert entries == agreed + decided + removed
    assert [e["before"] for e in curation.log_entries(comparison, choices, curated, None, "lead", TIME, FILE, DIGESTS)
            if e["action"] != "removed"] == [None] * 14


def test_a_speaker_without_an_entity_keeps_the_chain_it_continued_found_by_its_mentions() -> None:
    layers = {AMINA: amina_layer(), OMAR: amina_layer()}
    for layer in layers.values():  # q2's anonymous official continues the chain of q1's speaker, فؤاد حسين (here c7)
        layer["chains"][1]["id"] = "c7"
        layer["quotes"][0]["speaker"]["chain"] = layer["quotes"][1]["speaker"]["chain"] = "c7"
    layer, _, problems = curation.curate(curation.compare(layers, ARTICLE), {}, layers[AMINA], TIME, FILE)
    assert problems == []
    assert [(q["id"], q["speaker"]["entity"], q["speaker"]["chain"]) for q in layer["quotes"]] == [("q1", "e2", "c7"), ("q2", None, "c7"), ("q3", None, None)]
