"""Records → cross-document facts: one row per distinct event, with every document that states it.

Two events are the same fact when type, target, investors (as a set) or acquirer, and currency are
equal (names compared without case) and values are within 0.5 % (both null counts as equal).
"""
from __future__ import annotations

from typing import Iterable

VALUE_TOLERANCE = 0.005


def _names(event: dict) -> tuple:
    investors = event.get("investors")
    parties = sorted(n.casefold() for n in investors) if investors is not None else [(event.get("acquirer") or "").casefold()]
    return (event["type"], (event.get("target") or "").casefold(), tuple(parties), event.get("currency"))


def same_value(a: float | None, b: float | None) -> bool:
    """
    >>> same_value(10e9, 10.04e9), same_value(10e9, 10.1e9), same_value(None, None), same_value(None, 5)
    (True, False, True, False)
    """
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= VALUE_TOLERANCE * max(abs(a), abs(b))


def build_facts(records: Iterable[dict]) -> list[dict]:
    """Facts in order of first statement; each keeps the first statement's fields and lists its sources."""
    facts: list[dict] = []
    by_key: dict[tuple, list[dict]] = {}
    for record in records:
        for event in record.get("events") or []:
            source = {"id": record["id"], "evidence": event.get("evidence"), "date": event.get("date")}
            candidates = by_key.setdefault(_names(event), [])
            fact = next((f for f in candidates if same_value(f["value"], event.get("value"))), None)
            if fact is None:
                fact = {key: value for key, value in event.items() if key not in ("amount", "evidence", "rule")}
                fact["sources"] = []
                candidates.append(fact)
                facts.append(fact)
            if not any(s["id"] == source["id"] and s["evidence"] == source["evidence"] for s in fact["sources"]):
                fact["sources"].append(source)
    return facts
