"""Service tables: background screening jobs and alert reviews (owned by `chainbreaker.service`).

Revision ID: 0002_service
Revises: 0001_initial
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_service"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "service_jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.String(length=10), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'finished', 'failed')", name=op.f("ck_service_jobs_status")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_service_jobs_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_service_jobs_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_jobs")),
    )
    op.create_index(op.f("ix_service_jobs_org_id"), "service_jobs", ["org_id"], unique=False)
    op.create_table(
        "service_alert_reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("alert_pk", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(length=100), nullable=False),
        sa.Column("decision", sa.String(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "decision IN ('relevant', 'not_suspicious', 'needs_more_information')",
            name=op.f("ck_service_alert_reviews_decision"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_service_alert_reviews_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["alert_pk"],
            ["alerts.id"],
            name=op.f("fk_service_alert_reviews_alert_pk_alerts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_alert_reviews")),
    )
    op.create_index(
        op.f("ix_service_alert_reviews_org_id"), "service_alert_reviews", ["org_id"], unique=False
    )
    op.create_index(
        op.f("ix_service_alert_reviews_alert_pk"), "service_alert_reviews", ["alert_pk"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_service_alert_reviews_alert_pk"), table_name="service_alert_reviews")
    op.drop_index(op.f("ix_service_alert_reviews_org_id"), table_name="service_alert_reviews")
    op.drop_table("service_alert_reviews")
    op.drop_index(op.f("ix_service_jobs_org_id"), table_name="service_jobs")
    op.drop_table("service_jobs")
