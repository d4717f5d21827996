"""The investigator's workspace without a browser: ranking, gazetteer, network layout, evidence paging,
the alert's own transactions, search, party pages, case type decisions, flash messages, CSV exports."""

from __future__ import annotations

import csv
import io
import itertools
import logging
import random

from hypothesis import given, settings
from hypothesis import strategies as st
from svc_world import World, csrf_of

from chainbreaker.cases.ranking import rank_score, why_above
from chainbreaker.geo.gazetteer import PRECISION_CITY, PRECISION_COUNTRY, locate
from chainbreaker.service.csvout import cell
from chainbreaker.service.humanize import fix_link, human_datetime
from chainbreaker.service.views.network import Edge, Node, overlaps, place_nodes
from chainbreaker.synth.world import CITIES


def _case_id(world: World) -> str:
    return str(world.api("alice").get("/api/v1/cases").json()[0]["id"])


@settings(max_examples=200, deadline=None)
@given(
    st.floats(0, 1),
    st.integers(0, 60),
    st.floats(0, 1),
    st.integers(0, 30),
    st.floats(0, 1),
    st.integers(1, 10),
)
def test_rank_score_stays_below_one_and_more_evidence_never_lowers_it(
    risk, inds, hit, victims, more, extra
) -> None:
    score = rank_score(risk, inds, hit, victims)
    assert 0 <= score < 0.84
    assert rank_score(min(1.0, risk + more), inds + extra, hit, victims + extra) >= score


def test_ranking_separates_cases_an_exact_list_match_made_equal() -> None:
    # demo-like: several cases with a 1.00 name match, different behaviour and breadth
    cases = [(0.98, 27, 1.0, 5), (0.97, 24, 1.0, 3), (0.94, 10, 1.0, 1), (0.73, 5, 1.0, 3), (0.66, 4, 1.0, 3)]
    scores = [rank_score(*c) for c in cases]
    assert all(a > b + 0.005 for a, b in itertools.pairwise(scores))  # strictly apart
    assert max(scores) < 0.84  # no flood of 1.00


def test_ranking_says_why_a_case_is_above_the_next(world: World) -> None:
    ranks = world.api("alice").get("/api/v1/cases-ranking").json()
    assert [r["rank"] for r in ranks] == list(range(1, len(ranks) + 1))
    assert all(r["above_next"] for r in ranks)
    assert ranks[-1]["above_next"] == "last in the ranking"
    from chainbreaker.cases.ranking import Ranked

    upper = Ranked(1, "C-1", 0.8, 0.9, 10, 0.0, 1, 100)
    lower = Ranked(2, "C-2", 0.6, 0.5, 10, 0.0, 1, 100)
    assert why_above(upper, lower) == "riskier behaviour (a party scores 0.90 vs 0.50)"


def test_gazetteer_places_the_contract_and_the_synthetic_bank() -> None:
    assert locate("Sao Paulo", "BR") == locate("São Paulo", "br")
    assert locate("Sao Paulo", "BR").precision == PRECISION_CITY  # type: ignore[union-attr]
    for city in CITIES:
        place = locate(city.name, "US")
        assert place is not None and place.precision == PRECISION_CITY, city.name
        assert 18 < place.lat < 50 and -125 < place.lon < -66, city.name  # inside the contiguous US
    san_jose_cr, san_jose_us = locate("San José", "CR"), locate("San Jose", "US")
    assert san_jose_cr is not None and san_jose_us is not None and san_jose_cr.lon > san_jose_us.lon
    assert locate("Nowhere-on-earth", "PY").precision == PRECISION_COUNTRY  # type: ignore[union-attr]
    assert locate("Nowhere-on-earth", None) is None
    assert locate(None, "Brazil").country == "BR"  # type: ignore[union-attr]


def test_network_labels_never_overlap() -> None:
    rng = random.Random(4)
    for n in (2, 8, 28, 60):
        nodes = [Node(f"P{i}", f"Party with a long name {i}") for i in range(n)]
        edges = [
            Edge(f"P{rng.randrange(n)}", f"P{rng.randrange(n)}", amount=rng.random()) for _ in range(n * 2)
        ]
        centres, widths = place_nodes(nodes, edges, 640, 420)
        assert overlaps(centres, widths) == 0, n


def test_csv_cells_cannot_become_formulas() -> None:
    assert cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert cell("-5+3") == "'-5+3" and cell("@SUM(A1)") == "'@SUM(A1)"
    assert cell(-5) == "-5" and cell("Rosa Pereira") == "Rosa Pereira"


def test_dates_are_for_people() -> None:
    from datetime import datetime

    assert human_datetime(datetime(2026, 1, 28)) == "28 Jan 2026"
    assert human_datetime(datetime(2026, 1, 28, 14, 5)) == "28 Jan 2026, 14:05"


def test_evidence_is_paged_filtered_sorted_and_exported(world: World) -> None:
    ref = _case_id(world)
    api = world.api("alice")
    every = api.get(f"/api/v1/cases/{ref}/evidence").json()
    one = api.get(f"/api/v1/cases/{ref}/evidence", params={"indicator": "ST-01"}).json()
    assert 0 < one["total"] < every["total"]
    assert {e["indicator_id"] for e in one["items"]} == {"ST-01"}
    by_amount = api.get(f"/api/v1/cases/{ref}/evidence", params={"sort": "amount", "order": "desc"}).json()
    amounts = [float(e["amount"]) for e in by_amount["items"]]
    assert amounts == sorted(amounts, reverse=True)
    paged = api.get(f"/api/v1/cases/{ref}/evidence", params={"size": 1, "page": 2}).json()
    assert paged["pages"] == every["total"] and len(paged["items"]) == 1
    assert api.get(f"/api/v1/cases/{ref}/evidence", params={"sort": "txn_id; drop"}).status_code == 422
    alice = world.login("alice")
    exported = alice.get(f"/cases/{ref}/evidence", params={"indicator": "ST-01", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == one["total"] and {r["indicator_id"] for r in rows} == {"ST-01"}
    page = alice.get(f"/cases/{ref}/evidence", params={"indicator": "ST-01"}).text
    assert f"of {one['total']} transactions" in page


def test_the_alert_page_lists_exactly_the_alerts_transactions(world: World) -> None:
    alerts = world.api("alice").get("/api/v1/alerts").json()["items"]
    al2 = next(a for a in alerts if a["alert_id"] == "AL2")  # ST-01 on P2: T1 and T2
    page = world.login("alice").get(f"/alerts/{al2['id']}").text
    body = page.split("The transactions behind this alert", 1)[1].split("</table>", 1)[0]
    assert "T1" in body and "T2" in body and "T3" not in body and "T4" not in body
    assert "{'" not in page and "txn_ids_truncated" not in page  # no raw Python


def test_search_finds_a_misspelt_name_an_id_and_an_account_and_never_logs_the_term(
    world: World, caplog
) -> None:
    alice = world.login("alice")
    with caplog.at_level(logging.DEBUG):
        by_name = alice.get("/search", params={"q": "Karlos Mendez"}).text
        by_id = alice.get("/search", params={"q": "p3"}).text
        by_account = alice.get("/search", params={"q": "A4"}).text
    assert 'href="/parties/P1"' in by_name
    assert 'href="/parties/P3"' in by_id
    assert 'href="/parties/P4"' in by_account
    server_side = [r.getMessage() + str(r.__dict__) for r in caplog.records if not r.name.startswith("httpx")]
    assert not [
        line for line in server_side if "Karlos" in line or "Mendez" in line
    ]  # httpx is the test's client


def test_party_page_shows_only_the_callers_organisation_and_unknown_parties_are_404(world: World) -> None:
    alice, bob = world.login("alice"), world.login("bob")
    page = alice.get("/parties/P1")
    assert page.status_code == 200 and "Carlos Mendes" in page.text and "ST-03" in page.text
    assert "Likely victim: do not simply exit" in alice.get("/parties/P2").text
    bob_ref = world.api("bob").get("/api/v1/cases").json()[0]["id"]
    alice_refs = {str(c["id"]) for c in world.api("alice").get("/api/v1/cases").json()}
    bob_page = bob.get("/parties/P1").text
    assert not any(f'href="/cases/{r}"' in bob_page for r in alice_refs if r != str(bob_ref))
    assert alice.get("/parties/NOT-A-PARTY").status_code == 404


def test_case_type_is_set_with_a_reason_and_audited(world: World) -> None:
    ref = _case_id(world)
    api = world.api("sam")
    assert (
        api.post(f"/api/v1/cases/{ref}/trafficking-type", json={"trafficking_type": "sex"}).status_code == 422
    )
    done = api.post(
        f"/api/v1/cases/{ref}/trafficking-type", json={"trafficking_type": "mixed", "reason": "both seen"}
    )
    assert done.status_code == 200 and done.json()["trafficking_type"] == "mixed"
    alice = world.login("alice")
    page = alice.get(f"/cases/{ref}").text
    response = alice.post(
        f"/cases/{ref}/trafficking-type",
        data={"trafficking_type": "sex", "reason": "labour side not confirmed", "csrf_token": csrf_of(page)},
        follow_redirects=False,
    )
    assert response.status_code == 303 and "done=" not in response.headers["location"]
    shown = alice.get(response.headers["location"]).text
    assert "Case type set to sex trafficking." in shown
    assert "Case type set to" not in alice.get(response.headers["location"]).text  # shown once
    notes = alice.get(f"/cases/{ref}/notes").text
    assert "trafficking type by alice" in notes


def test_refusals_link_to_where_they_can_be_fixed() -> None:
    message = "only general indicators: decide sex or labour trafficking with `chainbreaker cases set-type C-000004 sex|labour`"
    assert fix_link("/cases/c-000004/reports", message) == (
        "/cases/C-000004#trafficking-type",
        "Set the trafficking type of case C-000004",
    )
    assert fix_link("/cases/7/transition", "needs a reason")[0] == "/cases/7"  # type: ignore[index]
    assert fix_link("/alerts/3/review", "x") == ("/alerts/3", "Back to the alert")
    assert fix_link("/registry", "x") is None


def test_lists_sort_filter_page_and_export(world: World) -> None:
    alice = world.login("alice")
    page = alice.get("/alerts", params={"sort": "indicator", "order": "asc"}).text
    assert "of 3 alerts" in page
    filtered = alice.get("/alerts", params={"trafficking_type": "labour"}).text
    assert "of 1 alerts" in filtered and "LT-02" in filtered
    rows = list(csv.DictReader(io.StringIO(alice.get("/alerts", params={"format": "csv"}).text)))
    assert len(rows) == 3 and rows[0]["score"] >= rows[-1]["score"]
    cases = list(csv.DictReader(io.StringIO(alice.get("/cases", params={"format": "csv"}).text)))
    assert cases and cases[0]["rank"] == "1" and cases[0]["above_next_because"]
    assert alice.get("/screening/results").status_code == 200
    dashboard = alice.get("/").text
    assert 'href="/alerts?indicator=ST-03"' in dashboard  # bars drill down


def test_registry_lists_are_browsable_without_a_query(world: World) -> None:
    alice = world.login("alice")
    page = alice.get("/registry/lists", params={"dataset": "test_list"}).text
    assert "Fazenda Boa Vista Ltda" in page and "of 4 entities" in page
    rows = list(csv.DictReader(io.StringIO(alice.get("/registry/lists", params={"format": "csv"}).text)))
    assert {r["name"] for r in rows} >= {"Viktor Anatolyevich Bout", "Fazenda Boa Vista Ltda"}
    assert alice.get("/registry/lists", params={"sort": "name; drop table"}).status_code == 422


def test_a_screening_without_match_says_which_lists_and_editions_were_searched(world: World) -> None:
    alice = world.login("alice")
    token = csrf_of(alice.get("/screening").text)
    page = alice.post("/screening", data={"name": "Zebulon Quartermaine-Xy", "csrf_token": token}).text
    assert "No match above the threshold in 1 list: test_list (edition" in page


def test_the_summary_counts_a_transaction_of_two_indicators_once(world: World) -> None:
    from sqlalchemy import select

    from chainbreaker.service.casework import case_summary
    from chainbreaker.storage.models import Case, Evidence

    repeated = 0
    with world.app.state.ctx.sessions() as session:
        for case in session.scalars(select(Case).where(Case.org_id == "bank-a")):
            rows = session.scalars(select(Evidence).where(Evidence.case_id == case.id)).all()
            unique = {e.txn_id: e for e in rows}
            repeated += len(rows) - len(unique)
            summary = case_summary(session, "bank-a", case.reference)
            assert summary.evidence == len(unique)
            for flow in summary.flows:
                same = [
                    e for e in unique.values() if (e.direction, e.currency) == (flow.direction, flow.currency)
                ]
                assert flow.count == len(same) and flow.total == sum(e.amount for e in same)
            assert sum(n for _c, n in summary.channels) == len(unique)
    assert repeated >= 1  # T2 is evidence of ST-03 and of ST-01: the case above had a repeat to remove


def test_a_refused_change_links_back_to_where_it_can_be_fixed(world: World) -> None:
    ref = _case_id(world)
    alice = world.login("alice")
    token = csrf_of(alice.get(f"/cases/{ref}").text)
    refused = alice.post(f"/cases/{ref}/transition", data={"to_status": "closed", "csrf_token": token})
    assert refused.status_code == 422
    assert 'id="fix-link"' in refused.text and f'href="/cases/{ref}"' in refused.text


@settings(max_examples=6, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["sex", "labour", "mixed", "general", "other"]), st.booleans()), max_size=4
    )
)
def test_every_accepted_type_decision_is_audited_and_every_refused_one_changes_nothing(
    world: World, steps
) -> None:
    """Invariant over sequences of decisions: the case's type is the last accepted one, each accepted
    decision is one more audit entry, and a refusal (no reason, unknown type) leaves case and log as they were."""
    from sqlalchemy import func, select

    from chainbreaker.storage.models import AuditEntry

    ref = _case_id(world)
    api = world.api("sam")
    reference = api.get(f"/api/v1/cases/{ref}").json()["reference"]

    def audited() -> int:
        with world.app.state.ctx.sessions() as session:
            query = select(func.count()).where(
                AuditEntry.org_id == "bank-a",
                AuditEntry.action == "case.trafficking_type",
                AuditEntry.object_id == reference,
            )
            return int(session.scalar(query) or 0)

    before = audited()
    current = api.get(f"/api/v1/cases/{ref}").json()["trafficking_type"]
    accepted = 0
    for kind, with_reason in steps:
        body = {"trafficking_type": kind, **({"reason": "seen in the evidence"} if with_reason else {})}
        response = api.post(f"/api/v1/cases/{ref}/trafficking-type", json=body)
        if kind in ("sex", "labour", "mixed") and with_reason:
            assert response.status_code == 200
            current, accepted = kind, accepted + 1
        else:
            assert response.status_code == 422
        assert api.get(f"/api/v1/cases/{ref}").json()["trafficking_type"] == current
    assert audited() == before + accepted
    if accepted:  # leave the shared world's case as the bank's data types it
        api.post(f"/api/v1/cases/{ref}/trafficking-type", json={"trafficking_type": "sex", "reason": "reset"})


def test_the_timeline_groups_by_month_and_indicator(world: World) -> None:
    from chainbreaker.cases.workflow import get_case
    from chainbreaker.service.casework import case_timeline

    ref = _case_id(world)
    with world.app.state.ctx.sessions() as session:
        timeline = case_timeline(session, "bank-a", get_case(session, "bank-a", ref))
    months = dict(timeline.months)
    feb = {line.indicator_id: line for line in months["2025-02"]}
    assert feb["ST-01"].transactions == 2 and feb["ST-01"].alerts_starting == 1  # T1 in, T2 out
    assert str(feb["ST-01"].money_in) == "950.00" and str(feb["ST-01"].money_out) == "900.00"
    assert feb["ST-03"].transactions == 2  # T2 and T4: T2 is evidence of both indicators
    assert {line.indicator_id for line in months["2025-03"]} == {"LT-02"}
    page = world.login("alice").get(f"/cases/{ref}/timeline").text
    assert "Feb 2025" in page and "indicator=ST-01&amp;date_from=2025-02-01&amp;date_to=2025-02-02" in page
