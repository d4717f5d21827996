"""Line numbers of rejected rows in a CSV file, as a person opening it in an editor would count them.

DuckDB numbers the rows it reads but counts a quoted field spanning two lines as one line, so its numbers
drift from the file's. The loader therefore asks DuckDB only for *which* records were rejected (their
ordinal among accepted records, or the byte offset of a malformed line) and maps those to physical line
numbers here. This costs one streaming pass over the file, and only when the file had rejects.
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
) -> Iterator[tuple[int, int]]:
    """(ordinal, start line) for the wanted ordinals of the records DuckDB accepted.

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
                yield ordinal, start
                i += 1
                if i == len(wanted):
                    return
