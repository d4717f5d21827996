"""Kinds of organisation and the roles each kind's members may hold.

One installation serves banks, NGOs, investors, FIUs and the operator of the NGO-bank sharing hub (Key 25).
They do different work, so a kind decides which roles its members may have: an NGO has caseworkers and a
coordinator, never a bank "supervisor" who could decide about a bank customer's account; a hub operator runs
partnerships and never sees a member's cases. Roles that mean the same thing everywhere (admin, auditor) are
shared. Kept in `core` so storage (the CHECK constraint), the service (permissions) and every domain use the
same words.
"""

from __future__ import annotations

from enum import StrEnum


class OrgKind(StrEnum):
    """What an organisation is; set when it is created."""

    BANK = "bank"
    NGO = "ngo"
    INVESTOR = "investor"
    FIU = "fiu"
    HUB = "hub"


ORG_KINDS: tuple[str, ...] = tuple(kind.value for kind in OrgKind)

#: Every role any member of any kind may hold, with what it is for.
ROLE_DESCRIPTIONS: dict[str, str] = {
    "analyst": "works alerts, cases, holdings or received reports; screens names; prepares reports",
    "supervisor": "an analyst who also takes second-pair-of-eyes decisions (victim accounts, filing, exits)",
    "admin": "manages the organisation's users, keys and partnerships; does not work cases",
    "auditor": "reads everything including the audit log; changes nothing",
    "caseworker": "an NGO member who records and shares information about people the NGO supports",
    "coordinator": "an NGO lead who approves what the NGO shares and reveals after a match",
    "hub_operator": "runs the sharing hub: partnerships, public keys, rate limits; never sees cleartext",
}

ALL_ROLES: tuple[str, ...] = tuple(ROLE_DESCRIPTIONS)

#: The roles a member of each kind may hold.
KIND_ROLES: dict[OrgKind, tuple[str, ...]] = {
    OrgKind.BANK: ("analyst", "supervisor", "admin", "auditor"),
    OrgKind.INVESTOR: ("analyst", "supervisor", "admin", "auditor"),
    OrgKind.FIU: ("analyst", "supervisor", "admin", "auditor"),
    OrgKind.NGO: ("caseworker", "coordinator", "admin", "auditor"),
    OrgKind.HUB: ("hub_operator", "admin", "auditor"),
}


def parse_kind(value: str) -> OrgKind:
    """The kind named by `value`, or a ValueError listing the kinds there are."""
    try:
        return OrgKind(value.strip().lower())
    except ValueError:
        raise ValueError(f"organisation kind must be one of {', '.join(ORG_KINDS)}, not {value!r}") from None


def role_allowed(kind: OrgKind | str, role: str) -> bool:
    """Whether a member of an organisation of `kind` may hold `role`."""
    return role in KIND_ROLES[OrgKind(kind)]
