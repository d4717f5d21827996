"""Settings come from one pydantic-settings model (`CHAINBREAKER_*`), read when asked for, never at import."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The secret shipped for demos; the service refuses to start with it outside demo mode.
DEMO_SECRET = "chainbreaker-demo-secret-do-not-use"  # noqa: S105 - a known placeholder, refused in production


class Settings(BaseSettings):
    """Everything configurable, validated once at start."""

    model_config = SettingsConfigDict(env_prefix="CHAINBREAKER_", extra="ignore")

    workspace: Path = Field(default=Path("workspace"), description="default workspace folder")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the case store; default: SQLite file cases.sqlite in the workspace",
    )
    secret_key: str | None = Field(
        default=None,
        description="signs sessions and CSRF tokens; default: a key generated into <workspace>/.secrets",
    )
    pseudonym_key: str | None = Field(
        default=None,
        description="keys the pseudonyms of logs and audit details; default: generated into <workspace>/.secrets",
    )
    demo_mode: bool = Field(default=False, description="allow the demo secret and demo users")
    duckdb_memory_limit: str = Field(
        default="4GB", description="DuckDB memory_limit; beyond it DuckDB spills"
    )
    duckdb_threads: int | None = Field(default=None, description="DuckDB threads; default: all cores")
    spark_master: str = Field(default="local[2]", description="Spark master URL for --engine spark")
    log_level: str = Field(default="INFO")
    log_json: bool = Field(default=False, description="structured JSON logs instead of plain text")
    shared_dir: Path | None = Field(default=None, description="the project's ../shared folder (tests)")
    require_shared: bool = Field(default=False, description="fail instead of skip when shared data is absent")


def get_settings() -> Settings:
    """Read the settings now (not at import time), so tests and commands see the current environment."""
    return Settings()
