"""The chain checks of a layer pinned (mutation testing of qawl.merge's chain functions): the checks read apart from
the text, a chain checked past a missing mention, the message of a speaker entity in no chain, a pro-drop speaker
right after the first quote. The layer is tests/test_chains.py's: the minister by full and family name, Beirut."""

from __future__ import annotations

from qawl.merge import chain_problems, check_layer
from tests.test_chains import _chain, _document, _layer

E2_UNCHAINED = (  # the layer's second quote is the minister's family name, e2, which these chains leave out
    "a.json: /quotes/1/speaker/chain: the named speaker's entity e2 is in no chain; a layer with chains gives every named "
    "speaker one (a chain of its own when named once, GUIDELINES §2.12 rule 6), else attributions leaves out its quotes"
)


def test_the_chain_checks_read_apart_from_the_text_list_every_chain_problem_with_its_file_and_place() -> None:
    chains = [_chain("c1", "أحمد خالد", "e1", "e9", "e1"), _chain("c2", "خالد", "e2", "e3"), _chain("c3", "بيروت", "e3")]
    assert [str(p) for p in chain_problems(_layer(chains, ("c1", "c2", "c2")), "passes/d/amina.json")] == [
        "passes/d/amina.json: /chains/0/entities/1: refers to entity 'e9', which does not exist",
        "passes/d/amina.json: /chains/0/entities/2: entity e1 is already in chain c1 (an entity is in at most one chain)",
        "passes/d/amina.json: /chains/1: the mentions of a chain share one label: e2 is PERSON, e3 is GPE",
        "passes/d/amina.json: /chains/2/entities/0: entity e3 is already in chain c2 (an entity is in at most one chain)",
    ]
    assert chain_problems(_layer([_chain("c1", "أحمد خالد", "e1", "e2")], ("c1", "c1", "c1")), "a.json") == []


def test_the_mentions_after_a_missing_or_repeated_one_are_still_checked() -> None:
    document, sentences = _document()
    layer = _layer([_chain("c1", "أحمد خالد", "e9", "e1", "e3")], ("c1", None, None))
    assert [str(p) for p in check_layer(layer, document, sentences, set(), "a.json")] == [
        "a.json: /chains/0/entities/0: refers to entity 'e9', which does not exist",
        "a.json: /chains/0: the mentions of a chain share one label: e1 is PERSON, e3 is GPE",
        E2_UNCHAINED,
    ]
    layer["chains"] = [_chain("c1", "أحمد خالد", "e1", "e1", "e3")]  # past a mention given twice too
    assert [str(p) for p in check_layer(layer, document, sentences, set(), "a.json")] == [
        "a.json: /chains/0/entities/1: entity e1 is already in chain c1 (an entity is in at most one chain)",
        "a.json: /chains/0: the mentions of a chain share one label: e1 is PERSON, e3 is GPE",
        E2_UNCHAINED,
    ]


def test_a_speaker_entity_in_no_chain_is_told_its_speaker_has_no_chain() -> None:
    document, sentences = _document()
    layer = _layer([_chain("c1", "بيروت", "e3")], ("c1", None, None))
    assert [str(p) for p in check_layer(layer, document, sentences, set(), "a.json")] == [
        "a.json: /quotes/0/speaker/chain: the speaker entity e1 is in no chain, so the speaker has no chain, not 'c1'",
        E2_UNCHAINED,
    ]


def test_a_pro_drop_speaker_right_after_the_first_quote_continues_its_chain() -> None:
    document, sentences = _document()
    layer = _layer([_chain("c1", "أحمد خالد", "e1", "e2")], ("c1", "c1", "c1"))
    layer["quotes"][1]["speaker"].update(kind="unknown", mention=None, entity=None)  # "وأضاف" with no name: still the minister
    assert check_layer(layer, document, sentences, set(), "a.json") == []
    layer["quotes"][1]["speaker"]["chain"] = None
    assert [str(p) for p in check_layer(layer, document, sentences, set(), "a.json")] == [
        "a.json: /quotes/2/speaker/chain: a speaker without an entity continues the previous quote's speaker chain (None), not 'c1'",
    ]


def test_a_pro_drop_speaker_right_after_the_first_quote_on_another_chain_is_told_the_first_quote_s_chain() -> None:
    document, sentences = _document()
    layer = _layer([_chain("c1", "أحمد خالد", "e1", "e2"), _chain("c2", "بيروت", "e3")], ("c1", "c2", None))
    layer["quotes"][1]["speaker"].update(kind="unknown", mention=None, entity=None)
    assert [str(p) for p in check_layer(layer, document, sentences, set(), "a.json")] == [
        "a.json: /quotes/1/speaker/chain: a speaker without an entity continues the previous quote's speaker chain ('c1'), not 'c2'",
    ]
