"""Property tests (hypothesis): repair, amounts and TIMEX normalisation on arbitrary Unicode and arbitrary
publication dates in range never raise, keep offsets valid, and repair is idempotent (issue 16, must 4)."""
import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fr_finance.nlp.normalize import amounts, timex
from fr_finance.read.published import parse_published
from fr_finance.read.repair import repair

# Any code point, lone surrogates and controls included (hypothesis leaves surrogates out by default).
ANY_CHAR = st.characters(blacklist_categories=())
# Pieces French business news is made of, and pieces of broken text, so that examples reach the rules.
FRAGMENTS = ["laccord", "Laccord", "dAnthropic", "lentreprise", "Thales", "Danone", " ", ". ", "\n", "\n\n",
             "Ã©", "â€™", "Ă©", "&amp;", "&lt;", "\x85", "\x00", "\ud800", "’", "'", "é", "e\u0301",
             "3", "1 400", "2,5", "millions", "milliards", "Md€", "M$", "dollars", "d'euros", "€", "%",
             "environ", "jusqu'à", "plus de", "entre", "et", "hier", "demain", "fin", "début", "mi-",
             "2025", "mars", "T3", "l'an prochain", "l'année dernière", "il y a", "dans", "semaine", "mois",
             "prochain", "dernier", "décennie", "années 90", "été", "trimestre", "premier", "1er", "31"]
TEXT = st.one_of(st.text(ANY_CHAR, max_size=60),
                 st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(ANY_CHAR, max_size=3)),
                          max_size=14).map("".join))
PUBLISHED = st.one_of(st.none(), st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))
                      .map(date.isoformat))
KNOWN = {"accord", "entreprise", "usine", "hales", "anone", "avenir"}.__contains__
REPAIR_KINDS = {"mojibake", "html_entity", "terminal_escape", "control_char", "surrogate", "windows_control",
                "elision", "unicode_nfc", "other"}
TIMEX_VALUE = re.compile(r"(?:XXXX|[1-9]\d{3})(?:-(?:\d{2}(?:-\d{2})?|Q[1-4]|H[12]|SP|SU|FA|WI|W\d{2}))?"
                         r"|[1-9]\d{1,2}")
TIMEX_MODS = {None, "START", "MID", "END", "BEFORE", "AFTER", "APPROX"}
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(TEXT)
def test_repair_never_raises_and_lists_what_it_changed(text):
    repaired, repairs = repair(text, KNOWN)
    assert isinstance(repaired, str)
    assert all(r["kind"] in REPAIR_KINDS and r["count"] >= 1 for r in repairs)
    assert len({r["kind"] for r in repairs}) == len(repairs)
    if repaired != text:
        assert repairs
    repaired.encode("utf-8")  # no lone surrogate left: the record can be written


@FAST
@given(TEXT)
def test_repair_is_idempotent(text):
    once, _ = repair(text, KNOWN)
    assert repair(once, KNOWN) == (once, [])


@FAST
@given(TEXT, PUBLISHED, st.one_of(st.none(), st.integers(1000, 9999).map(str)))
def test_timex_never_raises_and_gives_a_valid_value(text, published, anchor_year):
    result = timex.to_timex(text, published, anchor_year)
    if result is not None:
        value, mod = result
        assert TIMEX_VALUE.fullmatch(value), value
        assert mod in TIMEX_MODS


@FAST
@given(st.text(ANY_CHAR, max_size=20))
def test_parse_published_accepts_only_real_days_in_range(text):
    day = parse_published(text)
    assert day is None or (1000 <= day.year <= 9999 and day.isoformat() == text)


@FAST
@given(TEXT, st.one_of(st.none(), st.sampled_from(["millions", "milliards", "Md", "k", "M", "mds"]),
                       st.text(ANY_CHAR, max_size=8)), st.booleans())
def test_amounts_never_raise_and_give_finite_numbers(figure, scale, half):
    for value in (amounts.amount_value(figure, scale, half=half), amounts.parse_figure(figure),
                  amounts.percent_value(figure)):
        assert value is None or (isinstance(value, (int, float)) and value == value and abs(value) != float("inf"))
    amounts.currency_code(figure)
    amounts.qualifier_code(figure)


@FAST
@given(st.sampled_from(["livres", "francs", "Francs"]), TEXT, TEXT, PUBLISHED)
def test_bare_currency_never_raises(name, document, sentence, published):
    code = amounts.bare_currency(name, document, sentence, published)  # name: what the money component found
    assert code is None or re.fullmatch(r"[A-Z]{3}", code)


# --------------------------------------------------------------------------- through the whole pipeline

@pytest.mark.integration
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(TEXT, PUBLISHED)
def test_records_have_valid_offsets_on_any_text(extract, text, published):
    record = extract(text, published=published)
    size = len(record["text"])
    for entity in record["entities"]:
        assert 0 <= entity["start"] < entity["end"] <= size
        assert record["text"][entity["start"]:entity["end"]] == entity["text"]
    for event in record["events"]:
        for key in ("amount", "evidence"):
            if event.get(key):
                start, end = event[key]
                assert 0 <= start < end <= size
