"""The spaCy component: sentences → triggers → clauses → readings → events → merge passes."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ... import lexicons
from ...sentences import doc_sentences
from ..serialize import SavesDataFiles
from ..spans import register_extensions
from ....records.event import Amount, Event
from . import merge
from .clause import PARTY, TARGET, Clause, Reading, Topic, Trigger, entities_in, fits, name
from .roles import RoleReader, date_near, name_after_word, name_just_before
from .triggers import TriggerFinder
from .words import Settings, Words


SETTINGS = {name: getattr(Settings(), name) for name in Settings.__dataclass_fields__}  # the named windows


@Language.factory("fr_finance_events_v1", default_config={"lexicon": "events.yaml", "words": "french.yaml", **SETTINGS})
def make_event_reader(nlp: Language, name: str, lexicon: str, words: str, max_gap: int, description_reach: int,
                      headline_zone: int, verb_noun_gap: int, aside_reach: int, negation_reach: int,
                      date_reach: int, conversion_reach: int, count_reach: int) -> "EventReader":
    settings = Settings(max_gap=max_gap, description_reach=description_reach, headline_zone=headline_zone,
                        verb_noun_gap=verb_noun_gap, aside_reach=aside_reach, negation_reach=negation_reach,
                        date_reach=date_reach, conversion_reach=conversion_reach, count_reach=count_reach)
    return EventReader(nlp, name, lexicon=lexicon, words=words, settings=settings)


class EventReader(SavesDataFiles):  # to_disk/from_disk carry events.yaml and french.yaml
    def __init__(self, nlp: Language, name: str = "fr_finance_events", *, lexicon: str = "events.yaml",
                 words: str = "french.yaml", settings: Settings = Settings()):
        register_extensions()
        self.name = name
        self.settings = settings
        self.words = Words(words)
        self.words_file = words
        data = lexicons.load(lexicon)
        entries = {e["id"]: e for e in lexicons.require_ids(data["triggers"], "events.yaml triggers")}
        self.deal_as = {"investment": entries["round-noun"], "acquisition": entries["acquire-noun"]}
        self.triggers = TriggerFinder(nlp, entries, data["investor_markers"], self.words, settings,
                                      data["descriptor_heads"], data.get("business_lines", ()))
        self.roles = RoleReader(data, self.words)
        self.hypothesis = set(data["hypothesis_markers"])
        self.price_nouns = set(data["price_nouns"])
        self.price_holders = set(data["price_holders"])
        self.investor_nouns = set(data["investor_nouns"])
        self.valuation_nouns = {n for e in entries.values() if e["type"] == "valuation" for n in e.get("nouns", [])}
        self.news = set(data["news_markers"])

    def __call__(self, doc: Doc) -> Doc:
        ents = {i: ent for ent in doc.ents for i in range(ent.start, ent.end)}
        topic = Topic(doc)
        matches = self.triggers.matches(doc)
        events: list[Event] = []
        stated_in: dict[int, int] = {}  # id(event) → number of the sentence that states it
        for number, sent in enumerate(doc_sentences(doc, self.words_file)):
            if is_question(sent) or self.is_hypothesis(sent):
                continue
            triggers = self.triggers.in_sentence(doc, sent, ents, matches)
            readings: list[tuple[Reading, Clause]] = []
            context = next((e.type for e in reversed(events) if e.type != "valuation"), None)
            for k, trigger in enumerate(triggers):
                stop = triggers[k + 1].start if k + 1 < len(triggers) else sent.end
                if trigger.type in ("investment", "acquisition"):  # "les tours de X (12 M€) …": the kind of deal
                    context = trigger.type                               # the sentence is about
                if trigger.type == "deal":  # "une opération de 15 M€": the kind of deal the text is about
                    if context is None:
                        continue
                    trigger = Trigger({**self.deal_as[context], "id": "deal-noun"}, trigger.start, trigger.end, False)
                clause = Clause(doc, sent, trigger, self.clause_end(doc, trigger.end, stop), ents, topic,
                                self.words, self.settings)
                reading = self.roles.read(clause)
                if reading is not None:
                    readings.append((reading, clause))
                    readings += [(other, clause) for other in reading.companions]
                    if reading.type == "acquisition" and not trigger.is_verb and reading.money is None:
                        for other in self.roles.more_targets(clause, reading):  # "les rachats de X et de Y"
                            extra = Reading(trigger, sent, None, other, list(reading.parties), reading.date,
                                            {**reading.rules, "target": "target:coordinated"})
                            readings.append((extra, clause))
                    if not reading.round_investors_only:
                        topic.note_target(reading.target)
                        topic.note_parties(reading.parties, trigger.start)
                        context = reading.type if reading.type != "valuation" else context
                events += self.counted_list(clause)
            readings += self.follow_ups(readings)
            if context == "investment":
                events += self.bracketed_amounts(doc, sent, ents, readings)
            if all(r.type != "valuation" and not r.target and not r.parties and not r.round_investors_only
                   for r, _ in readings):  # no fact of its own ("Le montant de l'opération est de …"): it may
                #                            complete the fact just stated
                recent = [e for e in events if stated_in.get(id(e), -9) >= number - 2]
                self.complete(doc, sent, ents, recent)
                continue
            stated = [(self.event(doc, r), r) for r, _ in readings]
            stated_in.update((id(e), number) for e, _ in stated)
            merge.share_targets([e for e, _ in stated])
            for event, reading in stated:
                if reading.round_investors_only:
                    merge.give_investors_to_last_round(events, reading.parties, "investors:next-sentence")
                else:
                    events.append(event)
        events = merge.drop_restatements(merge.name_joint_investors(merge.fill_topic(merge.fill_buyer(events))))
        doc._.fr_finance_events = [e.to_dict() for e in events]
        return doc

    def counted_list(self, c: Clause) -> list[Event]:
        """"trois opérations (X, Y et Z)", "deux levées (X et Y)": a round-up names rounds without their
        amounts; each named company raised (rule target:counted-list)."""
        doc, trigger = c.doc, c.trigger
        if trigger.is_verb or not trigger.entry.get("round") or trigger.start == 0 or not doc[trigger.start - 1].like_num:
            return []
        if trigger.end >= len(doc) or doc[trigger.end].text != "(":
            return []
        close = next((i for i in range(trigger.end + 1, c.sent.end) if doc[i].text == ")"), None)
        if close is None:
            return []
        names = [name(e) for e in entities_in(c.ents, trigger.end + 1, close, TARGET)]
        evidence = (c.sent.start_char, trim_end(c.sent))
        return [Event("investment", n, [], None, None, evidence, [trigger.rule, "target:counted-list"]) for n in names]

    def bracketed_amounts(self, doc: Doc, sent: Span, ents: dict, readings) -> list[Event]:
        """Round-ups: "X (21 M$, fonds Y)", "la start-up X (15 M€) complète la liste": a company, then in
        brackets the amount it raised and its investors (rules target:before-bracket or
        target:sentence-subject, amount:in-brackets, investors:in-brackets). Not a conversion "N (M)"."""
        used = {r.money.start for r, _ in readings if r.money is not None}
        found = []
        for money in entities_in(ents, sent.start, sent.end, ("MONEY",)):
            opener = money.start - 1
            if money.start in used or opener <= sent.start or doc[opener].text != "(":
                continue
            if any(ents.get(i) is not None and ents[i].label_ == "MONEY" for i in range(max(sent.start, opener - 3), opener)):
                continue  # "141 M$ US (193 M$)": a conversion
            before = ents.get(opener - 1)
            if before is not None and fits(before, TARGET):
                target, rule = name(before), "target:before-bracket"
            else:
                earlier = entities_in(ents, sent.start, opener, TARGET)
                if len(earlier) != 1 or any(ents.get(i) is not None and ents[i].label_ == "MONEY"
                                            for i in range(sent.start, opener)):
                    continue
                target, rule = name(earlier[0]), "target:sentence-subject"
            close = next((i for i in range(money.end, sent.end) if doc[i].text == ")"), sent.end)
            investors = [name(e) for e in entities_in(ents, money.end, close, PARTY) if name(e) != target]
            amount = Amount(money._.fr_finance_value, money._.fr_finance_currency, money._.fr_finance_qualifier,
                            money.start_char, money.end_char)
            rules = ["amount-in-brackets", rule] + (["investors:in-brackets"] if investors else []) + ["amount:in-brackets"]
            found.append(Event("investment", target, investors, amount, None, (sent.start_char, trim_end(sent)), rules,
                               is_headline(sent, self.words, self.settings)))
            for worth in entities_in(ents, money.end, close, ("MONEY",)):  # "(40 M€ pour une valorisation de 180 M€)"
                near = doc[max(money.end, worth.start - 3):min(close, worth.end + 2)]
                if any(t.lower_ in self.valuation_nouns for t in near):
                    value = Amount(worth._.fr_finance_value, worth._.fr_finance_currency, worth._.fr_finance_qualifier,
                                   worth.start_char, worth.end_char)
                    found.append(Event("valuation", target, [], value, None, (sent.start_char, trim_end(sent)),
                                       ["valuation-in-brackets", rule, "amount:in-brackets"]))
        return found

    def complete(self, doc: Doc, sent: Span, ents: dict, recent: list[Event]) -> None:
        """A sentence without a fact of its own may complete the last one: its price ("Le montant de
        l'opération est de 8 millions", rule amount:next-sentence) or its other investors ("Parmi les autres
        investisseurs, on retrouve X, Y et Z", rule investors:next-sentence-list)."""
        if not recent:
            return
        last = recent[-1]
        money = [e for e in entities_in(ents, sent.start, sent.end, ("MONEY",)) if e.label_ == "MONEY"]
        price = next((t for t in sent if t.lower_ in self.price_nouns or t.lower_ in self.price_holders), None)
        if price is not None and money and last.amount is None and last.type != "valuation":
            first = next((m for m in money if m.start > price.i and m.start - price.i <= self.settings.max_gap), None)
            if first is not None and not self.roles.is_per_share(doc, first):
                last.amount = Amount(first._.fr_finance_value, first._.fr_finance_currency,
                                     first._.fr_finance_qualifier, first.start_char, first.end_char)
                last.rules.append("amount:next-sentence")
            return
        role = next((t for t in sent if t.lower_ in self.investor_nouns), None)
        if role is None and sent.start >= 2 and doc[sent.start - 1].text == ":" and \
                doc[sent.start - 2].lower_ in self.investor_nouns:  # "… auprès d'un groupe d'investisseurs : A, B et C"
            role = doc[sent.start - 1]
        investment = next((e for e in reversed(recent) if e.type == "investment"), None)
        if role is None or money or investment is None:
            return
        listed = [e for e in entities_in(ents, role.i + 1, sent.end, PARTY)
                  if not any(self.words.has("genitive", t) for t in doc[max(sent.start, e.start - 2):e.start])]
        if not listed or listed[0].start - role.i > self.settings.max_gap:
            return  # "de X" describes someone named before ("la filiale de X"); a far name is another matter
        names = [n for n in map(name, listed) if n != investment.target and n not in investment.parties]
        if names:
            investment.parties = investment.parties + names
            investment.rules.append("investors:next-sentence-list")

    def clause_end(self, doc: Doc, start: int, stop: int) -> int:
        for i in range(start, stop):
            if self.words.has("clause-break", doc[i]) and not (doc[i].text == ":" and i > 0 and doc[i - 1].lower_ in
                                                                 self.investor_nouns):  # "d'investisseurs : A, B"
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
            respective = list(reading.respective)
            later = c.entities(reading.money.end, c.sent.end, {"MONEY"})
            if respective and len(later) < len(respective):
                # "X et Y, valorisés respectivement à 72 milliards et 56 milliards de dollars": an amount the money
                # reader missed is a bare early one, so the amounts found go to the last names
                reading.target, respective = respective[-len(later) - 1], respective[-len(later):] if later else []
                reading.rules["target"] = "target:respectively"
            for ent in later:
                if respective and ent.start not in used:  # "X et Y, valorisés respectivement à A et B"
                    follow = Reading(reading.trigger, c.sent, ent, respective.pop(0), [], reading.date,
                                     {**reading.rules, "target": "target:respectively", "amount": "amount:respectively"})
                    extra.append((follow, c))
                    used.add(ent.start)
                    continue
                if ent.start in used or self.roles.is_conversion(c, ent, c.sent):
                    continue
                lead = c.doc[max(c.sent.start, ent.start - 4):ent.start]
                if reading.type == "valuation" and any(self.words.has("contrast", t) for t in lead):
                    target = name_after_word(c, ent.end, self.words["purpose"]) or reading.target  # "contre 80 Md$ pour X"
                    follow = Reading(reading.trigger, c.sent, ent, target, [], date_near(c, ent))
                    follow.rules = {"trigger": reading.trigger.rule, "target": "target:follow-up",
                                    "amount": "amount:earlier-figure"}
                    if follow.date:
                        follow.rules["date"] = "date:near-amount"
                    extra.append((follow, c))
                    used.add(ent.start)
                elif reading.type == "investment" and not reading.trigger.is_verb:
                    target = self.roles.target_right_after(c, ent.end)  # "l'investissement de N dans X et de M dans Y"
                    if target and target != reading.target:
                        follow = Reading(reading.trigger, c.sent, ent, target, list(reading.parties), reading.date,
                                         {**reading.rules, "target": "target:follow-up", "amount": "amount:follow-up"})
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
