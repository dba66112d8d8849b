"""The pipeline's tokenizer: repair first (read/repair.py), then spaCy's French tokenizer.

`nlp(text)` and `nlp.pipe(texts)` thus see the text the CLI sees: the doc's text is the repaired text (every
offset indexes it, as in a record), `doc._.fr_finance_repairs` says what changed (FORMAT.md `repairs`) and
`doc._.fr_finance_published` holds the publication date the text states (read/published.py). A date given as
`nlp.pipe(..., as_tuples=True)` context overrides it (components/context.py).

The extractor repairs a whole document before cutting it into pieces, so it tokenizes with the plain
tokenizer (`plain_make_doc`): a piece is never repaired twice.
"""
from __future__ import annotations

from typing import Callable

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

from ..read.published import find_published
from ..read.repair import repair
from .components.spans import register_extensions
from .vocabulary import french_words

TOKENIZER = "fr_finance_repairing_tokenizer_v1"
BUILT = "fr_finance_pipeline_built_v1"  # the [nlp.after_pipeline_creation] callback of config.cfg


class RepairingTokenizer:
    """Wraps a spaCy tokenizer; serialises as the wrapped one (the saved folder stays spaCy's own)."""

    def __init__(self, nlp: Language, tokenizer):
        register_extensions()
        self.nlp = nlp
        self.tokenizer = tokenizer
        self.built = False  # set by the BUILT callback once every component is constructed
        self._is_word = None

    def is_word(self):
        """The French word check of the lemmatizer's tables (elisions need it), once the pipeline is built and its
        tables loaded. Before, the components being built tokenize their lexicon phrases without it, the same
        way whether the pipeline is assembled or loaded from disk, and no word check is built from empty tables."""
        if self._is_word is None and self.built and "lemmatizer" in self.nlp.pipe_names \
                and self.nlp.get_pipe("lemmatizer").lookups.tables:
            self._is_word = french_words(self.nlp)
        return self._is_word

    def __call__(self, text: str) -> Doc:
        repaired, repairs = repair(text, self.is_word())
        doc = self.tokenizer(repaired)
        doc._.fr_finance_repairs = repairs
        doc._.fr_finance_published = find_published(repaired)
        return doc

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)

    def __getattr__(self, name: str):
        # Everything else (rules, token_match, explain, to_disk, from_disk, to_bytes, from_bytes...) is the
        # wrapped tokenizer's.
        if name in ("tokenizer", "nlp", "built", "_is_word"):
            raise AttributeError(name)
        return getattr(self.tokenizer, name)

    def __setattr__(self, name: str, value) -> None:
        if name in ("tokenizer", "nlp", "built", "_is_word"):
            object.__setattr__(self, name, value)
        else:  # nlp.tokenizer.token_match = ..., as on a plain tokenizer
            setattr(self.tokenizer, name, value)

    def __getstate__(self):
        return {"nlp": self.nlp, "tokenizer": self.tokenizer, "built": self.built, "_is_word": None}  # a closure

    def __setstate__(self, state):
        for name, value in state.items():
            object.__setattr__(self, name, value)


@registry.tokenizers(TOKENIZER)
def create_repairing_tokenizer() -> Callable[[Language], RepairingTokenizer]:
    """Referenced by models/config.cfg ([nlp.tokenizer]) and by the `spacy_tokenizers` entry point."""
    create_plain = registry.tokenizers.get("spacy.Tokenizer.v1")()

    def create(nlp: Language) -> RepairingTokenizer:
        return RepairingTokenizer(nlp, create_plain(nlp))

    return create


@registry.callbacks(BUILT)
def create_built_callback() -> Callable[[Language], Language]:
    """Marks the pipeline's repairing tokenizer as built (see RepairingTokenizer.is_word)."""

    def built(nlp: Language) -> Language:
        if isinstance(nlp.tokenizer, RepairingTokenizer):
            nlp.tokenizer.built = True
        return nlp

    return built


def plain_make_doc(nlp: Language) -> Callable[[str], Doc]:
    """`nlp.make_doc` without the repair, for text that is already repaired."""
    tokenizer = nlp.tokenizer
    return tokenizer.tokenizer if isinstance(tokenizer, RepairingTokenizer) else nlp.make_doc
