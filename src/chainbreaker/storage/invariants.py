"""Rules checked on every row the store writes, whatever code path wrote it.

The survivor safeguard is a property of the stored state, not of one request: a likely victim's account
may be recorded as closed only when a supervisor (or admin) decided it with a written reason. Checking it
in the workflow alone missed sequences of individually allowed steps (set the role to `subject`, close the
account, set the role back), so the same rule also runs as a mapper event before every insert and update of
a case party, and a flush that would store a violation fails with `SafeguardViolationError`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from chainbreaker.core.errors import ConflictError
from chainbreaker.storage.models import CaseParty

#: Roles whose decision may close a likely victim's account.
VICTIM_EXIT_ROLES = frozenset({"supervisor", "admin"})


class SafeguardViolationError(ConflictError):
    """A change would leave a likely victim's account closed without a supervisor's recorded reason."""


def victim_exit_problem(party: CaseParty) -> str | None:
    """Why this party's stored state breaks the safeguard, or None when it is fine."""
    if party.role != "likely_victim" or party.account_action != "close_account":
        return None
    if party.account_action_role not in VICTIM_EXIT_ROLES:
        return (
            f"party {party.party_id} is a likely victim whose account is recorded as closed by a "
            f"{party.account_action_role or 'non-supervisor'} decision; only a supervisor may close it"
        )
    if not (party.account_action_reason or "").strip():
        return f"party {party.party_id} is a likely victim: closing the account needs a recorded reason"
    return None


def _check(_mapper: Any, _connection: Any, target: CaseParty) -> None:
    problem = victim_exit_problem(target)
    if problem is not None:
        raise SafeguardViolationError(problem)


def install() -> None:
    """Register the checks once (idempotent), on the mapped class so every session is covered."""
    for name in ("before_insert", "before_update"):
        if not event.contains(CaseParty, name, _check):
            event.listen(CaseParty, name, _check)


install()
