"""Finding 2 (high): a truncated list file loaded as a new edition and delisted entities (UK ConList cut in
half: "0 added, 1046 removed"; Lista Suja CSV half: 172 removed, TXT: 76 of 173; a well-formed UN file with
2 entities dated later: 1,003 removed). Damaged editions are now refused; nothing changes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from chainbreaker.cases.store import store_session
from chainbreaker.cases.system_events import audit_recorder
from chainbreaker.core.errors import ConflictError, InputError
from chainbreaker.core.workspace import Workspace
from chainbreaker.registry import RegistryStore, load_source
from chainbreaker.registry.turnover import EditionLooksDamagedError, allowed_removals
from chainbreaker.storage.models import AuditEntry


def _half(src: Path, dst: Path, at_line_end: bool = False) -> Path:
    data = src.read_bytes()
    cut = len(data) // 2
    if at_line_end:
        cut = data.rindex(b"\n", 0, cut) + 1
    dst.write_bytes(data[:cut])
    return dst


def _count(workspace: Workspace, dataset: str) -> int:
    with RegistryStore(workspace) as store:
        return store.count(dataset)


def test_uk_conlist_cut_in_half_is_refused(shared_dir: Path, workspace: Workspace, tmp_path: Path) -> None:
    full = next((shared_dir / "data" / "uk_hmt_sanctions").glob("*.csv"))
    load_source(workspace, "gb_hmt_sanctions", full)
    before = _count(workspace, "gb_hmt_sanctions")
    with pytest.raises(InputError, match="cut off"):
        load_source(workspace, "gb_hmt_sanctions", _half(full, tmp_path / "ConList.csv"))
    with pytest.raises(EditionLooksDamagedError, match="looks truncated or damaged"):
        load_source(workspace, "gb_hmt_sanctions", _half(full, tmp_path / "ConList2.csv", at_line_end=True))
    assert _count(workspace, "gb_hmt_sanctions") == before  # nothing delisted


@pytest.mark.parametrize(
    "name", ["cadastro_de_empregadores_2026-01-28.csv", "cadastro_de_empregadores_2023-03-09.txt"]
)
def test_lista_suja_cut_in_half_is_refused(
    shared_dir: Path, workspace: Workspace, tmp_path: Path, name: str
) -> None:
    full = shared_dir / "data" / "br_lista_suja" / name
    load_source(workspace, "br_lista_suja", full)
    before = _count(workspace, "br_lista_suja")
    for at_line_end in (False, True):
        cut = _half(full, tmp_path / f"{at_line_end}-{name}", at_line_end)
        with pytest.raises((InputError, EditionLooksDamagedError)):
            load_source(workspace, "br_lista_suja", cut)
    assert _count(workspace, "br_lista_suja") == before


def test_lista_suja_real_turnover_loads_and_older_edition_is_refused(
    shared_dir: Path, workspace: Workspace
) -> None:
    folder = shared_dir / "data" / "br_lista_suja"
    old, new = (
        folder / "cadastro_de_empregadores_2023-03-09.txt",
        folder / "cadastro_de_empregadores_2026-01-28.csv",
    )
    first = load_source(workspace, "br_lista_suja", old)
    second = load_source(workspace, "br_lista_suja", new)
    assert first.entities == 173 and second.removed == 168  # the publisher's real turnover passes
    assert load_source(workspace, "br_lista_suja", new).unchanged  # the same file again: a no-op
    assert load_source(workspace, "br_lista_suja", old).unchanged  # an edition loaded before: a no-op too
    fresh = Workspace(workspace.root.parent / "fresh")
    load_source(fresh, "br_lista_suja", new)
    with pytest.raises(ConflictError, match="older than the loaded edition"):
        load_source(fresh, "br_lista_suja", old)
    assert _count(fresh, "br_lista_suja") == second.entities


def test_well_formed_un_file_with_two_entities_is_refused_then_allowed_with_a_reason(
    shared_dir: Path, workspace: Workspace, tmp_path: Path
) -> None:
    full = next((shared_dir / "data" / "un_sanctions").glob("*.xml"))
    load_source(workspace, "un_sc_sanctions", full)
    before = _count(workspace, "un_sc_sanctions")
    text = full.read_text(encoding="utf-8")
    individuals = re.findall(r"<INDIVIDUAL>.*?</INDIVIDUAL>", text, flags=re.S)[:2]
    small = re.sub(
        r"<INDIVIDUALS>.*</ENTITIES>",
        "<INDIVIDUALS>" + "".join(individuals) + "</INDIVIDUALS><ENTITIES></ENTITIES>",
        text,
        flags=re.S,
    )
    small = re.sub(r'dateGenerated="[^"]+"', 'dateGenerated="2026-03-09T00:00:00.000Z"', small)
    forged = tmp_path / "consolidated.xml"
    forged.write_text(small, encoding="utf-8")
    with pytest.raises(EditionLooksDamagedError, match=r"would remove \d+ of \d+"):
        load_source(workspace, "un_sc_sanctions", forged, on_event=audit_recorder(workspace, "mallory"))
    assert _count(workspace, "un_sc_sanctions") == before
    report = load_source(
        workspace,
        "un_sc_sanctions",
        forged,
        allow_shrink="test of the override",
        on_event=audit_recorder(workspace, "olga"),
    )
    assert report.removed > 1000 and report.shrink_allowed == "test of the override"
    with store_session(workspace) as session:
        rows = session.execute(select(AuditEntry.actor, AuditEntry.action)).all()
    assert ("mallory", "registry.edition_refused") in rows and ("olga", "registry.shrink_allowed") in rows


def test_allowance_grows_with_time_and_by_source() -> None:
    from datetime import date

    day = date(2026, 1, 1)
    month, year = date(2026, 2, 1), date(2027, 1, 1)
    assert allowed_removals("un_sc_sanctions", 1000, day, month) < 50
    assert allowed_removals("un_sc_sanctions", 1000, day, year) < 250
    assert allowed_removals("br_lista_suja", 173, date(2023, 3, 9), date(2026, 1, 28)) >= 168
    assert allowed_removals("br_lista_suja", 173, day, day) < 76  # the TXT-half attack removed 76


def test_copy_of_shared_is_not_needed_at_run_time(shared_dir: Path, tmp_path: Path) -> None:
    """The turnover table ships with the package (data, not a path into ../shared)."""
    from chainbreaker.registry import turnover

    assert turnover.TURNOVER_FILE.is_file() and str(shared_dir) not in turnover.TURNOVER_FILE.read_text()
    shutil.copy(turnover.TURNOVER_FILE, tmp_path / "t.yaml")


def test_cli_refuses_then_loads_with_allow_shrink(
    shared_dir: Path, workspace: Workspace, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from chainbreaker.cli.main import app

    full = shared_dir / "data" / "br_lista_suja" / "cadastro_de_empregadores_2026-01-28.csv"
    runner = CliRunner()
    ws = str(workspace.root)
    assert runner.invoke(app, ["registry", "load", "br_lista_suja", str(full), "-w", ws]).exit_code == 0
    cut = _half(full, tmp_path / "cadastro.csv", at_line_end=True)
    refused = runner.invoke(app, ["registry", "load", "br_lista_suja", str(cut), "-w", ws])
    assert refused.exit_code == 1 and "--allow-shrink" in refused.output
    allowed = runner.invoke(
        app,
        ["registry", "load", "br_lista_suja", str(cut), "-w", ws, "--allow-shrink", "publisher cut the list"],
    )
    assert allowed.exit_code == 0, allowed.output
    with store_session(workspace) as session:
        actions = session.scalars(select(AuditEntry.action)).all()
    assert "registry.edition_refused" in actions and "registry.shrink_allowed" in actions
