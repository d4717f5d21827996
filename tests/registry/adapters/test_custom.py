"""A bank's in-house list CSV: accepted rows and rejected rows with reasons."""

from __future__ import annotations

from pathlib import Path

import pytest

from chainbreaker.core.errors import InputError
from chainbreaker.registry.adapters import custom

from .._helpers import FIXTURES


def test_rows_and_reasons() -> None:
    read = custom.read(FIXTURES / "custom_list.csv", "custom")
    assert sorted(read.entities) == ["custom-ex-1", "custom-ex-2"]
    assert read.rows_read == 6
    assert [(r.row, r.reason) for r in read.rejects] == [
        (4, "unknown schema 'Alien' (use one of Person, Company, Organization, LegalEntity, Vessel)"),
        (5, "birth_date '31/02/1980' is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        (6, "duplicate id EX-2"),
        (7, "unknown country 'Atlantis'"),
    ]
    person = read.entities["custom-ex-1"]
    assert person.get("birthDate") == ["1980-05-01"]
    assert person.get("idNumber") == ["123.456.789-09"]
    assert read.entities["custom-ex-2"].get("topics") == ["crime.traffick.human"]


def test_missing_name_column(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("id,label\n1,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        custom.read(path, "custom")
