"""UK HM Treasury / OFSI consolidated list, CSV: one row per name variant, grouped by Group ID.

Quirks handled: Windows-1252 text (UTF-8 accepted too); a preamble line `Last Updated,dd/mm/yyyy` before
the header (the edition date); values with leading spaces; dates of birth with 00 for an unknown day or
month; numbered lists inside one cell ("1) Saudi Arabia 2) Qatar"). Rows of one Group ID merge into one
entity: the "Prime Alias" row gives the name, "AKA" rows aliases and "FKA" rows previous names.

Publisher key: Group ID (our `source_id`, also kept as `programId`).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from chainbreaker.core.errors import InputError
from chainbreaker.registry.model import EntityBuilder, SourceRead, require_file
from chainbreaker.registry.parsing import clean, decode, parse_date, partial_date

REQUIRED = ("Name 6", "Group Type", "Alias Type", "Group ID")
SCHEMAS = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}
_NUMBERED = re.compile(r"\s*\d{1,2}\)\s*")


def _items(text: str) -> list[str]:
    """'1) Saudi Arabia 2) Qatar' -> ['Saudi Arabia', 'Qatar']."""
    return [clean(p).rstrip(".,;") for p in _NUMBERED.split(text) if clean(p).rstrip(".,;")]


def _numbers(text: str) -> list[str]:
    """The document number of each numbered item: its first token holding a digit."""
    found = []
    for item in _items(text):
        for token in item.replace(",", " ").split():
            token = token.strip("().:;")
            if any(c.isdigit() for c in token) and len(token) >= 4:
                found.append(token)
                break
    return found


def read(path: Path, dataset: str) -> SourceRead:
    require_file(path, ".csv")
    text = decode(path, ("utf-8", "cp1252"))
    if text.lstrip().startswith("<"):
        raise InputError("this is XML/HTML, not the HM Treasury consolidated list CSV", file=str(path))
    reader = csv.reader(io.StringIO(text))
    out = SourceRead(files=[path])
    header: list[str] | None = None
    try:
        for row in reader:
            if header is None:
                if row and clean(row[0]).lower() == "last updated" and len(row) > 1:
                    out.edition_date = parse_date(row[1], ("%d/%m/%Y", "%Y-%m-%d"))
                    continue
                header = [clean(c) for c in row]
                missing = [c for c in REQUIRED if c not in header]
                if missing:
                    raise InputError(
                        f"missing column(s) {', '.join(missing)}",
                        file=str(path),
                        row=reader.line_num,
                        column=", ".join(missing),
                    )
                continue
            if not any(c.strip() for c in row):
                continue
            out.rows_read += 1
            if len(row) != len(header):
                out.reject(
                    reader.line_num, f"expected {len(header)} columns, found {len(row)}", ",".join(row)[:200]
                )
                continue
            _row(out, dataset, reader.line_num, dict(zip(header, (clean(c) for c in row), strict=True)))
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", file=str(path), row=reader.line_num) from exc
    if header is None:
        raise InputError("no header row", file=str(path))
    return out


def _row(out: SourceRead, dataset: str, line: int, row: dict[str, str]) -> None:
    group = row["Group ID"]
    if not group:
        out.reject(line, "row without Group ID", row["Name 6"])
        return
    schema = SCHEMAS.get(row["Group Type"].lower())
    if schema is None:
        out.reject(line, f"unknown Group Type {row['Group Type']!r}", group)
        return
    names = [row.get(f"Name {i}", "") for i in (1, 2, 3, 4, 5)] + [row["Name 6"]]
    name = " ".join(n for n in names if n)
    if not name:
        out.reject(line, "row without a name", group)
        return
    entity = EntityBuilder.create(dataset, group, schema)
    alias_type = row["Alias Type"].lower()
    prop = "name" if alias_type.startswith("prime") else "previousName" if alias_type == "fka" else "alias"
    entity.add(prop, name)
    entity.add("programId", group)
    entity.add("topics", "sanction")
    entity.add("program", row.get("Regime"))
    entity.add("createdAt", _uk_date(row.get("Listed On", "")))
    entity.add("modifiedAt", _uk_date(row.get("Last Updated", "")))
    entity.add("notes", row.get("Other Information"))
    address = [row.get(f"Address {i}", "") for i in range(1, 7)] + [
        row.get("Post/Zip Code", ""),
        row.get("Country", ""),
    ]
    entity.add("address", ", ".join(a for a in address if a))
    for country in _items(row.get("Country", "")):
        entity.add("country", country, fuzzy=True)
    if schema == "Person":
        if prop == "name":
            entity.add("firstName", row.get("Name 1"))
            entity.add("lastName", row["Name 6"])
        entity.add("title", row.get("Title"))
        entity.add("position", row.get("Position"))
        dob = row.get("DOB", "")
        if dob:
            parts = dob.split("/")
            entity.add("birthDate", partial_date(*parts) if len(parts) == 3 else dob)
        entity.add("birthPlace", row.get("Town of Birth"))
        entity.add("birthCountry", row.get("Country of Birth"), fuzzy=True)
        for nationality in _items(row.get("Nationality", "")):
            entity.add("nationality", nationality, fuzzy=True)
        entity.add_all("passportNumber", _numbers(row.get("Passport Details", "")))
        entity.add_all("idNumber", _numbers(row.get("NI Number", "")))
    out.put(entity)


def _uk_date(text: str) -> str | None:
    parsed = parse_date(text, ("%d/%m/%Y", "%Y-%m-%d"))
    return parsed.isoformat() if parsed else None
