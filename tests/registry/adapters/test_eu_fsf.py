"""EU consolidated list: the legacy WHOLE file in ../shared/data and the current <export> layout (fixture)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from chainbreaker.registry.adapters import eu_fsf
from chainbreaker.registry.store import RegistryStore

from .._helpers import FIXTURES, LoadedRegistry


def test_legacy_file(loaded: LoadedRegistry, store: RegistryStore) -> None:
    report = loaded.reports["eu_fsf"]
    assert (report.rows_read, report.entities, report.rejected) == (595, 595, 0)
    assert report.edition_date == date(2016, 2, 11)
    row = store.get("eu_fsf-13")
    assert row["caption"] == "Saddam Hussein Al-Tikriti"
    assert {"Abu Ali", "Abou Ali"} <= set(row["names"])
    assert row["birth_dates"] == ["1937-04-28"]
    assert row["countries"] == ["iq"]  # published as ISO alpha-3 IRQ


def test_legacy_passport_number_is_cut_from_its_description(store: RegistryStore) -> None:
    assert store.get("eu_fsf-1")["properties"]["passportNumber"] == ["AD001095"]


def test_current_export_layout(tmp_path: Path) -> None:
    read = eu_fsf.read(FIXTURES / "eu_export_sample.xml", "eu_fsf")
    assert read.edition_date == date(2024, 5, 3)
    assert read.rows_read == 3
    assert [r.reason for r in read.rejects] == [
        "sanctionEntity without logicalId or with unknown subjectType 'unknown-kind'"
    ]
    person = read.entities["eu_fsf-13"]
    assert person.schema.name == "Person"
    assert person.get("name") == ["Saddam Hussein Al-Tikriti"]
    assert person.get("weakAlias") == ["Abu Ali"]
    assert person.get("alias") == ["Саддам Хусейн"]
    assert ("Саддам Хусейн", "rus") in person.values["alias"]
    assert person.get("passportNumber") == ["A0012345"]
    assert person.get("programId") == ["EU.27.28"]
    company = read.entities["eu_fsf-5962"]
    assert company.schema.name == "Organization"
    assert company.get("country") == ["ru"]
