"""Injected trafficking schemes (rings), each drawn from the red flags of `shared/reference/indicators.md`.

A ring is generated event by event (rings are few, so clarity beats vectorisation here) into the same
event buffer as the ordinary population. `weak` rings show fewer and fainter signals; every ring keeps at
least one money-flow signal (a hub or a sweep) because a ring with no trace in the data cannot be found
by any method and would only add noise to an evaluation. docs/synthetic-bank.md lists each signal and the
indicator ids it should trigger; keep the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chainbreaker.synth.behaviours import card_batches, monthly, paydays
from chainbreaker.synth.community import Community, Ring
from chainbreaker.synth.frame import IN, OUT
from chainbreaker.synth.names import CULTURES
from chainbreaker.synth.population import SCHEME, Business, People
from chainbreaker.synth.world import (
    AD_SITES,
    AIRLINES,
    BUSES,
    CATEGORIES,
    CATEGORY_INDEX,
    CITIES,
    EXTERNAL_EMPLOYERS,
    GAMBLING,
    HIGH_RISK_CORRIDORS,
    LANDLORDS,
    LUXURY,
    MOTELS,
    PREPAID,
    RECRUITMENT,
    RECRUITMENT_COUNTRIES,
)

SCHEME_TYPES: dict[str, str] = {
    "sex": "sex",
    "massage": "sex",
    "labour": "labour",
    "debt": "labour",
    "structuring": "general",
}
#: Mean number of labelled parties per ring (used to turn a prevalence into a number of rings).
MEAN_RING_PARTIES: dict[str, float] = {
    "sex": 5.0,
    "massage": 5.5,
    "labour": 9.0,
    "debt": 7.0,
    "structuring": 2.4,
}
SUBJECT_ROLES = ("controller", "front_business", "recruiter", "structurer", "money_mule")
VICTIM_ROLES = ("victim",)
#: Share of sex and labour rings whose accounts were opened long before the period (a third to three years).
OLD_RING_SHARE = 0.4


@dataclass
class Person:
    """A scheme participant: People index, party, checking account, device and phone digits."""

    i: int
    party: int
    acct: int
    device: int
    phone: str
    city: int
    name: str


def _person(
    c: Community,
    people: People,
    *,
    culture: str | None,
    sex: str,
    city: int,
    age: tuple[int, int],
    onboard: int,
    branch: tuple[str, str] | None = None,
    address: str | None = None,
    postal_code: str | None = None,
    phone: str | None = None,
    immigrant: bool = False,
    occupation: str | None = None,
    employer: str | None = None,
    device: int | None = None,
) -> Person:
    cult = c.culture(culture)
    name = c.person_name(cult, sex)
    digits = c.phone_number(city)
    nationality = cult.country if immigrant else "US"
    party = c.parties.add(
        c.names,
        sex,
        party_type="person",
        name=name,
        date_of_birth=c.dob(*age),
        nationality=nationality,
        country="US",
        address=address or c.address(),
        city=CITIES[city].name,
        postal_code=postal_code or c.postal_code(city),
        phone=phone or c.format_phone(digits),
        email=c.email(name),
        occupation=occupation,
        employer=employer,
        id_number=c.passport(nationality) if immigrant else c.ssn_like(),
        onboarded_at=c.date_str(onboard),
    )
    acct = c.open_account(party, "checking", onboard, city, branch)
    dev = c.device() if device is None else device
    i = people.append(
        party=party,
        checking=acct,
        savings=-1,
        credit=-1,
        city=city,
        segment=SCHEME,
        income=0.7,
        device=dev,
        culture=CULTURES.index(cult),
        flags=0,
        active_from=max(0, onboard),
        employer_acct=-1,
        employer_name="",
        pay_every=0,
        wage=0,
        rent_to=-1,
        rent=0,
    )
    return Person(i, party, acct, dev, digits, city, name)


def _business(
    c: Community, name: str, industry: str, naics: str, city: int, onboard: int, phone: str | None = None
) -> tuple[int, int]:
    party = c.parties.add(
        c.names,
        "",
        party_type="organization",
        name=name,
        country="US",
        address=c.address(unit=False),
        city=CITIES[city].name,
        postal_code=c.postal_code(city),
        phone=phone or c.format_phone(c.phone_number(city)),
        industry=industry,
        naics=naics,
        id_number=c.ein(),
        onboarded_at=c.date_str(onboard),
    )
    return party, c.open_account(party, "business", onboard, city)


def _card(
    c: Community,
    acct: int,
    day: int,
    sec: int,
    cents: int,
    mcc: str,
    merchant: str,
    city: int,
    country: str = "US",
    device: int = -1,
) -> None:
    c.events.add(
        acct,
        c.ts(day, sec),
        max(cents, 100),
        OUT,
        "card",
        mer=c.merchants.idx(merchant),
        mcc=c.mccs.idx(mcc),
        city=city if country == "US" else -1,
        ctry=c.countries.idx(country),
        dev=device,
    )


def _night_sec(c: Community) -> int:
    """A time between 20:00 and 04:00 (can pass midnight: seconds may exceed one day)."""
    return int(20 * 3600 + c.rng.integers(0, 8 * 3600))


def _cents(c: Community, lo: float, hi: float) -> int:
    return round(float(c.rng.uniform(lo, hi)) * 100)


def _to_controller(
    c: Community,
    src: Person,
    ctrl: Person | None,
    ext_code: int,
    ext_name: str,
    day: int,
    sec: int,
    cents: int,
    channel: str,
    desc: str,
    device: int,
) -> None:
    """Move money from a victim to the controller: an on-us pair, or an out row to the outside controller."""
    if ctrl is not None:
        c.events.transfer(
            src.acct,
            ctrl.acct,
            c.ts(day, sec),
            cents,
            channel,
            c.acct_name(),
            desc=c.descs.idx(desc),
            dev=device,
        )
    else:
        c.events.add(
            src.acct,
            c.ts(day, sec),
            cents,
            OUT,
            channel,
            cpa=ext_code,
            cpn=c.names.idx(ext_name),
            desc=c.descs.idx(desc),
            dev=device,
        )


def _external_controller(c: Community, ring: Ring, culture: str | None = None) -> tuple[int, str]:
    name = c.person_name(c.culture(culture), "M").upper()
    code = c.ext_account(f"{name}|ctrl")
    ring.controller_external = True
    ring.external_account = c.ext_account_str(code)
    ring.external_name = name
    return code, name


# --------------------------------------------------------------------------------------------------------
def sex_ring(c: Community, people: People, ring: Ring, weak: bool) -> None:
    """Controller, victims moved along a circuit of cities, ads, motels, earnings swept to the controller."""
    rng = c.rng
    home = c.city_index()
    n_victims = int(rng.integers(2, 4) if weak else rng.integers(3, 7))
    # 40% of rings opened their accounts long ago (a real bank's rings are not all new customers)
    batch = int(rng.integers(-1200, -200)) if rng.random() < OLD_RING_SHARE else int(rng.integers(-90, 40))
    branch = c.branch(home)
    ring_device = c.device()
    external = rng.random() < 0.25
    ctrl: Person | None = None
    ext_code, ext_name = 0, ""
    if external:
        ext_code, ext_name = _external_controller(c, ring)
    else:
        ctrl = _person(
            c,
            people,
            culture=None,
            sex="M",
            city=home,
            age=(24, 45),
            onboard=batch - 3,
            branch=branch,
            device=ring_device,
            occupation=str(rng.choice(["promoter", "self-employed", "music producer", "unemployed"])),
        )
        c.label(ctrl.party, ring, "controller")
        if not weak:  # the controller's own accounts come in a batch too (savings + prepaid, same day)
            for kind in ("savings", "prepaid"):
                c.open_account(ctrl.party, kind, batch - 3, home, branch)
    ctrl_address = c.address() if ctrl is None else (c.parties.get(ctrl.party, "address") or c.address())
    ctrl_digits = c.phone_number(home) if ctrl is None else ctrl.phone
    victims: list[Person] = []
    for k in range(n_victims):
        shared_phone = not weak and rng.random() < 0.6
        shared_address = not weak and rng.random() < 0.5
        onboard = batch + (0 if not weak else int(rng.integers(0, 60))) + (k % 2 if not weak else 0)
        v = _person(
            c,
            people,
            culture=str(rng.choice(["anglo", "hispanic", "east_european", "thai", "korean", "anglo"])),
            sex="F",
            city=home,
            age=(18, 26),
            onboard=onboard,
            branch=branch if not weak else None,
            address=ctrl_address if shared_address else None,
            phone=c.format_phone(ctrl_digits) if shared_phone else None,
            occupation=str(rng.choice(["dancer", "model", "student", "waitress", ""])) or None,
            device=ring_device if not weak else None,
        )
        victims.append(v)
        c.label(v.party, ring, "victim")
        if ctrl is not None and not weak and rng.random() < 0.3:
            c.holders.append((v.acct, ctrl.party, "authorised_user"))
    recruiter: Person | None = None
    if not weak and rng.random() < 0.35:
        recruiter = _person(
            c,
            people,
            culture=None,
            sex="F",
            city=home,
            age=(21, 35),
            onboard=batch - 30,
            phone=c.format_phone(ctrl_digits),
        )
        c.label(recruiter.party, ring, "recruiter")
    start = max(0, batch + 1)
    # circuit: stays of 3-8 days in 3-5 cities (weak rings stay home)
    cities = (
        [home]
        if weak
        else [
            home,
            *rng.choice(
                [x for x in range(len(CITIES)) if x != home], size=int(rng.integers(2, 5)), replace=False
            ).tolist(),
        ]
    )
    stays: list[tuple[int, int, int]] = []
    day, k = start, 0
    while day < c.days:
        length = int(rng.integers(3, 9))
        stays.append((int(cities[k % len(cities)]), day, min(c.days, day + length)))
        day += length
        k += 1
    payer = ctrl or recruiter or victims[0]
    payer_acct = payer.acct
    pending = np.zeros(len(victims), dtype=np.int64)
    for s, (city, d0, d1) in enumerate(stays):
        if s > 0 and not weak:  # tickets for everyone to the next city (ST-07)
            bus = (
                BUSES[int(rng.integers(len(BUSES)))] if rng.random() < 0.7 else AIRLINES[int(rng.integers(6))]
            )
            for _ in range(len(victims) + 1):
                _card(
                    c,
                    payer_acct,
                    d0,
                    int(rng.integers(7, 12)) * 3600,
                    _cents(c, 45, 180) if bus[0] in ("4131", "4112") else _cents(c, 120, 320),
                    bus[0],
                    bus[1],
                    stays[s - 1][0],
                )
        night = d0
        while night < d1:
            nights = int(rng.integers(1, 3))
            motel = MOTELS[int(rng.integers(len(MOTELS)))]
            rooms = 1 if weak else max(1, (len(victims) + 1) // 2)
            if not weak or rng.random() < 0.4:
                for _ in range(rooms):
                    _card(
                        c,
                        payer_acct if not weak else victims[0].acct,
                        night,
                        int(rng.integers(14, 24)) * 3600,
                        _cents(c, 65, 120) * nights,
                        motel[0],
                        motel[1],
                        city,
                    )
            night += nights
        for d in range(d0, d1):
            for vi, v in enumerate(victims):
                if rng.random() < (0.55 if weak else 0.85):  # a working night
                    n_clients = int(rng.poisson(1.5 if weak else 3.0))
                    for _ in range(n_clients):
                        amount = int(rng.choice([80, 100, 150, 200, 250, 300, 400])) * 100
                        c.events.add(
                            v.acct,
                            c.ts(d, _night_sec(c)),
                            amount,
                            IN,
                            "p2p",
                            cpn=c.names.idx(c.person_name(c.culture(), "M").upper()),
                            desc=c.descs.idx(str(rng.choice(["CASHAPP", "ZELLE", "VENMO", "APPLE CASH"]))),
                        )
                        pending[vi] += amount
                    if rng.random() < (0.2 if weak else 0.45):
                        cash = int(rng.integers(10, 41)) * 2000
                        c.events.add(
                            v.acct,
                            c.ts(d, _night_sec(c) if not weak else 14 * 3600),
                            cash,
                            IN,
                            "atm",
                            city=city,
                            ctry=c.us,
                            desc=c.descs.idx("ATM CASH DEPOSIT"),
                        )
                        pending[vi] += cash
                # living costs on the road: fast food late, pharmacy, cosmetics, clothing, taxis, top-ups
                for cat, prob in (
                    ("fast_food", 0.9),
                    ("pharmacy", 0.35),
                    ("cosmetics", 0.15),
                    ("clothing", 0.1),
                    ("taxi", 0.6),
                ):
                    if rng.random() < (prob * (0.5 if weak else 1.0)):
                        m = CATEGORIES[CATEGORY_INDEX[cat]]
                        sec = (
                            _night_sec(c)
                            if cat in ("fast_food", "taxi")
                            else int(rng.integers(11, 20)) * 3600
                        )
                        _card(
                            c,
                            v.acct,
                            d,
                            sec,
                            _cents(c, m.median * 0.6, m.median * 1.6),
                            m.mccs[0] if cat != "clothing" else "5621",
                            m.merchants[int(rng.integers(len(m.merchants)))]
                            if cat != "clothing"
                            else "LINGERIE BOUTIQUE",
                            city,
                        )
                if rng.random() < (0.05 if weak else 0.18):
                    carrier = ("BOOST MOBILE", "CRICKET WIRELESS")[int(rng.integers(2))]
                    _card(
                        c,
                        v.acct,
                        d,
                        int(rng.integers(10, 22)) * 3600,
                        int(rng.choice([15, 25, 40])) * 100,
                        "4814",
                        carrier,
                        city,
                        device=v.device,
                    )
                # sweep: nearly everything goes to the controller within 0-2 days (weak: less, later)
                sweep_now = rng.random() < (0.5 if weak else 0.8)
                if sweep_now and pending[vi] > 2000:
                    share = rng.uniform(0.7, 0.85) if weak else rng.uniform(0.8, 0.95)
                    lag = int(rng.integers(1, 4)) if weak else int(rng.integers(0, 2))
                    if d + lag + 1 < c.days:
                        amount = int(pending[vi] * share)
                        sec = (
                            int(rng.integers(2, 5)) * 3600 + 86400
                            if lag == 0
                            else int(rng.integers(10, 16)) * 3600
                        )
                        channel = "p2p" if ctrl is None else str(rng.choice(["p2p", "internal"]))
                        device = v.device if weak else ring_device
                        if recruiter is not None and rng.random() < 0.25:
                            # the "bottom" collects from the others and passes 90% on the next day
                            c.events.transfer(v.acct, recruiter.acct, c.ts(d + lag, sec), amount, "p2p",
                                              c.acct_name(), desc=c.descs.idx("PAYMENT"), dev=device)  # fmt: skip
                            _to_controller(c, recruiter, ctrl, ext_code, ext_name, d + lag + 1, 12 * 3600,
                                           int(amount * 0.9), channel, "PAYMENT", ring_device)  # fmt: skip
                        else:
                            _to_controller(c, v, ctrl, ext_code, ext_name, d + lag, sec, amount, channel, "PAYMENT",
                                           device)  # fmt: skip
                    pending[vi] = 0
    # the controller's (or, when outside the bank, a victim's) ad footprint and spending
    ad_payer = ctrl.acct if ctrl is not None else victims[0].acct
    ad_device = ring_device if not weak else (ctrl.device if ctrl else victims[0].device)
    ad_every = (2, 5) if not weak else (5, 15)
    d = start + int(rng.integers(0, 3))
    while d < c.days and (not weak or rng.random() < 0.85):
        site = AD_SITES[int(rng.integers(len(AD_SITES)))]
        amount = int(rng.choice([3, 12, 24, 36, 48])) * 100 if not weak else _cents(c, 7, 60)
        for _ in range(1 if weak else int(rng.integers(1, 4))):
            _card(
                c,
                ad_payer,
                d,
                int(rng.integers(0, 86400)),
                amount,
                site[0],
                site[1],
                home,
                site[2],
                ad_device,
            )
        d += int(rng.integers(*ad_every))
    if ctrl is None:
        return
    for d in range(start, c.days):
        r = rng.random()
        if not weak and r < 0.12:
            p = PREPAID[int(rng.integers(len(PREPAID)))]
            _card(
                c,
                ctrl.acct,
                d,
                int(rng.integers(9, 23)) * 3600,
                int(rng.integers(2, 11)) * 5000,
                p[0],
                p[1],
                home,
            )
        if r > (0.9 if not weak else 0.97):
            g = (LUXURY + GAMBLING)[int(rng.integers(len(LUXURY) + len(GAMBLING)))]
            _card(c, ctrl.acct, d, int(rng.integers(12, 24)) * 3600, _cents(c, 150, 2500), g[0], g[1], home)
        if rng.random() < (0.3 if not weak else 0.1):
            c.events.add(
                ctrl.acct,
                c.ts(d, int(rng.integers(0, 86400))),
                int(rng.integers(20, 51)) * 2000,
                OUT,
                "atm",
                city=home,
                ctry=c.us,
                desc=c.descs.idx("ATM WITHDRAWAL"),
            )
        if rng.random() < 0.2 and d % 3 == 0:  # taxis and rideshare in bursts
            for _ in range(int(rng.integers(2, 6))):
                _card(c, ctrl.acct, d, _night_sec(c), _cents(c, 12, 45), "4121", "UBER TRIP", home)
    if not weak:  # the controller pays each woman a small recurring "allowance" (ST-16)
        for w in victims:
            for d in range(start + 3, c.days, 7):
                c.events.transfer(
                    ctrl.acct,
                    w.acct,
                    c.ts(d, 12 * 3600),
                    int(rng.integers(5, 16)) * 1000,
                    "p2p",
                    c.acct_name(),
                    desc=c.descs.idx("ALLOWANCE"),
                    dev=ring_device,
                )


# --------------------------------------------------------------------------------------------------------
#: The share of massage storefronts whose workers live in the shop. Polaris ("Human Trafficking in Illicit
#: Massage Businesses", 2018) and raid reports (Cape Cod Times, 6 Dec 2014; Las Vegas Sun, 6 Mar 2019) describe
#: women living and sleeping where they work; no source gives a share, so one storefront in two was set before
#: any run and is not tuned (decision monitoring-07).
MASSAGE_ON_SITE_SHARE = 0.5

MASSAGE_NAMES = (
    "Golden Lotus Massage",
    "Sunshine Relax Spa",
    "Jade Garden Wellness",
    "Blue Orchid Massage",
    "Happy Feet Spa",
    "Pearl Health Spa",
    "Lucky Star Massage",
)


def massage_ring(c: Community, people: People, ring: Ring, weak: bool) -> None:
    """Front storefronts open at night, cash-heavy, no payroll, paying the workers' flat, wiring abroad."""
    rng = c.rng
    culture = str(rng.choice(["chinese", "korean", "thai"]))
    country = c.culture(culture).country
    home = c.city_index()
    owner = _person(
        c,
        people,
        culture=culture,
        sex=str(rng.choice(["F", "M"])),
        city=home,
        age=(35, 60),
        onboard=int(rng.integers(-2000, -200)),
        immigrant=True,
        occupation="business owner",
    )
    c.label(owner.party, ring, "controller")
    storefronts = 1 if weak else 2
    shop_phone = c.phone_number(home)
    landlord = LANDLORDS[int(rng.integers(len(LANDLORDS)))]
    flats: dict[int, tuple[str, str]] = {}  # city -> (street and unit, postal code) of the workers' flat
    for s in range(storefronts):
        city = home if s == 0 or rng.random() < 0.5 else c.city_index()
        name = f"{MASSAGE_NAMES[int(rng.integers(len(MASSAGE_NAMES)))]} {('LLC', 'Inc', '')[s % 3]}".strip()
        party, acct = _business(
            c,
            name,
            "Massage spa",
            "812199",
            city,
            int(rng.integers(-900, -60)),
            phone=c.format_phone(shop_phone) if not weak else None,
        )
        c.label(party, ring, "front_business")
        c.holders.append((acct, owner.party, "signatory"))
        # Where the workers live: in the business itself (Polaris 2018; Cape Cod Times 2014: "lived where they
        # worked") or in a flat in the storefront's own city that the business rents (LT-11). One flat per
        # city: storefronts of one city share it, a storefront in another city rents its own.
        on_site = rng.random() < MASSAGE_ON_SITE_SHARE
        if on_site:
            home_address = (c.parties.get(party, "address") or "", c.parties.get(party, "postal_code") or "")
        else:
            home_address = flats.setdefault(city, (c.address(unit=True), c.postal_code(city)))
        for _ in range(int(rng.integers(2, 4)) if not weak else 2):
            lives_there = not weak or rng.random() < 0.5  # weak rings: half the workers live elsewhere
            v = _person(
                c,
                people,
                culture=culture,
                sex="F",
                city=city,
                age=(20, 45),
                onboard=int(rng.integers(-200, 60)),
                address=home_address[0] if lives_there else None,
                postal_code=home_address[1] if lives_there else None,
                phone=c.format_phone(shop_phone) if not weak else None,
                immigrant=True,
                occupation="massage therapist",
                employer=name,
            )
            c.label(v.party, ring, "victim")
            if rng.random() < 0.5:  # a little cash in, most of it sent home
                for d in range(max(0, v.i % 9), c.days, 30):
                    if d >= people.active_from[v.i]:
                        c.events.add(
                            v.acct,
                            c.ts(d, 15 * 3600),
                            int(rng.integers(3, 12)) * 5000,
                            IN,
                            "cash",
                            city=city,
                            ctry=c.us,
                            desc=c.descs.idx("BRANCH CASH DEPOSIT"),
                        )
        # card sales settled at night: strong rings take most payments between 19:00 and 03:00 (G-03, ST-11)
        if weak:
            card_batches(c, acct, 6, 70, 10, 23, "7298", name, city, batches=2)
        else:
            card_batches(c, acct, 9, 90, 18, 27, "7297", name, city, batches=3)
        cash_per_week = 3 if weak else 4
        n_cash = int(rng.poisson(cash_per_week * c.days / 7))
        deposit_days = np.sort(rng.integers(0, c.days, n_cash))
        c.events.add(
            np.full(n_cash, acct),
            c.ts(deposit_days, rng.integers(10 * 3600, 17 * 3600, n_cash)),
            (rng.uniform(1500, 6500, n_cash) * 100).astype(np.int64),
            IN,
            "cash",
            city=city,
            ctry=c.us,
            desc=c.descs.idx("BRANCH CASH DEPOSIT"),
        )
        # the business pays the workers' residential rent (LT-11) unless they sleep in the shop
        if not on_site:
            flat = home_address[0]
            monthly(
                c,
                np.asarray([acct]),
                np.asarray([int(rng.integers(16, 30)) * 10000]),
                0,
                3,
                OUT,
                "ach",
                cpn=c.names.idx(landlord),
                cpa=c.ext_account(landlord),
                desc=c.descs.idx(
                    f"RENT {flat.split(' Apt ')[-1] if ' Apt ' in flat else ''} RESIDENTIAL".strip()
                ),
            )
        monthly(
            c,
            np.asarray([acct]),
            np.asarray([int(rng.integers(40, 90)) * 10000]),
            0,
            3,
            OUT,
            "ach",
            cpn=c.names.idx("COMMERCIAL LEASE"),
            cpa=c.ext_account(f"LEASE {name}"),
            desc=c.descs.idx("LEASE PAYMENT"),
        )
        for d in range(int(rng.integers(0, 7)), c.days, 7):
            _card(
                c,
                acct,
                d,
                int(rng.integers(9, 20)) * 3600,
                _cents(c, 120, 400),
                "5411",
                ("H MART", "99 RANCH MARKET", "LUCKY ASIAN MARKET")[d % 3],
                city,
            )
        if weak:  # a token payroll exists
            for d in c.weekdays(4)[::4]:
                c.events.add(
                    acct,
                    c.ts(int(d), 4 * 3600),
                    int(rng.integers(8, 15)) * 10000,
                    OUT,
                    "ach",
                    cpn=c.names.idx("ADP PAYROLL SERVICES"),
                    cpa=c.ext_account("ADP PAYROLL SERVICES"),
                    desc=c.descs.idx("PAYROLL BATCH"),
                )
        else:  # wires to high-risk corridors a few days after cash deposits (G-14)
            corridor = country if country in HIGH_RISK_CORRIDORS else "HK"
            beneficiary = c.person_name(c.culture(culture), "M").upper()
            cpa = c.ext_account(f"{beneficiary}|{corridor}", corridor)
            for d in deposit_days[:: max(1, n_cash // 10)]:
                if d + 2 < c.days:
                    c.events.add(
                        acct,
                        c.ts(int(d) + int(rng.integers(1, 3)), 11 * 3600),
                        _cents(c, 3000, 9000),
                        OUT,
                        "wire",
                        cpa=cpa,
                        cpn=c.names.idx(beneficiary),
                        cpc=c.countries.idx(corridor),
                        desc=c.descs.idx("INTL WIRE"),
                    )
        # the owner draws money weekly and spends it on luxury
        for d in range(int(rng.integers(0, 7)), c.days, 7):
            c.events.transfer(
                acct,
                owner.acct,
                c.ts(d, 16 * 3600),
                _cents(c, 1500, 5000),
                "internal",
                c.acct_name(),
                desc=c.descs.idx("TRANSFER"),
                dev=owner.device,
            )
    for d in range(0, c.days, int(rng.integers(6, 15))):
        g = (LUXURY + GAMBLING)[int(rng.integers(len(LUXURY) + len(GAMBLING)))]
        _card(c, owner.acct, d, int(rng.integers(12, 23)) * 3600, _cents(c, 200, 3000), g[0], g[1], home)


# --------------------------------------------------------------------------------------------------------
LABOUR_SECTORS = (
    ("Residential construction", "236118", ("Apex Framing Crew LLC", "Rapid Drywall Services"), "laborer"),
    ("Landscaping services", "561730", ("Green Acres Landscape Crew", "Pro Lawn Labor LLC"), "landscaper"),
    ("Janitorial services", "561720", ("Shine Commercial Cleaning", "Night Crew Janitorial"), "cleaner"),
    (
        "Farm labor contractors",
        "115115",
        ("Valley Harvest Labor LLC", "Sunny Fields Farm Labor"),
        "farm worker",
    ),
    ("Restaurant", "722511", ("Dragon Buffet", "El Rancho Grill"), "kitchen helper"),
)


def labour_ring(c: Community, people: People, ring: Ring, weak: bool) -> None:
    """An employer pays workers on-us; their wages are swept to a controller within days."""
    rng = c.rng
    industry, naics, names, occupation = LABOUR_SECTORS[int(rng.integers(len(LABOUR_SECTORS)))]
    culture = str(rng.choice(["hispanic", "central_american", "filipino", "indian"]))
    home = c.city_index()
    biz_name = names[int(rng.integers(len(names)))]
    biz_party, biz = _business(c, biz_name, industry, naics, home, int(rng.integers(-1500, -100)))
    c.label(biz_party, ring, "front_business")
    external = rng.random() < 0.25
    ctrl: Person | None = None
    ext_code, ext_name = 0, ""
    if external:
        ext_code, ext_name = _external_controller(c, ring, culture)
        ctrl_digits = c.phone_number(home)
    else:
        ctrl = _person(
            c,
            people,
            culture=culture,
            sex="M",
            city=home,
            age=(30, 55),
            onboard=int(rng.integers(-1500, -100)),
            occupation="crew supervisor",
            employer=biz_name,
        )
        c.label(ctrl.party, ring, "controller")
        c.holders.append((biz, ctrl.party, "signatory"))
        ctrl_digits = ctrl.phone
    n = int(rng.integers(3, 6) if weak else rng.integers(5, 13))
    batch = int(rng.integers(-1200, -200)) if rng.random() < OLD_RING_SHARE else int(rng.integers(-60, 30))
    branch = c.branch(home)
    dorms = [c.address(unit=False), c.address(unit=False)]
    recruiter_acct = -1
    recruiter_name = f"{('PACIFIC', 'GLOBAL', 'UNITED', 'STAR')[int(rng.integers(4))]} MANPOWER AGENCY"
    if not weak and rng.random() < 0.6:
        rparty, recruiter_acct = _business(
            c,
            recruiter_name.title() + " LLC",
            "Employment placement agencies",
            "561311",
            home,
            int(rng.integers(-900, -100)),
        )
        c.label(rparty, ring, "recruiter")
    workers: list[Person] = []
    for k in range(n):
        w = _person(
            c,
            people,
            culture=culture,
            sex="M" if rng.random() < 0.8 else "F",
            city=home,
            age=(19, 45),
            onboard=batch if not weak else batch + int(rng.integers(0, 40)),
            branch=branch if not weak else None,
            address=dorms[k % 2] if not weak else (dorms[0] if k < 2 else None),
            phone=c.format_phone(ctrl_digits) if (not weak and rng.random() < 0.7) else None,
            immigrant=True,
            occupation=occupation,
            employer=biz_name,
        )
        workers.append(w)
        c.label(w.party, ring, "victim")
        if ctrl is not None and not weak:
            c.holders.append((w.acct, ctrl.party, "authorised_user"))
    acct_name = c.acct_name()
    start = max(0, batch + 1)
    # recruitment and visa fees at the start (LT-05)
    if not weak:
        for w in workers:
            d = start + int(rng.integers(0, 10))
            if d >= c.days:
                continue
            fee = _cents(c, 1500, 4000)
            c.owe(w.party, "fees", fee, w.acct, c.ts(d, 11 * 3600), recruiter_acct)
            if recruiter_acct >= 0:
                c.events.transfer(
                    w.acct,
                    recruiter_acct,
                    c.ts(d, 11 * 3600),
                    fee,
                    "ach",
                    acct_name,
                    desc=c.descs.idx("RECRUITMENT FEE"),
                    dev=w.device,
                )
            else:
                r = RECRUITMENT[0]
                _card(c, w.acct, d, 11 * 3600, fee, r[0], r[1], home, device=w.device)
            country = CULTURES[people.culture[w.i]].country
            visa_fee = _cents(c, 300, 900)
            c.owe(w.party, "fees", visa_fee, w.acct, c.ts(d + 1, 10 * 3600))
            c.events.add(
                w.acct,
                c.ts(d + 1, 10 * 3600),
                visa_fee,
                OUT,
                "wire",
                cpa=c.ext_account(f"VISA AGENT {country}", country),
                cpn=c.names.idx("VISA PROCESSING AGENT"),
                cpc=c.countries.idx(country),
                desc=c.descs.idx("VISA PROCESSING FEE"),
            )
        if recruiter_acct >= 0:  # the agency passes most of the fees to its partner abroad within days (G-14)
            country = c.culture(culture).country
            for k in range(2):
                d = start + 10 + 3 * k
                if d < c.days:
                    c.events.add(
                        recruiter_acct,
                        c.ts(d, 12 * 3600),
                        _cents(c, 600, 1500) * len(workers) // 2,
                        OUT,
                        "wire",
                        cpa=c.ext_account(f"MANPOWER PARTNER {country}", country),
                        cpn=c.names.idx(f"{country} MANPOWER PARTNER"),
                        cpc=c.countries.idx(country),
                        desc=c.descs.idx("AGENCY SETTLEMENT"),
                    )
    # weekly payroll on-us; some wages paid straight into the controller's account (LT-01)
    fridays = c.weekdays(4)
    fridays = fridays[fridays >= start]
    direct_to_ctrl = (
        set(rng.choice(n, size=min(n, 3), replace=False).tolist()) if (ctrl and not weak) else set()
    )
    for d in fridays:
        day = int(d)
        for k, w in enumerate(workers):
            wage = _cents(c, 380, 620)
            if k in direct_to_ctrl and ctrl is not None:
                c.owe(w.party, "diverted", wage, biz, c.ts(day, 4 * 3600), ctrl.acct)
                c.events.transfer(
                    biz,
                    ctrl.acct,
                    c.ts(day, 4 * 3600),
                    wage,
                    "ach",
                    acct_name,
                    desc=c.descs.idx(f"PAYROLL {w.name.upper()}"),
                )
                continue
            c.events.transfer(
                biz,
                w.acct,
                c.ts(day, 4 * 3600),
                wage,
                "ach",
                acct_name,
                desc=c.descs.idx(f"PAYROLL {biz_name.upper()}"),
            )
            c.owe(w.party, "wages_in", wage, w.acct, c.ts(day, 4 * 3600), biz)
            lag = int(rng.integers(1, 4)) if weak else int(rng.integers(0, 3))
            if day + lag >= c.days:
                continue
            share = rng.uniform(0.75, 0.88) if weak else rng.uniform(0.85, 0.95)
            amount = int(wage * share)
            how = (
                "p2p"
                if weak
                else str(rng.choice(["p2p", "internal", "check", "atm"], p=[0.4, 0.2, 0.2, 0.2]))
            )
            sec = int(rng.integers(8, 20)) * 3600
            if how == "atm":  # cash out in full, handed over (B-06)
                c.owe(w.party, "swept", (amount // 2000 + 1) * 2000, w.acct, c.ts(day + lag, sec))
                c.events.add(
                    w.acct,
                    c.ts(day + lag, sec),
                    (amount // 2000 + 1) * 2000,
                    OUT,
                    "atm",
                    city=home,
                    ctry=c.us,
                    desc=c.descs.idx("ATM WITHDRAWAL"),
                )
            else:
                c.owe(w.party, "swept", amount, w.acct, c.ts(day + lag, sec), ctrl.acct if ctrl else -1)
                _to_controller(
                    c,
                    w,
                    ctrl,
                    ext_code,
                    ext_name,
                    day + lag,
                    sec,
                    amount,
                    how,
                    "CASHIERS CHECK" if how == "check" else "RENT AND FOOD",
                    w.device if weak else (ctrl.device if ctrl else w.device),
                )
    # the employer: client revenue in, little payroll tax, a "cleaning service" that is the controller's
    for d in range(int(rng.integers(0, 5)), c.days, 7):
        client = f"{('HOMESTEAD', 'PRIME', 'VISTA')[d % 3]} DEVELOPMENT CORP"
        c.events.add(
            biz,
            c.ts(d, 10 * 3600),
            _cents(c, 8000, 25000),
            IN,
            "ach",
            cpn=c.names.idx(client),
            cpa=c.ext_account(client),
            desc=c.descs.idx("INVOICE PAYMENT"),
        )
    if not weak:
        shell = f"{(ctrl.name if ctrl else ext_name).split()[-1].upper()} CLEANING SERVICES"
        monthly(
            c,
            np.asarray([biz]),
            np.asarray([_cents(c, 2500, 6000)]),
            10,
            20,
            OUT,
            "ach",
            cpn=c.names.idx(shell),
            cpa=c.ext_account(shell),
            desc=c.descs.idx("CLEANING SERVICE"),
        )
    else:
        for d in fridays[::2]:
            c.events.add(
                biz,
                c.ts(int(d) + 1, 5 * 3600),
                _cents(c, 200, 500),
                OUT,
                "ach",
                cpn=c.names.idx("IRS USATAXPYMT"),
                cpa=c.ext_account("IRS USATAXPYMT"),
                desc=c.descs.idx("EFTPS USATAXPYMT"),
            )
    if ctrl is not None:  # the controller pays the dorm rent, wires abroad, takes cash
        landlord = LANDLORDS[int(rng.integers(len(LANDLORDS)))]
        monthly(
            c,
            np.asarray([ctrl.acct]),
            np.asarray([_cents(c, 1800, 3200)]),
            0,
            3,
            OUT,
            "ach",
            cpn=c.names.idx(landlord),
            cpa=c.ext_account(landlord),
            desc=c.descs.idx("RENT"),
        )
        country = CULTURES[people.culture[ctrl.i]].country
        for d in range(start + 5, c.days, int(rng.integers(10, 20))):
            c.events.add(
                ctrl.acct,
                c.ts(d, 11 * 3600),
                _cents(c, 1500, 6000),
                OUT,
                "wire",
                cpa=c.ext_account(f"{ctrl.name}|{country}", country),
                cpn=c.names.idx(ctrl.name.upper()),
                cpc=c.countries.idx(country),
                desc=c.descs.idx("INTL WIRE"),
            )
            c.events.add(
                ctrl.acct,
                c.ts(d + 1, 17 * 3600) if d + 1 < c.days else c.ts(d, 18 * 3600),
                int(rng.integers(20, 50)) * 2000,
                OUT,
                "atm",
                city=home,
                ctry=c.us,
                desc=c.descs.idx("ATM WITHDRAWAL"),
            )


# --------------------------------------------------------------------------------------------------------
def debt_ring(c: Community, people: People, ring: Ring, weak: bool) -> None:
    """Workers with ordinary jobs repay a recruiter a fixed amount after every payday, for months."""
    rng = c.rng
    culture = str(rng.choice(["filipino", "indian", "hispanic", "vietnamese"]))
    country = (
        str(rng.choice(RECRUITMENT_COUNTRIES))
        if culture in ("filipino", "indian")
        else c.culture(culture).country
    )
    home = c.city_index()
    where = rng.random()
    recruiter: Person | None = None
    ext_code, ext_name = 0, ""
    recruiter_acct = -1
    recruiter_digits = c.phone_number(home)
    recruiter_address = c.address()
    if where < 0.5:
        recruiter = _person(
            c,
            people,
            culture=culture,
            sex=str(rng.choice(["F", "M"])),
            city=home,
            age=(30, 60),
            onboard=int(rng.integers(-2000, -100)),
            address=recruiter_address,
            phone=c.format_phone(recruiter_digits),
            occupation="travel and placement agent",
        )
        c.label(recruiter.party, ring, "recruiter")
        recruiter_acct = recruiter.acct
    elif where < 0.8:
        agency = f"{('Bayanihan', 'Sunrise', 'Everest', 'Lotus')[int(rng.integers(4))]} Manpower Services LLC"
        party, recruiter_acct = _business(
            c,
            agency,
            "Employment placement agencies",
            "561311",
            home,
            int(rng.integers(-2000, -100)),
            phone=c.format_phone(recruiter_digits),
        )
        c.label(party, ring, "recruiter")
    else:
        ext_code, ext_name = _external_controller(c, ring, culture)
        ring.external_name = ext_name
    n = 4 if weak else int(rng.integers(4, 11))
    repayment = int(rng.integers(25, 61)) * 1000
    for k in range(n):
        employer = EXTERNAL_EMPLOYERS[int(rng.integers(len(EXTERNAL_EMPLOYERS)))]
        employer_name = employer[0].format(city=CITIES[home].name.upper(), state=CITIES[home].state)
        w = _person(
            c,
            people,
            culture=culture,
            sex=str(rng.choice(["F", "M"])),
            city=home,
            age=(21, 45),
            onboard=int(rng.integers(-300, -10)),
            immigrant=True,
            occupation=employer[1],
            employer=employer_name.title(),
            address=recruiter_address if (not weak and k % 3 != 2) else None,
            phone=c.format_phone(recruiter_digits) if (not weak and k % 2 == 0) else None,
        )
        c.label(w.party, ring, "victim")
        c.debt_victims.add(w.party)  # wages from the outside employer: the writer reads them from payroll
        people.pay_every[w.i] = 14
        people.wage[w.i] = int(rng.integers(1100, 1700)) * 100
        people.employer_name[w.i] = employer_name
        phase = w.i % 2
        pay = paydays(c, 14, phase)
        if not weak:  # initial placement fee wired to the agency abroad (LT-05)
            when, placement = c.ts(int(rng.integers(0, 20)), 11 * 3600), _cents(c, 2000, 5000)
            c.owe(w.party, "fees", placement, w.acct, when)
            c.events.add(
                w.acct,
                when,
                placement,
                OUT,
                "wire",
                cpa=c.ext_account(f"PLACEMENT AGENCY {country}", country),
                cpn=c.names.idx(f"{country} OVERSEAS PLACEMENT AGENCY"),
                cpc=c.countries.idx(country),
                desc=c.descs.idx("PLACEMENT FEE"),
            )
        dues = pay if not weak else pay[::2]
        for d in dues:
            day = int(d) + int(rng.integers(0, 3))
            if day >= c.days:
                continue
            amount = repayment
            desc = "LOAN REPAYMENT" if k % 2 == 0 else "FEE"
            when = c.ts(day, int(rng.integers(9, 21)) * 3600)
            # repaying the recruitment debt after every payday: a deduction charged to the worker
            c.owe(w.party, "fees", amount, w.acct, when, recruiter_acct)
            if recruiter_acct >= 0:
                c.events.transfer(
                    w.acct,
                    recruiter_acct,
                    when,
                    amount,
                    "p2p",
                    c.acct_name(),
                    desc=c.descs.idx(desc),
                    dev=w.device,
                )
            else:
                c.events.add(
                    w.acct,
                    when,
                    amount,
                    OUT,
                    "p2p",
                    cpa=ext_code,
                    cpn=c.names.idx(ext_name),
                    desc=c.descs.idx(desc),
                    dev=w.device,
                )
    if recruiter_acct >= 0:  # the recruiter takes cash and wires abroad
        for d in range(10, c.days, int(rng.integers(12, 25))):
            c.events.add(
                recruiter_acct,
                c.ts(d, 13 * 3600),
                _cents(c, 1500, 5000),
                OUT,
                "wire",
                cpa=c.ext_account(f"RECRUITER PARTNER {country}", country),
                cpn=c.names.idx(f"{country} OVERSEAS PLACEMENT AGENCY"),
                cpc=c.countries.idx(country),
                desc=c.descs.idx("INTL WIRE"),
            )
            c.events.add(
                recruiter_acct,
                c.ts(d, 16 * 3600),
                int(rng.integers(10, 40)) * 2000,
                OUT,
                "atm",
                city=home,
                ctry=c.us,
                desc=c.descs.idx("ATM WITHDRAWAL"),
            )


# --------------------------------------------------------------------------------------------------------
def structuring_ring(c: Community, people: People, ring: Ring, weak: bool) -> None:
    """Cash just under $10,000 at several branches within 72 h, then wired to a high-risk corridor."""
    rng = c.rng
    home = c.city_index()
    s = _person(
        c,
        people,
        culture=None,
        sex="M",
        city=home,
        age=(25, 60),
        onboard=int(rng.integers(-2000, -30)),
        occupation=str(rng.choice(["self-employed", "import/export", "car sales"])),
    )
    c.label(s.party, ring, "structurer")
    mules: list[Person] = []
    if not weak:
        for _ in range(int(rng.integers(0, 3))):
            m = _person(
                c,
                people,
                culture=None,
                sex=str(rng.choice(["F", "M"])),
                city=c.city_index(),
                age=(19, 40),
                onboard=int(rng.integers(-1000, -30)),
            )
            c.label(m.party, ring, "money_mule")
            mules.append(m)
    corridor = str(rng.choice(["MX", "CN", "CO", "HK", "TH"]))
    beneficiary = f"{('ORIENT', 'PACIFICO', 'GOLDEN', 'DELTA')[int(rng.integers(4))]} TRADING CO"
    cpa = c.ext_account(f"{beneficiary}|{corridor}", corridor)
    acct_name = c.acct_name()
    bursts = int(rng.integers(2, 4)) if weak else int(rng.integers(4, 8))
    for b in range(bursts):
        d0 = int(rng.integers(0, c.days - 8))
        total = 0
        cities = (
            [home]
            if weak
            else [home, *rng.choice(len(CITIES), size=int(rng.integers(1, 4)), replace=False).tolist()]
        )
        for k in range(int(rng.integers(2, 4)) if weak else int(rng.integers(2, 5))):
            day = d0 + int(rng.integers(0, 3))
            amount = _cents(c, 8000, 9500) if weak else _cents(c, 8000, 9990)
            city = int(cities[k % len(cities)])
            c.events.add(
                s.acct,
                c.ts(day, int(rng.integers(9, 17)) * 3600),
                amount,
                IN,
                "cash",
                city=city,
                ctry=c.us,
                desc=c.descs.idx("BRANCH CASH DEPOSIT"),
            )
            total += amount
        for m in mules:  # two deposits each, own city then another branch, forwarded the same evening
            for j in range(2):
                day = d0 + int(rng.integers(0, 3))
                amount = _cents(c, 8500, 9900)
                c.events.add(
                    m.acct,
                    c.ts(day, int(rng.integers(9, 16)) * 3600),
                    amount,
                    IN,
                    "cash",
                    city=m.city if j == 0 else c.city_index(),
                    ctry=c.us,
                    desc=c.descs.idx("BRANCH CASH DEPOSIT"),
                )
                c.events.transfer(
                    m.acct,
                    s.acct,
                    c.ts(day, 17 * 3600 + j * 600),
                    int(amount * 0.97),
                    "p2p",
                    acct_name,
                    desc=c.descs.idx("PAYMENT"),
                    dev=m.device,
                )
                total += int(amount * 0.97)
        wire_day = d0 + (int(rng.integers(7, 12)) if weak else int(rng.integers(3, 5)))
        if wire_day < c.days:
            c.events.add(
                s.acct,
                c.ts(wire_day, 11 * 3600),
                int(total * rng.uniform(0.8, 0.95)),
                OUT,
                "wire",
                cpa=cpa,
                cpn=c.names.idx(beneficiary),
                cpc=c.countries.idx(corridor),
                desc=c.descs.idx(f"INVOICE {b + 1:04d}"),
            )


GENERATORS = {
    "sex": sex_ring,
    "massage": massage_ring,
    "labour": labour_ring,
    "debt": debt_ring,
    "structuring": structuring_ring,
}


def inject(
    c: Community, people: People, plan: list[tuple[str, str, bool]], businesses: list[Business]
) -> None:
    """Generate the planned rings `(ring_id, scheme, weak)` of this community."""
    for ring_id, scheme, weak in plan:
        ring = Ring(ring_id, scheme, SCHEME_TYPES[scheme], "weak" if weak else "strong")
        c.rings.append(ring)
        GENERATORS[scheme](c, people, ring, weak)
    del businesses  # rings bring their own businesses; kept in the signature for future schemes
