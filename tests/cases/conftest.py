"""Case tests: the hand-written ring workspace (`db_url`, on SQLite and PostgreSQL, is in tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def ring_workspace(workspace):  # type: ignore[no-untyped-def]
    """A workspace holding the hand-written ring of ring_fixture.py, with monitoring and screening output."""
    import ring_fixture

    return ring_fixture.make_workspace(workspace)
