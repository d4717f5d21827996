"""Editions, history and atomicity of the store, on small in-house lists written per test."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from chainbreaker.core.errors import ConflictError, InputError, NotFoundError
from chainbreaker.core.workspace import Workspace
from chainbreaker.registry import RegistryStore, load_source
from chainbreaker.registry import store as store_module

HEADER = "id,name,schema,aliases,country,birth_date,id_number,topics,notes\n"


def write(tmp_path: Path, name: str, rows: list[str]) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


ED1 = ["1,Ana Lima,Person,,br,1980,,,", "2,Bruno Castro,Person,,pt,,,,", "3,Delta Agro Ltda,Company,,br,,,,"]
ED2 = [
    "1,Ana Lima,Person,Ana L.,br,1980,,,",
    "3,Delta Agro Ltda,Company,,br,,,,",
    "4,Eva Nunes,Person,,ao,,,,",
]
ED3 = ["1,Ana Lima,Person,,br,1980,,,", "2,Bruno Castro,Person,,pt,,,,", "4,Eva Nunes,Person,,ao,,,,"]


@pytest.fixture
def three_editions(tmp_path: Path, workspace: Workspace) -> Workspace:
    for i, (rows, day) in enumerate(
        ((ED1, date(2024, 1, 1)), (ED2, date(2024, 6, 1)), (ED3, date(2025, 1, 1)))
    ):
        load_source(workspace, "custom", write(tmp_path, f"list{i}.csv", rows), edition_date=day)
    return workspace


def test_same_file_twice_changes_nothing(tmp_path: Path, workspace: Workspace) -> None:
    path = write(tmp_path, "list.csv", ED1)
    first = load_source(workspace, "custom", path, edition_date=date(2024, 1, 1))
    with RegistryStore(workspace) as store:
        before = store.connect().execute("SELECT count(*) FROM registry_statements").fetchone()
    again = load_source(workspace, "custom", path, edition_date=date(2024, 2, 1))
    assert again.unchanged and again.edition == first.edition
    with RegistryStore(workspace) as store:
        assert len(store.editions("custom")) == 1
        assert store.connect().execute("SELECT count(*) FROM registry_statements").fetchone() == before


def test_changes_between_consecutive_editions(three_editions: Workspace) -> None:
    with RegistryStore(three_editions) as store:
        eds = store.editions("custom")
        assert [(e.added, e.removed, e.changed) for e in eds] == [(3, 0, 0), (1, 1, 1), (1, 1, 1)]
        second = store.changes("custom", eds[1].edition)
        assert {(c.change, c.entity_id, c.prop, c.old, c.new) for c in second} == {
            ("added", "custom-4", None, None, None),
            ("removed", "custom-2", None, None, None),
            ("changed", "custom-1", "alias", None, "Ana L."),
        }


def test_as_of_returns_the_lists_as_they_stood(three_editions: Workspace) -> None:
    with RegistryStore(three_editions) as store:

        def ids(day: date) -> list[str]:
            return sorted(str(p.id) for p in store.entities(as_of=day))

        assert ids(date(2023, 12, 31)) == []
        assert ids(date(2024, 3, 1)) == ["custom-1", "custom-2", "custom-3"]
        assert ids(date(2024, 6, 1)) == ["custom-1", "custom-3", "custom-4"]
        assert ids(date(2030, 1, 1)) == ["custom-1", "custom-2", "custom-4"]
        ana_mid = next(p for p in store.entities(as_of=date(2024, 7, 1)) if p.id == "custom-1")
        assert ana_mid.get("alias") == ["Ana L."]
        ana_now = next(p for p in store.entities() if p.id == "custom-1")
        assert ana_now.get("alias") == []


def test_a_relisted_entity_gets_a_new_interval(three_editions: Workspace) -> None:
    with RegistryStore(three_editions) as store:
        rows = (
            store.connect()
            .execute(
                "SELECT first_seq, last_seq, current FROM registry_statements "
                "WHERE entity_id = 'custom-2' AND prop = 'name' ORDER BY first_seq"
            )
            .fetchall()
        )
        assert rows == [(1, 1, False), (3, 3, True)]
        bruno = store.get("custom-2")
        assert bruno["active"] is True
        assert bruno["first_seen"] == datetime(2024, 1, 1)
        assert bruno["last_change"] == datetime(2025, 1, 1)
        delta = store.get("custom-3")
        assert delta["active"] is False
        assert delta["edition"] == store.editions("custom")[1].edition


def test_diff_between_any_two_editions(three_editions: Workspace) -> None:
    with RegistryStore(three_editions) as store:
        changes = store.diff("custom", "2024-01-01", "2025-01-01")
        assert {(c.change, c.entity_id) for c in changes} == {("added", "custom-4"), ("removed", "custom-3")}
        with pytest.raises(NotFoundError):
            store.diff("custom", "1999-01-01", "2025-01-01")


def test_changed_since(three_editions: Workspace) -> None:
    with RegistryStore(three_editions) as store:
        eds = store.editions("custom")
        since_first = store.changed_since(eds[0].edition)
        assert since_first.added == {"custom-4", "custom-2"}
        assert since_first.removed == {"custom-2", "custom-3"}
        assert since_first.changed == {"custom-1"}
        assert store.changed_since(eds[2].loaded_at).all == frozenset()
        assert store.changed_since(datetime(2000, 1, 1)).all == {f"custom-{i}" for i in (1, 2, 3, 4)}


def test_older_edition_after_a_newer_one_is_refused(tmp_path: Path, workspace: Workspace) -> None:
    load_source(workspace, "custom", write(tmp_path, "a.csv", ED2), edition_date=date(2024, 6, 1))
    with pytest.raises(ConflictError, match="oldest first"):
        load_source(workspace, "custom", write(tmp_path, "b.csv", ED1), edition_date=date(2024, 1, 1))


def test_failed_load_leaves_the_previous_edition_intact(
    tmp_path: Path, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_source(workspace, "custom", write(tmp_path, "a.csv", ED1), edition_date=date(2024, 1, 1))

    def snapshot() -> list[object]:
        with RegistryStore(workspace) as store:
            con = store.connect()
            return [
                con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                for t in ("registry_statements", "registry_editions", "registry_changes", "registry_entities")
            ]

    before = snapshot()
    monkeypatch.setattr(
        store_module, "REBUILD_ENTITIES_SQL", "SELECT no_such_column FROM registry_statements"
    )
    with pytest.raises(Exception, match="no_such_column"):
        load_source(workspace, "custom", write(tmp_path, "b.csv", ED2), edition_date=date(2024, 6, 1))
    monkeypatch.undo()
    assert snapshot() == before
    report = load_source(workspace, "custom", write(tmp_path, "b.csv", ED2), edition_date=date(2024, 6, 1))
    assert (report.added, report.removed) == (1, 1)


def test_a_file_with_no_usable_row_loads_nothing(tmp_path: Path, workspace: Workspace) -> None:
    path = write(tmp_path, "bad.csv", ["1,X,Alien,,,,,,", "2,Y,Alien,,,,,,"])
    with pytest.raises(InputError, match="no usable record"):
        load_source(workspace, "custom", path)
    with RegistryStore(workspace) as store:
        assert store.editions() == []


def test_rejects_are_written_with_reasons(tmp_path: Path, workspace: Workspace) -> None:
    path = write(tmp_path, "mixed.csv", [*ED1, "9,Z,Alien,,,,,,"])
    report = load_source(workspace, "custom", path, edition_date=date(2024, 1, 1))
    assert report.reject_reasons == {
        "unknown schema 'Alien' (use one of Person, Company, Organization, LegalEntity, Vessel)": 1
    }
    assert report.rejects_file is not None
    assert "unknown schema" in report.rejects_file.read_text(encoding="utf-8")


def test_dataset_rename_only_for_ftm_and_custom(tmp_path: Path, workspace: Workspace) -> None:
    path = write(tmp_path, "a.csv", ED1)
    report = load_source(workspace, "custom", path, dataset="bank_exits", edition_date=date(2024, 1, 1))
    assert report.dataset == "bank_exits"
    with RegistryStore(workspace) as store:
        assert store.get("bank_exits-1")["dataset"] == "bank_exits"
    with pytest.raises(InputError, match="ftm and custom"):
        load_source(workspace, "us_cbp_wro", path, dataset="x_y")
    with pytest.raises(InputError, match="unknown source"):
        load_source(workspace, "nope", path)


def test_a_reload_is_recognised_before_parsing(
    tmp_path: Path, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "list.csv", ED1)
    first = load_source(workspace, "custom", path, edition_date=date(2024, 1, 1))
    from chainbreaker.registry.adapters import custom

    def explode(*args: object) -> None:
        raise AssertionError("the file was parsed again")

    monkeypatch.setattr(custom, "read", explode)
    again = load_source(workspace, "custom", path)
    assert again.unchanged
    assert (again.edition, again.rows_read, again.entities) == (first.edition, 3, 3)
