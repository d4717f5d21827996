"""Back-testing: how well party risk finds labelled subjects and victims within an alert budget.

The budget is the share of all parties a bank can review (1% by default): k = ceil(budget x parties).
Subjects and victims need opposite handling, so each has its own review list of k parties:
- the subject list: parties the roll-up calls likely subjects, by subject_score (then risk; files without
  that column fall back to risk); subject recall = labelled subjects
  in its top k / all labelled subjects (a subject called a victim is not found); subject precision = those
  found / k; subject average precision = sum of precision at each found subject in the top k / min(subjects, k);
- the victim list likewise, for parties called likely victims;
- precision: share of the k riskiest parties overall (any role) that are labelled subject or victim;
- single-list recalls: subjects and victims found among those same k riskiest parties, any role (the
  stricter reading of the budget, reported beside the role lists).
Labels: roles `controller`, `front_business`, `recruiter`, `structurer`, `money_mule` are subjects,
`victim` is a victim (docs/synthetic-bank.md); any other labelled role counts as neither.
"""

from __future__ import annotations

import csv
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from chainbreaker.core.errors import InputError, NotFoundError

SUBJECT_ROLES = frozenset(
    {"controller", "front_business", "recruiter", "structurer", "money_mule", "subject"}
)
VICTIM_ROLES = frozenset({"victim"})


@dataclass(frozen=True)
class Evaluation:
    """Figures of one back-test."""

    parties: int
    budget: float
    k: int
    subjects: int
    victims: int
    precision: float
    subject_precision: float
    subject_recall: float
    subject_average_precision: float
    victim_recall: float
    victim_average_precision: float
    subjects_alerted: int
    victims_alerted: int
    victims_called_subject: int
    #: The same budget as ONE list of the riskiest parties, any role (a stricter reading of the budget,
    #: printed beside the role-specific lists so neither figure hides the other).
    single_list_subject_recall: float = 0.0
    single_list_victim_recall: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        return (
            f"parties {self.parties:,}, budget {self.budget:.2%} = {self.k} parties\n"
            f"subjects {self.subjects}: recall {self.subject_recall:.3f}, "
            f"average precision {self.subject_average_precision:.3f}, precision {self.subject_precision:.3f}\n"
            f"victims {self.victims}: recall {self.victim_recall:.3f}, "
            f"average precision {self.victim_average_precision:.3f}\n"
            f"precision within budget (subject or victim): {self.precision:.3f}\n"
            f"likely victims wrongly called subjects in budget: {self.victims_called_subject}\n"
            f"one list of the {self.k} riskiest parties (any role): subject recall "
            f"{self.single_list_subject_recall:.3f}, victim recall {self.single_list_victim_recall:.3f}"
        )


def read_labels(path: Path) -> dict[str, str]:
    """party_id -> role from labels.csv (party_id, role, ... columns)."""
    if not path.is_file():
        raise NotFoundError(f"labels file {path} does not exist")
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or not {"party_id", "role"} <= set(reader.fieldnames):
            raise InputError("needs columns party_id and role", file=str(path))
        return {row["party_id"]: row["role"] for row in reader if row.get("party_id")}


def read_risk(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise NotFoundError(f"party risk file {path} does not exist")
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as fh:
            rows: list[dict[str, Any]] = list(csv.DictReader(fh))
        for r in rows:
            r["risk_score"] = float(r["risk_score"] or 0)
        return rows
    table = pq.read_table(path)
    needed = {"party_id", "risk_score"}
    if not needed <= set(table.column_names):
        raise InputError(f"needs columns {sorted(needed)}", file=str(path))
    result: list[dict[str, Any]] = table.to_pylist()
    return result


def _ap(ranked: list[str], positives: set[str], k: int) -> tuple[float, int]:
    found = 0
    total = 0.0
    for i, pid in enumerate(ranked[:k], start=1):
        if pid in positives:
            found += 1
            total += found / i
    denom = min(len(positives), k)
    return (total / denom if denom else 0.0), found


def evaluate_rows(risk: list[dict[str, Any]], labels: dict[str, str], budget: float = 0.01) -> Evaluation:
    """Score a party-risk table against labels (pure function; `evaluate` reads the files)."""
    if not 0 < budget <= 1:
        raise InputError("budget must be in (0, 1]", column="--budget")
    n = len(risk)
    k = max(1, math.ceil(budget * n))
    subjects = {p for p, r in labels.items() if r in SUBJECT_ROLES}
    victims = {p for p, r in labels.items() if r in VICTIM_ROLES}
    order = sorted(risk, key=lambda r: (-float(r["risk_score"] or 0), str(r["party_id"])))
    top = [str(r["party_id"]) for r in order[:k] if float(r["risk_score"] or 0) > 0]
    role = {str(r["party_id"]): str(r.get("role") or "") for r in risk}
    has_roles = any(role.values())

    def called(pid: str, want: str) -> bool:
        return not has_roles or role.get(pid) == want

    def role_list(want: str, score: str) -> list[str]:
        rows = [r for r in risk if float(r["risk_score"] or 0) > 0 and called(str(r["party_id"]), want)]
        rows.sort(
            key=lambda r: (
                -float(r.get(score) or r["risk_score"] or 0),
                -float(r["risk_score"] or 0),
                str(r["party_id"]),
            )
        )
        return [str(r["party_id"]) for r in rows]

    subject_list = role_list("likely_subject", "subject_score")
    victim_list = role_list("likely_victim", "victim_score")
    subject_ap, _ = _ap(subject_list, subjects, k)
    victim_ap, _ = _ap(victim_list, victims, k)
    top_set = set(top)
    subj_found = set(subject_list[:k]) & subjects
    vict_found = set(victim_list[:k]) & victims
    involved = subjects | victims
    return Evaluation(
        parties=n,
        budget=budget,
        k=k,
        subjects=len(subjects),
        victims=len(victims),
        precision=round(len(top_set & involved) / k, 4),
        subject_precision=round(len(subj_found) / k, 4),
        subject_recall=round(len(subj_found) / len(subjects), 4) if subjects else 0.0,
        subject_average_precision=round(subject_ap, 4),
        single_list_subject_recall=round(len(top_set & subjects) / len(subjects), 4) if subjects else 0.0,
        single_list_victim_recall=round(len(top_set & victims) / len(victims), 4) if victims else 0.0,
        victim_recall=round(len(vict_found) / len(victims), 4) if victims else 0.0,
        victim_average_precision=round(victim_ap, 4),
        subjects_alerted=len(subj_found),
        victims_alerted=len(vict_found),
        victims_called_subject=sum(1 for p in top_set & victims if role.get(p) == "likely_subject"),
    )


def evaluate(labels: Path | str, risk: Path | str, budget: float = 0.01) -> Evaluation:
    """Back-test a `party_risk` file against a `labels.csv` within an alert budget."""
    return evaluate_rows(read_risk(Path(risk)), read_labels(Path(labels)), budget)
