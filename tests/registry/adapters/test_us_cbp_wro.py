"""CBP Withhold Release Orders: entity-string splitting (checked against ../shared/data/us_cbp_wro) and the
CSV adapter on a fixture in CBP's columns."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from chainbreaker.core.errors import InputError
from chainbreaker.registry.adapters import us_cbp_wro
from chainbreaker.registry.adapters.us_cbp_wro import split_entities
from chainbreaker.registry.store import RegistryStore

from .._helpers import FIXTURES, LoadedRegistry


def test_splitting_agrees_with_opensanctions_manual_split(data_dir: Path) -> None:
    expected: dict[str, set[str]] = defaultdict(set)
    with (data_dir / "us_cbp_wro" / "cbp_wro_entity_names.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            expected[row["cbp_entity_raw"]].add(row["entity_name"].strip("[]'"))
    goods_only = {raw for raw in expected if "produced in" in raw}
    agree = [raw for raw in expected if {p.name for p in split_entities(raw)} == expected[raw]]
    assert len(expected) == 69
    # the two misses are orders on goods ("All Turkmenistan Cotton ..."), which we keep as facts only
    assert set(expected) - set(agree) == goods_only
    assert len(goods_only) == 2


@pytest.mark.parametrize(
    ("raw", "names", "aliases", "schema"),
    [
        (
            "Tianjin Malleable Iron Factory, a/k/a Tianjin Tongbao Fittings Company, a/k/a Tianjin No. 2 Prison",
            ["Tianjin Malleable Iron Factory"],
            [["Tianjin Tongbao Fittings Company", "Tianjin No. 2 Prison"]],
            "Organization",
        ),
        (
            "Hoshine Silicon Industry Co. Ltd. and Subsidiaries",
            ["Hoshine Silicon Industry Co. Ltd."],
            [[]],
            "Organization",
        ),
        ("Fishing Vessel: Da Wang", ["Da Wang"], [[]], "Vessel"),
        (
            "Xinjiang Junggar Cotton and Linen Co., Ltd.",
            ["Xinjiang Junggar Cotton and Linen Co., Ltd."],
            [[]],
            "Organization",
        ),
    ],
)
def test_split_examples(raw: str, names: list[str], aliases: list[list[str]], schema: str) -> None:
    parties = split_entities(raw)
    assert [p.name for p in parties] == names
    assert [p.aliases for p in parties] == aliases
    assert {p.schema for p in parties} == {schema}


def test_fixture_loads_parties_facts_and_skips(loaded: LoadedRegistry, store: RegistryStore) -> None:
    report = loaded.reports["us_cbp_wro"]
    assert report.rows_read == 12
    assert report.skip_reasons == {
        "order on goods or a region, not on a party": 1,
        "order Inactive: nobody listed": 1,
    }
    assert report.entities == 11  # 10 active party rows; one names two companies (Tom)
    vessel = store.search("lien yi hsing", dataset="us_cbp_wro")
    assert vessel[0]["schema"] == "Vessel"
    assert vessel[0]["countries"] == ["tw"]
    brightway = store.get(store.search("brightway group")[0]["entity_id"])
    assert {"Laglove (M) Sdn Bhd", "Biopro (M) Sdn Bhd"} <= set(brightway["names"])
    facts = store.facts("us_cbp_wro")
    assert {"wro", "finding"} == {f["kind"] for f in facts}
    assert any(f["good"] == "Cotton" and f["country"] == "tm" and f["entity_id"] is None for f in facts)


def test_revoked_order_is_a_removal_in_the_next_edition(tmp_path: Path) -> None:
    from chainbreaker.core.workspace import Workspace
    from chainbreaker.registry import RegistryStore, load_source

    workspace = Workspace(tmp_path / "ws")
    first = FIXTURES / "cbp_wro_sample.csv"
    load_source(workspace, "us_cbp_wro", first, edition_date=__import__("datetime").date(2024, 1, 1))
    text = first.read_text(encoding="utf-8").replace(
        "Active,WRO,Hoshine Silicon Industry Co. Ltd. and Subsidiaries",
        "Revoked,WRO,Hoshine Silicon Industry Co. Ltd. and Subsidiaries",
    )
    second = tmp_path / "cbp_2025.csv"
    second.write_text(text, encoding="utf-8")
    report = load_source(
        workspace, "us_cbp_wro", second, edition_date=__import__("datetime").date(2025, 1, 1)
    )
    assert (report.added, report.removed) == (0, 1)
    with RegistryStore(workspace) as store:
        removed = [c.entity_id for c in store.changes("us_cbp_wro", report.edition) if c.change == "removed"]
        assert removed == ["us_cbp_wro-hoshine-silicon-industry-co.-ltd.-cn"]
        assert store.get(removed[0])["active"] is False


def test_missing_columns_name_cbp_layout(tmp_path: Path) -> None:
    path = tmp_path / "wro.csv"
    path.write_text("Country,Entity\nChina,X Co. Ltd.\n", encoding="utf-8")
    with pytest.raises(InputError, match="Merchandise, Status, WRO/Finding"):
        us_cbp_wro.read(path, "us_cbp_wro")
