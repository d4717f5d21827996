"""CLI commands of the cases domain: `cases build|list|show|assign|transition|comment|set-role|set-type|
account-action`, `audit verify` and `report` (registered on the root app by cli/main.py).

Each command is a thin shell around one library function in `chainbreaker.cases` or `chainbreaker.reports`.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Any

import typer

from chainbreaker.cli.common import WORKSPACE_OPTION, console, out, progress, user_errors, workspace_at

ORG_OPTION = typer.Option(
    "default", "--org", help="organisation id (the CLI's default organisation: default)"
)
ACTOR_OPTION = typer.Option(None, "--actor", help="who is acting (default: your login name)")
VERSION_OPTION = typer.Option(
    None, "--expect-version", help="fail if the case changed since you read this version"
)

ALERTS_OPTION = typer.Option(
    None, "--alerts", help="folder with alerts and party_risk (default WS/monitoring)"
)
HITS_OPTION = typer.Option(None, "--hits", help="screening hits file (default WS/screening/hits.parquet)")
OUTPUT_OPTION = typer.Option(..., "-o", "--output", help="file to write")
INSTITUTION_OPTION = typer.Option(None, "--institution", help="default WS/reporting/institution.yaml")
KYC_OPTION = typer.Option(None, "--kyc", help="default WS/reporting/kyc.csv")
SCHEMA_DIR_OPTION = typer.Option(None, "--schema-dir", help="folder holding the FIU's XSD")

cases_app = typer.Typer(
    help="Cases built from alerts and screening hits.\n\nExample: chainbreaker cases list -w WS"
)
audit_app = typer.Typer(help="The hash-chained audit log.\n\nExample: chainbreaker audit verify -w WS")


def _actor(actor: str | None) -> str:
    return actor or getpass.getuser()


def _print_json(data: Any) -> None:
    out.print_json(json.dumps(data, default=str))


@cases_app.command("build")
def build(
    workspace: Path = WORKSPACE_OPTION,
    alerts: Path | None = ALERTS_OPTION,
    hits: Path | None = HITS_OPTION,
    min_hit_score: float = typer.Option(
        0.75, "--min-hit-score", help="ignore screening hits below this score"
    ),
    org: str = ORG_OPTION,
    as_json: bool = typer.Option(False, "--json", help="print the build report as JSON"),
) -> None:
    """Group alerts that share a network, and screening hits, into cases (idempotent).

    Example: chainbreaker cases build -w WS
    """
    from chainbreaker.cases.builder import build_cases

    with user_errors(), progress() as bar:
        task = bar.add_task("building cases", total=None)
        report = build_cases(
            workspace_at(workspace),
            alerts_dir=alerts,
            hits_file=hits,
            org_id=org,
            min_hit_score=min_hit_score,
            on_progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    if as_json:
        _print_json(report.as_dict())
        return
    out.print(
        f"cases: {report.cases_created} created, {report.cases_updated} updated, {report.cases_unchanged} unchanged; "
        f"alerts: {report.alerts_added} added, {report.alerts_rescored} re-scored; "
        f"hits: {report.hits_added} added, {report.hits_updated} updated; evidence: {report.evidence_added}"
    )
    source = report.hits_file or "no screening results in the workspace (run `chainbreaker screen`)"
    out.print(
        f"screening hits joined to cases: {report.hits_joined} of {report.hits_read} read "
        f"(score >= {min_hit_score}) from {source}; organisation {org}"
    )
    if report.rejects:
        console.print(f"[yellow]{len(report.rejects)} row(s) rejected, see {report.rejects_path}[/yellow]")
    for warning in report.warnings[:20]:
        console.print(f"[yellow]warning:[/yellow] {warning}")


@cases_app.command("list")
def list_command(
    workspace: Path = WORKSPACE_OPTION,
    status: str | None = typer.Option(None, "--status", help="only cases in this status"),
    assignee: str | None = typer.Option(None, "--assignee", help="only cases assigned to this user"),
    org: str = ORG_OPTION,
    as_json: bool = typer.Option(False, "--json", help="JSON lines instead of a table"),
) -> None:
    """List cases, highest risk first.

    Example: chainbreaker cases list -w WS --json
    """
    from rich.table import Table

    from chainbreaker.cases.store import store_session
    from chainbreaker.cases.views import list_cases

    with user_errors(), store_session(workspace_at(workspace)) as session:
        rows = list_cases(session, org, status=status, assignee=assignee)
    if as_json:
        for row in rows:
            out.print(json.dumps(row.as_dict(), default=str), highlight=False, soft_wrap=True)
        return
    table = Table("case", "status", "type", "risk", "parties", "victims", "alerts", "assignee", "title")
    for r in rows:
        table.add_row(
            r.reference,
            r.status,
            r.trafficking_type,
            f"{r.risk_score:.2f}",
            str(r.parties),
            str(r.likely_victims),
            str(r.alerts),
            r.assignee or "",
            r.title,
        )
    out.print(table)


@cases_app.command("show")
def show(
    case_id: str = typer.Argument(..., help="case reference (C-000001) or number"),
    workspace: Path = WORKSPACE_OPTION,
    org: str = ORG_OPTION,
    as_json: bool = typer.Option(False, "--json", help="print the full case as JSON"),
) -> None:
    """Show one case: parties and roles, the survivor safeguard, alerts, timeline and audit trail.

    Example: chainbreaker cases show C-000001 -w WS
    """
    from chainbreaker.cases.store import store_session
    from chainbreaker.cases.views import case_view

    with user_errors(), store_session(workspace_at(workspace)) as session:
        view = case_view(session, org, case_id)
    if as_json:
        _print_json(view.as_dict())
        return
    out.print(f"[bold]{view.reference}[/bold] {view.title}")
    out.print(
        f"status {view.status} (next: {', '.join(view.allowed_transitions)}) · type {view.trafficking_type} · "
        f"risk {view.risk_score:.2f} · assignee {view.assignee or '-'} · version {view.version}"
    )
    if view.safeguard.applies:
        out.print(f"[green]{view.safeguard.message}[/green]")
        for alt in view.safeguard.alternatives:
            out.print(f"  - {alt.code}: {alt.title}")
        if view.safeguard.pending:
            out.print(f"  no account decision yet for: {', '.join(view.safeguard.pending)}")
    out.print("parties:")
    for p in view.parties:
        out.print(
            f"  {p['party_id']}: {p['role']}{' / ' + p['sub_role'] if p['sub_role'] else ''}"
            f"{' · ' + p['explanation'] if p['explanation'] else ''}"
        )
    if view.hits:
        out.print("list matches:")
    for h in view.hits:
        who = h["party_id"] or h["matched_party"]
        out.print(
            f"  {who} ~ {h['entity_name']} ({h['dataset']}, score {h['score']:.2f})"
            + (f" · {h['protection']}" if h["protection"] else "")
        )
    out.print("timeline:")
    for item in view.timeline:
        out.print(f"  {item.at:%Y-%m-%d %H:%M} {item.kind:11} {item.text}")
    for c in view.comments:
        out.print(f"comment by {c['author']} at {c['created_at']:%Y-%m-%d %H:%M}: {c['body']}")


@cases_app.command("assign")
def assign_command(
    case_id: str = typer.Argument(..., help="case reference or number"),
    assignee: str = typer.Argument(..., help="user to assign to ('-' to unassign)"),
    workspace: Path = WORKSPACE_OPTION,
    org: str = ORG_OPTION,
    actor: str | None = ACTOR_OPTION,
    expect_version: int | None = VERSION_OPTION,
) -> None:
    """Assign a case to an analyst.

    Example: chainbreaker cases assign C-000001 alice -w WS
    """
    from chainbreaker.cases.store import store_session
    from chainbreaker.cases.workflow import assign

    with user_errors(), store_session(workspace_at(workspace)) as session:
        case = assign(
            session,
            org,
            case_id,
            None if assignee == "-" else assignee,
            _actor(actor),
            expected_version=expect_version,
        )
        out.print(f"{case.reference} assigned to {case.assignee or 'nobody'} (version {case.version})")


@cases_app.command("transition")
def transition_command(
    case_id: str = typer.Argument(..., help="case reference or number"),
    to_status: str = typer.Argument(..., help="in_review, escalated, reported or closed"),
    reason: str | None = typer.Option(None, "--reason", help="required to close or reopen"),
    workspace: Path = WORKSPACE_OPTION,
    org: str = ORG_OPTION,
    actor: str | None = ACTOR_OPTION,
    expect_version: int | None = VERSION_OPTION,
    role: str = typer.Option(
        "analyst", "--role", help="your role (marking a case reported needs supervisor)"
    ),
) -> None:
    """Move a case through the workflow: new → in_review → escalated → reported, or closed with a reason.

    Example: chainbreaker cases transition C-000001 in_review -w WS
    """
    from chainbreaker.cases.store import store_session
    from chainbreaker.cases.workflow import transition

    with user_errors(), store_session(workspace_at(workspace)) as session:
        case = transition(
            session,
            org,
            case_id,
            to_status,
            _actor(actor),
            reason=reason,
            expected_version=expect_version,
            actor_role=role,
        )
        out.print(f"{case.reference} is now {case.status} (version {case.version})")


@cases_app.command("comment")
def comment_command(
    case_id: str = typer.Argument(..., help="case reference or number"),
    body: str = typer.Argument(..., help="the comment"),
    workspace: Path = WORKSPACE_OPTION,
    org: str = ORG_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Add a comment to a case.

    Example: chainbreaker cases comment C-000001 "Called branch; teller saw a third party translating" -w WS
    """
    from chainbreaker.cases.store import store_session
    from chainbreaker.cases.workflow import comment

    with user_errors(), store_session(workspace_at(workspace)) as session:
        note = comment(session, org, case_id, _actor(actor), body)
        out.print(f"comment {note.id} added")


@cases_app.command("set-role")
def set_role_command(
    case_id: str = typer.Argument(..., help="case reference or number"),
    party_id: str = typer.Argument(..., help="party id"),
    role: str = typer.Argument(..., help="subject, likely_victim, witness or unknown"),
    reason: str = typer.Option(..., "--reason", help="why (kept in the audit log)"),
    workspace: Path = WORKSPACE_OPTION,
    org: str = ORG_OPTION,
    actor: str | None = ACTOR_OPTION,
    expect_version: int | None = VERSION_OPTION,
    actor_role: str = typer.Option(
        "analyst", "--role", help="your role (taking a likely victim out of that role needs supervisor)"
    ),
) -> None:
    """Change a party's role in a case (the role decides who may be reported as suspect).

    Example: chainbreaker cases set-role C-000001 P00000042 likely_victim --reason "wages swept" -w WS
    """
    from chainbreaker.cases.store import store_session
    from chainbreaker.cases.workflow import set_party_role

    with user_errors(), store_session(workspace_at(workspace)) as session:
        party = set_party_role(
            session,
            org,
            case_id,
            party_id,
            role,
            _actor(actor),
            reason=reason,
            expected_version=expect_version,
            actor_role=actor_role,
        )
        out.print(f"{party.party_id} is now {party.role}")


@cases_app.command("set-type")
def set_type_command(
    case_id: str = typer.Argument(..., help="case reference or number"),
    trafficking_type: str = typer.Argument(..., help="sex, labour or mixed"),
    reason: str = typer.Option(..., "--reason", help="why (kept in the audit log)"),
    workspace: Path = WORKSPACE_OPTION,
    org: str = ORG_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Record whether a case is sex or labour trafficking (reports must say which).

    Example: chainbreaker cases set-type C-000002 labour --reason "recruitment fees" -w WS
    """
    from chainbreaker.cases.store import store_session
    from chainbreaker.cases.workflow import set_trafficking_type

    with user_errors(), store_session(workspace_at(workspace)) as session:
        case = set_trafficking_type(session, org, case_id, trafficking_type, _actor(actor), reason=reason)
        out.print(f"{case.reference} is {case.trafficking_type} trafficking")


@cases_app.command("account-action")
def account_action_command(
    case_id: str = typer.Argument(..., help="case reference or number"),
    party_id: str = typer.Argument(..., help="party id"),
    action: str = typer.Argument(
        ..., help="keep_under_review, refer_support_partner, offer_basic_account, close_account"
    ),
    role: str = typer.Option(
        "analyst", "--role", help="your role (closing a likely victim's account needs supervisor)"
    ),
    reason: str | None = typer.Option(None, "--reason", help="required to close a likely victim's account"),
    workspace: Path = WORKSPACE_OPTION,
    org: str = ORG_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Record what the bank does with a party's account (the survivor safeguard).

    Example: chainbreaker cases account-action C-000001 P00000042 refer_support_partner -w WS
    """
    from chainbreaker.cases.store import store_session
    from chainbreaker.cases.workflow import record_account_action

    with user_errors(), store_session(workspace_at(workspace)) as session:
        party = record_account_action(
            session, org, case_id, party_id, action, _actor(actor), role, reason=reason
        )
        out.print(f"{party.party_id}: {party.account_action}")


@audit_app.command("verify")
def audit_verify(
    workspace: Path = WORKSPACE_OPTION,
    org: str | None = typer.Option(None, "--org", help="only this organisation (default: all)"),
    as_json: bool = typer.Option(False, "--json", help="print the result (with head hashes) as JSON"),
    head: Path | None = typer.Option(
        None, "--head", help="a head exported earlier with `chainbreaker audit head` (kept off this machine)"
    ),
) -> None:
    """Recompute the audit log's hash chain and every case's audited state; exit 1 when an entry or a case
    row was changed or deleted, or the chain is shorter than its anchored or exported head.

    Example: chainbreaker audit verify -w WS --head /media/usb/audit-head-2026-12-04.json
    """
    from chainbreaker.cases.audit import verify
    from chainbreaker.cases.store import store_session

    exported = json.loads(head.read_text(encoding="utf-8"))["heads"] if head is not None else None
    with user_errors(), store_session(workspace_at(workspace)) as session:
        result = verify(session, org, head=exported)
    if as_json:
        _print_json(result.as_dict())
    else:
        for org_id, count in sorted(result.checked.items()):
            out.print(f"{org_id}: {count} entries checked")
        for problem in result.problems:
            console.print(f"[red]{problem.org_id} #{problem.seq}: {problem.kind}: {problem.message}[/red]")
        if result.ok:
            out.print("audit log intact")
    if not result.ok:
        raise typer.Exit(1)


@audit_app.command("head")
def audit_head(workspace: Path = WORKSPACE_OPTION) -> None:
    """Print each organisation's newest audit entry (sequence and hash) as JSON, to keep elsewhere.

    A PostgreSQL case store has no anchor file; keep this output off the database server and check it
    later with `chainbreaker audit verify --head FILE`.

    Example: chainbreaker audit head -w WS > /media/usb/audit-head-2026-12-04.json
    """
    from chainbreaker.cases.audit import export_head
    from chainbreaker.cases.store import store_session

    with user_errors(), store_session(workspace_at(workspace)) as session:
        _print_json({"heads": export_head(session)})


def report_command(
    case_id: str = typer.Argument(..., help="case reference (C-000001) or number"),
    workspace: Path = WORKSPACE_OPTION,
    fmt: str = typer.Option(..., "--format", "-f", help="goaml, fincen-sar or html"),
    profile: str | None = typer.Option(
        None, "--profile", help="FIU profile (default: uae for goaml, fincen)"
    ),
    output: Path = OUTPUT_OPTION,
    org: str = ORG_OPTION,
    actor: str | None = ACTOR_OPTION,
    institution: Path | None = INSTITUTION_OPTION,
    kyc: Path | None = KYC_OPTION,
    schema_dir: Path | None = SCHEMA_DIR_OPTION,
    smuggling: bool = typer.Option(
        False, "--smuggling", help="FinCEN: human smuggling (926) not trafficking"
    ),
) -> None:
    """Export a case as a validated goAML or FinCEN SAR XML, or an HTML narrative.

    Missing mandatory fields are listed one by one and nothing is written.

    Example: chainbreaker report C-000001 -w WS --format goaml --profile uae -o c1.xml
    """
    from chainbreaker.reports import export_report

    with user_errors():
        result = export_report(
            workspace_at(workspace),
            case_id,
            fmt,
            profile,
            output,
            org_id=org,
            actor=_actor(actor),
            institution_path=institution,
            kyc_path=kyc,
            schema_dir=schema_dir,
            smuggling=smuggling,
        )
    checked = f", valid against {result.validated_against.name}" if result.validated_against else ""
    out.print(
        f"{result.case}: {result.format} ({result.trafficking_type} trafficking) written to {result.path}"
        f"{checked}; sha256 {result.sha256[:16]}…"
    )


reporting_app = typer.Typer(
    help="Prepare FIU reporting (institution and KYC templates).", no_args_is_help=True
)


@reporting_app.command("init")
def reporting_init(
    workspace: Path = WORKSPACE_OPTION,
    case: str | None = typer.Option(None, "--case", help="add one blank KYC row per party of this case"),
    org: str = ORG_OPTION,
) -> None:
    """Write WS/reporting/institution.yaml and kyc.csv templates with every field the FIU profiles need.

    Example: chainbreaker reporting init -w WS --case C-000001
    """
    from chainbreaker.cases.store import store_session
    from chainbreaker.reports.setup import init_reporting

    ws = workspace_at(workspace)
    with user_errors():
        if case is None:
            files = init_reporting(None, ws, org)
        else:
            with store_session(ws) as session:
                files = init_reporting(session, ws, org, case)
    out.print(f"written: {files.institution}")
    out.print(f"written: {files.kyc} ({files.kyc_rows} blank KYC row(s) to fill)")
    out.print(
        "fill them from your records, then: chainbreaker report CASE -w WS --format goaml --schema-dir DIR"
    )


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root app."""
    app.add_typer(cases_app, name="cases")
    app.add_typer(reporting_app, name="reporting")
    app.add_typer(audit_app, name="audit")
    app.command("report")(report_command)
