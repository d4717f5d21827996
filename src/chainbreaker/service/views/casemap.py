"""A map of a case's places drawn as SVG from the package's Natural Earth shapes (no tiles, no network).

Where the parties live, where the evidence transactions happened and which countries money went to or
came from are placed through `chainbreaker.geo.gazetteer`. The projection is equirectangular with the
longitude scaled by the cosine of the middle latitude, which is true enough for the extent of one
case; the view is fitted to the places, and the countries around them are drawn for orientation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chainbreaker.core.workspace import Workspace
from chainbreaker.geo.gazetteer import PRECISION_CITY, Place, countries, locate
from chainbreaker.storage.models import Case, Evidence

WIDTH = 900


@dataclass
class MapPoint:
    """One place of a case and what happened there."""

    place: Place
    parties: list[str] = field(default_factory=list)
    transactions: int = 0
    amount: Decimal = Decimal(0)
    counterparty_transactions: int = 0

    @property
    def kind(self) -> str:
        if self.parties:
            return "home"
        if self.transactions:
            return "activity"
        return "counterparty"


@dataclass
class CasePlaces:
    points: list[MapPoint]
    unplaced: list[str]


def _key(place: Place) -> tuple[str, str | None, str]:
    return (place.name, place.country, place.precision)


def case_places(
    session: Session,
    workspace: Workspace,
    org_id: str,
    case: Case,
    party_ids: Sequence[str],
    names: dict[str, str],
) -> CasePlaces:
    """The places of a case's parties, evidence transactions and counterparties' countries."""
    from chainbreaker.cases.parties import party_details

    points: dict[tuple[str, str | None, str], MapPoint] = {}
    unplaced: list[str] = []

    def point(place: Place) -> MapPoint:
        return points.setdefault(_key(place), MapPoint(place))

    details = party_details(workspace, party_ids) if party_ids and workspace.exists() else {}
    for pid in party_ids:
        d = details.get(pid, {})
        place = locate(d.get("city"), d.get("country") or d.get("nationality"))
        if place is None:
            unplaced.append(f"{names.get(pid, pid)} (no known city or country)")
            continue
        point(place).parties.append(names.get(pid, pid))
    for city, country, n, total in session.execute(
        select(Evidence.city, Evidence.country, func.count(), func.sum(Evidence.amount))
        .where(Evidence.org_id == org_id, Evidence.case_id == case.id)
        .group_by(Evidence.city, Evidence.country)
    ):
        if not city and not country:
            continue
        place = locate(city, country)
        if place is None:
            unplaced.append(f"{n} transactions in {city or ''} {country or ''}".strip())
            continue
        target = point(place)
        target.transactions += int(n)
        target.amount += Decimal(str(total or 0))
    for country, n in session.execute(
        select(Evidence.counterparty_country, func.count())
        .where(
            Evidence.org_id == org_id, Evidence.case_id == case.id, Evidence.counterparty_country.is_not(None)
        )
        .group_by(Evidence.counterparty_country)
    ):
        place = locate(None, country)
        if place is None:
            unplaced.append(f"{n} transactions with counterparties in {country}")
            continue
        point(place).counterparty_transactions += int(n)
    ordered = sorted(points.values(), key=lambda p: (-len(p.parties), -p.transactions, p.place.name))
    return CasePlaces(ordered, unplaced)


def _extent(points: Sequence[MapPoint]) -> tuple[float, float, float, float]:
    lons = [p.place.lon for p in points]
    lats = [p.place.lat for p in points]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    span = max(east - west, north - south, 8.0)  # never closer than a region: the shapes are 1:110m
    cx, cy = (west + east) / 2, (south + north) / 2
    half_w, half_h = span * 0.65, span * 0.45
    return cx - half_w, cx + half_w, max(-85.0, cy - half_h), min(85.0, cy + half_h)


def map_svg(places: CasePlaces, title: str) -> Markup:
    """The places on a map of the countries around them, circles sized by activity."""
    points = places.points
    if not points:
        return Markup(
            '<svg class="map" viewBox="0 0 900 40" width="100%" role="img" aria-label="no places">'
            '<text x="8" y="24" class="chart-empty">no place of this case could be placed on the map</text></svg>'
        )
    west, east, south, north = _extent(points)
    kx = math.cos(math.radians((south + north) / 2))
    scale = WIDTH / ((east - west) * kx)
    height = round((north - south) * scale)

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (lon - west) * kx * scale, (north - lat) * scale

    parts: list[str] = []
    for country in countries().values():
        paths = []
        for ring in country.rings:
            if not any(west - 5 <= x <= east + 5 and south - 5 <= y <= north + 5 for x, y in ring):
                continue
            coords = " ".join(f"{px:.1f},{py:.1f}" for px, py in (xy(x, y) for x, y in ring))
            paths.append(f"M{coords}Z")
        if paths:
            parts.append(
                f'<path class="land" d="{" ".join(paths)}"><title>{escape(country.name)}</title></path>'
            )
    top = max(max(p.transactions, p.counterparty_transactions, 1) for p in points)
    labelled: list[tuple[float, float, float, float]] = []

    def free(box: tuple[float, float, float, float]) -> bool:
        """Label only where no earlier (busier) place's label is: every place keeps its tooltip and row."""
        x0, y0, x1, y1 = box
        return all(x1 < a or x0 > c or y1 < b or y0 > d for a, b, c, d in labelled)

    for i, p in enumerate(points):
        x, y = xy(p.place.lon, p.place.lat)
        activity = max(p.transactions, p.counterparty_transactions, 1)
        r = 5 + 14 * math.sqrt(activity / top)
        lines = [p.place.name + ("" if p.place.precision == PRECISION_CITY else " (country only)")]
        if p.parties:
            lines.append("home of " + ", ".join(p.parties[:6]) + (" …" if len(p.parties) > 6 else ""))
        if p.transactions:
            lines.append(f"{p.transactions:,} transactions, {p.amount:,.2f}")
        if p.counterparty_transactions:
            lines.append(f"{p.counterparty_transactions:,} transactions with counterparties here")
        box = (x + r + 3, y - 10, x + r + 3 + 7.2 * len(p.place.name), y + 6)
        label = i < 25 and free(box)
        if label:
            labelled.append(box)
        parts.append(
            f'<g class="place place-{p.kind}"><circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}">'
            f"<title>{escape('; '.join(lines))}</title></circle>"
            + (f'<text x="{x + r + 3:.1f}" y="{y + 4:.1f}">{escape(p.place.name)}</text>' if label else "")
            + "</g>"
        )
    return Markup(  # noqa: S704 - numbers and escape()d text only
        f'<svg class="map zoomable" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f'<rect class="sea" x="0" y="0" width="{WIDTH}" height="{height}"/>{"".join(parts)}</svg>'
    )
