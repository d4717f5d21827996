"""Background screening of an uploaded query file, with progress a page can follow.

A job row is committed before the work starts; progress is committed every few percent. Results
are written to a `.part` file that is renamed into place only when the whole file is screened, so a
reader never sees half a result, and a job that fails leaves no result file at all. Jobs that were
queued or running when the service stopped are marked failed on the next start (the work is not
resumed: the upload is not kept, on purpose, since it is a list of people).
"""

from __future__ import annotations

import csv
import os
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from chainbreaker.cases import audit
from chainbreaker.core.contract import SCREENING_COLUMNS
from chainbreaker.core.csvsafe import safe_mapping, safe_row
from chainbreaker.core.errors import ChainbreakerError, ConflictError, NotFoundError
from chainbreaker.core.logging import get_logger
from chainbreaker.service.security.principal import Principal
from chainbreaker.service.uploads import ParsedUpload
from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.service_models import ScreeningJob

if TYPE_CHECKING:
    from chainbreaker.service.context import ServiceContext

log = get_logger("chainbreaker.service.jobs")


@dataclass(frozen=True)
class JobView:
    """A job as the API shows it."""

    id: str
    status: str
    filename: str
    total: int
    done: int
    rejected: int
    hits: int
    error: str | None
    created_at: datetime
    finished_at: datetime | None


def _view(job: ScreeningJob) -> JobView:
    return JobView(
        job.id,
        job.status,
        job.filename,
        job.total,
        job.done,
        job.rejected,
        job.hits,
        job.error,
        job.created_at,
        job.finished_at,
    )


class JobRunner:
    """Runs screening jobs on a small thread pool; one per service."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.folder = ctx.workspace.root / "service" / "jobs"
        self.pool = ThreadPoolExecutor(max_workers=ctx.options.job_workers, thread_name_prefix="cb-job")
        with ctx.sessions.begin() as session:
            session.execute(
                update(ScreeningJob)
                .where(ScreeningJob.status.in_(("queued", "running")))
                .values(status="failed", error="the service stopped before the job finished; upload again")
            )

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def result_path(self, org_id: str, job_id: str, kind: str = "results") -> Path:
        return self.folder / org_id / f"{job_id}.{kind}.csv"

    def submit(self, principal: Principal, upload: ParsedUpload, threshold: float | None) -> JobView:
        """Record the job (and its audit entry) in one committed transaction, then start it."""
        job_id = secrets.token_hex(16)
        with self.ctx.sessions.begin() as session:
            job = ScreeningJob(
                id=job_id,
                org_id=principal.org_id,
                user_id=principal.user_id,
                status="queued",
                filename=upload.filename,
                total=upload.read,
                done=len(upload.rejects),
                rejected=len(upload.rejects),
                hits=0,
                threshold=None if threshold is None else f"{threshold:.3f}",
            )
            session.add(job)
            session.flush()
            audit.record(
                session,
                principal.org_id,
                principal.actor,
                "screening_job.create",
                "screening_job",
                job_id,
                {"rows": upload.read, "rejected": len(upload.rejects)},
            )
            view = _view(job)
        self.pool.submit(self._run, principal.org_id, job_id, upload, threshold)
        return view

    def get(self, session: Session, org_id: str, job_id: str) -> JobView:
        job = session.scalar(
            select(ScreeningJob).where(ScreeningJob.id == job_id, ScreeningJob.org_id == org_id)
        )
        if job is None:
            raise NotFoundError(f"no screening job {job_id}")
        return _view(job)

    def recent(self, session: Session, org_id: str, limit: int = 20) -> list[JobView]:
        rows = session.scalars(
            select(ScreeningJob)
            .where(ScreeningJob.org_id == org_id)
            .order_by(ScreeningJob.created_at.desc())
            .limit(limit)
        )
        return [_view(j) for j in rows]

    def result_file(self, session: Session, org_id: str, job_id: str, kind: str) -> Path:
        """The finished result (or rejects) file of a job of this organisation."""
        job = self.get(session, org_id, job_id)
        if job.status != "finished":
            raise ConflictError(f"job {job_id} is {job.status}; results are ready when it has finished")
        path = self.result_path(org_id, job_id, kind)
        if not path.exists():
            raise NotFoundError(f"the {kind} file of job {job_id} is missing")
        return path

    def _progress(self, job_id: str, **values: object) -> None:
        with self.ctx.sessions.begin() as session:
            session.execute(update(ScreeningJob).where(ScreeningJob.id == job_id).values(**values))

    def _run(self, org_id: str, job_id: str, upload: ParsedUpload, threshold: float | None) -> None:
        results = self.result_path(org_id, job_id)
        rejects = self.result_path(org_id, job_id, "rejects")
        results.parent.mkdir(parents=True, exist_ok=True)
        part = results.with_suffix(".csv.part")
        rejects_part = rejects.with_suffix(".csv.part")
        try:
            self._progress(job_id, status="running")
            screener = self.ctx.screener()
            done, hits, rejected = len(upload.rejects), 0, len(upload.rejects)
            last = time.monotonic()
            with (
                part.open("w", newline="", encoding="utf-8") as out,
                rejects_part.open("w", newline="", encoding="utf-8") as bad,
            ):
                writer = csv.DictWriter(out, fieldnames=SCREENING_COLUMNS)
                writer.writeheader()
                bad_writer = csv.writer(bad)
                bad_writer.writerow(["row", "query_id", "reason"])
                bad_writer.writerows(safe_row(r) for r in upload.rejects)
                for query in upload.queries:
                    try:
                        matches = screener.screen(query, limit=10, threshold=threshold)
                    except ChainbreakerError as exc:  # an unusable name is a reject, not a failed job
                        bad_writer.writerow(safe_row(["", query.query_id, str(exc)]))
                        rejected += 1
                        matches = []
                    for match in matches:
                        writer.writerow(safe_mapping(match.as_row()))
                    hits += len(matches)
                    done += 1
                    if time.monotonic() - last > 0.5:
                        self._progress(job_id, done=done, hits=hits, rejected=rejected)
                        last = time.monotonic()
            os.replace(rejects_part, rejects)
            os.replace(part, results)
            self._progress(
                job_id, status="finished", done=done, hits=hits, rejected=rejected, finished_at=utcnow()
            )
        except Exception as exc:
            for leftover in (part, rejects_part, results, rejects):
                leftover.unlink(missing_ok=True)
            message = (
                str(exc)
                if isinstance(exc, ChainbreakerError) and exc.http_status < 500
                else type(exc).__name__
            )
            log.error("screening job failed", extra={"job": job_id, "error": type(exc).__name__})
            self._progress(
                job_id, status="failed", error=f"screening failed: {message}", finished_at=utcnow()
            )
