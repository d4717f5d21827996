"""Reference code lists shipped with the package (ISO countries, currencies), so nothing is fetched at run time."""

from __future__ import annotations

from functools import cache

import pycountry


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes, plus XK (Kosovo), which banks and lists use."""
    return frozenset({c.alpha_2 for c in pycountry.countries} | {"XK"})


@cache
def currency_codes() -> frozenset[str]:
    """ISO 4217 alphabetic codes."""
    return frozenset(c.alpha_3 for c in pycountry.currencies)
