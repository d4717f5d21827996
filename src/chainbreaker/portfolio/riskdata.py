"""The risk facts a portfolio is scored with: GSI country figures and ILAB goods × country from the registry,
high-risk sectors from `sectors.yaml`.

GSI and ILAB are registry data (loaded with `chainbreaker registry load walkfree_gsi|us_dol_ilab FILE`),
so their editions, provenance and history are the registry's; this module only reads the latest editions
into look-up tables. A missing table is reported, not guessed: the score then lacks that component and the
run summary says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import duckdb
import yaml
from pydantic import BaseModel, Field

from chainbreaker.core.workspace import Workspace
from chainbreaker.registry import RegistryStore

SECTORS_FILE = Path(__file__).with_name("sectors.yaml")
_WORD = re.compile(r"[a-z0-9]+")


class Sector(BaseModel):
    """A high-risk sector with the codes and words that select it and the source that names it."""

    id: str
    label: str
    source: str
    weight: float = Field(ge=0, le=1)
    country_weight: float | None = Field(default=None, ge=0, le=1)
    countries: list[str] = Field(default_factory=list)
    naics: list[str] = Field(default_factory=list)
    isic: list[str] = Field(default_factory=list)
    words: list[str] = Field(default_factory=list)

    def weight_in(self, countries: tuple[str, ...]) -> tuple[float, str | None]:
        """The weight for a holding in these countries, and the country that raised it (if one did)."""
        if self.country_weight is not None:
            for code in countries:
                if code in self.countries:
                    return self.country_weight, code
        return self.weight, None


@cache
def sectors() -> tuple[Sector, ...]:
    data = yaml.safe_load(SECTORS_FILE.read_text(encoding="utf-8"))
    return tuple(Sector(**item) for item in data["sectors"])


@lru_cache(maxsize=65536)
def words(text: str) -> tuple[str, ...]:
    """Lower-case word tokens with a plural 's' dropped, so 'Palm Oil', 'palm-oil' and 'shrimps' compare."""
    out = []
    for w in _WORD.findall(text.lower()):
        out.append(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w)
    return tuple(out)


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def sector_code(text: str) -> tuple[str | None, str]:
    """('naics'|'isic'|None, code) from 'NAICS 311225', 'ISIC C1040', 'C1040', '311225' or free text."""
    raw = text.strip().upper().replace(" ", "").replace(".", "")
    for prefix, system in (("NAICS", "naics"), ("ISIC", "isic")):
        if raw.startswith(prefix):
            code = raw[len(prefix) :].lstrip(":")
            if system == "isic" and code[:1].isalpha():
                code = code[1:]
            return system, code
    if len(raw) >= 2 and raw[0].isalpha() and raw[1:].isdigit():
        return "isic", raw[1:]
    if raw.isdigit():
        return None, raw  # a bare number: tried as NAICS and as ISIC
    return None, ""


@lru_cache(maxsize=65536)
def match_sectors(sector: str | None, goods: tuple[str, ...]) -> tuple[tuple[Sector, str], ...]:
    """The high-risk sectors a holding's sector code, sector words or goods select, with what selected each
    (cached, and built from per-code and per-good look-ups that are cached too: a book repeats the same
    sector codes and goods in ever new combinations)."""
    found: dict[str, tuple[Sector, str]] = {}
    system, code = sector_code(sector) if sector else (None, "")
    codes = _code_hits(system, code) if code else {}
    text_hits = _phrase_hits(words(sector)) if sector and not code else frozenset()
    good_hits = [_phrase_hits(words(g)) for g in goods]
    for item in sectors():
        if item.id in codes:
            found.setdefault(item.id, (item, f"sector code {codes[item.id].upper()} {code}"))
        for at in range(len(item.words)):
            if (item.id, at) in text_hits:
                found.setdefault(item.id, (item, f"sector '{sector}'"))
            for good, hits in zip(goods, good_hits, strict=True):
                if (item.id, at) in hits:
                    found.setdefault(item.id, (item, f"good '{good}'"))
    return tuple(found.values())


@lru_cache(maxsize=4096)
def _code_hits(system: str | None, code: str) -> dict[str, str]:
    """Sector id -> the code system ('naics'|'isic') whose prefix list the code falls in (the first one)."""
    out: dict[str, str] = {}
    for item in sectors():
        for sys_name, prefixes in (("naics", item.naics), ("isic", item.isic)):
            if system in (None, sys_name) and any(code.startswith(p) for p in prefixes):
                out.setdefault(item.id, sys_name)
    return out


@lru_cache(maxsize=65536)
def _phrase_hits(text_words: tuple[str, ...]) -> frozenset[tuple[str, int]]:
    """(sector id, phrase position) of every sector phrase found in these words."""
    return frozenset(
        (item.id, at)
        for item in sectors()
        for at, phrase in enumerate(item.words)
        if _contains(text_words, words(phrase))
    )


@dataclass(frozen=True, slots=True)
class CountryFigures:
    """GSI figures of one country, each with the edition label it came from."""

    prevalence: float | None = None
    prevalence_source: str = ""
    vulnerability: float | None = None
    vulnerability_source: str = ""
    name: str = ""


@dataclass(frozen=True, slots=True)
class GoodsFinding:
    """An ILAB (or GSI at-risk import) finding on one good in one country."""

    good: str
    country: str
    kinds: tuple[str, ...]
    source: str


@dataclass
class RiskTables:
    """Look-up tables of the latest registry editions, with which tables were present."""

    countries: dict[str, CountryFigures] = field(default_factory=dict)
    goods: dict[tuple[tuple[str, ...], str], GoodsFinding] = field(default_factory=dict)
    goods_elsewhere: dict[tuple[str, ...], list[str]] = field(default_factory=dict)
    editions: dict[str, str] = field(default_factory=dict)
    #: Each country's component value and sentence once worked out (filled by `scoring`).
    country_memo: dict[str, tuple[float, str] | None] = field(default_factory=dict, repr=False)

    @classmethod
    def from_workspace(cls, workspace: Workspace, con: duckdb.DuckDBPyConnection | None = None) -> RiskTables:
        """The latest GSI and ILAB editions; `con` lets the service pass its read-only connection."""
        if con is None and not workspace.exists():
            return cls()
        store = RegistryStore(workspace, con)
        try:
            loaded = {e.dataset: e.edition for e in store.editions()}
            rows = store.facts() if loaded else []
        except duckdb.CatalogException:  # a workspace without any registry table yet
            return cls()
        finally:
            if con is None:
                store.close()
        return cls.from_facts(rows, loaded)

    @classmethod
    def from_facts(cls, rows: list[dict[str, object]], editions: dict[str, str]) -> RiskTables:
        tables = cls(editions={k: v for k, v in editions.items() if k in ("walkfree_gsi", "us_dol_ilab")})
        prevalence: dict[str, tuple[float, str, str]] = {}
        vulnerability: dict[str, tuple[float, str]] = {}
        kinds: dict[tuple[tuple[str, ...], str], tuple[str, set[str], str]] = {}
        for row in rows:
            dataset, country, kind = str(row["dataset"]), row.get("country"), str(row["kind"])
            if not country:
                continue
            code = str(country).lower()
            if dataset == "walkfree_gsi" and kind in ("gsi_prevalence", "gsi_vulnerability"):
                value = float(str(row["notes"]))
                label = str(row["source"])
                target = prevalence if kind == "gsi_prevalence" else vulnerability
                previous = target.get(code)
                # Several GSI editions in one load: the latest label (GSI 2023 over GSI 2018) wins.
                if previous is None or label > previous[1]:
                    if kind == "gsi_prevalence":
                        prevalence[code] = (value, label, str(row["country_name"]))
                    else:
                        vulnerability[code] = (value, label)
            elif dataset == "us_dol_ilab" or kind == "gsi_at_risk_import":
                good = str(row["good"])
                key = (words(good), code)
                entry = kinds.setdefault(key, (good, set(), str(row["source"])))
                entry[1].add(kind)
        for code in set(prevalence) | set(vulnerability):
            p = prevalence.get(code)
            v = vulnerability.get(code)
            tables.countries[code] = CountryFigures(
                prevalence=p[0] if p else None,
                prevalence_source=p[1] if p else "",
                vulnerability=v[0] if v else None,
                vulnerability_source=v[1] if v else "",
                name=p[2] if p else code.upper(),
            )
        for (gw, code), (good, found, source) in kinds.items():
            tables.goods[(gw, code)] = GoodsFinding(good, code, tuple(sorted(found)), source)
            tables.goods_elsewhere.setdefault(gw, []).append(code)
        return tables

    def missing(self) -> list[str]:
        """The risk tables not loaded, said in the run summary."""
        out = []
        if "walkfree_gsi" not in self.editions:
            out.append("walkfree_gsi (country prevalence and vulnerability not scored)")
        if "us_dol_ilab" not in self.editions:
            out.append("us_dol_ilab (goods × country findings not scored)")
        return out
