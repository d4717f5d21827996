"""Brazil's Cadastro de Empregadores ("Lista Suja"): the ministry's XLSX, the older TXT export, or a CSV.

Quirks handled: title rows before the header and footnotes after the data; merged cells that shift the
columns (columns are found by their header text, not their position); a second section (employers
listed under a court settlement) whose row ids restart at 1; multi-line quoted cells in the TXT; UTF-8
or Windows-1252 text; names of individual micro-entrepreneurs prefixed with their CNPJ root
("41.297.068 GILBERTO ..."), which is cut off (the published text stays as `original_value`).
Every CPF and CNPJ is checked by its check digits; failing rows are rejected with the reason.

Publisher key: the CPF/CNPJ digits (our `source_id`, stable across editions); kept as `taxNumber`
(CNPJ, Company) or `idNumber` (CPF, Person).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from chainbreaker.core.errors import InputError
from chainbreaker.registry.brazil import classify, digits
from chainbreaker.registry.model import EntityBuilder, SourceRead, require_file
from chainbreaker.registry.parsing import clean, decode, parse_date

TOPICS = ("forced.labor", "reg.action")
PROGRAM = "Cadastro de Empregadores (MTE), section {}"
_EDITION = re.compile(r"atualizado em (\d{1,2}/\d{1,2}/\d{4})", re.IGNORECASE)
_FILE_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
_SECTION = re.compile(r"^\s*(I{1,3})\s*-\s*PUBLICA", re.IGNORECASE)
_FOOTNOTE = re.compile(r"\s*\(\*\d+\)\s*")

#: Logical columns and the header words that name them (accents and case ignored).
COLUMNS = {
    "id": ("id",),
    "year": ("ano da acao fiscal", "ano_acao_fiscal"),
    "uf": ("uf",),
    "employer": ("empregador",),
    "document": ("cnpj/cpf", "cnpj_cpf", "cpf/cnpj"),
    "establishment": ("estabelecimento",),
    "workers": ("trabalhadores envolvidos", "trabalhadores_envolvidos"),
    "cnae": ("cnae",),
    "decision": ("decisao administrativa de procedencia", "decisao_administrativa_procedencia"),
    "inclusion": ("inclusao no cadastro de empregadores", "inclusao_cadastro"),
}
REQUIRED = ("employer", "document")


def _norm(text: object) -> str:
    value = unicodedata.normalize("NFKD", clean(text)).encode("ascii", "ignore").decode().lower()
    return value.strip()


def read(path: Path, dataset: str) -> SourceRead:
    require_file(path, ".xlsx", ".txt", ".csv", ".tsv")
    suffix = path.suffix.lower()
    rows = _xlsx_rows(path) if suffix == ".xlsx" else _text_rows(path)
    out = SourceRead(files=[path])
    header: dict[str, int] | None = None
    section = "I"
    titles: list[str] = []
    for line, row in rows:
        cells: list[object] = [clean(c) if not isinstance(c, datetime | date) else c for c in row]
        first = next((str(c) for c in cells if c), "")
        if header is None:
            found = _header(cells)
            if found is None:
                titles.append(first)
                if len(titles) > 30:
                    break
                continue
            header = found
            continue
        if (m := _SECTION.match(first)) is not None:
            section = m.group(1).upper()
            continue
        row_id = cells[header["id"]] if "id" in header and header["id"] < len(cells) else ""
        if not str(row_id).strip().isdigit():
            continue  # title, footnote, page label or blank row between sections
        out.rows_read += 1
        _record(out, dataset, line, cells, header, section)
    if header is None:
        raise InputError(
            "no header row with the columns Empregador and CNPJ/CPF in the first 30 rows: is this the "
            "Cadastro de Empregadores?",
            file=str(path),
        )
    out.edition_date = _edition_date(titles, path)
    return out


def _header(cells: list[object]) -> dict[str, int] | None:
    names = [_norm(c) for c in cells]
    found: dict[str, int] = {}
    for key, words in COLUMNS.items():
        for i, name in enumerate(names):
            if name in words and key not in found:
                found[key] = i
    if "document" not in found and "employer" not in found:
        return None
    missing = [k for k in REQUIRED if k not in found]
    if missing:
        raise InputError(
            f"header row lacks the column(s) {', '.join(missing)} (found: {', '.join(n for n in names if n)})",
            column=", ".join(missing),
        )
    return found


def _record(
    out: SourceRead, dataset: str, line: int, cells: list[object], header: dict[str, int], section: str
) -> None:
    def cell(key: str) -> object:
        index = header.get(key)
        return cells[index] if index is not None and index < len(cells) else ""

    raw_name = str(cell("employer"))
    raw_doc = str(cell("document"))
    kind = classify(raw_doc)
    if isinstance(kind, str):
        out.reject(line, kind, f"{raw_doc} {raw_name}")
        return
    doc_type, formatted = kind
    court_order = bool(_FOOTNOTE.search(raw_name))
    name = _FOOTNOTE.sub(" ", raw_name).strip()
    name = _strip_cnpj_root(name, digits(formatted))
    if not name:
        out.reject(line, "no employer name", raw_doc)
        return
    entity = EntityBuilder.create(dataset, digits(formatted), "Person" if doc_type == "CPF" else "Company")
    entity.add("name", name, original=raw_name if raw_name != name else None)
    entity.add(
        "idNumber" if doc_type == "CPF" else "taxNumber",
        formatted,
        original=raw_doc if clean(raw_doc) != formatted else None,
    )
    entity.add("country", "br")
    entity.add_all("topics", TOPICS)
    entity.add("program", PROGRAM.format(section))
    establishment = str(cell("establishment"))
    entity.add("address", establishment)
    inclusion = cell("inclusion")
    entity.add("createdAt", _date(inclusion))
    details = [
        f"establishment: {establishment}" if establishment else "",
        f"UF {cell('uf')}" if cell("uf") else "",
        f"inspection year {cell('year')}" if str(cell("year")) not in ("", "0") else "",
        f"{cell('workers')} workers found in conditions analogous to slavery" if cell("workers") else "",
        f"CNAE {cell('cnae')}" if cell("cnae") else "",
        f"administrative decision {_date(cell('decision')) or cell('decision')}" if cell("decision") else "",
        f"included {clean(inclusion) if not isinstance(inclusion, date) else inclusion.isoformat()}"
        if inclusion
        else "",
        "included by court order" if court_order else "",
    ]
    entity.add("notes", "; ".join(d for d in details if d))
    out.put(entity)


def _strip_cnpj_root(name: str, doc_digits: str) -> str:
    """'41.297.068 GILBERTO ...' -> 'GILBERTO ...' when the prefix is the CNPJ's 8-digit root."""
    match = re.match(r"^\s*([\d.\-/ ]{8,})\s+(.*)$", name)
    if match and digits(match.group(1))[:8] == doc_digits[:8] and len(digits(match.group(1))) >= 8:
        return match.group(2).strip()
    return name


def _date(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    found = re.search(r"\d{1,2}/\d{1,2}/\d{4}", str(value))
    parsed = parse_date(found.group(0), ("%d/%m/%Y",)) if found else None
    return parsed.isoformat() if parsed else ""


def _edition_date(titles: list[str], path: Path) -> date | None:
    for title in titles:
        if (m := _EDITION.search(title)) is not None:
            return parse_date(m.group(1), ("%d/%m/%Y",))
    if (m := _FILE_DATE.search(path.name)) is not None:
        return parse_date(m.group(1), ("%Y-%m-%d",))
    return None


def _text_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    text = decode(path, ("utf-8", "cp1252"))
    if text.lstrip().startswith("<"):
        raise InputError("this is XML/HTML, not the Cadastro de Empregadores text export", file=str(path))
    sample = "\n".join(text.splitlines()[:40])
    delimiter = (
        "\t"
        if sample.count("\t") > sample.count(";") and sample.count("\t") > sample.count(",")
        else (";" if sample.count(";") > sample.count(",") else ",")
    )
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for row in reader:
            yield reader.line_num, list(row)
    except csv.Error as exc:
        raise InputError(f"malformed text: {exc}", file=str(path), row=reader.line_num) from exc


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    import zipfile

    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(
            f"not a readable XLSX workbook ({exc}); truncated download?", file=str(path)
        ) from exc
    except Exception as exc:
        # sharedStrings, a hostile entity) is a bad file for the user, not a traceback
        raise InputError(
            f"not a readable XLSX workbook ({type(exc).__name__}: {exc})", file=str(path)
        ) from exc
    number = 0
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(row)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(
            f"not a readable XLSX workbook ({type(exc).__name__}: {exc})", file=str(path), row=number + 1
        ) from exc
    finally:
        book.close()
