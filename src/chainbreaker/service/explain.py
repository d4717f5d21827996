"""Turning screening matches into what the API and the page show, with each feature's explanation.

The explanation of a feature is the docstring of the screening feature function that computed it
(the screening module's rule: the docstring is what users read), so the text cannot drift from code.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import cache
from typing import Any

from chainbreaker.screening import features as screening_features
from chainbreaker.screening.types import Match
from chainbreaker.service.schemas import FeatureOut, MatchOut

_FEATURE_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "name": screening_features.compare_names,
    "birth_date": screening_features.dob_match,
    "country": screening_features.country_match,
    "identifier": screening_features.identifier_match,
    "schema": screening_features.schema_match,
}


@cache
def feature_explanation(name: str) -> str:
    func = _FEATURE_FUNCTIONS.get(name)
    doc = inspect.getdoc(func) if func else None
    return doc or f"feature {name}"


def match_out(match: Match) -> MatchOut:
    return MatchOut.model_validate(
        {
            "entity_id": match.entity_id,
            "entity_name": match.entity_name,
            "dataset": match.dataset,
            "source_id": match.source_id,
            "schema": match.schema,
            "score": round(match.score, 4),
            "matched_on": match.matched_on,
            "matched_name": match.matched_name,
            "algorithm": match.algorithm,
            "explanation": match.explanation,
            "features": [
                FeatureOut(name=name, score=score, explanation=feature_explanation(name))
                for name, score in match.features.items()
            ],
        }
    )
