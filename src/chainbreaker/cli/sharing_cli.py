"""CLI of NGO-bank sharing: `share simulate` and the per-side steps (docs/sharing.md).

Each side runs its own steps on its own machine; only the `.msg` files cross (through the hub), and they hold
blinded values only. Private state (the side's secret and its position map) stays in the side's folder.
"""

from __future__ import annotations

import csv
from pathlib import Path

import typer

from chainbreaker.cli.common import WORKSPACE_OPTION, console, user_errors, workspace_at
from chainbreaker.core.errors import InputError

share_app = typer.Typer(
    help=(
        "Private matching between an NGO's list and a bank's customers (commutative blinding).\n\n"
        "Example: chainbreaker share simulate --records records.csv -w WS --out matches.csv --transcript t/"
    )
)

BANK_MATCH_COLUMNS = ("party_id", "category", "matched_on", "handle", "partnership", "listed_on", "kind")
MIN_SUBMISSION = typer.Option(50, "--min-submission", help="refuse NGO lists smaller than this (T7)")
MIN_REQUEST = typer.Option(50, "--min-request", help="refuse bank requests smaller than this (T7)")
WORKERS = typer.Option(None, "--workers", help="processes for blinding (default: CPU count)")


@share_app.command("simulate")
def simulate_cmd(
    records: Path = typer.Option(..., "--records", help="the NGO's RECORDS.csv"),
    workspace: Path = WORKSPACE_OPTION,
    out: Path = typer.Option(..., "--out", help="matches.csv: record_id, party_id, category, matched_on"),
    transcript: Path = typer.Option(..., "--transcript", help="folder for every message that crosses"),
    rejects: Path | None = typer.Option(None, "--rejects", help="default OUT with .rejects.csv"),
    min_submission: int = MIN_SUBMISSION,
    min_request: int = MIN_REQUEST,
    workers: int | None = WORKERS,
) -> None:
    """Run the whole exchange locally with a separate secret on each side (demo and tests).

    Example: chainbreaker share simulate --records records.csv -w WS --out matches.csv --transcript t/
    """
    from chainbreaker.sharing.limits import SharingPolicy
    from chainbreaker.sharing.simulate import simulate

    with user_errors():
        result = simulate(
            records,
            workspace_at(workspace),
            out,
            transcript,
            policy=SharingPolicy(min_submission=min_submission, min_request=min_request),
            rejects=rejects,
            workers=workers,
        )
    console.print(
        f"records read {result.read} = accepted {result.accepted} + rejected {result.rejected}; "
        f"NGO identifiers {result.ngo_items}, bank identifiers {result.bank_items}; "
        f"{len(result.matches)} matches -> {out}; transcript {transcript} ({result.seconds['total']:.1f} s)"
    )


@share_app.command("submit")
def submit_cmd(
    records: Path = typer.Option(..., "--records", help="the NGO's RECORDS.csv"),
    partnership: str = typer.Option(..., "--partnership", help="partnership id at the hub"),
    purpose: str = typer.Option(..., "--purpose", help="why this list is shared (kept with the submission)"),
    out: Path = typer.Option(..., "--out", help="submission .msg to upload to the hub"),
    state: Path = typer.Option(..., "--state", help="private state file (secret; stays with the NGO)"),
    rejects: Path | None = typer.Option(None, "--rejects", help="default OUT with .rejects.csv"),
    min_submission: int = MIN_SUBMISSION,
    bucket: int = typer.Option(
        1024, "--bucket", min=16, help="pad each list to a multiple of this (the partnership's)"
    ),
    workers: int | None = WORKERS,
) -> None:
    """NGO step 1: blind the list, one padded list per category.

    Example: chainbreaker share submit --records r.csv --partnership P --purpose "..." --out sub.msg --state ngo.json
    """
    from chainbreaker.sharing import protocol
    from chainbreaker.sharing.limits import SharingPolicy
    from chainbreaker.sharing.records import read_records, write_rejects

    with user_errors():
        read = read_records(records)
        write_rejects(rejects or out.with_suffix(".rejects.csv"), read.rejects)
        message, ngo = protocol.submit(
            read.records,
            partnership=partnership,
            purpose=purpose,
            policy=SharingPolicy(min_submission=min_submission, bucket=bucket),
            workers=workers,
        )
        message.write(out)
        ngo.save(state)
    console.print(f"read {read.read} = accepted {len(read.records)} + rejected {len(read.rejects)}; {out}")


@share_app.command("request")
def request_cmd(
    workspace: Path = WORKSPACE_OPTION,
    submission: Path = typer.Option(..., "--submission", help="the NGO's submission .msg from the hub"),
    purpose: str = typer.Option(..., "--purpose", help="why the bank asks (kept with the request)"),
    out: Path = typer.Option(..., "--out", help="request .msg to send through the hub"),
    state: Path = typer.Option(..., "--state", help="private state file (secret; stays with the bank)"),
    min_request: int = MIN_REQUEST,
    workers: int | None = WORKERS,
) -> None:
    """Bank step 2: blind the bank's own identifiers.

    Example: chainbreaker share request -w WS --submission sub.msg --purpose "..." --out req.msg --state bank.json
    """
    from chainbreaker.sharing import protocol
    from chainbreaker.sharing.limits import SharingPolicy
    from chainbreaker.sharing.records import bank_items

    with user_errors():
        sub = protocol.Message.read(submission, "submission")
        items = bank_items(workspace_at(workspace))
        message, bank = protocol.request(
            items.items, sub, purpose=purpose, policy=SharingPolicy(min_request=min_request), workers=workers
        )
        message.write(out)
        bank.save(state)
    console.print(f"{len(items.items)} identifiers ({items.skipped} unusable skipped) -> {out}")


@share_app.command("respond")
def respond_cmd(
    request: Path = typer.Option(..., "--request", help="the bank's request .msg"),
    state: Path = typer.Option(..., "--state", help="the NGO's private state of the submission"),
    out: Path = typer.Option(..., "--out", help="response .msg to send back through the hub"),
    workers: int | None = WORKERS,
) -> None:
    """NGO step 3: apply the NGO's secret to the bank's values (the online step every comparison needs).

    Example: chainbreaker share respond --request req.msg --state ngo.json --out resp.msg
    """
    from chainbreaker.sharing import protocol
    from chainbreaker.sharing.limits import SharingPolicy

    with user_errors():
        req = protocol.Message.read(request, "request")
        protocol.respond(req, protocol.NgoState.load(state), policy=SharingPolicy(), workers=workers).write(
            out
        )
    console.print(f"answered {req.count} values -> {out}")


@share_app.command("match")
def match_cmd(
    submission: Path = typer.Option(..., "--submission", help="the NGO's submission .msg"),
    response: Path = typer.Option(..., "--response", help="the NGO's response .msg"),
    state: Path = typer.Option(..., "--state", help="the bank's private state of the request"),
    out: Path = typer.Option(
        ..., "--out", help="CSV: party_id, category, matched_on, handle, partnership, ..."
    ),
    workers: int | None = WORKERS,
) -> None:
    """Bank step 4: find the bank's parties in the NGO's lists.

    Example: chainbreaker share match --submission sub.msg --response resp.msg --state bank.json --out m.csv
    """
    from chainbreaker.sharing import protocol
    from chainbreaker.sharing.simulate import matched_on

    with user_errors():
        found = protocol.match(
            protocol.Message.read(submission, "submission"),
            protocol.Message.read(response, "response"),
            protocol.BankState.load(state),
            workers=workers,
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(BANK_MATCH_COLUMNS)
            for m in found:
                writer.writerow(
                    [m.party_id, m.category.value, matched_on(m), m.handle, m.partnership, m.created, m.kind]
                )
    console.print(f"{len(found)} matches -> {out}")


@share_app.command("apply")
def apply_cmd(
    matches: Path = typer.Option(..., "--matches", help="the CSV written by `share match`"),
    workspace: Path = WORKSPACE_OPTION,
    org: str = typer.Option("default", "--org", help="the bank's organisation id"),
    actor: str = typer.Option("share-apply", "--actor", help="who applies the matches (audit log)"),
    monitoring: Path | None = typer.Option(None, "--monitoring", help="default WS/monitoring"),
) -> None:
    """Bank: record what the matches do (risk signals, protection) and add them to monitoring's output.

    Then `chainbreaker cases build` joins the signalled parties to cases; protected parties are never raised.

    Example: chainbreaker share apply --matches bank-matches.csv -w WS
    """
    from chainbreaker.remedy.party_flags import export_party_flags
    from chainbreaker.sharing import effects
    from chainbreaker.sharing.protocol import BankMatch
    from chainbreaker.sharing.records import Category, parse_category
    from chainbreaker.storage import make_engine, session_factory, upgrade

    with user_errors():
        ws = workspace_at(workspace).require()
        found: list[BankMatch] = []
        with matches.open(newline="", encoding="utf-8") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                try:
                    category: Category = parse_category(row.get("category") or "")
                except ValueError as exc:
                    raise InputError(str(exc), file=str(matches), row=number, column="category") from None
                on = row.get("matched_on") or ""
                counterparty = on.split(":", 1)[1] if on.startswith("counterparty_account:") else None
                found.append(
                    BankMatch(
                        party_id=row["party_id"],
                        category=category,
                        kind=row.get("kind") or on,
                        handle=row["handle"],
                        counterparty=counterparty,
                        submission_id=row["handle"].split("#")[0],
                        partnership=row.get("partnership") or "",
                        created=row.get("listed_on") or "",
                    )
                )
        url = ws.cases_url()
        upgrade(url)
        with session_factory(make_engine(url))() as session:
            report = effects.apply_matches(session, org, actor, found)
            added, protected = effects.merge_into_monitoring(
                session, org, monitoring or ws.root / "monitoring"
            )
            session.commit()
            # protections also reach every later `monitor` run through the party flags file
            export_party_flags(session, org, ws.root)
    console.print(
        f"{report.signals} new risk signals, {report.protected} newly protected parties "
        f"({report.roles_changed} case roles set to likely victim); monitoring now has {added} shared alerts "
        f"and {protected} protected parties"
    )


@share_app.command("resolve")
def resolve_cmd(
    handle: str = typer.Argument(..., help="the handle a bank cites in a request for information"),
    state: Path = typer.Option(..., "--state", help="the NGO's private state of the submission"),
) -> None:
    """NGO: which record a handle is (for answering a request for information).

    Example: chainbreaker share resolve sub-0123456789abcdef#42 --state ngo.json
    """
    from chainbreaker.sharing import protocol

    with user_errors():
        record_id, kind = protocol.resolve(protocol.NgoState.load(state), handle)
    console.print(f"{handle}: record {record_id} matched on {kind}")


@share_app.command("demo-data")
def demo_data_cmd(
    folder: Path = typer.Option(..., "--out", help="folder for bank/ (a workspace), records.csv, truth.csv"),
    parties: int = typer.Option(5000, "--parties"),
    records: int = typer.Option(1000, "--records"),
    seed: int = typer.Option(7, "--seed"),
) -> None:
    """Write a synthetic bank and NGO list with known overlaps and realistic differences.

    Example: chainbreaker share demo-data --out demo/ --parties 5000 --records 1000
    """
    from chainbreaker.sharing.synthetic import make_world

    with user_errors():
        world = make_world(folder, parties, records, seed=seed)
    console.print(
        f"bank workspace {world.workspace.root}; records {world.records_csv}; truth {world.truth_csv}"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(share_app, name="share")
