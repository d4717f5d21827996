"""The source catalogue (sources.yaml) as typed models, and the adapter each source is read with.

The catalogue is data, not code: adding a source means one YAML entry and one adapter module named
after it in `chainbreaker.registry.adapters`.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path
from typing import Protocol

import yaml
from pydantic import BaseModel, Field

from chainbreaker.core.errors import InputError
from chainbreaker.registry.model import SourceRead

CATALOGUE = Path(__file__).with_name("sources.yaml")


class SourceInfo(BaseModel):
    """One list publisher's file as the registry knows it."""

    name: str
    title: str
    publisher: str
    url: str
    format: str
    topics: list[str] = Field(default_factory=list)
    as_of: str | None = None


class Adapter(Protocol):
    """What every adapter module offers: read one edition into a SourceRead, without touching the store."""

    def __call__(self, path: Path, dataset: str) -> SourceRead: ...


@cache
def catalogue() -> dict[str, SourceInfo]:
    data = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    return {item["name"]: SourceInfo(**item) for item in data["sources"]}


def source_names() -> list[str]:
    return list(catalogue())


def get_source(name: str) -> SourceInfo:
    found = catalogue().get(name)
    if found is None:
        raise InputError(f"unknown source {name!r}; choose one of: {', '.join(catalogue())}")
    return found


def get_adapter(name: str) -> Adapter:
    """The `read` function of the adapter module named after the source."""
    get_source(name)
    module = importlib.import_module(f"chainbreaker.registry.adapters.{name}")
    reader: Adapter = module.read
    return reader


def input_files(name: str, path: Path) -> list[Path] | None:
    """The files one edition is read from, known before parsing (so a reload is skipped by its hash).

    A module may define `input_files(path)` (OFAC's folder sets do); otherwise a file is its own input.
    None when it cannot be known without parsing (the adapter then reports the problem)."""
    module = importlib.import_module(f"chainbreaker.registry.adapters.{name}")
    finder = getattr(module, "input_files", None)
    if finder is not None:
        try:
            found: list[Path] = finder(path)
        except InputError:
            return None
        return found
    return [path] if path.is_file() else None


def checks_own_truncation(name: str) -> bool:
    """True when the adapter detects a cut-off file itself (`CHECKS_TRUNCATION = True` in its module,
    e.g. OFAC's header-less CSV sets, checked against their own record layout)."""
    module = importlib.import_module(f"chainbreaker.registry.adapters.{name}")
    return bool(getattr(module, "CHECKS_TRUNCATION", False))
