"""fr_finance_context_v1: the publication date given with a text, for `nlp.pipe(..., as_tuples=True)`.

`nlp.pipe([(text, {"published": "2025-03-02"}), ...], as_tuples=True)` hands each doc its context; this
component, placed before the money and dates components, copies its `published` onto
`doc._.fr_finance_published` (the reference for dates without a year), over the date the text states, as
the CLI does with a JSONL row's `published`. Other contexts (none, or the extractor's own tuples) are left alone.
"""
from __future__ import annotations

from collections.abc import Mapping

from spacy.language import Language
from spacy.tokens import Doc

from .serialize import SavesDataFiles
from .spans import register_extensions

FACTORY = "fr_finance_context_v1"


@Language.factory(FACTORY, default_config={"key": "published"})
def make_context_reader(nlp: Language, name: str, key: str) -> "ContextReader":
    return ContextReader(nlp, name, key=key)


class ContextReader(SavesDataFiles):
    def __init__(self, nlp: Language, name: str = FACTORY, *, key: str = "published"):
        register_extensions()
        self.name = name
        self.key = key

    def __call__(self, doc: Doc) -> Doc:
        context = getattr(doc, "_context", None)
        if isinstance(context, Mapping) and context.get(self.key):
            doc._.fr_finance_published = str(context[self.key])
        return doc
