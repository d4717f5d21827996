"""`chainbreaker reporting init`: the two files a bank fills in before its first report, as templates.

`WS/reporting/institution.yaml` lists every field of the filer, each with the profiles that need it and what
it is; `WS/reporting/kyc.csv` has every KYC column goAML asks for the bank's own customers, with one blank row
per party of a case when a case is named. Nothing is invented: the bank fills the blanks from its records,
and `report` then lists by name anything still missing. Existing files are never overwritten.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from chainbreaker.cases.workflow import get_case
from chainbreaker.core.errors import ConflictError
from chainbreaker.core.workspace import Workspace
from chainbreaker.reports.institution import Institution, KycRecord, Person, reporting_dir

#: Which profile needs each institution field, and what it is (the template's comments).
INSTITUTION_FIELDS: dict[str, tuple[str, str]] = {
    "name": ("uae, fincen", "legal name of the reporting institution"),
    "address": ("fincen", "street address"),
    "city": ("fincen", "city"),
    "state": ("fincen", "US state code (two letters)"),
    "zip": ("fincen", "ZIP code"),
    "country": ("fincen", "ISO 3166-1 alpha-2 country code"),
    "phone": ("fincen", "contact phone, digits only"),
    "swift": ("uae", "SWIFT/BIC of the institution"),
    "branch": ("uae", "branch name (optional)"),
    "ein": ("fincen", "employer identification number (TIN), 9 digits"),
    "primary_regulator": ("fincen", "FinCEN code: 1 FRB, 2 FDIC, 3 NCUA, 4 OCC, 7 IRS, 99 n/a"),
    "goaml_rentity_id": ("uae", "the reporting-entity id your FIU issued in goAML (a number)"),
    "transmitter_tcc": ("fincen", "transmitter control code issued by FinCEN"),
    "contact_office": ("fincen", "name of the office FinCEN may contact"),
}
MLRO_FIELDS: dict[str, tuple[str, str]] = {
    "first_name": ("uae", "the MLRO (reporting person): first name"),
    "last_name": ("uae", "last name"),
    "occupation": ("uae", "job title"),
    "email": ("uae", "email address"),
    "phone": ("uae", "phone (optional)"),
}
#: KYC columns, in order, with what each holds (goAML `*_my_client` needs them; the contract does not carry them).
KYC_COLUMNS: dict[str, str] = {
    "party_id": "the customer",
    "gender": "M or F (persons)",
    "id_type": "passport, national_id, driving_licence, trade_licence or other",
    "id_number": "number of that document",
    "id_issue_date": "YYYY-MM-DD",
    "id_expiry_date": "YYYY-MM-DD",
    "id_issue_country": "ISO 3166-1 alpha-2",
    "tax_registered": "Y or N",
    "legal_form": "goAML legal form code (organisations)",
    "incorporation_date": "YYYY-MM-DD (organisations)",
    "incorporation_state": "state or emirate of incorporation (organisations)",
}
assert set(INSTITUTION_FIELDS) == set(Institution.model_fields) - {"mlro"}
assert set(MLRO_FIELDS) == set(Person.model_fields)
assert list(KYC_COLUMNS) == list(KycRecord.model_fields)


@dataclass(frozen=True)
class ReportingFiles:
    """The templates written, and how many KYC rows they hold."""

    institution: Path
    kyc: Path
    kyc_rows: int


def institution_template() -> str:
    """institution.yaml with every field blank and a comment naming the profiles that need it."""
    lines = [
        "# The reporting institution, as your FIU knows it. Fill every field your FIU profile needs",
        "# (uae = goAML, fincen = FinCEN SAR); `chainbreaker report` lists by name anything still missing.",
        "# Your FIU's XSD comes from the FIU itself (the goAML portal of your FIU; FinCEN's ships with",
        "# chainbreaker); pass its folder with --schema-dir.",
    ]
    for name, (profiles, meaning) in INSTITUTION_FIELDS.items():
        lines.append(f"{name}:   # {profiles}: {meaning}")
    lines.append("mlro:")
    for name, (profiles, meaning) in MLRO_FIELDS.items():
        lines.append(f"  {name}:   # {profiles}: {meaning}")
    return "\n".join(lines) + "\n"


def init_reporting(
    session: Session | None, workspace: Workspace, org_id: str, case_id: str | int | None = None
) -> ReportingFiles:
    """Write the institution and KYC templates (one blank KYC row per party of `case_id`, if given)."""
    folder = reporting_dir(workspace)
    institution, kyc = folder / "institution.yaml", folder / "kyc.csv"
    existing = [p for p in (institution, kyc) if p.exists()]
    if existing:
        raise ConflictError(
            f"{', '.join(str(p) for p in existing)} already exist(s); reporting init never overwrites them"
        )
    parties: list[str] = []
    if case_id is not None:
        if session is None:
            raise ConflictError("a case was named but no case store is open")
        parties = sorted(p.party_id for p in get_case(session, org_id, case_id).parties)
    folder.mkdir(parents=True, exist_ok=True)
    institution.write_text(institution_template(), encoding="utf-8")
    with kyc.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(KYC_COLUMNS)
        for party_id in parties:
            writer.writerow([party_id] + [""] * (len(KYC_COLUMNS) - 1))
    return ReportingFiles(institution, kyc, len(parties))
