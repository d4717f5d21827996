"""The roll-up in isolation: combination, families, the alert rule, roles and network inheritance."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chainbreaker.monitoring import load_catalogue
from chainbreaker.monitoring.runner import Hit
from chainbreaker.monitoring.scoring import ContactGroup, ControlTie, FlowTie, score_parties

IND = {i.id: i for i in load_catalogue().indicators}
T0 = dt.datetime(2024, 1, 1)


def hit(ind: str, party: str, strength: float = 1.0, **kw: object) -> Hit:
    return Hit(ind, party, None, T0, T0 + dt.timedelta(days=30), strength, {}, **kw)  # type: ignore[arg-type]


def test_one_indicator_never_alerts_even_at_full_strength() -> None:
    for ind_id in IND:
        parties = score_parties([hit(ind_id, "P1")], IND, ["P1"], set(), [])
        assert not parties["P1"].alerted, ind_id


def test_two_indicators_combine_and_alert() -> None:
    p = score_parties([hit("NW-06", "P1"), hit("ST-02", "P1")], IND, ["P1"], set(), [])["P1"]
    assert p.own_score == pytest.approx(1 - (1 - 0.45) * (1 - 0.35), abs=1e-4)
    assert p.alerted and p.role == "likely_subject" and p.subrole == "controller"


def test_family_counts_once_in_full() -> None:
    together = score_parties(
        [hit("ST-05", "P1"), hit("ST-06", "P1"), hit("G-01", "P1")], IND, ["P1"], set(), []
    )["P1"]
    strongest = IND["ST-06"].weight
    assert together.contributions["ST-06"] == pytest.approx(strongest)
    assert together.contributions["ST-05"] == pytest.approx(IND["ST-05"].weight * 0.35)
    assert not together.alerted


def test_balanced_evidence_reads_as_victim() -> None:
    # ST-21 (victim, 0.40) against ST-04-like subject weight 0.40: ties go to the protective reading.
    p = score_parties([hit("ST-21", "P1"), hit("LT-04", "P1")], IND, ["P1"], set(), [])["P1"]
    assert p.role == "likely_victim" and p.subrole is None
    assert "do not exit" in p.explanation


def test_receiving_sweeps_from_two_victims_makes_a_controller() -> None:
    hits = [hit("ST-21", v, hub_party_id="C") for v in ("V1", "V2")] + [hit("G-13", v) for v in ("V1", "V2")]
    hits += [hit("ST-01", "C", 0.6), hit("ST-21", "C", 0.6)]
    parties = score_parties(hits, IND, ["C", "V1", "V2"], set(), [])
    assert parties["C"].role == "likely_subject" and parties["C"].subrole == "controller"
    assert parties["V1"].role == "likely_victim"


def test_tie_to_risky_hub_is_inherited_and_shown() -> None:
    hits = [hit("NW-06", "HUB"), hit("ST-02", "HUB"), hit("ST-17", "HUB"), hit("ST-21", "P1")]
    flows = [FlowTie("P1", "HUB", 5000.0, 0.9)]
    parties = score_parties(hits, IND, ["HUB", "P1", "P2"], set(), flows)
    p1 = parties["P1"]
    assert p1.risk_score > p1.own_score
    assert p1.ties and p1.ties[0]["party_id"] == "HUB" and p1.ties[0]["how"] == "money_flow"
    assert p1.alerted  # one red flag plus a tie to a risky hub
    assert p1.network_id == parties["HUB"].network_id is not None
    assert parties["P2"].risk_score == 0 and parties["P2"].network_id is None


def test_labour_sector_multiplier_applies_to_labour_indicators_only() -> None:
    base = score_parties([hit("LT-09", "B")], IND, ["B"], set(), [])["B"]
    sector = score_parties([hit("LT-09", "B")], IND, ["B"], {"B"}, [])["B"]
    assert sector.own_score == pytest.approx(base.own_score * 1.5)
    st = score_parties([hit("ST-11", "B")], IND, ["B"], {"B"}, [])["B"]
    assert st.own_score == pytest.approx(IND["ST-11"].weight)


# --- control and benefit ---------------------------------------------------------------------------------


def test_signatory_of_a_risky_business_inherits_its_risk_as_a_controller() -> None:
    hits = [hit("G-03", "BIZ"), hit("LT-09", "BIZ"), hit("G-14", "BIZ")]
    parties = score_parties(
        hits, IND, ["BIZ", "OWNER", "CLERK"], set(), [], controls=[ControlTie("OWNER", "BIZ", "signatory")]
    )
    owner = parties["OWNER"]
    assert parties["BIZ"].own_score >= 0.4
    assert owner.role == "likely_subject" and owner.subrole == "controller"
    assert owner.subject_score == pytest.approx(0.6 * parties["BIZ"].own_score, abs=1e-3)
    assert any(t["how"] == "control" and t["party_id"] == "BIZ" for t in owner.ties)
    assert parties["CLERK"].risk_score == 0


def test_controlling_several_risky_parties_ranks_above_controlling_one() -> None:
    hits = [hit(i, b) for b in ("B1", "B2") for i in ("G-03", "LT-09", "G-14")]
    controls = [ControlTie("BOTH", "B1", "signatory"), ControlTie("BOTH", "B2", "signatory")]
    controls.append(ControlTie("ONE", "B1", "signatory"))
    parties = score_parties(hits, IND, ["B1", "B2", "BOTH", "ONE"], set(), [], controls=controls)
    assert parties["BOTH"].subject_score > parties["ONE"].subject_score > 0


def test_a_quiet_business_passes_nothing_to_its_signatory() -> None:
    parties = score_parties(
        [hit("G-14", "BIZ", 0.5)],
        IND,
        ["BIZ", "OWNER"],
        set(),
        [],
        controls=[ControlTie("OWNER", "BIZ", "signatory")],
    )
    assert parties["OWNER"].risk_score == 0 and parties["OWNER"].role == "unknown"


@given(
    ties=st.lists(
        st.tuples(st.sampled_from(["V1", "V2", "X"]), st.sampled_from(["B1", "B2", "V1"])), max_size=6
    ),
    strength=st.floats(0.5, 1.0),
)
def test_control_never_turns_a_likely_victim_into_a_subject(
    ties: list[tuple[str, str]], strength: float
) -> None:
    """Invariant: whatever the control ties, a party with victim-side evidence stays a likely victim."""
    hits = [hit("ST-21", "V1", strength), hit("G-18", "V2", strength)]
    hits += [hit(i, b) for b in ("B1", "B2") for i in ("G-03", "LT-09", "G-14")]
    controls = [ControlTie(a, b, "authorised_user") for a, b in ties]
    parties = score_parties(hits, IND, ["V1", "V2", "X", "B1", "B2"], set(), [], controls=controls)
    for victim in ("V1", "V2"):
        if parties[victim].victim_score > 0:
            assert parties[victim].role == "likely_victim"


def test_forwarding_structured_cash_is_layering_not_a_victims_sweep() -> None:
    parties = score_parties(
        [hit("G-06", "MULE"), hit("ST-21", "MULE"), hit("ST-21", "V"), hit("G-18", "V")],
        IND,
        ["MULE", "V"],
        set(),
        [],
    )
    assert parties["MULE"].role == "likely_subject" and parties["MULE"].subrole == "structurer"
    assert parties["MULE"].victim_score == 0
    assert parties["V"].role == "likely_victim"


def test_contact_of_a_risky_front_reads_as_victim_and_co_residents_follow() -> None:
    # F is a risky front; W gave the bank F's phone; R1, R2 (other surnames) live at W's flat; X shares an
    # address with nobody risky and stays out
    hits = [hit("LT-04", "F"), hit("NW-08", "F")]
    contacts = [
        ContactGroup("phone", ("F", "W"), 1),
        ContactGroup("address", ("R1", "R2", "W"), 3),
        ContactGroup("address", ("X", "Y"), 2),
    ]
    ids = ["F", "W", "R1", "R2", "X", "Y"]
    parties = score_parties(hits, IND, ids, set(), [], controls=None, organizations={"F"}, contacts=contacts)
    front = parties["F"].own_score
    assert parties["W"].role == "likely_victim"
    assert {"party_id": "F", "how": "shared_identifier", "identifier": "phone", "hub_risk": front} in parties[
        "W"
    ].ties
    assert parties["R1"].role == parties["R2"].role == "likely_victim"
    assert 0 < parties["R1"].victim_score < parties["W"].victim_score
    assert parties["X"].role == parties["Y"].role == "unknown" and parties["X"].victim_score == 0
    assert not any(parties[p].alerted for p in ("W", "R1", "R2"))  # context, never an alert on its own
    assert parties["W"].network_id == parties["F"].network_id is not None


def test_contact_never_turns_a_party_with_subject_evidence_into_a_victim() -> None:
    hits = [hit("LT-04", "F"), hit("NW-08", "F"), hit("ST-01", "S"), hit("NW-06", "S")]
    contacts = [ContactGroup("phone", ("F", "S"), 2)]
    parties = score_parties(hits, IND, ["F", "S"], set(), [], organizations={"F"}, contacts=contacts)
    assert parties["S"].role == "likely_subject"


def test_household_sharing_an_address_without_a_worker_stays_out() -> None:
    # one surname at the address: a family, not unrelated adults in employer housing
    hits = [hit("LT-04", "F"), hit("NW-08", "F")]
    contacts = [ContactGroup("email", ("F", "W"), 1), ContactGroup("address", ("K", "W"), 1)]
    parties = score_parties(hits, IND, ["F", "W", "K"], set(), [], organizations={"F"}, contacts=contacts)
    assert parties["W"].role == "likely_victim" and parties["K"].victim_score == 0


def test_an_owner_naming_the_front_as_employer_stays_its_controller() -> None:
    hits = [hit("LT-04", "F"), hit("NW-08", "F")]
    contacts = [ContactGroup("employer", ("F", "O", "W"), 2)]
    controls = [ControlTie("O", "F", "signatory")]
    parties = score_parties(hits, IND, ["F", "O", "W"], set(), [], None, controls, {"F"}, contacts)
    assert parties["O"].role == "likely_subject" and parties["O"].subrole == "controller"
    assert parties["W"].role == "likely_victim"


def test_unrelated_adults_with_one_phone_and_one_home_read_as_victims() -> None:
    members = ("A", "B", "C")
    hits = [hit("NW-01", m) for m in members] + [hit("NW-03", m) for m in members]
    contacts = [ContactGroup("phone", members, 3), ContactGroup("address", (*members, "D"), 4)]
    parties = score_parties(hits, IND, [*members, "D"], set(), [], contacts=contacts)
    assert all(parties[m].role == "likely_victim" and not parties[m].alerted for m in members)
    assert parties["D"].role == "unknown"  # lives there, but does not share the phone
    # a family (one surname) sharing phone and home stays unknown
    family = [ContactGroup("phone", members, 1), ContactGroup("address", members, 1)]
    parties = score_parties(hits, IND, list(members), set(), [], contacts=family)
    assert all(parties[m].role == "unknown" for m in members)


def test_housing_of_a_risky_rent_paying_front_reads_as_victim_second_hand() -> None:
    # F is a risky front that pays residential rent (LT-11); H1, H2 are the unrelated foreign nationals of its
    # owner's country at one address in its city (`pipeline._housing_groups`); a direct phone tie (W) reads
    # stronger than the inferred housing tie
    hits = [hit("LT-04", "F"), hit("NW-08", "F"), hit("LT-11", "F")]
    contacts = [ContactGroup("housing", ("F", "H1", "H2"), 2), ContactGroup("phone", ("F", "W"), 1)]
    ids = ["F", "H1", "H2", "W"]
    parties = score_parties(hits, IND, ids, set(), [], organizations={"F"}, contacts=contacts)
    assert parties["H1"].role == parties["H2"].role == "likely_victim"
    assert 0 < parties["H1"].victim_score < parties["W"].victim_score
    assert {
        "party_id": "F",
        "how": "shared_identifier",
        "identifier": "housing",
        "hub_risk": parties["F"].own_score,
    } in parties["H1"].ties
    assert not parties["H1"].alerted and parties["H1"].subject_score == 0
    # a quiet business houses nobody into the victim list
    quiet = score_parties([hit("LT-11", "F")], IND, ids, set(), [], organizations={"F"}, contacts=contacts)
    assert quiet["H1"].victim_score == 0 and quiet["H1"].role == "unknown"


def test_a_housing_group_passes_only_the_businesss_risk() -> None:
    # a risky subject-side person living in the flat is not the hub of a housing group: only the business
    # that pays the rent (the group's first member) is, and a quiet business passes nothing
    subject = [hit("ST-01", "S"), hit("NW-06", "S"), hit("ST-05", "S"), hit("G-06", "S")]
    contacts = [ContactGroup("housing", ("F", "H1", "S"), 2)]
    ids = ["F", "H1", "S"]
    quiet = score_parties([hit("LT-11", "F"), *subject], IND, ids, set(), [], None, None, {"F"}, contacts)
    assert quiet["S"].role == "likely_subject" and quiet["S"].own_score >= 0.5
    assert quiet["H1"].victim_score == 0 and not quiet["H1"].ties
    front = [hit("LT-11", "F"), hit("LT-04", "F"), hit("NW-08", "F")]
    risky = score_parties(front + subject, IND, ids, set(), [], None, None, {"F"}, contacts)
    assert [t["party_id"] for t in risky["H1"].ties] == ["F"]
    assert risky["H1"].role == "likely_victim"


def test_payee_of_recruitment_fees_from_two_victims_is_a_subject_without_flags_of_its_own() -> None:
    # the pipeline turns fees paid by LT-05 payers to an on-us recruiter into money ties of full share
    hits = [hit(i, w) for w in ("W1", "W2") for i in ("LT-05", "LT-02", "G-13")]
    fees = [FlowTie(w, "AGENCY", 2500.0, 1.0, "fee") for w in ("W1", "W2")]
    parties = score_parties(hits, IND, ["AGENCY", "W1", "W2"], set(), fees)
    assert parties["AGENCY"].role == "likely_subject" and parties["AGENCY"].subject_score > 0.2
    assert parties["AGENCY"].subrole == "recruiter"  # restitution counts payments to it as fees
    assert not parties["AGENCY"].alerted  # no red flag of its own: on the subjects list, not an alert
    one = score_parties(hits, IND, ["AGENCY", "W1", "W2"], set(), fees[:1])
    assert one["AGENCY"].role != "likely_subject"
