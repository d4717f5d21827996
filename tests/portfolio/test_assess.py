"""End to end: demo lists in the publishers' formats, our demo risk tables, holdings with spelling variants of
listed names. The outputs a user reads are checked, and the ranking target of the issue is tested."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from chainbreaker.core.workspace import Workspace
from chainbreaker.portfolio import assess_portfolio, load_screener
from chainbreaker.portfolio.demo import DEMO_HOLDINGS, write_demo_gsi, write_demo_holdings, write_demo_ilab
from chainbreaker.registry import load_source
from chainbreaker.registry.demo import load_demo_registry
from chainbreaker.screening import Screener

#: Planted on the demo (synthetic) OFAC, Lista Suja and CBP lists, in that order, by the registry demo.
PLANTED = (
    "Fazenda Boa Vista Agropecuaria Ltda",
    "Carvoaria Sao Jorge Ltda",
    "Golden Glove Manufacturing Sdn Bhd",
)
VARIANTS = {
    "L-1": ("Fazenda Boa Vista Agropecuária", "demo_us_ofac_sdn"),  # accent, no legal form
    "L-2": ("CARVOARIA SÃO JORGE LTDA.", "demo_br_lista_suja"),  # upper case, tilde, dotted form
    "L-3": ("Golden Gloves Manufacturing Sdn. Bhd.", "demo_us_cbp_wro"),  # plural, dotted form
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, Path, Screener]:
    root = tmp_path_factory.mktemp("portfolio")
    ws = Workspace(root / "ws")
    load_demo_registry(ws, root / "lists", extra_names=list(PLANTED))
    load_source(ws, "walkfree_gsi", write_demo_gsi(root / "gsi.csv"))
    load_source(ws, "us_dol_ilab", write_demo_ilab(root / "ilab.csv"))
    screener = load_screener(ws)
    assert screener is not None
    return ws, root, screener


def _holdings(path: Path, rows: list[list[str]]) -> Path:
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
        writer.writerows(rows)
    return path


def test_a_listed_issuer_or_parent_under_a_spelling_variant_ranks_above_its_peers(
    demo: tuple[Workspace, Path, Screener], tmp_path: Path
) -> None:
    ws, root, screener = demo
    uflpa = next(csv.DictReader((root / "lists" / "uflpa_demo.csv").open(encoding="utf-8")))["name"]
    rows = [
        [hid, name, "BR", "BR", "ISIC 0141", "", "1000", "USD", ""] for hid, (name, _ds) in VARIANTS.items()
    ]
    rows.append(
        ["L-4", uflpa.lower().replace(" co", " company"), "BR", "BR", "ISIC 0141", "", "1000", "USD", ""]
    )
    # a subsidiary whose parent is listed, and peers in the same country and sector with worse inherent risk
    rows.append(["L-5", "Boa Vista Trading Subsidiary SA", "BR", "BR", "ISIC 0141", "", "1000", "USD", "L-1"])
    rows += [
        [
            f"P-{i}",
            f"Peer Cattle Company {i}",
            "BR",
            "BR;KP" if i % 2 else "BR",
            "ISIC 0141",
            "Cattle",
            "1000",
            "USD",
            "",
        ]
        for i in range(20)
    ]
    report = assess_portfolio(_holdings(tmp_path / "h.csv", rows), ws, tmp_path / "out", screener=screener)
    table = {
        r["holding_id"]: r for r in pq.read_table(tmp_path / "out" / "holdings_risk.parquet").to_pylist()
    }
    for hid, (_name, dataset) in VARIANTS.items():
        assert table[hid]["listed"] and table[hid]["listing_dataset"] == dataset, table[hid]["reasons"]
    assert table["L-4"]["listing_dataset"] == "demo_us_dhs_uflpa"
    assert table["L-5"]["listing_relation"] == "parent" and table["L-5"]["listing_path"] == ["L-5", "L-1"]
    assert table["L-1"]["listing_relation"] == "issuer"
    listed = [r for r in table.values() if r["holding_id"].startswith("L-")]
    peers = [r for r in table.values() if r["holding_id"].startswith("P-")]
    assert not any(r["listed"] for r in peers)
    assert min(r["score"] for r in listed) > max(r["score"] for r in peers)
    assert report.listed_holdings == 5


def test_outputs_rejects_and_change_since_previous_run(
    demo: tuple[Workspace, Path, Screener], tmp_path: Path
) -> None:
    ws, _root, screener = demo
    holdings = write_demo_holdings(tmp_path / "h.csv", [("H-101", "Fazenda Boa Vista Agropecuária")])
    with holdings.open("a", encoding="utf-8") as fh:
        fh.write("H-900,Bad Row Co,Atlantis,,,,,USD,\n")
    out = tmp_path / "out"
    report = assess_portfolio(holdings, ws, out, screener=screener)
    assert report.rows_read == report.accepted + report.rejected == 14
    rejects = list(csv.DictReader((out / "rejects.csv").open(encoding="utf-8")))
    assert [(r["row"], r["holding_id"], r["column"]) for r in rejects] == [("15", "H-900", "domicile")]
    lines = list(csv.DictReader((out / "holdings_risk.csv").open(encoding="utf-8")))
    assert list(lines[0]) == ["holding_id", "issuer_name", "score", "band", "reasons"]
    assert lines[0]["holding_id"] == "H-101" and lines[0]["band"] == "severe"
    cocoa = next(r for r in lines if r["holding_id"] == "H-003")
    assert "good 'Cocoa' in CI" in cocoa["reasons"] and "not Walk Free data" in cocoa["reasons"]
    exposure = json.loads((out / "exposure.json").read_text())
    assert exposure["USD"]["total"] == pytest.approx(sum(float(h[6]) for h in DEMO_HOLDINGS) + 4_000_000)
    assert 0 < exposure["USD"]["weighted_score"] < 1
    heat, world = (out / "heatmap.svg").read_text(), (out / "worldmap.svg").read_text()
    assert heat.startswith("<svg") and "Cocoa × CI" in heat
    assert world.startswith("<svg") and world.count("<circle") >= 10
    html = (out / "report.html").read_text()
    assert "Fazenda Boa Vista" in html and "<svg" in html and "Rows read 14" in html
    assert report.changes == {"previous_run": 0}
    # second run: one holding removed, one added, one re-classified
    text = holdings.read_text().replace("H-007,Northwind Software Inc", "H-077,Northwind Software Inc")
    text = text.replace(
        "H-011,Rhein Precision Tools GmbH,DE,DE,NAICS 3335,",
        "H-011,Rhein Precision Tools GmbH,DE,DE;CD,NAICS 2122,Cobalt ore",
    )
    holdings.write_text(text)
    second = assess_portfolio(holdings, ws, out, screener=screener)
    assert second.changes["new"] == 1 and second.changes["removed"] == 1
    changes = {r["holding_id"]: r for r in csv.DictReader((out / "changes.csv").open(encoding="utf-8"))}
    assert changes["H-077"]["change"] == "new" and changes["H-007"]["change"] == "removed"
    assert changes["H-011"]["change"] in ("up", "band_up") and float(changes["H-011"]["new_score"]) > float(
        changes["H-011"]["old_score"]
    )


def test_without_risk_tables_the_summary_says_what_was_not_scored(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    report = assess_portfolio(write_demo_holdings(tmp_path / "h.csv"), ws, tmp_path / "out")
    assert any("walkfree_gsi" in m for m in report.missing_tables)
    assert any("registry lists" in m for m in report.missing_tables)
    assert report.bands["severe"] == 0


def test_real_lista_suja_names_under_variants_are_found(
    shared_dir: Path, demo: tuple[Workspace, Path, Screener], tmp_path: Path
) -> None:
    """Real employers from the 2026 Lista Suja, written the way a data vendor might write them."""
    ws = Workspace(tmp_path / "real")
    load_source(
        ws, "br_lista_suja", shared_dir / "data/br_lista_suja/cadastro_de_empregadores_2026-01-28.csv"
    )
    screener = load_screener(ws)
    assert screener is not None
    companies = [e for e in screener.index.entities if e.schema == "Company" and "LTDA" in e.caption][:5]
    assert len(companies) == 5
    rows = [
        [f"L-{i}", e.caption.title().replace("Ltda", "Ltda."), "BR", "BR", "ISIC 0151", "", "1", "BRL", ""]
        for i, e in enumerate(companies)
    ]
    rows += [
        [f"P-{i}", f"Agropecuaria Exemplo {i} Ltda", "BR", "BR", "ISIC 0151", "Cattle", "1", "BRL", ""]
        for i in range(10)
    ]
    assess_portfolio(_holdings(tmp_path / "h.csv", rows), ws, tmp_path / "out", screener=screener)
    table = {
        r["holding_id"]: r for r in pq.read_table(tmp_path / "out" / "holdings_risk.parquet").to_pylist()
    }
    assert all(table[f"L-{i}"]["listing_dataset"] == "br_lista_suja" for i in range(5))
    assert min(table[f"L-{i}"]["score"] for i in range(5)) > max(table[f"P-{i}"]["score"] for i in range(10))


@pytest.mark.parametrize("forked", [False, True])
def test_batch_screening_gives_the_hits_of_one_call_per_issuer(
    demo: tuple[Workspace, Path, Screener], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: bool
) -> None:
    """The issuers go to the SQL-blocked batch job together; each gets exactly what `screen` gives it."""
    from chainbreaker.portfolio import assess as assess_module
    from chainbreaker.portfolio.holdings import read_holdings
    from chainbreaker.screening import job

    _ws, _root, screener = demo
    names = [(f"X-{i}", n) for i, n in enumerate(PLANTED)] + [("X-3", PLANTED[0].upper())]
    holdings = read_holdings(write_demo_holdings(tmp_path / "h.csv", names)).holdings
    if forked:
        monkeypatch.setattr(job, "PARALLEL_MIN", 2)
    batch, screened = assess_module.screen_issuers(holdings, screener)
    assert screened == len(holdings) and {"X-0", "X-1", "X-2", "X-3"} <= set(batch)
    one_by_one = {
        h.holding_id: hits
        for h in holdings
        if (hits := screener.screen(assess_module._query(h.holding_id, h), limit=5))
    }
    assert {k: [(m.entity_id, m.score) for m in v] for k, v in batch.items()} == {
        k: [(m.entity_id, m.score) for m in v] for k, v in one_by_one.items()
    }


def test_portfolio_demo_command_runs_end_to_end(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from chainbreaker.cli.main import app

    result = CliRunner().invoke(
        app, ["portfolio", "demo", "-w", str(tmp_path / "ws"), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    assert "severe 3" in result.output
    rows = list(csv.DictReader((tmp_path / "out" / "holdings_risk.csv").open(encoding="utf-8")))
    assert {r["holding_id"] for r in rows[:3]} == {"H-101", "H-102", "H-103"}


def test_real_ofac_companies_under_variants_outrank_their_country_and_sector_peers(
    shared_dir: Path, tmp_path: Path
) -> None:
    """The ranking target on the real OFAC SDN list: companies written as a data vendor might (title case,
    no punctuation, one transposition), as issuers and as the parent of an unlisted subsidiary, rank above
    every unlisted holding of their country and sector group in the Parquet output."""
    import unicodedata

    ws = Workspace(tmp_path / "ofac")
    load_source(ws, "us_ofac_sdn", shared_dir / "data/ofac_sdn")
    load_source(ws, "walkfree_gsi", write_demo_gsi(tmp_path / "gsi.csv"))
    screener = load_screener(ws)
    assert screener is not None
    picked = [
        e
        for e in screener.index.entities
        if e.schema in ("Company", "Organization")
        and len(e.caption) > 14
        and e.countries
        and e.countries[0].lower() in ("ir", "ru", "cn", "ae", "sy", "kp")
        and e.caption.replace(" ", "").isalpha()
    ][:6]
    assert len(picked) == 6
    rows = []
    for i, entity in enumerate(picked):
        text = unicodedata.normalize("NFKD", entity.caption).encode("ascii", "ignore").decode().title()
        text = text[:5] + text[6] + text[5] + text[7:]  # one transposition
        country = entity.countries[0].upper()
        rows.append([f"L-{i}", text, country, country, "NAICS 3344", "", "1000", "USD", ""])
        rows.append(
            [
                f"S-{i}",
                f"Unlisted Subsidiary {i} Trading",
                country,
                country,
                "NAICS 3344",
                "",
                "1",
                "USD",
                f"L-{i}",
            ]
        )
        rows += [
            [
                f"P-{i}-{k}",
                f"Ordinary Peer {i} {k} Components",
                country,
                f"{country};KP",
                "NAICS 3344",
                "Cotton",
                "1",
                "USD",
                "",
            ]
            for k in range(5)
        ]
    assess_portfolio(_holdings(tmp_path / "h.csv", rows), ws, tmp_path / "out", screener=screener)
    table = pq.read_table(tmp_path / "out" / "holdings_risk.parquet").to_pylist()
    by_id = {r["holding_id"]: r for r in table}
    for i in range(6):
        assert by_id[f"L-{i}"]["listing_dataset"] == "us_ofac_sdn", by_id[f"L-{i}"]["reasons"]
        assert by_id[f"S-{i}"]["listing_relation"] == "parent"
    for r in table:
        if r["listed"]:
            peers = [
                p
                for p in table
                if not p["listed"] and (p["country"], p["sector_group"]) == (r["country"], r["sector_group"])
            ]
            assert peers and r["score"] > max(p["score"] for p in peers)
