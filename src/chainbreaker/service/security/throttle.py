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

    #: Keys kept before stale ones are swept (each key is a few dozen bytes and a short deque).
    MAX_KEYS = 10_000

    def _keys(self, username: str, client: str) -> list[tuple[str, int]]:
        """Failures count per (user name, client address) and per address.

        Counting per user name alone let anyone lock a named colleague out, even with the right password,
        by failing five logins as her from anywhere; now only the guesser's own address is slowed.
        """
        return [
            (f"user:{redact(username.strip().lower())}|{redact(client)}", self.max_failures),
            (f"addr:{redact(client)}", self.max_failures * 4),
        ]

    def _sweep(self, now: float) -> None:
        """Forget keys whose failures all left the window, so the table cannot grow without end."""
        stale = [k for k, q in self._failures.items() if not q or q[-1] <= now - self.window]
        for key in stale:
            del self._failures[key]

    def check(self, username: str, client: str) -> None:
        """Raise `TooManyAttemptsError` when either the name or the address is over its limit."""
        now = self.clock()
        with self._lock:
            for key, limit in self._keys(username, client):
                attempts = self._failures.get(key)
                if attempts is None:
                    continue
                while attempts and attempts[0] <= now - self.window:
                    attempts.popleft()
                if not attempts:
                    del self._failures[key]
                    continue
                if len(attempts) >= limit:
                    raise TooManyAttemptsError(int(attempts[0] + self.window - now) + 1)

    def failed(self, username: str, client: str) -> None:
        now = self.clock()
        with self._lock:
            if len(self._failures) >= self.MAX_KEYS:
                self._sweep(now)
            for key, _ in self._keys(username, client):
                self._failures[key].append(now)

    def succeeded(self, username: str, client: str = "") -> None:
        """A good password clears the name's failures from that address (not the address's own count:
        one guesser, many names)."""
        with self._lock:
            self._failures.pop(self._keys(username, client)[0][0], None)

    def __len__(self) -> int:
        return len(self._failures)
