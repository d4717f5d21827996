"""Parsing helpers shared by the adapters: safe XML, text decoding, dates, whitespace.

Every failure is turned into an InputError naming the file (and line where known), so a truncated
download or a CSV saved under an .xml name gives a message a user can act on, not a traceback.
"""

from __future__ import annotations

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
