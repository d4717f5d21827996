"""The indicator catalogue: one YAML file per red flag, loaded once into typed models and checked.

Indicators are data, not code, so that an analyst can review the SQL of each red flag beside its source and
a bank can change a threshold without a release. Loading never stops at the first bad file: each file is
checked on its own (YAML, model, required columns, parameters, SQL) and a bad one becomes a `Problem` that
names the indicator and the step, while the others still run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import sqlglot
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from chainbreaker.core.contract import TABLES_BY_NAME, TRAFFICKING_TYPES
from chainbreaker.core.errors import InputError, NotFoundError
from chainbreaker.engines.base import ParamValue, bind_parameters

_ID = re.compile(r"^(G|ST|LT|DB|NW)-\d{2}[a-z]?$")
_TEMPLATE_FIELD = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?}")

#: Columns every indicator's SQL must return (one row per hit); any other column is a figure.
HIT_COLUMNS = ("party_id", "account_id", "period_start", "period_end", "strength")
#: Optional hit columns with a meaning for the roll-up: parties sharing `link_key` are tied to each other,
#: `hub_party_id` / `hub_key` name the party or outside counterparty the hit's money goes to or comes from.
LINK_COLUMNS = ("link_key", "link_kind", "hub_party_id", "hub_key")

#: Tables an indicator may read: the shared feature tables built once per run (see features.py).
FEATURE_TABLES = (
    "monitoring_tx",
    "monitoring_tx_all",
    "monitoring_account_month",
    "monitoring_party",
    "monitoring_flow",
    "monitoring_identifier",
    "monitoring_accounts",
    "monitoring_holder",
    "monitoring_span",
)

ParamDefault = int | float | str | list[str]


class Parameter(BaseModel):
    """A threshold or list an indicator compares against, with its unit so that a reviewer can judge it."""

    model_config = ConfigDict(extra="forbid")

    default: ParamDefault
    unit: str
    description: str = ""
    minimum: float | None = None
    maximum: float | None = None

    @model_validator(mode="after")
    def _in_range(self) -> Parameter:
        if isinstance(self.default, int | float) and not isinstance(self.default, bool):
            if self.minimum is not None and self.default < self.minimum:
                raise ValueError(f"default {self.default} is below the minimum {self.minimum}")
            if self.maximum is not None and self.default > self.maximum:
                raise ValueError(f"default {self.default} is above the maximum {self.maximum}")
        return self


class Source(BaseModel):
    """Where the red flag comes from: the document and section, and its row in the shared catalogue."""

    model_config = ConfigDict(extra="forbid")

    document: str
    section: str
    catalogue: str = Field(description="id or section in shared/reference/indicators.md (e.g. G-06, T2)")
    tag: str = Field(
        default="", description="verification tag of the catalogue row ([V], [V2], [V-FIU], [U])"
    )


class Indicator(BaseModel):
    """One red flag: what it looks for, how strongly it counts, and the SQL that finds its hits."""

    model_config = ConfigDict(extra="forbid")

    id: str
    version: int = 1
    title: str
    trafficking_type: Literal["sex", "labour", "general"]
    role: Literal["subject", "victim", "context"] = Field(
        description="whose behaviour the hit describes: a suspect's, a likely victim's, or context for either"
    )
    subrole: Literal["controller", "front_business", "recruiter", "structurer"] | None = None
    weight: float = Field(gt=0, le=1, description="how much one full-strength hit adds to the party's risk")
    family: str | None = Field(
        default=None,
        description="red flags that describe one behaviour (e.g. the itinerant circuit) share a family, so that "
        "together they count as one strong flag rather than several independent ones",
    )
    enabled: bool = True
    description: str
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    requires: list[str] = Field(description="contract columns as table.column; absent or empty ones skip it")
    signals: list[Literal["time_of_day", "mcc", "counterparty_account"]] = Field(
        default_factory=list,
        description="signals the red flag cannot do without; when the data profile finds one degenerate "
        "(e.g. every booking at 00:00) the indicator is skipped with that reason",
    )
    sources: list[Source] = Field(min_length=1)
    explanation: str = Field(description="template filled with the hit's figures and the parameters")
    evidence: str | None = Field(
        default=None, description="SQL condition on monitoring_tx (alias t) choosing the transactions shown"
    )
    sql: str

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"id {value!r} is not like ST-03 (G, ST, LT, DB or NW, a dash, two digits)")
        return value

    @field_validator("trafficking_type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in TRAFFICKING_TYPES:
            raise ValueError(f"trafficking_type must be one of {TRAFFICKING_TYPES}")
        return value

    @property
    def defaults(self) -> dict[str, ParamValue]:
        return {name: p.default for name, p in self.parameters.items()}

    @property
    def key(self) -> str:
        """Stable versioned name (`ST-03@v1`), so a changed indicator is a new version in the outputs."""
        return f"{self.id}@v{self.version}"


@dataclass(frozen=True)
class Problem:
    """An indicator that could not be used, with the step where it failed and why."""

    indicator: str
    step: str
    message: str

    def __str__(self) -> str:
        return f"{self.indicator} [{self.step}]: {self.message}"


@dataclass(frozen=True)
class Catalogue:
    """The indicators that passed their checks, and the problems of those that did not."""

    indicators: tuple[Indicator, ...]
    problems: tuple[Problem, ...] = ()

    def get(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id.lower() == indicator_id.lower():
                return ind
        raise NotFoundError(f"no indicator {indicator_id!r} in the catalogue")

    @property
    def enabled(self) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.enabled)

    def replace(self, indicator: Indicator) -> Catalogue:
        """The same catalogue with one indicator swapped (or added), for shadow runs."""
        kept = tuple(i for i in self.indicators if i.id != indicator.id)
        return Catalogue(tuple(sorted((*kept, indicator), key=lambda i: i.id)), self.problems)


def _known_columns() -> set[str]:
    return {f"{t.name}.{c.name}" for t in TABLES_BY_NAME.values() for c in t.columns}


def check_indicator(ind: Indicator) -> list[Problem]:
    """Static checks of one indicator: columns it needs, parameters, SQL, explanation template."""
    problems: list[Problem] = []
    known = _known_columns()
    for col in ind.requires:
        if col not in known:
            problems.append(Problem(ind.id, "columns", f"unknown contract column {col!r} (use table.column)"))
    try:
        tree = bind_parameters(ind.sql, dict(ind.defaults))
    except KeyError as exc:
        problems.append(Problem(ind.id, "parameters", str(exc.args[0] if exc.args else exc)))
        tree = None
    except sqlglot.errors.ParseError as exc:
        problems.append(Problem(ind.id, "sql", f"invalid SQL: {str(exc).splitlines()[0]}"))
        tree = None
    if tree is not None:
        tables = {t.name for t in tree.find_all(sqlglot.exp.Table)}
        ctes = {c.alias for c in tree.find_all(sqlglot.exp.CTE)}
        unknown = sorted(tables - ctes - set(FEATURE_TABLES))
        if unknown:
            problems.append(
                Problem(
                    ind.id, "sql", f"reads unknown tables {unknown}; use the feature tables {FEATURE_TABLES}"
                )
            )
        select = tree if isinstance(tree, sqlglot.exp.Query) else None
        if select is None:
            problems.append(Problem(ind.id, "sql", "the SQL must be one SELECT query"))
        else:
            names = set(select.named_selects)
            missing = [c for c in HIT_COLUMNS if c not in names]
            if missing and "*" not in names:
                problems.append(Problem(ind.id, "sql", f"the SELECT does not return {missing}"))
    if ind.evidence:
        try:
            sqlglot.parse_one(f"SELECT 1 FROM monitoring_tx t WHERE {ind.evidence}", read="duckdb")
            bind_parameters(
                f"SELECT 1 FROM monitoring_tx t WHERE {ind.evidence}",
                {k: v for k, v in ind.defaults.items() if f":{k}" in ind.evidence},
            )
        except (sqlglot.errors.ParseError, KeyError) as exc:
            problems.append(Problem(ind.id, "evidence", f"invalid evidence condition: {exc}"))
    for name in _TEMPLATE_FIELD.findall(ind.explanation):
        if name not in ind.parameters and name not in _template_names(ind):
            problems.append(
                Problem(
                    ind.id, "explanation", f"template field {{{name}}} is neither a figure nor a parameter"
                )
            )
    if ind.role == "subject" and ind.subrole is None:
        problems.append(Problem(ind.id, "model", "a subject-side indicator needs a subrole"))
    return problems


def _template_names(ind: Indicator) -> set[str]:
    """Figures the SQL returns (its named select columns), which the explanation template may use."""
    try:
        tree = sqlglot.parse_one(ind.sql, read="duckdb")
    except sqlglot.errors.ParseError:
        return set()
    if isinstance(tree, sqlglot.exp.Query):
        return set(tree.named_selects) | {"period_start", "period_end"}
    return set()


def parse_indicator(text: str, origin: str) -> Indicator:
    """Read one indicator file's text into the model; errors name the file and what is wrong."""
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=origin) from exc
    if not isinstance(data, dict):
        raise InputError("an indicator file must be a YAML mapping", file=origin)
    try:
        return Indicator.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{first['msg']} (field {where})", file=origin, column=where or None) from exc


def load_catalogue_from(files: Iterable[tuple[str, str]]) -> Catalogue:
    """Build a catalogue from (origin, text) pairs; bad files become problems instead of failures."""
    good: list[Indicator] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for origin, text in files:
        stem = Path(origin).stem
        try:
            ind = parse_indicator(text, origin)
        except InputError as exc:
            problems.append(Problem(stem, "load", str(exc)))
            continue
        if ind.id in seen:
            problems.append(Problem(ind.id, "load", f"duplicate indicator id in {origin}"))
            continue
        seen.add(ind.id)
        found = check_indicator(ind)
        if found:
            problems.extend(found)
        else:
            good.append(ind)
    return Catalogue(tuple(sorted(good, key=lambda i: i.id)), tuple(problems))


def _package_files() -> list[tuple[str, str]]:
    folder = resources.files("chainbreaker.monitoring") / "indicators"
    return sorted(
        (f"indicators/{entry.name}", entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    )


@cache
def default_catalogue() -> Catalogue:
    """The catalogue shipped with the package, loaded once per process."""
    return load_catalogue_from(_package_files())


def load_catalogue(folder: Path | None = None) -> Catalogue:
    """The packaged catalogue, or the YAML files of another folder (a bank's own reviewed copy)."""
    if folder is None:
        return default_catalogue()
    if not folder.is_dir():
        raise NotFoundError(f"indicator folder {folder} does not exist")
    files = [(str(p), p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.yaml"))]
    if not files:
        raise InputError("no *.yaml indicator files", file=str(folder))
    return load_catalogue_from(files)


def load_indicator_file(path: Path) -> Indicator:
    """One indicator file (for `monitor --compare`); any problem is an InputError naming the file."""
    if not path.is_file():
        raise NotFoundError(f"indicator file {path} does not exist")
    ind = parse_indicator(path.read_text(encoding="utf-8"), str(path))
    found = check_indicator(ind)
    if found:
        raise InputError("; ".join(str(p) for p in found), file=str(path))
    return ind
