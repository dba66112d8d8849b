"""The publication date a text states about itself (FORMAT.md `published`)."""
from __future__ import annotations

import re
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


@lru_cache(maxsize=1)
def _parser() -> DateDataParser:
    return DateDataParser(languages=["fr"], settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first"})


@lru_cache(maxsize=1024)
def _parse_day(expression: str) -> str | None:
    data = _parser().get_date_data(expression)
    if data.date_obj is None or data.period != "day":
        return None
    return data.date_obj.strftime("%Y-%m-%d")


def find_published(text: str) -> str | None:
    """YYYY-MM-DD from a leading `date` line or a dateline, else None.

    >>> find_published(" date 2025-11-19 Le groupe annonce...")
    '2025-11-19'
    >>> find_published("Titre de l'article\\n\\n27 Juil 2025 | Rédaction\\n\\nCorps")
    '2025-07-27'
    >>> find_published("Le 2 décembre, la société a annoncé...") is None
    True
    """
    match = DATE_LINE.match(text)
    if match:
        return match.group(1)
    match = DATELINE.search(text[:HEAD_CHARS])
    if match:
        return _parse_day(match.group(1))
    return None
