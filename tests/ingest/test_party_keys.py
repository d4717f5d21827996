"""The loader stores each party's identifier keys and name parts (`core.party_keys`) beside the parties, with
the rules and a fingerprint of the parties table; what it stores equals what computing them gives."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from chainbreaker.core.party_keys import (
    RULES,
    fingerprint_sql,
    key_rows_sql,
    key_table,
    name_rows_sql,
    name_table,
)
from chainbreaker.core.workspace import Workspace
from chainbreaker.ingest import load_folder
from chainbreaker.synth import SynthConfig, generate_bank


def _rows(table: object) -> list[tuple[object, ...]]:
    rows = table.to_pylist()  # type: ignore[attr-defined]
    return sorted(tuple(r.values()) for r in rows)


def test_load_stores_the_keys_computing_them_gives(tmp_path: Path) -> None:
    generate_bank(tmp_path / "bank", SynthConfig(transactions=20_000, seed=7, format="parquet"))
    ws = Workspace(tmp_path / "ws")
    load_folder(tmp_path / "bank", ws)
    con = ws.connect(read_only=True)
    try:
        columns = {str(r[0]) for r in con.execute("DESCRIBE parties").fetchall()}
        computed_keys = key_table(con.execute(key_rows_sql(columns)).to_arrow_table().to_pylist())
        computed_names = name_table(con.execute(name_rows_sql(columns)).to_arrow_table().to_pylist())
        stored_keys = con.execute("SELECT * FROM party_keys").to_arrow_table()
        stored_names = con.execute("SELECT * FROM party_names").to_arrow_table()
        meta = con.execute("SELECT rules, n, h FROM party_keys_meta").fetchall()
        now = con.execute(fingerprint_sql(columns)).fetchone()
        parties = con.execute("SELECT count(*) FROM parties").fetchone()
    finally:
        con.close()
    assert parties is not None and parties[0] > 50
    assert stored_keys.num_rows == parties[0] and stored_names.num_rows == parties[0]
    assert _rows(stored_keys) == _rows(computed_keys)
    assert _rows(stored_names) == _rows(computed_names)
    assert sum(1 for r in stored_keys.to_pylist() if r["phone_key"]) > parties[0] // 2  # not empty keys
    assert now is not None and meta == [(RULES, now[0], now[1])]


def test_a_load_that_adds_parties_refreshes_the_keys_and_one_without_keeps_them(tmp_path: Path) -> None:
    generate_bank(tmp_path / "bank", SynthConfig(transactions=20_000, seed=8, format="parquet"))
    parties = pq.read_table(tmp_path / "bank" / "parties.parquet")
    half = parties.num_rows // 2
    for name, part in (("first", parties.slice(0, half)), ("second", parties.slice(half))):
        (tmp_path / name).mkdir()
        pq.write_table(part, tmp_path / name / "parties.parquet")
    ws = Workspace(tmp_path / "ws")
    seen = []
    for name in ("first", "second"):
        load_folder(tmp_path / name, ws)
        con = ws.connect(read_only=True)
        try:
            columns = {str(r[0]) for r in con.execute("DESCRIBE parties").fetchall()}
            now = con.execute(fingerprint_sql(columns)).fetchone()
            meta = con.execute("SELECT n, h FROM party_keys_meta").fetchone()
            stored = con.execute("SELECT count(*) FROM party_keys").fetchone()
        finally:
            con.close()
        assert now is not None and meta == now and stored == (now[0],)
        seen.append(now)
    assert seen[0][0] == half and seen[1][0] == parties.num_rows and seen[0][1] != seen[1][1]
    # a load without parties (their accounts) leaves the stored keys as they are, and they still hold
    (tmp_path / "accounts").mkdir()
    pq.write_table(
        pq.read_table(tmp_path / "bank" / "accounts.parquet"), tmp_path / "accounts" / "accounts.parquet"
    )
    load_folder(tmp_path / "accounts", ws)
    con = ws.connect(read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM accounts").fetchone() != (0,)
        assert con.execute("SELECT n, h FROM party_keys_meta").fetchone() == seen[1]
    finally:
        con.close()
