"""Leakage (docs/sharing.md T1-T6): nothing crossing holds an identifier; guessing needs the other side online."""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import datetime, timedelta

import pytest

from chainbreaker.core.errors import PermissionDeniedError
from chainbreaker.sharing import blinding, canonical, protocol
from chainbreaker.sharing.limits import RateLimiter, SharingPolicy
from chainbreaker.sharing.records import BankItem, Category, SharedRecord, item, read_records

from .conftest import POLICY


def _needles(world) -> set[bytes]:  # type: ignore[no-untyped-def]
    """Every value an identifier could show up as: raw cells, canonical forms, digits, unkeyed hashes."""
    import csv

    out: set[bytes] = set()
    with world.records_csv.open() as handle:
        for row in csv.DictReader(handle):
            for column in ("name", "phone", "email", "account", "record_id"):
                if len(row.get(column) or "") >= 6:
                    out.add(row[column].strip().encode())
    for record in read_records(world.records_csv).records:
        for kind, value in record.identifiers:
            out.add(value.encode())
            out.add(hashlib.sha256(item(kind, value).encode()).digest())
            out.add(hashlib.sha256(item(kind, value).encode()).hexdigest().encode())
            digits = "".join(ch for ch in value if ch.isdigit())
            if len(digits) >= 8:
                out.add(digits.encode())
    return out


def test_no_transcript_message_holds_an_identifier(simulated) -> None:  # type: ignore[no-untyped-def]
    world, result, _ = simulated
    needles = _needles(world)
    assert len(needles) > 500
    for path in result.transcript:
        data = path.read_bytes()
        assert not [n for n in needles if n in data], path.name
        assert b"R000" not in data  # no record id crosses either


def test_simulation_logs_no_identifier(world, tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    from chainbreaker.sharing.simulate import simulate

    caplog.set_level(logging.DEBUG)
    simulate(world.records_csv, world.workspace, tmp_path / "m.csv", tmp_path / "t", policy=POLICY, workers=1)
    text = caplog.text.encode()
    assert not [n for n in _needles(world) if n in text]


def _records(phones: list[str]) -> list[SharedRecord]:
    return [
        SharedRecord(f"r{i}", Category.PROTECTIVE, 0.9, None, None, (("phone", p),))
        for i, p in enumerate(phones)
    ]


def test_dictionary_attack_over_a_mobile_range_recovers_nothing() -> None:
    """A bank (with the hub's copy of everything) hashes every number of a range: no NGO number is found.

    The same attack against a single shared key (HMAC, as Bloom-filter encodings use) recovers every number:
    that is why the design has one secret per side (T1).
    """
    rng = range(
        20_000
    )  # the mobile range +44 7911 000000 ... 019999 (a slice of the plan; the idea is the same)
    survivors = [f"+4479110{n:05d}" for n in (17, 4242, 9999, 15000, 19999)] + [
        f"+4479110{n:05d}" for n in range(100, 145)
    ]
    customers = [BankItem(f"P{n}", "phone", f"+4479120{n:05d}") for n in range(60)]  # none of the survivors
    policy = SharingPolicy(min_submission=10, min_request=10, bucket=64)
    submission, ngo = protocol.submit(
        _records(survivors), partnership="p", purpose="t", policy=policy, workers=1
    )
    req, bank = protocol.request(customers, submission, purpose="t", policy=policy, workers=1)
    response = protocol.respond(req, ngo, policy=policy, workers=1)
    assert protocol.match(submission, response, bank, workers=1) == []

    guesses = [item("phone", canonical.phone(f"+4479110{n:05d}", None)) for n in rng]
    seen = set(blinding.split_points(submission.payload))
    seen |= set(blinding.split_points(blinding.blind_points(bank.secret, submission.payload, workers=1)))
    seen |= set(blinding.split_points(req.payload)) | set(blinding.split_points(response.payload))
    by_bank = blinding.split_points(blinding.blind_items(bank.secret, guesses, workers=2))
    hashed = [blinding.hash_to_point(g) for g in guesses]
    assert not (seen & set(by_bank)) and not (seen & set(hashed))

    # A shared-key design for contrast: whoever holds the key reads the whole list.
    key = b"k" * 32
    shared = {hmac.new(key, item("phone", p).encode(), "sha256").digest() for p in survivors}
    recovered = [g for g in guesses if hmac.new(key, g.encode(), "sha256").digest() in shared]
    assert len(recovered) == len(survivors)


def test_ngo_and_hub_together_cannot_read_the_banks_request() -> None:
    customers = [BankItem(f"P{n}", "phone", f"+4479120{n:05d}") for n in range(60)]
    policy = SharingPolicy(min_submission=10, min_request=10, bucket=64)
    submission, ngo = protocol.submit(
        _records([f"+4479110{n:05d}" for n in range(20)]),
        partnership="p",
        purpose="t",
        policy=policy,
        workers=1,
    )
    req, _ = protocol.request(customers, submission, purpose="t", policy=policy, workers=1)
    guesses = [item("phone", f"+4479120{n:05d}") for n in range(2000)]
    seen = set(blinding.split_points(req.payload)) | set(
        blinding.split_points(protocol.respond(req, ngo, policy=policy, workers=1).payload)
    )
    by_ngo = set(blinding.split_points(blinding.blind_items(ngo.secret, guesses, workers=1)))
    assert not seen & by_ngo and not seen & {blinding.hash_to_point(g) for g in guesses}


def test_rate_limits_stop_bulk_probing() -> None:
    policy = SharingPolicy(max_requests_per_day=4, max_request_items=1024, min_submission=10, bucket=64)
    limiter = RateLimiter(policy)
    now = datetime(2026, 12, 1, 9)
    for i in range(4):
        limiter.check("p", now + timedelta(minutes=i))
    with pytest.raises(PermissionDeniedError, match="requests"):
        limiter.check("p", now + timedelta(hours=1))
    limiter.check("other", now)  # budgets are per partnership
    limiter.check("p", now + timedelta(days=1, minutes=1))  # the window slides

    submission, ngo = protocol.submit(
        _records([f"+4479110{n:05d}" for n in range(20)]),
        partnership="p",
        purpose="t",
        policy=policy,
        workers=1,
    )
    probe = [BankItem("X", "phone", f"+4479110{n:05d}") for n in range(2000)]  # a bank stuffing guesses
    req, _ = protocol.request(probe, submission, purpose="t", policy=policy, workers=2)
    with pytest.raises(PermissionDeniedError, match="budget"):
        protocol.respond(req, ngo, policy=policy, workers=1)
