"""Indicator catalogue API: every red flag with its meaning, sources, parameters and detection SQL."""

from __future__ import annotations

from fastapi import APIRouter

from chainbreaker.monitoring.catalogue import Indicator, default_catalogue
from chainbreaker.service.deps import Reader
from chainbreaker.service.schemas import IndicatorDetail, IndicatorSummary

router = APIRouter(prefix="/api/v1/indicators", tags=["indicators"])


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "…"


def example_sentence(indicator: Indicator) -> str:
    """The alert sentence with the default parameters filled in and the hit's own figures as '…'."""
    values = _Blank(
        {k: ", ".join(v) if isinstance(v, list) else str(v) for k, v in indicator.defaults.items()}
    )
    try:
        return indicator.explanation.format_map(values)
    except (ValueError, IndexError, AttributeError):
        return indicator.explanation


def detail(indicator: Indicator) -> IndicatorDetail:
    data = indicator.model_dump()
    return IndicatorDetail.model_validate({**data, "example": example_sentence(indicator)})


@router.get("", response_model=list[IndicatorSummary], summary="The indicator catalogue")
def list_indicators(_who: Reader) -> list[IndicatorSummary]:
    return [IndicatorSummary.model_validate(i) for i in default_catalogue().indicators]


@router.get("/{indicator_id}", response_model=IndicatorDetail, summary="One indicator as training material")
def get_indicator(indicator_id: str, _who: Reader) -> IndicatorDetail:
    return detail(default_catalogue().get(indicator_id))
