"""spaCy's tokenizer affix rules compiled into regexes that find the same matches, faster.

spaCy joins a language's prefix, suffix and infix rules into one alternation each
(`spacy.util.compile_*_regex`). Python's `re` tries every alternative at every position
of a word, and most positions of an Arabic word start none: that was half of tokenizing
new text. Here the alternation sits behind a zero-width guard, the characters one of
the rules can start with (after the rule's leading lookbehind), so most positions are
turned away by one character-class test. The guard only holds where some rule may
match, so the matches are spaCy's own (tests/test_affixes.py compares them). A rule
whose first character cannot be worked out leaves spaCy's expression as it is.
"""

from __future__ import annotations

import re

# `re`'s own parser: the only exact reading of a rule's first character. Private, so
# every failure to read it falls back to spaCy's expression.
from re import _constants as sre, _parser as sre_parser  # type: ignore[attr-defined]

from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

_GLOBAL_FLAGS = re.compile(r"(?:\(\?[aiLmsux]+\))*")
_ZERO_WIDTH = (sre.ASSERT, sre.ASSERT_NOT, sre.AT)
_REPEATS = tuple(getattr(sre, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") if hasattr(sre, name))


def prefix_regex(rules: list[str]) -> re.Pattern[str]:
    """`spacy.util.compile_prefix_regex(rules)`, behind the guard."""
    return _guarded(compile_prefix_regex(rules), rules)


def suffix_regex(rules: list[str]) -> re.Pattern[str]:
    """`spacy.util.compile_suffix_regex(rules)`, behind the guard."""
    return _guarded(compile_suffix_regex(rules), rules)


def infix_regex(rules: list[str]) -> re.Pattern[str]:
    """`spacy.util.compile_infix_regex(rules)`, behind the guard."""
    return _guarded(compile_infix_regex(rules), rules)


def url_regex(url_match: re.Pattern[str]) -> re.Pattern[str]:
    """spaCy's URL pattern (used with `match`) behind a lookahead for a character every match of it has (the `.`
    of a host name or an IP address): most words have none, and the pattern backtracks through a word to fail."""
    flags = _GLOBAL_FLAGS.match(url_match.pattern).group()  # they must stay first
    try:
        required = _required_characters(list(sre_parser.parse(url_match.pattern)))
    except (re.error, AttributeError, TypeError, ValueError):
        return url_match
    if not required:
        return url_match
    char = re.escape(chr(min(required)))
    return re.compile(f"{flags}(?=[^{char}]*{char})(?:{url_match.pattern[len(flags):]})", url_match.flags)


def _guarded(expression: re.Pattern[str], rules: list[str]) -> re.Pattern[str]:
    """spaCy's expression of `rules` behind a lookahead that holds wherever one of them can start a match, and after
    a `^` when each of its alternatives opens with one (prefixes): `re` then tries the start of a word only."""
    guard = _guard([rule for rule in rules if rule.strip()])  # spaCy drops blank rules
    if guard is None:
        return expression
    anchor = "^" if _anchored_at_start(expression.pattern) else ""
    return re.compile(anchor + guard + "(?:" + expression.pattern + ")")


def _anchored_at_start(pattern: str) -> bool:
    """Does every alternative of `pattern` open with `^` (so that it can only match at the start)?"""
    items = list(sre_parser.parse(pattern))
    if items and items[0] == (sre.AT, sre.AT_BEGINNING):  # the parser takes a prefix common to all alternatives out
        return True
    return bool(items) and items[0][0] is sre.BRANCH and all(branch and branch[0] == (sre.AT, sre.AT_BEGINNING) for branch in items[0][1][1])


def _guard(rules: list[str]) -> str | None:
    """The characters a match of one of `rules` can start with, each set after its rules' leading lookbehind,
    as a lookahead; None if a rule's start is not known."""
    first_by_lookbehind: dict[str, set[int]] = {}
    for rule in rules:
        try:
            items = list(sre_parser.parse(rule))
        except (re.error, AttributeError, TypeError, ValueError):
            return None
        first = _first_characters(items)
        if first is None:
            return None
        first_by_lookbehind.setdefault(_leading_lookbehind(rule, items), set()).update(first)
    every = set().union(*first_by_lookbehind.values())
    alternatives = [f"(?={_character_class(first)}){lookbehind}" for lookbehind, first in first_by_lookbehind.items()]
    return f"(?={_character_class(every)})(?:" + "|".join(alternatives) + ")"


def _first_characters(items: list[tuple]) -> set[int] | None:
    """Code points that can be the first character a parsed rule consumes; None if unknown (or if it may consume none)."""
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue  # a lookaround or anchor only narrows where the next item matches
        if op is sre.LITERAL:
            return {av}
        if op is sre.IN:
            return _class_members(av)
        if op is sre.SUBPATTERN:
            return _first_characters(list(av[-1]))
        if op is sre.BRANCH:
            found: set[int] = set()
            for branch in av[1]:
                first = _first_characters(list(branch))
                if first is None:
                    return None
                found |= first
            return found
        if op in _REPEATS and av[0] >= 1:
            return _first_characters(list(av[2]))
        return None
    return None


def _required_characters(items: list[tuple]) -> set[int]:
    """Code points of which every match of a parsed pattern holds at least one occurrence (sound, not complete:
    what it cannot tell, it leaves out)."""
    required: set[int] = set()
    for op, av in items:
        if op is sre.LITERAL:
            required.add(av)
        elif op is sre.SUBPATTERN:
            required |= _required_characters(list(av[-1]))
        elif op is sre.BRANCH:
            required |= set.intersection(*(_required_characters(list(branch)) for branch in av[1]))
        elif op in _REPEATS and av[0] >= 1:
            required |= _required_characters(list(av[2]))
    return required


def _class_members(members: list[tuple]) -> set[int] | None:
    """The code points of a character class of literals and ranges; None for categories and negations."""
    found: set[int] = set()
    for op, av in members:
        if op is sre.LITERAL:
            found.add(av)
        elif op is sre.RANGE:
            found.update(range(av[0], av[1] + 1))
        else:
            return None
    return found


def _leading_lookbehind(rule: str, items: list[tuple]) -> str:
    """The rule's leading lookbehind as written (`(?<=[0-9])`), '' if it has none."""
    if not (items and items[0][0] is sre.ASSERT and items[0][1][0] == -1 and rule.startswith("(?<=")):
        return ""
    # the shortest prefix of the rule that parses is its first group
    for end in (i + 1 for i, char in enumerate(rule) if char == ")"):
        try:
            sre_parser.parse(rule[:end])
        except re.error:
            continue
        return rule[:end]
    return ""


def _character_class(code_points: set[int]) -> str:
    """A character class of exactly these code points, as ranges of escapes."""
    runs: list[list[int]] = []
    for point in sorted(code_points):
        if runs and point == runs[-1][1] + 1:
            runs[-1][1] = point
        else:
            runs.append([point, point])
    return "[" + "".join(rf"\U{a:08x}" + (rf"-\U{b:08x}" if b > a else "") for a, b in runs) + "]"
