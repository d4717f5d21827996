"""Events of the installation that the audit log must know about, recorded in the default organisation.

A list edition that delists many entities changes who screening finds, so it is a decision like any other:
`registry load` hands its events (a refused damaged edition: who tried and why; an allowed shrink: who,
the reason, how many were removed) to the recorder made here, which writes each to the hash-chained log.
The registry does not import the case store; the command wires the two together.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from chainbreaker.cases import audit
from chainbreaker.cases.store import store_session
from chainbreaker.core.workspace import Workspace
from chainbreaker.storage import DEFAULT_ORG_ID

#: (action, dataset, details) -> None
EventRecorder = Callable[[str, str, Mapping[str, object]], None]


def audit_recorder(workspace: Workspace, actor: str, url: str | None = None) -> EventRecorder:
    """A recorder writing each event, in a transaction of its own, to the default organisation's log."""

    def record(action: str, dataset: str, details: Mapping[str, object]) -> None:
        with store_session(workspace, url) as session:
            audit.record(session, DEFAULT_ORG_ID, actor, action, "dataset", dataset, details)

    return record
