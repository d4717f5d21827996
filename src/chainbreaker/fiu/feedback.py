"""Feedback to reporting entities (Key 10c; FATF R.34, AMLD6 Art. 28): one HTML letter per filer.

Each letter compares the filer with its peers, never naming another filer or a person:
- timeliness: days from the end of the reported activity to filing (median, with the peers' median);
- completeness: share of its subjects lacking a field the FIU needed (birth date, identity document, phone),
  and of its reports with no stated trafficking type or no indicator;
- its reports that fed FIU cases (networks spanning filers) or disseminations, by its own reference;
- indicators that proved useful across all filers: the share of reports carrying each that fed a case;
- sex/labour disaggregation: the shares of its reports per type beside the peers' shares.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass
from html import escape
from pathlib import Path

from chainbreaker.core.workspace import Workspace
from chainbreaker.fiu.disseminate import DDL as DISSEMINATION_DDL
from chainbreaker.fiu.link import LINK_DDL

NEEDED = {"birth_date": "date of birth", "id_number": "identity document number", "phone": "phone number"}
TYPES = ("sex", "labour", "both", "unstated")


@dataclass(frozen=True)
class Letter:
    entity_id: str
    path: Path
    reports: int


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def feedback(workspace: Workspace, out_dir: Path) -> list[Letter]:
    """Write `out_dir/<entity>.html` for every reporting entity; returns the letters written."""
    con = workspace.connect()
    try:
        con.execute(DISSEMINATION_DDL)
        con.execute(LINK_DDL[0])
        con.execute("CREATE TABLE IF NOT EXISTS fiu_case_reports (case_id VARCHAR, report_id VARCHAR)")
        reports = con.execute(
            """SELECT r.report_id, r.entity_id, any_value(r.entity_name), any_value(r.entity_reference),
                      any_value(date_diff('day', coalesce(r.period_end, r.period_start), r.submitted_at)),
                      any_value(r.trafficking_type),
                      count(i.code) FILTER (WHERE i.scheme = 'redflag'),
                      bool_or(c.case_id IS NOT NULL),
                      list(DISTINCT i.code) FILTER (WHERE i.scheme = 'redflag')
               FROM fiu_reports r LEFT JOIN fiu_indicators i USING (report_id)
               LEFT JOIN fiu_case_reports c USING (report_id) GROUP BY 1, 2"""
        ).fetchall()
        disseminated = {
            rid
            for (rid,) in con.execute("SELECT DISTINCT unnest(report_ids) FROM fiu_disseminations").fetchall()
        }
        missing = con.execute(
            """SELECT entity_id, count(*), count(*) FILTER (WHERE birth_date IS NULL),
                      count(*) FILTER (WHERE id_number IS NULL), count(*) FILTER (WHERE phone IS NULL)
               FROM fiu_parties WHERE role = 'subject' GROUP BY 1"""
        ).fetchall()
    finally:
        con.close()
    subjects = {e: (n, {"birth_date": b, "id_number": i, "phone": p}) for e, n, b, i, p in missing}
    by_entity: dict[str, list[tuple[object, ...]]] = defaultdict(list)
    for row in reports:
        by_entity[str(row[1])].append(row)
    useful: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in reports:
        for code in row[8] or []:
            useful[code][0] += 1
            useful[code][1] += int(bool(row[7]))
    top = sorted(useful.items(), key=lambda kv: (-kv[1][1] / kv[1][0], kv[0]))[:8]
    all_delays = [int(r[4]) for r in reports if r[4] is not None]
    peer_types = {t: sum(1 for r in reports if r[5] == t) for t in TYPES}
    out_dir.mkdir(parents=True, exist_ok=True)
    letters = []
    for entity, rows in sorted(by_entity.items()):
        name = str(rows[0][2])
        delays = [int(str(r[4])) for r in rows if r[4] is not None]
        fed = sorted(str(r[3]) for r in rows if r[7])
        sent = sorted(str(r[3]) for r in rows if r[0] in disseminated)
        n_subjects, gaps = subjects.get(entity, (0, dict.fromkeys(NEEDED, 0)))
        no_type = sum(1 for r in rows if r[5] == "unstated")
        no_indicator = sum(1 for r in rows if not r[6])
        mine = {t: sum(1 for r in rows if r[5] == t) for t in TYPES}
        html = [
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
            f"<title>Feedback to {escape(name)}</title><style>body{{font-family:serif;max-width:48rem;margin:2rem auto}}"
            "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2rem .5rem}</style></head><body>",
            f"<h1>Feedback on your human trafficking reports</h1><p>To: {escape(name)} ({escape(entity)})</p>",
            f"<p>We received {len(rows)} reports from you. This letter covers all of them together; it names no "
            "other reporting entity and no person, and says nothing that could harm an investigation.</p>",
            "<h2>Timeliness</h2>",
            f"<p>Median days from the end of the activity to filing: <strong>{statistics.median(delays) if delays else '–'}"
            f"</strong> (all reporting entities: {statistics.median(all_delays) if all_delays else '–'}).</p>",
            "<h2>Completeness</h2><table><tr><th>missing</th><th>your reports</th></tr>",
        ]
        for field, label in NEEDED.items():
            html.append(f"<tr><td>subjects without {label}</td><td>{_pct(gaps[field], n_subjects)}</td></tr>")
        html.append(
            f"<tr><td>reports without a stated trafficking type</td><td>{_pct(no_type, len(rows))}</td></tr>"
        )
        html.append(
            f"<tr><td>reports naming no indicator</td><td>{_pct(no_indicator, len(rows))}</td></tr></table>"
        )
        html.append(
            f"<h2>Use of your reports</h2><p>{len(fed)} of your reports fed FIU cases that combine reports from "
            f"several reporting entities; {len(sent)} were disseminated to partner authorities.</p>"
        )
        if fed:
            html.append(
                "<p>Your references that fed cases: "
                + escape(", ".join(fed[:50]))
                + (" …" if len(fed) > 50 else "")
                + "</p>"
            )
        html.append(
            "<h2>Indicators that proved useful (all reporting entities)</h2><table><tr><th>indicator</th><th>share of reports carrying it that fed a case</th></tr>"
        )
        for code, (n, hits) in top:
            html.append(f"<tr><td>{escape(code)}</td><td>{_pct(hits, n)}</td></tr>")
        html.append(
            "</table><h2>Sex and labour trafficking</h2><table><tr><th>type</th><th>you</th><th>all reporting entities</th></tr>"
        )
        for t in TYPES:
            html.append(
                f"<tr><td>{t}</td><td>{_pct(mine[t], len(rows))}</td><td>{_pct(peer_types[t], len(reports))}</td></tr>"
            )
        html.append("</table></body></html>")
        path = out_dir / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', entity)}.html"
        path.write_text("".join(html), encoding="utf-8")
        letters.append(Letter(entity, path, len(rows)))
    return letters
