"""Modern-slavery statement assessment against a framework's criteria, with the sentences cited as evidence.

`assess_statement(path, framework)` → `DisclosureResult`; `evaluate(labels_csv)` measures accuracy on
annotated statements. The criteria are data (`criteria/*.yaml`), written in our own words with sources.
"""

from chainbreaker.portfolio.disclosure.assess import (
    Citation,
    CriterionResult,
    DisclosureResult,
    assess_statement,
    assess_text,
)
from chainbreaker.portfolio.disclosure.criteria import FRAMEWORKS, Framework, load_framework
from chainbreaker.portfolio.disclosure.evaluate import EvaluationReport, evaluate, write_annotation_template

__all__ = [
    "FRAMEWORKS",
    "Citation",
    "CriterionResult",
    "DisclosureResult",
    "EvaluationReport",
    "Framework",
    "assess_statement",
    "assess_text",
    "evaluate",
    "load_framework",
    "write_annotation_template",
]
