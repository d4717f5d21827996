"""What one running service shares between requests: settings, the case store, the workspace, throttle.

Built once by `create_app` and kept on `app.state.ctx`; nothing here is global, so tests can run two
apps side by side in one process.

The workspace's DuckDB file is opened read-only and only for the duration of a request: DuckDB lets
one process write a file only while no other process has it open, so a service that kept it open would
block `chainbreaker load` and the other commands. The screening index is held in memory instead, and
reloaded when the workspace file changes (a new registry edition was loaded).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import duckdb
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from chainbreaker.core.errors import ChainbreakerError
from chainbreaker.core.settings import Settings
from chainbreaker.core.workspace import Workspace
from chainbreaker.screening.index import Screener
from chainbreaker.service.options import ServiceOptions
from chainbreaker.service.security.throttle import LoginThrottle

if TYPE_CHECKING:
    from chainbreaker.service.jobs import JobRunner

#: How often (seconds) the service looks whether the workspace changed under the screening index.
RELOAD_CHECK_SECONDS = 5.0


class WorkspaceBusyError(ChainbreakerError):
    """Another process is writing the workspace right now; the request can be retried shortly."""

    http_status = 503


@dataclass
class ServiceContext:
    settings: Settings
    workspace: Workspace
    options: ServiceOptions
    engine: Engine
    sessions: sessionmaker[Session]
    throttle: LoginThrottle
    jobs: JobRunner | None = None
    #: The key signing sessions and flash cookies: configured, generated into the workspace, or random per
    #: process in demo mode (`app.session_secret`); never read from settings directly, which may hold none.
    secret: str = field(default="", repr=False)
    _screener: Screener | None = field(default=None, repr=False)
    _screener_mtime: float = field(default=-1.0, repr=False)
    _checked_at: float = field(default=0.0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @contextmanager
    def duckdb(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection to the workspace for one request, closed afterwards."""
        self.workspace.require()
        try:
            con = self.workspace.connect(read_only=True, settings=self.settings)
        except duckdb.IOException as exc:
            raise WorkspaceBusyError(
                "the workspace is being written by another process; retry shortly"
            ) from exc
        try:
            yield con
        finally:
            con.close()

    def check_writable(self) -> None:
        """Open and close a writable connection, so a write that would wait on another process fails early
        as a 503 instead of failing halfway (FIU relinking, decisions, disseminations write the workspace)."""
        try:
            self.workspace.connect(settings=self.settings).close()
        except duckdb.IOException as exc:
            raise WorkspaceBusyError(
                "the workspace is being written by another process; retry shortly"
            ) from exc

    def _mtime(self) -> float:
        try:
            return self.workspace.duckdb_path.stat().st_mtime
        except FileNotFoundError:
            return -1.0

    def loaded_screener(self) -> Screener | None:
        """The index if it is loaded and was checked recently, without loading or checking anything."""
        current = self._screener
        if current is not None and time.monotonic() - self._checked_at < RELOAD_CHECK_SECONDS:
            return current
        return None

    def screener(self) -> Screener:
        """The in-memory screening index, loaded on first use and after the workspace changed."""
        now = time.monotonic()
        current = self._screener
        if current is not None and now - self._checked_at < RELOAD_CHECK_SECONDS:
            return current
        with self._lock:
            self._checked_at = now
            mtime = self._mtime()
            if self._screener is None or mtime != self._screener_mtime:
                try:
                    self._screener = Screener.from_workspace(self.workspace)
                except duckdb.IOException as exc:
                    if self._screener is None:
                        raise WorkspaceBusyError(
                            "the workspace is being written by another process; retry shortly"
                        ) from exc
                    return self._screener  # keep serving the index we have
                self._screener_mtime = mtime
            return self._screener

    def close(self) -> None:
        if self.jobs is not None:
            self.jobs.shutdown()
        self.engine.dispose()
