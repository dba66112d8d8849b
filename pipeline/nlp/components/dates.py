"""DATE spans (FORMAT.md, DATE): a spaCy Matcher over models/date_patterns.jsonl finds the expressions,
pipeline.normalize.timex gives their TIMEX3 value and mod.

Patterns name word lists of models/dates.yaml as "@name": {"IN": ["@month_names"]} takes the list,
{"REGEX": "@year"} the regex (a list becomes an alternation). A row may also veto its match by the next or
previous token ("not_followed_by", "not_preceded_by"), require a previous token ("preceded_by") and, with
"bare_year", ask the checks that keep a lone figure from being read as a year ("800 emplois", "1 400", a phone
number); "two_digit_year" and "holiday" ask their own ("avril 15 entreprises", "Noël Dubreuil"); "relative"
marks a row resolved against `published`, whose year is never taken from the rest of the document.

After matching, a day or period written without a year takes the year the document gives it
(DateRecognizer._infer_years, GOLD.md), "2006/2007" is split into two DATE years, and "le lendemain" follows
the last full day.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Iterable

import numpy
from spacy.attrs import LOWER
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from .. import lexicons
from ..normalize.timex import anaphor, clean, to_timex
from ..sentences import sentence_bounds
from .money import split_at_boundaries
from .serialize import SavesDataFiles
from .spans import overlaps, register_extensions, set_entities

# spaCy refuses "." in factory names (E853), so the house name fr_finance.dates.v1 is spelt with underscores.
FACTORY = "fr_finance_dates_v1"
LABEL = "DATE"
KEEP_LABELS = ("MONEY", "PERCENT")  # set by the amounts component before us; a date never overrides them
REFERENCE = re.compile(r"@(\w+)")
CONTEXT_TOKENS = 6  # enough tokens before a span to hold "aux alentours de la"
WRITTEN_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")
TWO_FIGURE_YEAR = re.compile(r"\d[/.-]\d\d$|[^\W\d_]+\.?[ -]?\d\d$")  # "07.03.21", "avril 03"
SHORT_PAIR = re.compile(r"(?<![\w/-])((?:19|20)\d\d)[/-](\d\d)(?![\w/-])")  # "2018-19", "2006/07"
PAIR_RULE = "year_pair"  # the second year of "2006-07" (made in code, not by a pattern)
# A period without a year may go on with a back-reference to one: "au quatrième trimestre | de la même année".
TAIL_GRANULARITIES = ("day", "month", "quarter", "season")
# Every pattern holds a figure, a word of these lists or a "mi-" word; the Matcher only runs around them.
ANCHOR_LISTS = ("month_names", "month_abbrevs", "seasons", "decade_words", "decade_noun", "quarter_words",
                "half_words", "relative_days", "relative_units", "holidays", "day_anaphors", "count_units",
                "half_nouns", "week_words")
# The periods whose year, when the text does not write it, is inferred from the rest of the document.
INFERRED_GRANULARITIES = ("day", "month", "quarter", "season")


@Language.factory(
    FACTORY,
    default_config={"patterns": "date_patterns.jsonl", "lexicon": "dates.yaml"},
)
def make_dates(nlp: Language, name: str, *, patterns: str, lexicon: str) -> "DateRecognizer":
    return DateRecognizer(nlp, name, patterns=patterns, lexicon=lexicon)


class DateRecognizer(SavesDataFiles):
    """Finds date expressions, normalises them (cached) and writes DATE entities."""

    def __init__(self, nlp: Language, name: str = "dates", *, patterns: str, lexicon: str) -> None:
        register_extensions()
        self.name = name
        self.words = lexicons.load(lexicon)
        rows = lexicons.require_ids(lexicons.load(patterns), patterns)
        self.rows = {row["id"]: self._expand_row(row) for row in rows}
        if len(self.rows) != len(rows):
            raise lexicons.LexiconError(f"{patterns}: pattern ids must be unique")
        self.matcher = Matcher(nlp.vocab, validate=True)
        for rule, row in self.rows.items():
            self.matcher.add(rule, [row["pattern"]])
        self.bound = re.compile(
            rf"(?:^|[^\w'])({_alternation(self.words['bounds'])})\s*"
            rf"(?:(?:{_alternation(self.words['articles'])})\s*)?$"
        )
        self.quantity_words = set(self.words["quantity_words"])
        self.locution_nouns = set(self.words["locution_nouns"])
        self.future_leads = set(self.words["future_leads"])
        self.articles = set(self._expand_list(["@articles"]))
        self.next_word = next(word for word, shift in self.words["relative_shifts"].items() if shift > 0)
        self.holiday_vetoes = set(self._expand_list(["@holiday_vetoes"]))
        self.year_pair = re.compile(self.words["year_pair"])
        self.rows[PAIR_RULE] = {"id": PAIR_RULE, "granularity": "year", "pattern": []}
        anchor_words = _alternation(self._expand_list(f"@{name}" for name in ANCHOR_LISTS))
        self.anchor = re.compile(rf"\d|^(?:{anchor_words})$|^{self.words['part_prefix']}")
        self.is_anchor: dict[int, bool] = {}  # by LOWER hash, filled as words are met
        self.reach = max(len(row["pattern"]) for row in self.rows.values())
        words = self.words
        units = _alternation(words["anaphor_units"])
        determiners = _alternation(words["anaphor_determiners"]).replace("'", "['’]")
        self.tail = re.compile(  # "de la même année", "de cette année-là", "de l'année suivante"
            rf"[^\S\n]+(?:de|d['’])[^\S\n]*(?:{determiners})[^\S\n]*"
            rf"(?:(?:{_alternation(words['anaphor_same'])})[^\S\n]+(?:{units})(?:{_alternation(words['anaphor_that'])})?"
            rf"|(?:{units})(?:{_alternation(words['anaphor_that'])}|[^\S\n]+(?:{_alternation(words['anaphor_shifts'])})))"
            r"(?![\w-])", re.IGNORECASE)

    def __call__(self, doc: Doc) -> Doc:
        published = doc._.fr_finance_published
        published = str(published) if published else None
        doc_text = doc.text  # Doc.text joins the tokens at every call: read it once
        self._split_year_pairs(doc, doc_text)
        rules = self._matches(doc)
        kept = [e for e in doc.ents if e.label_ in KEEP_LABELS]
        candidates = [Span(doc, start, end) for start, end in rules]
        candidates = [span for span in candidates
                      if not any(overlaps(span, e) for e in kept) and self._accepts(span, rules[span.start, span.end])]
        candidates += self._pair_tails(doc, rules, doc_text)
        spans = []
        last_year = None  # the last year written out or referred back to, for "la même année"
        last_day = None  # the last full day, for "le lendemain"
        for span in filter_spans(candidates):
            rule = rules[span.start, span.end]
            span = self._with_tail(span, rule, doc_text) or span
            lead = self._bound_before(doc, span)
            text = f"{lead} {span.text}" if lead else span.text
            if self.rows[rule]["granularity"] == "day_anaphor":
                timex = self._day_after(last_day, span.text, lead)
            elif rule == PAIR_RULE:
                timex = (span._.fr_finance_value, None)
            else:
                if self._future_lead(doc, span) and self.rows[rule]["granularity"] in INFERRED_GRANULARITIES:
                    text = f"{text} {self.next_word}"  # "pour l'automne": the coming one, as "automne prochain"
                timex = to_timex(text, published, last_year) if anaphor(span.text) else to_timex(text, published)
            if timex is None:  # a relative date without a publication date, a back-reference without a year
                continue
            if re.fullmatch(r"\d{4}-\d\d-\d\d", timex[0]):
                last_day = timex[0]
            date = Span(doc, span.start, span.end, label=LABEL)
            date._.fr_finance_value, date._.fr_finance_mod = timex
            date._.fr_finance_rule = rule
            spans.append(date)
            if (WRITTEN_YEAR.search(span.text) or anaphor(span.text)) and timex[0][:4].isdigit():
                last_year = timex[0][:4]  # "l'année suivante … cette année-là" chain on
        self._infer_years(doc, spans, published, doc_text)
        set_entities(doc, spans)
        return doc

    # --- a document's own years ----------------------------------------------------------------------

    def _infer_years(self, doc: Doc, spans: list[Span], published: str | None, text: str) -> None:
        """The year of a day or period written without one (GOLD.md, "Conventions settled on real news"):
        first, with no `published`, the year the text states for that same period ("mars" beside "mars 2014")
        (with one, "depuis janvier" is this January even when "janvier 2022" comes later); else a year written
        before it in its sentence ("l'exercice 2006/2007 achevé fin mars" → 2007-03); else, with no
        `published`, the year of the nearest dated period before it when the period is an earlier part of
        that year ("mars 2014 … les mois de janvier et février"; a later one may be the next year: "juin 2016
        … au quatrième trimestre" stays XXXX-Q4); else the value stays (closest to `published`, or XXXX)."""
        # (start, end, value) of the spans that write their year: periods within a year, and bare years
        table = [(s.start_char, s.end_char, s._.fr_finance_value, s._.fr_finance_mod, self._year_written(s))
                 for s in spans]
        periods = [(a, b, v) for a, b, v, _, written in table if written and len(v) > 4 and v[:4].isdigit()]
        years = [(a, b, v) for a, b, v, mod, written in table if written and len(v) == 4 and v.isdigit() and mod is None]
        for span, (start, end, value, _, written) in zip(spans, table):
            row = self.rows[span._.fr_finance_rule]
            if written or row["granularity"] not in INFERRED_GRANULARITIES or row.get("relative") or anaphor(span.text):
                continue
            key = value[4:]
            same = [p for p in periods if p[2][4:].startswith(key)]
            first, last = sentence_bounds(text, start, end)
            before = [y for y in years if first <= y[0] and y[1] <= start <= last]
            nearest = [p for p in periods if p[1] <= start][-1:]
            nearest = [p for p in nearest if _first_month(key) < _first_month(p[2][4:])]
            if same and published is None:
                source = min(same, key=lambda p: abs(p[0] - start))
            elif before:
                source = before[-1]
            elif published is None and nearest:
                source = nearest[-1]
            else:
                continue
            span._.fr_finance_value = source[2][:4] + key

    def _year_written(self, span: Span) -> bool:
        """The span writes its own year ("mars 2014", "07.03.21", "2006"), not inferred nor relative."""
        row = self.rows[span._.fr_finance_rule]
        return (bool(WRITTEN_YEAR.search(span.text) or TWO_FIGURE_YEAR.search(span.text)) and not row.get("relative")
                and not anaphor(span.text))

    def _future_lead(self, doc: Doc, span: Span) -> bool:
        """A word before the span ("pour l'automne", "pour septembre") that points to the coming period."""
        index = span.start - 1
        while index >= 0 and doc[index].lower_ in self.articles:
            index -= 1
        return index >= 0 and doc[index].lower_ in self.future_leads

    def _day_after(self, last_day: str | None, text: str, lead: str | None) -> tuple[str, str | None] | None:
        """"le lendemain" / "la veille" of the last full day written before it; None without one."""
        offset = self.words["day_anaphors"].get(text.lower())
        if last_day is None or offset is None:
            return None
        return (date.fromisoformat(last_day) + timedelta(days=offset)).isoformat(), None

    # --- fiscal years written as one token ------------------------------------------------------------

    def _split_year_pairs(self, doc: Doc, text: str) -> None:
        """"2006/2007" is one token for the French tokenizer; GOLD.md wants two DATE years: split it."""
        ranges = []
        for match in self.year_pair.finditer(text):
            if doc.char_span(match.start(), match.end()) is not None and len(doc.char_span(match.start(), match.end())) == 1:
                ranges += [(match.start(1), match.end(1)), (match.start(2), match.end(2))]
        if ranges:
            split_at_boundaries(doc, ranges)

    def _pair_tails(self, doc: Doc, rules: dict[tuple[int, int], str], text: str) -> list[Span]:
        """The short second year of a pair ("2006-07", "2006/07") as a DATE of its own, valued 2007."""
        found = []
        for match in SHORT_PAIR.finditer(text):
            following = int(match.group(1)) + 1
            span = doc.char_span(match.start(2), match.end(2))
            if span is None or len(span) != 1 or int(match.group(2)) != following % 100:
                continue
            token = span[0]
            span = Span(doc, token.i, token.i + 1)
            span._.fr_finance_value = str(following)
            rules[token.i, token.i + 1] = PAIR_RULE
            found.append(span)
        return found

    def _matches(self, doc: Doc) -> dict[tuple[int, int], str]:
        """Matcher results as {(start, end): pattern id}, the Matcher running only on windows around
        anchors (figures, month and period words): same matches, a fraction of the Python predicate calls."""
        rules: dict[tuple[int, int], str] = {}
        for start, end in self._windows(doc):
            for match_id, match_start, match_end in self.matcher(doc[start:end]):
                rules.setdefault((start + match_start, start + match_end), doc.vocab.strings[match_id])
        return rules

    def _windows(self, doc: Doc) -> list[tuple[int, int]]:
        """Merged token ranges reaching `reach` tokens either side of every anchor."""
        if not len(doc):
            return []
        lowers = doc.to_array([LOWER])
        anchors = [word for word in numpy.unique(lowers).tolist() if self._is_anchor(word, doc)]
        anchored = numpy.isin(lowers, anchors)
        windows: list[tuple[int, int]] = []
        for index in numpy.flatnonzero(anchored).tolist():
            start, end = max(0, index - self.reach + 1), min(len(doc), index + self.reach)
            if windows and start <= windows[-1][1]:
                windows[-1] = (windows[-1][0], end)
            else:
                windows.append((start, end))
        return windows

    def _is_anchor(self, lower: int, doc: Doc) -> bool:
        if lower not in self.is_anchor:
            self.is_anchor[lower] = bool(self.anchor.search(doc.vocab.strings[lower]))
        return self.is_anchor[lower]

    # --- pattern loading ---------------------------------------------------------------------------

    def _expand_row(self, row: dict) -> dict:
        row = dict(row)
        row["pattern"] = [self._expand_token(token) for token in row["pattern"]]
        for key in ("not_followed_by", "not_preceded_by", "preceded_by"):
            if key in row:
                row[key] = set(self._expand_list(row[key]))
        return row

    def _expand_token(self, token: dict) -> dict:
        expanded: dict[str, Any] = {}
        for attr, spec in token.items():
            if isinstance(spec, dict):
                spec = dict(spec)
                if "IN" in spec:
                    spec["IN"] = self._expand_list(spec["IN"])
                if "REGEX" in spec:
                    spec["REGEX"] = REFERENCE.sub(lambda m: self._regex_for(m.group(1)), spec["REGEX"])
            expanded[attr] = spec
        return expanded

    def _expand_list(self, items: Iterable[str]) -> list[str]:
        """Items with "@name" replaced by that word list, each with its typographic-apostrophe twin."""
        words: list[str] = []
        for item in items:
            words.extend(self._lexicon_entry(item[1:]) if item.startswith("@") else [item])
        return sorted({variant for word in words for variant in (word, word.replace("'", "’"))})

    def _regex_for(self, name: str) -> str:
        entry = self.words.get(name)
        if isinstance(entry, str):
            return entry
        return _alternation(self._lexicon_entry(name))

    def _lexicon_entry(self, name: str) -> list[str]:
        entry = self.words.get(name)
        if entry is None:
            raise lexicons.LexiconError(f"date patterns: no word list '{name}' in the date lexicon")
        return [str(word) for word in entry]  # a mapping gives its keys

    # --- checks around a match ---------------------------------------------------------------------

    def _accepts(self, span: Span, rule: str) -> bool:
        row, doc = self.rows[rule], span.doc
        after = doc[span.end] if span.end < len(doc) else None
        before = doc[span.start - 1] if span.start > 0 else None
        if after is not None and after.lower_ in row.get("not_followed_by", ()):
            return False
        if before is not None and before.lower_ in row.get("not_preceded_by", ()):
            return False
        if "preceded_by" in row and (before is None or before.lower_ not in row["preceded_by"]):
            return False
        if row.get("two_digit_year") and after is not None and (
                after.lower_ in self.quantity_words or after.text in (":", "h")
                or doc.has_annotation("POS") and after.pos_ == "NOUN"):
            return False  # "en avril 15 entreprises", "avril 03 h 30": a count or a time, not a year
        if row.get("holiday") and not self._plausible_holiday(span, before, after):
            return False
        return not row.get("bare_year") or self._plausible_year(span, before, after)

    def _plausible_holiday(self, span: Span, before: Token | None, after: Token | None) -> bool:
        """"Noël" is a day, not "Noël Martin" (a first name), "Père Noël" or "le marché de Noël"."""
        if after is not None and after.is_title and after.is_alpha and span.end - span.start == 1:
            return False
        doc = span.doc
        return not any(token.lower_ in self.holiday_vetoes for token in doc[max(0, span.start - 2):span.start])

    def _plausible_year(self, span: Span, before: Token | None, after: Token | None) -> bool:
        """A lone figure is a year unless it counts something or belongs to a larger number."""
        if after is not None and not after.is_space:
            if after.lower_ in self.quantity_words:
                return False
            if after.is_digit and len(after) == 3 and span[-1].whitespace_:  # "2000 000"
                return False
            if (span.doc.has_annotation("POS") and after.pos_ == "NOUN" and after.is_lower and after.is_alpha
                    and after.lower_ not in self.locution_nouns):
                return False  # "2025 licornes": the tagger knows more nouns than our list ("2015 grâce à" is a year)
        if before is not None and before.is_digit and len(before) <= 3 and before.whitespace_:
            return False  # "1 2000": a thousands group
        if before is not None and self._in_number(span.doc, before):
            return False
        return True

    @staticmethod
    def _in_number(doc: Doc, before: Token) -> bool:
        """The figure continues a phone number ("+33 1 2012 2014") or a code ("45-2019"), not a year."""
        if before.text in ("-", "/") and before.i > 0:
            previous = doc[before.i - 1]
            return previous.is_digit and not WRITTEN_YEAR.fullmatch(previous.text)
        run = before
        while run.is_digit or run.text[:1] == "+" and run.text[1:].isdigit():
            if run.text[:1] == "+" or (run.text[:1] == "0" and len(run) == 2):
                return True
            if run.i == 0 or not doc[run.i - 1].whitespace_:
                break
            run = doc[run.i - 1]
        return False

    def _with_tail(self, span: Span, rule: str, text: str | None = None) -> Span | None:
        """The span stretched over a back-reference to a year after it, or None."""
        if self.rows[rule]["granularity"] not in TAIL_GRANULARITIES or WRITTEN_YEAR.search(span.text):
            return None
        doc = span.doc
        tail = self.tail.match(span.doc.text if text is None else text, span.end_char)
        if tail is None:
            return None
        longer = doc.char_span(span.start_char, tail.end(), alignment_mode="expand")
        if longer is None or any(e.label_ in KEEP_LABELS and overlaps(longer, e) for e in doc.ents):
            return None
        return longer

    def _bound_before(self, doc: Doc, span: Span) -> str | None:
        """The bound word right before the span ("d'ici", "jusqu'en"), cleaned, or None."""
        context = clean(doc[max(0, span.start - CONTEXT_TOKENS):span.start].text) + " "
        match = self.bound.search(context)
        return match.group(1) if match else None


SEASON_FIRST_MONTHS = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def _first_month(period: str) -> int:
    """First month of a TIMEX value without its year: "-03-15" → 3, "-Q2" → 4, "-H2" → 7, "-SU" → 6."""
    part = period[1:3]
    if part.isdigit():
        return int(part)
    if part[0] in "QH":
        return (int(part[1]) - 1) * (3 if part[0] == "Q" else 6) + 1
    return SEASON_FIRST_MONTHS.get(part, 13)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(str(w)) for w in sorted(words, key=len, reverse=True))
