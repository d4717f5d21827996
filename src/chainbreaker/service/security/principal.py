"""The authenticated caller of one request, as the routes see it (never a storage row)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from chainbreaker.service.security.roles import Permission, allowed


@dataclass(frozen=True)
class Principal:
    """A user acting in one organisation, through a browser session or an API key."""

    user_id: int
    username: str
    org_id: str
    org_name: str
    role: str
    via: Literal["session", "api_key"]
    org_kind: str = "bank"  # bank, ngo, investor, fiu or hub (core.organisations.OrgKind)

    def can(self, permission: Permission) -> bool:
        return allowed(self.role, permission)

    @property
    def actor(self) -> str:
        """How the audit log names this caller."""
        return self.username if self.via == "session" else f"{self.username} (api key)"
