"""CLI commands of the service domain (registered on the root app by cli/main.py)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root app."""
