"""NGO-bank sharing: protected parties and shared signals at a bank; the hub's partnerships, keys, submissions,
exchanges and requests for information (docs/sharing.md).

Revision ID: 0014_sharing
Revises: 0011_security
Create Date: 2026-12-04

No column holds an identifier: the hub stores blinded values (LargeBinary), ids, counts and purposes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_sharing"
down_revision: str | None = "0011_security"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hub_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("public_key", sa.String(length=128), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_hub_keys_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_keys")),
    )
    op.create_index(op.f("ix_hub_keys_org_id"), "hub_keys", ["org_id"], unique=False)
    op.create_table(
        "hub_partnerships",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("ngo_org_id", sa.String(length=64), nullable=False),
        sa.Column("bank_org_id", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("limits", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["bank_org_id"], ["organisations.id"], name=op.f("fk_hub_partnerships_bank_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["ngo_org_id"], ["organisations.id"], name=op.f("fk_hub_partnerships_ngo_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_partnerships")),
    )
    op.create_index(
        op.f("ix_hub_partnerships_bank_org_id"), "hub_partnerships", ["bank_org_id"], unique=False
    )
    op.create_index(op.f("ix_hub_partnerships_ngo_org_id"), "hub_partnerships", ["ngo_org_id"], unique=False)
    op.create_table(
        "protected_parties",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("party_id", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("partnership", sa.String(length=100), nullable=False),
        sa.Column("handle", sa.String(length=120), nullable=False),
        sa.Column("matched_on", sa.String(length=200), nullable=False),
        sa.Column("marked_at", sa.DateTime(), nullable=False),
        sa.Column("released_at", sa.DateTime(), nullable=True),
        sa.Column("released_by", sa.String(length=100), nullable=True),
        sa.Column("release_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_protected_parties_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protected_parties")),
        sa.UniqueConstraint(
            "org_id", "party_id", "handle", name=op.f("uq_protected_parties_org_id_party_id_handle")
        ),
    )
    op.create_index(op.f("ix_protected_parties_org_id"), "protected_parties", ["org_id"], unique=False)
    op.create_index(op.f("ix_protected_parties_party_id"), "protected_parties", ["party_id"], unique=False)
    op.create_table(
        "shared_signals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("party_id", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("partnership", sa.String(length=100), nullable=False),
        sa.Column("submitted_on", sa.String(length=10), nullable=False),
        sa.Column("handle", sa.String(length=120), nullable=False),
        sa.Column("matched_on", sa.String(length=200), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_shared_signals_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shared_signals")),
        sa.UniqueConstraint(
            "org_id",
            "party_id",
            "handle",
            "matched_on",
            name=op.f("uq_shared_signals_org_id_party_id_handle_matched_on"),
        ),
    )
    op.create_index(op.f("ix_shared_signals_org_id"), "shared_signals", ["org_id"], unique=False)
    op.create_index(op.f("ix_shared_signals_party_id"), "shared_signals", ["party_id"], unique=False)
    op.create_table(
        "hub_rfis",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("partnership_id", sa.String(length=100), nullable=False),
        sa.Column("handle", sa.String(length=120), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("case_reference", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("asked_by", sa.String(length=100), nullable=False),
        sa.Column("answered_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["hub_partnerships.id"],
            name=op.f("fk_hub_rfis_partnership_id_hub_partnerships"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_rfis")),
    )
    op.create_index(op.f("ix_hub_rfis_partnership_id"), "hub_rfis", ["partnership_id"], unique=False)
    op.create_table(
        "hub_submissions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("partnership_id", sa.String(length=100), nullable=False),
        sa.Column("header", sa.JSON(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=True),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["hub_partnerships.id"],
            name=op.f("fk_hub_submissions_partnership_id_hub_partnerships"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_submissions")),
    )
    op.create_index(
        op.f("ix_hub_submissions_partnership_id"), "hub_submissions", ["partnership_id"], unique=False
    )
    op.create_table(
        "hub_exchanges",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("submission_id", sa.String(length=64), nullable=False),
        sa.Column("partnership_id", sa.String(length=100), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("request_header", sa.JSON(), nullable=False),
        sa.Column("request_payload", sa.LargeBinary(), nullable=True),
        sa.Column("response_header", sa.JSON(), nullable=True),
        sa.Column("response_payload", sa.LargeBinary(), nullable=True),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["hub_partnerships.id"],
            name=op.f("fk_hub_exchanges_partnership_id_hub_partnerships"),
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["hub_submissions.id"],
            name=op.f("fk_hub_exchanges_submission_id_hub_submissions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hub_exchanges")),
    )
    op.create_index(
        op.f("ix_hub_exchanges_partnership_id"), "hub_exchanges", ["partnership_id"], unique=False
    )
    op.create_index(op.f("ix_hub_exchanges_submission_id"), "hub_exchanges", ["submission_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_hub_exchanges_partnership_id"), table_name="hub_exchanges")
    op.drop_table("hub_exchanges")
    op.drop_index(op.f("ix_hub_submissions_partnership_id"), table_name="hub_submissions")
    op.drop_table("hub_submissions")
    op.drop_index(op.f("ix_hub_rfis_partnership_id"), table_name="hub_rfis")
    op.drop_table("hub_rfis")
    op.drop_index(op.f("ix_shared_signals_party_id"), table_name="shared_signals")
    op.drop_index(op.f("ix_shared_signals_org_id"), table_name="shared_signals")
    op.drop_table("shared_signals")
    op.drop_index(op.f("ix_protected_parties_party_id"), table_name="protected_parties")
    op.drop_index(op.f("ix_protected_parties_org_id"), table_name="protected_parties")
    op.drop_table("protected_parties")
    op.drop_index(op.f("ix_hub_partnerships_ngo_org_id"), table_name="hub_partnerships")
    op.drop_index(op.f("ix_hub_partnerships_bank_org_id"), table_name="hub_partnerships")
    op.drop_table("hub_partnerships")
    op.drop_index(op.f("ix_hub_keys_org_id"), table_name="hub_keys")
    op.drop_table("hub_keys")
