"""Rebuild `geo/data/*.json` from Natural Earth shapefiles (run by hand, never at run time).

The shapes come from Natural Earth 1:110m (public domain), as bundled in geopandas 0.14.4's wheel
(`geopandas/datasets/naturalearth_lowres` and `naturalearth_cities`)::

    pip download --no-deps geopandas==0.14.4 -d /tmp/ne && cd /tmp/ne && unzip -q geopandas-*.whl
    python -m chainbreaker.geo.build_data /tmp/ne/geopandas/datasets src/chainbreaker/geo/data

The shapefile and dBase readers below are the few dozen lines those two files need, so the package
neither depends on a GIS library nor reads shapefiles at run time: the service loads two small JSON
files. Coordinates are rounded to 0.1 degree (about 10 km), finer than a 1:110m map can show.
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path
from typing import Any

import pycountry

#: Natural Earth codes pycountry does not know (Kosovo, Northern Cyprus, Somaliland) or marks -99.
ISO3_OVERRIDES = {"KOS": "XK", "CYN": "CY", "SOL": "SO"}
#: Names the ISO-8859-1 file could not hold (stored there as `?`).
PLACE_NAMES = {"?saka": "Osaka", "Chi?in?u": "Chisinau", "Washington,  D.C.": "Washington"}
#: Capitals of countries too small for the 1:110m shapes (and Geneva, on a simplified border): their
#: country cannot be found by point-in-polygon, so it is written down here.
PLACE_COUNTRIES = {
    "Vatican City": "VA", "San Marino": "SM", "Vaduz": "LI", "Luxembourg": "LU", "Palikir": "FM",
    "Majuro": "MH", "Funafuti": "TV", "Melekeok": "PW", "Monaco": "MC", "Tarawa": "KI", "Moroni": "KM",
    "Andorra": "AD", "Roseau": "DM", "Bridgetown": "BB", "Kingstown": "VC", "Castries": "LC",
    "Basseterre": "KN", "Port Louis": "MU", "Saint George's": "GD", "Manama": "BH", "Saint John's": "AG",
    "Maseru": "LS", "Malabo": "GQ", "Brazzaville": "CG", "Nuku'alofa": "TO", "Victoria": "SC",
    "São Tomé": "ST", "Apia": "WS", "Valletta": "MT", "Malé": "MV", "Praia": "CV", "Singapore": "SG",
    "Hong Kong": "HK", "Geneva": "CH", "Jerusalem": "IL",
}  # fmt: skip
NAME_OVERRIDES = {"France": "FR", "Norway": "NO", "Kosovo": "XK", "N. Cyprus": "CY", "Somaliland": "SO"}


def read_dbf(path: Path) -> list[dict[str, str]]:
    """The records of a dBase III file as text, in the encoding its `.cpg` names (ISO-8859-1 here)."""
    cpg = path.with_suffix(".cpg")
    encoding = cpg.read_text().strip() if cpg.exists() else "utf-8"
    raw = path.read_bytes()
    count, header_len, record_len = struct.unpack("<IHH", raw[4:12])
    fields: list[tuple[str, int]] = []
    pos = 32
    while raw[pos] != 0x0D:
        name = raw[pos : pos + 11].split(b"\0", 1)[0].decode("ascii")
        fields.append((name, raw[pos + 16]))
        pos += 32
    rows = []
    for i in range(count):
        start = header_len + i * record_len + 1  # the first byte is the deletion flag
        row: dict[str, str] = {}
        for name, length in fields:
            row[name] = raw[start : start + length].decode(encoding, "replace").strip()
            start += length
        rows.append(row)
    return rows


def read_shp(path: Path) -> list[Any]:
    """Points as (x, y) and polygons as lists of rings of (x, y), in file order."""
    raw = path.read_bytes()
    pos = 100
    shapes: list[Any] = []
    while pos < len(raw):
        _number, words = struct.unpack(">ii", raw[pos : pos + 8])
        body = raw[pos + 8 : pos + 8 + words * 2]
        pos += 8 + words * 2
        (kind,) = struct.unpack("<i", body[:4])
        if kind == 1:
            shapes.append(struct.unpack("<dd", body[4:20]))
        elif kind == 5:
            parts_n, points_n = struct.unpack("<ii", body[36:44])
            parts = list(struct.unpack(f"<{parts_n}i", body[44 : 44 + 4 * parts_n]))
            base = 44 + 4 * parts_n
            points = [struct.unpack("<dd", body[base + 16 * k : base + 16 * k + 16]) for k in range(points_n)]
            rings = [points[a:b] for a, b in zip(parts, [*parts[1:], points_n], strict=True)]
            shapes.append(rings)
        else:
            shapes.append(None)
    return shapes


def _alpha2(iso3: str, name: str) -> str | None:
    if name in NAME_OVERRIDES:
        return NAME_OVERRIDES[name]
    if iso3 in ISO3_OVERRIDES:
        return ISO3_OVERRIDES[iso3]
    found = pycountry.countries.get(alpha_3=iso3)
    if found is None:
        try:
            found = pycountry.countries.lookup(name)
        except LookupError:
            return None
    return str(found.alpha_2)


def _ring(points: list[tuple[float, float]]) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in points:
        pt = [round(x, 1), round(y, 1)]
        if not out or out[-1] != pt:
            out.append(pt)
    return out


def _inside(x: float, y: float, ring: list[list[float]]) -> bool:
    """Ray casting: does the point lie inside the ring?"""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _country_of(x: float, y: float, countries: list[dict[str, Any]]) -> str | None:
    """The country a populated place lies in; the nearest border vertex for coastal points the
    simplified coastline leaves in the sea."""
    for country in countries:
        if any(_inside(x, y, ring) for ring in country["rings"]):
            return str(country["iso2"]) if country["iso2"] else None
    best = min(
        countries,
        key=lambda c: min(((x - px) ** 2 + (y - py) ** 2 for r in c["rings"] for px, py in r), default=1e9),
    )
    return str(best["iso2"]) if best["iso2"] else None


def build(datasets: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    lowres = datasets / "naturalearth_lowres" / "naturalearth_lowres"
    countries = []
    for row, rings in zip(
        read_dbf(lowres.with_suffix(".dbf")), read_shp(lowres.with_suffix(".shp")), strict=True
    ):
        code = _alpha2(row["iso_a3"], row["name"])
        kept = [r for r in (_ring(ring) for ring in rings or []) if len(r) >= 4]
        countries.append({"iso2": code, "name": row["name"], "continent": row["continent"], "rings": kept})
    cities_path = datasets / "naturalearth_cities" / "naturalearth_cities"
    places = [
        {
            "name": PLACE_NAMES.get(row["name"], row["name"]),
            "country": PLACE_COUNTRIES.get(PLACE_NAMES.get(row["name"], row["name"]))
            or _country_of(pt[0], pt[1], countries),
            "lon": round(pt[0], 3),
            "lat": round(pt[1], 3),
        }
        for row, pt in zip(
            read_dbf(cities_path.with_suffix(".dbf")), read_shp(cities_path.with_suffix(".shp")), strict=True
        )
        if pt is not None
    ]
    meta = {
        "source": "Natural Earth 1:110m admin-0 countries and populated places, as bundled in "
        "geopandas 0.14.4 (naturalearth_lowres, naturalearth_cities); rebuilt by chainbreaker.geo.build_data",
        "licence": "public domain (https://www.naturalearthdata.com/about/terms-of-use/)",
    }
    (out / "countries.json").write_text(
        json.dumps({**meta, "countries": countries}, separators=(",", ":")), encoding="utf-8"
    )
    (out / "places.json").write_text(
        json.dumps({**meta, "places": places}, separators=(",", ":"), ensure_ascii=False), encoding="utf-8"
    )


if __name__ == "__main__":
    build(Path(sys.argv[1]), Path(sys.argv[2]))
