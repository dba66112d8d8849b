"""Pure passes over a document's events (list[Event] in, list[Event] out), in the order the component runs them.

Each pass names the rule it applies in the events it changes (`rules`), so a merged event still says why.
"""
from __future__ import annotations

from collections import Counter

from ....records.event import Event, norm_name, same_amount


def share_targets(events: list[Event]) -> list[Event]:
    """One sentence's events: a clause without its target takes the one its sentence names ("Nvidia
    s'engage à hauteur de 10 Md$, tandis que Microsoft investira 5 Md$ dans Anthropic"); an investment, the
    company its sentence values ("l'investissement de 15 Md$ porte la valorisation d'Anthropic à …")."""
    targets = [e.target for e in events if e.target and e.type in ("investment", "acquisition")]
    valued = [e.target for e in events if e.target and e.type == "valuation"]
    for event in events:
        if event.target is None and len(set(targets)) == 1 and targets[0] not in event.parties:
            _set_target(event, targets[0], "target:same-sentence")
        elif event.target is None and event.type == "investment" and len(set(valued)) == 1:
            _set_target(event, valued[0], "target:valued-in-sentence")
    return events


def give_investors_to_last_round(events: list[Event], investors: list[str], rule: str) -> list[Event]:
    """"… une levée de fonds de 120 M€. Le tour est mené par Eurazeo, avec Bpifrance.": the round's
    investors are named in the next sentence; they go to the last of the latest three investments
    that has none, else join those of the latest ("Cette levée, à laquelle ont participé X et Y, …")."""
    for event in reversed(events[-3:]):
        if event.type == "investment" and not event.parties:
            event.parties = list(investors)
            event.rules.append(rule)
            return events
    last = next((e for e in reversed(events[-3:]) if e.type == "investment"), None)
    if last is not None and any(n not in last.parties for n in investors):  # "…, à laquelle ont participé X et Y"
        last.parties = last.parties + [n for n in investors if n not in last.parties]
        last.rules.append(rule)
    return events


def fill_topic(events: list[Event]) -> list[Event]:
    """An investment whose target is left implicit ("Amazon annonce un investissement initial de 4 milliards",
    "Dans le détail, X a apporté 40 M€", "entré au capital en 2021") is that of the same investors' same
    amount stated before, else in the company the document's investments and valuations are about; without
    one, it is dropped. (What made this guess wrong on unseen news is now read earlier: sums over many deals,
    "dans les PME", the receiver of a deal noun.) A valuation without its company takes that of
    the fact stated in its sentence ("… entrée à son capital pour 150 M$, sur la base d'une valorisation
    de 2,1 Md$")."""
    about = Counter(e.target for e in events if e.target and e.type in ("investment", "valuation"))
    kept: list[Event] = []
    for event in events:
        if event.type == "investment" and event.target is None and event.parties:
            stated = next((e for e in kept if e.type == "investment" and e.target and e.amount and event.amount
                           and set(e.parties) == set(event.parties) and same_amount(e.value, event.value)), None)
            if stated is not None:  # "L'investissement de 50 M de X permet …": the fact stated before
                _set_target(event, stated.target, "target:restatement")
        if event.type == "investment" and event.target is None:
            candidates = [t for t, _ in about.most_common() if t not in event.parties]
            if not event.parties or not candidates:
                continue
            _set_target(event, candidates[0], "target:document-topic")
        if event.target is None and event.type == "valuation":
            stated = {e.target for e in kept if e.evidence == event.evidence and e.target}
            _set_target(event, next(iter(stated)) if len(stated) == 1 else None, "target:deal-in-sentence")
        if event.target is None and event.type == "valuation" and len(about) == 1:
            _set_target(event, next(iter(about)), "target:document-topic")  # "lui permet de dépasser le milliard de valorisation"
        if event.target is None and "target:unnamed-unit" not in event.rules:
            continue
        kept.append(event)
    return kept


def fill_buyer(events: list[Event]) -> list[Event]:
    """A deal noun that names its target but not its buyer, without a price ("Après les rachats de X et de
    Y, …"), is a deal of the one buyer the document's other acquisitions name; without such a buyer, it is
    dropped (rule acquirer:document-buyer)."""
    buyers = {e.parties[0] for e in events if e.type == "acquisition" and e.parties}
    stated = {norm_name(e.target) for e in events if e.type == "acquisition" and "acquirer:pending" not in e.rules}
    kept = []
    for event in events:
        if "acquirer:pending" in event.rules:
            event.rules.remove("acquirer:pending")
            if len(buyers) != 1 or event.target in buyers or norm_name(event.target) in stated:
                continue  # no single buyer, or a mention of a deal stated elsewhere in the text
            event.parties = [next(iter(buyers))]
            event.rules.append("acquirer:document-buyer")
        kept.append(event)
    return kept


def name_joint_investors(events: list[Event], max_parts: int = 4) -> list[Event]:
    """"l'investissement de 15 Md$" after "Microsoft investira 5 Md$ …, Nvidia 10 Md$": an amount stated
    without investors that is the sum of the 2 to `max_parts` investments just stated in the same company
    is theirs."""
    for k, event in enumerate(events):
        if event.type != "investment" or event.parties or event.value is None:
            continue
        earlier = [e for e in events[:k] if e.type == "investment" and e.target == event.target
                   and e.parties and e.value is not None and e.currency == event.currency]
        for size in range(2, max_parts + 1):
            group = earlier[-size:]
            if len(group) == size and same_amount(sum(e.value for e in group), event.value):
                event.parties = sorted({n for e in group for n in e.parties})
                event.rules.append("investors:sum-of-parts")
                break
    return events


def same_fact(a: Event, b: Event) -> bool:
    """Same type, target and amount; a side left unnamed in one statement matches any; a headline
    restates the body whatever figure it rounds or converts."""
    if a.type != b.type or norm_name(a.target) != norm_name(b.target):
        return False
    if a.parties and b.parties and sorted(map(norm_name, a.parties)) != sorted(map(norm_name, b.parties)):
        return False
    if a.headline != b.headline:
        return True
    if a.amount is None or b.amount is None:  # a mention without amount restates the fact, unless dated otherwise
        return a.date == b.date or a.date is None or b.date is None
    if a.value is None or b.value is None:  # vague amounts ("plusieurs milliards") match only each other
        return a.value is None and b.value is None and a.currency == b.currency
    return same_amount(a.value, b.value)


def fullness(event: Event) -> int:
    return (not event.headline) * 8 + bool(event.amount) * 4 + bool(event.parties) * 2 + bool(event.date)


def drop_restatements(events: list[Event]) -> list[Event]:
    """The same fact stated twice in a document (a headline and its body, a recap) is one event, the
    fullest statement; a restatement that brings a new amount or date is a fact of its own."""
    kept: list[Event] = []
    for event in events:
        twin = next((k for k in kept if same_fact(k, event)), None)
        if twin is None:
            kept.append(event)
            continue
        fuller, other = (event, twin) if fullness(event) > fullness(twin) else (twin, event)
        if not fuller.parties and other.parties:  # "X a levé 60 M€ en accueillant à son capital le fonds Y"
            fuller.parties = list(other.parties)
            fuller.rules.append("parties:restatement")
        kept[kept.index(twin)] = fuller
    return kept


def _set_target(event: Event, target: str | None, rule: str) -> None:
    if target:
        event.target = target
        event.rules.append(rule)
