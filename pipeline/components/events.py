"""fr_finance_events_v1: investments, acquisitions and valuations, each tied to its amount and date.

A trigger (a lemma from models/events.yaml: "investir", "rachat", "valorisée" …) opens a frame that runs
to the next trigger or clause break; roles are read inside it from the entities already on the doc
(names, MONEY, DATE) and the words that introduce them ("dans X", "par X", "de X et Y"), with the
dependency parse for subjects. Hand-written: spaCy has no event extractor, and the parse of the
small French model attaches prepositional phrases too unreliably to read roles from arcs alone.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from .. import lexicons
from .spans import register_extensions

NAME_LABELS = {"ORG", "PER", "MISC", "LOC"}
PARTY_LABELS = {"ORG", "PER"}
TARGET_LABELS = {"ORG", "MISC"}  # the model often calls an unknown company MISC; a person is never bought
CLAUSE_BREAKS = {";", "tandis", "alors", "mais", "puis", "lorsque", "car", "(", ")", "?", "!"}
SKIPPABLE_BEFORE_VERB = {"a", "ont", "avait", "avaient", "aura", "auront", "va", "vont", "vient", "viennent",
                         "de", "d'", "d’", "s'", "s’", "se", "n'", "n’", "ne", "déjà", "aussi", "également",
                         "encore", "été", "est", "sont", "serait", "seraient", "aurait", "auraient", "pourrait",
                         "envisage", "envisagerait", "compte", "prévoit", "souhaite", "décidé", "annoncé",
                         "officiellement", "finalement", "ainsi", "-t-il", "-t-elle", "il", "elle"}
GENITIVE = [["de"], ["d'"]]
AGENT = [["par"]]
MAX_GAP = 8  # tokens between a role word and its name ("par le leader du commerce électronique Amazon")


@dataclass
class Trigger:
    rule: str
    type: str
    start: int  # token offsets of the trigger word(s)
    end: int
    is_verb: bool
    subject_is_target: bool = False


@dataclass
class Frame:
    """What one trigger states, before it becomes an event dict."""
    trigger: Trigger
    money: Span | None = None
    target: str | None = None
    parties: list[str] = field(default_factory=list)
    date: str | None = None
    evidence: Span | None = None


@Language.factory("fr_finance_events_v1", default_config={"lexicon": "events.yaml"})
def make_event_reader(nlp: Language, name: str, lexicon: str) -> "EventReader":
    return EventReader(nlp, name, lexicon=lexicon)


class EventReader:
    def __init__(self, nlp: Language, name: str = "fr_finance_events", *, lexicon: str = "events.yaml"):
        register_extensions()
        self.name = name
        data = lexicons.load(lexicon)
        self.triggers = {}
        self.verb_lemmas: dict[str, dict] = {}
        self.noun_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for entry in lexicons.require_ids(data["triggers"], "events.yaml triggers"):
            self.triggers[entry["id"]] = entry
            for verb in entry.get("verbs", []):
                self.verb_lemmas[verb] = entry
            phrases = entry.get("nouns", []) + entry.get("phrases", [])
            if phrases:
                forms = {p for n in phrases for p in (n, n + "s", n + "x")}
                self.noun_matcher.add(entry["id"], [nlp.make_doc(p) for p in forms])
        self.target_markers = {k: _phrases(v) for k, v in data["target_markers"].items()}
        self.investor_markers = _phrases(data["investor_markers"])
        self.not_objects = set(data["not_investment_objects"])
        self.blocking_verbs = set(data["blocking_verbs"])
        self.descriptions = set(data["descriptions"])
        self.hypothesis = set(data["hypothesis_markers"])
        self.negation = set(data["negation_markers"])
        self.possibility = set(data["possibility_markers"])
        self.news = set(data["news_markers"])

    # -- component ----------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        ents_by_token = {i: ent for ent in doc.ents for i in range(ent.start, ent.end)}
        events: list[dict] = []
        targets_so_far: list[str] = []
        noun_matches = self.noun_matcher(doc)
        for sent in sentences(doc):
            if _is_question(sent) or self._is_hypothesis(sent):
                continue
            in_sentence = [m for m in noun_matches if sent.start <= m[1] and m[2] <= sent.end]
            triggers = self._find_triggers(doc, sent, ents_by_token, in_sentence)
            frames = []
            for k, trigger in enumerate(triggers):
                stop = triggers[k + 1].start if k + 1 < len(triggers) else sent.end
                frame = self._read_frame(doc, sent, trigger, stop, ents_by_token, targets_so_far)
                if frame is not None:
                    frames.append(frame)
                    if frame.target:
                        targets_so_far.append(frame.target)
            frames += self._follow_ups(doc, sent, frames, ents_by_token)
            _share_targets(frames)
            events += [self._event(doc, frame) for frame in frames]
        doc._.events = _drop_restatements(_fill_topic(events))
        return doc

    # -- triggers -----------------------------------------------------------------------------
    def _find_triggers(self, doc: Doc, sent: Span, ents: dict, noun_matches: list) -> list[Trigger]:
        found: list[Trigger] = []
        for key, start, end in noun_matches:
            entry = self.triggers[doc.vocab.strings[key]]
            is_phrase = any(doc[start:end].text.lower().startswith(p.split()[0]) for p in entry.get("phrases", []))
            found.append(Trigger(entry["id"], entry["type"], start, end, is_verb=is_phrase))
        for token in sent:
            entry = self.verb_lemmas.get(token.lemma_.lower())
            if entry is None or token.i in ents or token.pos_ not in ("VERB", "AUX", "ADJ"):
                continue
            if token.lemma_.lower() in entry.get("reflexive_only", []) and not _is_reflexive(token):
                continue
            found.append(Trigger(entry["id"], entry["type"], token.i, token.i + 1, is_verb=True,
                                 subject_is_target=entry.get("subject_is_target", False)))
        found.sort(key=lambda t: (t.start, -(t.end - t.start)))
        kept: list[Trigger] = []
        for trigger in found:  # longest phrase wins ("tour de table" over "table")
            if kept and trigger.start < kept[-1].end:
                continue
            if not trigger.is_verb and kept and kept[-1].is_verb and kept[-1].type == trigger.type \
                    and trigger.start - kept[-1].end <= 3:
                continue  # "a bouclé un tour de table", "a annoncé une levée": one fact, read from the verb
            if not trigger.is_verb and any(_marker_at(doc, i, self.investor_markers) > trigger.start - i
                                           for i in range(max(sent.start, trigger.start - 3), trigger.start)):
                continue  # "avec la participation de X" introduces an investor
            kept.append(trigger)
        return kept

    # -- roles --------------------------------------------------------------------------------
    def _read_frame(self, doc: Doc, sent: Span, trigger: Trigger, stop: int, ents: dict,
                    targets_so_far: list[str]) -> Frame | None:
        stop = _clause_end(doc, trigger.end, stop)
        if self._negated(doc, sent, trigger) or self._serves_other_verb(doc, trigger):
            return None
        frame = Frame(trigger, evidence=sent)
        frame.money = _money_after(doc, trigger, stop, ents)
        if frame.money is None and not trigger.is_verb:
            frame.money = _money_before_noun(doc, trigger, ents)
        if frame.money is not None and self._money_is_not_a_stake(doc, frame.money):
            return None
        if trigger.type == "acquisition":
            self._acquisition_roles(doc, sent, trigger, stop, ents, frame)
        elif trigger.type == "valuation":
            frame.target = self._target_after(doc, trigger, stop, ents, self.target_markers["valuation"]) or (
                self._subject(doc, sent, trigger, ents) if trigger.is_verb or frame.money else None)
        else:
            self._investment_roles(doc, sent, trigger, stop, ents, frame, targets_so_far)
        if frame.money is None and not (frame.target and frame.parties):
            return None  # without an amount, a fact needs both sides named ("soutenue par Amazon")
        if frame.target is None and not frame.parties:
            return None
        frame.date = _date_in(doc, sent, trigger, stop, ents, frame.money)
        return frame

    def _investment_roles(self, doc, sent, trigger, stop, ents, frame, targets_so_far) -> None:
        markers = self.target_markers["investment"]
        subject = self._subjects(doc, sent, trigger, ents)
        frame.target = self._target_after(doc, trigger, stop, ents, markers, targets_so_far, exclude=set(subject))
        if trigger.subject_is_target:  # "la start-up a levé 40 M€ auprès de X"
            frame.target = subject[0] if subject else None
            frame.parties = self._investors_after(doc, trigger.end, stop, ents, genitive_at=None)
            return
        if _is_passive(doc, trigger):  # "soutenue par Amazon", "financée par X"
            frame.parties = self._investors_after(doc, trigger.end, stop, ents, genitive_at=None)
            frame.target = frame.target or (subject[0] if subject else self._clause_subject(doc, sent, ents))
        elif trigger.is_verb:
            frame.parties = subject
            if frame.target is None and self.triggers[trigger.rule].get("object_is_target"):
                frame.target = _object_name(doc, trigger.end, stop, ents)  # "Microsoft a soutenu OpenAI"
        else:  # a noun: "un investissement de 15 Md$ de Microsoft et Nvidia", "mené par X", else the verb's subject
            genitive_at = frame.money.end if frame.money is not None else trigger.end
            frame.parties = self._investors_after(doc, trigger.end, stop, ents, exclude={frame.target},
                                                  genitive_at=genitive_at)
            if not frame.parties:
                frame.parties = self._subjects(doc, sent, trigger, ents, governing=True)
        frame.parties = [p for p in frame.parties if p != frame.target]

    def _acquisition_roles(self, doc, sent, trigger, stop, ents, frame) -> None:
        if trigger.is_verb:
            frame.target = _object_name(doc, trigger.end, stop, ents)
            subject = self._subjects(doc, sent, trigger, ents)
            if _is_passive(doc, trigger):
                frame.target = frame.target or (subject[0] if subject else None)
                agents = self._investors_after(doc, trigger.end, stop, ents)
                frame.parties = agents[:1]
            else:
                frame.parties = subject[:1]
        else:
            frame.target = self._target_after(doc, trigger, stop, ents, self.target_markers["acquisition"])
            agents = self._investors_after(doc, trigger.end, stop, ents, exclude={frame.target}, markers={"par"})
            frame.parties = agents[:1] or [
                n for n in self._subjects(doc, sent, trigger, ents, governing=True) if n != frame.target][:1]
            if not frame.parties:
                frame.parties = [n for n in _names_in(doc, sent.start, trigger.start, ents, PARTY_LABELS)
                                 if n != frame.target][-1:]

    def _target_after(self, doc, trigger, stop, ents, markers, targets_so_far=(), labels=TARGET_LABELS,
                      exclude=()):
        """The company after a marker word ("dans X", "de X"), or a description resolved to it
        ("dans la startup")."""
        for i in range(trigger.end, stop):
            marker = _marker_at(doc, i, markers)
            if not marker:
                continue
            window = range(i + marker, min(i + marker + MAX_GAP, stop))
            for k in window:
                ent = ents.get(k)
                if ent is not None and ent.label_ in labels:
                    return ent._.canonical or ent.text
                if ent is not None or doc[k].text in (",", ";", "(", ":") or doc[k].pos_ == "VERB":
                    window = range(i + marker, k)
                    break
            for k in window:
                if self._is_description(doc, k):
                    return _resolve_description(doc, k, ents, targets_so_far, exclude)
            return None
        return None

    def _is_description(self, doc: Doc, k: int) -> bool:
        """"la startup", "cette société" (a determiner makes it a reference, not "marché d'entreprise")."""
        if k == 0 or doc[k - 1].pos_ != "DET":
            return False
        words = doc[k].lower_, "".join(t.lower_ for t in doc[k:k + 3])  # "start-up" is three tokens
        return any(w in self.descriptions for w in words)

    def _investors_after(self, doc, start, stop, ents, exclude=(), markers=None, genitive_at=None) -> list[str]:
        """Names introduced by "par", "mené par", "avec la participation de", "auprès de" … anywhere in
        the frame, and by a bare "de" only right after the amount (at `genitive_at`)."""
        markers = _phrases(markers) if markers else self.investor_markers
        names: list[str] = []
        i = start
        while i < stop:
            marker = _marker_at(doc, i, markers)
            if marker and _marker_at(doc, i, GENITIVE) == marker and i != genitive_at:
                marker = 0  # "d'intelligence artificielle": a bare "de" elsewhere introduces no investor
            if marker and _marker_at(doc, i, AGENT) == marker and i - start > 4:
                marker = 0  # "de dette garantie par des processeurs": "par" far from the trigger is another verb's
            if marker:
                found = _coordinated_names(doc, i + marker, stop, ents, PARTY_LABELS)
                names += [n for n in found if n not in exclude and n not in names]
                i += marker
            i += 1
        return names

    def _subjects(self, doc, sent, trigger, ents, governing=False) -> list[str]:
        """Who does it: the name(s) just before the verb ("Microsoft et Nvidia ont annoncé"), else its
        parsed subject, else (an infinitive, or a noun with `governing`) those of the verbs above it."""
        verb = doc[trigger.start]
        while True:
            names = self._names_before(doc, sent, verb.i, ents) if verb.pos_ in ("VERB", "AUX", "ADJ") else []
            names = names or self._parsed_subject(doc, verb, ents)
            if names or verb.head.i == verb.i or not (governing or verb.dep_ in ("xcomp", "ccomp")):
                return names
            verb = verb.head

    def _names_before(self, doc, sent, index, ents) -> list[str]:
        i = index - 1
        while i >= sent.start:
            if doc[i].lower_ in SKIPPABLE_BEFORE_VERB and i not in ents:
                i -= 1
            elif doc[i].text == "," and (aside := _aside_start(doc, i, sent.start, ents)) is not None:
                i = aside - 1  # ", par exemple," between the subject and its verb
            else:
                break
        if i >= sent.start and i in ents and ents[i].label_ in PARTY_LABELS:
            return _coordinated_names_backwards(doc, i, sent.start, ents)
        return []

    def _parsed_subject(self, doc, verb, ents) -> list[str]:
        for child in verb.children:
            if child.dep_ not in ("nsubj", "nsubj:pass"):
                continue
            if child.i in ents and ents[child.i].label_ in PARTY_LABELS:
                members = [child] + [c for c in child.children if c.dep_ == "conj"]
                return [ents[m.i]._.canonical or ents[m.i].text for m in members
                        if m.i in ents and ents[m.i].label_ in PARTY_LABELS]
            if self._is_description(doc, child.i):
                resolved = _resolve_description(doc, child.i, ents, [])
                return [resolved] if resolved else []
        return []

    def _subject(self, doc, sent, trigger, ents) -> str | None:
        subjects = self._subjects(doc, sent, trigger, ents) or self._subjects(doc, sent, trigger, ents, governing=True)
        return subjects[0] if subjects else None

    def _clause_subject(self, doc, sent, ents) -> str | None:
        """"Soutenue par Google, Anthropic dispose …", "…, la société Hextal accélère": the sentence's
        own subject, or the name its subject noun introduces."""
        for token in sent:
            if token.dep_ in ("nsubj", "nsubj:pass") and token.head.dep_ == "ROOT":
                for part in [token, *token.subtree]:
                    if part.i in ents and ents[part.i].label_ in TARGET_LABELS:
                        return ents[part.i]._.canonical or ents[part.i].text
        return None

    # -- filters ------------------------------------------------------------------------------
    def _is_hypothesis(self, sent: Span) -> bool:
        return bool(sent) and sent[0].lower_ in self.hypothesis

    def _negated(self, doc: Doc, sent: Span, trigger: Trigger) -> bool:
        """"n'investira pas", and possibilities ("qui pourrait faire passer son investissement")."""
        window = doc[max(sent.start, trigger.start - 4):trigger.start]
        return any(t.lower_ in self.negation or t.lower_ in self.possibility for t in window)

    def _serves_other_verb(self, doc: Doc, trigger: Trigger) -> bool:
        """"s'engage à acheter 30 milliards de capacité": the fact is the infinitive's."""
        for token in doc[trigger.end:min(trigger.end + 3, len(doc))]:
            if token.pos_ == "VERB" and token.lemma_.lower() in self.blocking_verbs:
                return True
            if token.pos_ == "VERB" and token.lemma_.lower() in self.verb_lemmas:
                return True
        return False

    def _money_is_not_a_stake(self, doc: Doc, money: Span) -> bool:
        """"12 milliards de dollars de dette", "30 milliards de capacité": not an investment."""
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
                if ent.start in used:
                    continue
                before = doc[max(sent.start, ent.start - 4):ent.start]
                lead = [t.lower_ for t in before]
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
            "value": money._.value if money is not None else None,
            "currency": money._.currency if money is not None else None,
            "qualifier": money._.qualifier if money is not None else None,
            "date": frame.date if frame.date is not None else self._news_date(doc, frame),
            "amount": [money.start_char, money.end_char] if money is not None else None,
            "evidence": [frame.evidence.start_char, _trim_end(frame.evidence)],
            "rule": frame.trigger.rule,
        })
        return event

    def _news_date(self, doc: Doc, frame: Frame) -> str | None:
        """No date in the sentence: the publication date, when the fact reads as today's news
        (announced, or a plan in the present or future)."""
        published = doc._.published
        if not published:
            return None
        sent = frame.evidence
        for token in sent:
            if token.lemma_.lower() in self.news:
                return published
            if token.pos_ in ("VERB", "AUX") and ("Fut" in token.morph.get("Tense") or "Pres" in token.morph.get("Tense")):
                if token.i >= frame.trigger.start - 6:
                    return published
        return None


# -- small helpers ----------------------------------------------------------------------------
def sentences(doc: Doc):
    """The parser's sentences, cut again where news text breaks without a full stop: at line breaks
    (headings, datelines, table rows) and after a closed aside "(… 2019.)". Presetting these
    boundaries before the parser derails the small French model's parse, so we cut afterwards."""
    for sent in doc.sents:
        start = sent.start
        for token in sent[1:]:
            previous = doc[token.i - 1]
            if ("\n" in previous.text or "\n" in previous.whitespace_
                    or (previous.text == ")" and doc[token.i - 2].text in {".", "!", "?"})):
                if not token.is_space:
                    yield doc[start:token.i]
                    start = token.i
        yield doc[start:sent.end]


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


def _first_entity(doc, start, stop, ents, labels, max_gap) -> Span | None:
    for i in range(start, min(stop, start + max_gap + 1)):
        ent = ents.get(i)
        if ent is not None and ent.label_ in labels:
            return ent
    return None


def _money_after(doc, trigger, stop, ents) -> Span | None:
    """The first amount within a few words of the trigger, also when it stands in brackets
    ("la valorisation d'Anthropic après la Série F (183 milliards de dollars)")."""
    bracket = next((i for i in range(trigger.end, stop) if doc[i].text == "("), None)
    if bracket is None and stop < len(doc) and doc[stop].text == "(" and stop - trigger.end <= 6:
        stop = min(len(doc), stop + 6)
    return _first_entity(doc, trigger.end, stop, ents, {"MONEY"}, max_gap=8)


def _money_before_noun(doc, trigger, ents) -> Span | None:
    """"un tour de table de 40 M€" is after; "40 M€ d'investissement" is before."""
    i = trigger.start - 1
    while i >= 0 and doc[i].lower_ in ("de", "d'", "d’", "en"):
        i -= 1
    ent = ents.get(i)
    return ent if ent is not None and ent.label_ == "MONEY" else None


def _entities_in(doc, start, stop, ents, labels) -> list[Span]:
    seen, result = set(), []
    for i in range(start, stop):
        ent = ents.get(i)
        if ent is not None and ent.label_ in labels and ent.start not in seen:
            seen.add(ent.start)
            result.append(ent)
    return result


def _names_in(doc, start, stop, ents, labels) -> list[str]:
    return [e._.canonical or e.text for e in _entities_in(doc, start, stop, ents, labels)]


def _coordinated_names(doc, start, stop, ents, labels) -> list[str]:
    """"Microsoft et Nvidia", "Bpifrance, Eurazeo et Sequoia" after a role word."""
    names: list[str] = []
    i = start
    gap = 0
    while i < stop and gap <= MAX_GAP:
        ent = ents.get(i)
        if ent is not None and ent.label_ in labels:
            names.append(ent._.canonical or ent.text)
            i = ent.end
            if i < stop and doc[i].lower_ in (",", "et", "ainsi") and (names and True):
                i += 2 if doc[i].lower_ == "ainsi" else 1
                gap = 0
                continue
            break
        if ent is not None or doc[i].is_punct or doc[i].pos_ == "VERB":
            break
        i += 1
        gap += 1
    return names


def _aside_start(doc, comma, floor, ents) -> int | None:
    """Index of the comma opening a short aside that ends at `comma`, if there is one."""
    for i in range(comma - 1, max(floor, comma - 5) - 1, -1):
        if i in ents:
            return None
        if doc[i].text == ",":
            return i
    return None


def _coordinated_names_backwards(doc, end_token, floor, ents) -> list[str]:
    names: list[str] = []
    i = end_token
    while i >= floor and i in ents and ents[i].label_ in PARTY_LABELS:
        ent = ents[i]
        names.insert(0, ent._.canonical or ent.text)
        i = ent.start - 1
        if i >= floor and doc[i].lower_ in ("et", ","):
            i -= 1
            continue
        break
    return names


def _object_name(doc, start, stop, ents) -> str | None:
    """The direct object of "racheter X": a name right after the verb, articles, adverbs and a
    describing noun aside ("a racheté la société Quintys", "a soutenu très tôt OpenAI")."""
    nouns = 0
    for i in range(start, min(stop, start + 5)):
        ent = ents.get(i)
        if ent is not None:
            return (ent._.canonical or ent.text) if ent.label_ in TARGET_LABELS else None
        if doc[i].pos_ in ("NOUN", "ADJ") and nouns == 0 and doc[i].is_lower:
            nouns += doc[i].pos_ == "NOUN"
            continue
        if doc[i].pos_ not in ("DET", "ADV"):
            return None
    return None


def _name_just_before(doc, start, floor, ents) -> str | None:
    """", Microsoft jusqu'à 5 milliards": the name a few words before an amount."""
    for i in range(start - 1, max(floor - 1, start - 5), -1):
        ent = ents.get(i)
        if ent is not None:
            return (ent._.canonical or ent.text) if ent.label_ in PARTY_LABELS else None
        if doc[i].pos_ == "VERB":
            return None
    return None


def _name_after_word(doc, start, stop, ents, word) -> str | None:
    for i in range(start, min(stop, start + 4)):
        if doc[i].lower_ == word and i + 1 < stop and i + 1 in ents and ents[i + 1].label_ in PARTY_LABELS:
            return ents[i + 1]._.canonical or ents[i + 1].text
    return None


def _resolve_description(doc, index, ents, targets_so_far, exclude=()) -> str | None:
    """"la startup" → the company it stands for: the last target named, else the last company that was
    a grammatical subject before it, else the last company named (never a party of the same fact)."""
    def name(ent):
        return ent._.canonical or ent.text

    targets = [t for t in targets_so_far if t not in exclude]
    if targets:
        return targets[-1]
    candidates = [e for e in doc.ents if e.label_ == "ORG" and e.end <= index and name(e) not in exclude]
    subjects = [e for e in candidates if e.root.dep_ in ("nsubj", "nsubj:pass")]
    chosen = (subjects or candidates)[-1:]
    return name(chosen[0]) if chosen else None


def _date_in(doc, sent, trigger, stop, ents, money) -> str | None:
    """A DATE in the same clause as the fact."""
    start = max(sent.start, trigger.start - 8)
    anchor_end = money.end if money is not None else trigger.end
    stop = next((i for i in range(anchor_end, stop) if doc[i].lower_ == "contre"), stop)  # an earlier figure's date
    dates = _entities_in(doc, start, stop, ents, {"DATE"})
    if not dates:
        return None
    anchor = money.start if money is not None else trigger.start
    return min(dates, key=lambda d: abs(d.start - anchor))._.value


def _date_near(doc, money, sent, ents) -> str | None:
    dates = _entities_in(doc, money.end, min(sent.end, money.end + 4), ents, {"DATE"})
    return dates[0]._.value if dates else None


PASSIVE_AUXILIARIES = {"été", "est", "sont", "était", "étaient", "sera", "seront", "serait", "soit"}


def _is_passive(doc, trigger) -> bool:
    """"a été valorisée", "est soutenue depuis ses débuts par", "Soutenue par Google, …"."""
    token = doc[trigger.start]
    if any(c.dep_ in ("aux:pass", "nsubj:pass") for c in token.children):
        return True
    after = [t.lower_ for t in doc[token.i + 1:token.i + 5]]
    if token.pos_ == "ADJ" or "Part" in token.morph.get("VerbForm"):
        before = {t.lower_ for t in doc[max(0, token.i - 3):token.i]}
        return bool(before & PASSIVE_AUXILIARIES) or "par" in after
    return False


def _is_reflexive(token: Token) -> bool:
    return any(t.lower_ in ("s'", "s’", "se", "m'", "me") for t in token.doc[max(0, token.i - 3):token.i])


def _is_question(sent: Span) -> bool:
    return sent.text.rstrip().endswith("?")


def _trim_end(sent: Span) -> int:
    return sent.start_char + len(sent.text.rstrip())


def _share_targets(frames: list[Frame]) -> None:
    """"Nvidia s'engage à hauteur de 10 Md$, tandis que Microsoft investira 5 Md$ dans Anthropic":
    an investment clause without its target takes the one its sentence names."""
    targets = [f.target for f in frames if f.trigger.type == "investment" and f.target]
    for frame in frames:
        if frame.trigger.type == "investment" and frame.target is None and len(set(targets)) == 1:
            if targets[0] not in frame.parties:
                frame.target = targets[0]


def _fill_topic(events: list[dict]) -> list[dict]:
    """An investment whose target is left implicit ("Amazon annonce un investissement initial de
    4 milliards") is in the company the document's other events are about; without one, it is dropped."""
    targets = Counter(e["target"] for e in events if e["target"])
    topic = targets.most_common(1)[0][0] if targets else None
    kept = []
    for event in events:
        if event["type"] == "investment" and event["target"] is None:
            if topic is None or topic in event["investors"] or not event["investors"]:
                continue
            event["target"] = topic
        kept.append(event)
    return kept


def _drop_restatements(events: list[dict]) -> list[dict]:
    """The same fact restated later in a document is one event, unless it brings an amount or date."""
    kept: list[dict] = []
    for event in events:
        key = (event["type"], (event["target"] or "").lower(), tuple(sorted(event.get("investors", []) or [])),
               event.get("acquirer"))
        same = [k for k in kept if (k["type"], (k["target"] or "").lower(),
                                    tuple(sorted(k.get("investors", []) or [])), k.get("acquirer")) == key]
        restated = [k for k in same if k["value"] == event["value"] or (event["value"] is None and k["date"] == event["date"])]
        if not restated:
            kept.append(event)
        elif event["amount"] and not restated[0]["amount"]:  # keep the statement that gives the amount
            kept[kept.index(restated[0])] = event
    return kept
