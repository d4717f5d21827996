"""Word lists of screening, read from the data files of this package (each names its sources).

They are data, not code, so that where a word comes from can be checked and a list can be revised
without touching the matcher; see README.md in this folder.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def word_list(name: str) -> frozenset[str]:
    """The words of `<name>.txt` in this package, lower-cased, comments and blank lines skipped."""
    text = (resources.files("chainbreaker.screening.words") / f"{name}.txt").read_text(encoding="utf-8")
    words = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return frozenset(word for word in words if word)


TITLES = word_list("titles")
LEGAL_FORMS = word_list("legal_forms")
ORG_WORDS = word_list("org_words")
PARTICLES = word_list("particles")
COMMON_PARTS = word_list("common_parts")
