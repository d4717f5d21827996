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
import json
import secrets
import time
from collections.abc import Callable
from collections.abc import Mapping as ParamMap
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv

from chainbreaker.core.contract import Table
from chainbreaker.core.csvsafe import safe_batch
from chainbreaker.core.errors import ChainbreakerError, ConflictError, InputError
from chainbreaker.core.logging import get_logger
from chainbreaker.core.settings import Settings, get_settings
from chainbreaker.core.workspace import Workspace
from chainbreaker.ingest.files import SourceFile, discover, inspect_file
from chainbreaker.ingest.lines import (
    fields_at_lines,
    lines_at_offsets,
    lines_of_records,
    lines_of_simple_records,
)
from chainbreaker.ingest.mapping import Mapping, TableMapping, load_mapping, mapping_digest
from chainbreaker.ingest.party_keys import store_party_keys
from chainbreaker.ingest.report import FileReport, LoadReport
from chainbreaker.ingest.staging import STAGE, Staged, raw_rows_sql, stage
from chainbreaker.ingest.store import REJECT_CSV_COLUMNS, earlier_load, ensure_tables

log = get_logger(__name__)

#: (table, fraction of that table's work done 0..1, what is happening now)
ProgressHook = Callable[[str, float, str], None]

#: The loader keeps DuckDB well below the 2 GB it promises for a 10-million-row load; DuckDB spills beyond.
LOAD_MEMORY_LIMIT_BYTES = 1 << 30
STEPS = 6

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
        done: dict[str, int] = {}
        for src in sources:
            name = src.table.name
            index, total = done.get(name, 0), per_table[name]

            def step(k: int, what: str, name: str = name, index: int = index, total: int = total) -> None:
                hook(name, (index + k / STEPS) / total, what)

            reports.append(_load_one(con, src, mapping.for_table(name), load_id, digest, step))
            done[name] = index + 1
            hook(name, done[name] / total, "done")
        if "parties" in per_table:
            # the parties' identifier keys and name parts, once here rather than in every monitoring run
            hook("parties", 1.0, "identifier keys")
            store_party_keys(con)
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

    step(0, f"reading and checking {src.path.name}")
    staged = stage(con, src, tm)
    checks = _Checks(con, table)

    step(1, "checking references")
    for col in table.columns:
        if col.references is not None:
            checks.references(col.name, *col.references)

    step(2, "checking duplicate keys")
    checks.duplicates_in_file()
    checks.keys_in_workspace()

    step(3, "inserting")
    inserted = checks.insert()

    step(4, "recording rejects")
    column_bad = _count(con, f"SELECT count(*) FROM {STAGE} WHERE _reason IS NOT NULL")
    _record_rejects(con, src, load_id, staged, column_bad + checks.bad)

    read = staged.rows + len(staged.malformed)
    rejected = column_bad + checks.bad + len(staged.malformed)
    accepted = inserted + checks.present
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
    for temp in (STAGE, "load_bad", "load_match", "load_lines"):
        con.execute(f"DROP TABLE IF EXISTS {temp}")
    step(STEPS - 1, "done")
    return FileReport(
        table.name, file, src.sha256, read, accepted, rejected, inserted, ignored_columns=src.ignored
    )


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: ParamMap[str, object] | None = None) -> int:
    row = con.execute(sql, dict(params or {})).fetchone()
    return int(row[0]) if row else 0


class _Checks:
    """The row checks that need more than the row itself, over `load_stage` (alias `s`).

    Rows failing them go to `load_bad(ord, col, reason, problems, dup_of)`; rows whose key is already in
    the workspace with identical values go to `load_match` with `same = true`. The anti-joins against
    these tables are only written into the SQL when the tables are non-empty, which keeps the common case
    (a clean file) a straight scan.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, table: Table) -> None:
        self.con = con
        self.table = table
        self.bad = 0
        self.present = 0
        con.execute(
            "CREATE OR REPLACE TEMP TABLE load_bad "
            "(rid BIGINT, col VARCHAR, reason VARCHAR, problems VARCHAR, dup_of_rid BIGINT)"
        )

    def _good(self) -> str:
        """FROM and WHERE selecting the staged rows `s` that passed every check so far.

        Explicit ANTI JOINs on rowid: a correlated NOT EXISTS made DuckDB build a hash table of every
        staged row (measured: the insert took twice as long).
        """
        anti = " ANTI JOIN load_bad b ON b.rid = s.rowid" if self.bad else ""
        return f"{STAGE} s{anti} WHERE s._reason IS NULL"

    def _reject(self, sql: str, params: dict[str, object]) -> None:
        self.con.execute(sql, params)
        self.bad = _count(self.con, "SELECT count(*) FROM load_bad")

    def references(self, column: str, ref_table: str, ref_column: str) -> None:
        good = self._good().replace(
            " WHERE ", f" ANTI JOIN {ref_table} t ON t.{ref_column} = s.{column} WHERE ", 1
        )
        self._reject(
            f"INSERT INTO load_bad SELECT s.rowid, $col, $reason, NULL, NULL FROM {good}",
            {
                "col": column,
                "reason": REASON_REFERENCE.format(column=column, value_kind="value", table=ref_table),
            },
        )

    def duplicates_in_file(self) -> None:
        keys = self.table.key
        on = " AND ".join(f"d.{k} = s.{k}" for k in keys)
        good = self._good()
        self._reject(
            f"""
            INSERT INTO load_bad
            WITH d AS (
                SELECT {", ".join(f"s.{k} AS {k}" for k in keys)}, min(s.rowid) AS first_rid
                FROM {good} GROUP BY ALL HAVING count(*) > 1
            )
            SELECT s.rowid, $col, $reason, NULL, d.first_rid
            FROM {good.replace(" WHERE ", f" JOIN d ON {on} WHERE ", 1)} AND s.rowid <> d.first_rid
            """,
            {"col": keys[0], "reason": REASON_DUPLICATE},
        )

    def keys_in_workspace(self) -> None:
        """Keys already stored: identical rows are accepted as present, differing ones rejected."""
        name = self.table.name
        if _count(self.con, f"SELECT count(*) FROM (SELECT 1 FROM {name} LIMIT 1)") == 0:
            return
        same = " AND ".join(f"t.{c.name} IS NOT DISTINCT FROM s.{c.name}" for c in self.table.columns)
        on = " AND ".join(f"t.{k} = s.{k}" for k in self.table.key)
        good = self._good().replace(" WHERE ", f" JOIN {name} t ON {on} WHERE ", 1)
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE load_match AS SELECT s.rowid AS rid, ({same}) AS same FROM {good}"
        )
        self.present = _count(self.con, "SELECT count(*) FROM load_match WHERE same")
        self._reject(
            "INSERT INTO load_bad SELECT rid, $col, $reason, NULL, NULL FROM load_match WHERE NOT same",
            {"col": self.table.key[0], "reason": REASON_CONFLICT},
        )

    def insert(self) -> int:
        cols = ", ".join(f"s.{c.name}" for c in self.table.columns)
        good = self._good()
        if self.present:
            good = good.replace(" WHERE ", " ANTI JOIN load_match m ON m.rid = s.rowid WHERE ", 1)
        names = ", ".join(c.name for c in self.table.columns)
        return _count(self.con, f"INSERT INTO {self.table.name} ({names}) SELECT {cols} FROM {good}")


def _record_rejects(
    con: duckdb.DuckDBPyConnection, src: SourceFile, load_id: str, staged: Staged, bad: int
) -> None:
    """Rejected rows to the `rejects` table, each with its line (CSV) or 1-based row (Parquet) and raw row."""
    malformed = staged.malformed
    base = {"load_id": load_id, "table": src.table.name, "file": str(src.path)}
    if bad:
        _fill_lines(con, src, staged)
        params: dict[str, object] = base | {"base": staged.rowid_base}
        if src.kind == "parquet":
            columns = sorted(set(src.positions.values()))
            params |= {f"h{i}": src.header[i] for i in columns}
            raw_sql = "json_object(" + ", ".join(f"$h{i}, {staged.raw_sql(i)}" for i in columns) + ")"
            if staged.raw_from_file:
                params["path"] = str(src.path)
                rows = raw_rows_sql(src, f"SELECT ord FROM ({_BAD_ROWS})")
                raw_join = f"JOIN ({rows}) r ON r.ord = b.ord"
            else:
                raw_join = f"JOIN {STAGE} r ON r.rowid = b.ord + $base"
        else:
            raw_sql, raw_join = "l.raw", ""
        con.execute(
            f"""
            INSERT INTO rejects
            SELECT $load_id, $table, $file, l.line, b.col,
                   b.reason || CASE WHEN b.dup_of IS NULL THEN ''
                                    ELSE ' (first at row ' || coalesce(l2.line::VARCHAR, '?') || ')' END,
                   b.problems, {raw_sql}, current_localtimestamp()
            FROM ({_BAD_ROWS}) b
            {raw_join}
            LEFT JOIN load_lines l ON l.ord = b.ord
            LEFT JOIN load_lines l2 ON l2.ord = b.dup_of
            """,
            params,
        )
    if malformed:
        lines = lines_at_offsets(src.path, (m.byte_position for m in malformed))
        rows = pa.table(
            {
                "line": [lines[m.byte_position] for m in malformed],
                "col": [
                    _header_name(src, m.column) or _widest_column(src, lines[m.byte_position])
                    for m in malformed
                ],
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


#: Every rejected staged row: failed column checks (in the stage) and later checks (in load_bad).
_BAD_ROWS = f"""
    SELECT rowid - $base AS ord, _col AS col, _reason AS reason, _problems AS problems, NULL::BIGINT AS dup_of
    FROM {STAGE} WHERE _reason IS NOT NULL
    UNION ALL
    SELECT rid - $base, col, reason, problems, dup_of_rid - $base FROM load_bad
"""


def _widest_column(src: SourceFile, line: int) -> str | None:
    """For a line DuckDB could not place in a column (too long): the header name of its longest field."""
    delimiter = src.delimiter.encode("utf-8")
    try:
        with src.path.open("rb") as fh:
            for number, raw in enumerate(fh, start=1):
                if number == line:
                    fields = raw.split(delimiter)  # enough to point at the field (quotes ignored)
                    widest = max(range(len(fields)), key=lambda i: len(fields[i]))
                    return src.header[widest] if widest < len(src.header) else None
    except OSError:
        return None
    return None


def _header_name(src: SourceFile, staged_column: str | None) -> str | None:
    """DuckDB names the positional staging column (c3); the user knows the header's name."""
    if staged_column and staged_column.startswith("c") and staged_column[1:].isdigit():
        pos = int(staged_column[1:])
        return src.header[pos] if pos < len(src.header) else None
    return staged_column


def _fill_lines(con: duckdb.DuckDBPyConnection, src: SourceFile, staged: Staged) -> None:
    """`load_lines(ord, line, raw)` for the rejected ordinals (and the first occurrences of duplicates)."""
    wanted_sql = (
        f"SELECT ord FROM ({_BAD_ROWS}) UNION SELECT dup_of FROM ({_BAD_ROWS}) WHERE dup_of IS NOT NULL"
    )
    base = {"base": staged.rowid_base}
    if src.kind == "parquet":
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE load_lines AS SELECT ord, ord + 1 AS line, NULL AS raw FROM ({wanted_sql})",
            base,
        )
        return
    wanted = [int(r[0]) for r in con.execute(wanted_sql + " ORDER BY 1", base).fetchall()]
    skip = set(lines_at_offsets(src.path, (m.byte_position for m in staged.malformed)).values())
    ords: list[int] = []
    lines: list[int] = []
    raws: list[str] = []
    try:
        if src.lines == 1 + staged.rows + len(staged.malformed):
            # every record is exactly one line: compute lines, then read only those lines' fields
            located = dict(lines_of_simple_records(wanted, skip))
            by_line = {line: k for k, line in located.items()}
            for line, fields in fields_at_lines(src.path, src.delimiter, by_line):
                ords.append(by_line[line])
                lines.append(line)
                raws.append(_raw_json(src, fields))
        else:  # blank lines or quoted line breaks: count records with a CSV parser
            for ordinal, line, fields in lines_of_records(src.path, src.delimiter, wanted, skip):
                ords.append(ordinal)
                lines.append(line)
                raws.append(_raw_json(src, fields))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(
            f"file changed or became unreadable while loading: {exc}", file=str(src.path)
        ) from exc
    found = pa.table(
        {
            "ord": pa.array(ords, pa.int64()),
            "line": pa.array(lines, pa.int64()),
            "raw": pa.array(raws, pa.string()),
        }
    )
    con.register("load_lines_arrow", found)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE load_lines AS SELECT * FROM load_lines_arrow")
    finally:
        con.unregister("load_lines_arrow")


def _raw_json(src: SourceFile, fields: list[str]) -> str:
    """The raw row as a JSON object keyed by the file's own header (extra columns included)."""
    return json.dumps(dict(zip(src.header, fields, strict=False)), ensure_ascii=False)


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
                writer.write_batch(safe_batch(batch))
    finally:
        con.close()
    part.replace(final)
    return final
