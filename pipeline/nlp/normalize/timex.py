"""French date expressions → TIMEX3 values and modifiers (FORMAT.md, DATE).

`to_timex(text, published)` reads one expression as the DATE component found it (optionally with the bound
word before it) and returns `(value, mod)`, or None when it does not resolve (a relative date with no
publication date). Words come from models/dates.yaml.

dateparser reads the calendar part (days, months, years, abbreviations such as "Juil" or "déc.", numeric
forms with DATE_ORDER DMY: "07.03.21", "12/09/87"; "dernier"/"prochain" through PREFER_DATES_FROM) and its
`.period` gives the granularity, so a month never carries the day dateparser fills in. It reads nothing for
part words ("fin 2023"), quarters, halves, "six premiers mois", ISO weeks, seasons, decades, holidays, "l'an
dernier", "il y a trois ans" or bare "mois dernier": those are read here by hand (text2num turns ordinals and
counts into figures), as is the choice of year for a day or month written without one (the year that puts it
closest to the publication date, FORMAT.md; dateparser has no such setting).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Callable

from dateparser.date import DateDataParser
from text_to_num import alpha2digit, text2num

from ...read.published import parse_published as valid_published
from .. import lexicons

UNKNOWN_YEAR = "XXXX"
Period = tuple[date, date]


@lru_cache(maxsize=None)
def _words() -> dict:
    return lexicons.load("dates.yaml")


def _alternation(words) -> str:
    """Regex alternation, longest first so "jusqu'au" wins over "jusqu'à"."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=None)
def _regexes() -> dict[str, re.Pattern]:
    w = _words()
    ordinal = _alternation(list(w["ordinals"]) + w["last_ordinal"])
    the, this = _alternation(w["relative_the"]), _alternation(w["relative_this"])
    units, seasons = _alternation(w["relative_units"]), _alternation(w["seasons"])
    parts = _alternation({word.rstrip("-") for word in w["parts"]})
    return {
        "bound": re.compile(rf"^({_alternation(w['bounds'])})(?:\s+|(?<=')|$)"),
        "article": re.compile(rf"^(?:{_alternation(w['articles'])})(?:\s+|(?<=')|$)"),
        "part": re.compile(rf"^({parts})(?:\s*-\s*|\s+)(?:(?:de|du|des|d')(?:\s+|(?<=')))?"),
        "quarter": re.compile(rf"^(?:[qt]([1-4])|({ordinal})\s+(?:{_alternation(w['quarter_words'])}))"
                              r"(?:(?:\s*-\s*|\s+(?:de\s+)?)(\d{4}))?$"),
        "half": re.compile(rf"^(?:[sh]([12])|({ordinal})\s+(?:{_alternation(w['half_words'] + w['half_nouns'])}))"
                           r"(?:(?:\s*-\s*|\s+(?:de\s+)?)(\d{4}))?$"),
        "season": re.compile(rf"^({seasons})(?:\s+(?:de\s+)?(\d{{4}}))?$"),
        "decade": re.compile(rf"^(?:{_alternation(w['decade_words'] + w['decade_noun'])})\s+(\d0|\d{{3}}0)$"),
        "year": re.compile(rf"^(?:(?:{the})?\s*(?:{units})\s+)?(\d{{4}})$"),
        "has_year": re.compile(r"\d{4}|\d{1,2}[/.-]\d{1,2}[/.-]\d\d"),
        # a year, a month name, or a numeric day ("07/03", "07.03.21"); dateparser also reads "mardi", "six mois"
        "calendar_word": re.compile(rf"\d{{4}}|\b(?:{_alternation(w['month_names'] + w['month_abbrevs'])})"
                                    r"|^\d{1,2}[/.-]\d{1,2}(?:[/.-]\d\d)?$"),
        # "avril 03", "nov-2019": dateparser reads the 03 as a day and misses the glued form
        "month_short_year": re.compile(rf"^({_alternation(w['month_names'] + w['month_abbrevs'])})\s*[-/]?\s*(\d\d)$"),
        "month_glued_year": re.compile(rf"^({_alternation(w['month_names'] + w['month_abbrevs'])})[-/](\d{{4}})$"),
        "month_noun": re.compile(rf"^(?:{_alternation(w['month_noun'])})\s+(?:de\s+|d')"),
        "first_months": re.compile(rf"^({_alternation(list(w['first_months']))})\s+(?:{_alternation(w['first_months_words'])})"
                                   rf"\s+(?:{_alternation(w['month_noun'])})(?:\s+de\s+|\s+d'|\s+)(\d{{4}})$"),
        "week": re.compile(rf"^(\S+)\s+(?:{_alternation(w['week_words'])})\s+(?:de\s+|d')(\d{{4}})$"),
        "holiday": re.compile(rf"^({_alternation(list(w['holidays']))})(?:\s+(\d{{4}}))?$"),
        "count": re.compile(rf"^({_alternation(w['ago_lead'] + w['ahead_lead'])})\s+(\S+)\s+({_alternation(list(w['count_units']))})$"),
        "weekday": re.compile(rf"^(?:{_alternation(w['weekdays'])})\s+"),
        "this": re.compile(rf"^(?:{this}|{the})(?:\s+|(?<='))({units})(?:\s*-\s*ci)?$"),
        "this_season": re.compile(rf"^(?:{this})\s+({seasons})$"),
        "shifted": re.compile(rf"^(?:(?:{the})\s*)?({units})\s+({_alternation(w['relative_shifts'])})$"),
        # "[de] la même année", "cette année-là", "l'année suivante" at the end of an expression
        "anaphor": re.compile(
            rf"(?:^|\s)(?:(?:de|d')(?:\s+|(?<=')))?(?:(?:{_alternation(w['anaphor_determiners'])})(?:\s+|(?<=')))?"
            rf"(?:(?P<same>{_alternation(w['anaphor_same'])})\s+)?(?:{_alternation(w['anaphor_units'])})"
            rf"(?P<that>\s*(?:{_alternation(w['anaphor_that'])}))?(?:\s+(?P<shift>{_alternation(w['anaphor_shifts'])}))?$"),
    }


def clean(text: str) -> str:
    """Lower case, straight apostrophes, plain hyphens, single spaces.

    >>> clean("  D’ici  la Mi‑2025 ")
    "d'ici la mi-2025"
    """
    text = text.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"[‐‑‒–]", "-", text)
    return " ".join(text.split())


def parse_published(published: str | None) -> date | None:
    """The publication date as a date, None when absent or malformed (a time after the date is ignored).

    >>> parse_published("2025-11-19"), parse_published("2025-11-19T08:00"), parse_published("19/11/2025")
    (datetime.date(2025, 11, 19), datetime.date(2025, 11, 19), None)
    """
    if not isinstance(published, str):
        return None
    return valid_published(published[:10])  # one definition: a real day, years 1000 to 9999


def anaphor(text: str) -> re.Match | None:
    """The part of an expression that refers back to an earlier year ("de la même année"), if any.

    >>> [bool(anaphor(t)) for t in ["quatrième trimestre de la même année", "cette année-là", "l'année suivante", "cette année", "fin de l'année"]]
    [True, True, True, False, False]
    """
    match = _regexes()["anaphor"].search(clean(text))
    return match if match and (match.group("same") or match.group("that") or match.group("shift")) else None


def _resolve_anaphor(text: str, anchor_year: str | None) -> str | None:
    """Replace a back-reference to a year by that year ("juin de la même année", 2016 → "juin 2016");
    None when there is no year to refer to."""
    match = anaphor(text)
    if match is None:
        return text
    if not (anchor_year and anchor_year.isdigit()):
        return None
    year = int(anchor_year) + (_words()["anaphor_shifts"][match.group("shift")] if match.group("shift") else 0)
    return f"{text[:match.start()]} {year}".strip()


@lru_cache(maxsize=4096)
def to_timex(text: str, published: str | None = None, anchor_year: str | None = None) -> tuple[str, str | None] | None:
    """(TIMEX3 value, mod) of a French date expression; None when it cannot be resolved.

    Days, months, years (dateparser reads the calendar part; a month keeps month granularity):
    >>> to_timex("2 décembre 2025"), to_timex("1er mars 2024"), to_timex("02.12.2025")
    (('2025-12-02', None), ('2024-03-01', None), ('2025-12-02', None))
    >>> to_timex("lundi 3 mars 2025"), to_timex("déc. 2025"), to_timex("Juil 2025"), to_timex("2024")
    (('2025-03-03', None), ('2025-12', None), ('2025-07', None), ('2024', None))

    No year: the closest to publication, else XXXX:
    >>> to_timex("2 décembre", "2025-11-19"), to_timex("2 décembre"), to_timex("janvier", "2025-11-19")
    (('2025-12-02', None), ('XXXX-12-02', None), ('2026-01', None))
    >>> to_timex("15 janvier dernier", "2025-01-10"), to_timex("septembre prochain", "2025-11-19")
    (('2024-01-15', None), ('2026-09', None))

    Parts, bounds, quarters, halves, seasons, decades (by hand):
    >>> to_timex("fin 2023"), to_timex("mi-2025"), to_timex("début mars 2024"), to_timex("avant fin 2025")
    (('2023', 'END'), ('2025', 'MID'), ('2024-03', 'START'), ('2025', 'BEFORE'))
    >>> to_timex("d'ici 2028"), to_timex("jusqu’en 2026"), to_timex("depuis 2021"), to_timex("vers 2030")
    (('2028', 'BEFORE'), ('2026', 'BEFORE'), ('2021', 'AFTER'), ('2030', 'APPROX'))
    >>> to_timex("depuis le début de l'année", "2023-10-14")
    ('2023', 'START')
    >>> to_timex("T3 2024"), to_timex("troisième trimestre 2024"), to_timex("premier semestre 2025")
    (('2024-Q3', None), ('2024-Q3', None), ('2025-H1', None))
    >>> to_timex("l'été 2024"), to_timex("printemps 2025"), to_timex("les années 1990"), to_timex("années 90")
    (('2024-SU', None), ('2025-SP', None), ('199', None), ('199', None))

    Relative dates need the publication date:
    >>> to_timex("hier", "2025-11-19"), to_timex("an dernier", "2025-11-19"), to_timex("mois dernier", "2025-01-10")
    (('2025-11-18', None), ('2024', None), ('2024-12', None))
    >>> to_timex("fin de la décennie", "2025-11-19"), to_timex("hier") is None
    (('202', 'END'), True)

    Back-references take `anchor_year`, the last year written before them (none: no DATE):
    >>> to_timex("quatrième trimestre de la même année", None, "2016"), to_timex("cette même année", "2025-11-19", "2028")
    (('2016-Q4', None), ('2028', None))
    >>> to_timex("année suivante", None, "2016"), to_timex("fin de cette année-là", None, "2019"), to_timex("même année") is None
    (('2017', None), ('2019', 'END'), True)
    """
    pub = parse_published(published)
    text = _resolve_anaphor(clean(text), anchor_year)
    if text is None:
        return None
    rest, bound_mod = _strip_bound(text)
    rest, part_mod = _strip_part(_strip_article(rest))
    rest = _strip_article(rest)
    try:
        value = _calendar(rest, pub)
    except (OverflowError, ValueError):  # "demain" on 9999-12-31: no date past year 9999 (or before 1)
        return None
    if value is None or not _four_digit_year(value):
        return None
    if bound_mod == "AFTER" and part_mod == "START":
        return value, part_mod  # "depuis le début de l'année": the period from its start (real-news gold)
    return value, bound_mod or part_mod


def _four_digit_year(value: str) -> bool:
    """TIMEX values start with a 4-digit year (or XXXX); a decade ("199") or a century ("20") stands alone."""
    head, _, rest = value.partition("-")
    if head == UNKNOWN_YEAR:
        return True
    return head.isdigit() and head[0] != "0" and (len(head) == 4 or (not rest and len(head) in (2, 3)))


def _strip_bound(text: str) -> tuple[str, str | None]:
    """Remove a leading bound word ("d'ici", "depuis"); return its mod."""
    match = _regexes()["bound"].match(text)
    if not match:
        return text, None
    return text[match.end():], _words()["bounds"][match.group(1)]


def _strip_article(text: str) -> str:
    """Remove a leading article ("le 2 décembre", "l'été 2024"), not the one of "l'année" (current year)."""
    match = _regexes()["article"].match(text)
    if match and not _regexes()["this"].match(text):
        return text[match.end():]
    return text


def _strip_part(text: str) -> tuple[str, str | None]:
    """Remove a leading part word ("fin", "mi-") and a "de/du/des" after it; return its mod."""
    match = _regexes()["part"].match(text)
    if not match or match.end() == len(text):
        return text, None
    return text[match.end():], _words()["parts"][match.group(1)]


def _calendar(text: str, pub: date | None) -> str | None:
    """TIMEX3 value of the calendar part alone; the readers are tried from the most specific."""
    value = _relative(text, pub)
    if value is None:
        text, direction = _strip_direction(text)
        text = _regexes()["month_noun"].sub("", text)  # "fin du mois de septembre" → "septembre"
        for reader in (_decade, _quarter, _half, _first_months, _week, _holiday, _season, _year, _dateparser_value):
            value = reader(text, pub, direction)
            if value is not None:
                break
    return value or None  # "" means: recognised but unresolvable


def _strip_direction(text: str) -> tuple[str, int]:
    """"15 janvier dernier" → ("15 janvier", -1): the last one before publication; "prochain" → +1."""
    head, _, last = text.rpartition(" ")
    shift = _words()["relative_shifts"].get(last)
    return (head, shift) if head and shift else (text, 0)


# --- relative dates (arithmetic on the publication date) -------------------------------------------

def _relative(text: str, pub: date | None) -> str | None:
    w, rx = _words(), _regexes()
    if text in w["relative_days"]:
        return _shift(pub, "day", w["relative_days"][text])
    if match := rx["this"].match(text):
        return _shift(pub, w["relative_units"][match.group(1)], 0)
    if match := rx["shifted"].match(text):
        return _shift(pub, w["relative_units"][match.group(1)], w["relative_shifts"][match.group(2)])
    if match := rx["this_season"].match(text):
        return f"{pub.year}-{w['seasons'][match.group(1)]}" if pub else ""
    if match := rx["count"].match(text):  # "il y a trois ans", "dans deux ans"
        count = _count(match.group(2))
        if count is None:
            return None
        sign = -1 if match.group(1) in w["ago_lead"] else 1
        return _shift(pub, w["count_units"][match.group(3)], sign * count)
    return None


def _count(word: str) -> int | None:
    """"3" or "trois" → 3 (text2num reads the words)."""
    if word.isdigit():
        return int(word)
    try:
        return text2num(word, "fr")
    except ValueError:
        return None


def _shift(pub: date | None, unit: str, offset: int) -> str:
    """The period `offset` units away from the publication date ("" when there is none).

    >>> _shift(date(2025, 1, 10), "quarter", -1), _shift(date(2025, 11, 19), "week", -1)
    ('2024-Q4', '2025-W46')
    """
    if pub is None:
        return ""
    if unit == "day":
        return (pub + timedelta(days=offset)).isoformat()
    if unit == "week":
        year, week, _ = (pub + timedelta(weeks=offset)).isocalendar()
        return f"{year}-W{week:02d}"
    if unit == "year":
        return str(pub.year + offset)
    if unit == "decade":
        return str(pub.year // 10 + offset)
    size = {"month": 1, "quarter": 3, "half": 6}[unit]
    index = (pub.year * 12 + pub.month - 1) // size + offset
    year, part = divmod(index, 12 // size)
    if unit == "month":
        return f"{year}-{part + 1:02d}"
    return f"{year}-{'Q' if unit == 'quarter' else 'H'}{part + 1}"


# --- periods dateparser does not read --------------------------------------------------------------

def _decade(text: str, pub: date | None, direction: int = 0) -> str | None:
    match = _regexes()["decade"].match(text)
    if not match:
        return None
    figures = match.group(1)
    if len(figures) == 4:
        return figures[:3]
    # "années 90" → 199; "années 00"/"années 10" → 200/201 (the 1900s read for 20–90).
    return ("20" if figures in ("00", "10") else "19") + figures[0]


def _ordinal(code: str | None, word: str | None, last: int) -> int:
    if code:
        return int(code)
    return last if word in _words()["last_ordinal"] else _words()["ordinals"][word]


def _quarter(text: str, pub: date | None, direction: int = 0) -> str | None:
    return _year_part(text, pub, direction, "quarter", "Q", 4)


def _half(text: str, pub: date | None, direction: int = 0) -> str | None:
    return _year_part(text, pub, direction, "half", "H", 2)


def _year_part(text: str, pub: date | None, direction: int, regex: str, code: str, parts: int) -> str | None:
    """One of `parts` equal parts of a year ("troisième trimestre 2024" → 2024-Q3): None when `regex` does not
    match, "" for a part number past `parts`."""
    match = _regexes()[regex].match(text)
    if not match:
        return None
    number = _ordinal(match.group(1), match.group(2), last=parts)
    if number > parts:
        return ""
    months = 12 // parts
    return _with_year(match.group(3), f"{code}{number}", pub, direction,
                      lambda y: _months(y, months * (number - 1) + 1, months * number))


SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 14)}  # winter runs into the next year


def _season(text: str, pub: date | None, direction: int = 0) -> str | None:
    match = _regexes()["season"].match(text)
    if not match:
        return None
    code = _words()["seasons"][match.group(1)]
    first, last = SEASON_MONTHS[code]
    return _with_year(match.group(2), code, pub, direction, lambda y: _months(y, first, last))


def _first_months(text: str, pub: date | None, direction: int = 0) -> str | None:
    """"six premiers mois de 2018" → 2018-H1, "trois premiers mois de 2018" → 2018-Q1."""
    match = _regexes()["first_months"].match(text)
    return f"{match.group(2)}-{_words()['first_months'][match.group(1)]}" if match else None


def _week(text: str, pub: date | None, direction: int = 0) -> str | None:
    """"deuxième semaine de 2022" → 2022-W02: text2num turns the ordinal into figures ("2ème")."""
    match = _regexes()["week"].match(text)
    if not match:
        return None
    figures = re.match(r"\d+", alpha2digit(match.group(1), "fr", threshold=0))
    if figures is None and match.group(1) in _words()["ordinals"]:
        number = _words()["ordinals"][match.group(1)]
    elif figures is not None:
        number = int(figures.group())
    else:
        return None
    return f"{match.group(2)}-W{number:02d}" if 1 <= number <= 53 else ""


def _holiday(text: str, pub: date | None, direction: int = 0) -> str | None:
    """"noël" → XXXX-12-25 (the year as for a day written without one), "noël 2023" → 2023-12-25."""
    match = _regexes()["holiday"].match(text)
    if not match:
        return None
    month, day = (int(part) for part in _words()["holidays"][match.group(1)].split("-"))
    year = match.group(2) or _closest_year(pub, lambda y: _day(y, month, day), direction)
    return f"{year}-{month:02d}-{day:02d}"


def _year(text: str, pub: date | None, direction: int = 0) -> str | None:
    match = _regexes()["year"].match(text)  # "2024", or "l'année 2024" after a part word
    return match.group(1) if match else None


def _with_year(year: str | None, suffix: str, pub: date | None, direction: int,
               period: Callable[[int], Period | None]) -> str:
    return f"{year or _closest_year(pub, period, direction)}-{suffix}"


# --- calendar dates through dateparser -------------------------------------------------------------

PREFER = {-1: "past", 0: "current_period", 1: "future"}  # dateparser's PREFER_DATES_FROM for a direction


@lru_cache(maxsize=64)
def _parser(published: date | None, direction: int = 0) -> DateDataParser:
    # Without a publication date, a leap-year base keeps "29 février" readable; the year is replaced anyway.
    base = datetime.combine(published or date(2000, 6, 15), datetime.min.time())
    return DateDataParser(languages=["fr"], settings={"RELATIVE_BASE": base, "DATE_ORDER": "DMY",
                                                      "PREFER_DATES_FROM": PREFER[direction]})


def _dateparser_value(text: str, pub: date | None, direction: int = 0) -> str | None:
    """A day, month or year read by dateparser (DATE_ORDER DMY; RELATIVE_BASE the publication date;
    PREFER_DATES_FROM past/future for "dernier"/"prochain"). Its `.period` keeps a month a month: the day it
    fills in is never used. A year it fills in is replaced by the closest-year rule (FORMAT.md), which
    dateparser has no setting for, or by XXXX without a publication date."""
    text = _regexes()["weekday"].sub("", text)  # the weekday adds nothing to "lundi 3 mars 2025"
    text = re.sub(r"^premier\b", "1er", text)  # dateparser misses "premier mars"
    if match := _regexes()["month_glued_year"].match(text):
        text = f"{match.group(1)} {match.group(2)}"
    elif match := _regexes()["month_short_year"].match(text):
        # a two-figure year, widened as strptime's %y does (69–99 → 1900s, 00–68 → 2000s)
        text = f"{match.group(1)} {datetime.strptime(match.group(2), '%y').year}"
    if not _regexes()["calendar_word"].search(text):
        return None  # dateparser also reads "mardi", "six mois", "09 h 00"
    data = _parser(pub, direction).get_date_data(text)
    when, period = data.date_obj, data.period
    if when is None or period not in ("day", "month", "year"):
        return None
    if period == "year":
        return str(when.year)
    has_year = bool(_regexes()["has_year"].search(text))
    if has_year or (direction and pub is not None):  # "15 janvier dernier": dateparser's past one
        year = str(when.year)
    elif period == "month":
        year = _closest_year(pub, lambda y: _months(y, when.month, when.month))
    else:
        year = _closest_year(pub, lambda y: _day(y, when.month, when.day))
    return f"{year}-{when.month:02d}" if period == "month" else f"{year}-{when.month:02d}-{when.day:02d}"


# --- the year closest to publication ---------------------------------------------------------------

def _months(year: int, first: int, last: int) -> Period:
    """From the first day of month `first` to the last day of month `last` (13, 14 = next year)."""
    start = date(year + (first - 1) // 12, (first - 1) % 12 + 1, 1)
    after = date(year + last // 12, last % 12 + 1, 1)
    return start, after - timedelta(days=1)


def _day(year: int, month: int, day: int) -> Period | None:
    try:
        one = date(year, month, day)
    except ValueError:  # 29 February outside a leap year
        return None
    return one, one


def _closest_year(pub: date | None, period: Callable[[int], Period | None], direction: int = 0) -> str:
    """The year whose period lies closest to the publication date; XXXX without one. With a direction
    ("dernier" -1, "prochain" +1) the latest period starting before it, or the first starting after it.

    >>> december_2 = lambda y: _day(y, 12, 2)
    >>> _closest_year(date(2025, 11, 19), december_2), _closest_year(date(2025, 11, 19), december_2, -1)
    ('2025', '2024')
    >>> _closest_year(date(2025, 12, 19), december_2, 1), _closest_year(None, december_2)
    ('2026', 'XXXX')
    """
    if pub is None:
        return UNKNOWN_YEAR
    years = [(year, bounds) for year in (pub.year - 1, pub.year, pub.year + 1)
             if (bounds := period(year)) is not None]
    if direction < 0:
        return str(max((year for year, (start, _) in years if start < pub), default=pub.year - 1))
    if direction > 0:
        return str(min((year for year, (start, _) in years if start > pub), default=pub.year + 1))

    def distance(item: tuple[int, Period]) -> int:
        start, end = item[1]
        return 0 if start <= pub <= end else min(abs((start - pub).days), abs((end - pub).days))

    return str(min(years, key=distance)[0])
