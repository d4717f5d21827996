"""Where ring workers and lawful staff live: the housing the generator models, checked on its output."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from chainbreaker.synth import SynthConfig, generate_bank

from ._helpers import rows

#: A bank of strong massage rings only, so that both kinds of housing (shop and flat) occur.
MASSAGE_ONLY = SynthConfig(
    transactions=60_000, seed=12, prevalence=0.08, scheme_mix={"massage": 1.0}, weak_share=0.0
)


@pytest.fixture(scope="module")
def massage_db(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    report = generate_bank(Path(tmp_path_factory.mktemp("massage")), MASSAGE_ONLY)
    con = duckdb.connect()
    for name in ("parties", "accounts", "transactions", "labels"):
        con.read_csv(str(report.files[name]), header=True, all_varchar=True).create(name)
    return con


def _massage_homes(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    """(ring, worker, street, city, employer, on site) for every massage-ring worker with a home address."""
    return rows(
        con,
        """
        WITH fronts AS (
          SELECT l.ring_id, p.name, lower(p.address) AS street, p.city
          FROM labels l JOIN parties p USING (party_id) WHERE l.scheme = 'massage' AND l.role = 'front_business')
        SELECT l.ring_id, p.party_id, lower(p.address), p.city, p.employer,
               EXISTS (SELECT 1 FROM fronts f WHERE f.ring_id = l.ring_id AND f.street = lower(p.address)
                       AND f.city = p.city) AS on_site
        FROM labels l JOIN parties p USING (party_id)
        WHERE l.scheme = 'massage' AND l.role = 'victim' AND p.address IS NOT NULL
        """,
    )


def test_massage_workers_live_in_the_shop_or_in_one_flat_per_city(
    massage_db: duckdb.DuckDBPyConnection,
) -> None:
    """A home is one place: a street shared by a ring's workers is never written with two cities, and workers
    who sleep in the shop give the shop's own street and city (the published pattern the generator models)."""
    homes = _massage_homes(massage_db)
    assert homes, "the small bank should hold massage rings"
    cities: dict[tuple[object, object], set[object]] = {}
    for ring, _party, street, city, _employer, _on_site in homes:
        cities.setdefault((ring, street), set()).add(city)
    assert all(len(c) == 1 for c in cities.values()), cities
    assert any(on_site for *_, on_site in homes), "some storefronts house their workers on site"
    assert not all(on_site for *_, on_site in homes), "others rent them a flat"


def test_on_site_storefronts_pay_no_residential_rent(massage_db: duckdb.DuckDBPyConnection) -> None:
    """The business pays a residential rent (LT-11) only for workers who live in a flat."""
    found = rows(
        massage_db,
        """
        WITH fronts AS (
          SELECT l.ring_id, l.party_id, lower(p.address) AS street, p.city, p.name
          FROM labels l JOIN parties p USING (party_id) WHERE l.scheme = 'massage' AND l.role = 'front_business'),
        housed AS (
          SELECT f.party_id,
                 bool_or(lower(w.address) = f.street AND w.city = f.city) AS on_site,
                 bool_or(lower(w.address) <> f.street) AS in_flat
          FROM fronts f JOIN parties w ON w.employer = f.name
          JOIN labels lw ON lw.party_id = w.party_id AND lw.ring_id = f.ring_id AND lw.role = 'victim'
          GROUP BY ALL),
        rent AS (
          SELECT a.party_id, count(*) AS n FROM accounts a JOIN transactions t USING (account_id)
          WHERE t.description LIKE 'RENT%RESIDENTIAL' GROUP BY ALL)
        SELECT h.party_id, h.on_site, h.in_flat, coalesce(r.n, 0) FROM housed h LEFT JOIN rent r USING (party_id)
        """,
    )
    assert found
    for party, on_site, in_flat, n_rent in found:
        if on_site and not in_flat:
            assert n_rent == 0, party
        if in_flat and not on_site:
            assert int(str(n_rent)) > 0, party


#: A bank large enough to hold several dozen businesses of the kinds that may house staff (the small test bank
#: has eight, and 15% of them house staff: too few to test a look-alike on).
LAWFUL = SynthConfig(transactions=400_000, seed=12, format="parquet")


@pytest.fixture(scope="module")
def lawful_db(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    report = generate_bank(Path(tmp_path_factory.mktemp("lawful")), LAWFUL)
    con = duckdb.connect()
    con.read_parquet(str(report.files["parties"])).create("parties")
    con.read_csv(str(report.files["labels"]), header=True, all_varchar=True).create("labels")
    return con


def test_lawful_employers_house_some_staff_at_the_premises(lawful_db: duckdb.DuckDBPyConnection) -> None:
    """The benign look-alike of on-site workers: unlabelled persons whose home is their unlabelled employer's
    street and city."""
    live_in = rows(
        lawful_db,
        """
        SELECT count(*) FROM parties w JOIN parties b
          ON b.party_type = 'organization' AND w.party_type = 'person' AND lower(w.address) = lower(b.address)
             AND w.city = b.city AND w.employer = b.name
        WHERE w.party_id NOT IN (SELECT party_id FROM labels) AND b.party_id NOT IN (SELECT party_id FROM labels)
        """,
    )
    assert int(str(live_in[0][0])) >= 3, live_in


def test_some_unlabelled_flats_are_shared_by_compatriots_born_abroad(
    lawful_db: duckdb.DuckDBPyConnection,
) -> None:
    """The benign look-alike of employer-provided housing that the roll-up reads from nationality: flats of
    unlabelled unrelated adults (two or more surnames) who are all foreign nationals of one country."""
    flats = rows(
        lawful_db,
        """
        SELECT lower(address), city FROM parties
        WHERE party_type = 'person' AND address IS NOT NULL
          AND party_id NOT IN (SELECT party_id FROM labels)
        GROUP BY ALL
        HAVING count(*) >= 2 AND count(DISTINCT split_part(name, ' ', -1)) >= 2
           AND count(DISTINCT nationality) = 1 AND min(nationality) <> 'US'
        """,
    )
    assert len(flats) >= 3, flats
