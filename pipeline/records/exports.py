"""Records → the files analysts and data tools read: Label Studio tasks, doccano JSONL, Prodigy JSONL, spaCy DocBin,
and flat tables (CSV or Parquet) of entities, events and facts.

The annotation formats carry, besides the spans an analyst corrects, the record's other fields under
`fr_finance` (published, source, repairs, every entity's values, events), so records/imports.py turns the corrected
file back into gold records: spans as corrected, values kept where a span is unchanged.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

from .. import __version__
from ..read.io import atomic_writer, dump_jsonl_line

FORMATS = ("label-studio", "doccano", "prodigy", "docbin", "csv", "parquet")
CARRIED = "fr_finance"  # the key holding what the annotation tool does not show
LS_FROM, LS_TO = "label", "text"  # names in the Label Studio labelling config (README)
LABELS = ("PER", "ORG", "LOC", "MISC", "MONEY", "DATE", "PERCENT")


def export(records: Iterable[dict], fmt: str, out: str | Path) -> Path:
    """Write `records` to `out` in format `fmt` (a file; a directory for csv and parquet). Returns `out`."""
    writers = {"label-studio": write_label_studio, "doccano": write_doccano, "prodigy": write_prodigy,
               "docbin": write_docbin, "csv": write_tables, "parquet": write_tables}
    if fmt not in writers:
        raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    out = Path(out)
    if fmt in ("csv", "parquet"):
        write_tables(list(records), out, fmt)
    else:
        writers[fmt](records, out)
    return out


def carried(record: dict) -> dict:
    """What the annotation file keeps of a record beside its text and spans."""
    return {key: record.get(key) for key in ("id", "source", "published", "repairs", "entities", "events")}


# -- Label Studio ---------------------------------------------------------------------------------
def utf16_offsets(text: str) -> list[int] | None:
    """Label Studio counts offsets in UTF-16 code units (JavaScript strings); None when they equal Python's.

    >>> utf16_offsets("abc") is None, utf16_offsets("a😀b")
    (True, [0, 1, 3, 4])
    """
    if all(ord(c) <= 0xFFFF for c in text):
        return None
    offsets, position = [], 0
    for char in text:
        offsets.append(position)
        position += 2 if ord(char) > 0xFFFF else 1
    offsets.append(position)
    return offsets


def label_studio_task(record: dict) -> dict:
    units = utf16_offsets(record["text"])
    result = []
    for number, entity in enumerate(record["entities"]):
        start, end = (units[entity["start"]], units[entity["end"]]) if units else (entity["start"], entity["end"])
        result.append({"id": f"e{number}", "from_name": LS_FROM, "to_name": LS_TO, "type": "labels",
                       "value": {"start": start, "end": end, "text": entity["text"], "labels": [entity["label"]]}})
    return {"data": {"text": record["text"], "id": record["id"], "published": record.get("published"),
                     CARRIED: carried(record)},
            "predictions": [{"model_version": f"fr_finance {__version__}", "result": result}]}


def write_label_studio(records: Iterable[dict], out: Path) -> None:
    """One JSON array of tasks (Label Studio's import format), the extraction as each task's prediction."""
    with atomic_writer(out) as stream:
        stream.write("[\n")
        for number, record in enumerate(records):
            stream.write((",\n" if number else "") + json.dumps(label_studio_task(record), ensure_ascii=False))
        stream.write("\n]\n")


# -- doccano -------------------------------------------------------------------------------------
def doccano_row(record: dict) -> dict:
    """doccano's sequence-labelling JSONL: `text` and `label` [[start, end, label]]; other keys become metadata
    (doccano keeps `id` for itself, so ours is `doc_id`)."""
    return {"text": record["text"], "label": [[e["start"], e["end"], e["label"]] for e in record["entities"]],
            "doc_id": record["id"], CARRIED: carried(record)}


def write_doccano(records: Iterable[dict], out: Path) -> None:
    with atomic_writer(out) as stream:
        stream.writelines(dump_jsonl_line(doccano_row(record)) for record in records)


# -- Prodigy -------------------------------------------------------------------------------------
def prodigy_task(record: dict, tokenizer) -> dict:
    """Prodigy's `ner.manual` task: `tokens` and `spans` with character and token offsets."""
    doc = split_doc(tokenizer, record["text"], [(e["start"], e["end"]) for e in record["entities"]])
    first = {token.idx: token.i for token in doc}
    last = {token.idx + len(token): token.i for token in doc}
    tokens = [{"text": t.text, "start": t.idx, "end": t.idx + len(t), "id": t.i, "ws": bool(t.whitespace_)} for t in doc]
    spans = [{"start": e["start"], "end": e["end"], "label": e["label"], "token_start": first[e["start"]],
              "token_end": last[e["end"]]} for e in record["entities"]]
    return {"text": record["text"], "tokens": tokens, "spans": spans,
            "meta": {"id": record["id"], "published": record.get("published")}, CARRIED: carried(record)}


def write_prodigy(records: Iterable[dict], out: Path) -> None:
    tokenizer = blank_french().tokenizer
    with atomic_writer(out) as stream:
        stream.writelines(dump_jsonl_line(prodigy_task(record, tokenizer)) for record in records)


# -- spaCy DocBin --------------------------------------------------------------------------------
def blank_french():
    import spacy

    from ..nlp.french_tokenizer import import_french

    import_french()
    return spacy.blank("fr")


def split_doc(tokenizer, text: str, cuts: Iterable[tuple[int, int]]):
    """The tokenizer's Doc of `text`, tokens split further at every span boundary, so each span is whole tokens
    (the extractor's pipeline splits a few tokens the blank tokenizer keeps, "3M€")."""
    from spacy.tokens import Doc

    doc = tokenizer(text)
    bounds = {b for cut in cuts for b in cut}
    words, spaces = [], []
    for token in doc:
        start, end = token.idx, token.idx + len(token)
        inner = sorted(b for b in bounds if start < b < end)
        pieces = list(zip([start, *inner], [*inner, end]))
        for number, (a, b) in enumerate(pieces):
            words.append(text[a:b])
            spaces.append(bool(token.whitespace_) if number == len(pieces) - 1 else False)
    return Doc(doc.vocab, words=words, spaces=spaces)


def record_doc(record: dict, tokenizer):
    """A record as a spaCy Doc: entities in doc.ents with their values as `span._.fr_finance_*` attributes, events as
    `doc._.fr_finance_events` and the `fr_finance_events` span group, id/source in `doc.user_data`."""
    from ..nlp.components.event_spans import event_span_group
    from ..nlp.components.spans import PREFIX, register_extensions

    register_extensions()
    doc = split_doc(tokenizer, record["text"], [(e["start"], e["end"]) for e in record["entities"]])
    spans = []
    for entity in record["entities"]:
        span = doc.char_span(entity["start"], entity["end"], label=entity["label"])
        for key, value in entity.items():
            if key not in ("start", "end", "text", "label"):
                setattr(span._, PREFIX + key, value)
        spans.append(span)
    doc.set_ents(spans)
    doc._.fr_finance_events = record.get("events") or []
    doc._.fr_finance_published = record.get("published")
    doc._.fr_finance_repairs = record.get("repairs") or []
    doc.spans["fr_finance_events"] = event_span_group(doc)
    doc.user_data["id"], doc.user_data["source"] = record["id"], record.get("source")
    return doc


def write_docbin(records: Iterable[dict], out: Path) -> None:
    """A `.spacy` file (DocBin with user data: values and events come back with `DocBin().from_disk(out)`)."""
    from spacy.tokens import DocBin

    tokenizer = blank_french().tokenizer
    docs = DocBin(store_user_data=True)
    for record in records:
        docs.add(record_doc(record, tokenizer))
    with atomic_writer(out, binary=True) as stream:
        stream.write(docs.to_bytes())


# -- tables --------------------------------------------------------------------------------------
def _schemas():
    import pyarrow as pa

    text, number, integer, texts = pa.string(), pa.float64(), pa.int64(), pa.list_(pa.string())
    entities = pa.schema([("id", text), ("start", integer), ("end", integer), ("text", text), ("label", text),
                          ("canonical", text), ("value", number), ("value_max", number), ("currency", text),
                          ("qualifier", text), ("timex", text), ("mod", text), ("rule", text)])
    event_fields = [("type", text), ("target", text), ("investors", texts), ("acquirer", text), ("value", number),
                    ("value_max", number), ("currency", text), ("qualifier", text), ("date", text)]
    events = pa.schema([("id", text), ("event", integer), *event_fields, ("amount_start", integer),
                        ("amount_end", integer), ("evidence_start", integer), ("evidence_end", integer),
                        ("rules", texts)])
    facts = pa.schema([("fact", integer), *event_fields, ("sources", texts), ("source_count", integer)])
    return {"entities": entities, "events": events, "facts": facts}


def table_rows(records: list[dict]) -> dict[str, list[dict]]:
    """The three tables as rows: entities (MONEY/PERCENT `value` a number, DATE's in `timex`), events, facts."""
    from .facts import build_facts

    entities, events = [], []
    for record in records:
        for entity in record["entities"]:
            row = {key: entity.get(key) for key in ("start", "end", "text", "label", "canonical", "value_max",
                                                     "currency", "qualifier", "mod", "rule")}
            value = entity.get("value")
            row.update(id=record["id"], value=None if entity["label"] == "DATE" else value,
                       timex=value if entity["label"] == "DATE" else None)
            entities.append(row)
        for number, event in enumerate(record["events"]):
            amount, evidence = event.get("amount") or [None, None], event.get("evidence") or [None, None]
            rules = event.get("rules") or ([event["rule"]] if event.get("rule") else [])
            events.append({**_event_fields(event), "id": record["id"], "event": number,
                           "amount_start": amount[0], "amount_end": amount[1],
                           "evidence_start": evidence[0], "evidence_end": evidence[1], "rules": rules})
    facts = [{**_event_fields(fact), "fact": number, "sources": [s["id"] for s in fact["sources"]],
              "source_count": len(fact["sources"])} for number, fact in enumerate(build_facts(records))]
    return {"entities": entities, "events": events, "facts": facts}


def _event_fields(event: dict) -> dict:
    return {key: event.get(key) for key in ("type", "target", "investors", "acquirer", "value", "value_max",
                                            "currency", "qualifier", "date")}


def write_tables(records: list[dict], out: Path, fmt: str) -> None:
    """`out/entities.<fmt>`, `out/events.<fmt>`, `out/facts.<fmt>` with typed columns. CSV holds lists
    (investors, rules, sources) as JSON arrays; Parquet as lists of strings."""
    import pyarrow as pa
    import pyarrow.csv
    import pyarrow.parquet

    out.mkdir(parents=True, exist_ok=True)
    for name, rows in table_rows(records).items():
        schema = _schemas()[name]
        table = pa.Table.from_pylist(rows, schema=schema)
        if fmt == "csv":
            for index, field in enumerate(schema):
                if pa.types.is_list(field.type):
                    column = [None if v is None else json.dumps(v, ensure_ascii=False) for v in table.column(index).to_pylist()]
                    table = table.set_column(index, pa.field(field.name, pa.string()), pa.array(column, pa.string()))
        with atomic_writer(out / f"{name}.{fmt}", binary=True) as stream:
            if fmt == "csv":
                pyarrow.csv.write_csv(table, stream)
            else:
                pyarrow.parquet.write_table(table, stream)


def read_records(path: str | Path) -> Iterator[dict]:
    """Records from a JSONL file (what `extract` writes), with a one-line error naming the bad line."""
    from ..read.io import InputError

    with open(path, encoding="utf-8") as stream:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(f"{path}:{number}: invalid JSON ({err.msg})") from None
            if not isinstance(record, dict) or not isinstance(record.get("text"), str) or "entities" not in record:
                raise InputError(f"{path}:{number}: not a record (needs \"text\" and \"entities\")")
            yield record
