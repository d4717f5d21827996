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
- a tidy table `country, indicator, value, edition[, good]` (our own demo table uses it).
A folder is read as one edition made of every `.csv` in it (so 2023 prevalence and 2018 vulnerability,
which no single publication has together, load as one edition).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from followthemoney import registry

from chainbreaker.core.errors import InputError
from chainbreaker.registry.model import GoodsFact, SourceRead, require_file
from chainbreaker.registry.parsing import clean, decode

INDICATORS = ("gsi_prevalence", "gsi_vulnerability", "gsi_government_response", "gsi_at_risk_import")
#: Walk Free spellings FtM's country cleaner does not know.
_ALIASES = {"lao pdr": "la", "kosovo": "xk", "turkiye": "tr", "türkiye": "tr"}
_PREV_2023 = "estimated prevalence of modern slavery per 1,000 population"


def input_files(path: Path) -> list[Path]:
    """A file is its own input; a folder's inputs are its CSV files, in name order."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
        if not files:
            raise InputError("folder holds no .csv file", file=str(path))
        return files
    return [require_file(path, ".csv")]


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
        _read_file(out, file)
    return out


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
