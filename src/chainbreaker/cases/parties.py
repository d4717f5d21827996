"""Personal details of case parties, read from the workspace only when a person or a report needs them.

The case store keeps party ids, not names: this is the one door through which names, addresses and
identifiers reach a case page or a report, so access to them can be checked and logged in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chainbreaker.core.contract import ACCOUNTS, PARTIES
from chainbreaker.core.workspace import Workspace

PARTY_COLUMNS = PARTIES.column_names
ACCOUNT_COLUMNS = ACCOUNTS.column_names


def party_details(workspace: Workspace, party_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Contract columns of the given parties, with `accounts` (as primary holder) and `holders` (other parties
    holding a role on those accounts: signatories, authorised users)."""
    ids = sorted(set(party_ids))
    if not ids:
        return {}
    con = workspace.connect(read_only=True)
    try:
        tables = {
            str(r[0]) for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        if "parties" not in tables:
            return {}
        present = {
            str(r[0])
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'parties'"
            ).fetchall()
        }
        # A workspace loaded before a contract column was added lacks it: that column reads as empty.
        columns = [c for c in PARTY_COLUMNS if c in present]
        cursor = con.execute(
            f"SELECT {', '.join(columns)} FROM parties WHERE party_id IN (SELECT unnest(?::VARCHAR[]))",
            [ids],
        )
        result = {
            str(row[0]): {c: None for c in PARTY_COLUMNS} | dict(zip(columns, row, strict=True))
            for row in cursor.fetchall()
        }
        for details in result.values():
            details["accounts"] = []
        if "accounts" in tables:
            cursor = con.execute(
                f"SELECT {', '.join(ACCOUNT_COLUMNS)} FROM accounts "
                "WHERE party_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY account_id",
                [ids],
            )
            for row in cursor.fetchall():
                account = dict(zip(ACCOUNT_COLUMNS, row, strict=True))
                result[str(account["party_id"])]["accounts"].append(account)
        for details in result.values():
            details["holders"] = []
        if {"accounts", "account_holders"} <= tables:
            cursor = con.execute(
                "SELECT a.party_id, h.party_id FROM account_holders h JOIN accounts a ON h.account_id = a.account_id "
                "WHERE a.party_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY 1, 2",
                [ids],
            )
            for owner, holder in cursor.fetchall():
                result[str(owner)]["holders"].append(str(holder))
        return result
    finally:
        con.close()
