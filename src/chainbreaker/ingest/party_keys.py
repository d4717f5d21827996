"""Store each party's identifier keys and name parts beside the parties, once per load that adds parties.

The keys are pure functions of a party's columns (`core.party_keys`); computing them here, inside the load's
transaction, means a monitoring run reads them instead of parsing every phone number and name again (about
1.5 CPU-s per 46,000 parties). They are written with the rules they were made with and a fingerprint of the
whole parties table, and a reader that finds either changed computes its own.
"""

from __future__ import annotations

import duckdb

from chainbreaker.core.party_keys import (
    RULES,
    STORED_KEYS,
    STORED_META,
    STORED_NAMES,
    fingerprint_sql,
    key_rows_sql,
    key_table,
    name_rows_sql,
    name_table,
)


def store_party_keys(con: duckdb.DuckDBPyConnection) -> int:
    """(Re)write `party_keys`, `party_names` and `party_keys_meta` for every party in the workspace, on the
    load's open connection and transaction; returns the number of parties."""
    columns = {str(r[0]) for r in con.execute("DESCRIBE parties").fetchall()}
    keys = key_table(con.execute(key_rows_sql(columns)).to_arrow_table().to_pylist())
    names = name_table(con.execute(name_rows_sql(columns)).to_arrow_table().to_pylist())
    row = con.execute(fingerprint_sql(columns)).fetchone()
    n, fingerprint = (int(row[0]), row[1]) if row else (0, None)
    for name, table in ((STORED_KEYS, keys), (STORED_NAMES, names)):
        con.register("party_keys_new", table)
        try:
            con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM party_keys_new")  # names are ours
        finally:
            con.unregister("party_keys_new")
    con.execute(
        f"CREATE OR REPLACE TABLE {STORED_META} AS SELECT CAST(? AS VARCHAR) AS rules, CAST(? AS BIGINT) AS n, "
        "CAST(? AS VARCHAR) AS h",
        [RULES, n, fingerprint],
    )
    return n
