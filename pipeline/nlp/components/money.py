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
from functools import lru_cache
from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc

from .. import lexicons
from ..normalize import amounts
from ..normalize.amounts import DE, SP, Number, form_pattern, form_units, unit_pattern
from .serialize import SavesDataFiles
from .spans import char_span, register_extensions, set_entities

FORM_IDS = ("money.amount", "money.ellipsis", "money.range", "money.approx_count", "money.vague",
            "percent.figure", "percent.words")

NO_LETTER_AFTER = r"(?![^\W\d_])"
# A figure starts on a digit that does not continue a number or a word ("2024", "GPT-4" stay whole).
FIGURE = (rf"(?<![\w.,])(?:\d{{1,3}}(?:[{amounts.GROUP_SPACES}.]\d{{3}})+(?:,\d+)?(?!\d)"
          rf"|\d+(?:[.,]\d+)*)")
# How far back an amount with a scale but no currency looks for the currency it continues.
CARRY_BOUNDARIES = {
    "sentence": re.compile(r"[.!?…](?=\s)|\n"),  # FORMAT.md: "in the same sentence"
    "paragraph": re.compile(r"\n"),
    "document": re.compile(r"(?!)"),
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
        self.regex = re.compile(self._build(data), re.IGNORECASE)
        self.counted_noun = re.compile(rf"{SP}+{DE}{SP}*([^\W\d_][\w'’-]*)", re.IGNORECASE)

    # ----- building -------------------------------------------------------------------------
    @staticmethod
    def _scales(entries: list[dict]) -> str:
        words = [f for e in entries if not e.get("case_sensitive") for f in e["forms"]]
        marks = [f for e in entries if e.get("case_sensitive") for f in e["forms"]]
        return f"(?:{_alternation(words)}|{_alternation(marks, case_sensitive=True)})"

    @staticmethod
    def _currencies(entries: list[dict]) -> tuple[str, str]:
        """(any currency after a figure, symbols and codes allowed before a figure)."""
        names = [n for e in entries for n in e.get("names", [])]
        symbols = [s for e in entries for s in e.get("symbols", [])]
        symbol_alt = _alternation(symbols, case_sensitive=True)
        return f"(?:{symbol_alt}|{_alternation(names)})", rf"(?<!\w){symbol_alt}"

    @staticmethod
    def _join(form: str) -> str:
        word = form[:1].isalpha()
        return f"{SP}+{form_pattern(form)}{SP}+" if word else f"{SP}*{re.escape(form)}{SP}*"

    def _build(self, data: dict) -> str:
        lexicons.require_ids(data["ranges"], f"{self.lexicon} ranges")
        scale = self._scales(data["scales"])
        currency, prefix = self._currencies(data["currencies"])
        words = _alternation(data["number_words"], bounded=False)
        number_words = rf"(?<![\w-]){words}(?:(?:{SP}+et{SP}+|-et-|-|{SP}+){words})*(?![\w-])"
        approx = data["approx_counts"]
        approx_count = (rf"(?<!\w){_alternation(approx['article'])}{SP}+"
                        rf"(?P<count>{_alternation(f for c in approx['counts'] for f in c['forms'])})"
                        rf"{SP}+{DE}{SP}*")
        half = rf"(?P<half>{SP}+{_alternation(data['half_suffix']['forms'])})"
        cur_sep = rf"(?:{SP}+{DE}{SP}*|{SP}*)"
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
            rf"(?P<num>{approx_count}|{FIGURE}|{number_words})"
            rf"(?:{SP}*(?P<scale>{scale}){half}?)?"
            rf"(?:{cur_sep}(?P<cur>{currency})|{SP}+{DE}{SP}*(?(scale)(?P<bare>{bare_names})|(?!)))?"
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
        percent = (
            rf"(?P<percent>(?:(?<![\w.,%])(?P<psign>[+\-−±]){SP}?)?(?P<pnum>{FIGURE}|{number_words})"
            rf"{SP}*{_alternation(data['percent_signs'])})"
        )
        # Cheap guard tried before the alternatives: a match starts a word, on a character that can
        # begin one of them (a digit, a sign, a currency mark or the first letter of a lexicon word).
        openers = [*data["number_words"], *approx["article"], *(r["lead"] for r in led),
                   *(f for q in data["qualifiers"] for f in q["forms"]),
                   *(f for d in vague["determiners"] for f in d["forms"]),
                   *(s for c in data["currencies"] for s in c.get("symbols", []))]
        first = "".join(sorted({re.escape({"{de}": "d", "'": "'’"}.get(u, u))
                                for u in (form_units(f)[0] for f in openers)}))
        return rf"(?<!\w)(?=[\d+\-−±{first}])(?:{percent}|{money}|{money_vague})"

    # ----- reading --------------------------------------------------------------------------
    def scan(self, text: str, *, carry_currency: str = "sentence", published: str | None = None) -> list[Found]:
        """Every amount and percentage in `text`, in order; `published` helps to tell which franc.

        >>> [(f.value, f.currency, f.qualifier) for f in grammar().scan("Il a levé plus de 2,5 Md€.")]
        [(2500000000, 'EUR', 'more_than')]
        >>> [(f.value, f.currency) for f in grammar().scan("Il a levé 5 millions de francs, contre 3 millions.", published="1999-02-01")]
        [(5000000, 'FRF'), (3000000, 'FRF')]
        """
        boundary = CARRY_BOUNDARIES.get(carry_currency)
        found: list[Found] = []
        last_currency, last_end = None, 0
        for match in self.regex.finditer(text):
            if match.group("percent") is not None:
                found.append(self._percent(match))
                continue
            item = self._vague(match) if match.group("vague") is not None else self._money(match, text, published)
            if item is None:
                continue
            if item.currency is None and not self._bare_name(match):
                carried = (boundary is not None and last_currency is not None
                           and not boundary.search(text, last_end, match.start()))
                if not (carried and self._carries(text, match)):
                    continue
                item = replace(item, currency=last_currency, rule="money.ellipsis")
            found.append(item)
            last_currency, last_end = item.currency, item.end
        return found

    def _percent(self, match: re.Match) -> Found:
        text = match.group("percent")
        rule = "percent.figure" if match.group("pnum")[:1].isdigit() else "percent.words"
        # A plus sign marks growth, not the figure ("+42 %" → span "42 %"); a minus stays with its value.
        start = match.start("pnum") if match.group("psign") == "+" else match.start("percent")
        return Found(start, match.end("percent"), "PERCENT", amounts.percent_value(text), rule)

    def _vague(self, match: re.Match) -> Found:
        start = match.start("vdet")
        if match.group("vdet").lower() in self.vague_articles:  # "des milliards de dollars": the article stays out
            start = match.start("vcount") if match.group("vcount") else match.start("vscale")
        return Found(start, match.end("vague"), "MONEY", None, "money.vague",
                     currency=amounts.currency_code(match.group("vcur"), self.lexicon), qualifier="approx")

    @staticmethod
    def _bare_name(match: re.Match) -> str | None:
        return match.group("bare") or match.group("bare2") if match.group("vague") is None else None

    def _bare_currency(self, match: re.Match, name: str, text: str, published: str | None) -> str | None | bool:
        """Code of a bare "livres"/"francs" (None: the text does not tell), or False when it counts books."""
        before = re.findall(r"[^\W\d_]+", text[max(0, match.start() - 40):match.start()])
        if amounts.bare_vetoed(name, before[-1] if before else "", text[match.end():match.end() + 40], self.lexicon):
            return False
        return amounts.bare_currency(name, text, sentence_around(text, match.start(), match.end()), published,
                                     self.lexicon)

    def _money(self, match: re.Match, text: str = "", published: str | None = None) -> Found | None:
        group = match.group
        scale = group("scale")
        count = group("count")
        if count:
            figure = str(amounts.approx_count_value(count, self.lexicon))
        else:
            figure = group("num")
        is_range = group("range") is not None
        value = amounts.amount_value(figure, scale or (group("scale2") if is_range else None),
                                     half=bool(group("half")), lexicon=self.lexicon)
        if not figure[:1].isdigit() and not scale and value == 1:
            return None  # "un dollar fort", "un euro numérique": not an amount
        currency = next((amounts.currency_code(c, self.lexicon)
                         for c in (group("cur"), group("pre"), group("cur2"), group("pre2")) if c), None)
        bare = self._bare_name(match)
        if currency is None and bare:
            currency = self._bare_currency(match, bare, text, published)
            if currency is False:
                return None
        elif currency is None:
            entry = amounts.scale_of(scale or group("scale2") or "", self.lexicon)
            if entry is None or entry.needs_currency:
                return None
        if is_range:
            qualifier = "range"
        elif group("qual"):
            qualifier = amounts.qualifier_code(group("qual"), self.lexicon) or "exact"
        else:
            qualifier = "approx" if count else "exact"
        value_max = (amounts.amount_value(group("num2"), group("scale2") or scale, lexicon=self.lexicon)
                     if is_range else None)
        rule = "money.range" if is_range else "money.approx_count" if count else "money.amount"
        start = match.start("pre") if group("pre") else match.start("num")
        return Found(start, match.end("money"), "MONEY", value, rule, currency, qualifier, value_max)

    def _carries(self, text: str, match: re.Match) -> bool:
        """A scale amount with no currency continues an earlier one unless "de <noun>" says it counts
        something else ("7 millions de téléchargements")."""
        after = self.counted_noun.match(text, match.end())
        return after is None or after.group(1).lower() in self.money_nouns


@lru_cache(maxsize=None)
def grammar(lexicon: str = "money.yaml") -> MoneyGrammar:
    """One compiled grammar per lexicon for the process."""
    return MoneyGrammar(lexicon)


@Language.factory(
    "fr_finance_money_v1",
    default_config={"lexicon": "money.yaml", "carry_currency": "sentence"},
)
class MoneyRecognizer(SavesDataFiles):
    """MONEY and PERCENT spans with value, currency, qualifier, value_max (ranges) and rule.

    They replace overlapping model entities (no MISC over "15 milliards de dollars").
    `carry_currency`: where an amount with a scale but no currency ("contre 183 milliards") finds the
    currency it continues: "sentence" (FORMAT.md), "paragraph", "document" (the last currency seen), or
    "none" (such amounts are dropped).
    """

    def __init__(self, nlp: Language, name: str = "fr_finance_money_v1", *, lexicon: str = "money.yaml",
                 carry_currency: str = "sentence"):
        if carry_currency not in (*CARRY_BOUNDARIES, "none"):
            raise ValueError(f"carry_currency must be one of {[*CARRY_BOUNDARIES, 'none']}, not {carry_currency!r}")
        register_extensions()
        self.name = name
        self.grammar = grammar(lexicon)
        self.carry_currency = carry_currency

    def __call__(self, doc: Doc) -> Doc:
        published = doc._.fr_finance_published
        items = self.grammar.scan(doc.text, carry_currency=self.carry_currency,
                                  published=str(published) if published else None)
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


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence holding text[start:end] (cut at the same stops as the currency carry)."""
    boundary = CARRY_BOUNDARIES["sentence"]
    stops = [m.end() for m in boundary.finditer(text, max(0, start - 600), start)]
    after = boundary.search(text, end)
    return text[stops[-1] if stops else max(0, start - 600):after.start() if after else len(text)]


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
