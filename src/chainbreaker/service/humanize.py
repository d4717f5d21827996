"""Values as people read them: dates, amounts, counts, labels, and an alert's figures as sentences.

Templates get these as Jinja filters (`install_filters`), so no page prints `2026-01-28 00:00:00`,
`{'multiples': 18}` or `False`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from jinja2 import Environment

from chainbreaker.core.demo_lists import is_demo_dataset, list_label

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def human_date(value: object) -> str:
    """`28 Jan 2026`; an empty string for nothing."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, datetime | date):
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    return str(value)


def human_datetime(value: object) -> str:
    """`28 Jan 2026, 14:05`; midnight is left out (`28 Jan 2026`), since most contract dates are days."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, datetime):
        day = human_date(value)
        if value.hour == value.minute == value.second == 0:
            return day
        return f"{day}, {value:%H:%M}"
    return human_date(value)


def human_month(value: str) -> str:
    """`2026-01` → `Jan 2026`."""
    try:
        year, month = value.split("-")[:2]
        return f"{MONTHS[int(month) - 1]} {int(year)}"
    except (ValueError, IndexError):
        return value


def human_period(start: object, end: object) -> str:
    """`1 Jan 2026 – 31 Jan 2026`, or one side only, or `no period`."""
    a, b = human_date(start), human_date(end)
    if a and b:
        return a if a == b else f"{a} – {b}"
    return a or b or "no period"


def money(value: object, currency: str | None = None) -> str:
    """`1,234.50 USD`."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    text = f"{number:,.2f}"
    return f"{text} {currency}" if currency else text


def number(value: object) -> str:
    """Counts with thousands separators; fractions with at most two decimals; yes/no for booleans."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float | Decimal):
        as_float = float(value)
        if as_float.is_integer():
            return f"{int(as_float):,}"
        return f"{as_float:,.2f}"
    return str(value)


def plural(word: str, count: object) -> str:
    """`transaction` → `transactions` unless the count is one (`counterparty` → `counterparties`)."""
    if count == 1:
        return word
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def label(key: str) -> str:
    """`ads_multiple_n` → `Ads multiple n`; codes that are already words stay readable."""
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Figure:
    """One row of an alert's figures table: what, the value, and what the value is measured in."""

    label: str
    value: str
    note: str = ""


def figure_rows(figures: Mapping[str, Any], parameters: Mapping[str, Any] | None = None) -> list[Figure]:
    """Figures as table rows; lists become counts and nested objects `key: value` pairs, never Python."""
    rows = []
    for key, value in figures.items():
        rows.append(Figure(label(key), _plain(value)))
    return rows


def parameter_rows(parameters: Mapping[str, Any], described: Mapping[str, Any] | None = None) -> list[Figure]:
    """An indicator's thresholds with their unit and meaning from the catalogue."""
    rows = []
    for key, value in parameters.items():
        spec = (described or {}).get(key)
        unit = str(getattr(spec, "unit", "") or "")
        meaning = str(getattr(spec, "description", "") or "")
        rows.append(Figure(label(key), f"{_plain(value)} {unit}".strip(), meaning))
    return rows


def _plain(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list | tuple | set):
        if all(isinstance(v, str | int | float) for v in value) and len(value) <= 5:
            return ", ".join(_plain(v) for v in value) or "none"
        return f"{len(value):,} items"
    if isinstance(value, Mapping):
        return "; ".join(f"{label(str(k))}: {_plain(v)}" for k, v in value.items()) or "—"
    return number(value)


_CASE_PATH = re.compile(r"^/cases/([A-Za-z0-9-]{1,40})(?:/|$)")
_ALERT_PATH = re.compile(r"^/alerts/(\d{1,12})(?:/|$)")


def fix_link(path: str, detail: str) -> tuple[str, str] | None:
    """Where the user can fix what a refusal is about: (href, text), or None for the dashboard.

    A refused export of a case with only general indicators goes to the case's trafficking-type form
    (the library's message names the CLI command; the web user fixes it on the case page), a refused
    role or account decision to the case's decisions, anything else on a case back to that case.
    """
    found = _CASE_PATH.match(path)
    if found:
        ref = found.group(1).upper()
        text = detail.lower()
        if "set-type" in text or "trafficking type" in text or "general indicators" in text:
            return f"/cases/{ref}#trafficking-type", f"Set the trafficking type of case {ref}"
        if "role" in text:
            return f"/cases/{ref}#roles", f"Change the roles in case {ref}"
        if "account" in text or "victim" in text:
            return f"/cases/{ref}#safeguard", f"Record the account decision in case {ref}"
        if "report" in text:
            return f"/cases/{ref}#reports", f"Export a report of case {ref}"
        return f"/cases/{ref}", f"Back to case {ref}"
    found = _ALERT_PATH.match(path)
    if found:
        return f"/alerts/{found.group(1)}", "Back to the alert"
    return None


def install_filters(env: Environment) -> None:
    """Register the filters on the service's template environment."""
    env.filters["human_date"] = human_date
    env.filters["human_datetime"] = human_datetime
    env.filters["human_month"] = human_month
    env.filters["money"] = money
    env.filters["number"] = number
    env.filters["label"] = label
    env.filters["plural"] = plural
    env.globals["human_period"] = human_period
    env.globals["fix_link"] = fix_link
    env.filters["list_label"] = list_label
    env.globals["is_demo_list"] = is_demo_dataset
