"""The walkfree_gsi adapter: the three layouts, a folder as one edition, bad rows with reasons."""

from __future__ import annotations

from pathlib import Path

import pytest

from chainbreaker.core.errors import InputError
from chainbreaker.core.workspace import Workspace
from chainbreaker.portfolio.demo import DEMO_LABEL, write_demo_gsi
from chainbreaker.portfolio.riskdata import RiskTables
from chainbreaker.registry import RegistryStore, load_source
from chainbreaker.registry.adapters.walkfree_gsi import number, read


def test_numbers_as_walk_free_prints_them() -> None:
    assert number("  38,928,000 ") == 38928000.0
    assert number("  -   ") is None and number("<1,000") is None and number("") is None


def test_tidy_table_loads_as_country_facts(workspace: Workspace, tmp_path: Path) -> None:
    report = load_source(workspace, "walkfree_gsi", write_demo_gsi(tmp_path / "gsi.csv"))
    assert report.facts == 34 and report.rejected == 0
    tables = RiskTables.from_workspace(workspace)
    br = tables.countries["br"]
    assert (br.prevalence, br.vulnerability, br.prevalence_source) == (5.0, 35.0, DEMO_LABEL)


def test_bad_tidy_rows_are_rejected_with_reasons(tmp_path: Path) -> None:
    path = tmp_path / "gsi.csv"
    path.write_text(
        "country,indicator,value,edition\nBR,gsi_prevalence,5,x\nAtlantis,gsi_prevalence,1,x\n"
        "BR,gsi_colour,1,x\nBR,gsi_vulnerability,high,x\nBR,gsi_at_risk_import,3,x\nBR,1\n",
        encoding="utf-8",
    )
    out = read(path, "walkfree_gsi")
    assert out.rows_read == 6 and len(out.facts) == 1
    assert [r.reason.split(" (")[0] for r in out.rejects] == [
        "country not recognised",
        "unknown indicator",
        "value is not a number",
        "gsi_at_risk_import needs the product in column good",
        "expected 4 columns, found 2",
    ]


def test_unknown_layout_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a GSI table"):
        read(path, "walkfree_gsi")


def test_the_shared_gsi_files_load_as_one_edition(
    shared_dir: Path, workspace: Workspace, tmp_path: Path
) -> None:
    folder = tmp_path / "gsi"
    folder.mkdir()
    for name in (
        "Global_Slavery_Index_2023.csv",
        "gsi_2018_prevalence_vulnerability_government_response.csv",
    ):
        (folder / name).write_bytes((shared_dir / "data/walkfree_gsi" / name).read_bytes())
    report = load_source(workspace, "walkfree_gsi", folder)
    assert report.rejected == 0, report.reject_reasons
    with RegistryStore(workspace) as store:
        assert len(store.editions("walkfree_gsi")) == 1
    tables = RiskTables.from_workspace(workspace)
    kp = tables.countries["kp"]
    assert kp.prevalence == 104.6 and kp.prevalence_source == "GSI 2023"  # 2023 wins over 2018
    assert (
        kp.vulnerability is not None
        and round(kp.vulnerability, 1) == 73.3
        and kp.vulnerability_source == "GSI 2018"
    )
    assert len([c for c in tables.countries.values() if c.prevalence is not None]) >= 160


def test_the_2018_workbook_gives_vulnerability_and_g20_at_risk_imports(
    shared_dir: Path, workspace: Workspace, tmp_path: Path
) -> None:
    """Walk Free's own GSI 2018 workbook (not our CSV derived from it) beside the 2023 prevalence table:
    vulnerability from 2018, prevalence from 2023, and the G20 sheet's products as goods facts."""
    folder = tmp_path / "gsi"
    folder.mkdir()
    for name in ("Global_Slavery_Index_2023.csv", "FINAL-GSI-2018-DATA-G20-AND-FISHING.xlsx"):
        (folder / name).write_bytes((shared_dir / "data/walkfree_gsi" / name).read_bytes())
    report = load_source(workspace, "walkfree_gsi", folder)
    assert report.rejected == 0, report.reject_reasons
    tables = RiskTables.from_workspace(workspace)
    kp, cf = tables.countries["kp"], tables.countries["cf"]
    assert (kp.prevalence, kp.prevalence_source) == (104.6, "GSI 2023")
    assert (kp.vulnerability, kp.vulnerability_source) == (73.3, "GSI 2018")
    assert cf.vulnerability == 100.0  # the workbook's maximum (Central African Republic)
    assert len([c for c in tables.countries.values() if c.vulnerability is not None]) == 167
    laptops = tables.goods[(("laptop",), "cn")]
    assert laptops.kinds == ("gsi_at_risk_import",) and laptops.source == "GSI 2018"
    assert (("cocoa",), "ci") in tables.goods and (("cotton",), "uz") in tables.goods
    assert (("mobile", "phone"), "my") in tables.goods  # 'LAPTOPS, COMPUTERS & MOBILE PHONES' split


def test_a_workbook_without_the_country_sheet_is_refused(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "other.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Sheet A"  # type: ignore[union-attr]
    book.save(path)
    with pytest.raises(InputError, match="no sheet 'Global prev, vuln, govt table'"):
        read(path, "walkfree_gsi")
