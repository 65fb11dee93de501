"""GET /health: Neo4j reachable (503 when not), versions, the latest analysis runs, cache counters."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from graphengine.analytics.runs import list_runs
from graphengine.api.deps import CacheDep, StoreDep, blocking
from graphengine.api.routes import error_responses
from graphengine.api.schemas import CacheOut, HealthOut, Neo4jOut, RecommenderStatusOut, RunOut
from graphengine.recommend.warm import WarmStates
from graphengine.store import Store

router = APIRouter(tags=["health"])


def _probe(store: Store, known: dict[str, str]) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """One round trip proves Neo4j answers; plugin versions are asked once per app (they need a restart)."""
    rows = store.query("store.get_components")
    versions = dict(known) if known else store.versions()
    if rows:
        versions["neo4j"], versions["edition"] = rows[0]["versions"][0], rows[0]["edition"]
    return versions, list_runs(store, limit=5)


@router.get("/health", response_model=HealthOut, responses=error_responses(503))
async def health(request: Request, store: StoreDep, cache: CacheDep) -> HealthOut:
    """Neo4j reachable, its (and APOC/GDS) versions, the five latest analysis runs. 503 when Neo4j is down."""
    versions, runs = await blocking(_probe, store, request.app.state.versions)
    request.app.state.versions = versions
    return HealthOut(
        status="ok",
        version=request.app.version,
        neo4j=Neo4jOut(reachable=True, uri=store.settings.bolt_uri, versions=versions),
        runs=[RunOut.model_validate(run) for run in runs],
        cache=CacheOut(enabled=cache.enabled, entries=len(cache), hits=cache.stats.hits, misses=cache.stats.misses),
        recommender=_recommender_status(request),
    )


def _recommender_status(request: Request) -> RecommenderStatusOut | None:
    warm: WarmStates | None = getattr(request.app.state, "warm", None)
    if warm is None:
        return None
    served = warm.recommender.holder.current_or_none()
    status = warm.status()
    return RecommenderStatusOut(
        model=None if served is None else served.version,
        warm=status["warm"],
        customersKept=status["customersKept"],
        passes=status["passes"],
        lastPassSeconds=status["lastPassSeconds"],
    )
