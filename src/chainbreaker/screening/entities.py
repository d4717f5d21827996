"""Reading listed entities from the registry's store (`registry_entities`) and queries from the bank's tables.

Screening reads the registry only through its published table, `registry_entities` (one row per listed
entity with its names, dates of birth, countries and identifiers), so it does not depend on how the
registry keeps statements and history.
"""

from __future__ import annotations

import duckdb

from chainbreaker.core.errors import NotFoundError
from chainbreaker.screening.types import ListedEntity, Query

#: Names on a list that are not names of the party (placeholders some publishers put in name fields).
_NOT_NAMES = frozenset({"", "-", "-0-", "n/a", "na", "unknown", "none"})


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary", [name]
    ).fetchone()
    return bool(row and row[0])


def _tuple(values: object) -> tuple[str, ...]:
    if not values:
        return ()
    return tuple(str(v) for v in values if v is not None and str(v).strip())  # type: ignore[attr-defined]


def entity_from_row(row: tuple[object, ...]) -> ListedEntity:
    """One `registry_entities` row (in `ENTITY_COLUMNS` order) as a `ListedEntity`."""
    entity_id, schema, caption, names, dataset, source_id, topics, countries, birth_dates, identifiers = row
    all_names = [n for n in _tuple(names) if n.strip().lower() not in _NOT_NAMES]
    caption_text = str(caption) if caption else (all_names[0] if all_names else "")
    if caption_text and caption_text not in all_names:
        all_names.insert(0, caption_text)
    return ListedEntity(
        entity_id=str(entity_id),
        schema=str(schema),
        caption=caption_text,
        names=tuple(dict.fromkeys(all_names)),
        dataset=str(dataset),
        source_id=str(source_id) if source_id is not None else None,
        birth_dates=_tuple(birth_dates),
        countries=_tuple(countries),
        identifiers=_tuple(identifiers),
        topics=_tuple(topics),
    )


ENTITY_COLUMNS = (
    "entity_id, schema, caption, names, dataset, source_id, topics, countries, birth_dates, identifiers"
)


def load_entities(
    con: duckdb.DuckDBPyConnection, entity_ids: list[str] | None = None, datasets: list[str] | None = None
) -> list[ListedEntity]:
    """Active listed entities of the workspace (optionally only some ids or datasets), in entity_id order."""
    if not _has_table(con, "registry_entities"):
        raise NotFoundError(
            "the workspace has no registry (table registry_entities); load a list first with "
            "`chainbreaker registry load SOURCE PATH`"
        )
    sql = f"SELECT {ENTITY_COLUMNS} FROM registry_entities WHERE coalesce(active, true)"
    params: list[object] = []
    if entity_ids is not None:
        sql += " AND list_contains(?, entity_id)"
        params.append(entity_ids)
    if datasets:
        sql += " AND list_contains(?, dataset)"
        params.append(datasets)
    sql += " ORDER BY entity_id"
    return [entity_from_row(r) for r in con.execute(sql, params).fetchall()]


PARTY_TYPE_SCHEMA = {"person": "Person", "organization": "Company"}


def load_parties(con: duckdb.DuckDBPyConnection, party_ids: list[str] | None = None) -> list[Query]:
    """The workspace's customers (`parties`) as queries, with what the features compare."""
    if not _has_table(con, "parties"):
        raise NotFoundError(
            "the workspace has no parties table; load the bank's data with `chainbreaker load`"
        )
    sql = (
        "SELECT party_id, name, party_type, CAST(date_of_birth AS VARCHAR), nationality, country, id_number "
        "FROM parties"
    )
    params: list[object] = []
    if party_ids is not None:
        sql += " WHERE list_contains(?, party_id)"
        params.append(party_ids)
    sql += " ORDER BY party_id"
    queries = []
    for party_id, name, party_type, dob, nationality, country, id_number in con.execute(
        sql, params
    ).fetchall():
        queries.append(
            Query(
                query_id=str(party_id),
                name=str(name or ""),
                schema=PARTY_TYPE_SCHEMA.get(str(party_type or "").lower()),
                birth_date=dob,
                countries=tuple(c for c in (nationality, country) if c),
                identifiers=(str(id_number),) if id_number else (),
            )
        )
    return queries


def load_counterparties(con: duckdb.DuckDBPyConnection) -> list[Query]:
    """Distinct counterparty names of `transactions` (with their country) as queries.

    The query id is `cp:` + the name as written, so the same counterparty is screened once however many
    payments name it.
    """
    if not _has_table(con, "transactions"):
        return []
    rows = con.execute(
        "SELECT counterparty_name, min(counterparty_country) FROM transactions "
        "WHERE counterparty_name IS NOT NULL AND trim(counterparty_name) <> '' "
        "GROUP BY counterparty_name ORDER BY counterparty_name"
    ).fetchall()
    return [
        Query(query_id=f"cp:{name}", name=str(name), countries=(str(country),) if country else ())
        for name, country in rows
    ]
