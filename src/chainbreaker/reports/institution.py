"""What the reporting institution must supply beyond the bank data contract.

Two files in the workspace's `reporting/` folder:

- `institution.yaml`: the filer (name, address, identifiers issued by the FIU, the MLRO as reporting person,
  FinCEN transmitter details);
- `kyc.csv`: KYC the data contract does not carry but goAML requires for the bank's own customers
  (`*_my_client`): gender, identity document with issue and expiry dates, tax registration flag, legal form.

Every field is optional here, so that an export can list precisely which ones are missing.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from chainbreaker.core.errors import InputError
from chainbreaker.core.workspace import Workspace


class Person(BaseModel):
    """The MLRO or another named contact."""

    model_config = ConfigDict(extra="forbid")

    first_name: str | None = None
    last_name: str | None = None
    occupation: str | None = None
    email: str | None = None
    phone: str | None = None


class Institution(BaseModel):
    """The reporting institution, as FIUs know it."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    address: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    phone: str | None = None
    swift: str | None = None
    branch: str | None = None
    ein: str | None = None
    primary_regulator: str | None = None  # FinCEN code: 1 FRB, 2 FDIC, 3 NCUA, 4 OCC, 7 IRS, 99 n/a
    goaml_rentity_id: int | None = None
    mlro: Person = Person()
    transmitter_tcc: str | None = None
    contact_office: str | None = None


class KycRecord(BaseModel):
    """Extra KYC for one customer (a row of `kyc.csv`)."""

    model_config = ConfigDict(extra="ignore")

    party_id: str
    gender: str | None = None  # M, F
    id_type: str | None = None  # passport, national_id, driving_licence, trade_licence, other
    id_number: str | None = None
    id_issue_date: date | None = None
    id_expiry_date: date | None = None
    id_issue_country: str | None = None
    tax_registered: str | None = None  # Y, N
    legal_form: str | None = None  # goAML legal_form_type code
    incorporation_date: date | None = None
    incorporation_state: str | None = None


def reporting_dir(workspace: Workspace) -> Path:
    return workspace.root / "reporting"


def load_institution(workspace: Workspace, path: Path | None = None) -> Institution:
    """The institution file (default `WS/reporting/institution.yaml`); an absent file gives an empty one."""
    target = path or reporting_dir(workspace) / "institution.yaml"
    if not target.exists():
        if path is not None:
            raise InputError("institution file does not exist", file=str(target))
        return Institution()
    try:
        data = yaml.safe_load(target.read_text(encoding="utf-8")) or {}
        return Institution.model_validate(data)
    except (yaml.YAMLError, ValidationError) as exc:
        raise InputError(f"invalid institution file: {exc}", file=str(target)) from exc


def load_kyc(workspace: Workspace, path: Path | None = None) -> dict[str, KycRecord]:
    """The KYC supplement (default `WS/reporting/kyc.csv`), by party id; absent means empty."""
    target = path or reporting_dir(workspace) / "kyc.csv"
    if not target.exists():
        return {}
    records: dict[str, KycRecord] = {}
    with target.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            clean = {k: (v.strip() or None) for k, v in row.items() if k and v is not None}
            try:
                record = KycRecord.model_validate(clean)
            except ValidationError as exc:
                raise InputError(f"invalid KYC row: {exc}", file=str(target), row=number) from exc
            records[record.party_id] = record
    return records
