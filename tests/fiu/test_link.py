"""Linking across reports: quality against the generator's truth, explainable links, decisions that stick."""

from __future__ import annotations

import csv
import itertools
from collections import defaultdict
from pathlib import Path

import pytest

from chainbreaker.core.errors import InputError
from chainbreaker.core.workspace import Workspace
from chainbreaker.fiu.ingest import ingest_files
from chainbreaker.fiu.link import SUBJECT_COLUMNS, decide, link_workspace
from chainbreaker.fiu.synthetic import SyntheticExport


def pairs(labels: list[str]) -> set[tuple[int, int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        groups[label].append(i)
    return {p for members in groups.values() for p in itertools.combinations(members, 2)}


def scored(subjects: Path, truth: Path) -> tuple[list[str], list[str], list[str]]:
    """Truth, linker and exact-name labels per filed party (truth is in writer order within each report)."""
    by_report: dict[str, list[str]] = defaultdict(list)
    for row in csv.DictReader(truth.open()):
        by_report[row["report_id"]].append(row["person_id"])
    rows = list(csv.DictReader(subjects.open()))
    truth_labels = [by_report[r["report_id"]].pop(0) for r in rows]
    return truth_labels, [r["subject_id"] for r in rows], [r["name"].lower() for r in rows]


@pytest.fixture(scope="module")
def linked(loaded: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("link") / "subjects.csv"
    link_workspace(loaded, out)
    return out


def test_pairwise_precision_and_recall_beat_the_targets_and_exact_names(
    linked: Path, reports_dir: SyntheticExport
) -> None:
    truth, ours, naive = scored(linked, reports_dir.truth_path)
    t, p, n = pairs(truth), pairs(ours), pairs(naive)
    precision, recall = len(p & t) / len(p), len(p & t) / len(t)
    naive_precision, naive_recall = len(n & t) / len(n), len(n & t) / len(t)
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)
    assert precision > naive_precision and recall > naive_recall


def test_subjects_csv_has_one_row_per_filed_party(linked: Path, loaded: Workspace) -> None:
    with linked.open() as handle:
        reader = csv.reader(handle)
        assert tuple(next(reader)) == SUBJECT_COLUMNS
        rows = list(reader)
    con = loaded.connect(read_only=True)
    assert len(rows) == con.execute("SELECT count(*) FROM fiu_parties").fetchone()[0]  # type: ignore[index]
    con.close()
    assert {r[2] for r in rows} == {"subject", "victim"}
    assert all(r[4].startswith("S-") for r in rows)


def test_links_explain_themselves_and_cross_bank_networks_become_cases(
    linked: Path, loaded: Workspace
) -> None:
    con = loaded.connect(read_only=True)
    rules = dict(con.execute("SELECT rule, count(*) FROM fiu_links GROUP BY 1").fetchall())
    blank = con.execute(
        "SELECT count(*) FROM fiu_links WHERE explanation IS NULL OR explanation = ''"
    ).fetchone()
    cases = con.execute(
        """SELECT c.case_id, c.entities, count(DISTINCT r.entity_id) FROM fiu_cases c
           JOIN fiu_case_reports cr USING (case_id) JOIN fiu_reports r USING (report_id) GROUP BY 1, 2"""
    ).fetchall()
    con.close()
    assert {"same-customer", "same-id", "name-in-network"} <= set(rules)
    assert blank == (0,)
    assert cases and all(entities >= 2 and entities == seen for _, entities, seen in cases)


def test_analyst_decisions_stick_across_relinking(tmp_path: Path, reports_dir: SyntheticExport) -> None:
    ws = Workspace(tmp_path / "ws")
    ingest_files(ws, sorted(reports_dir.truth_path.parent.glob("*.xml"))[:80], workers=1)
    link_workspace(ws)
    con = ws.connect()
    a, b = con.execute(
        """SELECT party_a, party_b FROM fiu_links WHERE rule = 'same-id' ORDER BY party_a LIMIT 1"""
    ).fetchone()  # type: ignore[misc]
    x, y = con.execute(
        """SELECT p.party_key, q.party_key FROM fiu_resolved p, fiu_resolved q
           WHERE p.subject_id <> q.subject_id ORDER BY 1, 2 LIMIT 1"""
    ).fetchone()  # type: ignore[misc]
    con.close()
    decide(ws, a, b, "different", "ana", "different fathers' names in the passport copies")
    decide(ws, x, y, "same", "ana", "same person per the police record")
    for _ in range(2):
        link_workspace(ws)
        con = ws.connect(read_only=True)
        resolved = dict(con.execute("SELECT party_key, subject_id FROM fiu_resolved").fetchall())
        con.close()
        assert resolved[a] != resolved[b]
        assert resolved[x] == resolved[y]


def test_a_decision_needs_known_parties_and_a_reason(loaded: Workspace) -> None:
    with pytest.raises(InputError, match="reason"):
        decide(loaded, "a", "b", "same", "ana", " ")
    with pytest.raises(InputError, match="no filed party"):
        decide(loaded, "nope#1", "nope#2", "same", "ana", "because")


def test_cross_filer_cases_land_in_the_case_store_and_keep_their_status(
    tmp_path: Path, reports_dir: SyntheticExport
) -> None:
    from sqlalchemy import select

    from chainbreaker.cases.store import store_session
    from chainbreaker.storage.fiu_models import FiuCase, FiuCaseReport

    ws = Workspace(tmp_path / "ws")
    ingest_files(ws, sorted(reports_dir.truth_path.parent.glob("*.xml"))[:120], workers=1)
    first = link_workspace(ws)
    with store_session(ws) as session:
        cases = session.execute(select(FiuCase)).scalars().all()
        assert len(cases) == first.cases > 0
        cases[0].status, cases[0].assignee = "disseminated", "ana"
        reference = cases[0].reference
        fed = (
            session.execute(select(FiuCaseReport).where(FiuCaseReport.case_id == cases[0].id)).scalars().all()
        )
        assert len(fed) == cases[0].reports
    link_workspace(ws)
    with store_session(ws) as session:
        again = session.execute(select(FiuCase).where(FiuCase.reference == reference)).scalar_one()
        assert (again.status, again.assignee) == ("disseminated", "ana")
        assert len(session.execute(select(FiuCase)).scalars().all()) == first.cases
