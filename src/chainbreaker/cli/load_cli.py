"""CLI commands of the load domain (registered on the root app by cli/main.py)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import TaskID
from rich.table import Table

from chainbreaker.cli.common import WORKSPACE_OPTION, console, out, progress, user_errors, workspace_at

DATA_DIR_ARGUMENT = typer.Argument(..., help="folder with parties, accounts, transactions (.csv or .parquet)")
MAPPING_OPTION = typer.Option(
    None, "--mapping", "-m", help="YAML mapping of the bank's column names and value spellings"
)


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root app."""
    app.command("load")(load)


def load(
    data_dir: Path = DATA_DIR_ARGUMENT,
    workspace: Path = WORKSPACE_OPTION,
    mapping: Path | None = MAPPING_OPTION,
) -> None:
    """Load a bank's files (the data contract) into a workspace: checked, atomic, idempotent.

    Bad rows are rejected with their line and reason (rejects table and WS/rejects/<load>.csv); the
    command fails only when a whole file is unusable. Re-loading the same files changes nothing.

    Example: chainbreaker load bank-export/ --workspace ws --mapping bank.yaml
    """
    from chainbreaker.ingest import load_folder

    with user_errors(), progress() as bars:
        tasks: dict[str, TaskID] = {}

        def on_progress(table: str, fraction: float, what: str) -> None:
            if table not in tasks:
                tasks[table] = bars.add_task(table, total=100)
            bars.update(tasks[table], completed=round(fraction * 100), description=f"{table}: {what}")

        report = load_folder(data_dir, workspace_at(workspace), mapping=mapping, progress=on_progress)

    summary = Table(title=f"load {report.load_id}", title_justify="left")
    for column in ("table", "read", "accepted", "rejected", "new", "present", "skipped files"):
        summary.add_column(column, justify="left" if column == "table" else "right", no_wrap=True)
    for t in report.tables:
        summary.add_row(
            t.table,
            f"{t.read:,}",
            f"{t.accepted:,}",
            f"{t.rejected:,}",
            f"{t.inserted:,}",
            f"{t.already_present:,}",
            f"{t.skipped_files}/{t.files}",
        )
    out.print(summary)
    for f in report.files:
        if f.skipped:
            out.print(f"skipped {f.file}: identical file already loaded by load {f.skipped_because}")
        if f.ignored_columns:
            out.print(f"{f.file}: extra columns ignored: {', '.join(f.ignored_columns)}")
    out.print(
        "read = accepted + rejected; accepted = new + present (already in the workspace, identical); "
        "skipped files were loaded before and are not read again"
    )
    if report.rejects_csv:
        out.print(f"rejected rows: {report.rejects_csv} (also in the workspace table `rejects`)")
    console.print(
        f"workspace {report.workspace}: " + ", ".join(f"{k} {v:,}" for k, v in report.table_rows.items())
    )
