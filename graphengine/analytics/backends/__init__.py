"""Analytics backends behind one interface (:class:`Backend`), looked up by name with :func:`get_backend`.

``igraph`` is the default (Leiden in igraph's C core; ``igraph-leidenalg`` runs it through leidenalg, and
``igraph-c`` is another name for the default); ``networkx`` is the reference; ``gds`` runs inside Neo4j
(Graph Data Science) and so needs the :class:`~graphengine.store.Store` it runs in:
``get_backend("gds", store=store)``. Backend modules are imported on first use, so asking for igraph never
imports networkx.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from graphengine.analytics.backends.base import (
    Backend,
    CommunityOutput,
    betweenness_error_bound,
    betweenness_sample_size,
    canonical_membership,
)
from graphengine.errors import AnalysisError

if TYPE_CHECKING:
    from graphengine.store import Store

DEFAULT_BACKEND = "igraph"

_FACTORIES: dict[str, Callable[[], Backend]] = {}
_BUILTIN: dict[str, tuple[str, str]] = {
    "igraph": ("graphengine.analytics.backends.igraph_backend", "IgraphBackend"),
    "networkx": ("graphengine.analytics.backends.networkx_backend", "NetworkxBackend"),
}
_INSTANCES: dict[str, Backend] = {}


def register_backend(name: str, factory: Callable[[], Backend]) -> None:
    """Make ``factory()`` the backend returned for ``name`` (replacing any earlier one of that name)."""
    _FACTORIES[name] = factory
    _INSTANCES.pop(name, None)


def available_backends() -> list[str]:
    """Names :func:`get_backend` accepts, sorted."""
    return sorted({*_BUILTIN, *_FACTORIES, "igraph-c", "igraph-leidenalg", "gds"})


def get_backend(name: str | Backend = DEFAULT_BACKEND, *, store: Store | None = None) -> Backend:
    """The backend called ``name`` (one shared instance per name); a :class:`Backend` is passed through.

    ``gds`` is built on ``store`` each time (it needs the server, which must have the GDS plugin).
    Raises :class:`AnalysisError` for an unknown name or a backend whose library cannot be imported.
    """
    if isinstance(name, Backend):
        return name
    if name == "gds":
        if store is None:
            raise AnalysisError("backend 'gds' runs in Neo4j and needs a store", details={"backend": name})
        from graphengine.analytics.backends.gds_backend import GdsBackend

        return GdsBackend(store)
    if name in _INSTANCES:
        return _INSTANCES[name]
    if name in _FACTORIES:
        backend = _FACTORIES[name]()
    elif name in _BUILTIN:
        module_name, class_name = _BUILTIN[name]
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise AnalysisError(f"backend {name!r} is not installed", details={"backend": name}) from exc
        backend = getattr(module, class_name)()
    elif name == "igraph-c":  # the default igraph backend by its older name (igraph's own C Leiden)
        backend = get_backend("igraph")
    elif name == "igraph-leidenalg":  # igraph with Leiden through leidenalg (same objective, slower)
        from graphengine.analytics.backends.igraph_backend import IgraphBackend

        backend = IgraphBackend(leiden_implementation="leidenalg")
    else:
        raise AnalysisError(
            f"unknown analytics backend {name!r}", details={"backend": name, "known": available_backends()}
        )
    _INSTANCES[name] = backend
    return backend


__all__ = [
    "DEFAULT_BACKEND",
    "Backend",
    "CommunityOutput",
    "available_backends",
    "betweenness_error_bound",
    "betweenness_sample_size",
    "canonical_membership",
    "get_backend",
    "register_backend",
]
