"""The hub: partnerships, keys, submissions with expiry and revocation, quotas, RFIs, audit; no identifier stored."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from chainbreaker.cases import audit
from chainbreaker.core.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from chainbreaker.sharing import hub, protocol
from chainbreaker.sharing.limits import SharingPolicy
from chainbreaker.sharing.records import bank_items, read_records
from chainbreaker.storage import make_engine, session_factory, upgrade
from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.models import AuditEntry, Organisation
from chainbreaker.storage.sharing_models import HubSubmission

from .test_leakage import _needles

POLICY = SharingPolicy(min_submission=20, min_request=20, bucket=64, max_requests_per_day=2)


@pytest.fixture
def store(tmp_path: Path) -> Session:
    url = f"sqlite:///{tmp_path / 'hub.sqlite'}"
    upgrade(url)
    session = session_factory(make_engine(url))()
    session.add_all(
        [
            Organisation(id="hub", name="Hub", kind="hub"),
            Organisation(id="ngo", name="Safe House", kind="ngo"),
            Organisation(id="bank", name="Bank A", kind="bank"),
            Organisation(id="bank2", name="Bank B", kind="bank"),
        ]
    )
    hub.create_partnership(
        session,
        "hub",
        "op",
        "ngo-bank",
        "ngo",
        "bank",
        "match suspected controllers and protect survivors",
        POLICY,
    )
    session.commit()
    return session


def _exchange(store: Session, world):  # type: ignore[no-untyped-def]
    records = read_records(world.records_csv).records
    sub, ngo = protocol.submit(
        records, partnership="ngo-bank", purpose="programme 7", policy=POLICY, workers=1
    )
    hub.submit(store, "ngo", "cw", sub)
    fetched = hub.fetch_submission(store, "bank", sub.header["submission_id"])
    req, bank = protocol.request(
        bank_items(world.workspace).items, fetched, purpose="case C-1", policy=POLICY, workers=1
    )
    exchange = hub.request(store, "bank", "ana", req)
    answer = protocol.respond(hub.pending_request(store, "ngo", exchange.id), ngo, policy=POLICY, workers=1)
    hub.respond(store, "ngo", "cw", answer)
    store.commit()
    found = protocol.match(fetched, hub.fetch_response(store, "bank", exchange.id), bank, workers=1)
    return sub, ngo, found


def test_exchange_through_the_hub_and_rfi(store: Session, world) -> None:  # type: ignore[no-untyped-def]
    _sub, ngo, found = _exchange(store, world)
    assert found
    rfi = hub.ask(
        store, "bank", "ana", "ngo-bank", found[0].handle, "Is this person still at risk?", "C-000001"
    )
    with pytest.raises(PermissionDeniedError, match="coordinator"):
        hub.answer(store, "ngo", "cw", "caseworker", rfi.id, reveal=True, text="yes")
    with pytest.raises(NotFoundError):
        hub.answer(store, "bank", "ana", "coordinator", rfi.id, reveal=True, text="yes")
    done = hub.answer(store, "ngo", "lead", "coordinator", rfi.id, reveal=False, text="")
    assert done.status == "declined" and done.answer is None
    assert protocol.resolve(ngo, found[0].handle)[0].startswith("R")
    store.commit()
    assert audit.verify(store).ok
    actions = {e.action for e in store.query(AuditEntry)}
    assert {
        "hub.partnership",
        "hub.submission",
        "hub.request",
        "hub.response",
        "hub.rfi",
        "hub.rfi_declined",
    } <= actions


def test_no_hub_table_or_audit_entry_holds_an_identifier(store: Session, world) -> None:  # type: ignore[no-untyped-def]
    _exchange(store, world)
    needles = _needles(world)
    blob = b"".join(
        (v if isinstance(v, bytes) else repr(v).encode())
        for row in hub.hub_tables(store)
        for v in row.values()
    )
    blob += b"".join(repr(e.details).encode() for e in store.query(AuditEntry))
    assert len(blob) > 10_000
    assert not [n for n in needles if n in blob]


def test_other_organisations_see_nothing(store: Session, world) -> None:  # type: ignore[no-untyped-def]
    sub, _, _ = _exchange(store, world)
    with pytest.raises(NotFoundError):
        hub.fetch_submission(store, "bank2", sub.header["submission_id"])
    with pytest.raises(NotFoundError):
        hub.revoke_submission(store, "bank2", "x", sub.header["submission_id"])
    with pytest.raises(PermissionDeniedError):
        hub.submit(store, "bank", "x", sub)


def test_quota_budget_revocation_and_expiry(store: Session, world) -> None:  # type: ignore[no-untyped-def]
    sub, _, _ = _exchange(store, world)
    sid = sub.header["submission_id"]
    fetched = hub.fetch_submission(store, "bank", sid)
    req, _ = protocol.request(
        bank_items(world.workspace).items, fetched, purpose="again", policy=POLICY, workers=1
    )
    hub.request(store, "bank", "ana", req)
    req3, _ = protocol.request(
        bank_items(world.workspace).items, fetched, purpose="third", policy=POLICY, workers=1
    )
    with pytest.raises(PermissionDeniedError, match="24 hours"):
        hub.request(store, "bank", "ana", req3)
    row = store.get(HubSubmission, sid)
    assert row is not None
    row.expires_at = utcnow() - timedelta(minutes=1)
    with pytest.raises(ConflictError, match="expired"):
        hub.fetch_submission(store, "bank", sid)
    hub.revoke_submission(store, "ngo", "cw", sid)
    assert store.get(HubSubmission, sid).payload is None  # type: ignore[union-attr]
    with pytest.raises(ConflictError, match="revoked"):
        hub.fetch_submission(store, "bank", sid)


def test_small_submissions_and_bad_partnerships_are_refused(store: Session, world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="purpose"):
        hub.create_partnership(store, "hub", "op", "pt2", "ngo", "bank", "short")
    with pytest.raises(InputError, match="not a ngo"):
        hub.create_partnership(store, "hub", "op", "pt2", "bank", "bank2", "a purpose long enough to pass")
    records = read_records(world.records_csv).records[:30]
    tiny = SharingPolicy(min_submission=5, bucket=8)
    sub, _ = protocol.submit(records[:6], partnership="ngo-bank", purpose="x", policy=tiny, workers=1)
    with pytest.raises(PermissionDeniedError, match="at least"):
        hub.submit(store, "ngo", "cw", sub)
    key = hub.register_key(store, "hub", "op", "ngo", "ab" * 32)
    hub.revoke_key(store, "hub", "op", key.id)
    with pytest.raises(NotFoundError):
        hub.revoke_key(store, "hub", "op", key.id)


def test_an_expired_submission_is_refused_and_the_ngo_overview_lists_its_own(store: Session, world) -> None:  # type: ignore[no-untyped-def]
    records = read_records(world.records_csv).records
    old, _ = protocol.submit(
        records,
        partnership="ngo-bank",
        purpose="programme 7",
        policy=POLICY,
        workers=1,
        today=utcnow().date() - timedelta(days=200),
    )
    with pytest.raises(InputError, match="expired on"):
        hub.submit(store, "ngo", "cw", old)
    fresh, _ = protocol.submit(
        records, partnership="ngo-bank", purpose="programme 7", policy=POLICY, workers=1
    )
    hub.submit(store, "ngo", "cw", fresh)
    partnerships, submissions = hub.ngo_overview(store, "ngo")
    assert [p.id for p in partnerships] == ["ngo-bank"]
    assert [s.id for s in submissions] == [fresh.header["submission_id"]]
    assert hub.ngo_overview(store, "bank") == ([], [])
