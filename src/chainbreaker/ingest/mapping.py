"""Mapping files: how a bank's own export (column names, value spellings, date formats) fits the contract.

Banks rarely can change what their core system exports, and editing a 10-million-row file by hand breaks
the audit trail. A small YAML file declares the differences instead; the loader applies it while reading,
and the original files stay untouched (their content hash is what the load log records).

The file is parsed with YAML's BaseLoader, so every scalar stays a string: `C: in` or `on: card` cannot
turn into booleans and an MCC such as `0742` keeps its leading zero.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

import duckdb
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from chainbreaker.core.contract import TABLES_BY_NAME, ColumnType, Table
from chainbreaker.core.errors import InputError
from chainbreaker.ingest.checks import python_reason


class TableMapping(BaseModel):
    """How one contract table is found and read in a bank's export."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: File name or glob inside DATA_DIR, replacing the default `NAME.csv` / `NAME.parquet` / `NAME-*`.
    file: str | None = None
    #: One character separating CSV fields (many European exports use `;`).
    delimiter: str = ","
    #: contract column -> column name in the export.
    columns: dict[str, str] = {}
    #: contract column -> {spelling in the export: contract value}; applied after trimming, exact match.
    values: dict[str, dict[str, str]] = {}
    #: date/datetime contract column -> DuckDB strptime format of the export (e.g. `%d/%m/%Y %H:%M`).
    formats: dict[str, str] = {}
    #: contract column -> value used when the export leaves it absent or empty.
    defaults: dict[str, str] = {}

    @field_validator("delimiter")
    @classmethod
    def _one_char(cls, value: str) -> str:
        if len(value) != 1 or value in {'"', "\n", "\r"}:
            raise ValueError("delimiter must be one character other than a quote or a line break")
        return value

    @field_validator("file")
    @classmethod
    def _inside_folder(cls, value: str | None) -> str | None:
        if value is not None and (value.startswith(("/", "\\")) or ".." in Path(value).parts):
            raise ValueError("file must be a name or glob inside DATA_DIR")
        return value


class Mapping(BaseModel):
    """A whole mapping file: `version: 1` and one entry per contract table that differs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal["1"] = "1"
    tables: dict[str, TableMapping] = {}

    @model_validator(mode="after")
    def _against_contract(self) -> Mapping:
        problems: list[str] = []
        for table_name, tm in self.tables.items():
            table = TABLES_BY_NAME.get(table_name)
            if table is None:
                problems.append(f"tables.{table_name}: not a contract table ({', '.join(TABLES_BY_NAME)})")
                continue
            problems.extend(_table_problems(table, tm))
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def for_table(self, name: str) -> TableMapping:
        return self.tables.get(name, TableMapping())


def _table_problems(table: Table, tm: TableMapping) -> list[str]:
    where = f"tables.{table.name}"
    problems: list[str] = []
    names = set(table.column_names)
    for section in ("columns", "values", "formats", "defaults"):
        for col in getattr(tm, section):
            if col not in names:
                problems.append(f"{where}.{section}.{col}: not a column of {table.name}")
    sources = list(tm.columns.values())
    for src in {s for s in sources if sources.count(s) > 1}:
        problems.append(f"{where}.columns: export column {src!r} is mapped to more than one contract column")
    for col, spellings in tm.values.items():
        if col not in names:
            continue
        for spelling, target in spellings.items():
            reason = python_reason(table.column(col), target)
            if reason:
                problems.append(f"{where}.values.{col}.{spelling}: target {target!r} {reason}")
    for col, fmt in tm.formats.items():
        if col not in names:
            continue
        if table.column(col).type not in (ColumnType.DATE, ColumnType.DATETIME):
            problems.append(f"{where}.formats.{col}: formats apply to date and datetime columns only")
        elif (err := _format_error(fmt)) is not None:
            problems.append(f"{where}.formats.{col}: {err}")
    for col, default in tm.defaults.items():
        if col in names and col not in tm.formats and (reason := python_reason(table.column(col), default)):
            problems.append(f"{where}.defaults.{col}: {default!r} {reason}")
    return problems


def _format_error(fmt: str) -> str | None:
    """DuckDB itself judges a strptime format, so what passes here also works while loading."""
    if "%" not in fmt:
        return f"{fmt!r} has no % directive (e.g. %d/%m/%Y)"
    try:
        duckdb.connect().execute("SELECT try_strptime('2000-01-01', ?)", [fmt]).fetchall()
    except duckdb.Error as exc:
        return f"{fmt!r} is not a valid strptime format ({exc})"
    return None


def load_mapping(path: Path) -> Mapping:
    """Read and validate a mapping file; every problem is reported at once, naming its place in the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError("mapping file not found", file=str(path)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"mapping file cannot be read: {exc}", file=str(path)) from exc
    try:
        data = yaml.load(text, Loader=yaml.BaseLoader)  # noqa: S506 - BaseLoader builds only str/list/dict
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=str(path)) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError("a mapping file is a YAML mapping with `version` and `tables`", file=str(path))
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            lines.append(f"{loc}: {err['msg']}" if loc else str(err["msg"]).removeprefix("Value error, "))
        raise InputError("invalid mapping: " + "; ".join(lines), file=str(path)) from exc


def mapping_digest(mapping: Mapping | None) -> str:
    """A stable fingerprint of the mapping, recorded in the load log beside each file's hash."""
    if mapping is None:
        return ""
    return hashlib.sha256(mapping.model_dump_json().encode()).hexdigest()[:16]
