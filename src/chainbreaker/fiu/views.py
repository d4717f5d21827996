"""What an FIU analyst reads in the service: the received reports in numbers, and one case in full.

Read-only queries over the workspace's `fiu_*` tables, shared by the web pages and the API so both show the
same facts. One case shows its reports (to pick for a dissemination), the persons of its network, every link
the linker drew between the filed parties of its reports (rule and explanation, so an analyst can accept or
reject it), the analyst decisions on those parties and the packages already disseminated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

#: Most links listed on one case page (a large network has hundreds): analyst links first, then the
#: weakest scores, which are the ones worth a look.
MAX_LINKS = 100


@dataclass(frozen=True)
class Overview:
    reports: int
    by_source: dict[str, int]
    by_type: dict[str, int]
    entities: int
    parties: int
    persons: int
    linked_at: datetime | None


@dataclass(frozen=True)
class CaseReport:
    report_id: str
    source: str
    entity_name: str
    entity_reference: str
    submitted_at: datetime | None
    trafficking_type: str


@dataclass(frozen=True)
class CasePerson:
    subject_id: str
    name: str
    role: str  # subject, likely_victim or both
    filers: int


@dataclass(frozen=True)
class CaseLink:
    party_a: str
    party_b: str
    name_a: str
    name_b: str
    rule: str
    score: float
    explanation: str
    decision: str | None  # same / different when an analyst decided this pair


@dataclass(frozen=True)
class Decision:
    party_a: str
    party_b: str
    decision: str
    analyst: str
    reason: str
    decided_at: datetime
    apart: bool  # after the last link: True when the two parties are different persons


@dataclass(frozen=True)
class Dissemination:
    package_id: str
    recipient: str
    legal_basis: str
    analyst: str
    reports: int
    created_at: datetime


@dataclass(frozen=True)
class CaseView:
    case_id: str
    reports: list[CaseReport]
    persons: list[CasePerson]
    links: list[CaseLink]
    links_total: int
    decisions: list[Decision]
    disseminations: list[Dissemination]


def _linked(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the link tables exist (a read-only connection cannot create them)."""
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    return {"fiu_reports", "fiu_resolved", "fiu_links", "fiu_case_reports", "fiu_decisions"} <= names


def overview(con: duckdb.DuckDBPyConnection) -> Overview:
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if "fiu_reports" not in names:
        return Overview(0, {}, {}, 0, 0, 0, None)
    by_source = dict(con.execute("SELECT source, count(*) FROM fiu_reports GROUP BY 1 ORDER BY 1").fetchall())
    by_type = dict(
        con.execute("SELECT trafficking_type, count(*) FROM fiu_reports GROUP BY 1 ORDER BY 1").fetchall()
    )
    entities, parties = con.execute(
        "SELECT count(DISTINCT entity_id), (SELECT count(*) FROM fiu_parties) FROM fiu_reports"
    ).fetchone() or (0, 0)
    persons = 0
    if "fiu_resolved" in names:
        persons = int(
            (con.execute("SELECT count(DISTINCT subject_id) FROM fiu_resolved").fetchone() or (0,))[0]
        )
    linked = None
    if "fiu_cases" in names:
        linked = (con.execute("SELECT max(created_at) FROM fiu_cases").fetchone() or (None,))[0]
    return Overview(sum(by_source.values()), by_source, by_type, int(entities), int(parties), persons, linked)


def case_view(con: duckdb.DuckDBPyConnection, case_id: str) -> CaseView | None:
    """One FIU case as the last `fiu link` left it, or None when the workspace holds no such case."""
    if not _linked(con):
        return None
    report_ids = [
        r
        for (r,) in con.execute(
            "SELECT report_id FROM fiu_case_reports WHERE case_id = ? ORDER BY report_id", [case_id]
        ).fetchall()
    ]
    if not report_ids:
        return None
    reports = [
        CaseReport(*row)
        for row in con.execute(
            """SELECT report_id, source, coalesce(entity_name, entity_id), entity_reference, submitted_at,
                      trafficking_type
               FROM fiu_reports WHERE list_contains(?, report_id) ORDER BY submitted_at, report_id""",
            [report_ids],
        ).fetchall()
    ]
    persons = [
        CasePerson(
            sid,
            name,
            "subject" if subj and not vict else "likely_victim" if vict and not subj else "both",
            int(filers),
        )
        for sid, name, subj, vict, filers in con.execute(
            """SELECT s.subject_id, any_value(p.name ORDER BY length(p.name) DESC), bool_or(p.role = 'subject'),
                      bool_or(p.role = 'victim'), count(DISTINCT p.entity_id)
               FROM fiu_parties p JOIN fiu_resolved s USING (party_key)
               WHERE list_contains(?, p.report_id) GROUP BY 1 ORDER BY 3 DESC, 2""",
            [report_ids],
        ).fetchall()
    ]
    decided = {
        frozenset((a, b)): d
        for a, b, d in con.execute(
            "SELECT party_a, party_b, decision FROM fiu_decisions ORDER BY decided_at"
        ).fetchall()
    }
    links = [
        CaseLink(a, b, na, nb, rule, float(score), why, decided.get(frozenset((a, b))))
        for a, b, na, nb, rule, score, why in con.execute(
            f"""SELECT l.party_a, l.party_b, pa.name, pb.name, l.rule, l.score, l.explanation
                FROM fiu_links l JOIN fiu_parties pa ON pa.party_key = l.party_a
                JOIN fiu_parties pb ON pb.party_key = l.party_b
                WHERE list_contains(?, pa.report_id) AND list_contains(?, pb.report_id)
                  AND pa.report_id <> pb.report_id
                ORDER BY CASE l.rule WHEN 'analyst' THEN 0 ELSE 1 END, l.score, l.party_a, l.party_b
                LIMIT {MAX_LINKS}""",
            [report_ids, report_ids],
        ).fetchall()
    ]
    total = con.execute(
        """SELECT count(*) FROM fiu_links l JOIN fiu_parties pa ON pa.party_key = l.party_a
           JOIN fiu_parties pb ON pb.party_key = l.party_b
           WHERE list_contains(?, pa.report_id) AND list_contains(?, pb.report_id) AND pa.report_id <> pb.report_id""",
        [report_ids, report_ids],
    ).fetchone()
    decisions = [
        Decision(a, b, d, who, reason, at, sa != sb)
        for a, b, d, who, reason, at, sa, sb in con.execute(
            """SELECT d.party_a, d.party_b, d.decision, d.analyst, d.reason, d.decided_at, ra.subject_id,
                      rb.subject_id
               FROM fiu_decisions d JOIN fiu_parties pa ON pa.party_key = d.party_a
               JOIN fiu_parties pb ON pb.party_key = d.party_b
               LEFT JOIN fiu_resolved ra ON ra.party_key = d.party_a
               LEFT JOIN fiu_resolved rb ON rb.party_key = d.party_b
               WHERE list_contains(?, pa.report_id) OR list_contains(?, pb.report_id)
               ORDER BY d.decided_at""",
            [report_ids, report_ids],
        ).fetchall()
    ]
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    sent = []
    if "fiu_disseminations" in names:
        sent = [
            Dissemination(pid, to, basis, who, len(rids or []), at)
            for pid, to, basis, who, rids, at in con.execute(
                """SELECT package_id, recipient, legal_basis, analyst, report_ids, created_at
                   FROM fiu_disseminations WHERE case_id = ? ORDER BY created_at""",
                [case_id],
            ).fetchall()
        ]
    return CaseView(case_id, reports, persons, links, int(total[0]) if total else 0, decisions, sent)
