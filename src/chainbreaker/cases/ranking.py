"""A case ranking that keeps separating the top cases, with the reason each case is above the next.

A case's stored `risk_score` is the strongest single signal in it (an alert, a party's network score,
a list match). On the demo bank five of eleven cases score 1.00 that way, because an exact name match
is 1.00 whatever else the case holds, so the top of the list says nothing. The rank score combines
four independent lines of evidence, each capped below 1 so that none can saturate the score alone:

* behaviour: the highest party risk monitoring gave a party of the case (weight 0.60);
* breadth: how many distinct indicators fired, with diminishing returns (weight 0.25);
* lists: the best screening match of a party of the case (weight 0.35);
* victims: how many parties are likely victims, with diminishing returns (weight 0.15).

The score is ``1 - prod(1 - weight * strength)``, a noisy-OR: more independent evidence always raises
it, and it stays below 1 (the maximum is 0.83). Ties are broken by evidence count, then reference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chainbreaker.storage.models import Alert, Case, CaseParty, Evidence, ScreeningHit

WEIGHTS = {"behaviour": 0.60, "breadth": 0.25, "lists": 0.35, "victims": 0.15}
#: Indicators and victims count with diminishing returns: 1 - exp(-n / scale).
BREADTH_SCALE = 8.0
VICTIM_SCALE = 2.0


@dataclass(frozen=True)
class Ranked:
    """One case's place in the ranking and the measurements behind it."""

    case_id: int
    reference: str
    score: float
    party_risk: float
    indicators: int
    list_match: float
    likely_victims: int
    evidence: int
    rank: int = 0
    above_next: str = ""

    def contributions(self) -> dict[str, float]:
        return {
            "behaviour": WEIGHTS["behaviour"] * self.party_risk,
            "breadth": WEIGHTS["breadth"] * (1 - math.exp(-self.indicators / BREADTH_SCALE)),
            "lists": WEIGHTS["lists"] * self.list_match,
            "victims": WEIGHTS["victims"] * (1 - math.exp(-self.likely_victims / VICTIM_SCALE)),
        }


def rank_score(party_risk: float, indicators: int, list_match: float, likely_victims: int) -> float:
    probe = Ranked(0, "", 0.0, party_risk, indicators, list_match, likely_victims, 0)
    remaining = 1.0
    for value in probe.contributions().values():
        remaining *= 1 - min(max(value, 0.0), 0.99)
    return round(1 - remaining, 4)


def why_above(upper: Ranked, lower: Ranked) -> str:
    """The one measurement that most puts `upper` above `lower`, in words."""
    gains = {k: upper.contributions()[k] - lower.contributions()[k] for k in WEIGHTS}
    best = max(gains, key=lambda k: gains[k])
    if gains[best] <= 1e-9:
        if upper.evidence != lower.evidence:
            return f"same score; more evidence ({upper.evidence:,} vs {lower.evidence:,} evidence rows)"
        return "same score and evidence; earlier reference first"
    if best == "behaviour":
        return f"riskier behaviour (a party scores {upper.party_risk:.2f} vs {lower.party_risk:.2f})"
    if best == "breadth":
        return f"more distinct red flags ({upper.indicators} vs {lower.indicators} indicators)"
    if best == "lists":
        return f"a stronger list match ({upper.list_match:.2f} vs {lower.list_match:.2f})"
    return f"more likely victims ({upper.likely_victims} vs {lower.likely_victims})"


def rank_cases(session: Session, org_id: str) -> list[Ranked]:
    """Every case of the organisation, best first, each with the reason it is above the next."""
    risk = dict(
        session.execute(
            select(CaseParty.case_id, func.max(CaseParty.risk_score))
            .where(CaseParty.org_id == org_id)
            .group_by(CaseParty.case_id)
        ).all()
    )
    victims = dict(
        session.execute(
            select(CaseParty.case_id, func.count())
            .where(CaseParty.org_id == org_id, CaseParty.role == "likely_victim")
            .group_by(CaseParty.case_id)
        ).all()
    )
    indicators = dict(
        session.execute(
            select(Alert.case_id, func.count(func.distinct(Alert.indicator_id)))
            .where(Alert.org_id == org_id)
            .group_by(Alert.case_id)
        ).all()
    )
    hits = dict(
        session.execute(
            select(ScreeningHit.case_id, func.max(ScreeningHit.score))
            .where(ScreeningHit.org_id == org_id)
            .group_by(ScreeningHit.case_id)
        ).all()
    )
    evidence = dict(  # rows, not distinct transactions: a tie-breaker only, and an index-only count
        session.execute(
            # the organisation's cases by id: the count then needs only the case_id index
            select(Evidence.case_id, func.count())
            .where(Evidence.case_id.in_(select(Case.id).where(Case.org_id == org_id)))
            .group_by(Evidence.case_id)
        ).all()
    )
    rows = []
    for cid, reference in session.execute(select(Case.id, Case.reference).where(Case.org_id == org_id)):
        values = (
            float(risk.get(cid) or 0.0),
            int(indicators.get(cid) or 0),
            float(hits.get(cid) or 0.0),
            int(victims.get(cid) or 0),
        )
        rows.append(Ranked(cid, reference, rank_score(*values), *values, int(evidence.get(cid) or 0)))
    rows.sort(key=lambda r: (-r.score, -r.evidence, r.reference))
    ranked = []
    for i, row in enumerate(rows):
        reason = why_above(row, rows[i + 1]) if i + 1 < len(rows) else "last in the ranking"
        ranked.append(
            Ranked(**{**row.__dict__, "rank": i + 1, "above_next": reason})  # frozen: rebuild with the place
        )
    return ranked
