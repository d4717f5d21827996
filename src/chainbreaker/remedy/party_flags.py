"""The case store's facts about parties that monitoring must weigh, exported to a file monitoring reads.

Two facts live in the case store and matter to every monitoring run: a client that would not cooperate with
a grievance (a risk note, which raises the party's risk) and a protected survivor (a referral or a partner
NGO's protective match, which must never be scored as the subject). Monitoring may not read the case store
(it runs on the engine seam over the workspace, and may run where the store is not reachable), so the store
side writes them to `WORKSPACE/remedy/party_flags.parquet` with the columns of `core.handoff.PARTY_FLAGS`,
and `monitor` reads that file on every run. The file is rewritten whenever a risk note or a protection is
recorded or ended through the CLI or the service, and on demand (`chainbreaker remedy export-flags`).

Rows of other organisations in the same file are kept: each organisation replaces only its own rows.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import select
from sqlalchemy.orm import Session

from chainbreaker.core.handoff import PARTY_FLAGS, PARTY_FLAGS_FILE, Kind, names
from chainbreaker.storage.remedy_models import Protection, Referral, RiskNote
from chainbreaker.storage.sharing_models import ProtectedParty

_ARROW = {
    Kind.TEXT: pa.string(),
    Kind.NUMBER: pa.float64(),
    Kind.SCORE: pa.float64(),
    Kind.TIMESTAMP: pa.timestamp("us"),
}
SCHEMA = pa.schema([(c.name, _ARROW[c.kind]) for c in PARTY_FLAGS])


def _day(when: datetime) -> str:
    return when.date().isoformat()


def flag_rows(session: Session, org_id: str) -> list[dict[str, Any]]:
    """Active risk notes and protections of one organisation, one row each, ordered by party."""
    rows: list[dict[str, Any]] = []
    for note in session.scalars(
        select(RiskNote).where(RiskNote.org_id == org_id, RiskNote.active.is_(True)).order_by(RiskNote.id)
    ):
        rows.append(
            {
                "org_id": org_id,
                "party_id": note.party_id,
                "flag": "risk_note",
                "source": note.source,
                "source_ref": note.source_ref,
                "weight": float(note.weight),
                "recorded_at": note.created_at,
                "explanation": f"{note.source} {note.source_ref}: client {note.note} "
                f"(recorded {_day(note.created_at)})",
            }
        )
    referrals = {
        r.reference: r.referring_org
        for r in session.scalars(select(Referral).where(Referral.org_id == org_id))
    }
    for prot in session.scalars(
        select(Protection)
        .where(Protection.org_id == org_id, Protection.ended_at.is_(None))
        .order_by(Protection.id)
    ):
        via = f" from {referrals[prot.source_ref]}" if prot.source_ref in referrals else ""
        rows.append(
            {
                "org_id": org_id,
                "party_id": prot.party_id,
                "flag": "protected",
                "source": prot.source,
                "source_ref": prot.source_ref,
                "weight": 0.0,
                "recorded_at": prot.created_at,
                "explanation": f"survivor {prot.source} {prot.source_ref}{via} (recorded "
                f"{_day(prot.created_at)})",
            }
        )
    for match in session.scalars(
        select(ProtectedParty)
        .where(ProtectedParty.org_id == org_id, ProtectedParty.released_at.is_(None))
        .order_by(ProtectedParty.id)
    ):
        rows.append(
            {
                "org_id": org_id,
                "party_id": match.party_id,
                "flag": "protected",
                "source": "sharing",
                "source_ref": match.partnership,
                "weight": 0.0,
                "recorded_at": match.marked_at,
                "explanation": f"partner {match.partnership} supports this person "
                f"(protective match recorded {_day(match.marked_at)})",
            }
        )
    rows.sort(key=lambda r: (r["party_id"], r["flag"], r["source"], r["source_ref"]))
    return rows


def flags_path(workspace_root: Path) -> Path:
    return workspace_root / PARTY_FLAGS_FILE


def export_party_flags(session: Session, org_id: str, workspace_root: Path) -> Path:
    """Write the organisation's active flags into the workspace's file, keeping other organisations' rows.

    Written to a temporary file and renamed, so a monitoring run never reads half a file.
    """
    path = flags_path(workspace_root)
    path.parent.mkdir(parents=True, exist_ok=True)
    kept: list[dict[str, Any]] = []
    if path.exists():
        kept = [r for r in pq.read_table(path).to_pylist() if r.get("org_id") != org_id]
    table = pa.Table.from_pylist(kept + flag_rows(session, org_id), schema=SCHEMA).select(
        list(names(PARTY_FLAGS))
    )
    handle, tmp = tempfile.mkstemp(prefix=".party_flags.", suffix=".parquet", dir=path.parent)
    os.close(handle)
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
