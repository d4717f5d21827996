"""Types shared by the registry tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from chainbreaker.core.workspace import Workspace
from chainbreaker.registry import EditionReport, RegistryStore

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class LoadedRegistry:
    """A workspace with every real list loaded, plus the load reports by dataset (and Lista Suja by edition)."""

    workspace: Workspace
    reports: dict[str, EditionReport]

    def store(self) -> RegistryStore:
        return RegistryStore(self.workspace)
