"""Parquet columns read by DuckDB in their own types, checked as types where the type already fixes the shape.

The contract's checks are written for text (`checks.py`); the Parquet path used to turn every value into
that text with Arrow first and then check the text. A typed column does not need most of that: a
timestamp cannot be `2024-02-30 25:00`, a decimal cannot be `12,50`. This module says, per source column:

- how DuckDB spells its values as the same text Arrow's cast gave (`text_sql`), so a value that does need
  the text rules, and the raw row of a reject, reads exactly as before;
- in which range that spelling is provably identical (`domain_sql`); a file with a value outside it (year
  0, a pre-1970 timestamp with a fraction of a second, ...) is staged the old way, through Arrow, whole;
- for the usual pairs (timestamp -> datetime/date, date -> date, integer/decimal -> amount, with no
  mapping on the column) a typed check: missing or not, and for amounts `0 < v < 10^16` with at most two
  decimals; every other value of such a column goes through the text rules on its spelled text, so the
  reasons cannot differ.

Column types this module does not know (floats, zoned timestamps, booleans, binary, nested, ...) make
`typed_sources` return None: the whole file goes through Arrow, as before. Floats and zoned timestamps are
spelled differently by DuckDB and Arrow, so only Arrow can give their old text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pyarrow as pa

from chainbreaker.core.contract import Column, ColumnType
from chainbreaker.ingest.checks import DATE_FORMAT, DATETIME_FORMAT, lit

Kind = Literal["text", "timestamp", "timestamp_ns", "date", "number"]

#: Largest decimal scale whose Arrow spelling is plain (Arrow switches to 1E-7 notation below 10^-6).
MAX_PLAIN_SCALE = 6
#: An amount's integer part has at most 16 digits (`checks._DECIMAL_RE`).
AMOUNT_LIMIT = "10000000000000000"

_DUCKDB_INTEGERS = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
}


@dataclass(frozen=True)
class Source:
    """One used Parquet column: how DuckDB reads it, and the format its timestamps were spelled in."""

    kind: Kind
    scale: int = 0
    fmt: str = DATETIME_FORMAT


def typed_sources(
    types: dict[int, pa.DataType], duckdb_types: dict[int, str], date_positions: set[int]
) -> dict[int, Source] | None:
    """Per used position its `Source`, or None when some column must be spelled by Arrow (old path).

    `types` are the Arrow types of the file's schema, `duckdb_types` what DuckDB's reader makes of the
    same columns; both must agree on the kind, otherwise the file takes the old path.
    """
    found: dict[int, Source] = {}
    for pos, t in types.items():
        duck = duckdb_types.get(pos, "")
        kind = _kind(t, duck)
        if kind is None:
            return None
        scale = t.scale if pa.types.is_decimal(t) else 0
        found[pos] = Source(kind, scale, DATE_FORMAT if pos in date_positions else DATETIME_FORMAT)
    return found


def _kind(t: pa.DataType, duck: str) -> Kind | None:
    if pa.types.is_dictionary(t):
        t = t.value_type
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "text" if duck == "VARCHAR" else None
    if pa.types.is_timestamp(t) and t.tz is None:
        if duck == "TIMESTAMP":
            return "timestamp"
        return "timestamp_ns" if duck == "TIMESTAMP_NS" else None
    if pa.types.is_date32(t):
        return "date" if duck == "DATE" else None
    if pa.types.is_integer(t):
        return "number" if duck in _DUCKDB_INTEGERS else None
    if pa.types.is_decimal128(t) and 0 <= t.scale <= MAX_PLAIN_SCALE and t.precision > t.scale:
        # DuckDB spells DECIMAL(5,5) as .5 where Arrow writes 0.5: at least one integer digit is required
        return "number" if duck == f"DECIMAL({t.precision},{t.scale})" else None
    return None


def text_sql(source: Source, expr: str) -> str:
    """SQL spelling `expr` (the column as DuckDB reads it) as the text Arrow's cast gave, inside the domain."""
    if source.kind in ("timestamp", "timestamp_ns"):
        # the old path cast to whole seconds (truncating), then formatted; inside the domain that is date_trunc
        return f"strftime(date_trunc('second', {expr}::TIMESTAMP), {lit(source.fmt)})"
    if source.kind == "date":
        return f"strftime({expr}, {lit(DATE_FORMAT)})"
    if source.kind == "number":
        return f"{expr}::VARCHAR"
    return expr


def domain_sql(source: Source, expr: str) -> str | None:
    """SQL true where DuckDB's spelling of a non-NULL value is Arrow's (None: everywhere).

    Outside: years before 1 or after 9999 (DuckDB and Arrow spell them differently), and timestamps before
    1970 with a fraction of a second (Arrow truncates towards zero, `date_trunc` towards the past).
    """
    if source.kind == "timestamp":
        return (
            f"({expr} BETWEEN TIMESTAMP '0001-01-01' AND TIMESTAMP '9999-12-31 23:59:59.999999'"
            f" AND ({expr} >= TIMESTAMP '1970-01-01' OR epoch_us({expr}) % 1000000 = 0))"
        )
    if source.kind == "timestamp_ns":  # TIMESTAMP_NS only spans 1677-2262
        return f"({expr} >= TIMESTAMP_NS '1970-01-01' OR epoch_ns({expr}) % 1000000000 = 0)"
    if source.kind == "date":
        return f"({expr} BETWEEN DATE '0001-01-01' AND DATE '9999-12-31')"
    return None


@dataclass(frozen=True)
class Fast:
    """A typed check for one contract column: value kept in n0, condition for 'valid', final typed value."""

    value: str
    valid: str
    typed: str


def fast_check(col: Column, source: Source, expr: str) -> Fast | None:
    """The typed check of `col` read from `expr`, when its type fixes the text's shape; None otherwise.

    `valid` may only hold for values the text rules would accept; any other non-NULL value is checked by
    the text rules on `text_sql` (the caller writes that branch), so the reasons stay the same.
    """
    if col.type is ColumnType.DATETIME and source.kind in ("timestamp", "timestamp_ns"):
        if source.fmt != DATETIME_FORMAT:
            return None
        # within the domain every value is a real YYYY-MM-DDTHH:MM:SS of years 0001-9999
        return Fast(f"date_trunc('second', {expr}::TIMESTAMP)", "true", "{v}")
    if col.type is ColumnType.DATE and source.kind in ("timestamp", "timestamp_ns"):
        return Fast(f"date_trunc('second', {expr}::TIMESTAMP)", "true", "CAST({v} AS DATE)")
    if col.type is ColumnType.DATE and source.kind == "date":
        return Fast(expr, "true", "{v}")
    if col.type is ColumnType.DECIMAL and source.kind == "number":
        valid = "{v} > 0 AND {v} < " + AMOUNT_LIMIT
        if source.scale > 2:
            valid += " AND {v} = round({v}, 2)"
        return Fast(expr, valid, "TRY_CAST({v} AS DECIMAL(18,2))")
    return None


def text_source(source: Source, col: Column, fast: Fast | None) -> str:
    """The spelled text of the value held in n0 under the column's name (the raw value or `fast.value`)."""
    if fast is None:
        return col.name
    if source.kind in ("timestamp", "timestamp_ns"):
        return f"strftime({col.name}, {lit(source.fmt)})"  # n0 already holds the truncated timestamp
    return text_sql(source, col.name)
