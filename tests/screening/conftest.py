"""Fixtures of screening tests: a small workspace with customers, payments and `registry_entities` rows.

The registry rows are written with exactly the columns of the registry's store contract, so these tests
do not depend on the registry's loaders.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime

import duckdb
import pytest

from chainbreaker.core.contract import PARTIES, TRANSACTIONS, ddl
from chainbreaker.core.workspace import Workspace

REGISTRY_DDL = """
CREATE TABLE IF NOT EXISTS registry_entities (
    entity_id VARCHAR, schema VARCHAR, caption VARCHAR, names VARCHAR[], dataset VARCHAR, source_id VARCHAR,
    topics VARCHAR[], countries VARCHAR[], birth_dates VARCHAR[], identifiers VARCHAR[], properties JSON,
    first_seen TIMESTAMP, last_seen TIMESTAMP, last_change TIMESTAMP, edition VARCHAR, active BOOLEAN
)
"""

ENTITIES = [
    # entity_id, schema, caption, names, dataset, source_id, countries, birth_dates, identifiers
    ("un-1", "Person", "Vladimir Vladimirovich PUTIN", ["Vladimir Vladimirovich PUTIN", "Владимир Путин"],
     "un_sc_sanctions", "6908555", ["ru"], ["1952-10-07"], []),
    ("ofac-2", "Person", "Abdul Rahman AL-MOSULI", ["Abdul Rahman AL-MOSULI", "Abu Rahman"],
     "us_ofac_sdn", "12345", ["iq"], ["1970"], ["A1234567"]),
    ("br-3", "Company", "Fazenda Boa Vista Ltda", ["Fazenda Boa Vista Ltda"],
     "br_lista_suja", "12.345.678/0001-95", ["br"], [], ["12345678000195"]),
    ("ofac-4", "Vessel", "SEA PRINCESS", ["SEA PRINCESS"], "us_ofac_sdn", "999", [], [], ["IMO 9123456"]),
    ("ofac-5", "Company", "Gazprom Neft PJSC", ["Gazprom Neft PJSC", "Open Joint Stock Company Gazprom Neft"],
     "us_ofac_sdn", "555", ["ru"], [], []),
]  # fmt: skip

PARTIES_ROWS = [
    # party_id, party_type, name, date_of_birth, nationality, country, id_number
    ("P1", "person", "PUTIN, Vladimir", date(1952, 10, 7), "RU", "RU", None),
    ("P2", "person", "Abdulrahman Al Mosuli", date(1970, 5, 1), "IQ", "IQ", None),
    ("P3", "organization", "Fazenda Boa Vista Limitada", None, None, "BR", "12.345.678/0001-95"),
    ("P4", "person", "Maria Silva", date(1985, 1, 1), "BR", "BR", None),
    ("P5", "person", "Vladimir Putin", date(1990, 3, 3), "US", "US", None),
    ("P6", "organization", "OOO Gazprom Neft", None, None, "RU", None),
]


def write_entities(con: duckdb.DuckDBPyConnection, rows: Sequence[tuple[object, ...]]) -> None:
    con.execute(REGISTRY_DDL)
    now = datetime(2026, 1, 1)
    for entity_id, schema, caption, names, dataset, source_id, countries, dobs, ids in rows:
        con.execute(
            "INSERT INTO registry_entities VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                entity_id,
                schema,
                caption,
                names,
                dataset,
                source_id,
                ["sanction"],
                countries,
                dobs,
                ids,
                json.dumps({"name": names}),
                now,
                now,
                now,
                "2026-01-01",
                True,
            ],
        )


def write_parties(con: duckdb.DuckDBPyConnection, rows: Sequence[tuple[object, ...]]) -> None:
    con.execute(ddl(PARTIES))
    for party_id, party_type, name, dob, nationality, country, id_number in rows:
        con.execute(
            "INSERT INTO parties (party_id, party_type, name, date_of_birth, nationality, country, id_number) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [party_id, party_type, name, dob, nationality, country, id_number],
        )


@pytest.fixture
def screening_ws(workspace: Workspace) -> Workspace:
    """A workspace with six customers, two counterparty names and five listed entities."""
    con = workspace.connect()
    try:
        write_entities(con, ENTITIES)
        write_parties(con, PARTIES_ROWS)
        con.execute(ddl(TRANSACTIONS))
        for txn_id, cp_name, cp_country in (
            ("T1", "Sea Princess Shipping", "PA"),
            ("T2", "Joao Pereira", "BR"),
        ):
            con.execute(
                "INSERT INTO transactions (txn_id, account_id, booked_at, amount, direction, channel, "
                "counterparty_name, counterparty_country) VALUES (?, 'A1', TIMESTAMP '2025-01-01 10:00:00', "
                "100, 'out', 'wire', ?, ?)",
                [txn_id, cp_name, cp_country],
            )
    finally:
        con.close()
    return workspace
