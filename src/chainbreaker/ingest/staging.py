"""Reading one file into the staging table `load_stage` (rowid in file order), checked and typed on the way.

Everything is read as text first, so a bad value becomes a reject with a reason instead of a failed cast
that aborts the file. Columns get positional names (c0, c1, ...) so no name from a bank's header is ever
written into SQL. CSV is read by DuckDB's parallel reader, which streams, spills and records malformed
lines (wrong column count, unterminated quotes) in a rejects table instead of failing. Parquet is read by
DuckDB's parallel reader too, in its own types, with typed checks where the type fixes the shape
(`typed.py`); a file with a column type or a value only Arrow spells the old way is streamed batch by
batch through Arrow as text, as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from chainbreaker.core.contract import ColumnType
from chainbreaker.core.errors import ChainbreakerError, InputError
from chainbreaker.ingest.files import SourceFile
from chainbreaker.ingest.lines import lines_at_offsets
from chainbreaker.ingest.mapping import TableMapping
from chainbreaker.ingest.projection import Projection, build_projection
from chainbreaker.ingest.typed import Source, domain_sql, text_sql, typed_sources

STAGE = "load_stage"
CSV_ERRORS = "load_csv_errors"
CSV_SCANS = "load_csv_scans"
MAX_LINE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Malformed:
    """A CSV record DuckDB could not split into the header's columns."""

    byte_position: int
    column: str | None
    kind: str
    message: str
    line_text: str


@dataclass(frozen=True)
class Staged:
    """What staging produced: `rows` records in `load_raw`, record k having rowid `rowid_base + k`."""

    rows: int
    rowid_base: int
    malformed: list[Malformed]
    #: Parquet: position -> SQL spelling the raw column `r.cN` as text (absent: it is text)
    raw_text: dict[int, str] = field(default_factory=dict)
    #: Parquet read by DuckDB: raw values are not staged; `raw_rows_sql` reads the rejected rows back
    raw_from_file: bool = False

    def raw_sql(self, pos: int) -> str:
        return self.raw_text.get(pos, f"r.c{pos}")


def stage(con: duckdb.DuckDBPyConnection, src: SourceFile, tm: TableMapping) -> Staged:
    """Fill `load_stage` from the file; return its row count, rowid base and the malformed records left out.

    Insertion order is preserved here (and only here): rowid order is file order, which is how a
    rejected row is traced back to its line.
    """
    con.execute(f"DROP TABLE IF EXISTS {STAGE}")
    con.execute("SET preserve_insertion_order = true")
    raw_text: dict[int, str] = {}
    raw_from_file = False
    try:
        if src.kind == "csv":
            projection = build_projection(src, tm, keep_raw=False)
            if src.mixed_line_ends:
                malformed = _stage_mixed_line_ends(con, src, projection)
            else:
                malformed = _stage_csv(con, src, projection)
        else:
            sources = parquet_sources(src)
            if sources is None:
                _stage_parquet(con, src, build_projection(src, tm, keep_raw=True))
            else:
                # raw values are not staged (a second copy of every string): rejects read theirs back
                _stage_parquet_typed(con, src, build_projection(src, tm, keep_raw=False, sources=sources))
                raw_from_file = True
                raw_text = {
                    pos: text_sql(source, f"r.c{pos}")
                    for pos, source in sources.items()
                    if source.kind != "text"
                }
            malformed = []
    except duckdb.Error as exc:
        raise InputError(f"file cannot be read: {exc}", file=str(src.path)) from exc
    except pa.ArrowException as exc:
        raise InputError(
            f"Parquet file cannot be read (truncated or damaged?): {exc}", file=str(src.path)
        ) from exc
    count, first, last = con.execute(f"SELECT count(*), min(rowid), max(rowid) FROM {STAGE}").fetchone() or (
        0,
        0,
        0,
    )
    # Inside a transaction DuckDB numbers new rows from a large offset; only order and contiguity matter.
    if count and last - first + 1 != count:
        raise ChainbreakerError(
            f"{src.path}: staging rows are not numbered contiguously; cannot locate lines"
        )
    return Staged(int(count), int(first or 0), malformed, raw_text, raw_from_file)


def _stage_csv(con: duckdb.DuckDBPyConnection, src: SourceFile, projection: Projection) -> list[Malformed]:
    columns = {f"c{i}": "VARCHAR" for i in range(len(src.header))}
    con.execute(f"DROP TABLE IF EXISTS {CSV_ERRORS}")
    con.execute(f"DROP TABLE IF EXISTS {CSV_SCANS}")
    con.execute(
        f"""
        CREATE TEMP TABLE {STAGE} AS
        WITH src_rows AS (
            SELECT * FROM read_csv(
                $path, header = true, auto_detect = false, columns = $columns, delim = $delim,
                quote = '"', escape = '"', strict_mode = true, null_padding = false,
                max_line_size = $max_line, store_rejects = true,
                rejects_table = '{CSV_ERRORS}', rejects_scan = '{CSV_SCANS}'
            )
        ), {projection.sql}
        """,
        projection.params
        | {"path": str(src.path), "columns": columns, "delim": src.delimiter, "max_line": MAX_LINE_BYTES},
    )
    rows = con.execute(
        f"""
        SELECT line_byte_position, arg_min(column_name, column_idx), string_agg(DISTINCT error_type, ', '),
               arg_min(error_message, column_idx), any_value(csv_line)
        FROM {CSV_ERRORS} GROUP BY line_byte_position ORDER BY line_byte_position
        """
    ).fetchall()
    return [Malformed(int(r[0]), r[1], str(r[2]), str(r[3]), str(r[4] or "")) for r in rows]


def _stage_mixed_line_ends(
    con: duckdb.DuckDBPyConnection, src: SourceFile, projection: Projection
) -> list[Malformed]:
    """Stage a CSV whose lines end in both LF and CRLF (DuckDB's strict reader refuses the whole file).

    One CRLF blank line in an LF export used to refuse the file without a line number. Such a file (seen
    while hashing it, `SourceFile.mixed_line_ends`) is copied with every CR that ends a line removed
    (into the workspace's spill folder, never /tmp: it holds the bank's data), staged from the copy, and
    the copy is deleted. Line numbers do not move (only CRs go), so malformed records are mapped back to
    byte offsets of the original file. Only such files pay for the copy.
    """
    spill = con.execute("SELECT current_setting('temp_directory')").fetchone()
    folder = Path(str(spill[0])) if spill and spill[0] else src.path.parent
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / f"lf-{src.sha256[:16]}.csv"
    try:
        with src.path.open("rb") as fin, copy.open("wb") as fout:
            carry = b""
            while chunk := fin.read(1 << 20):
                data = carry + chunk
                carry = b"\r" if data.endswith(b"\r") else b""
                fout.write(data[: len(data) - len(carry)].replace(b"\r\n", b"\n"))
            fout.write(carry)
        found = _stage_csv(con, replace(src, path=copy), projection)
        if not found:
            return found
        lines = lines_at_offsets(copy, (m.byte_position for m in found))
        starts = _line_starts(src.path, set(lines.values()))
        return [replace(m, byte_position=starts[lines[m.byte_position]]) for m in found]
    finally:
        copy.unlink(missing_ok=True)


def _line_starts(path: Path, wanted: set[int]) -> dict[int, int]:
    """Byte offset where each wanted 1-based line starts."""
    result: dict[int, int] = {}
    line, offset = 1, 0
    with path.open("rb") as fh:
        for raw in fh:
            if line in wanted:
                result[line] = offset
            offset += len(raw)
            line += 1
    for missing in wanted - set(result):
        result[missing] = offset
    return result


def _stage_parquet(con: duckdb.DuckDBPyConnection, src: SourceFile, projection: Projection) -> None:
    """Stream the used columns as strings; timestamps are written back in the contract's shape."""
    wanted = sorted(set(src.positions.values()))
    parquet = pq.ParquetFile(src.path)
    names = [src.header[i] for i in wanted]
    arrow_schema = parquet.schema_arrow
    for name in names:
        kind = arrow_schema.field(name).type
        if pa.types.is_nested(kind) or (pa.types.is_dictionary(kind) and pa.types.is_nested(kind.value_type)):
            raise InputError(
                f"holds {kind} values; the contract needs one plain value per cell (flatten the column)",
                file=str(src.path),
                column=name,
            )
    date_columns = {
        src.positions[c.name]
        for c in src.table.columns
        if c.type is ColumnType.DATE and c.name in src.positions
    }
    formats = {pos: "%Y-%m-%d" if pos in date_columns else "%Y-%m-%dT%H:%M:%S" for pos in wanted}
    # Timestamps without a time zone are formatted by DuckDB in the statement below (ten times cheaper
    # than Arrow's strftime, measured 0.1 against 1.0 CPU-second per million values); zoned ones keep
    # Arrow's formatting in their own zone, which DuckDB would read in the session's zone instead.
    in_sql = {
        pos for pos in wanted if pos in src.timestamps and arrow_schema.field(src.header[pos]).type.tz is None
    }
    schema = pa.schema([(f"c{i}", pa.timestamp("s") if i in in_sql else pa.string()) for i in wanted])

    def batches() -> Iterator[pa.RecordBatch]:
        for batch in parquet.iter_batches(batch_size=65_536, columns=names):
            arrays = []
            for pos, arr in zip(wanted, batch.columns, strict=True):
                if pos in src.timestamps:
                    # whole seconds (Parquet writers often store ms); a timestamp in a date column is its day
                    seconds = pc.cast(arr, pa.timestamp("s", tz=arr.type.tz), safe=False)
                    arrays.append(seconds if pos in in_sql else pc.strftime(seconds, format=formats[pos]))
                else:
                    arrays.append(pc.cast(arr, pa.string()))
            yield pa.RecordBatch.from_arrays(arrays, schema=schema)

    columns = ", ".join(
        f"strftime(c{pos}::TIMESTAMP, '{formats[pos]}') AS c{pos}" if pos in in_sql else f"c{pos}"
        for pos in wanted
    )
    reader = pa.RecordBatchReader.from_batches(schema, batches())
    con.register("load_parquet_stream", reader)
    try:
        con.execute(
            f"CREATE TEMP TABLE {STAGE} AS WITH src_rows AS (SELECT {columns} FROM load_parquet_stream), "
            f"{projection.sql}",
            projection.params,
        )
    finally:
        con.unregister("load_parquet_stream")


def parquet_sources(src: SourceFile) -> dict[int, Source] | None:
    """How DuckDB reads each used column of a Parquet file, or None when the file must go through Arrow.

    Asked on a connection of its own, so that a file DuckDB cannot read does not abort the load's
    transaction; the Arrow path then reads it (or refuses it with the reason, as before). The file goes
    through Arrow when a used column has a type `typed.py` does not know, or when some value lies outside
    the range where DuckDB spells it as Arrow did (one extra scan of the date and timestamp columns).
    """
    wanted = sorted(set(src.positions.values()))
    if not wanted or len(src.types) != len(src.header):
        return None
    if any(h.casefold() == "file_row_number" for h in src.header):
        return None  # the name of DuckDB's row number column, used to read rejected rows back
    if any(ch in str(src.path) for ch in "*?[{"):
        return None  # DuckDB would read the name as a glob (and maybe another file)
    dates = {
        src.positions[c.name]
        for c in src.table.columns
        if c.type is ColumnType.DATE and c.name in src.positions
    }
    probe = duckdb.connect()
    try:
        probe.execute("SET memory_limit = '256MiB'")
        probe.execute("SET threads = 1")
        duck = [str(t) for t in probe.read_parquet(str(src.path)).dtypes]
        if len(duck) != len(src.header):
            return None
        sources = typed_sources({p: src.types[p] for p in wanted}, {p: duck[p] for p in wanted}, dates)
        if sources is None:
            return None
        outside = [
            f"coalesce(NOT {cond}, false)"
            for pos, source in sources.items()
            if (cond := domain_sql(source, f"c{pos}")) is not None
        ]
        if outside:
            row = probe.execute(
                f"SELECT count(*) FROM {_read_parquet(max(wanted))} WHERE {' OR '.join(outside)}",
                {"path": str(src.path)},
            ).fetchone()
            if not row or row[0]:
                return None
        return sources
    except duckdb.Error:
        return None
    finally:
        probe.close()


def _read_parquet(last: int, row_number: bool = False) -> str:
    """DuckDB's Parquet reader with the columns renamed by position (c0, c1, ...): no header name in SQL."""
    option = ", file_row_number = true" if row_number else ""
    return f"read_parquet($path{option}) AS t({', '.join(f'c{i}' for i in range(last + 1))})"


def raw_rows_sql(src: SourceFile, ordinals: str) -> str:
    """SELECT of the raw columns (c*, as DuckDB reads them) and `ord` of the file's rows in `ordinals`.

    `ordinals` is a query of 0-based row numbers; `$path` must be bound to the file.
    """
    columns = ", ".join(f"c{i}" for i in sorted(set(src.positions.values())))
    return (
        f"SELECT file_row_number AS ord, {columns} FROM {_read_parquet(max(src.positions.values()), True)} "
        f"WHERE file_row_number IN ({ordinals})"
    )


def _stage_parquet_typed(con: duckdb.DuckDBPyConnection, src: SourceFile, projection: Projection) -> None:
    """Read, check and type the file in one parallel DuckDB statement (columns in their Parquet types)."""
    last = max(src.positions.values())
    con.execute(
        f"CREATE TEMP TABLE {STAGE} AS WITH src_rows AS (SELECT * FROM {_read_parquet(last)}), "
        f"{projection.sql}",
        projection.params | {"path": str(src.path)},
    )
