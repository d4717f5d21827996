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
from chainbreaker.ingest.typed import Fast, Source, fast_check, text_source, text_sql


@dataclass(frozen=True)
class Projection:
    """CTEs and final SELECT over a relation `src_rows` (columns c0..cN), with its bound values."""

    sql: str
    params: dict[str, Any]


def build_projection(
    src: SourceFile, tm: TableMapping, keep_raw: bool, sources: dict[int, Source] | None = None
) -> Projection:
    """Staging columns: each contract column typed, `_col`/`_reason`/`_problems`, and raw c* when asked.

    Without `sources` every c* is text. With them (Parquet read by DuckDB, `typed.py`) a typed column is
    either checked as its type (`typed.fast_check`) or spelled as text first, and raw c* keep their types.
    """
    table: Table = src.table
    params = Params()
    names = [c.name for c in table.columns]
    cleaned = []
    reasons = []
    typed = []
    for col in table.columns:
        pos = src.positions.get(col.name)
        source = f"c{pos}" if pos is not None else None
        kind = sources.get(pos) if sources is not None and pos is not None else None
        fmt = tm.formats.get(col.name)
        fast: Fast | None = None
        if kind is not None and source is not None:
            plain = col.name not in tm.values and fmt is None and col.name not in tm.defaults
            fast = fast_check(col, kind, source) if plain else None
            if fast is None:
                source = text_sql(kind, source)
        if fast is None:
            cleaned.append(
                f"{normalised_sql(col, source, params, tm.values.get(col.name), tm.defaults.get(col.name))} AS {col.name}"
            )
            reasons.append(f"{reason_sql(col, col.name, params, fmt)} AS r__{col.name}")
            typed.append(f"{typed_sql(col, col.name, params, fmt)} AS {col.name}")
            continue
        assert kind is not None
        cleaned.append(f"{fast.value} AS {col.name}")
        # values the type does not settle get the text rules on their spelled text (same reasons)
        text = text_source(kind, col, fast)
        valid = fast.valid.format(v=col.name)
        reasons.append(
            f"(CASE WHEN {col.name} IS NOT NULL AND ({valid}) THEN NULL::VARCHAR "
            f"ELSE {reason_sql(col, text, params)} END) AS r__{col.name}"
        )
        typed.append(f"{fast.typed.format(v=col.name)} AS {col.name}")
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
