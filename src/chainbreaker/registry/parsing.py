"""Parsing helpers shared by the adapters: safe XML, text decoding, dates, whitespace.

Every failure is turned into an InputError naming the file (and line where known), so a truncated
download or a CSV saved under an .xml name gives a message a user can act on, not a traceback.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import date, datetime
from pathlib import Path

from lxml import etree

from chainbreaker.core.errors import InputError

_SPACES = re.compile(r"\s+")


def clean(value: object) -> str:
    """Text with runs of whitespace collapsed; None and placeholder nulls become ''."""
    if value is None:
        return ""
    text = _SPACES.sub(" ", str(value)).strip()
    return "" if text in ("-0-", "-", "N/A", "n/a") else text


def parse_xml(path: Path) -> etree._Element:
    """Parse an XML file without resolving entities or touching the network (publisher files are untrusted)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True, huge_tree=True)
    try:
        tree = etree.parse(str(path), parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        hint = ""
        with path.open("rb") as fh:
            head = fh.read(200).lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith(b"<"):
            hint = " (this does not look like XML at all: is it a CSV or a spreadsheet?)"
        raise InputError(f"not well-formed XML: {exc.msg}{hint}", file=str(path), row=line) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc}", file=str(path)) from exc
    if tree.docinfo.internalDTD is not None:
        # Entities are not resolved (no XXE), but a reference to one is then silently dropped from the
        # text around it: a name could lose a part. No list publisher declares entities, so refuse.
        raise InputError(
            "the file declares a DOCTYPE with its own entities; list publishers do not, and its entity "
            "references would silently drop text from names",
            file=str(path),
        )
    return tree.getroot()


def local(tag: object) -> str:
    """The tag name without its namespace ({ns}name -> name)."""
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def decode(path: Path, encodings: tuple[str, ...]) -> str:
    """Read a text file in the first encoding that decodes it; say which were tried when none does."""
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw[:4096]:
        raise InputError(
            "the file contains NUL bytes: it is binary (a spreadsheet?) or UTF-16, not a text file",
            file=str(path),
        )
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"cannot decode the file as {' or '.join(encodings)}", file=str(path))


def parse_date(text: str, formats: tuple[str, ...]) -> date | None:
    """The first format that parses the text, or None."""
    value = clean(text)
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def partial_date(day: str | None, month: str | None, year: str | None) -> str | None:
    """An ISO prefix date from parts where day or month may be 0/00/missing (1970, 1970-02, 1970-02-21)."""
    y = clean(year)
    if not (y.isdigit() and len(y) == 4 and int(y) > 1000):
        return None
    m = clean(month)
    if not m.isdigit() or not 1 <= int(m) <= 12:
        return y
    d = clean(day)
    if not d.isdigit() or not 1 <= int(d) <= 31:
        return f"{y}-{int(m):02d}"
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return f"{y}-{int(m):02d}"


def line_of(node: etree._Element) -> int | None:
    """The element's line in the file, for messages (lxml types it loosely)."""
    line = node.sourceline
    return line if isinstance(line, int) else None


#: Bytes read from the end of a text file to judge whether it was cut off.
_TAIL_BYTES = 64 * 1024


def check_complete(path: Path) -> None:
    """Refuse a text file that ends in the middle of a record (a truncated download).

    Delimited files (CSV, TSV, the Lista Suja TXT) and JSON lines end with a full line: a file cut at a
    random byte ends mid-line, so a CSV or JSON file must end with a newline and a tab-separated export
    (padded to a fixed number of tabs per line) must end with a line as wide as the others. XML, XLS(X)
    and ZIP files are refused by their parsers when cut; a file cut exactly at a line end passes here and
    is caught by the turnover check (registry/turnover.py) instead.
    """
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".txt", ".tsv", ".json", ".jsonl", ".ftm", ".ijson"):
        return
    size = path.stat().st_size
    if size == 0:
        raise InputError("the file is empty (truncated download?)", file=str(path))
    with path.open("rb") as fh:
        fh.seek(max(0, size - _TAIL_BYTES))
        tail = fh.read()
    lines = [line.rstrip(b"\r") for line in tail.split(b"\n")]
    if size > _TAIL_BYTES:
        lines = lines[1:]  # the first line of the sample may itself be cut
    tabs = [line.count(b"\t") for line in lines if line.strip(b" \t")]
    widths = [line.count(b"\t") for line in lines if line]
    if widths and max(widths) >= 2 and tail.count(b"\t") > tail.count(b","):
        usual = max(set(widths), key=widths.count)
        last = lines[-1] if lines[-1] else (lines[-2] if len(lines) > 1 else b"")
        width = last.count(b"\t")
        if width < usual and tabs:
            raise InputError(
                f"the last line has {width} tabs where the other lines have {usual}: "
                "the file was cut off (truncated download?)",
                file=str(path),
            )
        return
    tail = tail.rstrip(b"\x1a")  # OFAC ends its files with a DOS end-of-file mark
    if tail.endswith(b"\n"):
        return
    if suffix in (".json", ".jsonl", ".ftm", ".ijson"):
        last_json = tail.rsplit(b"\n", 1)[-1].strip()
        try:
            json.loads(last_json)
        except ValueError:
            raise InputError(
                "the last line is not a complete JSON record: the file was cut off (truncated download?)",
                file=str(path),
            ) from None
        return
    # A CSV without a final newline (some publishers): its last record must be as wide as the header.
    with path.open("rb") as fh:
        head = fh.readline(_TAIL_BYTES)
    delimiter = ";" if head.count(b";") > head.count(b",") else ","
    last_line = tail.rsplit(b"\n", 1)[-1].decode("utf-8", "replace")
    header = head.decode("utf-8", "replace")
    try:
        width = len(next(csv.reader([last_line], delimiter=delimiter, strict=True)))
    except (csv.Error, StopIteration):
        width = -1
    expected = len(next(csv.reader([header], delimiter=delimiter)))
    if last_line.count('"') % 2 or width < expected:
        raise InputError(
            "the file ends in the middle of a record: it was cut off (truncated download?)", file=str(path)
        )
