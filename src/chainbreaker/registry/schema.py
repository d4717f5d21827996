"""DDL of the registry tables: the store contract screening codes against (see docs/registry.md).

Statements are intervals: one row per value per unbroken run of editions that list it. A value that
disappears and later comes back gets a new row, so "as of" any edition is a plain range test on `seq`.
"""

from __future__ import annotations

import duckdb

#: Identifier properties that name a programme or a wiki page, not the listed party; kept out of
#: `registry_entities.identifiers` so screening does not match on them.
NON_PARTY_IDENTIFIERS = ("programId", "wikidataId", "crsNumber")

DDL = (
    """
    CREATE TABLE IF NOT EXISTS registry_editions (
        dataset VARCHAR NOT NULL,
        edition VARCHAR NOT NULL,
        seq INTEGER NOT NULL,
        edition_date DATE NOT NULL,
        file_hash VARCHAR NOT NULL,
        files VARCHAR[],
        loaded_at TIMESTAMP NOT NULL,
        rows_read INTEGER,
        rows_rejected INTEGER,
        rows_skipped INTEGER,
        entities INTEGER,
        statements INTEGER,
        facts INTEGER,
        added INTEGER,
        removed INTEGER,
        changed INTEGER
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS registry_statements (
        id VARCHAR NOT NULL,
        entity_id VARCHAR NOT NULL,
        prop VARCHAR NOT NULL,
        schema VARCHAR NOT NULL,
        prop_type VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        dataset VARCHAR NOT NULL,
        lang VARCHAR,
        original_value VARCHAR,
        source_id VARCHAR NOT NULL,
        first_seen TIMESTAMP NOT NULL,
        last_seen TIMESTAMP NOT NULL,
        first_edition VARCHAR NOT NULL,
        edition VARCHAR NOT NULL,
        first_seq INTEGER NOT NULL,
        last_seq INTEGER NOT NULL,
        "current" BOOLEAN NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS registry_changes (
        dataset VARCHAR NOT NULL,
        from_edition VARCHAR,
        to_edition VARCHAR NOT NULL,
        entity_id VARCHAR NOT NULL,
        change VARCHAR NOT NULL,
        prop VARCHAR,
        old VARCHAR,
        new VARCHAR
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS registry_facts_goods (
        dataset VARCHAR NOT NULL,
        edition VARCHAR NOT NULL,
        good VARCHAR NOT NULL,
        sector VARCHAR,
        country VARCHAR,
        country_name VARCHAR,
        kind VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        entity_id VARCHAR,
        notes VARCHAR
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS registry_entities (
        entity_id VARCHAR NOT NULL,
        schema VARCHAR NOT NULL,
        caption VARCHAR,
        names VARCHAR[],
        dataset VARCHAR NOT NULL,
        source_id VARCHAR,
        topics VARCHAR[],
        countries VARCHAR[],
        birth_dates VARCHAR[],
        identifiers VARCHAR[],
        properties JSON,
        first_seen TIMESTAMP,
        last_seen TIMESTAMP,
        last_change TIMESTAMP,
        edition VARCHAR,
        active BOOLEAN
    )
    """,
)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the registry tables when missing (idempotent; safe inside a transaction)."""
    for statement in DDL:
        con.execute(statement)


#: Rebuilds one dataset's rows of `registry_entities` from its statements: each entity shows the values
#: of the latest edition that lists it; `active` says whether that is the dataset's latest edition.
REBUILD_ENTITIES_SQL = f"""
INSERT INTO registry_entities
WITH latest AS (
    SELECT max(seq) AS seq FROM registry_editions WHERE dataset = $dataset
),
ent AS (
    SELECT entity_id, max(last_seq) AS seq, min(first_seen) AS first_seen, max(last_seen) AS last_seen
    FROM registry_statements WHERE dataset = $dataset GROUP BY entity_id
),
st AS (
    SELECT s.* FROM registry_statements s JOIN ent ON s.entity_id = ent.entity_id
    WHERE s.dataset = $dataset AND s.last_seq = ent.seq
),
per_prop AS (
    SELECT entity_id, prop, list(DISTINCT value ORDER BY value) AS vals
    FROM st WHERE prop <> 'id' GROUP BY entity_id, prop
),
props AS (
    SELECT entity_id, json_group_object(prop, to_json(vals)) AS properties FROM per_prop GROUP BY entity_id
),
agg AS (
    SELECT
        entity_id,
        any_value(schema) FILTER (WHERE prop = 'id') AS schema,
        any_value(source_id) AS source_id,
        min(value) FILTER (WHERE prop = 'name') AS first_name,
        min(value) FILTER (WHERE prop_type = 'name') AS any_name,
        list(DISTINCT value ORDER BY value) FILTER (WHERE prop_type = 'name') AS names,
        list(DISTINCT value ORDER BY value) FILTER (WHERE prop = 'topics') AS topics,
        list(DISTINCT value ORDER BY value) FILTER (WHERE prop_type = 'country') AS countries,
        list(DISTINCT value ORDER BY value) FILTER (WHERE prop = 'birthDate') AS birth_dates,
        list(DISTINCT CASE
                WHEN prop = 'imoNumber' THEN regexp_replace(upper(value), '[^0-9]', '', 'g')
                ELSE regexp_replace(upper(value), '[^A-Z0-9]', '', 'g') END
             ORDER BY 1)
            FILTER (WHERE prop_type = 'identifier' AND prop NOT IN {NON_PARTY_IDENTIFIERS!r}) AS identifiers
    FROM st GROUP BY entity_id
),
changes AS (
    SELECT c.entity_id, max(e.edition_date)::TIMESTAMP AS last_change
    FROM registry_changes c JOIN registry_editions e ON e.dataset = c.dataset AND e.edition = c.to_edition
    WHERE c.dataset = $dataset GROUP BY c.entity_id
)
SELECT
    agg.entity_id,
    agg.schema,
    coalesce(agg.first_name, agg.any_name, agg.entity_id) AS caption,
    coalesce(agg.names, []::VARCHAR[]),
    $dataset,
    agg.source_id,
    coalesce(agg.topics, []::VARCHAR[]),
    coalesce(agg.countries, []::VARCHAR[]),
    coalesce(agg.birth_dates, []::VARCHAR[]),
    coalesce(list_filter(agg.identifiers, lambda x: x <> ''), []::VARCHAR[]),
    coalesce(props.properties, '{{}}'::JSON),
    ent.first_seen,
    ent.last_seen,
    coalesce(changes.last_change, ent.first_seen),
    ed.edition,
    ent.seq = latest.seq AS active
FROM agg
JOIN ent ON ent.entity_id = agg.entity_id
LEFT JOIN props ON props.entity_id = agg.entity_id
LEFT JOIN changes ON changes.entity_id = agg.entity_id
JOIN registry_editions ed ON ed.dataset = $dataset AND ed.seq = ent.seq
CROSS JOIN latest
"""
