"""US CBP Withhold Release Orders and Findings, in CBP's dataset CSV columns.

Columns: Calendar Year, Country Code, Country, Merchandise, Industry, Status, WRO/Finding, Entity,
Effective Date, Modified Date, Remarks, Press Release. One row is one order; its `Entity` cell is free
text that may name several parties ("X and Y", "X, a/k/a Y", "X and its subsidiaries", "A, B, and C",
"Fishing Vessel: X"), which `split_entities` turns into separate names and aliases. Every row also gives
a goods × country fact (kind `wro` or `finding`). Rows whose status is inactive or revoked list nobody:
the order was lifted, so a later edition records the entity as removed.

No publisher key exists per party; our `source_id` is a slug of the party's name and country.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from followthemoney import registry

from chainbreaker.core.errors import InputError
from chainbreaker.registry.model import EntityBuilder, GoodsFact, SourceRead, require_file
from chainbreaker.registry.parsing import clean, decode, parse_date

COLUMNS = (
    "Calendar Year",
    "Country Code",
    "Country",
    "Merchandise",
    "Industry",
    "Status",
    "WRO/Finding",
    "Entity",
    "Effective Date",
    "Modified Date",
    "Remarks",
    "Press Release",
)
REQUIRED = ("Country", "Merchandise", "Status", "WRO/Finding", "Entity")
INACTIVE = ("inactive", "revoked", "vacated", "lifted", "modified - inactive")
SOURCE = "CBP Withhold Release Orders and Findings"
DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d", "%d-%b-%y", "%m/%d/%y", "%B %d, %Y")

_LEGAL = (
    r"(?:Co\.?,? Ltd\.?|Ltd\.?|Limited|Inc\.?|LLC|L\.L\.C\.|S\.A\.(?: de C\.V\.)?|S\.R\.L\.|Sdn\.? Bhd\.?|"
    r"Berhad|Pvt\.?|Corp\.?|Corporation|Company|D\.O\.O\.|GmbH|PLC|Group)"
)
_SUBSIDIARIES = re.compile(
    r"\s*,?\s+and\s+(?:its|their)\s+(?:\w+\s+)?(?:subsidiaries|subordinates)(?:\s+from\s+[A-Z][\w ]*?)?"
    r"(?:\s+and\s+joint\s+ventures)?\s*(?=,|$)",
    re.IGNORECASE,
)
_SUBSIDIARIES_BARE = re.compile(r"\s+and\s+subsidiaries\s*$", re.IGNORECASE)
_COLLECTIVE = re.compile(r"^(.*)\(collectively,\s*([^)]+)\)\s*$", re.IGNORECASE)
_VESSEL = re.compile(r"^Fishing Vessel:\s*(.+)$", re.IGNORECASE)
_VESSELS_OWNED = re.compile(r"^(Fishing Vessels owned by)\s+(.+)$", re.IGNORECASE)
_OF_PLACE = re.compile(r"\s*\(of ([^)]+)\)\s*$")
_GOODS_ONLY = re.compile(r"\bproduced in\b|^all\s", re.IGNORECASE)
_ENDS_LEGAL = re.compile(rf"{_LEGAL}\s*$", re.IGNORECASE)
_ABBREVIATIONS = {"ltd", "co", "inc", "pvt", "corp", "bhd", "s.a", "c.v", "d.o.o", "l.l.c", "s.r.l", "no"}


@dataclass
class Party:
    """One party named in a CBP `Entity` cell."""

    name: str
    aliases: list[str] = field(default_factory=list)
    schema: str = "Organization"
    notes: str = ""
    place: str = ""


def _tidy(text: str) -> str:
    value = clean(text).strip(" ,;")
    if value.endswith("."):
        last = value[:-1].rsplit(" ", 1)[-1].lower()
        if last not in _ABBREVIATIONS and not re.search(r"\.[a-z]$", last):
            value = value[:-1]
    return value


def _split_and(text: str) -> list[str]:
    """'A Co., Ltd. and B Co., Ltd.' -> both; 'Cotton and Linen Co., Ltd.' stays whole (no legal form before 'and')."""
    parts = re.split(r"\s+and\s+", text)
    out: list[str] = []
    for part in parts:
        if out and _ENDS_LEGAL.search(out[-1]):
            out.append(part)
        elif out:
            out[-1] = f"{out[-1]} and {part}"
        else:
            out.append(part)
    return out


def _split_list(text: str) -> list[str]:
    """'A Pvt., B Pvt., Ltd., C, and D' -> [A Pvt., B Pvt., Ltd., C, D]; refused when an item is one word."""
    if ", and " not in text:
        return [text]
    items: list[str] = []
    for piece in re.split(r",\s+(?:and\s+)?", text):
        if items and re.fullmatch(rf"{_LEGAL}\.?", piece, re.IGNORECASE):
            items[-1] = f"{items[-1]}, {piece}"
        else:
            items.append(piece)
    if any(len(i.split()) < 2 for i in items):
        return [text]
    return items


def split_entities(raw: str) -> list[Party]:
    """The parties named in one CBP `Entity` cell, with aliases, vessels and notes separated out."""
    text = clean(raw).replace('""', '"')
    if not text or _GOODS_ONLY.search(text):
        return []
    if (m := _VESSEL.match(text)) is not None:
        return [Party(_tidy(m.group(1)), schema="Vessel")]
    if (m := _VESSELS_OWNED.match(text)) is not None:
        return [Party(_tidy(m.group(2)), schema="Company", notes=text)]
    if "a/k/a" in text:
        head, *aliases = [a for a in re.split(r",?\s*a/k/a\s+|;\s*", text) if a.strip()]
        return [Party(_tidy(head), [_tidy(a) for a in aliases])]
    if (m := _COLLECTIVE.match(text)) is not None:
        members = [_tidy(x) for x in _split_list(m.group(1).strip(" ,"))]
        return [Party(_tidy(m.group(2)), [x for x in members if x])]
    parties: list[Party] = []
    for group in text.split(";"):
        group = group.strip()
        if not group:
            continue
        if parties and len(group.rstrip(".").split()) <= 2 and not _ENDS_LEGAL.search(group):
            for party in parties:
                party.place = _tidy(group)
            continue
        notes = ""
        place = ""
        if (m := _OF_PLACE.search(group)) is not None:
            place = m.group(1)
            group = group[: m.start()]
        subs = _SUBSIDIARIES.search(group) or _SUBSIDIARIES_BARE.search(group)
        extra: list[str] = []
        if subs is not None:
            notes = subs.group(0).strip(" ,")
            rest = group[subs.end() :].strip(" ,")
            group = group[: subs.start()]
            if rest:
                extra = _split_and(rest)
        names: list[str] = []
        for piece in _split_list(group):
            names.extend(_split_and(piece))
        if len(names) == 1:
            head, _, tail = names[0].partition(", ")
            if (
                tail
                and registry.country.clean(tail.split(", ")[-1].rstrip("."))
                and not _ENDS_LEGAL.search(tail)
            ):
                names, place = [head], tail
        for name in [*names, *extra]:
            if _tidy(name):
                parties.append(Party(_tidy(name), notes=notes, place=place))
    return parties


def read(path: Path, dataset: str) -> SourceRead:
    require_file(path, ".csv")
    text = decode(path, ("utf-8", "cp1252"))
    if text.lstrip().startswith("<"):
        raise InputError("this is XML/HTML, not CBP's WRO CSV", file=str(path))
    reader = csv.DictReader(io.StringIO(text))
    header = [clean(h) for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)} (CBP's columns: {', '.join(COLUMNS)})",
            file=str(path),
            column=", ".join(missing),
        )
    reader.fieldnames = header
    out = SourceRead(files=[path])
    try:
        for row in reader:
            out.rows_read += 1
            _row(out, dataset, reader.line_num, {k: clean(v) for k, v in row.items() if k})
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", file=str(path), row=reader.line_num) from exc
    return out


def _row(out: SourceRead, dataset: str, line: int, row: dict[str, str]) -> None:
    status = row.get("Status", "").lower()
    kind = "finding" if "finding" in row.get("WRO/Finding", "").lower() else "wro"
    country_name = row.get("Country", "")
    country = registry.country.clean(row.get("Country Code", "")) or registry.country.clean(
        country_name, fuzzy=True
    )
    if not row.get("Entity") and not row.get("Merchandise"):
        out.reject(line, "row without Entity and Merchandise")
        return
    if status.startswith(INACTIVE):
        out.skip(line, f"order {row.get('Status')}: nobody listed", row.get("Entity", ""))
        return
    parties = split_entities(row.get("Entity", ""))
    ids: list[str | None] = []
    for party in parties:
        entity = EntityBuilder.create(dataset, f"{party.name}-{country or 'xx'}", party.schema)
        entity.add("name", party.name)
        entity.add_all("alias", party.aliases)
        entity.add("country", country)
        entity.add("topics", "forced.labor")
        entity.add("topics", "export.risk")
        entity.add("program", f"CBP {'Finding' if kind == 'finding' else 'Withhold Release Order'}")
        effective = parse_date(row.get("Effective Date", ""), DATE_FORMATS)
        entity.add("createdAt", effective.isoformat() if effective else None)
        modified = parse_date(row.get("Modified Date", ""), DATE_FORMATS)
        entity.add("modifiedAt", modified.isoformat() if modified else None)
        entity.add("sourceUrl", row.get("Press Release"))
        entity.add(
            "notes",
            "; ".join(
                x
                for x in (
                    f"{row.get('WRO/Finding') or 'WRO'} on {row.get('Merchandise')}"
                    if row.get("Merchandise")
                    else "",
                    party.notes,
                    f"location: {party.place}" if party.place else "",
                    row.get("Remarks", ""),
                )
                if x
            ),
        )
        if party.place and entity.schema.get("address") is not None:
            entity.add("address", party.place)
        ids.append(out.put(entity).entity_id)
    if not parties and row.get("Entity"):
        out.skip(line, "order on goods or a region, not on a party", row.get("Entity", ""))
    for good in [
        g.strip() for g in re.split(r";|,\s+and\s+|\s+and\s+|,", row.get("Merchandise", "")) if g.strip()
    ]:
        for entity_id in ids or [None]:
            out.facts.append(
                GoodsFact(
                    good=good,
                    country=country,
                    country_name=country_name,
                    kind=kind,
                    source=SOURCE,
                    sector=row.get("Industry") or None,
                    entity_id=entity_id,
                    notes=row.get("Status") or None,
                )
            )
