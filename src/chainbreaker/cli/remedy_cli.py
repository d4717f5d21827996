"""CLI commands of the remedy domain: `cases restitution` and the `remedy` group (grievances, referrals,
exit reviews). Each command is a thin shell around one library function in `chainbreaker.remedy`."""

from __future__ import annotations

from pathlib import Path

import typer

from chainbreaker.cli.cases_cli import ACTOR_OPTION, ORG_OPTION, _actor, _print_json, cases_app
from chainbreaker.cli.common import WORKSPACE_OPTION, out, user_errors, workspace_at

remedy_app = typer.Typer(
    help="Remedy and inclusion: grievances, survivor referrals, exit reviews.\n\n"
    "Example: chainbreaker remedy grievances -w WS"
)
ROLE_OPTION = typer.Option("analyst", "--role", help="your role: analyst or supervisor")
POLICY_OPTION = typer.Option(None, "--policy", help="the bank's referral policy YAML (default: packaged)")


@cases_app.command("restitution")
def restitution_command(
    case_id: str = typer.Argument(..., help="case reference or number"),
    output: Path = typer.Option(..., "-o", "--output", help="schedule CSV to write (one row per victim)"),
    html: Path | None = typer.Option(None, "--html", help="also write a printable HTML schedule"),
    workspace: Path = WORKSPACE_OPTION,
    org: str = ORG_OPTION,
) -> None:
    """Count the wages paid to, swept from and charged to each victim of a case: a restitution schedule.

    Writes OUTPUT (`party_id, wages_in, swept_out, fees, owed`, ...) and OUTPUT's evidence file
    (`<name>.evidence.csv`: every transaction counted, with the rule that counted it).

    Example: chainbreaker cases restitution C-000003 -w WS -o schedule.csv --html schedule.html
    """
    from chainbreaker.cases.store import store_session
    from chainbreaker.cases.workflow import get_case
    from chainbreaker.engines.factory import get_engine
    from chainbreaker.remedy.export import render_schedule_html, write_evidence_csv, write_schedule_csv
    from chainbreaker.remedy.restitution import schedule_for_case

    ws = workspace_at(workspace)
    with user_errors(), store_session(ws) as session:
        case = get_case(session, org, case_id)
        with get_engine("duckdb", ws) as engine:
            schedule = schedule_for_case(engine, case)
    write_schedule_csv(schedule, output)
    evidence = write_evidence_csv(schedule, output.with_suffix(".evidence.csv"))
    if html is not None:
        html.write_text(render_schedule_html(schedule), encoding="utf-8")
    for note in schedule.notes:
        out.print(f"note: {note}")
    out.print(
        f"{schedule.case_reference}: {len(schedule.victims)} victim(s), owed {schedule.total('owed'):.2f} "
        f"(swept {schedule.total('swept_out'):.2f}, fees {schedule.total('fees'):.2f}, diverted "
        f"{schedule.total('diverted'):.2f}); wrote {output} and {evidence}"
    )


@remedy_app.command("grievances")
def grievances_command(
    workspace: Path = WORKSPACE_OPTION,
    org: str = ORG_OPTION,
    overdue_only: bool = typer.Option(False, "--overdue", help="only those past a deadline"),
) -> None:
    """List grievances (never the complainant's contact).

    Example: chainbreaker remedy grievances --org bank-a -w WS
    """
    from sqlalchemy import select

    from chainbreaker.cases.store import store_session
    from chainbreaker.remedy import grievances
    from chainbreaker.storage.remedy_models import Grievance

    with user_errors(), store_session(workspace_at(workspace)) as session:
        rows = (
            grievances.overdue(session, org)
            if overdue_only
            else session.scalars(
                select(Grievance).where(Grievance.org_id == org).order_by(Grievance.id)
            ).all()
        )
        for g in rows:
            out.print(
                f"{g.reference}\t{g.status}\t{g.category}\t{g.about_name}\tack by {g.acknowledge_due:%Y-%m-%d}"
                f"\t{g.linked_kind or '-'} {g.linked_id or ''}"
            )


@remedy_app.command("grievance-step")
def grievance_step_command(
    reference: str = typer.Argument(..., help="grievance reference, e.g. G-000001"),
    kind: str = typer.Argument(..., help="acknowledge, assess, engage, leverage, remedy, close or note"),
    detail: str = typer.Option(..., "--detail", help="what was done"),
    cooperation: str | None = typer.Option(None, "--cooperation", help="cooperating or not_cooperating"),
    outcome: str | None = typer.Option(None, "--outcome", help="with close: remedied, partly_remedied, ..."),
    role: str = ROLE_OPTION,
    workspace: Path = WORKSPACE_OPTION,
    org: str = ORG_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Move a grievance along: acknowledge, assess, engage the client, use leverage, agree remedy, close.

    Example: chainbreaker remedy grievance-step G-000001 leverage --detail "covenant waiver refused"
    --cooperation not_cooperating -w WS
    """
    from chainbreaker.cases.store import store_session
    from chainbreaker.remedy import grievances
    from chainbreaker.remedy.party_flags import export_party_flags

    ws = workspace_at(workspace)
    with user_errors(), store_session(ws) as session:
        g = grievances.take_step(
            session,
            org,
            reference,
            kind,
            detail,
            _actor(actor),
            role,
            cooperation=cooperation,
            outcome=outcome,
        )
        if cooperation is not None:  # a risk note monitoring reads on its next run
            session.commit()
            export_party_flags(session, org, ws.root)
        out.print(f"{g.reference}: {g.status} (cooperation: {g.cooperation})")


@remedy_app.command("grievance-link")
def grievance_link_command(
    reference: str = typer.Argument(..., help="grievance reference"),
    party_id: str | None = typer.Option(None, "--party", help="link to this party (else: suggest)"),
    kind: str = typer.Option("corporate_client", "--kind", help="customer, corporate_client or holding"),
    workspace: Path = WORKSPACE_OPTION,
    org: str = ORG_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Suggest (with the screening matcher) or record which party a grievance is about.

    Example: chainbreaker remedy grievance-link G-000001 -w WS      (then --party P00000042)
    """
    from chainbreaker.cases.store import store_session
    from chainbreaker.engines.factory import get_engine
    from chainbreaker.remedy import grievances
    from chainbreaker.remedy.linking import suggest_links

    ws = workspace_at(workspace)
    with user_errors(), store_session(ws) as session:
        g = grievances.get(session, org, reference)
        if party_id is None:
            with get_engine("duckdb", ws) as engine:
                found = suggest_links(engine, g.about_name, g.about_country)
            if not found:
                out.print(f"no party of the workspace resembles {g.about_name!r}")
            for s in found:
                out.print(f"{s.party_id}\t{s.kind}\t{s.score:.2f}\t{s.name}\t{s.explanation}")
            return
        grievances.link(session, org, reference, kind, party_id, _actor(actor))
        out.print(f"{reference} linked to {kind} {party_id}")


@remedy_app.command("referral-receive")
def referral_receive_command(
    from_org: str = typer.Option(..., "--from", help="the referring NGO's organisation id"),
    name: str = typer.Option(..., "--name", help="the survivor's name"),
    documents: str = typer.Option("", "--documents", help="comma-separated document kinds they have"),
    policy: Path | None = POLICY_OPTION,
    workspace: Path = WORKSPACE_OPTION,
    org: str = ORG_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Receive a survivor referral from a support organisation and check the documents against the policy.

    Example: chainbreaker remedy referral-receive --from ngo-x --name "Ana Souza"
    --documents consular_id,ngo_letter --org bank-a -w WS
    """
    from chainbreaker.cases.store import store_session
    from chainbreaker.remedy import referrals

    rules = referrals.load_policy(policy)
    docs = [d.strip() for d in documents.split(",") if d.strip()]
    with user_errors(), store_session(workspace_at(workspace)) as session:
        r = referrals.receive(session, org, from_org, name, docs, _actor(actor), rules)
        ok, why = referrals.documents_sufficient(r, rules)
        out.print(f"{r.reference}: {'documents sufficient' if ok else 'still needs ' + why}")


@remedy_app.command("referral-open")
def referral_open_command(
    reference: str = typer.Argument(..., help="referral reference, e.g. R-000001"),
    party_id: str = typer.Option(..., "--party", help="the new customer's party id"),
    account_id: str = typer.Option(..., "--account", help="the basic account's id"),
    policy: Path | None = POLICY_OPTION,
    workspace: Path = WORKSPACE_OPTION,
    org: str = ORG_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Record the account opened for a referral; the person is then protected (no automated exit).

    Example: chainbreaker remedy referral-open R-000001 --party P00900001 --account A00900001 -w WS
    """
    from chainbreaker.cases.store import store_session
    from chainbreaker.remedy import referrals
    from chainbreaker.remedy.party_flags import export_party_flags

    rules = referrals.load_policy(policy)
    ws = workspace_at(workspace)
    with user_errors(), store_session(ws) as session:
        r = referrals.open_account(session, org, reference, party_id, account_id, _actor(actor), rules)
        session.commit()  # the protection monitoring reads on its next run
        export_party_flags(session, org, ws.root)
        out.print(f"{r.reference}: account {r.account_id} opened; {r.party_id} is protected")


@remedy_app.command("export-flags")
def export_flags_command(workspace: Path = WORKSPACE_OPTION, org: str = ORG_OPTION) -> None:
    """Write the case store's risk notes and protected survivors to WS/remedy/party_flags.parquet.

    `monitor` reads that file on every run: a risk note raises the party's risk, a protected survivor is
    never scored as the subject. The service and the remedy commands rewrite it after each change; this
    command rewrites it by hand (e.g. after restoring a case store).

    Example: chainbreaker remedy export-flags -w WS
    """
    from chainbreaker.cases.store import store_session
    from chainbreaker.remedy.party_flags import export_party_flags, flag_rows

    ws = workspace_at(workspace)
    with user_errors(), store_session(ws) as session:
        rows = flag_rows(session, org)
        path = export_party_flags(session, org, ws.root)
    notes = sum(1 for r in rows if r["flag"] == "risk_note")
    out.print(f"{notes} risk notes and {len(rows) - notes} protections of {org} -> {path}")


@remedy_app.command("referral-figures")
def referral_figures_command(workspace: Path = WORKSPACE_OPTION, org: str = ORG_OPTION) -> None:
    """Referrals, accounts opened, time to open, accounts active after 6 and 12 months.

    Example: chainbreaker remedy referral-figures --org bank-a -w WS
    """
    from dataclasses import asdict

    from chainbreaker.cases.store import store_session
    from chainbreaker.remedy import referrals

    with user_errors(), store_session(workspace_at(workspace)) as session:
        _print_json(asdict(referrals.figures(session, org)))


@remedy_app.command("exit-review")
def exit_review_command(
    party_id: str = typer.Argument(..., help="the party whose account or relationship would end"),
    reason: str = typer.Option(..., "--reason", help="why exit: trafficking_subject, fraud, ..."),
    decision: str = typer.Option(
        ..., "--decision", help="exit, retain_under_review, retain_with_support or offer_basic_account"
    ),
    rationale: str = typer.Option(..., "--rationale", help="the reasons, in words"),
    business: bool = typer.Option(False, "--business", help="a business client (leverage question)"),
    leverage: bool | None = typer.Option(None, "--leverage/--no-leverage", help="was leverage tried first?"),
    role: str = ROLE_OPTION,
    workspace: Path = WORKSPACE_OPTION,
    org: str = ORG_OPTION,
    actor: str | None = ACTOR_OPTION,
) -> None:
    """Review an exit before closing an account linked to alerts (needed before close_account).

    Example: chainbreaker remedy exit-review P00000042 --reason trafficking_subject --decision exit
    --rationale "controller of the ring; case reported" --role supervisor -w WS
    """
    from chainbreaker.cases.store import store_session
    from chainbreaker.remedy import exits

    with user_errors(), store_session(workspace_at(workspace)) as session:
        r = exits.review_exit(
            session,
            org,
            party_id,
            exit_reason=reason,
            decision=decision,
            rationale=rationale,
            actor=_actor(actor),
            actor_role=role,
            business_client=business,
            leverage_tried=leverage,
        )
        flags = ", ".join(
            f for f, on in (("likely victim", r.likely_victim), ("protected", r.protected)) if on
        )
        out.print(f"exit review {r.id}: {r.decision}{' (' + flags + ')' if flags else ''}")


@remedy_app.command("exits")
def exits_command(workspace: Path = WORKSPACE_OPTION, org: str = ORG_OPTION) -> None:
    """Exits by reason, and how many touched likely victims or protected survivors.

    Example: chainbreaker remedy exits --org bank-a -w WS
    """
    from dataclasses import asdict

    from chainbreaker.cases.store import store_session
    from chainbreaker.remedy import exits

    with user_errors(), store_session(workspace_at(workspace)) as session:
        _print_json(asdict(exits.exits_report(session, org)))


@remedy_app.command("report")
def report_command(
    period: str = typer.Option(
        ..., "--period", help="a year (2026) or a range FROM:TO (2026-01-01:2026-07-01)"
    ),
    k: int = typer.Option(10, "--k", help="no published cell from fewer grievances than this"),
    out_dir: Path = typer.Option(..., "--out", help="folder for grievances.csv and grievances.html"),
    workspace: Path = WORKSPACE_OPTION,
    org: str = ORG_OPTION,
) -> None:
    """The public report on grievances by category and outcome, with small cells withheld.

    Example: chainbreaker remedy report --period 2026 --k 10 --out public/ -w WS --org bank-a
    """
    from datetime import datetime

    from chainbreaker.cases.store import store_session
    from chainbreaker.core.errors import InputError
    from chainbreaker.remedy.publication import public_report, write_public_report

    with user_errors():
        try:
            if ":" in period:
                first, last = (datetime.fromisoformat(p) for p in period.split(":", 1))
            else:
                first, last = datetime(int(period), 1, 1), datetime(int(period) + 1, 1, 1)
        except ValueError:
            raise InputError(
                f"period must be a year or FROM:TO dates, not {period!r}", column="--period"
            ) from None
        with store_session(workspace_at(workspace)) as session:
            report = public_report(session, org, first, last, k=k)
    csv_path, html_path = write_public_report(report, out_dir)
    hidden = sum(sum(row) for row in report.grid.hidden)
    out.print(f"{report.period}: {hidden} cell(s) withheld; wrote {csv_path} and {html_path}")


def register(app: typer.Typer) -> None:
    """`cases restitution` is attached to the cases group above; the remedy group is added here."""
    app.add_typer(remedy_app, name="remedy")
