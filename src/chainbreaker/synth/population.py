"""The ordinary population of a community: persons in households, businesses, employment and accounts.

Look-alikes are part of the ordinary population on purpose (segments `TIPPED`, `CASH_ONLY`, `NIGHT`,
`STUDENT`, `TRAVELLER`; flags for landlords, savings circles, ad buyers, prepaid and gambling): they are the
negatives that make naive single rules fail. Their behaviour is generated in `behaviours.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from chainbreaker.synth.community import Community, ascii_fold
from chainbreaker.synth.names import CULTURES
from chainbreaker.synth.world import (
    BUSINESS_KINDS,
    CITIES,
    EXTERNAL_EMPLOYERS,
    LANDLORDS,
    MORTGAGE_SERVICERS,
    NIGHT_SHIFT_EMPLOYERS,
    TIPPED_OCCUPATIONS,
    TRAVEL_EMPLOYERS,
    UNIVERSITIES,
)

SALARIED, HOURLY, TIPPED, CASH_ONLY, NIGHT, STUDENT, TRAVELLER, RETIREE, GIG, SCHEME = range(10)
SEGMENT_P = {
    SALARIED: 0.44,
    HOURLY: 0.16,
    TIPPED: 0.05,
    CASH_ONLY: 0.02,
    NIGHT: 0.07,
    STUDENT: 0.07,
    TRAVELLER: 0.04,
    RETIREE: 0.1,
    GIG: 0.05,
}

# person flags (bit mask); SWEEPER: moves most of each pay to an own account at another bank
REMITTER, GAMBLER, PREPAID_USER, AD_BUYER, LANDLORD, TANDA, HOMEOWNER, SWEEPER = (1 << i for i in range(8))
#: Businesses that may house staff at their premises, and the share of them that do (benign; see
#: `_live_in_staff`). No statistic gives the share; it is set so that every small bank holds a few.
LIVE_IN_KINDS = frozenset(
    {"restaurant", "bar", "grocery", "nail_salon", "spa", "construction", "landscaping"}
)
LIVE_IN_SHARE = 0.15
#: Share of roommate flats whose adults are compatriots (one naming culture; newcomers room with newcomers, so
#: they share the first roommate's nationality): the benign look-alike of employer-provided housing, which the
#: roll-up reads from unrelated foreign nationals of one country at one address (`pipeline._housing_groups`).
#: No statistic gives the share; one in two was set before any run ("common", neither "always" nor "rare").
COMPATRIOT_FLAT_SHARE = 0.5
#: Share of ordinary persons who became customers during the period (steady onboarding, every style).
NEW_CUSTOMER_SHARE = 0.15


@dataclass
class People:
    """Per-person attributes that behaviours read, as growing lists (converted with `arrays()`)."""

    party: list[int] = field(default_factory=list)
    checking: list[int] = field(default_factory=list)
    savings: list[int] = field(default_factory=list)
    credit: list[int] = field(default_factory=list)
    city: list[int] = field(default_factory=list)
    segment: list[int] = field(default_factory=list)
    income: list[float] = field(default_factory=list)  # spending scale, 1 = median
    device: list[int] = field(default_factory=list)
    culture: list[int] = field(default_factory=list)
    flags: list[int] = field(default_factory=list)
    active_from: list[int] = field(default_factory=list)  # first period day with activity
    employer_acct: list[int] = field(default_factory=list)  # local business account, -1 external/none
    employer_name: list[str] = field(default_factory=list)
    pay_every: list[int] = field(default_factory=list)  # days between paydays, 0 = no payroll
    wage: list[int] = field(default_factory=list)  # cents per payday
    rent_to: list[int] = field(default_factory=list)  # local account (on-us) or external code; -1 none
    rent: list[int] = field(default_factory=list)  # cents per month, 0 = pays none

    def append(self, **values: int | float | str) -> int:
        for name, value in values.items():
            getattr(self, name).append(value)
        return len(self.party) - 1

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        return {
            name: np.asarray(getattr(self, name))
            for name in self.__dataclass_fields__
            if name != "employer_name"
        }


@dataclass
class Business:
    party: int
    account: int
    kind: int
    city: int
    name: str
    owner: int = -1  # person index in People
    employees: list[int] = field(default_factory=list)  # person indexes (in the bank)
    external_staff: int = 0  # staff paid outside the bank (one ACH batch per payday)
    pay_every: int = 14
    wage: int = 0


def _new_person(
    c: Community,
    people: People,
    segment: int,
    city: int,
    culture_i: int,
    sex: str,
    surname: str | None,
    address: str,
    phone: str,
    postal: str | None = None,
    immigrant: bool | None = None,
) -> int:
    """One person; `immigrant` (born abroad: the culture's nationality) is drawn from the culture's share
    unless given (a compatriot roommate shares the first roommate's)."""
    culture = CULTURES[culture_i]
    drawn = c.rng.random() < culture.immigrant_share
    immigrant = drawn if immigrant is None else immigrant
    if segment == STUDENT:
        dob, onboard = c.dob(18, 24), int(c.rng.integers(-400, -20))
    elif segment == RETIREE:
        dob, onboard = c.dob(65, 88), int(c.rng.integers(-7000, -200))
    else:
        dob, onboard = c.dob(22, 64), int(c.rng.integers(-6000, -20))
    if c.rng.random() < NEW_CUSTOMER_SHARE:
        # steady account opening all through the period: a real bank onboards thousands a month, so new
        # accounts (and batches of them: checking, savings and a card on the same day) are not a ring's mark
        onboard = int(c.rng.integers(0, max(1, c.days - 14)))
    name = c.person_name(culture, sex, surname)
    party = c.parties.add(
        c.names,
        sex,
        party_type="person",
        name=name,
        date_of_birth=dob,
        nationality=culture.country if immigrant else "US",
        country="US",
        address=address,
        city=CITIES[city].name,
        postal_code=postal or c.postal_code(city),
        phone=phone,
        email=c.email(name),
        id_number=c.passport(culture.country) if immigrant and c.rng.random() < 0.4 else c.ssn_like(),
        onboarded_at=c.date_str(onboard),
    )
    checking = c.open_account(party, "checking", onboard, city)
    later = onboard if onboard >= 0 else None  # a new customer opens the rest on the same day
    savings = (
        c.open_account(
            party,
            "savings",
            later if later is not None else min(-1, onboard + int(c.rng.integers(0, 300))),
            city,
        )
        if c.rng.random() < 0.45
        else -1
    )
    credit = (
        c.open_account(
            party,
            "credit_card",
            later if later is not None else min(-1, onboard + int(c.rng.integers(0, 500))),
            city,
        )
        if c.rng.random() < 0.35
        else -1
    )
    flags = 0
    if immigrant and culture.country != "US" and c.rng.random() < 0.7:
        flags |= REMITTER
    for flag, share in (
        (GAMBLER, 0.015),
        (PREPAID_USER, 0.02),
        (AD_BUYER, 0.015),
        (HOMEOWNER, 0.3),
        (SWEEPER, 0.06),
    ):
        if c.rng.random() < share:
            flags |= flag
    income = float(np.exp(c.rng.normal(0.0, 0.45)))
    return people.append(
        party=party,
        checking=checking,
        savings=savings,
        credit=credit,
        city=city,
        segment=segment,
        income=income,
        device=c.device(),
        culture=culture_i,
        flags=flags,
        active_from=max(0, onboard),
        employer_acct=-1,
        employer_name="",
        pay_every=0,
        wage=0,
        rent_to=-1,
        rent=0,
    )


def _households(c: Community, people: People, n: int) -> None:
    """Persons grouped into families, roommate flats and (for students) dorms; shared ids are benign."""
    segments = list(SEGMENT_P)
    seg_p = np.asarray(list(SEGMENT_P.values()))
    seg_p = seg_p / seg_p.sum()
    dorms: dict[int, tuple[str, str]] = {}
    made = 0
    while made < n:
        city = c.city_index()
        size = int(c.rng.choice([1, 2, 3, 4, 5], p=[0.32, 0.3, 0.17, 0.13, 0.08]))
        size = min(size, n - made)
        segment = int(c.rng.choice(segments, p=seg_p))
        if segment == STUDENT and c.rng.random() < 0.5:  # dorm residents share one address, no unit
            dorm, dorm_postal = dorms.setdefault(
                city,
                (f"{int(c.rng.integers(100, 999))} College Ave, University Housing", c.postal_code(city)),
            )
            culture_i = CULTURES.index(c.culture())
            _new_person(
                c,
                people,
                STUDENT,
                city,
                culture_i,
                "F" if c.rng.random() < 0.5 else "M",
                None,
                dorm,
                c.format_phone(c.phone_number(city)),
                dorm_postal,
            )
            made += 1
            continue
        roommates = size > 1 and c.rng.random() < 0.3
        compatriots = roommates and c.rng.random() < COMPATRIOT_FLAT_SHARE
        address = c.address(unit=True if roommates else None)
        postal = c.postal_code(city)
        landline = c.phone_number(city) if (not roommates and size > 1 and c.rng.random() < 0.25) else ""
        family_culture = CULTURES.index(c.culture())
        surname = c.surname(CULTURES[family_culture])
        members: list[int] = []
        for k in range(size):
            culture_i = int(c.rng.choice(len(CULTURES))) if roommates and not compatriots else family_culture
            seg = segment if k == 0 else int(c.rng.choice(segments, p=seg_p))
            sex = "F" if c.rng.random() < 0.5 else "M"
            phone = c.format_phone(landline) if landline else c.format_phone(c.phone_number(city))
            first_born_abroad = (
                c.parties.get(people.party[members[0]], "nationality") != "US"
                if compatriots and members
                else None
            )
            members.append(
                _new_person(
                    c,
                    people,
                    seg,
                    city,
                    culture_i,
                    sex,
                    None if roommates else surname,
                    address,
                    phone,
                    postal,
                    immigrant=first_born_abroad,
                )
            )
        if not roommates and size > 1 and c.rng.random() < 0.5:  # couples share a joint checking account
            first, second = members[0], members[1]
            c.holders.append((people.checking[first], people.party[second], "joint"))
        if not roommates and size > 1 and c.rng.random() < 0.3:  # a family tablet: one device, several people
            for member in members[1:]:
                people.device[member] = people.device[members[0]]
        made += size


def _employment(c: Community, people: People) -> list[Business]:
    """Create the community's businesses and give everyone an employer, wage and rent."""
    n = len(people.party)
    kinds_p = np.asarray([k.weight for k in BUSINESS_KINDS])
    kinds_p = kinds_p / kinds_p.sum()
    businesses: list[Business] = []
    seg = np.asarray(people.segment)
    city = np.asarray(people.city)
    employable = {i for i in range(n) if seg[i] in (SALARIED, HOURLY, TIPPED, NIGHT)}
    for _ in range(max(3, n // 40)):
        kind_i = int(c.rng.choice(len(BUSINESS_KINDS), p=kinds_p))
        kind = BUSINESS_KINDS[kind_i]
        bcity = c.city_index()
        suffix = ("LLC", "Inc", "Corp", "")[int(c.rng.integers(4))]
        base = kind.names[int(c.rng.integers(len(kind.names)))]
        name = f"{base} {CITIES[bcity].name}" if c.rng.random() < 0.5 else base
        name = f"{name} {suffix}".strip()
        onboard = int(c.rng.integers(-5000, -60))
        party = c.parties.add(
            c.names,
            "",
            party_type="organization",
            name=name,
            country="US",
            address=c.address(unit=False),
            city=CITIES[bcity].name,
            postal_code=c.postal_code(bcity),
            phone=c.format_phone(c.phone_number(bcity)),
            email=f"info@{ascii_fold_domain(base)}.com",
            industry=kind.industry,
            naics=kind.naics,
            id_number=c.ein(),
            onboarded_at=c.date_str(onboard),
        )
        account = c.open_account(party, "business", onboard, bcity)
        b = Business(party, account, kind_i, bcity, name)
        b.pay_every = 7 if kind.key in ("staffing", "construction", "restaurant", "landscaping") else 14
        headcount = int(c.rng.integers(20, 60)) if kind.key == "staffing" else int(c.rng.integers(3, 15))
        local = [i for i in employable if city[i] == bcity][:headcount]
        for i in local:
            employable.discard(i)
            b.employees.append(i)
        b.external_staff = max(0, headcount - len(local)) + int(c.rng.integers(0, 10))
        b.wage = int(np.exp(c.rng.normal(np.log(720 if b.pay_every == 7 else 1500), 0.2)) * 100)
        occupations = kind.occupations
        for i in b.employees:
            people.employer_acct[i] = account
            people.employer_name[i] = name
            people.pay_every[i] = b.pay_every
            people.wage[i] = int(b.wage * float(np.exp(c.rng.normal(0, 0.15))))
            c.parties.set(
                people.party[i], employer=name, occupation=occupations[int(c.rng.integers(len(occupations)))]
            )
        _live_in_staff(c, people, b, kind.key)
        # an owner from the community signs for the business account (some own two businesses)
        owner = _pick_owner(c, people, businesses)
        b.owner = owner
        c.holders.append((account, people.party[owner], "signatory"))
        businesses.append(b)
    for i in range(n):
        _job(c, people, i)
    _rents(c, people)
    return businesses


def _live_in_staff(c: Community, people: People, b: Business, kind: str) -> None:
    """A benign look-alike of workers housed by a trafficking front: some lawful employers house staff at
    the premises (a cook above the restaurant, a crew in the contractor's bunkhouse, employer-provided housing
    for farm and construction labour), so their KYC address is the business's. Only a red flag of the
    business, never the shared address alone, may make them likely victims."""
    # only staff who live in the business's city: a home is a street and a city
    local = [i for i in b.employees if people.city[i] == b.city]
    if kind not in LIVE_IN_KINDS or not local or c.rng.random() >= LIVE_IN_SHARE:
        return
    address = c.parties.get(b.party, "address")
    postal_code = c.parties.get(b.party, "postal_code")
    k = min(len(local), int(c.rng.integers(1, 4)))
    for i in c.rng.choice(np.asarray(local), size=k, replace=False):
        c.parties.set(people.party[int(i)], address=address, postal_code=postal_code)


def ascii_fold_domain(name: str) -> str:
    return "".join(ch for ch in ascii_fold(name).lower() if ch.isalnum())


def _pick_owner(c: Community, people: People, businesses: list[Business]) -> int:
    if businesses and c.rng.random() < 0.1:
        return businesses[int(c.rng.integers(len(businesses)))].owner
    salaried = [i for i, s in enumerate(people.segment) if s == SALARIED]
    pool = salaried or list(range(len(people.party)))
    return pool[int(c.rng.integers(len(pool)))]


def _job(c: Community, people: People, i: int) -> None:
    """Occupation, employer and wage of a person without an on-us employer."""
    seg = people.segment[i]
    city = CITIES[people.city[i]]
    party = people.party[i]
    if people.employer_acct[i] >= 0:
        if seg == TIPPED:
            people.wage[i] //= 3  # tipped minimum wage; most income is cash tips
        return
    if seg == STUDENT:
        c.parties.set(
            party, occupation="student", employer=UNIVERSITIES[int(c.rng.integers(len(UNIVERSITIES)))]
        )
        if c.rng.random() < 0.4:  # part-time job
            _external_pay(c, people, i, "STARBUCKS CORP", 14, 450)
        return
    if seg == RETIREE:
        c.parties.set(party, occupation="retired")
        return
    if seg == CASH_ONLY:
        c.parties.set(
            party,
            occupation=TIPPED_OCCUPATIONS[int(c.rng.integers(2, len(TIPPED_OCCUPATIONS)))],
            employer="self-employed",
        )
        return
    if seg == GIG:
        c.parties.set(party, occupation="rideshare driver", employer="self-employed")
        return
    if seg == TIPPED:
        occ = TIPPED_OCCUPATIONS[int(c.rng.integers(2))]
        employer, median = ("THE CHEESECAKE FACTORY", 350)
        c.parties.set(party, occupation=occ)
    elif seg == NIGHT:
        employer, occ = NIGHT_SHIFT_EMPLOYERS[int(c.rng.integers(len(NIGHT_SHIFT_EMPLOYERS)))]
        median = 2100
        c.parties.set(party, occupation=occ)
    elif seg == TRAVELLER:
        employer, occ = TRAVEL_EMPLOYERS[int(c.rng.integers(len(TRAVEL_EMPLOYERS)))]
        median = 4200
        c.parties.set(party, occupation=occ)
    else:
        employer, occ = EXTERNAL_EMPLOYERS[int(c.rng.integers(len(EXTERNAL_EMPLOYERS)))]
        employer = employer.format(city=city.name.upper(), state=city.state)
        median = 2000 if seg == SALARIED else 760
        c.parties.set(party, occupation=occ)
    every = 7 if seg == HOURLY else 14
    if seg == SALARIED:  # paydays come weekly, bi-weekly, semi-monthly (1st, 15th) or monthly
        every = int(c.rng.choice([14, 15, 30], p=[0.5, 0.25, 0.25]))
    _external_pay(c, people, i, employer, every, median * every / 14 if seg == SALARIED else median)


def _external_pay(c: Community, people: People, i: int, employer: str, every: int, median: float) -> None:
    people.employer_name[i] = employer
    people.pay_every[i] = every
    people.wage[i] = int(np.exp(c.rng.normal(np.log(median), 0.3)) * 100)
    c.parties.set(people.party[i], employer=employer.title())


def _rents(c: Community, people: People) -> None:
    """Rent or mortgage payee per household head; a few persons are small landlords with on-us tenants."""
    n = len(people.party)
    seen_addresses: set[str] = set()
    landlords: list[int] = []
    for i in range(n):
        address = c.parties.get(people.party[i], "address") or ""
        if people.segment[i] == STUDENT and "University Housing" in address:
            people.rent_to[i] = c.ext_account(f"{CITIES[people.city[i]].name.upper()} STATE UNIV HOUSING")
            people.rent[i] = int(c.rng.integers(500, 900)) * 100
            continue
        roommate_flat = address in seen_addresses and people.segment[i] != RETIREE
        if address in seen_addresses and not roommate_flat:
            continue
        seen_addresses.add(address)
        if people.flags[i] & HOMEOWNER:
            servicer = MORTGAGE_SERVICERS[int(c.rng.integers(len(MORTGAGE_SERVICERS)))]
            people.rent_to[i] = c.ext_account(servicer)
            people.rent[i] = int(np.exp(c.rng.normal(np.log(1900), 0.35))) * 100
            if c.rng.random() < 0.015 and people.segment[i] in (SALARIED, RETIREE):
                landlords.append(i)
        else:
            landlord = LANDLORDS[int(c.rng.integers(len(LANDLORDS)))]
            people.rent_to[i] = c.ext_account(landlord)
            people.rent[i] = int(np.exp(c.rng.normal(np.log(1500), 0.35))) * 100
    # small landlords: 3-6 on-us tenants pay them a fixed monthly rent (a DB-01 look-alike)
    renters = [
        i
        for i in range(n)
        if people.rent[i] > 0 and people.rent_to[i] < -1 and not people.flags[i] & HOMEOWNER
    ]
    for owner in landlords:
        people.flags[owner] |= LANDLORD
        k = min(len(renters), int(c.rng.integers(3, 7)))
        for _ in range(k):
            tenant = renters.pop(int(c.rng.integers(len(renters))))
            people.rent_to[tenant] = people.checking[owner]
            people.rent[tenant] = int(c.rng.integers(9, 22)) * 100 * 100
    # savings circles (tandas): organiser collects a fixed amount from same-culture members monthly
    by_culture: dict[int, list[int]] = {}
    for i in range(n):
        if people.segment[i] not in (STUDENT, RETIREE):
            by_culture.setdefault(people.culture[i], []).append(i)
    for members in by_culture.values():
        if CULTURES[people.culture[members[0]]].key == "anglo" or len(members) < 12:
            continue
        if c.rng.random() < 0.8:
            organiser = members[int(c.rng.integers(len(members)))]
            people.flags[organiser] |= TANDA


def build_population(c: Community, n_persons: int) -> tuple[People, list[Business]]:
    """Create `n_persons` ordinary persons (and their businesses) in community `c`."""
    people = People()
    _households(c, people, n_persons)
    businesses = _employment(c, people)
    return people, businesses
