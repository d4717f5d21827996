"""Exports: FtM JSON lines that nomenklatura (yente's library) reads, and Parquet tables for Spark."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
from nomenklatura.db import make_session
from nomenklatura.resolver import Resolver
from nomenklatura.store import load_entity_file_store

from chainbreaker.registry.store import RegistryStore


def test_ftm_export_is_read_by_nomenklatura(tmp_path: Path, store: RegistryStore) -> None:
    path = tmp_path / "un.ftm.json"
    assert store.export_ftm(path, dataset="un_sc_sanctions") == 1003
    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert {"id", "schema", "properties", "datasets", "first_seen", "last_seen", "last_change"} <= set(first)
    assert first["datasets"] == ["un_sc_sanctions"]
    resolver = Resolver(make_session("sqlite://"), create=True)
    view = load_entity_file_store(path, resolver).default_view()
    person = view.get_entity("un_sc_sanctions-6908051")
    assert person is not None
    assert person.get("birthDate") == ["1957"]
    assert "Abed Mahmoud Hammud" in person.get("alias")
    assert len(list(view.entities())) == 1003


def test_parquet_export_has_every_table(tmp_path: Path, store: RegistryStore) -> None:
    written = store.export_parquet(tmp_path / "pq")
    entities = pq.read_table(tmp_path / "pq" / "registry_entities.parquet")
    assert entities.num_rows == written["registry_entities"]
    assert store.count(active_only=False) == written["registry_entities"] > store.count()
    assert {"entity_id", "names", "identifiers", "countries", "active"} <= set(entities.column_names)
    facts = pq.read_table(tmp_path / "pq" / "registry_facts_goods.parquet")
    assert facts.num_rows == written["registry_facts_goods"] > 0
