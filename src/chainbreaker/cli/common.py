"""What every command shares: the console, workspace option, error handling and progress bars."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from chainbreaker.core.errors import ChainbreakerError
from chainbreaker.core.workspace import Workspace

console = Console(stderr=True)
out = Console()

WORKSPACE_OPTION = typer.Option(
    Path("workspace"),
    "--workspace",
    "-w",
    envvar="CHAINBREAKER_WORKSPACE",
    help="workspace folder (holds workspace.duckdb, cases.sqlite, rejects/)",
)


def workspace_at(path: Path) -> Workspace:
    """The workspace at `path`; its installation key now keys the pseudonyms of logs and audit details."""
    from chainbreaker.core.logging import set_pseudonym_key
    from chainbreaker.core.secrets import installation_secret
    from chainbreaker.core.settings import get_settings

    workspace = Workspace(path)
    set_pseudonym_key(get_settings().pseudonym_key or installation_secret(workspace.root, "pseudonym"))
    return workspace


def progress() -> Progress:
    """A rich progress bar for anything long; it draws on stderr and stays quiet when not a terminal."""
    return Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=not console.is_terminal,
        disable=not console.is_terminal,
    )


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn package errors into one red line and exit code 1 (tracebacks only with --verbose)."""
    try:
        yield
    except ChainbreakerError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False, markup=True)
        raise typer.Exit(1) from exc


def run_app(app: typer.Typer) -> None:
    try:
        app()
    except ChainbreakerError as exc:  # errors raised outside a command's own handler
        console.print(f"[red]error:[/red] {exc}")
        sys.exit(1)
