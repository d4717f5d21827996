"""Ordinary and look-alike behaviour, vectorised over all persons of a community at once.

Each function draws event counts per person (Poisson), expands them with `np.repeat`, and samples days,
times, merchants and amounts as arrays. Look-alikes (tipped workers, night shifts, students, travellers,
landlords, savings circles, ad buyers, prepaid and gambling) are generated here with the same machinery,
because to a bank they are ordinary customers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from chainbreaker.synth.community import Community
from chainbreaker.synth.frame import IN, OUT, IntArray
from chainbreaker.synth.names import CULTURES
from chainbreaker.synth.population import (
    AD_BUYER,
    CASH_ONLY,
    GAMBLER,
    GIG,
    NIGHT,
    PREPAID_USER,
    REMITTER,
    RETIREE,
    SCHEME,
    STUDENT,
    SWEEPER,
    TANDA,
    TIPPED,
    TRAVELLER,
    Business,
)
from chainbreaker.synth.world import (
    AIRLINES,
    BUSINESS_KINDS,
    CATEGORIES,
    CATEGORY_INDEX,
    CITIES,
    EVERYDAY_MIX,
    GAMBLING,
    HOTEL_CHAINS,
    LUXURY,
    MAINSTREAM_ADS,
    MONEY_TRANSFER,
    PREPAID,
    SUPPLIERS,
    UTILITIES,
)

FloatArray = npt.NDArray[Any]
Arrays = dict[str, npt.NDArray[Any]]


def _mix(overrides: dict[str, float]) -> FloatArray:
    mix = dict(EVERYDAY_MIX)
    mix.update(overrides)
    p = np.asarray([mix.get(cat.key, 0.0) for cat in CATEGORIES])
    return np.asarray(p / p.sum(), dtype=np.float64)


MIX_DEFAULT = _mix({})
MIX_STUDENT = _mix({"fast_food": 0.22, "books": 0.04, "digital": 0.08, "bar": 0.04, "fuel": 0.02})
MIX_NIGHT = _mix({"fast_food": 0.18, "convenience": 0.12, "taxi": 0.06})
MIX_LIGHT = _mix({"grocery": 0.25, "fast_food": 0.2, "convenience": 0.1, "pharmacy": 0.08})

CAT_MEDIAN = np.asarray([c.median for c in CATEGORIES])
CAT_SIGMA = np.asarray([c.sigma for c in CATEGORIES])
CAT_OPEN = np.asarray([c.open_hour for c in CATEGORIES])
CAT_CLOSE = np.asarray([c.close_hour for c in CATEGORIES])


def expand(c: Community, idx: IntArray, counts: IntArray, active_from: IntArray) -> tuple[IntArray, IntArray]:
    """Repeat each person by its event count and draw a day in [active_from, days) for each event."""
    owner = np.repeat(idx, counts)
    start = active_from[owner]
    day = start + np.floor(c.rng.random(owner.shape[0]) * (c.days - start)).astype(np.int64)
    return owner, day


def hours(c: Community, n: int, night: npt.NDArray[np.bool_]) -> FloatArray:
    """Hour of day (float): a lunch/evening mixture for day people, 22:00-06:00 for night people."""
    day_h = np.where(c.rng.random(n) < 0.5, c.rng.normal(12.5, 2.2, n), c.rng.normal(18.5, 2.0, n))
    night_h = np.mod(c.rng.normal(2.0, 2.3, n), 24.0)
    return np.clip(np.where(night, night_h, day_h), 0.0, 23.99)


def seconds_in(c: Community, hour: FloatArray, open_h: IntArray, close_h: IntArray) -> IntArray:
    """Seconds after midnight, forced into [open, close) (close may pass midnight: bars until 02:00)."""
    h = hour.copy()
    shifted = np.where(h < open_h, h + 24.0, h)
    outside = (shifted < open_h) | (shifted >= close_h)
    h = np.where(outside, open_h + c.rng.random(h.shape[0]) * (close_h - open_h), shifted)
    return (h * 3600).astype(np.int64)


def cents(c: Community, median: FloatArray | float, sigma: FloatArray | float, n: int) -> IntArray:
    values = np.exp(np.log(median) + np.asarray(sigma) * c.rng.standard_normal(n))
    return np.maximum(np.round(values * 100), 100).astype(np.int64)


class Merchants:
    """Merchant and MCC codes per spending category, interned once per community."""

    def __init__(self, c: Community) -> None:
        self.mer = [c.merchants.many(list(cat.merchants)) for cat in CATEGORIES]
        self.mcc = [
            c.mccs.many([cat.mccs[i % len(cat.mccs)] for i in range(len(cat.merchants))])
            for cat in CATEGORIES
        ]

    def pick(self, c: Community, cat: IntArray) -> tuple[IntArray, IntArray]:
        mer = np.zeros(cat.shape[0], dtype=np.int64)
        mcc = np.zeros(cat.shape[0], dtype=np.int64)
        for k in np.unique(cat):
            mask = cat == k
            j = c.rng.integers(0, len(self.mer[k]), int(mask.sum()))
            mer[mask] = self.mer[k][j]
            mcc[mask] = self.mcc[k][j]
        return mer, mcc


def card_spending(
    c: Community,
    p: Arrays,
    idx: IntArray,
    per_month: FloatArray | float,
    mix: FloatArray,
    city: IntArray | None = None,
) -> None:
    """Everyday card purchases of persons `idx` (`city` overrides their home city per person)."""
    if idx.shape[0] == 0:
        return
    rate = np.broadcast_to(np.asarray(per_month, dtype=np.float64), idx.shape) * c.days / 30.0
    counts = c.rng.poisson(rate * np.sqrt(p["income"][idx]))
    owner, day = expand(c, idx, counts, p["active_from"])
    n = owner.shape[0]
    cat = np.asarray(c.rng.choice(len(CATEGORIES), size=n, p=mix), dtype=np.int64)
    mer, mcc = Merchants(c).pick(c, cat)
    night = p["segment"][owner] == NIGHT
    sec = seconds_in(c, hours(c, n, night), CAT_OPEN[cat], CAT_CLOSE[cat]) + c.rng.integers(0, 60, n)
    amount = cents(c, CAT_MEDIAN[cat] * np.sqrt(p["income"][owner]), CAT_SIGMA[cat], n)
    on_credit = (p["credit"][owner] >= 0) & (c.rng.random(n) < 0.5)
    acct = np.where(on_credit, p["credit"][owner], p["checking"][owner])
    home = p["city"][owner] if city is None else np.repeat(city, counts)
    away = c.rng.random(n) < 0.03
    where = np.where(away, c.rng.integers(0, len(CITIES), n), home)
    digital = cat == CATEGORY_INDEX["digital"]
    c.events.add(
        acct,
        c.ts(day, sec),
        amount,
        OUT,
        "card",
        mer=mer,
        mcc=mcc,
        city=where,
        ctry=c.us,
        dev=np.where(digital, p["device"][owner], -1),
        cpn=-1,
    )


def atm(
    c: Community,
    p: Arrays,
    idx: IntArray,
    per_month: float,
    direction: int,
    median: float,
    night_share: float | FloatArray = 0.0,
    city: IntArray | None = None,
) -> None:
    """ATM withdrawals (or deposits) in round amounts."""
    counts = c.rng.poisson(np.full(idx.shape, per_month * c.days / 30.0))
    owner, day = expand(c, idx, counts, p["active_from"])
    n = owner.shape[0]
    if n == 0:
        return
    night = (p["segment"][owner] == NIGHT) | (c.rng.random(n) < np.broadcast_to(night_share, (n,)))
    sec = (hours(c, n, night) * 3600).astype(np.int64)
    steps = np.maximum(np.round(np.exp(np.log(median) + 0.5 * c.rng.standard_normal(n)) / 20.0), 1)
    amount = (steps * 20 * 100).astype(np.int64)
    where = p["city"][owner] if city is None else np.repeat(city, counts)
    desc = c.descs.idx("ATM WITHDRAWAL" if direction == OUT else "ATM CASH DEPOSIT")
    c.events.add(
        p["checking"][owner], c.ts(day, sec), amount, direction, "atm", city=where, ctry=c.us, desc=desc
    )


def paydays(c: Community, every: int, phase: int) -> IntArray:
    """Weekly (7) and bi-weekly (14) on Fridays, semi-monthly (15) on the 1st and 15th, else monthly."""
    fridays = c.weekdays(4)
    if every == 14:
        return fridays[phase % 2 :: 2]
    if every == 7:
        return fridays
    starts = c.month_starts()
    if every == 15:
        return np.unique(np.concatenate([starts, starts[starts + 14 < c.days] + 14]))
    return starts


def payroll(c: Community, p: Arrays, employer_names: list[str]) -> None:
    """Salaries: on-us ACH pairs from community employers, external ACH from the others."""
    acct_name = c.acct_name()
    n = p["party"].shape[0]
    for every in (7, 14, 15, 30):
        for phase in (0, 1):
            days = paydays(c, every, phase)
            sel = np.nonzero((p["pay_every"] == every) & ((np.arange(n) % 2) == phase))[0]
            if sel.shape[0] == 0 or days.shape[0] == 0:
                continue
            owner = np.repeat(sel, days.shape[0])
            day = np.tile(days, sel.shape[0])
            keep = day >= p["active_from"][owner]
            owner, day = owner[keep], day[keep]
            amount = (p["wage"][owner] * np.exp(0.03 * c.rng.standard_normal(owner.shape[0]))).astype(
                np.int64
            )
            amount = np.maximum(amount, 100)
            sec = c.rng.integers(2 * 3600, 6 * 3600, owner.shape[0])
            emp = p["employer_acct"][owner]
            on_us = emp >= 0
            names = np.asarray(employer_names, dtype=object)[owner]
            desc = c.descs.many([f"PAYROLL {nm.upper()}" for nm in names])
            c.events.transfer(
                emp[on_us],
                p["checking"][owner[on_us]],
                c.ts(day[on_us], sec[on_us]),
                amount[on_us],
                "ach",
                acct_name,
                desc=desc[on_us],
            )
            ext = ~on_us
            cpa = np.asarray([c.ext_account(nm) for nm in names[ext]], dtype=np.int64)
            c.events.add(
                p["checking"][owner[ext]],
                c.ts(day[ext], sec[ext]),
                amount[ext],
                IN,
                "ach",
                cpa=cpa,
                cpn=c.names.many([nm.upper() for nm in names[ext]]),
                desc=desc[ext],
            )


def monthly(
    c: Community,
    owner_acct: IntArray,
    amount: IntArray,
    day_lo: int,
    day_hi: int,
    direction: int,
    channel: str,
    active_from: IntArray | None = None,
    hour: tuple[int, int] = (6, 20),
    **codes: IntArray | int,
) -> None:
    """One event a month per account (rent, bills, benefits), on a day in [day_lo, day_hi) of the month."""
    starts = c.month_starts()
    k = starts.shape[0]
    m = owner_acct.shape[0]
    if m == 0:
        return
    acct = np.repeat(owner_acct, k)
    day = np.tile(starts, m) + c.rng.integers(day_lo, day_hi, m * k)
    keep = day < c.days
    if active_from is not None:
        keep &= day >= np.repeat(active_from, k)
    sec = c.rng.integers(hour[0] * 3600, hour[1] * 3600, m * k)
    amt = np.repeat(amount, k)
    expanded = {key: (np.repeat(v, k)[keep] if isinstance(v, np.ndarray) else v) for key, v in codes.items()}
    c.events.add(acct[keep], c.ts(day[keep], sec[keep]), amt[keep], direction, channel, **expanded)


def bills(c: Community, p: Arrays, idx: IntArray) -> None:
    """Rent/mortgage (on-us to small landlords), utilities, phone plan, savings and credit-card payments."""
    acct_name = c.acct_name()
    payers = idx[p["rent"][idx] > 0]
    on_us = payers[p["rent_to"][payers] >= 0]
    ext = payers[p["rent_to"][payers] < -1]
    rent_desc = c.descs.idx("RENT")
    # cash-only workers (and a few others) pay rent by check: they have no ACH at all (a G-04 look-alike)
    by_check = (p["segment"][ext] == CASH_ONLY) | (c.rng.random(ext.shape[0]) < 0.08)
    for mask, channel in ((~by_check, "ach"), (by_check, "check")):
        sel = ext[mask]
        monthly(
            c,
            p["checking"][sel],
            p["rent"][sel],
            0,
            4,
            OUT,
            channel,
            p["active_from"][sel],
            (5, 9) if channel == "ach" else (9, 17),
            cpa=p["rent_to"][sel],
            cpn=c.names.many([c.ext_name(int(code)) for code in p["rent_to"][sel]]),
            desc=rent_desc if channel == "ach" else c.descs.idx("CHECK RENT"),
        )
    if on_us.shape[0]:
        starts = c.month_starts()
        src = np.repeat(p["checking"][on_us], starts.shape[0])
        dst = np.repeat(p["rent_to"][on_us], starts.shape[0])
        amt = np.repeat(p["rent"][on_us], starts.shape[0])
        day = np.tile(starts, on_us.shape[0]) + c.rng.integers(0, 3, src.shape[0])
        keep = day < c.days
        c.events.transfer(
            src[keep],
            dst[keep],
            c.ts(day[keep], c.rng.integers(7 * 3600, 22 * 3600, int(keep.sum()))),
            amt[keep],
            "p2p",
            acct_name,
            desc=rent_desc,
            dev=np.repeat(p["device"][on_us], starts.shape[0])[keep],
        )
    util = np.asarray(c.rng.integers(0, len(UTILITIES), idx.shape[0]))
    cash_only = p["segment"][idx] == CASH_ONLY
    for mask, channel in ((~cash_only, "ach"), (cash_only, "card")):
        sel, u = idx[mask], util[mask].tolist()
        names = [UTILITIES[k][1] for k in u]
        codes: dict[str, Any] = (
            {
                "cpn": c.names.many(names),
                "cpa": np.asarray([c.ext_account(n) for n in names], dtype=np.int64),
                "desc": c.descs.idx("AUTOPAY UTILITY"),
            }
            if channel == "ach"
            else {
                "mer": c.merchants.many(names),
                "mcc": c.mccs.many([UTILITIES[k][0] for k in u]),
                "city": p["city"][sel],
                "ctry": c.us,
            }
        )
        monthly(
            c,
            p["checking"][sel],
            cents(c, 110.0, 0.4, sel.shape[0]),
            8,
            20,
            OUT,
            channel,
            p["active_from"][sel],
            **codes,
        )
    tel = CATEGORIES[CATEGORY_INDEX["telecom"]]
    carrier = np.asarray(c.rng.integers(0, 3, idx.shape[0])).tolist()  # postpaid carriers
    monthly(
        c,
        p["checking"][idx],
        cents(c, 70.0, 0.3, idx.shape[0]),
        10,
        25,
        OUT,
        "card",
        p["active_from"][idx],
        mer=c.merchants.many([tel.merchants[k] for k in carrier]),
        mcc=c.mccs.idx("4814"),
        city=p["city"][idx],
        ctry=c.us,
    )
    sav = idx[p["savings"][idx] >= 0]
    _monthly_transfer(
        c,
        p["checking"][sav],
        p["savings"][sav],
        cents(c, 200.0, 0.7, sav.shape[0]),
        "internal",
        "TRANSFER TO SAVINGS",
        p["device"][sav],
        acct_name,
    )
    cc = idx[p["credit"][idx] >= 0]
    _monthly_transfer(
        c,
        p["checking"][cc],
        p["credit"][cc],
        cents(c, 650.0, 0.6, cc.shape[0]),
        "internal",
        "CREDIT CARD PAYMENT",
        p["device"][cc],
        acct_name,
    )


def _monthly_transfer(
    c: Community,
    src: IntArray,
    dst: IntArray,
    amount: IntArray,
    channel: str,
    desc: str,
    device: IntArray,
    acct_name: IntArray,
) -> None:
    starts = c.month_starts()
    k = starts.shape[0]
    s, d, a = np.repeat(src, k), np.repeat(dst, k), np.repeat(amount, k)
    day = np.tile(starts, src.shape[0]) + c.rng.integers(14, 28, s.shape[0])
    keep = day < c.days
    c.events.transfer(
        s[keep],
        d[keep],
        c.ts(day[keep], c.rng.integers(8 * 3600, 23 * 3600, int(keep.sum()))),
        a[keep],
        channel,
        acct_name,
        desc=c.descs.idx(desc),
        dev=np.repeat(device, k)[keep],
    )


def p2p(c: Community, p: Arrays, idx: IntArray, per_month: float) -> None:
    """Friends and family payments: on-us pairs inside the community, or to external names."""
    acct_name = c.acct_name()
    counts = c.rng.poisson(np.full(idx.shape, per_month * c.days / 30.0))
    owner, day = expand(c, idx, counts, p["active_from"])
    n = owner.shape[0]
    if n == 0:
        return
    sec = (hours(c, n, np.zeros(n, dtype=bool)) * 3600).astype(np.int64)
    amount = cents(c, 45.0, 0.9, n)
    partner = idx[c.rng.integers(0, idx.shape[0], n)]
    on_us = (c.rng.random(n) < 0.6) & (partner != owner) & (day >= p["active_from"][partner])
    desc = c.descs.idx("ZELLE PAYMENT")
    c.events.transfer(
        p["checking"][owner[on_us]],
        p["checking"][partner[on_us]],
        c.ts(day[on_us], sec[on_us]),
        amount[on_us],
        "p2p",
        acct_name,
        desc=desc,
        dev=p["device"][owner[on_us]],
    )
    ext = ~on_us
    m = int(ext.sum())
    names = [_random_name(c) for _ in range(min(m, 400))]
    pick = c.rng.integers(0, max(len(names), 1), m)
    cpn = c.names.many(names)[pick] if names else np.zeros(0, dtype=np.int64)
    direction_in = c.rng.random(m) < 0.45
    for direction, mask in ((IN, direction_in), (OUT, ~direction_in)):
        c.events.add(
            p["checking"][owner[ext][mask]],
            c.ts(day[ext][mask], sec[ext][mask]),
            amount[ext][mask],
            direction,
            "p2p",
            cpn=cpn[mask],
            desc=desc,
            dev=p["device"][owner[ext][mask]] if direction == OUT else -1,
        )


def _random_name(c: Community) -> str:
    culture = c.culture()
    return c.person_name(culture, "F" if c.rng.random() < 0.5 else "M").upper()


def remittances(c: Community, p: Arrays, idx: IntArray) -> None:
    """Immigrants send money home monthly, a few days after a payday: the benign side of G-14."""
    sel = idx[(p["flags"][idx] & REMITTER) > 0]
    if sel.shape[0] == 0:
        return
    country = [CULTURES[k].country for k in p["culture"][sel]]
    recipients = [c.person_name(CULTURES[k], "F").upper() for k in p["culture"][sel]]
    cpc = c.countries.many(country)
    cpa = np.asarray([c.ext_account(f"{r}|{cc}", cc) for r, cc in zip(recipients, country, strict=True)])
    via_wire = np.asarray(c.rng.random(sel.shape[0]) < 0.5)
    amount = cents(c, 300.0, 0.5, sel.shape[0])
    w = sel[via_wire]
    monthly(
        c,
        p["checking"][w],
        amount[via_wire],
        2,
        10,
        OUT,
        "wire",
        p["active_from"][w],
        cpa=cpa[via_wire],
        cpn=c.names.many([r for r, v in zip(recipients, via_wire.tolist(), strict=True) if v]),
        cpc=cpc[via_wire],
        desc=c.descs.idx("INTL WIRE FAMILY SUPPORT"),
    )
    k = sel[~via_wire]
    svc = c.rng.integers(0, len(MONEY_TRANSFER), k.shape[0])
    monthly(
        c,
        p["checking"][k],
        amount[~via_wire],
        2,
        10,
        OUT,
        "card",
        p["active_from"][k],
        mer=c.merchants.many([MONEY_TRANSFER[s][1] for s in svc]),
        mcc=c.mccs.idx("4829"),
        city=p["city"][k],
        ctry=c.us,
        dev=p["device"][k],
    )


def lookalikes(c: Community, p: Arrays, idx: IntArray) -> None:
    """The benign customers that single red-flag rules would catch."""
    acct_name = c.acct_name()
    seg = p["segment"][idx]
    # tipped and cash-only workers: frequent cash deposits, some after closing time (G-04, ST-13 look-alikes)
    tipped = idx[(seg == TIPPED) | (seg == CASH_ONLY)]
    atm(c, p, tipped, 4.0, IN, 160.0, night_share=0.45)
    branch_cash = tipped[c.rng.random(tipped.shape[0]) < 0.5]
    counts = c.rng.poisson(np.full(branch_cash.shape, 2.0 * c.days / 30.0))
    owner, day = expand(c, branch_cash, counts, p["active_from"])
    c.events.add(
        p["checking"][owner],
        c.ts(day, c.rng.integers(9 * 3600, 17 * 3600, owner.shape[0])),
        cents(c, 420.0, 0.5, owner.shape[0]),
        IN,
        "cash",
        city=p["city"][owner],
        ctry=c.us,
        desc=c.descs.idx("BRANCH CASH DEPOSIT"),
    )
    # students: parents send a regular monthly allowance; roommates split bills in small P2P amounts
    students = idx[seg == STUDENT]
    if students.shape[0]:
        parent = [(c.parties.get(int(pt), "name") or "X").split()[-1].upper() for pt in p["party"][students]]
        parent_names = [
            f"{c.person_name(CULTURES[int(k)], 'F').split()[0].upper()} {s}"
            for k, s in zip(p["culture"][students], parent, strict=True)
        ]
        monthly(
            c,
            p["checking"][students],
            cents(c, 600.0, 0.4, students.shape[0]),
            0,
            3,
            IN,
            "p2p",
            p["active_from"][students],
            cpn=c.names.many(parent_names),
            desc=c.descs.idx("ZELLE FROM MOM"),
        )
        counts = c.rng.poisson(np.full(students.shape, 6.0 * c.days / 30.0))
        owner, day = expand(c, students, counts, p["active_from"])
        n = owner.shape[0]
        friends = c.names.many([_random_name(c) for _ in range(max(8, students.shape[0] * 3))])
        c.events.add(
            p["checking"][owner],
            c.ts(day, (hours(c, n, np.asarray(c.rng.random(n) < 0.3)) * 3600).astype(np.int64)),
            cents(c, 22.0, 0.6, n),
            IN,
            "p2p",
            cpn=friends[c.rng.integers(0, friends.shape[0], n)],
            desc=c.descs.idx("VENMO SPLIT"),
        )
    # business travellers: trips with flights, hotels, taxis and restaurants in other cities
    travellers = idx[seg == TRAVELLER]
    trips(c, p, travellers)
    # retirees: social security and pension
    retirees = idx[seg == RETIREE]
    monthly(
        c,
        p["checking"][retirees],
        cents(c, 1800.0, 0.3, retirees.shape[0]),
        2,
        3,
        IN,
        "ach",
        p["active_from"][retirees],
        (3, 6),
        cpn=c.names.idx("SSA TREAS 310"),
        cpa=c.ext_account("SSA TREAS 310"),
        desc=c.descs.idx("XXSOC SEC"),
    )
    # gig drivers: weekly platform payouts, a lot of fuel
    gig = idx[seg == GIG]
    for day in c.weekdays(1):
        if gig.shape[0]:
            c.events.add(
                p["checking"][gig],
                c.ts(day, c.rng.integers(3 * 3600, 7 * 3600, gig.shape[0])),
                cents(c, 650.0, 0.35, gig.shape[0]),
                IN,
                "ach",
                cpn=c.names.idx("UBER USA PAYOUT"),
                cpa=c.ext_account("UBER USA PAYOUT"),
                desc=c.descs.idx("DRIVER EARNINGS"),
            )
    fuel = np.full(gig.shape, 0.0)
    card_spending(c, p, gig, fuel + 8.0, _mix({"fuel": 1.0, "fast_food": 0.3}))
    _flagged(c, p, idx, acct_name)


def _flagged(c: Community, p: Arrays, idx: IntArray, acct_name: IntArray) -> None:
    flags = p["flags"][idx]
    for flag, merchants, per_month, median, fixed in (
        (GAMBLER, GAMBLING, 4.0, 60.0, False),
        (GAMBLER, LUXURY, 0.3, 400.0, False),
        (PREPAID_USER, PREPAID, 2.5, 60.0, False),
        (AD_BUYER, MAINSTREAM_ADS, 5.0, 10.0, True),
    ):
        sel = idx[(flags & flag) > 0]
        counts = c.rng.poisson(np.full(sel.shape, per_month * c.days / 30.0))
        owner, day = expand(c, sel, counts, p["active_from"])
        n = owner.shape[0]
        if n == 0:
            continue
        k = np.asarray(c.rng.integers(0, len(merchants), n)).tolist()
        if fixed:  # ad boosts come in round budgets: $5, $10, $20 (an ST-02 look-alike)
            amount = np.asarray([500, 1000, 2000], dtype=np.int64)[c.rng.integers(0, 3, n)]
        else:
            amount = cents(c, median, 0.6, n)
        c.events.add(
            p["checking"][owner],
            c.ts(day, c.rng.integers(9 * 3600, 23 * 3600, n)),
            amount,
            OUT,
            "card",
            mer=c.merchants.many([merchants[j][1] for j in k]),
            mcc=c.mccs.many([merchants[j][0] for j in k]),
            city=p["city"][owner],
            ctry=c.us,
            dev=p["device"][owner],
        )
    # savings circles: members pay the organiser a fixed amount monthly; one member takes the pot each month
    for organiser in idx[(flags & TANDA) > 0]:
        same = idx[
            (p["culture"][idx] == p["culture"][organiser])
            & (idx != organiser)
            & (p["segment"][idx] != SCHEME)
        ]
        if same.shape[0] < 5:
            continue
        members = c.rng.choice(same, size=min(int(c.rng.integers(5, 11)), same.shape[0]), replace=False)
        share = int(c.rng.choice([100, 200, 250, 500])) * 100
        starts = c.month_starts()
        for m, start in enumerate(starts):
            day = start + c.rng.integers(0, 4, members.shape[0])
            keep = day < c.days
            c.events.transfer(
                p["checking"][members[keep]],
                p["checking"][organiser],
                c.ts(day[keep], c.rng.integers(8 * 3600, 21 * 3600, int(keep.sum()))),
                share,
                "p2p",
                acct_name,
                desc=c.descs.idx("TANDA"),
                dev=p["device"][members[keep]],
            )
            taker = members[m % members.shape[0]]
            if start + 6 < c.days:
                c.events.transfer(
                    p["checking"][organiser],
                    p["checking"][taker],
                    c.ts(start + 6, 15 * 3600),
                    share * members.shape[0],
                    "p2p",
                    acct_name,
                    desc=c.descs.idx("TANDA POT"),
                    dev=p["device"][organiser],
                )
    # a one-off large cash deposit (sold a car): one just-under-threshold deposit is not structuring
    sel = idx[c.rng.random(idx.shape[0]) < 0.004]
    c.events.add(
        p["checking"][sel],
        c.ts(c.rng.integers(0, c.days, sel.shape[0]), 11 * 3600),
        c.rng.integers(900_000, 990_000, sel.shape[0]),
        IN,
        "cash",
        city=p["city"][sel],
        ctry=c.us,
        desc=c.descs.idx("BRANCH CASH DEPOSIT"),
    )


def trips(c: Community, p: Arrays, travellers: IntArray) -> None:
    """Business trips of 1-3 nights every 5-15 days: a flight bought a week before, a chain hotel paid at
    checkout, taxis and restaurants in the trip city, an expense reimbursement ten days later."""
    m = travellers.shape[0]
    if m == 0:
        return
    k = c.days // 6 + 1
    nights = c.rng.integers(1, 4, (m, k))
    gaps = c.rng.integers(4, 12, (m, k))
    starts = c.rng.integers(0, 10, (m, 1)) + np.cumsum(nights + gaps, axis=1) - (nights + gaps)
    keep = starts < c.days - 5
    who = np.repeat(travellers, k).reshape(m, k)[keep]
    day, nts = starts[keep], nights[keep]
    n = who.shape[0]
    home = p["city"][who]
    city = (home + c.rng.integers(1, len(CITIES), n)) % len(CITIES)  # never the home city
    acct = np.where(p["credit"][who] >= 0, p["credit"][who], p["checking"][who])
    air = c.rng.integers(0, len(AIRLINES), n)
    hotel = c.rng.integers(0, len(HOTEL_CHAINS), n)
    air_mer = c.merchants.many([a[1] for a in AIRLINES])[air]
    air_mcc = c.mccs.many([a[0] for a in AIRLINES])[air]
    hotel_mer = c.merchants.many([h[1] for h in HOTEL_CHAINS])[hotel]
    hotel_mcc = c.mccs.many([h[0] for h in HOTEL_CHAINS])[hotel]
    c.events.add(acct, c.ts(np.maximum(day - 7, 0), 10 * 3600 + c.rng.integers(0, 30000, n)),
                 cents(c, 420.0, 0.4, n), OUT, "card", mer=air_mer, mcc=air_mcc, city=home, ctry=c.us,
                 dev=p["device"][who])  # fmt: skip
    c.events.add(acct, c.ts(day + nts, 8 * 3600 + c.rng.integers(0, 7200, n)), cents(c, 210.0, 0.25, n) * nts,
                 OUT, "card", mer=hotel_mer, mcc=hotel_mcc, city=city, ctry=c.us)  # fmt: skip
    merchants = Merchants(c)
    for cat_key, per_trip, hour in (("taxi", c.rng.integers(2, 5, n), 9.0), ("restaurant", nts + 1, 19.0)):
        cat = CATEGORY_INDEX[cat_key]
        trip = np.repeat(np.arange(n), per_trip)
        t = trip.shape[0]
        d = day[trip] + np.floor(c.rng.random(t) * (nts[trip] + 1)).astype(np.int64)
        h = np.clip(c.rng.normal(hour, 2.0, t), 6, 23)
        mer, mcc = merchants.pick(c, np.full(t, cat))
        c.events.add(acct[trip], c.ts(d, (h * 3600).astype(np.int64)),
                     cents(c, CATEGORIES[cat].median * 1.6, CATEGORIES[cat].sigma, t), OUT, "card", mer=mer,
                     mcc=mcc, city=city[trip], ctry=c.us)  # fmt: skip
    back = day + nts + 10
    ok = back < c.days
    c.events.add(p["checking"][who[ok]], c.ts(back[ok], 4 * 3600), cents(c, 380.0, 0.3, int(ok.sum())) * nts[ok],
                 IN, "ach", cpn=c.names.idx("EXPENSE REIMBURSEMENT"), desc=c.descs.idx("EXPENSE REIMB"))  # fmt: skip


def business_operations(c: Community, p: Arrays, businesses: list[Business]) -> None:
    """Legitimate businesses: card batches and cash in opening hours, payroll tax, suppliers, lease, owner draw."""
    acct_name = c.acct_name()
    for b in businesses:
        kind = BUSINESS_KINDS[b.kind]
        acct = b.account

        if kind.card_sales_per_day > 0:
            card_batches(
                c,
                acct,
                kind.card_sales_per_day,
                kind.ticket,
                kind.open_hour,
                kind.close_hour,
                kind.mcc,
                b.name,
                b.city,
            )
        n_cash = int(c.rng.poisson(kind.cash_deposits_per_month * c.days / 30.0))
        if n_cash:
            c.events.add(
                np.full(n_cash, acct),
                c.ts(c.rng.integers(0, c.days, n_cash), c.rng.integers(9 * 3600, 16 * 3600, n_cash)),
                cents(c, kind.cash_deposit, 0.8, n_cash),
                IN,
                "cash",
                city=b.city,
                ctry=c.us,
                desc=c.descs.idx("BRANCH CASH DEPOSIT"),
            )
        pay = paydays(c, b.pay_every, b.party % 2)
        staff = len(b.employees) + b.external_staff
        if b.external_staff:
            c.events.add(
                np.full(pay.shape, acct),
                c.ts(pay, 3 * 3600),
                b.wage * b.external_staff,
                OUT,
                "ach",
                cpn=c.names.idx("ADP PAYROLL SERVICES"),
                cpa=c.ext_account("ADP PAYROLL SERVICES"),
                desc=c.descs.idx("PAYROLL BATCH"),
            )
        c.events.add(
            np.full(pay.shape, acct),
            c.ts(pay + 1, 5 * 3600),
            max(100, int(b.wage * staff * 0.22)),
            OUT,
            "ach",
            cpn=c.names.idx("IRS USATAXPYMT"),
            cpa=c.ext_account("IRS USATAXPYMT"),
            desc=c.descs.idx("EFTPS USATAXPYMT"),
        )
        n_sup = int(c.rng.poisson(4 * c.days / 30.0))
        sup = c.rng.integers(0, len(SUPPLIERS), n_sup)
        c.events.add(
            np.full(n_sup, acct),
            c.ts(c.rng.integers(0, c.days, n_sup), c.rng.integers(8, 17, n_sup) * 3600),
            cents(c, 1500.0, 0.9, n_sup),
            OUT,
            "ach" if c.rng.random() < 0.7 else "wire",
            cpn=c.names.many([SUPPLIERS[s] for s in sup]),
            cpa=np.asarray([c.ext_account(SUPPLIERS[s]) for s in sup], dtype=np.int64),
            desc=c.descs.idx("SUPPLIER INVOICE"),
        )
        lease = int(np.exp(c.rng.normal(np.log(4500), 0.4))) * 100
        monthly(
            c,
            np.asarray([acct]),
            np.asarray([lease]),
            0,
            3,
            OUT,
            "ach",
            cpn=c.names.idx("COMMERCIAL LEASE"),
            cpa=c.ext_account(f"LEASE {b.name}"),
            desc=c.descs.idx("LEASE PAYMENT"),
        )
        monthly(
            c,
            np.asarray([acct]),
            cents(c, 600.0, 0.3, 1),
            10,
            20,
            OUT,
            "ach",
            cpn=c.names.idx(UTILITIES[b.party % 4][1]),
            cpa=c.ext_account(UTILITIES[b.party % 4][1]),
            desc=c.descs.idx("AUTOPAY UTILITY"),
        )
        owner_acct = int(p["checking"][b.owner])
        monthly_draw = cents(c, 3500.0, 0.4, 1)
        _monthly_transfer(
            c,
            np.asarray([acct]),
            np.asarray([owner_acct]),
            monthly_draw,
            "internal",
            "OWNER DRAW",
            np.asarray([p["device"][b.owner]]),
            acct_name,
        )


#: Card processors that settle a merchant's day as one ACH credit (NACHA company names as statements show them).
PROCESSORS = ("SQUARE INC", "STRIPE TRANSFER", "FIRST DATA MERCH", "CLOVER SETTLEMNT", "TOAST INC")
#: Share of card-accepting businesses whose processor settles by one ACH batch a day instead of per shift.
ACH_SETTLED_SHARE = 0.5


def card_batches(
    c: Community,
    acct: int,
    per_day: float,
    ticket: float,
    open_h: int,
    close_h: int,
    mcc: str,
    name: str,
    city: int,
    batches: int = 2,
) -> None:
    """Daily card settlements at the end of each shift; the amount is the sum of that shift's sales.

    Half of the merchants (any business, front or not) are settled by their processor instead: one ACH
    credit the next morning for the whole day, so the time of the credit says nothing about the sales.
    """
    span = (close_h - open_h) / batches
    day = np.repeat(np.arange(c.days), batches)
    shift = np.tile(np.arange(batches), c.days)
    sales = c.rng.poisson(per_day / batches, day.shape[0])
    keep = sales > 0
    day, shift, sales = day[keep], shift[keep], sales[keep]
    amount = np.round(sales * ticket * np.exp(0.25 * c.rng.standard_normal(day.shape[0])) * 100).astype(
        np.int64
    )
    if c.rng.random() < ACH_SETTLED_SHARE:
        processor = PROCESSORS[int(c.rng.integers(len(PROCESSORS)))]
        days, first = np.unique(day, return_index=True)
        daily = np.add.reduceat(np.maximum(amount, 100), first) if day.shape[0] else amount
        keep_d = days + 1 < c.days
        days, daily = days[keep_d], daily[keep_d]
        c.events.add(
            np.full(days.shape, acct),
            c.ts(days + 1, c.rng.integers(3 * 3600, 6 * 3600, days.shape[0])),
            daily,
            IN,
            "ach",
            cpn=c.names.idx(processor),
            cpa=c.ext_account(processor),
            desc=c.descs.idx(f"{processor} DEPOSIT CCD"),
        )
        return
    sec = ((open_h + (shift + 1) * span) * 3600 - c.rng.integers(0, 1800, day.shape[0])).astype(np.int64)
    c.events.add(
        np.full(day.shape, acct),
        c.ts(day, sec),
        np.maximum(amount, 100),
        IN,
        "card",
        cpn=c.names.idx("CARD SETTLEMENT"),
        mer=c.merchants.idx(name.upper()),
        mcc=c.mccs.idx(mcc),
        city=city,
        ctry=c.us,
        desc=c.descs.idx("MERCHANT DEPOSIT"),
    )


def own_account_sweeps(c: Community, p: Arrays, idx: IntArray) -> None:
    """Sweepers move 60-95% of each pay, 0-2 days later, to their own account at another bank.

    A benign look-alike ABOVE the sweep thresholds (ST-21, LT-02): the money leaves for one counterparty
    right after payday; only the counterparty's name (the holder's own) tells it apart.
    """
    sel = idx[(p["flags"][idx] & SWEEPER) != 0]
    sel = sel[p["pay_every"][sel] > 0]
    names = np.asarray(c.parties.name_code, dtype=np.int64)
    for i in sel:
        days = paydays(c, int(p["pay_every"][i]), int(i % 2))
        days = days[days >= p["active_from"][i]]
        days = days + c.rng.integers(0, 3, days.shape[0])
        days = days[days < c.days]
        if days.shape[0] == 0:
            continue
        share = c.rng.uniform(0.6, 0.95)
        amount = np.maximum((p["wage"][i] * share * np.exp(0.05 * c.rng.standard_normal(days.shape[0]))), 100)
        own = c.names._values[int(names[p["party"][i]])]
        p2p_ = c.rng.random() < 0.4
        c.events.add(
            np.full(days.shape, p["checking"][i]),
            c.ts(days, c.rng.integers(7 * 3600, 22 * 3600, days.shape[0])),
            amount.astype(np.int64),
            OUT,
            "p2p" if p2p_ else "ach",
            cpn=int(names[p["party"][i]]),
            cpa=c.ext_account(f"{own}|own"),
            desc=c.descs.idx("TRANSFER TO OWN ACCOUNT" if p2p_ else "ONLINE TRANSFER TO EXT SAVINGS"),
        )


def ordinary_life(
    c: Community, p: Arrays, employer_names: list[str], businesses: list[Business], n_ordinary: int
) -> None:
    """All ordinary behaviours for persons [0, n_ordinary) plus light everyday life for scheme persons."""
    idx = np.arange(n_ordinary)
    seg = p["segment"][idx]
    mix_groups = (
        (seg == STUDENT, MIX_STUDENT),
        (seg == NIGHT, MIX_NIGHT),
        ((seg != STUDENT) & (seg != NIGHT), MIX_DEFAULT),
    )
    for mask, mix in mix_groups:
        card_spending(c, p, idx[mask], 20.0, mix)
    atm(c, p, idx, 2.0, OUT, 100.0)
    p2p(c, p, idx, 1.5)
    payroll(c, p, employer_names)
    own_account_sweeps(c, p, idx)
    bills(c, p, idx)
    remittances(c, p, idx)
    lookalikes(c, p, idx)
    business_operations(c, p, businesses)
    scheme_people = np.arange(n_ordinary, p["party"].shape[0])
    card_spending(c, p, scheme_people, 9.0, MIX_LIGHT)
