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
FTFY_EXPLAIN = FTFY_CONFIG._replace(explain=True)  # which steps ftfy applied, for the `repairs` counts

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
    text, counts = fix_text(text)
    return text, counts.get("mojibake", 0)


# What ftfy's other steps act on, counted in the text they are applied to: one `repairs` kind each.
FTFY_STEP_KINDS = {
    "unescape_html": ("html_entity", re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")),
    "remove_terminal_escapes": ("terminal_escape", re.compile("\x1b\\[[0-9;]*[A-Za-z]")),
    "remove_control_chars": ("control_char", re.compile(
        "[" + "".join(re.escape(chr(c)) for c in ftfy.chardata.CONTROL_CHARS) + "]")),
    "fix_surrogates": ("surrogate", re.compile("[\ud800-\udfff]")),
}
C1_CONTROLS = re.compile("[\x80-\x9f]")


def fix_text(text: str) -> tuple[str, dict[str, int]]:
    """What fix_mojibake does, with a count for every kind of change ftfy makes: `mojibake`, and
    `html_entity`, `terminal_escape`, `control_char`, `surrogate`, `windows_control` (C1 control characters,
    read as the Windows-1252 characters they stand for: U+0085 → "…").

    >>> fix_text("x &lt;b&gt; \\x07 y")
    ('x <b>  y', {'html_entity': 2, 'control_char': 1})

    Run again until nothing changes (at most FIX_ROUNDS times), so that repairing twice changes nothing: one
    fix can reveal another ("á\\x80\\x80": the C1 controls read as "€€" make the mojibake of "က").
    """
    counts: dict[str, int] = {}
    for _ in range(FIX_ROUNDS):
        fixed, found = _fix_text_once(text)
        if fixed == text:
            break
        text = fixed
        for kind, count in found.items():
            counts[kind] = counts.get(kind, 0) + count
    return text, counts


FIX_ROUNDS = 3


def _fix_text_once(text: str) -> tuple[str, dict[str, int]]:
    before = _count_mojibake(text)
    if before == 0 and not _ftfy_may_change(text):
        return text, {}
    counts: dict[str, int] = {}
    fixed = ftfy.fix_and_explain(text, FTFY_EXPLAIN)
    for action, step in fixed.explanation or []:
        if action == "apply" and step in FTFY_STEP_KINDS:
            kind, pattern = FTFY_STEP_KINDS[step]
            counts[kind] = counts.get(kind, 0) + max(1, len(pattern.findall(text)))
    original = text
    c1 = len(C1_CONTROLS.findall(text)) - len(C1_CONTROLS.findall(fixed.text))
    transcoded = any(action in ("encode", "decode", "transcode") for action, _ in fixed.explanation or [])
    text, _ = fix_mixed_mojibake(fixed.text)
    if text == original:
        return text, {}  # ftfy tried a step that changed nothing ("\x8d" has no Windows-1252 reading)
    mojibake = before - _count_mojibake(text)
    if mojibake <= 0 and c1 > 0:
        counts["windows_control"] = c1
    elif mojibake <= 0 and transcoded:
        # ftfy read a sequence our count does not know ("Æ¤" → "Ƥ"): at least one, else the bytes saved
        mojibake = max(1, len(original) - len(text))
    if mojibake > 0:
        counts["mojibake"] = mojibake
    if text != original and not counts:
        counts["other"] = 1  # a change of ftfy's that none of the kinds above describes
    return text, counts


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
    if text.isascii():
        return False
    return any(ftfy.badness.is_bad(line) for line in FTFY_SEGMENT.findall(text))


def _count_mojibake(text: str) -> int:
    return fix_mixed_mojibake(text)[1]


# Elision: l', d', j', m', n', s', t', c', qu', jusqu', lorsqu', puisqu' before a vowel or h.
ELIDED = r"(?:[LlDdJjMmNnSsTtCc]|[Qq]u|[Jj]usqu|[Ll]orsqu|[Pp]uisqu)"
VOWEL_START = "AEIOUYHÀÂÉÈÊËÎÏÔÛÙÜŒaeiouyhàâéèêëîïôûùüœ"
LOST_ELISION = re.compile(rf"\b({ELIDED})([{VOWEL_START}][\w-]*)")
CLAUSE_START = re.compile(r"(?:^|[.!?:;«\"(\n•–-])\s*$")


# Elisions a clause can start with in news prose: articles, "de", "que", "ce" and the conjunctions. The
# pronoun and negation elisions (j', m', n', s', t') come before a verb, almost never at the start of a
# clause in news prose, while names are often read that way ("Thales" as "T" + "hales").
CLAUSE_ELIDED = re.compile(r"(?:[LDC]|Qu|Jusqu|Lorsqu|Puisqu)")


def restore_elisions(text: str, is_word: Callable[[str], bool] | None = None) -> tuple[str, int]:
    """Put back the apostrophe of elisions that lost it ("Laccord" → "L'accord").

    Two cases are restored:
    - a lower-case elided letter glued to a capitalised name ("dAnthropic", "lIA");
    - a word unknown to the lexicon whose remainder is a known word ("linvestissement"),
      which needs `is_word`; real words ("Lancement", "dossier", "lest") are left alone.

    A capitalised word at the start of a clause may be a name whose tail is a French word ("Thales",
    "Danone"): it is restored only when the same text lost elisions inside clauses too (apostrophes
    are lost from a whole text, not from one word), when its elided part is one a clause starts with,
    and when the word does not also appear inside a clause (where a capital marks a name).

    >>> known = {"accord", "investissement", "lancement", "dossier", "hales", "anone"}.__contains__
    >>> restore_elisions("Laccord sur linvestissement de dAnthropic", known)
    ("L'accord sur l'investissement de d'Anthropic", 3)
    >>> restore_elisions("Lancement du dossier Salesforce", known)
    ('Lancement du dossier Salesforce', 0)
    >>> restore_elisions("Il code avec Node. Laccord suit.", {"code", "ode", "accord"}.__contains__)
    ('Il code avec Node. Laccord suit.', 0)
    >>> restore_elisions("Thales signe. Danone suit. Le groupe Danone a signé linvestissement.", known)
    ("Thales signe. Danone suit. Le groupe Danone a signé l'investissement.", 1)
    """
    apostrophe = "’" if text.count("’") > text.count("'") else "'"  # the document's own style
    inside: list[re.Match] = []  # lost elisions inside a clause
    at_start: list[re.Match] = []  # capitalised candidates at a clause start
    for match in LOST_ELISION.finditer(text):
        elided, rest = match.groups()
        if not _is_lost_elision(elided, rest, is_word):
            continue
        if not elided[0].isupper():
            inside.append(match)
        elif CLAUSE_START.search(text[max(0, match.start() - 3):match.start()]):
            # A capital elided letter ("Laccord") is only plausible where a clause starts; elsewhere the
            # capital marks a name ("Node", "Daniel").
            at_start.append(match)
    if inside:
        names = _words_inside_clauses(text)
        at_start = [m for m in at_start if CLAUSE_ELIDED.fullmatch(m.group(1)) and m.group() not in names]
    else:
        at_start = []
    restored = sorted(inside + at_start, key=lambda m: m.start())
    pieces, previous = [], 0
    for match in restored:
        pieces.append(text[previous:match.start()] + match.group(1) + apostrophe + match.group(2))
        previous = match.end()
    return "".join(pieces) + text[previous:], len(restored)


def _words_inside_clauses(text: str) -> set[str]:
    """Capitalised words that occur somewhere not at the start of a clause."""
    return {match.group() for match in CAPITALISED.finditer(text)
            if not CLAUSE_START.search(text[max(0, match.start() - 3):match.start()])}


CAPITALISED = re.compile(r"\b[A-ZÀ-ÖØ-Þ][\w-]*")


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
    # NFC before the other fixes too: a decomposed letter ("a" + U+0301) can hide the mojibake it is part of,
    # which would then only show, and be fixed, on a second repair.
    text, nfc = _nfc(text)
    text, counts = fix_text(text)
    for kind, count in counts.items():
        _note(repairs, kind, count)
    text, count = restore_elisions(text, is_word)
    _note(repairs, "elision", count)
    text, more = _nfc(text)
    _note(repairs, "unicode_nfc", nfc + more)
    return text, repairs


def _nfc(text: str) -> tuple[str, int]:
    """The text in NFC, and how many characters that changed (at least 1 when it changed anything)."""
    normalised = unicodedata.normalize("NFC", text)
    if normalised == text:
        return text, 0
    return normalised, sum(1 for a, b in zip(text, normalised) if a != b) or 1


def _note(repairs: Repairs, kind: str, count: int) -> None:
    if count:
        repairs.append({"kind": kind, "count": count})


def word_checker(words: Iterable[str]) -> Callable[[str], bool]:
    """A fast membership test over a lower-cased vocabulary."""
    vocabulary = frozenset(w.lower() for w in words)
    return vocabulary.__contains__
