"""A readable HTML narrative of a case for the investigator and the MLRO (Jinja2, autoescaped).

It carries the same facts and narrative as the FIU exports, plus the survivor safeguard, so the person who
signs the report reads exactly what is filed.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from chainbreaker.core.demo_lists import list_label
from chainbreaker.reports.errors import MissingField
from chainbreaker.reports.facts import ReportFacts
from chainbreaker.reports.narrative import paragraphs


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("chainbreaker.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["list_label"] = list_label
    return env


def build_html(facts: ReportFacts) -> tuple[str, list[MissingField]]:
    """The HTML page; it lists no missing fields of its own (an internal document can be partial)."""
    template = _environment().get_template("case_report.html.j2")
    kind = facts.trafficking_label or "type not established (general indicators only)"
    page = template.render(
        f=facts, kind=kind, paragraphs=paragraphs(facts), transactions=facts.transactions()
    )
    return page, []
