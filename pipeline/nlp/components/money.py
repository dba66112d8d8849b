"""MONEY and PERCENT entities, found on the characters of doc.text.

The French tokenizer splits "1 400 000 €" into four tokens and glues "Md€" together, so token patterns
are awkward here: one compiled regex, built from models/money.yaml, scans the text once and each hit
is mapped back to tokens with doc.char_span(alignment_mode="expand"). price-parser and text2num turn
the figures into values (pipeline/normalize/amounts.py); they do not locate amounts in running text,
hence the hand-written grammar below.

Span = figure + scale + currency ("15 milliards de dollars", "$5 Md", "46 Md€"); qualifier words stay
outside it, a range spans both figures (FORMAT.md, MONEY).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc

from .. import lexicons
from ..sentences import crosses_sentence, sentence_around
from ..normalize import amounts
from ..normalize.amounts import DE, SP, Number, form_pattern, form_units, unit_pattern
from .serialize import SavesDataFiles
from .spans import char_span, register_extensions, set_entities

FORM_IDS = ("money.amount", "money.ellipsis", "money.document", "money.range", "money.change", "money.approx_count",
            "money.vague", "money.subunit", "percent.figure", "percent.words")

NO_LETTER_AFTER = r"(?![^\W\d_])"
# A figure starts on a digit that does not continue a number or a word ("2024", "GPT-4" stay whole).
FIGURE_BODY = (rf"(?:\d{{1,3}}(?:[{amounts.GROUP_SPACES}.]\d{{3}})+(?:,\d+)?(?!\d)"
               rf"|\d+(?:[.,]\d+)*)")
FIGURE = rf"(?<![\w.,]){FIGURE_BODY}"
WORD = re.compile(r"[^\W\d_]+")
CLAUSE_STOP = re.compile(r"[,;:.!?()«»\n]")
# How far back an amount with a scale but no currency looks for the currency it continues: whether a
# boundary lies in text[start:end]. A sentence is pipeline/nlp/sentences.py's, as everywhere.
CARRY_BOUNDARIES = {
    "sentence": crosses_sentence,  # FORMAT.md: "in the same sentence" (pipeline/nlp/sentences.py)
    "paragraph": lambda text, start, end: "\n" in text[start:end],
    "document": lambda text, start, end: False,
}


def _alternation(forms: Iterable[str], *, case_sensitive: bool = False, bounded: bool = True) -> str:
    """One regex for a word list, factorised as a trie ("plus de|plus d'|plus ou moins" share "plus "):
    a plain alternation of a few hundred forms, tried at every word start, is what made the scan slow.
    A longer form is tried before its prefix; `bounded` forbids a letter right after."""
    trie: dict = {}
    for form in set(forms):
        node = trie
        for unit in form_units(form if case_sensitive else form.lower()):
            node = node.setdefault(unit, {})
        node[""] = {}
    body = _trie_pattern(trie) or "(?!)"
    body = f"(?-i:{body})" if case_sensitive else f"(?:{body})"
    return body + NO_LETTER_AFTER if bounded else body


def _trie_pattern(node: dict) -> str:
    branches = [unit_pattern(unit) + _trie_pattern(child) for unit, child in sorted(node.items()) if unit]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


@dataclass(frozen=True)
class Found:
    """One amount or percentage in a text; plain data, ready for span attributes."""
    start: int
    end: int
    label: str
    value: Number | None
    rule: str
    currency: str | None = None
    qualifier: str | None = None
    value_max: Number | None = None


class MoneyGrammar:
    """The compiled regex and the reading of its matches; no spaCy, usable on any string."""

    def __init__(self, lexicon: str = "money.yaml"):
        self.lexicon = lexicon
        data = lexicons.load(lexicon)
        missing = set(FORM_IDS) - {f["id"] for f in lexicons.require_ids(data["forms"], f"{lexicon} forms")}
        if missing:
            raise lexicons.LexiconError(f"{lexicon}: forms without an entry: {sorted(missing)}")
        self.money_nouns = frozenset(w.lower() for w in data.get("money_nouns", []))
        self.count_words_before = frozenset(w.lower() for w in data.get("count_words_before", []))
        self.change_verbs = frozenset(w.lower() for w in data.get("change_verbs", []))
        self.subunits = {e["id"]: (e.get("code"), e.get("code") or e["default"])
                         for e in lexicons.require_ids(data.get("subunits", []), f"{lexicon} subunits")}
        self.subunits_by_form = {f.lower(): (e["id"], e.get("default"), e.get("code"))
                                 for e in data.get("subunits", []) for f in e["forms"]}
        self.regex = re.compile(self._build(data), re.IGNORECASE)
        self.counted_noun = re.compile(rf"{SP}+{DE}{SP}*([^\W\d_][\w'’-]*)", re.IGNORECASE)

    # ----- building -------------------------------------------------------------------------
    @staticmethod
    def _scales(entries: list[dict]) -> str:
        words = [f for e in entries if not e.get("case_sensitive") for f in e["forms"]]
        marks = [f for e in entries if e.get("case_sensitive") for f in e["forms"]]
        return f"(?:{_alternation(words)}|{_alternation(marks, case_sensitive=True)})"

    def _currencies(self) -> tuple[str, str]:
        """(any currency after a figure, symbols and codes allowed before a figure): CLDR's and the lexicon's."""
        found = amounts.tables(self.lexicon)
        return (f"(?:{_alternation(found.symbols, case_sensitive=True)}|{_alternation(found.names)})",
                rf"(?<!\w){_alternation(found.prefixes, case_sensitive=True)}")

    @staticmethod
    def _join(form: str) -> str:
        word = form[:1].isalpha()
        return f"{SP}+{form_pattern(form)}{SP}+" if word else f"{SP}*{re.escape(form)}{SP}*"

    def _build(self, data: dict) -> str:
        lexicons.require_ids(data["ranges"], f"{self.lexicon} ranges")
        scale = self._scales(data["scales"])
        currency, prefix = self._currencies()
        subunit = _alternation(f for e in data.get("subunits", []) for f in e["forms"])
        # "le milliard de dollars": an empty figure right after an article (fixed-width look-behinds; re
        # has no variable-width one)
        lone = "|".join(rf"(?<=(?<!\w){re.escape(a)}[^\S\n])" for a in data.get("lone_scale_articles", []))
        lone = rf"(?P<lone>(?:{lone})(?-i:(?=[a-z])))" if lone else "(?!)"
        words = _alternation(data["number_words"], bounded=False)
        number_words = rf"(?<![\w-]){words}(?:(?:{SP}+et{SP}+|-et-|-|{SP}+){words})*(?![\w-])"
        approx = data["approx_counts"]
        approx_count = (rf"(?<!\w){_alternation(approx['article'])}{SP}+"
                        rf"(?P<count>{_alternation(f for c in approx['counts'] for f in c['forms'])})"
                        rf"{SP}+{DE}{SP}*")
        half = rf"(?P<half>{SP}+{_alternation(data['half_suffix']['forms'])})"
        cur_sep = rf"(?:{SP}+{DE}{SP}*|{SP}*)"
        between_words = data.get("between_number_and_scale", [])
        between = rf"(?:{SP}+{_alternation(between_words)})?" if between_words else ""
        # bare "livres"/"francs" only after a scale word and "de"; never "francs-tireurs"
        bare_names = (_alternation((n for e in data.get("bare_currencies", []) for n in e["names"]), bounded=False)
                + r"(?![\w-])")
        qualifier = _alternation((f for q in data["qualifiers"] for f in q["forms"]), bounded=False)

        led = [r for r in data["ranges"] if r.get("lead")]
        bare = next((r for r in data["ranges"] if not r.get("lead")), {"joins": []})
        leads = "|".join(f"(?P<lead{i}>{form_pattern(r['lead'])})" for i, r in enumerate(led))
        join = "(?:" + "|".join(self._join(j) for j in bare["joins"]) + ")" if bare["joins"] else "(?!)"
        for i, r in reversed(list(enumerate(led))):  # the lead decides which joining word fits
            join = f"(?(lead{i})(?:{'|'.join(self._join(j) for j in r['joins'])})|{join})"

        money = (
            rf"(?P<money>(?:(?<!\w)(?:(?P<qual>{qualifier})|{leads}){SP}*)?"
            rf"(?P<pre>{prefix}{SP}?)?"
            # a code glued before the figure ("CHF12,50") drops the figure's own look-behind
            rf"(?P<num>{approx_count}|(?(pre){FIGURE_BODY}|{FIGURE})|{number_words}|{lone})"
            rf"(?:{between}{SP}*(?P<scale>{scale}){half}?)?(?(lone)(?(scale)|(?!))|)"
            rf"(?:{cur_sep}(?P<cur>{currency})"
            # "4 euros et 60 centimes", "1 USD 23 cents", "2 euros 45." (a bare two-figure tail ends the phrase)
            rf"(?P<plus>(?(scale)(?!)|){SP}+(?:et{SP}+)?(?P<plusnum>\d{{1,2}})"
            rf"(?:{SP}+(?P<punit>{subunit}){NO_LETTER_AFTER}|(?![^\S\n]*[\w%€$£])))?"
            rf"|{SP}+{DE}{SP}*(?(scale)(?P<bare>{bare_names})|(?!)))?(?(lone)(?(cur)|(?!))|)"
            rf"(?P<range>{join}(?P<pre2>{prefix}{SP}?)?(?P<num2>{FIGURE}|{number_words})"
            rf"(?:{SP}*(?P<scale2>{scale}))?"
            rf"(?:{cur_sep}(?P<cur2>{currency})|{SP}+{DE}{SP}*(?(scale2)(?P<bare2>{bare_names})|(?!)))?"
            # the second figure must look like money; after a currency, with its own currency
            rf"(?(cur)(?(cur2)|(?!))|(?(scale2)|(?(cur2)|(?!)))))?"
            rf"(?(pre)|(?(scale)|(?(cur)|(?(range)|(?!))))))"
        )
        vague = data["vague"]
        self.vague_articles = {f.lower() for d in vague["determiners"] if d.get("article") for f in d["forms"]}
        vague_det = _alternation(f for d in vague["determiners"] for f in d["forms"])
        vague_count = _alternation(f for c in vague["counts"] for f in c["forms"])
        money_vague = (
            rf"(?P<vague>(?<!\w)(?P<vdet>{vague_det}){SP}+(?:(?P<vcount>{vague_count}){SP}+{DE}{SP}*)?"
            rf"(?P<vscale>{scale})?(?(vcount)|(?(vscale)|(?!))){cur_sep}(?P<vcur>{currency}))"
        )
        cents = (
            rf"(?P<cents>(?P<cnum>{FIGURE}){SP}*(?P<cunit>{subunit}){NO_LETTER_AFTER}"
            rf"(?:{SP}+{DE}{SP}*(?P<ccur>{currency}))?)"
        ) if subunit != "(?!)" else "(?!)"
        percent = (
            rf"(?P<percent>(?:(?<![\w.,%])(?P<psign>[+\-−±]){SP}?)?(?P<pnum>{FIGURE}|{number_words})"
            rf"{SP}*{_alternation(data['percent_signs'])})"
        )
        # Cheap guard tried before the alternatives: a match starts a word, on a character that can
        # begin one of them (a digit, a sign, a currency mark or the first letter of a lexicon word).
        openers = [*data["number_words"], *approx["article"], *(r["lead"] for r in led),
                   *(f for q in data["qualifiers"] for f in q["forms"]),
                   *(f for d in vague["determiners"] for f in d["forms"]),
                   *(f for e in data["scales"] if not e.get("case_sensitive") for f in e["forms"])]
        first = "".join(sorted({re.escape({"{de}": "d", "'": "'’"}.get(u, u))
                                for u in (form_units(f)[0] for f in openers)}))
        # signs and codes open a match only in their own case ("CHF", not every word starting with c)
        marks = "".join(sorted({re.escape(symbol[0]) for symbol in amounts.tables(self.lexicon).prefixes}))
        return (rf"(?<!\w)(?=[\d+\-−±{first}]|(?-i:[{marks}]))"
                rf"(?:{percent}|{money}|{money_vague}|{cents})")

    # ----- reading --------------------------------------------------------------------------
    def scan(self, text: str, *, carry_currency: str = "sentence", published: str | None = None,
             document_currency: bool = False) -> list[Found]:
        """Every amount and percentage in `text`, in order; `published` helps to tell which franc.

        An amount with a scale and no currency ("contre 183 milliards") continues the last currency of its
        sentence (`carry_currency` sets how far back to look), else the next one of its sentence ("72 milliards et
        56 milliards de dollars"); with `document_currency`, else the currency the document uses for its
        amounts: the last one before it, else the first after it (GOLD.md, "Currency by context").

        >>> [(f.value, f.currency, f.qualifier) for f in grammar().scan("Il a levé plus de 2,5 Md€.")]
        [(2500000000, 'EUR', 'more_than')]
        >>> [(f.value, f.currency) for f in grammar().scan("Il a levé 5 millions de francs, contre 3 millions.", published="1999-02-01")]
        [(5000000, 'FRF'), (3000000, 'FRF')]
        >>> [(f.value, f.currency) for f in grammar().scan("Valorisés à 72 milliards et 56 milliards de dollars.")]
        [(72000000000, 'USD'), (56000000000, 'USD')]
        >>> [(f.value, f.currency, f.rule) for f in grammar().scan("La PME vaudoise lève 9 millions de francs. Puis 4 millions.", document_currency=True)]
        [(9000000, 'CHF', 'money.amount'), (4000000, 'CHF', 'money.document')]
        """
        boundary = CARRY_BOUNDARIES.get(carry_currency)
        settings = amounts.LazySettings(text, self.lexicon)
        found: list[Found] = []
        pending: list[int] = []  # indexes in `found` of amounts still without a currency
        last_currency, last_end = None, 0
        for match in self.regex.finditer(text):
            if match.group("percent") is not None:
                found.append(self._percent(match))
                continue
            if match.group("vague") is not None:
                items = [self._vague(match, settings)]
            elif match.group("cents") is not None:
                items = [self._subunit(match, settings)]
            else:
                items = self._money(match, text, published, settings)
            named = match.group("vague") is None and match.group("cents") is None and any(
                match.group(mark) for mark in ("cur", "pre", "cur2", "pre2"))
            for item in items:
                # a currency the text names but does not settle ("7 rials" with no country) stays null
                if item.currency is None and not named and not self._bare_name(match) and item.rule != "money.subunit":
                    if not self._carries(text, match):
                        continue
                    carried = (boundary is not None and last_currency is not None
                               and not boundary(text, last_end, item.start))
                    if carried:
                        item = replace(item, currency=last_currency, rule="money.ellipsis")
                    else:
                        pending.append(len(found))
                found.append(item)
                if item.currency is not None:
                    last_currency, last_end = item.currency, item.end
        dropped = set()
        for index in pending:
            item = found[index]
            after = next((f for f in found[index + 1:] if f.label == "MONEY" and f.currency
                          and f.rule not in ("money.ellipsis", "money.document")), None)
            if after is not None and not crosses_sentence(text, item.end, after.start):
                found[index] = replace(item, currency=after.currency, rule="money.ellipsis")
                continue
            if not document_currency:
                dropped.add(index)
                continue
            before = next((f for f in reversed(found[:index]) if f.label == "MONEY" and f.currency), None)
            source = before or after
            if source is not None:
                found[index] = replace(item, currency=source.currency, rule="money.document")
            elif settings.local_currency():  # no currency anywhere: the local one ("racheté 320 millions", Zurich)
                found[index] = replace(item, currency=settings.local_currency(), rule="money.document")
            else:
                dropped.add(index)
        for index in (i for i, f in enumerate(found) if f.rule == "money.subunit" and f.currency is None):
            found[index] = replace(found[index], currency=self._document_currency(found, index)
                                   or self.subunits[found[index].qualifier or ""][1])
        found = [replace(f, qualifier="exact") if f.rule == "money.subunit" else f
                 for i, f in enumerate(found) if i not in dropped]
        return found

    @staticmethod
    def _document_currency(found: list[Found], index: int) -> str | None:
        """The currency of the nearest amount before `index` that states one, else after it."""
        before = (f.currency for f in reversed(found[:index]) if f.label == "MONEY" and f.currency)
        after = (f.currency for f in found[index + 1:] if f.label == "MONEY" and f.currency)
        return next(before, None) or next(after, None)

    def _subunit(self, match: re.Match, settings: frozenset[str]) -> Found:
        """"75 cents" → 0.75; the currency from the unit, the words after it, or (later) the document."""
        unit = match.group("cunit").lower()
        entry_id, default, fixed = self.subunits_by_form[unit]
        currency = fixed or (amounts.currency_code(match.group("ccur"), self.lexicon, settings)
                             if match.group("ccur") else None)
        value = amounts.number_decimal(match.group("cnum"))
        value = None if value is None else amounts.to_number(value / 100)
        # the entry id rides in `qualifier` until scan() has looked for the document's currency
        return Found(match.start("cents"), match.end("cents"), "MONEY", value, "money.subunit", currency, entry_id)

    def _percent(self, match: re.Match) -> Found:
        text = match.group("percent")
        rule = "percent.figure" if match.group("pnum")[:1].isdigit() else "percent.words"
        # A plus sign marks growth, not the figure ("+42 %" → span "42 %"); a minus stays with its value.
        start = match.start("pnum") if match.group("psign") == "+" else match.start("percent")
        return Found(start, match.end("percent"), "PERCENT", amounts.percent_value(text), rule)

    def _vague(self, match: re.Match, settings: frozenset[str] = frozenset()) -> Found:
        start = match.start("vdet")
        if match.group("vdet").lower() in self.vague_articles:  # "des milliards de dollars": the article stays out
            start = match.start("vcount") if match.group("vcount") else match.start("vscale")
        return Found(start, match.end("vague"), "MONEY", None, "money.vague",
                     currency=amounts.currency_code(match.group("vcur"), self.lexicon, settings), qualifier="approx")

    @staticmethod
    def _bare_name(match: re.Match) -> str | None:
        return match.group("bare") or match.group("bare2") if match.group("vague") is None else None

    def _bare_currency(self, match: re.Match, name: str, text: str, published: str | None,
                       settings: frozenset[str] | None = None) -> str | None | bool:
        """Code of a bare "livres"/"francs" (None: the text does not tell), or False when it counts books."""
        before = WORD.findall(text, max(0, match.start() - 40), match.start())
        if amounts.bare_vetoed(name, before[-1] if before else "", text[match.end():match.end() + 40], self.lexicon):
            return False
        return amounts.bare_currency(name, text, sentence_around(text, match.start(), match.end()), published,
                                     self.lexicon, settings)

    def _money(self, match: re.Match, text: str = "", published: str | None = None,
               settings: frozenset[str] = frozenset()) -> list[Found]:
        group = match.group
        scale = group("scale")
        count = group("count")
        if count:
            figure = str(amounts.approx_count_value(count, self.lexicon))
        elif group("lone") is not None:
            figure = "1"
        else:
            figure = group("num")
        is_range = group("range") is not None
        value = amounts.amount_value(figure, scale or (group("scale2") if is_range else None),
                                     half=bool(group("half")), lexicon=self.lexicon)
        if not figure[:1].isdigit() and not scale and value == 1:
            return []  # "un dollar fort", "un euro numérique": not an amount
        marks = [c for c in (group("cur"), group("pre"), group("cur2"), group("pre2")) if c]
        entry = next((amounts.currency_of(c, self.lexicon) for c in marks), None)
        currency = entry.resolve(settings) if entry else None
        if entry is not None and entry.power and currency is None:
            return []  # "5 MD" outside a Tunisian text: no currency, and no amount either
        bare = self._bare_name(match)
        if currency is None and bare:
            currency = self._bare_currency(match, bare, text, published, settings)
            if currency is False:
                return []
        elif currency is None and entry is None:
            scale_entry = amounts.scale_of(scale or group("scale2") or "", self.lexicon)
            if scale_entry is None or scale_entry.needs_currency:
                return []
        if entry is not None and entry.power and value is not None and not scale:
            value = amounts.to_number(Decimal(str(value)) * Decimal(10) ** entry.power)  # "143 MDT"
        if group("plus") and value is not None:  # "4 euros et 60 centimes"
            value = amounts.to_number(Decimal(str(value)) + Decimal(group("plusnum")) / 100)
        if is_range:
            qualifier = "range"
        elif group("qual"):
            qualifier = amounts.qualifier_code(group("qual"), self.lexicon) or "exact"
        else:
            qualifier = "approx" if count else "exact"
        value_max = (amounts.amount_value(group("num2"), group("scale2") or scale, lexicon=self.lexicon)
                     if is_range else None)
        second = next((amounts.currency_of(c, self.lexicon) for c in (group("cur2"), group("pre2")) if c), None)
        if second is not None and second.power and value_max is not None and not (group("scale2") or scale):
            value_max = amounts.to_number(Decimal(str(value_max)) * Decimal(10) ** second.power)
        rule = "money.range" if is_range else "money.approx_count" if count else "money.amount"
        start = match.start("pre") if group("pre") else match.start("num")
        if is_range and self._is_change(match, text):
            # "passer de 3 à 2 millions d'euros": two amounts, the first taking the second's scale and currency
            first_end = max(e for e in (match.end("num"), match.end("scale"), match.end("cur")) if e != -1)
            return [Found(start, first_end, "MONEY", value, "money.change", currency, "exact"),
                    Found(match.start("pre2") if group("pre2") else match.start("num2"), match.end("money"), "MONEY",
                          value_max, "money.change", currency, "exact")]
        return [Found(start, match.end("money"), "MONEY", value, rule, currency, qualifier, value_max)]

    def _is_change(self, match: re.Match, text: str) -> bool:
        """"de X à Y" after a verb of change ("passe de 3 à 2 millions") reads as two amounts, not a range."""
        lead = next((name for name, value in match.groupdict().items() if name.startswith("lead") and value), None)
        if lead is None or match.group(lead).lower()[:1] != "d":
            return False
        words = WORD.findall(text, max(0, match.start() - 30), match.start())
        return bool(words) and words[-1].lower() in self.change_verbs

    def _carries(self, text: str, match: re.Match) -> bool:
        """A scale amount with no currency is money unless "de <noun>" after it says it counts something else
        ("7 millions de téléchargements") or a counting word leads its clause ("un nombre de passagers de 2,8
        millions"); a money noun before it in its clause settles it ("l'investissement de 50 millions de X")."""
        stops = [m.end() for m in CLAUSE_STOP.finditer(text, max(0, match.start() - 80), match.start())]
        words = {word.lower() for word in WORD.findall(text, stops[-1] if stops else max(0, match.start() - 80),
                                                         match.start())}
        if words & self.count_words_before:
            return False
        after = self.counted_noun.match(text, match.end())
        if after is None or after.group(1).lower() in self.money_nouns:
            return True
        return after.group(1)[:1].isupper() and bool(words & self.money_nouns)


@lru_cache(maxsize=None)
def grammar(lexicon: str = "money.yaml") -> MoneyGrammar:
    """One compiled grammar per lexicon for the process."""
    return MoneyGrammar(lexicon)


@Language.factory(
    "fr_finance_money_v1",
    default_config={"lexicon": "money.yaml", "carry_currency": "sentence", "document_currency": True},
)
class MoneyRecognizer(SavesDataFiles):
    """MONEY and PERCENT spans with value, currency, qualifier, value_max (ranges) and rule.

    They replace overlapping model entities (no MISC over "15 milliards de dollars").
    `carry_currency`: where an amount with a scale but no currency ("contre 183 milliards") finds the
    currency it continues: "sentence" (FORMAT.md), "paragraph", "document" (the last currency seen), or
    "none" (such amounts are dropped). `document_currency`: an amount still without one takes the currency
    the document uses for its amounts (GOLD.md, "Currency by context").
    """

    def __init__(self, nlp: Language, name: str = "fr_finance_money_v1", *, lexicon: str = "money.yaml",
                 carry_currency: str = "sentence", document_currency: bool = True):
        if carry_currency not in (*CARRY_BOUNDARIES, "none"):
            raise ValueError(f"carry_currency must be one of {[*CARRY_BOUNDARIES, 'none']}, not {carry_currency!r}")
        register_extensions()
        self.name = name
        self.grammar = grammar(lexicon)
        self.carry_currency = carry_currency
        self.document_currency = document_currency

    def __call__(self, doc: Doc) -> Doc:
        published = doc._.fr_finance_published
        items = self.grammar.scan(doc.text, carry_currency=self.carry_currency,
                                  published=str(published) if published else None,
                                  document_currency=self.document_currency)
        split_at_boundaries(doc, [(item.start, item.end) for item in items])
        spans = []
        for item in items:
            span = char_span(doc, item.start, item.end, item.label)
            if span is None:
                continue
            span._.fr_finance_value = item.value
            span._.fr_finance_rule = item.rule
            if item.label == "MONEY":
                span._.fr_finance_currency = item.currency
                span._.fr_finance_qualifier = item.qualifier
                span._.fr_finance_value_max = item.value_max
            spans.append(span)
        if spans:
            set_entities(doc, spans)
        return doc


def split_at_boundaries(doc: Doc, ranges: list[tuple[int, int]]) -> None:
    """Split the tokens that a range starts or ends inside, so spans keep their exact characters.

    The French tokenizer leaves a full stop glued to a currency sign at the end of a sentence
    ("46 Md€." is one token "Md€."); expanding to whole tokens would put the stop in the span.
    """
    cuts: dict[int, set[int]] = {}
    for start, end in ranges:
        if doc.char_span(start, end) is not None:
            continue
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        first, last = span[0], span[-1]
        if first.idx < start:
            cuts.setdefault(first.i, set()).add(start - first.idx)
        if last.idx + len(last) > end:
            cuts.setdefault(last.i, set()).add(end - last.idx)
    if not cuts:
        return
    rows = len(doc)
    with doc.retokenize() as retokenizer:
        for i, offsets in cuts.items():
            token = doc[i]
            bounds = [0, *sorted(offsets), len(token)]
            orths = [token.text[a:b] for a, b in zip(bounds, bounds[1:])]
            head = token.head if token.head.i != token.i else (token, 0)
            deps = [token.dep_] + ["punct" if not any(c.isalnum() for c in o) else "dep" for o in orths[1:]]
            retokenizer.split(token, orths, heads=[head] + [(token, 0)] * (len(orths) - 1),
                              attrs={"DEP": deps} if doc.has_annotation("DEP") else {})
    if doc.tensor is not None and doc.tensor.shape[0] > len(doc) >= rows:
        doc.tensor = doc.tensor[: len(doc)]  # spaCy's split appends one row too many per split
