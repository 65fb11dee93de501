"""Test helpers for recommender serving: train a model from the graph and promote it into a test home."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graphengine.recommend import artefacts
from graphengine.recommend.interactions import InteractionWeights, project_interactions
from graphengine.recommend.models import build, item_popularity
from graphengine.store import Store


def train_and_promote(
    store: Store, home: Path, version: str, kind: str = "itemknn", params: dict[str, Any] | None = None
) -> Any:
    """Project the graph's interactions, fit ``kind`` on them, write artefact ``version`` and promote it;
    returns the fitted model."""
    weights = InteractionWeights()
    data = project_interactions(store, weights)
    model = build(kind, params).fit(data.matrix)
    artefacts.save(
        home,
        version,
        model,
        weights,
        [str(i) for i in data.item_ids],
        [float(x) for x in item_popularity(data.matrix)],
    )
    artefacts.promote(home, version)
    return model
