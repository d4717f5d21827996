"""Report files for the service: where exports are written, and finding one to download.

Exports go through `chainbreaker.reports.export_report`, which validates before it writes and records the
file on the case; the service only chooses the file name (inside the workspace, per organisation) and
serves recorded files back to the organisation that owns the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainbreaker.cases.workflow import get_case
from chainbreaker.core.errors import NotFoundError, PermissionDeniedError
from chainbreaker.core.settings import Settings
from chainbreaker.core.workspace import Workspace
from chainbreaker.reports import ExportResult, export_report
from chainbreaker.service.security.principal import Principal
from chainbreaker.service.security.roles import Permission
from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.models import CaseReport

EXTENSIONS = {"goaml": "xml", "fincen-sar": "xml", "html": "html"}
#: Formats that are filings to an FIU: producing one is a supervisor's decision (security-03-who-files).
FILING_FORMATS = frozenset({"goaml", "fincen-sar"})
MEDIA_TYPES = {"goaml": "application/xml", "fincen-sar": "application/xml", "html": "text/html"}


@dataclass(frozen=True)
class ReportFile:
    id: int
    format: str
    profile: str
    path: Path
    sha256: str


def export_for(
    workspace: Workspace, settings: Settings, principal: Principal, ref: str, fmt: str, profile: str | None
) -> ExportResult:
    """Export a case of the caller's organisation into the workspace's report folder.

    Filing formats (goAML, FinCEN SAR) need the supervise permission; an analyst drafts the HTML
    narrative for the supervisor to review (docs/decisions/security-03-who-files.md).
    """
    if fmt in FILING_FORMATS and not principal.can(Permission.SUPERVISE):
        raise PermissionDeniedError(
            f"exporting a {fmt} filing is a supervisor's decision (your role: {principal.role}); "
            "export the HTML narrative for review and escalate the case"
        )
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    folder = workspace.root / "service" / "reports" / principal.org_id
    safe_ref = "".join(ch for ch in ref if ch.isalnum() or ch == "-")[:40] or "case"
    out = folder / f"{safe_ref}-{fmt}-{stamp}.{EXTENSIONS.get(fmt, 'out')}"
    return export_report(
        workspace,
        ref,
        fmt,
        profile,
        out,
        org_id=principal.org_id,
        actor=principal.actor,
        url=workspace.cases_url(settings),
    )


def report_file(session: Session, org_id: str, ref: str, report_id: int) -> ReportFile:
    case = get_case(session, org_id, ref)
    row = session.scalar(
        select(CaseReport).where(
            CaseReport.org_id == org_id, CaseReport.case_id == case.id, CaseReport.id == report_id
        )
    )
    if row is None:
        raise NotFoundError(f"case {case.reference} has no report {report_id}")
    path = Path(row.path)
    if not path.is_file():
        raise NotFoundError(f"the file of report {report_id} is no longer there ({path.name})")
    return ReportFile(row.id, row.format, row.profile, path, row.sha256)


def case_reports(session: Session, org_id: str, ref: str) -> list[ReportFile]:
    case = get_case(session, org_id, ref)
    rows = session.scalars(
        select(CaseReport)
        .where(CaseReport.org_id == org_id, CaseReport.case_id == case.id)
        .order_by(CaseReport.id)
    )
    return [ReportFile(r.id, r.format, r.profile, Path(r.path), r.sha256) for r in rows]
