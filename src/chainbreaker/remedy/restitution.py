"""Stolen wages counted from the transactions: a restitution schedule per victim of a labour case (Key 17).

Prosecutors and civil claims need a figure per victim with the evidence behind it. The schedule reads the
case's parties (who is a likely victim, who is a subject) from the case store and every transaction of the
victims' own accounts from the workspace, then sorts money into four heads by rules a reader can check:

- **wages in**: credits from the case's front business or subjects, ACH credits from one payer who pays two
  or more of the case's victims (the common employer), or ACH payroll from the victim's own employer (a
  payer that pays the victim payroll in two or more months: a debt-bondage victim works for an outside
  employer, and what the recruiter takes comes out of those wages);
- **diverted wages**: payroll the employer paid to a subject's account for a victim's work, attributed to
  the victim whose name the payment's description carries (unattributed ones are listed apart);
- **fees**: debits to a recruiter, to an employment agency (MCC 7361) or described or addressed as a
  recruitment, visa, placement or agency fee, and repayments of a debt (described as a loan, repayment,
  debt or fee) to a subject or to a receiver the case's victims share (debt bondage);
- **swept out**: debits to a subject's account, to an outside receiver that two or more of the case's
  victims pay (a shared controller), or cash taken out within three days of a wage credit for at least 75%
  of it (an *inferred* cash hand-over, marked as such so a court can weigh it).

Owed is swept out + fees + diverted wages. Rules use accounts, channels, MCCs and the case's own network first;
description words are a second signal only, since banks word descriptions differently.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

import pyarrow as pa
from rapidfuzz import fuzz

from chainbreaker.engines.base import Engine
from chainbreaker.screening.normalize import normalize_name
from chainbreaker.storage.models import Case

#: Words that mark a fee in a description or a counterparty name (second signal after MCC and roles).
FEE_WORDS = re.compile(r"\b(FEES?|RECRUIT\w*|VISA|PLACEMENT|AGENCY|AGENT|MANPOWER|PROCESSING)\b", re.I)
#: Words that mark payroll in a description (used only for payments into a subject's account).
PAYROLL_WORDS = re.compile(r"\b(PAYROLL|SALARY|WAGES?|DIR DEP|PAYDAY)\b", re.I)
#: Words that mark the repayment of a debt in a description (counted only towards the case's own network).
DEBT_WORDS = re.compile(r"\b(LOANS?|REPAY\w*|DEBTS?|FEES?|ADVANCE)\b", re.I)
#: A payer is the victim's own employer when it pays the victim payroll in at least this many months.
OWN_EMPLOYER_MONTHS = 2
EMPLOYMENT_AGENCY_MCC = "7361"
CASH_HANDOVER_DAYS = 3
CASH_HANDOVER_SHARE = Decimal("0.75")
NAME_IN_DESCRIPTION = 90  # rapidfuzz partial ratio of a victim's name inside a payroll description

HEADS = ("wages_in", "swept_out", "fees", "diverted")


@dataclass(frozen=True)
class EvidenceLine:
    """One transaction counted in the schedule, with the rule that counted it."""

    party_id: str
    txn_id: str
    booked_at: datetime
    head: str
    amount: Decimal
    rule: str
    counterparty: str


@dataclass
class VictimLine:
    """What one victim was paid and lost, in the account's currency."""

    party_id: str
    wages_in: Decimal = Decimal("0")
    swept_out: Decimal = Decimal("0")
    fees: Decimal = Decimal("0")
    diverted: Decimal = Decimal("0")
    cash_inferred: Decimal = Decimal("0")
    evidence: list[EvidenceLine] = field(default_factory=list)

    @property
    def owed(self) -> Decimal:
        return self.swept_out + self.fees + self.diverted

    def add(self, line: EvidenceLine) -> None:
        setattr(self, line.head, getattr(self, line.head) + line.amount)
        self.evidence.append(line)


@dataclass
class Schedule:
    """The restitution schedule of one case."""

    case_reference: str
    trafficking_type: str
    victims: list[VictimLine]
    unattributed: list[EvidenceLine]
    notes: list[str]

    def total(self, head: str) -> Decimal:
        if head == "owed":
            return sum((v.owed for v in self.victims), Decimal("0"))
        return sum((getattr(v, head) for v in self.victims), Decimal("0"))


def _key(row: dict[str, object]) -> str:
    """Who is on the other side of a transaction: the account where known, else the name."""
    return str(row["counterparty_account"] or row["counterparty_name"] or "")


def _counterparty(row: dict[str, object]) -> str:
    for key in ("counterparty_name", "merchant_name", "counterparty_account"):
        value = row.get(key)
        if value:
            return str(value)
    return ""


def _fetch(
    engine: Engine, victims: list[str], subjects: dict[str, str | None]
) -> tuple[list[dict[str, object]], list[dict[str, object]], set[str]]:
    """Victims' transactions, credits into subjects' accounts from subjects' accounts, and subject accounts."""
    engine.register_arrow("restitution_victims", pa.table({"party_id": pa.array(victims, pa.string())}))
    engine.register_arrow(
        "restitution_subjects",
        pa.table({"party_id": pa.array(list(subjects), pa.string())}),
    )
    subject_accounts = {
        str(r["account_id"])
        for r in engine.query(
            "restitution subject accounts",
            """
            SELECT account_id FROM accounts WHERE party_id IN (SELECT party_id FROM restitution_subjects)
            UNION
            SELECT account_id FROM account_holders
            WHERE role = 'signatory' AND party_id IN (SELECT party_id FROM restitution_subjects)
            """
            if engine.exists("account_holders")
            else "SELECT account_id FROM accounts "
            "WHERE party_id IN (SELECT party_id FROM restitution_subjects)",
        ).to_pylist()
    }
    victim_rows = engine.query(
        "restitution victim transactions",
        """
        SELECT a.party_id, t.txn_id, t.account_id, t.booked_at, t.amount, t.direction, t.channel,
               t.counterparty_account, t.counterparty_name, t.merchant_name, t.mcc, t.description
        FROM transactions t JOIN accounts a ON a.account_id = t.account_id
        WHERE a.party_id IN (SELECT party_id FROM restitution_victims)
        ORDER BY a.party_id, t.booked_at, t.txn_id
        """,
    ).to_pylist()
    victim_accounts = {str(r["account_id"]) for r in victim_rows}
    subject_accounts -= victim_accounts  # a controller who is an authorised user is not the owner
    engine.register_arrow(
        "restitution_subject_accounts",
        pa.table({"account_id": pa.array(sorted(subject_accounts), pa.string())}),
    )
    diverted_rows = engine.query(
        "restitution payroll into subjects",
        """
        SELECT t.txn_id, t.account_id, t.booked_at, t.amount, t.channel, t.counterparty_account,
               t.counterparty_name, t.merchant_name, t.mcc, t.description
        FROM transactions t
        WHERE t.direction = 'in'
          AND t.account_id IN (SELECT account_id FROM restitution_subject_accounts)
          AND t.counterparty_account IN (SELECT account_id FROM restitution_subject_accounts)
        ORDER BY t.booked_at, t.txn_id
        """,
    ).to_pylist()
    return victim_rows, diverted_rows, subject_accounts


def compute_schedule(
    engine: Engine,
    case_reference: str,
    trafficking_type: str,
    victims: dict[str, str],
    subjects: dict[str, str | None],
) -> Schedule:
    """The schedule for `victims` (party id -> name) against `subjects` (party id -> sub-role)."""
    notes: list[str] = []
    if trafficking_type == "sex":
        notes.append(
            "This case is classified as sex trafficking; the schedule counts earnings taken from victims "
            "under the same rules, but 'wages' may be proceeds of exploitation rather than payroll."
        )
    lines = {pid: VictimLine(pid) for pid in victims}
    if not victims:
        notes.append("The case names no likely victim, so there is nobody to compute restitution for.")
        return Schedule(case_reference, trafficking_type, [], [], notes)
    victim_rows, diverted_rows, subject_accounts = _fetch(engine, sorted(victims), subjects)
    recruiter_accounts = _recruiter_accounts(engine, subjects) - {str(r["account_id"]) for r in victim_rows}

    # Payers shared by two or more victims (the common employer), then receivers shared by two or more of the
    # victims who earn wages from the case: the case's own network, seen from the money. Counting only
    # wage earners keeps a landlord or a utility that two people of the case happen to pay out of it.
    paid_by: dict[str, set[str]] = defaultdict(set)
    for r in victim_rows:
        key = _key(r)
        if key and r["channel"] != "card" and r["direction"] == "in":
            paid_by[key].add(str(r["party_id"]))
    employers = {k for k, who in paid_by.items() if len(who) >= 2}
    own_employer = _own_employers(victim_rows)
    earners = {
        str(r["party_id"])
        for r in victim_rows
        if r["direction"] == "in"
        and (
            str(r["counterparty_account"] or "") in subject_accounts
            or (r["channel"] == "ach" and _key(r) in employers)
        )
    }
    paid_to: dict[str, set[str]] = defaultdict(set)
    for r in victim_rows:
        key = _key(r)
        if key and r["channel"] != "card" and r["direction"] == "out" and str(r["party_id"]) in earners:
            paid_to[key].add(str(r["party_id"]))
    shared_receivers = {k for k, who in paid_to.items() if len(who) >= 2}
    # Debt bondage: victims paid by their own outside employers repay "a loan" to the same receiver. Only
    # payments described as a debt count here, so a landlord or a utility they share stays out.
    repaid_to: dict[str, set[str]] = defaultdict(set)
    for r in victim_rows:
        key = _key(r)
        described = DEBT_WORDS.search(str(r["description"] or ""))
        if key and described and r["channel"] != "card" and r["direction"] == "out":
            repaid_to[key].add(str(r["party_id"]))
    debt_receivers = {k for k, who in repaid_to.items() if len(who) >= 2}

    recent_wage: dict[str, tuple[datetime, Decimal]] = {}
    for r in victim_rows:
        pid = str(r["party_id"])
        amount = Decimal(str(r["amount"]))
        booked = _when(r["booked_at"])
        cp_account = str(r["counterparty_account"] or "")
        cp_key = _key(r)
        text = " ".join(str(r[k] or "") for k in ("description", "counterparty_name", "merchant_name"))

        decision: tuple[str, str] | None = None
        if r["direction"] == "in":
            if cp_account in subject_accounts:
                decision = ("wages_in", "credit from the case's front business or a subject")
            elif r["channel"] == "ach" and cp_key in employers:
                decision = ("wages_in", "ACH credit from a payer who pays two or more of the case's victims")
            if decision is not None:
                recent_wage[pid] = (booked, amount)
            elif (pid, cp_key) in own_employer and PAYROLL_WORDS.search(str(r["description"] or "")):
                # ordinary payroll: counted as wages, but never the start of an inferred cash hand-over
                decision = ("wages_in", "ACH payroll from the victim's own employer (two or more months)")
        elif cp_account in recruiter_accounts:
            decision = ("fees", "payment to the case's recruiter")
        elif r["mcc"] == EMPLOYMENT_AGENCY_MCC:
            decision = ("fees", "card payment to an employment agency (MCC 7361)")
        elif r["channel"] != "card" and FEE_WORDS.search(text) and cp_account not in subject_accounts:
            decision = ("fees", "described or addressed as a recruitment, visa, placement or agency fee")
        elif r["channel"] == "card" and FEE_WORDS.search(str(r["merchant_name"] or "")):
            decision = ("fees", "card payment to a recruitment or visa agent")
        elif (
            r["channel"] != "card"
            and (cp_account in subject_accounts or cp_key in debt_receivers)
            and DEBT_WORDS.search(str(r["description"] or ""))
        ):
            decision = ("fees", "repayment of a debt to a subject or a receiver the case's victims share")
        elif cp_account in subject_accounts:
            decision = ("swept_out", "transfer to a subject's account")
        elif cp_key and cp_key in shared_receivers and r["channel"] != "card":
            decision = (
                "swept_out",
                "transfer to an outside receiver that two or more of the case's victims pay",
            )
        elif r["channel"] == "atm" and pid in recent_wage:
            paid_at, wage = recent_wage[pid]
            if (
                booked - paid_at <= timedelta(days=CASH_HANDOVER_DAYS)
                and amount >= wage * CASH_HANDOVER_SHARE
            ):
                decision = (
                    "swept_out",
                    "inferred cash hand-over: cash out within 3 days of a wage, >= 75% of it",
                )
                lines[pid].cash_inferred += amount
                del recent_wage[pid]
        if decision is not None:
            head, rule = decision
            lines[pid].add(EvidenceLine(pid, str(r["txn_id"]), booked, head, amount, rule, _counterparty(r)))

    unattributed = _attribute_diverted(diverted_rows, victims, lines)
    if unattributed:
        notes.append(
            f"{len(unattributed)} payroll-like payment(s) into subjects' accounts name no victim of the case; "
            "they are listed apart and not added to anyone's figure."
        )
    if any(v.cash_inferred for v in lines.values()):
        notes.append("Amounts marked 'inferred cash hand-over' rest on timing and size, not on a recipient.")
    return Schedule(case_reference, trafficking_type, [lines[p] for p in sorted(lines)], unattributed, notes)


def _own_employers(rows: list[dict[str, object]]) -> set[tuple[str, str]]:
    """(victim, payer) pairs where the payer paid the victim ACH payroll in two or more months."""
    months: dict[tuple[str, str], set[tuple[int, int]]] = defaultdict(set)
    for r in rows:
        if (
            r["direction"] != "in"
            or r["channel"] != "ach"
            or not PAYROLL_WORDS.search(str(r["description"] or ""))
        ):
            continue
        key = _key(r)
        if key:
            when = _when(r["booked_at"])
            months[(str(r["party_id"]), key)].add((when.year, when.month))
    return {pair for pair, seen in months.items() if len(seen) >= OWN_EMPLOYER_MONTHS}


def _recruiter_accounts(engine: Engine, subjects: dict[str, str | None]) -> set[str]:
    recruiters = [p for p, sub in subjects.items() if sub == "recruiter"]
    if not recruiters:
        return set()
    engine.register_arrow("restitution_recruiters", pa.table({"party_id": pa.array(recruiters, pa.string())}))
    rows = engine.query(
        "restitution recruiter accounts",
        "SELECT account_id FROM accounts WHERE party_id IN (SELECT party_id FROM restitution_recruiters)",
    ).to_pylist()
    return {str(r["account_id"]) for r in rows}


def _words(text: str) -> str:
    """A name or description as lower-case ASCII words, through the screening normaliser."""
    return " ".join(normalize_name(text).tokens)


def _when(value: object) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"booked_at must be a timestamp, not {type(value).__name__}")
    return value


def _attribute_diverted(
    rows: list[dict[str, object]], victims: dict[str, str], lines: dict[str, VictimLine]
) -> list[EvidenceLine]:
    """Payroll paid to a subject for a victim's work, attributed by the victim's name in the description."""
    names = {pid: _words(name) for pid, name in victims.items() if name}
    unattributed: list[EvidenceLine] = []
    for r in rows:
        description = str(r["description"] or "")
        if not PAYROLL_WORDS.search(description):
            continue
        booked = _when(r["booked_at"])
        amount = Decimal(str(r["amount"]))
        text = _words(PAYROLL_WORDS.sub(" ", description))
        best, best_score = None, 0.0
        for pid, name in names.items():
            score = fuzz.token_set_ratio(name, text) if name else 0.0
            if score > best_score:
                best, best_score = pid, score
        if best is not None and best_score >= NAME_IN_DESCRIPTION:
            lines[best].add(
                EvidenceLine(
                    best,
                    str(r["txn_id"]),
                    booked,
                    "diverted",
                    amount,
                    "payroll paid to a subject's account naming this victim",
                    _counterparty(r),
                )
            )
        else:
            unattributed.append(
                EvidenceLine(
                    "",
                    str(r["txn_id"]),
                    booked,
                    "diverted",
                    amount,
                    "payroll paid to a subject's account naming no victim of the case",
                    _counterparty(r),
                )
            )
    return unattributed


def schedule_for_case(engine: Engine, case: Case) -> Schedule:
    """The schedule of a stored case: its likely victims against its subjects, names from the workspace."""
    victim_ids = sorted(p.party_id for p in case.parties if p.role == "likely_victim")
    subjects = {p.party_id: p.sub_role for p in case.parties if p.role == "subject"}
    names: dict[str, str] = {}
    if victim_ids:
        engine.register_arrow("restitution_named", pa.table({"party_id": pa.array(victim_ids, pa.string())}))
        for row in engine.query(
            "restitution victim names",
            "SELECT party_id, name FROM parties WHERE party_id IN (SELECT party_id FROM restitution_named)",
        ).to_pylist():
            names[str(row["party_id"])] = str(row["name"] or "")
    victims = {pid: names.get(pid, "") for pid in victim_ids}
    return compute_schedule(engine, case.reference, case.trafficking_type, victims, subjects)
