"""Records → cross-document facts: one row per distinct event, with every document that states it.

Two events are the same fact when type, target, investors (as a set) or acquirer, and currency are
equal (names compared without case) and values are within 0.5 % (both null counts as equal).
"""
from __future__ import annotations

from typing import Iterable

from .event import event_key, same_amount



def _names(event: dict) -> tuple:
    return event_key(event)


def build_facts(records: Iterable[dict]) -> list[dict]:
    """Facts in order of first statement; each keeps the first statement's fields and lists its sources."""
    facts: list[dict] = []
    by_key: dict[tuple, list[dict]] = {}
    for record in records:
        for event in record.get("events") or []:
            source = {"id": record["id"], "evidence": event.get("evidence"), "date": event.get("date")}
            candidates = by_key.setdefault(_names(event), [])
            fact = next((f for f in candidates if same_amount(f["value"], event.get("value"))), None)
            if fact is None:
                fact = {key: value for key, value in event.items() if key not in ("amount", "evidence", "rule", "rules")}
                fact["sources"] = []
                candidates.append(fact)
                facts.append(fact)
            if not any(s["id"] == source["id"] and s["evidence"] == source["evidence"] for s in fact["sources"]):
                fact["sources"].append(source)
    return facts
