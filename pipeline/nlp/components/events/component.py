"""The spaCy component: sentences → triggers → clauses → readings → events → merge passes."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ... import lexicons
from ..spans import register_extensions
from ....records.event import Amount, Event
from . import merge
from .clause import Clause, Reading, Topic
from .roles import RoleReader, date_near, name_after_word, name_just_before
from .triggers import TriggerFinder
from .words import Settings, Words


@Language.factory("fr_finance_events_v1", default_config={
    "lexicon": "events.yaml", "words": "french.yaml", "max_gap": 8, "headline_zone": 400, "verb_noun_gap": 3,
    "aside_reach": 12, "negation_reach": 4, "date_reach": 8, "conversion_reach": 4})
def make_event_reader(nlp: Language, name: str, lexicon: str, words: str, max_gap: int, headline_zone: int,
                      verb_noun_gap: int, aside_reach: int, negation_reach: int, date_reach: int,
                      conversion_reach: int) -> "EventReader":
    settings = Settings(max_gap=max_gap, headline_zone=headline_zone, verb_noun_gap=verb_noun_gap,
                        aside_reach=aside_reach, negation_reach=negation_reach, date_reach=date_reach,
                        conversion_reach=conversion_reach)
    return EventReader(nlp, name, lexicon=lexicon, words=words, settings=settings)


class EventReader:
    def __init__(self, nlp: Language, name: str = "fr_finance_events", *, lexicon: str = "events.yaml",
                 words: str = "french.yaml", settings: Settings = Settings()):
        register_extensions()
        self.name = name
        self.settings = settings
        self.words = Words(words)
        data = lexicons.load(lexicon)
        entries = {e["id"]: e for e in lexicons.require_ids(data["triggers"], "events.yaml triggers")}
        self.triggers = TriggerFinder(nlp, entries, data["investor_markers"], self.words, settings)
        self.roles = RoleReader(data, self.words)
        self.hypothesis = set(data["hypothesis_markers"])
        self.news = set(data["news_markers"])

    def __call__(self, doc: Doc) -> Doc:
        ents = {i: ent for ent in doc.ents for i in range(ent.start, ent.end)}
        topic = Topic(doc)
        matches = self.triggers.matches(doc)
        events: list[Event] = []
        for sent in sentences(doc, self.words):
            if is_question(sent) or self.is_hypothesis(sent):
                continue
            triggers = self.triggers.in_sentence(doc, sent, ents, matches)
            readings: list[tuple[Reading, Clause]] = []
            for k, trigger in enumerate(triggers):
                stop = triggers[k + 1].start if k + 1 < len(triggers) else sent.end
                clause = Clause(doc, sent, trigger, self.clause_end(doc, trigger.end, stop), ents, topic,
                                self.words, self.settings)
                reading = self.roles.read(clause)
                if reading is not None:
                    readings.append((reading, clause))
                    if not reading.round_investors_only:
                        topic.note_target(reading.target)
            readings += self.follow_ups(readings)
            stated = [(self.event(doc, r), r) for r, _ in readings]
            merge.share_targets([e for e, _ in stated])
            for event, reading in stated:
                if reading.round_investors_only:
                    merge.give_investors_to_last_round(events, reading.parties, "investors:next-sentence")
                else:
                    events.append(event)
        events = merge.drop_restatements(merge.name_joint_investors(merge.fill_topic(events)))
        doc._.fr_finance_events = [e.to_dict() for e in events]
        return doc

    def clause_end(self, doc: Doc, start: int, stop: int) -> int:
        for i in range(start, stop):
            if self.words.has("clause-break", doc[i]):
                return i
        return stop

    def is_hypothesis(self, sent: Span) -> bool:
        """A conditional clause anywhere ("… si la production démarre"), but not "même si"."""
        words = [t.lower_ for t in sent]
        return any(w in self.hypothesis and (k == 0 or not self.words.has("comparison-before-si", words[k - 1]))
                   for k, w in enumerate(words))

    # -- follow-ups ---------------------------------------------------------------------------
    def follow_ups(self, readings: list[tuple[Reading, Clause]]) -> list[tuple[Reading, Clause]]:
        """Amounts that continue a stated fact without a verb of their own:
        "Nvidia jusqu'à 10 milliards, Microsoft jusqu'à 5 milliards" (one event per investor), and
        "valorisée à 350 milliards, contre 183 milliards en septembre" (an earlier valuation)."""
        used = {r.money.start for r, _ in readings if r.money is not None}
        extra: list[tuple[Reading, Clause]] = []
        for reading, c in readings:
            if reading.money is None:
                continue
            for ent in c.entities(reading.money.end, c.sent.end, {"MONEY"}):
                if ent.start in used or self.roles.is_conversion(c, ent, c.sent):
                    continue
                lead = c.doc[max(c.sent.start, ent.start - 4):ent.start]
                if reading.type == "valuation" and any(self.words.has("contrast", t) for t in lead):
                    target = name_after_word(c, ent.end, "pour") or reading.target  # "contre 80 Md$ pour X"
                    follow = Reading(reading.trigger, c.sent, ent, target, [], date_near(c, ent))
                    follow.rules = {"trigger": reading.trigger.rule, "target": "target:follow-up",
                                    "amount": "amount:earlier-figure"}
                    if follow.date:
                        follow.rules["date"] = "date:near-amount"
                    extra.append((follow, c))
                    used.add(ent.start)
                elif reading.type == "investment" and reading.trigger.is_verb:
                    party = name_just_before(c, ent.start)
                    if not party or party in reading.parties or party == reading.target:
                        continue
                    if reading.trigger.entry.get("subject_is_target"):  # "X a levé 10 M€, Y 5 M€ et Z 2 M€"
                        follow = Reading(reading.trigger, c.sent, ent, party, [], reading.date)
                        follow.rules = {**reading.rules, "target": "target:name-before-amount",
                                        "amount": "amount:follow-up"}
                        follow.rules.pop("parties", None)
                    else:  # "Nvidia jusqu'à 10 milliards, Microsoft jusqu'à 5 milliards"
                        follow = Reading(reading.trigger, c.sent, ent, reading.target, [party], reading.date)
                        follow.rules = {**reading.rules, "parties": "investors:name-before-amount",
                                        "amount": "amount:follow-up"}
                    extra.append((follow, c))
                    used.add(ent.start)
        return extra

    # -- output -------------------------------------------------------------------------------
    def event(self, doc: Doc, r: Reading) -> Event:
        money = r.money
        rules = dict(r.rules)
        if money is not None and "amount" not in rules:
            rules["amount"] = "amount:before-noun" if money.end <= r.trigger.start else "amount:clause"
        date = r.date
        if date is None:
            date = self.news_date(doc, r)
            if date is not None:
                rules["date"] = "date:published"
        amount = None if money is None else Amount(
            money._.fr_finance_value, money._.fr_finance_currency, money._.fr_finance_qualifier,
            money.start_char, money.end_char)
        ordered = [rules[role] for role in ("trigger", "target", "parties", "amount", "date") if role in rules]
        return Event(r.type, r.target, list(r.parties) if r.type != "valuation" else [],
                     amount, date, (r.evidence.start_char, trim_end(r.evidence)), ordered,
                     is_headline(r.evidence, self.words, self.settings))

    def news_date(self, doc: Doc, r: Reading) -> str | None:
        """No date in the sentence: the publication date, when the fact reads as today's news
        (announced, or a plan in the present or future)."""
        published = doc._.fr_finance_published
        if not published:
            return None
        for token in r.evidence:
            if token.lemma_.lower() in self.news:
                return published
            tense = token.morph.get("Tense")
            if token.pos_ in ("VERB", "AUX") and ("Fut" in tense or "Pres" in tense) and token.i >= r.trigger.start - 6:
                return published
        return None


# -- sentences --------------------------------------------------------------------------------
def sentences(doc: Doc, words: Words | None = None):
    """The parser's sentences, cut again where news text breaks without a full stop (at line breaks:
    headings, datelines, table rows; after a closed aside "(… 2019.)"), and joined again where the
    parser cut without one (it often cuts at an unknown capitalised name). Presetting boundaries
    before the parser derails the small French model's parse, so we re-cut afterwards."""
    ends = words["sentence-end"] if words is not None else frozenset({".", "!", "?", "…", ":"})
    start = 0
    for token in doc[1:]:
        previous = doc[token.i - 1]
        line_break = "\n" in previous.text or "\n" in previous.whitespace_
        closed = previous.text in ends or (
            previous.text == ")" and token.i >= 2 and doc[token.i - 2].text in (".", "!", "?"))
        if (line_break or (closed and token.is_sent_start)) and not token.is_space:
            yield doc[start:token.i]
            start = token.i
    if start < len(doc):
        yield doc[start:len(doc)]


def is_headline(sent: Span, words: Words, settings: Settings) -> bool:
    """A title or subtitle: a line of its own without a closing full stop, at the top of the text
    or short (a table row is neither)."""
    text = sent.text.rstrip()
    ends_line = sent.end == len(sent.doc) or "\n" in sent[-1].whitespace_ or "\n" in sent[-1].text
    if not ends_line or text.endswith(tuple(words["title-end"])):
        return False
    return sent.start_char < settings.headline_zone or sum(t.is_alpha for t in sent) <= 10


def is_question(sent: Span) -> bool:
    return sent.text.rstrip().endswith("?")


def trim_end(sent: Span) -> int:
    return sent.start_char + len(sent.text.rstrip())
