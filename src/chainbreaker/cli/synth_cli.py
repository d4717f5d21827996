"""CLI commands of the synth domain (registered on the root app by cli/main.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainbreaker.cli.common import out, progress, user_errors


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root app."""

    @app.command()
    def synth(
        out_dir: Annotated[Path, typer.Argument(help="folder to write the bank into (created if absent)")],
        transactions: Annotated[
            int, typer.Option("--transactions", "-n", help="target number of transactions")
        ] = 1_000_000,
        seed: Annotated[
            int, typer.Option("--seed", "-s", help="random seed: same seed and options, same bytes")
        ] = 0,
        fmt: Annotated[str, typer.Option("--format", "-f", help="csv or parquet")] = "csv",
        prevalence: Annotated[
            float, typer.Option("--prevalence", help="share of parties involved in a scheme")
        ] = 0.015,
        scheme_mix: Annotated[
            str,
            typer.Option(
                "--scheme-mix", help="share of rings per scheme (sex, massage, labour, debt, structuring)"
            ),
        ] = "sex=0.3,massage=0.15,labour=0.25,debt=0.15,structuring=0.15",
        weak_share: Annotated[
            float, typer.Option("--weak-share", help="share of rings with weak (fewer, fainter) signals")
        ] = 0.3,
        style: Annotated[
            str,
            typer.Option(
                "--style",
                help="export style: clean, us_retail, european, latam, neobank, sparse_kyc, a comma list, or mix",
            ),
        ] = "clean",
    ) -> None:
        """Write a synthetic bank with injected trafficking schemes and its labels.

        Writes parties, accounts, account_holders and transactions in the bank data contract, plus
        labels.csv, rings.csv and synth_manifest.json. See docs/synthetic-bank.md.

        Example: chainbreaker synth bank/ --transactions 1000000 --seed 7 --format parquet
        """
        from chainbreaker.synth import SynthConfig, generate_bank, parse_scheme_mix
        from chainbreaker.synth.styles import parse_style

        with user_errors():
            config = SynthConfig(
                transactions=transactions,
                seed=seed,
                format=fmt,  # type: ignore[arg-type]  # validated by SynthConfig
                prevalence=prevalence,
                scheme_mix=parse_scheme_mix(scheme_mix),
                weak_share=weak_share,
                styles=parse_style(style),
            )
            with progress() as bar:
                task = bar.add_task("synthesising transactions", total=transactions)

                def advance(done: int, total: int) -> None:
                    bar.update(task, completed=min(done, total), total=max(done, total))

                report = generate_bank(out_dir, config, on_progress=advance)
            for line in report.summary():
                out.print(line, highlight=False)
