"""The four steps of one exchange between an NGO and a bank (docs/sharing.md; decision sharing-01).

1. NGO `submit`: blinds its identifiers with its secret n, one list per category, shuffled and padded to a
   bucket; publishes H(y)^n to the hub. Keeps the map from list position to record id (never sent).
2. Bank `request`: blinds its own identifiers with its secret b; sends H(x)^b, shuffled and padded.
3. NGO `respond`: applies n to each value of the request, in order: H(x)^bn. The hub counts this against the
   partnership's budget (`sharing.limits`): every comparison needs this online, rate-limited step.
4. Bank `match`: applies b to the submission, H(y)^nb, and looks up its H(x)^bn. Only the bank learns which of
   its parties matched, in which category list and on which identifier kind, plus an opaque handle
   (`submission_id#position`) that a request for information cites; only the NGO can turn it into a record.

Messages are files: one JSON header line, then the 32-byte values. Nothing else crosses (T5).
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from chainbreaker.core.errors import InputError, PermissionDeniedError
from chainbreaker.sharing import blinding
from chainbreaker.sharing.limits import SharingPolicy
from chainbreaker.sharing.records import BankItem, Category, SharedRecord, item

PROTOCOL = "chainbreaker-sharing-v1"
_T = TypeVar("_T")


@dataclass
class Message:
    """What crosses between parties: a header with counts and ids, and blinded values only."""

    header: dict[str, Any]
    payload: bytes

    @property
    def count(self) -> int:
        return len(self.payload) // blinding.POINT_BYTES

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".part")
        with tmp.open("wb") as out:
            out.write(json.dumps(self.header, sort_keys=True).encode("utf-8") + b"\n")
            out.write(self.payload)
        tmp.replace(path)
        return path

    @classmethod
    def read(cls, path: Path, expect: str) -> Message:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read message: {exc.strerror}", file=str(path)) from None
        head, sep, payload = data.partition(b"\n")
        try:
            header = json.loads(head) if sep else None
        except ValueError:
            header = None
        if not isinstance(header, dict) or header.get("protocol") != PROTOCOL:
            raise InputError(f"not a {PROTOCOL} message", file=str(path), row=1)
        if header.get("type") != expect:
            raise InputError(
                f"expected a {expect} message, got {header.get('type')!r}", file=str(path), row=1
            )
        if len(payload) % blinding.POINT_BYTES or len(payload) // blinding.POINT_BYTES != header.get("count"):
            raise InputError("payload does not hold the announced number of values", file=str(path))
        return cls(header, payload)


def _padded(count: int, bucket: int) -> int:
    """Sizes leak; rounding up to a bucket leaks less (T7). Zero stays zero."""
    return 0 if count == 0 else -(-count // bucket) * bucket


def _shuffled(values: list[_T]) -> list[_T]:
    """A uniformly random order from the OS's CSPRNG: positions must not reveal the input order (T7).

    Sorting by 16 random bytes per value costs one `os.urandom` call for the whole list, where
    `SystemRandom.shuffle` makes one system call per value (a third of the bank's request time at 1M parties).
    """
    keys = os.urandom(16 * len(values))
    order = sorted(range(len(values)), key=lambda i: keys[16 * i : 16 * i + 16])
    return [values[i] for i in order]


@dataclass
class NgoState:
    """What the NGO keeps to itself: its secret and which record each position of its submission is."""

    submission_id: str
    secret_hex: str
    positions: dict[int, tuple[str, str]] = field(default_factory=dict)  # position -> (record_id, kind)

    @property
    def secret(self) -> bytes:
        return bytes.fromhex(self.secret_hex)

    def save(self, path: Path) -> None:
        _save_private(
            path,
            {
                "submission_id": self.submission_id,
                "secret": self.secret_hex,
                "positions": {str(k): list(v) for k, v in self.positions.items()},
            },
        )

    @classmethod
    def load(cls, path: Path) -> NgoState:
        data = _load_private(path)
        return cls(
            data["submission_id"],
            data["secret"],
            {int(k): (v[0], v[1]) for k, v in data["positions"].items()},
        )


@dataclass
class BankState:
    """What the bank keeps to itself: its secret and which of its identifiers each request position is."""

    request_id: str
    secret_hex: str
    positions: dict[int, list[BankItem]] = field(default_factory=dict)

    @property
    def secret(self) -> bytes:
        return bytes.fromhex(self.secret_hex)

    def save(self, path: Path) -> None:
        _save_private(
            path,
            {
                "request_id": self.request_id,
                "secret": self.secret_hex,
                "positions": {str(k): [i._asdict() for i in v] for k, v in self.positions.items()},
            },
        )

    @classmethod
    def load(cls, path: Path) -> BankState:
        data = _load_private(path)
        return cls(
            data["request_id"],
            data["secret"],
            {int(k): [BankItem(**i) for i in v] for k, v in data["positions"].items()},
        )


def _save_private(path: Path, data: dict[str, Any]) -> None:
    """A side's private state: readable by its owner only (the secret must never leave it, T9)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.touch(mode=0o600)
    tmp.chmod(0o600)
    tmp.write_text(json.dumps(data), encoding="utf-8")
    tmp.replace(path)


def _load_private(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read private state: {exc}", file=str(path)) from None
    if not isinstance(data, dict):
        raise InputError("not a private state file", file=str(path))
    return data


def submit(
    records: list[SharedRecord],
    *,
    partnership: str,
    purpose: str,
    policy: SharingPolicy,
    today: date | None = None,
    workers: int | None = None,
) -> tuple[Message, NgoState]:
    """Step 1 (NGO): blind the records' identifiers into one padded, shuffled list per category."""
    if not purpose.strip():
        raise InputError("a submission needs a purpose statement", column="purpose")
    if len(records) < policy.min_submission:
        raise PermissionDeniedError(
            f"a submission needs at least {policy.min_submission} records (got {len(records)}): a smaller list "
            "could single out one person (docs/sharing.md T7)"
        )
    today = today or date.today()
    secret = blinding.new_secret()
    state = NgoState(submission_id=f"sub-{secrets.token_hex(8)}", secret_hex=secret.hex())
    lists: list[dict[str, Any]] = []
    payload: list[bytes] = []
    kinds = sorted({kind for r in records for kind, _ in r.identifiers})
    for category in Category:
        entries = [
            (r.record_id, kind, item(kind, value))
            for r in records
            if r.category is category
            for kind, value in r.identifiers
        ]
        if not entries:
            continue
        slots: list[tuple[str, str, str] | None] = [
            *entries,
            *[None] * (_padded(len(entries), policy.bucket) - len(entries)),
        ]
        slots = _shuffled(slots)
        real = [s[2] for s in slots if s is not None]
        blinded = blinding.split_points(blinding.blind_items(secret, real, workers))
        padding = iter(blinding.split_points(blinding.random_points(len(slots) - len(real))))
        values = iter(blinded)
        start = len(payload)
        for offset, slot in enumerate(slots):
            if slot is None:
                payload.append(next(padding))
            else:
                payload.append(next(values))
                state.positions[start + offset] = (slot[0], slot[1])
        lists.append({"category": category.value, "start": start, "count": len(slots)})
    expires = today + timedelta(days=policy.submission_days)
    header = {
        "protocol": PROTOCOL,
        "type": "submission",
        "submission_id": state.submission_id,
        "partnership": partnership,
        "purpose": purpose,
        "created": today.isoformat(),
        "expires": expires.isoformat(),
        "lists": lists,
        "kinds": kinds,
        "count": len(payload),
    }
    return Message(header, b"".join(payload)), state


def request(
    items: list[BankItem],
    submission: Message,
    *,
    purpose: str,
    policy: SharingPolicy,
    workers: int | None = None,
) -> tuple[Message, BankState]:
    """Step 2 (bank): blind its own identifiers, deduplicated, shuffled and padded.

    Only identifiers of the kinds the submission announces are sent (data minimisation, docs/sharing.md T7):
    a bank's customers' addresses are not blinded and sent when the NGO's list holds no address.
    """
    if not purpose.strip():
        raise InputError("a request needs a purpose statement", column="purpose")
    announced = submission.header.get("kinds")
    wanted = set(announced) if isinstance(announced, list) else None
    grouped: dict[str, list[BankItem]] = {}
    for bank_item in items:
        if wanted is None or bank_item.kind in wanted:
            grouped.setdefault(item(bank_item.kind, bank_item.value), []).append(bank_item)
    if len(grouped) < policy.min_request:
        raise PermissionDeniedError(
            f"a request needs at least {policy.min_request} identifiers (got {len(grouped)}): a smaller one "
            "could probe one person (docs/sharing.md T7)"
        )
    secret = blinding.new_secret()
    state = BankState(request_id=f"req-{secrets.token_hex(8)}", secret_hex=secret.hex())
    keys = list(grouped)
    slots: list[str | None] = _shuffled([*keys, *[None] * (_padded(len(keys), policy.bucket) - len(keys))])
    real = [s for s in slots if s is not None]
    blinded = iter(blinding.split_points(blinding.blind_items(secret, real, workers)))
    padding = iter(blinding.split_points(blinding.random_points(len(slots) - len(real))))
    payload: list[bytes] = []
    for position, slot in enumerate(slots):
        if slot is None:
            payload.append(next(padding))
        else:
            payload.append(next(blinded))
            state.positions[position] = grouped[slot]
    header = {
        "protocol": PROTOCOL,
        "type": "request",
        "request_id": state.request_id,
        "submission_id": submission.header["submission_id"],
        "partnership": submission.header["partnership"],
        "purpose": purpose,
        "count": len(payload),
    }
    return Message(header, b"".join(payload)), state


def respond(
    req: Message,
    state: NgoState,
    *,
    policy: SharingPolicy,
    today: date | None = None,
    workers: int | None = None,
) -> Message:
    """Step 3 (NGO): apply its secret to the bank's values, within the NGO's own budget."""
    if req.header.get("submission_id") != state.submission_id:
        raise InputError("the request is for another submission", column="submission_id")
    if req.count > policy.max_request_items:
        raise PermissionDeniedError(
            f"request of {req.count} values exceeds the partnership's budget of {policy.max_request_items} "
            "(docs/sharing.md T6)"
        )
    header = {
        "protocol": PROTOCOL,
        "type": "response",
        "request_id": req.header["request_id"],
        "submission_id": state.submission_id,
        "count": req.count,
        "answered": (today or datetime.now(UTC).date()).isoformat(),
    }
    return Message(header, blinding.blind_points(state.secret, req.payload, workers))


@dataclass(frozen=True)
class BankMatch:
    """A bank's view of one match: its own party, the category list, the kind, and a handle for an RFI."""

    party_id: str
    category: Category
    kind: str
    handle: str
    counterparty: str | None
    submission_id: str
    partnership: str
    created: str


def match(
    submission: Message, response: Message, state: BankState, *, workers: int | None = None
) -> list[BankMatch]:
    """Step 4 (bank): apply its secret to the submission and find its own doubly blinded values in it."""
    if response.header.get("request_id") != state.request_id:
        raise InputError("the response answers another request", column="request_id")
    mine = blinding.split_points(response.payload)
    theirs = blinding.split_points(blinding.blind_points(state.secret, submission.payload, workers))
    where: dict[bytes, int] = {value: position for position, value in enumerate(theirs)}
    lists = submission.header["lists"]
    out: list[BankMatch] = []
    for position, value in enumerate(mine):
        found = where.get(value)
        if found is None or position not in state.positions:
            continue
        category = next(
            Category(lst["category"]) for lst in lists if lst["start"] <= found < lst["start"] + lst["count"]
        )
        handle = f"{submission.header['submission_id']}#{found}"
        for bank_item in state.positions[position]:
            out.append(
                BankMatch(
                    party_id=bank_item.party_id,
                    category=category,
                    kind=bank_item.kind,
                    handle=handle,
                    counterparty=bank_item.counterparty,
                    submission_id=submission.header["submission_id"],
                    partnership=submission.header["partnership"],
                    created=submission.header["created"],
                )
            )
    return out


def resolve(state: NgoState, handle: str) -> tuple[str, str]:
    """NGO side of a request for information: the record and kind behind a handle the bank cites."""
    submission_id, _, position = handle.partition("#")
    if submission_id != state.submission_id or not position.isdigit() or int(position) not in state.positions:
        raise InputError(f"unknown handle {handle!r}", column="handle")
    return state.positions[int(position)]
