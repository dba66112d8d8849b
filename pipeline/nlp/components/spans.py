"""Shared span plumbing for our components: custom attributes and entity merging.

Every value stored on a span is plain JSON-ready data (str, int, float, None), never a Span,
so docs survive `nlp.pipe(n_process=...)` and go straight into records.
"""
from __future__ import annotations

from typing import Iterable

from spacy.tokens import Doc, Span

# Every custom attribute we declare carries this prefix, so it never collides with another library's
# (`span._.fr_finance_value`, `doc._.fr_finance_events`).
PREFIX = "fr_finance_"
# Attributes a record copies from an entity span when they are set (see records/record.py and FORMAT.md).
SPAN_ATTRS = ("canonical", "value", "currency", "qualifier", "value_max", "mod", "rule")
DOC_ATTRS = ("events", "published", "repairs")


class ExtensionConflict(RuntimeError):
    """Another library declared one of our attribute names with other semantics."""


def register_extensions() -> None:
    """Declare the custom attributes once; safe to call from every component. Fails loudly when the name is
    already held by a declaration that is not ours (a getter, method or other default)."""
    for owner, names in ((Span, SPAN_ATTRS), (Doc, DOC_ATTRS)):
        for name in names:
            full = PREFIX + name
            if owner.has_extension(full):
                if owner.get_extension(full) != (None, None, None, None):
                    raise ExtensionConflict(f"{owner.__name__}._.{full} is already declared by another library")
                continue
            owner.set_extension(full, default=None)


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
