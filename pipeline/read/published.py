"""The publication date a text states about itself (FORMAT.md `published`)."""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from dateparser.date import DateDataParser

# A leading metadata line "date 2025-11-19".
DATE_LINE = re.compile(r"\A\s*date\s*:?\s*(\d{4}-\d{2}-\d{2})\b", re.IGNORECASE)
# A dateline near the top: "27 Juil 2025 | Rédaction", "3 mars 2024 - Paris", "12/03/2024 |".
DATELINE = re.compile(
    r"^[ \t]*(\d{1,2}(?:er)?[ \t]+[A-Za-zÀ-ÿ]{3,10}\.?[ \t]+\d{4}|\d{1,2}/\d{1,2}/\d{4})[ \t]*[|–—-]",
    re.MULTILINE,
)
HEAD_CHARS = 600  # a dateline lives in the first lines, not in the body
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# Four-digit years only: the TIMEX values of FORMAT.md are YYYY-MM-DD, and date arithmetic around a
# publication date ("hier", "l'an prochain") must stay inside what datetime.date can hold.
FIRST_YEAR, LAST_YEAR = 1000, 9999


def parse_published(value: object) -> date | None:
    """The day a `published` value names, or None unless it is a real YYYY-MM-DD date with a year
    from 1000 to 9999. The one definition of a valid publication date (input rows, `date` lines).

    >>> parse_published("2024-02-29"), parse_published("2025-02-30"), parse_published("0999-12-31")
    (datetime.date(2024, 2, 29), None, None)
    >>> parse_published("hier"), parse_published(20240101), parse_published("2024-1-5")
    (None, None, None)
    """
    if not isinstance(value, str) or not ISO_DAY.fullmatch(value):
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


@lru_cache(maxsize=1)
def _parser() -> DateDataParser:
    return DateDataParser(languages=["fr"], settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first"})


@lru_cache(maxsize=1024)
def _parse_day(expression: str) -> str | None:
    data = _parser().get_date_data(expression)
    if data.date_obj is None or data.period != "day":
        return None
    day = data.date_obj.date().isoformat()  # strftime("%Y") drops the zeros of a year before 1000
    return day if parse_published(day) else None


def find_published(text: str) -> str | None:
    """YYYY-MM-DD from a leading `date` line or a dateline, else None.

    >>> find_published(" date 2025-11-19 Le groupe annonce...")
    '2025-11-19'
    >>> find_published("Titre de l'article\\n\\n27 Juil 2025 | Rédaction\\n\\nCorps")
    '2025-07-27'
    >>> find_published("Le 2 décembre, la société a annoncé...") is None
    True
    >>> find_published("date 2025-02-30\\nTexte") is None, find_published("date 0001-01-01\\nTexte") is None
    (True, True)
    """
    match = DATE_LINE.match(text)
    if match and parse_published(match.group(1)):
        return match.group(1)  # a `date` line with an impossible day ("2025-02-30") is no date
    match = DATELINE.search(text[:HEAD_CHARS])
    if match:
        return _parse_day(match.group(1))
    return None
