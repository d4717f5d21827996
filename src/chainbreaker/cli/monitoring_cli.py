"""CLI commands of the monitoring domain (registered on the root app by cli/main.py).

Each command is a thin shell over one library function of `chainbreaker.monitoring`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from chainbreaker.cli.common import WORKSPACE_OPTION, out, progress, user_errors, workspace_at

indicators_app = typer.Typer(
    name="indicators",
    help="The indicator catalogue (red flags as data).\n\nExample: chainbreaker indicators list",
    no_args_is_help=True,
)


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    from chainbreaker.core.errors import InputError

    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"not a date YYYY-MM-DD: {value!r}", column=option) from exc


def monitor(
    workspace: Path = WORKSPACE_OPTION,
    out_dir: Path | None = typer.Option(
        None, "--out", "-o", help="output folder (default: WORKSPACE/monitoring)"
    ),
    engine: str = typer.Option("duckdb", "--engine", help="duckdb (default) or spark"),
    date_from: str | None = typer.Option(None, "--from", help="first day to monitor (YYYY-MM-DD)"),
    date_to: str | None = typer.Option(None, "--to", help="last day to monitor, inclusive (YYYY-MM-DD)"),
    fmt: str = typer.Option("parquet", "--format", help="parquet (default) or csv"),
    compare: Path | None = typer.Option(
        None, "--compare", help="a changed indicator YAML to run in shadow beside the current one"
    ),
) -> None:
    """Run every enabled indicator and write alerts and party risk.

    Example: chainbreaker monitor --workspace ws --out ws/monitoring
    """
    with user_errors():
        from chainbreaker.core.errors import InputError
        from chainbreaker.monitoring import run_monitoring

        if fmt not in ("parquet", "csv"):
            raise InputError(f"unknown format {fmt!r} (parquet or csv)", column="--format")
        with progress() as bar:
            task = bar.add_task("monitoring", total=None)

            def tick(step: str, done: int, total: int) -> None:
                bar.update(task, description=f"indicator {step}", completed=done, total=total)

            report = run_monitoring(
                workspace_at(workspace),
                out_dir,
                engine=engine,
                date_from=_date(date_from, "--from"),
                date_to=_date(date_to, "--to"),
                fmt="csv" if fmt == "csv" else "parquet",
                progress=tick,
                compare=compare,
            )
        out.print(report.summary(), highlight=False, soft_wrap=True)


def evaluate(
    labels: Path = typer.Option(..., "--labels", help="labels.csv with party_id and role"),
    risk: Path = typer.Option(..., "--risk", help="party_risk.parquet (or .csv) written by monitor"),
    budget: float = typer.Option(0.01, "--budget", help="share of parties an analyst team can review"),
) -> None:
    """Back-test party risk against labels within an alert budget.

    Example: chainbreaker evaluate --labels bank/labels.csv --risk ws/monitoring/party_risk.parquet --budget 0.01
    """
    with user_errors():
        from chainbreaker.monitoring import evaluate as run_evaluate

        out.print(run_evaluate(labels, risk, budget).summary(), highlight=False, soft_wrap=True)


@indicators_app.command("list")
def list_indicators(
    folder: Path | None = typer.Option(
        None, "--folder", help="a folder of indicator YAML files instead of the shipped one"
    ),
) -> None:
    """List the indicators: id, type, role, weight, title.

    Example: chainbreaker indicators list
    """
    with user_errors():
        from chainbreaker.monitoring import load_catalogue

        cat = load_catalogue(folder)
        for ind in cat.indicators:
            role = ind.role + (f"/{ind.subrole}" if ind.subrole else "")
            flag = "" if ind.enabled else " (disabled)"
            out.print(
                f"{ind.id:6} {ind.trafficking_type:7} {role:24} {ind.weight:4.2f}  {ind.title}{flag}",
                highlight=False,
                soft_wrap=True,
            )
        for problem in cat.problems:
            out.print(f"[red]not usable[/red] {problem}", highlight=False, soft_wrap=True)
        if cat.problems:
            raise typer.Exit(1)


@indicators_app.command("show")
def show_indicator(
    indicator_id: str = typer.Argument(..., help="indicator id, e.g. ST-03"),
) -> None:
    """Show one indicator: sources, parameters, explanation and SQL.

    Example: chainbreaker indicators show ST-21
    """
    with user_errors():
        from chainbreaker.monitoring import load_catalogue
        from chainbreaker.monitoring.docs import render_indicator

        out.print(
            render_indicator(load_catalogue().get(indicator_id)),
            highlight=False,
            markup=False,
            soft_wrap=True,
        )


@indicators_app.command("docs")
def indicator_docs(
    target: Path = typer.Option(
        Path("docs/reference/indicators.md"), "--out", help="where to write the reference"
    ),
) -> None:
    """Regenerate the indicator reference documentation from the catalogue.

    Example: chainbreaker indicators docs --out docs/reference/indicators.md
    """
    with user_errors():
        from chainbreaker.monitoring.docs import write_reference

        out.print(f"wrote {write_reference(target)}")


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root app."""
    app.command("monitor")(monitor)
    app.command("evaluate")(evaluate)
    app.add_typer(indicators_app, name="indicators")
