"""`chainbreaker registry …` commands end to end on small files."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from chainbreaker.cli.main import app

from ._helpers import FIXTURES

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "250"})
    return result.exit_code, result.output


def test_load_list_show_search_diff_export(tmp_path: Path, data_dir: Path) -> None:
    ws = str(tmp_path / "ws")
    folder = data_dir / "br_lista_suja"
    code, out = run(
        "registry", "load", "br_lista_suja", str(folder / "cadastro_de_empregadores_2023-03-09.txt"), "-w", ws
    )
    assert code == 0, out
    assert "175 rows read, 173 entities" in out
    code, out = run(
        "registry", "load", "br_lista_suja", str(folder / "cadastro_de_empregadores_2023-03-09.txt"), "-w", ws
    )
    assert code == 0 and "already loaded; nothing changed" in out
    code, out = run(
        "registry", "load", "br_lista_suja", str(folder / "cadastro_de_empregadores_2026-01-28.csv"), "-w", ws
    )
    assert code == 0 and "664 entities" in out
    code, out = run("registry", "list", "-w", ws)
    assert code == 0 and "br_lista_suja" in out
    code, out = run("registry", "search", "41297068000161", "-w", ws)
    assert (code == 0 and "br_lista_suja-4129706800…" in out) or "GILBERTO" in out
    code, out = run("registry", "show", "br_lista_suja-41297068000161", "-w", ws)
    assert code == 0 and "41.297.068 GILBERTO" in out
    code, out = run(
        "registry", "diff", "br_lista_suja", "--from", "2023-03-09", "--to", "2026-01-28", "-w", ws, "--json"
    )
    assert code == 0
    changes = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert {c["change"] for c in changes} == {"added", "removed", "changed"}
    target = tmp_path / "out.ftm.json"
    code, out = run("registry", "export", "--format", "ftm", "--out", str(target), "-w", ws)
    assert code == 0 and len(target.read_text(encoding="utf-8").splitlines()) == 664
    code, out = run("registry", "export", "--format", "parquet", "--out", str(tmp_path / "pq"), "-w", ws)
    assert code == 0 and (tmp_path / "pq" / "registry_entities.parquet").exists()


def test_errors_are_one_clear_line(tmp_path: Path) -> None:
    ws = str(tmp_path / "ws")
    code, out = run("registry", "load", "un_sc_sanctions", str(FIXTURES / "custom_list.csv"), "-w", ws)
    assert code == 1 and "expected a .xml file" in out
    code, out = run("registry", "load", "no_such_source", str(FIXTURES / "custom_list.csv"), "-w", ws)
    assert code == 1 and "unknown source" in out
    code, out = run(
        "registry",
        "load",
        "custom",
        str(FIXTURES / "custom_list.csv"),
        "-w",
        ws,
        "--edition-date",
        "2024-01-01",
    )
    assert code == 0 and "4 rejected" in out and "duplicate id EX-2" in out
    code, out = run("registry", "show", "custom-nope", "-w", ws)
    assert code == 1 and "no listed entity" in out
