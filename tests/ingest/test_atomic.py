"""A load killed part-way (SIGKILL, no clean-up possible) leaves the workspace exactly as it was."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from chainbreaker.core.workspace import Workspace
from chainbreaker.ingest import load_folder

from .helpers import ACCOUNTS_HEADER, PARTIES_HEADER, TXN_HEADER, csv_text, query, write_bank

KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from chainbreaker.ingest import load_folder

    def hook(table, fraction, what):
        # transactions staged, checked and inserted: only the commit is missing
        if table == "transactions" and what == "recording rejects":
            os.kill(os.getpid(), signal.SIGKILL)

    load_folder(sys.argv[1], sys.argv[2], progress=hook)
    raise SystemExit("the load finished; the test expected it to be killed")
    """
)


def _snapshot(ws: Workspace) -> dict[str, object]:
    return {
        t: query(ws, f"SELECT * FROM {t} ORDER BY ALL")
        for t in ("parties", "accounts", "transactions", "load_log", "rejects")
    }


def test_killed_load_leaves_the_workspace_as_it_was(tmp_path: Path, workspace: Workspace) -> None:
    load_folder(write_bank(tmp_path / "bank"), workspace)
    before = _snapshot(workspace)
    rejects_before = sorted(workspace.rejects_dir.glob("*")) if workspace.rejects_dir.exists() else []

    second = tmp_path / "second"
    second.mkdir()
    (second / "parties.csv").write_text(
        csv_text(PARTIES_HEADER, [["P7", "person", "New Person", "", "", "", ""]]), encoding="utf-8"
    )
    (second / "accounts.csv").write_text(
        csv_text(ACCOUNTS_HEADER, [["A7", "P7", "checking", "2024-01-01", ""]]), encoding="utf-8"
    )
    rows = [[f"N{i}", "A7", "2024-03-01T10:00:00", "5.00", "in", "cash", "", ""] for i in range(500)]
    rows.append(["BAD", "A7", "not a time", "5", "in", "cash", "", ""])
    (second / "transactions.csv").write_text(csv_text(TXN_HEADER, rows), encoding="utf-8")

    proc = subprocess.run(
        [sys.executable, "-c", KILLER, str(second), str(workspace.root)],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert _snapshot(workspace) == before
    assert (
        sorted(workspace.rejects_dir.glob("*")) if workspace.rejects_dir.exists() else []
    ) == rejects_before

    # the interrupted files were not recorded as loaded: loading them again now works in full
    report = load_folder(second, workspace)
    assert (report.inserted, report.rejected) == (502, 1)
