"""Screening: explainable fuzzy matching of customers and counterparties against the registry.

Public surface:
- `Screener` — an in-memory index for single-name screening (the service keeps one per workspace);
- `screen_workspace`, `rescreen_workspace`, `decide` — the library functions behind the CLI;
- `Match`, `Query`, `ListedEntity` — result and input types;
- `ALGORITHM` (`name-v3`) and `DEFAULT_THRESHOLD`.
"""

from chainbreaker.screening.algorithm import ALGORITHM, DEFAULT_THRESHOLD, score_pair
from chainbreaker.screening.index import Screener
from chainbreaker.screening.rescreen import RescreenReport, rescreen_workspace
from chainbreaker.screening.run import ScreenReport, decide, screen_workspace
from chainbreaker.screening.types import FeatureScore, ListedEntity, Match, Query

__all__ = [
    "ALGORITHM",
    "DEFAULT_THRESHOLD",
    "FeatureScore",
    "ListedEntity",
    "Match",
    "Query",
    "RescreenReport",
    "ScreenReport",
    "Screener",
    "decide",
    "rescreen_workspace",
    "score_pair",
    "screen_workspace",
]
