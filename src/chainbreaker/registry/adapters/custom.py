"""A bank's own list (exclusions, exited customers, internal watch list) as a CSV.

Columns: `id` and `name` required; optional `schema` (Person, Company, Organization, LegalEntity,
Vessel; default LegalEntity), `aliases` (`;`-separated), `country`, `birth_date`, `id_number`,
`topics` (`;`-separated FtM topics; default `reg.warn`), `notes`, `source_url`. Bad rows are rejected with
the reason: unknown schema, invalid date, unknown country, unknown topic, duplicate id.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from followthemoney import registry

from chainbreaker.core.errors import InputError
from chainbreaker.registry.model import EntityBuilder, SourceRead, require_file
from chainbreaker.registry.parsing import clean, decode

REQUIRED = ("id", "name")
SCHEMAS = ("Person", "Company", "Organization", "LegalEntity", "Vessel")


def read(path: Path, dataset: str) -> SourceRead:
    require_file(path, ".csv")
    text = decode(path, ("utf-8", "cp1252"))
    if text.lstrip().startswith(("<", "{", "[")):
        raise InputError("this is not a CSV file (XML or JSON content under a .csv name?)", file=str(path))
    reader = csv.DictReader(io.StringIO(text))
    fields = [clean(f).lower() for f in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in fields]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", file=str(path), column=", ".join(missing))
    reader.fieldnames = fields
    out = SourceRead(files=[path])
    seen: set[str] = set()
    try:
        for row in reader:
            out.rows_read += 1
            _row(out, dataset, reader.line_num, {k: clean(v) for k, v in row.items() if k}, seen)
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", file=str(path), row=reader.line_num) from exc
    return out


def _row(out: SourceRead, dataset: str, line: int, row: dict[str, str], seen: set[str]) -> None:
    source_id, name = row.get("id", ""), row.get("name", "")
    if not source_id or not name:
        out.reject(line, "row without id or name", f"{source_id} {name}")
        return
    if source_id in seen:
        out.reject(line, f"duplicate id {source_id}", name)
        return
    schema = row.get("schema") or "LegalEntity"
    if schema not in SCHEMAS:
        out.reject(line, f"unknown schema {schema!r} (use one of {', '.join(SCHEMAS)})", source_id)
        return
    entity = EntityBuilder.create(dataset, source_id, schema)
    entity.add("name", name)
    for alias in row.get("aliases", "").split(";"):
        entity.add("alias", alias)
    if row.get("country") and not entity.add("country", row["country"], fuzzy=True):
        out.reject(line, f"unknown country {row['country']!r}", source_id)
        return
    if row.get("birth_date"):
        if entity.schema.get("birthDate") is None:
            out.reject(line, f"birth_date given for a {schema}", source_id)
            return
        if not entity.add("birthDate", row["birth_date"]):
            out.reject(
                line,
                f"birth_date {row['birth_date']!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)",
                source_id,
            )
            return
    if row.get("id_number"):
        prop = "imoNumber" if schema == "Vessel" else "idNumber"
        entity.add(prop, row["id_number"])
    topics = [t.strip() for t in (row.get("topics") or "reg.warn").split(";") if t.strip()]
    unknown = [t for t in topics if registry.topic.clean(t) is None]
    if unknown:
        out.reject(line, f"unknown topic(s) {', '.join(unknown)}", source_id)
        return
    entity.add_all("topics", topics)
    entity.add("notes", row.get("notes"))
    entity.add("sourceUrl", row.get("source_url"))
    seen.add(source_id)
    out.put(entity)
