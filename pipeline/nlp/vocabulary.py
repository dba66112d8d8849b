"""A French word list taken from the loaded model's lemmatizer tables (no extra download).

Used to tell a real word ("lancement") from a word that lost its elision ("laccord"), and a
capitalised common word at the start of a sentence from a name.
"""
from __future__ import annotations

from typing import Callable
from weakref import WeakKeyDictionary

from spacy.language import Language

from . import cache

WordCheck = Callable[[str], bool]
_BUILT: WeakKeyDictionary = WeakKeyDictionary()  # pipeline → its word check, built once (~0.4 s)


def french_words(nlp: Language, cache_key: str | None = None) -> WordCheck | None:
    """Membership test over the lemmatizer's forms and lemmas, or None when the pipeline has no
    rule lemmatizer (a blank pipeline in unit tests). Built once per pipeline: the extractor and the
    names component share it. With `cache_key` (the saved pipeline's, see nlp/cache.py), the word
    set is kept on disk: loading it takes 0.1 s."""
    if "lemmatizer" not in nlp.pipe_names:
        return None
    if nlp not in _BUILT:
        lookups = nlp.get_pipe("lemmatizer").lookups
        if cache_key:
            vocabulary = cache.load_or_compute("french-words", cache_key.encode(), lambda: _vocabulary(nlp, lookups))
        else:
            vocabulary = _vocabulary(nlp, lookups)
        _BUILT[nlp] = _word_check(vocabulary, lookups)
    return _BUILT[nlp]


def _vocabulary(nlp: Language, lookups) -> frozenset[str]:
    words: set[str] = {w.lower() for w in nlp.Defaults.stop_words}  # function words: sans, dont, lors
    forms = lookups.get_table("lemma_lookup") if lookups.has_table("lemma_lookup") else {}
    # The lookup table is keyed by string hashes: test membership through it, keep its lemmas.
    words.update(str(lemma).lower() for lemma in forms.values())
    for table in ("lemma_index", "lemma_exc"):
        if lookups.has_table(table):
            for entries in lookups.get_table(table).values():
                words.update(w.lower() for w in entries)
    return frozenset(words)


def _word_check(vocabulary: frozenset[str], lookups) -> WordCheck:
    forms = lookups.get_table("lemma_lookup") if lookups.has_table("lemma_lookup") else {}

    def is_word(word: str) -> bool:
        # The tables miss a few common nouns as such ("ligne") but know an inflected form.
        if word in vocabulary or word in forms:
            return True
        return len(word) >= 4 and any(w in vocabulary or w in forms for w in (word + "s", word + "e", word + "es"))

    return is_word
