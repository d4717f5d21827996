"""The grievance workflow: deadlines, steps in order, leverage, non-cooperation as a risk note, and the
complainant's contact shown only to supervisors with every view audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from chainbreaker.core.errors import ConflictError, InputError, PermissionDeniedError
from chainbreaker.remedy import grievances
from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.models import AuditEntry

BANK = "bank-a"

GOOD = grievances.GrievanceInput(
    category="unpaid_wages",
    about_name="Fazenda Boa Vista Ltda",
    description="Nine months without pay; the foreman keeps our work cards.",
    about_country="br",
    language="pt",
    anonymous=False,
    contact="+55 11 91234 5678",
)


def test_input_is_validated_with_the_field_named() -> None:
    with pytest.raises(ValidationError, match="category"):
        grievances.GrievanceInput(category="gossip", about_name="X Co", description="long enough text")
    with pytest.raises(ValidationError, match="description"):
        grievances.GrievanceInput(category="other", about_name="X Co", description="short")
    cleaned = grievances.GrievanceInput(
        category="other", about_name="Acme\x0bCorp", description="control\x00 characters removed"
    )
    assert "\x0b" not in cleaned.about_name and "\x00" not in cleaned.description


def test_workflow_deadlines_and_non_cooperation(store: Session) -> None:
    g = grievances.submit(store, BANK, GOOD, channel="web")
    assert g.reference == "G-000001" and g.status == "received"
    assert g.acknowledge_due - g.created_at == timedelta(days=7)
    assert [o.reference for o in grievances.overdue(store, BANK, now=utcnow() + timedelta(days=8))] == [
        g.reference
    ]
    with pytest.raises(ConflictError, match="possible from"):
        grievances.take_step(store, BANK, g.reference, "remedy", "agreed", "ana", "analyst")
    with pytest.raises(PermissionDeniedError):
        grievances.take_step(store, BANK, g.reference, "acknowledge", "received it", "aud", "auditor")
    for step in ("acknowledge", "assess", "engage"):
        grievances.take_step(store, BANK, g.reference, step, f"{step} done", "ana", "analyst")
    with pytest.raises(ConflictError, match="link grievance"):
        grievances.take_step(
            store, BANK, g.reference, "leverage", "asked for payroll records", "ana", "analyst",
            cooperation="not_cooperating",
        )  # fmt: skip
    grievances.link(store, BANK, g.reference, "corporate_client", "P1", "ana", score=0.91, explanation="name")
    grievances.take_step(
        store, BANK, g.reference, "leverage", "loan covenant invoked; client refused", "ana", "analyst",
        cooperation="not_cooperating",
    )  # fmt: skip
    notes = grievances.risk_notes(store, BANK)
    assert [n.source_ref for n in notes["P1"]] == [g.reference]
    with pytest.raises(InputError, match="outcome"):
        grievances.take_step(store, BANK, g.reference, "close", "done", "sam", "supervisor")
    closed = grievances.take_step(
        store, BANK, g.reference, "close", "wages repaid", "sam", "supervisor", outcome="partly_remedied"
    )
    assert closed.status == "closed" and closed.closed_at is not None


def test_contact_only_for_supervisors_and_every_view_audited(store: Session) -> None:
    g = grievances.submit(store, BANK, GOOD, channel="web")
    with pytest.raises(PermissionDeniedError):
        grievances.complainant_contact(store, BANK, g.reference, "ana", "analyst")
    assert grievances.complainant_contact(store, BANK, g.reference, "sam", "supervisor") == GOOD.contact
    actions = [
        a.action
        for a in store.scalars(select(AuditEntry).where(AuditEntry.org_id == BANK).order_by(AuditEntry.seq))
    ]
    assert actions[-2:] == ["grievance.contact_refused", "grievance.contact_view"]
    assert all(GOOD.contact not in str(a.details) for a in store.scalars(select(AuditEntry)))


def test_anonymous_keeps_no_contact(store: Session) -> None:
    data = GOOD.model_copy(update={"anonymous": True})
    g = grievances.submit(store, BANK, data, channel="web")
    assert g.anonymous and g.complainant_contact is None


def test_attachments_checked_by_content_not_name(store: Session) -> None:
    fake = grievances.Attachment("photo.png", "image/png", b"MZ\x90\x00 not an image")
    with pytest.raises(InputError, match="attachment 1"):
        grievances.submit(store, BANK, GOOD, channel="web", attachments=[fake])
    big = grievances.Attachment("a.pdf", "application/pdf", b"%PDF-" + b"x" * grievances.MAX_ATTACHMENT_BYTES)
    with pytest.raises(InputError, match="larger than"):
        grievances.submit(store, BANK, GOOD, channel="web", attachments=[big])
    ok = grievances.Attachment("payslip.pdf", "application/octet-stream", b"%PDF-1.7 ...")
    g = grievances.submit(store, BANK, GOOD, channel="web", attachments=[ok])
    assert g.reference.startswith("G-")
