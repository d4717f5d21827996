"""Who may do what: the four roles of the issue mapped to permissions, checked in one dependency.

- analyst: works alerts and cases, screens names, drafts the HTML narrative of a report;
- supervisor: all an analyst does, plus decisions that need a second pair of eyes: closing a likely
  victim's account, taking a party out of the likely-victim role, and filing (exporting goAML or FinCEN
  SAR and moving a case to `reported`; docs/decisions/security-03-who-files.md);
- admin: manages users and keys and can read everything, but does not work cases;
- auditor: reads everything, including the audit log, and changes nothing;
- caseworker (NGO): records and shares information about people the NGO supports;
- coordinator (NGO): a caseworker who also approves what the NGO reveals after a match;
- hub_operator (sharing hub): runs partnerships and keys, never sees cleartext.

Which role an organisation's members may hold depends on its kind (`core.organisations.KIND_ROLES`).
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
    SHARE = "share"  # take part in NGO-bank information sharing for one's own organisation
    HUB = "hub"  # operate the sharing hub (partnerships, keys, limits)


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "analyst": frozenset({Permission.READ, Permission.SCREEN, Permission.WORK, Permission.SHARE}),
    "supervisor": frozenset(
        {
            Permission.READ,
            Permission.SCREEN,
            Permission.WORK,
            Permission.SUPERVISE,
            Permission.AUDIT,
            Permission.SHARE,
        }
    ),
    "admin": frozenset({Permission.READ, Permission.ADMIN, Permission.AUDIT}),
    "auditor": frozenset({Permission.READ, Permission.AUDIT}),
    "caseworker": frozenset({Permission.READ, Permission.SHARE}),
    "coordinator": frozenset({Permission.READ, Permission.SHARE, Permission.SUPERVISE, Permission.AUDIT}),
    "hub_operator": frozenset({Permission.READ, Permission.HUB}),
}


def allowed(role: str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())
