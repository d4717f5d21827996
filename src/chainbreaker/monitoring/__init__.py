"""Transaction monitoring: the human-trafficking red flags of the catalogue as SQL over one engine seam.

Library entry points (the CLI and the demo call only these):
- `run_monitoring(workspace, out_dir=None, engine="duckdb", ...) -> MonitoringReport`
- `evaluate(labels, risk, budget=0.01) -> Evaluation`
- `load_catalogue(folder=None) -> Catalogue`
"""

from chainbreaker.monitoring.catalogue import (
    Catalogue,
    Indicator,
    Problem,
    load_catalogue,
    load_indicator_file,
)
from chainbreaker.monitoring.evaluation import Evaluation, evaluate, evaluate_rows
from chainbreaker.monitoring.pipeline import MonitoringReport, ShadowDiff, run_monitoring

__all__ = [
    "Catalogue",
    "Evaluation",
    "Indicator",
    "MonitoringReport",
    "Problem",
    "ShadowDiff",
    "evaluate",
    "evaluate_rows",
    "load_catalogue",
    "load_indicator_file",
    "run_monitoring",
]
