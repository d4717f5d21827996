"""The public grievance report withholds small cells so none can be worked out from the totals; a company's
refusal to cooperate reaches portfolio scoring as a signal."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from scipy.optimize import linprog
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from chainbreaker.portfolio.holdings import Holding
from chainbreaker.remedy import grievances
from chainbreaker.remedy.publication import OUTCOME_COLUMNS, public_report, write_public_report
from chainbreaker.remedy.signals import grievance_signals
from chainbreaker.storage.clock import utcnow

BANK = "bank-a"


def _grievance(store: Session, category: str, about: str, outcome: str | None) -> None:
    g = grievances.submit(
        store,
        BANK,
        grievances.GrievanceInput(
            category=category, about_name=about, description="described at length here"
        ),
        channel="web",
    )
    if outcome:
        grievances.take_step(
            store, BANK, g.reference, "close", "closed after review", "sam", "supervisor", outcome=outcome
        )


def _recoverable(published: list[list[int | None]]) -> list[tuple[int, int]]:
    """Hidden cells whose value the published grid fixes exactly (min == max over all non-negative fillings)."""
    hidden = [(i, j) for i, row in enumerate(published) for j, v in enumerate(row) if v is None]
    index = {cell: n for n, cell in enumerate(hidden)}
    rows, cols = len(published), len(published[0])
    eq, rhs = [], []
    for i in range(rows - 1):  # each row: cells add up to the row total
        line = [0.0] * len(hidden)
        total = 0.0
        for j in range(cols):
            sign = -1.0 if j == cols - 1 else 1.0
            v = published[i][j]
            if v is None:
                line[index[(i, j)]] += sign
            else:
                total -= sign * v
        eq.append(line)
        rhs.append(total)
    for j in range(cols):
        line = [0.0] * len(hidden)
        total = 0.0
        for i in range(rows):
            sign = -1.0 if i == rows - 1 else 1.0
            v = published[i][j]
            if v is None:
                line[index[(i, j)]] += sign
            else:
                total -= sign * v
        eq.append(line)
        rhs.append(total)
    fixed = []
    for cell, n in index.items():
        c = [0.0] * len(hidden)
        c[n] = 1.0
        low = linprog(c, A_eq=eq, b_eq=rhs, bounds=(0, None)).fun
        c[n] = -1.0
        top = linprog(c, A_eq=eq, b_eq=rhs, bounds=(0, None))
        high = float("inf") if top.status == 3 else -top.fun  # status 3: unbounded above
        if abs(high - low) < 0.5:
            fixed.append(cell)
    return fixed


def test_public_report_withholds_cells_that_could_point_at_someone(store: Session, tmp_path: Path) -> None:
    for n in range(24):
        _grievance(store, "unpaid_wages", f"Company {n % 8}", "remedied" if n % 3 else None)
    for n in range(12):
        _grievance(store, "recruitment_fees", f"Agency {n % 6}", "partly_remedied")
    _grievance(store, "child_labour", "Farm One", None)  # one grievance: must not be published
    _grievance(store, "housing", "Dorm Co", "not_remedied")
    _grievance(store, "housing", "Dorm Co", "not_remedied")
    report = public_report(store, BANK, utcnow() - timedelta(days=1), utcnow() + timedelta(days=1), k=5)
    published = report.grid.published()
    child = report.rows.index("child_labour")
    housing = report.rows.index("housing")
    assert published[child][OUTCOME_COLUMNS.index("open")] is None
    assert published[housing][OUTCOME_COLUMNS.index("not_remedied")] is None  # one company only
    assert published[-1][OUTCOME_COLUMNS.index("remedied")] == 16  # large, many-company cells are published
    assert published[report.rows.index("unpaid_wages")][-1] == 24
    assert _recoverable(published) == []
    # the attack is real: hiding only the primary cells would give them away through the totals
    primary_only = [
        [None if (i, j) in report.grid.primary else v for j, v in enumerate(row)]
        for i, row in enumerate(report.grid.values)
    ]
    assert _recoverable(primary_only)
    csv_path, html_path = write_public_report(report, tmp_path)
    with csv_path.open(encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    assert lines[0][0] == "category" and lines[1 + child][1] == ""
    assert "withheld" in html_path.read_text(encoding="utf-8")


def test_report_command_refuses_a_bad_period(tmp_path: Path) -> None:
    from chainbreaker.cli.main import app

    result = CliRunner().invoke(
        app, ["remedy", "report", "--period", "last year", "--out", str(tmp_path), "-w", str(tmp_path / "ws")]
    )
    assert result.exit_code != 0 and "period must be a year" in result.output


def test_non_cooperation_reaches_portfolio_scoring(store: Session) -> None:
    g = grievances.submit(
        store,
        BANK,
        grievances.GrievanceInput(
            category="unpaid_wages", about_name="Palm Co", description="wages withheld for months"
        ),
        channel="api",
    )
    grievances.link(store, BANK, g.reference, "holding", "H-7", "ana")
    for step in ("acknowledge", "assess", "engage"):
        grievances.take_step(store, BANK, g.reference, step, f"{step} done", "ana", "analyst")
    grievances.take_step(
        store, BANK, g.reference, "leverage", "asked the board to repay wages; refused", "ana", "analyst",
        cooperation="not_cooperating",
    )  # fmt: skip
    source = grievance_signals(store, BANK)
    signals = source(
        [
            Holding(holding_id="H-7", issuer_name="Palm Co", row=2),
            Holding(holding_id="H-8", issuer_name="Other", row=3),
        ]
    )
    assert [s.holding_id for s in signals] == ["H-7"]
    assert (
        signals[0].value > 0 and g.reference in signals[0].source and "did not cooperate" in signals[0].reason
    )


@pytest.mark.parametrize("when", [datetime(2020, 1, 1)])
def test_report_of_an_empty_period_publishes_zeros(store: Session, when: datetime) -> None:
    report = public_report(store, BANK, when, when + timedelta(days=365), k=10)
    assert report.grid.published()[-1][-1] == 0
