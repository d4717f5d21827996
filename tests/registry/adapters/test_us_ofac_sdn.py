"""OFAC SDN legacy CSV set, read from ../shared/data/ofac_sdn (a 2021 snapshot)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chainbreaker.core.errors import InputError
from chainbreaker.registry.adapters import us_ofac_sdn
from chainbreaker.registry.adapters._ofac import ofac_dates
from chainbreaker.registry.store import RegistryStore

from .._helpers import LoadedRegistry


def test_counts_match_the_published_file(loaded: LoadedRegistry, store: RegistryStore) -> None:
    report = loaded.reports["us_ofac_sdn"]
    assert report.rows_read == 8976
    assert report.entities == 8976
    assert report.rejected == 0
    counts = dict(
        store.connect()
        .execute("SELECT schema, count(*) FROM registry_entities WHERE dataset = 'us_ofac_sdn' GROUP BY 1")
        .fetchall()
    )
    assert counts["Vessel"] == 406
    assert counts["Airplane"] == 277
    assert counts["Person"] == 4620


def test_vessel_keeps_its_imo_number(store: RegistryStore) -> None:
    vessel = store.get("us_ofac_sdn-15036")
    assert vessel["schema"] == "Vessel"
    assert vessel["caption"] == "ARTAVIL"
    assert vessel["properties"]["imoNumber"] == ["IMO9187629"]
    assert "9187629" in vessel["identifiers"]
    assert vessel["properties"]["callSign"] == ["T2EU4"]
    assert vessel["properties"]["mmsi"] == ["572469210"]
    assert "ALPHA" in vessel["properties"]["previousName"]
    assert vessel["source_id"] == "15036"
    assert vessel["properties"]["sourceUrl"][0].endswith("id=15036")
    assert [r["entity_id"] for r in store.search("9187629")] == ["us_ofac_sdn-15036"]


def test_remarks_give_dates_of_birth_and_aliases(store: RegistryStore) -> None:
    person = store.get("us_ofac_sdn-7831")
    assert person["schema"] == "Person"
    assert person["birth_dates"] == ["1971-01-19", "1971-01-21", "1975-01-29"]
    assert "ABU KHAMZA" in person["names"]
    assert person["properties"]["birthPlace"] == ["Roubaix, France"]


def test_forced_labour_designation_is_listed(store: RegistryStore) -> None:
    hits = store.search("xinjiang production and construction", dataset="us_ofac_sdn")
    assert hits, "XPCC is on the SDN list (GLOMAG)"
    assert "cn" in hits[0]["countries"]


def test_comments_file_extends_truncated_remarks(store: RegistryStore) -> None:
    row = store.get("us_ofac_sdn-28264")
    notes = " ".join(row["properties"]["notes"])
    assert "Identification Number 210302198701102136" in notes
    assert "210302198701102136" in row["identifiers"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21 Jan 1971", ["1971-01-21"]),
        ("Feb 1970", ["1970-02"]),
        ("circa 1960", ["1960"]),
        ("1962 to 1963", ["1962", "1963"]),
    ],
)
def test_ofac_date_forms(text: str, expected: list[str]) -> None:
    assert ofac_dates(text) == expected


def test_missing_end_of_file_byte_means_truncated(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "ofac"
    folder.mkdir()
    raw = (data_dir / "ofac_sdn" / "sdn.csv").read_bytes()
    (folder / "sdn.csv").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(InputError, match="truncated"):
        us_ofac_sdn.read(folder, "us_ofac_sdn")


def test_malformed_rows_are_rejected_with_their_line(tmp_path: Path) -> None:
    folder = tmp_path / "ofac"
    folder.mkdir()
    (folder / "sdn.csv").write_text(
        '36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
        '37,"SHORT ROW","individual"\r\n'
        'abc,"NOT A NUMBER",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a',
        encoding="utf-8",
    )
    read = us_ofac_sdn.read(folder, "us_ofac_sdn")
    assert list(read.entities) == ["us_ofac_sdn-36"]
    assert read.rows_read == 3
    reasons = {r.row: r.reason for r in read.rejects}
    assert reasons[2] == "sdn.csv: expected 12 columns, found 3"
    assert reasons[3] == "ent_num is not a number"


def test_xml_given_as_sdn_csv_is_refused(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "ofac"
    folder.mkdir()
    (folder / "sdn.csv").write_bytes(
        (data_dir / "un_sanctions" / "UN_consolidated_2026-02-27.xml").read_bytes()
    )
    with pytest.raises(InputError):
        us_ofac_sdn.read(folder, "us_ofac_sdn")


def test_a_folder_without_sdn_csv_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no sdn\.csv"):
        us_ofac_sdn.read(tmp_path, "us_ofac_sdn")
