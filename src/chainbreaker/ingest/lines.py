"""Line numbers of rejected rows in a CSV file, as a person opening it in an editor would count them.

DuckDB numbers the rows it reads but counts a quoted field spanning two lines as one line, so its numbers
drift from the file's. The loader therefore asks DuckDB only for *which* records were rejected (their
ordinal among accepted records, or the byte offset of a malformed line) and maps those to physical line
numbers here, picking up the raw fields of those records on the way (so the staging table need not keep
a copy of every raw value). This costs one streaming pass over the file, and only when it had rejects.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

CHUNK = 1 << 20


def lines_at_offsets(path: Path, offsets: Iterable[int]) -> dict[int, int]:
    """1-based line number of each byte offset (counting newlines before it), in one pass."""
    wanted = sorted(set(offsets))
    result: dict[int, int] = {}
    if not wanted:
        return result
    newlines = 0
    base = 0
    i = 0
    with path.open("rb") as fh:
        while i < len(wanted) and (chunk := fh.read(CHUNK)):
            end = base + len(chunk)
            while i < len(wanted) and wanted[i] < end:
                result[wanted[i]] = newlines + chunk.count(b"\n", 0, max(wanted[i] - base, 0)) + 1
                i += 1
            newlines += chunk.count(b"\n")
            base = end
    for off in wanted[i:]:
        result[off] = newlines + 1
    return result


def lines_of_records(
    path: Path, delimiter: str, ordinals: Iterable[int], malformed_lines: set[int]
) -> Iterator[tuple[int, int, list[str]]]:
    """(ordinal, start line, fields) for the wanted ordinals of the records DuckDB accepted.

    Records are counted the way DuckDB reads them: the header, blank lines and the lines DuckDB refused
    as malformed (given by their start line) are not records.
    """
    wanted = sorted(set(ordinals))
    if not wanted:
        return
    csv.field_size_limit(sys.maxsize)
    i = 0
    ordinal = -1
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        previous_end = 0
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if start == 1 or not record or start in malformed_lines:
                continue
            ordinal += 1
            if ordinal == wanted[i]:
                yield ordinal, start, record
                i += 1
                if i == len(wanted):
                    return


def lines_of_simple_records(
    ordinals: Iterable[int], malformed_lines: Iterable[int]
) -> Iterator[tuple[int, int]]:
    """(ordinal, line) when every record is one line and there are no blank lines (the usual export).

    Record k (0-based, header excluded) is on line k + 2, pushed down by each malformed line before it;
    no pass over the file is needed.
    """
    skipped = sorted(set(malformed_lines))
    j = 0
    shift = 0
    for k in sorted(set(ordinals)):
        line = k + 2 + shift
        while j < len(skipped) and skipped[j] <= line:
            shift += 1
            line += 1
            j += 1
        yield k, line


def fields_at_lines(path: Path, delimiter: str, lines: Iterable[int]) -> Iterator[tuple[int, list[str]]]:
    """The parsed fields of the given one-line records, reading lines as bytes and parsing only those."""
    wanted = sorted(set(lines))
    if not wanted:
        return
    i = 0
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if number == wanted[i]:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8").rstrip("\r\n")
                yield number, next(csv.reader([text], delimiter=delimiter), [])
                i += 1
                if i == len(wanted):
                    return
