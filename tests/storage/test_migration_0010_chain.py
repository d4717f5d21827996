"""Migration 0010_chain on an existing case store: alerts re-keyed by their one identity, no row lost."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from chainbreaker.storage.db import make_engine, upgrade


def _alert(conn: sa.Connection, row_id: int, alert_id: str, party: str, account: str) -> None:
    conn.execute(
        sa.text(
            "INSERT INTO alerts (id, org_id, case_id, alert_id, party_id, account_id, account_key, indicator_id, "
            "trafficking_type, score, evidence, fingerprint, history, first_seen_at, updated_at) VALUES "
            "(:id, 'default', 1, :alert_id, :party, :account, :account, 'ST-03', 'sex', 0.5, '{}', 'f', '[]', "
            ":now, :now)"
        ),
        {"id": row_id, "alert_id": alert_id, "party": party, "account": account, "now": datetime(2026, 1, 1)},
    )


def test_existing_store_moves_to_one_alert_identity(db_url: str) -> None:
    upgrade(db_url, "0002_service")
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO cases (id, org_id, reference, title, status, trafficking_type, risk_score, network, "
                "summary, version, created_at, updated_at) VALUES (1, 'default', 'C-000001', 't', 'new', "
                "'sex', 0.5, '{}', '{}', 1, :now, :now)"
            ),
            {"now": datetime(2026, 1, 1)},
        )
        _alert(conn, 1, "AL-1", "P1", "A1")
        _alert(conn, 2, "AL-1", "P1", "A2")  # a duplicate id the old key allowed (fallback ids)
        _alert(conn, 3, "AL-3", "P2", "A3")
    upgrade(db_url)
    with engine.begin() as conn:
        rows = conn.execute(sa.text("SELECT id, alert_id FROM alerts ORDER BY id")).all()
        assert rows == [(1, "AL-1"), (2, "AL-1#2"), (3, "AL-3")]
        columns = {c["name"] for c in sa.inspect(conn).get_columns("screening_hits")}
        assert "counterparty_of" in columns
    # Two periods of one indicator on one account are two alerts now; one id twice is refused.
    with pytest.raises(IntegrityError), engine.begin() as conn:
        _alert(conn, 4, "AL-3", "P2", "A3")
    with engine.begin() as conn:
        _alert(conn, 5, "AL-5", "P2", "A3")
    engine.dispose()
