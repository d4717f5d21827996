"""Service options that are about how the web server runs, not about the bank's data.

They live beside `core.settings.Settings` (which owns the secret and demo mode) because they only
matter to the service: cookie security, allowed browser origins, upload limits and login throttling.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and `localhost`: the only hosts where plain-HTTP cookies are acceptable."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ServiceOptions:
    """How one running service behaves; every default is the safe one."""

    #: Mark cookies `Secure` (sent over HTTPS only). Only local development on loopback turns this off.
    secure_cookies: bool = True
    #: Exact browser origins allowed to call the API cross-site (CORS). Never a wildcard.
    allowed_origins: tuple[str, ...] = ()
    #: Largest accepted CSV upload, in bytes; larger uploads answer 413 before anything is stored.
    max_upload_bytes: int = 5 * 1024 * 1024
    #: Most rows in one screening upload; more answers 413 with the limit in the message.
    max_upload_rows: int = 50_000
    #: Failed logins allowed per user name (and per client address times four) within the window.
    login_max_failures: int = 5
    login_window_seconds: int = 15 * 60
    #: How long a login session lasts without logging in again.
    session_max_age_seconds: int = 8 * 60 * 60
    #: Threads that run background screening jobs.
    job_workers: int = 1
    #: Extra response headers (tests and reverse proxies may add, never remove, the defaults).
    extra_headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for origin in self.allowed_origins:
            if "*" in origin or not origin.startswith(("http://", "https://")):
                raise ValueError(f"allowed origin must be an exact http(s) origin, not {origin!r}")
