"""Patterns, feedback letters, dissemination packages and the public report, from real ingested reports."""

from __future__ import annotations

import csv
from pathlib import Path
from types import ModuleType

import pyarrow.parquet as pq
import pytest
from sqlalchemy import select

from chainbreaker.cases.audit import verify
from chainbreaker.cases.store import store_session
from chainbreaker.core.errors import InputError
from chainbreaker.core.suppression import unsafe
from chainbreaker.core.workspace import Workspace
from chainbreaker.fiu.disseminate import disseminate
from chainbreaker.fiu.feedback import feedback
from chainbreaker.fiu.link import link_workspace
from chainbreaker.fiu.patterns import analyse, unusual
from chainbreaker.fiu.patterns_report import write_patterns
from chainbreaker.fiu.publish import publish
from chainbreaker.storage.fiu_models import FiuCase
from chainbreaker.storage.models import AuditEntry
from chainbreaker.synth.multibank import SHIFT_INDICATOR


@pytest.fixture(scope="module")
def linked(loaded: Workspace) -> Workspace:
    link_workspace(loaded)
    return loaded


def test_unusual_months_need_more_than_normal_variation() -> None:
    months = [f"2025-{m:02d}" for m in range(1, 8)]
    steady = dict(zip(months, [10, 12, 9, 11, 10, 12, 11], strict=True))
    jump = {**steady, "2025-07": 40}
    assert unusual(steady, months) == []
    assert [m for m, *_ in unusual(jump, months)] == ["2025-07"]


def test_the_shifting_business_model_is_flagged(linked: Workspace, tmp_path: Path) -> None:
    patterns = write_patterns(linked, tmp_path)
    shifted = [c for c in patterns.combinations if SHIFT_INDICATOR in c.indicators]
    assert shifted and all(c.first_month >= "2025-04" for c in shifted)
    assert {d for d, *_ in patterns.monthly} == {"trafficking_type", "indicator", "region", "channel"}
    table = pq.read_table(tmp_path / "monthly.parquet")
    assert table.num_rows == len(patterns.monthly)
    html = (tmp_path / "patterns.html").read_text()
    assert html.count("<svg") == 4 and "<script" not in html


def test_feedback_letters_per_reporting_entity(linked: Workspace, tmp_path: Path) -> None:
    letters = feedback(linked, tmp_path)
    con = linked.connect(read_only=True)
    entities = {e for (e,) in con.execute("SELECT DISTINCT entity_id FROM fiu_reports").fetchall()}
    con.close()
    assert {letter.entity_id for letter in letters} == entities
    text = letters[0].path.read_text()
    for heading in ("Timeliness", "Completeness", "Use of your reports", "proved useful", "Sex and labour"):
        assert heading in text
    other = [e for e in entities if e != letters[0].entity_id]
    assert not any(e in text for e in other), "a letter must not name another reporting entity"


def test_dissemination_is_packaged_and_audited_with_its_legal_basis(
    linked: Workspace, tmp_path: Path
) -> None:
    con = linked.connect(read_only=True)
    case_id = con.execute("SELECT case_id FROM fiu_cases ORDER BY reports DESC LIMIT 1").fetchone()[0]  # type: ignore[index]
    con.close()
    with pytest.raises(InputError, match="legal basis"):
        disseminate(linked, case_id, "National Police", "", "ana", tmp_path)
    package = disseminate(
        linked, case_id, "National Police", "Art. 32(3) Directive 2015/849", "ana", tmp_path
    )
    xml = package.xml_path.read_text()
    assert "<legal_basis>Art. 32(3) Directive 2015/849</legal_basis>" in xml and 'role="likely_victim"' in xml
    assert "Likely victims are not suspects" in package.html_path.read_text()
    with store_session(linked) as session:
        entries = (
            session.execute(select(AuditEntry).where(AuditEntry.action == "fiu.disseminate")).scalars().all()
        )
        assert entries and entries[-1].details["legal_basis"] == "Art. 32(3) Directive 2015/849"
        assert verify(session).ok
        case = session.execute(select(FiuCase).where(FiuCase.reference == case_id)).scalar_one()
        assert case.status == "disseminated"


def read_grid(path: Path) -> list[list[int | None]]:
    with path.open() as handle:
        rows = list(csv.reader(handle))[1:]
    return [[None if v == "" else int(v) for v in row[1:]] for row in rows]


def test_public_report_withholds_small_cells_and_they_cannot_be_recovered(
    linked: Workspace, tmp_path: Path, sdc_attack: ModuleType
) -> None:
    result = publish(linked, "2025", 10, tmp_path)
    month = read_grid(tmp_path / "reports_by_month_and_type.csv")
    region = read_grid(tmp_path / "reports_by_region_and_type.csv")
    assert result.hidden_cells > 0 and any(v is None for row in month for v in row)
    # What the FIU knows: the true counts, to check that every unsafe cell is blank.
    con = linked.connect(read_only=True)
    true = dict(
        (
            (m, t),
            (n, e),
        )
        for m, t, n, e in con.execute(
            """SELECT strftime(coalesce(period_start, submitted_at), '%Y-%m'), trafficking_type, count(*),
                      count(DISTINCT entity_id) FROM fiu_reports GROUP BY 1, 2"""
        ).fetchall()
    )
    con.close()
    types = ["sex", "labour", "both", "unstated"]
    for i, row in enumerate(month[:-1]):
        for j, value in enumerate(row[:-1]):
            n, e = true.get((f"2025-{i + 1:02d}", types[j]), (0, 0))
            if unsafe(n, e, 10):
                assert value is None
            elif value is not None:
                assert value == n
    # The attacker: every published equation of both linked tables, solved for each hidden cell.
    bounds = sdc_attack.attack([month, region], shared_last_row=True)
    assert bounds
    for key, (low, high) in bounds.items():
        assert high - low > 0.5, f"hidden cell {key} recovered: [{low}, {high}]"
    html = (tmp_path / "report.html").read_text()
    assert "<svg" in html and "–" in html


def test_publish_refuses_a_weak_threshold(linked: Workspace, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="at least 3"):
        publish(linked, "2025", 2, tmp_path)


def test_patterns_read_every_dimension(linked: Workspace) -> None:
    con = linked.connect()
    patterns = analyse(con)
    con.close()
    assert patterns.months[0] == "2025-01"
    assert patterns.series("channel")
