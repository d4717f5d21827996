"""Grievances as risk for portfolio scoring: a holding whose company would not cooperate with a grievance
carries that as a signal (`portfolio.scoring.Signal`), with the grievance named as its source.

The risk note is written when an analyst records `not_cooperating` on a grievance linked to a holding
(`remedy.grievances`); this turns the active notes into the signal source `portfolio assess` takes.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from chainbreaker.portfolio.holdings import Holding
from chainbreaker.portfolio.scoring import Signal, SignalSource
from chainbreaker.remedy.grievances import risk_notes


def grievance_signals(session: Session, org_id: str) -> SignalSource:
    """A signal source over the organisation's active risk notes, read once."""
    notes = risk_notes(session, org_id)

    def source(holdings: Sequence[Holding]) -> list[Signal]:
        out = []
        for holding in holdings:
            found = notes.get(holding.holding_id, [])
            if found:
                out.append(
                    Signal(
                        holding_id=holding.holding_id,
                        value=min(1.0, sum(n.weight for n in found)),
                        reason="; ".join(n.note for n in found),
                        source=", ".join(sorted({f"{n.source} {n.source_ref}" for n in found})),
                    )
                )
        return out

    return source
