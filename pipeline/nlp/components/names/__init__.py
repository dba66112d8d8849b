"""fr_finance_names_v1: correct the model's PER/ORG/LOC/MISC where it is systematically wrong on
business news, and give every name its canonical form.

Evidence, strongest first: the curated lexicon (models/names.yaml), a context cue ("la start-up X",
"le modèle X", "PDG de X"), then the model's own label. A name keeps one label per document.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy
from spacy.attrs import LOWER, ORTH
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from ... import lexicons
from ...vocabulary import french_words
from ..serialize import SavesDataFiles
from ..spans import register_extensions
from . import first_names as first_name_list
from . import gazetteer

# "Hexacom Ventures" is Hexacom's fund, "Sakura Capital" a firm of its own: their first word alone is
# another company, unlike "Kaneda" for "Kaneda Motors".
SEPARATE_ENTITY_SUFFIXES = {"Ventures", "Capital", "Partners", "Partenaires", "Fund", "Funds", "Holding",
                            "Holdings", "Invest", "Investments", "Investissements", "Finance", "Bank", "Banque",
                            "Securities", "Group", "Groupe"}
NAME_LABELS = ("PER", "ORG", "LOC", "MISC")
ELIDED_ARTICLES = {f"{letter}{mark}" for letter in ("l", "d", "n", "s", "qu", "L", "D", "N", "S", "Qu") for mark in "'’"}
ARTICLES = {"le", "la", "les", "l'", "l’", "un", "une", "du", "des", "au", "aux"}
PLACE_PREPOSITIONS = {"à", "en", "au", "aux"}
# French grammar, not lexicon: the prepositions that join a name's head to its complement ("Bourse de Tokyo").
OF_WORDS = frozenset({"de", "du", "des", "d'", "d’"})
AMOUNT_WORDS = {"million", "millions", "milliard", "milliards", "md", "mds", "mdr", "m", "k", "%", "€", "$", "£", "¥",
                "euros", "dollars", "livres", "francs", "yens", "yuans", "ans", "mois", "jours", "pour", "sur"}
# A dateline: an all-caps place at the start of a line, an optional "(Agence)", then a dash.
DATELINE = re.compile(r"^[ \t]*([A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’-]+(?: [A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’-]+){0,2})[ \t]*(?:\([^)\n]{1,30}\)[ \t]*)?[–—-][ \t]", re.M)
# "LONDRES (AFP)", "MAROC. Le …": all-caps words opening a line, then an agency in brackets or a full stop.
CAPS_LINE_START = re.compile(r"^[ \t]*([A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’-]{2,}(?: [A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’-]+){0,2})[ \t]*(?:\(|\.[ \t])", re.M)
# "Inde : …", "Côte d'Ivoire : …": a place opening a heading before a colon.
PLACE_HEADING = re.compile(r"^[ \t]*([A-ZÀ-Þ][\w'’-]+(?: [\w'’-]+){0,2})[ \t]+:", re.M)
# "easyJet", "iPhone", "eBay": lower-case letters, then a capital followed by a lower-case letter.
INNER_CAPITAL = re.compile(r"(?<![\w@/.:#-])[a-zà-ÿ]{1,6}[A-ZÀ-Þ][a-zà-ÿ]+[A-Za-z0-9]*(?![\w@/:-]|\.\w)")
# A product's model code: "A320", "XC90", "737" after a maker's name.
MODEL_CODE = re.compile(r"^(?:[A-Z]{1,3}-?\d{2,4}[a-z]{0,3}|\d{3})$")
# A product's version: "Turbo Drift 3", "Vantor 2.5" (not a year).
VERSION_NUMBER = re.compile(r"^\d{1,2}(?:[.,]\d{1,2})?$")
# "218 MDT", "40 MUSD": a figure and a currency code, an amount the model took for a name.
AMOUNT_WITH_CODE = re.compile(r"^\d[\d\s.,]*\s?[A-Z$€£]{1,5}$")
VERSION = re.compile(r"^(?:\d+(?:[.,]\d+)*[a-z]?|[IVX]+|Turbo|Pro|Max|Mini|Ultra|Plus|Flash)$")
DETERMINERS = ["le", "la", "les", "l'", "l’", "un", "une", "du", "des", "au", "aux", "son", "sa", "ses", "leur",
               "leurs", "ce", "cet", "cette", "notre"]
# Evidence strength for the per-document vote. The model's labels share MODEL_SHARE between them,
# however often it repeats itself: one cue outweighs a model that is consistently wrong on a new name.
LEXICON, NAME_SHAPE, FIRST_NAME, SPECIFIC_CUE, CUE, MODEL_SHARE = 100, 8, 6, 5, 3, 2.0
# Gazetteer evidence (gazetteer.py): a country outweighs any cue but the lexicon ("le Maroc a signé");
# a region or a large city outweighs the model; a small town counts only where the model saw a place.
COUNTRY_VOTE, REGION_VOTE, CITY_VOTE, TOWN_VOTE = 20, 8, 4, 3


@dataclass
class Mention:
    start: int  # token offsets
    end: int
    label: str
    votes: Counter  # (label, rule id) → weight: evidence other than the model (lexicon, cues, the name's shape)
    model: str = ""  # the model's label, when the mention comes from the model
    rule: str = ""  # how the vote went (FORMAT.md `rule`)


@Language.factory(
    "fr_finance_names_v1",
    default_config={"lexicon": "names.yaml", "first_names": "first_names.txt", "city_min_population": 15000,
                    "alternate_name_min_population": 100000, "institution_reach": 8},
)
def make_name_fixer(nlp: Language, name: str, lexicon: str, first_names: str, city_min_population: int,
                    alternate_name_min_population: int, institution_reach: int) -> "NameFixer":
    return NameFixer(nlp, name, lexicon=lexicon, first_names=first_names, city_min_population=city_min_population,
                     alternate_name_min_population=alternate_name_min_population,
                     institution_reach=institution_reach)


class NameFixer(SavesDataFiles):
    def __init__(self, nlp: Language, name: str = "fr_finance.names", *, lexicon: str = "names.yaml",
                 first_names: str = "first_names.txt", city_min_population: int = 15000,
                 alternate_name_min_population: int = 100000, institution_reach: int = 8):
        register_extensions()
        self.name = name
        self.nlp = nlp
        data = lexicons.load(lexicon)
        self.gazetteer = gazetteer.load(city_min_population, alternate_name_min_population)
        self.institution_reach = institution_reach  # the most words an institution's name runs after its head
        self.extra_places = {p: gazetteer.REGION for p in data.get("places_missing_from_gazetteers", [])}
        self.metonyms = {k: v for k, v in data.get("place_metonyms", {}).items()}
        self.demonyms = _demonyms(data)
        self.shape_rules = frozenset({"first-name", data.get("company_suffix_cue", {}).get("id", "org-company-suffix"), "org-institution-of", "org-institution-head",
                                      "misc-programme-word", "misc-model-code", "misc-version", "misc-maker-product", "lexicon-product-prefix", "misc-quoted"})
        self.product_suffixes = frozenset(data.get("product_suffixes", []))
        self.product_tails = self.product_suffixes | frozenset(data.get("product_tails", []))
        self.place_heads = tuple(data.get("place_heads", []))
        self.region_tails = frozenset(data.get("region_tails", [])) | frozenset(data.get("region_adjectives", []))
        self.known: dict[str, tuple[str, str]] = {}  # surface form → (label, canonical)
        for label, entries in data["lexicon"].items():
            for entry in entries:
                canonical = entry if isinstance(entry, str) else entry["name"]
                variants = [] if isinstance(entry, str) else entry.get("variants", [])
                for form in [canonical, *variants]:
                    self.known[form] = (label, canonical)
        self.not_names = set(data.get("not_names", []))
        self.not_name_patterns = [re.compile(p) for p in data.get("not_name_patterns", [])]
        self.lexicon_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.lexicon_matcher.add("KNOWN", [nlp.make_doc(form) for form in self.known])
        self.cue_matcher, self.cue_labels = self._build_cues(nlp, data.get("cues", []))
        # the last word of each gap cue's phrases: with no gap filled ("le fonds X") the cue is specific
        self.cue_heads = {f"{cue['id']}:before": frozenset(nlp.make_doc(p)[-1].lower_ for p in _apostrophe_variants(
            cue.get("before", []) + cue.get("nouns", []))) for cue in data.get("cues", []) if cue.get("gap")}
        place_cue = data.get("place_cue", {})
        self.place_cue = (place_cue.get("id", "loc-place-preposition"), place_cue.get("weight", CUE))
        self.place_cue_words = frozenset(tuple(t.lower_ for t in nlp.make_doc(phrase))
                                         for phrase in _apostrophe_variants(data.get("place_cue_words", [])))
        self.place_cue_reach = max((len(words) for words in self.place_cue_words), default=0)
        self.place_cue_blockers = frozenset(data.get("place_cue_blocking_verbs", []))
        self.place_cue_window = place_cue.get("blocking_window", 6)
        self.confirming_cues = frozenset(cue["id"] for cue in data.get("cues", []) if cue.get("if_model")) | {
            self.place_cue[0]}
        self.cue_if_model = {f"{cue['id']}:{side}": frozenset(cue["if_model"]) for cue in data.get("cues", [])
                             for side in ("before", "after") if cue.get("if_model")}
        self._add_nationality_cue(data)
        self.cue_words, self.cue_reach = _matcher_anchors(nlp, self.cue_matcher, list(self.cue_labels))
        self.first_names = _first_names(str(lexicons.resolve(first_names))) | frozenset(data.get("first_names", []))
        self.titles = frozenset(data.get("person_titles", []))
        self.suffixes = frozenset(data.get("company_suffixes", []))
        self.joiners = frozenset(data.get("company_joiners", []))
        self.heads = frozenset(data.get("institution_heads", []))
        self.head_hashes = numpy.array(sorted({nlp.vocab.strings.add(h) for h in self.heads}), dtype="uint64")
        self.region_adjectives = frozenset(data.get("region_adjectives", []))
        self.rubrics = frozenset(data.get("dateline_rubrics", []))
        self.suffix_rule = data.get("company_suffix_cue", {}).get("id", "org-company-suffix")
        self.shape_matcher = Matcher(nlp.vocab)
        self.shape_matcher.add("SUFFIX", [[{"ORTH": {"IN": sorted(self.suffixes)}}],
                                          [{"ORTH": "&"}, {"ORTH": {"IN": sorted(self.joiners)}}]])
        self._phrase = lru_cache(maxsize=4096)(nlp.make_doc)  # names recur across documents; a Doc costs
        self._is_word = None
        self._is_word_ready = False

    # -- set-up -----------------------------------------------------------------------------
    @staticmethod
    def _build_cues(nlp: Language, cues: list[dict]) -> tuple[Matcher, dict[str, tuple]]:
        matcher = Matcher(nlp.vocab)
        labels: dict[str, tuple] = {}
        name_token = {"TEXT": {"REGEX": r"^[A-ZÀ-Ý0-9]"}}
        for cue in lexicons.require_ids(cues, "names.yaml cues"):
            gap = cue.get("gap", 0)
            filler = [{"IS_LOWER": True, "IS_PUNCT": False, "POS": {"NOT_IN": ["VERB", "AUX"]},
                       "OP": f"{{0,{gap}}}"}] if gap else []  # "le groupe a racheté X" is no descriptor
            if filler and cue.get("gap_not"):  # "le modèle hybride de X": X owns the model
                filler[0]["LOWER"] = {"NOT_IN": _apostrophe_variants(cue["gap_not"])}
            for side in ("before", "after"):
                patterns = []
                phrases = [[t.lower_ for t in nlp.make_doc(p)] for p in _apostrophe_variants(cue.get(side, []))]
                for words in _grouped_by_prefix(phrases):  # "l'affaire" and "l’affaire"; one pattern a prefix
                    patterns.append(words + filler + [name_token] if side == "before" else [name_token] + words)
                word_token = {"TEXT": {"REGEX": r"^[A-ZÀ-Ý]"}}  # "218 MDT (114 M€)" is an amount
                for tokens in cue.get(f"{side}_tokens", []):  # spaCy token patterns: "X (20 M€)"
                    patterns.append(list(tokens) + [word_token] if side == "before" else [word_token] + list(tokens))
                if side == "before" and cue.get("nouns"):  # after any determiner, any case ("L'opérateur", "du fonds")
                    nouns = [[t.lower_ for t in nlp.make_doc(noun)] for noun in _apostrophe_variants(cue["nouns"])]
                    single = sorted({n[0] for n in nouns if len(n) == 1})  # one pattern for speed
                    determiner = {"LOWER": {"IN": DETERMINERS}}
                    patterns.append([determiner, {"LOWER": {"IN": single}}] + filler + [name_token])
                    patterns += [[determiner] + [{"LOWER": w} for w in n] + filler + [name_token]
                                 for n in nouns if len(n) > 1]
                if patterns:
                    key = f"{cue['id']}:{side}"
                    matcher.add(key, patterns)
                    labels[key] = (cue["label"], side, cue.get("weight", SPECIFIC_CUE if not gap else CUE),
                                   tuple(cue.get("only_from", ())), cue.get("min_tokens", 1),
                                   cue.get("max_tokens", 99))
        return matcher, labels

    def _add_nationality_cue(self, data: dict) -> None:
        """"le britannique CellGrid": determiner, lower-case nationality (TEXT, so "l'Allemand X", a
        person, does not match), capitalised name."""
        cue = data.get("nationality_cue")
        if not cue or not data.get("nationalities"):
            return
        key = f"{cue['id']}:before"
        self.cue_matcher.add(key, [[{"LOWER": {"IN": DETERMINERS}}, {"TEXT": {"IN": data["nationalities"]}},
                                    {"TEXT": {"REGEX": r"^[A-ZÀ-Ý0-9]"}}]])
        self.cue_labels[key] = (cue["label"], "before", SPECIFIC_CUE, (), 1, 99)

    def is_word(self, word: str) -> bool:
        if not self._is_word_ready:  # the lemmatizer is sourced after this component is built
            self._is_word = french_words(self.nlp)
            self._is_word_ready = True
        return bool(self._is_word and self._is_word(word))

    # -- component ----------------------------------------------------------------------------
    @contextmanager
    def memory_zone(self, mem=None):
        """spaCy's hook for `nlp.memory_zone()`: the cached phrase Docs made inside the zone point into
        memory it frees at the end, so they are dropped with it."""
        try:
            yield
        finally:
            self._phrase.cache_clear()

    def __call__(self, doc: Doc) -> Doc:
        ents = doc.ents
        others = [e for e in ents if e.label_ not in NAME_LABELS]
        mentions = [m for e in ents if e.label_ in NAME_LABELS for m in self._clean(doc, e)]
        mentions = _without_overlaps([part for m in mentions for part in _split_coordination(doc, m)])
        mentions = self._add_lexicon(doc, mentions, others)
        text = doc.text  # Doc.text joins every token at each call: read it once
        mentions = self._add_dateline(doc, mentions, others, text)
        mentions = self._add_inner_capitals(doc, mentions, others, text)
        mentions = self._add_institutions(doc, mentions, others)
        mentions = self._drop_heading_noise(doc, mentions, text)
        mentions = self._drop_capitalised_words(doc, mentions)
        mentions = self._fix_boundaries(doc, mentions, others)
        self._apply_cues(doc, mentions, others)
        self._apply_place_cues(doc, mentions)
        self._apply_name_shape(doc, mentions)
        self._apply_neighbours(doc, mentions)
        mentions = self._propagate(doc, mentions, others)
        short_forms = self._short_forms(doc, mentions)
        self._vote(doc, mentions, short_forms)
        spans = [(Span(doc, m.start, m.end, label=m.label), m.rule) for m in mentions]
        spans = [(s, rule) for s, rule in spans if s.text in self.known or self._looks_like_name(s)]
        for span, rule in spans:
            span._.fr_finance_rule = rule or None  # kept by the doc for the same start, end and label
        doc.ents = sorted(others + [s for s, _ in spans], key=lambda s: s.start)
        self._set_canonical(doc, short_forms)
        return doc

    # -- span clean-up ------------------------------------------------------------------------
    def _clean(self, doc: Doc, ent: Span) -> list[Mention]:
        """Trim a model entity to the name itself, or drop it."""
        start, end = ent.start, ent.end
        # An entity never crosses a line: keep its first line.
        for i in range(start, end):
            if "\n" in doc[i].text or (i > start and "\n" in doc[i - 1].whitespace_ + doc[i].text):
                end = i
                break
        # Articles, elided prefixes, lower-case words and demonyms before the name ("stade de Bun",
        # "L'initiative", "Marocains", "le Lyonnais Orvane").
        while start < end and (doc[start].text in ELIDED_ARTICLES or not _is_capitalised(doc[start])
                               or (doc[start].lower_ in self.demonyms and not self.gazetteer.kind(doc[start].text))):
            start += 1
        # Lower-case words after it ("CA mondial"), unless a capitalised word follows them.
        while end > start and not _is_capitalised(doc[end - 1]) and not VERSION.match(doc[end - 1].text):
            end -= 1
        while end > start and doc[end - 1].is_punct:
            end -= 1
        if start >= end:
            return []
        if end - start == 1 and doc[start].text in self.heads and end < ent.end \
                and doc[end].lower_ in OF_WORDS:
            end = ent.end  # "Caisse de dépôt": an institution's head keeps its lower-case complement
        while end - start >= 2 and doc[start].text in self.titles:
            start += 1  # "M. Nadella" → "Nadella": the title stays out and counts as person evidence
        if end - start >= 2 and doc[start].lower_ in ARTICLES and (self.gazetteer.kind(doc[start + 1:end].text)
                                                                  or doc[start + 1:end].text in self.known):
            start += 1  # "La France", "Le Maroc" opening a sentence ("La Maison Simons" keeps its article)
        span = doc[start:end]
        if span.text in self.not_names or _is_term_abbreviation(span) or _is_hashtag(span) \
                or AMOUNT_WITH_CODE.match(span.text):
            return []
        if _is_all_caps_words(span, self.is_word):
            return []
        end = self._extend_version(doc, end) if ent.label_ == "MISC" or span.text in self.known else end
        if end - start >= 2 and doc[end - 1].is_upper and doc[end - 1].is_alpha \
                and self.gazetteer.kind(doc[start:end - 1].text) in (gazetteer.COUNTRY, gazetteer.CITY, gazetteer.REGION):
            # "fonds souverain de Singapour GIC": a place then an acronym are two names
            return [Mention(start, end - 1, "LOC", Counter(), model="LOC"),
                    Mention(end - 1, end, ent.label_, Counter(), model=ent.label_)]
        return [Mention(start, end, ent.label_, Counter(), model=ent.label_)]

    def _looks_like_name(self, span: Span) -> bool:
        return (
            any(c.isalpha() for c in span.text)
            and span.text not in self.not_names
            and not any(p.fullmatch(span.text) for p in self.not_name_patterns)
            and span.text not in ELIDED_ARTICLES
            and not AMOUNT_WITH_CODE.match(span.text)
            and not _is_all_caps_words(span, self.is_word)
            and not self._is_common_phrase(span)
            and not (len(span) == 1 and span.text.lower() in self.demonyms  # "le Zurichois X", "les Québécois",
                     and not self.gazetteer.kind(span.text))  # but "la Suisse", "la Corse": places
        )

    def _is_common_phrase(self, span: Span) -> bool:
        """"Marché mondial de l'IA" at the head of a bullet: a capitalised common word followed by
        lower-case content words is a phrase, not a name (institutions are in the lexicon)."""
        first = span[0]
        lower_content = [t for t in span[1:] if t.is_lower and t.is_alpha and len(t) > 3]
        return bool(lower_content) and _starts_clause(span.doc, first.i) and self.is_word(first.lower_)

    @staticmethod
    def _extend_version(doc: Doc, end: int) -> int:
        """"GPT-4 Turbo", "Claude Sonnet 4.5": a product keeps its version."""
        while end < len(doc) and VERSION.match(doc[end].text) and not doc[end - 1].whitespace_ == "":
            if end + 1 < len(doc) and doc[end + 1].lower_ in AMOUNT_WORDS:
                break  # "Northbridge Ventures 25 millions": an amount, not a version
            end += 1
        return end

    def _add_lexicon(self, doc: Doc, mentions: list[Mention], others: list[Span]) -> list[Mention]:
        """Known names win over the model's label and fill its gaps; a longer capitalised entity
        that contains a known name ("Google Cloud Vertex AI") is kept whole."""
        taken = _occupied(others)
        known = _longest_first(
            (start, end) for _, start, end in self.lexicon_matcher(doc) if not (taken & set(range(start, end)))
        )
        # Overlaps through token sets, not pairwise (mentions and matches are never empty, and known
        # ranges do not overlap): a document naming companies often made those loops quadratic.
        known_at = {i: k for k in known for i in range(*k)}
        result = []
        for mention in mentions:
            around = sorted({known_at[i] for i in range(mention.start, mention.end) if i in known_at})
            inner = [k for k in around if mention.start <= k[0] and k[1] <= mention.end]
            if inner and (mention.end - mention.start) > max(e - s for s, e in inner):
                label, _ = self.known[doc[inner[0][0]:inner[0][1]].text]
                if label == "MISC" and inner[0][0] == mention.start:
                    mention.votes[("MISC", "lexicon-product-prefix")] += CUE  # "Claude Opus 4", "Azure Foundry": named after a product
                result.append(mention)
                known = [k for k in known if k not in inner]
                for k in inner:
                    for i in range(*k):
                        del known_at[i]
            elif not around:
                result.append(mention)
        covered = {i for m in result for i in range(m.start, m.end)}
        for start, end in known:
            label, _ = self.known[doc[start:end].text]
            end = self._extend_version(doc, end) if label == "MISC" else end
            if covered.isdisjoint(range(start, end)):
                result.append(Mention(start, end, label, Counter({(label, "lexicon"): LEXICON})))
                covered.update(range(start, end))
        return sorted(result, key=lambda m: m.start)

    def _drop_heading_noise(self, doc: Doc, mentions: list[Mention], text: str) -> list[Mention]:
        """Title-case headings ("Le Défi de l'Exécution") capitalise common words. In a heading, a
        name keeps only its words that are not ordinary French words ("Nouveaux CUDA" → "CUDA"),
        unless it is known or also occurs outside headings."""
        headings = heading_ranges(text)
        if not headings:
            return mentions

        def in_heading(m: Mention) -> bool:
            start = doc[m.start].idx
            return any(a <= start < b for a, b in headings)

        body_texts = {doc[m.start:m.end].text for m in mentions if not in_heading(m)}
        kept = []
        for m in mentions:
            text = doc[m.start:m.end].text
            if not in_heading(m) or text in self.known or text in body_texts:
                kept.append(m)
                continue
            start, end = m.start, m.end
            while start < end and self._is_common_word(doc[start]):
                start += 1
            while end > start and self._is_common_word(doc[end - 1]) and not VERSION.match(doc[end - 1].text):
                end -= 1
            if start < end and any(t.is_alpha and not self._is_common_word(t) for t in doc[start:end]):
                kept.append(Mention(start, end, m.label, m.votes, m.model))
        return kept

    def _is_common_word(self, token) -> bool:
        return not token.is_alpha or token.text in ELIDED_ARTICLES or self.is_word(token.lower_)

    def _capitalised_by_place(self, doc: Doc, i: int) -> bool:
        """Token i is a common word, not a known name, capitalised only where it stands (a clause start)
        and nowhere else in the text."""
        token = doc[i]
        return (token.text not in self.known and _starts_clause(doc, i) and self.is_word(token.lower_)
                and not _capitalised_elsewhere(doc, token))

    def _drop_capitalised_words(self, doc: Doc, mentions: list[Mention]) -> list[Mention]:
        """A single common word capitalised only because it starts a sentence, a line or a bullet
        ("Latences réduites", "Focus utilisateur") is not a name."""
        counts = Counter(doc[m.start:m.end].text for m in mentions)
        kept = []
        for m in mentions:
            token = doc[m.start]
            single = m.end - m.start == 1
            if (single and self._capitalised_by_place(doc, m.start)
                    and not (m.model == "LOC" and token.pos_ == "PROPN")  # "Pékin a exclu …"
                    and counts[token.text] == 1):
                continue
            kept.append(m)
        return kept

    def _add_dateline(self, doc: Doc, mentions: list[Mention], others: list[Span], text: str) -> list[Mention]:
        """"MONTRÉAL – Le distributeur …": an all-caps place opening a line before a dash is a dateline;
        so is one the gazetteer knows before an agency or a full stop ("OSLO (Reuters)", "MAROC. Le …")."""
        found = []
        matches = [(m.start(1), m.end(1), m.group(1), False) for m in DATELINE.finditer(text)]
        matches += [(m.start(1), m.end(1), m.group(1), True) for m in CAPS_LINE_START.finditer(text)]
        matches += [(m.start(1), m.end(1), m.group(1), True) for m in PLACE_HEADING.finditer(text)]
        occupied = _occupied(others) if matches else set()
        for start, end, text, needs_gazetteer in matches:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or text in self.rubrics or (needs_gazetteer and not self.gazetteer.kind(text)):
                continue
            taken = [m for m in mentions + found if _overlap((span.start, span.end), (m.start, m.end))]
            if occupied & set(range(span.start, span.end)):
                continue
            for m in taken:  # the model's ORG or MISC on a dateline: the place wins
                if (m.start, m.end) == (span.start, span.end):
                    m.votes[("LOC", "dateline")] += LEXICON
            if not taken:
                found.append(Mention(span.start, span.end, "LOC", Counter({("LOC", "dateline"): LEXICON})))
        return sorted(mentions + found, key=lambda m: m.start) if found else mentions

    def _add_institutions(self, doc: Doc, mentions: list[Mention], others: list[Span]) -> list[Mention]:
        """"l'Agence spatiale européenne", "l'Institut national de la statistique (INS)": French capitalises
        only the first word of an institution's name. A capitalised head mid-sentence, then lower-case
        adjectives, nouns and de/la/du up to a content word, is one name; an acronym in brackets right after
        it is the same institution. The model often sees only the head, or nothing."""
        taken = _occupied(others)
        found: list[Mention] = []
        for index in numpy.flatnonzero(numpy.isin(doc.to_array(ORTH), self.head_hashes)).tolist():
            token = doc[index]
            if token.text not in self.heads or token.i in taken or _starts_clause(doc, token.i) \
                    or _is_capitalised(doc[token.i - 1]) or token.i + 1 >= len(doc) \
                    or not (doc[token.i + 1].pos_ == "ADJ" or doc[token.i + 1].lower_ in OF_WORDS):
                continue  # the head opens the name ("British Business Bank le solde" is no institution)
            end = token.i + 1
            last_content = None
            while end < len(doc) and end - token.i <= self.institution_reach and end not in taken:
                word = doc[end]
                if not word.is_lower or word.pos_ not in ("ADJ", "NOUN", "ADP", "DET") or "\n" in word.whitespace_:
                    break
                if word.pos_ in ("ADJ", "NOUN"):
                    last_content = end + 1
                end += 1
            if last_content is None or (end < len(doc) and _is_capitalised(doc[end])
                                        and doc[end - 1].lower_ in OF_WORDS):
                continue  # "Banque de développement du Canada": _fix_boundaries joins the head and the name
            end = last_content
            acronym = None
            if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")" \
                    and doc[end + 1].is_upper and 2 <= len(doc[end + 1]) <= 6 and doc[end + 1].is_alpha:
                acronym = end + 1
            if acronym is None and end - token.i < 3:
                continue  # a head and one word without an acronym ("la Bourse suisse") stays the model's
            found.append(Mention(token.i, end, "ORG", Counter({("ORG", "org-institution-name"): NAME_SHAPE})))
            if acronym is not None:
                found.append(Mention(acronym, acronym + 1, "ORG",
                                     Counter({("ORG", "org-institution-acronym"): NAME_SHAPE})))
        if not found:
            return mentions
        covered = {i for m in found for i in range(m.start, m.end)}
        kept = [m for m in mentions if covered.isdisjoint(range(m.start, m.end))
                or not all(i in covered for i in range(m.start, m.end))]  # the model's pieces of the name go
        kept = [m for m in kept if covered.isdisjoint(range(m.start, m.end))] + found
        return sorted(kept, key=lambda m: m.start)

    def _add_inner_capitals(self, doc: Doc, mentions: list[Mention], others: list[Span], text: str) -> list[Mention]:
        """"easyJet", "eBay": a word with a capital after a lower-case start is a name the model misses."""
        found = []
        for match in INNER_CAPITAL.finditer(text):  # on the text: a regex per token costs more
            span = doc.char_span(match.start(), match.end())
            if span is not None and len(span) == 1:
                found.append(Mention(span.start, span.end, "ORG", Counter(), model=""))
        if not found:
            return mentions
        covered = _occupied(others) | {i for m in mentions for i in range(m.start, m.end)}
        found = [m for m in found if m.start not in covered]
        return sorted(mentions + found, key=lambda m: m.start) if found else mentions

    def _fix_boundaries(self, doc: Doc, mentions: list[Mention], others: list[Span]) -> list[Mention]:
        """Mend names the model cut in pieces: adjacent capitalised entities ("Lémanique" + "Partners"),
        "&" joiners ("Orlov & Fils"), a company suffix it left out ("Hexacom" + "Ventures"), an
        institution's head ("Caisse de dépôt et placement du" + "Québec", "Maison" + "Verlaine") and
        a region's adjective ("Suisse alémanique")."""
        taken = _occupied(others)
        free = lambda i: 0 <= i < len(doc) and i not in taken  # noqa: E731
        merged: list[Mention] = []
        for m in sorted(mentions, key=lambda m: m.start):
            # A capitalised head just before the name: "Maison Verlaine", "Banque Helvetia".
            if free(m.start - 1) and doc[m.start - 1].text in self.heads and not (merged and merged[-1].end > m.start - 1):
                m = Mention(m.start - 1, m.end, m.label, m.votes, m.model)
            if merged and self._joinable(doc, merged[-1], m):
                prev = merged.pop()
                votes = prev.votes + m.votes
                m = Mention(prev.start, m.end, prev.label, votes, prev.model or m.model)
            merged.append(m)
        merged += self._suffixed_names(doc, merged, taken)
        merged.sort(key=lambda m: m.start)
        for m in merged:
            # Company suffixes, "& Cie" and region adjectives the model left outside.
            while free(m.end) and not self._inside_any(merged, m.end):
                token = doc[m.end]
                if token.text in self.suffixes and _is_capitalised(token):
                    m.end += 1
                elif token.text == "&" and free(m.end + 1) and _is_capitalised(doc[m.end + 1]):
                    m.end += 2
                elif token.text in self.region_adjectives and m.model == "LOC":
                    m.end += 1
                elif token.text in self.product_tails and m.model == "MISC" and doc[m.end - 1].whitespace_:
                    m.end += 1  # "Clean Air" + "Act", "Constitutional" + "AI": the model left the last word out
                else:
                    break
        return [m for m in merged if m.end > m.start]

    def _suffixed_names(self, doc: Doc, mentions: list[Mention], taken: set[int]) -> list[Mention]:
        """"Northbridge Ventures", "Hexacom Ventures" the model missed: capitalised words ending in a
        company suffix."""
        covered = taken | {i for m in mentions for i in range(m.start, m.end)}
        found = []
        for key, start, end in self.shape_matcher(doc):
            if covered & set(range(start, end)) or not _is_capitalised(doc[end - 1]):
                continue
            first = start  # the capitalised words before the suffix or before "& Cie"
            while first > 0 and (first - 1) not in covered and _is_capitalised(doc[first - 1]) \
                    and "\n" not in doc[first - 1].whitespace_ and doc[first - 1].is_alpha:
                first -= 1
            while first < start and _starts_clause(doc, first) and self.is_word(doc[first].lower_):
                first += 1  # "Le", "Selon" opening the sentence
            if first < start and not all(self.is_word(t.lower_) for t in doc[first:start]):
                found.append(Mention(first, end, "ORG", Counter(), model=""))
                covered.update(range(first, end))
        return found

    def _joinable(self, doc: Doc, left: Mention, right: Mention) -> bool:
        if doc[left.start:left.end].text in self.known or doc[right.start:right.end].text in self.known:
            return False  # two known names side by side: "investissement Amazon Anthropic"
        if doc[right.start:right.end].text.isupper() and self.gazetteer.kind(doc[left.start:left.end].text) in (
                gazetteer.COUNTRY, gazetteer.CITY, gazetteer.REGION):
            return False  # "le fonds souverain d'Oman OSIF": a place, then the fund's acronym
        gap = doc[left.end:right.start]
        if len(gap) == 0:
            return doc[left.end - 1].whitespace_ == " "  # the parser may start a sentence inside a name
        if len(gap) == 1 and gap[0].text == "&":
            return True
        # "Caisse de dépôt et placement du" + "Québec": an institution's head, a few lower-case words
        # and a final de/du/des before the proper noun.
        return (doc[left.start].text in self.heads and len(gap) <= 5
                and gap[-1].lower_ in OF_WORDS
                and all(t.is_lower and t.pos_ not in ("VERB", "AUX") for t in gap))

    @staticmethod
    def _inside_any(mentions: list[Mention], index: int) -> bool:
        return any(m.start <= index < m.end for m in mentions)

    def _apply_place_cues(self, doc: Doc, mentions: list[Mention]) -> None:
        """"à Nantes", "l'aéroport de X": a place word just before a name the model calls a place confirms it."""
        rule, weight = self.place_cue
        for m in mentions:
            if m.model != "LOC":
                continue
            before = [t.lower_ for t in doc[max(0, m.start - self.place_cue_reach):m.start]]
            if any(tuple(before[-n:]) in self.place_cue_words for n in range(1, len(before) + 1)) \
                    and not any(t.lemma_ in self.place_cue_blockers
                                for t in doc[max(doc[m.start].sent.start, m.start - self.place_cue_window):m.start]):
                m.votes[("LOC", rule)] += weight  # (not after "cède sa filiale à X": X is the buyer)

    def _apply_name_shape(self, doc: Doc, mentions: list[Mention]) -> None:
        """Evidence in the name itself: a company suffix or an institution's head makes an
        organisation; a common first name confirms a person the model found."""
        for m in mentions:
            tokens = doc[m.start:m.end]
            last = tokens[-1].text
            if len(tokens) >= 2 and (last in self.suffixes or (last in self.joiners and tokens[-2].text == "&")):
                m.votes[("ORG", self.suffix_rule)] += NAME_SHAPE
            elif len(tokens) >= 3 and tokens[0].text in self.heads and any(t.lower_ in OF_WORDS
                                                                      for t in tokens[1:]):
                m.votes[("ORG", "org-institution-of")] += NAME_SHAPE  # "Bourse de Tokyo", "Université de Lyon"
            elif len(tokens) >= 2 and tokens[0].text in self.heads and m.model != "LOC":
                m.votes[("ORG", "org-institution-head")] += SPECIFIC_CUE  # "Maison Verlaine", "Fondation Helvara"
            elif self._has_first_name(tokens) and (m.model == "PER" or self._person_shaped(tokens)):
                # a first name confirms the model's person; on a name it labelled otherwise, it counts
                # when the rest reads as a surname ("Ilse Van Dorsten"), at half weight
                # (a single word that is a first name is weaker evidence: "Redmond", "Florence")
                weight = FIRST_NAME if m.model == "PER" else FIRST_NAME / 2
                m.votes[("PER", "first-name")] += weight if len(tokens) > 1 else weight / 2
            if MODEL_CODE.match(last) and (len(tokens) == 1 or tokens[:-1].text in self.known):
                m.votes[("MISC", "misc-model-code")] += NAME_SHAPE  # "A350", "Velar X9" after a known maker
            if len(tokens) >= 2 and VERSION_NUMBER.match(last) and tokens[-2].is_alpha:
                m.votes[("MISC", "misc-version")] += NAME_SHAPE  # "Orbis 3", "Vantor 2.5"
            if m.model == "MISC" and len(tokens) >= 2 and tokens[:1].text in self.known and tokens[1:].text not in self.known \
                    and not self.gazetteer.kind(tokens[1:].text) and last not in self.suffixes:
                m.votes[("MISC", "misc-maker-product")] += CUE  # "Ostrava Cloud": a known maker's product
            if len(tokens) >= 2 and last in self.product_suffixes:
                m.votes[("MISC", "misc-programme-word")] += NAME_SHAPE  # "Clean Air Act", "Digital Plan"

    def _apply_neighbours(self, doc: Doc, mentions: list[Mention]) -> None:
        """Evidence from the names around: a name listed with a known one ("Deno ou Ravel", "AWS, Azure,
        Kestrel") shares its kind; "le Vantor de Microsoft" is a product of a known company."""
        ordered = sorted(mentions, key=lambda m: m.start)
        known = [self.known.get(doc[m.start:m.end].text, ("", ""))[0] for m in ordered]
        for i, m in enumerate(ordered):
            for j in (i - 1, i + 1):
                if not 0 <= j < len(ordered) or not known[j]:
                    continue
                left, right = (ordered[j], m) if j < i else (m, ordered[j])
                gap = [t.lower_ for t in doc[left.end:right.start]]
                if gap in ([","], ["et"], ["ou"], [",", "et"], [",", "ou"]) and not known[i]:
                    m.votes[(known[j], "coordination")] += CUE / 2
            after = ordered[i + 1] if i + 1 < len(ordered) else None
            if (after is not None and known[i + 1] in ("ORG", "MISC") and not known[i] and m.start > 0
                    and doc[m.start - 1].lower_ in ARTICLES and after.start == m.end + 1
                    and doc[m.end].lower_ in ("de", "d'", "d’")):
                m.votes[("MISC", "misc-product-of")] += CUE

    def _has_first_name(self, tokens) -> bool:
        first = tokens[0].text
        if first in self.known:
            return False  # "Claude Code"
        return first in self.first_names or all(part in self.first_names for part in first.split("-"))

    def _short_forms(self, doc: Doc, mentions: list[Mention]) -> dict[str, str]:
        """"Kaneda" for "Kaneda Motors", "SunWerk" for "SunWerk AG", "Vosto" for "Vosto Canada": the first
        word of a two-word suffixed company name (or of "X & Cie"), or of a company named after a country it
        works in, used alone, is that company; with more words between ("X Infra Services") it names a unit."""
        full = {}
        for m in mentions:
            tokens = doc[m.start:m.end]
            if len(tokens) < 2 or tokens[0].text in self.known:
                continue
            if len(tokens) > 2 and tokens[1].text != "&":
                continue  # "X Infra Services" is a unit of X, not X: only "X Motors", "X AG", "X & Cie" shorten to X
            last = tokens[-1].text
            if ((last in self.suffixes or last in self.joiners) and last not in SEPARATE_ENTITY_SUFFIXES) or (
                    len(tokens) == 2 and self.gazetteer.kind(last) == gazetteer.COUNTRY
                    and self.gazetteer.kind(tokens[0].text) in (None, gazetteer.PLACE)
                    and tokens[0].text not in self.first_names):
                full.setdefault(tokens[0].text, set()).add(tokens.text)
        return {short: names.pop() for short, names in full.items() if len(names) == 1}

    def _cue_matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """The cue Matcher's matches, in its order, found on windows around anchor words only (see
        _matcher_anchors): the name test, a TEXT regex and so a Python call, then runs on a few tokens."""
        if self.cue_reach is None:
            return self.cue_matcher(doc)
        windows: list[tuple[int, int]] = []
        for index in numpy.flatnonzero(numpy.isin(doc.to_array(LOWER), self.cue_words)).tolist():
            start, end = max(0, index - self.cue_reach + 1), min(len(doc), index + self.cue_reach)
            if windows and start <= windows[-1][1]:
                windows[-1] = (windows[-1][0], end)
            else:
                windows.append((start, end))
        return [(key, start + s, start + e) for start, end in windows for key, s, e in self.cue_matcher(doc[start:end])]

    def _apply_cues(self, doc: Doc, mentions: list[Mention], others: list[Span]) -> None:
        taken = _occupied(others)
        by_token = {i: m for m in mentions for i in range(m.start, m.end)}
        for key, start, end in self._cue_matches(doc):
            cue_key = self.nlp.vocab.strings[key]
            label, side, weight, only_from, min_tokens, max_tokens = self.cue_labels[cue_key]
            cue_id = cue_key.rsplit(":", 1)[0]
            if_model = self.cue_if_model.get(cue_key)
            index = end - 1 if side == "before" else start
            if index in taken:
                continue
            mention = by_token.get(index)
            if mention is None:
                runs_into = side == "before" and index + 1 in by_token and by_token[index + 1].start == index + 1
                if (doc[index].pos_ not in ("PROPN", "X", "NOUN", "") and not runs_into) \
                        or not _is_capitalised(doc[index]):
                    continue
                start, stop = index, index + 1
                if side == "after":  # "Satya Nadella, le PDG de …": the name ends at the cue
                    while start > 0 and _is_capitalised(doc[start - 1]) and (start - 1) not in taken \
                            and (start - 1) not in by_token and not doc[start - 1].is_sent_start:
                        start -= 1
                    if doc[start].is_sent_start and self.is_word(doc[start].lower_) and start < index:
                        start += 1  # a capitalised first word of the sentence is not part of the name
                    if start == index and self._capitalised_by_place(doc, index):
                        continue  # "Médiane (4 M€) et moyenne …": a common word capitalised by its place
                else:
                    if doc[index].is_sent_start:
                        continue
                    while stop < len(doc) and _is_capitalised(doc[stop]) and stop not in taken and stop not in by_token:
                        stop += 1
                following = by_token.get(stop)
                if side == "before" and following is not None and following.start == stop \
                        and doc[following.start:following.end].text not in self.known:
                    following.start = start  # "genevoise Lémanique" + the model's "Partners"
                    mention = following
                else:
                    mention = Mention(start, stop, label, Counter(), model=label)
                    mentions.append(mention)
                by_token.update({i: mention for i in range(start, stop)})
            confirms = mention.model == label  # a cue agreeing with the model is evidence too
            if if_model and mention.model not in if_model:
                continue  # "à Lyon" confirms a place the model saw; "cédé à Vantel" is no place
            if only_from and mention.label not in only_from and not confirms:
                continue  # a cue that only corrects some labels ("Xavier Niel a investi" stays PER)
            if mention.end - mention.start > max_tokens:
                continue  # "selon Bernstein" is a firm; "selon Zhang Wei" a person
            if mention.end - mention.start < min_tokens:
                continue  # "Zelvora a déclaré" may be a company; "Léa Martin a déclaré" is a person
            if label == "PER" and ((mention.start > 0 and doc[mention.start - 1].lower_ in ARTICLES)
                                   or doc[mention.start].lower_ in ARTICLES):
                continue  # French puts no article before a person's name: "la Stanford AI Initiative estime"
            if label == "ORG" and side == "after" and mention.start > 0 and doc[mention.start - 1].lower_ in PLACE_PREPOSITIONS:
                continue  # "Fondée à Lyon, la start-up X": the place of a company, not the company
            if side == "before" and index > 0 and doc[index - 1].lower_ in self.cue_heads.get(cue_key, ()):
                weight = max(weight, SPECIFIC_CUE)  # "le fonds Serval": the noun right before the name
            if mention.start == index or side == "after":
                mention.votes[(label, cue_id)] += weight
        mentions.sort(key=lambda m: m.start)

    def _propagate(self, doc: Doc, mentions: list[Mention], others: list[Span]) -> list[Mention]:
        """Tag the other occurrences of a name the document already tagged somewhere."""
        taken = _occupied(others) | {i for m in mentions for i in range(m.start, m.end)}
        texts = {doc[m.start:m.end].text for m in mentions}
        if not texts:
            return mentions
        matcher = PhraseMatcher(doc.vocab, attr="ORTH")
        matcher.add("SEEN", [self._phrase(t) for t in texts])
        found = _longest_first((s, e) for _, s, e in matcher(doc) if not (taken & set(range(s, e))))
        added = [Mention(s, e, "", Counter()) for s, e in found]
        return sorted(mentions + added, key=lambda m: m.start)

    def _vote(self, doc: Doc, mentions: list[Mention], short_forms: dict[str, str]) -> None:
        """One label per name and document (a short form votes with its full name), from the evidence of
        all its mentions: lexicon, gazetteer, the name's shape, cues, first names, then the model's
        majority, which weighs MODEL_SHARE at most. A label needs evidence of its own kind: LOC a
        gazetteer hit or a place cue, MISC a product cue, PER a person cue, a first name or title (or a
        name of two words or more the model calls a person); ORG, the business default, needs none.
        The vote is recorded in each mention's `rule`."""
        def key(m: Mention) -> str:
            text = doc[m.start:m.end].text
            return short_forms.get(text, text)

        evidence: dict[str, Counter] = defaultdict(Counter)
        model: dict[str, Counter] = defaultdict(Counter)
        sizes: dict[str, int] = {}
        for m in mentions:
            for (label, rule), weight in m.votes.items():
                if rule in self.shape_rules:  # a property of the name, not of a context: counted once
                    evidence[key(m)][(label, rule)] = max(evidence[key(m)][(label, rule)], weight)
                else:
                    evidence[key(m)][(label, rule)] += weight
            sizes[key(m)] = max(sizes.get(key(m), 0), m.end - m.start)
            if m.model:
                model[key(m)][m.model] += 1
        persons, titled = self._person_words(doc, mentions)
        openers = {doc[m.start:m.end].text for m in mentions if _opens_line(doc, m.start)} - {
            doc[m.start:m.end].text for m in mentions if not _opens_line(doc, m.start)}
        decided: dict[str, tuple[str, str]] = {}
        for text in set(evidence) | set(model):
            votes = evidence[text]
            if text in self.known:
                votes[(self.known[text][0], "lexicon")] += LEXICON
            place = self._place_vote(text, model[text], any(label == "LOC" for label, _ in votes))
            if place:
                votes[("LOC", place[0])] += place[1]
            if text in titled:
                votes[("PER", "person-title")] += FIRST_NAME  # "M. Dupont"
            elif text in persons and model[text]["PER"] and not any(r == "first-name" for _, r in votes):
                votes[("PER", "person-word")] += FIRST_NAME  # "Dario", "Huang" after "Jensen Huang"
            decided[text] = self._decide(text, votes, model[text], sizes.get(text, 1), text in openers)
        for m in mentions:
            m.label, m.rule = decided.get(key(m), (m.label, m.rule))
        mentions[:] = [m for m in mentions if m.label]

    def _place_vote(self, text: str, model: Counter, placed: bool = False) -> tuple[str, float] | None:
        if text in self.metonyms:
            return "place-metonym", LEXICON  # "l'Hexagone" is France
        for head in self.place_heads:  # "État de New York", "province de Québec"
            if text.startswith(head + " ") or text.startswith(head + "'") or text.startswith(head + "’"):
                rest = text[len(head):].lstrip(" '’")
                if self.gazetteer.kind(rest) or rest in self.extra_places:
                    return "place-head", REGION_VOTE
        kind = self.gazetteer.kind(text) or self.extra_places.get(text) or self._region_of(text)
        if kind == gazetteer.COUNTRY:
            return "gazetteer:country", COUNTRY_VOTE
        if kind == gazetteer.REGION:
            return "gazetteer:region", REGION_VOTE
        if kind == gazetteer.CITY:
            return "gazetteer:city", CITY_VOTE
        if kind == gazetteer.PLACE and (model["LOC"] or placed):
            return "gazetteer:town", TOWN_VOTE
        return None

    def _region_of(self, text: str) -> str | None:
        """"Afrique de l'Ouest", "Europe centrale": a known country or region, then a compass point or a
        region adjective."""
        head, _, rest = text.partition(" ")
        if rest and self.gazetteer.kind(head) in (gazetteer.COUNTRY, gazetteer.REGION) \
                and all(w in self.region_tails for w in rest.replace("'", "' ").replace("’", "’ ").split()):
            return gazetteer.REGION
        return None

    def _decide(self, text: str, votes: Counter, model: Counter, size: int, opener: bool = False) -> tuple[str, str]:
        """(label, rule) for one name; label "" drops it."""
        by_label: Counter = Counter()
        for (label, _), weight in votes.items():
            by_label[label] += weight
        total = sum(model.values())
        scores = Counter({label: MODEL_SHARE * count / total for label, count in model.items()}) if total else Counter()
        allowed = {"ORG"} | {label for label, weight in by_label.items() if weight > 0}
        if model["PER"] and size >= 2 and self._person_shaped(self._phrase(text)):
            allowed.add("PER")  # "Amara Sillah": two words or more the model calls a person
        if not by_label and total and model["MISC"] == total and opener:
            return "", ""  # "• Time to market …": an opening word the model alone calls a product
        # a cue that only confirms the model ("à X" for a place it saw) does not make a common word a name
        independent = [rule for (_, rule), weight in votes.items() if weight > 0 and rule not in self.confirming_cues]
        if not independent and size == 1 and self.is_word(text.lower()) \
                and not (model["PER"] or model["ORG"]) \
                and not any(rule.startswith(("gazetteer", "place", "dateline")) for _, rule in votes):
            return "", ""  # "Solutions", "Patrimoine": a common word with little to make it a name
        if not by_label and total and model["MISC"] == total and text.isupper() and text.isalpha() and len(text) <= 6:
            allowed.add("MISC")  # "le protocole MCP": an acronym the model alone calls a product is a standard
            by_label[("MISC")] += 0
        for label in allowed:
            scores[label] += by_label[label]
        label = max(sorted(allowed), key=lambda name: scores[name])
        def detail(name: str) -> str:
            parts = [f"{rule} {weight:g}" for (lab, rule), weight in sorted(votes.items()) if lab == name]
            if model[name]:
                parts.append(f"model {MODEL_SHARE * model[name] / total:g}")
            return f"{name}({', '.join(parts) or 'default'})"
        rivals = [detail(name) for name in sorted(set(by_label) | set(model)) if name != label]
        return label, "vote:" + detail(label) + (" > " + "; ".join(rivals) if rivals else "")

    def _person_shaped(self, tokens) -> bool:
        """"Amara Sillah", "Ilse Van Dorsten": capitalised words only, no company suffix, no known name."""
        words = [t for t in tokens if t.is_alpha]
        return (2 <= len(tokens) <= 4 and len(words) == len(tokens) and tokens.text not in self.known
                and tokens[0].lower_ not in ARTICLES
                and all(t.text[:1].isupper() and not t.is_upper for t in tokens[:1])
                and tokens[-1].text not in self.suffixes and tokens[0].text not in self.heads
                and not any(self.gazetteer.kind(t.text) == gazetteer.COUNTRY for t in tokens))

    def _person_words(self, doc: Doc, mentions: list[Mention]) -> tuple[set[str], set[str]]:
        """Single words that the document gives evidence of being a person: a first name, a word of a
        longer person's name ("Huang" after "Jensen Huang"); and names after a title ("M. Dupont")."""
        words, titled = set(), set()
        for m in mentions:
            tokens = doc[m.start:m.end]
            if len(tokens) == 1 and tokens.text in self.first_names:
                words.add(tokens.text)
            if len(tokens) >= 2 and m.model == "PER":
                words.update(t.text for t in tokens)
            if m.start > 0 and doc[m.start - 1].text in self.titles:
                titled.add(tokens.text)
        return words, titled

    def _set_canonical(self, doc: Doc, short_forms: dict[str, str]) -> None:
        """The fullest name in the document: "Dario" → "Dario Amodei", "Kaneda" → "Kaneda Motors";
        lexicon variants → their name; a dateline "MONTRÉAL" → "Montréal"."""
        persons = {e.text for e in doc.ents if e.label_ == "PER"}
        for ent in doc.ents:
            if ent.label_ not in NAME_LABELS:
                continue
            text = ent.text
            if text in self.known:
                ent._.fr_finance_canonical = self.known[text][1]
            elif ent.label_ == "ORG" and text in short_forms:
                ent._.fr_finance_canonical = short_forms[text]
            elif ent.label_ == "LOC" and text.isupper() and len(text) > 3:
                ent._.fr_finance_canonical = text.title()
            elif ent.label_ == "PER" and " " not in text:
                fuller = {p for p in persons if p != text and text in p.split()}
                ent._.fr_finance_canonical = fuller.pop() if len(fuller) == 1 else text
            else:
                ent._.fr_finance_canonical = text


# -- helpers (pure) --------------------------------------------------------------------------
def _grouped_by_prefix(phrases: list[list[str]]) -> list[list[dict]]:
    """Token patterns for lower-case phrases, those that differ only in their last word sharing one
    pattern ("a levé", "a signé" → [a, {levé, signé}]): the Matcher's cost grows with its patterns.

    >>> _grouped_by_prefix([["a", "levé"], ["a", "signé"], ["lève"], ["pdg", "de"], ["patron", "de"]])
    [[{'LOWER': {'IN': ['lève']}}], [{'LOWER': 'a'}, {'LOWER': {'IN': ['levé', 'signé']}}], [{'LOWER': {'IN': ['patron', 'pdg']}}, {'LOWER': {'IN': ['de']}}]]
    """
    groups: dict[tuple, list[str]] = {}
    for words in phrases:
        last = groups.setdefault(tuple(words[:-1]), [])
        if words[-1] not in last:
            last.append(words[-1])
    # then phrases that differ only in their first word ("PDG de", "patron de" → [{PDG, patron}, de])
    patterns = [[{"LOWER": {"IN": sorted(groups.pop(()))}}]] if () in groups else []
    firsts: dict[tuple, list[str]] = {}
    for prefix, last in groups.items():
        firsts.setdefault((prefix[1:], tuple(sorted(last))), []).append(prefix[0])
    for (middle, last), heads in firsts.items():
        first = {"LOWER": heads[0]} if len(heads) == 1 else {"LOWER": {"IN": sorted(heads)}}
        patterns.append([first] + [{"LOWER": w} for w in middle] + [{"LOWER": {"IN": list(last)}}])
    return patterns


def _apostrophe_variants(phrases: list[str]) -> list[str]:
    """Each phrase as written and with the other apostrophe (French text uses both ' and ’)."""
    out = []
    for phrase in phrases:
        for form in (phrase, phrase.replace("'", "’"), phrase.replace("’", "'")):
            if form not in out:
                out.append(form)
    return out


@lru_cache(maxsize=4)
def _first_names(path: str) -> frozenset[str]:
    return first_name_list.read(Path(path))


def _demonyms(data: dict) -> frozenset[str]:
    """Nationality adjectives and inhabitants' names, lower-cased, with their plurals ("marocains",
    "liégeoises"): never entities."""
    words = {w.lower() for w in data.get("nationalities", []) + data.get("demonyms", [])}
    return frozenset(words | {w + "s" for w in words if not w.endswith(("s", "x"))})


def heading_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of lines that read as title-case headings or all-caps banners.

    >>> text = "Le Défi de l'Exécution\\nLa société a levé des fonds auprès de Sequoia.\\n"
    >>> heading_ranges(text)
    [(0, 22)]
    """
    ranges = []
    offset = 0
    for line in text.split("\n"):
        if _is_heading(line):
            ranges.append((offset, offset + len(line)))
        offset += len(line) + 1
    return ranges


def _is_heading(line: str) -> bool:
    stripped = line.strip()
    words = re.findall(r"[^\W\d_][\w’'-]*", stripped)
    if not words or len(words) > 20 or stripped[-1:] in ".;,":
        return False
    if stripped.isupper() and len(words) >= 2:
        return True
    content = [w for w in words[1:] if len(w.split("’")[-1].split("'")[-1]) >= 4]
    capitalised = [w for w in content if w.split("’")[-1].split("'")[-1][:1].isupper()]
    return len(content) >= 1 and len(capitalised) / len(content) >= 0.5


def _without_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Keep the longer of two overlapping mentions ("GPT-4 Turbo" over "Turbo")."""
    kept: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (m.start - m.end, m.start)):
        if not any(m.start < k.end and k.start < m.end for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: m.start)


def _split_coordination(doc: Doc, mention: Mention) -> list[Mention]:
    """"Zig et C": two names the model joined."""
    for i in range(mention.start + 1, mention.end - 1):
        if doc[i].lower_ == "et" and _is_capitalised(doc[i - 1]) and _is_capitalised(doc[i + 1]):
            return [Mention(mention.start, i, mention.label, Counter(mention.votes), mention.model),
                    *_split_coordination(doc, Mention(i + 1, mention.end, mention.label, Counter(mention.votes),
                                                      mention.model))]
    return [mention]


def _is_capitalised(token) -> bool:
    return token.text[:1].isupper() or token.text[:1].isdigit()


def _is_hashtag(span: Span) -> bool:
    """"#FrenchTech": a hashtag is a keyword, not a mention of a name."""
    return span.start > 0 and span.doc[span.start - 1].text == "#" and not span.doc[span.start - 1].whitespace_


def _is_term_abbreviation(span: Span) -> bool:
    """"grands modèles de langage (LLM)": an acronym glossing lower-case words is a term."""
    doc = span.doc
    return (
        len(span) == 1 and span.text.isupper()
        and span.start >= 2 and doc[span.start - 1].text == "("
        and span.end < len(doc) and doc[span.end].text == ")"
        and doc[span.start - 2].is_lower
    )


def _is_all_caps_words(span: Span, is_word) -> bool:
    """A shouted phrase of ordinary words ("FLASH INFO", "CECI N'EST PAS ...") is not a name."""
    words = [t for t in span if t.is_alpha]
    return len(words) >= 2 and all(t.is_upper for t in words) and all(is_word(t.lower_) for t in words)


def _starts_clause(doc: Doc, index: int) -> bool:
    if index == 0 or doc[index].is_sent_start:
        return True
    previous = doc[index - 1]
    return "\n" in previous.text or "\n" in previous.whitespace_ or previous.text in {":", "•", "-", "–", "«", "\"", "(", "."}


def _opens_line(doc: Doc, index: int) -> bool:
    """The first word of a line or of a bullet ("• Time to market …")."""
    if index == 0:
        return True
    previous = doc[index - 1]
    return "\n" in previous.text or "\n" in previous.whitespace_ or previous.text in {"•", "-", "–", "*", "·"}


def _capitalised_elsewhere(doc: Doc, token) -> bool:
    return any(t.text == token.text and not _starts_clause(doc, t.i) for t in doc if t.i != token.i)


def _occupied(spans: list[Span]) -> set[int]:
    return {i for s in spans for i in range(s.start, s.end)}


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _matcher_anchors(nlp: Language, matcher: Matcher, keys: list[str]) -> tuple[numpy.ndarray, int | None]:
    """Anchor words (LOWER hashes) such that every match of every pattern contains one, and the most
    tokens a match can span; reach None when some pattern has no required word or no bounded length.
    Of a pattern's required tokens, the one whose words are rarest anchors it: no stop word, then the
    longer its shortest word the rarer ("société" rather than "la", "PME" rather than "une")."""
    anchors: set[str] = set()
    reach = 0
    for key in keys:
        for pattern in matcher.get(key)[1]:
            ops = [token.get("OP", "") for token in pattern]
            if any(op in ("+", "*") for op in ops):
                return numpy.array([], dtype="uint64"), None
            required = [_token_words(token) for token, op in zip(pattern, ops) if op == "" or _min_repeat(op) > 0]
            required = [words for words in required if words]
            if not required:
                return numpy.array([], dtype="uint64"), None
            anchors |= max(required, key=lambda words: (not words & nlp.Defaults.stop_words, min(map(len, words))))
            reach = max(reach, sum(_max_repeat(op) for op in ops))
    hashes = sorted({nlp.vocab.strings.add(word) for word in anchors})
    return numpy.array(hashes, dtype="uint64"), reach


def _token_words(token: dict) -> set[str] | None:
    """The lower-case words a token spec allows, when it lists them (LOWER, TEXT or ORTH, exact or IN)."""
    for attr in ("LOWER", "TEXT", "ORTH"):
        spec = token.get(attr)
        if isinstance(spec, str):
            return {spec.lower()}
        if isinstance(spec, dict) and set(spec) == {"IN"}:
            return {str(word).lower() for word in spec["IN"]}
    return None


def _min_repeat(op: str) -> int:
    """How many tokens an OP requires at least: "" 1, "?" 0, "{2,3}" 2; "!" counts as none required."""
    if op in ("", "?", "!"):
        return 1 if op == "" else 0
    return int(op.strip("{}").partition(",")[0] or 0)


def _max_repeat(op: str) -> int:
    if op in ("", "?", "!"):
        return 1
    low, comma, high = op.strip("{}").partition(",")
    return int(high) if high else int(low or 0) if not comma else 10 ** 6  # "{2,}" is unbounded


def _longest_first(ranges) -> list[tuple[int, int]]:
    """Non-overlapping token ranges (matches, never empty), longest first."""
    chosen: list[tuple[int, int]] = []
    used: set[int] = set()  # tokens of the chosen ranges
    for r in sorted(set(ranges), key=lambda r: (r[0] - r[1], r[0])):
        if used.isdisjoint(range(*r)):
            chosen.append(r)
            used.update(range(*r))
    return sorted(chosen)
