"""The NGO's hub page: upload a list blinded on the NGO's own computer, see and withdraw its submissions.

The blinding never runs on the server (docs/sharing.md T5): the page takes the `.msg` file that
`chainbreaker share submit` wrote and checks it with `sharing.upload` before `sharing.hub.submit` stores it.
A file that looks like clear records is refused before it is stored, and the error never quotes its content.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from chainbreaker.core.errors import ChainbreakerError, PermissionDeniedError
from chainbreaker.service.deps import Db, require
from chainbreaker.service.errors import PayloadTooLargeError
from chainbreaker.service.security.principal import Principal
from chainbreaker.service.security.roles import Permission
from chainbreaker.service.web import flash as flash_messages
from chainbreaker.service.web.render import page
from chainbreaker.sharing import hub
from chainbreaker.sharing.upload import check_submission_file
from chainbreaker.storage.clock import utcnow

router = APIRouter(include_in_schema=False)
NgoMember = Annotated[Principal, Depends(require(Permission.SHARE))]
#: A submission of 100,000 records with four identifiers each is about 13 MB; this leaves room for larger lists.
MAX_SUBMISSION_BYTES = 64 * 1024 * 1024


def _ngo_only(who: Principal) -> None:
    if who.org_kind != "ngo":
        raise PermissionDeniedError("this page is for NGO members taking part in a sharing partnership")


def _page(request: Request, db: Db, who: Principal, status_code: int = 200, error: str = "") -> HTMLResponse:
    partnerships, submissions = hub.ngo_overview(db, who.org_id)
    now = utcnow()
    return page(
        request,
        "hub_submit.html",
        who,
        "hub",
        status_code=status_code,
        error=error,
        partnerships=partnerships,
        submissions=submissions,
        now=now,
        default_bucket=1024,
    )


@router.get("/hub/submit", response_class=HTMLResponse)
def submit_page(request: Request, db: Db, who: NgoMember) -> HTMLResponse:
    _ngo_only(who)
    return _page(request, db, who)


async def _read_capped(file: UploadFile) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := await file.read(1024 * 1024):
        size += len(chunk)
        if size > MAX_SUBMISSION_BYTES:
            raise PayloadTooLargeError(f"the file is larger than {MAX_SUBMISSION_BYTES // (1024 * 1024)} MB")
        chunks.append(chunk)
    return b"".join(chunks)


@router.post("/hub/submit", response_class=HTMLResponse)
async def submit_upload(
    request: Request, db: Db, who: NgoMember, file: Annotated[UploadFile, File()]
) -> Response:
    """Check the uploaded file and hand it to the hub; any fault re-renders the page with the reason."""
    _ngo_only(who)
    filename = ((file.filename or "").strip() or "upload")[-200:]
    try:
        data = await _read_capped(file)
        message = check_submission_file(data, filename, date.today())
        row = hub.submit(db, who.org_id, who.actor, message)
    except ChainbreakerError as exc:
        db.rollback()
        return _page(request, db, who, status_code=exc.http_status, error=str(exc))
    return flash_messages.redirect(
        request,
        "/hub/submit",
        f"Submission {row.id} accepted: {row.item_count} blinded values for partnership {row.partnership_id}, "
        f"until {row.expires_at:%Y-%m-%d}.",
    )


@router.post("/hub/submissions/{submission_id}/withdraw")
def withdraw(request: Request, submission_id: str, db: Db, who: NgoMember) -> RedirectResponse:
    """The NGO withdraws a list: its blinded values are deleted at the hub (T8)."""
    _ngo_only(who)
    hub.revoke_submission(db, who.org_id, who.actor, submission_id)
    return flash_messages.redirect(
        request, "/hub/submit", f"Submission {submission_id} withdrawn and deleted."
    )
