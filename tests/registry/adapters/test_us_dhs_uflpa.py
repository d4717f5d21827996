"""UFLPA Entity List transcription (CSV fixture, and the same as JSON)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from chainbreaker.core.errors import InputError
from chainbreaker.registry.adapters import us_dhs_uflpa
from chainbreaker.registry.store import RegistryStore

from .._helpers import FIXTURES, LoadedRegistry


def test_fixture_entities(loaded: LoadedRegistry, store: RegistryStore) -> None:
    assert loaded.reports["us_dhs_uflpa"].entities == 8
    xpcc = store.get(store.search("xinjiang production and construction corps")[0]["entity_id"])
    assert "XPCC" in xpcc["names"]
    assert xpcc["countries"] == ["cn"]
    assert {"forced.labor", "export.risk"} <= set(xpcc["topics"])
    assert xpcc["properties"]["createdAt"] == ["2022-06-21"]


def test_json_transcription_reads_the_same(tmp_path: Path) -> None:
    with (FIXTURES / "uflpa_sample.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    path = tmp_path / "uflpa.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    from_json = us_dhs_uflpa.read(path, "us_dhs_uflpa")
    from_csv = us_dhs_uflpa.read(FIXTURES / "uflpa_sample.csv", "us_dhs_uflpa")
    assert {k: e.values for k, e in from_json.entities.items()} == {
        k: e.values for k, e in from_csv.entities.items()
    }


def test_bad_dates_and_names_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "uflpa.csv"
    path.write_text(
        "name,date_added\nGood Co. Ltd.,2023-01-05\n,2023-01-05\nBad Date Ltd.,someday\n", encoding="utf-8"
    )
    read = us_dhs_uflpa.read(path, "us_dhs_uflpa")
    assert len(read.entities) == 1
    assert sorted(r.reason for r in read.rejects) == [
        "date_added 'someday' is not a date (YYYY-MM-DD)",
        "row without a name",
    ]


def test_json_that_is_not_a_list_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "uflpa.json"
    path.write_text('{"name": "X"}', encoding="utf-8")
    with pytest.raises(InputError, match="JSON list"):
        us_dhs_uflpa.read(path, "us_dhs_uflpa")
