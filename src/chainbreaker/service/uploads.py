"""Checking an uploaded query file before any job exists: size, type, encoding, header, rows.

Everything is checked up front and in memory, so a bad upload is answered with a clear 4xx and leaves
nothing behind: no job row, no partial result file. Rows that cannot be screened (an empty name, a
1,000-character name) do not fail the upload: they are counted and listed as rejects with the reason,
so read = accepted + rejected.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from fastapi import UploadFile

from chainbreaker.core.errors import InputError
from chainbreaker.screening.types import Query
from chainbreaker.service.errors import PayloadTooLargeError, UnsupportedMediaError

#: Columns of the query file of the data contract (`screen --names`).
QUERY_COLUMNS = ("query_id", "name", "schema", "date_of_birth", "country", "id_number")
SCHEMAS = ("Person", "Company", "Organization", "Vessel", "LegalEntity")
CSV_TYPES = (
    "text/csv",
    "application/csv",
    "application/vnd.ms-excel",
    "text/plain",
    "application/octet-stream",
)
MAX_NAME_LENGTH = 500


@dataclass
class ParsedUpload:
    filename: str
    queries: list[Query] = field(default_factory=list)
    rejects: list[tuple[int, str, str]] = field(default_factory=list)  # (row, query_id, reason)

    @property
    def read(self) -> int:
        return len(self.queries) + len(self.rejects)


def check_upload_type(filename: str | None, content_type: str | None) -> str:
    name = (filename or "").strip() or "upload.csv"
    if not name.lower().endswith(".csv"):
        raise UnsupportedMediaError(f"{name}: only .csv files can be screened")
    media = (content_type or "text/csv").split(";")[0].strip().lower()
    if media not in CSV_TYPES:
        raise UnsupportedMediaError(f"{name}: content type {media} is not CSV")
    return name[-200:]


def parse_query_csv(data: bytes, filename: str, max_rows: int) -> ParsedUpload:
    """The queries of a contract query file; `InputError` (422) names the row of a malformed file."""
    if not data.strip():
        raise InputError("the file is empty", file=filename)
    if b"\x00" in data:
        raise InputError("the file is binary, not CSV text", file=filename)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=filename) from exc
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (csv.Error, StopIteration) as exc:
        raise InputError(f"cannot read the header: {exc}", file=filename, row=1) from exc
    if "name" not in header:
        raise InputError("the header has no 'name' column", file=filename, row=1, column="name")
    unknown = [h for h in header if h not in QUERY_COLUMNS]
    if unknown:
        raise InputError(
            f"unknown column(s) {', '.join(unknown)}; expected {', '.join(QUERY_COLUMNS)}",
            file=filename,
            row=1,
        )
    if len(set(header)) != len(header):
        raise InputError("a column appears twice in the header", file=filename, row=1)
    parsed = ParsedUpload(filename)
    seen: set[str] = set()
    row_number = 1
    try:
        for row_number, values in enumerate(reader, start=2):
            if not values:
                continue  # a blank line is no row
            if not any(v.strip() for v in values):
                # a row of separators only is a row: it is counted as rejected, never silently dropped
                parsed.rejects.append((row_number, f"row-{row_number}", "empty row (separators only)"))
                continue
            if len(values) != len(header):
                raise InputError(
                    f"has {len(values)} fields, the header has {len(header)}", file=filename, row=row_number
                )
            if parsed.read >= max_rows:
                raise PayloadTooLargeError(f"{filename}: more than {max_rows} rows; split the file")
            rec = dict(zip(header, (v.strip() for v in values), strict=True))
            query_id = rec.get("query_id") or f"row-{row_number}"
            reason = _row_problem(rec, query_id, seen)
            if reason:
                parsed.rejects.append((row_number, query_id, reason))
                continue
            seen.add(query_id)
            parsed.queries.append(
                Query(
                    query_id=query_id,
                    name=rec["name"],
                    schema=rec.get("schema") or None,
                    birth_date=rec.get("date_of_birth") or None,
                    countries=(rec["country"],) if rec.get("country") else (),
                    identifiers=(rec["id_number"],) if rec.get("id_number") else (),
                )
            )
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", file=filename, row=row_number) from exc
    if parsed.read == 0:
        raise InputError("the file has a header but no rows", file=filename)
    return parsed


def _row_problem(rec: dict[str, str], query_id: str, seen: set[str]) -> str | None:
    name = rec.get("name", "")
    if not name:
        return "empty name"
    if len(name) > MAX_NAME_LENGTH:
        return f"name longer than {MAX_NAME_LENGTH} characters"
    if any(ord(ch) < 32 for ch in name):
        return "name contains control characters"
    if query_id in seen:
        return f"query_id {query_id} appears twice"
    schema = rec.get("schema")
    if schema and schema not in SCHEMAS:
        return f"schema must be one of {', '.join(SCHEMAS)}"
    return None


async def read_upload(file: UploadFile, max_bytes: int, max_rows: int) -> ParsedUpload:
    """Read at most `max_bytes` (+1 to detect more) from an upload and parse it; 413/415/422 on bad input."""
    name = check_upload_type(file.filename, file.content_type)
    data = await file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PayloadTooLargeError(f"{name} is larger than {max_bytes // 1024} KiB")
    return parse_query_csv(data, name, max_rows)
