"""`portfolio-v1`: the explained modern-slavery risk score of a holding, in [0, 1].

Two kinds of evidence, kept apart on purpose:

- **inherent risk** (where and in what a company works): GSI country prevalence and vulnerability, ILAB
  goods × country findings, the high-risk sectors of the seeds and GSI's at-risk imports, and any signal a
  later stage supplies (grievance non-cooperation notes, issue 17). A weighted sum of components in [0, 1].
- **a listing** of the issuer, its parent or a subsidiary on an adverse-action or sanctions list (Lista Suja,
  CBP WRO, UFLPA, OFAC, …) found by the screening matcher under any spelling it recognises.

A listing is direct evidence about *this* company group; inherent risk is a proxy about its surroundings.
So a holding without a listing scores at most `INHERENT_CAP` (0.6) and a holding with one scores above it:
every listed holding ranks above every unlisted one (and a fortiori above those in its own country and
sector), while the inherent components still order holdings within each tier. Every contribution carries the
amount it adds to the final score, so the amounts sum to the score and the reasons read as a receipt.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from chainbreaker.portfolio.holdings import Holding
from chainbreaker.portfolio.riskdata import RiskTables, match_sectors, words
from chainbreaker.screening import Match

ALGORITHM = "portfolio-v1"
WEIGHTS: Mapping[str, float] = {"country": 0.30, "goods": 0.30, "sector": 0.25, "signals": 0.15}
INHERENT_CAP = 0.6
LISTED_FLOOR = 0.6
LISTED_STRENGTH = 0.25
LISTED_INHERENT = 0.15
#: How much of a listing carries along `parent_id`: the issuer itself, its parent, a subsidiary; ×0.9 a hop.
PATH_FACTOR: Mapping[str, float] = {"issuer": 1.0, "parent": 0.9, "subsidiary": 0.8}
HOP_DECAY = 0.9
MAX_DEPTH = 3
#: A subsidiary's inherent risk carries to its parent at half weight (the parent's supply chain includes it).
UPSTREAM_SHARE = 0.5
PREVALENCE_FULL = 20.0  # per 1,000: GSI 2023 has 8 countries above it (e.g. Saudi Arabia 21.3)
GOODS_KIND_VALUE: Mapping[str, float] = {
    "forced_labor": 1.0,
    "forced_child_labor": 1.0,
    "child_labor": 0.7,
    "derived": 0.7,
    "gsi_at_risk_import": 0.5,
}
GOODS_ELSEWHERE = 0.3
BANDS: tuple[tuple[float, str], ...] = ((0.6, "severe"), (0.4, "high"), (0.2, "medium"), (0.0, "low"))


def band_of(score: float) -> str:
    """low < 0.2 ≤ medium < 0.4 ≤ high < 0.6 ≤ severe (severe needs a listing on the issuer's group)."""
    for floor, name in BANDS:
        if score >= floor:
            return name
    return "low"


@dataclass(frozen=True, slots=True)
class Signal:
    """A risk signal about a holding from another stage, e.g. a company's non-cooperation with a grievance."""

    holding_id: str
    value: float  # 0..1
    reason: str
    source: str


class SignalSource(Protocol):
    """Supplies signals for a set of holdings; issue 17 (remedy) plugs grievance non-cooperation in here."""

    def __call__(self, holdings: Sequence[Holding]) -> Iterable[Signal]: ...


def no_signals(holdings: Sequence[Holding]) -> list[Signal]:
    """The default source: no remedy stage is connected, so the signals component is 0 for everyone."""
    return []


@dataclass(frozen=True, slots=True)
class Contribution:
    """One component's part of the score: its value (0-1), the amount it adds, and the sentence saying why."""

    component: str
    value: float
    amount: float
    reason: str


@dataclass(frozen=True, slots=True)
class ListingLink:
    """A listing reaching this holding: whose name matched, along which `parent_id` path, and the hit."""

    relation: str  # issuer | parent | subsidiary
    path: tuple[str, ...]  # holding ids from this holding to the listed one
    listed_name: str  # the issuer name that matched
    match: Match
    strength: float

    def describe(self) -> str:
        hop = " → ".join(self.path)
        who = "issuer" if self.relation == "issuer" else f"{self.relation} via {hop}"
        return (
            f"{who}: '{self.listed_name}' ~ '{self.match.matched_name}' on {self.match.dataset} "
            f"({self.match.entity_id}, match {self.match.score:.2f})"
        )


@dataclass
class HoldingRisk:
    """The assessed holding: score, band, contributions (summing to the score) and the listings behind it."""

    holding: Holding
    score: float
    band: str
    contributions: list[Contribution] = field(default_factory=list)
    links: list[ListingLink] = field(default_factory=list)
    components: dict[str, float] = field(default_factory=dict)
    inherent: float = 0.0
    #: The riskiest high-risk sector the holding falls in (the heat map's row), else 'Other sectors'.
    sector_group: str = "Other sectors"

    @cached_property
    def reasons(self) -> list[str]:
        """The contributions as sentences, largest first (built once: the CSV, Parquet and pages reuse it)."""
        ordered = sorted(self.contributions, key=lambda c: -c.amount)
        return [f"{c.reason} (+{c.amount:.3f})" for c in ordered if c.amount > 0 or c.component == "listing"]


def country_component(holding: Holding, tables: RiskTables) -> tuple[float, str]:
    """Country: the worst of the holding's countries by GSI prevalence (per 1,000, full at 20) and
    vulnerability (0-100), averaged over those the tables give."""
    best, reason = 0.0, ""
    for code in holding.all_countries:
        found = _country_value(tables, code)
        if found is not None and (found[0] > best or not reason):
            best, reason = found
    return best, reason


def _country_value(tables: RiskTables, code: str) -> tuple[float, str] | None:
    """One country's value and sentence, worked out once per country and kept on the tables (a book of
    100,000 holdings names the same 200 countries over and over)."""
    memo = tables.country_memo
    if code in memo:
        return memo[code]
    figures = tables.countries.get(code)
    if figures is None:
        memo[code] = None
        return None
    parts, text = [], []
    same = figures.prevalence_source == figures.vulnerability_source
    if figures.prevalence is not None:
        parts.append(min(1.0, figures.prevalence / PREVALENCE_FULL))
        src = "" if same else f" ({figures.prevalence_source})"
        text.append(f"prevalence {figures.prevalence:g} per 1,000{src}")
    if figures.vulnerability is not None:
        parts.append(figures.vulnerability / 100.0)
        src = "" if same else f" ({figures.vulnerability_source})"
        text.append(f"vulnerability {figures.vulnerability:.0f}/100{src}")
    value = sum(parts) / len(parts) if parts else 0.0
    tail = f" ({figures.prevalence_source or figures.vulnerability_source})" if same else ""
    memo[code] = (value, f"country {code.upper()}: " + ", ".join(text) + tail)
    return memo[code]


def goods_component(holding: Holding, tables: RiskTables) -> tuple[float, str]:
    """Goods: ILAB's reason to believe a good is made with forced (1.0) or child labour (0.7), or from
    tainted inputs (0.7), in one of the holding's countries; a GSI at-risk import 0.5; a good ILAB lists
    only for other countries 0.3."""
    best, reason = 0.0, ""
    countries = holding.all_countries
    for good in holding.goods:
        gw = words(good)
        for code in countries:
            finding = tables.goods.get((gw, code))
            if finding is None:
                continue
            value = max(GOODS_KIND_VALUE.get(k, 0.5) for k in finding.kinds)
            if value > best:
                kinds = ", ".join(k.replace("_", " ") for k in finding.kinds)
                best, reason = value, f"good '{good}' in {code.upper()}: {kinds} ({finding.source})"
        elsewhere = tables.goods_elsewhere.get(gw)
        if elsewhere and best < GOODS_ELSEWHERE:
            listed = ", ".join(sorted(c.upper() for c in elsewhere)[:6])
            best, reason = GOODS_ELSEWHERE, f"good '{good}' listed by ILAB for other countries ({listed})"
    return best, reason


def sector_component(holding: Holding) -> tuple[float, str]:
    """Sector: the weight of the riskiest high-risk sector the code, sector words or goods select
    (sectors.yaml, each with its source)."""
    best, reason, _label = _best_sector(holding)
    return best, reason


def _best_sector(holding: Holding) -> tuple[float, str, str]:
    best, reason, label = 0.0, "", "Other sectors"
    for sector, why in match_sectors(holding.sector, holding.goods):
        weight, country = sector.weight_in(holding.all_countries)
        if weight > best:
            where = f" in {country.upper()}" if country else ""
            best, reason = weight, f"high-risk sector {sector.label}{where} ({why}; {sector.source})"
            label = sector.label
    return best, reason, label


def inherent_components(
    holding: Holding, tables: RiskTables, signals: Sequence[Signal]
) -> dict[str, tuple[float, str]]:
    """Each inherent component's value and reason for one holding."""
    sector_value, sector_reason, _label = _best_sector(holding)
    out = {
        "country": country_component(holding, tables),
        "goods": goods_component(holding, tables),
        "sector": (sector_value, sector_reason),
    }
    best = max(signals, key=lambda s: s.value, default=None)
    out["signals"] = (min(1.0, max(0.0, best.value)), f"{best.reason} ({best.source})") if best else (0.0, "")
    return out


def listing_links(
    holdings: Sequence[Holding], direct: Mapping[str, Sequence[Match]]
) -> dict[str, list[ListingLink]]:
    """Carry each holding's own hits to its parents (as a listed subsidiary) and its subsidiaries (as a
    listed parent), up to `MAX_DEPTH` hops, each hop weakening the strength by `HOP_DECAY`."""
    by_id = {h.holding_id: h for h in holdings}
    children: dict[str, list[str]] = defaultdict(list)
    for h in holdings:
        if h.parent_id:
            children[h.parent_id].append(h.holding_id)
    links: dict[str, list[ListingLink]] = defaultdict(list)
    for hid, matches in direct.items():
        if hid not in by_id:
            continue
        name = by_id[hid].issuer_name
        for match in matches:
            links[hid].append(ListingLink("issuer", (hid,), name, match, match.score))
            # upwards: the parents of a listed company hold a listed subsidiary
            path, current, depth = [hid], by_id[hid].parent_id, 1
            while current is not None and depth <= MAX_DEPTH:
                path.insert(0, current)
                strength = match.score * PATH_FACTOR["subsidiary"] * HOP_DECAY ** (depth - 1)
                links[current].append(ListingLink("subsidiary", tuple(path), name, match, strength))
                current, depth = by_id[current].parent_id, depth + 1
            # downwards: the subsidiaries of a listed company have a listed parent
            frontier: list[tuple[str, tuple[str, ...], int]] = [
                (c, (c, hid), 1) for c in children.get(hid, [])
            ]
            while frontier:
                child, chain, depth = frontier.pop()
                strength = match.score * PATH_FACTOR["parent"] * HOP_DECAY ** (depth - 1)
                links[child].append(ListingLink("parent", chain, name, match, strength))
                if depth < MAX_DEPTH:
                    frontier.extend((g, (g, *chain), depth + 1) for g in children.get(child, []))
    for hid in links:
        links[hid].sort(key=lambda link: -link.strength)
    return links


def score_holdings(
    holdings: Sequence[Holding],
    tables: RiskTables,
    direct: Mapping[str, Sequence[Match]],
    signals: Iterable[Signal] = (),
) -> list[HoldingRisk]:
    """Score every holding (`portfolio-v1`); `direct` maps holding ids to their own screening hits."""
    by_signal: dict[str, list[Signal]] = defaultdict(list)
    for signal in signals:
        by_signal[signal.holding_id].append(signal)
    parts = {h.holding_id: inherent_components(h, tables, by_signal.get(h.holding_id, [])) for h in holdings}
    own = {hid: sum(WEIGHTS[k] * v for k, (v, _r) in comp.items()) for hid, comp in parts.items()}
    upstream: dict[str, tuple[float, str]] = {}
    by_id = {h.holding_id: h for h in holdings}
    for h in holdings:
        carried, current, depth = own[h.holding_id], h.parent_id, 1
        while current is not None and depth <= MAX_DEPTH:
            carried *= UPSTREAM_SHARE
            if carried > upstream.get(current, (0.0, ""))[0]:
                upstream[current] = (carried, h.holding_id)
            current, depth = by_id[current].parent_id, depth + 1
    links = listing_links(holdings, direct)
    out = []
    for h in holdings:
        comp = parts[h.holding_id]
        inherent = own[h.holding_id]
        up_value, up_from = upstream.get(h.holding_id, (0.0, ""))
        use_upstream = up_value > inherent
        inherent_eff = up_value if use_upstream else inherent
        held = links.get(h.holding_id, [])
        scale = LISTED_INHERENT if held else INHERENT_CAP
        contributions: list[Contribution] = []
        if held:
            top = held[0]
            others = f"; {len(held) - 1} more listing(s)" if len(held) > 1 else ""
            contributions.append(
                Contribution(
                    "listing",
                    top.strength,
                    LISTED_FLOOR + LISTED_STRENGTH * top.strength,
                    f"listed {top.describe()}{others}",
                )
            )
        if use_upstream:
            contributions.append(
                Contribution(
                    "subsidiaries",
                    up_value,
                    scale * up_value,
                    f"inherent risk of subsidiary {up_from} carried up the parent_id chain "
                    f"(×{UPSTREAM_SHARE} a hop), above this issuer's own {inherent:.2f}",
                )
            )
        else:
            for name, (value, reason) in comp.items():
                if value > 0:
                    contributions.append(Contribution(name, value, scale * WEIGHTS[name] * value, reason))
        score = min(1.0, sum(c.amount for c in contributions))
        out.append(
            HoldingRisk(
                holding=h,
                score=round(score, 6),
                band=band_of(score),
                contributions=contributions,
                links=held,
                components={k: v for k, (v, _r) in comp.items()},
                inherent=inherent_eff,
                sector_group=_best_sector(h)[2],
            )
        )
    return out
