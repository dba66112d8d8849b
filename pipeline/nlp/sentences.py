"""What a sentence is, once for the whole project: the events component cuts a parsed doc with
`doc_sentences`; the code that has only the text (the currency carry, year inference, the scorer's error
list) cuts it with `sentence_bounds`, `sentence_around` and `crosses_sentence`. Both read the same data:
the sentence-end marks of models/french.yaml (class `sentence-end`) and line breaks.

The rule, in words. A sentence ends
- at a line break (headings, datelines, table rows: news text breaks lines without a full stop);
- after a run of sentence-end marks ("." "!" "?" "…", "...") that a word follows, or after one mark closed
  by a bracket ("(… en 2019.)"; an ellipsis there ends a list: "(pâtes, pain…)");
- not after a full stop that the French tokenizer keeps inside a word, as the doc has it: abbreviations
  ("M.", "etc.", "janv."), initials ("S.A.", "J.-C."). A stop inside a figure ("1.5", "3,5") is no end
  either: a word does not follow it.
On a parsed doc the parser has the last word: a mark ends a sentence only where the parser also starts one
(it knows "M. X" from "X. Puis"), and a cut the parser makes without a mark is undone (it often cuts at an
unknown capitalised name). Presetting boundaries before the parser derails the small French model's parse,
so the doc is re-cut afterwards. On a doc without sentence starts (a blank pipeline) the marks alone decide,
as on text.

Written by hand: spaCy's sentencizer and senter cut at every mark or learn their own cuts; neither cuts at
line breaks nor lets the parser confirm a mark, nor works on plain text.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from spacy.tokens import Doc, Span

from . import lexicons

WORDS = "french.yaml"
# Characters looked at on each side of a span for its sentence: a sentence of news runs well under this
# (a long one is ~300 characters); a text without marks (a list, a table cell run together) is not read whole.
REACH = 600
LONGEST_WORD = 40  # characters looked back for the word a full stop may belong to ("etc.", "S.A.")
OPENERS = "([«\"'“‘"  # split off a word's start by the tokenizer: "(M." is "(" + "M."
CLOSERS = ")"  # a closing bracket right after the marks belongs to the sentence they end
ELLIPSIS = "…"  # inside brackets, an unfinished list ("(pâtes, pain…)"), not a sentence's end


@lru_cache(maxsize=None)
def end_marks(words: str = WORDS) -> frozenset[str]:
    """The characters that end a sentence (models/french.yaml, class `sentence-end`).

    >>> sorted(end_marks())
    ['!', '.', '?', '…']
    """
    rows = lexicons.require_ids(lexicons.load(words)["classes"], f"{words} classes")
    return frozenset(str(w) for row in rows if row["id"] == "sentence-end" for w in row["words"])


@lru_cache(maxsize=None)
def _break(words: str = WORDS) -> re.Pattern:
    """A line break, or a run of marks that whitespace follows, or one mark and a bracket."""
    marks = "".join(re.escape(m) for m in sorted(end_marks(words)))
    aside = "".join(re.escape(m) for m in sorted(_aside_marks(words)))
    return re.compile(rf"(?P<marks>[{marks}]+)(?=\s)|(?<![{marks}])(?P<aside>[{aside}])[{re.escape(CLOSERS)}](?=\s)|\n")


def _aside_marks(words: str = WORDS) -> frozenset[str]:
    return end_marks(words) - {ELLIPSIS}


@lru_cache(maxsize=None)
def _tokenizer():
    """spaCy's French tokenizer, built from the language's defaults (a tenth of the time spacy.blank("fr")
    takes: no lookup tables; only the splits matter here)."""
    from .french_tokenizer import import_french
    import_french()  # spaCy's French data without its slow compile
    from spacy.lang.fr import French
    from spacy.tokenizer import Tokenizer
    from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex
    from spacy.vocab import Vocab

    lang = French.Defaults
    return Tokenizer(Vocab(), rules=lang.tokenizer_exceptions, prefix_search=compile_prefix_regex(lang.prefixes).search,
                     suffix_search=compile_suffix_regex(lang.suffixes).search,
                     infix_finditer=compile_infix_regex(lang.infixes).finditer, token_match=lang.token_match,
                     url_match=lang.url_match)


@lru_cache(maxsize=4096)
def _kept_whole(word: str) -> bool:
    """The French tokenizer keeps the full stop after `word` inside a word of letters, as a doc has it: an
    abbreviation of its exceptions ("M.", "etc.", "janv."), initials ("S.A.", "J.-C."). A stop glued to a
    sign ("M€.") is no such word: the money component splits it off.

    >>> [w for w in ["M", "etc", "S.A", "Dupont", "IBM", "1.5", "M€"] if _kept_whole(w)]
    ['M', 'etc', 'S.A']
    """
    if not word:
        return False
    last = _tokenizer()(word + ".")[-1].text
    return last != "." and last.replace(".", "").replace("-", "").isalpha()


def _word_before(text: str, offset: int) -> str:
    """The characters between the last whitespace before `offset` and `offset`."""
    before = text[max(0, offset - LONGEST_WORD):offset]
    return before.split()[-1].lstrip(OPENERS) if before and not before[-1].isspace() else ""


def sentence_ends(text: str, start: int = 0, end: int | None = None, words: str = WORDS) -> Iterator[int]:
    """Offsets in text[start:end] where a sentence ends: just after its marks (the whitespace after them
    is the next sentence's) or after its line break; a stop at the end of a line gives both (nothing lies
    between them).

    >>> text = "M. Ladrec lève 5 M€. Puis 4 millions.\\nFin"
    >>> [text[:i][-6:] for i in sentence_ends(text)]
    [' 5 M€.', 'lions.', 'ions.\\n']
    """
    end = len(text) if end is None else end
    for match in _break(words).finditer(text, start, end):
        if (match.group("marks") or match.group("aside")) == "." and _kept_whole(_word_before(text, match.start())):
            continue
        yield match.end()


def sentence_bounds(text: str, start: int, end: int, words: str = WORDS) -> tuple[int, int]:
    """(first, last) character offsets of the sentence holding text[start:end], its end marks included,
    looking at most REACH characters away.

    >>> text = "Titre\\nAirbus vend. M. Dupont achète 5 %. Fin"
    >>> first, last = sentence_bounds(text, 36, 39)
    >>> text[first:last]
    ' M. Dupont achète 5 %.'
    """
    low = max(0, start - REACH)
    first = max(sentence_ends(text, low, start, words), default=low)
    last = next(sentence_ends(text, end, min(len(text), end + REACH), words), None)
    return first, min(len(text), end + REACH) if last is None else last


def sentence_around(text: str, start: int, end: int, words: str = WORDS) -> str:
    """The sentence holding text[start:end], as it is written.

    >>> sentence_around("Il lève 5 millions (en 2019.) Puis 4 millions.", 35, 45)
    ' Puis 4 millions.'
    """
    first, last = sentence_bounds(text, start, end, words)
    return text[first:last]


def crosses_sentence(text: str, start: int, end: int, words: str = WORDS) -> bool:
    """Whether a sentence ends between start and end.

    >>> crosses_sentence("5 millions de dollars. Puis 4 millions", 0, 28)
    True
    >>> crosses_sentence("M. Dupont lève 5 millions de dollars, contre 4 millions", 0, 50)
    False
    """
    return next(sentence_ends(text, start, end, words), None) is not None


def text_sentences(text: str, words: str = WORDS) -> list[tuple[int, int]]:
    """(start, end) of every sentence of a text, by the rule above, without surrounding whitespace.

    >>> text = "Titre\\nX lève 1,5 M€... Y, etc. rachète Z.\\n"
    >>> [text[a:b] for a, b in text_sentences(text)]
    ['Titre', 'X lève 1,5 M€...', 'Y, etc. rachète Z.']
    """
    cuts = [0, *sentence_ends(text, 0, len(text), words), len(text)]
    spans = []
    for first, last in zip(cuts, cuts[1:]):
        piece = text[first:last]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((first + lead, first + len(piece.rstrip())))
    return spans


def doc_sentences(doc: Doc, words: str = WORDS) -> Iterator[Span]:
    """The doc's sentences by the rule above: the parser's sentences cut again at line breaks and joined
    again where the parser cut without a mark. A whitespace token never starts one."""
    marks, aside = end_marks(words), _aside_marks(words)
    parsed = doc.has_annotation("SENT_START")

    def closes(token) -> bool:
        return bool(token.text) and all(c in marks for c in token.text)

    start = 0
    for token in doc[1:]:
        previous = doc[token.i - 1]
        line_break = "\n" in previous.text or "\n" in previous.whitespace_
        closed = closes(previous) or (previous.text in CLOSERS and token.i >= 2 and doc[token.i - 2].text in aside)
        starts = token.is_sent_start if parsed else bool(previous.whitespace_)
        if (line_break or (closed and starts)) and not token.is_space:
            yield doc[start:token.i]
            start = token.i
    if start < len(doc):
        yield doc[start:len(doc)]
