"""CLI commands of the registry domain (registered on the root app by cli/main.py).

Each command is a thin shell around one library call in `chainbreaker.registry`.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from chainbreaker.cli.common import WORKSPACE_OPTION, console, out, progress, user_errors, workspace_at
from chainbreaker.core.demo_lists import list_label

registry_app = typer.Typer(
    name="registry",
    help="Adverse-action and sanctions lists as FollowTheMoney entities, with editions and history.\n\n"
    "Example: chainbreaker registry load un_sc_sanctions consolidated.xml --workspace ws",
    no_args_is_help=True,
)


class ExportFormat(StrEnum):
    ftm = "ftm"
    parquet = "parquet"


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root app."""
    app.add_typer(registry_app, name="registry")


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"not a date (YYYY-MM-DD): {value}") from exc


@registry_app.command("load")
def load(
    source: Annotated[
        str,
        typer.Argument(
            help="us_ofac_sdn, us_ofac_cons, un_sc_sanctions, gb_hmt_sanctions, eu_fsf, "
            "br_lista_suja, us_dol_ilab, us_cbp_wro, us_dhs_uflpa, walkfree_gsi, ftm or custom"
        ),
    ],
    path: Annotated[Path, typer.Argument(help="the publisher's file, or a folder for OFAC's CSV sets")],
    workspace: Path = WORKSPACE_OPTION,
    edition_date: Annotated[
        str | None, typer.Option("--edition-date", help="YYYY-MM-DD, for files that do not print their date")
    ] = None,
    dataset: Annotated[
        str | None, typer.Option("--dataset", help="dataset name for ftm/custom lists")
    ] = None,
    allow_shrink: Annotated[
        str | None,
        typer.Option(
            "--allow-shrink",
            help="load an edition that removes more entities than the source normally does; give the "
            "reason (kept in the audit log)",
        ),
    ] = None,
) -> None:
    """Load one edition of a list; the same file twice changes nothing.

    An edition that looks damaged (cut off, older than the loaded one, or removing far more entities than
    the source's normal turnover) is refused; `--allow-shrink "reason"` loads a real large delisting.

    Example: chainbreaker registry load us_ofac_sdn ./ofac/ --workspace ws --edition-date 2021-07-07
    """
    import getpass

    from chainbreaker.cases.system_events import audit_recorder
    from chainbreaker.registry import load_source

    with user_errors(), progress() as bar:
        task = bar.add_task(f"loading {source}", total=None)

        def step(stage: str, done: int, total: int | None) -> None:
            bar.update(task, description=f"{source}: {stage}", completed=done, total=total)

        ws = workspace_at(workspace)
        report = load_source(
            ws,
            source,
            path,
            step,
            edition_date=_day(edition_date),
            dataset=dataset,
            allow_shrink=allow_shrink,
            on_event=audit_recorder(ws, getpass.getuser()),
        )
    if report.unchanged:
        console.print(f"{report.dataset}: edition {report.edition} was already loaded; nothing changed")
        return
    console.print(
        f"{report.dataset}: edition {report.edition} — {report.rows_read} rows read, {report.entities} entities, "
        f"{report.facts} goods facts, {report.rejected} rejected, {report.skipped} skipped; "
        f"{report.added} added, {report.removed} removed, {report.changed} changed"
    )
    if report.shrink_allowed:
        console.print(f"  removals beyond the normal turnover allowed: {report.shrink_allowed} (audited)")
    for title, reasons in (("rejected", report.reject_reasons), ("skipped", report.skip_reasons)):
        for reason, count in reasons.items():
            console.print(f"  {title} {count}× {reason}")
    if report.rejects_file:
        console.print(f"  rows and reasons: {report.rejects_file}")


@registry_app.command("list")
def list_(workspace: Path = WORKSPACE_OPTION) -> None:
    """List loaded datasets with their latest edition and counts.

    Example: chainbreaker registry list --workspace ws
    """
    from chainbreaker.registry import RegistryStore

    with user_errors(), RegistryStore(workspace_at(workspace).require()) as store:
        rows = store.datasets()
    table = _table("dataset", "latest edition", "date", "editions", "active entities", "goods facts")
    for row in rows:
        table.add_row(
            list_label(row["dataset"]),
            row["edition"],
            str(row["edition_date"]),
            str(row["editions"]),
            str(row["active"]),
            str(row["facts"]),
        )
    out.print(table)


@registry_app.command("show")
def show(
    entity_id: Annotated[str, typer.Argument(help="entity id, e.g. us_ofac_sdn-15036")],
    workspace: Path = WORKSPACE_OPTION,
) -> None:
    """Show one listed entity with every statement's provenance (edition, first and last seen).

    Example: chainbreaker registry show un_sc_sanctions-6908051 --workspace ws
    """
    from chainbreaker.registry import RegistryStore

    with user_errors(), RegistryStore(workspace_at(workspace).require()) as store:
        row = store.get(entity_id)
        statements = store.statements(entity_id)
    out.print(
        f"[bold]{row['caption']}[/bold] ({row['schema']}) {row['entity_id']}  "
        f"dataset={list_label(row['dataset'])} source_id={row['source_id']} active={row['active']}"
    )
    table = _table("prop", "value", "as published", "first seen", "last seen", "current")
    for st in statements:
        table.add_row(
            st["prop"],
            st["value"][:80],
            (st["original_value"] or "")[:40],
            _d(st["first_seen"]),
            _d(st["last_seen"]),
            "yes" if st["current"] else "no",
        )
    out.print(table)


def _table(*columns: str) -> Table:
    """A table whose cells wrap instead of being cut, so ids stay copyable on narrow terminals."""
    table = Table()
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def _d(value: datetime | None) -> str:
    return value.date().isoformat() if value else ""


@registry_app.command("search")
def search(
    text: Annotated[str, typer.Argument(help="words of a name, or an identifier")],
    workspace: Path = WORKSPACE_OPTION,
    limit: Annotated[int, typer.Option("--limit")] = 20,
    dataset: Annotated[str | None, typer.Option("--dataset")] = None,
) -> None:
    """Find listed entities by name words or identifier (a look-up, not screening).

    Example: chainbreaker registry search "xinjiang production" --workspace ws
    """
    from chainbreaker.registry import RegistryStore

    with user_errors(), RegistryStore(workspace_at(workspace).require()) as store:
        rows = store.search(text, limit=limit, dataset=dataset)
    table = _table("entity_id", "schema", "caption", "countries", "active")
    for row in rows:
        table.add_row(
            row["entity_id"],
            row["schema"],
            row["caption"],
            ",".join(row["countries"]),
            "yes" if row["active"] else "no",
        )
    out.print(table)


@registry_app.command("diff")
def diff(
    dataset: Annotated[str, typer.Argument(help="dataset (source name)")],
    from_edition: Annotated[str, typer.Option("--from", help="edition id or date")],
    to_edition: Annotated[str, typer.Option("--to", help="edition id or date")],
    workspace: Path = WORKSPACE_OPTION,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines on stdout")] = False,
) -> None:
    """List entities added, removed and values changed between two editions.

    Example: chainbreaker registry diff br_lista_suja --from 2023-03-09 --to 2026-01-28 --workspace ws
    """
    from chainbreaker.registry import RegistryStore

    with user_errors(), RegistryStore(workspace_at(workspace).require()) as store:
        changes = store.diff(dataset, from_edition, to_edition)
    if as_json:
        for ch in changes:
            typer.echo(json.dumps(ch.__dict__, ensure_ascii=False))
        return
    table = _table("change", "entity_id", "prop", "old", "new")
    for ch in changes:
        table.add_row(ch.change, ch.entity_id, ch.prop or "", (ch.old or "")[:50], (ch.new or "")[:50])
    out.print(table)
    counts = {k: sum(1 for c in changes if c.change == k) for k in ("added", "removed")}
    changed = len({c.entity_id for c in changes if c.change == "changed"})
    console.print(f"{counts['added']} added, {counts['removed']} removed, {changed} changed")


@registry_app.command("export")
def export(
    output: Annotated[Path, typer.Option("--out", "-o", help="file (ftm) or folder (parquet)")],
    fmt: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.ftm,
    workspace: Path = WORKSPACE_OPTION,
    dataset: Annotated[str | None, typer.Option("--dataset")] = None,
) -> None:
    """Export entities as FtM JSON lines (yente, nomenklatura) or all registry tables as Parquet (Spark).

    Example: chainbreaker registry export --format ftm --out registry.ftm.json --workspace ws
    """
    from chainbreaker.registry import RegistryStore

    with user_errors(), RegistryStore(workspace_at(workspace).require()) as store:
        if fmt is ExportFormat.ftm:
            count = store.export_ftm(output, dataset=dataset)
            console.print(f"{count} entities written to {output}")
        else:
            written = store.export_parquet(output)
            console.print(", ".join(f"{t}: {n}" for t, n in written.items()) + f" → {output}")
