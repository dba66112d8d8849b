"""fr_finance_events_v1: investments, acquisitions and valuations, each tied to its amount and date.

A trigger (from models/events.yaml: a verb lemma such as "investir", a noun such as "rachat", a verb
phrase such as "mettre la main sur") opens a frame that runs to the next trigger or the end of the
sentence. Roles are read inside it from the entities already on the doc (names, MONEY, DATE), the
words that introduce them ("dans X", "par X", "pour 40 M€") and the dependency parse for subjects.
Written by hand: spaCy has no event extractor, and the small French model's parse attaches
prepositional phrases too unreliably to read roles from arcs alone.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token

from .. import lexicons
from .serialize import SavesDataFiles
from .spans import register_extensions

PARTY_LABELS = {"ORG", "PER"}
TARGET_LABELS = {"ORG", "MISC"}  # the model often calls an unknown company MISC; a person is never bought
CLAUSE_BREAKS = {";", ":", "tandis", "alors", "mais", "puis", "lorsque", "car", "?", "!"}
AUXILIARIES_AND_ADVERBS = {
    "a", "ont", "avait", "avaient", "aura", "auront", "va", "vont", "vient", "viennent", "venait", "de", "d'",
    "d’", "s'", "s’", "se", "n'", "n’", "ne", "été", "est", "sont", "était", "étaient", "serait", "seraient",
    "aurait", "auraient", "envisage", "envisagerait", "compte", "prévoit", "souhaite", "décidé", "annoncé",
    "accepté", "lui-même", "elle-même", "eux-mêmes", "-t-il", "-t-elle", "y",
}
PRONOUNS = {"il", "elle", "ils", "elles"}
DETERMINERS = {"le", "la", "les", "l'", "l’", "un", "une", "son", "sa", "ses", "leur", "leurs", "ce", "cet",
               "cette", "du", "des", "au", "aux"}
GENITIVE = [["de"], ["d'"], ["du"]]
AGENT = [["par"]]
OBJECT_STOPS = {"auprès", "avec", "pour", "à", "au", "aux", "chez", "dans", "sur", "par"}
WORTH_WORDS = {"évalué", "évaluée", "évalués", "évaluées", "estimé", "estimée", "valorisé", "valorisée"}
HEADLINE_ZONE = 400  # characters: where a text's title and subtitle stand
MAX_GAP = 8  # words between a role word and its name ("par le leader du commerce électronique Amazon")


@dataclass
class Trigger:
    entry: dict
    start: int  # token offsets of the trigger word(s)
    end: int
    is_verb: bool

    @property
    def type(self) -> str:
        return self.entry["type"]

    @property
    def rule(self) -> str:
        return self.entry["id"]


@dataclass
class Frame:
    """What one trigger states, before it becomes an event dict."""
    trigger: Trigger
    money: Span | None = None
    target: str | None = None
    parties: list[str] = field(default_factory=list)
    date: str | None = None
    evidence: Span | None = None
    round_investors_only: bool = False  # "Le tour est mené par X, avec Y": investors of the round just stated


@Language.factory("fr_finance_events_v1", default_config={"lexicon": "events.yaml"})
def make_event_reader(nlp: Language, name: str, lexicon: str) -> "EventReader":
    return EventReader(nlp, name, lexicon=lexicon)


class EventReader(SavesDataFiles):
    def __init__(self, nlp: Language, name: str = "fr_finance_events", *, lexicon: str = "events.yaml"):
        register_extensions()
        self.name = name
        data = lexicons.load(lexicon)
        self.entries = {e["id"]: e for e in lexicons.require_ids(data["triggers"], "events.yaml triggers")}
        self.verb_lemmas = {verb: e for e in self.entries.values() for verb in e.get("verbs", [])}
        self.verb_forms = {form: e for e in self.entries.values() for form in e.get("forms", [])}
        self.noun_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.phrase_matcher = Matcher(nlp.vocab)
        for entry in self.entries.values():
            nouns = {form for n in entry.get("nouns", []) for form in (n, n + "s", n + "x")}
            if nouns:
                self.noun_matcher.add(entry["id"], [nlp.make_doc(n) for n in nouns])
            phrases = [_verb_phrase_pattern(nlp, p) for p in entry.get("verb_phrases", [])]
            if phrases:
                self.phrase_matcher.add(entry["id"], phrases)
        self.markers = {kind: _phrases(words) for kind, words in data["target_markers"].items()}
        self.investor_markers = _phrases(data["investor_markers"])
        self.holder_verbs = set(data["valuation_holder_verbs"])
        self.not_objects = set(data["not_investment_objects"])
        self.blocking_verbs = set(data["blocking_verbs"])
        self.descriptions = {d.lower() for d in data["descriptions"]}
        self.hypothesis = set(data["hypothesis_markers"])
        self.negation = set(data["negation_markers"])
        self.possibility = set(data["possibility_markers"])
        self.news = set(data["news_markers"])
        self.reporting_verbs = set(data["reporting_verbs"])

    # -- component ----------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        ents = {i: ent for ent in doc.ents for i in range(ent.start, ent.end)}
        topic = _Topic(doc)
        matches = [(self.noun_matcher.vocab.strings[k], s, e, False) for k, s, e in self.noun_matcher(doc)]
        matches += [(self.phrase_matcher.vocab.strings[k], s, e, True) for k, s, e in self.phrase_matcher(doc)]
        events: list[dict] = []
        for sent in sentences(doc):
            if _is_question(sent) or self._is_hypothesis(sent):
                continue
            triggers = self._triggers(doc, sent, ents, [m for m in matches if sent.start <= m[1] and m[2] <= sent.end])
            frames = []
            for k, trigger in enumerate(triggers):
                stop = triggers[k + 1].start if k + 1 < len(triggers) else sent.end
                frame = self._read_frame(doc, sent, trigger, stop, ents, topic)
                if frame is not None:
                    frames.append(frame)
                    if not frame.round_investors_only:
                        topic.note_target(frame.target)
            frames += self._follow_ups(doc, sent, frames, ents)
            _share_targets(frames)
            for frame in frames:
                if frame.round_investors_only:
                    _give_investors_to_last_round(events, frame)
                else:
                    events.append(self._event(doc, frame))
        doc._.fr_finance_events = _drop_restatements(_name_joint_investors(_fill_topic(events)))
        for event in doc._.fr_finance_events:
            event.pop("_headline", None)
        return doc

    # -- triggers -----------------------------------------------------------------------------
    def _triggers(self, doc: Doc, sent: Span, ents: dict, matches: list) -> list[Trigger]:
        found = [Trigger(self.entries[key], start, end, is_verb) for key, start, end, is_verb in matches]
        for token in sent:
            entry = self.verb_lemmas.get(token.lemma_.lower())
            if entry is None or token.pos_ not in ("VERB", "AUX", "ADJ"):
                entry = self.verb_forms.get(token.lower_)
            if entry is None or token.i in ents:
                continue
            if token.lemma_.lower() in entry.get("reflexive_only", []) and not _is_reflexive(token):
                continue
            found.append(Trigger(entry, token.i, token.i + 1, is_verb=True))
        found.sort(key=lambda t: (t.start, -(t.end - t.start)))
        kept: list[Trigger] = []
        for trigger in found:
            if kept and trigger.start < kept[-1].end:
                continue  # the longest phrase wins ("tour de table" over "tour", "prendre 15 %" over "prendre")
            previous = kept[-1] if kept else None
            if (not trigger.is_verb and previous is not None and previous.is_verb
                    and previous.type == trigger.type and trigger.start - previous.end <= 3):
                continue  # "a bouclé un tour de table", "a annoncé une levée": one fact, read from the verb
            if not trigger.is_verb and self._introduces_investor(doc, sent, trigger):
                continue  # "avec la participation de X" names an investor, it is not a new fact
            kept.append(trigger)
        return kept

    def _introduces_investor(self, doc: Doc, sent: Span, trigger: Trigger) -> bool:
        return any(_marker_at(doc, i, self.investor_markers) > trigger.start - i
                   for i in range(max(sent.start, trigger.start - 3), trigger.start))

    # -- one frame ------------------------------------------------------------------------------
    def _read_frame(self, doc, sent, trigger, stop, ents, topic) -> Frame | None:
        stop = _clause_end(doc, trigger.end, stop)
        if self._negated(doc, sent, trigger) or self._serves_other_verb(doc, trigger):
            return None
        frame = Frame(trigger, evidence=sent)
        frame.money = _amount(doc, trigger, stop, ents)
        if frame.money is not None and self._money_is_not_a_stake(doc, frame.money):
            return None
        roles = {"acquisition": self._acquisition_roles, "valuation": self._valuation_roles}
        roles.get(trigger.type, self._investment_roles)(doc, sent, trigger, stop, ents, frame, topic)
        frame.parties = [p for p in dict.fromkeys(frame.parties) if p != frame.target]
        if trigger.entry.get("round") and frame.money is None and frame.parties:
            frame.round_investors_only = True
            return frame
        if frame.money is None and not (frame.target and frame.parties):
            return None  # without an amount, a fact needs both sides named ("soutenue par Amazon")
        if frame.target is None and not frame.parties and not (trigger.type == "investment" and frame.money):
            return None  # (an amount alone may still find its company in the sentence: _share_targets)
        frame.date = _date_in(doc, sent, trigger, stop, ents, frame.money)
        return frame

    def _investment_roles(self, doc, sent, trigger, stop, ents, frame, topic) -> None:
        entry = trigger.entry
        markers = _phrases(entry["target_markers"]) if "target_markers" in entry else self.markers["investment"]
        subjects = self._subjects(doc, sent, trigger, ents, topic)
        if entry.get("object_is_investor"):  # "X a fait entrer à son capital le fonds Y"
            frame.target = subjects[0] if subjects else None
            frame.parties = self._names_after(doc, trigger.end, stop, ents, PARTY_LABELS, topic)
            return
        frame.target = self._target_after(doc, trigger, stop, ents, markers, topic, exclude=set(subjects))
        if entry.get("subject_is_target"):  # "la start-up a levé 40 M€ auprès de X", "X annonce une levée de …"
            if not trigger.is_verb:
                subjects = self._subjects(doc, sent, trigger, ents, topic, governing=True)
            frame.target = subjects[0] if subjects else frame.target
            frame.parties = self._investors_after(doc, trigger.end, stop, ents, topic)
        elif _is_passive(doc, trigger):  # "soutenue par Amazon", "financée par X"
            frame.parties = self._investors_after(doc, trigger.end, stop, ents, topic)
            frame.target = frame.target or (subjects[0] if subjects else self._clause_subject(doc, sent, ents))
        elif trigger.is_verb:
            frame.parties = subjects
            if frame.target is None and entry.get("object_is_target"):
                frame.target = self._object(doc, trigger.end, stop, ents, topic)  # "Microsoft a soutenu OpenAI"
        else:  # "un investissement de 15 Md$ de Microsoft et Nvidia", "mené par X", else the verb's subject
            genitive_at = frame.money.end if frame.money is not None else trigger.end
            frame.parties = self._investors_after(doc, trigger.end, stop, ents, topic, genitive_at=genitive_at,
                                                  exclude={frame.target})
            if not frame.parties and not entry.get("round"):
                frame.parties = self._subjects(doc, sent, trigger, ents, topic, governing=True)

    def _acquisition_roles(self, doc, sent, trigger, stop, ents, frame, topic) -> None:
        if trigger.is_verb and "buyer_markers" in trigger.entry:  # "Atos a cédé sa filiale X à Alten"
            frame.target = self._object(doc, trigger.end, stop, ents, topic)
            buyers = self._investors_after(doc, trigger.end, stop, ents, topic,
                                           markers=_phrases(trigger.entry["buyer_markers"]), exclude={frame.target})
            frame.parties = buyers[:1]
        elif trigger.is_verb:
            subjects = self._subjects(doc, sent, trigger, ents, topic)
            target = self._object(doc, trigger.end, stop, ents, topic)
            if _is_passive(doc, trigger):  # "X a été racheté par Y"
                frame.target = target or (subjects[0] if subjects else None)
                frame.parties = self._investors_after(doc, trigger.end, stop, ents, topic)[:1]
            else:
                frame.target = target
                frame.parties = subjects[:1]
        else:  # "l'acquisition de Bun par Anthropic", "X a annoncé le rachat de Y"
            frame.target = self._target_after(doc, trigger, stop, ents, self.markers["acquisition"], topic)
            agents = self._investors_after(doc, trigger.end, stop, ents, topic, markers=AGENT,
                                           exclude={frame.target})
            frame.parties = agents[:1] or [n for n in self._subjects(doc, sent, trigger, ents, topic, governing=True)
                                           if n != frame.target][:1]
            reported = any(t.lemma_.lower() in self.reporting_verbs for t in doc[sent.start:trigger.start])
            if not frame.parties and not reported:
                earlier = _entities_in(doc, sent.start, trigger.start, ents, PARTY_LABELS)
                frame.parties = [n for n in map(_name, earlier) if n != frame.target][-1:]

    def _valuation_roles(self, doc, sent, trigger, stop, ents, frame, topic) -> None:
        if trigger.is_verb and not _is_passive(doc, trigger):  # "l'opération valorise X à 1,2 Md€"
            frame.target = self._object(doc, trigger.end, stop, ents, topic)
            return
        if trigger.is_verb:  # "X a été valorisée à 2 Md€", "Valorisée 1 Md€, la start-up X recrute"
            subjects = self._subjects(doc, sent, trigger, ents, topic)
            frame.target = subjects[0] if subjects else self._clause_subject(doc, sent, ents)
            return
        frame.target = self._target_after(doc, trigger, stop, ents, self.markers["valuation"], topic)
        if frame.target is None:
            frame.target = self._holder(doc, sent, trigger, ents, topic)

    def _holder(self, doc, sent, trigger, ents, topic) -> str | None:
        """Whose valuation a bare "valorisation" is: "X, dont la capitalisation atteint", "X affiche une
        valorisation de", or "sa valorisation" (the document's company)."""
        before = [t.lower_ for t in doc[max(sent.start, trigger.start - 3):trigger.start]]
        if "dont" in before:
            i = trigger.start - before[::-1].index("dont") - 2
            while i >= sent.start and doc[i].text == ",":
                i -= 1
            if i in ents and ents[i].label_ in TARGET_LABELS:
                return _name(ents[i])
        verb = _governing_verb(doc[trigger.start])
        if verb is not None and verb.lemma_.lower() in self.holder_verbs:
            names = self._subjects_of(doc, sent, verb, ents, topic)
            if names:
                return names[0]
        if before and before[-1] in ("sa", "son", "leur"):
            return topic.referent(trigger.start, as_subject=True)
        return None

    # -- role readers -----------------------------------------------------------------------------
    def _target_after(self, doc, trigger, stop, ents, markers, topic, exclude=()) -> str | None:
        """The company after the first marker word ("dans X", "de la jeune pousse X"), or the company a
        description there stands for ("dans la startup")."""
        for i in range(trigger.end, stop):
            marker = _marker_at(doc, i, markers)
            if marker:
                name = self._name_or_description(doc, i + marker, stop, ents, TARGET_LABELS, topic, exclude)
                if name:
                    return name
                continue  # "une participation de 20 % dans la société Alan": the next marker
            if i in ents and ents[i].label_ in ("MONEY", "PERCENT"):
                continue
            if doc[i].pos_ == "VERB" and "Part" not in doc[i].morph.get("VerbForm"):
                break  # a participle may stand between ("pris par Nvidia envers OpenAI")
        return None

    def _object(self, doc, start, stop, ents, topic) -> str | None:
        """The direct object: "racheté en 2023 le joaillier genevois Orlov & Fils", "son concurrent X"."""
        return self._name_or_description(doc, start, stop, ents, TARGET_LABELS, topic, (), allow_date=True)

    def _name_or_description(self, doc, start, stop, ents, labels, topic, exclude, allow_date=False) -> str | None:
        described = None
        i = start
        while i < min(stop, start + MAX_GAP):
            ent = ents.get(i)
            if ent is not None:
                if ent.label_ in labels and _name(ent) not in exclude:
                    return _name(ent)
                if ent.label_ == "DATE" and allow_date:
                    i = ent.end
                    continue
                break
            token = doc[i]
            if self._is_description(doc, i) or (described is not None and i <= described + 2 and token.is_lower):
                described = i if described is None else described  # "la jeune pousse" (the tagger may call "pousse" a verb)
                i += 1
                continue
            if token.pos_ == "AUX" or token.text in (",", ";", ":", "(", ")", ".") or (
                    token.pos_ == "VERB" and "Part" not in token.morph.get("VerbForm")):
                break  # a participle may stand between ("pris par Nvidia envers OpenAI")
            if allow_date and (token.pos_ == "ADP" or token.lower_ in OBJECT_STOPS) and \
                    token.lower_ not in ("de", "d'", "d’", "du", "des"):
                break  # a direct object has no preposition ("acheter des services à Amazon")
            i += 1
        if described is not None:
            return topic.referent(described, as_subject=False, exclude=exclude)
        return None

    def _is_description(self, doc: Doc, k: int) -> bool:
        """"la startup", "cette jeune pousse", "son concurrent": a determiner, then a description that
        starts at token k or ends there (k is then the head noun, as the parser gives it)."""
        for start in (k, k - 1, k - 2):
            if start < 1 or doc[start - 1].lower_ not in DETERMINERS:
                continue
            for end in range(max(k + 1, start + 1), min(len(doc), start + 3) + 1):
                words = doc[start:end]
                if words.text.lower() in self.descriptions or "".join(t.lower_ for t in words) in self.descriptions:
                    return True
        return False

    def _investors_after(self, doc, start, stop, ents, topic, markers=None, genitive_at=None, exclude=()) -> list[str]:
        """Names introduced by "par", "mené par", "avec la participation de", "auprès de" … in the frame;
        a bare "de" only right after the amount (`genitive_at`), a bare "par" only near the trigger."""
        markers = markers or self.investor_markers
        names: list[str] = []
        i = start
        while i < stop:
            marker = _marker_at(doc, i, markers)
            if marker and _marker_at(doc, i, GENITIVE) == marker and i != genitive_at:
                marker = 0  # "d'intelligence artificielle": a bare "de" elsewhere introduces no investor
            if marker and _marker_at(doc, i, AGENT) == marker and i - start > 4:
                marker = 0  # "de dette garantie par des processeurs": that "par" is another verb's
            if marker:
                found = self._names_after(doc, i + marker, stop, ents, PARTY_LABELS, topic)
                names += [n for n in found if n not in exclude and n not in names]
                i += marker
            i += 1
        return names

    def _names_after(self, doc, start, stop, ents, labels, topic) -> list[str]:
        """"Microsoft et Nvidia", "Bpifrance, du fonds EIC Fund et de l'industriel japonais Daikyo"."""
        names: list[str] = []
        i, skipped = start, 0
        while i < stop and skipped <= MAX_GAP:
            ent = ents.get(i)
            if ent is not None and ent.label_ in labels:
                names.append(_name(ent))
                i, skipped = ent.end, 0
                if i < stop and doc[i].lower_ in (",", "et", "ainsi"):
                    i += 2 if doc[i].lower_ == "ainsi" else 1
                    continue
                break
            token = doc[i]
            if ent is not None or token.pos_ in ("VERB", "AUX") or token.text in (";", ":", "(", ")", "."):
                break
            i, skipped = i + 1, skipped + 1
        return names

    def _subjects(self, doc, sent, trigger, ents, topic, governing=False) -> list[str]:
        """Who does it: the names just before the verb, else its parsed subject, else (an infinitive,
        a participle, or a noun with `governing`) those of the verb above it."""
        verb = doc[trigger.start]
        if governing:
            verb = _governing_verb(verb) or verb
        for _ in range(4):
            if verb.lemma_.lower() in self.reporting_verbs:
                break  # "les analystes de X jugent que l'acquisition de Y …": X only comments
            names = self._subjects_of(doc, sent, verb, ents, topic)
            if names:
                return names
            climbs = (governing or verb.dep_ in ("xcomp", "ccomp", "advcl", "acl") or verb.pos_ == "NOUN"
                      or "Inf" in verb.morph.get("VerbForm"))  # "a conclu une entente pour acquérir X"
            if verb.head.i == verb.i or not climbs:
                break
            verb = verb.head
        return []

    def _subjects_of(self, doc, sent, verb: Token, ents, topic) -> list[str]:
        return self._names_before(doc, sent, verb.i, ents, topic) or self._parsed_subject(doc, verb, ents, topic)

    def _names_before(self, doc, sent, index, ents, topic) -> list[str]:
        i = index - 1
        while i >= sent.start:
            token = doc[i]
            if i in ents:
                break
            if token.lower_ in AUXILIARIES_AND_ADVERBS or (token.pos_ == "ADV" and token.lower_ not in ("ne", "pas")):
                i -= 1
            elif token.lower_ == "qui":  # "Kaneda Motors, qui avait déjà racheté …"
                i -= 1
                while i >= sent.start and doc[i].text == ",":
                    i -= 1
            elif token.lower_ in PRONOUNS:  # "il s'était offert …": the company last named as subject
                main = topic.referent(i, as_subject=True)
                return [main] if main else []
            elif token.text == ",":
                aside = _aside_start(doc, i, sent.start)
                if aside is None:
                    i -= 1  # "Al Rayyan Holding, entré au capital …": the name before the participle
                    continue
                inside = _entities_in(doc, aside + 1, i, ents, PARTY_LABELS)
                if inside and doc[aside + 1].lower_ in DETERMINERS:  # "Le vendeur, l'allemand Rheinfunk, avait acquis"
                    return [_name(inside[-1])]
                i = aside - 1  # ", par exemple,", ", issue de l'Université de Cambridge," before the verb
            else:
                break
        if i >= sent.start and i in ents and ents[i].label_ in PARTY_LABELS | {"MISC"}:
            return _coordinated_names_backwards(doc, i, sent.start, ents)
        return []

    def _parsed_subject(self, doc, verb: Token, ents, topic) -> list[str]:
        for child in verb.children:
            if child.dep_ not in ("nsubj", "nsubj:pass"):
                continue
            members = [child] + [c for c in child.children if c.dep_ == "conj"]
            names = [_name(ents[m.i]) for m in members if m.i in ents and ents[m.i].label_ in PARTY_LABELS]
            if names:
                return names
            inner = [t for t in child.subtree if t.i in ents and ents[t.i].label_ in PARTY_LABELS]
            if inner and child.i not in ents:  # "la société Hextal", "le fonds souverain X"
                return [_name(ents[inner[0].i])]
            if self._is_description(doc, child.i) or child.lower_ in PRONOUNS:
                main = topic.referent(child.i, as_subject=True)
                return [main] if main else []
        return []

    def _clause_subject(self, doc, sent, ents) -> str | None:
        """"Soutenue par Google, la société Hextal accélère": the sentence's own subject."""
        for token in sent:
            if token.dep_ in ("nsubj", "nsubj:pass") and token.head.dep_ == "ROOT":
                for part in [token, *token.subtree]:
                    if part.i in ents and ents[part.i].label_ in TARGET_LABELS:
                        return _name(ents[part.i])
        comma = next((t.i for t in sent if t.text == ","), None)  # the parse failed: the name after the
        if comma is not None:                                     # participial phrase
            after = _entities_in(doc, comma + 1, min(sent.end, comma + 6), ents, TARGET_LABELS)
            if after:
                return _name(after[0])
        return None

    # -- filters ------------------------------------------------------------------------------
    def _is_hypothesis(self, sent: Span) -> bool:
        """A conditional clause anywhere ("… si la production démarre"), but not "même si"."""
        words = [t.lower_ for t in sent]
        return any(w in self.hypothesis and (k == 0 or words[k - 1] not in ("même", "comme")) for k, w in enumerate(words))

    def _negated(self, doc: Doc, sent: Span, trigger: Trigger) -> bool:
        """"n'investira pas", and possibilities ("qui pourrait faire passer son investissement")."""
        before = doc[max(sent.start, trigger.start - 4):trigger.start]
        after = doc[trigger.end:min(sent.end, trigger.end + 3)]
        return (any(t.lower_ in self.negation or t.lower_ in self.possibility for t in before)
                or any(t.lower_ in self.possibility for t in after))

    def _serves_other_verb(self, doc: Doc, trigger: Trigger) -> bool:
        """"s'engage à acheter 30 milliards de capacité": the fact is the infinitive's."""
        for token in doc[trigger.end:min(trigger.end + 3, len(doc))]:
            lemma = token.lemma_.lower()
            if token.pos_ == "VERB" and (lemma in self.blocking_verbs or lemma in self.verb_lemmas):
                return True
        return False

    def _money_is_not_a_stake(self, doc: Doc, money: Span) -> bool:
        """"30 milliards de capacité", "un chiffre d'affaires de 3 Md€": not put into a company."""
        after = doc[money.end:money.end + 3]
        return any(t.lower_ in self.not_objects for t in after if t.lower_ not in ("de", "d'", "d’"))

    # -- follow-ups ---------------------------------------------------------------------------
    def _follow_ups(self, doc: Doc, sent: Span, frames: list[Frame], ents: dict) -> list[Frame]:
        """Amounts that continue a stated fact without a verb of their own:
        "Nvidia jusqu'à 10 milliards, Microsoft jusqu'à 5 milliards" (one event per investor), and
        "valorisée à 350 milliards, contre 183 milliards en septembre" (an earlier valuation)."""
        used = {f.money.start for f in frames if f.money is not None}
        extra: list[Frame] = []
        for frame in frames:
            if frame.money is None:
                continue
            for ent in _entities_in(doc, frame.money.end, sent.end, ents, {"MONEY"}):
                if ent.start in used or _is_conversion(doc, ent, sent):
                    continue
                lead = [t.lower_ for t in doc[max(sent.start, ent.start - 4):ent.start]]
                if frame.trigger.type == "valuation" and "contre" in lead:
                    target = _name_after_word(doc, ent.end, sent.end, ents, "pour") or frame.target
                    extra.append(Frame(frame.trigger, ent, target, [], _date_near(doc, ent, sent, ents), sent))
                    used.add(ent.start)
                elif frame.trigger.type == "investment" and frame.trigger.is_verb:
                    party = _name_just_before(doc, ent.start, sent.start, ents)
                    if party and party not in frame.parties and party != frame.target:
                        extra.append(Frame(frame.trigger, ent, frame.target, [party], frame.date, sent))
                        used.add(ent.start)
        return extra

    # -- output -------------------------------------------------------------------------------
    def _event(self, doc: Doc, frame: Frame) -> dict:
        money = frame.money
        event = {"type": frame.trigger.type, "target": frame.target}
        if frame.trigger.type == "investment":
            event["investors"] = frame.parties
        elif frame.trigger.type == "acquisition":
            event["acquirer"] = frame.parties[0] if frame.parties else None
        event.update({
            "value": money._.fr_finance_value if money is not None else None,
            "currency": money._.fr_finance_currency if money is not None else None,
            "qualifier": money._.fr_finance_qualifier if money is not None else None,
            "date": frame.date if frame.date is not None else self._news_date(doc, frame),
            "amount": [money.start_char, money.end_char] if money is not None else None,
            "evidence": [frame.evidence.start_char, _trim_end(frame.evidence)],
            "rule": frame.trigger.rule,
            "_headline": _is_headline(frame.evidence),
        })
        return event

    def _news_date(self, doc: Doc, frame: Frame) -> str | None:
        """No date in the sentence: the publication date, when the fact reads as today's news
        (announced, or a plan in the present or future)."""
        published = doc._.fr_finance_published
        if not published:
            return None
        for token in frame.evidence:
            if token.lemma_.lower() in self.news:
                return published
            tense = token.morph.get("Tense")
            if token.pos_ in ("VERB", "AUX") and ("Fut" in tense or "Pres" in tense) and token.i >= frame.trigger.start - 6:
                return published
        return None


# -- the document's company ---------------------------------------------------------------------
class _Topic:
    """What a description ("la jeune pousse"), a pronoun ("il") or a possessive ("son capital") stands
    for. In subject position, the company last named as a subject ("Amazon frappe un grand coup : le
    géant de Seattle envisagerait …"); in target position, the last target ("… dans Anthropic, tandis
    que Nvidia investira … dans la startup"); else the company the document's events are about."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.subjects = [e for e in doc.ents if e.label_ == "ORG" and (
            e.root.dep_ in ("nsubj", "nsubj:pass") or e.start == e.sent.start)]
        self.counts = Counter(_name(e) for e in doc.ents if e.label_ == "ORG")
        self.targets: list[str] = []

    def note_target(self, target: str | None) -> None:
        if target:
            self.targets.append(target)

    def referent(self, index: int, as_subject: bool, exclude=()) -> str | None:
        subjects = [_name(e) for e in self.subjects if e.end <= index and _name(e) not in exclude]
        targets = [t for t in self.targets if t not in exclude]
        if as_subject and subjects:  # the company the text keeps as its subject; the latest on a tie
            counts = Counter(subjects)
            return max(reversed(subjects), key=lambda name: counts[name])
        ordered = targets[-1:] + subjects[-1:]
        return ordered[0] if ordered else self.main(exclude)

    def main(self, exclude=()) -> str | None:
        for name, _ in self.counts.most_common():
            if name not in exclude:
                return name
        return None


# -- small helpers ------------------------------------------------------------------------------
def sentences(doc: Doc):
    """The parser's sentences, cut again where news text breaks without a full stop (at line breaks:
    headings, datelines, table rows; after a closed aside "(… 2019.)"), and joined again where the
    parser cut without one (it often cuts at an unknown capitalised name). Presetting boundaries
    before the parser derails the small French model's parse, so we re-cut afterwards."""
    start = 0
    for token in doc[1:]:
        previous = doc[token.i - 1]
        line_break = "\n" in previous.text or "\n" in previous.whitespace_
        closed = previous.text in (".", "!", "?", "…", ":") or (
            previous.text == ")" and token.i >= 2 and doc[token.i - 2].text in (".", "!", "?"))
        if (line_break or (closed and token.is_sent_start)) and not token.is_space:
            yield doc[start:token.i]
            start = token.i
    if start < len(doc):
        yield doc[start:len(doc)]


def _verb_phrase_pattern(nlp: Language, phrase: str) -> list[dict]:
    """"mettre la main sur" → the lemma "mettre", adverbs allowed, then the exact words."""
    words = [text for word in phrase.split()
             for text in ([word] if word == "{N}" else [t.text for t in nlp.make_doc(word)])]
    reflexive = words[0] in ("s'", "s’", "se")
    if reflexive:
        words = words[1:]
    pattern = [{"LOWER": {"IN": ["s'", "s’", "se"]}}] if reflexive else []
    pattern += [{"LEMMA": words[0]}, {"POS": "ADV", "OP": "*"}]
    for word in words[1:]:
        pattern.append({"LIKE_NUM": True} if word == "{N}" else {"LOWER": word.lower()})
    return pattern


def _name(ent: Span) -> str:
    return ent._.fr_finance_canonical or ent.text


def _phrases(words) -> list[list[str]]:
    return sorted((w.lower().replace("’", "'").split() for w in words), key=len, reverse=True)


def _marker_at(doc: Doc, i: int, markers: list[list[str]]) -> int:
    """Length of the marker phrase starting at token i, or 0."""
    first = doc[i].lower_.replace("’", "'") if 0 <= i < len(doc) else None
    for phrase in markers:
        if first is not None and phrase and phrase[0] != first:
            continue  # called at every token of a frame: compare one word before slicing
        words = [t.lower_.replace("’", "'") for t in doc[i:i + len(phrase)]]
        if words == phrase:
            return len(phrase)
    return 0


def _clause_end(doc: Doc, start: int, stop: int) -> int:
    for i in range(start, stop):
        if doc[i].lower_ in CLAUSE_BREAKS:
            return i
    return stop


def _amount(doc: Doc, trigger: Trigger, stop: int, ents: dict) -> Span | None:
    """The amount of the fact: the first in the clause after the trigger ("pour 150 milliards de yens"
    past an apposition; "(183 milliards de dollars)"), not a conversion ("soit environ 31 Md€") nor an
    earlier figure ("contre 300 millions"); for a noun, also right before it ("40 M€ d'investissement")."""
    for ent in _entities_in(doc, trigger.end, stop, ents, {"MONEY"}):
        lead = [t.lower_ for t in doc[max(trigger.end, ent.start - 3):ent.start]]
        if "contre" in lead:
            break
        if trigger.type != "valuation" and WORTH_WORDS & set(lead):
            continue  # "une participation …, évaluée à 135 Md$": what a holding is worth, not what was put in
        if _in_parenthetical_clause(doc, ent, trigger.end):
            continue  # "(qui a déjà érigé pour elle un campus de 10 Md€)"
        if not _is_conversion(doc, ent, doc[trigger.start:stop]):
            return ent
    if not trigger.is_verb:
        i = trigger.start - 1
        while i >= 0 and doc[i].lower_ in ("de", "d'", "d’", "en"):
            i -= 1
        if i in ents and ents[i].label_ == "MONEY":
            return ents[i]
    return None


def _is_conversion(doc: Doc, money: Span, scope: Span) -> bool:
    """"150 Md¥ (environ 1,2 Md€)", "19 Md£, soit environ 31 Md€": the same sum restated just after
    another amount."""
    lead = doc[max(scope.start, money.start - 3):money.start]
    opener = next((t for t in lead if t.lower_ in ("soit", "(")), None)
    if opener is None:
        return False
    before = doc[max(scope.start, opener.i - 4):opener.i]
    return any(t.ent_type_ == "MONEY" for t in before)


def _in_parenthetical_clause(doc: Doc, money: Span, start: int) -> bool:
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


def _entities_in(doc, start, stop, ents, labels) -> list[Span]:
    seen, result = set(), []
    for i in range(start, stop):
        ent = ents.get(i)
        if ent is not None and ent.label_ in labels and ent.start not in seen:
            seen.add(ent.start)
            result.append(ent)
    return result


def _governing_verb(token: Token) -> Token | None:
    """The verb a noun depends on ("X a annoncé l'acquisition de …" → "annoncé")."""
    for _ in range(6):
        if token.pos_ in ("VERB", "AUX") or token.head.i == token.i:
            return token if token.pos_ in ("VERB", "AUX") else None
        token = token.head
    return None


def _aside_start(doc, comma, floor) -> int | None:
    """Index of the comma opening a short aside that ends at `comma`, if there is one."""
    for i in range(comma - 1, max(floor, comma - 12) - 1, -1):
        if doc[i].text == ",":
            return i
    return None


def _coordinated_names_backwards(doc, end_token, floor, ents) -> list[str]:
    names: list[str] = []
    i = end_token
    while i >= floor and i in ents and ents[i].label_ in PARTY_LABELS | {"MISC"}:
        ent = ents[i]
        names.insert(0, _name(ent))
        i = ent.start - 1
        if i >= floor and doc[i].lower_ in ("et", ","):
            i -= 1
            continue
        break
    return names


def _name_just_before(doc, start, floor, ents) -> str | None:
    """", Microsoft jusqu'à 5 milliards", "et la Banque X le solde, soit 20 millions"."""
    for i in range(start - 1, max(floor - 1, start - 7), -1):
        ent = ents.get(i)
        if ent is not None:
            return _name(ent) if ent.label_ in PARTY_LABELS | {"MISC"} else None
        if doc[i].pos_ in ("VERB", "AUX"):
            return None
    return None


def _name_after_word(doc, start, stop, ents, word) -> str | None:
    for i in range(start, min(stop, start + 4)):
        if doc[i].lower_ == word and i + 1 < stop and i + 1 in ents and ents[i + 1].label_ in TARGET_LABELS:
            return _name(ents[i + 1])
    return None


def _date_in(doc, sent, trigger, stop, ents, money) -> str | None:
    """A DATE in the same clause as the fact, the nearest to its amount (not an earlier figure's)."""
    start = max(sent.start, trigger.start - 8)
    anchor_end = money.end if money is not None else trigger.end
    stop = next((i for i in range(anchor_end, stop) if doc[i].lower_ == "contre"), stop)
    dates = _entities_in(doc, start, stop, ents, {"DATE"})
    if not dates:
        return None
    anchor = money.start if money is not None else trigger.start
    return min(dates, key=lambda d: abs(d.start - anchor))._.fr_finance_value


def _date_near(doc, money, sent, ents) -> str | None:
    dates = _entities_in(doc, money.end, min(sent.end, money.end + 4), ents, {"DATE"})
    return dates[0]._.fr_finance_value if dates else None


AVOIR_FORMS = {"a", "ont", "avait", "avaient", "aura", "auront", "aurait", "auraient", "ai", "avons", "avez", "eut"}
ETRE_VERBS = {"entrer", "monter", "venir", "arriver", "rester", "devenir", "revenir", "rentrer", "passer"}
PASSIVE_AUXILIARIES = {"été", "est", "sont", "était", "étaient", "sera", "seront", "serait", "soit"}


def _is_passive(doc, trigger) -> bool:
    """"a été valorisée", "est soutenue depuis ses débuts par", "Soutenue par Google, …"; not the
    reflexive "s'est offert"."""
    token = doc[trigger.start]
    window = doc[max(0, token.i - 4):token.i]
    if any(t.lower_ in ("s'", "s’", "se") for t in window) or token.lemma_.lower() in ETRE_VERBS:
        return False  # "s'est offert", "était entrée au capital": active verbs conjugated with être
    before = {t.lower_ for t in doc[max(0, token.i - 3):token.i]}
    if before & AVOIR_FORMS and "été" not in before:
        return False  # "avait déjà racheté": a compound past, whatever the parser says
    if any(c.dep_ in ("aux:pass", "nsubj:pass") for c in token.children):
        return True
    after = [t.lower_ for t in doc[token.i + 1:token.i + 5]]
    if token.is_sent_start and token.lower_.endswith(("é", "ée", "és", "ées")):
        return True  # "Valorisée 1 Md€, la start-up …" (the tagger may call it a name)
    if token.pos_ == "ADJ" or "Part" in token.morph.get("VerbForm"):
        return bool({t.lower_ for t in doc[max(0, token.i - 3):token.i]} & PASSIVE_AUXILIARIES) or "par" in after
    return False


def _is_reflexive(token: Token) -> bool:
    return any(t.lower_ in ("s'", "s’", "se", "m'", "me") for t in token.doc[max(0, token.i - 3):token.i])


def _is_headline(sent: Span) -> bool:
    """A title or subtitle: a line of its own without a closing full stop, at the top of the text
    or short (a table row is neither)."""
    text = sent.text.rstrip()
    ends_line = sent.end == len(sent.doc) or "\n" in sent[-1].whitespace_ or "\n" in sent[-1].text
    if not ends_line or text.endswith((".", "!", "?", "…", "»", '"')):
        return False
    return sent.start_char < HEADLINE_ZONE or sum(t.is_alpha for t in sent) <= 10


def _is_question(sent: Span) -> bool:
    return sent.text.rstrip().endswith("?")


def _trim_end(sent: Span) -> int:
    return sent.start_char + len(sent.text.rstrip())


def _share_targets(frames: list[Frame]) -> None:
    """"Nvidia s'engage à hauteur de 10 Md$, tandis que Microsoft investira 5 Md$ dans Anthropic": a
    clause without its target takes the one its sentence names (a valuation, that of the deal)."""
    targets = [f.target for f in frames if f.target and f.trigger.type in ("investment", "acquisition")]
    valued = [f.target for f in frames if f.target and f.trigger.type == "valuation"]
    for frame in frames:
        if frame.target is None and len(set(targets)) == 1 and targets[0] not in frame.parties:
            frame.target = targets[0]
        elif frame.target is None and frame.trigger.type == "investment" and len(set(valued)) == 1:
            frame.target = valued[0]  # "l'investissement de 15 Md$ porte la valorisation d'Anthropic à …"


def _give_investors_to_last_round(events: list[dict], frame: Frame) -> None:
    """"… une levée de fonds de 120 M€. Le tour est mené par Eurazeo, avec Bpifrance.": the round's
    investors are named in the next sentence."""
    for event in reversed(events[-3:]):
        if event["type"] == "investment" and not event["investors"]:
            event["investors"] = list(frame.parties)
            return


def _fill_topic(events: list[dict]) -> list[dict]:
    """An investment whose target is left implicit ("Amazon annonce un investissement initial de
    4 milliards", "entré au capital en 2021") is in the company the document's investments and
    valuations are about; without one, it is dropped."""
    about = Counter(e["target"] for e in events if e["target"] and e["type"] in ("investment", "valuation"))
    kept = []
    for event in events:
        if event["type"] == "investment" and event["target"] is None:
            candidates = [t for t, _ in about.most_common() if t not in event["investors"]]
            if not event["investors"] or not candidates:
                continue
            event["target"] = candidates[0]
        if event["target"] is None and event["type"] == "valuation":  # "… entrée à son capital pour 150 M$, sur
            event["target"] = next((e["target"] for e in kept  # la base d'une valorisation de 2,1 Md$"
                                    if e["evidence"] == event["evidence"] and e["target"]), None)
        if event["target"] is None:
            continue
        kept.append(event)
    return kept


def _name_joint_investors(events: list[dict]) -> list[dict]:
    """"l'investissement de 15 Md$" after "Microsoft investira 5 Md$ …, Nvidia 10 Md$": an amount stated
    without investors that is the sum of the investments just stated in the same company is theirs."""
    for k, event in enumerate(events):
        if event["type"] != "investment" or event["investors"] or event["value"] is None:
            continue
        earlier = [e for e in events[:k] if e["type"] == "investment" and e["target"] == event["target"]
                   and e["investors"] and e["value"] is not None and e["currency"] == event["currency"]]
        for size in (2, 3, 4):
            group = earlier[-size:]
            if len(group) == size and abs(sum(e["value"] for e in group) - event["value"]) <= 0.005 * event["value"]:
                event["investors"] = sorted({name for e in group for name in e["investors"]})
                break
    return events


def _same_fact(a: dict, b: dict) -> bool:
    """Same type, target and amount; a side left unnamed in one statement matches any; a headline
    restates the body whatever figure it rounds or converts."""
    if a["type"] != b["type"] or (a["target"] or "").lower() != (b["target"] or "").lower():
        return False
    for side in ("investors", "acquirer"):
        if a.get(side) and b.get(side) and (sorted(a[side]) if side == "investors" else a[side]) != (
                sorted(b[side]) if side == "investors" else b[side]):
            return False
    if a.get("_headline") != b.get("_headline"):
        return True
    if a["amount"] is None or b["amount"] is None:  # a mention without amount restates the fact, unless dated otherwise
        return a["date"] == b["date"] or a["date"] is None or b["date"] is None
    if a["value"] is None or b["value"] is None:  # vague amounts ("plusieurs milliards") match only each other
        return a["value"] is None and b["value"] is None and a["currency"] == b["currency"]
    return abs(a["value"] - b["value"]) <= 0.005 * max(abs(a["value"]), abs(b["value"]))


def _fullness(event: dict) -> int:
    return (not event.get("_headline")) * 8 + bool(event["amount"]) * 4 + bool(
        event.get("investors") or event.get("acquirer")) * 2 + bool(event["date"])


def _drop_restatements(events: list[dict]) -> list[dict]:
    """The same fact stated twice in a document (a headline and its body, a recap) is one event, the
    fullest statement; a restatement that brings a new amount or date is a fact of its own."""
    kept: list[dict] = []
    for event in events:
        twin = next((k for k in kept if _same_fact(k, event)), None)
        if twin is None:
            kept.append(event)
        elif _fullness(event) > _fullness(twin):
            kept[kept.index(twin)] = event
    return kept

