"""What a role reader works on: a trigger inside its clause, with the doc's entities and topic."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from .places import is_known_place
from .words import Settings, Words, plain

# Role slots: which names may fill them. The names component may label an unknown company MISC, PER or LOC;
# in a clear role slot ("racheté par X", "investi dans X") such a name is still read as a company, unless
# it is a known place, or (as a target: a person is never bought) a full person name.
PARTY = "party"    # investors, acquirers: companies, funds, people
TARGET = "target"  # what is invested in, bought or valued: companies


def fits(ent: Span, role) -> bool:
    """Whether an entity may fill a role slot ("party", "target") or has one of the labels in `role`."""
    if not isinstance(role, str):
        return ent.label_ in role
    label = ent.label_
    if label in ("ORG", "MISC"):
        return True
    if label == "PER":
        return role == PARTY or len(ent) == 1  # a one-word "person" in a target slot is a company
    if label == "LOC":
        return not is_known_place(name(ent))
    return False


@dataclass
class Trigger:
    """The word(s) that state a fact, and the events.yaml entry they matched."""
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
class Clause:
    """One trigger in its sentence: roles are read between `trigger.end` and `stop` (the clause end),
    subjects before it."""
    doc: Doc
    sent: Span
    trigger: Trigger
    stop: int
    ents: dict[int, Span]  # token index → entity covering it
    topic: "Topic"
    words: Words
    settings: Settings

    def entities(self, start: int, stop: int, labels) -> list[Span]:
        return entities_in(self.ents, start, stop, labels)

    def entity(self, i: int, role=None) -> Span | None:
        """The entity at token i if it fits `role` (a role slot or a set of labels)."""
        ent = self.ents.get(i)
        return ent if ent is not None and (role is None or fits(ent, role)) else None

    def has(self, class_id: str, i: int) -> bool:
        return 0 <= i < len(self.doc) and self.words.has(class_id, self.doc[i])


class _Unnamed(str):
    """A role slot filled by an unnamed unit of a company ("l'usine de Y"): the role is known to be null."""


UNNAMED = _Unnamed("")


@dataclass
class Reading:
    """What one clause states, before it becomes an Event: each role with the id of the rule that set it."""
    trigger: Trigger
    evidence: Span
    money: Span | None = None
    target: str | None = None
    parties: list[str] = field(default_factory=list)
    date: str | None = None
    rules: dict[str, str] = field(default_factory=dict)  # role → rule id
    round_investors_only: bool = False  # "Le tour est mené par X, avec Y": investors of the round just stated
    kind: str | None = None  # the event type, when the roles change the trigger's ("acquérir 40 % de X": investment)
    respective: list[str] = field(default_factory=list)  # "X et Y, valorisés respectivement à A et B": Y, …
    companions: list["Reading"] = field(default_factory=list)  # other facts the same words state (a bid's valuation)

    @property
    def type(self) -> str:
        return self.kind or self.trigger.type

    def set_target(self, name: str | None, rule: str) -> None:
        if name is UNNAMED:
            self.rules["target"] = "target:unnamed-unit"  # "la division X du groupe Y": stays null
        elif name:
            self.target = name
            self.rules["target"] = rule

    @property
    def unnamed_target(self) -> bool:
        return self.target is None and self.rules.get("target") == "target:unnamed-unit"

    def set_parties(self, names: list[str], rule: str) -> None:
        if names:
            self.parties = names
            self.rules["parties"] = rule


def entities_in(ents: dict, start: int, stop: int, role) -> list[Span]:
    seen, result = set(), []
    for i in range(start, stop):
        ent = ents.get(i)
        if ent is not None and fits(ent, role) and ent.start not in seen:
            seen.add(ent.start)
            result.append(ent)
    return result


def name(ent: Span) -> str:
    return ent._.fr_finance_canonical or ent.text


def phrases(words) -> list[list[str]]:
    """Marker phrases as word lists, longest first."""
    return sorted((plain(w).split() for w in words), key=len, reverse=True)


def marker_at(doc: Doc, i: int, markers: list[list[str]]) -> int:
    """Length of the marker phrase starting at token i, or 0."""
    first = plain(doc[i].text) if 0 <= i < len(doc) else None
    for phrase in markers:
        if first is not None and phrase and phrase[0] != first:
            continue  # called at every token of a clause: compare one word before slicing
        words = [plain(t.text) for t in doc[i:i + len(phrase)]]
        if words == phrase:
            return len(phrase)
    return 0


def governing_verb(token: Token, climb: int = 6) -> Token | None:
    """The verb a noun depends on ("X a annoncé l'acquisition de …" → "annoncé")."""
    for _ in range(climb):
        if token.pos_ in ("VERB", "AUX") or token.head.i == token.i:
            return token if token.pos_ in ("VERB", "AUX") else None
        token = token.head
    return None


def is_participle(token: Token) -> bool:
    return "Part" in token.morph.get("VerbForm")


class Topic:
    """What a description ("la jeune pousse"), a pronoun ("il") or a possessive ("son capital") stands
    for. In subject position, the company last named as a subject ("Amazon frappe un grand coup : le
    géant de Seattle envisagerait …"); in target position, the last target ("… dans Anthropic, tandis
    que Nvidia investira … dans la startup"); else the company the document's events are about."""

    def __init__(self, doc: Doc):
        self.doc = doc
        companies = [e for e in doc.ents if e.label_ != "MISC" and fits(e, TARGET)]  # MISC: mostly products
        self.subjects = [e for e in companies if e.root.dep_ in ("nsubj", "nsubj:pass") or e.start == e.sent.start]
        self.counts = Counter(name(e) for e in companies)
        self.targets: list[str] = []
        self.parties: list[tuple[int, str]] = []

    def note_target(self, target: str | None) -> None:
        if target:
            self.targets.append(target)

    def note_parties(self, parties: list[str], index: int) -> None:
        """Buyers and investors act as subjects: "X annonce le rachat de Y. … Il avait déjà racheté Z"."""
        self.parties += [(index, p) for p in parties]

    def referent(self, index: int, as_subject: bool, exclude=(), pronoun: bool = False) -> str | None:
        subjects = [name(e) for e in self.subjects if e.end <= index and name(e) not in exclude]
        if as_subject and pronoun:
            subjects += [p for i, p in self.parties if i < index and p not in exclude]
        targets = [t for t in self.targets if t not in exclude]
        if as_subject and subjects:  # the company the text keeps as its subject; the latest on a tie
            counts = Counter(subjects)
            return max(reversed(subjects), key=lambda n: counts[n])
        if not as_subject and not targets:  # "… pour investir dans l'entreprise": the company last named before
            sentence_start = self.doc[index].sent.start
            earlier = [name(e) for e in self.doc.ents if e.label_ == "ORG" and e.end <= sentence_start
                       and name(e) not in exclude]
            if earlier:
                return earlier[-1]
        ordered = targets[-1:] + subjects[-1:]
        if ordered:
            return ordered[0]
        # "Elle a levé N auprès de X": a pronoun points back, never to a name later in the text
        return self.main(exclude, before=index if pronoun else None)

    def main(self, exclude=(), before: int | None = None) -> str | None:
        counts = self.counts if before is None else Counter(
            name(e) for e in self.doc.ents if e.end <= before and e.label_ != "MISC" and fits(e, TARGET))
        for n, _ in counts.most_common():
            if n not in exclude:
                return n
        return None
