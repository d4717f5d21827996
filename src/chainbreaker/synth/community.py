"""A community: the unit of generation (about 2,000 persons, their businesses and a share of the rings).

On-us transfers, payroll and rings stay inside one community, so a community can be generated, turned into
Arrow tables and written without looking at any other; memory stays bounded whatever the bank's size.
Each community draws from its own random stream (`seed`, community index), so the output is reproducible.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from chainbreaker.synth.frame import AccountTable, EventBuffer, IntArray, PartyTable, StringPool
from chainbreaker.synth.names import CULTURES, EMAIL_DOMAINS, STREETS, Culture
from chainbreaker.synth.world import CITIES, CITY_WEIGHTS

DAY = 86_400
EPOCH = date(1970, 1, 1)
CITY_P = np.asarray(CITY_WEIGHTS) / np.sum(CITY_WEIGHTS)
CITY_CDF = np.cumsum(CITY_P)[:-1]
CULTURE_P = np.asarray([c.weight for c in CULTURES]) / sum(c.weight for c in CULTURES)
CULTURE_CDF = np.cumsum(CULTURE_P)[:-1]  # searchsorted on a uniform draw: far cheaper than rng.choice


def ascii_fold(text: str) -> str:
    """`José Núñez` → `Jose Nunez`, for e-mail local parts."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


@dataclass
class Label:
    party: int
    scheme: str
    role: str
    trafficking_type: str
    ring_id: str


@dataclass
class Ring:
    ring_id: str
    scheme: str
    trafficking_type: str
    strength: str
    parties: int = 0
    controller_external: bool = False
    external_account: str = ""
    external_name: str = ""


WAGE_TRUTH_KINDS = ("wages_in", "diverted", "swept", "fees")


@dataclass
class Community:
    """Everything generated for one community, with the helpers behaviours and schemes share."""

    index: int
    rng: np.random.Generator
    start: date
    days: int
    names: StringPool = field(default_factory=StringPool)
    ext_accounts: StringPool = field(default_factory=StringPool)
    merchants: StringPool = field(default_factory=StringPool)
    descs: StringPool = field(default_factory=StringPool)
    devices: StringPool = field(default_factory=StringPool)
    cities: StringPool = field(default_factory=StringPool)
    countries: StringPool = field(default_factory=StringPool)
    mccs: StringPool = field(default_factory=StringPool)
    parties: PartyTable = field(default_factory=PartyTable)
    accounts: AccountTable = field(default_factory=AccountTable)
    holders: list[tuple[int, int, str]] = field(default_factory=list)
    events: EventBuffer = field(default_factory=EventBuffer)
    labels: list[Label] = field(default_factory=list)
    rings: list[Ring] = field(default_factory=list)
    #: Ground truth for restitution: one entry per money event of a labelled labour victim, as
    #: (victim party, kind index in WAGE_TRUTH_KINDS, cents, account, on-us counterparty account or -1,
    #: timestamp); the writer sums the entries whose transaction it writes (see `owe`).
    wage_events: list[tuple[int, int, int, int, int, int]] = field(default_factory=list)
    #: Victims of debt-bondage rings: their wages come from outside employers through the everyday payroll
    #: behaviour, so the writer reads their truth from the payroll rows it writes.
    debt_victims: set[int] = field(default_factory=set)
    _ext_by_name: dict[str, int] = field(default_factory=dict)
    _ext_names: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for city in CITIES:  # city codes equal city indexes in world.CITIES
            self.cities.idx(city.name)
        self.us = self.countries.idx("US")
        self.start_ts = (self.start - EPOCH).days * DAY

    # ----- time -------------------------------------------------------------------------------------------
    def ts(self, day: Any, seconds: Any) -> IntArray:
        """Timestamp (seconds, local time) of `seconds` after midnight of period day `day`."""
        return np.asarray(self.start_ts + np.asarray(day) * DAY + np.asarray(seconds), dtype=np.int64)

    def date_str(self, day: int) -> str:
        return (self.start + timedelta(days=int(day))).isoformat()

    def weekdays(self, weekday: int) -> IntArray:
        """Period days falling on `weekday` (0 = Monday)."""
        days = np.arange(self.days)
        return np.asarray(days[(self.start.weekday() + days) % 7 == weekday], dtype=np.int64)

    def month_starts(self) -> IntArray:
        days = [d for d in range(self.days) if (self.start + timedelta(days=d)).day == 1]
        return np.asarray(days if days and days[0] == 0 else [0, *days], dtype=np.int64)

    # ----- identities -------------------------------------------------------------------------------------
    def culture(self, key: str | None = None) -> Culture:
        if key is not None:
            return next(c for c in CULTURES if c.key == key)
        return CULTURES[int(np.searchsorted(CULTURE_CDF, self.rng.random(), side="right"))]

    def person_name(self, culture: Culture, sex: str, surname: str | None = None) -> str:
        first = culture.female if sex == "F" else culture.male
        return f"{first[self.rng.integers(len(first))]} {surname or self.surname(culture)}"

    def surname(self, culture: Culture) -> str:
        return culture.surnames[int(self.rng.integers(len(culture.surnames)))]

    def city_index(self) -> int:
        return int(np.searchsorted(CITY_CDF, self.rng.random(), side="right"))

    def address(self, unit: bool | None = None) -> str:
        street = STREETS[int(self.rng.integers(len(STREETS)))]
        line = f"{int(self.rng.integers(1, 9900))} {street}"
        if unit if unit is not None else self.rng.random() < 0.5:
            line += f" Apt {int(self.rng.integers(1, 30))}{'ABCD'[int(self.rng.integers(4))]}"
        return line

    def postal_code(self, city: int) -> str:
        return f"{CITIES[city].zip3}{int(self.rng.integers(0, 100)):02d}"

    def phone_number(self, city: int) -> str:
        """Ten digits; `format_phone` renders them as a clerk might have typed them."""
        return f"{CITIES[city].area_code}{int(self.rng.integers(200, 1000))}{int(self.rng.integers(0, 10000)):04d}"

    def format_phone(self, digits: str, style: int | None = None) -> str:
        s = int(self.rng.integers(4)) if style is None else style
        a, b, c = digits[:3], digits[3:6], digits[6:]
        return (f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"+1 {a} {b} {c}", f"{a}{b}{c}")[s]

    def email(self, name: str) -> str:
        parts = ascii_fold(name).lower().replace("-", "").split()
        local = ".".join(parts) if self.rng.random() < 0.6 else parts[0] + parts[-1][:1]
        domain = EMAIL_DOMAINS[int(self.rng.integers(len(EMAIL_DOMAINS)))]
        return f"{local}{int(self.rng.integers(1, 99))}@{domain}"

    def dob(self, min_age: int, max_age: int) -> str:
        age_days = int(self.rng.integers(min_age * 365, max_age * 365 + 364))
        return (self.start - timedelta(days=age_days)).isoformat()

    def ssn_like(self) -> str:
        """`9xx-xx-xxxx`: the ITIN range, never a valid SSN, so no real person's number is produced."""
        r = self.rng.integers
        return f"9{int(r(0, 100)):02d}-{int(r(70, 100)):02d}-{int(r(0, 10000)):04d}"

    def passport(self, country: str) -> str:
        return f"{country}{int(self.rng.integers(10_000_000, 100_000_000))}"

    def ein(self) -> str:
        return f"{int(self.rng.integers(10, 99))}-{int(self.rng.integers(1_000_000, 9_999_999))}"

    def device(self) -> int:
        return self.devices.idx(f"dev-{int(self.rng.integers(0, 2**48)):012x}")

    def ext_account(self, name: str, country: str = "US") -> int:
        """External account code (for `cpa`) of a counterparty outside the bank, stable per name."""
        code = self._ext_by_name.get(name)
        if code is None:
            if country == "US":
                number = f"{int(self.rng.integers(10**8, 10**9))}:{int(self.rng.integers(10**9, 10**10))}"
            else:
                number = f"{country}{int(self.rng.integers(10, 99))}{int(self.rng.integers(10**13, 10**14))}"
            code = -(self.ext_accounts.idx(number) + 2)
            self._ext_by_name[name] = code
            self._ext_names[code] = name
        return code

    def ext_name(self, code: int) -> str:
        """The counterparty name an external account code was created for (before any `|` qualifier)."""
        return self._ext_names[code].split("|")[0]

    def ext_account_str(self, code: int) -> str:
        return self.ext_accounts._values[-code - 2]

    # ----- tables -----------------------------------------------------------------------------------------
    def branch(self, city: int) -> tuple[str, str]:
        code = "".join(w[0] for w in CITIES[city].name.split()).upper()
        code = (code + CITIES[city].name.replace(" ", "").upper())[:3]
        return f"BR-{code}-{int(self.rng.integers(1, 4))}", CITIES[city].name

    def open_account(
        self, party: int, account_type: str, opened_day: int, city: int, branch: tuple[str, str] | None = None
    ) -> int:
        """Open an account; `opened_day` may be negative (before the period starts)."""
        where = branch or self.branch(city)
        return self.accounts.add(party, account_type, self.date_str(opened_day), where[0], where[1])

    def acct_name(self) -> IntArray:
        """Holder-name code of every local account (for the `cpn` of on-us transfers)."""
        return np.asarray(self.parties.name_code, dtype=np.int64)[
            np.asarray(self.accounts.party, dtype=np.int64)
        ]

    def owe(self, party: int, kind: str, cents: int, acct: int, ts: Any, cpa: int = -1) -> None:
        """Record what a labour-trafficking victim earned or lost, as the generator decided it.

        `kind` is `wages_in` (paid into the victim's account), `diverted` (wages for their work paid to a
        controller), `swept` (taken from their account by a controller, including cash handed over) or
        `fees` (recruitment, visa and similar fees they paid, and repayments of a recruitment debt). `acct`,
        `ts` and `cpa` (an on-us counterparty account) are those of the transaction that moves the money: an
        event the writer leaves out (booked before its account was opened) is left out of the truth too, so
        the truth is what the bank's data shows. This is the truth a restitution schedule computed from the
        transactions is checked against.
        """
        self.wage_events.append(
            (int(party), WAGE_TRUTH_KINDS.index(kind), int(cents), int(acct), int(cpa), int(ts))
        )

    def label(self, party: int, ring: Ring, role: str) -> None:
        self.labels.append(Label(party, ring.scheme, role, ring.trafficking_type, ring.ring_id))
        ring.parties += 1
