"""FIU profiles: each FIU's code lists and choices as data (`reports/profiles/*.yaml`), loaded into typed models.

goAML is customised by every FIU (report codes, indicator codes, transmission modes), so an exporter keeps
those lists per FIU and validates against that FIU's XSD. Adding an FIU means adding a YAML file here.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from chainbreaker.core.errors import InputError, NotFoundError


class GoamlProfile(BaseModel):
    """A goAML FIU: report settings, code mappings and where its XSD lives."""

    model_config = ConfigDict(extra="forbid")

    name: str
    format: Literal["goaml"]
    title: str
    as_of: str
    schema_file: str
    report_code: str
    submission_code: str
    currency_code_local: str
    exchange_rates: dict[str, float]
    unspecified_allowed: list[str] = []
    transmodes: dict[str, str]
    transmode_comments: dict[str, str]
    funds: dict[str, str]
    account_types: dict[str, str]
    identification_types: dict[str, str]
    indicators: dict[str, str]
    indicator_prefixes: dict[str, str] = {}
    trafficking_type_indicators: dict[str, list[str]] = {}
    screening_indicators: list[str] = []
    #: Catalogue indicators deliberately left without an FIU code (checked by `catalogue_problems`).
    unmapped: list[str] = []

    def mapped_indicators(self) -> set[str]:
        return set(self.indicators)

    def indicator_code(self, indicator_id: str) -> str | None:
        """The FIU's code for one of our indicator ids (exact id first, then by prefix)."""
        if indicator_id in self.indicators:
            return self.indicators[indicator_id]
        for prefix, code in self.indicator_prefixes.items():
            if indicator_id.startswith(prefix):
                return code
        return None


class FincenProfile(BaseModel):
    """FinCEN SAR batch filing: key terms and suspicious-activity classifications."""

    model_config = ConfigDict(extra="forbid")

    name: str
    format: Literal["fincen-sar"]
    title: str
    as_of: str
    schema_file: str
    key_term_trafficking: str
    key_term_smuggling: str
    classification_trafficking: tuple[int, int]
    classification_smuggling: tuple[int, int]
    indicator_classifications: dict[str, list[tuple[int, int]]] = {}
    network_classification: tuple[int, int] | None = None
    #: Catalogue indicators with no classification beyond 927/926 (checked by `catalogue_problems`).
    unmapped: list[str] = []

    def mapped_indicators(self) -> set[str]:
        return set(self.indicator_classifications)


Profile = GoamlProfile | FincenProfile


def catalogue_problems(profile: Profile, indicator_ids: set[str]) -> list[str]:
    """What is wrong between a profile and the indicator catalogue (empty when they agree).

    Every catalogue indicator must be mapped to the FIU's code or listed as `unmapped` on purpose; a mapped or
    unmapped id the catalogue no longer has is stale. The catalogue's ids are passed in, since reports do not
    import monitoring.
    """
    mapped, unmapped = profile.mapped_indicators(), set(profile.unmapped)
    problems = [
        f"{profile.name}: {i} is neither mapped nor listed as unmapped"
        for i in sorted(indicator_ids - mapped - unmapped)
    ]
    problems += [
        f"{profile.name}: {i} is mapped but not in the catalogue" for i in sorted(mapped - indicator_ids)
    ]
    problems += [
        f"{profile.name}: {i} is listed as unmapped but not in the catalogue"
        for i in sorted(unmapped - indicator_ids)
    ]
    problems += [f"{profile.name}: {i} is both mapped and unmapped" for i in sorted(mapped & unmapped)]
    return problems


def available_profiles() -> list[str]:
    """Names of the profiles shipped with the package."""
    folder = resources.files("chainbreaker.reports") / "profiles"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


@cache
def load_profile(name: str) -> Profile:
    """A shipped profile by name (`uae`, `fincen`), validated."""
    if name not in available_profiles():
        raise NotFoundError(f"no FIU profile {name!r}; available: {', '.join(available_profiles())}")
    path = resources.files("chainbreaker.reports") / "profiles" / f"{name}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        if data.get("format") == "goaml":
            return GoamlProfile.model_validate(data)
        return FincenProfile.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"profile {name} is invalid: {exc}", file=str(path)) from exc
