"""The HTML report of one portfolio assessment: a self-contained file with the charts inline."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from chainbreaker.portfolio.scoring import HoldingRisk

if TYPE_CHECKING:
    from chainbreaker.portfolio.assess import PortfolioReport

TOP = 50


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("chainbreaker.portfolio", "templates"),
        autoescape=select_autoescape(["html"]),
    )


def render_report(report: PortfolioReport, risks: Sequence[HoldingRisk], heat: str, world: str) -> str:
    """Summary, exposure, charts and the top holdings with every reason."""
    from chainbreaker.portfolio.charts import legend

    template = _environment().get_template("portfolio_report.html")
    return template.render(
        report=report,
        top=list(risks[:TOP]),
        heat=Markup(heat),  # noqa: S704 - built by charts.py from numbers and escape()d text
        world=Markup(world),  # noqa: S704 - same
        legend=Markup(legend()),  # noqa: S704 - same
    )
