"""spaCy components, one per file, each registered with @Language.factory as `fr_finance.<name>.v1`."""
