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

import numpy
from spacy.attrs import LOWER
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from .. import lexicons
from ..vocabulary import french_words
from .serialize import SavesDataFiles
from .spans import register_extensions

# "Hexacom Ventures" is Hexacom's fund, "Sakura Capital" a firm of its own: their first word alone is
# another company, unlike "Kaneda" for "Kaneda Motors".
SEPARATE_ENTITY_SUFFIXES = {"Ventures", "Capital", "Partners", "Partenaires", "Fund", "Funds", "Holding",
                            "Holdings", "Invest", "Investments", "Investissements", "Finance", "Bank", "Banque",
                            "Securities", "Group", "Groupe"}
NAME_LABELS = ("PER", "ORG", "LOC", "MISC")
ELIDED_ARTICLES = {f"{letter}{mark}" for letter in ("l", "d", "n", "s", "qu", "L", "D", "N", "S", "Qu") for mark in "'’"}
ARTICLES = {"le", "la", "les", "l'", "l’", "un", "une", "du", "des", "au", "aux"}
PLACE_PREPOSITIONS = {"à", "en", "au", "aux"}
AMOUNT_WORDS = {"million", "millions", "milliard", "milliards", "md", "mds", "mdr", "m", "k", "%", "€", "$", "£", "¥",
                "euros", "dollars", "livres", "francs", "yens", "yuans", "ans", "mois", "jours", "pour", "sur"}
# A dateline: an all-caps place at the start of a line, an optional "(Agence)", then a dash.
DATELINE = re.compile(r"^[ \t]*([A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’-]+(?: [A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’-]+){0,2})[ \t]*(?:\([^)\n]{1,30}\)[ \t]*)?[–—-][ \t]", re.M)
VERSION = re.compile(r"^(?:\d+(?:[.,]\d+)*[a-z]?|[IVX]+|Turbo|Pro|Max|Mini|Ultra|Plus|Flash)$")
DETERMINERS = ["le", "la", "les", "l'", "l’", "un", "une", "du", "des", "au", "aux", "son", "sa", "ses", "leur",
               "leurs", "ce", "cet", "cette", "notre"]
# Evidence strength for the per-document vote. The model's labels share MODEL_SHARE between them,
# however often it repeats itself: one cue outweighs a model that is consistently wrong on a new name.
LEXICON, NAME_SHAPE, FIRST_NAME, SPECIFIC_CUE, CUE, MODEL_SHARE = 100, 8, 6, 5, 3, 2.0


@dataclass
class Mention:
    start: int  # token offsets
    end: int
    label: str
    votes: Counter  # evidence other than the model: lexicon, cues, the name's shape
    model: str = ""  # the model's label, when the mention comes from the model


@Language.factory(
    "fr_finance_names_v1",
    default_config={"lexicon": "names.yaml"},
)
def make_name_fixer(nlp: Language, name: str, lexicon: str) -> "NameFixer":
    return NameFixer(nlp, name, lexicon=lexicon)


class NameFixer(SavesDataFiles):
    def __init__(self, nlp: Language, name: str = "fr_finance.names", *, lexicon: str = "names.yaml"):
        register_extensions()
        self.name = name
        self.nlp = nlp
        data = lexicons.load(lexicon)
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
        self._add_nationality_cue(data)
        self.cue_words, self.cue_reach = _matcher_anchors(nlp, self.cue_matcher, list(self.cue_labels))
        self.first_names = frozenset(data.get("first_names", []))
        self.titles = frozenset(data.get("person_titles", []))
        self.suffixes = frozenset(data.get("company_suffixes", []))
        self.joiners = frozenset(data.get("company_joiners", []))
        self.heads = frozenset(data.get("institution_heads", []))
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
            for side in ("before", "after"):
                patterns = []
                for phrase in cue.get(side, []):
                    words = [{"LOWER": t.lower_} for t in nlp.make_doc(phrase)]
                    patterns.append(words + filler + [name_token] if side == "before" else [name_token] + words)
                if side == "before" and cue.get("nouns"):  # after any determiner, any case ("L'opérateur", "du fonds")
                    nouns = [[t.lower_ for t in nlp.make_doc(noun)] for noun in cue["nouns"]]
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
        others = [e for e in doc.ents if e.label_ not in NAME_LABELS]
        mentions = [m for e in doc.ents if e.label_ in NAME_LABELS for m in self._clean(doc, e)]
        mentions = _without_overlaps([part for m in mentions for part in _split_coordination(doc, m)])
        mentions = self._add_lexicon(doc, mentions, others)
        mentions = self._add_dateline(doc, mentions, others)
        mentions = self._drop_heading_noise(doc, mentions)
        mentions = self._drop_capitalised_words(doc, mentions)
        mentions = self._fix_boundaries(doc, mentions, others)
        self._apply_cues(doc, mentions, others)
        self._apply_name_shape(doc, mentions)
        mentions = self._propagate(doc, mentions, others)
        short_forms = self._short_forms(doc, mentions)
        self._vote(doc, mentions, short_forms)
        spans = [Span(doc, m.start, m.end, label=m.label) for m in mentions]
        spans = [s for s in spans if s.text in self.known or self._looks_like_name(s)]
        doc.ents = sorted(others + spans, key=lambda s: s.start)
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
        # Articles, elided prefixes and lower-case words before the name ("stade de Bun", "L'initiative").
        while start < end and (doc[start].text in ELIDED_ARTICLES or not _is_capitalised(doc[start])):
            start += 1
        # Lower-case words after it ("CA mondial"), unless a capitalised word follows them.
        while end > start and not _is_capitalised(doc[end - 1]) and not VERSION.match(doc[end - 1].text):
            end -= 1
        while end > start and doc[end - 1].is_punct:
            end -= 1
        if start >= end:
            return []
        if end - start == 1 and doc[start].text in self.heads and end < ent.end \
                and doc[end].lower_ in {"de", "du", "des", "d'", "d’"}:
            end = ent.end  # "Caisse de dépôt": an institution's head keeps its lower-case complement
        span = doc[start:end]
        if span.text in self.not_names or _is_term_abbreviation(span):
            return []
        if _is_all_caps_words(span, self.is_word):
            return []
        end = self._extend_version(doc, end) if ent.label_ == "MISC" or span.text in self.known else end
        return [Mention(start, end, ent.label_, Counter(), model=ent.label_)]

    def _looks_like_name(self, span: Span) -> bool:
        return (
            any(c.isalpha() for c in span.text)
            and span.text not in self.not_names
            and not any(p.fullmatch(span.text) for p in self.not_name_patterns)
            and span.text not in ELIDED_ARTICLES
            and not _is_all_caps_words(span, self.is_word)
            and not self._is_common_phrase(span)
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
                    mention.votes["MISC"] += CUE  # "Claude Opus 4", "Azure Foundry": named after a product
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
                result.append(Mention(start, end, label, Counter({label: LEXICON})))
                covered.update(range(start, end))
        return sorted(result, key=lambda m: m.start)

    def _drop_heading_noise(self, doc: Doc, mentions: list[Mention]) -> list[Mention]:
        """Title-case headings ("Le Défi de l'Exécution") capitalise common words. In a heading, a
        name keeps only its words that are not ordinary French words ("Nouveaux CUDA" → "CUDA"),
        unless it is known or also occurs outside headings."""
        headings = heading_ranges(doc.text)
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

    def _drop_capitalised_words(self, doc: Doc, mentions: list[Mention]) -> list[Mention]:
        """A single common word capitalised only because it starts a sentence, a line or a bullet
        ("Latences réduites", "Focus utilisateur") is not a name."""
        counts = Counter(doc[m.start:m.end].text for m in mentions)
        kept = []
        for m in mentions:
            token = doc[m.start]
            single = m.end - m.start == 1
            if (single and token.text not in self.known and _starts_clause(doc, m.start)
                    and not (m.model == "LOC" and token.pos_ == "PROPN")  # "Pékin a exclu …"
                    and self.is_word(token.lower_) and counts[token.text] == 1
                    and not _capitalised_elsewhere(doc, token)):
                continue
            kept.append(m)
        return kept

    def _add_dateline(self, doc: Doc, mentions: list[Mention], others: list[Span]) -> list[Mention]:
        """"MONTRÉAL – Le distributeur …": an all-caps place opening a line before a dash is a dateline."""
        found = []
        for match in DATELINE.finditer(doc.text):
            span = doc.char_span(match.start(1), match.end(1), alignment_mode="expand")
            if span is None or match.group(1) in self.rubrics or any(_overlap((span.start, span.end), (m.start, m.end)) for m in mentions) \
                    or _occupied(others) & set(range(span.start, span.end)):
                continue
            found.append(Mention(span.start, span.end, "LOC", Counter({"LOC": LEXICON})))
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
        gap = doc[left.end:right.start]
        if len(gap) == 0:
            return doc[left.end - 1].whitespace_ == " "  # the parser may start a sentence inside a name
        if len(gap) == 1 and gap[0].text == "&":
            return True
        # "Caisse de dépôt et placement du" + "Québec": an institution's head, a few lower-case words
        # and a final de/du/des before the proper noun.
        return (doc[left.start].text in self.heads and len(gap) <= 5
                and gap[-1].lower_ in {"de", "du", "des", "d'", "d’"}
                and all(t.is_lower and t.pos_ not in ("VERB", "AUX") for t in gap))

    @staticmethod
    def _inside_any(mentions: list[Mention], index: int) -> bool:
        return any(m.start <= index < m.end for m in mentions)

    def _apply_name_shape(self, doc: Doc, mentions: list[Mention]) -> None:
        """Evidence in the name itself: a company suffix or an institution's head makes an
        organisation; a common first name confirms a person the model found."""
        for m in mentions:
            tokens = doc[m.start:m.end]
            last = tokens[-1].text
            if len(tokens) >= 2 and (last in self.suffixes or (last in self.joiners and tokens[-2].text == "&")):
                m.votes["ORG"] += NAME_SHAPE
            elif len(tokens) >= 3 and tokens[0].text in self.heads and any(t.lower_ in {"de", "du", "des", "d'", "d’"}
                                                                      for t in tokens[1:]):
                m.votes["ORG"] += NAME_SHAPE  # "Bourse de Tokyo", "Université de Lyon"
            elif len(tokens) >= 2 and tokens[0].text in self.heads and m.model != "LOC":
                m.votes["ORG"] += SPECIFIC_CUE  # "Maison Verlaine", "Fondation Helvara"
            elif m.model == "PER" and self._has_first_name(tokens):
                m.votes["PER"] += FIRST_NAME

    def _has_first_name(self, tokens) -> bool:
        first = tokens[0].text
        if first in self.known:
            return False  # "Claude Code"
        return first in self.first_names or all(part in self.first_names for part in first.split("-"))

    def _short_forms(self, doc: Doc, mentions: list[Mention]) -> dict[str, str]:
        """"Kaneda" for "Kaneda Motors", "SunWerk" for "SunWerk AG": the first word of a suffixed
        company name, used alone, is that company."""
        full = {}
        for m in mentions:
            tokens = doc[m.start:m.end]
            if (len(tokens) >= 2 and tokens[-1].text in self.suffixes | self.joiners and tokens[0].text not in self.known
                    and tokens[-1].text not in SEPARATE_ENTITY_SUFFIXES):
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
            label, side, weight, only_from, min_tokens, max_tokens = self.cue_labels[self.nlp.vocab.strings[key]]
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
            if only_from and mention.label not in only_from and not confirms:
                continue  # a cue that only corrects some labels ("Xavier Niel a investi" stays PER)
            if mention.end - mention.start > max_tokens:
                continue  # "selon Bernstein" is a firm; "selon Zhang Wei" a person
            if mention.end - mention.start < min_tokens:
                continue  # "Zelvora a déclaré" may be a company; "Léa Martin a déclaré" is a person
            if label == "PER" and mention.start > 0 and doc[mention.start - 1].lower_ in ARTICLES:
                continue  # French puts no article before a person's name: "la Stanford AI Initiative estime"
            if label == "ORG" and side == "after" and mention.start > 0 and doc[mention.start - 1].lower_ in PLACE_PREPOSITIONS:
                continue  # "Fondée à Lyon, la start-up X": the place of a company, not the company
            if mention.start == index or side == "after":
                mention.votes[label] += weight
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
        """One label per name and document (a short form votes with its full name): lexicon, the
        name's shape and cues, then the model's majority, which weighs MODEL_SHARE at most."""
        def key(m: Mention) -> str:
            text = doc[m.start:m.end].text
            return short_forms.get(text, text)

        evidence: dict[str, Counter] = defaultdict(Counter)
        model: dict[str, Counter] = defaultdict(Counter)
        for m in mentions:
            evidence[key(m)].update(m.votes)
            if m.model:
                model[key(m)][m.model] += 1
        for text in set(evidence) | set(model):
            if text in self.known:
                evidence[text][self.known[text][0]] += LEXICON
        persons = self._person_words(doc, mentions)
        labels = {}
        for text in set(evidence) | set(model):
            scores = Counter(evidence[text])
            total = sum(model[text].values())
            for label, count in model[text].items():
                scores[label] += MODEL_SHARE * count / total
            if not scores:
                continue
            if text in persons and model[text]["PER"]:
                scores["PER"] += FIRST_NAME  # "Dario", "Huang" after "Jensen Huang", "M. Dupont"
            labels[text] = scores.most_common(1)[0][0]
        for m in mentions:
            m.label = labels.get(key(m), m.label)
        mentions[:] = [m for m in mentions if m.label]

    def _person_words(self, doc: Doc, mentions: list[Mention]) -> set[str]:
        """Single words that the document gives evidence of being a person: a first name, a word of a
        longer person's name ("Huang" after "Jensen Huang"), a word after a title ("M. Dupont")."""
        words = set(self.first_names)
        for m in mentions:
            tokens = doc[m.start:m.end]
            if len(tokens) >= 2 and m.model == "PER":
                words.update(t.text for t in tokens)
            if m.start > 0 and doc[m.start - 1].text in self.titles:
                words.add(tokens.text)
        return words

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
