"""A demo list's entity shows it is a demo on every page that names it, and links nowhere outside."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from svc_world import BASE_URL, World, build_bank, csrf_of, make_world

from chainbreaker.core.demo_lists import DEMO_LABEL
from chainbreaker.core.workspace import Workspace
from chainbreaker.registry import RegistryStore
from chainbreaker.registry.demo import EXAMPLE_PERSON, load_demo_registry

EXTERNAL = re.compile(r'href="(https?:)?//', re.IGNORECASE)


@pytest.fixture(scope="module")
def demo_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, str]]:
    """The service over the demo lists, and the entity id of the example person (found before the app
    opens the workspace read-only)."""
    root = tmp_path_factory.mktemp("demo-ui")
    workspace = Workspace(root / "ws")
    build_bank(workspace, workspace.root / "monitoring")
    load_demo_registry(workspace, root / "lists", seed=7)
    with RegistryStore(workspace) as store:
        found = store.search("Marta Quintero Rocha", dataset="demo_us_ofac_sdn")
    assert found
    built = make_world(workspace, root / "cases.sqlite", with_cases=False)
    with TestClient(built.app, base_url=BASE_URL):
        yield built, str(found[0]["entity_id"])


def test_demo_entity_page_says_demo_and_links_nowhere(demo_world: tuple[World, str]) -> None:
    world, entity_id = demo_world
    assert entity_id.startswith("demo_us_ofac_sdn-")
    client = world.login("alice")
    page = client.get(f"/registry/entities/{entity_id}")
    assert page.status_code == 200
    assert 'id="demo-list">DEMO (synthetic list)' in page.text
    assert "treas.gov" not in page.text and "sourceUrl" not in page.text
    assert not EXTERNAL.search(page.text)


def test_registry_and_screening_pages_label_demo_lists(demo_world: tuple[World, str]) -> None:
    client = demo_world[0].login("alice")
    registry = client.get("/registry", params={"q": "Quintero"})
    assert registry.status_code == 200
    assert f"demo_us_ofac_sdn — {DEMO_LABEL}" in registry.text
    lists = client.get("/registry/lists", params={"dataset": "demo_us_ofac_sdn"})
    assert f"demo_us_ofac_sdn — {DEMO_LABEL}" in lists.text
    token = csrf_of(client.get("/screening").text)
    screened = client.post("/screening", data={"name": EXAMPLE_PERSON, "csrf_token": token})
    assert screened.status_code == 200
    assert "QUINTERO" in screened.text.upper() and DEMO_LABEL in screened.text
    assert not EXTERNAL.search(screened.text)
