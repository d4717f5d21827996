"""Adverse-actions registry: sanctions, forced-labour findings and slavery lists as FtM entities with history.

Public API (the contract screening codes against, documented in docs/registry.md):
`load_source(workspace, source, path, progress=None) -> EditionReport` and `RegistryStore(workspace)`.
"""

from __future__ import annotations

from chainbreaker.registry.loader import EditionReport, Progress, load_source
from chainbreaker.registry.sources import SourceInfo, catalogue, source_names
from chainbreaker.registry.store import Change, ChangeSet, Edition, RegistryStore

__all__ = [
    "Change",
    "ChangeSet",
    "Edition",
    "EditionReport",
    "Progress",
    "RegistryStore",
    "SourceInfo",
    "catalogue",
    "load_source",
    "source_names",
]
