"""API schemas: what the API promises, kept apart from storage rows and library types on purpose.

A column added to a table does not leak into the API, and a renamed field in a library is caught here
by mypy instead of by a client.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Schema = Literal["Person", "Company", "Organization", "Vessel", "LegalEntity"]


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Me(Out):
    username: str
    role: str
    org_id: str
    org_name: str
    via: str


class ScreenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=500, description="name to screen, in any script")
    schema_: Schema | None = Field(default=None, alias="schema", description="what the name is of")
    birth_date: str | None = Field(default=None, max_length=10, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    country: str | None = Field(default=None, min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    id_number: str | None = Field(default=None, max_length=100)
    limit: int = Field(default=10, ge=1, le=50)
    threshold: float | None = Field(default=None, ge=0.0, le=1.0)


class FeatureOut(Out):
    name: str
    score: float | None
    explanation: str = Field(description="what the feature compares (the feature's own documentation)")


class MatchOut(Out):
    entity_id: str
    entity_name: str
    dataset: str
    source_id: str | None
    schema_: str = Field(alias="schema")
    score: float
    matched_on: str
    matched_name: str
    algorithm: str
    explanation: str
    features: list[FeatureOut]

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class ScreenResponse(Out):
    query: str
    algorithm: str
    threshold: float
    matches: list[MatchOut]


class JobOut(Out):
    id: str
    status: str
    filename: str
    total: int
    done: int
    rejected: int
    hits: int
    error: str | None
    created_at: datetime
    finished_at: datetime | None


class PageMeta(Out):
    total: int
    offset: int
    limit: int


class AlertOut(Out):
    id: int
    alert_id: str
    case_id: int
    party_id: str
    account_id: str | None
    indicator_id: str
    trafficking_type: str
    score: float
    period_start: datetime | None
    period_end: datetime | None
    review: str | None = None


class AlertDetail(AlertOut):
    evidence: dict[str, Any]
    reviews: list[ReviewOut]


class AlertList(Out):
    meta: PageMeta
    items: list[AlertOut]


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["relevant", "not_suspicious", "needs_more_information"]
    note: str | None = Field(default=None, max_length=4000)


class ReviewOut(Out):
    reviewer: str
    decision: str
    note: str | None
    at: datetime


class RegistryHit(Out):
    entity_id: str
    schema_: str = Field(alias="schema")
    caption: str
    dataset: str
    source_id: str | None
    countries: list[str]
    topics: list[str]
    edition: str | None
    active: bool

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class Statement(Out):
    prop: str
    value: str
    original_value: str | None
    dataset: str
    first_seen: datetime | date | None
    last_seen: datetime | date | None
    first_edition: str | None
    edition: str | None
    current: bool


class EntityOut(Out):
    entity_id: str
    schema_: str = Field(alias="schema")
    caption: str
    dataset: str
    source_id: str | None
    active: bool
    first_seen: datetime | date | None
    last_seen: datetime | date | None
    properties: dict[str, list[str]]
    statements: list[Statement]

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class EditionOut(Out):
    dataset: str
    edition: str
    edition_date: date
    loaded_at: datetime
    entities: int
    added: int | None = None
    removed: int | None = None
    changed: int | None = None


class IndicatorSummary(Out):
    id: str
    version: int
    title: str
    trafficking_type: str
    role: str
    weight: float
    enabled: bool


class ParameterOut(Out):
    default: int | float | str | list[str]
    unit: str
    description: str


class SourceOut(Out):
    document: str
    section: str
    catalogue: str
    tag: str


class IndicatorDetail(IndicatorSummary):
    subrole: str | None
    description: str
    parameters: dict[str, ParameterOut]
    requires: list[str]
    sources: list[SourceOut]
    explanation: str = Field(description="the sentence an alert carries, with the hit's figures filled in")
    example: str = Field(description="the explanation with the default parameters filled in")
    sql: str = Field(description="the reviewed SQL step that finds the hits")


class CaseSummaryOut(Out):
    id: int
    reference: str
    title: str
    status: str
    trafficking_type: str
    risk_score: float
    parties: int
    likely_victims: int
    alerts: int
    assignee: str | None
    version: int
    updated_at: datetime


class SafeguardOut(Out):
    applies: bool
    message: str
    alternatives: list[dict[str, Any]]
    victims: list[dict[str, Any]]
    pending: list[str]


class CaseDetailOut(Out):
    id: int
    reference: str
    title: str
    status: str
    allowed_transitions: list[str]
    close_reason: str | None
    trafficking_type: str
    risk_score: float
    assignee: str | None
    version: int
    network: dict[str, Any]
    summary: dict[str, Any]
    parties: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    hits: list[dict[str, Any]]
    comments: list[dict[str, Any]]
    reports: list[dict[str, Any]]
    safeguard: SafeguardOut
    timeline: list[dict[str, Any]]


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to_status: Literal["new", "in_review", "escalated", "reported", "closed"]
    reason: str | None = Field(default=None, max_length=4000)
    expected_version: int | None = Field(
        default=None, ge=1, description="the version you edited (optimistic lock)"
    )


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    assignee: str | None = Field(default=None, max_length=100, description="user name in your organisation")
    expected_version: int | None = Field(default=None, ge=1)


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=20_000)


class CommentOut(Out):
    author: str
    body: str
    created_at: datetime


class PartyRoleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["subject", "likely_victim", "witness", "unknown"]
    reason: str = Field(min_length=1, max_length=4000)
    expected_version: int | None = Field(default=None, ge=1)


class AccountActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["keep_under_review", "refer_support_partner", "offer_basic_account", "close_account"]
    reason: str | None = Field(default=None, max_length=4000)
    expected_version: int | None = Field(default=None, ge=1)


class PartyOut(Out):
    party_id: str
    role: str
    account_action: str | None = None


class CaseChanged(Out):
    reference: str
    status: str
    version: int
    assignee: str | None


class DashboardOut(Out):
    alerts: int
    by_indicator: list[tuple[str, int]]
    periods: list[str]
    by_type: dict[str, list[int]]
    cases_by_status: dict[str, int]


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["goaml", "fincen-sar", "html"]
    profile: str | None = Field(
        default=None,
        max_length=50,
        pattern=r"^[a-z0-9_-]+$",
        description="FIU profile, e.g. uae for goAML; default per format",
    )


class ReportOut(Out):
    id: int
    format: str
    profile: str
    sha256: str
    download: str
