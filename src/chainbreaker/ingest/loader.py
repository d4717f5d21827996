"""`load_folder`: a folder of contract files into a workspace, in one DuckDB transaction.

The shape of one file's load, all in SQL over a staging table of strings:

1. stage the file (`load_raw`), malformed CSV records are set aside by DuckDB's reader;
2. per-column checks (types, codes, enumerations) -> `load_bad` with the first failing column and reason;
3. references (accounts -> parties, ...) against the workspace, which already holds the tables loaded
   earlier in this same transaction;
4. duplicate keys inside the file (the first valid occurrence wins);
5. keys already in the workspace: identical rows are accepted without being inserted again, rows that
   differ are rejected (the loader appends, it never overwrites what a bank loaded before);
6. insert the rest, then write rejects and the load log.

Nothing is committed until every file is done, so a crash or a kill leaves the workspace as it was.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import secrets
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv

from chainbreaker.core.contract import Table
from chainbreaker.core.errors import ChainbreakerError, ConflictError, InputError
from chainbreaker.core.logging import get_logger
from chainbreaker.core.reference import country_codes, currency_codes
from chainbreaker.core.settings import Settings, get_settings
from chainbreaker.core.workspace import Workspace
from chainbreaker.ingest.checks import (
    COUNTRY_TABLE,
    CURRENCY_TABLE,
    Params,
    normalised_sql,
    reason_sql,
    typed_sql,
)
from chainbreaker.ingest.files import SourceFile, discover, inspect_file
from chainbreaker.ingest.lines import lines_at_offsets, lines_of_records
from chainbreaker.ingest.mapping import Mapping, TableMapping, load_mapping, mapping_digest
from chainbreaker.ingest.report import FileReport, LoadReport
from chainbreaker.ingest.staging import RAW, Malformed, Staged, stage
from chainbreaker.ingest.store import REJECT_CSV_COLUMNS, earlier_load, ensure_tables

log = get_logger(__name__)

#: (table, fraction of that table's work done 0..1, what is happening now)
ProgressHook = Callable[[str, float, str], None]

#: The loader keeps DuckDB well below the 2 GB it promises for a 10-million-row load; DuckDB spills beyond.
LOAD_MEMORY_LIMIT_BYTES = 1 << 30
STEPS = 7

REASON_REFERENCE = (
    "{column} {value_kind} is not in {table} (neither in the workspace nor earlier in this load)"
)
REASON_DUPLICATE = "duplicate key in this file"
REASON_CONFLICT = "key already loaded with different values (the loader never overwrites)"


def load_folder(
    data_dir: Path | str,
    workspace: Workspace | Path | str,
    mapping: Mapping | Path | str | None = None,
    progress: ProgressHook | None = None,
    settings: Settings | None = None,
) -> LoadReport:
    """Load every contract file in `data_dir` into `workspace` atomically and idempotently.

    Raises `InputError` (naming file and column) when a file is unusable; nothing is written then.
    Bad rows never raise: they are counted as rejected and stored in the `rejects` table and CSV.
    """
    started = time.monotonic()
    settings = settings or get_settings()
    ws = workspace if isinstance(workspace, Workspace) else Workspace(Path(workspace))
    if mapping is not None and not isinstance(mapping, Mapping):
        mapping = load_mapping(Path(mapping))
    mapping = mapping or Mapping()
    hook = progress or _no_progress

    found = discover(Path(data_dir), mapping)
    per_table: dict[str, int] = {}
    for table, _ in found:
        per_table[table.name] = per_table.get(table.name, 0) + 1
    sources: list[SourceFile] = []
    for table, path in found:
        hook(table.name, 0.0, f"checking {path.name}")
        sources.append(inspect_file(table, path, mapping.for_table(table.name)))

    load_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
    digest = mapping_digest(mapping if mapping.tables else None)
    reports: list[FileReport] = []
    con = _connect(ws, settings)
    try:
        con.execute("BEGIN TRANSACTION")
        ensure_tables(con)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {COUNTRY_TABLE} AS SELECT unnest($c) AS code",
            {"c": sorted(country_codes())},
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {CURRENCY_TABLE} AS SELECT unnest($c) AS code",
            {"c": sorted(currency_codes())},
        )
        done: dict[str, int] = {}
        for src in sources:
            name = src.table.name
            index, total = done.get(name, 0), per_table[name]

            def step(k: int, what: str, name: str = name, index: int = index, total: int = total) -> None:
                hook(name, (index + k / STEPS) / total, what)

            reports.append(_load_one(con, src, mapping.for_table(name), load_id, digest, step))
            done[name] = index + 1
            hook(name, done[name] / total, "done")
        con.execute("COMMIT")
        table_rows = {
            t: int(r[0]) if (r := con.execute(f"SELECT count(*) FROM {t}").fetchone()) else 0
            for t in per_table
        }
    except BaseException:
        _rollback(con)
        raise
    finally:
        con.close()
    rejects_csv = _write_rejects_csv(ws, load_id) if any(r.rejected for r in reports) else None
    report = LoadReport(load_id, ws.root, tuple(reports), rejects_csv, table_rows, time.monotonic() - started)
    log.info(
        "load finished",
        extra={
            "load_id": load_id,
            "read": report.read,
            "accepted": report.accepted,
            "rejected": report.rejected,
        },
    )
    return report


def _no_progress(table: str, fraction: float, what: str) -> None:
    """The default progress hook: libraries stay quiet, the CLI draws bars."""


def _connect(ws: Workspace, settings: Settings) -> duckdb.DuckDBPyConnection:
    try:
        con = ws.connect(settings=settings)
    except duckdb.IOException as exc:
        raise ConflictError(
            f"workspace {ws.root} cannot be opened for writing (in use by another process?): {exc}"
        ) from exc
    limit = min(_size_bytes(settings.duckdb_memory_limit), LOAD_MEMORY_LIMIT_BYTES)
    con.execute(f"SET memory_limit = '{int(limit // (1 << 20))}MiB'")
    return con


def _size_bytes(value: str) -> int:
    units = {
        "": 1,
        "B": 1,
        "KB": 1000,
        "KIB": 1 << 10,
        "MB": 1000**2,
        "MIB": 1 << 20,
        "GB": 1000**3,
        "GIB": 1 << 30,
    }
    units |= {"TB": 1000**4, "TIB": 1 << 40, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    cleaned = value.strip().upper().replace(" ", "")
    number = cleaned.rstrip("KMGTIB")
    try:
        return int(float(number) * units[cleaned[len(number) :]])
    except (KeyError, ValueError):
        return LOAD_MEMORY_LIMIT_BYTES


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    # no transaction may be open (it failed before BEGIN, or DuckDB already aborted it)
    with contextlib.suppress(duckdb.Error):
        con.execute("ROLLBACK")


def _load_one(
    con: duckdb.DuckDBPyConnection,
    src: SourceFile,
    tm: TableMapping,
    load_id: str,
    mapping_hash: str,
    step: Callable[[int, str], None],
) -> FileReport:
    table = src.table
    file = str(src.path)
    previous = earlier_load(con, table.name, src.sha256)
    if previous is not None:
        return FileReport(table.name, file, src.sha256, skipped=True, skipped_because=previous)

    step(0, f"reading {src.path.name}")
    con.execute("SET preserve_insertion_order = true")  # staging rowids must follow the file's order
    staged = stage(con, src)
    con.execute("SET preserve_insertion_order = false")  # the rest is set logic; order would cost memory
    n_raw, malformed = staged.rows, staged.malformed
    n = _NormalisedRows(src, tm, staged.rowid_base)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE load_bad (ord BIGINT, col VARCHAR, reason VARCHAR, problems VARCHAR, dup_of BIGINT)"
    )

    step(1, "checking values")
    n.run(
        con,
        f"""
        INSERT INTO load_bad
        SELECT ord, {n.first_column}, {n.first_reason}, {n.all_problems}, NULL FROM n
        WHERE {n.first_reason} IS NOT NULL
        """,
    )

    step(2, "checking references")
    for col in table.columns:
        if col.references is None:
            continue
        ref_table, ref_col = col.references
        reason = REASON_REFERENCE.format(column=col.name, value_kind="value", table=ref_table)
        n.run(
            con,
            f"""
            INSERT INTO load_bad
            SELECT n.ord, $col, $reason, NULL, NULL FROM n
            WHERE NOT EXISTS (SELECT 1 FROM load_bad b WHERE b.ord = n.ord)
              AND NOT EXISTS (SELECT 1 FROM {ref_table} t WHERE t.{ref_col} = n.{col.name})
            """,
            {"col": col.name, "reason": reason},
        )

    step(3, "checking duplicate keys")
    keys = table.key
    on = " AND ".join(f"d.{k} = n.{k}" for k in keys)
    n.run(
        con,
        f"""
        INSERT INTO load_bad
        SELECT n.ord, $col, $reason, NULL, d.first_ord
        FROM n JOIN (
            SELECT {", ".join(keys)}, min(ord) AS first_ord FROM n
            WHERE NOT EXISTS (SELECT 1 FROM load_bad b WHERE b.ord = n.ord)
            GROUP BY ALL HAVING count(*) > 1
        ) d ON {on}
        WHERE n.ord <> d.first_ord AND NOT EXISTS (SELECT 1 FROM load_bad b WHERE b.ord = n.ord)
        """,
        {"col": keys[0], "reason": REASON_DUPLICATE},
    )
    same = " AND ".join(f"t.{c.name} IS NOT DISTINCT FROM {n.typed(c.name)}" for c in table.columns)
    on_t = " AND ".join(f"t.{k} = n.{k}" for k in keys)
    n.run(
        con,
        f"""
        CREATE OR REPLACE TEMP TABLE load_match AS
        SELECT n.ord, ({same}) AS same FROM n JOIN {table.name} t ON {on_t}
        WHERE NOT EXISTS (SELECT 1 FROM load_bad b WHERE b.ord = n.ord)
        """,
    )
    con.execute(
        "INSERT INTO load_bad SELECT ord, $col, $reason, NULL, NULL FROM load_match WHERE NOT same",
        {"col": keys[0], "reason": REASON_CONFLICT},
    )

    step(4, "inserting")
    cols = ", ".join(c.name for c in table.columns)
    typed = ", ".join(n.typed(c.name) for c in table.columns)
    n.run(
        con,
        f"""
        INSERT INTO {table.name} ({cols})
        SELECT {typed} FROM n
        WHERE NOT EXISTS (SELECT 1 FROM load_bad b WHERE b.ord = n.ord)
          AND NOT EXISTS (SELECT 1 FROM load_match m WHERE m.ord = n.ord)
        """,
    )

    step(5, "recording rejects")
    bad = _count(con, "SELECT count(*) FROM load_bad")
    present = _count(con, "SELECT count(*) FROM load_match WHERE same")
    _record_rejects(con, src, load_id, staged, bad)

    read = n_raw + len(malformed)
    rejected = bad + len(malformed)
    inserted = n_raw - bad - present
    accepted = inserted + present
    if read != accepted + rejected:  # cannot happen by construction; a loud stop beats a silent miscount
        raise ChainbreakerError(f"{file}: counting error read={read} accepted={accepted} rejected={rejected}")
    con.execute(
        """
        INSERT INTO load_log VALUES ($load_id, $table, $file, $sha, $bytes, $mapping, $read, $accepted,
                                     $inserted, $rejected, $ignored, current_localtimestamp())
        """,
        {
            "load_id": load_id,
            "table": table.name,
            "file": file,
            "sha": src.sha256,
            "bytes": src.size,
            "mapping": mapping_hash,
            "read": read,
            "accepted": accepted,
            "inserted": inserted,
            "rejected": rejected,
            "ignored": ",".join(src.ignored),
        },
    )
    for temp in (RAW, "load_bad", "load_match", "load_lines"):
        con.execute(f"DROP TABLE IF EXISTS {temp}")
    step(6, "done")
    return FileReport(
        table.name, file, src.sha256, read, accepted, rejected, inserted, ignored_columns=src.ignored
    )


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


class _NormalisedRows:
    """The `n` CTE: one row per staged record, its contract columns cleaned, plus each column's reason.

    It is recomputed by each statement instead of stored: string clean-up is cheap next to writing a
    second copy of a 10-million-row table, and DuckDB drops the columns a statement does not use.
    """

    def __init__(self, src: SourceFile, tm: TableMapping, rowid_base: int) -> None:
        self.table: Table = src.table
        self.tm = tm
        self.params = Params()
        selects = [f"rowid - {self.params.add(rowid_base)} AS ord"]
        for col in self.table.columns:
            pos = src.positions.get(col.name)
            source = f"c{pos}" if pos is not None else None
            selects.append(
                f"{normalised_sql(col, source, self.params, tm.values.get(col.name), tm.defaults.get(col.name))}"
                f" AS {col.name}"
            )
        reasons = [
            f"{reason_sql(col, col.name, self.params, tm.formats.get(col.name))} AS r__{col.name}"
            for col in self.table.columns
        ]
        typed = [
            f"{typed_sql(c, c.name, self.params, tm.formats.get(c.name))} AS t__{c.name}"
            for c in self.table.columns
        ]
        self.cte = (
            f"WITH n0 AS (SELECT {', '.join(selects)} FROM {RAW}), "
            f"n AS (SELECT *, {', '.join(reasons + typed)} FROM n0)"
        )
        names = [c.name for c in self.table.columns]
        self.first_reason = f"COALESCE({', '.join(f'r__{c}' for c in names)})"
        self.first_column = "CASE " + " ".join(f"WHEN r__{c} IS NOT NULL THEN '{c}'" for c in names) + " END"
        self.all_problems = (
            "concat_ws('; ', "
            + ", ".join(f"CASE WHEN r__{c} IS NOT NULL THEN '{c}: ' || r__{c} END" for c in names)
            + ")"
        )

    def typed(self, column: str) -> str:
        return f"n.t__{column}"

    def run(self, con: duckdb.DuckDBPyConnection, sql: str, extra: dict[str, object] | None = None) -> None:
        """Run `sql` with the CTE in front; CREATE TABLE ... AS and INSERT take the WITH after their head."""
        head, _, body = sql.strip().partition("SELECT")
        params = dict(self.params.values)
        params.update(extra or {})
        con.execute(f"{head} {self.cte} SELECT {body}", params)


def _record_rejects(
    con: duckdb.DuckDBPyConnection, src: SourceFile, load_id: str, staged: Staged, bad: int
) -> None:
    """Rejected rows to the `rejects` table, each with its line (CSV) or 1-based row (Parquet)."""
    malformed = staged.malformed
    base = {"load_id": load_id, "table": src.table.name, "file": str(src.path)}
    if bad:
        _fill_lines(con, src, malformed)
        columns = sorted(set(src.positions.values())) if src.kind == "parquet" else range(len(src.header))
        raw_params = {f"h{i}": src.header[i] for i in columns}
        raw_json = "json_object(" + ", ".join(f"$h{i}, r.c{i}" for i in columns) + ")"
        con.execute(
            f"""
            INSERT INTO rejects
            SELECT $load_id, $table, $file, l.line, b.col,
                   b.reason || CASE WHEN b.dup_of IS NULL THEN '' ELSE ' (first at row ' || coalesce(l2.line::VARCHAR, '?') || ')' END,
                   b.problems, {raw_json}, current_localtimestamp()
            FROM load_bad b
            JOIN {RAW} r ON r.rowid = b.ord + $rowid_base
            LEFT JOIN load_lines l ON l.ord = b.ord
            LEFT JOIN load_lines l2 ON l2.ord = b.dup_of
            """,
            base | raw_params | {"rowid_base": staged.rowid_base},
        )
    if malformed:
        lines = lines_at_offsets(src.path, (m.byte_position for m in malformed))
        rows = pa.table(
            {
                "line": [lines[m.byte_position] for m in malformed],
                "col": [_header_name(src, m.column) for m in malformed],
                "reason": [f"malformed line ({m.kind.lower()}): {m.message}" for m in malformed],
                "raw": [m.line_text.rstrip("\r\n") for m in malformed],
            }
        )
        con.register("load_malformed", rows)
        try:
            con.execute(
                """
                INSERT INTO rejects
                SELECT $load_id, $table, $file, line, col, reason, NULL, raw, current_localtimestamp()
                FROM load_malformed
                """,
                base,
            )
        finally:
            con.unregister("load_malformed")


def _header_name(src: SourceFile, staged_column: str | None) -> str | None:
    """DuckDB names the positional staging column (c3); the user knows the header's name."""
    if staged_column and staged_column.startswith("c") and staged_column[1:].isdigit():
        pos = int(staged_column[1:])
        return src.header[pos] if pos < len(src.header) else None
    return staged_column


def _fill_lines(con: duckdb.DuckDBPyConnection, src: SourceFile, malformed: list[Malformed]) -> None:
    """`load_lines(ord, line)` for the rejected ordinals (and the first occurrences of duplicates)."""
    if src.kind == "parquet":
        con.execute(
            "CREATE OR REPLACE TEMP TABLE load_lines AS SELECT ord, ord + 1 AS line FROM "
            "(SELECT ord FROM load_bad UNION SELECT dup_of FROM load_bad WHERE dup_of IS NOT NULL)"
        )
        return
    wanted = [
        int(r[0])
        for r in con.execute(
            "SELECT ord FROM load_bad UNION SELECT dup_of FROM load_bad WHERE dup_of IS NOT NULL ORDER BY 1"
        ).fetchall()
    ]
    skip = set(lines_at_offsets(src.path, (m.byte_position for m in malformed)).values())
    ords: list[int] = []
    lines: list[int] = []
    try:
        for ordinal, line in lines_of_records(src.path, src.delimiter, wanted, skip):
            ords.append(ordinal)
            lines.append(line)
    except (OSError, csv.Error) as exc:
        raise InputError(
            f"file changed or became unreadable while loading: {exc}", file=str(src.path)
        ) from exc
    con.register(
        "load_lines_arrow", pa.table({"ord": pa.array(ords, pa.int64()), "line": pa.array(lines, pa.int64())})
    )
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE load_lines AS SELECT * FROM load_lines_arrow")
    finally:
        con.unregister("load_lines_arrow")


def _write_rejects_csv(ws: Workspace, load_id: str) -> Path:
    """After commit, stream this load's rejects to `rejects/<load_id>.csv` (written whole, then renamed)."""
    ws.rejects_dir.mkdir(parents=True, exist_ok=True)
    final = ws.rejects_dir / f"{load_id}.csv"
    part = final.with_suffix(".csv.part")
    con = duckdb.connect(str(ws.duckdb_path), read_only=True)
    try:
        reader = con.execute(
            f"SELECT {', '.join(REJECT_CSV_COLUMNS)} FROM rejects WHERE load_id = $id ORDER BY table_name, file, row_number",
            {"id": load_id},
        ).to_arrow_reader(65_536)
        with pacsv.CSVWriter(str(part), reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
    finally:
        con.close()
    part.replace(final)
    return final
