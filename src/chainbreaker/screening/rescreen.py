"""Continuous re-screening: after a new list edition, screen only what changed.

What changed is found by fingerprints, not by re-reading results:
- customers whose fingerprint (computed in SQL) differs from the one stored at the last screening, new
  customers, and customers that left the book;
- entities that are new, changed or removed since the last screening.

The customers worth re-screening are then: the changed ones, those whose stored blocking keys could make
a changed entity one of their candidates (one SQL join on `screening_party_keys`, same rule as the job),
and those that had a hit on a changed or removed entity. Only these are screened again, against the whole
registry, so the work grows with the change and not with the book. The report lists new, changed and
removed hits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from chainbreaker.core.contract import SCREENING_COLUMNS
from chainbreaker.core.errors import NotFoundError
from chainbreaker.core.workspace import Workspace
from chainbreaker.engines.duckdb_engine import DuckDBEngine
from chainbreaker.screening import store
from chainbreaker.screening.algorithm import DEFAULT_THRESHOLD
from chainbreaker.screening.entities import load_entities, load_parties
from chainbreaker.screening.index import MIN_SHARED_PERCENT, NameIndex, query_keys
from chainbreaker.screening.io import write_rows
from chainbreaker.screening.job import Reject, run_job
from chainbreaker.screening.types import Match

#: The screening output contract with the kind of change (new / changed / removed) in front.
RESCREEN_COLUMNS = ("change", *SCREENING_COLUMNS)

#: Customers a changed entity could hit: they share keys with the changed names weighing at least the
#: candidate share of all their own keys (a necessary condition of the job's candidate rule).
AFFECTED_SQL = """
WITH hit AS (
    SELECT pk.party_id, sum(ck.weight) AS shared, max(CASE WHEN pk.key LIKE 'i:%' THEN 1 ELSE 0 END) AS by_id
    FROM screening_party_keys AS pk JOIN screening_changed_keys AS ck ON pk.key = ck.key
    GROUP BY pk.party_id
),
tot AS (
    SELECT pk.party_id, sum(CASE WHEN pk.key LIKE 'i:%' THEN 0 ELSE coalesce(kw.weight, ?) END) AS total
    FROM screening_party_keys AS pk
    JOIN hit ON pk.party_id = hit.party_id
    LEFT JOIN screening_all_weights AS kw ON pk.key = kw.key
    GROUP BY pk.party_id
)
SELECT hit.party_id FROM hit JOIN tot ON hit.party_id = tot.party_id
WHERE hit.shared * 100 >= ? * tot.total OR hit.by_id = 1
"""


@dataclass
class RescreenReport:
    """Counts of what changed and what was re-screened, and the hit changes."""

    out: Path | None
    parties_changed: int = 0
    parties_removed: int = 0
    entities_changed: int = 0
    entities_removed: int = 0
    parties_rescreened: int = 0
    new: int = 0
    changed: int = 0
    removed: int = 0
    suppressed: int = 0
    rejects: list[Reject] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)


def _ids(con: Any, sql: str, params: Sequence[object] = ()) -> list[str]:
    return [str(r[0]) for r in con.execute(sql, list(params)).fetchall()]


def rescreen_workspace(
    workspace: Workspace, out: Path | None = None, threshold: float = DEFAULT_THRESHOLD
) -> RescreenReport:
    """Screen what changed since the last `screen`/`rescreen` and report new, changed and removed hits."""
    workspace.require()
    stamp = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    out = out or workspace.root / "screening" / f"rescreen-{stamp:%Y%m%dT%H%M%S}.parquet"
    con = workspace.connect()
    try:
        store.ensure_tables(con)
        if not _ids(con, "SELECT entity_id FROM screening_entity_state LIMIT 1"):
            raise NotFoundError("this workspace was never screened; run `chainbreaker screen` first")
        entities = load_entities(con)
        entity_fps = {e.entity_id: store.entity_fingerprint(e) for e in entities}
        old_fps = dict(con.execute("SELECT entity_id, fingerprint FROM screening_entity_state").fetchall())
        changed_entities = sorted(e for e, fp in entity_fps.items() if old_fps.get(e) != fp)
        removed_entities = sorted(set(old_fps) - set(entity_fps))
        changed_parties = _ids(
            con,
            f"SELECT p.party_id FROM parties AS p LEFT JOIN screening_party_state AS s "
            f"ON p.party_id = s.party_id WHERE s.fingerprint IS NULL "
            f"OR s.fingerprint <> {store.PARTY_FINGERPRINT_SQL}",
        )
        removed_parties = _ids(
            con,
            "SELECT party_id FROM screening_party_state WHERE party_id NOT IN (SELECT party_id FROM parties)",
        )
        index = NameIndex.build(entities)
        affected = set(changed_parties)
        touched = changed_entities + removed_entities
        if touched:
            affected |= set(_affected_by_entities(con, index, set(changed_entities)))
            con.register("screening_touched", pa.table({"entity_id": pa.array(touched, pa.string())}))
            affected |= set(
                _ids(
                    con,
                    "SELECT DISTINCT query_id FROM screening_hits WHERE query_source = 'parties' "
                    "AND entity_id IN (SELECT entity_id FROM screening_touched)",
                )
            )
            con.unregister("screening_touched")
        affected -= set(removed_parties)
        queries = load_parties(con, sorted(affected)) if affected else []
        engine = DuckDBEngine()
        try:
            result = run_job(engine, index, queries, threshold)
        finally:
            engine.close()
        query_fps = {q.query_id: store.query_fingerprint(q) for q in queries}
        old_hits = _old_hits(con, sorted(affected) + removed_parties)
        suppressed = _suppressed(con, result.matches, query_fps, entity_fps)
        report = RescreenReport(
            out=out,
            parties_changed=len(changed_parties),
            parties_removed=len(removed_parties),
            entities_changed=len(changed_entities),
            entities_removed=len(removed_entities),
            parties_rescreened=len(queries),
            rejects=result.rejects,
            suppressed=len(suppressed),
        )
        report.rows = _diff(old_hits, result.matches, suppressed, entity_fps)
        con.execute("BEGIN")
        store.replace_hits(
            con,
            "parties",
            sorted(affected),
            store.hits_table("parties", result.matches, query_fps, entity_fps, suppressed, stamp),
        )
        store.delete_parties(con, removed_parties)
        store.save_party_state(con, {q.query_id: query_keys(q) for q in queries}, replace_all=False)
        store.save_entity_state(con, entity_fps)
        con.execute("COMMIT")
    finally:
        con.close()
    for row in report.rows:
        setattr(report, row["change"], getattr(report, row["change"]) + 1)
    write_rows(report.rows, out, RESCREEN_COLUMNS)
    return report


def _affected_by_entities(con: Any, index: NameIndex, changed: set[str]) -> list[str]:
    """Customers whose stored keys could make one of the changed entities a candidate."""
    weights: dict[str, int] = {}
    for name_idx, entity_idx in enumerate(index.name_entity):
        if index.entities[entity_idx].entity_id not in changed:
            continue
        for key in index.names_keys(name_idx):
            if len(index.postings[key]) <= index.max_df:
                weights[key] = index.weights[key]
    if not weights:
        return []
    keys = sorted(weights)
    con.register(
        "screening_changed_keys",
        pa.table(
            {"key": pa.array(keys, pa.string()), "weight": pa.array([weights[k] for k in keys], pa.int64())}
        ),
    )
    all_keys = sorted(index.weights)
    con.register(
        "screening_all_weights",
        pa.table(
            {
                "key": pa.array(all_keys, pa.string()),
                "weight": pa.array([index.weights[k] for k in all_keys], pa.int64()),
            }
        ),
    )
    try:
        return _ids(con, AFFECTED_SQL, [index.unknown_weight, MIN_SHARED_PERCENT])
    finally:
        con.unregister("screening_changed_keys")
        con.unregister("screening_all_weights")


def _old_hits(con: Any, party_ids: list[str]) -> dict[tuple[str, str], dict[str, Any]]:
    if not party_ids:
        return {}
    con.register("screening_old_ids", pa.table({"query_id": pa.array(party_ids, pa.string())}))
    cursor = con.execute(
        "SELECT query_id, query_name, entity_id, entity_name, dataset, source_id, score, matched_on, explanation, "
        "entity_fingerprint, suppressed FROM screening_hits WHERE query_source = 'parties' "
        "AND query_id IN (SELECT query_id FROM screening_old_ids)"
    )
    columns = [d[0] for d in cursor.description]
    rows = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
    con.unregister("screening_old_ids")
    return {(r["query_id"], r["entity_id"]): r for r in rows}


def _suppressed(
    con: Any, matches: list[Match], query_fps: dict[str, str], entity_fps: dict[str, str]
) -> set[tuple[str, str]]:
    known = store.false_positives(con)
    return {
        (m.query_id, m.entity_id)
        for m in matches
        if known.get((m.query_id, m.entity_id)) == (query_fps.get(m.query_id), entity_fps.get(m.entity_id))
    }


def _diff(
    old: dict[tuple[str, str], dict[str, Any]],
    new: list[Match],
    suppressed: set[tuple[str, str]],
    entity_fps: dict[str, str],
) -> list[dict[str, Any]]:
    """New, changed and removed hits between the stored and the fresh results (suppressed ones left out)."""
    rows: list[dict[str, Any]] = []
    fresh = {(m.query_id, m.entity_id): m for m in new if (m.query_id, m.entity_id) not in suppressed}
    for key, match in sorted(fresh.items()):
        before = old.get(key)
        if before is None or before["suppressed"]:
            rows.append({"change": "new", **match.as_row()})
        elif abs(float(before["score"]) - round(match.score, 4)) > 1e-4 or before[
            "entity_fingerprint"
        ] != entity_fps.get(match.entity_id):
            rows.append({"change": "changed", **match.as_row()})
    for key, before in sorted(old.items()):
        if key not in fresh and not before["suppressed"]:
            row = {c: before.get(c) for c in RESCREEN_COLUMNS if c != "change"}
            rows.append({"change": "removed", **row})
    return rows
