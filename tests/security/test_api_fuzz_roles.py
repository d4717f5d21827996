"""Schemathesis over the whole API as each role (tests/service's fuzz test runs as one analyst).

For every role: no operation answers a server error, whatever the generated input. For the roles that
change nothing (auditor, admin): no state-changing operation ever succeeds.
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

ROLES = {"analyst": "alice", "supervisor": "sam", "auditor": "audrey", "admin": "adam"}
READ_ONLY = {"auditor", "admin"}


@pytest.fixture(scope="module")
def roles_world(sec_workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    built = make_world(sec_workspace, tmp_path_factory.mktemp("fuzzroles") / "cases.sqlite")
    with TestClient(built.app, base_url=BASE_URL):
        yield built


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_operation_as_every_role(roles_world: World, role: str) -> None:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", roles_world.app)
    headers = {"Authorization": f"Bearer {roles_world.keys[ROLES[role]]}"}
    server_errors: list[str] = []
    forbidden_changes: list[str] = []
    statuses: Counter[int] = Counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=6,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case) -> None:
            response = case.call(base_url=BASE_URL, headers=headers)
            statuses[response.status_code] += 1
            where = f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:160]}"
            if response.status_code >= 500:
                server_errors.append(where)
            if role in READ_ONLY and case.method.upper() == "POST" and response.status_code < 300:
                forbidden_changes.append(where)

        run()
    assert not server_errors, "\n".join(server_errors[:20])
    assert not forbidden_changes, "\n".join(forbidden_changes[:20])
    assert statuses[200] > 0, statuses
    if role in READ_ONLY:
        assert statuses[403] > 0, statuses
