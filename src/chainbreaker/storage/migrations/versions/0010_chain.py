"""One alert identity: the case store keys alerts by monitoring's alert_id; counterparty hits name their customer.

Before: alerts were unique by (org, party, indicator, account), so two periods of one indicator collapsed into
one row and a first build logged false "re-scored" entries. After: unique by (org, alert_id), the identity
`core.handoff.alert_identity(party, indicator, account, period, link)` that monitoring writes. Existing rows
keep their latest alert_id (each was unique under the old key; any duplicate is suffixed with its row id, so
the upgrade never fails). Alerts an earlier build had collapsed stay in that row's `history`; the next
`cases build` adds each period as its own alert.

`screening_hits.counterparty_of`: a hit on a counterparty name names the customer it transacts with, instead
of sitting under that customer's party id.

Revision ID: 0010_chain
Revises: 0003_org_kinds
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_chain"
down_revision: str | None = "0003_org_kinds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    alerts = sa.table(
        "alerts",
        sa.column("id", sa.Integer),
        sa.column("org_id", sa.String),
        sa.column("alert_id", sa.String),
    )
    seen: set[tuple[str, str]] = set()
    for row_id, org_id, alert_id in bind.execute(
        sa.select(alerts.c.id, alerts.c.org_id, alerts.c.alert_id).order_by(alerts.c.id)
    ).all():
        if (org_id, alert_id) in seen:
            bind.execute(
                alerts.update().where(alerts.c.id == row_id).values(alert_id=f"{alert_id}#{row_id}"[:100])
            )
        else:
            seen.add((org_id, alert_id))
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_constraint("uq_alerts_org_id_party_id_indicator_id_account_key", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_alerts_org_id_alert_id"), ["org_id", "alert_id"])
    with op.batch_alter_table("screening_hits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("counterparty_of", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("screening_hits", schema=None) as batch_op:
        batch_op.drop_column("counterparty_of")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_constraint("uq_alerts_org_id_alert_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_alerts_org_id_party_id_indicator_id_account_key",
            ["org_id", "party_id", "indicator_id", "account_key"],
        )
