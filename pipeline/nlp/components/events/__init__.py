"""fr_finance_events_v1: investments, acquisitions and valuations, each tied to its amount, date and rules.

Passes, one module each: `triggers` finds the words that state a fact (models/events.yaml); `clause`
carries what a role reader needs (doc, sentence, trigger, clause end, entities, the document's topic);
`roles` reads target, parties, amount and date per event type, from the dependency parse first and word
order second; `merge` holds pure passes over list[Event] (restatements, joint investors, round totals and
parts, implicit targets). Closed-class words come from models/french.yaml, windows from models/config.cfg.
Written by hand: spaCy has no event extractor, and the small French model's parse attaches prepositional
phrases too unreliably to read roles from arcs alone.
"""
from .component import EventReader, make_event_reader  # noqa: F401
