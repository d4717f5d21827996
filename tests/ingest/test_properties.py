"""Property: for any mix of good rows, bad values, duplicates, malformed lines and blank lines,
read = accepted + rejected, and the workspace holds exactly the accepted rows."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainbreaker.core.workspace import Workspace
from chainbreaker.ingest import load_folder

from .helpers import TXN_HEADER, query, write_bank

HEADER = [*TXN_HEADER, "description"]
GOOD = ["A1", "2024-01-01T10:00:00", "12.50", "in", "card", "5812", "US", "memo"]
MUTATIONS = {
    "good": lambda r: r,
    "bad_time": lambda r: [r[0], "2024-13-01T10:00:00", *r[2:]],
    "bad_amount": lambda r: [*r[:2], "-1", *r[3:]],
    "bad_enum": lambda r: [*r[:3], "sideways", *r[4:]],
    "bad_account": lambda r: ["A404", *r[1:]],
    "bad_country": lambda r: [*r[:6], "XX", r[7]],
    "missing_required": lambda r: [r[0], "", *r[2:]],
    "quoted_break": lambda r: [*r[:7], '"first line\nsecond ""quoted"" line"'],
}
KINDS = [*MUTATIONS, "duplicate", "short_line", "long_line", "blank_line"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kinds=st.lists(st.sampled_from(KINDS), max_size=30))
def test_read_equals_accepted_plus_rejected(kinds: list[str]) -> None:
    lines = [",".join(HEADER)]
    expected_read = expected_accepted = 0
    seen_ids: list[str] = []
    for i, kind in enumerate(kinds):
        if kind == "blank_line":
            lines.append("")
            continue
        expected_read += 1
        if kind == "short_line":
            lines.append(f"S{i},A1")
        elif kind == "long_line":
            lines.append(",".join([f"L{i}", *GOOD, "extra"]))
        elif kind == "duplicate" and seen_ids:
            lines.append(",".join([seen_ids[0], *GOOD]))
        else:
            row = [f"R{i}", *MUTATIONS.get(kind, MUTATIONS["good"])(GOOD)]
            lines.append(",".join(row))
            if kind in ("good", "duplicate", "quoted_break"):
                expected_accepted += 1
                seen_ids.append(row[0])
    with tempfile.TemporaryDirectory() as tmp:
        bank = write_bank(Path(tmp) / "bank")
        (bank / "transactions.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        ws = Workspace(Path(tmp) / "ws")

        report = load_folder(bank, ws)

        txn = next(f for f in report.files if f.table == "transactions")
        assert txn.read == txn.accepted + txn.rejected
        assert txn.read == expected_read
        assert txn.accepted == expected_accepted
        assert query(ws, "SELECT count(*) FROM transactions") == [(txn.inserted,)]
        assert query(ws, "SELECT count(*) FROM rejects WHERE table_name = 'transactions'") == [
            (txn.rejected,)
        ]
