"""A tiny hand-made bank for monitoring tests: contract tables created with `core.contract.ddl()`.

It holds one sex-trafficking ring (a controller, three victims who take many late-night P2P payments and
sweep them to the controller, sharing the controller's phone and a device), one structurer, and ordinary
people, one of whom shows a single weak red flag (many fast-food purchases) and must not be alerted.
Everything is fixed (no randomness), so each test knows exactly what should hit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count

from chainbreaker.core.contract import ACCOUNT_HOLDERS, ACCOUNTS, PARTIES, TRANSACTIONS, Table, ddl
from chainbreaker.core.workspace import Workspace

CONTROLLER = "P-CTRL"
VICTIMS = ("P-V1", "P-V2", "P-V3")
STRUCTURER = "P-STRUCT"
FAST_FOOD_FAN = "P-FOOD"
ORDINARY = tuple(f"P-ORD{i}" for i in range(1, 9))


@dataclass
class BankRows:
    parties: list[dict[str, object]] = field(default_factory=list)
    accounts: list[dict[str, object]] = field(default_factory=list)
    holders: list[dict[str, object]] = field(default_factory=list)
    transactions: list[dict[str, object]] = field(default_factory=list)
    _ids: Iterator[int] = field(default_factory=lambda: count(1))

    def txn(
        self, account: str, at: dt.datetime, amount: float, direction: str, channel: str, **extra: object
    ) -> str:
        txn_id = f"T{next(self._ids):06d}"
        self.transactions.append(
            {
                "txn_id": txn_id,
                "account_id": account,
                "booked_at": at,
                "amount": amount,
                "direction": direction,
                "channel": channel,
                "currency": "USD",
                **extra,
            }
        )
        return txn_id

    def transfer(self, src: str, dst: str, at: dt.datetime, amount: float, channel: str = "p2p") -> None:
        self.txn(src, at, amount, "out", channel, counterparty_account=dst)
        self.txn(dst, at, amount, "in", channel, counterparty_account=src)


def person(
    pid: str, name: str, phone: str, address: str, dob: str = "1985-01-01", city: str = "Houston"
) -> dict[str, object]:
    return {
        "party_id": pid,
        "party_type": "person",
        "name": name,
        "phone": phone,
        "address": address,
        "city": city,
        "country": "US",
        "date_of_birth": dt.date.fromisoformat(dob),
        "postal_code": "77001",
        "email": f"{pid.lower()}@example.org",
    }


def build_rows(months: int = 3, mcc: bool = True) -> BankRows:
    """The rows of the test bank; `mcc=False` leaves the optional MCC column empty."""
    b = BankRows()
    start = dt.datetime(2024, 1, 1)
    b.parties.append(person(CONTROLLER, "Mark Stone", "(713) 555-0100", "1 Main St", city="Houston"))
    for i, v in enumerate(VICTIMS):
        # Victims give the controller's phone in another format, and are young.
        b.parties.append(person(v, f"Anna Victim{i}", "713-555-0100", f"{10 + i} Elm St", dob="2003-05-01"))
    b.parties.append(person(STRUCTURER, "Sam Cash", "(212) 555-0111", "5 Wall St", city="New York"))
    b.parties.append(person(FAST_FOOD_FAN, "Fred Burger", "(305) 555-0112", "9 Bay St", city="Miami"))
    for i, o in enumerate(ORDINARY):
        b.parties.append(
            person(o, f"Olga Ordinary{i}", f"(404) 555-02{i:02d}", f"{20 + i} Oak St", city="Atlanta")
        )
    for p in b.parties:
        pid = str(p["party_id"])
        b.accounts.append(
            {
                "account_id": f"A-{pid}",
                "party_id": pid,
                "account_type": "checking",
                "opened_at": dt.date(2023, 6, 1),
                "branch": "BR-1",
                "branch_city": "Houston",
            }
        )
    b.holders.append({"account_id": "A-P-V1", "party_id": CONTROLLER, "role": "authorised_user"})
    b.holders.append({"account_id": "A-P-V2", "party_id": CONTROLLER, "role": "authorised_user"})
    food = "5814" if mcc else None
    for m in range(months):
        base = start + dt.timedelta(days=30 * m)
        # Ordinary people: monthly payroll, rent, a few card payments in the daytime.
        for i, o in enumerate((*ORDINARY, FAST_FOOD_FAN)):
            acct = f"A-{o}"
            b.txn(
                acct,
                base + dt.timedelta(days=1, hours=9),
                3000 + 10 * i,
                "in",
                "ach",
                counterparty_name="ACME CORP",
                description="PAYROLL ACME CORP",
            )
            b.txn(
                acct,
                base + dt.timedelta(days=2, hours=10),
                1200,
                "out",
                "ach",
                counterparty_name="CITY LANDLORD LLC",
                description="RENT",
            )
            for d in range(5):
                b.txn(
                    acct,
                    base + dt.timedelta(days=3 + d, hours=13),
                    40 + d,
                    "out",
                    "card",
                    mcc="5411" if mcc else None,
                    merchant_name="GROCER",
                    city="Atlanta",
                    country="US",
                )
        # One weak red flag only: many fast-food purchases (ST-09).
        for d in range(28):
            b.txn(
                f"A-{FAST_FOOD_FAN}",
                base + dt.timedelta(days=d, hours=12),
                9.5,
                "out",
                "card",
                mcc=food,
                merchant_name="BURGER",
                city="Miami",
                country="US",
            )
        # Victims: late-night P2P from many payers, then most of it swept to the controller within hours.
        for vi, v in enumerate(VICTIMS):
            acct = f"A-{v}"
            for d in range(0, 28, 2):
                day = base + dt.timedelta(days=d)
                total = 0.0
                for k in range(3):
                    amount = 150.0 + 10 * k
                    total += amount
                    b.txn(
                        acct,
                        day + dt.timedelta(hours=23, minutes=5 * k),
                        amount,
                        "in",
                        "p2p",
                        counterparty_name=f"PAYER {m}-{d}-{k}-{vi}",
                        device_id="dev-ring",
                    )
                b.transfer(
                    acct, f"A-{CONTROLLER}", day + dt.timedelta(days=1, hours=10), round(total * 0.9, 2)
                )
                b.txn(
                    acct,
                    day + dt.timedelta(days=1, hours=2),
                    35.0,
                    "out",
                    "card",
                    mcc="7011" if mcc else None,
                    merchant_name="MOTEL",
                    city=("Houston", "Dallas", "Austin", "El Paso")[d % 4],
                    country="US",
                )
        # Controller: ad payments in multiples of 3 dollars, luxury spending.
        for d in range(0, 28, 4):
            b.txn(
                f"A-{CONTROLLER}",
                base + dt.timedelta(days=d, hours=15),
                12.0,
                "out",
                "card",
                mcc="7311" if mcc else None,
                merchant_name="ADS SITE",
                city="Houston",
                country="US",
                device_id="dev-ring",
            )
        # Structurer: cash just under 10,000 at three branches within two days, never above.
        for k, city in enumerate(("New York", "Newark", "Yonkers")):
            b.txn(
                f"A-{STRUCTURER}",
                base + dt.timedelta(days=10, hours=10 + 12 * k),
                9400 + 100 * k,
                "in",
                "cash",
                city=city,
                country="US",
            )
        b.txn(
            f"A-{STRUCTURER}",
            base + dt.timedelta(days=13),
            27000,
            "out",
            "wire",
            counterparty_name="FAR AWAY TRADING",
            counterparty_account="MX0012345",
            counterparty_country="MX",
        )
    return b


def _insert(con: object, table: Table, rows: list[dict[str, object]], skip: tuple[str, ...] = ()) -> None:
    cols = [c for c in table.column_names if c not in skip]
    sql = f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
    con.executemany(sql, [[r.get(c) for c in cols] for r in rows])  # type: ignore[attr-defined]


def write_bank(ws: Workspace, rows: BankRows | None = None, drop_columns: tuple[str, ...] = ()) -> Workspace:
    """Create the contract tables in a fresh workspace and fill them; `drop_columns` omits transaction columns."""
    rows = rows or build_rows()
    con = ws.connect()
    try:
        for table, data in (
            (PARTIES, rows.parties),
            (ACCOUNTS, rows.accounts),
            (ACCOUNT_HOLDERS, rows.holders),
        ):
            con.execute(ddl(table))
            _insert(con, table, data)
        if drop_columns:
            cols = ",\n  ".join(
                f"{c.name} {c.duckdb_type}" for c in TRANSACTIONS.columns if c.name not in drop_columns
            )
            con.execute(f"CREATE TABLE transactions (\n  {cols}\n)")
        else:
            con.execute(ddl(TRANSACTIONS))
        _insert(con, TRANSACTIONS, rows.transactions, skip=drop_columns)
    finally:
        con.close()
    return ws
