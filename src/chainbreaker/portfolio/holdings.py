"""Reading a holdings file: the investor's or lender's book of companies, validated row by row.

Columns: `holding_id, issuer_name, lei, isin, domicile, countries, sector, goods, exposure, currency,
parent_id`; only the first two are required. Countries and goods are `;`-separated. A row that cannot be
used goes to the rejects with the row number, the column and the reason, so `rows_read = accepted + rejected`
always holds and the user can fix the file and run again.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from followthemoney import registry
from stdnum import isin as stdnum_isin

from chainbreaker.core.errors import InputError
from chainbreaker.core.reference import currency_codes

COLUMNS = (
    "holding_id",
    "issuer_name",
    "lei",
    "isin",
    "domicile",
    "countries",
    "sector",
    "goods",
    "exposure",
    "currency",
    "parent_id",
)
REQUIRED = ("holding_id", "issuer_name")
_LEI = re.compile(r"^[A-Z0-9]{18}[0-9]{2}$")
_ID = re.compile(r"^[A-Za-z0-9._:/-]{1,64}$")
_CONTROL = re.compile(r"[\x00-\x1f]")


@dataclass(frozen=True, slots=True)
class Holding:
    """One accepted row: a company the portfolio is exposed to, with what is known of where it works."""

    holding_id: str
    issuer_name: str
    row: int
    lei: str | None = None
    isin: str | None = None
    domicile: str | None = None  # ISO 3166-1 alpha-2, lower case
    countries: tuple[str, ...] = ()  # ISO-2 lower case, operations and sourcing
    sector: str | None = None
    goods: tuple[str, ...] = ()
    exposure: float | None = None
    currency: str | None = None
    parent_id: str | None = None
    #: Domicile first, then the countries of operation, without repeats. Computed once here: scoring,
    #: the heat map, the map and the Parquet file all read it, 100,000 times each on a large book.
    all_countries: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        seen = dict.fromkeys(((self.domicile,) if self.domicile else ()) + self.countries)
        object.__setattr__(self, "all_countries", tuple(seen))


@dataclass(frozen=True, slots=True)
class HoldingReject:
    """A row not used, with where and why."""

    row: int
    holding_id: str
    column: str
    reason: str


@dataclass
class HoldingsRead:
    """The accepted holdings and the rejected rows of one file."""

    holdings: list[Holding] = field(default_factory=list)
    rejects: list[HoldingReject] = field(default_factory=list)
    rows_read: int = 0


@lru_cache(maxsize=4096)
def country_code(text: str) -> str | None:
    """ISO-2 (lower case) from a code or a name ('BR', 'BRA', 'Brazil', 'Côte d'Ivoire'); None if unknown."""
    value = text.strip()
    if not value:
        return None
    code: str | None = registry.country.clean(value, fuzzy=len(value) > 3)
    return code.lower() if code else None


def lei_ok(lei: str) -> bool:
    """ISO 17442: 18 characters, two check digits, mod 97 of the digit expansion equals 1."""
    if not _LEI.match(lei):
        return False
    digits = "".join(str(int(ch, 36)) for ch in lei)
    return int(digits) % 97 == 1


def _split(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.strip() for p in value.split(";") if p.strip()))


def read_holdings(path: Path) -> HoldingsRead:
    """Validate a holdings CSV; stop with `InputError` for a file that cannot be read at all."""
    if not path.exists():
        raise InputError("file not found", file=str(path))
    if path.is_dir():
        raise InputError("expected a .csv file, got a folder", file=str(path))
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError("file is empty", file=str(path))
    if b"\x00" in raw[:4096]:
        raise InputError("contains NUL bytes: save it as UTF-8 CSV", file=str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return parse_holdings(text, str(path))


def parse_holdings(text: str, name: str = "holdings.csv") -> HoldingsRead:
    """The rows of a holdings CSV given as text (the service's uploads come this way)."""
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(
            f"missing required column(s) {', '.join(missing)}", file=name, column=", ".join(missing)
        )
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise InputError(
            f"unknown column(s) {', '.join(unknown)}; expected {', '.join(COLUMNS)}",
            file=name,
            column=", ".join(unknown),
        )
    out = HoldingsRead()
    rows: list[Holding] = []
    seen: set[str] = set()
    at_id = header.index("holding_id")
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        out.rows_read += 1
        hid = cells[at_id].strip() if len(cells) > at_id else ""
        if len(cells) != len(header):
            out.rejects.append(
                HoldingReject(line, hid, "", f"expected {len(header)} columns, found {len(cells)}")
            )
            continue
        values = {h: c.strip() for h, c in zip(header, cells, strict=True)}
        holding, problem = _holding(line, values)
        if problem is not None:
            out.rejects.append(HoldingReject(line, hid, problem[0], problem[1]))
        elif holding is not None and holding.holding_id in seen:
            out.rejects.append(
                HoldingReject(line, hid, "holding_id", "duplicate holding_id (first row kept)")
            )
        elif holding is not None:
            seen.add(holding.holding_id)
            rows.append(holding)
    _check_parents(rows, out)
    return out


def _check_parents(rows: list[Holding], out: HoldingsRead) -> None:
    """A parent_id must name another accepted row; chains must not loop."""
    ids = {h.holding_id for h in rows}
    parent = {h.holding_id: h.parent_id for h in rows}
    for holding in rows:
        if holding.parent_id is None:
            out.holdings.append(holding)
            continue
        if holding.parent_id == holding.holding_id:
            reason = "parent_id names the row itself"
        elif holding.parent_id not in ids:
            reason = f"parent_id {holding.parent_id!r} is not the holding_id of an accepted row"
        elif _loops(holding.holding_id, parent):
            reason = "parent_id chain loops back to this row"
        else:
            out.holdings.append(holding)
            continue
        out.rejects.append(HoldingReject(holding.row, holding.holding_id, "parent_id", reason))


def _loops(start: str, parent: dict[str, str | None]) -> bool:
    seen = {start}
    current = parent.get(start)
    while current is not None:
        if current in seen:
            return True
        seen.add(current)
        current = parent.get(current)
    return False


def _holding(line: int, v: dict[str, str]) -> tuple[Holding | None, tuple[str, str] | None]:
    hid, issuer = v.get("holding_id", ""), v.get("issuer_name", "")
    if not hid:
        return None, ("holding_id", "empty holding_id")
    if not _ID.match(hid):
        return None, ("holding_id", "holding_id must be 1-64 letters, digits or . _ : / -")
    if not issuer:
        return None, ("issuer_name", "empty issuer_name")
    if len(issuer) > 300 or _CONTROL.search(issuer):
        return None, ("issuer_name", "issuer_name longer than 300 characters or with control characters")
    lei = v.get("lei", "").upper() or None
    if lei and not lei_ok(lei):
        return None, ("lei", "not a valid LEI (ISO 17442: 20 characters, check digits)")
    isin = v.get("isin", "").upper() or None
    if isin and not stdnum_isin.is_valid(isin):
        return None, ("isin", "not a valid ISIN (check digit or format)")
    domicile = None
    if v.get("domicile"):
        domicile = country_code(v["domicile"])
        if domicile is None:
            return None, ("domicile", f"country not recognised: {v['domicile']!r}")
    countries: list[str] = []
    for item in _split(v.get("countries", "")):
        code = country_code(item)
        if code is None:
            return None, ("countries", f"country not recognised: {item!r}")
        countries.append(code)
    exposure = None
    if v.get("exposure"):
        try:
            exposure = float(v["exposure"].replace(",", "").replace("_", ""))
        except ValueError:
            return None, ("exposure", f"not a number: {v['exposure']!r}")
        if exposure < 0 or exposure != exposure or exposure == float("inf"):
            return None, ("exposure", "exposure must be a finite number ≥ 0")
    currency = v.get("currency", "").upper() or None
    if currency and currency not in currency_codes():
        return None, ("currency", f"not an ISO 4217 currency code: {currency!r}")
    holding = Holding(
        holding_id=hid,
        issuer_name=issuer,
        row=line,
        lei=lei,
        isin=isin,
        domicile=domicile,
        countries=tuple(dict.fromkeys(countries)),
        sector=v.get("sector") or None,
        goods=_split(v.get("goods", "")),
        exposure=exposure,
        currency=currency,
        parent_id=v.get("parent_id") or None,
    )
    return holding, None
