"""Trigger finding: the verbs, nouns and verb phrases of models/events.yaml that state a fact."""
from __future__ import annotations

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from .clause import Trigger, marker_at, phrases
from .words import Settings, Words


class TriggerFinder:
    def __init__(self, nlp: Language, entries: dict[str, dict], investor_markers: list[str], words: Words,
                 settings: Settings, descriptor_heads=(), business_lines=()):
        self.entries = entries
        self.descriptor_heads = set(descriptor_heads)
        self.words = words
        self.settings = settings
        self.verb_lemmas = {verb: e for e in entries.values() for verb in e.get("verbs", [])}
        self.verb_forms = {form: e for e in entries.values() for form in e.get("forms", [])}
        self.investor_markers = phrases(investor_markers)
        self.noun_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.phrase_matcher = Matcher(nlp.vocab)
        self.business_lines = PhraseMatcher(nlp.vocab, attr="LOWER")  # "fusions et acquisitions": a trade
        if business_lines:
            self.business_lines.add("business-line", [nlp.make_doc(p) for p in business_lines])
        for entry in entries.values():
            nouns = {form for n in entry.get("nouns", []) for form in plurals(n)}
            if nouns:
                self.noun_matcher.add(entry["id"], [nlp.make_doc(n) for n in nouns])
            patterns = [verb_phrase_pattern(nlp, p, words) for p in entry.get("verb_phrases", [])]
            if patterns:
                self.phrase_matcher.add(entry["id"], patterns)

    @staticmethod
    def _tagged_alone(ent: Span, start: int, end: int) -> bool:
        """"une OPA sur X": the trigger noun alone tagged MISC by the NER is no name."""
        return ent.label_ == "MISC" and ent.start == start and ent.end == end

    def matches(self, doc: Doc) -> list[tuple[str, int, int, bool]]:
        """(entry id, start, end, is_verb) of every noun and verb phrase in the doc."""
        strings = self.noun_matcher.vocab.strings
        lines = [(s, e) for _, s, e in self.business_lines(doc)]  # "le service fusions et acquisitions de X"
        found = [(strings[k], s, e, False) for k, s, e in self.noun_matcher(doc)
                 if not any(ls <= s and e <= le for ls, le in lines)]
        found += [(strings[k], s, e, True) for k, s, e in self.phrase_matcher(doc)]
        return found

    def in_sentence(self, doc: Doc, sent: Span, ents: dict, matches: list) -> list[Trigger]:
        """The sentence's triggers in order; one per fact."""
        found = [Trigger(self.entries[key], start, end, is_verb) for key, start, end, is_verb in matches
                 if sent.start <= start and end <= sent.end
                 and (start not in ents  # "CM-CIC Investissement": a name
                      or self._tagged_alone(ents[start], start, end))
                 and not self._describes_a_company(doc, start)]
        for token in sent:
            entry = self.verb_lemmas.get(token.lemma_.lower())
            if entry is None or token.pos_ not in ("VERB", "AUX", "ADJ"):
                entry = self.verb_forms.get(token.lower_)
            if entry is None or token.i in ents:
                continue
            if token.lemma_.lower() in entry.get("reflexive_only", []) and not self._reflexive(doc, token.i):
                continue
            if any(t.lower_ in entry.get("not_after", ()) for t in doc[max(sent.start, token.i - 3):token.i]):
                continue  # "pour un montant estimé à 80 M€": the price, not a valuation
            found.append(Trigger(entry, token.i, token.i + 1, is_verb=True))
        found.sort(key=lambda t: (t.start, -(t.end - t.start)))
        kept: list[Trigger] = []
        for trigger in found:
            if kept and trigger.start < kept[-1].end:
                continue  # the longest phrase wins ("tour de table" over "tour", "prendre 15 %" over "prendre")
            previous = kept[-1] if kept else None
            if (not trigger.is_verb and previous is not None and previous.is_verb and previous.type == trigger.type
                    and trigger.start - previous.end <= self.settings.verb_noun_gap):
                continue  # "a bouclé un tour de table", "a annoncé une levée": one fact, read from the verb
            if not trigger.is_verb and self._introduces_investor(doc, sent, trigger):
                continue  # "avec la participation de X" names an investor, it is not a new fact
            kept.append(trigger)
        return kept

    def _describes_a_company(self, doc: Doc, i: int) -> bool:
        """"une société d'investissement", "le fonds de capital-investissement": part of a company's
        description, not a fact."""
        if i < 2 or not self.words.has("genitive", doc[i - 1]):
            return False
        return doc[i - 2].lower_ in self.descriptor_heads

    def _reflexive(self, doc: Doc, i: int) -> bool:
        return any(self.words.has("reflexive", t) for t in doc[max(0, i - 3):i])

    def _introduces_investor(self, doc: Doc, sent: Span, trigger: Trigger) -> bool:
        return any(marker_at(doc, i, self.investor_markers) > trigger.start - i
                   for i in range(max(sent.start, trigger.start - 3), trigger.start))


def verb_phrase_pattern(nlp: Language, phrase: str, words: Words) -> list[dict]:
    """"mettre la main sur" → the lemma "mettre", adverbs allowed, then the exact words."""
    tokens = [text for word in phrase.split()
              for text in ([word] if word == "{N}" else [t.text for t in nlp.make_doc(word)])]
    reflexive = words.has("reflexive", tokens[0])
    if reflexive:
        tokens = tokens[1:]
    pattern = [{"LOWER": {"IN": sorted(words["reflexive"] | {w.replace("'", "’") for w in words["reflexive"]})}}] \
        if reflexive else []
    if reflexive:  # "s'est porté acquéreur", "s'était emparé de"
        pattern.append({"POS": "AUX", "OP": "?"})
    pattern += [{"LEMMA": tokens[0]}, {"POS": "ADV", "OP": "*"}]
    for word in tokens[1:]:
        pattern.append({"LIKE_NUM": True} if word == "{N}" else {"LOWER": word.lower()})
    return pattern


def plurals(noun: str) -> list[str]:
    """A noun and its plurals, a compound's head included ("tour de table" → "tours de table").

    >>> plurals("tour de table")
    ['tour de table', 'tour de tables', 'tour de tablex', 'tours de table', 'tourx de table']
    """
    head, _, rest = noun.partition(" ")
    forms = [noun, noun + "s", noun + "x"]
    if rest:
        forms += [f"{head}s {rest}", f"{head}x {rest}"]
    return forms
