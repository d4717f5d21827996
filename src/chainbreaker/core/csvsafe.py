"""CSV cells that a spreadsheet will not run as formulas (CSV/formula injection).

Names in uploads, list files and rejected rows come from outside; a cell such as `=HYPERLINK(...)`,
`+cmd|' /C calc'!A0`, `@SUM(...)` or `-2+3+cmd|...` is a formula to Excel or LibreOffice when an analyst
opens the results or rejects file. Following OWASP's advice, every CSV the package writes prefixes such a
text cell with a single quote, which spreadsheets show as text; plain numbers (`-12.50`) are left as
they are. The value is unchanged in every other format (Parquet, JSON, the database).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

#: First characters that make a spreadsheet read a cell as a formula (tab and CR per OWASP).
FORMULA_START = "=+-@\t\r"
_NUMBER = r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$"
_FORMULA = r"^[=+\-@\t\r]"
_NUMBER_RE = re.compile(_NUMBER)


def safe_cell(value: Any) -> Any:
    """The value, with a leading `'` when it is text a spreadsheet would take for a formula."""
    if isinstance(value, str) and value and value[0] in FORMULA_START and not _NUMBER_RE.match(value):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def safe_mapping(row: dict[str, Any]) -> dict[str, Any]:
    return {k: safe_cell(v) for k, v in row.items()}


def _safe_array(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return column
    risky = pc.and_(
        pc.match_substring_regex(column, _FORMULA),
        pc.invert(pc.match_substring_regex(column, _NUMBER)),
    )
    quoted = pc.binary_join_element_wise(pa.scalar("'", column.type), column, pa.scalar("", column.type))
    return pc.if_else(pc.fill_null(risky, False), quoted, column)


def safe_table(table: pa.Table) -> pa.Table:
    """An Arrow table whose text columns are safe to write as CSV (other columns untouched)."""
    return pa.table([_safe_array(c) for c in table.columns], names=table.column_names)


def safe_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays([_safe_array(c) for c in batch.columns], names=batch.schema.names)
