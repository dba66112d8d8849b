"""Facts from record files: the shards of one corpus, or runs of different days, merged into one facts
table (`fr-finance facts RECORDS.jsonl... -o FACTS.jsonl`), the same as `extract --facts` on their union."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

from ..read.io import InputError, decode, display_path
from .facts import build_facts


def stated(record: dict) -> dict:
    """What the facts table needs of a record: its id and events (no text, so memory stays small)."""
    return {"id": record["id"], "events": record["events"]}


def read_stated(paths: Iterable[str | Path]) -> Iterator[dict]:
    """`stated` of every record of the JSONL files, in order, streamed; a bad line is a one-line error."""
    for path in map(Path, paths):
        source = display_path(path)
        if not path.is_file():
            raise InputError(f"{source}: no such file")
        with path.open("rb") as stream:
            for number, line in enumerate(stream, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(decode(line))
                except json.JSONDecodeError as err:
                    raise InputError(f"{source}:{number}: invalid JSON ({err.msg})") from None
                if not (isinstance(record, dict) and isinstance(record.get("id"), str)
                        and isinstance(record.get("events"), list)):
                    raise InputError(f"{source}:{number}: not a record (an object with \"id\" and \"events\")")
                yield stated(record)


def facts_of_files(paths: Iterable[str | Path]) -> list[dict]:
    """The facts table of the records of `paths`, taken as one corpus in the order given."""
    return build_facts(read_stated(paths))
