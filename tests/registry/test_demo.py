"""The demo lists: publisher formats, planted customer names, deterministic output."""

from __future__ import annotations

from pathlib import Path

from chainbreaker.core.workspace import Workspace
from chainbreaker.registry import RegistryStore
from chainbreaker.registry.demo import load_demo_registry, write_demo_sources

CUSTOMERS = [
    "João da Silva Santos",
    "Maria Oliveira",
    "Tropical Textiles Ltda.",
    "Harbour Seafood Co. Ltd.",
    "Kim Nguyen",
    "Sunrise Agro S.A.",
]


def test_demo_files_are_deterministic(tmp_path: Path) -> None:
    a = write_demo_sources(tmp_path / "a", seed=3, extra_names=CUSTOMERS)
    b = write_demo_sources(tmp_path / "b", seed=3, extra_names=CUSTOMERS)
    assert set(a) == {"us_ofac_sdn", "br_lista_suja", "us_cbp_wro", "us_dhs_uflpa"}
    assert (a["us_ofac_sdn"] / "sdn.csv").read_bytes() == (b["us_ofac_sdn"] / "sdn.csv").read_bytes()
    assert (a["us_ofac_sdn"] / "sdn.csv").read_bytes().endswith(b"\x1a")


def test_demo_loads_and_every_customer_is_findable(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    reports = load_demo_registry(workspace, tmp_path / "lists", seed=7, extra_names=CUSTOMERS)
    assert all(r.rejected == 0 for r in reports)
    with RegistryStore(workspace) as store:
        for name in CUSTOMERS:
            words = name.replace(".", "").split()[:2]
            assert store.search(" ".join(words)), name
        vessels = (
            store.connect()
            .execute(
                "SELECT count(*) FROM registry_entities WHERE schema = 'Vessel' AND len(identifiers) > 0"
            )
            .fetchone()
        )
        assert vessels is not None and vessels[0] == 3
