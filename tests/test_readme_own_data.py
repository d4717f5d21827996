"""The README's "Using it on your own data" commands, run in the order written, on a synthetic bank.

The commands are read from README.md itself, so the README cannot drift from what works. The bank's labelled
subjects carry Cyrillic names, the list holds one of them, and every hand-off is the real output of the
command before: screening hits reach the cases, the organisation named in the README sees its cases, another
organisation sees an empty state that says why, and `reporting init` + `report` give a goAML file that is
schema-valid (where the FIU's XSD is at hand) with the subject's name transliterated.
"""

from __future__ import annotations

import csv
import re
import shlex
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from chainbreaker.cli.main import app
from chainbreaker.core.settings import Settings
from chainbreaker.core.workspace import Workspace
from chainbreaker.registry.demo import write_demo_sources
from chainbreaker.reports.demo import DEMO_INSTITUTION
from chainbreaker.reports.setup import INSTITUTION_FIELDS, KYC_COLUMNS
from chainbreaker.service.app import create_app
from chainbreaker.synth import generate_bank
from chainbreaker.synth.config import SynthConfig

README = Path(__file__).resolve().parents[1] / "README.md"
CYRILLIC = ["Иван Петров", "Ольга Смирнова", "Дмитрий Волков", "Сергей Кузнецов", "Анна Попова"]
SECRET = "readme-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
PASSWORD = "correct horse battery staple"


def readme_commands() -> list[list[str]]:
    """The chainbreaker commands of the README's own-data block, in order, as argument lists."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Using it on your own data") :]
    block = section[section.index("```sh") + 5 : section.index("```", section.index("```sh") + 5)]
    commands = []
    for line in block.splitlines():
        if line.startswith(".venv/bin/chainbreaker "):
            commands.append(shlex.split(line, comments=True)[1:])
    return commands


def _bank(folder: Path) -> tuple[str, str]:
    """A synthetic bank export whose labelled subjects (persons) have Cyrillic names; returns one of them
    and its date of birth."""
    generate_bank(folder, SynthConfig(transactions=40_000, seed=5, format="csv"))
    with (folder / "labels.csv").open(encoding="utf-8") as handle:
        subjects = [r["party_id"] for r in csv.DictReader(handle) if r["role"] in {"controller", "recruiter"}]
    with (folder / "parties.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    renamed: dict[str, str] = {}
    for row in rows:
        if row["party_id"] in subjects and row["party_type"] == "person":
            suffix = "" if len(renamed) < len(CYRILLIC) else f" {len(renamed)}"
            row["name"] = CYRILLIC[len(renamed) % len(CYRILLIC)] + suffix
            renamed[row["party_id"]] = row["name"]
    assert renamed, "the synthetic bank has no person subjects to rename"
    with (folder / "parties.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    first = next(iter(renamed))
    return renamed[first], next(r["date_of_birth"] for r in rows if r["party_id"] == first)


def _list_with_identity(sdn: Path, name: str, dob: str) -> None:
    """Give the planted list entry the person's own date of birth, as a real listing of that person would
    carry (a namesake with another birth date is rightly not a hit)."""
    surname = name.split()[-1].upper()
    day = date.fromisoformat(dob).strftime("%d %b %Y")
    lines = (sdn / "sdn.csv").read_text(encoding="utf-8").splitlines()
    fixed = [re.sub(r'"DOB [^;]*;', f'"DOB {day};', line) if surname in line else line for line in lines]
    assert fixed != lines, "the planted person is on the demo OFAC list"
    (sdn / "sdn.csv").write_text("\n".join(fixed) + "\n", encoding="utf-8")


def _fill_reporting(ws: Path) -> None:
    """What the bank does between `reporting init` and `report`: fill the templates from its records."""
    institution = yaml.safe_load((ws / "reporting" / "institution.yaml").read_text(encoding="utf-8"))
    assert set(INSTITUTION_FIELDS) | {"mlro"} == set(institution)
    (ws / "reporting" / "institution.yaml").write_text(yaml.safe_dump(DEMO_INSTITUTION), encoding="utf-8")
    with (ws / "reporting" / "kyc.csv").open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == list(KYC_COLUMNS)
        rows = list(reader)
    assert rows and all(set(r.values()) - {r["party_id"]} <= {""} for r in rows)  # blank, one per party
    for row in rows:
        row.update(
            gender="F",
            id_type="passport",
            id_number="X1234567",
            id_issue_date="2019-01-01",
            id_expiry_date="2029-01-01",
            id_issue_country="US",
            tax_registered="N",
            legal_form="-",
            incorporation_date="2015-01-01",
            incorporation_state="NY",
        )
    with (ws / "reporting" / "kyc.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(KYC_COLUMNS))
        writer.writeheader()
        writer.writerows(rows)


def _login(client: TestClient, username: str) -> None:
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token.group(1), "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def test_readme_own_data_sequence_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, optional_shared_dir: Path | None
) -> None:
    # The FIU's XSD, where the reference folder is at hand; without it `report` must refuse plainly.
    xsd = (optional_shared_dir or tmp_path / "no-shared") / "spec" / "goaml" / "goAMLSchema-5.0.2-ae.xsd"
    monkeypatch.delenv("CHAINBREAKER_SHARED_DIR", raising=False)
    monkeypatch.delenv("CHAINBREAKER_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    listed, birth = _bank(tmp_path / "bank-export")
    sources = write_demo_sources(tmp_path / "lists", seed=5, extra_names=[listed])
    shutil.copytree(sources["us_ofac_sdn"], tmp_path / "sdn")
    _list_with_identity(tmp_path / "sdn", listed, birth)
    (tmp_path / "fiu-xsd").mkdir()
    if xsd.is_file():
        shutil.copy(xsd, tmp_path / "fiu-xsd")

    runner = CliRunner()
    commands = readme_commands()
    assert [c[0] for c in commands] == [
        "load", "monitor", "registry", "screen", "cases", "cases", "reporting", "report", "users", "serve",
    ]  # fmt: skip
    outputs: dict[str, str] = {}
    for args in commands:
        name = " ".join(args[:2]) if args[0] in ("cases", "registry", "reporting", "users") else args[0]
        if name == "serve":
            break  # started below as the app itself, with alice logging in
        if name == "report":
            _fill_reporting(tmp_path / "ws")
        if name == "users add":
            monkeypatch.setenv("CHAINBREAKER_SECRET_KEY", SECRET)
        stdin = f"{PASSWORD}\n{PASSWORD}\n" if name == "users add" else None
        result = runner.invoke(app, args, input=stdin, env={"COLUMNS": "200"})
        outputs[name] = result.output
        if name == "report" and not xsd.is_file():
            assert result.exit_code != 0
            assert "not validated: no XSD for profile uae (pass --schema-dir)" in result.output
            assert not (tmp_path / "c1.xml").exists()
            continue
        assert result.exit_code == 0, f"{name}: {result.output}"

    # Screening results stay in the workspace; --out was a copy.
    assert (tmp_path / "hits.csv").is_file() and (tmp_path / "ws" / "screening" / "hits.parquet").is_file()
    joined = re.search(r"screening hits joined to cases: (\d+) of (\d+)", outputs["cases build"])
    assert joined and int(joined.group(1)) >= 1, outputs["cases build"]
    assert "organisation bank-a" in outputs["cases build"]
    assert "C-000001" in outputs["cases list"]

    if xsd.is_file():
        goaml = (tmp_path / "c1.xml").read_text(encoding="utf-8")
        assert "valid against goAMLSchema-5.0.2-ae.xsd" in outputs["report"]
        # A subject with a Cyrillic name, filed in Latin letters (rigour), not emptied.
        latin = {"Иван Петров": "Petrov", "Ольга Смирнова": "Smirnova", "Дмитрий Волков": "Volkov"}
        assert any(f"<last_name>{v}</last_name>" in goaml for v in latin.values()), goaml[:2000]

    # alice (bank-a, as the README names it) sees the cases; bob of another organisation an empty state.
    runner.invoke(
        app,
        ["users", "add", "bob", "--org", "bank-b", "--workspace", "./ws"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    service = create_app(Settings(secret_key=SECRET), Workspace(tmp_path / "ws"))
    alice = TestClient(service, base_url="https://testserver")
    _login(alice, "alice")
    page = alice.get("/cases")
    assert page.status_code == 200 and "C-000001" in page.text
    bob = TestClient(service, base_url="https://testserver")
    _login(bob, "bob")
    empty = bob.get("/cases").text
    assert "C-000001" not in empty
    assert "No cases for your organisation (bank-b) yet" in empty and "cases build --org bank-b" in empty
