"""Every router of the service, in one list, so the app factory and the tests see the same set."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from chainbreaker.service.api import alerts as api_alerts
from chainbreaker.service.api import cases as api_cases
from chainbreaker.service.api import dashboard as api_dashboard
from chainbreaker.service.api import fiu as api_fiu
from chainbreaker.service.api import hub as api_hub
from chainbreaker.service.api import indicators as api_indicators
from chainbreaker.service.api import investigate as api_investigate
from chainbreaker.service.api import me as api_me
from chainbreaker.service.api import portfolio as api_portfolio
from chainbreaker.service.api import registry as api_registry
from chainbreaker.service.api import remedy as api_remedy
from chainbreaker.service.api import reports as api_reports
from chainbreaker.service.api import screening as api_screening
from chainbreaker.service.web import alerts as web_alerts
from chainbreaker.service.web import auth as web_auth
from chainbreaker.service.web import cases as web_cases
from chainbreaker.service.web import fiu as web_fiu
from chainbreaker.service.web import fiu_analysis as web_fiu_analysis
from chainbreaker.service.web import grievances as web_grievances
from chainbreaker.service.web import hub as web_hub
from chainbreaker.service.web import investigate as web_investigate
from chainbreaker.service.web import pages as web_pages
from chainbreaker.service.web import portfolio as web_portfolio
from chainbreaker.service.web import remedy as web_remedy
from chainbreaker.service.web import screening as web_screening

ROUTERS: tuple[APIRouter, ...] = (
    api_me.router,
    api_dashboard.router,
    api_screening.router,
    api_alerts.router,
    api_investigate.router,  # before api_cases: "/api/v1/cases-ranking" must not be read as a case
    api_cases.router,
    api_reports.router,
    api_registry.router,
    api_indicators.router,
    api_remedy.router,
    api_hub.router,
    web_auth.router,
    web_pages.router,
    web_alerts.router,
    web_cases.router,
    web_investigate.router,  # before web_screening: /screening/results is not a screening job
    web_screening.router,
    web_grievances.router,
    web_remedy.router,
    web_hub.router,
    api_portfolio.router,
    api_portfolio.disclosure_router,
    web_portfolio.router,
    web_fiu.router,
    api_fiu.router,
    web_fiu_analysis.router,
)


def include_routers(app: FastAPI) -> None:
    for router in ROUTERS:
        app.include_router(router)
