"""The FIU's work in the service, shared by its pages and its API: who may see it, and each action.

The received reports live in the workspace's DuckDB (`fiu_*` tables) and belong to ONE FIU organisation,
recorded when the reports were first ingested (`fiu ingest --org`). Only members of that organisation see
them: a bank or an NGO gets 403 (wrong kind of organisation), another FIU gets 404 (nothing of its own
here). FIU cases live in the case store under the FIU's organisation id, so every case route also checks the
case belongs to the caller's organisation.

Actions that write DuckDB (relink, decisions, disseminations) open a writable connection for their own
duration, as the NGO report form does; files (packages, letters, public tables) go under `WS/fiu/`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import select
from sqlalchemy.orm import Session

from chainbreaker.cases import audit
from chainbreaker.core.errors import InputError, NotFoundError, PermissionDeniedError
from chainbreaker.core.organisations import OrgKind
from chainbreaker.fiu import views
from chainbreaker.fiu.disseminate import Package, disseminate
from chainbreaker.fiu.feedback import Letter, feedback
from chainbreaker.fiu.link import LinkResult, decide, link_workspace
from chainbreaker.fiu.publish import Published, publish
from chainbreaker.fiu.store import owner
from chainbreaker.service.context import ServiceContext
from chainbreaker.service.deps import Ctx, require
from chainbreaker.service.security.principal import Principal
from chainbreaker.service.security.roles import Permission
from chainbreaker.storage.fiu_models import FiuCase


def _fiu(permission: Permission) -> Any:
    """The caller with `permission`, a member of the FIU whose reports the workspace holds."""
    base = require(permission)

    # A default, not Annotated[...]: the annotation is a string here and could not see `base`.
    def dependency(ctx: Ctx, who: Principal = Depends(base)) -> Principal:  # noqa: B008
        if who.org_kind != OrgKind.FIU.value:
            raise PermissionDeniedError("the analysis of received reports is for members of the FIU")
        with ctx.duckdb() as con:
            held = owner(con)
        if held != who.org_id:
            raise NotFoundError("this workspace holds no received reports of your organisation")
        return who

    return dependency


FiuReader = Annotated[Principal, Depends(_fiu(Permission.READ))]
FiuWorker = Annotated[Principal, Depends(_fiu(Permission.WORK))]


def files_dir(ctx: ServiceContext, kind: str) -> Path:
    """Where the service writes the FIU's packages, letters and public tables."""
    return ctx.workspace.root / "fiu" / kind


def cases(db: Session, who: Principal) -> list[FiuCase]:
    return list(
        db.execute(
            select(FiuCase)
            .where(FiuCase.org_id == who.org_id)
            .order_by(FiuCase.reports.desc(), FiuCase.reference)
        ).scalars()
    )


def own_case(db: Session, who: Principal, case_id: str) -> FiuCase:
    found = db.execute(
        select(FiuCase).where(FiuCase.org_id == who.org_id, FiuCase.reference == case_id)
    ).scalar_one_or_none()
    if found is None:
        raise NotFoundError(f"no FIU case {case_id}")
    return found


@dataclass(frozen=True)
class CasePage:
    case: FiuCase
    view: views.CaseView | None  # None when the last link no longer finds a network spanning filers


def case_page(ctx: ServiceContext, db: Session, who: Principal, case_id: str) -> CasePage:
    case = own_case(db, who, case_id)
    with ctx.duckdb() as con:
        return CasePage(case, views.case_view(con, case_id))


def relink(ctx: ServiceContext, db: Session, who: Principal) -> LinkResult:
    """`fiu link` for the caller's FIU: decisions recorded so far hold, cases follow their networks."""
    ctx.check_writable()
    return link_workspace(ctx.workspace, org_id=who.org_id, actor=who.actor, session=db)


def record_decision(
    ctx: ServiceContext,
    db: Session,
    who: Principal,
    case_id: str,
    party_a: str,
    party_b: str,
    decision: str,
    reason: str,
) -> None:
    """An analyst accepts (same) or rejects (different) a link between two filed parties of one case."""
    own_case(db, who, case_id)
    with ctx.duckdb() as con:
        view = views.case_view(con, case_id)
        in_case = (
            {
                r
                for (r,) in con.execute(
                    "SELECT party_key FROM fiu_parties WHERE list_contains(?, report_id)",
                    [[r.report_id for r in view.reports]],
                ).fetchall()
            }
            if view
            else set()
        )
    if not {party_a, party_b} <= in_case:
        raise InputError(f"both parties must be filed in the reports of case {case_id}")
    if party_a == party_b:
        raise InputError("a decision needs two different filed parties")
    ctx.check_writable()
    decide(ctx.workspace, party_a, party_b, decision, who.actor, reason)
    audit.record(
        db,
        who.org_id,
        who.actor,
        "fiu.decide",
        "fiu_party",
        party_a[:100],
        {"other": party_b, "decision": decision},
    )


def disseminate_case(
    ctx: ServiceContext,
    db: Session,
    who: Principal,
    case_id: str,
    recipient: str,
    legal_basis: str,
    report_ids: list[str],
) -> Package:
    own_case(db, who, case_id)
    if not report_ids:
        raise InputError("select at least one report of the case to disseminate")
    ctx.check_writable()
    return disseminate(
        ctx.workspace,
        case_id,
        recipient,
        legal_basis,
        who.actor,
        files_dir(ctx, "packages"),
        report_ids,
        org_id=who.org_id,
        session=db,
    )


_PACKAGE = re.compile(r"FIU-[0-9a-f]{12}-\d{14}")


def package_file(ctx: ServiceContext, db: Session, who: Principal, package_id: str, ext: str) -> Path:
    """A package's XML or HTML, only for the FIU whose case it came from."""
    if not _PACKAGE.fullmatch(package_id) or ext not in ("xml", "html"):
        raise NotFoundError("no such package")
    own_case(db, who, package_id[:16])
    path = files_dir(ctx, "packages") / f"{package_id}.{ext}"
    if not path.is_file():
        raise NotFoundError("no such package")
    return path


def letters(ctx: ServiceContext) -> list[Letter]:
    """A feedback letter per reporting entity, written afresh from the current reports and cases."""
    return feedback(ctx.workspace, files_dir(ctx, "letters"))


def letter(ctx: ServiceContext, entity_id: str) -> str:
    for found in letters(ctx):
        if found.entity_id == entity_id:
            return found.path.read_text(encoding="utf-8")
    raise NotFoundError(f"no reporting entity {entity_id}")


def public_report(ctx: ServiceContext, period: str, k: int) -> Published:
    """The public tables for one year with small-cell suppression, as `fiu publish` writes them."""
    if not re.fullmatch(r"\d{4}", period):
        raise InputError(f"period must be a year such as 2025, not {period!r}")
    return publish(ctx.workspace, period, k, files_dir(ctx, "public") / f"{period}-k{k}")
