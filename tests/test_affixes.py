"""The tokenizer's affix regexes behind their guard find exactly spaCy's matches."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import pytest
import spacy
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

from spacy.lang.tokenizer_exceptions import URL_MATCH

from qawl.affixes import infix_regex, prefix_regex, suffix_regex, url_regex
from qawl.segment import affix_rules, blank_arabic
from tests.conftest import REPO

# letters, both digit sets, tatweel, diacritics, the punctuation and quote marks of real articles,
# Latin units and upper case (spaCy's unit and abbreviation rules follow a digit or two capitals)
ALPHABET = (
    "ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإؤئةى"
    "٠١٢٣٤٥٦٧٨٩0123456789ـًٌٍَُِّْ"
    ".,،؛:!؟?…;«»“”„\"'‘’()[]{}<>-–—/\\%$€£+*^=~&#_°²"
    "abkmgKMGUS"
)


def texts() -> list[str]:
    """Every word of the seed and the devset, and random strings of ALPHABET (a fixed seed: the same every run)."""
    files = [*REPO.glob("seeds/*.txt"), *REPO.glob("annotations/devset/*/*.txt")]
    words = sorted({word for file in files for word in file.read_text(encoding="utf-8").split()})
    rng = random.Random(20261203)
    return words + ["".join(rng.choices(ALPHABET, k=rng.randint(1, 10))) for _ in range(20_000)]


def spans(found: re.Match[str] | None) -> tuple[int, int] | None:
    return found.span() if found else None


KINDS: dict[str, tuple[Callable, Callable, Callable[[re.Pattern[str]], Callable[[str], object]]]] = {
    "prefix": (prefix_regex, compile_prefix_regex, lambda regex: lambda text: spans(regex.search(text))),
    "suffix": (suffix_regex, compile_suffix_regex, lambda regex: lambda text: spans(regex.search(text))),
    "infix": (infix_regex, compile_infix_regex, lambda regex: lambda text: [m.span() for m in regex.finditer(text)]),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_guarded_rules_of_the_tokenizer_find_spacys_matches(kind: str) -> None:
    ours, spacys, matches = KINDS[kind]
    rules = affix_rules(spacy.blank("ar"))[list(KINDS).index(kind)]
    guarded, plain = ours(rules), spacys(rules)
    # the guard is there (not spaCy's own regex), and a prefix is only looked for at the start
    assert guarded.pattern.startswith("^(?=[" if kind == "prefix" else "(?=[") and guarded.pattern != plain.pattern
    found, expected = matches(guarded), matches(plain)
    words = texts()
    differing = [word for word in words if found(word) != expected(word)]
    assert differing == []
    assert sum(bool(expected(word)) for word in words) > 3_000  # the rules match often: the comparison is not of Nones


def test_a_guard_keeps_each_rule_behind_its_own_lookbehind() -> None:
    rules = [r"(?<=[0-9])(?:km|كم)", r"\.\.+", "»"]
    regex = suffix_regex(rules)
    assert [spans(regex.search(text)) for text in ("5km", "akm", "5كم", "حكم", "نعم..", "نعم»")] == [(1, 3), None, (1, 3), None, (3, 5), (3, 4)]
    assert regex.pattern.count("(?<=[0-9])") == 2  # the rule's own and the guard's


@pytest.mark.parametrize("rules", [[r"\w+", "»"], ["a?b", "»"], [r"[^a]", "»"], ["(?=x)", "»"]])
def test_a_rule_whose_first_character_is_not_known_leaves_spacys_regex(rules: list[str]) -> None:
    assert suffix_regex(rules).pattern == compile_suffix_regex(rules).pattern
    assert infix_regex(rules).pattern == compile_infix_regex(rules).pattern


def test_the_guarded_tokenizer_survives_saving_and_loading() -> None:
    nlp = blank_arabic()
    again = spacy.blank("ar")
    again.tokenizer.from_bytes(nlp.tokenizer.to_bytes())
    assert again.tokenizer.suffix_search.__self__.pattern == nlp.tokenizer.suffix_search.__self__.pattern
    text = 'قال «الوزير»: إن 5كم من الطريق…" أُغلقت.'
    assert [t.text for t in again.tokenizer(text)] == [t.text for t in nlp.tokenizer(text)]


@pytest.mark.parametrize("kind", list(KINDS))
def test_rules_of_ranges_repeats_and_groups_keep_their_matches(kind: str) -> None:
    ours, spacys, matches = KINDS[kind]
    rules = [r"[a-c]z", r"(?<=[0-9])[x-y]", r"(?:[0-8]|d)+(?=e)", "(?<=z)(?:ab|yx)"]
    rng = random.Random(7)
    words = ["".join(rng.choices("abcdexyz0189", k=rng.randint(1, 6))) for _ in range(5_000)]
    found, expected = matches(ours(rules)), matches(spacys(rules))
    assert [word for word in words if found(word) != expected(word)] == []
    assert sum(bool(expected(word)) for word in words) > 200


def test_prefix_rules_with_an_alternative_not_at_the_start_are_looked_for_everywhere() -> None:
    rules = ["a|b", "c"]  # spaCy's "^a|b|^c": b is found anywhere
    regex = prefix_regex(rules)
    assert not regex.pattern.startswith("^")
    assert [spans(regex.search(text)) for text in ("xb", "ax", "xc", "cx")] == [(1, 2), (0, 1), None, (0, 1)]


URLS = [
    "www.example.com", "http://www.example.com/path?x=1#y", "https://موقع.مثال/صفحة", "user@mail.example.org", "192.168.1.1",
    "8.8.8.8", "127.0.0.1", "10.1.2.3", "a.bc", "a.b", "localhost", "http://localhost:8000", "user@host", "x://y", "موقع.كوم",
    "example.com:8080/api", "Example.COM", "1.2.3", "الحكومة", "...", "a..bc", "ftp://files.example.net/a.txt",
]


def test_the_url_pattern_behind_its_guard_matches_what_spacys_matches() -> None:
    regex = url_regex(URL_MATCH.__self__)
    assert regex.pattern != URL_MATCH.__self__.pattern and regex.pattern.startswith("(?u)(?=")
    words = [*URLS, *texts()]
    assert [word for word in words if spans(regex.match(word)) != spans(URL_MATCH(word))] == []
    assert sum(bool(URL_MATCH(word)) for word in URLS) == 9  # spaCy leaves out private addresses, one-letter domains, localhost


@pytest.mark.parametrize("pattern", ["(?:bz|cz)y", "a?zz", "(?:[xy]w)+z", "(?:ab){0,2}z", "q(?=b)"])
def test_a_required_character_guard_asks_only_what_every_match_has(pattern: str) -> None:
    plain = re.compile(pattern)
    regex = url_regex(plain)
    rng = random.Random(3)
    words = ["".join(rng.choices("abcqwxyz", k=rng.randint(1, 7))) for _ in range(5_000)]
    assert [word for word in words if spans(regex.match(word)) != spans(plain.match(word))] == []
    assert sum(bool(plain.match(word)) for word in words) >= 8


def test_the_tokenizer_gives_the_tokens_of_spacys_own_rules() -> None:
    """The guarded regexes, the guarded URL pattern and the whitespace special cases taken out, together: every
    token's text, offset, trailing space and norm are those of a tokenizer with spaCy's own regexes and special cases."""
    reference = spacy.blank("ar")
    prefixes, suffixes, infixes = affix_rules(reference)
    reference.tokenizer.prefix_search = compile_prefix_regex(prefixes).search
    reference.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    reference.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    rng = random.Random(11)
    spaces = [" ", "  ", "\n", "\n\n", "\t", " \n", "\xa0", "\r\n"]
    pieces = [*texts()[:3_000], ":)", "ق.م", "ب. م", "(ಠ_ಠ)", "https://example.com/news-today", "«نعم».", "C++"]
    documents = [
        "".join(rng.choice(pieces) + rng.choice(spaces) for _ in range(rng.randint(1, 60))) for _ in range(300)
    ] + [file.read_text(encoding="utf-8") for file in REPO.glob("seeds/*.txt")]
    ours = blank_arabic().tokenizer

    def tokens(tokenizer: object, text: str) -> list[tuple[str, int, str, str]]:
        return [(t.text, t.idx, t.whitespace_, t.norm_) for t in tokenizer(text)]

    assert [text for text in documents if tokens(ours, text) != tokens(reference.tokenizer, text)] == []
    assert not any(orth.isspace() and tokens == [{65: orth}] for orth, tokens in ours.rules.items())  # 65: ORTH
