"""Write the multi-bank synthetic world as the files an FIU receives, through our own report writers.

Each `FiledReport` becomes `ReportFacts` and goes through `build_goaml` (UAE profile) or `build_sar` (FinCEN),
the very builders `chainbreaker report` uses, so the FIU side is tested on what the bank side really writes.
`truth.csv` gives, per filed party, the person behind it: the linking benchmark's answer key.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from chainbreaker.cases.safeguards import Safeguard
from chainbreaker.core.errors import InputError
from chainbreaker.reports.facts import ReportFacts, ReportParty
from chainbreaker.reports.fincen import build_sar
from chainbreaker.reports.goaml import build_goaml
from chainbreaker.reports.institution import Institution, KycRecord, Person
from chainbreaker.reports.profiles import FincenProfile, GoamlProfile, load_profile
from chainbreaker.synth.multibank import (
    Bank,
    Customer,
    FiledReport,
    MultiBankConfig,
    MultiBankWorld,
    generate_multibank,
)

TRUTH_COLUMNS = ("file", "report_id", "role", "name", "person_id", "bank_id", "ring_id")


@dataclass(frozen=True)
class SyntheticExport:
    files: list[Path]
    truth_path: Path
    reports: int


def _institution(bank: Bank) -> Institution:
    return Institution(
        name=bank.name,
        address="1 Finance Street",
        city=bank.city,
        state="TX",
        zip="77002",
        country=bank.country,
        phone="+15550100",
        swift=f"SYNB{bank.bank_id}XX",
        ein=bank.ein,
        primary_regulator="OCC",
        goaml_rentity_id=bank.rentity_id,
        mlro=Person(first_name="Morgan", last_name="Reyes", occupation="MLRO", email="mlro@example.org"),
        transmitter_tcc="TBSATEST",
        contact_office="BSA Compliance",
    )


def _party(
    world: MultiBankWorld, c: Customer, role: str, report: FiledReport
) -> tuple[ReportParty, KycRecord]:
    person = world.persons[c.person_id]
    details: dict[str, Any] = {
        "party_id": c.customer_id,
        "name": c.name,
        "party_type": "person",
        "date_of_birth": person.birth_date,
        "id_number": person.id_number,
        "nationality": person.nationality,
        "country": person.country,
        "city": person.city,
        "address": person.address,
        "phone": c.phone,
        "accounts": [{"account_id": c.account_id}],
        "holders": [c.customer_id],
    }
    kyc = KycRecord(
        party_id=c.customer_id,
        gender=person.gender,
        id_type="passport",
        id_number=person.id_number,
        id_issue_date=person.birth_date.replace(year=person.birth_date.year + 18),
        id_expiry_date=person.birth_date.replace(year=person.birth_date.year + 48),
        id_issue_country=person.nationality,
        tax_registered="N",
    )
    party = ReportParty(
        party_id=c.customer_id,
        role="subject" if role == "subject" else "likely_victim",
        sub_role="controller" if role == "subject" else None,
        risk_score=0.8,
        explanation=None,
        account_action=None,
        details=details,
        kyc=kyc if role == "subject" else None,
        indicators=list(report.indicators) if role == "subject" else [],
    )
    return party, kyc


def report_facts(world: MultiBankWorld, report: FiledReport, bank: Bank) -> ReportFacts:
    """The facts our writers need, from one synthetic filing."""
    parties = [_party(world, c, "subject", report)[0] for c in report.subjects]
    parties += [_party(world, c, "victim", report)[0] for c in report.victims]
    alerts = [
        {
            "indicator_id": ind,
            "party_id": report.subjects[0].customer_id,
            "trafficking_type": report.trafficking_type,
            "score": 0.8,
            "evidence": {},
            "period_start": report.period_start,
            "period_end": report.period_end,
        }
        for ind in report.indicators
    ]
    evidence = [
        {
            "txn_id": t.txn_id,
            "party_id": t.customer_id,
            "counterparty_party_id": t.counterparty_customer,
            "account_id": t.account_id,
            "counterparty_account": t.counterparty_account,
            "counterparty_name": t.counterparty_name,
            "merchant_name": None,
            "description": None,
            "booked_at": t.booked_at,
            "amount": t.amount,
            "currency": t.currency,
            "channel": t.channel,
            "direction": t.direction,
            "city": t.city,
            "country": t.country,
            "counterparty_country": None,
            "indicator_id": t.indicator_id,
        }
        for t in report.transactions
    ]
    return ReportFacts(
        reference=report.reference,
        title=f"Ring {report.ring_id}",
        status="reported",
        trafficking_type=report.trafficking_type,
        risk_score=0.8,
        period_start=report.period_start,
        period_end=report.period_end,
        network={},
        parties=parties,
        alerts=alerts,
        evidence=evidence,
        hits=[],
        comments=0,
        safeguard=Safeguard(applies=bool(report.victims), message="do not simply exit"),
        institution=_institution(bank),
        generated_at=report.filed_at,
    )


def write_world(world: MultiBankWorld, out_dir: Path) -> SyntheticExport:
    """Write every report as XML (one file each) and `truth.csv`; refuses a folder that already has files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if any(out_dir.iterdir()):
        raise InputError(f"{out_dir} is not empty; choose a new folder for the synthetic reports")
    goaml_profile = load_profile("uae")
    fincen_profile = load_profile("fincen")
    assert isinstance(goaml_profile, GoamlProfile) and isinstance(fincen_profile, FincenProfile)
    banks = {b.bank_id: b for b in world.banks}
    files: list[Path] = []
    with (out_dir / "truth.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(TRUTH_COLUMNS)
        for report in world.reports:
            bank = banks[report.bank_id]
            facts = report_facts(world, report, bank)
            if bank.fmt == "goaml":
                root, missing = build_goaml(facts, goaml_profile)
            else:
                root, missing = build_sar(facts, fincen_profile)
            if missing:
                raise InputError(f"synthetic report {report.reference} is incomplete: {missing[0]}")
            path = out_dir / f"{report.reference}.xml"
            path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
            files.append(path)
            for role, people in (("subject", report.subjects), ("victim", report.victims)):
                for c in people:
                    writer.writerow(
                        (
                            path.name,
                            report.reference,
                            role,
                            c.name,
                            c.person_id,
                            report.bank_id,
                            report.ring_id,
                        )
                    )
    return SyntheticExport(files, out_dir / "truth.csv", len(files))


def synthetic_reports(out_dir: Path, config: MultiBankConfig) -> SyntheticExport:
    """Generate the multi-bank world and write it (the `chainbreaker fiu synth` command)."""
    return write_world(generate_multibank(config), out_dir)
