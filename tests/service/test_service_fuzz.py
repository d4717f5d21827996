"""Schemathesis drives every operation of the OpenAPI spec with generated input: no server error.

Runs as an analyst of bank-a with an API key (so the generated requests reach the handlers rather than
stopping at authentication), with a bounded number of examples per operation to stay fast.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from svc_world import BASE_URL, World, fuzz_api, make_world

from chainbreaker.core.workspace import Workspace


@pytest.fixture(scope="module")
def fuzz_world(service_workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    built = make_world(service_workspace, tmp_path_factory.mktemp("fuzz") / "cases.sqlite")
    with TestClient(built.app, base_url=BASE_URL):
        yield built


def test_no_server_errors_on_any_operation(fuzz_world: World) -> None:
    """Every operation, 12 derandomized examples each, as an analyst's API key."""
    seen = fuzz_api(fuzz_world.app, fuzz_world.keys["alice"], max_examples=12)
    statuses = Counter(status for _m, _p, status, _b in seen)
    server_errors = [f"{m} {p} -> {st}: {b}" for m, p, st, b in seen if st >= 500]
    assert not server_errors, "\n".join(server_errors[:20])
    assert statuses[200] > 0 and statuses[422] > 0, statuses  # both valid and invalid input were generated
    print(dict(statuses))
