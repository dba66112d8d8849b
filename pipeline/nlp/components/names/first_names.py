"""Build models/first_names.txt, the first-name list that counts as person evidence, from Faker's person
providers (MIT licence; the first names of its Latin-script locales).

Faker is not a run-time dependency: the list is shipped in models/ and rebuilt only when the locales or
Faker change, with `pip install faker==40.63.0 && python -m fr_finance.nlp.components.names.first_names`.
Which locales, and which words are left out, is data in models/names.yaml (`first_names_source`).
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from ... import lexicons
from .... import MODELS_DIR

TARGET = MODELS_DIR / "first_names.txt"


def _is_latin_name(word: str) -> bool:
    # Latin letters (with diacritics up to U+024F), hyphen or apostrophe: names of other scripts never
    # occur in French text as written.
    return len(word) >= 2 and word[:1].isupper() and all(
        (c.isalpha() and ord(c) < 0x250) or c in "-'" for c in word)


def faker_first_names(skip_locales: set[str]) -> dict[str, set[str]]:
    """Every Latin-script first name of Faker's person providers → the locales that list it."""
    import faker.providers.person as person  # build time only

    found: dict[str, set[str]] = {}
    for module in pkgutil.iter_modules(person.__path__):
        if module.name in skip_locales:
            continue
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attr in dir(provider):
            value = getattr(provider, attr, None)
            if attr.startswith("first_name") and isinstance(value, (dict, list, tuple, set)):
                for name in value:
                    if isinstance(name, str) and _is_latin_name(name):
                        found.setdefault(name, set()).add(module.name)
    return found


def main() -> int:
    import faker

    source = lexicons.load("names.yaml").get("first_names_source", {})
    names = faker_first_names(set(source.get("skip_locales", [])))
    excluded = set(source.get("exclude", []))
    kept = sorted(n for n in names if n not in excluded)
    header = [f"# First names: Faker {faker.VERSION} person providers (MIT), Latin-script locales except "
              f"{', '.join(sorted(source.get('skip_locales', [])))}; built by "
              "fr_finance.nlp.components.names.first_names. One name a line; do not edit by hand."]
    TARGET.write_text("\n".join(header + kept) + "\n", encoding="utf-8")
    print(f"{TARGET}: {len(kept)} first names", file=sys.stderr)
    return 0


def read(path: Path = TARGET) -> frozenset[str]:
    """The shipped list (comment lines start with #)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise lexicons.LexiconError(f"{path}: first-name list not found") from None
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


if __name__ == "__main__":
    raise SystemExit(main())
