"""Data only: record.schema.json, the JSON Schema of a record (read by fr_finance.records.schema)."""
