"""Role readers: who, whom, how much and when, per event type, for one clause.

Each reader takes a `Clause` and fills a `Reading`, naming the rule that set every role
(`target:object`, `investors:after-marker`, `amount:clause` …; FORMAT.md "Traceability"). The parse
is read first (subjects, governing verbs); word order (role words such as "dans", "par", "auprès de"
followed by a name) second.
"""
from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc, Span, Token

from .clause import (PARTY, TARGET, UNNAMED, Clause, Reading, entities_in, fits, governing_verb, is_participle,
                     marker_at, name, phrases)


class RoleReader:
    def __init__(self, data: dict, words):
        self.words = words
        self.markers = {kind: phrases(ws) for kind, ws in data["target_markers"].items()}
        self.investor_markers = phrases(data["investor_markers"])
        self.genitive = [[w] for w in words["genitive"]]
        self.agent = [[w] for w in words["agent"]]
        self.holder_verbs = set(data["valuation_holder_verbs"])
        self.receive_verbs = set(data["receive_verbs"])
        self.not_objects = set(data["not_investment_objects"])
        self.blocking_verbs = set(data["blocking_verbs"])
        self.descriptions = {d.lower() for d in data["descriptions"]}
        self.negation = set(data["negation_markers"])
        self.failure = set(data["failure_markers"])
        self.owner_heads = {d.lower() for d in data["descriptions"]} | set(data["descriptor_heads"])
        self.possibility = set(data["possibility_markers"])
        self.reporting_verbs = set(data["reporting_verbs"])
        self.trigger_lemmas = {verb for e in data["triggers"] for verb in e.get("verbs", [])}
        self.deal_words = {n for e in data["triggers"] if e["type"] == "deal" for n in e.get("nouns", [])}
        self.round_nouns = {n.split()[0] for e in data["triggers"] if e.get("round") for n in e.get("nouns", [])}
        self.deal_nouns = {n for e in data["triggers"] if e["type"] == "acquisition" for n in e.get("nouns", [])}
        self.near_markers = phrases(data["near_investor_markers"])
        self.price_nouns = set(data["price_nouns"])
        self.per_share = phrases(data["per_share_markers"])
        self.stake_nouns = set(data["stake_nouns"])
        self.stake_markers = phrases(data["stake_target_markers"])
        self.unit_nouns = phrases(data["unit_nouns"])
        self.offer_nouns = set(data["offer_nouns"])
        self.raiser_markers = phrases(data["raiser_markers"])
        self.aggregate_clause = phrases(data["aggregate_clause"])
        self.fund_nouns = set(data["fund_nouns"])
        self.aggregate_before = phrases(data["aggregate_before"])
        self.aggregate_after = phrases(data["aggregate_after"])
        self.deal_count_nouns = set(data["deal_count_nouns"])

    # -- one clause -----------------------------------------------------------------------------
    def read(self, c: Clause) -> Reading | None:
        trigger = c.trigger
        if self.negated(c) or self.serves_other_verb(c):
            return None
        reading = Reading(trigger, evidence=c.sent)
        reading.rules["trigger"] = trigger.rule
        if trigger.entry.get("needs_a") and not self.before_a(c):
            return None  # "estimé" without "à N": an opinion, not a valuation
        if trigger.type == "valuation" and trigger.is_verb and not self.is_passive(c.doc, trigger.start):
            offer = self.offer_reading(c, Reading(trigger, evidence=c.sent, rules={"trigger": trigger.rule}))
            if offer is not None and offer.rules.get("amount") == "amount:offer":
                return offer  # the bid's own amount; what it "values" the target at is per share or the same
            if offer is not None:  # "L'opération valorise X à 3 Md€": the bid and the valuation
                reading.companions.append(offer)
        if trigger.entry.get("subject_is_target") and trigger.is_verb and any(
                k.dep_ in ("nsubj", "nsubj:pass") and k.lower_ in self.fund_nouns for k in c.doc[trigger.start].children):
            return None  # "le fonds a été bouclé à 45 M€": a fund's size, not a round
        first = next(iter(c.entities(trigger.end, c.stop, {"MONEY"})), None)
        if first is not None and self.is_per_share(c.doc, first):
            return None  # "rachètera les actions à 33 $ pièce", "valorise X à 41 € par action": a term, not the deal
        reading.money = self.amount(c)
        if reading.money is not None and trigger.is_verb and reading.money.end == trigger.start:
            reading.rules["amount"] = "amount:before-participle"  # "Avec 12 M€ levés, X …"
        if reading.money is not None:
            if self.money_is_not_a_stake(c.doc, reading.money):
                return None
        if trigger.type == "acquisition" and "buyer_markers" not in trigger.entry and self.buys_a_stake(c):
            reading.kind = "investment"  # "acquérir les parts de X dans Y", "racheter 40 % du capital de Y"
            self.stake_roles(c, reading)
        else:
            readers = {"acquisition": self.acquisition_roles, "valuation": self.valuation_roles}
            readers.get(trigger.type, self.investment_roles)(c, reading)
        if trigger.entry.get("subject_is_target") and trigger.is_verb and self.collective_subject(c, reading.target):
            return None  # "les start-up de la région ont levé 300 M€ en mars": a sum over many raisers
        if trigger.type == "investment" and not trigger.is_verb and self.plural_noun(c.doc, trigger):
            return None  # "300 M€ d'investissements dans 120 PME": a sum over many deals
        if reading.type == "investment" and reading.target is None and self.collective_object(c):
            return None  # "le fonds a investi 2 Md€ dans les PME": money spread over a class of companies
        reading.parties = [p for p in dict.fromkeys(reading.parties) if p != reading.target]
        if trigger.entry.get("round") and reading.money is None and reading.parties:
            if any(self.named_bracket(c, m) for m in c.entities(trigger.end, c.stop, ("MONEY",))):
                return None  # "les levées de X (6 M€, fonds Y) et de Z (…)": each bracket is read on its own
            reading.round_investors_only = True
            return reading
        if (reading.type == "investment" and trigger.is_verb and reading.money is None and reading.parties
                and reading.target is None and self.this_round(c)):
            reading.round_investors_only = True  # "X et Y ont apporté l'essentiel de ce tour de table"
            return reading
        if reading.money is None and reading.unnamed_target and reading.parties:
            pass  # "X a bouclé l'acquisition de la division Y du groupe Z": the buyer of an unnamed unit
        elif (reading.money is None and reading.type == "acquisition" and not trigger.is_verb and reading.target
              and not reading.parties):
            reading.rules["parties"] = "acquirer:pending"  # "Après les rachats de X et de Y, …": merge.fill_buyer
        elif reading.money is None and not (reading.target and reading.parties):
            return None  # without an amount, a fact needs both sides named ("soutenue par Amazon")
        if reading.target is None and not reading.parties and not (reading.money and (
                reading.type == "investment" or (reading.type == "valuation" and not trigger.is_verb))):
            return None  # (an amount alone may still find its company in the sentence: merge.share_targets,
            # merge.fill_topic: "… dans X sur la base d'une valorisation de N")
        reading.date = self.date_in(c, reading.money)
        if reading.date is not None:
            reading.rules["date"] = "date:clause"
        return reading

    # -- per type -------------------------------------------------------------------------------
    def investment_roles(self, c: Clause, r: Reading) -> None:
        trigger, entry = c.trigger, c.trigger.entry
        markers = phrases(entry["target_markers"]) if "target_markers" in entry else self.markers["investment"]
        subjects = self.subjects(c)
        if entry.get("object_is_investor"):  # "X a fait entrer à son capital le fonds Y"
            r.set_target(subjects[0] if subjects else None, "target:subject")
            r.set_parties(self.names_after(c, trigger.end, PARTY), "investors:object")
            return
        if not (entry.get("subject_is_target") and trigger.is_verb):  # "X a levé N": X, never a name after "en"
            r.set_target(self.target_after(c, markers, exclude=set(subjects) if trigger.is_verb else ()),
                         "target:after-marker")
        if entry.get("no_investors"):  # "L'introduction en Bourse de X a généré N": proceeds, buyers unnamed
            return
        if entry.get("subject_is_target"):  # "la start-up a levé 40 M€ auprès de X", "X annonce une levée de …"
            raiser = self.genitive_name(c, r.money.end) if r.money is not None and not trigger.is_verb else None
            if raiser:  # "le tour de 100 M€ de X", "la levée de 20 M€ de X": the round's raiser
                r.set_target(raiser, "target:round-genitive")
                return
            raiser = None if trigger.is_verb else self.raiser_after(c)
            if raiser:  # "la levée de 14 M€ bouclée par X"
                r.set_target(raiser, "target:raised-by")
                return
            if not trigger.is_verb:
                subjects = self.subjects(c, governing=True)
            elif "Pres" in c.doc[trigger.start].morph.get("Tense") and is_participle(c.doc[trigger.start]):
                subjects = [n for n in [self.clause_subject(c)] if n] or subjects  # "X fait ses débuts en Bourse, levant N"
            elif not subjects and c.entity(trigger.start - 1, ("MONEY",)) and self.fronted(c):
                fronted = self.clause_subject(c)  # "Avec 8 M€ récoltés, la start-up X se classe troisième"
                if fronted:
                    r.set_target(fronted, "target:after-fronted-phrase")
                    return
            r.set_target(subjects[0] if subjects else None, "target:subject")
            genitive_at = {r.money.end} if r.money is not None else set()  # "un investissement de N du fonds Y"
            r.set_parties(self.investors_after(c, trigger.end, genitive_at=genitive_at), "investors:after-marker")
            if trigger.is_verb and len(subjects) > 1 and any(
                    self.words.has("each", t) for t in c.doc[c.sent.start:trigger.start]):
                r.companions += [Reading(trigger, c.sent, r.money, other, list(r.parties), None,
                                         {**r.rules, "target": "target:each-subject"}) for other in subjects[1:]]
        elif self.is_passive(c.doc, trigger.start):  # "soutenue par Amazon", "financée par X"
            r.set_parties(self.investors_after(c, trigger.end), "investors:agent")
            if r.target is None:
                if subjects:
                    r.set_target(subjects[0], "target:passive-subject")
                else:
                    r.set_target(self.clause_subject(c), "target:clause-subject")
        elif trigger.is_verb:
            if subjects:
                r.set_parties(subjects, "investors:subject")
            elif self.fronted(c):  # "Après avoir injecté 2 M€ dans X, le fonds Y mise sur …"
                fronted = self.clause_subject(c)
                r.set_parties([fronted] if fronted else [], "investors:after-fronted-phrase")
            if r.target is None and entry.get("object_is_target"):
                r.set_target(self.object(c, trigger.end), "target:object")  # "Microsoft a soutenu OpenAI"
        else:  # "un investissement de 15 Md$ de Microsoft et Nvidia", "mené par X", else the verb's subject
            genitive_at = {trigger.end} | ({r.money.end} if r.money is not None else set())  # "la prise de
            r.set_parties(self.investors_after(c, trigger.end, genitive_at=genitive_at, exclude={r.target}),  # participation de X dans Y"
                          "investors:after-marker")
            verb = governing_verb(c.doc[trigger.start])
            if verb is not None and verb.lemma_.lower() in self.receive_verbs and r.target is None:
                subjects = [n for n in self.subjects(c, governing=True) if n not in r.parties]
                r.set_target(subjects[0] if subjects else None, "target:receiver")  # "X a bénéficié d'un financement de N"
            elif not r.parties and not entry.get("round") and not entry.get("no_investors"):
                r.set_parties(self.subjects(c, governing=True), "investors:governing-subject")
            elif r.parties and r.target is None:  # "X signe un investissement de 5 M€ avec le fonds Y": X raised it
                subjects = [n for n in self.subjects(c, governing=True) if n not in r.parties]
                r.set_target(subjects[0] if subjects else None, "target:governing-subject")

    def acquisition_roles(self, c: Clause, r: Reading) -> None:
        trigger = c.trigger
        if trigger.entry.get("subject_is_target"):  # "X passe sous le contrôle du groupe Y"
            subjects = self.subjects(c)
            r.set_target(subjects[0] if subjects else None, "target:subject")
            r.set_parties(self.names_after(c, trigger.end, PARTY)[:1], "acquirer:after-phrase")
            return
        if not trigger.is_verb and "buyer_markers" in trigger.entry:  # "la vente de X à Y"
            r.set_target(self.target_after(c, self.markers["acquisition"], adjacent=True), "target:after-marker")
            buyers = self.investors_after(c, trigger.end, markers=phrases(trigger.entry["buyer_markers"]),
                                          exclude={r.target})
            r.set_parties(buyers[:1], "acquirer:buyer-marker")
            return
        if trigger.is_verb and "buyer_markers" in trigger.entry:  # "Atos a cédé sa filiale X à Alten"
            r.set_target(self.object(c, trigger.end), "target:object")
            buyers = self.investors_after(c, trigger.end, markers=phrases(trigger.entry["buyer_markers"]),
                                          exclude={r.target})
            r.set_parties(buyers[:1], "acquirer:buyer-marker")
        elif trigger.is_verb:
            subjects = self.subjects(c)
            target = self.object(c, trigger.end)
            if self.is_passive(c.doc, trigger.start):  # "X a été racheté par Y"
                if target:
                    r.set_target(target, "target:object")
                elif subjects and self.subject_is_unit(c, subjects[0]):
                    r.set_target(UNNAMED, "target:unnamed-unit")  # "l'usine de X a été rachetée par Y"
                else:
                    r.set_target(subjects[0] if subjects else None, "target:passive-subject")
                r.set_parties(self.investors_after(c, trigger.end)[:1], "acquirer:agent")
            else:
                r.set_target(target, "target:object")
                r.set_parties(subjects[:1], "acquirer:subject")
        else:  # "l'acquisition de Bun par Anthropic", "X a annoncé le rachat de Y", "une OPA sur Y"
            if "target_markers" in trigger.entry:  # "l'OPA de X sur Y", "une OPA amicale sur Y"
                r.set_target(self.target_after(c, phrases(trigger.entry["target_markers"])), "target:after-marker")
            else:
                r.set_target(self.target_after(c, self.markers["acquisition"], adjacent=True), "target:after-marker")
            agents = self.investors_after(c, trigger.end, markers=self.agent, exclude={r.target})
            if not agents:  # "la reprise du groupe minier canadien X par Y": "par" right after the target's name
                agents = self.agent_after_target(c, r.target)
            bidders = [] if agents or "target_markers" not in trigger.entry else self.investors_after(
                c, trigger.end, markers=self.genitive, genitive_at={trigger.end}, exclude={r.target})
            if bidders:  # "l'OPA de X sur Y": the bidder
                r.set_parties(bidders[:1], "acquirer:bidder")
            elif agents:
                r.set_parties(agents[:1], "acquirer:agent")
            else:
                r.set_parties([n for n in self.subjects(c, governing=True) if n != r.target][:1],
                              "acquirer:governing-subject")
            if not r.parties:  # "les 2 Md$ payés par X pour le rachat de Y"
                payer = self.payer_before(c)
                r.set_parties([payer] if payer else [], "acquirer:payer")
            reported = any(t.lemma_.lower() in self.reporting_verbs for t in c.doc[c.sent.start:trigger.start])
            if not r.parties and not reported:
                earlier = [e for e in c.entities(c.sent.start, trigger.start, PARTY)
                           if not (e.start > 0 and c.doc[e.start - 1].text == "(")  # "LONDRES (AFP)": a source
                           and not (e.start == c.sent.start and e.text.isupper())]  # a dateline
                r.set_parties([n for n in map(name, earlier) if n != r.target][-1:], "acquirer:earlier-name")

    def agent_after_target(self, c: Clause, target: str | None) -> list[str]:
        """The buyer named by "par" right after the target, however long the description before it."""
        ent = next((e for e in c.entities(c.trigger.end, c.stop, TARGET) if name(e) == target), None)
        if ent is None or ent.end >= c.stop or not marker_at(c.doc, ent.end, self.agent):
            return []
        return [n for n in self.names_after(c, ent.end + 1, PARTY) if n != target][:1]

    def valuation_roles(self, c: Clause, r: Reading) -> None:
        trigger = c.trigger
        reflexive = trigger.start > c.sent.start and self.words.has("reflexive", c.doc[trigger.start - 1])
        if trigger.is_verb and (trigger.entry.get("subject_is_target") or reflexive):  # "X vaut 4 Md€", "X se valorise 2 Md€"
            subjects = self.names_before(c, trigger.start - (1 if reflexive else 0))
            ent = next((e for e in reversed(c.entities(c.sent.start, trigger.start, PARTY)) if subjects
                        and name(e) == subjects[0]), None)
            if ent is not None and ent.start > 0 and self.words.has("share-noun", c.doc[ent.start - 1]):
                return  # "l'action X vaut 30 €": a share price
            r.set_target(subjects[0] if subjects else None, "target:subject")
            return
        if trigger.is_verb and not self.is_passive(c.doc, trigger.start):  # "l'opération valorise X à 1,2 Md€"
            r.set_target(self.object(c, trigger.end), "target:object")
            return
        if trigger.is_verb:  # "X a été valorisée à 2 Md€", "Valorisée 1 Md€, la start-up X recrute"
            if trigger.start > c.sent.start and self.words.has("comparative", c.doc[trigger.start - 1]):
                return  # "les start-up les mieux valorisées": a ranking
            # "estimé à" only with its company just before ("le constructeur X est désormais estimé à")
            subjects = self.names_before(c, trigger.start) if trigger.entry.get("needs_a") else self.subjects(c)
            if subjects:
                r.set_target(subjects[0], "target:passive-subject")
                if len(subjects) > 1 and any(self.words.has("respectively", t) for t in c.doc[trigger.end:c.stop]):
                    r.respective = subjects[1:]
            elif not trigger.entry.get("needs_a"):
                r.set_target(self.clause_subject(c), "target:clause-subject")
            return
        holder = self.holder(c)
        if r.money is not None and r.money.start - trigger.end <= 2 and holder:
            r.set_target(holder, "target:holder")  # "X a atteint une valorisation de 2 Md$, et Y …": "de" gives the amount
            return
        r.set_target(self.target_after(c, self.markers["valuation"]), "target:after-marker")
        if r.target is None:
            r.set_target(holder, "target:holder")

    def this_round(self, c: Clause) -> bool:
        """A demonstrative round noun in the clause: "ce tour de table", "cette levée"."""
        return any(self.words.has("demonstrative", c.doc[i - 1]) and c.doc[i].lemma_.lower() in self.round_nouns
                   for i in range(c.trigger.end + 1, c.sent.end))

    @staticmethod
    def before_a(c: Clause) -> bool:
        for token in c.doc[c.trigger.end:min(c.stop, c.trigger.end + 3)]:
            if c.words.has("to", token):
                return True
            if token.pos_ != "ADV":
                return False
        return False

    def offer_reading(self, c: Clause, r: Reading) -> Reading | None:
        """"Cette offre, d'un montant de 3 Md€, valorise X à 40 € par action": an offer for X is an
        acquisition of X (a live bid), at the offer's amount; its bidder is whoever the text says made the
        offer ("l'offre de Y", "l'offre déposée par Y")."""
        doc, trigger = c.doc, c.trigger
        subject = doc[c.sent.start:trigger.start]
        offer = any(t.lower_ in self.offer_nouns for t in subject)
        if not offer and not any(t.lower_ in self.deal_words for t in subject):
            return None  # "L'opération valorise X à …" after "Y a déposé une offre sur X" is Y's bid too
        r.kind = "acquisition"
        r.set_target(self.object(c, trigger.end), "target:offer-object")
        price = [m for m in c.entities(c.sent.start, trigger.start, ("MONEY",)) if not self.is_per_share(doc, m)]
        if price:
            r.money = price[0]
            r.rules["amount"] = "amount:offer"
        else:
            valued = self.amount(c)
            if valued is None:
                return None
            r.money = valued
            r.rules["amount"] = "amount:offer-valuation"
        bidder = self.bidder(c, exclude={r.target})
        r.set_parties([bidder] if bidder else [], "acquirer:offer-by")
        return r if r.target and r.parties and (offer or r.rules["amount"] == "amount:offer-valuation") else None

    def bidder(self, c: Clause, exclude=()) -> str | None:
        """The company the text names as making the offer: "l'offre de X", "la proposition d'X", "l'offre
        hostile déposée lundi par X" (the most often named)."""
        doc, counts = c.doc, {}
        for token in doc:
            if token.lower_ not in self.offer_nouns:
                continue
            if token.head.pos_ == "VERB" and token.dep_ == "obj":  # "X a déposé une offre sur Y"
                for found in self.names_before(replace(c, sent=token.sent), token.head.i)[:1]:
                    if found not in exclude:
                        counts[found] = counts.get(found, 0) + 1
            for i in range(token.i + 1, min(len(doc), token.i + 6)):
                if (self.words.has("genitive", doc[i]) or self.words.has("agent", doc[i])) and c.entity(i + 1, PARTY):
                    found = name(c.ents[i + 1])
                    if found not in exclude:
                        counts[found] = counts.get(found, 0) + 1
                    break
                if doc[i].is_punct or c.ents.get(i) is not None:
                    break
        return max(counts, key=counts.get) if counts else None

    def more_targets(self, c: Clause, r: Reading) -> list[str]:
        """"les absorptions de X et de Y": a noun's coordinated objects, each a fact of its own."""
        doc = c.doc
        ents = [e for e in c.entities(c.trigger.end, c.stop, TARGET) if name(e) == r.target]
        if not ents:
            return []
        names, i = [], ents[0].end
        while i < c.stop and self.words.has("coordination", doc[i]):
            i += 1
            if i < c.stop and self.words.has("genitive", doc[i]):
                i += 1
            ent = c.entity(i, TARGET)
            if ent is None:
                break
            names.append(name(ent))
            i = ent.end
        return names

    @staticmethod
    def fronted(c: Clause) -> bool:
        """The trigger stands in a phrase before the sentence's first comma, its subject after it."""
        comma = next((t.i for t in c.sent if t.text == ","), None)
        return comma is not None and c.trigger.end <= comma and not any(
            c.ents.get(i) is not None and c.ents[i].label_ in ("ORG", "PER") for i in range(c.sent.start, c.trigger.start))

    def buys_a_stake(self, c: Clause) -> bool:
        """The bought object is a stake: "les parts de X", "une participation de 57 % dans Y", "40 % du capital"."""
        for token in c.doc[c.trigger.end:min(c.stop, c.trigger.end + 4)]:
            if token.ent_type_ == "PERCENT" or token.lower_ in self.stake_nouns:
                return True
            if token.ent_type_ or token.pos_ in ("VERB", "AUX", "PROPN"):
                return False
        return False

    def stake_roles(self, c: Clause, r: Reading) -> None:
        """A stake bought: the company it is a part of follows "dans" ("les parts de X dans Y"), else
        "(du capital) de"; the buyer is the subject."""
        target = self.target_after(c, self.stake_markers)
        if target is None:
            target = self.target_after(c, self.markers["acquisition"])
        r.set_target(target, "target:stake-of")
        r.set_parties(self.subjects(c, governing=not c.trigger.is_verb), "investors:subject")

    def genitive_name(self, c: Clause, at: int) -> str | None:
        """A company named right after `at` by "de": "… de 100 M€ de X"."""
        if at < c.stop and self.words.has("genitive", c.doc[at]):
            for i in range(at + 1, min(c.stop, at + 2 + c.settings.verb_noun_gap * 2)):  # "de X", "de la start-up X"
                if c.entity(i, TARGET):
                    return name(c.ents[i])
                token = c.doc[i]
                if c.ents.get(i) is not None or token.pos_ == "AUX" or not (
                        token.is_lower or token.text == "-" or self.words.has("determiner", token)):
                    break
        return None

    def target_right_after(self, c: Clause, at: int) -> str | None:
        """A company right after an amount, behind an investment role word: "… et de 12 M€ dans Y"."""
        marker = marker_at(c.doc, at, self.markers["investment"])
        if not marker:
            return None
        found = self.name_or_description(c, at + marker, TARGET, ())
        return found or None

    def raiser_after(self, c: Clause) -> str | None:
        """"la levée de 14 M€ bouclée par X": the company that raised the round."""
        for i in range(c.trigger.end, c.stop):
            marker = marker_at(c.doc, i, self.raiser_markers)
            if marker:
                found = self.names_after(c, i + marker, TARGET)
                return found[0] if found else None
        return None

    def holder(self, c: Clause) -> str | None:
        """Whose valuation a bare "valorisation" is: "X, dont la capitalisation atteint", "X affiche une
        valorisation de", or "sa valorisation" (the document's company)."""
        doc, sent, trigger = c.doc, c.sent, c.trigger
        before = doc[max(sent.start, trigger.start - 3):trigger.start]
        whose = [t for t in before if self.words.has("relative-whose", t)]
        if whose:
            i = whose[-1].i - 1
            while i >= sent.start and doc[i].text == ",":
                i -= 1
            if c.entity(i, TARGET):
                return name(c.ents[i])
        verb = governing_verb(doc[trigger.start])
        object_of_verb = doc[trigger.start].dep_ == "obj" and verb is not None and doc[trigger.start].head.i == verb.i
        if verb is not None and (verb.lemma_.lower() in self.holder_verbs or object_of_verb):  # the lemmatizer
            # misses forms ("affiche" → "affiche"): a valuation the verb's direct object is its subject's
            names = self.subjects_of(c, verb)
            if names:
                return names[0]
        if len(before) and self.words.has("possessive", before[-1]):
            return c.topic.referent(trigger.start, as_subject=True)
        return None

    # -- names in role slots ----------------------------------------------------------------------
    def target_after(self, c: Clause, markers, exclude=(), adjacent=False) -> str | None:
        """The company after the first marker word ("dans X", "de la jeune pousse X"), or the company a
        description there stands for ("dans la startup"); with `adjacent`, only a marker right after the
        trigger ("l'achat de X", not "l'achat par un emprunt de 250 M€ de X")."""
        doc = c.doc
        for i in range(c.trigger.end, min(c.stop, c.trigger.end + 2) if adjacent else c.stop):
            marker = marker_at(doc, i, markers)
            if marker:
                found = self.name_or_description(c, i + marker, TARGET, exclude)
                if found or found is UNNAMED:
                    return found
                continue  # "une participation de 20 % dans la société Alan": the next marker
            if c.entity(i, ("MONEY", "PERCENT")):
                continue
            if doc[i].pos_ == "VERB" and not is_participle(doc[i]):
                break  # a participle may stand between ("pris par Nvidia envers OpenAI")
        return None

    def object(self, c: Clause, start: int) -> str | None:
        """The direct object: "racheté en 2023 le joaillier genevois Orlov & Fils", "son concurrent X"."""
        return self.name_or_description(c, start, TARGET, (), allow_date=True)

    def name_or_description(self, c: Clause, start: int, labels, exclude, allow_date=False) -> str | None:
        doc = c.doc
        described, unit = None, False
        i = start
        while i < min(c.stop, start + c.settings.max_gap):
            ent = c.ents.get(i)
            if ent is not None:
                if fits(ent, labels) and name(ent) not in exclude:
                    return UNNAMED if labels == TARGET and self.unit_before(c, ent, start) else name(ent)
                if ent.label_ == "DATE" and allow_date:
                    i = ent.end
                    continue
                break
            token = doc[i]
            unit = unit or (labels == TARGET and bool(marker_at(doc, i, self.unit_nouns)))
            if self.is_description(doc, i) or (described is not None and i <= described + 2 and token.is_lower):
                described = i if described is None else described  # "la jeune pousse" (the tagger may call "pousse" a verb)
                i += 1
                continue
            if unit and token.text == "," and c.entity(i + 1, labels):  # "sa filiale marocaine, X Maroc, …"
                return name(c.ents[i + 1])
            if token.pos_ == "AUX" or token.text in (",", ";", ":", "(", ")", ".") or (
                    token.pos_ == "VERB" and not is_participle(token)):
                break  # a participle may stand between ("pris par Nvidia envers OpenAI")
            if allow_date and (token.pos_ == "ADP" or self.words.has("object-stop", token)) and \
                    not self.words.has("article-genitive", token):
                break  # a direct object has no preposition ("acheter des services à Amazon")
            i += 1
        if unit:
            return UNNAMED  # "l'acquisition de la division aliments pour bébés du groupe X"
        if described is not None and described > 0 and self.words.has("plural-determiner", doc[described - 1]):
            return None  # "dans les PME", "des start-up": many companies, not the one the text is about
        if described is not None:  # "cette banque" points back only, "la start-up" also to the name the text gives later
            pointing_back = described > 0 and self.words.has("demonstrative", doc[described - 1])
            return c.topic.referent(described, as_subject=False, exclude=exclude, pronoun=pointing_back)
        return None

    def subject_is_unit(self, c: Clause, subject: str) -> bool:
        ents = [e for e in c.entities(c.sent.start, c.trigger.start, TARGET) if name(e) == subject]
        return bool(ents) and self.unit_before(c, ents[-1], c.sent.start)

    def unit_before(self, c: Clause, ent: Span, floor: int) -> bool:
        """"la division aliments du groupe X", "l'usine de X": the name is that of the unit's owner (the
        genitive introduces the name or a company description); in "sa division d'emballage X" it names the unit."""
        genitive = False
        for i in range(ent.start - 1, max(floor, ent.start - c.settings.max_gap) - 1, -1):
            token = c.doc[i]
            if self.words.has("genitive", token):
                k = i + 1
                while k < ent.start and self.words.has("determiner", c.doc[k]):
                    k += 1
                genitive = genitive or k == ent.start or k > i + 1 or self.words.has("contracted-genitive", token) \
                    or c.doc[k].lower_ in self.owner_heads  # "de l'espagnol X", "du groupe X", not "d'emballage X"
            elif genitive and marker_at(c.doc, i, self.unit_nouns):
                return True
            finite = token.pos_ in ("VERB", "AUX") and "Fin" in token.morph.get("VerbForm")
            if token.is_punct or finite or c.ents.get(i) is not None:
                return False
        return False

    def is_description(self, doc: Doc, k: int) -> bool:
        """"la startup", "cette jeune pousse", "son concurrent": a determiner, then a description that
        starts at token k or ends there (k is then the head noun, as the parser gives it)."""
        for start in (k, k - 1, k - 2):
            if start < 1 or not self.words.has("determiner", doc[start - 1]):
                continue
            for end in range(max(k + 1, start + 1), min(len(doc), start + 3) + 1):
                span = doc[start:end]
                if span.text.lower() in self.descriptions or "".join(t.lower_ for t in span) in self.descriptions:
                    return True
        return False

    def investors_after(self, c: Clause, start: int, markers=None, genitive_at=None, exclude=()) -> list[str]:
        """Names introduced by "par", "mené par", "avec la participation de", "auprès de" … in the clause;
        a bare "de" only right after the amount (`genitive_at`), a bare "par" only near the trigger."""
        doc = c.doc
        markers = markers or self.investor_markers
        names: list[str] = []
        i = start
        while i < c.stop:
            marker = marker_at(doc, i, markers)
            if marker and marker_at(doc, i, self.genitive) == marker and i not in (genitive_at or ()):
                marker = 0  # "d'intelligence artificielle": a bare "de" elsewhere introduces no investor
            if marker and marker_at(doc, i, self.agent) == marker and i - start > 4 and not self.only_price_between(c, start, i):
                marker = 0  # "de dette garantie par des processeurs": that "par" is another verb's
            if marker:
                near = marker_at(doc, i, self.near_markers) == marker
                found = self.names_after(c, i + marker, PARTY, reach=2 if near else None)
                names += [n for n in found if n not in exclude and n not in names]
                i += marker
            i += 1
        return names

    @staticmethod
    def only_price_between(c: Clause, start: int, stop: int) -> bool:
        """Only a price between start and stop, with the small words that lead to it and the participle
        that ends it ("rachetée pour 5,8 millions de francs par X", "pour un peu plus de N par X",
        "un investissement de N réalisé par X"): the "par" is near."""
        def money(i: int) -> bool:
            return c.ents.get(i) is not None and c.ents[i].label_ == "MONEY"

        def leads_to_money(i: int) -> bool:
            k = i
            while k < stop and c.doc[k].pos_ in ("ADV", "ADP", "DET") and not money(k):
                k += 1
            return k < stop and money(k)

        return all(money(i) or c.words.has("purpose", c.doc[i]) or c.doc[i].pos_ == "ADV"
                   or (c.doc[i].pos_ in ("ADP", "DET") and leads_to_money(i))
                   or (i == stop - 1 and is_participle(c.doc[i]))  # "un investissement de N réalisé par X"
                   for i in range(start, stop))

    def names_after(self, c: Clause, start: int, labels, reach: int | None = None) -> list[str]:
        """"Microsoft et Nvidia", "Bpifrance, du fonds EIC Fund et de l'industriel japonais Daikyo",
        "X (via Y), Z (France) et W": a list, asides in brackets skipped."""
        doc = c.doc
        names: list[str] = []
        i, skipped = start, 0
        reach = c.settings.max_gap if reach is None else reach
        descriptive = True  # only a description so far ("le producteur américain de réactifs et de dispositifs")
        while i < c.stop and (skipped <= reach or (descriptive and skipped <= c.settings.description_reach)):
            ent = c.ents.get(i)
            if ent is not None and fits(ent, labels):
                names.append(name(ent))
                i, skipped = ent.end, 0
                reach = c.settings.max_gap
                if i < c.stop and doc[i].text == "(":  # "DPI (via Nclude)", "Partech (France)"
                    close = next((k for k in range(i + 1, min(c.stop, i + c.settings.max_gap)) if doc[k].text == ")"), None)
                    if close is not None:
                        i = close + 1
                if i < c.stop and self.words.has("coordination", doc[i]):
                    while i < c.stop and self.words.has("coordination", doc[i]):
                        i += 1  # ",", "et", "ainsi que", "puis"
                    continue
                break
            token = doc[i]
            if ent is not None or token.pos_ in ("VERB", "AUX") or self.words.has("aside-punctuation", token):
                break
            if not names and self.new_clause_at(c, i):
                break  # "racheté par un fonds suédois et X a accepté …": the party is unnamed, X starts a clause
            descriptive = descriptive and reach == c.settings.max_gap and token.is_lower and not token.is_punct
            i, skipped = i + 1, skipped + 1
        return names

    def new_clause_at(self, c: Clause, i: int) -> bool:
        """A coordination, then a name, then a verb: "… et X a accepté"."""
        if not self.words.has("coordination", c.doc[i]) or c.doc[i].is_punct:
            return False
        ent = c.ents.get(i + 1)
        return ent is not None and ent.end < len(c.doc) and c.doc[ent.end].pos_ in ("VERB", "AUX")

    def subjects(self, c: Clause, governing=False) -> list[str]:
        """Who does it: the names just before the verb, else its parsed subject, else (an infinitive,
        a participle, or a noun with `governing`) those of the verb above it."""
        verb = c.doc[c.trigger.start]
        if governing:
            verb = governing_verb(verb) or verb
            before = self.verb_before(c)  # word order: "X signe le 17 mars un investissement de …"
            if before is not None and before.i != verb.i:
                names = self.subjects_of(c, before)
                if names and not self.reporting(before):
                    return names
        purpose = False
        for _ in range(4):
            if verb.lemma_.lower() in self.reporting_verbs and not purpose:
                break  # "les analystes de X jugent que l'acquisition de Y …": X only comments
            names = self.subjects_of(c, verb)
            if names:
                return names
            climbs = (governing or verb.dep_ in ("xcomp", "ccomp", "advcl", "acl") or verb.pos_ == "NOUN"
                      or "Inf" in verb.morph.get("VerbForm"))  # "a conclu une entente pour acquérir X"
            if verb.head.i == verb.i or not climbs:
                break
            # "X attend le feu vert pour boucler l'achat de Y": a purpose is the subject's own act
            purpose = any(k.dep_ == "mark" and self.words.has("purpose", k) for k in verb.children)
            verb = verb.head
        return []

    def collective_subject(self, c: Clause, target: str | None) -> bool:
        """"les start-up de la région lèvent 300 M€", "les jeunes pousses de la X tech annoncent avoir récolté N":
        the subject's name is only the complement of a plural common noun ("les … de [la] X"), so the raisers
        are many companies and the amount their sum. Read by word order: the parse splits "start-up"."""
        doc = c.doc
        if self.plural_subject(c):
            return True
        before = [e for e in c.entities(c.sent.start, c.trigger.start, TARGET) if name(e) == target]
        if not before:
            return False
        k = before[-1].start - 1
        if k > c.sent.start and self.words.has("determiner", doc[k]) and not self.words.has("genitive", doc[k]):
            k -= 1  # "de la X", "de l'X"
        if k <= c.sent.start or not self.words.has("genitive", doc[k]):
            return False
        for i in range(k - 1, max(c.sent.start, k - 1 - c.settings.max_gap) - 1, -1):
            token = doc[i]
            if self.words.has("plural-determiner", token):
                return i < k - 1
            if i in c.ents or token.pos_ in ("VERB", "AUX", "ADP") or (token.is_punct and token.text != "-"):
                return False
        return False

    def plural_subject(self, c: Clause) -> bool:
        """"Les start-up françaises ont levé N", "En 2021, les jeunes pousses annoncent avoir récolté N": the
        subject is a plural noun phrase without a name, opening the sentence or following a comma (not "la
        start-up", a description of one). Read by word order: the parser splits "start-up" and loses it."""
        doc, verb = c.doc, c.doc[c.trigger.start]
        if verb.dep_ in ("xcomp", "ccomp") and verb.head.i < verb.i:
            verb = verb.head  # "annoncent avoir récolté"
        i = verb.i - 1
        while i >= c.sent.start and self.words.has("auxiliary-or-adverb", doc[i]):
            i -= 1
        for k in range(i, max(c.sent.start, i - c.settings.max_gap) - 1, -1):
            token = doc[k]
            if self.words.has("plural-determiner", token):
                return k < i and (k == c.sent.start or doc[k - 1].text == ",")
            if k in c.ents or token.pos_ in ("VERB", "AUX", "ADP", "PRON") or (token.is_punct and token.text != "-"):
                return False
        return False

    def reporting(self, verb: Token) -> bool:
        return verb.lemma_.lower() in self.reporting_verbs

    def verb_before(self, c: Clause) -> Token | None:
        """The finite verb just before a noun trigger, with only its object's determiner, adverbs and a date
        between ("signe le 17 mars un investissement", "annonce une levée")."""
        for i in range(c.trigger.start - 1, max(c.sent.start, c.trigger.start - c.settings.max_gap) - 1, -1):
            token = c.doc[i]
            ent = c.ents.get(i)
            if ent is not None and ent.label_ == "DATE":
                continue
            if token.pos_ in ("VERB", "AUX") and "Fin" in token.morph.get("VerbForm"):
                return token
            if (ent is not None and ent.label_ != "DATE") or token.is_punct or token.pos_ in ("ADP", "NOUN", "PROPN", "VERB"):
                return None
        return None

    def subjects_of(self, c: Clause, verb: Token) -> list[str]:
        return self.names_before(c, verb.i) or self.parsed_subject(c, verb)

    def names_before(self, c: Clause, index: int) -> list[str]:
        doc, sent, ents = c.doc, c.sent, c.ents
        i, relative = index - 1, False
        if (is_participle(doc[index]) and i > sent.start and doc[i].text == "," and c.entity(i - 1, PARTY)
                and not self.words.has("genitive", doc[c.ents[i - 1].start - 1])):  # not "… d'OpenAI, évaluée à"
            return self.coordinated_names_backwards(c, i - 1)  # "la plateforme X, valorisée à …": an apposition
        while i >= sent.start:
            token = doc[i]
            if i in ents:
                break
            if self.words.has("auxiliary-or-adverb", token) or self.words.has("each", token) or (
                    token.pos_ == "ADV" and not self.words.has("not-adverb", token)):
                i -= 1
            elif self.words.has("relative-subject", token):  # "Kaneda Motors, qui avait déjà racheté …"
                i, relative = i - 1, True
                while i >= sent.start and doc[i].text == ",":
                    i -= 1
            elif self.words.has("subject-pronoun", token):  # "il s'était offert …": the company last named as subject
                announcer = self.announcer(c, i)
                if announcer:
                    return [announcer]
                main = c.topic.referent(i, as_subject=True, pronoun=True)
                return [main] if main else []
            elif token.text == ")" and (named := self.name_before_bracket(c, i)) is not None:
                i = named  # "La Banque X (BOAD) a approuvé …": the name before its acronym
            elif token.text == ",":
                aside = self.aside_start(c, i)
                if aside is None:
                    before = c.ents.get(i - 1)
                    if before is not None and self.words.has("genitive", doc[before.start - 1]):
                        break  # "une participation dans l'activité d'X, évaluée à …": X is not what is valued
                    i -= 1  # "Al Rayyan Holding, entré au capital …": the name before the participle
                    continue
                if c.entity(aside - 1, PARTY):  # "X, une filiale de Y, a investi": the name before the apposition
                    return self.coordinated_names_backwards(c, aside - 1)
                inside = c.entities(aside + 1, i, PARTY)
                if inside and inside[-1].end == i and inside[-1].start <= aside + 2:
                    return [name(inside[-1])]  # "Le premier raffineur du pays, X, a investi": the apposition names it
                if inside and self.words.has("determiner", doc[aside + 1]):  # "Le vendeur, l'allemand Rheinfunk, avait acquis"
                    return [name(inside[-1])]
                i = aside - 1  # ", par exemple,", ", issue de l'Université de Cambridge," before the verb
            else:
                break
        if i >= sent.start and c.entity(i, PARTY):
            if relative:  # "X, Y et Z, qui signe …": the relative's antecedent is the last name
                return [name(c.ents[i])]
            return self.coordinated_names_backwards(c, i)
        return []

    def collective_object(self, c: Clause) -> bool:
        """The money goes "dans les PME", "dans des start-up", "dans 120 PME": a marker, then a plural
        determiner and a common noun or a count (by word order), not a name."""
        doc = c.doc
        for i in range(c.trigger.end, c.stop):
            k = i + marker_at(doc, i, self.markers["investment"])
            if k == i:
                continue
            if k + 1 < c.stop and self.words.has("plural-determiner", doc[k]) and \
                    (doc[k + 1].is_lower or doc[k + 1].pos_ == "NOUN") and c.ents.get(k + 1) is None:
                return True
            while k < c.stop and doc[k].pos_ in ("ADV", "ADP") and c.ents.get(k) is None:
                k += 1  # "dans près de 300 PME": a count of companies
            if k + 1 < c.stop and doc[k].like_num and c.ents.get(k) is None and c.ents.get(k + 1) is None:
                return True
        return False

    @staticmethod
    def plural_noun(doc: Doc, trigger) -> bool:
        """A deal noun in the plural ("investissements", "prises de participation") names several deals."""
        return "Plur" in doc[trigger.start].morph.get("Number")

    def announcer(self, c: Clause, pronoun: int) -> str | None:
        """"X a indiqué qu'il avait finalisé un tour de N": a subject pronoun opening a complement clause stands
        for the one name its sentence gives before it (by word order: the small model's parse of such
        sentences is often wrong); with several names, the pronoun is left to the topic."""
        if pronoun <= c.sent.start or not self.words.has("complementizer", c.doc[pronoun - 1]):
            return None
        names = list(dict.fromkeys(map(name, c.entities(c.sent.start, pronoun - 1, PARTY))))
        return names[0] if len(names) == 1 else None

    def name_before_bracket(self, c: Clause, close: int) -> int | None:
        """The last token of the name a short bracket follows ("X (BOAD)", "X (Suisse)"), if any."""
        for k in range(close - 1, max(c.sent.start, close - c.settings.max_gap) - 1, -1):
            if c.doc[k].text == "(":
                return k - 1 if k > c.sent.start and c.entity(k - 1, PARTY) else None
            if c.doc[k].text in (")", ",", ";"):
                return None
        return None

    def aside_start(self, c: Clause, comma: int) -> int | None:
        """Index of the comma opening a short aside that ends at `comma`, if there is one."""
        for i in range(comma - 1, max(c.sent.start, comma - c.settings.aside_reach) - 1, -1):
            if c.doc[i].text == ",":
                return i
        return None

    def coordinated_names_backwards(self, c: Clause, end_token: int) -> list[str]:
        """"X, Y et Z ont investi": a comma joins names only in a list closed by "et" ("X, Y a investi" is
        an apposition or another clause)."""
        names: list[str] = []
        i, closed = end_token, False
        while i >= c.sent.start and c.entity(i, PARTY):
            ent = c.ents[i]
            names.insert(0, name(ent))
            i = ent.start - 1
            k = i  # "l'allemand X et le danois Y": a determiner and a descriptor before each name
            while k > max(c.sent.start, i - 3) and c.doc[k].is_lower and c.doc[k].pos_ in ("DET", "ADJ", "NOUN"):
                k -= 1
            if k != i and (self.words.has("and", c.doc[k]) or c.doc[k].text == ","):
                i = k
            if i >= c.sent.start and (self.words.has("and", c.doc[i]) or (c.doc[i].text == "," and closed)):
                closed = True
                i -= 1
                continue
            break
        return names

    def parsed_subject(self, c: Clause, verb: Token) -> list[str]:
        for child in verb.children:
            if child.dep_ not in ("nsubj", "nsubj:pass"):
                continue
            members = [child] + [k for k in child.children if k.dep_ == "conj"]
            names = [name(c.ents[m.i]) for m in members if c.entity(m.i, PARTY)]
            if names:
                return names
            inner = [t for t in child.subtree if c.entity(t.i, PARTY) and not self.in_modifier(t, child)]
            if inner and child.i not in c.ents:  # "la société Hextal", "le fonds souverain X"
                return [name(c.ents[inner[0].i])]
            edge = min((t.i for t in child.subtree if not t.is_punct), default=child.i)  # a subject parsed as punctuation
            if (child.pos_ == "NOUN" and not any(k.dep_ == "det" for k in child.children) and edge - 2 >= c.sent.start
                    and c.doc[edge - 1].text == "," and c.entity(edge - 2, PARTY)):
                return [name(c.ents[edge - 2])]  # "X, leader belge du secteur était racheté": a bare apposition
            if self.is_description(c.doc, child.i) or self.words.has("subject-pronoun", child):
                main = c.topic.referent(child.i, as_subject=True, pronoun=self.words.has("subject-pronoun", child))
                return [main] if main else []
        return []

    @staticmethod
    def in_modifier(token: Token, head: Token) -> bool:
        """Inside a clause or apposition that describes `head` ("la start-up, fondée par X, …")."""
        while token.i != head.i and token.head.i != token.i:
            if token.dep_ in ("acl", "acl:relcl", "appos", "advcl"):
                return True
            token = token.head
        return False

    def clause_subject(self, c: Clause) -> str | None:
        """"Soutenue par Google, la société Hextal accélère": the sentence's own subject."""
        for token in c.sent:
            if token.dep_ in ("nsubj", "nsubj:pass") and token.head.dep_ == "ROOT":
                for part in [token, *token.subtree]:
                    if c.entity(part.i, TARGET):
                        return name(c.ents[part.i])
        comma = next((t.i for t in c.sent if t.text == ","), None)  # the parse failed: the name after the
        if comma is not None:                                       # participial phrase
            after = c.entities(comma + 1, min(c.sent.end, comma + 6), TARGET)
            if after:
                return name(after[0])
        return None

    # -- amount and date ----------------------------------------------------------------------------
    def amount(self, c: Clause) -> Span | None:
        """The amount of the fact: the first in the clause after the trigger ("pour 150 milliards de yens"
        past an apposition; "(183 milliards de dollars)"), not a conversion ("soit environ 31 Md€") nor an
        earlier figure ("contre 300 millions"); for a noun, also right before it ("40 M€ d'investissement")."""
        doc, trigger = c.doc, c.trigger
        for ent in c.entities(trigger.end, c.stop, {"MONEY"}):
            lead = doc[max(trigger.end, ent.start - 3):ent.start]
            if any(self.words.has("contrast", t) for t in lead):
                break
            if trigger.type != "valuation" and any(self.words.has("worth-word", t) for t in lead) and not any(
                    t.lower_ in self.price_nouns for t in doc[max(trigger.end, ent.start - 5):ent.start]):
                continue  # "une participation …, évaluée à 135 Md$": what a holding is worth, not what was put in
            if self.not_the_deals(c, ent):
                continue
            if not trigger.is_verb and self.named_bracket(c, ent):
                continue  # "les tours de X (12 M€, …) et de Y (4 M€, …)": each name's own amount
            if in_parenthetical_clause(doc, ent, trigger.end):
                continue  # "(qui a déjà érigé pour elle un campus de 10 Md€)"
            if not self.is_conversion(c, ent, doc[trigger.start:c.stop]):
                return ent
        if not trigger.is_verb:
            i = trigger.start - 1
            while i >= 0 and self.words.has("plain-genitive", doc[i]):
                i -= 1
            if c.entity(i, ("MONEY",)):
                return c.ents[i]
        elif trigger.start > c.sent.start and c.entity(trigger.start - 1, ("MONEY",)) and (
                is_participle(doc[trigger.start]) or doc[trigger.start].pos_ == "ADJ"):
            ent = c.ents[trigger.start - 1]  # "Avec 12 M€ levés, X …": the participle qualifies the amount
            if not self.not_the_deals(c, ent):
                return ent
        return self.price_before(c)

    def price_before(self, c: Clause) -> Span | None:
        """"N payés par X pour le rachat de Y", "X a déboursé N pour acquérir Y": the price is stated
        before "pour" and the trigger it introduces."""
        doc, i = c.doc, c.trigger.start - 1
        while i > c.sent.start and self.words.has("determiner", doc[i]):
            i -= 1
        if i <= c.sent.start or not self.words.has("purpose", doc[i]):
            return None
        for k in range(i - 1, max(c.sent.start, i - c.settings.max_gap) - 1, -1):
            ent = c.ents.get(k)
            if ent is not None and ent.label_ == "MONEY":
                return None if self.is_per_share(doc, ent) else ent
            if doc[k].text in (",", ";", ":", "(", ")") or c.words.has("clause-break", doc[k]):
                return None
        return None

    def payer_before(self, c: Clause) -> str | None:
        """Who paid the price stated before "pour le rachat": "N payés par X pour le rachat de Y"."""
        money = self.price_before(c)
        if money is None:
            return None
        for i in range(money.end, c.trigger.start):
            if self.words.has("agent", c.doc[i]) and c.entity(i + 1, PARTY):
                return name(c.ents[i + 1])
        return None

    @staticmethod
    def named_bracket(c: Clause, money: Span) -> bool:
        """An amount in brackets right after a company's name: "X (12 M€, fonds Y)"."""
        return money.start >= 2 and c.doc[money.start - 1].text == "(" and c.entity(money.start - 2, TARGET) is not None

    def is_aggregate(self, doc: Doc, money: Span) -> bool:
        """"porte à 12 M€ les fonds levés", "un total de 53 M€", "53 M€ au total", "Depuis sa création, X a
        levé 90 M€": a sum of deals."""
        start = money.sent.start if money.sent is not None else 0
        if any(marker_at(doc, i, self.aggregate_clause) for i in range(start, money.start)):
            return True
        before = any(marker_at(doc, i, self.aggregate_before) >= money.start - i
                     for i in range(max(0, money.start - 3), money.start))
        deals_after = (money.end + 1 < len(doc) and self.words.has("genitive", doc[money.end])
                       and doc[money.end + 1].lower_ in self.deal_count_nouns)  # "1 Md€ d'investissements"
        return before or deals_after or any(marker_at(doc, i, self.aggregate_after)
                                            for i in range(money.end, min(len(doc), money.end + 2)))

    def not_the_deals(self, c: Clause, money: Span) -> bool:
        """A per-share term or a sum over several deals: not the amount of the fact."""
        return self.is_per_share(c.doc, money) or self.is_aggregate(c.doc, money) or self.counts_deals(c, money)

    def counts_deals(self, c: Clause, money: Span) -> bool:
        """"318 M€ récoltés en quatre opérations", "grâce à trois tours de table et 110 M€ levés": a count of
        deals next to the amount (a figure, then a plural deal noun) makes it their sum."""
        reach = c.settings.count_reach
        lo, hi = max(c.sent.start, money.start - reach), min(c.sent.end - 1, money.end + reach)
        return any(c.doc[i].like_num and i not in c.ents and c.doc[i + 1].lower_ in self.deal_count_nouns
                   for i in range(lo, hi))

    def is_per_share(self, doc: Doc, money: Span) -> bool:
        return any(marker_at(doc, i, self.per_share) for i in range(money.end, min(len(doc), money.end + 2)))

    def is_conversion(self, c: Clause, money: Span, scope: Span) -> bool:
        """"150 Md¥ (environ 1,2 Md€)", "19 Md£, soit environ 31 Md€": the same sum restated just after
        another amount."""
        doc = c.doc
        lead = doc[max(scope.start, money.start - 3):money.start]
        opener = next((t for t in lead if self.words.has("conversion-opener", t)), None)
        if opener is None:
            return False
        before = doc[max(scope.start, opener.i - c.settings.conversion_reach):opener.i]
        return any(t.ent_type_ == "MONEY" for t in before)

    def date_in(self, c: Clause, money: Span | None) -> str | None:
        """A DATE in the same clause as the fact, the nearest to its amount (not an earlier figure's)."""
        doc, sent, trigger = c.doc, c.sent, c.trigger
        start = max(sent.start, trigger.start - c.settings.date_reach)
        anchor_end = money.end if money is not None else trigger.end
        stop = next((i for i in range(anchor_end, c.stop) if self.words.has("contrast", doc[i])), c.stop)
        dates = c.entities(start, stop, {"DATE"})
        if not dates:
            return None
        anchor = money.start if money is not None else trigger.start
        return min(dates, key=lambda d: abs(d.start - anchor))._.fr_finance_value

    # -- filters --------------------------------------------------------------------------------------
    def negated(self, c: Clause) -> bool:
        """"n'investira pas", and possibilities ("qui pourrait faire passer son investissement")."""
        doc, sent, trigger = c.doc, c.sent, c.trigger
        before = doc[max(sent.start, trigger.start - c.settings.negation_reach):trigger.start]
        after = doc[trigger.end:min(sent.end, trigger.end + 3)]
        failed = any(t.lower_ in self.failure for t in doc[sent.start:c.stop])  # "jugée insuffisante", "dément"
        return (failed or any(t.lower_ in self.negation or t.lower_ in self.possibility for t in before)
                or any(t.lower_ in self.possibility for t in after) or self.possible_only(c))

    def possible_only(self, c: Clause) -> bool:
        """"Les ventes de X et de Y pourraient être conclues": a noun whose verb is a possibility."""
        if c.trigger.is_verb:
            return False
        verb = governing_verb(c.doc[c.trigger.start])
        if verb is None:
            return False
        near = [verb, verb.head, *verb.children, *verb.head.children]
        return any(t.lower_ in self.possibility and t.i > c.trigger.start for t in near)

    def serves_other_verb(self, c: Clause) -> bool:
        """"s'engage à acheter 30 milliards de capacité": the fact is the infinitive's."""
        doc, trigger = c.doc, c.trigger
        for token in doc[trigger.end:min(trigger.end + 3, len(doc))]:
            lemma = token.lemma_.lower()
            if token.pos_ == "VERB" and (lemma in self.blocking_verbs or lemma in self.trigger_lemmas):
                return True
            if trigger.type == "investment" and trigger.is_verb and token.lower_ in self.deal_nouns:
                return True  # "financer l'achat de X": the fact is the purchase
        return False

    def money_is_not_a_stake(self, doc: Doc, money: Span) -> bool:
        """"30 milliards de capacité", "un chiffre d'affaires de 3 Md€": not put into a company."""
        after = doc[money.end:money.end + 3]
        return any(t.lower_ in self.not_objects for t in after if not self.words.has("genitive", t))

    def is_passive(self, doc: Doc, index: int) -> bool:
        """"a été valorisée", "est soutenue depuis ses débuts par", "Soutenue par Google, …"; not the
        reflexive "s'est offert"."""
        token = doc[index]
        window = doc[max(0, index - 4):index]
        if any(self.words.has("reflexive", t) for t in window) or token.lemma_.lower() in self.words["etre-verb"]:
            return False  # "s'est offert", "était entrée au capital": active verbs conjugated with être
        before = {t.lower_ for t in doc[max(0, index - 3):index]}
        if before & self.words["avoir-form"] and not before & self.words["past-of-be"]:
            return False  # "avait déjà racheté": a compound past, whatever the parser says
        if any(k.dep_ in ("aux:pass", "nsubj:pass") for k in token.children):
            return True
        after = [t.lower_ for t in doc[index + 1:index + 5]]
        if token.is_sent_start and token.lower_.endswith(("é", "ée", "és", "ées")):  # French past-participle endings
            return True  # "Valorisée 1 Md€, la start-up …" (the tagger may call it a name)
        if is_participle(token) and token.pos_ == "VERB":
            return True  # "X, valorisée à 2 Md€", "racheté depuis par Y": a past participle without "avoir"
        if token.pos_ == "ADJ" or is_participle(token):
            return bool(before & self.words["passive-auxiliary"]) or bool(set(after) & self.words["agent"])
        return False


def in_parenthetical_clause(doc: Doc, money: Span, start: int) -> bool:
    """Inside brackets opened after `start` that hold a verb: an aside, not the fact's amount."""
    depth, opened = 0, None
    for token in doc[start:money.start]:
        if token.text == "(":
            depth, opened = depth + 1, token.i
        elif token.text == ")":
            depth = max(0, depth - 1)
    if not depth or opened is None:
        return False
    return any(t.pos_ in ("VERB", "AUX") for t in doc[opened:money.start])


def name_just_before(c: Clause, start: int) -> str | None:
    """", Microsoft jusqu'à 5 milliards", "et la Banque X le solde, soit 20 millions"."""
    for i in range(start - 1, max(c.sent.start - 1, start - 7), -1):
        ent = c.ents.get(i)
        if ent is not None:
            return name(ent) if fits(ent, PARTY) else None
        if c.doc[i].pos_ in ("VERB", "AUX"):
            return None
    return None


def name_after_word(c: Clause, start: int, words) -> str | None:
    for i in range(start, min(c.sent.end, start + 4)):
        if c.doc[i].lower_ in words and i + 1 < c.sent.end and c.entity(i + 1, TARGET):
            return name(c.ents[i + 1])
    return None


def date_near(c: Clause, money: Span) -> str | None:
    dates = entities_in(c.ents, money.end, min(c.sent.end, money.end + 4), {"DATE"})
    return dates[0]._.fr_finance_value if dates else None
