"""One search box and one page per party, limited to the parties of the caller's organisation's cases.

The workspace holds the bank's whole book; the case store says which parties an organisation works
on (case parties, alerted parties, list-matched parties). Search and party pages read personal data
only for those parties, through `cases.parties.party_details` (the one door to names), so a user of
one organisation cannot look up a customer another organisation's cases name and theirs do not.

Names match fuzzily through the screening normaliser and name comparison (`screening.normalize`,
`screening.features.compare_names`): the same transliteration, nickname and word-order handling as
list screening. Search terms are never logged (the service keeps no access log, and nothing here
logs); the result page is `no-store` like every page.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb
from sqlalchemy import func, or_, select, union
from sqlalchemy.orm import Session

from chainbreaker.cases.parties import party_details
from chainbreaker.core.errors import NotFoundError
from chainbreaker.core.workspace import Workspace
from chainbreaker.screening.features import compare_names
from chainbreaker.screening.normalize import clean_name, kind_of, normalize_name
from chainbreaker.storage.models import Alert, Case, CaseParty, Evidence, ScreeningHit
from chainbreaker.storage.service_models import AlertReview

#: Names scoring at least this against the query are shown (the screening matcher's scale).
NAME_THRESHOLD = 0.72
MAX_RESULTS = 50
_DIGITS = re.compile(r"\D+")


def warm_up(workspace: Workspace | None = None) -> None:
    """Load the name analyser's data (about 15 s of CPU once per process) and open the workspace once
    (DuckDB's first open of a large file takes about a second) in the background at start-up, so the
    first search and the first case page do not pay for them."""

    def run() -> None:
        if workspace is not None and workspace.exists():
            with contextlib.suppress(duckdb.Error):  # a writer holds the file: the first page opens it
                workspace.connect(read_only=True).close()
        normalize_name(clean_name("Maria da Silva warm-up"), kind_of("person"))

    threading.Thread(target=run, name="chainbreaker-name-warm-up", daemon=True).start()


def visible_party_ids(session: Session, org_id: str) -> set[str]:
    """Every party the organisation's cases name: case parties, alerted parties, list-matched parties."""
    query: Any = union(
        select(CaseParty.party_id).where(CaseParty.org_id == org_id),
        select(Alert.party_id).where(Alert.org_id == org_id),
        select(ScreeningHit.party_id).where(
            ScreeningHit.org_id == org_id, ScreeningHit.party_id.is_not(None)
        ),
    )
    return {str(pid) for pid in session.scalars(select(query.subquery().c[0]))}


@dataclass(frozen=True)
class SearchHit:
    party_id: str
    name: str
    why: str
    score: float
    party_type: str = ""
    city: str = ""
    country: str = ""


@dataclass
class SearchResult:
    query: str
    parties: list[SearchHit] = field(default_factory=list)
    cases: list[tuple[str, str]] = field(default_factory=list)  # (reference, title)
    alerts: list[tuple[int, str]] = field(default_factory=list)  # (pk, alert id)


def _digits(value: object) -> str:
    return _DIGITS.sub("", str(value or ""))


def search(session: Session, workspace: Workspace, org_id: str, query: str) -> SearchResult:
    """Parties (by name, id, account, phone, email), cases (by reference) and alerts (by id) matching `query`."""
    text = query.strip()
    result = SearchResult(text)
    if not text:
        return result
    upper = text.upper()
    result.cases = [
        (str(ref), str(title))
        for ref, title in session.execute(
            select(Case.reference, Case.title).where(Case.org_id == org_id, Case.reference == upper)
        )
    ]
    result.alerts = [
        (int(pk), str(aid))
        for pk, aid in session.execute(
            select(Alert.id, Alert.alert_id).where(Alert.org_id == org_id, Alert.alert_id == text).limit(10)
        )
    ]
    ids = visible_party_ids(session, org_id)
    details = party_details(workspace, ids) if ids and workspace.exists() else {}
    found: dict[str, SearchHit] = {}

    def add(pid: str, why: str, score: float) -> None:
        d = details.get(pid, {})
        hit = SearchHit(
            pid,
            str(d.get("name") or pid),
            why,
            score,
            str(d.get("party_type") or ""),
            str(d.get("city") or ""),
            str(d.get("country") or ""),
        )
        if pid not in found or found[pid].score < score:
            found[pid] = hit

    lowered = text.casefold()
    digits = _digits(text)
    for pid in ids:
        d = details.get(pid, {})
        if pid.casefold() == lowered:
            add(pid, "party id", 1.0)
        accounts = [str(a.get("account_id")) for a in d.get("accounts", [])]
        if any(a.casefold() == lowered for a in accounts):
            add(pid, "account number", 1.0)
        email = str(d.get("email") or "").casefold()
        if "@" in lowered and email and (email == lowered or lowered in email):
            add(pid, "email", 1.0 if email == lowered else 0.9)
        phone = _digits(d.get("phone"))
        if len(digits) >= 6 and phone and (phone.endswith(digits) or digits.endswith(phone[-9:])):
            add(pid, "phone", 1.0)
    # accounts seen only as counterparties in the organisation's evidence (e.g. a victim's wallet)
    for pid in session.scalars(
        select(func.distinct(Evidence.party_id)).where(
            Evidence.org_id == org_id, or_(Evidence.account_id == text, Evidence.counterparty_account == text)
        )
    ):
        if pid and str(pid) in ids:
            add(str(pid), "account in the evidence", 0.95)
    cleaned = clean_name(text)
    if cleaned and any(ch.isalpha() for ch in cleaned):
        for pid, d in details.items():
            name = str(d.get("name") or "")
            if not name:
                continue
            kind = kind_of(str(d.get("party_type") or ""))
            comparison = compare_names(normalize_name(cleaned, kind), normalize_name(clean_name(name), kind))
            if comparison.score >= NAME_THRESHOLD or lowered in name.casefold():
                add(pid, f"name ({comparison.score:.2f})", max(comparison.score, 0.75))
    result.parties = sorted(found.values(), key=lambda h: (-h.score, h.name))[:MAX_RESULTS]
    return result


@dataclass
class PartyView:
    """Everything the party page shows, from the case store and the workspace."""

    party_id: str
    details: dict[str, Any]
    roles: list[tuple[CaseParty, str]]  # (the party's place in a case, the case reference)
    alerts: list[tuple[Alert, str, str | None]]  # (alert, case reference, latest review decision)
    hits: list[tuple[ScreeningHit, str]]
    flows: list[dict[str, Any]]
    shared: list[dict[str, Any]]
    monthly: list[tuple[str, int, int]]  # (month, transactions in, transactions out)
    names: dict[str, str]


def party_view(session: Session, workspace: Workspace, org_id: str, party_id: str) -> PartyView:
    """The single view of one customer or counterparty, or 404 when no case of the organisation names it."""
    visible = visible_party_ids(session, org_id)
    if party_id not in visible:
        raise NotFoundError(f"party {party_id} is not part of any case of your organisation")
    details = party_details(workspace, [party_id]).get(party_id, {}) if workspace.exists() else {}
    roles = [
        (p, str(ref))
        for p, ref in session.execute(
            select(CaseParty, Case.reference)
            .join(Case, Case.id == CaseParty.case_id)
            .where(CaseParty.org_id == org_id, Case.org_id == org_id, CaseParty.party_id == party_id)
            .order_by(Case.reference)
        )
    ]
    newest = (
        select(AlertReview.alert_pk, func.max(AlertReview.id).label("last_id"))
        .where(AlertReview.org_id == org_id)
        .group_by(AlertReview.alert_pk)
        .subquery()
    )
    latest = (
        select(AlertReview.alert_pk, AlertReview.decision)
        .join(newest, AlertReview.id == newest.c.last_id)
        .subquery()
    )
    alerts = [
        (a, str(ref), decision)
        for a, ref, decision in session.execute(
            select(Alert, Case.reference, latest.c.decision)
            .join(Case, Case.id == Alert.case_id)
            .outerjoin(latest, latest.c.alert_pk == Alert.id)
            .where(Alert.org_id == org_id, Alert.party_id == party_id)
            .order_by(Alert.score.desc(), Alert.id)
        )
    ]
    hits = [
        (h, str(ref))
        for h, ref in session.execute(
            select(ScreeningHit, Case.reference)
            .join(Case, Case.id == ScreeningHit.case_id)
            .where(ScreeningHit.org_id == org_id, ScreeningHit.party_id == party_id)
            .order_by(ScreeningHit.score.desc())
        )
    ]
    flows = _flows(session, org_id, party_id)
    shared = _shared_identifiers(workspace, party_id, details, visible)
    others = {f["party_id"] for f in flows if f["party_id"]} | {s["party_id"] for s in shared}
    names = {pid: str(d.get("name") or pid) for pid, d in party_details(workspace, others & visible).items()}
    names[party_id] = str(details.get("name") or party_id)
    return PartyView(
        party_id,
        details,
        roles,
        alerts,
        hits,
        flows,
        shared,
        _monthly(workspace, [str(a["account_id"]) for a in details.get("accounts", [])]),
        names,
    )


def _flows(session: Session, org_id: str, party_id: str) -> list[dict[str, Any]]:
    """Money between this party and each counterparty, from the organisation's evidence (each txn once)."""
    seen: set[str] = set()
    flows: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"count": 0, "in": Decimal(0), "out": Decimal(0), "party_id": None}
    )
    rows = session.execute(
        select(
            Evidence.txn_id,
            Evidence.party_id,
            Evidence.direction,
            Evidence.amount,
            Evidence.counterparty_party_id,
            Evidence.counterparty_name,
            Evidence.merchant_name,
            Evidence.counterparty_account,
        ).where(
            Evidence.org_id == org_id,
            or_(Evidence.party_id == party_id, Evidence.counterparty_party_id == party_id),
        )
    )
    for txn, owner, direction, amount, cp_id, cp_name, merchant, cp_account in rows:
        if txn in seen:
            continue
        seen.add(txn)
        mine = owner == party_id
        other_id = cp_id if mine else owner
        label = (other_id or cp_name or merchant or cp_account or "unknown") if mine else (owner or "unknown")
        flow = flows[str(label)]
        flow["party_id"] = other_id
        flow["label"] = str(label)
        flow["count"] += 1
        incoming = (direction == "in") == mine  # money into this party
        flow["in" if incoming else "out"] += Decimal(str(amount))
    return sorted(flows.values(), key=lambda f: -(f["in"] + f["out"]))[:40]


SHARED_FIELDS = ("phone", "email", "address", "id_number")


def _shared_identifiers(
    workspace: Workspace, party_id: str, details: dict[str, Any], visible: set[str]
) -> list[dict[str, Any]]:
    """Other parties with the same phone, email, address or id number: named when a case of the
    organisation names them, otherwise only counted."""
    values = {f: str(details.get(f)) for f in SHARED_FIELDS if details.get(f)}
    if not values or not workspace.exists():
        return []
    con = workspace.connect(read_only=True)
    try:
        found: list[dict[str, Any]] = []
        for column, value in values.items():  # column names come from SHARED_FIELDS, never from input
            # the same phone written differently (`(215) 308-1324`, `+1 215 308 1324`) is the same phone
            if column == "phone":
                key, needle = "right(regexp_replace(phone, '[^0-9]', '', 'g'), 10)", _digits(value)[-10:]
                if len(needle) < 7:
                    continue
            else:
                key, needle = f"lower(trim({column}))", value.strip().lower()
            try:
                others = [
                    str(r[0])
                    for r in con.execute(
                        f"SELECT party_id FROM parties WHERE {key} = ? AND party_id <> ? LIMIT 200",
                        [needle, party_id],
                    ).fetchall()
                ]
            except duckdb.Error:
                continue
            named = [pid for pid in others if pid in visible]
            for pid in named:
                found.append({"party_id": pid, "field": column})
            if len(others) > len(named):
                found.append({"party_id": "", "field": column, "others": len(others) - len(named)})
        return found
    finally:
        con.close()


def _monthly(workspace: Workspace, accounts: list[str]) -> list[tuple[str, int, int]]:
    """Transactions per month on the party's own accounts, in and out (the activity chart)."""
    if not accounts or not workspace.exists():
        return []
    con = workspace.connect(read_only=True)
    try:
        rows = con.execute(
            "SELECT strftime(date_trunc('month', booked_at), '%Y-%m') AS m, "
            "count(*) FILTER (WHERE direction = 'in'), count(*) FILTER (WHERE direction = 'out') "
            "FROM transactions WHERE account_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY m ORDER BY m",
            [accounts],
        ).fetchall()
    except duckdb.Error:
        return []
    finally:
        con.close()
    return [(str(m), int(i), int(o)) for m, i, o in rows]
