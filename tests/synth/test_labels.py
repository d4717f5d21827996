"""labels.csv and rings.csv tell the truth about the injected schemes, and the schemes leave their signals."""

from __future__ import annotations

import duckdb

from chainbreaker.synth import SCHEMES, SUBJECT_ROLES, VICTIM_ROLES, SynthReport

from ._helpers import rows

TYPES = {"sex": "sex", "massage": "sex", "labour": "labour", "debt": "labour", "structuring": "general"}


def _roles(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for ring_id, role, n in rows(con, "SELECT ring_id, role, count(*) FROM labels GROUP BY ALL"):
        out.setdefault(str(ring_id), {})[str(role)] = int(n)  # type: ignore[call-overload]
    return out


def test_every_labelled_party_exists_once(bank_db: duckdb.DuckDBPyConnection) -> None:
    assert rows(bank_db, "SELECT count(*) FROM labels ANTI JOIN parties USING (party_id)") == [(0,)]
    assert rows(bank_db, "SELECT count(*) - count(DISTINCT party_id) FROM labels") == [(0,)]


def test_label_values(bank_db: duckdb.DuckDBPyConnection) -> None:
    for scheme, role, ttype in rows(bank_db, "SELECT DISTINCT scheme, role, trafficking_type FROM labels"):
        assert scheme in SCHEMES
        assert role in SUBJECT_ROLES + VICTIM_ROLES
        assert ttype == TYPES[str(scheme)]


def test_every_ring_has_its_roles(bank_db: duckdb.DuckDBPyConnection) -> None:
    roles = _roles(bank_db)
    rings = rows(bank_db, "SELECT ring_id, scheme, controller_external, parties FROM rings")
    assert {str(r[1]) for r in rings} == set(SCHEMES), "the small bank should hold every scheme"
    for ring_id, scheme, external, parties in rings:
        got = roles.get(str(ring_id), {})
        assert sum(got.values()) == int(str(parties)), ring_id
        outside = external == "true"
        if scheme == "sex":
            assert got.get("victim", 0) >= 2 and (got.get("controller", 0) == 1 or outside), (ring_id, got)
        elif scheme == "massage":
            assert got.get("front_business", 0) >= 1 and got.get("controller", 0) == 1, (ring_id, got)
            assert got.get("victim", 0) >= 2, (ring_id, got)
        elif scheme == "labour":
            assert got.get("front_business", 0) == 1 and got.get("victim", 0) >= 3, (ring_id, got)
            assert got.get("controller", 0) == 1 or outside, (ring_id, got)
        elif scheme == "debt":
            assert got.get("victim", 0) >= 3 and (got.get("recruiter", 0) == 1 or outside), (ring_id, got)
        else:
            assert got.get("structurer", 0) == 1, (ring_id, got)


def test_external_controllers_are_not_bank_accounts(bank_db: duckdb.DuckDBPyConnection) -> None:
    external = rows(bank_db, "SELECT external_account FROM rings WHERE controller_external = 'true'")
    for (account,) in external:
        assert rows(bank_db, f"SELECT count(*) FROM accounts WHERE account_id = '{account}'") == [(0,)]
        hits = rows(bank_db, f"SELECT count(*) FROM transactions WHERE counterparty_account = '{account}'")
        assert hits[0][0] > 0  # type: ignore[operator]


def test_front_businesses_are_organizations_and_victims_persons(bank_db: duckdb.DuckDBPyConnection) -> None:
    mismatched = rows(
        bank_db,
        "SELECT count(*) FROM labels l JOIN parties p USING (party_id) WHERE "
        "(l.role = 'front_business') <> (p.party_type = 'organization') AND l.role <> 'recruiter'",
    )
    assert mismatched == [(0,)]


def test_victims_are_swept_to_a_hub(bank_db: duckdb.DuckDBPyConnection) -> None:
    """Sex and labour victims send most of what comes in to one counterparty (ST-21, LT-02)."""
    ratios = rows(
        bank_db,
        """
        WITH v AS (SELECT party_id, ring_id FROM labels WHERE role = 'victim' AND scheme IN ('sex', 'labour')),
        flows AS (
          SELECT v.party_id, t.direction, t.counterparty_account, sum(CAST(t.amount AS DECIMAL(18,2))) AS total
          FROM v JOIN accounts a USING (party_id) JOIN transactions t USING (account_id)
          WHERE t.channel IN ('p2p', 'internal', 'check', 'ach', 'atm') GROUP BY ALL),
        top_out AS (SELECT party_id, max(total) AS top FROM flows WHERE direction = 'out'
                    AND counterparty_account IS NOT NULL GROUP BY ALL),
        total_in AS (SELECT party_id, sum(total) AS inflow FROM flows WHERE direction = 'in' GROUP BY ALL)
        SELECT party_id, top / inflow FROM top_out JOIN total_in USING (party_id)
    """,
    )
    assert ratios, "victims with sweeps expected"
    high = [r for _, r in ratios if float(str(r)) >= 0.5]
    assert len(high) / len(ratios) >= 0.6


def test_weak_and_strong_rings_are_both_present(
    small_bank: SynthReport, bank_db: duckdb.DuckDBPyConnection
) -> None:
    strengths = dict(rows(bank_db, "SELECT strength, count(*) FROM rings GROUP BY ALL"))  # type: ignore[arg-type]
    assert strengths.get("weak", 0) == small_bank.weak_rings > 0
    assert strengths.get("strong", 0) > 0


def _per_subject(
    con: duckdb.DuckDBPyConnection, role: str, scheme: str, where: str
) -> list[tuple[object, ...]]:
    """(party, ring strength, count of the subject's transactions matching `where`) for each labelled subject."""
    return rows(
        con,
        f"""SELECT l.party_id, r.strength, count(t.txn_id)
            FROM labels l JOIN rings r USING (ring_id) JOIN accounts a USING (party_id)
            LEFT JOIN transactions t ON t.account_id = a.account_id AND ({where})
            WHERE l.role = '{role}' AND l.scheme = '{scheme}' GROUP BY ALL""",
    )


def test_strong_sex_controllers_pay_ads_in_small_fixed_multiples(bank_db: duckdb.DuckDBPyConnection) -> None:
    found = _per_subject(bank_db, "controller", "sex", "t.mcc IN ('7311', '5969', '4816') "
                         "AND CAST(t.amount AS DECIMAL(18,2)) % 3 = 0")  # fmt: skip
    strong = [n for _, strength, n in found if strength == "strong"]
    assert strong and all(int(str(n)) >= 5 for n in strong), found


def test_structurers_deposit_just_under_the_threshold(bank_db: duckdb.DuckDBPyConnection) -> None:
    found = _per_subject(bank_db, "structurer", "structuring", "t.channel = 'cash' AND t.direction = 'in' "
                         "AND CAST(t.amount AS DECIMAL(18,2)) BETWEEN 7000 AND 9999.99")  # fmt: skip
    assert found and all(int(str(n)) >= 4 for _, _, n in found), found


def test_debt_recruiters_collect_fixed_repayments(bank_db: duckdb.DuckDBPyConnection) -> None:
    payers = rows(bank_db, """
        SELECT l.party_id, count(DISTINCT t.counterparty_account)
        FROM labels l JOIN rings r USING (ring_id) JOIN accounts a USING (party_id)
        JOIN transactions t ON t.account_id = a.account_id AND t.direction = 'in'
             AND t.description IN ('LOAN REPAYMENT', 'FEE')
        WHERE l.role = 'recruiter' AND l.scheme = 'debt' GROUP BY ALL
    """)  # fmt: skip
    assert payers and all(int(str(n)) >= 3 for _, n in payers), payers
