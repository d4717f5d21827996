"""Running the service: uvicorn in the foreground (`chainbreaker serve`) or in a thread (tests, demo)."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import uvicorn
from fastapi import FastAPI

from chainbreaker.core.errors import ConfigurationError
from chainbreaker.core.settings import Settings
from chainbreaker.core.workspace import Workspace
from chainbreaker.service.app import create_app
from chainbreaker.service.options import ServiceOptions, is_loopback


def options_for(
    host: str, options: ServiceOptions | None = None, secure_cookies: bool | None = None
) -> ServiceOptions:
    """Cookies are `Secure` except on a loopback address (local development over plain HTTP), unless the
    caller says otherwise (e.g. `--secure-cookies` behind a TLS proxy that forwards to 127.0.0.1)."""
    base = options or ServiceOptions()
    secure = (not is_loopback(host)) if secure_cookies is None else secure_cookies
    return replace(base, secure_cookies=secure)


def check_host(settings: Settings, host: str) -> None:
    """Refuse to put a demo on the network."""
    if settings.demo_mode and not is_loopback(host):
        raise ConfigurationError(
            f"demo mode serves on a loopback address only (127.0.0.1, ::1 or localhost), not {host!r}; "
            "run `chainbreaker serve` with real users for anything else"
        )


def build_server(app: FastAPI, host: str, port: int) -> uvicorn.Server:
    """A uvicorn server for an app; access logs are off because URLs can carry names (search terms)."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,
        proxy_headers=False,
        limit_concurrency=1000,
        timeout_keep_alive=30,
        lifespan="on",
    )
    return uvicorn.Server(config)


def run_server(
    settings: Settings,
    workspace: Workspace,
    host: str = "127.0.0.1",
    port: int = 8000,
    options: ServiceOptions | None = None,
    secure_cookies: bool | None = None,
) -> None:
    """Serve the workspace in the foreground until interrupted (refuses unsafe settings before listening).

    Demo mode listens on a loopback address only: its users and data are for one person at one machine.
    """
    check_host(settings, host)
    app = create_app(settings, workspace, options_for(host, options, secure_cookies))
    build_server(app, host, port).run()


class BackgroundServer:
    """An app served in a daemon thread (port 0 = a free port): for browser tests, benchmarks, demos."""

    def __init__(self, app: FastAPI, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = build_server(app, host, port)
        self.thread = threading.Thread(target=self.server.run, name="chainbreaker-service", daemon=True)

    def start(self, timeout: float = 30.0) -> str:
        """Start and wait until the socket listens; returns the base URL."""
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the service did not start")
            time.sleep(0.02)
        sockets = [s for server in self.server.servers for s in server.sockets]
        host, port = sockets[0].getsockname()[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
