"""Registry loads that the audit log must know about: a refused damaged edition and an allowed shrink.

A list edition that delists many entities changes who screening finds, so it is a decision like any
other: the operator who forces one with `--allow-shrink` and their reason go to the hash-chained log of
the installation's default organisation, and so does every refused attempt (who tried, and why it
was refused).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from chainbreaker.cases import audit
from chainbreaker.cases.store import store_session
from chainbreaker.core.workspace import Workspace
from chainbreaker.registry import EditionReport, Progress, load_source
from chainbreaker.registry.turnover import EditionLooksDamagedError
from chainbreaker.storage import DEFAULT_ORG_ID


def _record(workspace: Workspace, actor: str, action: str, dataset: str, details: dict[str, object]) -> None:
    with store_session(workspace) as session:
        audit.record(session, DEFAULT_ORG_ID, actor, action, "dataset", dataset, details)


def load_source_audited(
    workspace: Workspace,
    source: str,
    path: Path | str,
    progress: Progress | None = None,
    *,
    actor: str,
    edition_date: date | None = None,
    dataset: str | None = None,
    allow_shrink: str | None = None,
) -> EditionReport:
    """`registry.load_source`, with refused damaged editions and allowed shrinks in the audit log."""
    try:
        report = load_source(
            workspace,
            source,
            path,
            progress,
            edition_date=edition_date,
            dataset=dataset,
            allow_shrink=allow_shrink,
        )
    except EditionLooksDamagedError as exc:
        _record(
            workspace,
            actor,
            "registry.edition_refused",
            dataset or source,
            {"source": source, "file": Path(path).name, "why": str(exc)[:500]},
        )
        raise
    if report.shrink_allowed:
        _record(
            workspace,
            actor,
            "registry.shrink_allowed",
            report.dataset,
            {
                "source": source,
                "edition": report.edition,
                "removed": report.removed,
                "reason": report.shrink_allowed,
            },
        )
    return report
