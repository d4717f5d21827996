"""Finding a bank's files in DATA_DIR and deciding, before anything is written, whether each is usable.

Everything that makes a whole file unusable (unreadable, not UTF-8, a broken Parquet footer, a required
column missing from the header) is found here, in one streaming pass per file that also computes the
content hash the load log is keyed on. A load therefore refuses bad files before it opens its transaction,
and the message names the file and the column.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.parquet as pq

from chainbreaker.core.contract import TABLES, Table
from chainbreaker.core.errors import InputError
from chainbreaker.ingest.mapping import Mapping, TableMapping

CHUNK = 1 << 20
Kind = Literal["csv", "parquet"]


@dataclass(frozen=True)
class SourceFile:
    """One usable input file and how its columns line up with its contract table."""

    table: Table
    path: Path
    kind: Kind
    sha256: str
    size: int
    header: tuple[str, ...]
    #: contract column -> position of its source column in `header` (absent columns are missing)
    positions: dict[str, int]
    delimiter: str = ","
    ignored: tuple[str, ...] = ()
    #: Parquet only: positions whose Arrow type is a timestamp (written back as YYYY-MM-DDTHH:MM:SS)
    timestamps: frozenset[int] = field(default_factory=frozenset)
    #: Parquet only: the Arrow type of each header position
    types: tuple[pa.DataType, ...] = ()
    #: CSV only: physical lines in the file (a last line without a line break counts)
    lines: int = 0
    #: CSV only: some lines end with CRLF and others with LF (DuckDB's strict reader refuses such a file)
    mixed_line_ends: bool = False


def discover(data_dir: Path, mapping: Mapping) -> list[tuple[Table, Path]]:
    """The contract files in DATA_DIR, in load order (parties before accounts before transactions).

    By default a table is read from `NAME.csv`, `NAME.parquet` and any `NAME-*.csv|parquet` (a later
    month such as `transactions-2024-02.csv`); a mapping file may name another file or glob instead.
    """
    if not data_dir.is_dir():
        raise InputError("data folder not found", file=str(data_dir))
    found: list[tuple[Table, Path]] = []
    seen: set[Path] = set()
    for table in TABLES:
        tm = mapping.for_table(table.name)
        patterns = [tm.file] if tm.file else [f"{table.name}{suffix}" for suffix in _DEFAULT_SUFFIXES]
        for pattern in patterns:
            for path in sorted(data_dir.glob(pattern)):
                if path.is_file() and path not in seen:
                    seen.add(path)
                    found.append((table, path))
    if not found:
        expected = ", ".join(f"{t.name}.csv" for t in TABLES)
        raise InputError(
            f"no contract files found (expected some of {expected}, or .parquet)", file=str(data_dir)
        )
    return found


_DEFAULT_SUFFIXES = (".csv", ".parquet", "-*.csv", "-*.parquet")


def inspect_file(table: Table, path: Path, tm: TableMapping) -> SourceFile:
    """Hash the file, prove it is readable (and UTF-8 for CSV) and match its columns to the contract."""
    kind: Kind = "parquet" if path.suffix.lower() == ".parquet" else "csv"
    digest, size, lines, crlf = _hash_and_check(path, utf8=kind == "csv")
    timestamps: frozenset[int] = frozenset()
    types: tuple[pa.DataType, ...] = ()
    if kind == "csv":
        header = _csv_header(path, tm.delimiter)
    else:
        schema = _parquet_schema(path)
        header = tuple(schema.names)
        timestamps = frozenset(i for i, f in enumerate(schema) if pa.types.is_timestamp(f.type))
        types = tuple(f.type for f in schema)
    positions = _match_columns(table, path, header, tm)
    ignored = tuple(h for i, h in enumerate(header) if i not in positions.values())
    return SourceFile(
        table,
        path,
        kind,
        digest,
        size,
        header,
        positions,
        tm.delimiter,
        ignored,
        timestamps,
        types,
        lines,
        mixed_line_ends=0 < crlf < lines - (1 if size and not _ends_with_newline(path) else 0),
    )


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as fh:
        fh.seek(-1, 2)
        return fh.read(1) == b"\n"


def _hash_and_check(path: Path, utf8: bool) -> tuple[str, int, int, int]:
    """SHA-256, size, line count and CRLF count of the bytes and, for CSV, a strict UTF-8 decode.

    One streaming pass, constant memory; the line count later tells whether every record is one line.
    """
    sha = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    size = 0
    newlines = 0
    crlf = 0
    last = b""
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                sha.update(chunk)
                if utf8:
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError as exc:
                        line = newlines + chunk.count(b"\n", 0, max(exc.start, 0)) + 1
                        raise _not_utf8(path, line, size + exc.start) from exc
                    newlines += chunk.count(b"\n")
                    crlf += chunk.count(b"\r\n") + (1 if last == b"\r" and chunk[:1] == b"\n" else 0)
                size += len(chunk)
                last = chunk[-1:]
            if utf8:
                try:
                    decoder.decode(b"", final=True)
                except UnicodeDecodeError as exc:
                    raise InputError(
                        "file is not UTF-8: it ends in the middle of a character (truncated?)", file=str(path)
                    ) from exc
    except OSError as exc:
        raise InputError(f"file cannot be read: {exc.strerror or exc}", file=str(path)) from exc
    lines = newlines + (1 if size and last != b"\n" else 0)
    return sha.hexdigest(), size, lines, crlf


def _not_utf8(path: Path, line: int, offset: int) -> InputError:
    return InputError(
        f"file is not UTF-8 (invalid byte at offset {offset}); re-export it as UTF-8, "
        "e.g. `iconv -f latin1 -t utf-8 in.csv > out.csv`",
        file=str(path),
        row=line,
    )


def _csv_header(path: Path, delimiter: str) -> tuple[str, ...]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        try:
            first = next(csv.reader(fh, delimiter=delimiter, strict=True))
        except StopIteration:
            raise InputError("file is empty: a header row is required", file=str(path)) from None
        except csv.Error as exc:
            raise InputError(f"header row cannot be parsed: {exc}", file=str(path), row=1) from exc
    header = tuple(h.strip() for h in first)
    if not any(header):
        raise InputError("the first line is empty: a header row is required", file=str(path), row=1)
    return header


def _parquet_schema(path: Path) -> pa.Schema:
    try:
        return pq.ParquetFile(path).schema_arrow
    except (pa.ArrowException, OSError) as exc:
        raise InputError(
            f"not a readable Parquet file (truncated or damaged?): {exc}", file=str(path)
        ) from exc


def _match_columns(table: Table, path: Path, header: tuple[str, ...], tm: TableMapping) -> dict[str, int]:
    """Where each contract column sits in the header; names match exactly first, then ignoring case."""
    exact: dict[str, list[int]] = {}
    folded: dict[str, list[int]] = {}
    for i, name in enumerate(header):
        exact.setdefault(name, []).append(i)
        folded.setdefault(name.casefold(), []).append(i)
    positions: dict[str, int] = {}
    missing: list[str] = []
    for col in table.columns:
        source = tm.columns.get(col.name, col.name)
        hits = exact.get(source) or folded.get(source.casefold()) or []
        if len(hits) > 1:
            raise InputError(
                f"the header names column {source!r} {len(hits)} times", file=str(path), column=source
            )
        if hits:
            positions[col.name] = hits[0]
        elif col.required and col.name not in tm.defaults:
            missing.append(col.name if source == col.name else f"{source} (mapped to {col.name})")
    if missing:
        raise InputError(
            f"required column missing from the header: {', '.join(missing)} (header: {', '.join(header)})",
            file=str(path),
            column=missing[0],
        )
    return positions
