"""Reading the query file of `screen --names` and writing results as CSV, Parquet or JSON lines."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from chainbreaker.core.contract import SCREENING_COLUMNS
from chainbreaker.core.demo_lists import DEMO_LABEL, is_demo_dataset
from chainbreaker.core.errors import InputError
from chainbreaker.screening.types import Query

QUERY_COLUMNS = ("query_id", "name", "schema", "date_of_birth", "country", "id_number")
SCHEMAS = ("Person", "Company", "Organization", "Vessel", "LegalEntity")
OUTPUT_FORMATS = (".csv", ".parquet", ".jsonl", ".json", ".ndjson")


def read_queries(path: Path) -> list[Query]:
    """The query file of the contract (`query_id, name` + optional `schema, date_of_birth, country,
    id_number`). A missing file or name column is an error; bad rows are kept and rejected later with
    their reason by the job (an empty name), or here with the row number (an unknown schema)."""
    if not path.is_file():
        raise InputError("query file not found", file=str(path))
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip() for h in (reader.fieldnames or [])]
            if "name" not in header:
                raise InputError(
                    f"the query file needs a 'name' column (found: {', '.join(header) or 'no header'})",
                    file=str(path),
                    column="name",
                )
            queries = []
            for row_no, raw in enumerate(reader, start=2):
                row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if isinstance(v, str)}
                schema = row.get("schema") or None
                if schema is not None:
                    matched = next((s for s in SCHEMAS if s.lower() == schema.lower()), None)
                    if matched is None:
                        raise InputError(
                            f"unknown schema {schema!r}; use one of {', '.join(SCHEMAS)}",
                            file=str(path),
                            row=row_no,
                            column="schema",
                        )
                    schema = matched
                queries.append(
                    Query(
                        query_id=row.get("query_id") or f"row-{row_no}",
                        name=raw.get("name") or "",
                        schema=schema,
                        birth_date=row.get("date_of_birth") or None,
                        countries=(row["country"],) if row.get("country") else (),
                        identifiers=(row["id_number"],) if row.get("id_number") else (),
                    )
                )
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=str(path)) from exc
    return queries


def write_rows(rows: Sequence[dict[str, Any]], out: Path, columns: Sequence[str] = SCREENING_COLUMNS) -> Path:
    """Write rows in the given column order, the format chosen by the file's extension.

    When a row matched a demo list (core/demo_lists.py), a trailing `list_note` column says
    "DEMO (synthetic list)" on those rows, so a copied hits file cannot pass for real list matches."""
    if any(is_demo_dataset(r.get("dataset")) for r in rows):
        rows = [{**r, "list_note": DEMO_LABEL if is_demo_dataset(r.get("dataset")) else None} for r in rows]
        columns = (*columns, "list_note")
    suffix = out.suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        raise InputError(
            f"unknown output format {suffix or '(none)'}; use .csv, .parquet or .jsonl", file=str(out)
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    table = pa.table(
        {
            c: pa.array([r.get(c) for r in rows], pa.float64() if c == "score" else pa.string())
            for c in columns
        }
    )
    if suffix == ".parquet":
        pq.write_table(table, out)
    elif suffix == ".csv":
        pacsv.write_csv(table, out)
    else:
        with out.open("w", encoding="utf-8") as handle:
            for row in table.to_pylist():
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return out
