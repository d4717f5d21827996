"""UK HM Treasury consolidated CSV (cp1252, preamble line, one row per name), ../shared/data/uk_hmt_sanctions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from chainbreaker.core.errors import InputError
from chainbreaker.registry.adapters import gb_hmt_sanctions
from chainbreaker.registry.store import RegistryStore

from .._helpers import LoadedRegistry


def test_rows_group_into_entities(loaded: LoadedRegistry, store: RegistryStore) -> None:
    report = loaded.reports["gb_hmt_sanctions"]
    assert report.rows_read == 9487
    assert report.entities == 2106
    assert report.rejected == 0
    assert report.edition_date == date(2018, 4, 13)


def test_group_with_several_name_rows(store: RegistryStore) -> None:
    row = store.get("gb_hmt_sanctions-13349")
    assert row["schema"] == "Person"
    assert row["caption"] == "Nayef Salam Muhammad Ujaym AL-HABABI"
    assert {"Sheikh Farooq AL-QAHTANI", "Faruq AL-QATARI", "Imran Farouk SHAYKH"} <= set(row["names"])
    assert len(row["names"]) == 8
    assert row["birth_dates"] == ["1980", "1981"]
    assert set(row["countries"]) == {"qa", "sa"}
    assert row["properties"]["passportNumber"] == ["592667"]
    assert row["properties"]["programId"] == ["13349"]


def test_cp1252_text_is_decoded(store: RegistryStore) -> None:
    hits = store.search("alfred ekatom", dataset="gb_hmt_sanctions")
    assert len(hits) == 1
    row = store.get(hits[0]["entity_id"])
    assert any("Forces Armées Centrafricaines" in p for p in row["properties"]["position"])


def test_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "conlist.csv"
    path.write_text("Last Updated,13/04/2018\nName 6,Name 1,Group Type\nX,Y,Individual\n", encoding="cp1252")
    with pytest.raises(InputError, match="Alias Type, Group ID"):
        gb_hmt_sanctions.read(path, "gb_hmt_sanctions")


def test_utf16_file_is_refused_clearly(tmp_path: Path, data_dir: Path) -> None:
    raw = (data_dir / "uk_hmt_sanctions" / "sanctionsconlist_2018-04-13.csv").read_bytes()[:4000]
    path = tmp_path / "conlist.csv"
    path.write_bytes(raw.decode("cp1252").encode("utf-16"))
    with pytest.raises(InputError, match="UTF-16"):
        gb_hmt_sanctions.read(path, "gb_hmt_sanctions")
