"""`chainbreaker demo`: the whole system on a synthetic bank, on the embedded default."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from chainbreaker.cli.common import console, out, user_errors


def register(app: typer.Typer) -> None:
    """Add the demo command to the root app."""

    @app.command()
    def demo(
        workspace: Path = typer.Option(
            Path("demo-workspace"), "--workspace", "-w", help="folder for the demo (replaced on each run)"
        ),
        transactions: int = typer.Option(
            0, "--transactions", "-n", help="size of the synthetic bank (0 = the demo default)"
        ),
        seed: int = typer.Option(7, "--seed", help="seed of the synthetic bank"),
        serve: bool = typer.Option(False, "--serve", help="then open the demo bank in the web UI"),
        host: str = typer.Option("127.0.0.1", "--host"),
        port: int = typer.Option(8000, "--port"),
        schema_dir: Path | None = typer.Option(
            None,
            "--schema-dir",
            help="folder holding your FIU's XSD (goAML); without it the goAML report is marked not validated",
        ),
    ) -> None:
        """Synthesise a bank, load it, run monitoring, screening, cases and FIU reports; print a summary.

        Example: chainbreaker demo --workspace demo-workspace --serve
        """
        from chainbreaker.demo import run_demo

        with user_errors():
            with console.status("starting") as status:
                result = run_demo(
                    workspace,
                    transactions or None,
                    seed,
                    say=lambda msg: status.update(msg),
                    schema_dir=schema_dir,
                )
            table = Table(title=f"chainbreaker demo — workspace {result.workspace}")
            table.add_column("step")
            table.add_column("result")
            table.add_column("seconds", justify="right")
            for name, summary, seconds in result.steps:
                table.add_row(name, summary, f"{seconds:.1f}")
            out.print(table)
            for path in result.reports:
                note = result.not_validated.get(path)
                out.print(f"report written: {path}" + (f" ({note})" if note else ""))
            if serve:
                _serve(workspace, host, port)

    def _serve(workspace: Path, host: str, port: int) -> None:
        import os

        from chainbreaker.core.settings import get_settings
        from chainbreaker.core.workspace import Workspace
        from chainbreaker.service.demo import prepare_demo_users, run_server

        os.environ["CHAINBREAKER_DEMO_MODE"] = "1"
        settings = get_settings()
        ws = Workspace(workspace)
        user, password = prepare_demo_users(ws, settings)
        out.print(f"demo login: user [bold]{user}[/bold], password [bold]{password}[/bold]")
        out.print(f"open http://{host}:{port}/ (Ctrl-C to stop)")
        run_server(settings, ws, host, port)
