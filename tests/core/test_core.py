"""Core vocabulary: errors name where the problem is, logs hide personal data, settings fail closed."""

from __future__ import annotations

import json
import logging

import pytest

from chainbreaker.core.contract import TABLES, TRANSACTIONS, ddl
from chainbreaker.core.errors import InputError, NotFoundError
from chainbreaker.core.logging import JsonFormatter, redact
from chainbreaker.core.reference import country_codes, currency_codes
from chainbreaker.core.settings import get_settings
from chainbreaker.core.workspace import Workspace, _safe_size


def test_input_error_names_file_row_and_column() -> None:
    err = InputError("not a date", file="parties.csv", row=7, column="date_of_birth")
    assert str(err) == "file parties.csv, row 7, column date_of_birth: not a date"
    assert err.http_status == 422


def test_redact_is_stable_and_hides_value() -> None:
    token = redact("Maria Souza")
    assert token == redact("Maria Souza") != redact("Maria Sousa")
    assert "Maria" not in token


def test_json_logs_keep_extra_fields() -> None:
    record = logging.LogRecord("chainbreaker.x", logging.INFO, "f", 1, "loaded", (), None)
    record.rows = 5
    line = json.loads(JsonFormatter().format(record))
    assert line["msg"] == "loaded" and line["rows"] == 5


def test_settings_read_environment_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINBREAKER_DUCKDB_MEMORY_LIMIT", "1GB")
    assert get_settings().duckdb_memory_limit == "1GB"


def test_memory_size_is_validated() -> None:
    assert _safe_size("4 gb") == "4GB"
    with pytest.raises(ValueError, match="memory size"):
        _safe_size("4GB'; DROP TABLE x; --")


def test_contract_tables_create_in_duckdb(workspace: Workspace) -> None:
    con = workspace.connect()
    for table in TABLES:
        con.execute(ddl(table))
    cols = [r[0] for r in con.execute("DESCRIBE transactions").fetchall()]
    assert tuple(cols) == TRANSACTIONS.column_names
    types = {r[0]: r[1] for r in con.execute("DESCRIBE transactions").fetchall()}
    assert types["booked_at"] == "TIMESTAMP" and types["amount"] == "DECIMAL(18,2)"


def test_read_only_open_of_missing_workspace_is_clear(workspace: Workspace) -> None:
    with pytest.raises(NotFoundError, match="chainbreaker load"):
        workspace.connect(read_only=True)


def test_reference_codes() -> None:
    assert {"BR", "TH", "CI", "XK"} <= country_codes()
    assert {"USD", "BRL", "THB", "AED"} <= currency_codes()
    assert "UK" not in country_codes()


def test_contract_reference_page_is_current() -> None:
    from pathlib import Path

    from chainbreaker.core.contract import contract_markdown

    page = Path(__file__).resolve().parents[2] / "docs" / "data-contract.md"
    assert page.read_text(encoding="utf-8") == contract_markdown(), "run `make docs` to regenerate"
