"""Each party's identifier keys and name parts, computed once when the parties are loaded and stored beside
them, so a monitoring run does not parse every phone number and name again.

The keys (`core.identifiers`: phones as E.164 through `phonenumbers`, emails, addresses, id numbers) and the
name parts (`core.names`: family name, order-free signature, compact forms, organisation key; `rigour`) are
pure functions of a party's columns, about 1.5 CPU-s of Python per 46,000 parties. The loader writes them
to `party_keys`, `party_names` and a one-row `party_keys_meta` (the rules they were made with and a
fingerprint of the parties table); a reader uses them only when both still match, and otherwise computes
them itself, so a parties table changed by any other path, or rules changed by an upgrade (of this code,
`phonenumbers` or `rigour`), never yields stale keys.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

import pyarrow as pa

from chainbreaker.core.identifiers import party_keys
from chainbreaker.core.names import compact, family_name, org_key, signature

#: Tables the loader writes (workspace, beside the contract tables).
STORED_KEYS = "party_keys"
STORED_NAMES = "party_names"
STORED_META = "party_keys_meta"

#: Changes whenever what a key or name part means changes: this module's rules and the libraries behind them.
RULES = f"party-keys-1; phonenumbers {version('phonenumbers')}; rigour {version('rigour')}"

KEY_SCHEMA = pa.schema(
    [
        ("party_id", pa.string()),
        ("phone_key", pa.string()),
        ("email_key", pa.string()),
        ("address_key", pa.string()),
        ("id_key", pa.string()),
    ]
)
NAME_SCHEMA = pa.schema(
    [
        ("party_id", pa.string()),
        ("surname", pa.string()),
        ("name_sig", pa.string()),
        ("compact", pa.string()),
        ("c12", pa.string()),
        ("c12_rev", pa.string()),
        ("org_key", pa.string()),
    ]
)

#: The parties' columns the keys and name parts read (a missing optional column reads as NULL).
KEY_COLUMNS = ("phone", "email", "address", "postal_code", "city", "id_number", "country")
NAME_COLUMNS = ("party_type", "name", "employer")


def _col(columns: set[str], column: str) -> str:
    return f"x.{column}" if column in columns else "CAST(NULL AS VARCHAR)"


def key_rows_sql(columns: set[str]) -> str:
    """The parties' identifier columns (`columns`: those the parties table has), for `key_table`."""
    return (
        "SELECT x.party_id, "
        + ", ".join(f"{_col(columns, c)} AS {c}" for c in KEY_COLUMNS)
        + " FROM parties x"
    )


def name_rows_sql(columns: set[str]) -> str:
    """The parties' type, name and employer, for `name_table`."""
    return (
        "SELECT x.party_id, "
        + ", ".join(f"{_col(columns, c)} AS {c}" for c in NAME_COLUMNS)
        + " FROM parties x"
    )


def fingerprint_sql(columns: set[str]) -> str:
    """One row (`n`, `h`): the number of parties and an order-free hash of every column the keys and name
    parts read. Equal for the same parties in any order; any changed, added or removed party changes it."""
    cols = ", ".join(["x.party_id", *(_col(columns, c) for c in (*NAME_COLUMNS, *KEY_COLUMNS))])
    return f"SELECT count(*) AS n, CAST(sum(hash({cols})) AS VARCHAR) AS h FROM parties x"


def key_table(raw: list[dict[str, Any]]) -> pa.Table:
    """Each party's phone, email, address and id keys by `core.identifiers`, the rules cases and screening
    use too (phones as E.164 through `phonenumbers`)."""
    rows = []
    for r in raw:
        # the street with the city, not the postal code: thin KYC files lose or mistype postal codes, and one
        # flat's tenants must get one key whether or not their record carries the code
        keys = party_keys(
            r["phone"],
            r["email"],
            r["address"],
            None if r["city"] else r["postal_code"],
            r["city"],
            r["id_number"],
            r["country"],
        )
        rows.append(
            {
                "party_id": r["party_id"],
                "phone_key": keys.phone,
                "email_key": keys.email,
                "address_key": keys.address,
                "id_key": keys.id_number,
            }
        )
    return pa.Table.from_pylist(rows, schema=KEY_SCHEMA)


def name_table(rows: list[dict[str, Any]]) -> pa.Table:
    """Family name and order-free signature of every party's name (`core.names`, rigour tokens)."""
    return pa.table(
        {
            "party_id": pa.array([str(r["party_id"]) for r in rows], pa.string()),
            "surname": pa.array(
                [family_name(r["name"]) if r["party_type"] == "person" else None for r in rows],
                pa.string(),
            ),
            "name_sig": pa.array([signature(r["name"]) for r in rows], pa.string()),
            "compact": pa.array([compact(r["name"]) for r in rows], pa.string()),
            "c12": pa.array([(compact(r["name"]) or "")[:12] or None for r in rows], pa.string()),
            "c12_rev": pa.array(
                [(compact(r["name"], reverse=True) or "")[:12] or None for r in rows], pa.string()
            ),
            # an organisation's name, and a person's KYC employer, without legal forms (LLC, S.A. DE C.V.)
            "org_key": pa.array(
                [org_key(r["name"] if r["party_type"] == "organization" else r["employer"]) for r in rows],
                pa.string(),
            ),
        },
        schema=NAME_SCHEMA,
    )
