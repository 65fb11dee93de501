"""The recommender models, one module each, and the registry that builds them by kind."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphengine.errors import AnalysisError
from graphengine.recommend.models.als import ALS
from graphengine.recommend.models.base import Model
from graphengine.recommend.models.blend import Blend
from graphengine.recommend.models.bpr import BPR
from graphengine.recommend.models.ease import EASE, EASE_MAX_ITEMS, ease_memory_bytes
from graphengine.recommend.models.itemknn import ItemKNN
from graphengine.recommend.models.popularity import Popularity, item_popularity
from graphengine.recommend.models.rp3beta import RP3Beta

MODELS: dict[str, type[Model]] = {m.kind: m for m in (Popularity, ItemKNN, RP3Beta, EASE, ALS, BPR, Blend)}


def build(kind: str, params: Mapping[str, Any] | None = None) -> Model:
    """An unfitted model of ``kind`` with ``params``."""
    if kind not in MODELS:
        raise AnalysisError(f"unknown model {kind!r}; one of {', '.join(MODELS)}")
    return MODELS[kind](**dict(params or {}))


__all__ = [
    "ALS",
    "BPR",
    "EASE",
    "EASE_MAX_ITEMS",
    "MODELS",
    "Blend",
    "ItemKNN",
    "Model",
    "Popularity",
    "RP3Beta",
    "build",
    "ease_memory_bytes",
    "item_popularity",
]
