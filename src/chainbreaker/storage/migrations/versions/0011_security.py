"""Security: who decided a party's account action (by role), and server-side login sessions.

`case_parties.account_action_role` lets the survivor safeguard be checked on the stored state itself: a
likely victim's account may be recorded as closed only by a supervisor's decision with a reason, whatever
sequence of role changes led there. Existing decisions are backfilled from the deciding user's role.

`service_sessions` holds one row per browser login (only a hash of the session id), so logging out and
changing a password end a session on the server instead of waiting for the signed cookie to expire.

Revision ID: 0011_security
Revises: 0017_remedy (re-chained after merging main)
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_security"
down_revision: str | None = "0017_remedy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case_parties") as batch:
        batch.add_column(sa.Column("account_action_role", sa.String(length=20), nullable=True))
    op.execute(
        "UPDATE case_parties SET account_action_role = ("
        "SELECT users.role FROM users WHERE users.username = case_parties.account_action_by "
        "AND users.org_id = case_parties.org_id) WHERE account_action IS NOT NULL"
    )
    op.create_table(
        "service_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_service_sessions_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_service_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_sessions")),
    )
    op.create_index(op.f("ix_service_sessions_user_id"), "service_sessions", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_service_sessions_user_id"), table_name="service_sessions")
    op.drop_table("service_sessions")
    with op.batch_alter_table("case_parties") as batch:
        batch.drop_column("account_action_role")
