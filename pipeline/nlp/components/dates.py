"""DATE spans (FORMAT.md, DATE): a spaCy Matcher over models/date_patterns.jsonl finds the expressions,
pipeline.normalize.timex gives their TIMEX3 value and mod.

Patterns name word lists of models/dates.yaml as "@name": {"IN": ["@month_names"]} takes the list,
{"REGEX": "@year"} the regex (a list becomes an alternation). A row may also veto its match by the next or
previous token ("not_followed_by", "not_preceded_by"), require a previous token ("preceded_by") and, with
"bare_year", ask the checks that keep a lone figure from being read as a year ("800 emplois", "1 400").
"""
from __future__ import annotations

import re
from typing import Any, Iterable

import numpy
from spacy.attrs import LOWER
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from .. import lexicons
from ..normalize.timex import anaphor, clean, to_timex
from .serialize import SavesDataFiles
from .spans import overlaps, register_extensions, set_entities

# spaCy refuses "." in factory names (E853), so the house name fr_finance.dates.v1 is spelt with underscores.
FACTORY = "fr_finance_dates_v1"
LABEL = "DATE"
KEEP_LABELS = ("MONEY", "PERCENT")  # set by the amounts component before us; a date never overrides them
REFERENCE = re.compile(r"@(\w+)")
CONTEXT_TOKENS = 6  # enough tokens before a span to hold "aux alentours de la"
WRITTEN_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")
# A period without a year may go on with a back-reference to one: "au quatrième trimestre | de la même année".
TAIL_GRANULARITIES = ("day", "month", "quarter", "season")
# Every pattern holds a figure, a word of these lists or a "mi-" word; the Matcher only runs around them.
ANCHOR_LISTS = ("month_names", "month_abbrevs", "seasons", "decade_words", "decade_noun", "quarter_words",
                "half_words", "relative_days", "relative_units")


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
        rules = self._matches(doc)
        kept = [e for e in doc.ents if e.label_ in KEEP_LABELS]
        candidates = [Span(doc, start, end) for start, end in rules]
        candidates = [span for span in candidates
                      if not any(overlaps(span, e) for e in kept) and self._accepts(span, rules[span.start, span.end])]
        spans = []
        last_year = None  # the last year written out or referred back to, for "la même année"
        for span in filter_spans(candidates):
            rule = rules[span.start, span.end]
            span = self._with_tail(span, rule) or span
            lead = self._bound_before(doc, span)
            text = f"{lead} {span.text}" if lead else span.text
            timex = to_timex(text, published, last_year) if anaphor(span.text) else to_timex(text, published)
            if timex is None:  # a relative date without a publication date, a back-reference without a year
                continue
            date = Span(doc, span.start, span.end, label=LABEL)
            date._.fr_finance_value, date._.fr_finance_mod = timex
            date._.fr_finance_rule = rule
            spans.append(date)
            if (WRITTEN_YEAR.search(span.text) or anaphor(span.text)) and timex[0][:4].isdigit():
                last_year = timex[0][:4]  # "l'année suivante … cette année-là" chain on
        set_entities(doc, spans)
        return doc

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
        return not row.get("bare_year") or self._plausible_year(span, before, after)

    def _plausible_year(self, span: Span, before: Token | None, after: Token | None) -> bool:
        """A lone figure is a year unless it counts something or belongs to a larger number."""
        if after is not None and not after.is_space:
            if after.lower_ in self.quantity_words:
                return False
            if after.is_digit and len(after) == 3 and span[-1].whitespace_:  # "2000 000"
                return False
            if span.doc.has_annotation("POS") and after.pos_ == "NOUN" and after.is_lower and after.is_alpha:
                return False  # "2025 licornes": the tagger knows more nouns than our list
        if before is not None and before.is_digit and len(before) <= 3 and before.whitespace_:
            return False  # "1 2000": a thousands group
        return True

    def _with_tail(self, span: Span, rule: str) -> Span | None:
        """The span stretched over a back-reference to a year after it, or None."""
        if self.rows[rule]["granularity"] not in TAIL_GRANULARITIES or WRITTEN_YEAR.search(span.text):
            return None
        doc = span.doc
        tail = self.tail.match(doc.text, span.end_char)
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


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(str(w)) for w in sorted(words, key=len, reverse=True))
