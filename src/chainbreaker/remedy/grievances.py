"""The grievance mechanism: complaints about a bank's customers, corporate clients or holdings, and what the
bank did about them (FAST goal 4; ANZ's framework: respond, seek resolution with the client, contribute to
remediation, use leverage when the client will not cooperate, report publicly on complaints and outcomes).

Anyone may submit (the public intake page never shows a submission back); NGOs and trade unions may submit
for workers through the API. A complainant's contact is optional; when given it is shown only to roles that
need it and every view is written to the audit log. A client's refusal to cooperate becomes a risk note on
the linked party, which scoring reads.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chainbreaker.cases import audit
from chainbreaker.core.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.remedy_models import (
    GRIEVANCE_CATEGORIES,
    GRIEVANCE_OUTCOMES,
    LINK_KINDS,
    Grievance,
    GrievanceAttachment,
    GrievanceStep,
    RiskNote,
)

LANGUAGES = ("en", "es", "pt")
ACKNOWLEDGE_WITHIN = timedelta(days=7)
ASSESS_WITHIN = timedelta(days=30)
MAX_ATTACHMENTS = 3
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
#: Roles that may see who complained (the complainant's contact); every view is audited.
CONTACT_ROLES = frozenset({"supervisor", "coordinator"})
#: Roles that may move a grievance along its workflow.
HANDLER_ROLES = frozenset({"analyst", "supervisor"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

#: The next status each step leads to, and the statuses it may be taken from.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "acknowledge": (("received",), "acknowledged"),
    "assess": (("acknowledged",), "assessing"),
    "engage": (("assessing", "engaging"), "engaging"),
    "leverage": (("engaging",), None),
    "remedy": (("assessing", "engaging"), "remedy_agreed"),
    "close": (("received", "acknowledged", "assessing", "engaging", "remedy_agreed"), "closed"),
    "note": (("received", "acknowledged", "assessing", "engaging", "remedy_agreed", "closed"), None),
}


def _clean(text: str) -> str:
    """Text without control characters (they break XML and CSV exports) and surrounding space."""
    return _CONTROL.sub(" ", text).strip()


class GrievanceInput(BaseModel):
    """What a complainant (or an NGO for them) submits; every field is checked before anything is stored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    category: str
    about_name: str = Field(min_length=2, max_length=300)
    description: str = Field(min_length=10, max_length=10_000)
    about_country: str | None = Field(default=None, min_length=2, max_length=2)
    language: str = "en"
    workers_affected: int | None = Field(default=None, ge=1, le=1_000_000)
    anonymous: bool = True
    contact: str | None = Field(default=None, max_length=300)

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        if value not in GRIEVANCE_CATEGORIES:
            raise ValueError(f"must be one of {', '.join(GRIEVANCE_CATEGORIES)}")
        return value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"must be one of {', '.join(LANGUAGES)}")
        return value

    @field_validator("about_country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.isalpha():
            raise ValueError("must be a two-letter ISO country code")
        return value.upper()

    @field_validator("about_name", "description", "contact")
    @classmethod
    def _no_control(cls, value: str | None) -> str | None:
        return _clean(value) if value is not None else None


@dataclass(frozen=True)
class Attachment:
    """A file as uploaded, before it is checked."""

    filename: str
    content_type: str
    data: bytes


#: Accepted attachment kinds, recognised by their first bytes (the declared type is not trusted).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def check_attachment(item: Attachment, index: int) -> str:
    """The checked content type of an attachment, or an InputError naming the file and the rule."""
    column = f"attachment {index + 1} ({item.filename[:80]})"
    if not item.data:
        raise InputError("is empty", column=column)
    if len(item.data) > MAX_ATTACHMENT_BYTES:
        raise InputError(f"is larger than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB", column=column)
    for magic, kind in _MAGIC:
        if item.data.startswith(magic):
            return kind
    try:
        item.data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("must be a PDF, PNG, JPEG or plain-text file", column=column) from None
    if _CONTROL.search(item.data.decode("utf-8")):
        raise InputError("plain text must not contain control characters", column=column)
    return "text/plain"


def _next_reference(session: Session, org_id: str) -> str:
    count = session.scalar(select(func.count()).select_from(Grievance).where(Grievance.org_id == org_id))
    return f"G-{(count or 0) + 1:06d}"


def submit(
    session: Session,
    org_id: str,
    data: GrievanceInput,
    *,
    channel: str,
    submitted_by_org: str | None = None,
    attachments: list[Attachment] | None = None,
) -> Grievance:
    """Store a new grievance with its deadlines; the audit log records that one arrived, not its content."""
    files = attachments or []
    if len(files) > MAX_ATTACHMENTS:
        raise InputError(f"at most {MAX_ATTACHMENTS} attachments", column="attachments")
    kinds = [check_attachment(f, i) for i, f in enumerate(files)]
    now = utcnow()
    grievance = Grievance(
        org_id=org_id,
        reference=_next_reference(session, org_id),
        channel=channel,
        submitted_by_org=submitted_by_org,
        language=data.language,
        category=data.category,
        about_name=data.about_name,
        about_country=data.about_country,
        description=data.description,
        workers_affected=data.workers_affected,
        anonymous=data.anonymous or not data.contact,
        complainant_contact=None if data.anonymous else data.contact,
        status="received",
        acknowledge_due=now + ACKNOWLEDGE_WITHIN,
        assess_due=now + ASSESS_WITHIN,
        cooperation="unknown",
        created_at=now,
    )
    session.add(grievance)
    session.flush()
    for item, kind in zip(files, kinds, strict=True):
        session.add(
            GrievanceAttachment(
                org_id=org_id,
                grievance_id=grievance.id,
                filename=_clean(item.filename)[:200] or "attachment",
                content_type=kind,
                size=len(item.data),
                sha256=hashlib.sha256(item.data).hexdigest(),
                data=item.data,
            )
        )
    audit.record(
        session,
        org_id,
        submitted_by_org or "public",
        "grievance.submit",
        "grievance",
        grievance.reference,
        {"channel": channel, "category": data.category, "attachments": len(files)},
    )
    return grievance


def get(session: Session, org_id: str, reference: str) -> Grievance:
    found = session.scalar(
        select(Grievance).where(Grievance.org_id == org_id, Grievance.reference == reference.strip().upper())
    )
    if found is None:
        raise NotFoundError(f"grievance {reference} not found")
    return found


def take_step(
    session: Session,
    org_id: str,
    reference: str,
    kind: str,
    detail: str,
    actor: str,
    actor_role: str,
    *,
    cooperation: str | None = None,
    outcome: str | None = None,
) -> Grievance:
    """Record one workflow step; refuse a step the grievance's status does not allow, naming what does."""
    if actor_role not in HANDLER_ROLES:
        raise PermissionDeniedError(f"a {actor_role} may not handle grievances")
    if kind not in TRANSITIONS:
        raise InputError(f"unknown step {kind!r}; use one of {', '.join(TRANSITIONS)}", column="kind")
    detail = _clean(detail)
    if len(detail) < 3:
        raise InputError("say what was done (at least a few words)", column="detail")
    grievance = get(session, org_id, reference)
    allowed_from, target = TRANSITIONS[kind]
    if grievance.status not in allowed_from:
        raise ConflictError(
            f"grievance {grievance.reference} is {grievance.status}; '{kind}' is possible from "
            f"{', '.join(allowed_from)}"
        )
    if kind == "close":
        if outcome not in GRIEVANCE_OUTCOMES:
            raise InputError(f"closing needs an outcome: {', '.join(GRIEVANCE_OUTCOMES)}", column="outcome")
        grievance.outcome = outcome
        grievance.closed_at = utcnow()
    if cooperation is not None:
        _set_cooperation(session, grievance, cooperation, detail, actor)
    if target is not None:
        grievance.status = target
    session.add(
        GrievanceStep(org_id=org_id, grievance_id=grievance.id, kind=kind, detail=detail, actor=actor)
    )
    session.flush()
    audit.record(
        session,
        org_id,
        actor,
        f"grievance.{kind}",
        "grievance",
        grievance.reference,
        {"status": grievance.status, "outcome": grievance.outcome, "cooperation": grievance.cooperation},
    )
    return grievance


def _set_cooperation(
    session: Session, grievance: Grievance, cooperation: str, detail: str, actor: str
) -> None:
    if cooperation not in ("cooperating", "not_cooperating"):
        raise InputError("cooperation must be cooperating or not_cooperating", column="cooperation")
    grievance.cooperation = cooperation
    if cooperation == "not_cooperating":
        if grievance.linked_id is None:
            raise ConflictError(
                f"link grievance {grievance.reference} to a customer, client or holding before recording "
                "that the client does not cooperate (the risk note needs a party)"
            )
        session.add(
            RiskNote(
                org_id=grievance.org_id,
                party_id=grievance.linked_id,
                source="grievance",
                source_ref=grievance.reference,
                note=f"did not cooperate with grievance {grievance.reference} ({grievance.category}): {detail}",
                weight=0.3,
            )
        )
        audit.record(
            session,
            grievance.org_id,
            actor,
            "risk_note.add",
            "party",
            grievance.linked_id,
            {"source": "grievance", "ref": grievance.reference},
        )


def link(
    session: Session,
    org_id: str,
    reference: str,
    linked_kind: str,
    linked_id: str,
    actor: str,
    *,
    score: float | None = None,
    explanation: str | None = None,
) -> Grievance:
    """Attach a grievance to the customer, corporate client or holding it is about."""
    if linked_kind not in LINK_KINDS:
        raise InputError(f"link kind must be one of {', '.join(LINK_KINDS)}", column="linked_kind")
    grievance = get(session, org_id, reference)
    grievance.linked_kind = linked_kind
    grievance.linked_id = linked_id.strip()
    grievance.link_score = score
    grievance.link_explanation = explanation
    session.add(
        GrievanceStep(
            org_id=org_id,
            grievance_id=grievance.id,
            kind="link",
            detail=f"linked to {linked_kind} {linked_id}",
            actor=actor,
        )
    )
    session.flush()
    audit.record(
        session, org_id, actor, "grievance.link", "grievance", grievance.reference, {"kind": linked_kind}
    )
    return grievance


def complainant_contact(
    session: Session, org_id: str, reference: str, actor: str, actor_role: str
) -> str | None:
    """Who complained, for the roles allowed to know; every view is written to the audit log."""
    grievance = get(session, org_id, reference)
    if actor_role not in CONTACT_ROLES:
        audit.record(
            session, org_id, actor, "grievance.contact_refused", "grievance", grievance.reference, {}
        )
        raise PermissionDeniedError("only a supervisor may see a complainant's contact")
    audit.record(session, org_id, actor, "grievance.contact_view", "grievance", grievance.reference, {})
    return grievance.complainant_contact


def overdue(session: Session, org_id: str, now: datetime | None = None) -> list[Grievance]:
    """Grievances past their acknowledgement or assessment deadline."""
    when = now or utcnow()
    rows = session.scalars(
        select(Grievance)
        .where(Grievance.org_id == org_id, Grievance.status != "closed")
        .order_by(Grievance.id)
    ).all()
    return [
        g
        for g in rows
        if (g.status == "received" and g.acknowledge_due < when)
        or (g.status in ("received", "acknowledged") and g.assess_due < when)
    ]


def risk_notes(session: Session, org_id: str) -> dict[str, list[RiskNote]]:
    """Active risk notes per party: the hook monitoring and portfolio scoring read."""
    notes: dict[str, list[RiskNote]] = {}
    for note in session.scalars(
        select(RiskNote).where(RiskNote.org_id == org_id, RiskNote.active.is_(True)).order_by(RiskNote.id)
    ):
        notes.setdefault(note.party_id, []).append(note)
    return notes
