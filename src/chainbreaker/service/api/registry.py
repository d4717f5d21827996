"""Registry API: search listed entities, read one with the history of each value, list editions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from chainbreaker.registry.store import RegistryStore
from chainbreaker.service.deps import Ctx, Reader
from chainbreaker.service.schemas import EditionOut, EntityOut, RegistryHit, Statement

router = APIRouter(prefix="/api/v1/registry", tags=["registry"])

DatasetParam = Annotated[str | None, Query(max_length=64, pattern=r"^[a-z0-9_]+$")]


@router.get(
    "/search", response_model=list[RegistryHit], summary="Listed entities whose names contain every word"
)
def search(
    ctx: Ctx,
    _who: Reader,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    dataset: DatasetParam = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[RegistryHit]:
    with ctx.duckdb() as con:
        rows = RegistryStore(ctx.workspace, con).search(q, limit=limit, dataset=dataset)
    return [RegistryHit.model_validate(_listy(r)) for r in rows]


@router.get("/entities/{entity_id}", response_model=EntityOut, summary="One listed entity with value history")
def entity(entity_id: str, ctx: Ctx, _who: Reader) -> EntityOut:
    with ctx.duckdb() as con:
        store = RegistryStore(ctx.workspace, con)
        row = store.get(entity_id)
        statements = store.statements(entity_id)
    return EntityOut.model_validate({**row, "statements": [Statement.model_validate(s) for s in statements]})


@router.get("/editions", response_model=list[EditionOut], summary="Loaded editions, oldest first")
def editions(ctx: Ctx, _who: Reader, dataset: DatasetParam = None) -> list[EditionOut]:
    with ctx.duckdb() as con:
        found = RegistryStore(ctx.workspace, con).editions(dataset)
    return [EditionOut.model_validate(e) for e in found]


def _listy(row: dict[str, object]) -> dict[str, object]:
    """DuckDB lists may come back as None for empty values; the API always answers lists."""
    return {**row, "countries": row.get("countries") or [], "topics": row.get("topics") or []}
