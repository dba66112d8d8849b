"""Text repair before NLP: mojibake, lost elision apostrophes, Unicode NFC.

`repair(text)` returns the repaired text and what changed, as FORMAT.md's `repairs` list.
Clean text comes back unchanged (curly quotes included) with `[]`.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Callable, Iterable

import ftfy
import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-windows-125x codecs)
import ftfy.badness
import ftfy.chardata

Repairs = list[dict]

# ftfy does the well-understood part: whole-text mojibake, HTML entities in plain text, control
# characters. We keep quotes, ligatures and full-width forms as they are: they are not errors.
FTFY_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    fix_line_breaks=False,
    normalization=None,
    explain=False,
)

# Legacy single-byte codecs that UTF-8 is commonly misread as (Western and Central European).
MOJIBAKE_CODECS = ("sloppy-windows-1252", "sloppy-windows-1250")


def _chars(codec: str, first: int, last: int) -> str:
    return "".join(bytes([b]).decode(codec) for b in range(first, last + 1))


@lru_cache(maxsize=None)
def _mojibake_pattern(codec: str) -> re.Pattern:
    """UTF-8 byte sequences (lead byte + continuation bytes) as they look when decoded with `codec`.

    Written by hand because ftfy decides per text, and gives up on text where mojibake is mixed with
    correct accented letters (what a partly re-encoded page looks like).
    """
    lead2 = re.escape(_chars(codec, 0xC2, 0xDF))
    lead3 = re.escape(_chars(codec, 0xE0, 0xEF))
    cont = re.escape(_chars(codec, 0x80, 0xBF))
    # A no-break space (byte A0) often ends up as a plain space, merged with the word space or
    # beside it: "Ă l’" and "Ă  l’" were both "à l’".
    return re.compile(f"[{lead3}][{cont}]{{2}}|[{lead2}](?:[{cont}]| {{1,2}}(?=\\S))")


def _decode_sequence(seq: str, codec: str) -> str | None:
    """The character a misread UTF-8 sequence stood for, or None if it is not one.

    >>> _decode_sequence("Ă©", "sloppy-windows-1250")
    'é'
    >>> _decode_sequence("Ã©", "sloppy-windows-1252")
    'é'
    >>> _decode_sequence("â€™", "sloppy-windows-1252")
    '’'
    >>> _decode_sequence("É»", "sloppy-windows-1252") is None  # a real "É" before a quote
    True
    """
    raw = seq[0] + "\xa0" if seq[1:2] == " " else seq
    try:
        char = raw.encode(codec).decode("utf-8")
    except UnicodeError:
        return None
    # Accept only what French text plausibly contains: Latin letters and signs, typographic
    # punctuation, currency symbols. This keeps "É" + "»" (or a Greek/Cyrillic result) as it was.
    code = ord(char)
    if 0xA0 <= code <= 0x17F or 0x2010 <= code <= 0x203A or code in (0x20AC, 0x2122):
        if seq.endswith(" ") and char != "\xa0":
            return char + " "
        return char
    return None


def fix_mixed_mojibake(text: str) -> tuple[str, int]:
    """Repair misread UTF-8 sequences one by one, for text where they sit beside correct letters.

    >>> fix_mixed_mojibake("la stratĂ©gie de lâ€™entreprise, déjà Ă l’œuvre")
    ('la stratégie de l’entreprise, déjà à l’œuvre', 3)
    >>> fix_mixed_mojibake("Élan « ÉTÉ » à Paris")
    ('Élan « ÉTÉ » à Paris', 0)
    """
    count = 0
    for codec in MOJIBAKE_CODECS:
        def replace(match: re.Match) -> str:
            nonlocal count
            fixed = _decode_sequence(match.group(), codec)
            if fixed is None:
                return match.group()
            count += 1
            return fixed

        text = _mojibake_pattern(codec).sub(replace, text)
    return text, count


def fix_mojibake(text: str) -> tuple[str, int]:
    """ftfy first, then the sequence-level fallback; the count is the number of misread
    characters repaired (one per UTF-8 sequence)."""
    before = _count_mojibake(text)
    if before == 0 and (text.isascii() or not _ftfy_may_change(text)):
        return text, 0
    text = ftfy.fix_text(text, FTFY_CONFIG)
    text, _ = fix_mixed_mojibake(text)
    return text, before - _count_mojibake(text)


# What ftfy's steps other than mojibake detection act on, in FTFY_CONFIG: HTML entities, terminal
# escapes, C1 controls, surrogates, control characters.
FTFY_TARGETS = re.compile("[&\x1b\x80-\x9f\ud800-\udfff"
                          + "".join(re.escape(chr(c)) for c in ftfy.chardata.CONTROL_CHARS) + "]")
FTFY_SEGMENT = re.compile(r"[^\n]*\n|[^\n]+")  # ftfy fixes a text line by line


def _ftfy_may_change(text: str) -> bool:
    """False when ftfy.fix_text(text, FTFY_CONFIG) would return `text` as it is: nothing its steps act on
    and no line that its mojibake test (badness.is_bad, what it checks first) flags. Running ftfy on
    every clean news text cost ~2 ms a document, most of the repair time.

    >>> _ftfy_may_change("Le groupe a levé 3 M€ à Paris."), _ftfy_may_change("la stratÃ©gie")
    (False, True)
    """
    if FTFY_TARGETS.search(text) or len(text) > FTFY_CONFIG.max_decode_length:
        return True
    return any(ftfy.badness.is_bad(line) for line in FTFY_SEGMENT.findall(text))


def _count_mojibake(text: str) -> int:
    return fix_mixed_mojibake(text)[1]


# Elision: l', d', j', m', n', s', t', c', qu', jusqu', lorsqu', puisqu' before a vowel or h.
ELIDED = r"(?:[LlDdJjMmNnSsTtCc]|[Qq]u|[Jj]usqu|[Ll]orsqu|[Pp]uisqu)"
VOWEL_START = "AEIOUYHÀÂÉÈÊËÎÏÔÛÙÜŒaeiouyhàâéèêëîïôûùüœ"
LOST_ELISION = re.compile(rf"\b({ELIDED})([{VOWEL_START}][\w-]*)")
CLAUSE_START = re.compile(r"(?:^|[.!?:;«\"(\n•–-])\s*$")


def restore_elisions(text: str, is_word: Callable[[str], bool] | None = None) -> tuple[str, int]:
    """Put back the apostrophe of elisions that lost it ("Laccord" → "L'accord").

    Two cases are restored:
    - a lower-case elided letter glued to a capitalised name ("dAnthropic", "lIA");
    - a word unknown to the lexicon whose remainder is a known word ("linvestissement"),
      which needs `is_word`; real words ("Lancement", "dossier", "lest") are left alone.

    >>> known = {"accord", "investissement", "lancement", "dossier"}.__contains__
    >>> restore_elisions("Laccord sur linvestissement de dAnthropic", known)
    ("L'accord sur l'investissement de d'Anthropic", 3)
    >>> restore_elisions("Lancement du dossier Salesforce", known)
    ('Lancement du dossier Salesforce', 0)
    >>> restore_elisions("Il code avec Node. Laccord suit.", {"code", "ode", "accord"}.__contains__)
    ("Il code avec Node. L'accord suit.", 1)
    """
    count = 0
    apostrophe = "’" if text.count("’") > text.count("'") else "'"  # the document's own style

    def replace(match: re.Match) -> str:
        nonlocal count
        elided, rest = match.groups()
        # A capital elided letter ("Laccord") is only plausible where a clause starts; elsewhere the
        # capital marks a name ("Node", "Daniel").
        if elided[0].isupper() and not CLAUSE_START.search(text[max(0, match.start() - 3):match.start()]):
            return match.group()
        if _is_lost_elision(elided, rest, is_word):
            count += 1
            return f"{elided}{apostrophe}{rest}"
        return match.group()

    return LOST_ELISION.sub(replace, text), count


def _is_lost_elision(elided: str, rest: str, is_word: Callable[[str], bool] | None) -> bool:
    if len(rest) < 2:
        return False
    if elided[-1].islower() and rest[0].isupper():
        # "dAnthropic", "lIA", but not an all-caps acronym ("SAAS") nor camel case ("eBay": e is not elided)
        return not (elided.isupper())
    if is_word is None or not rest.islower():
        return False
    return not is_word((elided + rest).lower()) and is_word(rest)


def repair(text: str, is_word: Callable[[str], bool] | None = None) -> tuple[str, Repairs]:
    """Repair `text`; return it with one `{"kind", "count"}` entry per kind of change.

    >>> repair("Le « Plan » d’Airbus")
    ('Le « Plan » d’Airbus', [])
    """
    repairs: Repairs = []
    text, count = fix_mojibake(text)
    _note(repairs, "mojibake", count)
    text, count = restore_elisions(text, is_word)
    _note(repairs, "elision", count)
    normalised = unicodedata.normalize("NFC", text)
    if normalised != text:
        _note(repairs, "unicode_nfc", sum(1 for a, b in zip(text, normalised) if a != b) or 1)
        text = normalised
    return text, repairs


def _note(repairs: Repairs, kind: str, count: int) -> None:
    if count:
        repairs.append({"kind": kind, "count": count})


def word_checker(words: Iterable[str]) -> Callable[[str], bool]:
    """A fast membership test over a lower-cased vocabulary."""
    vocabulary = frozenset(w.lower() for w in words)
    return vocabulary.__contains__
