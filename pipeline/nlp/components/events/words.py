"""Closed-class French words (models/french.yaml) and the component's named settings (models/config.cfg)."""
from __future__ import annotations

from dataclasses import dataclass

from ... import lexicons


def plain(word: str) -> str:
    """A word as the word lists hold it: lower case, plain apostrophe.

    >>> plain("D’")
    "d'"
    """
    return word.lower().replace("’", "'")


class Words:
    """The word classes of models/french.yaml by id: `words["determiner"]` is a set of plain words;
    `words.has("determiner", token)` tests a token (or a string) as written."""

    def __init__(self, name: str = "french.yaml"):
        data = lexicons.load(name)
        rows = lexicons.require_ids(data["classes"], f"{name} classes")
        self.classes = {row["id"]: frozenset(plain(str(w)) for w in row["words"]) for row in rows}

    def __getitem__(self, class_id: str) -> frozenset[str]:
        return self.classes[class_id]

    def has(self, class_id: str, token) -> bool:
        text = token if isinstance(token, str) else token.text
        return plain(text) in self.classes[class_id]


@dataclass(frozen=True)
class Settings:
    """Token and character windows, named in models/config.cfg ([components.fr_events])."""
    max_gap: int = 8            # words between a role word and its name ("par le leader du commerce X")
    description_reach: int = 14  # the same, when those words are a plain description in lower case
    headline_zone: int = 400    # characters: where a text's title and subtitle stand
    verb_noun_gap: int = 3      # "a bouclé un tour de table": a noun this close after its verb is one fact
    aside_reach: int = 20       # the longest aside between a name and its verb (", issue de l'Université X,")
    negation_reach: int = 4     # words before a trigger where a negation or possibility counts
    date_reach: int = 8         # words before a trigger where the fact's date may stand
    conversion_reach: int = 4   # words before "soit"/"(" where the converted amount stands
    count_reach: int = 6        # words around an amount where a count of deals makes it a sum ("en quatre opérations")
