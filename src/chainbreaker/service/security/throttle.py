"""Login throttling: a sliding window of failed attempts per user name and per client address.

Kept in memory on purpose: one service process serves one workspace (see docs/decisions/service-02),
attempts need no org, and nothing personal is kept (names and addresses are stored as keyed hashes).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

from chainbreaker.core.errors import ChainbreakerError
from chainbreaker.core.logging import redact


class TooManyAttemptsError(ChainbreakerError):
    """Too many failed logins; the caller should wait `retry_after` seconds."""

    http_status = 429

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many failed logins; try again in {retry_after} seconds")


class LoginThrottle:
    """Refuses further logins for a name (or an address) after too many recent failures."""

    def __init__(
        self, max_failures: int, window_seconds: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self.clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _keys(self, username: str, client: str) -> list[tuple[str, int]]:
        return [
            (f"user:{redact(username.strip().lower())}", self.max_failures),
            (f"addr:{redact(client)}", self.max_failures * 4),
        ]

    def check(self, username: str, client: str) -> None:
        """Raise `TooManyAttemptsError` when either the name or the address is over its limit."""
        now = self.clock()
        with self._lock:
            for key, limit in self._keys(username, client):
                attempts = self._failures[key]
                while attempts and attempts[0] <= now - self.window:
                    attempts.popleft()
                if len(attempts) >= limit:
                    raise TooManyAttemptsError(int(attempts[0] + self.window - now) + 1)

    def failed(self, username: str, client: str) -> None:
        now = self.clock()
        with self._lock:
            for key, _ in self._keys(username, client):
                self._failures[key].append(now)

    def succeeded(self, username: str) -> None:
        """A good password clears the name's failures (not the address's: one guesser, many names)."""
        with self._lock:
            self._failures.pop(f"user:{redact(username.strip().lower())}", None)
