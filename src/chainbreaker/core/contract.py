"""The bank data contract (v1) as data: tables, columns, types, required flags and allowed values.

The loader validates against it, the synthetic bank writes it, the engines read the tables it names.
The prose version is `shared/spec/data-contract.md`; this module is its single machine-readable copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from chainbreaker.core.handoff import markdown as handoff_markdown


class ColumnType(StrEnum):
    """How a contract column is checked and stored."""

    STRING = "string"
    DATE = "date"  # YYYY-MM-DD
    DATETIME = "datetime"  # YYYY-MM-DDTHH:MM:SS (local time of the event)
    DECIMAL = "decimal"  # > 0
    ENUM = "enum"
    COUNTRY = "country"  # ISO 3166-1 alpha-2
    CURRENCY = "currency"  # ISO 4217
    MCC = "mcc"  # 4 digits
    NAICS = "naics"  # 2 to 6 digits


@dataclass(frozen=True)
class Column:
    """One column of a contract table."""

    name: str
    type: ColumnType
    required: bool = False
    values: tuple[str, ...] = ()
    default: str | None = None
    references: tuple[str, str] | None = None  # (table, column) that must hold the value

    @property
    def duckdb_type(self) -> str:
        """The storage type in a workspace."""
        return {
            ColumnType.DATE: "DATE",
            ColumnType.DATETIME: "TIMESTAMP",
            ColumnType.DECIMAL: "DECIMAL(18,2)",
        }.get(self.type, "VARCHAR")


@dataclass(frozen=True)
class Table:
    """One contract table: its key and its columns in contract order."""

    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    optional_table: bool = False
    extras: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


PARTY_TYPES = ("person", "organization")
ACCOUNT_TYPES = ("checking", "savings", "business", "prepaid", "credit_card", "loan", "other")
HOLDER_ROLES = ("joint", "authorised_user", "signatory", "guarantor")
DIRECTIONS = ("in", "out")
CHANNELS = ("cash", "atm", "card", "wire", "ach", "p2p", "check", "internal", "other")

S, D, DT, DEC, E, C, CUR = (
    ColumnType.STRING,
    ColumnType.DATE,
    ColumnType.DATETIME,
    ColumnType.DECIMAL,
    ColumnType.ENUM,
    ColumnType.COUNTRY,
    ColumnType.CURRENCY,
)

PARTIES = Table(
    "parties",
    key=("party_id",),
    columns=(
        Column("party_id", S, required=True),
        Column("party_type", E, required=True, values=PARTY_TYPES),
        Column("name", S, required=True),
        Column("date_of_birth", D),
        Column("nationality", C),
        Column("country", C),
        Column("address", S),
        Column("city", S),
        Column("postal_code", S),
        Column("phone", S),
        Column("email", S),
        Column("occupation", S),
        Column("employer", S),
        Column("industry", S),
        Column("naics", ColumnType.NAICS),
        Column("id_number", S),
        Column("onboarded_at", D),
        # Optional parts of a person's name, where the bank records them; reports use them before any rule
        # for splitting `name` (core.identifiers.person_name_parts).
        Column("given_name", S),
        Column("family_name", S),
    ),
)

ACCOUNTS = Table(
    "accounts",
    key=("account_id",),
    columns=(
        Column("account_id", S, required=True),
        Column("party_id", S, required=True, references=("parties", "party_id")),
        Column("account_type", E, required=True, values=ACCOUNT_TYPES),
        Column("opened_at", D, required=True),
        Column("closed_at", D),
        Column("currency", CUR, default="USD"),
        Column("branch", S),
        Column("branch_city", S),
        Column("branch_country", C),
    ),
)

ACCOUNT_HOLDERS = Table(
    "account_holders",
    key=("account_id", "party_id", "role"),
    optional_table=True,
    columns=(
        Column("account_id", S, required=True, references=("accounts", "account_id")),
        Column("party_id", S, required=True, references=("parties", "party_id")),
        Column("role", E, required=True, values=HOLDER_ROLES),
    ),
)

TRANSACTIONS = Table(
    "transactions",
    key=("txn_id",),
    columns=(
        Column("txn_id", S, required=True),
        Column("account_id", S, required=True, references=("accounts", "account_id")),
        Column("booked_at", DT, required=True),
        Column("amount", DEC, required=True),
        Column("currency", CUR, default="USD"),
        Column("direction", E, required=True, values=DIRECTIONS),
        Column("channel", E, required=True, values=CHANNELS),
        Column("counterparty_account", S),
        Column("counterparty_name", S),
        Column("counterparty_country", C),
        Column("merchant_name", S),
        Column("mcc", ColumnType.MCC),
        Column("city", S),
        Column("country", C),
        Column("description", S),
        Column("device_id", S),
    ),
)

#: Load order matters: references point to tables loaded before.
TABLES: tuple[Table, ...] = (PARTIES, ACCOUNTS, ACCOUNT_HOLDERS, TRANSACTIONS)
TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}

#: Output contract of `monitor` (alerts) and its per-party roll-up.
ALERT_COLUMNS = (
    "alert_id",
    "party_id",
    "account_id",
    "indicator_id",
    "trafficking_type",
    "score",
    "period_start",
    "period_end",
    "evidence",
)
PARTY_RISK_COLUMNS = ("party_id", "risk_score", "indicators", "trafficking_type")
TRAFFICKING_TYPES = ("sex", "labour", "general")

#: Output contract of `screen`.
SCREENING_COLUMNS = (
    "query_id",
    "query_name",
    "entity_id",
    "entity_name",
    "dataset",
    "source_id",
    "score",
    "matched_on",
    "explanation",
)


def ddl(table: Table, name: str | None = None) -> str:
    """CREATE TABLE statement of a contract table in a workspace (typed columns, no constraints).

    Keys and references are checked by the loader before rows are inserted, which lets it report each
    bad row instead of failing the whole insert.
    """
    cols = ",\n  ".join(f"{c.name} {c.duckdb_type}" for c in table.columns)
    return f"CREATE TABLE IF NOT EXISTS {name or table.name} (\n  {cols}\n)"


_TYPE_TEXT = {
    ColumnType.STRING: "string",
    ColumnType.DATE: "date `YYYY-MM-DD`",
    ColumnType.DATETIME: "datetime `YYYY-MM-DDTHH:MM:SS` (local time)",
    ColumnType.DECIMAL: "decimal > 0",
    ColumnType.COUNTRY: "ISO 3166-1 alpha-2",
    ColumnType.CURRENCY: "ISO 4217",
    ColumnType.MCC: "4-digit merchant category code",
    ColumnType.NAICS: "NAICS 2022 code, 2 to 6 digits",
}


def contract_markdown() -> str:
    """The reference page `docs/data-contract.md`, generated from the tables above so it cannot drift."""
    lines = [
        "# Bank data contract (v1) — reference",
        "",
        "Generated from `chainbreaker.core.contract` (`make docs`); do not edit by hand.",
        "A data folder holds one file per table, `NAME.csv` (UTF-8, header row, RFC 4180 quoting) or",
        "`NAME.parquet`. Extra columns are kept and ignored; optional columns may be absent or empty.",
        "Other layouts are mapped with a `--mapping` file (see [loading.md](loading.md)).",
        "",
    ]
    for table in TABLES:
        title = f"## {table.name}" + (" (optional table)" if table.optional_table else "")
        lines += [title, "", f"Key: {', '.join(table.key)}.", ""]
        lines += ["| column | type | required | notes |", "|---|---|---|---|"]
        for col in table.columns:
            kind = (
                " or ".join(f"`{v}`" for v in col.values)
                if col.type is ColumnType.ENUM
                else _TYPE_TEXT[col.type]
            )
            notes = []
            if col.references:
                notes.append(f"a `{col.references[0]}.{col.references[1]}`")
            if col.default:
                notes.append(f"default {col.default}")
            lines.append(f"| {col.name} | {kind} | {'yes' if col.required else 'no'} | {'; '.join(notes)} |")
        lines.append("")
    lines += [
        "## Hand-offs between stages (`monitor`, `screen` → `cases build`)",
        "",
        "Defined once in `chainbreaker.core.handoff`: monitoring and screening write these columns and cases",
        "read them through the same definitions. A file without a column that must be present is refused;",
        "`alert_id` is `alert_identity(party, indicator, account, period, link)` everywhere.",
        "",
        handoff_markdown(),
    ]
    return "\n".join(lines)
