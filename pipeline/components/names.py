"""fr_finance_names_v1: correct the model's PER/ORG/LOC/MISC where it is systematically wrong on
business news, and give every name its canonical form.

Evidence, strongest first: the curated lexicon (models/names.yaml), a context cue ("la start-up X",
"le modèle X", "PDG de X"), then the model's own label. A name keeps one label per document.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

import numpy
from spacy.attrs import LOWER
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from .. import lexicons
from ..vocabulary import french_words
from .spans import register_extensions

NAME_LABELS = ("PER", "ORG", "LOC", "MISC")
ELIDED_ARTICLES = {f"{letter}{mark}" for letter in ("l", "d", "n", "s", "qu", "L", "D", "N", "S", "Qu") for mark in "'’"}
VERSION = re.compile(r"^(?:\d+(?:[.,]\d+)*[a-z]?|[IVX]+|Turbo|Pro|Max|Mini|Ultra|Plus|Flash)$")
# Evidence strength for the per-document vote.
LEXICON, CUE, SPECIFIC_CUE, MODEL = 100, 3, 5, 1


@dataclass
class Mention:
    start: int  # token offsets
    end: int
    label: str
    votes: Counter


@Language.factory(
    "fr_finance_names_v1",
    default_config={"lexicon": "names.yaml"},
)
def make_name_fixer(nlp: Language, name: str, lexicon: str) -> "NameFixer":
    return NameFixer(nlp, name, lexicon=lexicon)


class NameFixer:
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
        self._phrase = lru_cache(maxsize=4096)(nlp.make_doc)  # names recur across documents; a Doc costs
        cue_phrases = [(nlp.make_doc(p), cue.get("gap", 0)) for cue in data.get("cues", [])
                       for side in ("before", "after") for p in cue.get(side, [])]
        # One word per phrase anchors its patterns; the longest is the rarest ("société", not "la").
        anchors = {max(phrase, key=len).lower for phrase, _ in cue_phrases if len(phrase)}
        self.cue_words = numpy.array(sorted(anchors), dtype="uint64")
        self.cue_reach = max((len(phrase) + gap + 1 for phrase, gap in cue_phrases), default=1)  # longest pattern
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
            filler = [{"IS_LOWER": True, "IS_PUNCT": False, "OP": f"{{0,{gap}}}"}] if gap else []
            for side in ("before", "after"):
                patterns = []
                for phrase in cue.get(side, []):
                    words = [{"LOWER": t.lower_} for t in nlp.make_doc(phrase)]
                    patterns.append(words + filler + [name_token] if side == "before" else [name_token] + words)
                if patterns:
                    key = f"{cue['id']}:{side}"
                    matcher.add(key, patterns)
                    labels[key] = (cue["label"], side, SPECIFIC_CUE if not gap else CUE, tuple(cue.get("only_from", ())))
        return matcher, labels

    def is_word(self, word: str) -> bool:
        if not self._is_word_ready:  # the lemmatizer is sourced after this component is built
            self._is_word = french_words(self.nlp)
            self._is_word_ready = True
        return bool(self._is_word and self._is_word(word))

    # -- component ----------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        others = [e for e in doc.ents if e.label_ not in NAME_LABELS]
        mentions = [m for e in doc.ents if e.label_ in NAME_LABELS for m in self._clean(doc, e)]
        mentions = _without_overlaps([part for m in mentions for part in _split_coordination(doc, m)])
        mentions = self._add_lexicon(doc, mentions, others)
        mentions = self._drop_heading_noise(doc, mentions)
        mentions = self._drop_capitalised_words(doc, mentions)
        self._apply_cues(doc, mentions, others)
        mentions = self._propagate(doc, mentions, others)
        self._vote(doc, mentions)
        spans = [Span(doc, m.start, m.end, label=m.label) for m in mentions]
        spans = [s for s in spans if s.text in self.known or self._looks_like_name(s)]
        doc.ents = sorted(others + spans, key=lambda s: s.start)
        self._set_canonical(doc)
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
        span = doc[start:end]
        if span.text in self.not_names or _is_term_abbreviation(span):
            return []
        if _is_all_caps_words(span, self.is_word):
            return []
        end = self._extend_version(doc, end) if ent.label_ == "MISC" or span.text in self.known else end
        return [Mention(start, end, ent.label_, Counter({ent.label_: MODEL}))]

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
            while end > start and self._is_common_word(doc[end - 1]):
                end -= 1
            if start < end and any(t.is_alpha and not self._is_common_word(t) for t in doc[start:end]):
                kept.append(Mention(start, end, m.label, m.votes))
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
                    and self.is_word(token.lower_) and counts[token.text] == 1
                    and not _capitalised_elsewhere(doc, token)):
                continue
            kept.append(m)
        return kept

    def _apply_cues(self, doc: Doc, mentions: list[Mention], others: list[Span]) -> None:
        taken = _occupied(others)
        by_token = {i: m for m in mentions for i in range(m.start, m.end)}
        for key, start, end in self._cue_matches(doc):
            label, side, weight, only_from = self.cue_labels[self.nlp.vocab.strings[key]]
            index = end - 1 if side == "before" else start
            if index in taken:
                continue
            mention = by_token.get(index)
            if mention is None:
                if doc[index].pos_ not in ("PROPN", "X", "NOUN", "") or doc[index].is_sent_start:
                    continue
                stop = index + 1
                while stop < len(doc) and _is_capitalised(doc[stop]) and stop not in taken and stop not in by_token:
                    stop += 1
                mention = Mention(index, stop, label, Counter())
                mentions.append(mention)
                by_token.update({i: mention for i in range(index, stop)})
            if only_from and mention.label not in only_from:
                continue  # a cue that only corrects some labels ("Xavier Niel a investi" stays PER)
            if mention.start == index or side == "after":
                mention.votes[label] += weight
        mentions.sort(key=lambda m: m.start)

    def _cue_matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """The cue Matcher's matches, in its order, found on windows around the anchor words only: every
        pattern holds its phrase's anchor, and the name test (a TEXT regex, a Python call) then runs on a
        few tokens, not all."""
        windows: list[tuple[int, int]] = []
        for index in numpy.flatnonzero(numpy.isin(doc.to_array(LOWER), self.cue_words)).tolist():
            start, end = max(0, index - self.cue_reach + 1), min(len(doc), index + self.cue_reach)
            if windows and start <= windows[-1][1]:
                windows[-1] = (windows[-1][0], end)
            else:
                windows.append((start, end))
        return [(key, start + s, start + e) for start, end in windows for key, s, e in self.cue_matcher(doc[start:end])]

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

    def _vote(self, doc: Doc, mentions: list[Mention]) -> None:
        """One label per name and document: lexicon, then cues, then the model's majority."""
        totals: dict[str, Counter] = defaultdict(Counter)
        for m in mentions:
            totals[doc[m.start:m.end].text].update(m.votes)
        for text, votes in totals.items():
            if text in self.known:
                votes[self.known[text][0]] += LEXICON
        for m in mentions:
            votes = totals[doc[m.start:m.end].text]
            if votes:
                m.label = votes.most_common(1)[0][0]
        mentions[:] = [m for m in mentions if m.label]

    def _set_canonical(self, doc: Doc) -> None:
        """The fullest name in the document: "Dario" → "Dario Amodei"; lexicon variants → their name."""
        persons = {e.text for e in doc.ents if e.label_ == "PER"}
        for ent in doc.ents:
            if ent.label_ not in NAME_LABELS:
                continue
            text = ent.text
            if text in self.known:
                ent._.canonical = self.known[text][1]
            elif ent.label_ == "PER" and " " not in text:
                fuller = {p for p in persons if p != text and text in p.split()}
                ent._.canonical = fuller.pop() if len(fuller) == 1 else text
            else:
                ent._.canonical = text


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
            return [Mention(mention.start, i, mention.label, Counter(mention.votes)),
                    *_split_coordination(doc, Mention(i + 1, mention.end, mention.label, Counter(mention.votes)))]
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


def _longest_first(ranges) -> list[tuple[int, int]]:
    """Non-overlapping token ranges (matches, never empty), longest first."""
    chosen: list[tuple[int, int]] = []
    used: set[int] = set()  # tokens of the chosen ranges
    for r in sorted(set(ranges), key=lambda r: (r[0] - r[1], r[0])):
        if used.isdisjoint(range(*r)):
            chosen.append(r)
            used.update(range(*r))
    return sorted(chosen)
