"""The record's JSON Schema (fr_finance/schema/record.schema.json, the machine-readable side of docs/FORMAT.md)
and a validator.

>>> errors({"id": "a", "source": "-", "published": None, "text": "", "repairs": [], "entities": [], "events": []})
[]
>>> errors({"id": "a"})[0]
"$: 'source' is a required property"
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "record.schema.json"  # data package fr_finance.schema


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def validator():
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schema())
    return Draft202012Validator(schema())


def errors(record: dict) -> list[str]:
    """Every way `record` breaks the schema, as "path: message" lines (empty when it is valid)."""
    found = sorted(validator().iter_errors(record), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{e.json_path}: {e.message}" for e in found]
