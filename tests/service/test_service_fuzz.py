"""Schemathesis drives every operation of the OpenAPI spec with generated input: no server error.

Runs as an analyst of bank-a with an API key (so the generated requests reach the handlers rather than
stopping at authentication), with a bounded number of examples per operation to stay fast.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from svc_world import BASE_URL, World, make_world

from chainbreaker.core.workspace import Workspace


@pytest.fixture(scope="module")
def fuzz_world(service_workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    built = make_world(service_workspace, tmp_path_factory.mktemp("fuzz") / "cases.sqlite")
    with TestClient(built.app, base_url=BASE_URL):
        yield built


@pytest.fixture(scope="module")
def api_schema(fuzz_world: World) -> schemathesis.schemas.BaseSchema:
    return schemathesis.openapi.from_asgi("/api/openapi.json", fuzz_world.app)


def test_no_server_errors_on_any_operation(
    api_schema: schemathesis.schemas.BaseSchema, fuzz_world: World
) -> None:
    """Every operation, 15 derandomized examples each (schemathesis' pytest plugin predates pytest 9, so the
    operations are driven through their hypothesis strategies directly)."""
    headers = {"Authorization": f"Bearer {fuzz_world.keys['alice']}"}
    server_errors: list[str] = []
    statuses: Counter[int] = Counter()
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case) -> None:
            response = case.call(base_url=BASE_URL, headers=headers)
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                server_errors.append(
                    f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:200]}"
                )

        run()
    assert not server_errors, "\n".join(server_errors[:20])
    assert statuses[200] > 0 and statuses[422] > 0, statuses  # both valid and invalid input were generated
    print(dict(statuses))
