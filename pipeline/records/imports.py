"""Corrected annotations → gold records (FORMAT.md) that `fr-finance score` reads: one `<id>.jsonl` per document.

Reads what records/exports.py wrote, after an analyst corrected it in the tool: Label Studio's JSON export (each
task's latest annotation; a task nobody annotated keeps its predictions, and says so), doccano's JSONL export
(`label` or `entities`), Prodigy's JSONL (`db-out`; rejected and ignored tasks are skipped). Spans are taken as
corrected. A span the analyst left as it was keeps the values the extractor gave it; a new or moved span is
normalised again (money.yaml's grammar for MONEY/PERCENT, timex for DATE, its text as a name's canonical).
Events, publication date, source and repairs come back as exported (the tools show no way to edit them).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Iterable, Iterator

from ..read.io import InputError, atomic_writer, dump_jsonl_line
from .exports import CARRIED, LABELS, utf16_offsets

FORMATS = ("label-studio", "doccano", "prodigy")
NAME_LABELS = ("PER", "ORG", "LOC", "MISC")


def import_annotations(path: str | Path, fmt: str) -> list[dict]:
    """The gold records of an annotation file."""
    readers = {"label-studio": _label_studio, "doccano": _doccano, "prodigy": _prodigy}
    if fmt not in readers:
        raise ValueError(f"unknown import format {fmt!r} (one of {', '.join(FORMATS)})")
    return [gold_record(base, spans) for base, spans in readers[fmt](Path(path))]


def write_gold(records: Iterable[dict], gold_dir: str | Path) -> list[Path]:
    """One `<id>.jsonl` per record in `gold_dir` (the layout of seeds/gold), each written atomically."""
    written = []
    for record in records:
        path = Path(gold_dir) / f"{record['id']}.jsonl"
        with atomic_writer(path) as stream:
            stream.write(dump_jsonl_line(record))
        written.append(path)
    return written


def gold_record(base: dict, spans: list[tuple[int, int, str]]) -> dict:
    """The record of `base` (text and carried fields) with `spans` (start, end, label) as its entities."""
    text = base["text"]
    kept = {(e["start"], e["end"], e["label"]): e for e in base.get("entities") or []}
    entities = []
    for start, end, label in sorted(set(spans)):
        if label not in LABELS:
            raise InputError(f"{base['id']}: unknown label {label!r} (one of {', '.join(LABELS)})")
        entity = kept.get((start, end, label))
        if entity is None:
            entity = {"start": start, "end": end, "text": text[start:end], "label": label,
                      **normalise(text, start, end, label, base.get("published"))}
        entities.append(entity)
    return {"id": base["id"], "source": base.get("source") or "-", "published": base.get("published"), "text": text,
            "repairs": base.get("repairs") or [], "entities": entities, "events": base.get("events") or []}


def normalise(text: str, start: int, end: int, label: str, published: str | None) -> dict:
    """The values of a span the analyst added or moved, read as the extractor reads them."""
    surface = text[start:end]
    if label in NAME_LABELS:
        return {"canonical": surface}
    if label == "DATE":
        from ..nlp.normalize.timex import to_timex

        found = to_timex(surface, published)
        return {"value": found[0] if found else None, "mod": found[1] if found else None}
    from ..nlp.components.money import grammar

    items = [item for item in grammar().scan(surface, carry_currency="none", published=published) if item.label == label]
    item = items[0] if items else None
    if label == "PERCENT":
        return {"value": item.value if item else None}
    fields = {"value": item.value if item else None, "currency": item.currency if item else None,
              "qualifier": item.qualifier if item else "exact"}
    if item is not None and item.value_max is not None:
        fields["value_max"] = item.value_max
    return fields


def _base(data: dict, text: str, where: str) -> dict:
    """The carried record fields of an exported task (or what can be had without them)."""
    if not isinstance(text, str):
        raise InputError(f"{where}: no \"text\" string")
    base = dict(data.get(CARRIED) or {})
    base["text"] = text
    base["id"] = str(base.get("id") or data.get("doc_id") or data.get("id") or where)
    return base


def _label_studio(path: Path) -> Iterator[tuple[dict, list]]:
    try:
        tasks = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise InputError(f"{path}: not a Label Studio JSON export ({err})") from None
    if not isinstance(tasks, list):
        raise InputError(f"{path}: a Label Studio export is a JSON array of tasks")
    unreviewed = 0
    for number, task in enumerate(tasks, 1):
        data = task.get("data") or {}
        base = _base(data, data.get("text"), f"{path}: task {number}")
        annotations = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
        if annotations:
            result = max(annotations, key=lambda a: a.get("updated_at") or a.get("created_at") or "")["result"]
        else:
            unreviewed += 1
            result = (task.get("predictions") or [{}])[-1].get("result", [])
        units = utf16_offsets(base["text"])
        back = {unit: index for index, unit in enumerate(units)} if units else None
        spans = []
        for region in result:
            value = region.get("value") or {}
            if region.get("type") != "labels" or "start" not in value:
                continue
            start, end = (back[value["start"]], back[value["end"]]) if back else (value["start"], value["end"])
            spans += [(start, end, label) for label in value.get("labels", [])]
        yield base, spans
    if unreviewed:
        print(f"{path}: {unreviewed} task(s) without annotation: their predictions were taken as gold", file=sys.stderr)


def _jsonl(path: Path) -> Iterator[tuple[int, dict]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})") from None
    for number, line in enumerate(lines, 1):
        if line.strip():
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(f"{path}:{number}: invalid JSON ({err.msg})") from None
            if not isinstance(row, dict):
                raise InputError(f"{path}:{number}: a row must be a JSON object")
            yield number, row


def _doccano(path: Path) -> Iterator[tuple[dict, list]]:
    for number, row in _jsonl(path):
        base = _base(row, row.get("text"), f"{path}:{number}")
        if "entities" in row:  # doccano's newer export: {"id", "label", "start_offset", "end_offset"}
            spans = [(e["start_offset"], e["end_offset"], e["label"]) for e in row["entities"]]
        else:
            spans = [tuple(span) for span in row.get("label") or []]
        yield base, spans


def _prodigy(path: Path) -> Iterator[tuple[dict, list]]:
    for number, row in _jsonl(path):
        if row.get("answer", "accept") != "accept":
            continue
        base = _base(row, row.get("text"), f"{path}:{number}")
        base["id"] = str((row.get(CARRIED) or {}).get("id") or (row.get("meta") or {}).get("id") or base["id"])
        yield base, [(span["start"], span["end"], span["label"]) for span in row.get("spans") or []]
