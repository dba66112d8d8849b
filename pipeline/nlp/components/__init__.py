"""spaCy components, one per file, each registered with @Language.factory as `fr_finance_<name>_v1`
(spaCy forbids dots in factory names, so the version is a suffix)."""
