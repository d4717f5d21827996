"""The append-only, hash-chained audit log: every change to a case (and every service action) is one entry.

Each entry's hash covers its own fields and the previous entry's hash, per organisation, with a gap-free
sequence number; a head row keeps the latest sequence and hash. `verify()` therefore finds an entry that was
edited (its hash no longer matches), removed from the middle (a sequence gap and a broken link) or removed
from the end (the head is ahead of the last entry). Entries about a case carry the digest of the case's
state after the change (audit_state), so a direct edit or deletion of case rows is found too; and the head
is anchored outside the database (audit_anchor), so cutting off the end of the chain together with the
head row is found as well.

Audit details never hold personal data in clear: values under personal keys are pseudonymised with
`core.logging.redact` before they are hashed and stored, whatever the caller passed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainbreaker.cases.audit_anchor import anchor_path_for, install, note_head, read_anchor
from chainbreaker.cases.audit_state import case_of_alert, current_digests, digest_of
from chainbreaker.core.logging import get_logger, redact
from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.models import AuditEntry, AuditHead, Case

log = get_logger(__name__)
install()  # anchor the heads of committed transactions (audit_anchor)

GENESIS_HASH = "0" * 64

#: Keys whose values are personal data or free text about people; they are pseudonymised in details.
PERSONAL_KEYS = frozenset(
    {
        "name",
        "full_name",
        "first_name",
        "last_name",
        "party_name",
        "query_name",
        "counterparty_name",
        "address",
        "phone",
        "email",
        "date_of_birth",
        "birthdate",
        "id_number",
        "passport",
        "passport_number",
        "body",
        "comment",
        "text",
        "note",
        "password",
        "password_hash",
        "key",
        "api_key",
    }
)


def _digest(entry: AuditEntry) -> str:
    """`entry_hash` of an entry's own fields: `record` seals an entry and `verify` checks it the same way."""
    return entry_hash(
        org_id=entry.org_id,
        seq=entry.seq,
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        details=entry.details,
        prev_hash=entry.prev_hash,
    )


def scrub(details: Mapping[str, Any]) -> dict[str, Any]:
    """Details ready to store: JSON-safe, with personal values replaced by keyed-hash tokens."""

    def clean(key: str | None, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {str(k): clean(str(k), v) for k, v in value.items()}
        if isinstance(value, list | tuple | set | frozenset):
            return [clean(key, v) for v in value]
        if key is not None and key.lower() in PERSONAL_KEYS and value is not None:
            return redact(value)
        return value

    cleaned = clean(None, dict(details))
    # A JSON round trip makes what we hash exactly what the database gives back.
    result: dict[str, Any] = json.loads(json.dumps(cleaned, default=str, sort_keys=True))
    return result


def entry_hash(
    *,
    org_id: str,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    details: Mapping[str, Any],
    prev_hash: str,
) -> str:
    """SHA-256 over a canonical JSON of every field of an entry and the previous hash."""
    payload = json.dumps(
        [
            org_id,
            seq,
            at.isoformat(timespec="microseconds"),
            actor,
            action,
            object_type,
            object_id,
            details,
            prev_hash,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    session: Session,
    org_id: str,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | int,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the organisation's chain, inside the caller's transaction.

    The head row is locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite serialises writers itself), so two
    concurrent writers cannot both link to the same previous entry. The entry becomes permanent when the
    caller commits, together with the change it describes, or not at all.
    """
    head = session.execute(
        select(AuditHead).where(AuditHead.org_id == org_id).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditHead(org_id=org_id, seq=0, hash=GENESIS_HASH, updated_at=utcnow())
        session.add(head)
        session.flush()
    clean = scrub(details or {})
    if object_type in ("case", "alert"):
        # the case's content after the change, so `verify` can tell a direct edit of the rows from this one
        session.flush()
        reference = (
            str(object_id) if object_type == "case" else case_of_alert(session, org_id, str(object_id))
        )
        state = digest_of(session, org_id, reference) if reference else None
        if state is not None:
            clean["state"] = state
            if object_type == "alert":
                clean["case"] = reference
    at = utcnow()
    seq = head.seq + 1
    entry = AuditEntry(
        org_id=org_id,
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=clean,
        prev_hash=head.hash,
    )
    entry.hash = _digest(entry)
    session.add(entry)
    head.seq = seq
    head.hash = entry.hash
    head.updated_at = at
    session.flush()
    note_head(session, org_id, seq, entry.hash)
    log.debug("audit", extra={"org_id": org_id, "action": action, "object": f"{object_type}:{object_id}"})
    return entry


@dataclass(frozen=True)
class AuditProblem:
    """One finding of `verify`: which organisation and entry, and what is wrong with it."""

    org_id: str
    seq: int | None
    kind: str  # tampered | deleted | broken_link | head_mismatch | case_changed | case_deleted | rolled_back
    message: str


@dataclass
class AuditVerification:
    """The outcome of `verify`: entries checked per organisation and every problem found."""

    checked: dict[str, int] = field(default_factory=dict)
    heads: dict[str, str] = field(default_factory=dict)
    problems: list[AuditProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "heads": self.heads,
            "problems": [p.__dict__ for p in self.problems],
        }


def verify(
    session: Session, org_id: str | None = None, head: Mapping[str, Mapping[str, Any]] | None = None
) -> AuditVerification:
    """Recompute every chain (or one organisation's) and report tampered, deleted or unlinked entries,
    case rows that differ from their last audited state, and a chain shorter than its anchored head.

    The anchor is `audit-head.json` beside a SQLite store; `head` is an exported head to check as well
    (`chainbreaker audit head`, for PostgreSQL or any store whose workspace could be rewritten).
    """
    result = AuditVerification()
    heads = {h.org_id: h for h in session.execute(select(AuditHead)).scalars()}
    orgs_query = select(AuditEntry.org_id).distinct()
    anchors: dict[str, Mapping[str, Any]] = {}
    path = anchor_path_for(session)
    if path is not None:
        anchored, valid = read_anchor(path)
        if not valid:
            result.problems.append(
                AuditProblem("*", None, "anchor_forged", f"{path.name} was changed outside chainbreaker")
            )
        anchors.update(anchored)
    exported = dict(head or {})
    case_orgs = set(session.execute(select(Case.org_id).distinct()).scalars())
    orgs = set(session.execute(orgs_query).scalars()) | set(heads) | set(anchors) | set(exported) | case_orgs
    if org_id is not None:
        orgs = {org_id} & orgs
    for org in sorted(orgs):
        last = _verify_org(session, org, heads.get(org), result)
        for source, anchor in (("anchored head", anchors.get(org)), ("exported head", exported.get(org))):
            if anchor is not None:
                _check_anchor(session, org, anchor, source, last, result)
        _verify_state(session, org, result)
    return result


def export_head(session: Session) -> dict[str, dict[str, Any]]:
    """The newest sequence and hash of each organisation's chain, to keep outside the database."""
    return {h.org_id: {"seq": h.seq, "hash": h.hash} for h in session.execute(select(AuditHead)).scalars()}


def _check_anchor(
    session: Session,
    org_id: str,
    anchor: Mapping[str, Any],
    source: str,
    last_seq: int,
    result: AuditVerification,
) -> None:
    """The chain must reach the anchored sequence, and the entry there must have the anchored hash."""
    seq, digest = int(anchor.get("seq", 0)), str(anchor.get("hash", ""))
    if last_seq < seq:
        result.problems.append(
            AuditProblem(
                org_id,
                seq,
                "rolled_back",
                f"the {source} is at entry {seq} but the log ends at {last_seq}: entries were cut off the end",
            )
        )
        return
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.org_id == org_id, AuditEntry.seq == seq)
    ).one_or_none()
    if entry is None or entry.hash != digest:
        result.problems.append(
            AuditProblem(org_id, seq, "rolled_back", f"entry {seq} is not the one the {source} recorded")
        )


def _verify_state(session: Session, org_id: str, result: AuditVerification) -> None:
    """Every case row must match the state the last entry about it recorded; none may vanish."""
    recorded: dict[str, str] = {}
    mentioned: set[str] = set()
    for object_type, object_id, details in session.execute(
        select(AuditEntry.object_type, AuditEntry.object_id, AuditEntry.details)
        .where(AuditEntry.org_id == org_id, AuditEntry.object_type.in_(("case", "alert")))
        .order_by(AuditEntry.seq)
    ):
        if object_type == "alert":
            if not isinstance(details, dict) or not isinstance(details.get("case"), str):
                continue
            object_id = details["case"]
        mentioned.add(object_id)
        if isinstance(details, dict) and isinstance(details.get("state"), str):
            recorded[object_id] = details["state"]
    current = current_digests(session, org_id)
    for reference, digest in sorted(current.items()):
        if reference in recorded and recorded[reference] != digest:
            result.problems.append(
                AuditProblem(
                    org_id,
                    None,
                    "case_changed",
                    f"case {reference} differs from its last audited state: its rows were changed outside "
                    "chainbreaker",
                )
            )
        elif reference not in mentioned:
            result.problems.append(
                AuditProblem(org_id, None, "case_changed", f"case {reference} is not in the audit log at all")
            )
    for reference in sorted(set(recorded) - set(current)):
        result.problems.append(
            AuditProblem(
                org_id, None, "case_deleted", f"case {reference} is in the audit log but was deleted"
            )
        )


def _verify_org(session: Session, org_id: str, head: AuditHead | None, result: AuditVerification) -> int:
    """Check one organisation's chain; returns the last sequence number found."""
    entries = session.execute(
        select(AuditEntry).where(AuditEntry.org_id == org_id).order_by(AuditEntry.seq)
    ).scalars()
    expected_seq = 1
    prev_hash = GENESIS_HASH
    count = 0
    last: AuditEntry | None = None
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            missing = (
                f"{expected_seq}" if entry.seq == expected_seq + 1 else f"{expected_seq}..{entry.seq - 1}"
            )
            result.problems.append(
                AuditProblem(org_id, expected_seq, "deleted", f"entries {missing} are missing (deleted)")
            )
        if entry.prev_hash != prev_hash:
            result.problems.append(
                AuditProblem(
                    org_id,
                    entry.seq,
                    "broken_link",
                    f"entry {entry.seq} does not link to the entry before it (an entry was removed or altered)",
                )
            )
        if _digest(entry) != entry.hash:
            result.problems.append(
                AuditProblem(
                    org_id, entry.seq, "tampered", f"entry {entry.seq} was changed after it was written"
                )
            )
        expected_seq = entry.seq + 1
        prev_hash = entry.hash
        last = entry
    result.checked[org_id] = count
    if head is None:
        if count:
            result.problems.append(
                AuditProblem(org_id, None, "head_mismatch", "the audit head row is missing")
            )
        return last.seq if last else 0
    result.heads[org_id] = head.hash
    last_seq = last.seq if last else 0
    last_hash = last.hash if last else GENESIS_HASH
    if head.seq != last_seq or head.hash != last_hash:
        if head.seq > last_seq:
            message = f"entries {last_seq + 1}..{head.seq} at the end of the log are missing (deleted)"
            kind = "deleted"
        else:
            message = "the audit head does not match the last entry (head or entries altered)"
            kind = "head_mismatch"
        result.problems.append(AuditProblem(org_id, head.seq, kind, message))
    return last_seq
