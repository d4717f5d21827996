"""`chainbreaker` command: one typer app, with each domain's commands registered from its own module."""

from __future__ import annotations

import typer

from chainbreaker import __version__
from chainbreaker.cli import (
    cases_cli,
    demo_cli,
    fiu_cli,
    load_cli,
    monitoring_cli,
    portfolio_cli,
    registry_cli,
    remedy_cli,
    screening_cli,
    service_cli,
    sharing_cli,
    synth_cli,
)
from chainbreaker.cli.common import run_app

app = typer.Typer(
    name="chainbreaker",
    help=(
        "Find, report and cut the money flows of modern slavery and human trafficking.\n\n"
        "Example: chainbreaker demo"
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="debug logs on stderr"),
    log_json: bool = typer.Option(False, "--log-json", help="structured JSON logs on stderr"),
) -> None:
    """Configure logging once for every command."""
    from chainbreaker.core.logging import configure_logging

    configure_logging("DEBUG" if verbose else "WARNING", json_lines=log_json)


@app.command()
def version() -> None:
    """Print the version.\n\nExample: chainbreaker version"""
    typer.echo(__version__)


for module in (
    load_cli,
    synth_cli,
    demo_cli,
    monitoring_cli,
    registry_cli,
    screening_cli,
    cases_cli,
    remedy_cli,
    service_cli,
    sharing_cli,
    portfolio_cli,
    fiu_cli,
):
    module.register(app)


def main() -> None:
    """Entry point that turns package errors into clear messages and exit codes."""
    run_app(app)


if __name__ == "__main__":
    main()
