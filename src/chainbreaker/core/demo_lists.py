"""How a synthetic demo list is told apart from a real one, everywhere it is named.

`chainbreaker demo` loads lists it writes itself in the publishers' formats. They must never pass for
the real lists: their dataset names carry the reserved prefix `demo_` (`demo_us_ofac_sdn`), and every
place that names a list (CLI, web pages, hits files, report text) adds `DEMO_LABEL` after such a name.
Kept in `core` so the registry, screening, reports, CLI and service share one rule.
"""

from __future__ import annotations

#: Reserved dataset-name prefix of the demo's synthetic lists (docs/decisions/registry-03).
DEMO_PREFIX = "demo_"
#: The words shown beside a demo list's name.
DEMO_LABEL = "DEMO (synthetic list)"


def demo_dataset(source: str) -> str:
    """The dataset name a demo list of `source` is loaded under."""
    return DEMO_PREFIX + source


def is_demo_dataset(dataset: str | None) -> bool:
    return bool(dataset) and str(dataset).startswith(DEMO_PREFIX)


def list_label(dataset: str | None) -> str:
    """The dataset name as shown to people: `demo_us_ofac_sdn — DEMO (synthetic list)` for a demo list."""
    name = dataset or ""
    return f"{name} — {DEMO_LABEL}" if is_demo_dataset(name) else name
