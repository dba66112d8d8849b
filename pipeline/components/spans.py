"""Shared span plumbing for our components: custom attributes and entity merging.

Every value stored on a span is plain JSON-ready data (str, int, float, None), never a Span,
so docs survive `nlp.pipe(n_process=...)` and go straight into records.
"""
from __future__ import annotations

from typing import Iterable

from spacy.tokens import Doc, Span

# Attributes a record copies from an entity span when they are set (see record.py and FORMAT.md).
SPAN_ATTRS = ("canonical", "value", "currency", "qualifier", "value_max", "mod", "rule")


def register_extensions() -> None:
    """Declare the custom attributes once; safe to call from every component."""
    for name in SPAN_ATTRS:
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    if not Doc.has_extension("events"):
        Doc.set_extension("events", default=None)
    if not Doc.has_extension("published"):
        Doc.set_extension("published", default=None)


def char_span(doc: Doc, start: int, end: int, label: str) -> Span | None:
    """A span over characters [start, end), widened to whole tokens (the French tokenizer splits
    "1 400 000 €" into several tokens and may glue a symbol to a figure)."""
    return doc.char_span(start, end, label=label, alignment_mode="expand")


def overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def set_entities(doc: Doc, new: Iterable[Span], *, replace_overlapping: bool = True) -> list[Span]:
    """Put `new` spans into doc.ents.

    With replace_overlapping, existing entities that overlap a new span are dropped (MONEY over a
    model MISC); otherwise a new span that overlaps an existing entity is skipped. New spans that
    overlap each other keep the longest. Returns the spans actually added.
    """
    chosen: list[Span] = []
    for span in sorted(new, key=lambda s: (-(s.end - s.start), s.start)):
        if not any(overlaps(span, kept) for kept in chosen):
            chosen.append(span)
    existing = list(doc.ents)
    if replace_overlapping:
        kept_existing = [e for e in existing if not any(overlaps(e, s) for s in chosen)]
    else:
        kept_existing = existing
        chosen = [s for s in chosen if not any(overlaps(s, e) for e in existing)]
    doc.ents = sorted(kept_existing + chosen, key=lambda s: s.start)
    return chosen
