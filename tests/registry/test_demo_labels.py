"""The demo's lists say they are a demo, link nowhere, and list the names the UI and docs suggest."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainbreaker.cli.main import app
from chainbreaker.core.demo_lists import DEMO_LABEL, is_demo_dataset, list_label
from chainbreaker.core.workspace import Workspace
from chainbreaker.registry import RegistryStore
from chainbreaker.registry.demo import EXAMPLE_NAMES, load_demo_registry
from chainbreaker.screening.index import Screener
from chainbreaker.screening.io import write_rows
from chainbreaker.screening.types import Query

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "src" / "chainbreaker" / "service" / "templates"
CUSTOMERS = ["João da Silva Santos", "Tropical Textiles Ltda.", "Kim Nguyen"]


@pytest.fixture(scope="module")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("demo-labels")
    workspace = Workspace(root / "ws")
    load_demo_registry(workspace, root / "lists", seed=7, extra_names=CUSTOMERS)
    return workspace


def test_every_demo_dataset_is_marked_and_links_nowhere(demo_workspace: Workspace) -> None:
    with RegistryStore(demo_workspace) as store:
        datasets = [str(r["dataset"]) for r in store.datasets()]
        urls = (
            store.connect()
            .execute(
                "SELECT dataset, value FROM registry_statements "
                "WHERE prop = 'sourceUrl' OR value ILIKE 'http%' OR value ILIKE '%.gov%'"
            )
            .fetchall()
        )
    assert sorted(datasets) == [
        "demo_br_lista_suja",
        "demo_us_cbp_wro",
        "demo_us_dhs_uflpa",
        "demo_us_ofac_sdn",
    ]
    assert all(is_demo_dataset(d) and list_label(d).endswith(DEMO_LABEL) for d in datasets)
    assert urls == []


def _suggested_names() -> list[str]:
    """Every example name the screening form and the API docs suggest."""
    screening = (TEMPLATES / "screening.html").read_text(encoding="utf-8")
    service_doc = (ROOT / "docs" / "service.md").read_text(encoding="utf-8")
    found = re.findall(r'id="name"[^>]*placeholder="[^"]*e\.g\. ([^"]+)"', screening)
    found += re.findall(r'"name": "([^"]+)"', service_doc)
    assert len(found) >= 2, found
    return found


def test_every_suggested_name_is_found_on_the_demo_lists(demo_workspace: Workspace) -> None:
    screener = Screener.from_workspace(demo_workspace)
    for name in [*_suggested_names(), *EXAMPLE_NAMES]:
        hits = screener.screen(Query(query_id="q", name=name))
        assert hits and is_demo_dataset(hits[0].dataset), name


def test_the_registry_search_example_is_found(demo_workspace: Workspace) -> None:
    registry = (TEMPLATES / "registry.html").read_text(encoding="utf-8")
    word = re.findall(r'placeholder="e\.g\. ([^,"]+)', registry)
    assert word
    with RegistryStore(demo_workspace) as store:
        assert store.search(word[0]), word[0]


def test_a_hits_file_of_demo_matches_says_so(demo_workspace: Workspace, tmp_path: Path) -> None:
    screener = Screener.from_workspace(demo_workspace)
    rows = [m.as_row() for m in screener.screen(Query(query_id="q", name=EXAMPLE_NAMES[0]))]
    out = write_rows(rows, tmp_path / "hits.csv")
    header, first = out.read_text(encoding="utf-8").splitlines()[:2]
    assert header.endswith('"list_note"') and DEMO_LABEL in first


def test_registry_list_and_show_label_demo_lists(demo_workspace: Workspace) -> None:
    listed = CliRunner().invoke(
        app, ["registry", "list", "-w", str(demo_workspace.root)], env={"COLUMNS": "200"}
    )
    assert listed.exit_code == 0, listed.output
    assert listed.output.count(DEMO_LABEL) == 4
    with RegistryStore(demo_workspace) as store:
        entity_id = str(store.search(EXAMPLE_NAMES[0], dataset="demo_us_ofac_sdn")[0]["entity_id"])
    shown = CliRunner().invoke(
        app, ["registry", "show", entity_id, "-w", str(demo_workspace.root)], env={"COLUMNS": "200"}
    )
    assert shown.exit_code == 0, shown.output
    assert DEMO_LABEL in shown.output and "treas.gov" not in shown.output
