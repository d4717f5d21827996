"""CLI commands of the FIU domain (`chainbreaker fiu ...`), registered on the root app by cli/main.py.

Each command is a thin shell around one library call in `chainbreaker.fiu`.
"""

from __future__ import annotations

from pathlib import Path

import typer

from chainbreaker.cli.common import WORKSPACE_OPTION, console, out, user_errors, workspace_at
from chainbreaker.storage.db import DEFAULT_ORG_ID

fiu_app = typer.Typer(
    name="fiu",
    help="The FIU side: receive reports, link them into networks, patterns, feedback, dissemination, "
    "public statistics.\n\nExample: chainbreaker fiu ingest reports/ --workspace fiu_ws",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root app."""
    app.add_typer(fiu_app, name="fiu")


@fiu_app.command("ingest")
def ingest(
    paths: list[Path] = typer.Argument(..., help="report files (goAML or FinCEN SAR XML) or folders of them"),
    workspace: Path = WORKSPACE_OPTION,
    schema_dir: Path | None = typer.Option(None, "--schema-dir", help="folder with the FIUs' XSD files"),
    workers: int = typer.Option(2, "--workers", help="parser processes"),
    org: str = typer.Option(
        DEFAULT_ORG_ID,
        "--org",
        help="the FIU organisation receiving the reports (its members see them in the service)",
    ),
) -> None:
    """Ingest received reports; each file is ingested, a duplicate, or rejected with its reason.

    Example: chainbreaker fiu ingest inbox/ --workspace fiu_ws
    """
    from chainbreaker.fiu.ingest import ingest_files

    with user_errors():
        result = ingest_files(
            workspace_at(workspace), paths, schema_dir=schema_dir, workers=workers, org_id=org
        )
    for o in result.outcomes:
        if o.outcome == "rejected":
            console.print(
                f"rejected {o.file}: {o.reason}" + (f" (at {o.element})" if o.element else ""),
                highlight=False,
            )
    if result.rejects_path:
        console.print(f"rejections written to {result.rejects_path}")
    out.print(result.summary, highlight=False)


@fiu_app.command("link")
def link(
    workspace: Path = WORKSPACE_OPTION,
    subjects_out: Path | None = typer.Option(
        None, "--out", "-o", help="CSV of every filed subject/victim: file, report_id, role, name, subject_id"
    ),
) -> None:
    """Resolve subjects, victims and accounts across reports; networks across filers become FIU cases.

    Example: chainbreaker fiu link --workspace fiu_ws --out subjects.csv
    """
    from chainbreaker.fiu.link import link_workspace

    with user_errors():
        r = link_workspace(workspace_at(workspace), subjects_out)
    out.print(
        f"{r.records} filed parties resolved into {r.persons} persons through {r.links} links; "
        f"{r.networks} networks, {r.cases} spanning several filers became FIU cases",
        highlight=False,
    )


@fiu_app.command("decide")
def decide(
    party_a: str = typer.Argument(..., help="filed party key (report_id#n)"),
    party_b: str = typer.Argument(..., help="filed party key (report_id#n)"),
    decision: str = typer.Argument(..., help="same or different"),
    reason: str = typer.Option(..., "--reason", help="why (kept with the decision)"),
    analyst: str = typer.Option("cli", "--analyst"),
    workspace: Path = WORKSPACE_OPTION,
) -> None:
    """Record that two filed parties are (or are not) the same person; every later `fiu link` keeps it.

    Example: chainbreaker fiu decide 'goaml:9100:R1#2' 'fincen:12:R7#1' different --reason "different fathers' names"
    """
    from chainbreaker.fiu.link import decide as record

    with user_errors():
        record(workspace_at(workspace), party_a, party_b, decision, analyst, reason)
    out.print(f"recorded: {decision}")


@fiu_app.command("patterns")
def patterns(
    workspace: Path = WORKSPACE_OPTION,
    out_dir: Path = typer.Option(..., "--out", "-o", help="folder for the Parquet tables and patterns.html"),
) -> None:
    """Monthly trends, unusual months and new indicator combinations, as Parquet and an HTML page.

    Example: chainbreaker fiu patterns --workspace fiu_ws --out patterns/
    """
    from chainbreaker.fiu.patterns_report import write_patterns

    with user_errors():
        result = write_patterns(workspace_at(workspace), out_dir)
    out.print(
        f"{len(result.trends)} unusual months, {len(result.combinations)} new indicator combinations; "
        f"written to {out_dir}",
        highlight=False,
    )


@fiu_app.command("feedback")
def feedback(
    workspace: Path = WORKSPACE_OPTION,
    out_dir: Path = typer.Option(..., "--out", "-o", help="folder for one HTML letter per reporting entity"),
) -> None:
    """Write a feedback letter to every reporting entity.

    Example: chainbreaker fiu feedback --workspace fiu_ws --out letters/
    """
    from chainbreaker.fiu.feedback import feedback as write

    with user_errors():
        letters = write(workspace_at(workspace), out_dir)
    out.print(f"{len(letters)} letters written to {out_dir}")


@fiu_app.command("disseminate")
def disseminate(
    case_id: str = typer.Argument(..., help="FIU case id (FIU-...)"),
    recipient: str = typer.Option(..., "--to", help="partner agency or foreign FIU"),
    legal_basis: str = typer.Option(..., "--legal-basis", help="the legal basis of this dissemination"),
    analyst: str = typer.Option("cli", "--analyst"),
    reports: list[str] | None = typer.Option(None, "--report", help="only these reports of the case"),
    workspace: Path = WORKSPACE_OPTION,
    out_dir: Path = typer.Option(..., "--out", "-o"),
) -> None:
    """Package one FIU case for a partner (XML + printable HTML), recorded in the audit log.

    Example: chainbreaker fiu disseminate FIU-1a2b --to "National Police" --legal-basis "Art. 32 AMLD" -o out/
    """
    from chainbreaker.fiu.disseminate import disseminate as package

    with user_errors():
        p = package(
            workspace_at(workspace), case_id, recipient, legal_basis, analyst, out_dir, reports or None
        )
    out.print(f"{p.package_id}: {p.reports} reports, {p.persons} persons -> {p.xml_path}, {p.html_path}")


@fiu_app.command("publish")
def publish(
    workspace: Path = WORKSPACE_OPTION,
    period: str = typer.Option(..., "--period", help="the year, e.g. 2025"),
    k: int = typer.Option(10, "--k", help="no published cell from fewer reports than this"),
    out_dir: Path = typer.Option(..., "--out", "-o"),
) -> None:
    """Public counts and trends with small-cell suppression (CSV, blank = withheld) and an HTML report.

    Example: chainbreaker fiu publish --workspace fiu_ws --period 2025 --k 10 --out public/
    """
    from chainbreaker.fiu.publish import publish as write

    with user_errors():
        p = write(workspace_at(workspace), period, k, out_dir)
    out.print(f"{p.reports} reports, {p.hidden_cells} cells withheld; {len(p.files)} files in {out_dir}")


@fiu_app.command("synth")
def synth(
    out_dir: Path = typer.Argument(..., help="new folder for the report files and truth.csv"),
    reports: int = typer.Option(2000, "--reports"),
    banks: int = typer.Option(6, "--banks"),
    seed: int = typer.Option(16, "--seed"),
) -> None:
    """Multi-bank synthetic reports (overlapping customers and rings), written by our goAML/FinCEN writers.

    Example: chainbreaker fiu synth inbox/ --reports 2000
    """
    from chainbreaker.fiu.synthetic import synthetic_reports
    from chainbreaker.synth.multibank import MultiBankConfig

    with user_errors():
        r = synthetic_reports(out_dir, MultiBankConfig(reports=reports, banks=banks, seed=seed))
    out.print(f"{r.reports} reports written to {out_dir}; truth in {r.truth_path}")
