"""Session-scoped registry loaded once from the real files in ../shared/data (each big file read once)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from chainbreaker.core.workspace import Workspace
from chainbreaker.registry import RegistryStore, load_source

from ._helpers import FIXTURES, LoadedRegistry


@pytest.fixture(scope="session")
def data_dir(shared_dir: Path) -> Path:
    return shared_dir / "data"


@pytest.fixture(scope="session")
def loaded(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> LoadedRegistry:
    workspace = Workspace(tmp_path_factory.mktemp("registry") / "ws")
    jobs: list[tuple[str, str, Path, date | None]] = [
        ("us_ofac_sdn", "us_ofac_sdn", data_dir / "ofac_sdn", date(2021, 7, 7)),
        ("us_ofac_cons", "us_ofac_cons", data_dir / "ofac_non_sdn", date(2025, 12, 19)),
        (
            "un_sc_sanctions",
            "un_sc_sanctions",
            data_dir / "un_sanctions" / "UN_consolidated_2026-02-27.xml",
            None,
        ),
        (
            "gb_hmt_sanctions",
            "gb_hmt_sanctions",
            data_dir / "uk_hmt_sanctions" / "sanctionsconlist_2018-04-13.csv",
            None,
        ),
        ("eu_fsf", "eu_fsf", data_dir / "eu_sanctions" / "eu_consolidated_2016-02-11.xml", None),
        (
            "lista_2023",
            "br_lista_suja",
            data_dir / "br_lista_suja" / "cadastro_de_empregadores_2023-03-09.txt",
            None,
        ),
        (
            "lista_2026",
            "br_lista_suja",
            data_dir / "br_lista_suja" / "cadastro_de_empregadores_2026-01-28.xlsx",
            None,
        ),
        (
            "us_dol_ilab",
            "us_dol_ilab",
            data_dir / "us_dol_ilab" / "sweat_toil_goods_2021.xml",
            date(2022, 9, 28),
        ),
        ("us_cbp_wro", "us_cbp_wro", FIXTURES / "cbp_wro_sample.csv", date(2024, 1, 1)),
        ("us_dhs_uflpa", "us_dhs_uflpa", FIXTURES / "uflpa_sample.csv", date(2024, 1, 1)),
    ]
    reports = {key: load_source(workspace, source, path, edition_date=day) for key, source, path, day in jobs}
    return LoadedRegistry(workspace, reports)


@pytest.fixture
def store(loaded: LoadedRegistry) -> RegistryStore:
    with RegistryStore(loaded.workspace) as opened:
        yield opened
