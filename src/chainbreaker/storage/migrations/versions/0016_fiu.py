"""FIU cases: networks of received reports spanning several reporting entities, and the reports feeding them.

Revision ID: 0016_fiu
Revises: 0015_portfolio
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_fiu"
down_revision: str | None = "0015_portfolio"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fiu_cases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("network_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("assignee", sa.String(length=100), nullable=True),
        sa.Column("entities", sa.Integer(), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'disseminated', 'closed')", name=op.f("ck_fiu_cases_status")),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_fiu_cases_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fiu_cases")),
        sa.UniqueConstraint("org_id", "reference", name=op.f("uq_fiu_cases_org_id_reference")),
    )
    op.create_index(op.f("ix_fiu_cases_org_id"), "fiu_cases", ["org_id"], unique=False)
    op.create_table(
        "fiu_case_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["fiu_cases.id"],
            name=op.f("fk_fiu_case_reports_case_id_fiu_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fiu_case_reports")),
        sa.UniqueConstraint("case_id", "report_id", name=op.f("uq_fiu_case_reports_case_id_report_id")),
    )
    op.create_index(op.f("ix_fiu_case_reports_case_id"), "fiu_case_reports", ["case_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_fiu_case_reports_case_id"), table_name="fiu_case_reports")
    op.drop_table("fiu_case_reports")
    op.drop_index(op.f("ix_fiu_cases_org_id"), table_name="fiu_cases")
    op.drop_table("fiu_cases")
