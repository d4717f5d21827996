"""Initial schema: organisations, users, API keys, cases and their parts, and the hash-chained audit log.

Also creates the `default` organisation, which the CLI uses when no organisation is given.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
    )
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=100), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_audit_entries_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
        sa.UniqueConstraint("org_id", "seq", name=op.f("uq_audit_entries_org_id_seq")),
    )
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entries_org_id"), ["org_id"], unique=False)

    op.create_table(
        "audit_heads",
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_audit_heads_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_audit_heads")),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.Column("trafficking_type", sa.String(length=10), nullable=False),
        sa.Column("risk_score", sa.Float(), nullable=False),
        sa.Column("network_id", sa.String(length=100), nullable=True),
        sa.Column("network", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("assignee", sa.String(length=100), nullable=True),
        sa.Column("period_start", sa.DateTime(), nullable=True),
        sa.Column("period_end", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('new', 'in_review', 'escalated', 'reported', 'closed')", name=op.f("ck_cases_status")
        ),
        sa.CheckConstraint(
            "trafficking_type IN ('sex', 'labour', 'general', 'mixed')",
            name=op.f("ck_cases_trafficking_type"),
        ),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], name=op.f("fk_cases_org_id_organisations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("org_id", "reference", name=op.f("uq_cases_org_id_reference")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_org_id"), ["org_id"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "role IN ('analyst', 'supervisor', 'admin', 'auditor')", name=op.f("ck_users_role")
        ),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], name=op.f("fk_users_org_id_organisations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_org_id"), ["org_id"], unique=False)

    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.String(length=100), nullable=False),
        sa.Column("party_id", sa.String(length=100), nullable=False),
        sa.Column("account_id", sa.String(length=100), nullable=True),
        sa.Column("account_key", sa.String(length=100), nullable=False),
        sa.Column("indicator_id", sa.String(length=40), nullable=False),
        sa.Column("trafficking_type", sa.String(length=10), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("period_start", sa.DateTime(), nullable=True),
        sa.Column("period_end", sa.DateTime(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_alerts_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_alerts_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint(
            "org_id",
            "party_id",
            "indicator_id",
            "account_key",
            name=op.f("uq_alerts_org_id_party_id_indicator_id_account_key"),
        ),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alerts_alert_id"), ["alert_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_party_id"), ["party_id"], unique=False)

    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_api_keys_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_api_keys_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_keys_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_api_keys_prefix"), ["prefix"], unique=False)
        batch_op.create_index(batch_op.f("ix_api_keys_user_id"), ["user_id"], unique=False)

    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("assignee", sa.String(length=100), nullable=True),
        sa.Column("assigned_by", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_assignments_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_assignments_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignments_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_org_id"), ["org_id"], unique=False)

    op.create_table(
        "case_parties",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("sub_role", sa.String(length=40), nullable=True),
        sa.Column("risk_score", sa.Float(), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("role_set_by", sa.String(length=100), nullable=True),
        sa.Column("role_reason", sa.Text(), nullable=True),
        sa.Column("account_action", sa.String(length=30), nullable=True),
        sa.Column("account_action_reason", sa.Text(), nullable=True),
        sa.Column("account_action_by", sa.String(length=100), nullable=True),
        sa.Column("account_action_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "account_action IS NULL OR account_action IN ('keep_under_review', 'refer_support_partner', 'offer_basic_account', 'close_account')",
            name=op.f("ck_case_parties_account_action"),
        ),
        sa.CheckConstraint(
            "role IN ('subject', 'likely_victim', 'witness', 'unknown')", name=op.f("ck_case_parties_role")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_parties_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_case_parties_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_parties")),
        sa.UniqueConstraint("case_id", "party_id", name=op.f("uq_case_parties_case_id_party_id")),
    )
    with op.batch_alter_table("case_parties", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_parties_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_parties_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_parties_party_id"), ["party_id"], unique=False)

    op.create_table(
        "case_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("profile", sa.String(length=50), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_reports_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_case_reports_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_reports")),
    )
    with op.batch_alter_table("case_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_reports_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_reports_org_id"), ["org_id"], unique=False)

    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_comments_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_comments_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comments_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_comments_org_id"), ["org_id"], unique=False)

    op.create_table(
        "screening_hits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.String(length=100), nullable=True),
        sa.Column("query_id", sa.String(length=100), nullable=False),
        sa.Column("query_name", sa.String(length=300), nullable=True),
        sa.Column("entity_id", sa.String(length=200), nullable=False),
        sa.Column("entity_name", sa.String(length=300), nullable=True),
        sa.Column("dataset", sa.String(length=100), nullable=True),
        sa.Column("source_id", sa.String(length=100), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("matched_on", sa.String(length=40), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_screening_hits_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_screening_hits_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_hits")),
        sa.UniqueConstraint(
            "org_id", "query_id", "entity_id", name=op.f("uq_screening_hits_org_id_query_id_entity_id")
        ),
    )
    with op.batch_alter_table("screening_hits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_screening_hits_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_screening_hits_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_screening_hits_party_id"), ["party_id"], unique=False)

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("alert_pk", sa.Integer(), nullable=True),
        sa.Column("indicator_id", sa.String(length=40), nullable=False),
        sa.Column("txn_id", sa.String(length=100), nullable=False),
        sa.Column("account_id", sa.String(length=100), nullable=False),
        sa.Column("party_id", sa.String(length=100), nullable=True),
        sa.Column("booked_at", sa.DateTime(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("counterparty_account", sa.String(length=100), nullable=True),
        sa.Column("counterparty_party_id", sa.String(length=100), nullable=True),
        sa.Column("counterparty_name", sa.String(length=300), nullable=True),
        sa.Column("counterparty_country", sa.String(length=2), nullable=True),
        sa.Column("merchant_name", sa.String(length=300), nullable=True),
        sa.Column("mcc", sa.String(length=4), nullable=True),
        sa.Column("city", sa.String(length=200), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_pk"], ["alerts.id"], name=op.f("fk_evidence_alert_pk_alerts"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_evidence_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_evidence_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
        sa.UniqueConstraint(
            "case_id", "txn_id", "indicator_id", name=op.f("uq_evidence_case_id_txn_id_indicator_id")
        ),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_alert_pk"), ["alert_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_org_id"), ["org_id"], unique=False)
    organisations = sa.table(
        "organisations",
        sa.column("id", sa.String),
        sa.column("name", sa.String),
        sa.column("created_at", sa.DateTime),
    )
    op.bulk_insert(
        organisations,
        [{"id": "default", "name": "Default organisation", "created_at": datetime(2024, 1, 1)}],
    )


def downgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_org_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_case_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_alert_pk"))

    op.drop_table("evidence")
    with op.batch_alter_table("screening_hits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_hits_party_id"))
        batch_op.drop_index(batch_op.f("ix_screening_hits_org_id"))
        batch_op.drop_index(batch_op.f("ix_screening_hits_case_id"))

    op.drop_table("screening_hits")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comments_org_id"))
        batch_op.drop_index(batch_op.f("ix_comments_case_id"))

    op.drop_table("comments")
    with op.batch_alter_table("case_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_reports_org_id"))
        batch_op.drop_index(batch_op.f("ix_case_reports_case_id"))

    op.drop_table("case_reports")
    with op.batch_alter_table("case_parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_parties_party_id"))
        batch_op.drop_index(batch_op.f("ix_case_parties_org_id"))
        batch_op.drop_index(batch_op.f("ix_case_parties_case_id"))

    op.drop_table("case_parties")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignments_org_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_case_id"))

    op.drop_table("assignments")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_keys_user_id"))
        batch_op.drop_index(batch_op.f("ix_api_keys_prefix"))
        batch_op.drop_index(batch_op.f("ix_api_keys_org_id"))

    op.drop_table("api_keys")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_party_id"))
        batch_op.drop_index(batch_op.f("ix_alerts_org_id"))
        batch_op.drop_index(batch_op.f("ix_alerts_case_id"))
        batch_op.drop_index(batch_op.f("ix_alerts_alert_id"))

    op.drop_table("alerts")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_org_id"))

    op.drop_table("users")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_org_id"))

    op.drop_table("cases")
    op.drop_table("audit_heads")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entries_org_id"))

    op.drop_table("audit_entries")
    op.drop_table("organisations")
