"""Schemathesis over the whole API as each role (tests/service's fuzz test runs as one analyst).

For every role: no operation answers a server error, whatever the generated input. For the roles that
change nothing (auditor, admin): no state-changing operation ever succeeds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from svc_world import BASE_URL, World, fuzz_api, make_world

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
    seen = fuzz_api(roles_world.app, roles_world.keys[ROLES[role]], max_examples=6)
    statuses = Counter(status for _m, _p, status, _b in seen)
    server_errors = [f"{m} {p} -> {st}: {b[:160]}" for m, p, st, b in seen if st >= 500]
    forbidden_changes = [
        f"{m} {p} -> {st}: {b[:160]}"
        for m, p, st, b in seen
        if role in READ_ONLY and m == "POST" and st < 300
    ]
    assert not server_errors, "\n".join(server_errors[:20])
    assert not forbidden_changes, "\n".join(forbidden_changes[:20])
    assert statuses[200] > 0, statuses
    if role in READ_ONLY:
        assert statuses[403] > 0, statuses
