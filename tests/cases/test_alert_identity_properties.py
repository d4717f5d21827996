"""Invariants of the one alert identity over sequences of monitoring runs (hypothesis).

Whatever subset of alerts each run writes, with whatever scores: the store holds exactly one row per alert id
ever written, never two; an id seen for the first time is never logged as re-scored; re-scoring happens only
when the same id comes back with another score; and a run repeated as is changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import ring_fixture
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from chainbreaker.cases.builder import build_cases
from chainbreaker.cases.store import store_session
from chainbreaker.core.workspace import Workspace
from chainbreaker.storage.models import Alert, AuditEntry

ALERTS = ring_fixture.alert_rows()
SCORES = (0.3, 0.6, 0.9)
Run = list[tuple[int, float]]  # (index of an alert of the ring, its score in this run)
runs = st.lists(
    st.lists(st.tuples(st.integers(0, len(ALERTS) - 1), st.sampled_from(SCORES)), min_size=1, max_size=4).map(
        lambda run: list(dict(run).items())
    ),
    min_size=1,
    max_size=3,
)


def _write(ws: Workspace, run: Run) -> None:
    rows = [{**ALERTS[i], "score": score} for i, score in run]
    pq.write_table(pa.Table.from_pylist(rows), ws.root / "monitoring" / "alerts.parquet")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=runs)
def test_one_row_per_alert_identity_and_no_false_rescoring(tmp_path_factory, sequence: list[Run]) -> None:  # type: ignore[no-untyped-def]
    ws = ring_fixture.make_workspace(Workspace(Path(tmp_path_factory.mktemp("ids")) / "ws"))
    last: dict[str, float] = {}
    expected_rescored = 0
    for run in sequence:
        _write(ws, run)
        report = build_cases(ws)
        first_seen = [i for i, _ in run if ALERTS[i]["alert_id"] not in last]
        changed = [i for i, s in run if ALERTS[i]["alert_id"] in last and last[ALERTS[i]["alert_id"]] != s]
        assert report.alerts_added == len(first_seen)
        assert report.alerts_rescored == len(changed)
        expected_rescored += len(changed)
        last.update({ALERTS[i]["alert_id"]: s for i, s in run})
        again = build_cases(ws)  # the same output twice changes nothing
        assert (again.alerts_added, again.alerts_rescored, again.cases_created, again.cases_updated) == (
            0,
            0,
            0,
            0,
        )
    with store_session(ws) as session:
        stored = list(session.execute(select(Alert.alert_id)).scalars())
        logged = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "alert.rescored")
        )
    assert sorted(stored) == sorted(last)  # one row per identity, none twice
    assert logged == expected_rescored
