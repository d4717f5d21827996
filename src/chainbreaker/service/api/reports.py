"""Reports API: export a case as goAML XML, FinCEN SAR XML or HTML (validated), and download it."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from chainbreaker.service import reporting
from chainbreaker.service.deps import Ctx, Db, Reader, Worker
from chainbreaker.service.schemas import ReportIn, ReportOut

router = APIRouter(prefix="/api/v1/cases", tags=["reports"])


def _out(ref: str, report: reporting.ReportFile) -> ReportOut:
    return ReportOut(
        id=report.id,
        format=report.format,
        profile=report.profile,
        sha256=report.sha256,
        download=f"/api/v1/cases/{ref}/reports/{report.id}",
    )


@router.get("/{ref}/reports", response_model=list[ReportOut], summary="Reports exported for a case")
def list_reports(ref: str, db: Db, who: Reader) -> list[ReportOut]:
    return [_out(ref, r) for r in reporting.case_reports(db, who.org_id, ref)]


@router.post(
    "/{ref}/reports",
    response_model=ReportOut,
    status_code=201,
    summary="Export a case; 422 lists every missing mandatory field and nothing is written",
)
def export(ref: str, body: ReportIn, ctx: Ctx, db: Db, who: Worker) -> ReportOut:
    db.commit()  # end this request's read transaction: the export writes through its own session
    result = reporting.export_for(ctx.workspace, ctx.settings, who, ref, body.format, body.profile)
    latest = reporting.case_reports(db, who.org_id, ref)[-1]
    assert latest.sha256 == result.sha256
    return _out(ref, latest)


@router.get(
    "/{ref}/reports/{report_id}",
    response_class=FileResponse,
    summary="Download an exported report",
    responses={200: {"content": {"application/xml": {}, "text/html": {}}}},
)
def download(ref: str, report_id: int, db: Db, who: Reader) -> FileResponse:
    report = reporting.report_file(db, who.org_id, ref, report_id)
    return FileResponse(
        report.path,
        media_type=reporting.MEDIA_TYPES.get(report.format, "application/octet-stream"),
        filename=report.path.name,
        content_disposition_type="attachment",
    )
