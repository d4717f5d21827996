"""Where a contract's city and country are on the map, from data shipped with the package.

The bank data contract names places as free-text cities with ISO 3166 alpha-2 countries (parties,
branches, card transactions). The gazetteer places them with Natural Earth's populated places
(public domain; 243 capitals and large cities) plus `data/extra_places.csv` (the synthetic bank's
cities and other large cities Natural Earth's 1:110m set leaves out). A city it does not know falls
back to its country's centre, and the answer says so (`precision`), so a map never pretends to know
more than it does. Nothing is fetched at run time.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

PRECISION_CITY = "city"
PRECISION_COUNTRY = "country"

#: Other spellings of places in the data (old names, English exonyms).
ALIASES = {
    "kobenhavn": "copenhagen",
    "kiev": "kyiv",
    "astana": "nur sultan",
    "bombay": "mumbai",
    "calcutta": "kolkata",
    "bangalore": "bengaluru",
    "washington dc": "washington",
    "washington d c": "washington",
    "nyc": "new york",
    "new york city": "new york",
    "mexico": "mexico city",
}


#: Natural Earth features drawn as part of a country's shape (their name is not the country's name).
PARTS = frozenset({"N. Cyprus", "Somaliland"})


@dataclass(frozen=True)
class Place:
    """A point to draw: the name as placed, its country, and how precisely it is known."""

    name: str
    country: str | None
    lat: float
    lon: float
    precision: str


@dataclass(frozen=True)
class Country:
    iso2: str
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]
    centre: tuple[float, float]  # (lon, lat)


def key(text: str) -> str:
    """How names are compared: accents, case and punctuation removed, `Sao Paulo` = `São Paulo`."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold()
    plain = re.sub(r"[^a-z0-9]+", " ", plain).strip()
    return ALIASES.get(plain, plain)


def _data(name: str) -> str:
    return resources.files("chainbreaker.geo").joinpath("data", name).read_text(encoding="utf-8")


def _centre(rings: list[list[list[float]]]) -> tuple[float, float]:
    """The area-weighted centroid of the largest ring (the mainland of a country with islands)."""
    best: tuple[float, float, float] = (0.0, 0.0, 0.0)
    for ring in rings:
        area = cx = cy = 0.0
        for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True):
            cross = x1 * y2 - x2 * y1
            area += cross
            cx += (x1 + x2) * cross
            cy += (y1 + y2) * cross
        if area and abs(area) > best[0]:
            best = (abs(area), cx / (3 * area), cy / (3 * area))
    return best[1], best[2]


@cache
def countries() -> dict[str, Country]:
    """Country shapes by ISO alpha-2 code (loaded once from the package)."""
    raw: dict[str, Any] = json.loads(_data("countries.json"))
    found: dict[str, Country] = {}
    for item in raw["countries"]:
        code = item.get("iso2")
        if not code:
            continue
        rings = tuple(tuple((float(x), float(y)) for x, y in ring) for ring in item["rings"])
        previous = found.get(code)
        if previous is not None:  # one code on two features (e.g. a disputed area): merge the rings
            rings = previous.rings + rings
        name = item["name"] if previous is None or previous.name in PARTS else previous.name
        found[code] = Country(code, name, rings, (0.0, 0.0))
    return {
        code: Country(c.iso2, c.name, c.rings, _centre([[list(p) for p in r] for r in c.rings]))
        for code, c in found.items()
    }


@cache
def _places() -> dict[tuple[str, str], Place]:
    table: dict[tuple[str, str], Place] = {}
    for item in json.loads(_data("places.json"))["places"]:
        if item.get("country"):
            place = Place(item["name"], item["country"], item["lat"], item["lon"], PRECISION_CITY)
            table[(key(item["name"]), item["country"])] = place
    for row in csv.DictReader(_data("extra_places.csv").splitlines()):
        place = Place(row["name"], row["country"], float(row["lat"]), float(row["lon"]), PRECISION_CITY)
        table[(key(row["name"]), row["country"])] = place
    return table


@cache
def _country_names() -> dict[str, str]:
    return {key(c.name): code for code, c in countries().items()}


def country_code(value: str | None) -> str | None:
    """An ISO alpha-2 code from a code or an English country name (`BR`, `br`, `Brazil`)."""
    if not value:
        return None
    text = value.strip()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return _country_names().get(key(text))


def locate(city: str | None, country: str | None) -> Place | None:
    """The point of a city in a country, else of the country, else None (never a guess across countries).

    A city without a country is placed only when exactly one known place has that name.
    """
    code = country_code(country)
    if city and city.strip():
        name = key(city.split(",")[0])  # "Austin, TX" → "austin"
        if code:
            found = _places().get((name, code))
            if found is not None:
                return found
        else:
            matches = [p for (n, _c), p in _places().items() if n == name]
            if len(matches) == 1:
                return matches[0]
    if code and code in countries():
        shape = countries()[code]
        return Place(shape.name, code, shape.centre[1], shape.centre[0], PRECISION_COUNTRY)
    return None
