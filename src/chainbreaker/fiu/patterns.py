"""Pattern analysis over received reports (Key 10b): monthly trends, unusual moves, new indicator combinations.

- Trends: reports per month by trafficking type, indicator (the red flags the narratives name, else the
  FIU's codes), region and channel.
- Unusual moves: a month whose count lies more than `Z` standard deviations from the mean of the months
  before it (at least `MIN_HISTORY` months; the deviation is floored at the Poisson deviation sqrt(mean),
  so a series of small stable counts does not flag every wobble).
- Shifting business models: a pair of indicators never seen together in the first `BASELINE` months or
  before, appearing in at least `MIN_NEW` reports from at least 2 reporting entities, is flagged with the
  month it first appeared.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import duckdb

Z = 2.0
MIN_HISTORY = 3
BASELINE = 3
MIN_NEW = 3

MONTHLY_SQL = """
WITH r AS (
    SELECT report_id, entity_id, trafficking_type, region,
           strftime(date_trunc('month', coalesce(period_start, submitted_at)), '%Y-%m') AS month
    FROM fiu_reports
),
ind AS (
    SELECT i.report_id, i.code FROM fiu_indicators i
    WHERE i.scheme = 'redflag'
       OR NOT EXISTS (SELECT 1 FROM fiu_indicators j WHERE j.report_id = i.report_id AND j.scheme = 'redflag')
)
SELECT 'trafficking_type' AS dimension, trafficking_type AS value, month, count(*) AS reports,
       count(DISTINCT entity_id) AS entities FROM r GROUP BY ALL
UNION ALL
SELECT 'region', coalesce(region, 'unknown'), month, count(*), count(DISTINCT entity_id) FROM r GROUP BY ALL
UNION ALL
SELECT 'indicator', ind.code, month, count(DISTINCT r.report_id), count(DISTINCT entity_id)
FROM r JOIN ind USING (report_id) GROUP BY ALL
UNION ALL
SELECT 'channel', c.channel, month, count(DISTINCT r.report_id), count(DISTINCT entity_id)
FROM r JOIN fiu_channels c USING (report_id) GROUP BY ALL
ORDER BY 1, 2, 3
"""


@dataclass(frozen=True)
class Trend:
    dimension: str
    value: str
    month: str
    reports: int
    expected: float
    z: float
    direction: str  # rising or falling


@dataclass(frozen=True)
class NewCombination:
    indicators: tuple[str, str]
    first_month: str
    reports: int
    entities: int


@dataclass
class Patterns:
    monthly: list[tuple[str, str, str, int, int]]
    trends: list[Trend]
    combinations: list[NewCombination]

    def series(self, dimension: str) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = defaultdict(dict)
        for dim, value, month, reports, _ in self.monthly:
            if dim == dimension:
                out[value][month] = reports
        return dict(out)

    @property
    def months(self) -> list[str]:
        return sorted({m for _, _, m, _, _ in self.monthly})


def unusual(series: dict[str, int], months: list[str]) -> list[tuple[str, int, float, float]]:
    """(month, count, expected, z) of each month beyond Z deviations of the months before it."""
    out = []
    values = [series.get(m, 0) for m in months]
    for i in range(MIN_HISTORY, len(months)):
        history = values[:i]
        mean = sum(history) / len(history)
        sd = math.sqrt(sum((v - mean) ** 2 for v in history) / (len(history) - 1))
        sd = max(sd, math.sqrt(max(mean, 1.0)))
        z = (values[i] - mean) / sd
        if abs(z) >= Z:
            out.append((months[i], values[i], mean, z))
    return out


def new_combinations(con: duckdb.DuckDBPyConnection) -> list[NewCombination]:
    rows = con.execute(
        """SELECT r.report_id, r.entity_id,
                  strftime(date_trunc('month', coalesce(r.period_start, r.submitted_at)), '%Y-%m'),
                  list(DISTINCT i.code ORDER BY i.code)
           FROM fiu_reports r JOIN fiu_indicators i USING (report_id)
           WHERE i.scheme = 'redflag' GROUP BY ALL"""
    ).fetchall()
    months = sorted({m for _, _, m, _ in rows})
    baseline = set(months[:BASELINE])
    seen: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    entities: dict[tuple[str, str], set[str]] = defaultdict(set)
    for report_id, entity, month, codes in rows:
        for pair in combinations(codes, 2):
            seen[pair][month].add(report_id)
            entities[pair].add(entity)
    found = []
    for pair, by_month in seen.items():
        first = min(by_month)
        if first in baseline:
            continue
        reports = sum(len(v) for v in by_month.values())
        if reports >= MIN_NEW and len(entities[pair]) >= 2:
            found.append(NewCombination((pair[0], pair[1]), first, reports, len(entities[pair])))
    return sorted(found, key=lambda c: (c.first_month, -c.reports))


def analyse(con: duckdb.DuckDBPyConnection) -> Patterns:
    """Trends, unusual months and new indicator combinations of every report (tables must exist)."""
    monthly = [
        (str(a), str(b), str(c), int(d), int(e)) for a, b, c, d, e in con.execute(MONTHLY_SQL).fetchall()
    ]
    patterns = Patterns(monthly, [], new_combinations(con))
    months = patterns.months
    for dimension in ("trafficking_type", "indicator", "region", "channel"):
        for value, series in sorted(patterns.series(dimension).items()):
            for month, count, expected, z in unusual(series, months):
                patterns.trends.append(
                    Trend(
                        dimension,
                        value,
                        month,
                        count,
                        round(expected, 2),
                        round(z, 2),
                        "rising" if z > 0 else "falling",
                    )
                )
    return patterns


def write_parquet(con: duckdb.DuckDBPyConnection, patterns: Patterns, out_dir: Path) -> list[Path]:
    """The three tables as Parquet files in `out_dir` (for analysts' own tools)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out_dir.mkdir(parents=True, exist_ok=True)
    tables = {
        "monthly.parquet": pa.table(
            {
                k: [row[i] for row in patterns.monthly]
                for i, k in enumerate(("dimension", "value", "month", "reports", "entities"))
            }
        ),
        "trends.parquet": pa.Table.from_pylist([t.__dict__ for t in patterns.trends])
        if patterns.trends
        else pa.table({"dimension": pa.array([], pa.string())}),
        "new_combinations.parquet": pa.Table.from_pylist(
            [{**c.__dict__, "indicators": " + ".join(c.indicators)} for c in patterns.combinations]
        )
        if patterns.combinations
        else pa.table({"indicators": pa.array([], pa.string())}),
    }
    paths = []
    for name, table in tables.items():
        pq.write_table(table, out_dir / name)
        paths.append(out_dir / name)
    return paths
