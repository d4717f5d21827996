"""Screening's own workspace tables: hits, analysts' decisions, and what was screened (for re-screening).

- `screening_hits`: the current hits of every screened query, with fingerprints of both sides;
- `screening_decisions`: analysts' decisions (false positive / true match) on a (query, entity) pair,
  with the fingerprints they were made on: a false positive stays suppressed only while neither the
  customer's nor the entity's data changed;
- `screening_party_state` and `screening_party_keys`: each screened customer's fingerprint and blocking
  keys, so `rescreen` finds the customers a changed entity could hit without reading the whole book;
- `screening_entity_state`: the fingerprint of every entity at the last screening.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence

import duckdb
import pyarrow as pa

from chainbreaker.core.errors import InputError, NotFoundError
from chainbreaker.screening.types import ListedEntity, Match, Query

DECISIONS = ("false_positive", "true_match")

DDL = (
    """
    CREATE TABLE IF NOT EXISTS screening_hits (
        query_source VARCHAR NOT NULL,
        query_id VARCHAR NOT NULL,
        query_name VARCHAR,
        entity_id VARCHAR NOT NULL,
        entity_name VARCHAR,
        dataset VARCHAR,
        source_id VARCHAR,
        score DOUBLE,
        matched_on VARCHAR,
        explanation VARCHAR,
        features JSON,
        algorithm VARCHAR,
        query_fingerprint VARCHAR,
        entity_fingerprint VARCHAR,
        suppressed BOOLEAN,
        screened_at TIMESTAMP
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS screening_decisions (
        query_id VARCHAR NOT NULL,
        entity_id VARCHAR NOT NULL,
        decision VARCHAR NOT NULL,
        query_fingerprint VARCHAR,
        entity_fingerprint VARCHAR,
        analyst VARCHAR,
        note VARCHAR,
        decided_at TIMESTAMP NOT NULL
    )
    """,
    "CREATE TABLE IF NOT EXISTS screening_party_state (party_id VARCHAR, fingerprint VARCHAR)",
    "CREATE TABLE IF NOT EXISTS screening_party_keys (party_id VARCHAR, key VARCHAR)",
    "CREATE TABLE IF NOT EXISTS screening_entity_state (entity_id VARCHAR, fingerprint VARCHAR)",
)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create screening's tables when missing."""
    for statement in DDL:
        con.execute(statement)


def _digest(parts: Iterable[object]) -> str:
    return hashlib.sha256(json.dumps(list(parts), default=str, ensure_ascii=False).encode()).hexdigest()[:24]


def query_fingerprint(query: Query) -> str:
    """Changes when anything screening compares about the customer changes (name, type, dob, countries, ids)."""
    return _digest(
        (query.name, query.schema, query.birth_date, sorted(query.countries), sorted(query.identifiers))
    )


def entity_fingerprint(entity: ListedEntity) -> str:
    """Changes when anything screening compares about the listed entity changes."""
    return _digest(
        (
            entity.schema,
            entity.caption,
            sorted(entity.names),
            sorted(entity.birth_dates),
            sorted(entity.countries),
            sorted(entity.identifiers),
            entity.dataset,
            entity.source_id,
        )
    )


def false_positives(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], tuple[str | None, str | None]]:
    """(query_id, entity_id) -> fingerprints of the latest decision, for pairs whose latest is a false positive."""
    rows = con.execute(
        """
        SELECT query_id, entity_id, decision, query_fingerprint, entity_fingerprint FROM (
            SELECT *, row_number() OVER (PARTITION BY query_id, entity_id ORDER BY decided_at DESC) AS rn
            FROM screening_decisions
        ) WHERE rn = 1
        """
    ).fetchall()
    return {(q, e): (qf, ef) for q, e, decision, qf, ef in rows if decision == "false_positive"}


def hits_table(
    source: str,
    matches: Sequence[Match],
    query_fps: dict[str, str],
    entity_fps: dict[str, str],
    suppressed: set[tuple[str, str]],
    now: dt.datetime,
) -> pa.Table:
    """Matches as rows of `screening_hits`."""
    return pa.table(
        {
            "query_source": [source] * len(matches),
            "query_id": [m.query_id for m in matches],
            "query_name": [m.query_name for m in matches],
            "entity_id": [m.entity_id for m in matches],
            "entity_name": [m.entity_name for m in matches],
            "dataset": [m.dataset for m in matches],
            "source_id": [m.source_id for m in matches],
            "score": pa.array([round(m.score, 4) for m in matches], pa.float64()),
            "matched_on": [m.matched_on for m in matches],
            "explanation": [m.explanation for m in matches],
            "features": [json.dumps(m.features) for m in matches],
            "algorithm": [m.algorithm for m in matches],
            "query_fingerprint": [query_fps.get(m.query_id) for m in matches],
            "entity_fingerprint": [entity_fps.get(m.entity_id) for m in matches],
            "suppressed": pa.array([(m.query_id, m.entity_id) in suppressed for m in matches], pa.bool_()),
            "screened_at": pa.array([now] * len(matches), pa.timestamp("us")),
        }
    )


def replace_hits(
    con: duckdb.DuckDBPyConnection, source: str, query_ids: Sequence[str] | None, table: pa.Table
) -> None:
    """Replace the stored hits of a source (all of it, or only the given queries) by `table`."""
    if query_ids is None:
        con.execute("DELETE FROM screening_hits WHERE query_source = ?", [source])
    else:
        con.register("screening_replaced_ids", pa.table({"query_id": pa.array(list(query_ids), pa.string())}))
        con.execute(
            "DELETE FROM screening_hits WHERE query_source = ? "
            "AND query_id IN (SELECT query_id FROM screening_replaced_ids)",
            [source],
        )
        con.unregister("screening_replaced_ids")
    con.register("screening_new_hits", table)
    con.execute("INSERT INTO screening_hits BY NAME SELECT * FROM screening_new_hits")
    con.unregister("screening_new_hits")


def record_decision(
    con: duckdb.DuckDBPyConnection,
    query_id: str,
    entity_id: str,
    decision: str,
    analyst: str | None = None,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> dict[str, object]:
    """Store an analyst's decision on a screening hit, bound to the fingerprints the hit was screened with."""
    if decision not in DECISIONS:
        raise InputError(
            f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}", column="decision"
        )
    ensure_tables(con)
    row = con.execute(
        "SELECT query_fingerprint, entity_fingerprint FROM screening_hits "
        "WHERE query_id = ? AND entity_id = ? ORDER BY screened_at DESC LIMIT 1",
        [query_id, entity_id],
    ).fetchone()
    if row is None:
        raise NotFoundError(
            f"no screening hit of query {query_id!r} on entity {entity_id!r}; run `chainbreaker screen` first"
        )
    decided_at = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute(
        "INSERT INTO screening_decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [query_id, entity_id, decision, row[0], row[1], analyst, note, decided_at],
    )
    return {
        "query_id": query_id,
        "entity_id": entity_id,
        "decision": decision,
        "query_fingerprint": row[0],
        "entity_fingerprint": row[1],
        "decided_at": decided_at,
    }


#: A customer's fingerprint, computed in SQL so `rescreen` finds changed customers without reading the book.
PARTY_FINGERPRINT_SQL = (
    "md5(concat_ws('|', coalesce(name, ''), coalesce(party_type, ''), coalesce(CAST(date_of_birth AS VARCHAR), ''), "
    "coalesce(nationality, ''), coalesce(country, ''), coalesce(id_number, '')))"
)


def save_entity_state(con: duckdb.DuckDBPyConnection, entity_fps: dict[str, str]) -> None:
    """Remember every entity's fingerprint at this screening."""
    con.execute("DELETE FROM screening_entity_state")
    ids = sorted(entity_fps)
    con.register(
        "screening_new_entity_state",
        pa.table({"entity_id": pa.array(ids, pa.string()), "fingerprint": [entity_fps[i] for i in ids]}),
    )
    con.execute("INSERT INTO screening_entity_state SELECT * FROM screening_new_entity_state")
    con.unregister("screening_new_entity_state")


def save_party_state(
    con: duckdb.DuckDBPyConnection, party_keys: dict[str, frozenset[str]], replace_all: bool
) -> None:
    """Remember the screened customers' fingerprints and blocking keys (all of them, or only these)."""
    pids = sorted(party_keys)
    con.register("screening_screened_parties", pa.table({"party_id": pa.array(pids, pa.string())}))
    for table in ("screening_party_state", "screening_party_keys"):
        if replace_all:
            con.execute(f"DELETE FROM {table}")
        else:
            con.execute(
                f"DELETE FROM {table} WHERE party_id IN (SELECT party_id FROM screening_screened_parties)"
            )
    con.execute(
        f"INSERT INTO screening_party_state SELECT party_id, {PARTY_FINGERPRINT_SQL} FROM parties "
        "WHERE party_id IN (SELECT party_id FROM screening_screened_parties)"
    )
    con.unregister("screening_screened_parties")
    key_party: list[str] = []
    key_col: list[str] = []
    for pid in pids:
        for key in sorted(party_keys[pid]):
            key_party.append(pid)
            key_col.append(key)
    con.register(
        "screening_new_party_keys",
        pa.table({"party_id": pa.array(key_party, pa.string()), "key": pa.array(key_col, pa.string())}),
    )
    con.execute("INSERT INTO screening_party_keys SELECT * FROM screening_new_party_keys")
    con.unregister("screening_new_party_keys")


def delete_parties(con: duckdb.DuckDBPyConnection, party_ids: Sequence[str]) -> None:
    """Forget customers that left the book (their state, keys and hits)."""
    if not party_ids:
        return
    con.register("screening_gone_parties", pa.table({"party_id": pa.array(list(party_ids), pa.string())}))
    for table, column in (
        ("screening_party_state", "party_id"),
        ("screening_party_keys", "party_id"),
        ("screening_hits", "query_id"),
    ):
        extra = " AND query_source = 'parties'" if table == "screening_hits" else ""
        con.execute(
            f"DELETE FROM {table} WHERE {column} IN (SELECT party_id FROM screening_gone_parties){extra}"
        )
    con.unregister("screening_gone_parties")
