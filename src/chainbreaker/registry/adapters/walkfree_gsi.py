"""Walk Free's Global Slavery Index (GSI) as country risk facts: prevalence, vulnerability, government response.

The GSI names countries, not parties, so like ILAB's goods list it becomes facts in `registry_facts_goods`,
one per country × indicator, with `good = '*'` (the whole economy), `kind` the indicator
(`gsi_prevalence` per 1,000 people, `gsi_vulnerability` 0-100, `gsi_government_response` total %,
`gsi_at_risk_import` for a product named in `good`), `source` the edition label (`GSI 2023`) and the number
in `notes` as text. Walk Free's data carry no open licence, so the package does not ship them: the user loads
the files they obtained (docs/decisions/portfolio-01-risk-data-licences.md).

Three layouts are read, chosen by the header:
- the GSI 2023 summary sheet as CSV (`Country, Population, Region, Estimated prevalence … per 1,000 …`,
  padded numbers with thousands separators);
- the GSI 2018 table with snake_case columns (`country, prevalence_per_1000, vulnerability_score_overall,
  gov_response_total, …`);
- a tidy table `country, indicator, value, edition[, good]` (our own demo table uses it);
- Walk Free's GSI 2018 data workbook itself (`.xlsx`), the latest publication with vulnerability: its sheet
  `Global prev, vuln, govt table` (prevalence, the overall vulnerability score, the government-response
  total) and its sheet `G20 imports data table` (the products at risk of modern slavery that G20 countries
  import, each with its source countries) as `gsi_at_risk_import` facts. A product that names several
  goods (`LAPTOPS, COMPUTERS & MOBILE PHONES`) becomes one fact per good, so a holding's `Laptops` meets it.
  The codebooks and the fishing-risk sheets are not read (the latter repeats prevalence and vulnerability).
A folder is read as one edition made of every `.csv` and `.xlsx` in it (so 2023 prevalence and 2018
vulnerability, which no single publication has together, load as one edition); a fact given twice (the
workbook and a CSV derived from it) is kept once.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from followthemoney import registry

from chainbreaker.core.errors import InputError
from chainbreaker.registry.model import GoodsFact, SourceRead, require_file
from chainbreaker.registry.parsing import clean, decode

INDICATORS = ("gsi_prevalence", "gsi_vulnerability", "gsi_government_response", "gsi_at_risk_import")
#: Walk Free spellings FtM's country cleaner does not know.
_ALIASES = {"lao pdr": "la", "kosovo": "xk", "turkiye": "tr", "türkiye": "tr"}
_PREV_2023 = "estimated prevalence of modern slavery per 1,000 population"


SUFFIXES = (".csv", ".xlsx")
MAIN_SHEET = "Global prev, vuln, govt table"
G20_SHEET = "G20 imports data table"
WORKBOOK_LABEL = "GSI 2018"  # the only GSI data workbook with vulnerability (2023's has none)


def input_files(path: Path) -> list[Path]:
    """A file is its own input; a folder's inputs are its CSV and XLSX files, in name order."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())
        if not files:
            raise InputError("folder holds no .csv or .xlsx file", file=str(path))
        return files
    return [require_file(path, *SUFFIXES)]


def country_code(name: str) -> str | None:
    """ISO-2 code of a Walk Free spelling ('Korea, Democratic People's Republic of', 'Türkiye')."""
    alias = _ALIASES.get(name.strip().lower())
    if alias:
        return alias
    code: str | None = registry.country.clean(name, fuzzy=True)
    if code is None and "(" in name:
        head, _, rest = name.partition("(")
        code = registry.country.clean(head.strip(), fuzzy=True) or registry.country.clean(rest.strip(" )"))
    return code


def number(text: str) -> float | None:
    """A GSI number: '  38,928,000 ' → 38928000.0; '-', '' and '<1,000' → None (not a usable figure)."""
    cleaned = text.replace(",", "").strip()
    if not cleaned or cleaned == "-" or cleaned.startswith("<"):
        return None
    try:
        return float(cleaned)
    except ValueError:
        return None


def read(path: Path, dataset: str) -> SourceRead:
    files = input_files(path)
    out = SourceRead(files=files)
    for file in files:
        if file.suffix.lower() == ".xlsx":
            _read_workbook(out, file)
        else:
            _read_file(out, file)
    seen: set[tuple[str, str | None, str, str]] = set()
    kept = []
    for fact in out.facts:
        key = (fact.good, fact.country, fact.kind, fact.source)
        if key not in seen:
            seen.add(key)
            kept.append(fact)
    out.facts[:] = kept
    return out


def _read_workbook(out: SourceRead, path: Path) -> None:
    """Walk Free's GSI 2018 data workbook: the country table and the G20 at-risk imports."""
    import openpyxl  # only when a workbook is given

    with warnings.catch_warnings():
        # the workbook carries an Excel extension openpyxl does not read ("Unknown extension"); harmless
        warnings.simplefilter("ignore", UserWarning)
        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # zip or XML errors of a damaged file
            raise InputError(f"not a readable .xlsx workbook ({type(exc).__name__})", file=str(path)) from exc
        _read_sheets(out, path, book)


def _read_sheets(out: SourceRead, path: Path, book: Any) -> None:
    try:
        if MAIN_SHEET not in book.sheetnames:
            raise InputError(
                f"not the GSI 2018 data workbook: no sheet {MAIN_SHEET!r} (sheets: {', '.join(book.sheetnames)})",
                file=str(path),
            )
        _main_sheet(out, path, list(book[MAIN_SHEET].iter_rows(values_only=True)))
        if G20_SHEET in book.sheetnames:
            _g20_sheet(out, list(book[G20_SHEET].iter_rows(values_only=True)))
        else:
            out.skip(None, f"no sheet {G20_SHEET!r}: at-risk imports not loaded", path.name)
    finally:
        book.close()


def _cell(value: object) -> str:
    return clean(str(value)) if value is not None else ""


def _main_sheet(out: SourceRead, path: Path, rows: list[tuple[object, ...]]) -> None:
    """Header row: the one whose first cell is `Country`; columns found by their words, not positions."""
    at = next((i for i, r in enumerate(rows) if r and _cell(r[0]).lower() == "country"), None)
    if at is None:
        raise InputError(f"sheet {MAIN_SHEET!r} has no header row starting with 'Country'", file=str(path))
    header = [_cell(h).lower() for h in rows[at]]

    def column(test: str, kind: str) -> int:
        for i, h in enumerate(header):
            if re.search(test, h):
                return i
        raise InputError(f"sheet {MAIN_SHEET!r}: no column for {kind}", file=str(path), column=test)

    where = {
        "gsi_prevalence": column(r"prevalence", "prevalence"),
        "gsi_vulnerability": column(r"vulnerability score", "vulnerability"),
        "gsi_government_response": column(r"^total$", "government response (TOTAL)"),
    }
    for line, row in enumerate(rows[at + 1 :], start=at + 2):
        name = _cell(row[0]) if row else ""
        if not name:
            continue
        out.rows_read += 1
        code = country_code(name)
        if code is None:
            out.reject(line, "country not recognised", name)
            continue
        found = False
        for kind, index in where.items():
            value = row[index] if index < len(row) else None
            number_ = value if isinstance(value, int | float) else number(_cell(value))
            if number_ is None:
                continue
            found = True
            out.facts.append(GoodsFact("*", code, name, kind, WORKBOOK_LABEL, notes=_fmt(float(number_))))
        if not found:
            out.skip(line, "country without estimates", name)


def goods_of(product: str) -> list[str]:
    """'LAPTOPS, COMPUTERS & MOBILE PHONES' → ['Laptops', 'Computers', 'Mobile phones']."""
    parts = re.split(r"\s*(?:,|&|/|\band\b)\s*", product.strip())
    return [p.strip().capitalize() for p in parts if p.strip()]


def _g20_sheet(out: SourceRead, rows: list[tuple[object, ...]]) -> None:
    """Blocks of rows: a product in capitals alone on its row, then its source countries, then `Total`.
    The note of each fact is the value G20 countries imported from that source (US$ thousand, 2015)."""
    header = next((r for r in rows if r and _cell(r[0]).lower().startswith("source country")), None)
    value_columns = [
        i for i, h in enumerate(header or ()) if _cell(h).lower().startswith("value (in thousands")
    ]
    product: str | None = None
    for line, row in enumerate(rows, start=1):
        first = _cell(row[0]) if row else ""
        rest = [c for c in row[1:] if c is not None and _cell(c)]
        if not first or first.lower().startswith("source country"):
            continue
        if not rest and first.upper() == first:
            product = first
            continue
        if product is None or first.lower() == "total":
            continue
        out.rows_read += 1
        code = country_code(first)
        if code is None:
            out.reject(line, "country not recognised", first)
            continue
        cells = [row[i] for i in value_columns if i < len(row)]
        imported = sum(float(c) for c in cells if isinstance(c, int | float))
        for good in goods_of(product):
            out.facts.append(
                GoodsFact(good, code, first, "gsi_at_risk_import", WORKBOOK_LABEL, notes=_fmt(imported))
            )


def _read_file(out: SourceRead, path: Path) -> None:
    require_file(path, ".csv")
    text = decode(path, ("utf-8-sig", "cp1252"))
    reader = csv.reader(io.StringIO(text))
    header = [clean(h).lower() for h in next(reader, [])]
    if "indicator" in header and "value" in header:
        _tidy(out, path, header, reader)
    elif _PREV_2023 in header:
        _columns(out, reader, header, "GSI 2023", {"gsi_prevalence": _PREV_2023})
    elif "prevalence_per_1000" in header:
        _columns(
            out,
            reader,
            header,
            "GSI 2018",
            {
                "gsi_prevalence": "prevalence_per_1000",
                "gsi_vulnerability": "vulnerability_score_overall",
                "gsi_government_response": "gov_response_total",
            },
        )
    else:
        raise InputError(
            "not a GSI table: expected the 2023 summary columns, the 2018 snake_case columns or "
            "'country, indicator, value, edition'",
            file=str(path),
            column=", ".join(header[:5]),
        )


def _columns(
    out: SourceRead, reader: Iterator[list[str]], header: list[str], label: str, columns: dict[str, str]
) -> None:
    if "country" not in header:
        raise InputError("missing column country", column="country")
    where = {kind: header.index(col) for kind, col in columns.items() if col in header}
    at = header.index("country")
    for line, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        out.rows_read += 1
        if len(row) != len(header):
            out.reject(line, f"expected {len(header)} columns, found {len(row)}", ",".join(row))
            continue
        name = clean(row[at])
        code = country_code(name)
        if code is None:
            out.reject(line, "country not recognised", name)
            continue
        found = False
        for kind, index in where.items():
            value = number(row[index])
            if value is None:
                continue
            found = True
            out.facts.append(GoodsFact("*", code, name, kind, label, notes=_fmt(value)))
        if not found:
            out.skip(line, "country without estimates", name)


def _tidy(out: SourceRead, path: Path, header: list[str], reader: Iterator[list[str]]) -> None:
    missing = [c for c in ("country", "indicator", "value", "edition") if c not in header]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", file=str(path), column=", ".join(missing))
    for line, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        out.rows_read += 1
        if len(row) != len(header):
            out.reject(line, f"expected {len(header)} columns, found {len(row)}", ",".join(row))
            continue
        values = {h: clean(v) for h, v in zip(header, row, strict=True)}
        kind, name = values["indicator"], values["country"]
        code = country_code(name)
        value = number(values["value"])
        good = values.get("good") or "*"
        if kind not in INDICATORS:
            out.reject(line, f"unknown indicator (one of {', '.join(INDICATORS)})", kind)
        elif code is None:
            out.reject(line, "country not recognised", name)
        elif value is None:
            out.reject(line, "value is not a number", values["value"])
        elif kind == "gsi_at_risk_import" and good == "*":
            out.reject(line, "gsi_at_risk_import needs the product in column good", name)
        else:
            label = values["edition"] or "GSI"
            out.facts.append(GoodsFact(good, code, name, kind, label, notes=_fmt(value)))


def _fmt(value: float) -> str:
    return f"{value:.4g}"
