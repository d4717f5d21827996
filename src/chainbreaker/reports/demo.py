"""Reporting set-up for the synthetic demo bank ONLY: a fictitious filer and generated KYC extras.

A real bank supplies `WS/reporting/institution.yaml` and `kyc.csv` from its own records. The synthetic bank
(`chainbreaker synth`) has no identity documents, so `chainbreaker demo` writes these files from fixed rules
(dates derived from onboarding dates) to show complete, schema-valid reports. Never use them for real data:
`write_demo_reporting` refuses to overwrite existing files.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import yaml

from chainbreaker.cases.parties import party_details
from chainbreaker.core.errors import ConflictError, NotFoundError
from chainbreaker.core.workspace import Workspace
from chainbreaker.reports.errors import ReportIncompleteError
from chainbreaker.reports.export import ExportResult
from chainbreaker.reports.institution import reporting_dir

DEMO_INSTITUTION = {
    "name": "Chainbreaker Demo Bank",
    "address": "100 Example Street",
    "city": "New York",
    "state": "NY",
    "zip": "10001",
    "country": "US",
    "phone": "2125550100",
    "swift": "CBDEUS33",
    "branch": "HQ",
    "ein": "000000000",
    "primary_regulator": "OCC",
    "goaml_rentity_id": 1,
    "mlro": {"first_name": "Demo", "last_name": "Officer", "occupation": "MLRO", "email": "mlro@example.org"},
    "transmitter_tcc": "PDEMO000",
    "contact_office": "Demo BSA Compliance Office",
}


def write_demo_reporting(workspace: Workspace, party_ids: list[str]) -> tuple[Path, Path]:
    """Write the demo filer and KYC extras for the given synthetic parties; returns both paths."""
    folder = reporting_dir(workspace)
    institution, kyc = folder / "institution.yaml", folder / "kyc.csv"
    if institution.exists() or kyc.exists():
        raise ConflictError(f"{folder} already holds reporting files; the demo set-up never overwrites them")
    folder.mkdir(parents=True, exist_ok=True)
    institution.write_text(
        "# DEMO ONLY: a fictitious filer for the synthetic bank.\n" + yaml.safe_dump(DEMO_INSTITUTION),
        encoding="utf-8",
    )
    details = party_details(workspace, party_ids)
    with kyc.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "party_id",
                "id_type",
                "id_issue_date",
                "id_expiry_date",
                "id_issue_country",
                "tax_registered",
                "legal_form",
                "incorporation_date",
                "incorporation_state",
            ]
        )
        for party_id, d in sorted(details.items()):
            onboarded = d.get("onboarded_at") or date(2020, 1, 1)
            issued = onboarded - timedelta(days=365)
            country = d.get("nationality") or d.get("country") or "US"
            person = d.get("party_type") != "organization"
            writer.writerow(
                [
                    party_id,
                    "passport" if person else "trade_licence",
                    issued.isoformat(),
                    (issued + timedelta(days=3650)).isoformat(),
                    country,
                    "N" if person else "Y",
                    "" if person else "-",
                    "" if person else issued.isoformat(),
                    "" if person else (d.get("city") or "-"),
                ]
            )
    return institution, kyc


def demo_reports(
    workspace: Workspace,
    out_dir: Path,
    org_id: str = "default",
    schema_dir: Path | None = None,
    say: Callable[[str], None] | None = None,
) -> list[ExportResult]:
    """For `chainbreaker demo`: export the riskiest typed case with a subject as goAML, FinCEN SAR and HTML.

    Writes the demo reporting files first (synthetic bank only; refuses to overwrite real ones).
    Returns the three results, each validated against its FIU schema where one is found (the package's own,
    `schema_dir`, or the configured shared folder); a file without its schema is still written for the demo,
    marked "not validated: no XSD for profile X (pass --schema-dir)" (a real `report` refuses instead).

    A case the bank's data cannot report complete (a front business whose accounts have no signatory, so
    goAML has no director) is refused as `report` refuses it, nothing written; the demo says so through
    `say` and reports the next case instead, so the walk-through shows what a complete report looks like.
    """
    from sqlalchemy import select

    from chainbreaker.cases.store import store_session
    from chainbreaker.reports.export import export_report
    from chainbreaker.storage.models import Case, CaseParty

    with store_session(workspace) as session:
        candidates = session.execute(
            select(Case)
            .where(Case.org_id == org_id, Case.trafficking_type.in_(("sex", "labour", "mixed")))
            .where(Case.id.in_(select(CaseParty.case_id).where(CaseParty.role == "subject")))
            # A clearly typed case first: the demo shows a report that says sex or labour trafficking.
            .order_by((Case.trafficking_type == "mixed").asc(), Case.risk_score.desc(), Case.id)
        ).scalars()
        cases = [(c.reference, [p.party_id for p in c.parties]) for c in candidates]
    if not cases:
        raise NotFoundError("no case with a subject and a sex or labour trafficking type to report")
    write_demo_reporting(workspace, sorted({p for _ref, parties in cases for p in parties}))
    refused: list[ReportIncompleteError] = []
    for reference, _parties in cases:
        results = []
        try:
            for fmt, suffix in (("goaml", "goaml.xml"), ("fincen-sar", "sar.xml"), ("html", "html")):
                path = out_dir / f"{reference}.{suffix}"
                results.append(
                    export_report(
                        workspace,
                        reference,
                        fmt,
                        None,
                        path,
                        org_id=org_id,
                        actor="demo",
                        schema_dir=schema_dir,
                        allow_unvalidated=True,
                    )
                )
        except ReportIncompleteError as exc:
            for done in results:  # the case's files are written together or not at all
                done.path.unlink(missing_ok=True)
            refused.append(exc)
            if say:
                say(f"{exc} (the demo reports the next case)")
            continue
        return results
    raise refused[0]
