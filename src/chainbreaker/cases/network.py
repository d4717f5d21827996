"""Which alerted parties form one network, and why: the ties that turn many alerts into one case.

A ring (a controller, the victims whose earnings it sweeps, a front business, a recruiter) raises alerts on
several parties; an investigator needs them as one case. Parties are joined when:

- monitoring put them in the same `network_id`, or listed one in the other's `ties` or alert evidence;
- money moved between their accounts inside the bank (internal transfers, P2P, on-us wires);
- one holds a role on the other's account (a controller as authorised user or signatory on a victim's account);
- they share an identifier (phone, email, address, id number) in the `parties` table.

Each tie is kept as an edge with its kind and figures, so the case page can draw the network and say why each
party is there. Data is read from the workspace with plain, parameter-bound SQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb

from chainbreaker.core.identifiers import party_keys

#: An identifier shared by more members than this is a building or a shelter, not a tie.
MAX_SHARED = 25


@dataclass(frozen=True)
class Edge:
    """One tie between two parties, with what it is and how strong."""

    source: str
    target: str
    kind: str  # transfer | account_role | shared_phone | shared_email | shared_address | shared_id | network | tie
    count: int = 1
    amount: Decimal | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "kind": self.kind,
            "count": self.count,
            "amount": str(self.amount) if self.amount is not None else None,
        }


class UnionFind:
    """Disjoint sets of party ids (the connected components are the cases)."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def add(self, item: str) -> None:
        self.parent.setdefault(item, item)

    def find(self, item: str) -> str:
        self.add(item)
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for item in self.parent:
            found[self.find(item)].append(item)
        return sorted((sorted(g) for g in found.values()), key=lambda g: g[0])


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {str(r[0]) for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def transfer_edges(con: duckdb.DuckDBPyConnection, members: list[str]) -> list[Edge]:
    """Money sent between members' accounts inside the bank (each transfer counted once, on its `out` row)."""
    if not members or not {"transactions", "accounts"} <= _tables(con):
        return []
    rows = con.execute(
        """
        WITH ids AS (SELECT unnest(?::VARCHAR[]) AS party_id)
        SELECT a1.party_id, a2.party_id, count(*), sum(t.amount)
        FROM transactions t
        JOIN accounts a1 ON t.account_id = a1.account_id
        JOIN accounts a2 ON t.counterparty_account = a2.account_id
        WHERE t.direction = 'out'
          AND a1.party_id IN (SELECT party_id FROM ids)
          AND a2.party_id IN (SELECT party_id FROM ids)
          AND a1.party_id <> a2.party_id
        GROUP BY 1, 2
        """,
        [members],
    ).fetchall()
    return [Edge(str(s), str(t), "transfer", int(n), Decimal(str(amount))) for s, t, n, amount in rows]


def account_role_edges(con: duckdb.DuckDBPyConnection, members: list[str]) -> list[Edge]:
    """A member holding a role (authorised user, signatory, ...) on another member's account."""
    if not members or not {"account_holders", "accounts"} <= _tables(con):
        return []
    rows = con.execute(
        """
        WITH ids AS (SELECT unnest(?::VARCHAR[]) AS party_id)
        SELECT h.party_id, a.party_id, count(*)
        FROM account_holders h JOIN accounts a ON h.account_id = a.account_id
        WHERE h.party_id IN (SELECT party_id FROM ids)
          AND a.party_id IN (SELECT party_id FROM ids)
          AND h.party_id <> a.party_id
        GROUP BY 1, 2
        """,
        [members],
    ).fetchall()
    return [Edge(str(s), str(t), "account_role", int(n)) for s, t, n in rows]


def identifier_edges(con: duckdb.DuckDBPyConnection, members: list[str]) -> list[Edge]:
    """Members sharing a phone, email, street address or id number, compared by the keys of
    `core.identifiers` (the rules monitoring uses). Only used when monitoring's ties are not at hand."""
    if not members or "parties" not in _tables(con):
        return []
    rows = con.execute(
        """
        SELECT party_id, phone, email, address, postal_code, city, id_number, country
        FROM parties WHERE party_id IN (SELECT unnest(?::VARCHAR[]))
        """,
        [members],
    ).fetchall()
    holders: dict[tuple[str, str], set[str]] = defaultdict(set)
    for party_id, phone, email, address, postal, city, id_number, country in rows:
        keys = party_keys(phone, email, address, postal, city, id_number, country)
        for kind, key in (
            ("shared_phone", keys.phone),
            ("shared_email", keys.email),
            ("shared_address", keys.address),
            ("shared_id", keys.id_number),
        ):
            if key:
                holders[(kind, key)].add(str(party_id))
    edges: list[Edge] = []
    for (kind, _key), parties in sorted(holders.items()):
        if 2 <= len(parties) <= MAX_SHARED:
            ordered = sorted(parties)
            edges.extend(Edge(ordered[0], other, kind) for other in ordered[1:])
    return edges


def counterparty_customer(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """The customer that moved the most money with a counterparty of this name (as written), if any."""
    if not {"transactions", "accounts"} <= _tables(con):
        return None
    row = con.execute(
        """
        SELECT a.party_id FROM transactions t JOIN accounts a ON t.account_id = a.account_id
        WHERE t.counterparty_name = ? GROUP BY a.party_id ORDER BY sum(t.amount) DESC, a.party_id LIMIT 1
        """,
        [name],
    ).fetchone()
    return str(row[0]) if row else None


def group_parties(members: Iterable[str], edges: Iterable[Edge]) -> list[list[str]]:
    """Connected components of members under the edges (edges to non-members are ignored)."""
    finder = UnionFind()
    member_set = set(members)
    for member in member_set:
        finder.add(member)
    for edge in edges:
        if edge.source in member_set and edge.target in member_set:
            finder.union(edge.source, edge.target)
    return finder.groups()
