"""A case store with a bank, an NGO and one case (a subject P1, a likely victim P2) for remedy tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from chainbreaker.cases.organisations import ensure_organisation
from chainbreaker.storage import make_engine, session_factory, upgrade
from chainbreaker.storage.models import Case, CaseParty

BANK = "bank-a"
NGO = "ngo-x"


@pytest.fixture
def store(db_url: str) -> Iterator[Session]:
    upgrade(db_url)
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        ensure_organisation(session, BANK, "Bank A", "test", "bank")
        ensure_organisation(session, NGO, "NGO X", "test", "ngo")
        case = Case(org_id=BANK, reference="C-000001", title="ring", network={}, summary={})
        case.parties.append(CaseParty(org_id=BANK, party_id="P1", role="subject", sub_role="controller"))
        case.parties.append(CaseParty(org_id=BANK, party_id="P2", role="likely_victim"))
        case.parties.append(CaseParty(org_id=BANK, party_id="P3", role="unknown"))
        session.add(case)
        session.commit()
        yield session
    engine.dispose()
