"""OFAC's legacy CSV sets (SDN and consolidated non-SDN): shared reader for both adapters.

Quirks handled: no header row; `-0-` (with a trailing space) means empty; the last line is the single
DOS end-of-file byte 0x1A, whose absence marks a truncated download; remarks overflow into the comments
file; identifiers, dates of birth, nationality and IMO numbers live inside the free-text remarks.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from chainbreaker.core.errors import InputError
from chainbreaker.registry.model import EntityBuilder, SourceRead
from chainbreaker.registry.parsing import clean, decode

EOF_BYTE = "\x1a"
ENCODINGS = ("utf-8", "cp1252")
DETAIL_URL = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id={}"
SCHEMAS = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane", "": "Organization"}


@dataclass(frozen=True)
class FileSet:
    """File names of one OFAC set: primary records, addresses, alternate names, remarks overflow."""

    primary: str
    address: str
    alias: str
    comments: str


SDN = FileSet("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
CONS = FileSet("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv")

# Remarks: "Key value" clauses separated by ";" (an "alt. " prefix repeats a key).
_TAX = ("Tax ID No.", "NIT #", "RUC #", "R.F.C.", "C.U.I.T.", "RFC", "VAT Number", "CUIT")
_REG = (
    "Registration Number",
    "Registration ID",
    "Company Number",
    "Commercial Registry Number",
    "Folio Mercantil No.",
    "Matricula Mercantil No",
    "Business Registration Document #",
    "Business Registration Number",
    "Certificate of Incorporation Number",
    "Government Gazette Number",
    "Public Registration Number",
    "Trade License No.",
    "Enterprise Number",
    "Legal Entity Number",
    "Unified Social Credit Code (USCC)",
    "D-U-N-S Number",
)
_ID = (
    "National ID No.",
    "Cedula No.",
    "D.N.I.",
    "Identification Number",
    "C.U.R.P.",
    "SSN",
    "Personal ID Card",
    "Driver's License No.",
    "Residency Number",
    "Birth Certificate Number",
    "Kenyan ID No.",
    "Electoral Registry No.",
    "NIE",
    "Refugee ID Card",
    "Credencial electoral",
    "Citizen's Card Number",
)
_KEYS = sorted(
    [(k, "taxNumber") for k in _TAX]
    + [(k, "registrationNumber") for k in _REG]
    + [(k, "idNumber") for k in _ID],
    key=lambda kv: -len(kv[0]),
)
_IMO = re.compile(r"\bIMO\s*(\d{7})\b")
_MMSI = re.compile(r"^MMSI\s+(\d{9})")
_QUOTED = re.compile(r"'([^']+)'")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}
_DATE_PART = re.compile(r"(?:(\d{1,2}) )?(?:([A-Za-z]{3})[a-z]* )?(\d{4})")


def ofac_dates(text: str) -> list[str]:
    """ISO prefix dates from OFAC's 'DOB 21 Jan 1971', 'DOB Feb 1970', 'DOB circa 1960', '1962 to 1963'."""
    found: list[str] = []
    for day, month, year in _DATE_PART.findall(text):
        month_no = _MONTHS.get(month.lower()[:3]) if month else None
        if month_no and day:
            found.append(f"{year}-{month_no:02d}-{int(day):02d}")
        elif month_no:
            found.append(f"{year}-{month_no:02d}")
        else:
            found.append(year)
    return found


def _id_value(text: str) -> tuple[str, str]:
    """The identifier and its country from 'P229856 (Tunisia) issued 01 Nov 2002 expires ...'."""
    country = ""
    match = re.search(r"\(([^)]*)\)", text)
    if match:
        country = match.group(1)
    value = re.split(r"\s+\(|\s+issued|\s+expires|;", text, maxsplit=1)[0]
    return value.strip().rstrip("."), country


def apply_remarks(entity: EntityBuilder, remarks: str) -> None:
    """Turn the structured clauses of OFAC remarks into FtM properties; keep the whole text as notes."""
    if not remarks:
        return
    entity.add("notes", remarks)
    for imo in _IMO.findall(remarks):
        if entity.schema.get("imoNumber") is not None:
            entity.add("imoNumber", f"IMO{imo}")
    for raw in remarks.split(";"):
        part = raw.strip().rstrip(".").strip()
        if part.startswith("alt. "):
            part = part[5:].strip()
        if not part:
            continue
        _clause(entity, part)


def _clause(entity: EntityBuilder, part: str) -> None:
    has = entity.schema.get
    if part.startswith("DOB ") and has("birthDate"):
        entity.add_all("birthDate", ofac_dates(part[4:]))
    elif part.startswith("POB ") and has("birthPlace"):
        entity.add("birthPlace", part[4:])
    elif part.startswith("nationality ") and has("nationality"):
        entity.add("nationality", part[12:], fuzzy=True)
    elif part.startswith("citizen ") and has("citizenship"):
        entity.add("citizenship", part[8:], fuzzy=True)
    elif part.startswith("Gender ") and has("gender"):
        entity.add("gender", part[7:].lower())
    elif part.startswith("Passport ") and has("passportNumber"):
        entity.add("passportNumber", _id_value(part[9:])[0])
    elif part.startswith(("a.k.a. ", "f.k.a. ", "n.k.a. ")):
        prop = "previousName" if part.startswith("f.k.a.") else "alias"
        for name in _QUOTED.findall(part):
            entity.add(prop, name)
    elif part.startswith("Former Vessel Flag ") and has("pastFlags"):
        entity.add("pastFlags", part[19:], fuzzy=True)
    elif (m := _MMSI.match(part)) and has("mmsi"):
        entity.add("mmsi", m.group(1))
    elif part.startswith("Website ") and has("website"):
        entity.add("website", part[8:])
    elif part.startswith("Email Address ") and has("email"):
        entity.add("email", part[14:])
    elif part.startswith("Organization Established Date ") and has("incorporationDate"):
        entity.add_all("incorporationDate", ofac_dates(part[30:])[:1])
    elif "IMO" not in part:
        for key, prop in _KEYS:
            if part.startswith(key + " ") and has(prop):
                entity.add(prop, _id_value(part[len(key) + 1 :])[0])
                break


def _rows(path: Path, columns: int, required: bool, out: SourceRead) -> list[tuple[int, list[str]]]:
    """Parsed rows of one file of the set; malformed rows are rejected with their line number."""
    text = decode(path, ENCODINGS)
    body = text.rstrip("\r\n")
    if body.endswith(EOF_BYTE):
        body = body[: -len(EOF_BYTE)]
    elif required:
        raise InputError(
            "does not end with OFAC's end-of-file byte (0x1A): the download looks truncated", file=str(path)
        )
    if body.lstrip().startswith("<"):
        raise InputError("this is XML/HTML, not an OFAC legacy CSV file", file=str(path))
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(body))
    try:
        for row in reader:
            if not row or all(not c.strip() for c in row):
                continue
            line = reader.line_num
            if required:
                out.rows_read += 1
            if len(row) != columns:
                out.reject(line, f"{path.name}: expected {columns} columns, found {len(row)}", ",".join(row))
                continue
            rows.append((line, [clean(c) for c in row]))
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", file=str(path), row=reader.line_num) from exc
    return rows


def find_files(path: Path, files: FileSet) -> dict[str, Path | None]:
    """Locate the set's files from a folder or from the primary file's path."""
    folder = path if path.is_dir() else path.parent
    if path.is_file() and path.name.lower() != files.primary:
        raise InputError(f"expected OFAC's {files.primary} (or the folder holding it)", file=str(path))
    names = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    primary = names.get(files.primary)
    if primary is None:
        raise InputError(f"no {files.primary} in the folder", file=str(folder))
    return {
        "primary": primary,
        "address": names.get(files.address),
        "alias": names.get(files.alias),
        "comments": names.get(files.comments),
    }


def read_set(path: Path, dataset: str, files: FileSet) -> SourceRead:
    found = find_files(path, files)
    primary = found["primary"]
    assert primary is not None  # find_files raises otherwise
    out = SourceRead(files=[p for p in found.values() if p is not None])
    overflow: dict[str, str] = {}
    if found["comments"] is not None:
        for _line, row in _rows(found["comments"], 2, False, out):
            overflow[row[0]] = overflow.get(row[0], "") + row[1]
    for line, row in _rows(primary, 12, True, out):
        ent_num, name, sdn_type, program, title, call_sign, vess_type, tonnage, grt, flag, owner, remarks = (
            row
        )
        if not ent_num.isdigit():
            out.reject(line, "ent_num is not a number", ",".join(row[:2]))
            continue
        schema = SCHEMAS.get(sdn_type.lower())
        if schema is None:
            out.reject(line, f"unknown SDN type {sdn_type!r}", name)
            continue
        if not name:
            out.reject(line, "record without a name", ent_num)
            continue
        entity = EntityBuilder.create(dataset, ent_num, schema)
        entity.add("name", name)
        entity.add("sourceUrl", DETAIL_URL.format(ent_num))
        entity.add("topics", "sanction")
        for prog in program.replace("] [", ";").strip("[]").split(";"):
            entity.add("program", prog.strip())
        if schema == "Person":
            last, _, first = name.partition(", ")
            if first:
                entity.add("lastName", last)
                entity.add("firstName", first)
            entity.add("position", title)
        elif title:
            entity.add("notes", title)
        if schema == "Vessel":
            entity.add("callSign", call_sign)
            entity.add("type", vess_type)
            entity.add("tonnage", tonnage.replace(",", ""))
            entity.add("grossRegisteredTonnage", grt.replace(",", ""))
            entity.add("flag", flag, fuzzy=True)
            if owner:
                entity.add("notes", f"Owner: {owner}")
        apply_remarks(entity, remarks + overflow.get(ent_num, ""))
        out.put(entity)
    if found["alias"] is not None:
        for line, (ent_num, _alt_num, alt_type, alt_name, _remarks) in _rows(found["alias"], 5, False, out):
            alt_of = out.entities.get(f"{dataset}-{ent_num}")
            if alt_of is None:
                out.skip(line, f"{files.alias}: alternate name of an unknown ent_num", ent_num)
                continue
            alt_of.add("previousName" if alt_type.lower() == "fka" else "alias", alt_name)
    if found["address"] is not None:
        for line, (ent_num, _add_num, street, city, country, _remarks) in _rows(
            found["address"], 6, False, out
        ):
            addr_of = out.entities.get(f"{dataset}-{ent_num}")
            if addr_of is None:
                out.skip(line, f"{files.address}: address of an unknown ent_num", ent_num)
                continue
            addr_of.add("address", ", ".join(p for p in (street, city, country) if p))
            addr_of.add("country", country, fuzzy=True)
    return out
