"""CLI commands of the remedy domain: `cases restitution` and the `remedy` group (grievances, referrals,
exit reviews). Each command is a thin shell around one library function in `chainbreaker.remedy`."""

from __future__ import annotations

from pathlib import Path

import typer

from chainbreaker.cli.cases_cli import ORG_OPTION, cases_app
from chainbreaker.cli.common import WORKSPACE_OPTION, out, user_errors, workspace_at


@cases_app.command("restitution")
def restitution_command(
    case_id: str = typer.Argument(..., help="case reference or number"),
    output: Path = typer.Option(..., "-o", "--output", help="schedule CSV to write (one row per victim)"),
    html: Path | None = typer.Option(None, "--html", help="also write a printable HTML schedule"),
    workspace: Path = WORKSPACE_OPTION,
    org: str = ORG_OPTION,
) -> None:
    """Count the wages paid to, swept from and charged to each victim of a case: a restitution schedule.

    Writes OUTPUT (`party_id, wages_in, swept_out, fees, owed`, ...) and OUTPUT's evidence file
    (`<name>.evidence.csv`: every transaction counted, with the rule that counted it).

    Example: chainbreaker cases restitution C-000003 -w WS -o schedule.csv --html schedule.html
    """
    from chainbreaker.cases.store import store_session
    from chainbreaker.cases.workflow import get_case
    from chainbreaker.engines.factory import get_engine
    from chainbreaker.remedy.export import render_schedule_html, write_evidence_csv, write_schedule_csv
    from chainbreaker.remedy.restitution import schedule_for_case

    ws = workspace_at(workspace)
    with user_errors(), store_session(ws) as session:
        case = get_case(session, org, case_id)
        with get_engine("duckdb", ws) as engine:
            schedule = schedule_for_case(engine, case)
    write_schedule_csv(schedule, output)
    evidence = write_evidence_csv(schedule, output.with_suffix(".evidence.csv"))
    if html is not None:
        html.write_text(render_schedule_html(schedule), encoding="utf-8")
    for note in schedule.notes:
        out.print(f"note: {note}")
    out.print(
        f"{schedule.case_reference}: {len(schedule.victims)} victim(s), owed {schedule.total('owed'):.2f} "
        f"(swept {schedule.total('swept_out'):.2f}, fees {schedule.total('fees'):.2f}, diverted "
        f"{schedule.total('diverted'):.2f}); wrote {output} and {evidence}"
    )


def register(app: typer.Typer) -> None:
    """`cases restitution` is attached to the cases group above; the remedy group is added here."""
    del app
