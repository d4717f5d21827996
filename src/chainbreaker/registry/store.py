"""The registry store: statements with history in the workspace's DuckDB, and the queries on them.

One load is one transaction: statements are extended, closed or opened, the edition and its changes are
recorded and the derived `registry_entities` rows of the dataset are rebuilt, or nothing happens at all.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from followthemoney import model
from followthemoney.proxy import EntityProxy

from chainbreaker.core.errors import ConflictError, NotFoundError
from chainbreaker.core.logging import get_logger
from chainbreaker.core.workspace import Workspace
from chainbreaker.registry.model import BASE_PROP, GoodsFact, SourceRead
from chainbreaker.registry.schema import REBUILD_ENTITIES_SQL, ensure_tables

log = get_logger(__name__)

NEW_STATEMENTS_VIEW = "_registry_new_statements"
NEW_FACTS_VIEW = "_registry_new_facts"

EXPORT_TABLES = (
    "registry_entities",
    "registry_statements",
    "registry_editions",
    "registry_changes",
    "registry_facts_goods",
)

ENTITY_COLUMNS = (
    "entity_id",
    "schema",
    "caption",
    "names",
    "dataset",
    "source_id",
    "topics",
    "countries",
    "birth_dates",
    "identifiers",
    "properties",
    "first_seen",
    "last_seen",
    "last_change",
    "edition",
    "active",
)


@dataclass(frozen=True)
class Edition:
    """One publication of a source as loaded: its id, date, file hash and counts."""

    dataset: str
    edition: str
    seq: int
    edition_date: date
    file_hash: str
    loaded_at: datetime
    entities: int
    added: int
    removed: int
    changed: int
    rows_read: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0
    facts: int = 0


@dataclass(frozen=True)
class Change:
    """One difference between two editions: an entity added or removed, or one value changed."""

    dataset: str
    from_edition: str | None
    to_edition: str
    entity_id: str
    change: str
    prop: str | None
    old: str | None
    new: str | None


@dataclass(frozen=True)
class ChangeSet:
    """Entity ids touched since a point in time, for re-screening only what changed."""

    added: frozenset[str] = field(default_factory=frozenset)
    changed: frozenset[str] = field(default_factory=frozenset)
    removed: frozenset[str] = field(default_factory=frozenset)

    @property
    def all(self) -> frozenset[str]:
        return self.added | self.changed | self.removed


def statement_id(dataset: str, entity_id: str, prop: str, schema: str, value: str, lang: str | None) -> str:
    """A content key: the same value of the same entity in a later edition gets the same id."""
    key = "\x1f".join((dataset, entity_id, prop, schema, value, lang or ""))
    return hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()


def statements_table(dataset: str, read: SourceRead) -> pa.Table:
    """The adapter's entities as one Arrow table of statements (plus one base statement per entity)."""
    cols: dict[str, list[Any]] = {
        k: []
        for k in (
            "id",
            "entity_id",
            "prop",
            "schema",
            "prop_type",
            "value",
            "lang",
            "original_value",
            "source_id",
        )
    }

    def put(
        entity_id: str,
        prop: str,
        schema: str,
        ptype: str,
        value: str,
        lang: str | None,
        orig: str | None,
        source_id: str,
    ) -> None:
        cols["id"].append(statement_id(dataset, entity_id, prop, schema, value, lang))
        cols["entity_id"].append(entity_id)
        cols["prop"].append(prop)
        cols["schema"].append(schema)
        cols["prop_type"].append(ptype)
        cols["value"].append(value)
        cols["lang"].append(lang)
        cols["original_value"].append(orig)
        cols["source_id"].append(source_id)

    for entity in read.entities.values():
        schema = entity.schema.name
        put(entity.entity_id, BASE_PROP, schema, "id", entity.entity_id, None, None, entity.source_id)
        for prop, values in entity.values.items():
            prop_type = entity.schema.properties[prop].type.name
            for (value, lang), original in values.items():
                put(entity.entity_id, prop, schema, prop_type, value, lang, original, entity.source_id)
    return pa.table({k: pa.array(v, type=pa.string()) for k, v in cols.items()})


def facts_table(facts: list[GoodsFact]) -> pa.Table:
    names = ("good", "sector", "country", "country_name", "kind", "source", "entity_id", "notes")
    return pa.table({n: pa.array([getattr(f, n) for f in facts], type=pa.string()) for n in names})


_PARAM = re.compile(r"\$([a-z_]+)")


def _bind(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """Only the named parameters the statement uses (DuckDB refuses extra ones)."""
    used = set(_PARAM.findall(sql))
    return {k: v for k, v in params.items() if k in used}


class RegistryStore:
    """Read and query the registry of one workspace; loads go through `chainbreaker.registry.load_source`."""

    def __init__(self, workspace: Workspace, con: duckdb.DuckDBPyConnection | None = None) -> None:
        self.workspace = workspace
        self._con = con

    # -- connection -------------------------------------------------------------------------------
    def connect(self) -> duckdb.DuckDBPyConnection:
        """The open connection (created on first use); registry tables are created if missing."""
        if self._con is None:
            self._con = self.workspace.connect()
            ensure_tables(self._con)
        return self._con

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> RegistryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _rows(self, sql: str, params: dict[str, Any] | list[Any] | None = None) -> list[dict[str, Any]]:
        cur = self.connect().execute(sql, params or {})
        names = [d[0] for d in cur.description or []]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    # -- editions ---------------------------------------------------------------------------------
    def editions(self, dataset: str | None = None) -> list[Edition]:
        """Loaded editions, oldest first within each dataset."""
        rows = self._rows(
            "SELECT dataset, edition, seq, edition_date, file_hash, loaded_at, entities, added, removed, changed, "
            "rows_read, rows_rejected, rows_skipped, facts "
            "FROM registry_editions WHERE $dataset IS NULL OR dataset = $dataset ORDER BY dataset, seq",
            {"dataset": dataset},
        )
        return [Edition(**r) for r in rows]

    def latest_edition(self, dataset: str) -> Edition | None:
        found = self.editions(dataset)
        return found[-1] if found else None

    def edition(self, dataset: str, edition: str) -> Edition:
        """Find an edition by id, or by its date (YYYY-MM-DD) when that is unambiguous."""
        for ed in self.editions(dataset):
            if edition in (ed.edition, ed.edition_date.isoformat()):
                return ed
        raise NotFoundError(f"dataset {dataset} has no edition {edition!r}; see `chainbreaker registry list`")

    def datasets(self) -> list[dict[str, Any]]:
        """One row per dataset: latest edition and entity counts, for `registry list`."""
        return self._rows(
            """
            SELECT e.dataset, e.edition, e.edition_date, e.loaded_at, e.entities, e.facts,
                   (SELECT count(*) FROM registry_editions x WHERE x.dataset = e.dataset) AS editions,
                   (SELECT count(*) FROM registry_entities n WHERE n.dataset = e.dataset AND n.active) AS active
            FROM registry_editions e
            WHERE e.seq = (SELECT max(seq) FROM registry_editions y WHERE y.dataset = e.dataset)
            ORDER BY e.dataset
            """
        )

    # -- entities ---------------------------------------------------------------------------------
    def get(self, entity_id: str) -> dict[str, Any]:
        """One row of `registry_entities` (properties decoded), or NotFoundError."""
        rows = self._rows(
            f"SELECT {', '.join(ENTITY_COLUMNS)} FROM registry_entities WHERE entity_id = ?", [entity_id]
        )
        if not rows:
            raise NotFoundError(f"no listed entity {entity_id!r} in the registry")
        row = rows[0]
        row["properties"] = json.loads(row["properties"]) if row["properties"] else {}
        return row

    def get_proxy(self, entity_id: str) -> EntityProxy:
        row = self.get(entity_id)
        return _proxy(row["entity_id"], row["schema"], row["properties"], row)

    def statements(self, entity_id: str) -> list[dict[str, Any]]:
        """Every statement ever recorded about an entity: the provenance shown by `registry show`."""
        return self._rows(
            "SELECT prop, value, original_value, lang, dataset, first_seen, last_seen, first_edition, edition, "
            "\"current\" FROM registry_statements WHERE entity_id = ? AND prop <> 'id' ORDER BY prop, value, first_seq",
            [entity_id],
        )

    def entities(
        self,
        as_of: date | datetime | None = None,
        dataset: str | None = None,
        include_inactive: bool = False,
    ) -> Iterator[EntityProxy]:
        """Listed entities as FtM proxies: today's lists, or the lists as they stood on a date.

        `as_of` picks, per dataset, the latest edition published on or before that date and returns the
        entities that edition listed with the values it gave them.
        """
        if as_of is None:
            cur = self.connect().execute(
                "SELECT entity_id, schema, properties, dataset, first_seen, last_seen, last_change "
                "FROM registry_entities WHERE ($dataset IS NULL OR dataset = $dataset) "
                "AND (active OR $inactive) ORDER BY entity_id",
                {"dataset": dataset, "inactive": include_inactive},
            )
            while batch := cur.fetchmany(2000):
                for eid, sch, raw, dset, first, last, change in batch:
                    meta = {"dataset": dset, "first_seen": first, "last_seen": last, "last_change": change}
                    yield _proxy(eid, sch, json.loads(raw) if raw else {}, meta)
            return
        day = as_of.date() if isinstance(as_of, datetime) else as_of
        cur = self.connect().execute(
            """
            WITH pick AS (
                SELECT dataset, max(seq) AS seq FROM registry_editions
                WHERE edition_date <= $day AND ($dataset IS NULL OR dataset = $dataset) GROUP BY dataset
            )
            SELECT s.entity_id, s.schema, s.prop, s.value, s.dataset
            FROM registry_statements s JOIN pick p ON s.dataset = p.dataset
            WHERE s.first_seq <= p.seq AND s.last_seq >= p.seq
            ORDER BY s.entity_id
            """,
            {"day": day, "dataset": dataset},
        )
        current: str | None = None
        schema = ""
        props: dict[str, list[str]] = {}
        ds = ""
        while batch := cur.fetchmany(5000):
            for eid, sch, prop, value, dset in batch:
                if eid != current:
                    if current is not None:
                        yield _proxy(current, schema, props, {"dataset": ds})
                    current, props, ds, schema = eid, {}, dset, sch
                if prop == BASE_PROP:
                    schema = sch
                else:
                    props.setdefault(prop, []).append(value)
        if current is not None:
            yield _proxy(current, schema, props, {"dataset": ds})

    def count(self, dataset: str | None = None, active_only: bool = True) -> int:
        """Listed entities (only those in their dataset's latest edition unless `active_only` is False)."""
        row = (
            self.connect()
            .execute(
                "SELECT count(*) FROM registry_entities WHERE ($dataset IS NULL OR dataset = $dataset) "
                "AND (active OR NOT $active)",
                {"dataset": dataset, "active": active_only},
            )
            .fetchone()
        )
        return int(row[0]) if row else 0

    def search(self, text: str, limit: int = 20, dataset: str | None = None) -> list[dict[str, Any]]:
        """Entities whose names contain every word of `text` (accents and case ignored) or whose
        identifiers equal it; a quick look-up for analysts, not the screening matcher."""
        words = [w for w in text.lower().split() if w]
        if not words:
            return []
        ident = "".join(ch for ch in text.upper() if ch.isalnum())
        conditions = " AND ".join(
            f"strip_accents(lower(n)) LIKE '%' || strip_accents($w{i}) || '%'" for i in range(len(words))
        )
        params: dict[str, Any] = {f"w{i}": w for i, w in enumerate(words)}
        params.update({"ident": ident, "dataset": dataset, "limit": limit})
        return self._rows(
            f"""
            SELECT entity_id, schema, caption, dataset, source_id, countries, topics, edition, active
            FROM registry_entities
            WHERE ($dataset IS NULL OR dataset = $dataset)
              AND (len(list_filter(names, lambda n: {conditions})) > 0 OR list_contains(identifiers, $ident))
            ORDER BY active DESC, length(caption), entity_id
            LIMIT $limit
            """,
            params,
        )

    # -- history ----------------------------------------------------------------------------------
    def diff(self, dataset: str, from_edition: str, to_edition: str) -> list[Change]:
        """Entities added, removed and values changed between any two loaded editions of a dataset."""
        old = self.edition(dataset, from_edition)
        new = self.edition(dataset, to_edition)
        rows = self.connect().execute(DIFF_SQL, {"dataset": dataset, "a": old.seq, "b": new.seq}).fetchall()
        return [Change(dataset, old.edition, new.edition, *row) for row in rows]

    def changes(self, dataset: str | None = None, edition: str | None = None) -> list[Change]:
        """The changes recorded when editions were loaded (each against the one before it)."""
        rows = self._rows(
            "SELECT * FROM registry_changes WHERE ($dataset IS NULL OR dataset = $dataset) "
            "AND ($edition IS NULL OR to_edition = $edition) ORDER BY dataset, to_edition, entity_id, prop",
            {"dataset": dataset, "edition": edition},
        )
        return [Change(**r) for r in rows]

    def changed_since(self, since: datetime | str) -> ChangeSet:
        """Entities added, changed or removed by editions loaded after a time or after a given edition.

        A string is an edition id (as in `registry_editions.edition`); the answer then covers the editions
        loaded after it, in every dataset. Re-screening calls this with the time of its last run.
        """
        if isinstance(since, str):
            row = (
                self.connect()
                .execute("SELECT max(loaded_at) FROM registry_editions WHERE edition = ?", [since])
                .fetchone()
            )
            if row is None or row[0] is None:
                raise NotFoundError(f"no edition {since!r} in the registry")
            since = row[0]
        rows = (
            self.connect()
            .execute(
                """
            SELECT c.change, list(DISTINCT c.entity_id)
            FROM registry_changes c JOIN registry_editions e ON e.dataset = c.dataset AND e.edition = c.to_edition
            WHERE e.loaded_at > ? GROUP BY c.change
            """,
                [since],
            )
            .fetchall()
        )
        found = {change: frozenset(ids) for change, ids in rows}
        added = found.get("added", frozenset())
        removed = found.get("removed", frozenset())
        changed = found.get("changed", frozenset()) - added - removed
        return ChangeSet(added=added, changed=changed, removed=removed)

    def facts(self, dataset: str | None = None, current: bool = True) -> list[dict[str, Any]]:
        """Goods × country risk facts, from each dataset's latest edition unless `current` is False."""
        return self._rows(
            """
            SELECT f.* FROM registry_facts_goods f
            WHERE ($dataset IS NULL OR f.dataset = $dataset)
              AND (NOT $current OR f.edition = (SELECT edition FROM registry_editions e WHERE e.dataset = f.dataset
                                              ORDER BY seq DESC LIMIT 1))
            ORDER BY f.dataset, f.good, f.country, f.kind
            """,
            {"dataset": dataset, "current": current},
        )

    # -- export -----------------------------------------------------------------------------------
    def export_ftm(self, path: Path, dataset: str | None = None, include_inactive: bool = False) -> int:
        """FtM entities as JSON lines (with `datasets`, `first_seen`, `last_seen`, `last_change`), the
        format yente and nomenklatura index; returns the number of entities written."""
        count = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as fh:
            for proxy in self.entities(dataset=dataset, include_inactive=include_inactive):
                fh.write(json.dumps(proxy.to_dict(), ensure_ascii=False, sort_keys=True))
                fh.write("\n")
                count += 1
        return count

    def export_parquet(self, path: Path) -> dict[str, int]:
        """Every registry table as `<path>/<table>.parquet` (for Spark); returns rows per table."""
        import pyarrow.parquet as pq

        path.mkdir(parents=True, exist_ok=True)
        written: dict[str, int] = {}
        for table in EXPORT_TABLES:
            cur = self.connect().execute(f"SELECT * FROM {table}")
            # DuckDB >= 1.4 names it to_arrow_table; older releases fetch_arrow_table
            data = cur.to_arrow_table() if hasattr(cur, "to_arrow_table") else cur.fetch_arrow_table()
            pq.write_table(data, path / f"{table}.parquet")
            written[table] = data.num_rows
        return written

    # -- loading ----------------------------------------------------------------------------------
    def current_entity_ids(self, dataset: str) -> set[str]:
        """Ids of the entities the dataset's latest edition lists (what a new edition could remove)."""
        rows = self.connect().execute(
            'SELECT DISTINCT entity_id FROM registry_statements WHERE dataset = ? AND "current"', [dataset]
        )
        return {str(row[0]) for row in rows.fetchall()}

    def find_by_hash(self, dataset: str, file_hash: str) -> Edition | None:
        for ed in self.editions(dataset):
            if ed.file_hash == file_hash:
                return ed
        return None

    def apply_edition(
        self,
        dataset: str,
        read: SourceRead,
        edition_date: date,
        file_hash: str,
        loaded_at: datetime,
    ) -> Edition:
        """Record one edition atomically: statements, changes, facts, derived entities; all or nothing."""
        con = self.connect()
        latest = self.latest_edition(dataset)
        if latest is not None and edition_date < latest.edition_date:
            raise ConflictError(
                f"{dataset}: edition dated {edition_date} is older than the loaded edition {latest.edition} "
                f"({latest.edition_date}); load editions oldest first (history is a sequence)"
            )
        seq = 1 if latest is None else latest.seq + 1
        edition = f"{edition_date.isoformat()}-{file_hash[:8]}"
        seen = datetime.combine(edition_date, datetime.min.time())
        stmts = statements_table(dataset, read)
        params: dict[str, Any] = {"dataset": dataset, "seq": seq, "edition": edition, "seen": seen}

        def run(sql: str, extra: dict[str, Any] | None = None) -> duckdb.DuckDBPyConnection:
            started = time.perf_counter()
            result = con.execute(sql, _bind(sql, {**params, **(extra or {})}))
            log.debug(
                "registry load step",
                extra={"sql": sql.strip()[:60], "seconds": time.perf_counter() - started},
            )
            return result

        con.execute("BEGIN TRANSACTION")
        try:
            con.register(NEW_STATEMENTS_VIEW, stmts)
            con.register(NEW_FACTS_VIEW, facts_table(read.facts))
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE _registry_new AS SELECT DISTINCT * FROM {NEW_STATEMENTS_VIEW}"
            )
            # changes against the previous edition (the first edition records every entity as added)
            run(
                """
                INSERT INTO registry_changes
                WITH prev AS (SELECT * FROM registry_statements WHERE dataset = $dataset AND "current"),
                prev_ids AS (SELECT DISTINCT entity_id FROM prev),
                new_ids AS (SELECT DISTINCT entity_id FROM _registry_new),
                pe AS (SELECT edition FROM registry_editions WHERE dataset = $dataset ORDER BY seq DESC LIMIT 1)
                SELECT $dataset, (SELECT edition FROM pe), $edition, entity_id, change, prop, old, new FROM (
                    SELECT entity_id, 'added' AS change, NULL AS prop, NULL AS old, NULL AS new
                        FROM new_ids WHERE entity_id NOT IN (SELECT entity_id FROM prev_ids)
                    UNION ALL
                    SELECT entity_id, 'removed', NULL, NULL, NULL
                        FROM prev_ids WHERE entity_id NOT IN (SELECT entity_id FROM new_ids)
                    UNION ALL
                    SELECT n.entity_id, 'changed', CASE WHEN n.prop = 'id' THEN 'schema' ELSE n.prop END, NULL,
                           CASE WHEN n.prop = 'id' THEN n.schema ELSE n.value END
                        FROM _registry_new n
                        WHERE n.entity_id IN (SELECT entity_id FROM prev_ids)
                          AND n.id NOT IN (SELECT id FROM prev)
                    UNION ALL
                    SELECT p.entity_id, 'changed', CASE WHEN p.prop = 'id' THEN 'schema' ELSE p.prop END,
                           CASE WHEN p.prop = 'id' THEN p.schema ELSE p.value END, NULL
                        FROM prev p
                        WHERE p.entity_id IN (SELECT entity_id FROM new_ids)
                          AND p.id NOT IN (SELECT id FROM _registry_new)
                )
                """,
                params,
            )
            # extend the values still listed, close the ones that are gone, open the new ones
            run(
                """
                UPDATE registry_statements SET last_seq = $seq, last_seen = $seen, edition = $edition
                WHERE dataset = $dataset AND "current" AND id IN (SELECT id FROM _registry_new)
                """,
                params,
            )
            run(
                'UPDATE registry_statements SET "current" = false '
                'WHERE dataset = $dataset AND "current" AND last_seq < $seq',
                {"dataset": dataset, "seq": seq},
            )
            run(
                """
                INSERT INTO registry_statements
                SELECT n.id, n.entity_id, n.prop, n.schema, n.prop_type, n.value, $dataset, n.lang,
                       n.original_value, n.source_id, $seen, $seen, $edition, $edition, $seq, $seq, true
                FROM _registry_new n
                WHERE n.id NOT IN (SELECT id FROM registry_statements WHERE dataset = $dataset AND last_seq = $seq)
                """,
                params,
            )
            counts = run(
                "SELECT count(*) FILTER (WHERE change = 'added'), count(*) FILTER (WHERE change = 'removed'), "
                "count(DISTINCT entity_id) FILTER (WHERE change = 'changed') "
                "FROM registry_changes WHERE dataset = $dataset AND to_edition = $edition",
                {"dataset": dataset, "edition": edition},
            ).fetchone()
            added, removed, changed = counts if counts else (0, 0, 0)
            run(
                "INSERT INTO registry_editions VALUES ($dataset, $edition, $seq, $day, $hash, $files, $loaded, "
                "$read, $rejected, $skipped, $entities, $statements, $facts, $added, $removed, $changed)",
                {
                    **params,
                    "day": edition_date,
                    "hash": file_hash,
                    "files": [p.name for p in read.files],
                    "loaded": loaded_at,
                    "read": read.rows_read,
                    "rejected": len(read.rejects),
                    "skipped": len(read.skipped),
                    "entities": len(read.entities),
                    "statements": stmts.num_rows,
                    "facts": len(read.facts),
                    "added": added,
                    "removed": removed,
                    "changed": changed,
                },
            )
            run(
                f"INSERT INTO registry_facts_goods SELECT $dataset, $edition, good, sector, country, country_name, "
                f"kind, source, entity_id, notes FROM {NEW_FACTS_VIEW}",
                {"dataset": dataset, "edition": edition},
            )
            run("DELETE FROM registry_entities WHERE dataset = $dataset", {"dataset": dataset})
            run(REBUILD_ENTITIES_SQL, {"dataset": dataset})
            con.execute("DROP TABLE _registry_new")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            con.unregister(NEW_STATEMENTS_VIEW)
            con.unregister(NEW_FACTS_VIEW)
        return self.edition(dataset, edition)


#: Differences between editions `a` and `b` of one dataset, from the statement intervals.
DIFF_SQL = """
WITH sa AS (SELECT * FROM registry_statements WHERE dataset = $dataset AND first_seq <= $a AND last_seq >= $a),
sb AS (SELECT * FROM registry_statements WHERE dataset = $dataset AND first_seq <= $b AND last_seq >= $b),
ia AS (SELECT DISTINCT entity_id FROM sa),
ib AS (SELECT DISTINCT entity_id FROM sb)
SELECT entity_id, change, prop, old, new FROM (
    SELECT entity_id, 'added' AS change, NULL AS prop, NULL AS old, NULL AS new
        FROM ib WHERE entity_id NOT IN (SELECT entity_id FROM ia)
    UNION ALL
    SELECT entity_id, 'removed', NULL, NULL, NULL FROM ia WHERE entity_id NOT IN (SELECT entity_id FROM ib)
    UNION ALL
    SELECT entity_id, 'changed', CASE WHEN prop = 'id' THEN 'schema' ELSE prop END, NULL,
           CASE WHEN prop = 'id' THEN schema ELSE value END
        FROM sb WHERE entity_id IN (SELECT entity_id FROM ia) AND id NOT IN (SELECT id FROM sa)
    UNION ALL
    SELECT entity_id, 'changed', CASE WHEN prop = 'id' THEN 'schema' ELSE prop END,
           CASE WHEN prop = 'id' THEN schema ELSE value END, NULL
        FROM sa WHERE entity_id IN (SELECT entity_id FROM ib) AND id NOT IN (SELECT id FROM sb)
)
ORDER BY change, entity_id, prop, old, new
"""


def _proxy(entity_id: str, schema: str, props: dict[str, list[str]], meta: dict[str, Any]) -> EntityProxy:
    """An FtM proxy of a listed entity, carrying dataset and seen dates in its `context`."""
    proxy = model.get_proxy({"id": entity_id, "schema": schema, "properties": props}, cleaned=True)
    context = {k: (v.isoformat() if isinstance(v, datetime | date) else v) for k, v in meta.items() if v}
    if "dataset" in context:
        context["datasets"] = [context.pop("dataset")]
    proxy.context = context
    return proxy


def file_digest(paths: list[Path]) -> str:
    """SHA-256 over the files' names and bytes: the same file set always gives the same edition hash."""
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name):
        digest.update(path.name.encode())
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()
