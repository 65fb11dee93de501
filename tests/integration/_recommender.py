"""Test helpers for recommender serving: fit a model on the graph's interactions and promote it into a test home."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from graphengine.recommend import artefacts
from graphengine.recommend.interactions import InteractionWeights, project_interactions
from graphengine.recommend.models import build, item_popularity
from graphengine.store import Store


def train_and_promote(
    store: Store, home: Path, kind: str = "itemknn", params: dict[str, Any] | None = None, *, promote: bool = True
) -> str:
    """Project the graph's interactions, fit ``kind`` on them, save an artefact (promoted unless told not to);
    returns its version."""
    weights = InteractionWeights()
    data = project_interactions(store, weights)
    model = build(kind, params).fit(data.matrix)
    meta = artefacts.ArtefactMeta(item_ids=data.item_ids, popularity=item_popularity(data.matrix), weights=weights)
    version = artefacts.save(model, meta, home)
    if promote:
        artefacts.promote(home, version)
    return version


def promote_offline_model(home: Path) -> str:
    """A popularity model of three products fitted without Neo4j, saved and promoted (for outage tests)."""
    matrix = sp.csr_matrix(np.array([[1, 1, 0], [1, 0, 1]], dtype=np.float32))
    weights = InteractionWeights()
    model = build("popularity").fit(matrix)
    meta = artefacts.ArtefactMeta(
        item_ids=np.array(["p1", "p2", "p3"]), popularity=item_popularity(matrix), weights=weights
    )
    version = artefacts.save(model, meta, home)
    artefacts.promote(home, version)
    return version
