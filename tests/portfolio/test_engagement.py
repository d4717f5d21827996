"""The escalation ladder as invariants over any sequence of allowed actions, and organisation scoping."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from chainbreaker.cases.audit import verify
from chainbreaker.core.errors import ConflictError, InputError, NotFoundError
from chainbreaker.portfolio.disclosure import assess_text
from chainbreaker.portfolio.engagement import (
    LADDER,
    close_engagement,
    escalate,
    log_contact,
    open_engagement,
    questions_for,
    view,
)
from chainbreaker.storage import make_engine, session_factory, upgrade
from chainbreaker.storage.models import Organisation
from chainbreaker.storage.portfolio_models import EngagementEvent

START = date(2027, 1, 4)
COUNTER = iter(range(1_000_000))


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path_factory.mktemp('eng') / 'cases.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    make = session_factory(engine)
    with make.begin() as s:
        s.add(Organisation(id="fund", name="Fund", kind="investor"))
        s.add(Organisation(id="other", name="Other", kind="investor"))
    yield make
    engine.dispose()


actions = st.lists(
    st.tuples(
        st.sampled_from(["contact", "escalate", "close"]),
        st.integers(0, 120),  # days after the previous action
        st.booleans(),  # give a good reason
        st.integers(-5, 90),  # deadline offset (days) when one is asked for
        st.booleans(),  # exit harm weighed
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=actions, kind=st.sampled_from(["investor", "lender"]))
def test_the_ladder_is_never_skipped_and_every_step_has_its_reason(sessions, steps, kind) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as s:
        e = open_engagement(
            s,
            "fund",
            "ana",
            f"H-{next(COUNTER)}",
            "Acme",
            kind=kind,
            reason="band severe in the last run",
            on=START,
        )
        ident = e.id
    day = START
    for action, gap, good, offset, weighed in steps:
        day += timedelta(days=gap)
        reason = "reasoned decision recorded" if good else "no"
        with sessions() as s:
            try:
                if action == "contact":
                    log_contact(
                        s,
                        "fund",
                        "ana",
                        ident,
                        contact="Head of Sustainability",
                        answer="a",
                        next_step="b",
                        on=day,
                    )
                elif action == "escalate":
                    escalate(
                        s,
                        "fund",
                        "ana",
                        ident,
                        reason=reason,
                        on=day,
                        deadline=day + timedelta(days=offset),
                        exit_harm_weighed=weighed,
                    )
                else:
                    close_engagement(s, "fund", "ana", ident, reason=reason, on=day)
                s.commit()
            except (ConflictError, InputError):
                s.rollback()
    with sessions() as s:
        log = view(s, "fund", ident)
    moves = [ev for ev in log.events if ev["event"] in ("opened", "escalate")]
    assert [ev["to"] for ev in moves] == list(LADDER[: len(moves)])  # in order, none skipped
    for ev in log.events:
        if ev["event"] in ("opened", "escalate", "close"):
            assert ev["reason"] and len(str(ev["reason"])) >= 10
    if log.stage == "divest" or any(ev["to"] == "divest" for ev in log.events):
        divest = next(ev for ev in log.events if ev["to"] == "divest")
        assert log.deadline is not None and date.fromisoformat(str(divest["date"])) > log.deadline
    if any(ev["event"] == "close" for ev in log.events):
        assert log.events[-1]["event"] == "close" and log.stage == "closed"


def test_organisations_cannot_see_each_others_engagements(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as s:
        e = open_engagement(s, "fund", "ana", "H-iso", "Acme", reason="listed on Lista Suja", on=START)
        ident = e.id
    with sessions() as s, pytest.raises(NotFoundError):
        view(s, "other", ident)
    with sessions() as s, pytest.raises(NotFoundError):
        log_contact(s, "other", "eve", ident, contact="CFO", answer="", next_step="", on=START)
    with sessions() as s:
        assert verify(s, "fund").ok
        assert s.scalars(select(EngagementEvent).where(EngagementEvent.org_id == "other")).all() == []


def test_questions_come_from_the_missing_criteria() -> None:
    statement = assess_text("Our Supplier Code of Conduct prohibits forced labour.", "set")
    questions = questions_for(None, statement, "set")
    assert len(questions) == 6 and not any("policy that prohibits" in q for q in questions)
    assert len(questions_for(None, None, "au-msa")) == 8


def test_full_ladder_to_exit_only_after_the_deadline(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as s:
        ident = open_engagement(
            s, "fund", "ana", "H-full", "Acme", kind="lender", reason="listed on a WRO", on=START
        ).id
        escalate(
            s,
            "fund",
            "ana",
            ident,
            reason="no answer in 60 days",
            on=START,
            deadline=START + timedelta(days=90),
        )
        escalate(
            s, "fund", "ana", ident, reason="asks not met: covenant added", on=START + timedelta(days=30)
        )
    with sessions() as s, pytest.raises(ConflictError, match="has not passed"):
        escalate(
            s,
            "fund",
            "ana",
            ident,
            reason="still nothing after covenant",
            on=START + timedelta(days=60),
            exit_harm_weighed=True,
        )
    with sessions() as s, pytest.raises(InputError, match="harm of leaving"):
        escalate(
            s, "fund", "ana", ident, reason="still nothing after covenant", on=START + timedelta(days=91)
        )
    with sessions.begin() as s:
        escalate(
            s,
            "fund",
            "ana",
            ident,
            reason="still nothing after covenant",
            on=START + timedelta(days=91),
            exit_harm_weighed=True,
        )
        log = view(s, "fund", ident)
    assert log.stage == "divest" and log.stage_label.startswith("exit the facility")
    assert [e["to"] for e in log.events] == ["engage", "deadline", "vote_covenant", "divest"]
