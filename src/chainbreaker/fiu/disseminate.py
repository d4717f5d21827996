"""Dissemination (Key 10d): one FIU case packaged for a partner agency or a foreign FIU.

The package holds the selected reports of the case and its network (resolved persons with their role, and
which filers named them), as goAML-style XML and a printable HTML summary. Every package is recorded in the
FIU's hash-chained audit log with the legal basis the analyst entered, the recipient and the files' SHA-256,
and in `fiu_disseminations` (which feedback to filers reads). Likely victims are marked as such, so a
recipient never mistakes them for suspects.
"""

from __future__ import annotations

import hashlib
from contextlib import nullcontext
from dataclasses import dataclass
from html import escape
from pathlib import Path

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from chainbreaker.cases import audit
from chainbreaker.cases.store import store_session
from chainbreaker.core.errors import InputError, NotFoundError
from chainbreaker.core.workspace import Workspace
from chainbreaker.fiu.store import owner
from chainbreaker.reports.validate import write_atomic
from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.db import DEFAULT_ORG_ID
from chainbreaker.storage.fiu_models import FiuCase

DDL = """CREATE TABLE IF NOT EXISTS fiu_disseminations (package_id VARCHAR PRIMARY KEY, case_id VARCHAR NOT NULL,
    recipient VARCHAR NOT NULL, legal_basis VARCHAR NOT NULL, analyst VARCHAR NOT NULL, report_ids VARCHAR[],
    xml_sha256 VARCHAR, created_at TIMESTAMP)"""


@dataclass(frozen=True)
class Package:
    package_id: str
    xml_path: Path
    html_path: Path
    reports: int
    persons: int
    sha256: str


def disseminate(
    workspace: Workspace,
    case_id: str,
    recipient: str,
    legal_basis: str,
    analyst: str,
    out_dir: Path,
    report_ids: list[str] | None = None,
    org_id: str | None = None,
    url: str | None = None,
    session: Session | None = None,
) -> Package:
    """Write the package for one FIU case and record it; refuses without a legal basis.

    The audit entry goes to `org_id`'s chain (default: the FIU holding the workspace) through `session`
    when the caller holds one (the service's request), else a session of the workspace's store.
    """
    if len(legal_basis.strip()) < 5:
        raise InputError(
            "a dissemination needs the legal basis (e.g. 'Art. 53 Directive 2015/849, Egmont request')"
        )
    if not recipient.strip():
        raise InputError("name the recipient agency or FIU")
    con = workspace.connect()
    try:
        con.execute(DDL)
        org_id = org_id or owner(con) or DEFAULT_ORG_ID
        in_case = [
            r
            for (r,) in con.execute(
                "SELECT report_id FROM fiu_case_reports WHERE case_id = ? ORDER BY report_id", [case_id]
            ).fetchall()
        ]
        if not in_case:
            raise NotFoundError(f"no FIU case {case_id}; run `chainbreaker fiu link` first")
        chosen = report_ids or in_case
        outside = sorted(set(chosen) - set(in_case))
        if outside:
            raise InputError(f"reports not in case {case_id}: {', '.join(outside)}")
        reports = con.execute(
            """SELECT report_id, source, entity_name, entity_reference, submitted_at, period_start, period_end,
                      trafficking_type, total_amount FROM fiu_reports WHERE list_contains(?, report_id)
               ORDER BY report_id""",
            [chosen],
        ).fetchall()
        persons = con.execute(
            """SELECT s.subject_id, any_value(p.name ORDER BY length(p.name) DESC),
                      bool_or(p.role = 'subject'), bool_or(p.role = 'victim'),
                      list(DISTINCT p.entity_id ORDER BY p.entity_id)
               FROM fiu_parties p JOIN fiu_resolved s USING (party_key)
               WHERE list_contains(?, p.report_id) GROUP BY 1 ORDER BY 1""",
            [chosen],
        ).fetchall()
        now = utcnow()
        package_id = f"{case_id}-{now:%Y%m%d%H%M%S}"
        root = etree.Element("dissemination")
        for tag, value in (
            ("package_id", package_id),
            ("case_id", case_id),
            ("recipient", recipient),
            ("legal_basis", legal_basis),
            ("created", now.replace(microsecond=0).isoformat()),
        ):
            etree.SubElement(root, tag).text = value
        rep = etree.SubElement(root, "reports")
        for rid, source, entity, ref, submitted, start, end, kind, amount in reports:
            node = etree.SubElement(rep, "report", source=source)
            for tag, value in (
                ("report_id", rid),
                ("reporting_entity", entity),
                ("entity_reference", ref),
                ("submission_date", submitted.isoformat() if submitted else ""),
                ("activity_from", start.isoformat() if start else ""),
                ("activity_to", end.isoformat() if end else ""),
                ("trafficking_type", kind),
                ("amount", f"{amount:.2f}" if amount is not None else ""),
            ):
                etree.SubElement(node, tag).text = str(value)
        net = etree.SubElement(root, "network")
        for sid, name, is_subject, is_victim, entities in persons:
            role = (
                "subject"
                if is_subject and not is_victim
                else "likely_victim"
                if is_victim and not is_subject
                else "both"
            )
            node = etree.SubElement(net, "person", id=sid, role=role)
            etree.SubElement(node, "name").text = name
            for entity in entities:
                etree.SubElement(node, "named_by").text = entity
        data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        sha = hashlib.sha256(data).hexdigest()
        out_dir.mkdir(parents=True, exist_ok=True)
        xml_path = out_dir / f"{package_id}.xml"
        html_path = out_dir / f"{package_id}.html"
        write_atomic(xml_path, data)
        rows = "".join(
            f"<tr><td>{escape(str(r[0]))}</td><td>{escape(str(r[2]))}</td><td>{escape(str(r[7]))}</td>"
            f"<td>{r[5]:%Y-%m-%d}</td></tr>"
            if r[5]
            else f"<tr><td>{escape(str(r[0]))}</td><td>{escape(str(r[2]))}</td><td>{escape(str(r[7]))}</td><td></td></tr>"
            for r in reports
        )
        people = "".join(
            f"<tr><td>{escape(p[0])}</td><td>{escape(p[1])}</td><td>{'likely victim – not a suspect' if p[3] and not p[2] else 'subject'}</td>"
            f"<td>{len(p[4])}</td></tr>"
            for p in persons
        )
        html = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>Dissemination {escape(package_id)}</title><style>body{{font-family:serif;max-width:50rem;"
            "margin:2rem auto}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2rem .4rem}"
            "</style></head><body>"
            f"<h1>Dissemination {escape(package_id)}</h1><p><strong>Recipient:</strong> {escape(recipient)}<br>"
            f"<strong>Legal basis:</strong> {escape(legal_basis)}<br><strong>FIU case:</strong> {escape(case_id)}<br>"
            f"<strong>Prepared by:</strong> {escape(analyst)} on {now:%Y-%m-%d}</p>"
            "<p>Confidential financial intelligence. Not evidence; not to be disclosed to the persons named. "
            "Likely victims are not suspects and must be treated as victims.</p>"
            f"<h2>Reports ({len(reports)})</h2><table><tr><th>report</th><th>filer</th><th>type</th><th>from</th></tr>{rows}</table>"
            f"<h2>Network ({len(persons)} persons)</h2><table><tr><th>id</th><th>name</th><th>role</th>"
            f"<th>filers naming</th></tr>{people}</table></body></html>"
        )
        write_atomic(html_path, html.encode())
        held = nullcontext(session) if session is not None else store_session(workspace, url)
        with held as store:
            facts = (recipient, legal_basis, len(reports), len(persons), package_id, sha)
            _record(store, org_id, case_id, analyst, *facts)
        con.execute(
            "INSERT INTO fiu_disseminations VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [package_id, case_id, recipient, legal_basis, analyst, [r[0] for r in reports], sha, now],
        )
    finally:
        con.close()
    return Package(package_id, xml_path, html_path, len(reports), len(persons), sha)


def _record(
    session: Session,
    org_id: str,
    case_id: str,
    analyst: str,
    recipient: str,
    legal_basis: str,
    n_reports: int,
    n_persons: int,
    package_id: str,
    sha: str,
) -> None:
    """Mark the case disseminated and append the package to the FIU's hash-chained audit log."""
    case = session.execute(
        select(FiuCase).where(FiuCase.org_id == org_id, FiuCase.reference == case_id)
    ).scalar_one_or_none()
    if case is not None and case.status == "open":
        case.status = "disseminated"
    audit.record(
        session,
        org_id,
        analyst,
        "fiu.disseminate",
        "fiu_case",
        case_id,
        {
            "recipient": recipient,
            "legal_basis": legal_basis,
            "reports": n_reports,
            "persons": n_persons,
            "package": package_id,
            "sha256": sha,
        },
    )
