"""Organisation kinds (bank, ngo, investor, fiu, hub) and the roles NGOs and the hub operator need.

Revision ID: 0003_org_kinds
Revises: 0002_service
Create Date: 2026-12-04

Existing organisations become banks, which is what every organisation was before this revision. The user
role CHECK widens to the roles of every kind; which role fits which kind is enforced by the service
(`core.organisations.KIND_ROLES`), since a CHECK cannot look at another table.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_org_kinds"
down_revision: str | None = "0002_service"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies: a migration must not change when the package's vocabulary grows later.
KINDS = ("bank", "ngo", "investor", "fiu", "hub")
OLD_ROLES = ("analyst", "supervisor", "admin", "auditor")
NEW_ROLES = (*OLD_ROLES, "caseworker", "coordinator", "hub_operator")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), nullable=False, server_default="bank"))
        batch_op.create_check_constraint(op.f("ck_organisations_kind"), _in("kind", KINDS))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_role"), _in("role", NEW_ROLES))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_role"), _in("role", OLD_ROLES))
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_organisations_kind"), type_="check")
        batch_op.drop_column("kind")
