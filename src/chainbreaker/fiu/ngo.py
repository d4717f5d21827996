"""Reports from NGOs to the FIU (Key 11): a short form that lands in the same tables as bank reports.

An NGO sees trafficking from the survivors' side: who controlled them, which phone and account the money
went to. The form asks for that (suspected persons with what identifies them, the indicators seen, the
period and region) and marks the report's source `ngo`, so linking can tie it to banks' reports while
statistics and feedback can tell the sources apart. A survivor is named only with recorded consent.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy.orm import Session

from chainbreaker.cases import audit
from chainbreaker.core.errors import InputError
from chainbreaker.core.workspace import Workspace
from chainbreaker.fiu.ingest import FileOutcome, ingest_files
from chainbreaker.fiu.parse import ParsedReport, Party


class SuspectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=200)
    birth_date: date | None = None
    phone: str | None = Field(default=None, max_length=40)
    account: str | None = Field(default=None, max_length=60)


class NgoReportIn(BaseModel):
    """What the NGO form submits."""

    model_config = ConfigDict(extra="forbid")

    reference: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9._/-]+$")
    trafficking_type: Literal["sex", "labour", "both", "unstated"]
    activity_from: date
    activity_to: date
    region: str = Field(min_length=1, max_length=100)
    indicators: list[str] = Field(default_factory=list, max_length=30)
    narrative: str = Field(min_length=20, max_length=8000)
    suspects: list[SuspectIn] = Field(default_factory=list, max_length=10)
    survivor_names: list[str] = Field(default_factory=list, max_length=10)
    survivor_consent: bool = False

    @field_validator("indicators")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        return [v.strip().upper() for v in value if v.strip()]

    @model_validator(mode="after")
    def _rules(self) -> NgoReportIn:
        if self.activity_to < self.activity_from:
            raise ValueError("activity_to is before activity_from")
        if self.survivor_names and not self.survivor_consent:
            raise ValueError("survivors may be named only with their recorded consent")
        if not self.suspects and not self.survivor_names:
            raise ValueError("name at least one suspected person (or a survivor, with consent)")
        return self


def to_report(form: NgoReportIn, org_id: str, org_name: str, submitted_at: datetime) -> ParsedReport:
    """The form as a received report (source `ngo`), identified by the NGO and its own reference."""
    content = form.model_dump(mode="json")
    sha = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    parties = [
        Party(
            role="subject",
            name=s.name.strip(),
            birth_date=s.birth_date,
            phone=s.phone,
            accounts=[s.account] if s.account else [],
        )
        for s in form.suspects
    ]
    parties += [Party(role="victim", name=n.strip()) for n in form.survivor_names if n.strip()]
    return ParsedReport(
        report_id=f"ngo:{org_id}:{form.reference}",
        source="ngo",
        profile="ngo-form",
        entity_id=f"ngo:{org_id}",
        entity_name=org_name,
        entity_reference=form.reference,
        submitted_at=submitted_at,
        period_start=datetime.combine(form.activity_from, datetime.min.time()),
        period_end=datetime.combine(form.activity_to, datetime.min.time()),
        trafficking_type=form.trafficking_type,
        region=form.region,
        total_amount=None,
        narrative=form.narrative,
        parties=parties,
        transactions=[],
        indicators=[("redflag", code) for code in dict.fromkeys(form.indicators)],
        channels={},
        sha256=sha,
        file_name=f"ngo-form:{form.reference}",
    )


def submit(
    workspace: Workspace,
    session: Session,
    form: NgoReportIn,
    org_id: str,
    org_name: str,
    actor: str,
    now: datetime,
) -> FileOutcome:
    """Store one NGO report through the same path as files and record it in the NGO's audit chain."""
    report = to_report(form, org_id, org_name, now)
    result = ingest_files(workspace, [], extra=[report], workers=1)
    outcome = result.outcomes[0]
    if outcome.outcome == "rejected":
        raise InputError(f"report {form.reference}: {outcome.reason}")
    audit.record(
        session,
        org_id,
        actor,
        "fiu.ngo_report",
        "fiu_report",
        report.report_id,
        {"outcome": outcome.outcome, "suspects": len(form.suspects), "survivors": len(form.survivor_names)},
    )
    return outcome
