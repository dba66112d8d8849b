"""fr_finance_event_spans_v1: the events of `doc._.fr_finance_events` as a `doc.spans` group, for displaCy.

One span per event over the sentence that states it (its `evidence`), labelled with the event type, in
`doc.spans["fr_finance_events"]`: `displacy.render(doc, style="span", options={"spans_key": "fr_finance_events"})`.
Placed after the events component; it reads the events, never changes them.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from .serialize import SavesDataFiles
from .spans import register_extensions

FACTORY = "fr_finance_event_spans_v1"
SPANS_KEY = "fr_finance_events"


@Language.factory(FACTORY, default_config={"spans_key": SPANS_KEY})
def make_event_spans(nlp: Language, name: str, spans_key: str) -> "EventSpans":
    return EventSpans(nlp, name, spans_key=spans_key)


class EventSpans(SavesDataFiles):
    def __init__(self, nlp: Language, name: str = FACTORY, *, spans_key: str = SPANS_KEY):
        register_extensions()
        self.name = name
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[self.spans_key] = event_span_group(doc)
        return doc


def event_span_group(doc: Doc) -> list[Span]:
    """One span per event of `doc._.fr_finance_events`, over its evidence (else its amount), labelled with its type."""
    spans = []
    for event in doc._.fr_finance_events or []:
        where = event.get("evidence") or event.get("amount")
        if not where:
            continue
        span = doc.char_span(where[0], where[1], label=event["type"], alignment_mode="expand")
        if span is not None:
            spans.append(span)
    return spans
