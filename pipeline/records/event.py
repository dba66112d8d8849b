"""One typed event (FORMAT.md "Events") and the one definition of "same amount" and "same event".

The events component builds `Event`s and writes their `to_dict()` on the doc; the facts table, the scorer
and the review page compare events through `same_event` (or `event_key` + `same_amount`), so they can
never disagree on what matches.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

VALUE_TOLERANCE = 0.005  # FORMAT.md: values within 0.5 % (relative) are the same amount
EVENT_TYPES = ("investment", "acquisition", "valuation")


def same_amount(a: float | None, b: float | None) -> bool:
    """Two values are the same amount when within 0.5 % of the larger; two missing values are the same.

    >>> same_amount(10e9, 10.04e9), same_amount(10e9, 10.1e9), same_amount(None, None), same_amount(None, 5)
    (True, False, True, False)
    """
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= VALUE_TOLERANCE * max(abs(a), abs(b))


def norm_name(name: Any) -> str | None:
    """A name as events compare it: spaces collapsed, case folded, typographic apostrophe made plain.

    >>> norm_name("  Orlan’s  Garden "), norm_name(None)
    ("orlan's garden", None)
    """
    if not isinstance(name, str):
        return None
    return " ".join(name.replace("’", "'").split()).casefold()


@dataclass
class Amount:
    """The MONEY entity an event rests on."""
    value: float | None
    currency: str | None
    qualifier: str | None
    start: int  # character offsets of the MONEY span
    end: int


@dataclass
class Event:
    """One fact: an investment, an acquisition or a valuation. `parties` are the investors (investment)
    or the acquirer, at most one (acquisition); a valuation has none."""
    type: str
    target: str | None = None
    parties: list[str] = field(default_factory=list)
    amount: Amount | None = None
    date: str | None = None
    evidence: tuple[int, int] | None = None
    rules: list[str] = field(default_factory=list)
    headline: bool = False  # stated in a title or standfirst (restatements prefer the body)

    @property
    def value(self) -> float | None:
        return self.amount.value if self.amount is not None else None

    @property
    def currency(self) -> str | None:
        return self.amount.currency if self.amount is not None else None

    def to_dict(self) -> dict:
        """The FORMAT.md record shape."""
        event: dict[str, Any] = {"type": self.type, "target": self.target}
        if self.type == "investment":
            event["investors"] = list(self.parties)
        elif self.type == "acquisition":
            event["acquirer"] = self.parties[0] if self.parties else None
        amount = self.amount
        event.update({
            "value": amount.value if amount else None,
            "currency": amount.currency if amount else None,
            "qualifier": amount.qualifier if amount else None,
            "date": self.date,
            "amount": [amount.start, amount.end] if amount else None,
            "evidence": list(self.evidence) if self.evidence else None,
            "rules": list(self.rules),
        })
        return event

    @classmethod
    def from_dict(cls, event: Mapping[str, Any]) -> "Event":
        kind = event.get("type") or ""
        if kind == "investment":
            parties = list(event.get("investors") or [])
        elif kind == "acquisition":
            parties = [event["acquirer"]] if event.get("acquirer") else []
        else:
            parties = []
        span = event.get("amount")
        has_amount = span is not None or event.get("value") is not None or event.get("currency") is not None
        amount = Amount(event.get("value"), event.get("currency"), event.get("qualifier"),
                        *(span if span else (0, 0))) if has_amount else None
        evidence = event.get("evidence")
        return cls(kind, event.get("target"), parties, amount, event.get("date"),
                   tuple(evidence) if evidence else None, list(event.get("rules") or []))


def _as_dict(event: Event | Mapping[str, Any]) -> Mapping[str, Any]:
    return event.to_dict() if isinstance(event, Event) else event


def event_key(event: Event | Mapping[str, Any]) -> tuple:
    """(type, target, parties, currency) with names normalised once: investors as a set, the acquirer,
    or None for a valuation. The value is compared apart, with `same_amount`."""
    event = _as_dict(event)
    kind = event.get("type")
    if kind == "investment":
        parties: Any = frozenset(norm_name(n) for n in event.get("investors") or [])
    elif kind == "acquisition":
        parties = norm_name(event.get("acquirer"))
    else:
        parties = None
    currency = event.get("currency")
    return kind, norm_name(event.get("target")), parties, currency.upper() if isinstance(currency, str) else currency


def same_event(a: Event | Mapping[str, Any], b: Event | Mapping[str, Any]) -> bool:
    """FORMAT.md's scored tuple: type, target, investors (a set) or acquirer, currency, and the same amount.

    >>> same_event({"type": "investment", "target": "Lysa", "investors": ["B", "A"], "value": 1e6, "currency": "EUR"},
    ...            {"type": "investment", "target": "lysa", "investors": ["a", "b"], "value": 1.004e6, "currency": "EUR"})
    True
    """
    a, b = _as_dict(a), _as_dict(b)
    return event_key(a) == event_key(b) and same_amount(a.get("value"), b.get("value"))


def one_to_one(n_gold: int, n_pred: int, equal: Callable[[int, int], bool]) -> list[tuple[int, int]]:
    """A largest set of (gold, pred) pairs with equal(g, p), each side used at most once.

    Hand-written augmenting-path matching (no assignment library among our dependencies); unlike a
    greedy pass, a value tolerance can never make one gold event steal the match of another.
    """
    candidates = [[p for p in range(n_pred) if equal(g, p)] for g in range(n_gold)]
    owner: dict[int, int] = {}

    def claim(g: int, seen: set[int]) -> bool:
        for p in candidates[g]:
            if p not in seen:
                seen.add(p)
                if p not in owner or claim(owner[p], seen):
                    owner[p] = g
                    return True
        return False

    for g in range(n_gold):
        claim(g, set())
    return sorted((g, p) for p, g in owner.items())


def pair_events(gold: list, pred: list) -> list[tuple[int, int]]:
    """The (gold, predicted) index pairs of a largest one-to-one matching under `same_event`."""
    return one_to_one(len(gold), len(pred), lambda g, p: same_event(gold[g], pred[p]))
