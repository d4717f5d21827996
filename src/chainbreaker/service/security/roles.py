"""Who may do what: the four roles of the issue mapped to permissions, checked in one dependency.

- analyst: works alerts and cases, screens names, drafts the HTML narrative of a report;
- supervisor: all an analyst does, plus decisions that need a second pair of eyes: closing a likely
  victim's account, taking a party out of the likely-victim role, and filing (exporting goAML or FinCEN
  SAR and moving a case to `reported`; docs/decisions/security-03-who-files.md);
- admin: manages users and keys and can read everything, but does not work cases;
- auditor: reads everything, including the audit log, and changes nothing.
"""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    READ = "read"
    SCREEN = "screen"
    WORK = "work"
    SUPERVISE = "supervise"
    ADMIN = "admin"
    AUDIT = "audit"


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "analyst": frozenset({Permission.READ, Permission.SCREEN, Permission.WORK}),
    "supervisor": frozenset(
        {Permission.READ, Permission.SCREEN, Permission.WORK, Permission.SUPERVISE, Permission.AUDIT}
    ),
    "admin": frozenset({Permission.READ, Permission.ADMIN, Permission.AUDIT}),
    "auditor": frozenset({Permission.READ, Permission.AUDIT}),
}


def allowed(role: str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())
