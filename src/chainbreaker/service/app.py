"""The app factory: `create_app(settings, workspace)` builds one FastAPI app for one workspace.

It refuses unsafe configuration before anything listens (the demo secret outside demo mode, a short
secret, a wildcard origin), brings the case store's schema up to date, and wires the middleware in a
fixed order: security headers outermost (so even errors carry them), then CORS for the exact allowed
origins only, then the signed session.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from chainbreaker import __version__
from chainbreaker.core.errors import ConfigurationError
from chainbreaker.core.logging import set_pseudonym_key
from chainbreaker.core.secrets import installation_secret, process_secret
from chainbreaker.core.settings import DEMO_SECRET, Settings
from chainbreaker.core.workspace import Workspace
from chainbreaker.service import errors
from chainbreaker.service.context import ServiceContext
from chainbreaker.service.options import ServiceOptions
from chainbreaker.service.security.headers import SecurityHeadersMiddleware
from chainbreaker.service.security.limits import BodyLimitMiddleware
from chainbreaker.service.security.sessions import SessionMiddleware
from chainbreaker.service.security.throttle import LoginThrottle
from chainbreaker.storage import make_engine, session_factory, upgrade

PACKAGE_DIR = Path(__file__).resolve().parent
MIN_SECRET_LENGTH = 32
#: Threads FastAPI runs sync routes and dependencies on (anyio's default limiter).
WORKER_THREADS = 40


def check_settings(settings: Settings) -> None:
    """Fail closed: a service that anyone could forge sessions for must not start."""
    if settings.demo_mode or settings.secret_key is None:
        return  # demo mode uses a per-process secret; no key means the workspace's generated one
    if settings.secret_key == DEMO_SECRET:
        raise ConfigurationError(
            "refusing to start with the demo secret outside demo mode; set CHAINBREAKER_SECRET_KEY "
            "to a long random value (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
        )
    if len(settings.secret_key) < MIN_SECRET_LENGTH:
        raise ConfigurationError(
            f"CHAINBREAKER_SECRET_KEY must have at least {MIN_SECRET_LENGTH} characters outside demo mode"
        )


def session_secret(settings: Settings, workspace: Workspace) -> str:
    """The key that signs sessions: random per process in demo mode (a published demo secret would let
    anyone forge a supervisor's cookie), else the configured one, else the installation's generated key."""
    if settings.demo_mode:
        return process_secret()
    if settings.secret_key is not None:
        return settings.secret_key
    return installation_secret(workspace.root, "session")


def configure_pseudonyms(settings: Settings, workspace: Workspace) -> None:
    """Log and audit pseudonyms keyed with the installation's key (settings, else generated)."""
    set_pseudonym_key(settings.pseudonym_key or installation_secret(workspace.root, "pseudonym"))


def build_context(settings: Settings, workspace: Workspace, options: ServiceOptions) -> ServiceContext:
    from chainbreaker.service.jobs import JobRunner

    # More pooled connections than worker threads (anyio's default is 40): a request holds its connection
    # until its dependency exits, and that exit needs a worker thread; with fewer connections than threads,
    # threads waiting for a connection could starve the exits that would free one (a deadlock under load).
    engine = make_engine(workspace.cases_url(settings), pool_size=10, max_overflow=WORKER_THREADS + 10)
    upgrade(engine)
    ctx = ServiceContext(
        settings=settings,
        workspace=workspace,
        options=options,
        engine=engine,
        sessions=session_factory(engine),
        throttle=LoginThrottle(options.login_max_failures, options.login_window_seconds),
    )
    ctx.jobs = JobRunner(ctx)
    return ctx


@pass_context
def path_only_url_for(context: dict[str, Any], name: str, /, **path_params: Any) -> str:
    """`url_for` for templates that returns the path only (no scheme, no host)."""
    request: Request = context["request"]
    return str(request.app.url_path_for(name, **path_params))


def create_app(settings: Settings, workspace: Workspace, options: ServiceOptions | None = None) -> FastAPI:
    """The service for one workspace; raises `ConfigurationError` instead of starting unsafely."""
    check_settings(settings)
    secret = session_secret(settings, workspace)
    configure_pseudonyms(settings, workspace)
    options = options or ServiceOptions()
    ctx = build_context(settings, workspace, options)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        from chainbreaker.service.parties import warm_up

        warm_up(workspace)  # the search box's name matching and the workspace file, in the background
        yield
        ctx.close()

    app = FastAPI(
        title="chainbreaker",
        version=__version__,
        summary="Screening, alerts, cases and reports against the money flows of human trafficking.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI would load its assets from a CDN; the spec is served as JSON only
        redoc_url=None,
        lifespan=lifespan,
    )
    ctx.secret = secret
    app.state.ctx = ctx
    app.state.templates = Jinja2Templates(directory=str(PACKAGE_DIR / "templates"))
    # Asset links are paths, never absolute URLs built from the request's Host header (which a client
    # chooses: echoing it let a forged Host point the page's scripts at another server).
    app.state.templates.env.globals["url_for"] = path_only_url_for
    from chainbreaker.service.humanize import install_filters

    install_filters(app.state.templates.env)
    errors.install(app)

    from chainbreaker.service.routes import include_routers

    include_routers(app)
    app.mount("/static", StaticFiles(directory=str(PACKAGE_DIR / "static")), name="static")

    app.add_middleware(
        SessionMiddleware,
        secret=secret,
        max_age=options.session_max_age_seconds,
        secure=options.secure_cookies,
    )
    if options.allowed_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(options.allowed_origins),
            allow_credentials=False,
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "x-api-key", "content-type"],
        )
    # multipart framing and the other form fields add a little to the file itself
    app.add_middleware(BodyLimitMiddleware, max_bytes=options.max_upload_bytes + 64 * 1024)
    app.add_middleware(
        SecurityHeadersMiddleware,
        hsts=options.secure_cookies,
        extra=dict(options.extra_headers),
        on_error=errors.handle_unexpected,
    )
    return app
