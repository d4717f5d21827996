"""CLI commands of the screening domain (registered on the root app by cli/main.py).

Each command is a thin shell around one library call in `chainbreaker.screening`.
"""

from __future__ import annotations

from pathlib import Path

import typer

from chainbreaker.cli.common import WORKSPACE_OPTION, console, progress, user_errors, workspace_at

screening_app = typer.Typer(
    name="screening",
    help="Analysts' decisions on screening hits.\n\n"
    "Example: chainbreaker screening decide P-001 NK-abc false_positive --workspace ws",
    no_args_is_help=True,
)


NAMES_OPTION = typer.Option(
    None, "--names", help="query CSV: query_id, name [, schema, date_of_birth, country, id_number]"
)
HITS_OUT_OPTION = typer.Option(
    None, "--out", "-o", help="hits file (.csv, .parquet or .jsonl); default WS/screening/hits.parquet"
)
CHANGES_OUT_OPTION = typer.Option(
    None, "--out", "-o", help="changes file (.csv, .parquet, .jsonl); default WS/screening/rescreen-*.parquet"
)


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root app."""
    app.command("screen")(screen)
    app.command("rescreen")(rescreen)
    app.add_typer(screening_app, name="screening")


def screen(
    workspace: Path = WORKSPACE_OPTION,
    names: Path | None = NAMES_OPTION,
    out: Path | None = HITS_OUT_OPTION,
    threshold: float = typer.Option(
        0.80, "--threshold", "-t", help="report hits with score at or above this"
    ),
    engine: str = typer.Option("duckdb", "--engine", help="duckdb or spark"),
    no_counterparties: bool = typer.Option(
        False, "--no-counterparties", help="screen customers only, not counterparty names of transactions"
    ),
) -> None:
    """Screen customers and counterparties (or a query file) against the registry's lists.

    Example: chainbreaker screen --workspace ws --out hits.csv --threshold 0.8
    """
    from chainbreaker.screening import screen_workspace

    with user_errors(), progress() as bar:
        task = bar.add_task("screening", total=None)

        def step(stage: str, advance: int, total: int) -> None:
            bar.update(task, description=stage, advance=advance, total=total)

        report = screen_workspace(
            workspace_at(workspace),
            names_file=names,
            out=out,
            threshold=threshold,
            engine=engine,
            counterparties=not no_counterparties,
            progress=step,
        )
    console.print(
        f"screened {report.screened} of {report.queries} names against {report.entities} listed entities "
        f"({report.engine}): {report.hits} hits, {report.suppressed} known false positives left out, "
        f"{len(report.rejects)} rejected"
    )
    if report.rejects_file:
        console.print(f"rejected names and reasons: {report.rejects_file}")
    console.print(f"hits written to {report.out}")
    _say_demo_lists(workspace)


def _say_demo_lists(workspace: Path) -> None:
    """Name the synthetic demo lists screened against, so demo hits are never read as real list matches."""
    from chainbreaker.core.demo_lists import DEMO_LABEL, is_demo_dataset
    from chainbreaker.registry import RegistryStore

    with RegistryStore(workspace_at(workspace)) as store:
        demo = [str(r["dataset"]) for r in store.datasets() if is_demo_dataset(str(r["dataset"]))]
    if demo:
        console.print(f"{DEMO_LABEL}: these lists are the demo's own, not the publishers': {', '.join(demo)}")


def rescreen(
    workspace: Path = WORKSPACE_OPTION,
    out: Path | None = CHANGES_OUT_OPTION,
    threshold: float = typer.Option(
        0.80, "--threshold", "-t", help="report hits with score at or above this"
    ),
) -> None:
    """Screen only what changed since the last screening; report new, changed and removed hits.

    Example: chainbreaker rescreen --workspace ws --out changes.csv
    """
    from chainbreaker.screening import rescreen_workspace

    with user_errors():
        report = rescreen_workspace(workspace_at(workspace), out=out, threshold=threshold)
    console.print(
        f"changed since last screening: {report.parties_changed} customers new/changed, "
        f"{report.parties_removed} gone; {report.entities_changed} entities new/changed, "
        f"{report.entities_removed} removed. Re-screened {report.parties_rescreened} customers: "
        f"{report.new} new, {report.changed} changed, {report.removed} removed hits"
    )
    console.print(f"changes written to {report.out}")


@screening_app.command("decide")
def decide(
    query_id: str = typer.Argument(..., help="the screened query (party_id, or query_id of the names file)"),
    entity_id: str = typer.Argument(..., help="the listed entity of the hit"),
    decision: str = typer.Argument(..., help="false_positive or true_match"),
    workspace: Path = WORKSPACE_OPTION,
    analyst: str | None = typer.Option(None, "--analyst", help="who decided"),
    note: str | None = typer.Option(None, "--note", help="why (kept with the decision)"),
) -> None:
    """Record an analyst's decision on a hit; a false positive is left out until either side changes.

    Example: chainbreaker screening decide P-000123 un-6908555 false_positive --analyst ana --workspace ws
    """
    from chainbreaker.screening import decide as record

    with user_errors():
        stored = record(workspace_at(workspace), query_id, entity_id, decision, analyst=analyst, note=note)
    console.print(f"recorded {stored['decision']} for {stored['query_id']} / {stored['entity_id']}")
