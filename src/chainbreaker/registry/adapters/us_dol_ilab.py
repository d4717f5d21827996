"""US DOL ILAB List of Goods Produced by Child Labor or Forced Labor, and the EO 13126 list.

Reads the Sweat & Toil goods XML (`<Goods><Good>…<Countries><Country>` with Yes/No flags), its flattened
CSV, the TVPRA XLSX (Country, Good, Child Labor "X", Forced Labor "X") and the EO 13126 XLS (Country,
Good: products made with forced or indentured child labour). These lists name goods and countries, not
parties, so they become goods × country facts (`registry_facts_goods`), not entities.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from followthemoney import registry

from chainbreaker.core.errors import InputError
from chainbreaker.registry.model import GoodsFact, SourceRead, require_file
from chainbreaker.registry.parsing import clean, decode, line_of, parse_xml

TVPRA = "ILAB TVPRA List of Goods"
EO13126 = "EO 13126 List of Products"
FLAGS = (
    ("Child_Labor", "child_labor"),
    ("Forced_Labor", "forced_labor"),
    ("Forced_Child_Labor", "forced_child_labor"),
)


def country_code(name: str) -> str | None:
    """ISO-2 code of an ILAB country spelling; 'Turkey (Türkiye)' is tried whole, then each part."""
    code: str | None = registry.country.clean(name, fuzzy=True)
    if code is None and "(" in name:
        head, _, rest = name.partition("(")
        code = registry.country.clean(head.strip(), fuzzy=True) or registry.country.clean(rest.strip(" )"))
    return code


def _yes(value: object) -> bool:
    return clean(value).lower() in ("yes", "x", "y", "true", "1")


def read(path: Path, dataset: str) -> SourceRead:
    require_file(path, ".xml", ".csv", ".xlsx", ".xls")
    out = SourceRead(files=[path])
    suffix = path.suffix.lower()
    if suffix == ".xml":
        _goods_xml(out, path)
    elif suffix == ".csv":
        _goods_csv(out, path)
    else:
        _spreadsheet(out, path, suffix)
    return out


def _fact(
    out: SourceRead,
    line: int | None,
    good: str,
    country: str,
    kind: str,
    source: str,
    sector: str | None = None,
    notes: str | None = None,
) -> None:
    if not good or not country:
        out.reject(line, "row without good or country", f"{good} / {country}")
        return
    out.facts.append(
        GoodsFact(
            good=good,
            country=country_code(country),
            country_name=country,
            kind=kind,
            source=source,
            sector=sector or None,
            notes=notes,
        )
    )


def _goods_xml(out: SourceRead, path: Path) -> None:
    root = parse_xml(path)
    if root.tag != "Goods":
        raise InputError(f"expected ILAB's <Goods> document, found <{root.tag}>", file=str(path))
    for good in root.iterfind("Good"):
        name = clean(good.findtext("Good_Name"))
        sector = clean(good.findtext("Good_Sector"))
        for country in good.iterfind("Countries/Country"):
            out.rows_read += 1
            row = {tag: clean(country.findtext(tag)) for tag, _ in FLAGS}
            row["Derived_Labor_Exploitation"] = clean(country.findtext("Derived_Labor_Exploitation"))
            row["Derived_Country"] = clean(country.findtext("Derived_Country"))
            _pair(out, line_of(country), name, clean(country.findtext("Country_Name")), sector, row)


def _pair(
    out: SourceRead, line: int | None, good: str, country: str, sector: str, row: dict[str, str]
) -> None:
    kinds = [kind for tag, kind in FLAGS if _yes(row.get(tag))]
    if _yes(row.get("Derived_Labor_Exploitation")):
        kinds.append("derived")
    if not kinds:
        out.skip(line, "good × country pair without any Yes flag", f"{good} / {country}")
        return
    upstream = row.get("Derived_Country", "")
    notes = (
        f"made from inputs produced with exploitation in {upstream}"
        if upstream and upstream != "No"
        else None
    )
    for kind in kinds:
        _fact(out, line, good, country, kind, TVPRA, sector, notes if kind == "derived" else None)


def _goods_csv(out: SourceRead, path: Path) -> None:
    text = decode(path, ("utf-8", "cp1252"))
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    missing = [c for c in ("good", "country", "child_labor", "forced_labor") if c not in fields]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", file=str(path), column=", ".join(missing))
    for row in reader:
        out.rows_read += 1
        low = {k.strip().lower(): clean(v) for k, v in row.items() if k}
        flags = {
            "Child_Labor": low.get("child_labor", ""),
            "Forced_Labor": low.get("forced_labor", ""),
            "Forced_Child_Labor": low.get("forced_child_labor", ""),
            "Derived_Labor_Exploitation": low.get("derived_labor_exploitation", ""),
            "Derived_Country": low.get("derived_country", ""),
        }
        _pair(out, reader.line_num, low.get("good", ""), low.get("country", ""), low.get("sector", ""), flags)


def _sheet_rows(path: Path, suffix: str) -> Iterator[list[object]]:
    import zipfile

    if suffix == ".xls":
        import xlrd

        try:
            book = xlrd.open_workbook(str(path))
        except xlrd.XLRDError as exc:
            raise InputError(f"not a readable XLS workbook: {exc}", file=str(path)) from exc
        sheet = book.sheet_by_index(0)
        for i in range(sheet.nrows):
            yield list(sheet.row_values(i))
        return
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(f"not a readable XLSX workbook ({exc})", file=str(path)) from exc
    try:
        for row in wb.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        wb.close()


def _spreadsheet(out: SourceRead, path: Path, suffix: str) -> None:
    header: list[str] | None = None
    for number, row in enumerate(_sheet_rows(path, suffix), start=1):
        cells = [clean(c) for c in row]
        if header is None:
            low = [c.lower() for c in cells]
            if "country" in low and "good" in low:
                header = low
            elif number > 10:
                break
            continue
        if not any(cells):
            continue
        values = dict(zip(header, cells, strict=False))
        out.rows_read += 1
        good, country = values.get("good", ""), values.get("country", "")
        if "child labor" in header or "forced labor" in header:
            flags = {
                "Child_Labor": values.get("child labor", ""),
                "Forced_Labor": values.get("forced labor", ""),
            }
            kinds = [kind for tag, kind in FLAGS if _yes(flags.get(tag))]
            if not kinds:
                out.skip(number, "row without an X in Child Labor or Forced Labor", f"{good} / {country}")
            for kind in kinds:
                _fact(out, number, good, country, kind, TVPRA)
        else:
            _fact(out, number, good, country, "forced_child_labor", EO13126)
    if header is None:
        raise InputError("no header row with Country and Good columns", file=str(path))
