"""FORMAT.md records: built from processed docs, checked before they are written."""
from __future__ import annotations

from spacy.tokens import Doc

from ..nlp.components.spans import PREFIX

NAME_LABELS = {"PER", "ORG", "LOC", "MISC"}
# Attributes each label carries into its record entity, beyond start/end/text/label.
LABEL_FIELDS = {
    "PER": ("canonical",), "ORG": ("canonical",), "LOC": ("canonical",), "MISC": ("canonical",),
    "MONEY": ("value", "currency", "qualifier"),
    "DATE": ("value", "mod"),
    "PERCENT": ("value",),
}


def doc_parts(doc: Doc, offset: int = 0) -> dict:
    """A processed doc's entities and events, offsets shifted by `offset` (a piece of a long text)."""
    entities = []
    for ent in doc.ents:
        entity = {"start": ent.start_char + offset, "end": ent.end_char + offset, "text": ent.text, "label": ent.label_}
        for field in LABEL_FIELDS.get(ent.label_, ()):
            entity[field] = getattr(ent._, PREFIX + field)
        if ent.label_ == "MONEY" and ent._.fr_finance_value_max is not None:
            entity["value_max"] = ent._.fr_finance_value_max
        if ent._.fr_finance_rule:
            entity["rule"] = ent._.fr_finance_rule
        entities.append(entity)
    events = []
    for event in doc._.fr_finance_events or []:
        event = dict(event)
        for key in ("amount", "evidence"):
            if event.get(key):
                event[key] = [event[key][0] + offset, event[key][1] + offset]
        events.append(event)
    return {"entities": entities, "events": events}


def build_record(header: dict, parts: list[dict]) -> dict:
    record = dict(header)
    record["entities"] = [e for part in parts for e in part["entities"]]
    record["events"] = [e for part in parts for e in part["events"]]
    check_record(record)
    return record


def check_record(record: dict) -> None:
    """The invariant every consumer relies on: each span's text is the text at its offsets."""
    text = record["text"]
    for entity in record["entities"]:
        if text[entity["start"]:entity["end"]] != entity["text"]:
            raise ValueError(f"{record['id']}: entity {entity} does not match the text at its offsets")
