"""A naive baseline: five single-indicator rules, each alerting on its own, as many banks start.

Every rule is one red flag with the catalogue's suggested threshold and no context: no weighing, no
network, no subject/victim roles. A party's score is the number of rules it breaks (ties broken by the
amount involved). The library must beat this widely on the same data (benchmarks/bench_monitor.py prints
both). Run alone: `.venv/bin/python benchmarks/baseline_rules.py WORKSPACE LABELS.csv`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from chainbreaker.core.workspace import Workspace
from chainbreaker.monitoring.evaluation import Evaluation, evaluate_rows, read_labels

#: (rule id, what it is, SQL returning party_id and an amount used to break ties)
RULES: tuple[tuple[str, str, str], ...] = (
    (
        "G-04",
        "8+ cash deposits in the period",
        """SELECT a.party_id, sum(t.amount) AS amount FROM transactions t JOIN accounts a USING (account_id)
           WHERE t.direction = 'in' AND t.channel IN ('cash', 'atm') GROUP BY a.party_id HAVING count(*) >= 8""",
    ),
    (
        "G-06",
        "a cash deposit between 8,000 and 10,000",
        """SELECT a.party_id, sum(t.amount) AS amount FROM transactions t JOIN accounts a USING (account_id)
           WHERE t.direction = 'in' AND t.channel IN ('cash', 'atm') AND t.amount >= 8000 AND t.amount < 10000
           GROUP BY a.party_id""",
    ),
    (
        "ST-13",
        "6+ cash/ATM transactions between 22:00 and 06:00 in a month",
        """SELECT party_id, max(amount) AS amount FROM (
             SELECT a.party_id, date_trunc('month', t.booked_at) AS m, sum(t.amount) AS amount
             FROM transactions t JOIN accounts a USING (account_id)
             WHERE t.channel IN ('cash', 'atm') AND (hour(t.booked_at) >= 22 OR hour(t.booked_at) < 6)
             GROUP BY 1, 2 HAVING count(*) >= 6) x GROUP BY party_id""",
    ),
    (
        "ST-05",
        "4+ lodging charges in a month",
        """SELECT party_id, max(amount) AS amount FROM (
             SELECT a.party_id, date_trunc('month', t.booked_at) AS m, sum(t.amount) AS amount
             FROM transactions t JOIN accounts a USING (account_id)
             WHERE t.direction = 'out' AND (t.mcc = '7011' OR t.mcc BETWEEN '3501' AND '3790')
             GROUP BY 1, 2 HAVING count(*) >= 4) x GROUP BY party_id""",
    ),
    (
        "ST-12",
        "20+ P2P credits under 100 in a month",
        """SELECT party_id, max(amount) AS amount FROM (
             SELECT a.party_id, date_trunc('month', t.booked_at) AS m, sum(t.amount) AS amount
             FROM transactions t JOIN accounts a USING (account_id)
             WHERE t.direction = 'in' AND t.channel = 'p2p' AND t.amount < 100
             GROUP BY 1, 2 HAVING count(*) >= 20) x GROUP BY party_id""",
    ),
)


def baseline_scores(workspace: Workspace) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Every party with its baseline score (rules broken), and how many parties each rule flags."""
    con = workspace.connect(read_only=True)
    try:
        parties = [r[0] for r in con.execute("SELECT party_id FROM parties").fetchall()]
        hits: dict[str, list[float]] = {p: [] for p in parties}
        per_rule: dict[str, int] = {}
        for rule_id, _, sql in RULES:
            rows = con.execute(sql).fetchall()
            per_rule[rule_id] = len(rows)
            for party_id, amount in rows:
                hits.setdefault(party_id, []).append(float(amount or 0))
    finally:
        con.close()
    top_amount = max((max(v) for v in hits.values() if v), default=1.0) or 1.0
    scored = [
        {"party_id": p, "risk_score": (len(v) + (max(v) / top_amount if v else 0.0)) / (len(RULES) + 1)}
        for p, v in hits.items()
    ]
    return scored, per_rule


def evaluate_baseline(
    workspace: Workspace, labels: Path, budget: float = 0.01
) -> tuple[Evaluation, dict[str, int]]:
    scored, per_rule = baseline_scores(workspace)
    return evaluate_rows(scored, read_labels(labels), budget), per_rule


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: baseline_rules.py WORKSPACE LABELS.csv")
    result, flagged = evaluate_baseline(Workspace(Path(sys.argv[1])), Path(sys.argv[2]))
    print(result.summary())
    print("parties flagged per rule:", flagged)
