"""Investors' and lenders' module: holdings risk, modern-slavery statement assessment and engagement.

Public surface:
- `assess_portfolio(holdings_csv, workspace, out_dir)` → `PortfolioReport` (scores by `portfolio-v1`);
- `read_holdings`, `score_holdings`, `RiskTables`, `Signal`/`SignalSource` (the hook issue 17's grievance
  notes feed);
- `chainbreaker.portfolio.disclosure` (statements) and `chainbreaker.portfolio.engagement` (escalation).
"""

from chainbreaker.portfolio.assess import PortfolioReport, assess_portfolio, load_screener
from chainbreaker.portfolio.holdings import Holding, HoldingsRead, parse_holdings, read_holdings
from chainbreaker.portfolio.riskdata import RiskTables
from chainbreaker.portfolio.scoring import (
    ALGORITHM,
    HoldingRisk,
    Signal,
    SignalSource,
    band_of,
    no_signals,
    score_holdings,
)

__all__ = [
    "ALGORITHM",
    "Holding",
    "HoldingRisk",
    "HoldingsRead",
    "PortfolioReport",
    "RiskTables",
    "Signal",
    "SignalSource",
    "assess_portfolio",
    "band_of",
    "load_screener",
    "no_signals",
    "parse_holdings",
    "read_holdings",
    "score_holdings",
]
