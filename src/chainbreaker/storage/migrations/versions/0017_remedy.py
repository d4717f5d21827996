"""Remedy tables: grievances and their steps and attachments, risk notes, protections, survivor referrals
and exit reviews (owned by `chainbreaker.remedy`).

Revision ID: 0017_remedy
Revises: 0010_chain
Create Date: 2026-12-04 11:53:22.084541
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_remedy"
down_revision: str | None = "0010_chain"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "grievances",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("submitted_by_org", sa.String(length=64), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("about_name", sa.String(length=300), nullable=False),
        sa.Column("about_country", sa.String(length=2), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("workers_affected", sa.Integer(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("complainant_contact", sa.Text(), nullable=True),
        sa.Column("linked_kind", sa.String(length=20), nullable=True),
        sa.Column("linked_id", sa.String(length=100), nullable=True),
        sa.Column("link_score", sa.Float(), nullable=True),
        sa.Column("link_explanation", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("acknowledge_due", sa.DateTime(), nullable=False),
        sa.Column("assess_due", sa.DateTime(), nullable=False),
        sa.Column("cooperation", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "category IN ('unpaid_wages', 'recruitment_fees', 'document_retention', 'forced_overtime', 'threats_or_violence', 'housing', 'child_labour', 'freedom_of_movement', 'other')",
            name=op.f("ck_grievances_category"),
        ),
        sa.CheckConstraint("channel IN ('web', 'api')", name=op.f("ck_grievances_channel")),
        sa.CheckConstraint(
            "cooperation IN ('unknown', 'cooperating', 'not_cooperating')",
            name=op.f("ck_grievances_cooperation"),
        ),
        sa.CheckConstraint(
            "linked_kind IS NULL OR linked_kind IN ('customer', 'corporate_client', 'holding')",
            name=op.f("ck_grievances_linked_kind"),
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('remedied', 'partly_remedied', 'not_remedied', 'unfounded', 'withdrawn')",
            name=op.f("ck_grievances_outcome"),
        ),
        sa.CheckConstraint(
            "status IN ('received', 'acknowledged', 'assessing', 'engaging', 'remedy_agreed', 'closed')",
            name=op.f("ck_grievances_status"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_grievances_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grievances")),
        sa.UniqueConstraint("org_id", "reference", name=op.f("uq_grievances_org_id_reference")),
    )
    with op.batch_alter_table("grievances", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grievances_linked_id"), ["linked_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_grievances_org_id"), ["org_id"], unique=False)

    op.create_table(
        "protections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("party_id", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("source_ref", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("ended_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_protections_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protections")),
        sa.UniqueConstraint(
            "org_id",
            "party_id",
            "source",
            "source_ref",
            name=op.f("uq_protections_org_id_party_id_source_source_ref"),
        ),
    )
    with op.batch_alter_table("protections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_protections_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_protections_party_id"), ["party_id"], unique=False)

    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("referring_org", sa.String(length=64), nullable=False),
        sa.Column("person_name", sa.String(length=300), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("accepted_documents", sa.JSON(), nullable=False),
        sa.Column("product", sa.String(length=60), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("party_id", sa.String(length=100), nullable=True),
        sa.Column("account_id", sa.String(length=100), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('received', 'documents_checked', 'account_opened', 'declined', 'withdrawn')",
            name=op.f("ck_referrals_status"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_referrals_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
        sa.UniqueConstraint("org_id", "reference", name=op.f("uq_referrals_org_id_reference")),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referrals_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referrals_party_id"), ["party_id"], unique=False)

    op.create_table(
        "risk_notes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("party_id", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("source_ref", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_risk_notes_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_notes")),
    )
    with op.batch_alter_table("risk_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_notes_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_risk_notes_party_id"), ["party_id"], unique=False)

    op.create_table(
        "exit_reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("party_id", sa.String(length=100), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("exit_reason", sa.String(length=60), nullable=False),
        sa.Column("likely_victim", sa.Boolean(), nullable=False),
        sa.Column("protected", sa.Boolean(), nullable=False),
        sa.Column("business_client", sa.Boolean(), nullable=False),
        sa.Column("leverage_tried", sa.Boolean(), nullable=True),
        sa.Column("decision", sa.String(length=30), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("decided_role", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "decision IN ('exit', 'retain_under_review', 'retain_with_support', 'offer_basic_account')",
            name=op.f("ck_exit_reviews_decision"),
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_exit_reviews_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_exit_reviews_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exit_reviews")),
    )
    with op.batch_alter_table("exit_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exit_reviews_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_exit_reviews_party_id"), ["party_id"], unique=False)

    op.create_table(
        "grievance_attachments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("grievance_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["grievance_id"],
            ["grievances.id"],
            name=op.f("fk_grievance_attachments_grievance_id_grievances"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_grievance_attachments_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grievance_attachments")),
    )
    with op.batch_alter_table("grievance_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_grievance_attachments_grievance_id"), ["grievance_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_grievance_attachments_org_id"), ["org_id"], unique=False)

    op.create_table(
        "grievance_steps",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("grievance_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('acknowledge', 'assess', 'engage', 'leverage', 'remedy', 'close', 'note', 'link')",
            name=op.f("ck_grievance_steps_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["grievance_id"],
            ["grievances.id"],
            name=op.f("fk_grievance_steps_grievance_id_grievances"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_grievance_steps_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grievance_steps")),
    )
    with op.batch_alter_table("grievance_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grievance_steps_grievance_id"), ["grievance_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_grievance_steps_org_id"), ["org_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("grievance_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grievance_steps_org_id"))
        batch_op.drop_index(batch_op.f("ix_grievance_steps_grievance_id"))

    op.drop_table("grievance_steps")
    with op.batch_alter_table("grievance_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grievance_attachments_org_id"))
        batch_op.drop_index(batch_op.f("ix_grievance_attachments_grievance_id"))

    op.drop_table("grievance_attachments")
    with op.batch_alter_table("exit_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exit_reviews_party_id"))
        batch_op.drop_index(batch_op.f("ix_exit_reviews_org_id"))

    op.drop_table("exit_reviews")
    with op.batch_alter_table("risk_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_notes_party_id"))
        batch_op.drop_index(batch_op.f("ix_risk_notes_org_id"))

    op.drop_table("risk_notes")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referrals_party_id"))
        batch_op.drop_index(batch_op.f("ix_referrals_org_id"))

    op.drop_table("referrals")
    with op.batch_alter_table("protections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_protections_party_id"))
        batch_op.drop_index(batch_op.f("ix_protections_org_id"))

    op.drop_table("protections")
    with op.batch_alter_table("grievances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grievances_org_id"))
        batch_op.drop_index(batch_op.f("ix_grievances_linked_id"))

    op.drop_table("grievances")
