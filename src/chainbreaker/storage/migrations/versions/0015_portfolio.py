"""Engagement log of investors and lenders: engagements and their events.

Revision ID: 0015_portfolio
Revises: 0014_sharing
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_portfolio"
down_revision: str | None = "0014_sharing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies: a migration must not change when the package's vocabulary grows later.
STAGES = ("engage", "deadline", "vote_covenant", "divest", "closed")
KINDS = ("investor", "lender")
EVENTS = ("opened", "contact", "escalate", "close")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "engagements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("holding_id", sa.String(length=64), nullable=False),
        sa.Column("issuer_name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("score_at_open", sa.Float(), nullable=True),
        sa.Column("band_at_open", sa.String(length=20), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(_in("stage", STAGES), name=op.f("ck_engagements_stage")),
        sa.CheckConstraint(_in("kind", KINDS), name=op.f("ck_engagements_kind")),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_engagements_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engagements")),
        sa.UniqueConstraint("org_id", "holding_id", name=op.f("uq_engagements_org_id_holding_id")),
    )
    op.create_index(op.f("ix_engagements_org_id"), "engagements", ["org_id"], unique=False)
    op.create_table(
        "engagement_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("from_stage", sa.String(length=20), nullable=True),
        sa.Column("to_stage", sa.String(length=20), nullable=True),
        sa.Column("contact", sa.String(length=200), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("next_step", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(_in("event", EVENTS), name=op.f("ck_engagement_events_event")),
        sa.ForeignKeyConstraint(
            ["engagement_id"],
            ["engagements.id"],
            name=op.f("fk_engagement_events_engagement_id_engagements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_engagement_events_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engagement_events")),
    )
    op.create_index(op.f("ix_engagement_events_org_id"), "engagement_events", ["org_id"], unique=False)
    op.create_index(
        op.f("ix_engagement_events_engagement_id"), "engagement_events", ["engagement_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_engagement_events_engagement_id"), table_name="engagement_events")
    op.drop_index(op.f("ix_engagement_events_org_id"), table_name="engagement_events")
    op.drop_table("engagement_events")
    op.drop_index(op.f("ix_engagements_org_id"), table_name="engagements")
    op.drop_table("engagements")
