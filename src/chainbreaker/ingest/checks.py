"""Per-column rules of the contract, written once as SQL (for millions of rows) and once in Python (for the
few values a mapping file declares), with the same reasons in both.

The SQL runs inside DuckDB over a staging table of strings, so a 10-million-row file is checked by a
vectorised engine that streams and spills, not by a Python loop. Values are never pasted into SQL: every
constant goes through `Params`, which hands out `$pN` placeholders.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from chainbreaker.core.contract import Column, ColumnType
from chainbreaker.core.reference import country_codes, currency_codes

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"

REASON_MISSING = "required value is missing"
REASON_DATE = "not a date YYYY-MM-DD"
REASON_DATETIME = "not a datetime YYYY-MM-DDTHH:MM:SS"
REASON_DECIMAL = "not a decimal number (digits, optional point, at most 2 decimals)"
REASON_NOT_POSITIVE = "amount must be greater than 0"
REASON_ENUM = "not one of: {values}"
REASON_COUNTRY = "not an ISO 3166-1 alpha-2 country code"
REASON_CURRENCY = "not an ISO 4217 currency code"
REASON_MCC = "not a 4-digit merchant category code"
REASON_NAICS = "not a NAICS code (2 to 6 digits)"
REASON_CONTROL = "contains a control character (e.g. NUL or vertical tab); reports to an FIU cannot carry it"
REASON_YEAR_ZERO = "year 0000 is not a date (a placeholder?)"
#: Longest text value accepted in a contract column: far above any real name, address or description.
MAX_TEXT_CHARS = 10_000
REASON_TOO_LONG = f"longer than {MAX_TEXT_CHARS} characters"
#: Characters that XML 1.0 (goAML, FinCEN) cannot carry, plus DEL: a name holding one broke every export.
_CONTROL_RE = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"

_DATE_RE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_DATETIME_RE = _DATE_RE + r"T[0-9]{2}:[0-9]{2}:[0-9]{2}"
_DECIMAL_RE = r"[0-9]{1,16}(\.[0-9]{0,2}0*)?"


@dataclass
class Params:
    """Collects bound values for one statement and names their placeholders."""

    values: dict[str, Any] = field(default_factory=dict)

    def add(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"${name}"


def reason_for_format(col: Column, fmt: str | None) -> str:
    if fmt is None:
        return REASON_DATE if col.type is ColumnType.DATE else REASON_DATETIME
    kind = "date" if col.type is ColumnType.DATE else "datetime"
    return f"not a {kind} in the mapped format {fmt}"


def normalised_sql(
    col: Column,
    source: str | None,
    params: Params,
    value_map: dict[str, str] | None = None,
    default: str | None = None,
) -> str:
    """SQL giving the cleaned string of a column: trimmed, empty as NULL, mapped spelling, default.

    Enumerations are lower-cased and codes upper-cased first, since `IN`/`Card`/`us` are the same
    facts as `in`/`card`/`US`; anything further is the mapping file's job.
    """
    expr = "NULL::VARCHAR" if source is None else f"NULLIF(trim({source}), '')"
    if value_map:
        whens = " ".join(f"WHEN {params.add(k.strip())} THEN {params.add(v)}" for k, v in value_map.items())
        expr = f"(CASE {expr} {whens} ELSE {expr} END)"
    if col.type is ColumnType.ENUM:
        expr = f"lower({expr})"
    elif col.type in (ColumnType.COUNTRY, ColumnType.CURRENCY):
        expr = f"upper({expr})"
    fallback = default if default is not None else col.default
    if fallback is not None:
        expr = f"COALESCE({expr}, {params.add(fallback)})"
    return expr


def lit(value: str | tuple[str, ...]) -> str:
    """A SQL literal for one of this module's own constants (patterns, formats, reasons, code lists).

    Only code-owned constants go through here: DuckDB compiles a literal regex or format once per query,
    while a bound parameter is re-read for every row (measured 3x slower). Anything that comes from a
    user (mapping spellings, defaults, formats) is bound through `Params` instead.
    """
    if isinstance(value, tuple):
        return "[" + ", ".join(lit(v) for v in value) + "]"
    return "'" + value.replace("'", "''") + "'"


def code_pattern(codes: Iterable[str]) -> str:
    """A code list as one regex alternation (`AD|AE|...`) for `regexp_full_match`: exact membership.

    Not `NOT IN (SELECT code FROM ...)`: DuckDB plans that subquery as a join, and with a join in the
    staging statement its parallel reader no longer keeps file order, so staged row k was not the file's
    record k and rejects pointed at the wrong lines (seen on a 1M-row CSV with DuckDB 1.5). A regex keeps
    the pipeline a plain projection and costs the same (RE2 builds one automaton for the list).
    """
    ordered = sorted(set(codes))
    if not all(re.fullmatch(r"[A-Z0-9]+", c) for c in ordered):
        raise ValueError("reference codes must be upper-case letters and digits")
    return "|".join(ordered)


def reason_sql(col: Column, value: str, params: Params, fmt: str | None = None) -> str:
    """SQL giving why `value` (a normalised string expression) breaks the contract, or NULL when it is fine."""
    missing = f"WHEN {value} IS NULL THEN " + (lit(REASON_MISSING) if col.required else "NULL")
    checks: list[tuple[str, str]] = []
    t = col.type
    if t in (ColumnType.DATE, ColumnType.DATETIME):
        if fmt is None:
            shape = _DATE_RE if t is ColumnType.DATE else _DATETIME_RE
            std = DATE_FORMAT if t is ColumnType.DATE else DATETIME_FORMAT
            bad = f"NOT regexp_full_match({value}, {lit(shape)}) OR try_strptime({value}, {lit(std)}) IS NULL"
            checks.append((f"starts_with({value}, '0000')", lit(REASON_YEAR_ZERO)))
            checks.append((bad, lit(reason_for_format(col, None))))
        else:
            bad = f"try_strptime({value}, {params.add(fmt)}) IS NULL"
            checks.append((bad, params.add(reason_for_format(col, fmt))))
    elif t is ColumnType.DECIMAL:
        # one regex per row: well-formed values are then only checked for > 0
        checks.append(
            (
                f"regexp_full_match({value}, {lit(_DECIMAL_RE)}) AND try_cast({value} AS DECIMAL(18,2)) <= 0",
                lit(REASON_NOT_POSITIVE),
            )
        )
        checks.append((f"regexp_full_match({value}, {lit(_DECIMAL_RE)})", "NULL"))
        checks.append((f"try_cast({value} AS DOUBLE) <= 0", lit(REASON_NOT_POSITIVE)))
        checks.append(("true", lit(REASON_DECIMAL)))
    elif t is ColumnType.ENUM:
        reason = REASON_ENUM.format(values=", ".join(col.values))
        checks.append((f"NOT list_contains({lit(col.values)}, {value})", lit(reason)))
    elif t is ColumnType.COUNTRY:
        checks.append(
            (f"NOT regexp_full_match({value}, {lit(code_pattern(country_codes()))})", lit(REASON_COUNTRY))
        )
    elif t is ColumnType.CURRENCY:
        checks.append(
            (f"NOT regexp_full_match({value}, {lit(code_pattern(currency_codes()))})", lit(REASON_CURRENCY))
        )
    elif t is ColumnType.MCC:
        checks.append((f"NOT regexp_full_match({value}, {lit('[0-9]{4}')})", lit(REASON_MCC)))
    elif t is ColumnType.NAICS:
        checks.append((f"NOT regexp_full_match({value}, {lit('[0-9]{2,6}')})", lit(REASON_NAICS)))
    elif t is ColumnType.STRING:
        checks.append((f"length({value}) > {MAX_TEXT_CHARS}", lit(REASON_TOO_LONG)))
        checks.append((f"regexp_matches({value}, {lit(_CONTROL_RE)})", lit(REASON_CONTROL)))
    if not checks and not col.required:
        return "NULL::VARCHAR"
    whens = " ".join(f"WHEN {cond} THEN {reason}" for cond, reason in checks)
    return f"(CASE {missing} {whens} ELSE NULL END)"


def typed_sql(col: Column, value: str, params: Params, fmt: str | None = None) -> str:
    """SQL turning a checked, normalised string into the column's workspace type.

    The `try_` forms never raise: the expression may be evaluated on rows that failed their checks
    (they are filtered out afterwards), and one bad row must not abort the load.
    """
    t = col.type
    if t is ColumnType.DATE:
        return f"CAST(try_strptime({value}, {params.add(fmt) if fmt else lit(DATE_FORMAT)}) AS DATE)"
    if t is ColumnType.DATETIME:
        return f"CAST(try_strptime({value}, {params.add(fmt) if fmt else lit(DATETIME_FORMAT)}) AS TIMESTAMP)"
    if t is ColumnType.DECIMAL:
        return f"TRY_CAST({value} AS DECIMAL(18,2))"
    return value


def python_reason(col: Column, value: str) -> str | None:
    """The same rules for one value in Python (mapping targets and defaults), or None when it is fine."""
    v = value.strip()
    t = col.type
    if not v:
        return REASON_MISSING if col.required else None
    if t is ColumnType.ENUM:
        return None if v.lower() in col.values else REASON_ENUM.format(values=", ".join(col.values))
    if t is ColumnType.COUNTRY:
        return None if v.upper() in country_codes() else REASON_COUNTRY
    if t is ColumnType.CURRENCY:
        return None if v.upper() in currency_codes() else REASON_CURRENCY
    if t is ColumnType.MCC:
        return None if re.fullmatch(r"[0-9]{4}", v) else REASON_MCC
    if t is ColumnType.NAICS:
        return None if re.fullmatch(r"[0-9]{2,6}", v) else REASON_NAICS
    if t is ColumnType.STRING:
        if len(v) > MAX_TEXT_CHARS:
            return REASON_TOO_LONG
        return REASON_CONTROL if re.search(_CONTROL_RE, v) else None
    if t is ColumnType.DECIMAL:
        if not re.fullmatch(_DECIMAL_RE, v):
            return REASON_DECIMAL
        return None if float(v) > 0 else REASON_NOT_POSITIVE
    if t in (ColumnType.DATE, ColumnType.DATETIME):
        fmt, shape = (DATE_FORMAT, _DATE_RE) if t is ColumnType.DATE else (DATETIME_FORMAT, _DATETIME_RE)
        try:
            dt.datetime.strptime(v, fmt)
        except ValueError:
            return reason_for_format(col, None)
        if not re.fullmatch(shape, v):
            return reason_for_format(col, None)
    return None
