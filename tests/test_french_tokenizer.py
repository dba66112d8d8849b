"""The grouped French TOKEN_MATCH accepts exactly the strings spaCy's own pattern accepts."""
import random
import re
from pathlib import Path

import pytest

from fr_finance.nlp.french_tokenizer import grouped_alternation, import_french, token_match_pattern

try:
    from re import _constants as sre, _parser as sre_parse  # Python 3.11+
except ImportError:  # pragma: no cover
    import sre_constants as sre
    import sre_parse

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def alternatives():
    import_french()
    from spacy.lang.fr import tokenizer_exceptions

    return tokenizer_exceptions._regular_exp


def sample(pattern: str, rng: random.Random) -> str:
    """A random string the (flag-free) pattern matches: a member of each class, a branch, a repeat count."""
    def walk(items) -> str:
        out = []
        for op, av in items:
            if op is sre.LITERAL:
                out.append(chr(av))
            elif op is sre.IN:
                out.append(member(av))
            elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
                low, high, sub = av
                out.extend(walk(sub) for _ in range(rng.randint(low, min(high, low + 3))))
            elif op is sre.SUBPATTERN:
                out.append(walk(av[-1]))
            elif op is sre.BRANCH:
                out.append(walk(rng.choice(av[1])))
            elif op is not sre.AT:
                raise AssertionError(f"unexpected {op} in {pattern}")
        return "".join(out)

    def member(items) -> str:
        op, av = rng.choice(items)
        if op is sre.LITERAL:
            return chr(av)
        assert op is sre.RANGE, op
        return chr(rng.randint(*av))

    return walk(sre_parse.parse(pattern))


def variants(text: str) -> list[str]:
    """The string and near misses: case changes, one character less or more, a space for the hyphen."""
    return [text, text.upper(), text.title(), text[1:], text[:-1], text + "!", "x" + text,
            text.replace("-", " "), text.replace("-", "--"), text + "\n", text.replace("'", "")]


def test_grouping_merges_the_alternatives(alternatives):
    grouped = grouped_alternation(alternatives)
    assert len(grouped) < 10 < len(alternatives)
    assert len(token_match_pattern(grouped)) < len(token_match_pattern(alternatives)) / 50


@pytest.mark.integration  # compiles spaCy's original pattern: ~5 s
def test_same_strings_match(alternatives):
    original = re.compile(token_match_pattern(alternatives)).match
    grouped = re.compile(token_match_pattern(grouped_alternation(alternatives))).match
    rng = random.Random(7)
    texts = [sample(alternative, rng) for alternative in alternatives for _ in range(6)]
    texts += [word for path in SEEDS.glob("*.txt") for word in path.read_text(encoding="utf-8").split()]
    texts += ["porte-monnaie", "entr'ouvert", "sous-traitant", "après-demain", "Saint-Étienne", "c'est-à-dire",
              "franco-allemand", "grand-mère", "re-lancer", "vis-à-vis", "-", "'", ""]
    candidates = {variant for text in texts for variant in variants(text)}
    matched = [text for text in candidates if original(text)]
    assert len(matched) > 1000  # the samples do reach the pattern
    assert [text for text in candidates if bool(original(text)) != bool(grouped(text))] == []
