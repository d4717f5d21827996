"""Every FIU profile agrees with the indicator catalogue: each indicator mapped or unmapped on purpose."""

from __future__ import annotations

import pytest

from chainbreaker.monitoring.catalogue import default_catalogue
from chainbreaker.reports.profiles import available_profiles, catalogue_problems, load_profile


@pytest.mark.parametrize("name", ["uae", "fincen"])
def test_profile_matches_the_catalogue(name: str) -> None:
    ids = {i.id for i in default_catalogue().indicators}
    assert catalogue_problems(load_profile(name), ids) == []


def test_every_shipped_profile_is_checked() -> None:
    assert set(available_profiles()) == {"uae", "fincen"}


def test_a_stale_or_forgotten_indicator_is_reported() -> None:
    profile = load_profile("uae").model_copy(update={"unmapped": ["ZZ-99"]})
    ids = {i.id for i in default_catalogue().indicators} | {"NEW-01"}
    problems = catalogue_problems(profile, ids)
    assert "uae: NEW-01 is neither mapped nor listed as unmapped" in problems
    assert "uae: ZZ-99 is listed as unmapped but not in the catalogue" in problems
