"""Re-screening after list and customer changes: only what changed, with new/changed/removed hits."""

from __future__ import annotations

from datetime import date

import pyarrow.parquet as pq
import pytest

from chainbreaker.core.errors import NotFoundError
from chainbreaker.core.workspace import Workspace
from chainbreaker.screening import rescreen_workspace, screen_workspace

from .conftest import write_entities


def test_rescreen_before_screen(screening_ws: Workspace) -> None:
    with pytest.raises(NotFoundError, match="never screened"):
        rescreen_workspace(screening_ws)


def test_nothing_changed_means_nothing_rescreened(screening_ws: Workspace) -> None:
    screen_workspace(screening_ws)
    report = rescreen_workspace(screening_ws)
    assert report.parties_rescreened == 0 and report.new == report.changed == report.removed == 0


def test_new_entity_changed_customer_and_delisting(screening_ws: Workspace) -> None:
    screen_workspace(screening_ws)
    con = screening_ws.connect()
    # a new listing that hits P4, a delisting of un-1 (P1's hit), and P2's birth date corrected
    write_entities(con, [("ofac-9", "Person", "Maria SILVA", ["Maria SILVA"], "us_ofac_sdn", "9", ["br"],
                          ["1985-01-01"], [])])  # fmt: skip
    con.execute("UPDATE registry_entities SET active = false WHERE entity_id = 'un-1'")
    con.execute("UPDATE registry_entities SET countries = ['kz'] WHERE entity_id = 'ofac-5'")
    con.execute("UPDATE parties SET date_of_birth = ? WHERE party_id = 'P2'", [date(1990, 5, 1)])
    con.close()
    report = rescreen_workspace(screening_ws)
    assert report.entities_changed == 2 and report.entities_removed == 1 and report.parties_changed == 1
    # only P4 (new entity), P1 (hit on the delisted entity), P2 (changed), P6 (hit on a changed entity)
    assert report.parties_rescreened == 4
    changes = {(r["change"], r["query_id"], r["entity_id"]) for r in report.rows}
    assert ("new", "P4", "ofac-9") in changes
    assert ("removed", "P1", "un-1") in changes
    assert ("removed", "P2", "ofac-2") in changes
    assert ("changed", "P6", "ofac-5") in changes  # a different birth date clears it
    assert report.out is not None and pq.read_table(report.out).num_rows == len(report.rows)
    # the stored hits now equal a full screening
    assert rescreen_workspace(screening_ws).parties_rescreened == 0
    full = screen_workspace(screening_ws, counterparties=False)
    con = screening_ws.connect(read_only=True)
    stored = con.execute("SELECT count(*) FROM screening_hits WHERE query_source = 'parties'").fetchone()
    con.close()
    assert stored is not None and stored[0] == len(full.matches)
