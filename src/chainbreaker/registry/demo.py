"""Synthetic lists in the publishers' own formats, for `chainbreaker demo` (nothing may be downloaded).

The files go through the same adapters as real downloads, so the demo exercises the real parsers. The
names of a few synthetic bank customers (`extra_names`) are planted in them, so the demo's screening
shows hits; everything else is generated from a fixed seed. No real person is named.

Each list is loaded as `demo_<source>` (core/demo_lists.py) so it is labelled DEMO wherever it is
named, and its entities keep no link to the real publisher's site. `EXAMPLE_NAMES` are listed whatever
the seed: they are the names the UI and the docs suggest to try.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from chainbreaker.core.demo_lists import demo_dataset
from chainbreaker.core.workspace import Workspace
from chainbreaker.registry.adapters.us_cbp_wro import COLUMNS as CBP_COLUMNS
from chainbreaker.registry.brazil import format_cnpj, format_cpf
from chainbreaker.registry.loader import EditionReport, Progress, load_source

FIRST = (
    "Ana",
    "Bruno",
    "Carla",
    "Diego",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jamal",
    "Kenji",
    "Lucia",
    "Mateo",
    "Nadia",
    "Omar",
    "Paula",
    "Rafael",
    "Sofia",
    "Tomas",
    "Yara",
)
LAST = (
    "Almeida",
    "Barbosa",
    "Castro",
    "Duarte",
    "Ferreira",
    "Gomes",
    "Haddad",
    "Ibrahim",
    "Jensen",
    "Kovacs",
    "Lima",
    "Moreira",
    "Nunes",
    "Okafor",
    "Pereira",
    "Quintero",
    "Rocha",
    "Silva",
    "Tanaka",
    "Vieira",
)
WORDS = (
    "Golden",
    "Ocean",
    "Harvest",
    "Northern",
    "Delta",
    "Summit",
    "Pioneer",
    "Bright",
    "Eastern",
    "Silver",
)
TRADES = (
    "Textiles",
    "Fishing",
    "Agro",
    "Mining",
    "Apparel",
    "Logistics",
    "Charcoal",
    "Construction",
    "Seafood",
)
FORMS = ("Co. Ltd.", "Ltda.", "S.A.", "LLC", "Limited", "Sdn Bhd")
LEGAL_MARKERS = (
    "ltd",
    "llc",
    "ltda",
    "s.a",
    "inc",
    "gmbh",
    "co.",
    "limited",
    "corp",
    "bhd",
    "company",
    "group",
)
DEMO_EDITION = date(2026, 1, 28)
#: Invented names always on the demo lists (a person on OFAC, a company on Lista Suja): the examples the
#: screening and registry pages and docs/*.md suggest, checked by tests/registry/test_demo_labels.py.
EXAMPLE_PERSON = "Marta Quintero Rocha"
EXAMPLE_COMPANY = "Pioneer Charcoal Ltda."
EXAMPLE_NAMES = (EXAMPLE_PERSON, EXAMPLE_COMPANY)


def _is_company(name: str) -> bool:
    low = name.lower()
    return any(marker in low for marker in LEGAL_MARKERS)


def _cpf(rng: random.Random) -> str:
    base = [rng.randint(0, 9) for _ in range(9)]
    for weights in (range(10, 1, -1), range(11, 1, -1)):
        rest = sum(n * w for n, w in zip(base, weights, strict=False)) % 11
        base.append(0 if rest < 2 else 11 - rest)
    return format_cpf("".join(map(str, base)))


def _cnpj(rng: random.Random) -> str:
    base = [rng.randint(0, 9) for _ in range(8)] + [0, 0, 0, 1]
    w1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]
    for weights in (w1, [6, *w1]):
        rest = sum(n * w for n, w in zip(base, weights, strict=False)) % 11
        base.append(0 if rest < 2 else 11 - rest)
    return format_cnpj("".join(map(str, base)))


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(LAST)}"


def _company(rng: random.Random) -> str:
    return f"{rng.choice(WORDS)} {rng.choice(TRADES)} {rng.choice(FORMS)}"


def write_demo_sources(out_dir: Path, seed: int = 7, extra_names: Sequence[str] = ()) -> dict[str, Path]:
    """Write small synthetic list files; returns {source: path} ready for `load_source`.

    `extra_names` are spread over the lists (people onto OFAC and Lista Suja, companies onto Lista Suja,
    CBP and UFLPA) so that screening the demo bank finds them.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not a secret
    out_dir.mkdir(parents=True, exist_ok=True)
    people = [n for n in extra_names if not _is_company(n)]
    companies = [n for n in extra_names if _is_company(n)]
    return {
        "us_ofac_sdn": _ofac(out_dir / "us_ofac_sdn", rng, [*people[0::2], EXAMPLE_PERSON], companies[0::3]),
        "br_lista_suja": _lista_suja(out_dir, rng, people[1::2], [*companies[1::3], EXAMPLE_COMPANY]),
        "us_cbp_wro": _cbp(out_dir, rng, companies[2::3]),
        "us_dhs_uflpa": _uflpa(out_dir, rng),
    }


def load_demo_registry(
    workspace: Workspace,
    out_dir: Path,
    seed: int = 7,
    extra_names: Sequence[str] = (),
    progress: Progress | None = None,
) -> list[EditionReport]:
    """Write the demo lists and load each into the workspace's registry as `demo_<source>`."""
    paths = write_demo_sources(out_dir, seed, extra_names)
    return [
        load_source(
            workspace, source, path, progress, edition_date=DEMO_EDITION, dataset=demo_dataset(source)
        )
        for source, path in paths.items()
    ]


def _ofac(folder: Path, rng: random.Random, people: Sequence[str], companies: Sequence[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    sdn: list[list[str]] = []
    alt: list[list[str]] = []
    add: list[list[str]] = []
    null = "-0- "
    ent = 90000
    for i, name in enumerate([*people, *(_person(rng) for _ in range(25))]):
        ent += 1
        parts = name.split()
        listed = f"{parts[-1].upper()}, {' '.join(parts[:-1])}" if len(parts) > 1 else name.upper()
        dob = f"{rng.randint(1, 28):02d} {rng.choice(('Jan', 'Mar', 'Jun', 'Sep', 'Nov'))} {rng.randint(1955, 1995)}"
        remarks = f"DOB {dob}; nationality {rng.choice(('Brazil', 'Malaysia', 'Thailand', 'Nigeria'))}; Gender Male."
        sdn.append(
            [str(ent), listed, "individual", "GLOMAG", null, null, null, null, null, null, null, remarks]
        )
        if i % 3 == 0:
            alt.append([str(ent), str(ent * 10), "aka", f"{parts[0]} {rng.choice(LAST)}".upper(), null])
    for name in [*companies, *(_company(rng) for _ in range(10))]:
        ent += 1
        sdn.append(
            [
                str(ent),
                name.upper(),
                null,
                "GLOMAG",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                "Linked To: DEMO FORCED LABOUR NETWORK.",
            ]
        )
        add.append([str(ent), str(ent * 10), "1 Harbour Road", "Port Klang", "Malaysia", null])
    for k in range(3):
        ent += 1
        imo = 9100000 + rng.randint(0, 99999)
        imo = imo - imo % 10 + _imo_check(imo // 10)
        sdn.append(
            [
                str(ent),
                f"{rng.choice(WORDS).upper()} STAR {k + 1}",
                "vessel",
                "GLOMAG",
                null,
                "9VAB" + str(k),
                "Fishing Vessel",
                null,
                "1,200",
                "Panama",
                null,
                f"Vessel Registration Identification IMO {imo}; Linked To: DEMO FORCED LABOUR NETWORK.",
            ]
        )
    _ofac_csv(folder / "sdn.csv", sdn)
    _ofac_csv(folder / "alt.csv", alt)
    _ofac_csv(folder / "add.csv", add)
    _ofac_csv(folder / "sdn_comments.csv", [])
    return folder


def _imo_check(six: int) -> int:
    digits = [int(c) for c in f"{six:06d}"]
    return sum(d * w for d, w in zip(digits, range(7, 1, -1), strict=True)) % 10


def _ofac_csv(path: Path, rows: list[list[str]]) -> None:
    """OFAC's layout: no header, every string quoted except the `-0- ` nulls, and a final 0x1A line."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        for row in rows:
            fh.write(",".join(c if c == "-0- " else '"' + c.replace('"', '""') + '"' for c in row) + "\r\n")
        fh.write("\x1a")


def _lista_suja(out_dir: Path, rng: random.Random, people: Sequence[str], companies: Sequence[str]) -> Path:
    path = out_dir / f"cadastro_de_empregadores_{DEMO_EDITION.isoformat()}.csv"
    header = [
        "id",
        "ano_acao_fiscal",
        "uf",
        "empregador",
        "cnpj_cpf",
        "tipo_documento",
        "estabelecimento",
        "trabalhadores_envolvidos",
        "cnae",
        "decisao_administrativa_procedencia",
        "inclusao_cadastro",
    ]
    rows = []
    entries = [(n, "CPF") for n in [*people, *(_person(rng) for _ in range(20))]]
    entries += [(n, "CNPJ") for n in [*companies, *(_company(rng) for _ in range(8))]]
    for i, (name, kind) in enumerate(entries, start=1):
        doc = _cpf(rng) if kind == "CPF" else _cnpj(rng)
        shown = f"{doc[:10]} {name.upper()}" if kind == "CNPJ" and i % 2 else name.upper()
        rows.append(
            [
                str(i),
                str(rng.randint(2019, 2024)),
                rng.choice(("PA", "MG", "MT", "BA", "SP")),
                shown,
                doc,
                kind,
                f"FAZENDA {rng.choice(WORDS).upper()}, ZONA RURAL",
                str(rng.randint(1, 40)),
                "0151-2/01",
                f"{rng.randint(1, 28):02d}/0{rng.randint(1, 9)}/2024",
                "06/10/2025",
            ]
        )
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _cbp(out_dir: Path, rng: random.Random, companies: Sequence[str]) -> Path:
    path = out_dir / "cbp_wro_demo.csv"
    rows = []
    for name in [*companies, *(_company(rng) for _ in range(6))]:
        country = rng.choice(
            (
                ("MY", "Malaysia", "Disposable gloves"),
                ("CN", "China", "Cotton"),
                ("TH", "Thailand", "Seafood"),
                ("BR", "Brazil", "Charcoal"),
            )
        )
        rows.append(
            [
                str(rng.randint(2019, 2025)),
                country[0],
                country[1],
                country[2],
                "Manufacturing",
                "Active",
                rng.choice(("WRO", "Finding")),
                f"{name} and its subsidiaries",
                f"0{rng.randint(1, 9)}/{rng.randint(10, 28)}/2024",
                "",
                "",
                "",
            ]
        )
    rows.append(
        [
            "2024",
            "XX",
            "Demo Region",
            "Cotton",
            "Agriculture",
            "Active",
            "WRO",
            "All cotton produced in Demo Region",
            "01/15/2024",
            "",
            "",
            "",
        ]
    )
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CBP_COLUMNS)
        writer.writerows(rows)
    return path


def _uflpa(out_dir: Path, rng: random.Random) -> Path:
    path = out_dir / "uflpa_demo.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "aliases", "address", "country", "date_added", "section", "notes"])
        for _ in range(6):
            name = _company(rng)
            writer.writerow([name, name.split()[0] + " Group", "", "China", "2024-03-01", "demo", ""])
    return path
