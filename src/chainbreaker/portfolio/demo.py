"""A small demo portfolio and a small country table of our own, for `chainbreaker demo` and the tests.

`DEMO_GSI_ROWS` is NOT Walk Free data: it is a table written for this package, with round figures of the
same kind (prevalence per 1,000, vulnerability 0-100) so the demo can run without the GSI files, whose
licence does not let us ship them. Its edition label says so in every reason it produces.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from chainbreaker.core.workspace import Workspace

if TYPE_CHECKING:
    from chainbreaker.portfolio.assess import PortfolioReport

DEMO_LABEL = "chainbreaker demo table (not Walk Free data)"

#: country, prevalence per 1,000, vulnerability 0-100: invented round numbers for the demo only.
DEMO_GSI_ROWS: tuple[tuple[str, float, float], ...] = (
    ("BR", 5.0, 35.0),
    ("CN", 4.0, 45.0),
    ("IN", 8.0, 55.0),
    ("ID", 7.0, 50.0),
    ("MY", 6.0, 40.0),
    ("TH", 8.0, 45.0),
    ("CI", 7.0, 60.0),
    ("GH", 6.0, 55.0),
    ("CD", 10.0, 80.0),
    ("QA", 7.0, 40.0),
    ("VN", 4.0, 45.0),
    ("BD", 7.0, 60.0),
    ("US", 3.0, 20.0),
    ("GB", 2.0, 15.0),
    ("DE", 2.0, 15.0),
    ("FR", 2.0, 15.0),
    ("JP", 1.0, 15.0),
)

#: good, country, kind: a few goods × country findings in ILAB's CSV layout (also invented for the demo).
DEMO_ILAB_ROWS: tuple[tuple[str, str, str, str], ...] = (
    ("Cocoa", "Agriculture", "Côte d'Ivoire", "both"),
    ("Cocoa", "Agriculture", "Ghana", "child"),
    ("Palm Oil", "Agriculture", "Malaysia", "both"),
    ("Palm Oil", "Agriculture", "Indonesia", "both"),
    ("Cotton", "Agriculture", "China", "forced"),
    ("Garments", "Manufacturing", "Bangladesh", "child"),
    ("Fish", "Agriculture", "Thailand", "forced"),
    ("Cobalt Ore", "Mining", "Congo, Democratic Republic of the", "child"),
    ("Cattle", "Agriculture", "Brazil", "both"),
)

#: holding_id, issuer_name, domicile, countries, sector, goods, exposure, parent_id
DEMO_HOLDINGS: tuple[tuple[str, str, str, str, str, str, str, str], ...] = (
    (
        "H-001",
        "Everbright Textiles Holdings plc",
        "GB",
        "CN;BD",
        "NAICS 315",
        "Garments;Cotton",
        "42000000",
        "",
    ),
    ("H-002", "Everbright Garment Factory Ltd", "BD", "BD", "NAICS 315", "Garments", "3000000", "H-001"),
    ("H-003", "Cacao Dourado SA", "CI", "CI;GH", "ISIC 1073", "Cocoa", "15000000", ""),
    ("H-004", "Lumen Solar Technology Co", "CN", "CN", "NAICS 334413", "Solar modules", "22000000", ""),
    ("H-005", "Gulf Stadium Builders LLC", "QA", "QA", "NAICS 2362", "", "9000000", ""),
    ("H-006", "Siam Ocean Catch Co Ltd", "TH", "TH", "NAICS 1141", "Fish", "6000000", ""),
    ("H-007", "Northwind Software Inc", "US", "US", "NAICS 5112", "", "50000000", ""),
    ("H-008", "Grand Meridian Hotels Group", "FR", "FR;TH", "ISIC 5510", "", "12000000", ""),
    ("H-009", "Congo Basin Minerals SARL", "CD", "CD", "NAICS 2122", "Cobalt ore", "5000000", ""),
    ("H-010", "Kelapa Sawit Nusantara Tbk", "ID", "ID;MY", "ISIC 1040", "Palm oil", "8000000", ""),
    ("H-011", "Rhein Precision Tools GmbH", "DE", "DE", "NAICS 3335", "", "18000000", ""),
    ("H-012", "Pampas Cattle Ranching Ltda", "BR", "BR", "ISIC 0141", "Cattle", "7000000", ""),
)


def write_demo_gsi(path: Path) -> Path:
    """The demo country table in the `walkfree_gsi` tidy layout, labelled as ours in its edition column."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["country", "indicator", "value", "edition"])
        for code, prevalence, vulnerability in DEMO_GSI_ROWS:
            writer.writerow([code, "gsi_prevalence", prevalence, DEMO_LABEL])
            writer.writerow([code, "gsi_vulnerability", vulnerability, DEMO_LABEL])
    return path


def write_demo_ilab(path: Path) -> Path:
    """A few goods findings in ILAB's flattened CSV layout (invented; the real list ships in ../shared)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["good", "sector", "country", "child_labor", "forced_labor", "forced_child_labor"])
        for good, sector, country, kind in DEMO_ILAB_ROWS:
            child = "Yes" if kind in ("child", "both") else "No"
            forced = "Yes" if kind in ("forced", "both") else "No"
            writer.writerow([good, sector, country, child, forced, "No"])
    return path


def write_demo_holdings(path: Path, listed: Sequence[tuple[str, str]] = ()) -> Path:
    """The demo holdings; `listed` adds (holding_id, issuer name) rows for names planted on the demo lists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            [
                "holding_id",
                "issuer_name",
                "domicile",
                "countries",
                "sector",
                "goods",
                "exposure",
                "currency",
                "parent_id",
            ]
        )
        for hid, name, dom, countries, sector, goods, exposure, parent in DEMO_HOLDINGS:
            writer.writerow([hid, name, dom, countries, sector, goods, exposure, "USD", parent])
        for hid, name in listed:
            writer.writerow([hid, name, "BR", "BR", "ISIC 0141", "Cattle", "4000000", "USD", ""])
    return path


#: Companies the demo plants on the demo lists (OFAC, Lista Suja, CBP), and how the demo book spells them.
DEMO_PLANTED: tuple[tuple[str, str, str], ...] = (
    ("H-101", "Fazenda Boa Vista Agropecuaria Ltda", "Fazenda Boa Vista Agropecuária"),
    ("H-102", "Carvoaria Sao Jorge Ltda", "CARVOARIA SÃO JORGE LTDA."),
    ("H-103", "Golden Glove Manufacturing Sdn Bhd", "Golden Gloves Manufacturing Sdn. Bhd."),
)


def run_portfolio_demo(workspace: Workspace, out_dir: Path) -> PortfolioReport:
    """Demo lists in the publishers' formats with three planted companies, our demo risk tables (not Walk
    Free data), a book that spells the planted companies differently, and its assessment into `out_dir`."""
    from chainbreaker.portfolio.assess import assess_portfolio
    from chainbreaker.registry import load_source
    from chainbreaker.registry.demo import load_demo_registry

    data = out_dir / "demo-inputs"
    load_demo_registry(workspace, data / "lists", extra_names=[name for _h, name, _v in DEMO_PLANTED])
    load_source(workspace, "walkfree_gsi", write_demo_gsi(data / "demo_country_table.csv"))
    load_source(workspace, "us_dol_ilab", write_demo_ilab(data / "demo_goods.csv"))
    holdings = write_demo_holdings(data / "holdings.csv", [(h, variant) for h, _n, variant in DEMO_PLANTED])
    return assess_portfolio(holdings, workspace, out_dir)
