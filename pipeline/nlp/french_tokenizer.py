"""spaCy's French language data, imported without its slow regex compile.

`spacy.lang.fr.tokenizer_exceptions` builds TOKEN_MATCH (hyphenated and elided words kept whole,
"porte-monnaie", "entr'ouvert") as one alternation of 266 patterns that repeat the same huge Unicode
letter classes 480 times: compiling it takes 4-5 s, the larger part of loading the pipeline. Grouped by
what follows the varying part ("(?:^aéro-|^anti-|...)[a-z…][-a-z…'’]*$"), the same language compiles in a
fraction of a second. spaCy only tests whether TOKEN_MATCH matches, and a grouped alternation matches
exactly the strings one of its members matches, so tokenization is unchanged (tests/test_french_tokenizer.py
compares both on many words).

Written by hand: spaCy offers no hook to replace a language's token_match before its module compiles it.
"""
from __future__ import annotations

import re
import sys
from collections import defaultdict
from contextlib import contextmanager
from typing import Iterator

MODULE = "spacy.lang.fr.tokenizer_exceptions"
# A long character class (spaCy's ALPHA, ALPHA_LOWER and classes built on them) with its quantifier.
BIG_CLASS = re.compile(r"(\[[^\[\]]{64,}\](?:[*+?]|\{\d*,?\d*\})?)")


def grouped_alternation(alternatives: list[str]) -> list[str]:
    """The same alternatives, those that differ in one stretch between big classes merged into one:
    ["^ab[L]+$", "^cd[L]+$"] → ["^(?:ab|cd)[L]+$"] (with [L] a big class).

    >>> L = "[" + "a-z" * 30 + "]"
    >>> grouped_alternation(["^ab" + L + "+$", "^cd" + L + "+$", "^x" + L]) == ["(?:^ab|^cd)" + L + "+$", "(?:^x)" + L]
    True
    """
    groups: dict[tuple, list[str]] = defaultdict(list)
    for alternative in alternatives:
        units = BIG_CLASS.split(alternative)  # plain stretches at even indexes, big classes at odd ones
        free = max(range(0, len(units), 2), key=lambda i: len(units[i]))  # the stretch that varies most
        groups[tuple(units[:free]), tuple(units[free + 1:])].append(units[free])
    return ["".join(before) + "(?:" + "|".join(stretches) + ")" + "".join(after)
            for (before, after), stretches in groups.items()]


def token_match_pattern(alternatives: list[str]) -> str:
    """spaCy's own construction (tokenizer_exceptions.py, last lines)."""
    return "(?iu)" + "|".join("(?:{})".format(m) for m in alternatives)


@contextmanager
def _grouped_token_match() -> Iterator[None]:
    """While spacy.lang.fr imports, compile its TOKEN_MATCH from the grouped alternatives. Any other
    pattern, or a spaCy whose pattern is built differently, compiles as usual."""
    compile_ = re.compile

    def compile_grouped(pattern, flags=0):
        alternatives = getattr(sys.modules.get(MODULE), "_regular_exp", None)
        if alternatives and pattern == token_match_pattern(alternatives):
            pattern = token_match_pattern(grouped_alternation(alternatives))
        return compile_(pattern, flags)

    re.compile = compile_grouped
    try:
        yield
    finally:
        re.compile = compile_


def grouped_token_match():
    """spaCy's French TOKEN_MATCH built from the grouped alternatives (the one import_french installs)."""
    from spacy.lang.fr import tokenizer_exceptions as data

    pattern = token_match_pattern(grouped_alternation(data._regular_exp))
    if data.TOKEN_MATCH.__self__.pattern == pattern:
        return data.TOKEN_MATCH
    return re.compile(pattern).match


def import_french() -> None:
    """Import spacy.lang.fr (once per process) with the fast TOKEN_MATCH."""
    if MODULE in sys.modules:
        return
    with _grouped_token_match():
        import spacy.lang.fr  # noqa: F401
