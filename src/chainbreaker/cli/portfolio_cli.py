"""CLI of the investors' and lenders' domain: `portfolio assess`, `portfolio engagement …`, `disclosure …`.

Each command is a thin shell around one library call in `chainbreaker.portfolio` (assessing and then
opening engagements for the riskiest holdings is two calls, the second only when `--engage` is given).
"""

from __future__ import annotations

import getpass
import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from chainbreaker.cli.common import WORKSPACE_OPTION, console, out, user_errors, workspace_at
from chainbreaker.screening import DEFAULT_THRESHOLD

portfolio_app = typer.Typer(
    name="portfolio",
    help="Investors and lenders: holdings risk, engagement and escalation.\n\n"
    "Example: chainbreaker portfolio assess holdings.csv --workspace ws --out risk/",
    no_args_is_help=True,
)
engagement_app = typer.Typer(
    name="engagement",
    help="The engagement log: contacts and the ladder engage → deadline → vote/covenant → divest.\n\n"
    "Example: chainbreaker portfolio engagement list --workspace ws",
    no_args_is_help=True,
)
disclosure_app = typer.Typer(
    name="disclosure",
    help="Assess modern-slavery statements against UK MSA, Australian MSA or SET criteria.\n\n"
    "Example: chainbreaker disclosure assess statement.pdf --framework uk-msa",
    no_args_is_help=True,
)
ORG_OPTION = typer.Option("default", "--org", help="organisation id (default: default)")
ACTOR_OPTION = typer.Option(None, "--actor", help="who is acting (default: your login name)")


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root app."""
    portfolio_app.add_typer(engagement_app, name="engagement")
    app.add_typer(portfolio_app, name="portfolio")
    app.add_typer(disclosure_app, name="disclosure")


def _actor(actor: str | None) -> str:
    return actor or getpass.getuser()


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"not a date (YYYY-MM-DD): {value}") from exc


@portfolio_app.command("assess")
def assess(
    holdings: Annotated[
        Path,
        typer.Argument(
            help="holdings CSV: holding_id, issuer_name[, lei, isin, domicile, "
            "countries, sector, goods, exposure, currency, parent_id]"
        ),
    ],
    workspace: Path = WORKSPACE_OPTION,
    out_dir: Annotated[Path, typer.Option("--out", help="folder for the outputs")] = Path("portfolio-risk"),
    threshold: Annotated[
        float, typer.Option(help="screening match threshold (default: screening's, as the library uses)")
    ] = DEFAULT_THRESHOLD,
    engage: Annotated[
        str | None, typer.Option("--engage", help="open engagements for holdings at or above this band")
    ] = None,
    kind: Annotated[str, typer.Option(help="investor or lender")] = "investor",
    org: str = ORG_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Score every holding, with reasons, and write the CSV, Parquet, charts and HTML report.

    Example: chainbreaker portfolio assess holdings.csv -w ws --out risk/ --engage high
    """
    from chainbreaker.portfolio import assess_portfolio

    with user_errors():
        ws = workspace_at(workspace)
        from chainbreaker.cases.store import store_session
        from chainbreaker.remedy.signals import grievance_signals

        with store_session(ws) as notes_session:  # grievances the companies would not cooperate with
            signals = grievance_signals(notes_session, org)
        report = assess_portfolio(holdings, ws, out_dir, threshold=threshold, signals=signals)
        opened = 0
        if engage:
            from chainbreaker.cases.store import store_session
            from chainbreaker.portfolio.engagement import open_for_band

            with store_session(ws) as session:
                opened = len(
                    open_for_band(session, org, _actor(actor), report.risks, min_band=engage, kind=kind)
                )
    out.print(
        f"rows read {report.rows_read} = accepted {report.accepted} + rejected {report.rejected}; "
        f"{report.screened_names} issuers screened; {report.listed_holdings} holdings reached by a listing"
    )
    out.print("bands: " + ", ".join(f"{k} {v}" for k, v in report.bands.items()))
    for missing in report.missing_tables:
        console.print(f"[yellow]not scored:[/yellow] {missing}")
    if engage:
        out.print(f"engagements opened: {opened}")
    out.print(f"report: {report.files['report.html']}")


@portfolio_app.command("demo")
def demo(
    workspace: Path = WORKSPACE_OPTION,
    out_dir: Annotated[Path, typer.Option("--out", help="folder for the outputs")] = Path("portfolio-demo"),
) -> None:
    """Demo lists, our demo risk tables (not Walk Free data) and a 15-holding book, assessed.

    Example: chainbreaker portfolio demo -w demo-ws --out portfolio-demo/
    """
    from chainbreaker.portfolio.demo import run_portfolio_demo

    with user_errors():
        report = run_portfolio_demo(workspace_at(workspace), out_dir)
    out.print("bands: " + ", ".join(f"{k} {v}" for k, v in report.bands.items()))
    out.print(f"report: {report.files['report.html']}")


@engagement_app.command("list")
def list_cmd(workspace: Path = WORKSPACE_OPTION, org: str = ORG_OPTION) -> None:
    """Every engagement of the organisation with its step.\n\nExample: chainbreaker portfolio engagement list -w ws"""
    from chainbreaker.cases.store import store_session
    from chainbreaker.portfolio.engagement import list_engagements

    with user_errors(), store_session(workspace_at(workspace)) as session:
        rows = list_engagements(session, org)
        table = Table("id", "holding", "issuer", "kind", "stage", "deadline")
        for e in rows:
            table.add_row(str(e.id), e.holding_id, e.issuer_name, e.kind, e.stage, str(e.deadline or ""))
    out.print(table)


@engagement_app.command("open")
def open_cmd(
    holding_id: str,
    issuer: Annotated[str, typer.Option(help="issuer name")],
    reason: Annotated[str, typer.Option(help="why engage")],
    kind: Annotated[str, typer.Option(help="investor or lender")] = "investor",
    framework: Annotated[str, typer.Option(help="criteria the questions come from")] = "uk-msa",
    workspace: Path = WORKSPACE_OPTION,
    org: str = ORG_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Open an engagement by hand.\n\nExample: chainbreaker portfolio engagement open H-001 --issuer "Acme" --reason "..." """
    from chainbreaker.cases.store import store_session
    from chainbreaker.portfolio.engagement import open_engagement, questions_for

    with user_errors(), store_session(workspace_at(workspace)) as session:
        e = open_engagement(
            session,
            org,
            _actor(actor),
            holding_id,
            issuer,
            kind=kind,
            questions=questions_for(None, None, framework),
            reason=reason,
        )
        ident = e.id
    out.print(f"engagement {ident} opened")


@engagement_app.command("log")
def log_cmd(
    engagement_id: int,
    contact: Annotated[str, typer.Option(help="the contact's role, not their name")],
    answer: Annotated[str, typer.Option(help="what the company answered")],
    next_step: Annotated[str, typer.Option("--next-step", help="what happens next")],
    on: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default today)")] = None,
    workspace: Path = WORKSPACE_OPTION,
    org: str = ORG_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Record a contact.\n\nExample: chainbreaker portfolio engagement log 1 --contact "Head of Sustainability" --answer "..." --next-step "..." """
    from chainbreaker.cases.store import store_session
    from chainbreaker.portfolio.engagement import log_contact

    with user_errors(), store_session(workspace_at(workspace)) as session:
        log_contact(
            session,
            org,
            _actor(actor),
            engagement_id,
            contact=contact,
            answer=answer,
            next_step=next_step,
            on=_day(on),
        )
    out.print(f"contact recorded on engagement {engagement_id}")


@engagement_app.command("escalate")
def escalate_cmd(
    engagement_id: int,
    reason: Annotated[str, typer.Option(help="why this step")],
    deadline: Annotated[str | None, typer.Option(help="YYYY-MM-DD, when setting the deadline")] = None,
    on: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default today)")] = None,
    exit_harm_weighed: Annotated[
        bool,
        typer.Option("--exit-harm-weighed", help="confirm the harm of leaving was weighed (divest step)"),
    ] = False,
    workspace: Path = WORKSPACE_OPTION,
    org: str = ORG_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """One step up the ladder, with the reason.\n\nExample: chainbreaker portfolio engagement escalate 1 --reason "no answer" --deadline 2027-03-31"""
    from chainbreaker.cases.store import store_session
    from chainbreaker.portfolio.engagement import escalate

    with user_errors(), store_session(workspace_at(workspace)) as session:
        e = escalate(
            session,
            org,
            _actor(actor),
            engagement_id,
            reason=reason,
            on=_day(on),
            deadline=_day(deadline),
            exit_harm_weighed=exit_harm_weighed,
        )
        stage = e.stage
    out.print(f"engagement {engagement_id} is now at {stage}")


@engagement_app.command("close")
def close_cmd(
    engagement_id: int,
    reason: Annotated[str, typer.Option(help="why it ends")],
    workspace: Path = WORKSPACE_OPTION,
    org: str = ORG_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Close an engagement.\n\nExample: chainbreaker portfolio engagement close 1 --reason "asks met" """
    from chainbreaker.cases.store import store_session
    from chainbreaker.portfolio.engagement import close_engagement

    with user_errors(), store_session(workspace_at(workspace)) as session:
        close_engagement(session, org, _actor(actor), engagement_id, reason=reason)
    out.print(f"engagement {engagement_id} closed")


@engagement_app.command("show")
def show_cmd(engagement_id: int, workspace: Path = WORKSPACE_OPTION, org: str = ORG_OPTION) -> None:
    """The engagement, its questions and its log as JSON.\n\nExample: chainbreaker portfolio engagement show 1 -w ws"""
    from dataclasses import asdict

    from chainbreaker.cases.store import store_session
    from chainbreaker.portfolio.engagement import view

    with user_errors(), store_session(workspace_at(workspace)) as session:
        data = asdict(view(session, org, engagement_id))
    out.print_json(json.dumps(data, default=str))


@disclosure_app.command("assess")
def disclosure_assess(
    statement: Annotated[Path, typer.Argument(help="the statement: .txt, .pdf or .html")],
    framework: Annotated[str, typer.Option(help="uk-msa, au-msa or set")] = "uk-msa",
    json_out: Annotated[Path | None, typer.Option("--json", help="also write the result as JSON")] = None,
) -> None:
    """Criteria met (with the sentences cited) and criteria without evidence.

    Example: chainbreaker disclosure assess statement.pdf --framework au-msa
    """
    from dataclasses import asdict

    from chainbreaker.portfolio.disclosure import assess_statement

    with user_errors():
        result = assess_statement(statement, framework)
    out.print(
        f"{result.title}: {sum(c.met for c in result.criteria)}/{len(result.criteria)} criteria with evidence "
        f"({result.sentences} sentences read)"
    )
    for c in result.criteria:
        mark = "[green]met[/green]" if c.met else "[red]no evidence[/red]"
        out.print(f"({c.id}) {c.title}: {mark}")
        for cite in c.evidence:
            where = f"p.{cite.page} " if cite.page else ""
            out.print(f"    {where}s.{cite.sentence}: “{cite.text}”", highlight=False)
        for cite in c.stated_absent:
            out.print(f"    stated absent, s.{cite.sentence}: “{cite.text}”", highlight=False)
    if json_out is not None:
        data = asdict(result) | {"score": result.score, "missing": [c.id for c in result.missing]}
        json_out.write_text(json.dumps(data, indent=2), encoding="utf-8")


@disclosure_app.command("evaluate")
def disclosure_evaluate(
    labels: Annotated[Path, typer.Argument(help="labels CSV: statement, framework, criterion, present")],
) -> None:
    """Accuracy, precision and recall of the assessor on annotated statements.

    Example: chainbreaker disclosure evaluate benchmarks/disclosure_corpus/labels.csv
    """
    from chainbreaker.portfolio.disclosure import evaluate

    with user_errors():
        report = evaluate(labels)
    o = report.overall
    out.print(
        f"{report.statements} statements, {report.labels} labels: accuracy {o.accuracy:.3f}, "
        f"precision {o.precision:.3f}, recall {o.recall:.3f} (tp {o.tp}, fp {o.fp}, fn {o.fn}, tn {o.tn})"
    )
    for problem in report.rejects:
        console.print(f"[yellow]skipped label[/yellow] {problem}")
    for d in report.disagreements:
        out.print(
            f"  {d['statement']} {d['criterion']}: label {d['label']}, cited: {d['cited']}", highlight=False
        )


@disclosure_app.command("annotate")
def disclosure_annotate(
    statements: Annotated[list[Path], typer.Argument(help="statement files to annotate")],
    framework: Annotated[str, typer.Option(help="uk-msa, au-msa or set")] = "uk-msa",
    out_csv: Annotated[Path, typer.Option("--out", help="labels sheet to fill in")] = Path("labels.csv"),
) -> None:
    """Write a blank labels sheet (fill `present` with 1/0 without looking at the tool's answer).

    Example: chainbreaker disclosure annotate statements/*.pdf --framework uk-msa --out labels.csv
    """
    from chainbreaker.portfolio.disclosure import write_annotation_template

    with user_errors():
        n = write_annotation_template(statements, framework, out_csv)
    out.print(f"{n} rows to label in {out_csv}")
