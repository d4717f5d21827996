"""FtM JSON lines (OpenSanctions' format): round trip of our own export, and bad lines."""

from __future__ import annotations

import json
from pathlib import Path

from chainbreaker.registry.adapters import ftm
from chainbreaker.registry.store import RegistryStore


def test_export_reads_back(tmp_path: Path, store: RegistryStore) -> None:
    path = tmp_path / "un.ftm.json"
    count = store.export_ftm(path, dataset="un_sc_sanctions")
    assert count == 1003
    read = ftm.read(path, "ftm")
    assert len(read.entities) == 1003
    entity = read.entities["ftm-un_sc_sanctions-6908051"]
    assert entity.source_id == "un_sc_sanctions-6908051"
    assert "Abed Mahmoud Hammud" in entity.get("alias")


def test_bad_lines_are_rejected_and_non_parties_skipped(tmp_path: Path) -> None:
    path = tmp_path / "mixed.json"
    lines = [
        {"id": "p1", "schema": "Person", "properties": {"name": ["Jane Doe"], "birthDate": ["1970"]}},
        {"id": "s1", "schema": "Sanction", "properties": {"entity": ["p1"]}},
        {"id": "x1", "schema": "Martian", "properties": {"name": ["Zorg"]}},
        {"schema": "Person", "properties": {"name": ["No Id"]}},
    ]
    text = "\n".join(json.dumps(x) for x in lines) + '\n{"id": "cut", "schema": "Pers'
    path.write_text(text, encoding="utf-8")
    read = ftm.read(path, "ftm")
    assert list(read.entities) == ["ftm-p1"]
    assert [r.reason for r in read.skipped] == ["schema Sanction is not a party screening can match"]
    reasons = [r.reason for r in read.rejects]
    assert reasons[0] == "unknown FtM schema 'Martian'"
    assert reasons[1] == "object without id or schema"
    assert reasons[2].startswith("not a JSON object")
