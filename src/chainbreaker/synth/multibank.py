"""Multi-bank mode of the synthetic world: several banks whose customers and trafficking rings overlap.

An FIU receives reports about the same people from different banks, each bank spelling names its own way
(one records a middle name, another does not; a clerk's typo; a nickname), holding its own account numbers,
formatting phones differently. This module builds such a world with the truth an FIU never has: which
filed party is which person. It produces plain records (reports, parties, transactions); turning them into
goAML and FinCEN files with our own writers is the FIU package's job (`chainbreaker.fiu.synthetic`), since
`synth` imports only `core`.

Rings change over the year: from the second half some sex-trafficking rings add a new indicator (moving from
escort ads to a new payment channel), so pattern analysis has a shifting business model to find. People
with the same name but different birth dates exist on purpose, so exact-name linking is wrong on them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from chainbreaker.synth.names import CULTURES

SEX_INDICATORS = ("ST-01", "ST-03", "ST-04", "ST-05", "ST-13", "ST-17", "G-06", "G-09", "G-10")
LABOUR_INDICATORS = ("LT-01", "LT-02", "LT-05", "LT-06", "LT-07", "LT-10", "G-07", "G-09", "G-12")
#: From July on, a third of the sex rings add this one (a new channel: a shifting business model).
SHIFT_INDICATOR = "ST-20"
NICKNAMES = {"William": "Bill", "Robert": "Bob", "Katherine": "Kate", "Elizabeth": "Liz", "Michael": "Mike"}
CHANNELS = ("cash", "wire", "p2p", "card", "ach", "atm")
REGIONS = (("Dubai", "AE"), ("Abu Dhabi", "AE"), ("Sharjah", "AE"), ("Houston", "US"), ("Newark", "US"))


@dataclass(frozen=True)
class MultiBankConfig:
    """How big the world is; `reports` is a target the generator reaches within a few percent."""

    reports: int = 2000
    banks: int = 6
    seed: int = 16
    year: int = 2025
    #: Chance that a ring member also banks at a second (third, ...) bank of the ring.
    overlap: float = 0.6
    #: Chance that a bank records a typo in a name.
    typo_rate: float = 0.03


@dataclass(frozen=True)
class Person:
    """One real person (the truth)."""

    person_id: str
    first: str
    middle: str | None
    last: str
    gender: str
    birth_date: date
    id_number: str
    phone: str
    nationality: str
    city: str
    country: str
    address: str


@dataclass(frozen=True)
class Bank:
    bank_id: str
    name: str
    fmt: str  # goaml or fincen-sar
    rentity_id: int
    ein: str
    city: str
    country: str


@dataclass(frozen=True)
class Customer:
    """A person as one bank knows them: its customer id, account, and the name as its clerk typed it."""

    bank_id: str
    customer_id: str
    account_id: str
    person_id: str
    name: str
    phone: str


@dataclass(frozen=True)
class FiledTransaction:
    txn_id: str
    customer_id: str
    account_id: str
    counterparty_customer: str | None
    counterparty_account: str | None
    counterparty_name: str | None
    amount: float
    currency: str
    channel: str
    direction: str
    booked_at: datetime
    city: str
    country: str
    indicator_id: str


@dataclass
class FiledReport:
    """One report a bank files about one ring in one period, with the truth of who is who."""

    bank_id: str
    reference: str
    ring_id: str
    trafficking_type: str
    indicators: list[str]
    subjects: list[Customer]
    victims: list[Customer]
    transactions: list[FiledTransaction]
    filed_at: datetime
    period_start: datetime
    period_end: datetime
    region: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class MultiBankWorld:
    persons: dict[str, Person]
    banks: list[Bank]
    reports: list[FiledReport]


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _recorded_name(rng: random.Random, person: Person, typo_rate: float) -> str:
    first = person.first
    if first in NICKNAMES and rng.random() < 0.3:
        first = NICKNAMES[first]
    last = person.last
    if rng.random() < typo_rate:
        last = _typo(rng, last)
    parts = [first, person.middle, last] if person.middle and rng.random() < 0.5 else [first, last]
    return " ".join(p for p in parts if p)


def _person(rng: random.Random, number: int, year: int) -> Person:
    culture = rng.choices(CULTURES, weights=[c.weight for c in CULTURES])[0]
    gender = rng.choice("MF")
    first = rng.choice(culture.male if gender == "M" else culture.female)
    middle_pool = culture.male if gender == "M" else culture.female
    middle = rng.choice(middle_pool) if rng.random() < 0.3 else None
    if middle == first:
        middle = None
    city, country = rng.choice(REGIONS)
    born = date(year - rng.randint(18, 60), rng.randint(1, 12), rng.randint(1, 28))
    return Person(
        person_id=f"P{number:07d}",
        first=first,
        middle=middle,
        last=rng.choice(culture.surnames),
        gender=gender,
        birth_date=born,
        id_number=f"{culture.country}{rng.randrange(10**7, 10**8)}",
        phone=f"+1555{rng.randrange(10**6, 10**7)}",
        nationality=culture.country if rng.random() < culture.immigrant_share else country,
        city=city,
        country=country,
        address=f"{rng.randint(1, 999)} {rng.choice(('Palm', 'Harbor', 'Market', 'Lake', 'Cedar'))} Street",
    )


def generate_multibank(config: MultiBankConfig) -> MultiBankWorld:
    """A world of banks, people, rings and the reports the banks file about them (deterministic per seed)."""
    rng = random.Random(config.seed)  # noqa: S311 - synthetic data, reproducible per seed, not secrets
    banks = [
        Bank(
            bank_id=f"B{b + 1:02d}",
            name=f"Synthetic Bank {b + 1}",
            fmt="goaml" if b % 2 == 0 else "fincen-sar",
            rentity_id=9100 + b,
            ein=f"{10 + b:02d}{rng.randrange(10**6, 10**7)}",
            city=REGIONS[b % len(REGIONS)][0],
            country=REGIONS[b % len(REGIONS)][1],
        )
        for b in range(config.banks)
    ]
    persons: dict[str, Person] = {}
    customers: dict[tuple[str, str], Customer] = {}
    reports: list[FiledReport] = []
    counter = {"person": 0, "customer": 0, "txn": 0}

    def new_person() -> Person:
        counter["person"] += 1
        p = _person(rng, counter["person"], config.year)
        # Namesakes on purpose: now and then a new person takes an existing person's full name.
        if persons and rng.random() < 0.08:
            other = persons[rng.choice(list(persons))]
            p = Person(**{**p.__dict__, "first": other.first, "middle": other.middle, "last": other.last})
        persons[p.person_id] = p
        return p

    def customer(bank: Bank, person: Person) -> Customer:
        key = (bank.bank_id, person.person_id)
        if key not in customers:
            counter["customer"] += 1
            n = counter["customer"]
            phone = person.phone if rng.random() < 0.5 else person.phone.removeprefix("+1")
            customers[key] = Customer(
                bank.bank_id,
                f"{bank.bank_id}-C{n:07d}",
                f"{bank.bank_id}{n:010d}",
                person.person_id,
                _recorded_name(rng, person, config.typo_rate),
                phone,
            )
        return customers[key]

    ring = 0
    while len(reports) < config.reports:
        ring += 1
        kind = rng.choices(("sex", "labour", "mixed"), weights=(0.55, 0.4, 0.05))[0]
        controllers = [new_person() for _ in range(rng.randint(1, 3))]
        victims = [new_person() for _ in range(rng.randint(1, 4))]
        home = rng.randrange(len(banks))
        ring_banks = [banks[home]]
        while rng.random() < config.overlap and len(ring_banks) < len(banks):
            candidate = banks[rng.randrange(len(banks))]
            if candidate not in ring_banks:
                ring_banks.append(candidate)
        pool = (
            SEX_INDICATORS
            if kind == "sex"
            else LABOUR_INDICATORS
            if kind == "labour"
            else SEX_INDICATORS + LABOUR_INDICATORS
        )
        base = rng.sample(pool, 3)
        start_month = rng.randint(1, 12)
        shifts = kind == "sex" and rng.random() < 0.35
        city, country = rng.choice(REGIONS)
        for bank in ring_banks:
            subjects = [customer(bank, p) for p in controllers if bank is ring_banks[0] or rng.random() < 0.7]
            if not subjects:
                subjects = [customer(bank, controllers[0])]
            held = [customer(bank, v) for v in victims if rng.random() < 0.8] or [customer(bank, victims[0])]
            for filing in range(rng.randint(1, 4)):
                month = min(12, start_month + filing * 2)
                indicators = list(base)
                if shifts and month >= 7:
                    indicators.append(SHIFT_INDICATOR)
                period_start = datetime(config.year, month, 1, 9)
                period_end = period_start + timedelta(days=25)
                txns = []
                for victim in held:
                    for _ in range(rng.randint(1, 3)):
                        counter["txn"] += 1
                        controller = rng.choice(subjects)
                        txns.append(
                            FiledTransaction(
                                txn_id=f"T{counter['txn']:09d}",
                                customer_id=victim.customer_id,
                                account_id=victim.account_id,
                                counterparty_customer=controller.customer_id,
                                counterparty_account=controller.account_id,
                                counterparty_name=None,
                                amount=round(rng.uniform(50, 3000), 2),
                                currency="USD",
                                channel=rng.choice(CHANNELS),
                                direction="out",
                                booked_at=period_start
                                + timedelta(days=rng.randint(0, 24), hours=rng.randint(0, 9)),
                                city=city,
                                country=country,
                                indicator_id=rng.choice(indicators),
                            )
                        )
                delay = rng.randint(5, 60 if bank.fmt == "goaml" else 30)
                reports.append(
                    FiledReport(
                        bank_id=bank.bank_id,
                        reference=f"{bank.bank_id}-R{ring:05d}-{filing + 1}",
                        ring_id=f"R{ring:05d}",
                        trafficking_type=kind,
                        indicators=indicators,
                        subjects=subjects,
                        victims=held,
                        transactions=txns,
                        filed_at=period_end + timedelta(days=delay),
                        period_start=period_start,
                        period_end=period_end,
                        region=city,
                    )
                )
    return MultiBankWorld(persons, banks, reports[: config.reports])
