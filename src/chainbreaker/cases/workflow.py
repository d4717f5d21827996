"""The case workflow: new → in_review → escalated → reported, or closed with a reason.

Every function here takes a session and an organisation, changes rows, writes one audit entry and flushes;
the caller commits (the CLI after one command, the service after one request). Functions that change a case
accept `expected_version`: when two analysts edit the same case, the second one gets a `ConflictError` that
says so, instead of silently overwriting the first one's work. The version column also guards the race in the
database itself (UPDATE ... WHERE version = ?).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from chainbreaker.cases import audit
from chainbreaker.cases.protection import is_protected
from chainbreaker.cases.safeguards import (
    SUPERVISOR_ROLES,
    check_account_action,
    check_exit_reviewed,
    check_role_change,
    check_stored_state,
    protect_new_victim,
)
from chainbreaker.core.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.models import CASE_STATUSES, Assignment, Case, CaseParty, Comment

#: Allowed moves; anything else is refused with the list of allowed next states.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("in_review", "closed"),
    "in_review": ("escalated", "closed"),
    "escalated": ("reported", "in_review", "closed"),
    "reported": ("closed",),
    "closed": ("in_review",),
}
#: Moves that need a written reason (closing, and reopening a closed case).
NEEDS_REASON = {("*", "closed"), ("closed", "in_review"), ("escalated", "in_review")}

MAX_COMMENT = 20_000


def get_case(session: Session, org_id: str, ref: str | int) -> Case:
    """A case by reference (`C-000001`) or number, visible only inside its organisation."""
    text = str(ref).strip()
    query = select(Case).where(Case.org_id == org_id)
    if text.isascii() and text.isdigit():  # "¹" is a digit to str.isdigit but not to int()
        if len(text) > 18:  # past 64 bits: no row can have it (and the database would overflow)
            raise NotFoundError(f"case {text[:24]} not found")
        query = query.where(Case.id == int(text))
    else:
        query = query.where(Case.reference == text.upper())
    case = session.execute(query).scalar_one_or_none()
    if case is None:
        raise NotFoundError(f"case {text} not found")
    return case


def check_version(case: Case, expected_version: int | None) -> None:
    """Refuse a change prepared on an older copy of the case."""
    if expected_version is not None and expected_version != case.version:
        raise ConflictError(
            f"case {case.reference} was changed by someone else (now version {case.version}, "
            f"you edited version {expected_version}); reload it and apply your change again"
        )


@contextmanager
def guarded(case: Case) -> Iterator[None]:
    """Turn the database's lost-update detection into the same clear ConflictError."""
    reference = case.reference  # read now: after a failed flush the row cannot be read until rollback
    try:
        yield
    except StaleDataError as exc:
        raise ConflictError(
            f"case {reference} was changed by someone else while you were editing it; "
            "reload it and apply your change again"
        ) from exc


def _audit(session: Session, case: Case, actor: str, action: str, details: Mapping[str, Any]) -> None:
    """The one audit entry each change below writes, on the case it changed (in the case's organisation)."""
    audit.record(session, case.org_id, actor, action, "case", case.reference, details)


def transition(
    session: Session,
    org_id: str,
    ref: str | int,
    to_status: str,
    actor: str,
    *,
    reason: str | None = None,
    expected_version: int | None = None,
    actor_role: str = "analyst",
) -> Case:
    """Move a case to `to_status`, or explain why that move is not allowed.

    Marking a case `reported` records that the bank filed with its FIU: a supervisor's decision
    (docs/decisions/security-03-who-files.md), so `actor_role` must be supervisor or admin.
    """
    case = get_case(session, org_id, ref)
    check_version(case, expected_version)
    if to_status not in CASE_STATUSES:
        raise InputError(f"unknown status {to_status!r}; use one of {', '.join(CASE_STATUSES)}")
    allowed = TRANSITIONS[case.status]
    if to_status not in allowed:
        raise ConflictError(
            f"case {case.reference} is {case.status}: it cannot move to {to_status} "
            f"(allowed: {', '.join(allowed) or 'none'})"
        )
    needs_reason = ("*", to_status) in NEEDS_REASON or (case.status, to_status) in NEEDS_REASON
    if needs_reason and not (reason and reason.strip()):
        raise InputError(f"moving case {case.reference} from {case.status} to {to_status} needs a reason")
    if to_status == "reported" and actor_role not in SUPERVISOR_ROLES:
        raise PermissionDeniedError(
            f"filing case {case.reference} (moving it to reported) is a supervisor's decision "
            f"(your role: {actor_role}); escalate it and ask a supervisor"
        )
    if to_status == "reported" and not case.reports:
        raise ConflictError(
            f"case {case.reference} has no exported report yet; export one with `chainbreaker report` "
            "before marking it reported"
        )
    previous = case.status
    with guarded(case):
        case.status = to_status
        if to_status == "closed":
            case.close_reason = reason
        case.updated_at = utcnow()
        session.flush()
    _audit(
        session,
        case,
        actor,
        "case.transition",
        {"from": previous, "to": to_status, "reason_given": bool(reason), "version": case.version},
    )
    return case


def assign(
    session: Session,
    org_id: str,
    ref: str | int,
    assignee: str | None,
    actor: str,
    *,
    expected_version: int | None = None,
) -> Case:
    """Give the case to an analyst (or take it back with `assignee=None`)."""
    case = get_case(session, org_id, ref)
    check_version(case, expected_version)
    previous = case.assignee
    with guarded(case):
        case.assignee = assignee or None
        case.updated_at = utcnow()
        case.assignments.append(Assignment(org_id=org_id, assignee=assignee or None, assigned_by=actor))
        session.flush()
    _audit(session, case, actor, "case.assign", {"from": previous, "to": assignee, "version": case.version})
    return case


def comment(session: Session, org_id: str, ref: str | int, author: str, body: str) -> Comment:
    """Add a note; comments never conflict with each other, so they do not bump the case version."""
    case = get_case(session, org_id, ref)
    text = body.strip()
    if not text:
        raise InputError("a comment cannot be empty")
    if len(text) > MAX_COMMENT:
        raise InputError(f"a comment can hold at most {MAX_COMMENT} characters (this one has {len(text)})")
    note = Comment(org_id=org_id, author=author, body=text)
    case.comments.append(note)
    session.flush()
    # The text may name people: the audit log keeps only its length and a keyed hash (see audit.scrub).
    _audit(session, case, author, "case.comment", {"comment_id": note.id, "length": len(text), "body": text})
    return note


def _party(case: Case, party_id: str) -> CaseParty:
    for party in case.parties:
        if party.party_id == party_id:
            return party
    raise NotFoundError(f"party {party_id} is not part of case {case.reference}")


def set_party_role(
    session: Session,
    org_id: str,
    ref: str | int,
    party_id: str,
    role: str,
    actor: str,
    *,
    reason: str,
    expected_version: int | None = None,
    actor_role: str = "analyst",
) -> CaseParty:
    """Change a party's role; a reason is required because the role decides who is reported as suspect.

    Taking a likely victim out of that role needs a supervisor (`actor_role`; the least-privileged role
    when not given). Making a party a likely victim withdraws an account closure no supervisor decided.
    """
    if not reason or not reason.strip():
        raise InputError("changing a party's role needs a reason", column="reason")
    case = get_case(session, org_id, ref)
    check_version(case, expected_version)
    party = _party(case, party_id)
    check_role_change(party, role, actor_role)
    previous = party.role
    withdrawn = False
    with guarded(case):
        party.role = role
        party.role_set_by = actor
        party.role_reason = reason.strip()
        party.source = "analyst"
        if role == "likely_victim":
            withdrawn = protect_new_victim(party)
        check_stored_state(case.parties)
        case.updated_at = utcnow()
        session.flush()
    details: dict[str, Any] = {
        "party_id": party_id,
        "from": previous,
        "to": role,
        "actor_role": actor_role,
        "version": case.version,
    }
    if withdrawn:
        details["account_closure_withdrawn"] = True
    _audit(session, case, actor, "party.role", details)
    return party


def record_account_action(
    session: Session,
    org_id: str,
    ref: str | int,
    party_id: str,
    action: str,
    actor: str,
    actor_role: str,
    *,
    reason: str | None = None,
    expected_version: int | None = None,
) -> CaseParty:
    """Record what the bank does with a party's account; closing a likely victim's needs a supervisor."""
    case = get_case(session, org_id, ref)
    check_version(case, expected_version)
    party = _party(case, party_id)
    check_account_action(party, action, actor_role, reason, protected=is_protected(session, org_id, party_id))
    if action == "close_account":
        check_exit_reviewed(session, org_id, party_id)
    with guarded(case):
        party.account_action = action
        party.account_action_reason = reason.strip() if reason else None
        party.account_action_by = actor
        party.account_action_role = actor_role
        party.account_action_at = utcnow()
        check_stored_state(case.parties)
        case.updated_at = utcnow()
        session.flush()
    _audit(
        session,
        case,
        actor,
        "party.account_action",
        {
            "party_id": party_id,
            "role": party.role,
            "action": action,
            "actor_role": actor_role,
            "reason_given": bool(reason),
            "version": case.version,
        },
    )
    return party


def set_trafficking_type(
    session: Session,
    org_id: str,
    ref: str | int,
    trafficking_type: str,
    actor: str,
    *,
    reason: str,
    expected_version: int | None = None,
) -> Case:
    """Record the analyst's decision that a case is sex or labour trafficking (Key 10a: reports must say which).

    Monitoring types a case from its indicators; when only general indicators fired, the analyst decides.
    A later `cases build` keeps the decision unless new typed alerts arrive.
    """
    if trafficking_type not in ("sex", "labour", "mixed"):
        raise InputError(f"unknown trafficking type {trafficking_type!r}; use sex, labour or mixed")
    if not reason or not reason.strip():
        raise InputError("setting the trafficking type needs a reason", column="reason")
    case = get_case(session, org_id, ref)
    check_version(case, expected_version)
    previous = case.trafficking_type
    with guarded(case):
        case.trafficking_type = trafficking_type
        case.summary = {**case.summary, "trafficking_type_set_by": actor}
        case.updated_at = utcnow()
        session.flush()
    _audit(
        session,
        case,
        actor,
        "case.trafficking_type",
        {"from": previous, "to": trafficking_type, "version": case.version},
    )
    return case
