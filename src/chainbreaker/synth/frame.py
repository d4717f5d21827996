"""Columnar buffers of one community: string pools, the party/account tables and the transaction events.

Generation works on integer codes (numpy) and turns them into strings only once per community, with
pyarrow `take` from a pool; this is what makes ten million rows cheap. An internal transfer is always
emitted through `EventBuffer.transfer`, which writes both legs, so the contract's pairing rule cannot be
broken by a behaviour that forgets the mirror row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from chainbreaker.core.contract import CHANNELS, PARTIES

IntArray = npt.NDArray[
    Any
]  # numpy stubs cannot follow dtypes through indexing; Any keeps mypy useful elsewhere
ArrayLike = npt.ArrayLike

CHANNEL_CODE: dict[str, int] = {name: i for i, name in enumerate(CHANNELS)}
IN, OUT = 0, 1
NULL = -1


class StringPool:
    """Interns strings so that columns can be carried as integer codes."""

    def __init__(self) -> None:
        self._index: dict[str, int] = {}
        self._values: list[str] = []

    def idx(self, value: str) -> int:
        found = self._index.get(value)
        if found is None:
            found = len(self._values)
            self._index[value] = found
            self._values.append(value)
        return found

    def many(self, values: list[str]) -> IntArray:
        return np.fromiter((self.idx(v) for v in values), dtype=np.int64, count=len(values))

    def __len__(self) -> int:
        return len(self._values)

    def arrow(self) -> pa.Array:
        return pa.array(self._values, type=pa.string())


def take(values: pa.Array, codes: IntArray) -> pa.Array:
    """Strings for integer codes; a negative code is a null."""
    mask = codes < 0
    indices = pa.array(np.where(mask, 0, codes), mask=mask if mask.any() else None)
    if len(values) == 0:
        return pa.nulls(len(codes), type=pa.string())
    return values.take(indices)


@dataclass
class PartyTable:
    """Parties of one community, row by row (thousands per community, so plain lists are cheap)."""

    columns: dict[str, list[str | None]] = field(default_factory=dict)
    name_code: list[int] = field(default_factory=list)
    sex: list[str] = field(default_factory=list)  # "F", "M" or "" (organizations); never written out

    #: Every contract column but the key, which the writer assigns.
    FIELDS: tuple[str, ...] = PARTIES.column_names[1:]

    def __post_init__(self) -> None:
        self.columns = {name: [] for name in self.FIELDS}

    def add(self, names: StringPool, sex: str = "", **values: str | None) -> int:
        unknown = set(values) - set(self.FIELDS)
        if unknown:
            raise KeyError(f"unknown party fields {sorted(unknown)}")
        for name in self.FIELDS:
            self.columns[name].append(values.get(name))
        name = values.get("name") or ""
        self.name_code.append(names.idx(name))
        self.sex.append(sex)
        return len(self.name_code) - 1

    def set(self, party: int, **values: str | None) -> None:
        for name, value in values.items():
            self.columns[name][party] = value

    def get(self, party: int, name: str) -> str | None:
        return self.columns[name][party]

    def __len__(self) -> int:
        return len(self.name_code)


@dataclass
class AccountTable:
    """Accounts of one community; `party` is the local party index of the primary holder."""

    party: list[int] = field(default_factory=list)
    account_type: list[str] = field(default_factory=list)
    opened_at: list[str] = field(default_factory=list)
    branch: list[str] = field(default_factory=list)
    branch_city: list[str] = field(default_factory=list)

    def add(self, party: int, account_type: str, opened_at: str, branch: str, branch_city: str) -> int:
        self.party.append(party)
        self.account_type.append(account_type)
        self.opened_at.append(opened_at)
        self.branch.append(branch)
        self.branch_city.append(branch_city)
        return len(self.party) - 1

    def __len__(self) -> int:
        return len(self.party)


EVENT_COLUMNS: dict[str, type[np.generic]] = {
    "acct": np.int64,  # local account index
    "ts": np.int64,  # seconds since 1970-01-01, local time
    "cents": np.int64,
    "dir": np.int8,
    "chan": np.int8,
    "cpa": np.int64,  # >= 0 local account (on-us), <= -2 external account code -(code + 2), -1 null
    "cpn": np.int64,  # names pool
    "cpc": np.int64,  # countries pool
    "mer": np.int64,  # merchants pool
    "mcc": np.int64,  # mccs pool
    "city": np.int64,  # cities pool
    "ctry": np.int64,  # countries pool
    "desc": np.int64,  # descriptions pool
    "dev": np.int64,  # devices pool
}


def _scalar(value: ArrayLike) -> int:
    """A Python int from a scalar or a one-element array."""
    if type(value) is int:
        return value
    if isinstance(value, np.integer):
        return int(value)
    arr = np.asarray(value)
    if arr.size != 1:
        raise ValueError(f"expected one value, got {arr.size}")
    return int(arr.reshape(-1)[0])


def _pick(value: ArrayLike, j: int) -> ArrayLike:
    """Element `j` of a per-event vector, or the scalar itself."""
    return value if np.ndim(value) == 0 else np.asarray(value).reshape(-1)[j]


_CODE_COLUMNS_ORDER = tuple(EVENT_COLUMNS)[5:]  # after acct, ts, cents, dir, chan
_CODE_COLUMNS = frozenset(_CODE_COLUMNS_ORDER)


class EventBuffer:
    """Transaction events of one community, appended as vectors and concatenated once."""

    def __init__(self) -> None:
        self._parts: dict[str, list[npt.NDArray[np.generic]]] = {k: [] for k in EVENT_COLUMNS}
        self._single: list[tuple[int, ...]] = []  # one-off events (rings), kept as tuples: far cheaper
        self.rows = 0

    def add(
        self,
        acct: ArrayLike,
        ts: ArrayLike,
        cents: ArrayLike,
        direction: int,
        channel: str,
        **codes: ArrayLike,
    ) -> None:
        """Append events; every keyword is an array of the same length as `acct`, or a scalar."""
        if np.ndim(acct) == 0:
            self._add_one(int(acct), ts, cents, direction, channel, codes)  # type: ignore[arg-type]
            return
        acct_arr = np.atleast_1d(np.asarray(acct, dtype=np.int64))
        n = acct_arr.shape[0]
        if n == 0:
            return
        if n <= 4:  # tiny vectors (trips, single businesses) are cheaper as one-off tuples
            for j in range(n):
                self._add_one(
                    int(acct_arr[j]), _pick(ts, j), _pick(cents, j), direction, channel,
                    {k: _pick(v, j) for k, v in codes.items()},
                )  # fmt: skip
            return
        unknown = set(codes) - set(EVENT_COLUMNS)
        if unknown:
            raise KeyError(f"unknown event columns {sorted(unknown)}")
        values: dict[str, ArrayLike] = {
            "acct": acct_arr,
            "ts": ts,
            "cents": cents,
            "dir": direction,
            "chan": CHANNEL_CODE[channel],
        }
        for name, dtype in EVENT_COLUMNS.items():
            value = values.get(name, codes.get(name, NULL))
            if isinstance(value, int | np.integer):
                column = np.full(n, value, dtype=dtype)
            else:
                column = np.asarray(value, dtype=dtype)
                if column.shape != (n,):
                    column = np.broadcast_to(column, (n,)).copy()
            self._parts[name].append(column)
        if (np.asarray(self._parts["cents"][-1], dtype=np.int64) <= 0).any():
            for name in EVENT_COLUMNS:
                self._parts[name].pop()
            raise ValueError("amounts must be positive")
        self.rows += n

    def _add_one(
        self,
        acct: int,
        ts: ArrayLike,
        cents: ArrayLike,
        direction: int,
        channel: str,
        codes: dict[str, ArrayLike],
    ) -> None:
        if codes.keys() - _CODE_COLUMNS:
            raise KeyError(f"unknown event columns {sorted(codes.keys() - _CODE_COLUMNS)}")
        amount = _scalar(cents)
        if amount <= 0:
            raise ValueError("amounts must be positive")
        get = codes.get
        self._single.append(
            (
                acct,
                _scalar(ts),
                amount,
                direction,
                CHANNEL_CODE[channel],
                *(_scalar(get(k, NULL)) for k in _CODE_COLUMNS_ORDER),
            )
        )
        self.rows += 1

    def transfer(
        self,
        src: ArrayLike,
        dst: ArrayLike,
        ts: ArrayLike,
        cents: ArrayLike,
        channel: str,
        acct_name: IntArray,
        **codes: ArrayLike,
    ) -> None:
        """An on-us transfer: `out` on `src` naming `dst`, and `in` on `dst` naming `src`, same time and amount.

        `acct_name` maps a local account index to its holder's name code. Keywords (description, device)
        apply to both legs except `dev`, which is the sender's device and only on the `out` leg.
        """
        dev = codes.pop("dev", NULL)
        if np.ndim(src) == 0 and np.ndim(dst) == 0:
            s, d = _scalar(src), _scalar(dst)
            self._add_one(
                s, ts, cents, OUT, channel, {"cpa": d, "cpn": int(acct_name[d]), "dev": dev, **codes}
            )
            self._add_one(d, ts, cents, IN, channel, {"cpa": s, "cpn": int(acct_name[s]), **codes})
            return
        src_arr = np.atleast_1d(np.asarray(src, dtype=np.int64))
        dst_arr = np.broadcast_to(np.asarray(dst, dtype=np.int64), src_arr.shape)
        self.add(src_arr, ts, cents, OUT, channel, cpa=dst_arr, cpn=acct_name[dst_arr], dev=dev, **codes)
        self.add(dst_arr, ts, cents, IN, channel, cpa=src_arr, cpn=acct_name[src_arr], **codes)

    def arrays(self) -> dict[str, npt.NDArray[np.generic]]:
        """All events as one array per column, sorted by time then account (stable, so deterministic)."""
        if self._single:
            single = np.asarray(self._single, dtype=np.int64).reshape(-1, len(EVENT_COLUMNS))
            for j, (name, dtype) in enumerate(EVENT_COLUMNS.items()):
                self._parts[name].append(single[:, j].astype(dtype))
            self._single = []
        cols = {
            k: (np.concatenate(v) if v else np.zeros(0, dtype=EVENT_COLUMNS[k]))
            for k, v in self._parts.items()
        }
        order = np.lexsort((cols["acct"], cols["ts"]))
        return {k: v[order] for k, v in cols.items()}
