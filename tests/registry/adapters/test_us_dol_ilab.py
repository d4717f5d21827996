"""ILAB List of Goods (Sweat & Toil XML, flattened CSV, TVPRA XLSX) and the EO 13126 XLS."""

from __future__ import annotations

from pathlib import Path

import pytest

from chainbreaker.core.errors import InputError
from chainbreaker.registry.adapters import us_dol_ilab
from chainbreaker.registry.store import RegistryStore

from .._helpers import LoadedRegistry


def test_goods_become_facts_not_entities(loaded: LoadedRegistry, store: RegistryStore) -> None:
    report = loaded.reports["us_dol_ilab"]
    assert (report.rows_read, report.entities, report.facts) == (467, 0, 599)
    assert store.count("us_dol_ilab") == 0


def test_cocoa_from_cote_d_ivoire_is_child_labour(store: RegistryStore) -> None:
    facts = [f for f in store.facts("us_dol_ilab") if f["good"] == "Cocoa" and f["country"] == "ci"]
    assert {f["kind"] for f in facts} == {"child_labor", "forced_labor", "forced_child_labor"}
    assert all(f["country_name"] == "Côte d'Ivoire" for f in facts)


def test_every_country_resolves_to_an_iso_code(store: RegistryStore) -> None:
    assert [f for f in store.facts("us_dol_ilab") if f["country"] is None] == []


def test_derived_goods_name_their_upstream_country(store: RegistryStore) -> None:
    derived = [f for f in store.facts("us_dol_ilab") if f["kind"] == "derived"]
    assert len(derived) == 10
    assert any(f["good"] == "Solar Modules" and f["country"] == "cn" for f in derived)


@pytest.mark.parametrize(
    ("name", "facts", "kinds"),
    [
        (
            "ilab_goods_by_country_2022.csv",
            599,
            {"child_labor", "forced_labor", "forced_child_labor", "derived"},
        ),
        ("tvpra_list_of_goods_2016.xlsx", 448, {"child_labor", "forced_labor"}),
        ("eo13126_list_of_products_2014.xls", 54, {"forced_child_labor"}),
    ],
)
def test_other_ilab_files(data_dir: Path, name: str, facts: int, kinds: set[str]) -> None:
    read = us_dol_ilab.read(data_dir / "us_dol_ilab" / name, "us_dol_ilab")
    assert len(read.facts) == facts
    assert {f.kind for f in read.facts} == kinds
    assert any(f.good == "Cocoa" and f.country == "ci" for f in read.facts)


def test_csv_without_flag_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "goods.csv"
    path.write_text("good,country\nCocoa,Ghana\n", encoding="utf-8")
    with pytest.raises(InputError, match="child_labor, forced_labor"):
        us_dol_ilab.read(path, "us_dol_ilab")
