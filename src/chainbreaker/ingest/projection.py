"""The SQL that turns a file's raw strings into checked, typed contract columns, in the same pass that reads it.

Reading, cleaning, checking and typing happen in one streaming statement, so each file is parsed once and
the staging table (`load_stage`) holds compact typed values plus, per row, the first failing column, its
reason and the list of all problems. Later steps (references, duplicates, insert) only read that table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chainbreaker.core.contract import Table
from chainbreaker.ingest.checks import Params, normalised_sql, reason_sql, typed_sql
from chainbreaker.ingest.files import SourceFile
from chainbreaker.ingest.mapping import TableMapping


@dataclass(frozen=True)
class Projection:
    """CTEs and final SELECT over a relation `src_rows` (columns c0..cN), with its bound values."""

    sql: str
    params: dict[str, Any]


def build_projection(src: SourceFile, tm: TableMapping, keep_raw: bool) -> Projection:
    """Staging columns: each contract column typed, `_col`/`_reason`/`_problems`, and raw c* when asked."""
    table: Table = src.table
    params = Params()
    names = [c.name for c in table.columns]
    cleaned = []
    for col in table.columns:
        pos = src.positions.get(col.name)
        source = f"c{pos}" if pos is not None else None
        expr = normalised_sql(col, source, params, tm.values.get(col.name), tm.defaults.get(col.name))
        cleaned.append(f"{expr} AS {col.name}")
    reasons = [
        f"{reason_sql(c, c.name, params, tm.formats.get(c.name))} AS r__{c.name}" for c in table.columns
    ]
    typed = [f"{typed_sql(c, c.name, params, tm.formats.get(c.name))} AS {c.name}" for c in table.columns]
    first_reason = f"COALESCE({', '.join(f'r__{c}' for c in names)})"
    first_column = "CASE " + " ".join(f"WHEN r__{c} IS NOT NULL THEN '{c}'" for c in names) + " END"
    problems = (
        "concat_ws('; ', "
        + ", ".join(f"CASE WHEN r__{c} IS NOT NULL THEN '{c}: ' || r__{c} END" for c in names)
        + ")"
    )
    raw = [f"c{i}" for i in sorted(set(src.positions.values()))] if keep_raw else []
    sql = (
        f"n0 AS (SELECT {', '.join(cleaned + raw)} FROM src_rows), "
        f"n AS (SELECT *, {', '.join(reasons)} FROM n0) "
        f"SELECT {', '.join(typed + raw)}, "
        f"CASE WHEN {first_reason} IS NOT NULL THEN {first_column} END AS _col, "
        f"{first_reason} AS _reason, "
        f"CASE WHEN {first_reason} IS NOT NULL THEN {problems} END AS _problems "
        "FROM n"
    )
    return Projection(sql, dict(params.values))
