"""Shared records (an NGO's list) and a bank's identifiers, both reduced to canonical `kind:value` items.

The NGO's RECORDS.csv is validated row by row: a row that cannot be shared safely (unknown category, a phone
without a region, an expired record) goes to the rejects file with the column and the reason, so that
rows read = accepted + rejected. The bank's identifiers come from its workspace (parties, accounts and the
counterparty accounts of its transactions), already validated by ingest; values that do not canonicalise are
counted and skipped.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from chainbreaker.core.errors import InputError
from chainbreaker.core.workspace import Workspace
from chainbreaker.sharing import canonical


class Category(StrEnum):
    """What the NGO says about the person or business of a record."""

    SUSPECTED_CONTROLLER = "suspected_controller"
    RECRUITER = "recruiter"
    FRONT_BUSINESS = "front_business"
    LIKELY_VICTIM = "likely_victim"
    PROTECTIVE = "protective"  # a survivor the NGO supports

    @property
    def protects(self) -> bool:
        """Whether a match protects the person (never raises risk): docs/sharing.md T10."""
        return self in (Category.LIKELY_VICTIM, Category.PROTECTIVE)


RECORD_COLUMNS: tuple[str, ...] = (
    "record_id",
    "category",
    "confidence",
    "reported_on",
    "expires",
    "name",
    "date_of_birth",
    "phone",
    "phone_region",
    "email",
    "address",
    "id_number",
    "id_scheme",
    "account",
    "business_name",
    "handle",
    "crypto_address",
)
REJECT_COLUMNS: tuple[str, ...] = ("row", "record_id", "column", "reason")
IDENTIFIER_KINDS: tuple[str, ...] = (
    "phone",
    "email",
    "account",
    "id_number",
    "name_dob_phonetic",
    "business_name",
    "address",
    "handle",
    "crypto_address",
)


@dataclass(frozen=True)
class SharedRecord:
    """One accepted row of an NGO's list, with its canonical identifiers."""

    record_id: str
    category: Category
    confidence: float
    reported_on: date | None
    expires: date | None
    identifiers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Reject:
    row: int
    record_id: str
    column: str
    reason: str


@dataclass
class ReadResult:
    records: list[SharedRecord] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    read: int = 0


def item(kind: str, value: str) -> str:
    """The string that is hashed to a point: the kind is part of it, so a phone never equals an account."""
    return f"{kind}:{value}"


def parse_category(raw: str) -> Category:
    key = raw.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return Category(key)
    except ValueError:
        raise ValueError(
            f"unknown category {raw!r}; use one of {', '.join(c.value for c in Category)}"
        ) from None


def _date(raw: str) -> date | None:
    text = raw.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError("not a date (use YYYY-MM-DD)") from None


def _confidence(raw: str) -> float:
    text = raw.strip()
    if not text:
        return 0.5
    try:
        value = float(text)
    except ValueError:
        raise ValueError("not a number between 0 and 1") from None
    if not 0.0 <= value <= 1.0:
        raise ValueError("not a number between 0 and 1")
    return value


class _RowError(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def _field(row: dict[str, str], column: str, parse: Callable[[str], str]) -> str | None:
    raw = (row.get(column) or "").strip()
    if not raw:
        return None
    try:
        return parse(raw)
    except ValueError as exc:
        raise _RowError(column, str(exc)) from None


def record_from_row(row: dict[str, str], today: date) -> SharedRecord:
    """Validate one CSV row; raises `_RowError` naming the column."""
    record_id = (row.get("record_id") or "").strip()
    if not record_id:
        raise _RowError("record_id", "record_id is required")
    try:
        category = parse_category(row.get("category") or "")
    except ValueError as exc:
        raise _RowError("category", str(exc)) from None
    values: dict[str, object] = {}
    for column, read in (("confidence", _confidence), ("reported_on", _date), ("expires", _date)):
        try:
            values[column] = read(row.get(column) or "")
        except ValueError as exc:
            raise _RowError(column, str(exc)) from None
    expires = values["expires"]
    if isinstance(expires, date) and expires < today:
        raise _RowError(
            "expires", f"record expired on {expires.isoformat()}; expired records are never shared"
        )
    ids: list[tuple[str, str]] = []
    region = (row.get("phone_region") or "").strip() or None
    for column, kind, parse in (
        ("phone", "phone", lambda v: canonical.phone(v, region)),
        ("email", "email", canonical.email),
        ("account", "account", canonical.account),
        ("id_number", "id_number", lambda v: canonical.national_id(v, row.get("id_scheme"))),
        ("business_name", "business_name", canonical.business),
        ("address", "address", canonical.address),
        ("handle", "handle", canonical.handle),
        ("crypto_address", "crypto_address", canonical.crypto_address),
    ):
        value = _field(row, column, parse)
        if value is not None:
            ids.append((kind, value))
    name = (row.get("name") or "").strip()
    dob = (row.get("date_of_birth") or "").strip()
    if name and dob:
        try:
            ids.extend(canonical.person_keys(name, dob))
        except ValueError as exc:
            raise _RowError("date_of_birth" if "date" in str(exc) else "name", str(exc)) from None
    if not ids:
        raise _RowError(
            "record_id",
            "no identifier to match on (a name needs a date_of_birth; give a phone, email, account…)",
        )
    confidence = values["confidence"]
    reported_on = values["reported_on"]
    return SharedRecord(
        record_id=record_id,
        category=category,
        confidence=float(confidence) if isinstance(confidence, float) else 0.5,
        reported_on=reported_on if isinstance(reported_on, date) else None,
        expires=expires if isinstance(expires, date) else None,
        identifiers=tuple(dict.fromkeys(ids)),
    )


def read_records(path: Path, today: date | None = None) -> ReadResult:
    """Read and validate RECORDS.csv; a missing or unknown column is an error naming the file."""
    today = today or date.today()
    result = ReadResult()
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from None
    with handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in ("record_id", "category") if c not in header]
        unknown = [c for c in header if c not in RECORD_COLUMNS]
        if missing or unknown:
            raise InputError(
                f"missing columns {missing}, unknown columns {unknown}; expected {', '.join(RECORD_COLUMNS)}",
                file=str(path),
                row=1,
            )
        reader.fieldnames = header
        seen: set[str] = set()
        try:
            for number, row in enumerate(reader, start=2):
                result.read += 1
                rid = (row.get("record_id") or "").strip()
                if None in row or any(v is None for v in row.values()):
                    result.rejects.append(Reject(number, rid, "", "wrong number of fields"))
                    continue
                try:
                    record = record_from_row(row, today)
                except _RowError as exc:
                    result.rejects.append(Reject(number, rid, exc.column, exc.reason))
                    continue
                if record.record_id in seen:
                    result.rejects.append(Reject(number, rid, "record_id", "duplicate record_id"))
                    continue
                seen.add(record.record_id)
                result.records.append(record)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise InputError(
                f"not a readable UTF-8 CSV: {exc}", file=str(path), row=result.read + 1
            ) from None
    return result


def write_rejects(path: Path, rejects: list[Reject]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(REJECT_COLUMNS)
        for r in rejects:
            writer.writerow([r.row, r.record_id, r.column, r.reason])


class BankItem(NamedTuple):
    """One identifier a bank holds: its own party's, or a counterparty account seen in a party's payments.

    A named tuple, not a dataclass: a large bank has millions and a frozen dataclass costs 1-2 microseconds
    each to build.
    """

    party_id: str
    kind: str
    value: str
    counterparty: str | None = None  # the counterparty account, when the identifier is one


@dataclass
class BankItems:
    items: list[BankItem] = field(default_factory=list)
    skipped: int = 0


_Found = tuple[str, str, str, str | None]  # party_id, kind, canonical value, counterparty account


def _try(
    out: list[_Found], party_id: str, kind: str, parse: Callable[..., str], *args: Any, cp: str | None = None
) -> int:
    """Append one canonical identifier; 1 when the value does not canonicalise (counted, not fatal)."""
    try:
        out.append((party_id, kind, parse(*args), cp))
    except ValueError:
        return 1
    return 0


def _party_items(rows: list[tuple[Any, ...]]) -> tuple[list[_Found], int]:
    """Canonical identifiers of a chunk of party rows (run in a worker process: `phonenumbers` is slow)."""
    out: list[_Found] = []
    skipped = 0
    for pid, ptype, name, dob, country, addr, city, phone, mail, id_number in rows:
        if phone:
            skipped += _try(out, pid, "phone", canonical.phone, phone, country)
        if mail:
            skipped += _try(out, pid, "email", canonical.email, mail)
        if id_number:
            skipped += _try(out, pid, "id_number", canonical.national_id, id_number, None)
        if addr:
            skipped += _try(out, pid, "address", canonical.address, f"{addr} {city or ''}")
        if ptype == "person" and name and dob:
            try:
                out.extend((pid, kind, value, None) for kind, value in canonical.person_keys(name, dob))
            except ValueError:
                skipped += 1
        elif name and ptype != "person":
            skipped += _try(out, pid, "business_name", canonical.business, name)
    return out, skipped


def _account_items(rows: list[tuple[Any, ...]]) -> tuple[list[_Found], int]:
    """Canonical accounts: (account, party, is_counterparty) rows, run in a worker process."""
    out: list[_Found] = []
    skipped = 0
    for account_id, pid, counterparty in rows:
        skipped += _try(
            out, pid, "account", canonical.account, account_id, cp=account_id if counterparty else None
        )
    return out, skipped


_CHUNK_ROWS = 50_000


def bank_items(workspace: Workspace, workers: int | None = None) -> BankItems:
    """The identifiers of a bank's parties, accounts and payment counterparties, canonicalised.

    Canonicalising is most of the cost of reading a large bank (`phonenumbers` takes about 30 microseconds a
    number), so chunks of rows are spread over worker processes; the result is the same in any order of work.
    """
    con = workspace.require().connect(read_only=True)
    try:
        parties = con.execute(
            "SELECT party_id, party_type, name, CAST(date_of_birth AS VARCHAR), country, address, city, "
            "phone, email, id_number FROM parties ORDER BY party_id"
        ).fetchall()
        accounts = con.execute(
            "SELECT account_id, party_id, FALSE FROM accounts ORDER BY account_id, party_id"
        ).fetchall()
        accounts += con.execute(
            "SELECT DISTINCT t.counterparty_account, a.party_id, TRUE FROM transactions t "
            "JOIN accounts a ON a.account_id = t.account_id WHERE t.counterparty_account IS NOT NULL "
            "ORDER BY 1, 2"
        ).fetchall()
    finally:
        con.close()
    jobs: list[tuple[Callable[[list[tuple[Any, ...]]], tuple[list[_Found], int]], list[tuple[Any, ...]]]] = [
        (_party_items, parties[i : i + _CHUNK_ROWS]) for i in range(0, len(parties), _CHUNK_ROWS)
    ]
    jobs += [(_account_items, accounts[i : i + _CHUNK_ROWS]) for i in range(0, len(accounts), _CHUNK_ROWS)]
    count = max(1, workers if workers is not None else (os.cpu_count() or 1))
    if count == 1 or len(jobs) < 2:
        results = [function(rows) for function, rows in jobs]
    else:
        with ProcessPoolExecutor(max_workers=min(count, len(jobs))) as pool:
            results = list(pool.map(_run, jobs))
    out = BankItems()
    for found, skipped in results:
        out.items.extend(map(BankItem._make, found))
        out.skipped += skipped
    return out


def _run(
    job: tuple[Callable[[list[tuple[Any, ...]]], tuple[list[_Found], int]], list[tuple[Any, ...]]],
) -> tuple[list[_Found], int]:
    function, rows = job
    return function(rows)


def iter_items(records: list[SharedRecord]) -> Iterator[tuple[SharedRecord, str, str]]:
    for record in records:
        for kind, value in record.identifiers:
            yield record, kind, value
