"""Brazil's Lista Suja: the 2023 TXT and 2026 XLSX editions in ../shared/data/br_lista_suja, and the diff."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from chainbreaker.core.errors import InputError
from chainbreaker.registry import load_source
from chainbreaker.registry.adapters import br_lista_suja
from chainbreaker.registry.store import RegistryStore

from .._helpers import LoadedRegistry


def test_both_editions_load(loaded: LoadedRegistry) -> None:
    old, new = loaded.reports["lista_2023"], loaded.reports["lista_2026"]
    assert (old.rows_read, old.rejected, old.edition_date) == (175, 0, date(2023, 3, 9))
    assert (new.rows_read, new.rejected, new.edition_date) == (678, 0, date(2026, 1, 28))
    # employers with several establishments are one entity per CPF/CNPJ
    assert (old.entities, new.entities) == (173, 664)


def test_cnpj_employer_with_its_root_cut_from_the_name(store: RegistryStore) -> None:
    row = store.get("br_lista_suja-41297068000161")
    assert row["schema"] == "Company"
    assert row["caption"] == "GILBERTO ELENO BATISTA DOS SANTOS"
    assert row["properties"]["taxNumber"] == ["41.297.068/0001-61"]
    assert row["identifiers"] == ["41297068000161"]
    assert row["countries"] == ["br"]
    assert {"forced.labor", "reg.action"} <= set(row["topics"])
    published = {s["prop"]: s["original_value"] for s in store.statements("br_lista_suja-41297068000161")}
    assert published["name"] == "41.297.068 GILBERTO ELENO BATISTA DOS SANTOS"


def test_cpf_employer_is_a_person(store: RegistryStore) -> None:
    hits = store.search("05051676545")
    assert [h["entity_id"] for h in hits] == ["br_lista_suja-05051676545"]
    assert hits[0]["schema"] == "Person"
    assert hits[0]["caption"] == "ZELIA MARIA LOPES SILVA"


def test_diff_between_2023_and_2026(loaded: LoadedRegistry, store: RegistryStore) -> None:
    changes = store.diff("br_lista_suja", "2023-03-09", "2026-01-28")
    added = {c.entity_id for c in changes if c.change == "added"}
    removed = {c.entity_id for c in changes if c.change == "removed"}
    changed = {c.entity_id for c in changes if c.change == "changed"}
    old_ids = {r[0] for r in _ids(store, "2023-03-09")}
    new_ids = {r[0] for r in _ids(store, "2026-01-28")}
    assert added == new_ids - old_ids
    assert removed == old_ids - new_ids
    assert changed <= old_ids & new_ids
    assert len(added) + len(old_ids & new_ids) == 664
    assert len(removed) + len(old_ids & new_ids) == 173
    assert "br_lista_suja-41297068000161" in added
    # an exit from the list: listed in 2023, gone in 2026, still visible as inactive
    gone = sorted(removed)[0]
    assert store.get(gone)["active"] is False
    report = loaded.reports["lista_2026"]
    assert (report.added, report.removed) == (len(added), len(removed))


def _ids(store: RegistryStore, day: str) -> list[tuple[str]]:
    return [
        (p.id,)
        for p in store.entities(as_of=date.fromisoformat(day), dataset="br_lista_suja")
        if p.id is not None
    ]


def test_csv_and_xlsx_of_one_edition_agree(data_dir: Path) -> None:
    folder = data_dir / "br_lista_suja"
    from_xlsx = br_lista_suja.read(folder / "cadastro_de_empregadores_2026-01-28.xlsx", "br_lista_suja")
    from_csv = br_lista_suja.read(folder / "cadastro_de_empregadores_2026-01-28.csv", "br_lista_suja")
    assert from_xlsx.entities.keys() == from_csv.entities.keys()
    for key, entity in from_xlsx.entities.items():
        assert entity.get("name") == from_csv.entities[key].get("name")


def test_invalid_cpf_and_cnpj_rows_are_rejected(tmp_path: Path, data_dir: Path) -> None:
    source = (data_dir / "br_lista_suja" / "cadastro_de_empregadores_2026-01-28.csv").read_text(
        encoding="utf-8"
    )
    lines = source.splitlines()
    lines[1] = lines[1].replace("41.297.068/0001-61", "41.297.068/0001-62")  # CNPJ check digit broken
    lines[-1] = lines[-1].replace("88.764.576/0001-76", "123.456")  # too short
    cpf_line = next(i for i, line in enumerate(lines) if "050.516.765-45" in line)
    lines[cpf_line] = lines[cpf_line].replace("050.516.765-45", "050.516.765-46")
    path = tmp_path / "cadastro_de_empregadores_2026-01-28.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    read = br_lista_suja.read(path, "br_lista_suja")
    reasons = sorted(r.reason for r in read.rejects)
    assert reasons == [
        "CPF/CNPJ has 6 digits (CPF has 11, CNPJ 14)",
        "invalid CNPJ (check digits do not match)",
        "invalid CPF (check digits do not match)",
    ]
    assert read.rows_read == 678
    assert "br_lista_suja-41297068000162" not in read.entities


def test_windows_1252_text_export_reads_the_same(tmp_path: Path, data_dir: Path) -> None:
    original = data_dir / "br_lista_suja" / "cadastro_de_empregadores_2023-03-09.txt"
    legacy = tmp_path / "cadastro_2023.txt"
    legacy.write_bytes(original.read_text(encoding="utf-8").encode("cp1252"))
    utf8 = br_lista_suja.read(original, "br_lista_suja")
    cp1252 = br_lista_suja.read(legacy, "br_lista_suja")
    assert {k: e.get("address") for k, e in utf8.entities.items()} == {
        k: e.get("address") for k, e in cp1252.entities.items()
    }


def test_missing_document_column_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "lista.csv"
    path.write_text("id,uf,empregador\n1,PA,Fazenda X\n", encoding="utf-8")
    with pytest.raises(InputError, match="document"):
        br_lista_suja.read(path, "br_lista_suja")


def test_truncated_xlsx_is_a_clear_error_and_loads_nothing(tmp_path: Path, data_dir: Path) -> None:
    raw = (data_dir / "br_lista_suja" / "cadastro_de_empregadores_2026-01-28.xlsx").read_bytes()
    path = tmp_path / "cadastro.xlsx"
    path.write_bytes(raw[: len(raw) // 3])
    workspace_root = tmp_path / "ws"
    from chainbreaker.core.workspace import Workspace

    with pytest.raises(InputError, match="XLSX"):
        load_source(Workspace(workspace_root), "br_lista_suja", path)
    with RegistryStore(Workspace(workspace_root)) as store:
        assert store.editions() == []
