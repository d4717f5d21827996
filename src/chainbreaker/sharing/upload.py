"""Checking a submission file an NGO uploads to the hub's page, before anything is stored (docs/sharing.md T5).

The blinding runs on the NGO's computer (`chainbreaker share submit`); the page receives only the `.msg` file
it writes. This module refuses anything else, and above all a file that looks like clear records: a CSV of
names and phone numbers chosen by mistake in the file dialog must never reach the hub's database or its logs.
Errors name the file, the row (the header line is row 1; the blinded values are counted after it) and the
header field, and never quote the file's content back, since it may hold personal data.

What is checked: the header is a JSON object with exactly the fields `protocol.submit` writes, of the right
types; the purpose statement is present and holds no identifier; the expiry is a date after the creation date
and in the future; the category lists tile the values without gap; the payload is a whole number of 32-byte
values, as many as announced; each value is a canonical X25519 u-coordinate (top bit clear, below 2^255 - 19),
not a low-order point, not readable text, and (for the first `CURVE_SAMPLE` values) a point of curve25519
itself rather than of its twist, which random bytes or hashes fail half of the time. Partnership, minimum size
and bucket are the partnership's, checked by `sharing.hub.submit`.
"""

from __future__ import annotations

import json
import re
from datetime import date

from chainbreaker.core.errors import InputError
from chainbreaker.sharing.blinding import POINT_BYTES
from chainbreaker.sharing.protocol import PROTOCOL, Message
from chainbreaker.sharing.records import IDENTIFIER_KINDS, RECORD_COLUMNS, Category

#: The header fields of a submission, as `protocol.submit` writes them, with their JSON types.
HEADER_FIELDS: dict[str, type | tuple[type, ...]] = {
    "protocol": str,
    "type": str,
    "submission_id": str,
    "partnership": str,
    "purpose": str,
    "created": str,
    "expires": str,
    "lists": list,
    "kinds": list,
    "count": int,
}
MIN_PURPOSE = 10
MAX_PURPOSE = 2000
MAX_HEADER_BYTES = 65_536
#: Values tested for membership of the curve (a Legendre symbol each, about 10 microseconds in Python).
CURVE_SAMPLE = 4096
_P = 2**255 - 19
_A = 486662
#: u-coordinates of points of order 1, 2, 4 and 8 on curve25519 (and their non-canonical forms are refused
#: by the range check): what a hostile or broken client might send.
_LOW_ORDER = frozenset(
    {
        0,
        1,
        _P - 1,
        0x00B8495F16056286FDB1329CEB8D09DA6AC49FF1FAE35616AEB8413B7C7AEBE0,
        0x57119FD0DD4E22D8868E1C58C45C44045BEF839C55B1D0B1248C50A3BC959C5F,
    }
)
_SUBMISSION_ID = re.compile(r"^sub-[0-9a-f]{16}$")
#: What an identifier looks like inside free text: an e-mail, 7+ digits in a row (phones, ids, accounts,
#: possibly with spaces or dashes), an IBAN.
_IDENTIFIER_IN_TEXT = re.compile(
    r"[^\s@]+@[^\s@]+\.[a-z]{2,}|(?:\d[\s\-./]?){7,}|\b[a-z]{2}\d{2}(?:\s?[a-z0-9]{4}){3,}",
    re.IGNORECASE,
)


def looks_like_clear_records(data: bytes) -> str | None:
    """Why the bytes look like a clear list (CSV or spreadsheet text), or None; never quotes the content."""
    head = data[:4096]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        return "it is a spreadsheet (Excel or OpenDocument), not a blinded submission"
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < 64:  # the message's first line is JSON text; binary values come after it
            return None
        text = head[: exc.start].decode("utf-8-sig", errors="ignore")
    first = text.split("\n", 1)[0].strip().lstrip("\ufeff")
    if first.startswith("{"):
        return None
    fields = [f.strip().strip('"').lower() for f in re.split(r"[,;\t]", first)]
    known = [f for f in fields if f in RECORD_COLUMNS]
    if len(known) >= 2:
        return f"its first line is a header of a records file ({len(known)} RECORDS.csv column names)"
    if len(fields) >= 3 or _IDENTIFIER_IN_TEXT.search(text):
        return "it is text with delimited fields or identifiers, not a blinded submission"
    return None


def _on_curve(u: int) -> bool:
    """Whether u is the u-coordinate of a point of curve25519 (not of its quadratic twist)."""
    rhs = (u * u * u + _A * u * u + u) % _P
    return rhs == 0 or pow(rhs, (_P - 1) // 2, _P) == 1


def _header_error(filename: str, column: str, reason: str) -> InputError:
    return InputError(reason, file=filename, row=1, column=column)


def _check_header(header: dict[str, object], filename: str, today: date) -> None:
    unknown = sorted(set(header) - set(HEADER_FIELDS))
    if unknown:
        raise _header_error(filename, unknown[0], f"unexpected header field(s) {', '.join(unknown)}")
    for name, kind in HEADER_FIELDS.items():
        value = header.get(name)
        if value is None or not isinstance(value, kind) or isinstance(value, bool):
            raise _header_error(filename, name, f"header field {name} is missing or of the wrong type")
    if header["protocol"] != PROTOCOL:
        raise _header_error(filename, "protocol", f"not a {PROTOCOL} message")
    if header["type"] != "submission":
        raise _header_error(
            filename,
            "type",
            "this is a request or a response, not a submission (upload the file `share submit` wrote)",
        )
    if not _SUBMISSION_ID.match(str(header["submission_id"])):
        raise _header_error(filename, "submission_id", "not a submission id written by `share submit`")
    purpose = str(header["purpose"]).strip()
    if not MIN_PURPOSE <= len(purpose) <= MAX_PURPOSE:
        raise _header_error(
            filename,
            "purpose",
            f"the purpose statement must say why the list is shared ({MIN_PURPOSE}-{MAX_PURPOSE} characters)",
        )
    if _IDENTIFIER_IN_TEXT.search(purpose):
        raise _header_error(
            filename,
            "purpose",
            "the purpose statement looks like it holds an identifier (an e-mail, a long number or an IBAN); "
            "name the programme, never a person",
        )
    try:
        created = date.fromisoformat(str(header["created"]))
        expires = date.fromisoformat(str(header["expires"]))
    except ValueError:
        raise _header_error(filename, "expires", "created and expires must be dates (YYYY-MM-DD)") from None
    if expires <= created:
        raise _header_error(filename, "expires", "the expiry must come after the creation date")
    if expires <= today:
        raise _header_error(
            filename, "expires", f"the submission expired on {expires.isoformat()}; blind the list again"
        )
    kinds = header["kinds"]
    assert isinstance(kinds, list)
    if not kinds or any(k not in IDENTIFIER_KINDS for k in kinds):
        raise _header_error(filename, "kinds", "kinds must name identifier kinds of RECORDS.csv")


def _check_lists(header: dict[str, object], filename: str) -> None:
    lists, count = header["lists"], header["count"]
    assert isinstance(lists, list) and isinstance(count, int)
    position = 0
    for entry in lists:
        if not isinstance(entry, dict) or set(entry) != {"category", "start", "count"}:
            raise _header_error(filename, "lists", "each list must have category, start and count only")
        if entry["category"] not in {c.value for c in Category}:
            raise _header_error(filename, "lists", "a list has an unknown category")
        start, size = entry["start"], entry["count"]
        if not isinstance(start, int) or not isinstance(size, int) or start != position or size <= 0:
            raise _header_error(filename, "lists", "the category lists must follow each other without gap")
        position += size
    if position != count:
        raise _header_error(filename, "count", "the category lists do not add up to the announced count")


def _check_values(payload: bytes, filename: str) -> None:
    for index in range(len(payload) // POINT_BYTES):
        value = payload[index * POINT_BYTES : (index + 1) * POINT_BYTES]
        where = f"value {index + 1} (byte {index * POINT_BYTES} after the header line)"
        u = int.from_bytes(value, "little")
        if value.isascii() and all(32 <= b < 127 or b in (9, 10, 13) for b in value):
            raise InputError(f"{where} is readable text, not a blinded value", file=filename, row=index + 2)
        if u >= _P or u in _LOW_ORDER:
            raise InputError(f"{where} is not a blinded value", file=filename, row=index + 2)
        if index < CURVE_SAMPLE and not _on_curve(u):
            raise InputError(f"{where} is not a point of the curve", file=filename, row=index + 2)


def check_submission_file(data: bytes, filename: str, today: date | None = None) -> Message:
    """The submission message in `data`, or `InputError` naming the file, row and field of the first fault."""
    if not data:
        raise InputError("the file is empty", file=filename)
    clear = looks_like_clear_records(data)
    if clear:
        raise InputError(
            f"refused and not stored: {clear}. Never upload clear records; run `chainbreaker share submit` "
            "on your own computer and upload the .msg file it writes",
            file=filename,
            row=1,
        )
    head, sep, payload = data.partition(b"\n")
    if not sep or len(head) > MAX_HEADER_BYTES:
        raise InputError(
            "the file has no header line: not a submission written by `share submit`", file=filename, row=1
        )
    try:
        header = json.loads(head.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise InputError(
            "the header line is not JSON: not a submission written by `share submit`", file=filename, row=1
        ) from None
    if not isinstance(header, dict):
        raise InputError("the header line is not a JSON object", file=filename, row=1)
    _check_header(header, filename, today or date.today())
    if len(payload) % POINT_BYTES:
        raise InputError(
            f"the values after the header are {len(payload)} bytes, not a whole number of {POINT_BYTES}-byte values "
            "(was the file cut short?)",
            file=filename,
        )
    if len(payload) // POINT_BYTES != header["count"]:
        raise _header_error(
            filename,
            "count",
            f"the header announces {header['count']} values, the file holds {len(payload) // POINT_BYTES}",
        )
    _check_lists(header, filename)
    _check_values(payload, filename)
    return Message(header, payload)
