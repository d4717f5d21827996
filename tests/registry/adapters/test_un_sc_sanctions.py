"""UN Security Council consolidated XML, read from ../shared/data/un_sanctions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from chainbreaker.core.errors import InputError
from chainbreaker.registry.adapters import un_sc_sanctions
from chainbreaker.registry.store import RegistryStore

from .._helpers import LoadedRegistry


def test_counts_and_edition_date(loaded: LoadedRegistry, store: RegistryStore) -> None:
    report = loaded.reports["un_sc_sanctions"]
    assert (report.rows_read, report.entities, report.rejected) == (1003, 1003, 0)
    assert report.edition_date == date(2026, 2, 27)
    assert store.count("un_sc_sanctions") == 1003


def test_individual_with_aliases_original_script_and_date_of_birth(store: RegistryStore) -> None:
    row = store.get("un_sc_sanctions-6908051")
    assert row["schema"] == "Person"
    assert row["caption"] == "ABID HAMID MAHMUD AL-TIKRITI"
    assert {"Abid Hamid Bid Hamid Mahmud", "Col Abdel Hamid Mahmoud", "Abed Mahmoud Hammud"} <= set(
        row["names"]
    )
    assert "عابد حامد محمود التكريتي" in row["names"]
    assert row["birth_dates"] == ["1957"]
    assert row["countries"] == ["iq"]
    assert row["properties"]["programId"] == ["IQi.004"]
    statements = {(s["prop"], s["value"]): s for s in store.statements("un_sc_sanctions-6908051")}
    assert statements[("nationality", "iq")]["original_value"] == "Iraq"


def test_exact_date_of_birth_and_place(store: RegistryStore) -> None:
    row = store.get("un_sc_sanctions-6907998")
    assert row["birth_dates"] == ["1978-04-28"]
    assert row["properties"]["birthCountry"] == ["cd"]


def test_entities_are_organizations(store: RegistryStore) -> None:
    row = store.get("un_sc_sanctions-6908402")
    assert row["schema"] == "Organization"
    assert row["caption"] == "ADF"


def test_truncated_xml_is_a_clear_error(tmp_path: Path, data_dir: Path) -> None:
    raw = (data_dir / "un_sanctions" / "UN_consolidated_2026-02-27.xml").read_bytes()
    cut = tmp_path / "un.xml"
    cut.write_bytes(raw[:50_000])
    with pytest.raises(InputError, match="not well-formed XML"):
        un_sc_sanctions.read(cut, "un_sc_sanctions")


def test_csv_given_as_xml_is_named_as_such(tmp_path: Path, data_dir: Path) -> None:
    fake = tmp_path / "consolidated.xml"
    fake.write_bytes((data_dir / "ofac_sdn" / "sdn.csv").read_bytes()[:5000])
    with pytest.raises(InputError, match="does not look like XML"):
        un_sc_sanctions.read(fake, "un_sc_sanctions")


def test_other_xml_documents_are_refused(tmp_path: Path, data_dir: Path) -> None:
    with pytest.raises(InputError, match="CONSOLIDATED_LIST"):
        un_sc_sanctions.read(data_dir / "eu_sanctions" / "eu_consolidated_2016-02-11.xml", "un_sc_sanctions")
