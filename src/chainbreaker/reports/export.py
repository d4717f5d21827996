"""`export_report`: one case to one validated file (goAML XML, FinCEN SAR XML or HTML), recorded in the case.

Order of work: gather the facts → list every missing mandatory field (stop if any) → build → refuse if a
likely victim would be filed as suspect → validate against the FIU's XSD (stop if invalid) → write atomically
→ record the file and its checksum on the case and in the audit log. Nothing invalid or partial is written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from chainbreaker.cases import audit
from chainbreaker.cases.safeguards import check_not_filed_as_suspect
from chainbreaker.cases.store import open_store
from chainbreaker.cases.workflow import get_case
from chainbreaker.core.errors import InputError
from chainbreaker.core.logging import get_logger
from chainbreaker.core.workspace import Workspace
from chainbreaker.reports.errors import ReportIncompleteError, ReportInvalidError
from chainbreaker.reports.facts import ReportFacts, gather
from chainbreaker.reports.fincen import build_sar
from chainbreaker.reports.goaml import build_goaml
from chainbreaker.reports.html import build_html
from chainbreaker.reports.institution import load_institution, load_kyc
from chainbreaker.reports.profiles import FincenProfile, GoamlProfile, load_profile
from chainbreaker.reports.validate import (
    SchemaMissingError,
    find_schema,
    not_validated_note,
    schema_errors,
    write_atomic,
)
from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.db import DEFAULT_ORG_ID
from chainbreaker.storage.models import CaseReport

log = get_logger(__name__)

FORMATS = ("goaml", "fincen-sar", "html")
DEFAULT_PROFILES = {"goaml": "uae", "fincen-sar": "fincen", "html": "html"}


@dataclass(frozen=True)
class ExportResult:
    """The written file and what it is."""

    case: str
    format: str
    profile: str
    path: Path
    sha256: str
    size: int
    trafficking_type: str
    validated_against: Path | None
    #: Set when the file was written without its FIU schema (demo only): "not validated: no XSD ...".
    note: str | None = None


def export_report(
    workspace: Workspace,
    case_id: str | int,
    fmt: str,
    profile: str | None,
    out_path: Path,
    *,
    org_id: str = DEFAULT_ORG_ID,
    actor: str = "cli",
    url: str | None = None,
    institution_path: Path | None = None,
    kyc_path: Path | None = None,
    schema_dir: Path | None = None,
    smuggling: bool = False,
    allow_unvalidated: bool = False,
) -> ExportResult:
    """Export one case; raises ReportIncompleteError listing each missing field, and writes nothing then.

    Without the profile's XSD a real export refuses (SchemaMissingError). `allow_unvalidated` is for the demo
    on a fresh machine: the file is written with a comment saying it was not validated, and `note` says so.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    profile_name = profile or DEFAULT_PROFILES[fmt]
    institution = load_institution(workspace, institution_path)
    kyc = load_kyc(workspace, kyc_path)
    factory = open_store(workspace, url)
    try:
        with factory() as session:
            facts = gather(
                session, workspace, org_id, case_id, institution, kyc, utcnow().replace(microsecond=0)
            )
            try:
                data, schema_path, note = _render(
                    facts, fmt, profile_name, schema_dir, smuggling, allow_unvalidated
                )
            except ValueError as exc:
                if "XML compatible" not in str(exc):
                    raise
                # a control character reached a name or text (loaded before the loader refused them)
                raise ReportInvalidError(
                    f"case {facts.reference}: a value holds a control character (such as NUL or a vertical "
                    "tab) that XML cannot carry; correct it in the source data and load it again. Nothing "
                    "was written."
                ) from exc
            write_atomic(out_path, data)
            digest = hashlib.sha256(data).hexdigest()
            case = get_case(session, org_id, case_id)
            case.reports.append(
                CaseReport(
                    org_id=org_id,
                    format=fmt,
                    profile=profile_name,
                    path=str(out_path),
                    sha256=digest,
                    created_by=actor,
                )
            )
            audit.record(
                session,
                org_id,
                actor,
                "report.exported",
                "case",
                case.reference,
                {
                    "format": fmt,
                    "profile": profile_name,
                    "sha256": digest,
                    "trafficking_type": facts.trafficking_type,
                    "validated_against": schema_path.name if schema_path else None,
                },
            )
            session.commit()
    finally:
        bind = factory.kw.get("bind")
        if bind is not None:
            bind.dispose()
    log.info("report exported", extra={"case": facts.reference, "format": fmt, "sha256": digest[:12]})
    return ExportResult(
        case=facts.reference,
        format=fmt,
        profile=profile_name,
        path=out_path,
        sha256=digest,
        size=len(data),
        trafficking_type=facts.trafficking_type,
        validated_against=schema_path,
        note=note,
    )


def _schema(
    schema_file: str, schema_dir: Path | None, profile_name: str, allow_unvalidated: bool
) -> Path | None:
    """The profile's XSD; None only when it is missing and the caller (the demo) accepts an unvalidated file."""
    try:
        return find_schema(schema_file, schema_dir, profile_name)
    except SchemaMissingError:
        if allow_unvalidated:
            return None
        raise


def _render(
    facts: ReportFacts,
    fmt: str,
    profile_name: str,
    schema_dir: Path | None,
    smuggling: bool,
    allow_unvalidated: bool = False,
) -> tuple[bytes, Path | None, str | None]:
    """Build, check and validate the document; bytes ready to write, the schema used, and a note if none."""
    if fmt == "html":
        page, _ = build_html(facts)
        return page.encode("utf-8"), None, None
    profile = load_profile(profile_name)
    if fmt == "goaml":
        if not isinstance(profile, GoamlProfile):
            raise InputError(f"profile {profile_name} is not a goAML profile")
        schema_path = _schema(profile.schema_file, schema_dir, profile_name, allow_unvalidated)
        root, missing = build_goaml(facts, profile)
        suspects = [p.party_id for p in facts.subjects]
        dotnet = True
    else:
        if not isinstance(profile, FincenProfile):
            raise InputError(f"profile {profile_name} is not a FinCEN SAR profile")
        schema_path = _schema(profile.schema_file, schema_dir, profile_name, allow_unvalidated)
        root, missing = build_sar(facts, profile, smuggling)
        suspects = [p.party_id for p in facts.subjects]
        dotnet = False
    if missing:
        raise ReportIncompleteError(facts.reference, fmt, missing)
    check_not_filed_as_suspect(facts.parties, suspects)
    if schema_path is None:
        note = not_validated_note(profile_name)
        # A processing instruction, not a comment: XML comments may not contain "--" (as in --schema-dir).
        root.addprevious(etree.ProcessingInstruction("chainbreaker", note))
        data = etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8", pretty_print=True)
        return data, None, note
    errors = schema_errors(root, schema_path, dotnet_anchors=dotnet)
    if errors:
        shown = "\n".join(f"  - {e}" for e in errors[:20])
        raise ReportInvalidError(
            f"case {facts.reference}: the {fmt} XML does not validate against {schema_path.name}; nothing was "
            f"written:\n{shown}"
        )
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data, schema_path, None
