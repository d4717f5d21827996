"""US DHS Uyghur Forced Labor Prevention Act (UFLPA) Entity List, from a CSV or JSON transcription.

DHS publishes the list as a web page and Federal Register notices, not as a data file, so users keep a
transcription: CSV columns (or JSON object keys) `name`, `aliases` (separated by `;`), `address`,
`country`, `date_added`, and optionally `section` and `notes`. A JSON file is a list of such objects.

No publisher key exists; our `source_id` is a slug of the name.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from chainbreaker.core.errors import InputError
from chainbreaker.registry.model import EntityBuilder, SourceRead, require_file
from chainbreaker.registry.parsing import clean, decode, parse_date

REQUIRED = ("name",)
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%B %d, %Y", "%d/%m/%Y")


def read(path: Path, dataset: str) -> SourceRead:
    require_file(path, ".csv", ".json")
    text = decode(path, ("utf-8", "cp1252"))
    out = SourceRead(files=[path])
    records: list[tuple[int, dict[str, Any]]]
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON: {exc.msg}", file=str(path), row=exc.lineno) from exc
        if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
            raise InputError("expected a JSON list of objects with at least a `name`", file=str(path))
        records = [(i + 1, d) for i, d in enumerate(data)]
        keys = set().union(*(d.keys() for d in data)) if data else set()
    else:
        if text.lstrip().startswith(("<", "{", "[")):
            raise InputError(
                "this is not a CSV file (XML or JSON content under a .csv name?)", file=str(path)
            )
        reader = csv.DictReader(io.StringIO(text))
        keys = {clean(k).lower() for k in reader.fieldnames or []}
        records = []
        try:
            for row in reader:
                records.append((reader.line_num, {clean(k).lower(): v for k, v in row.items() if k}))
        except csv.Error as exc:
            raise InputError(f"malformed CSV: {exc}", file=str(path), row=reader.line_num) from exc
    missing = [k for k in REQUIRED if k not in keys]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", file=str(path), column=", ".join(missing))
    for line, record in records:
        out.rows_read += 1
        _record(out, dataset, line, record)
    return out


def _record(out: SourceRead, dataset: str, line: int, record: dict[str, Any]) -> None:
    name = clean(record.get("name"))
    if not name:
        out.reject(line, "row without a name")
        return
    country = clean(record.get("country")) or "China"
    entity = EntityBuilder.create(dataset, name, "Organization")
    entity.add("name", name)
    aliases = record.get("aliases") or []
    for alias in aliases if isinstance(aliases, list) else str(aliases).split(";"):
        entity.add("alias", clean(alias))
    entity.add("address", clean(record.get("address")))
    if not entity.add("country", country, fuzzy=True):
        out.reject(line, f"unknown country {country!r}", name)
        return
    entity.add_all("topics", ("forced.labor", "export.risk"))
    entity.add(
        "program",
        "UFLPA Entity List" + (f", {clean(record.get('section'))}" if record.get("section") else ""),
    )
    raw_date = clean(record.get("date_added"))
    added = parse_date(raw_date, DATE_FORMATS)
    if raw_date and added is None:
        out.reject(line, f"date_added {raw_date!r} is not a date (YYYY-MM-DD)", name)
        return
    entity.add("createdAt", added.isoformat() if added else None)
    entity.add("notes", clean(record.get("notes")))
    out.put(entity)
