"""CSV downloads of tables (evidence, alerts, cases, list matches, registry), streamed row by row.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`, so a
spreadsheet opening the file shows the text instead of running it as a formula (CSV injection);
numbers stay numbers because they are written from numeric values, not from text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from urllib.parse import quote

from fastapi.responses import StreamingResponse

from chainbreaker.core.csvsafe import safe_cell


def cell(value: object) -> str:
    """One value as CSV text, defused if a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return str(safe_cell(text))  # the package's one formula rule (core.csvsafe)


def rows_to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The header and the rows as CSV text, a chunk per 500 rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for i, row in enumerate(rows, start=1):
        writer.writerow([cell(v) for v in row])
        if i % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> StreamingResponse:
    safe = "".join(ch for ch in filename if ch.isalnum() or ch in "-_.")[:80] or "export.csv"
    return StreamingResponse(
        rows_to_csv(header, rows),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f"attachment; filename=\"{safe}\"; filename*=UTF-8''{quote(safe)}"},
    )
