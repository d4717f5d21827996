from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest
from nacl.bindings import crypto_core_ed25519_from_uniform, crypto_sign_ed25519_pk_to_curve25519
from typer.testing import CliRunner

from chainbreaker.cli.main import app
from chainbreaker.core.errors import InputError, PermissionDeniedError
from chainbreaker.sharing import blinding, protocol
from chainbreaker.sharing import records as records_module
from chainbreaker.sharing.limits import SharingPolicy
from chainbreaker.sharing.records import bank_items, read_records

from .conftest import POLICY


def _truth(path: Path) -> set[tuple[str, str]]:
    with path.open() as handle:
        return {(r["record_id"], r["party_id"]) for r in csv.DictReader(handle)}


def test_blinding_commutes_and_needs_both_secrets() -> None:
    a, b = blinding.new_secret(), blinding.new_secret()
    point = blinding.hash_to_point("phone:+447911123456")
    ab = blinding.blind_point(b, blinding.blind_point(a, point))
    assert ab == blinding.blind_point(a, blinding.blind_point(b, point))
    assert ab not in {point, blinding.blind_point(a, point), blinding.blind_point(b, point)}
    assert blinding.blind_items(a, ["x:1", "x:2"], workers=2) == blinding.blind_items(
        a, ["x:1", "x:2"], workers=1
    )


def test_batch_hash_to_point_gives_libsodiums_montgomery_values() -> None:
    """The batched (1 + y) / (1 - y) conversion must give the bytes libsodium's checked conversion gives:
    values made before the change, and by the other side, must stay comparable."""
    items = [f"phone:+4479{i:08d}" for i in range(300)] + ["name_dob:ana maria|1990-01-01", "email:é@x.org"]
    expected = [
        bytes(
            crypto_sign_ed25519_pk_to_curve25519(
                crypto_core_ed25519_from_uniform(
                    hashlib.sha512(blinding.DOMAIN + item.encode("utf-8")).digest()[:32]
                )
            )
        )
        for item in items
    ]
    assert blinding.hash_to_points(items) == expected
    assert [blinding.hash_to_point(item) for item in items[:5]] == expected[:5]
    assert blinding.hash_to_points([]) == []
    # one known answer, so a change of map or domain is seen even if libsodium's conversion changed too
    assert blinding.hash_to_point("phone:+447900000000").hex() == (
        "c2e3e4d9a33baadef080885d98f1cb738f1c53185408cf5308496e7464b7da62"
    )
    secret = blinding.new_secret()
    one = blinding.blind_items(secret, items, workers=1)
    assert one == blinding.blind_items(secret, items, workers=2)
    assert one == b"".join(blinding.blind_point(secret, p) for p in expected)


def test_low_order_values_from_a_peer_are_refused() -> None:
    with pytest.raises(InputError, match="low-order"):
        blinding.blind_point(blinding.new_secret(), bytes(32))


def test_simulation_finds_the_true_overlaps(simulated) -> None:  # type: ignore[no-untyped-def]
    world, result, folder = simulated
    found = {(m[0], m[1]) for m in result.matches}
    truth = _truth(world.truth_csv)
    assert len(found & truth) / len(truth) >= 0.95
    assert len(found & truth) / len(found) >= 0.99
    assert result.read == result.accepted + result.rejected
    with (folder / "matches.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["record_id", "party_id", "category", "matched_on"]
    counterparty = [r for r in rows if r["matched_on"].startswith("counterparty_account:")]
    assert counterparty and all(r["category"] == "suspected_controller" for r in counterparty)


def test_rejects_name_the_row_column_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "record_id,category,phone,phone_region,expires,confidence,name\n"
        "a,recruiter,07911 123456,GB,,,\n"
        "b,boss,07911 123456,GB,,,\n"
        "c,recruiter,07911 123456,,,,\n"
        "d,protective,07911 123457,GB,2001-01-01,,\n"
        "e,recruiter,07911 123458,GB,,1.5,\n"
        "f,recruiter,,,,,Only A Name\n"
        "a,recruiter,07911 123459,GB,,,\n",
        encoding="utf-8",
    )
    read = read_records(path)
    assert [r.record_id for r in read.records] == ["a"]
    assert [(r.row, r.column) for r in read.rejects] == [
        (3, "category"),
        (4, "phone"),
        (5, "expires"),
        (6, "confidence"),
        (7, "record_id"),
        (8, "record_id"),
    ]
    assert read.read == len(read.records) + len(read.rejects)
    (tmp_path / "bad.csv").write_text("record_id,category,colour\n", encoding="utf-8")
    with pytest.raises(InputError, match="colour"):
        read_records(tmp_path / "bad.csv")


def test_per_side_cli_gives_the_same_matches_as_simulate(simulated, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    world, result, _ = simulated
    runner = CliRunner()
    sizes = ["--workers", "1"]
    steps = [
        [
            "share",
            "submit",
            "--records",
            str(world.records_csv),
            "--partnership",
            "p1",
            "--purpose",
            "test",
            "--out",
            str(tmp_path / "sub.msg"),
            "--state",
            str(tmp_path / "ngo.json"),
            "--min-submission",
            "20",
            *sizes,
        ],
        [
            "share",
            "request",
            "-w",
            str(world.workspace.root),
            "--submission",
            str(tmp_path / "sub.msg"),
            "--purpose",
            "test",
            "--out",
            str(tmp_path / "req.msg"),
            "--state",
            str(tmp_path / "bank.json"),
            "--min-request",
            "20",
            *sizes,
        ],
        [
            "share",
            "respond",
            "--request",
            str(tmp_path / "req.msg"),
            "--state",
            str(tmp_path / "ngo.json"),
            "--out",
            str(tmp_path / "resp.msg"),
            *sizes,
        ],
        [
            "share",
            "match",
            "--submission",
            str(tmp_path / "sub.msg"),
            "--response",
            str(tmp_path / "resp.msg"),
            "--state",
            str(tmp_path / "bank.json"),
            "--out",
            str(tmp_path / "bank-matches.csv"),
            *sizes,
        ],
    ]
    for step in steps:
        outcome = runner.invoke(app, step)
        assert outcome.exit_code == 0, outcome.output
    with (tmp_path / "bank-matches.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["party_id"], r["category"], r["matched_on"]) for r in rows} == {
        (m[1], m[2], m[3]) for m in result.matches
    }
    ngo = protocol.NgoState.load(tmp_path / "ngo.json")
    assert {protocol.resolve(ngo, r["handle"])[0] for r in rows} == {m[0] for m in result.matches}
    assert (tmp_path / "ngo.json").stat().st_mode & 0o077 == 0


def test_simulate_command(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    outcome = CliRunner().invoke(
        app,
        [
            "share",
            "simulate",
            "--records",
            str(world.records_csv),
            "-w",
            str(world.workspace.root),
            "--out",
            str(tmp_path / "m.csv"),
            "--transcript",
            str(tmp_path / "t"),
            "--min-submission",
            "20",
            "--min-request",
            "20",
            "--workers",
            "1",
        ],
    )
    assert outcome.exit_code == 0, outcome.output
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == [
        "01-ngo-to-hub-submission.msg",
        "02-bank-to-ngo-request.msg",
        "03-ngo-to-bank-response.msg",
    ]


def test_small_lists_and_requests_are_refused(world) -> None:  # type: ignore[no-untyped-def]
    records = read_records(world.records_csv).records
    with pytest.raises(PermissionDeniedError, match="at least"):
        protocol.submit(records[:5], partnership="p", purpose="x", policy=POLICY)
    sub, _ = protocol.submit(records, partnership="p", purpose="x", policy=POLICY, workers=1)
    assert sub.count % POLICY.bucket == 0
    from chainbreaker.sharing.records import BankItem

    few = [BankItem("P1", "phone", f"+4479{i:08d}") for i in range(5)]
    with pytest.raises(PermissionDeniedError, match="at least"):
        protocol.request(few, sub, purpose="x", policy=SharingPolicy(min_request=50))


def test_match_apply_then_cases_build_joins_threats_and_protects_victims(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The hand-off: `share match` output -> `share apply` -> monitoring files -> `cases build`."""
    import shutil

    import pyarrow.parquet as pq

    from chainbreaker.cases.builder import build_cases
    from chainbreaker.core.workspace import Workspace

    ws = Workspace(tmp_path / "bank")
    shutil.copytree(world.workspace.root, ws.root)
    runner = CliRunner()
    common = ["--workers", "1"]
    for step in (
        [
            "share",
            "submit",
            "--records",
            str(world.records_csv),
            "--partnership",
            "ngo-bank",
            "--purpose",
            "t",
            "--out",
            str(tmp_path / "s.msg"),
            "--state",
            str(tmp_path / "n.json"),
            "--min-submission",
            "20",
            *common,
        ],
        [
            "share",
            "request",
            "-w",
            str(ws.root),
            "--submission",
            str(tmp_path / "s.msg"),
            "--purpose",
            "t",
            "--out",
            str(tmp_path / "q.msg"),
            "--state",
            str(tmp_path / "b.json"),
            "--min-request",
            "20",
            *common,
        ],
        [
            "share",
            "respond",
            "--request",
            str(tmp_path / "q.msg"),
            "--state",
            str(tmp_path / "n.json"),
            "--out",
            str(tmp_path / "a.msg"),
            *common,
        ],
        [
            "share",
            "match",
            "--submission",
            str(tmp_path / "s.msg"),
            "--response",
            str(tmp_path / "a.msg"),
            "--state",
            str(tmp_path / "b.json"),
            "--out",
            str(tmp_path / "bm.csv"),
            *common,
        ],
        ["share", "apply", "--matches", str(tmp_path / "bm.csv"), "-w", str(ws.root)],
    ):
        outcome = runner.invoke(app, step)
        assert outcome.exit_code == 0, outcome.output
    with (tmp_path / "bm.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    threats = {
        r["party_id"]
        for r in rows
        if r["category"] in ("suspected_controller", "recruiter", "front_business")
    }
    victims = {r["party_id"] for r in rows if r["category"] in ("likely_victim", "protective")}
    risk = {
        r["party_id"]: r for r in pq.read_table(ws.root / "monitoring" / "party_risk.parquet").to_pylist()
    }
    for party in victims:
        assert risk[party]["role"] == "likely_victim" and risk[party]["risk_score"] == 0.0
    raised = threats - victims
    assert raised and all(
        risk[p]["risk_score"] > 0 and "Partner ngo-bank" in risk[p]["explanation"] for p in raised
    )
    report = build_cases(ws)
    assert report.cases_created >= 1
    from chainbreaker.storage import make_engine, session_factory
    from chainbreaker.storage.models import CaseParty

    with session_factory(make_engine(ws.cases_url()))() as session:
        in_cases = {p.party_id for p in session.query(CaseParty)}
    assert raised <= in_cases


def test_bank_sends_only_the_kinds_the_submission_announces(world) -> None:  # type: ignore[no-untyped-def]
    """Data minimisation: the bank's addresses are not blinded and sent when the NGO's list has none."""
    records = read_records(world.records_csv).records
    submission, _ = protocol.submit(records, partnership="p", purpose="test", policy=POLICY, workers=1)
    kinds = {kind for r in records for kind, _ in r.identifiers}
    assert submission.header["kinds"] == sorted(kinds) and "address" not in kinds
    items = bank_items(world.workspace, workers=1).items
    assert any(i.kind == "address" for i in items)
    _, state = protocol.request(items, submission, purpose="test", policy=POLICY, workers=1)
    sent = {i.kind for group in state.positions.values() for i in group}
    assert sent == kinds & {i.kind for i in items}


def test_bank_items_are_the_same_in_worker_processes(world, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    alone = bank_items(world.workspace, workers=1)
    monkeypatch.setattr(records_module, "_CHUNK_ROWS", 97)
    spread = bank_items(world.workspace, workers=2)
    assert sorted(alone.items) == sorted(spread.items) and alone.skipped == spread.skipped
    assert len(alone.items) > 1000
