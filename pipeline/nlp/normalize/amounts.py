"""Money figures and percentages as typed values: pure functions over strings, no spaCy.

The words they know (scales, currencies, qualifiers) come from models/money.yaml. Figures go through
price-parser, number words through text2num; scale words are applied here because price-parser ignores
them ("15 milliards" → 15).

>>> amount_value("10,12", "milliards")
10120000000
>>> amount_value("un", "demi-milliard"), amount_value("un", "milliard", half=True)
(500000000, 1500000000)
>>> currency_code("d’euros"), currency_code("$ CA"), currency_code("Dollars"), qualifier_code("jusqu'à")
('EUR', 'CAD', 'USD', 'up_to')
"""
from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Union

from price_parser import Price
from text_to_num import text2num

from .. import cache, lexicons

Number = Union[int, float]
LEXICON = "money.yaml"

# Horizontal spaces that separate digit groups or words (U+00A0 and U+202F in typeset French).
GROUP_SPACES = " \u00a0\u202f\u2009"
SP = r"[^\S\n]"
APOS = "['’]"
DE = rf"(?:des|de|d{APOS})"  # followed by {SP}* where used

# A figure whose separators make sense: "1 400", "1.400,50", "10,12", "2.5", "94000"; not "1,2,3".
_WELL_FORMED = re.compile(
    rf"\d{{1,3}}([{GROUP_SPACES}.])\d{{3}}(?:\1\d{{3}})*(?:,\d+)?|\d+(?:[.,]\d+)?"
)
_DOT_GROUPS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_SIGNED = re.compile(r"^\s*([+\-−–]?)\s*(.*?)\s*$", re.S)


def form_units(form: str) -> list[str]:
    """A lexicon form cut into units: "{de}", " " (any spaces), "'" (either apostrophe) or one character.

    >>> form_units("plus {de}")
    ['p', 'l', 'u', 's', ' ', '{de}']
    """
    units: list[str] = []
    for piece in re.split(r"(\{de\}| +|')", form):
        if piece in ("{de}", "'"):
            units.append(piece)
        elif piece and not piece.strip(" "):
            units.append(" ")
        else:
            units.extend(piece)
    return units


def unit_pattern(unit: str) -> str:
    return {"{de}": DE, "'": APOS, " ": f"{SP}+"}.get(unit) or re.escape(unit)


def form_pattern(form: str) -> str:
    """Regex for a lexicon form: ' matches ’ too, a space any run of spaces, {de} de/d'/des.

    >>> bool(re.fullmatch(form_pattern("plus {de}"), "plus d’", re.I))
    True
    """
    return "".join(unit_pattern(unit) for unit in form_units(form))


def _key(text: str) -> str:
    """Lookup key: one plain space between words, straight apostrophe."""
    return " ".join(text.replace("’", "'").split())


@dataclass(frozen=True)
class Scale:
    id: str
    factor: Decimal
    needs_currency: bool


@dataclass(frozen=True)
class Currency:
    code: str | None  # None: only the setting of the text tells ("dinars")
    id: str
    in_setting: tuple[tuple[str, str], ...] = ()  # (setting id, code) tried in order
    power: int = 0  # a scale written into the currency ("MDT" = millions de dinars tunisiens)

    def resolve(self, settings: "frozenset[str] | LazySettings" = frozenset()) -> str | None:
        return next((code for setting, code in self.in_setting if setting in settings), self.code)


@dataclass(frozen=True)
class Tables:
    scales: dict[str, Scale]  # exact key for case-sensitive forms, lower-case key for words
    currencies: dict[str, Currency]  # lower-case key for names, exact key for symbols and codes
    names: tuple[str, ...]  # currency words, for the grammar
    symbols: tuple[str, ...]  # currency signs and codes, read after a figure
    prefixes: tuple[str, ...]  # signs and codes also read before a figure
    qualifiers: list[tuple[re.Pattern, str, str]]  # (full-match regex, qualifier, entry id)
    counts: dict[str, tuple[int, str]]  # "dizaine" → (10, id)


def _spaced_dollar(symbol: str) -> list[str]:
    """Other ways the press writes a dollar sign with a country mark: "$CA" → "$ CA", "CA$", "CA $", and each in
    lower case ("$ hk", "$cad").

    >>> _spaced_dollar("HK$")
    ['$ HK', '$ hk', '$HK', '$hk', 'HK $', 'hk $', 'hk$']
    """
    mark = symbol.replace("$", "").strip()
    if "$" not in symbol or not mark.isalpha():
        return []
    forms = {f"{mark}$", f"{mark} $", f"${mark}", f"$ {mark}"}
    return sorted((forms | {form.lower() for form in forms}) - {symbol})


def _cldr_compute(settings: dict) -> dict:
    """{"names": {name: code}, "symbols": {symbol: code}, "codes": [...]} from babel's CLDR data."""
    from babel import Locale
    from babel.numbers import get_currency_name

    locales = [Locale.parse(code) for code in settings.get("locales", ["fr"])]
    french = locales[0]
    names: dict[str, str] = {}
    qualified: dict[str, str] = {}
    for code in french.currencies:
        for count in (1, 2):
            name = get_currency_name(code, count, locale=french)
            # "franc CFA (BCEAO)", "franc belge (financier)": CLDR's parenthesis is never written in running
            # text; without it the name is kept when no plain CLDR name and no other currency claims it.
            plain = re.sub(r"\s*\(.*\)\s*", " ", name).strip()
            target = names if plain == name else qualified
            target[plain] = code if target.get(plain, code) == code else ""
    for name, code in qualified.items():
        names.setdefault(name, code)
    for word in settings.get("skip_names", []):
        for name in [name for name in names if name.split()[:1] in ([word], [word + "s"])]:
            del names[name]
    symbols: dict[str, str] = {}
    short = settings.get("min_letter_symbol_length", 3)
    skip = set(settings.get("skip_symbols", []))
    for locale in locales:
        for code, symbol in locale.currency_symbols.items():
            if symbol in skip or symbol == code or (symbol.isascii() and symbol.isalpha() and len(symbol) < short):
                continue
            for form in [symbol, *_spaced_dollar(symbol)]:
                symbols[form] = code if symbols.get(form, code) == code else ""
    for locale in locales:
        for code, symbol in locale.currency_symbols.items():
            if "$" in symbol:  # "$AUD", "$ CAD": the dollar sign with the code
                for form in (f"${code}", f"$ {code}", f"${code.lower()}", f"$ {code.lower()}"):
                    symbols.setdefault(form, code)
    return {"names": {n: c for n, c in names.items() if c and n}, "symbols": {s: c for s, c in symbols.items() if c and s},
            "codes": sorted(french.currencies)}


@lru_cache(maxsize=None)
def cldr_currencies(lexicon: str = LEXICON) -> dict:
    """Every ISO 4217 currency as CLDR (babel) writes it in French: names singular and plural, symbols, codes.
    Built once and kept in the cache (nlp/cache.py) under babel's version; a name or symbol that CLDR gives
    to two currencies is left out (the lexicon decides those)."""
    import babel

    settings = lexicons.load(lexicon).get("cldr", {})
    key = f"{babel.__version__}:{sorted(settings.items())!r}:{inspect.getsource(_cldr_compute)}".encode()
    return cache.load_or_compute("cldr-currencies", key, lambda: _cldr_compute(settings))


@lru_cache(maxsize=None)
def tables(lexicon: str = LEXICON) -> Tables:
    data = lexicons.load(lexicon)
    scales: dict[str, Scale] = {}
    for entry in lexicons.require_ids(data["scales"], f"{lexicon} scales"):
        factor = Decimal(10) ** entry["power"] * (Decimal("0.5") if entry.get("half") else 1)
        scale = Scale(entry["id"], factor, bool(entry.get("needs_currency")))
        for form in entry["forms"]:
            scales[form if entry.get("case_sensitive") else form.lower()] = scale
    cldr = cldr_currencies(lexicon)
    currencies: dict[str, Currency] = {}
    for name, code in cldr["names"].items():
        currencies[_key(name).lower()] = Currency(code, f"cldr.{code}")
    for symbol, code in {**{c: c for c in cldr["codes"]}, **cldr["symbols"]}.items():
        currencies[_key(symbol)] = Currency(code, f"cldr.{code}")
    names, symbols = list(cldr["names"]), [*cldr["codes"], *cldr["symbols"]]
    after_only = set(data.get("cldr", {}).get("codes_after_figure_only", []))
    prefixes = [s for s in symbols if s not in after_only]
    for entry in lexicons.require_ids(data["currencies"], f"{lexicon} currencies"):
        currency = Currency(entry.get("code"), entry["id"], tuple((entry.get("in_setting") or {}).items()))
        for name in entry.get("names", []):
            currencies[_key(name).lower()] = currency
            names.append(name)
        for symbol in (form for symbol in entry.get("symbols", []) for form in [symbol, *_spaced_dollar(symbol)]):
            currencies[_key(symbol)] = currency
            symbols.append(symbol)
            prefixes.append(symbol)
    for entry in lexicons.require_ids(data.get("compounds", []), f"{lexicon} compounds"):
        currency = Currency(entry["code"], entry["id"], tuple((entry.get("in_setting") or {}).items()), entry["power"])
        for form in entry["forms"]:
            currencies[_key(form)] = currency
            symbols.append(form)
    qualifiers = [
        (re.compile(form_pattern(form), re.I), entry["qualifier"], entry["id"])
        for entry in lexicons.require_ids(data["qualifiers"], f"{lexicon} qualifiers")
        for form in entry["forms"]
    ]
    counts = {
        form: (entry["value"], entry["id"])
        for entry in lexicons.require_ids(data["approx_counts"]["counts"], f"{lexicon} approx_counts")
        for form in entry["forms"]
    }
    return Tables(scales, currencies, tuple(names), tuple(symbols), tuple(prefixes), qualifiers, counts)


def to_number(value: Decimal) -> Number:
    """An int when the value is whole (JSON 10120000000, not 1.012e10), else a float."""
    return int(value) if value == value.to_integral_value() else float(value)


def figure_decimal(text: str) -> Decimal | None:
    """Exact value of a written figure, or None when it is malformed.

    French convention: comma is the decimal mark, spaces or dots group thousands ("1.400" = 1400);
    a dot not followed by exactly three digits is a decimal point (an English-style "2.5").

    >>> [figure_decimal(s) for s in ["1 400", "1\u202f400", "10,12", "1.400,50", "2.5", "1,2,3"]]
    [Decimal('1400'), Decimal('1400'), Decimal('10.12'), Decimal('1400.50'), Decimal('2.5'), None]
    """
    text = text.strip()
    if not _WELL_FORMED.fullmatch(text):
        return None
    dot_is_decimal = "," not in text and "." in text and not _DOT_GROUPS.fullmatch(text)
    return Price.fromstring(text, decimal_separator="." if dot_is_decimal else ",").amount


def number_words_value(text: str) -> int | None:
    """French number words → int, via text2num; None when they do not form a number.

    >>> number_words_value("un"), number_words_value("Vingt-sept"), number_words_value("deux cents")
    (1, 27, 200)
    >>> number_words_value("demi") is None
    True
    """
    try:
        return text2num(_key(text).lower(), "fr")
    except ValueError:
        return None


def number_decimal(text: str) -> Decimal | None:
    """A figure ("1 400") or number words ("cinq") as a Decimal."""
    text = text.strip()
    if text[:1].isdigit():
        return figure_decimal(text)
    value = number_words_value(text)
    return None if value is None else Decimal(value)


def parse_figure(text: str) -> Number | None:
    """A figure or number words as a JSON number; None when malformed, never an exception.

    >>> [parse_figure(s) for s in ["1 400", "1\u00a0400", "10,12", "1.400", "94000", "2.5", "cinq", "1,2,3"]]
    [1400, 1400, 10.12, 1400, 94000, 2.5, 5, None]
    """
    value = number_decimal(text)
    return None if value is None else to_number(value)


def scale_of(word: str, lexicon: str = LEXICON) -> Scale | None:
    """The lexicon entry of a scale word: exact form first (M, k), then case-insensitive (Milliards)."""
    scales = tables(lexicon).scales
    word = _key(word)
    return scales.get(word) or scales.get(word.lower())


def scale_factor(word: str, lexicon: str = LEXICON) -> int | float | None:
    """Multiplier of a scale word (French long scale: billion = 10^12).

    >>> scale_factor("milliards"), scale_factor("Md"), scale_factor("billion"), scale_factor("gigawatts")
    (1000000000, 1000000000, 1000000000000, None)
    """
    scale = scale_of(word, lexicon)
    return None if scale is None else to_number(scale.factor)


def amount_value(figure: str, scale: str | None = None, *, half: bool = False,
                 lexicon: str = LEXICON) -> Number | None:
    """Figure × scale in currency units; `half` for "… et demi". None when any part is unknown.

    >>> amount_value("1 400", "milliards"), amount_value("2,3", "Mds"), amount_value("200", "k")
    (1400000000000, 2300000000, 200000)
    >>> amount_value("1,2,3", "millions") is None
    True
    """
    value = number_decimal(figure)
    if value is None:
        return None
    factor = Decimal(1)
    if scale:
        entry = scale_of(scale, lexicon)
        if entry is None:
            return None
        factor = entry.factor
    if half:
        value += Decimal("0.5")
    return to_number(value * factor)


_DE_BEFORE = re.compile(r"^(?:de |d')\s*", re.I)


def currency_of(text: str, lexicon: str = LEXICON) -> Currency | None:
    """The lexicon or CLDR entry of a currency name, symbol or code, with or without "de"/"d'" before it."""
    key = _DE_BEFORE.sub("", _key(text))
    currencies = tables(lexicon).currencies
    return currencies.get(key) or currencies.get(key.lower())


def currency_code(text: str, lexicon: str = LEXICON, settings: frozenset[str] = frozenset()) -> str | None:
    """ISO 4217 code of a currency name, symbol or code; `settings`: where the text is set (settings_of).

    >>> [currency_code(s) for s in ["de dollars", "dollars canadiens", "USD", "$", "C$", "€", "francs suisses", "yens"]]
    ['USD', 'CAD', 'USD', 'USD', 'CAD', 'EUR', 'CHF', 'JPY']
    >>> [currency_code(s) for s in ["couronnes suédoises", "francs belges", "$ NZ", "$AUD", "roupies", "lires italiennes"]]
    ['SEK', 'BEF', 'NZD', 'AUD', 'INR', 'ITL']
    >>> currency_code("$", settings=frozenset({"canada"})), currency_code("$ US", settings=frozenset({"canada"}))
    ('CAD', 'USD')
    >>> currency_code("gigawatts") is None
    True
    """
    found = currency_of(text, lexicon)
    return found.resolve(settings) if found else None


@dataclass(frozen=True)
class Setting:
    id: str
    minimum: int
    outnumber: str | None = None  # another setting whose cues must be fewer
    currency: str | None = None  # the local currency


@lru_cache(maxsize=None)
def _settings(lexicon: str = LEXICON) -> tuple[tuple[Setting, ...], re.Pattern, dict[str, tuple[str, ...]]]:
    """The settings, one regex over all their cues (one pass over a text), and cue → setting ids."""
    entries = lexicons.require_ids(lexicons.load(lexicon).get("settings", []), f"{lexicon} settings")
    owners: dict[str, list[str]] = {}
    for entry in entries:
        for cue in entry["cues"]:
            owners.setdefault(_key(cue), []).append(entry["id"])
    settings = tuple(Setting(entry["id"], entry.get("min", 1), entry.get("outnumber"), entry.get("currency"))
                     for entry in entries)
    return settings, _words_regex(list(owners), ignore_case=False), {cue: tuple(ids) for cue, ids in owners.items()}


def settings_of(document: str, lexicon: str = LEXICON) -> frozenset[str]:
    """Where a text is set, from the places and demonyms it names (models/money.yaml `settings`).

    >>> sorted(settings_of("La firme montréalaise, installée au Québec, lève 5 M$ au Canada."))
    ['canada']
    >>> sorted(settings_of("La banque genevoise paie en francs.")), sorted(settings_of("Une PME de Lyon."))
    (['switzerland'], [])
    >>> sorted(settings_of("La banque de Dakar, présente au Sénégal, au Mali et au Gabon, prête en FCFA."))
    ['cfa_zone', 'west_africa']
    """
    settings, cues, owners = _settings(lexicon)
    counts: dict[str, int] = {}
    for match in cues.finditer(document):
        for owner in owners.get(_key(match.group()), ()):
            counts[owner] = counts.get(owner, 0) + 1
    return frozenset(setting.id for setting in settings
                     if counts.get(setting.id, 0) >= setting.minimum
                     and (setting.outnumber is None or counts[setting.id] > counts.get(setting.outnumber, 0)))


class LazySettings:
    """settings_of(document), computed the first time a currency asks (most texts never need it)."""

    def __init__(self, document: str, lexicon: str = LEXICON):
        self.document, self.lexicon, self._found = document, lexicon, None

    def __contains__(self, setting: str) -> bool:
        if self._found is None:
            self._found = settings_of(self.document, self.lexicon)
        return setting in self._found

    def local_currency(self) -> str | None:
        """The local currency of the first setting that has one and holds for the document."""
        return next((s.currency for s in _settings(self.lexicon)[0] if s.currency and s.id in self), None)


def qualifier_code(phrase: str | None, lexicon: str = LEXICON) -> str | None:
    """Qualifier of the words before an amount; None when they are not a qualifier.

    >>> [qualifier_code(s) for s in ["plus de", "au-delà des", "environ", "près d'", "au moins", "pas plus de"]]
    ['more_than', 'more_than', 'approx', 'approx', 'at_least', 'at_most']
    """
    if not phrase:
        return None
    phrase = phrase.strip()
    for pattern, qualifier, _id in tables(lexicon).qualifiers:
        if pattern.fullmatch(phrase):
            return qualifier
    return None


def approx_count_value(noun: str, lexicon: str = LEXICON) -> int | None:
    """Value of an approximate count noun ("une dizaine de millions").

    >>> approx_count_value("dizaine"), approx_count_value("Centaine")
    (10, 100)
    """
    found = tables(lexicon).counts.get(noun.strip().lower())
    return found[0] if found else None


# A calendar year in running text, not a thousands group ("2 000 milliards").
_YEAR = re.compile(r"(?<!\d[ \u00a0\u202f.,])(?<![\d.,])(1[89]\d\d|20\d\d)(?![\d]|[.,]\d)")


@dataclass(frozen=True)
class BareRule:
    code: str
    settings: frozenset[str]  # the text must be set in each of these places
    before_year: int | None


@dataclass(frozen=True)
class BareCurrency:
    id: str
    not_followed_by: re.Pattern | None
    not_preceded_by: frozenset[str]
    rules: tuple[BareRule, ...]


def _words_regex(words: list[str], *, ignore_case: bool) -> re.Pattern:
    body = "|".join(form_pattern(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.I if ignore_case else 0)


@lru_cache(maxsize=None)
def bare_currencies(lexicon: str = LEXICON) -> dict[str, BareCurrency]:
    """Bare "livres"/"francs" entries of the lexicon, by lower-case name."""
    entries: dict[str, BareCurrency] = {}
    for entry in lexicons.require_ids(lexicons.load(lexicon).get("bare_currencies", []), f"{lexicon} bare_currencies"):
        rules = tuple(BareRule(rule["code"], frozenset(rule.get("settings", [])), rule.get("before_year"))
                      for rule in entry["rules"])
        after = entry.get("not_followed_by")
        bare = BareCurrency(entry["id"], _words_regex(after, ignore_case=True) if after else None,
                            frozenset(w.lower() for w in entry.get("not_preceded_by", [])), rules)
        for name in entry["names"]:
            entries[name.lower()] = bare
    return entries


def bare_vetoed(name: str, word_before: str, text_after: str, lexicon: str = LEXICON) -> bool:
    """True when the words around a bare "livres" say it counts books, not pounds.

    >>> bare_vetoed("livres", "a", " ont été vendus"), bare_vetoed("livres", "vendu", ""), bare_vetoed("livres", "levé", " vendus")
    (False, True, True)
    """
    entry = bare_currencies(lexicon)[name.lower()]
    if word_before.lower() in entry.not_preceded_by:
        return True
    return bool(entry.not_followed_by and entry.not_followed_by.match(text_after.lstrip()))


def bare_currency(name: str, document: str, sentence: str = "", published: str | None = None,
                  lexicon: str = LEXICON, settings: frozenset[str] | None = None) -> str | None:
    """ISO code of a bare "livres"/"francs" after an amount, from what the document tells; None when nothing does.
    `settings`: where the document is set (settings_of), computed from `document` when not given.

    >>> bare_currency("livres", "")
    'GBP'
    >>> bare_currency("francs", "La banque genevoise a publié ses comptes."), bare_currency("francs", "Le chocolatier grison vend.")
    ('CHF', 'CHF')
    >>> bare_currency("francs", "Le Cameroun emprunte en francs CFA."), bare_currency("francs", "Dakar paie en francs CFA.")
    ('XAF', 'XOF')
    >>> bare_currency("francs", "", "En 1998, Paris a payé 3 milliards de francs."), bare_currency("francs", "", "", "2000-05-30")
    ('FRF', 'FRF')
    >>> bare_currency("francs", "La firme liégeoise", "En 1995, elle a levé 3 millions de francs.")
    'BEF'
    >>> bare_currency("francs", "", "En 2021, le fonds a levé 3 milliards de francs.", "2021-01-04") is None
    True
    """
    entry = bare_currencies(lexicon)[name.lower()]
    if settings is None:
        settings = settings_of(document, lexicon)
    for rule in entry.rules:
        if not all(setting in settings for setting in rule.settings):
            continue
        if rule.before_year is not None and not _year_before(sentence, published, rule.before_year):
            continue
        return rule.code
    return None


def _year_before(sentence: str, published: str | None, limit: int) -> bool:
    """A year of the sentence is before `limit`; with no year in the sentence, the publication year is."""
    years = [int(y) for y in _YEAR.findall(sentence)]
    if years:
        return min(years) < limit
    return bool(published and published[:4].isdigit() and int(published[:4]) < limit)


def percent_value(text: str) -> Number | None:
    """The number of a percentage as written, sign included.

    >>> [percent_value(s) for s in ["42 %", "7,5 %", "+42 %", "−3 %", "27 pour cent", "un pour cent", "656%"]]
    [42, 7.5, 42, -3, 27, 1, 656]
    """
    body = re.sub(r"\s*(?:%|pour[\s-]*cents?)\s*$", "", text.strip(), flags=re.I)
    sign, number = _SIGNED.match(body).groups()
    value = number_decimal(number)
    if value is None:
        return None
    return to_number(-value if sign and sign in "-−–" else value)
