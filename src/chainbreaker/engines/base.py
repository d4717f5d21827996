"""Base of every engine: what is shared lives here, an engine adds only how to run SQL.

SQL is written once, in DuckDB's dialect, with named placeholders (`:min_count`). Values are bound by
turning each placeholder into a typed literal in the parsed SQL tree (never by string formatting), then
sqlglot writes the tree in the engine's dialect. Identifiers (table names) are validated, not quoted blindly.
"""

from __future__ import annotations

import abc
import datetime as dt
import re
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import sqlglot
from sqlglot import exp

from chainbreaker.core.errors import EngineError
from chainbreaker.core.logging import get_logger

log = get_logger(__name__)

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")

ParamValue = str | int | float | bool | Decimal | dt.date | dt.datetime | None | list[Any] | tuple[Any, ...]


def check_identifier(name: str) -> str:
    """Table and column names are checked against a strict pattern, since they cannot be bound."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a safe SQL identifier: {name!r}")
    return name


def _literal(value: ParamValue) -> exp.Expr:
    if isinstance(value, list | tuple):
        return exp.Tuple(expressions=[_literal(v) for v in value])
    if isinstance(value, dt.datetime):
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), exp.DataType.Type.TIMESTAMP)
    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.Type.DATE)
    if isinstance(value, Decimal):
        return exp.Literal.number(str(value))
    return exp.convert(value)


def bind_parameters(sql: str, params: dict[str, ParamValue] | None, dialect: str = "duckdb") -> exp.Expr:
    """Parse `sql` and replace every `:name` placeholder with a literal of its value.

    A placeholder without a value, or a value without a placeholder, is an error: both usually mean a typo
    in an indicator file, and silently running with a default would hide it.
    """
    tree = sqlglot.parse_one(sql, read=dialect)
    params = params or {}
    used: set[str] = set()

    def replace(node: exp.Expression) -> exp.Expr:
        if isinstance(node, exp.Placeholder) and node.name:
            if node.name not in params:
                raise KeyError(f"no value for parameter :{node.name}")
            used.add(node.name)
            return _literal(params[node.name])
        return node

    # the tree was just parsed and is ours: replaced in place, without the deep copy `transform` makes by
    # default (about 0.3 CPU-s of a 10M monitoring run's 126 statements)
    tree = tree.transform(replace, copy=False)
    unused = set(params) - used
    if unused:
        raise KeyError(f"parameters not used in the SQL: {', '.join(sorted(unused))}")
    return tree


@dataclass(frozen=True)
class StepTiming:
    """How long one named SQL step took and how many rows it produced (when known)."""

    step: str
    seconds: float
    rows: int | None


class Engine(abc.ABC):
    """Runs named SQL steps. Subclasses implement `_execute`, `_materialize`, `_register_*` and `_exists`."""

    #: Engine name used on the command line (`--engine`).
    name: str = ""
    #: sqlglot dialect the engine speaks.
    dialect: str = ""
    #: Whether `update` can change a table made by `create_table` in place. Where it cannot (Spark's
    #: temporary views over Parquet), callers make a new table with the changed values instead.
    updates_in_place: bool = False

    def __init__(self) -> None:
        self.timings: list[StepTiming] = []

    # --- what engines implement -------------------------------------------------------------------
    @abc.abstractmethod
    def _execute(self, sql: str) -> pa.Table:
        """Run one query and return its result as Arrow."""

    @abc.abstractmethod
    def _materialize(self, name: str, sql: str) -> int | None:
        """Store the result of `sql` as table `name` (replacing it); return its row count if cheap to know."""

    @abc.abstractmethod
    def _register_arrow(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table queryable as `name`."""

    @abc.abstractmethod
    def _register_parquet(self, name: str, path: Path) -> None:
        """Make a Parquet file (or folder of files) queryable as `name`."""

    @abc.abstractmethod
    def _exists(self, name: str) -> bool:
        """Whether a table or view called `name` is queryable."""

    @abc.abstractmethod
    def _columns(self, name: str) -> list[str]:
        """Column names of a queryable table."""

    def _drop(self, name: str) -> None:  # noqa: B027 - engines that keep nothing need not override
        """Forget the materialised table `name` and free what it holds."""

    def close(self) -> None:  # noqa: B027 - engines without resources need not override
        """Release connections or sessions."""

    # --- what the base owns -----------------------------------------------------------------------
    def translate(self, sql: str, params: dict[str, ParamValue] | None = None) -> str:
        """Bind parameters and write the SQL in this engine's dialect. The bound tree is ours and thrown away
        afterwards, so the generator may change it in place (`copy=False`, as sqlglot's own `transpile`
        does) instead of deep-copying it first (about 0.5 CPU-s of a 10M monitoring run)."""
        return bind_parameters(sql, params).sql(dialect=self.dialect, copy=False)

    def query(self, step: str, sql: str, params: dict[str, ParamValue] | None = None) -> pa.Table:
        """Run a named query and return Arrow; failures name the step and show the SQL."""
        final = self._prepare(step, sql, params)
        started = time.perf_counter()
        try:
            result = self._execute(final)
        except Exception as exc:
            raise EngineError(step, final, exc) from exc
        self._record(step, started, result.num_rows)
        return result

    def create_table(
        self, name: str, step: str, sql: str, params: dict[str, ParamValue] | None = None
    ) -> None:
        """Run a named step and keep its result as table `name` for later steps."""
        check_identifier(name)
        final = self._prepare(step, sql, params)
        started = time.perf_counter()
        try:
            rows = self._materialize(name, final)
        except Exception as exc:
            raise EngineError(step, final, exc) from exc
        self._record(step, started, rows)

    def update(self, step: str, sql: str, params: dict[str, ParamValue] | None = None) -> None:
        """Run a named `UPDATE` of a table made by `create_table`; only where `updates_in_place`."""
        if not self.updates_in_place:
            # a caller's mistake, not a gap: such engines get a new table with the changed values instead
            raise EngineError(step, sql, RuntimeError(f"{self.name} cannot change a table in place"))
        self.query(step, sql, params)

    def unordered_results(self) -> None:
        """Let later steps return rows in any order: for a caller that sorts whatever order it needs (the
        monitoring run). A speed setting only; engines whose results carry no order anyway do nothing."""
        return None

    def register_arrow(self, name: str, table: pa.Table) -> None:
        self._register_arrow(check_identifier(name), table)

    def drop(self, name: str) -> None:
        """Drop a table made by `create_table` once no later step reads it (its memory or scratch files)."""
        self._drop(check_identifier(name))

    def register_parquet(self, name: str, path: Path) -> None:
        self._register_parquet(check_identifier(name), path)

    def exists(self, name: str) -> bool:
        return self._exists(check_identifier(name))

    def columns(self, name: str) -> list[str]:
        return self._columns(check_identifier(name))

    def _prepare(self, step: str, sql: str, params: dict[str, ParamValue] | None) -> str:
        try:
            return self.translate(sql, params)
        except Exception as exc:  # parse errors and missing parameters alike
            raise EngineError(step, sql, exc) from exc

    def _record(self, step: str, started: float, rows: int | None) -> None:
        seconds = time.perf_counter() - started
        self.timings.append(StepTiming(step, seconds, rows))
        log.debug(
            "step done", extra={"engine": self.name, "step": step, "seconds": round(seconds, 3), "rows": rows}
        )

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
