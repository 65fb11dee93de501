"""Item-item ``SIMILAR {score, runId}`` edges for analysts: the products a model recommends to someone who has
only that product.

For every product ``p`` the model scores the one-item row ``{p}`` (``model.scores`` — the same fold-in path as
a customer) and keeps the ``k`` best other products with a positive score, ranked by
:func:`graphengine.recommend.ranking.top_k`. Edges are written in batches, each carrying the ``runId`` of the
training run; edges of earlier runs are then deleted, so Browser always shows one run's neighbours.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from graphengine.recommend.models.base import Model
from graphengine.recommend.ranking import top_k
from graphengine.store import Store

DELETE_BATCH = 10_000


def similar_items(
    model: Model, k: int, *, block: int = 256
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """``(sources, targets, scores)``: each item's ``k`` best other items with a positive score."""
    n = model.n_items
    sources: list[int] = []
    targets: list[int] = []
    scores: list[float] = []
    for start in range(0, n, block):
        items = np.arange(start, min(start + block, n))
        rows = sp.csr_matrix((np.ones(len(items), np.float32), (np.arange(len(items)), items)), shape=(len(items), n))
        block_scores = model.scores(rows)
        for j, item in enumerate(items):
            for target, score in top_k(block_scores[j], k, np.array([item])):
                if score > 0:
                    sources.append(int(item))
                    targets.append(target)
                    scores.append(score)
    return np.asarray(sources, np.int64), np.asarray(targets, np.int64), np.asarray(scores, np.float64)


def write_similar(
    store: Store, model: Model, item_ids: NDArray[np.str_], k: int, run_id: str, *, batch_size: int = 10_000
) -> int:
    """Write the top-``k`` SIMILAR edges of every product for ``run_id`` and delete older ones; returns the count."""
    sources, targets, scores = similar_items(model, k)
    for start in range(0, len(sources), batch_size):
        part = slice(start, start + batch_size)
        store.write(
            "recommend.write_similar",
            {
                "sources": item_ids[sources[part]].tolist(),
                "targets": item_ids[targets[part]].tolist(),
                "scores": scores[part].tolist(),
                "runId": run_id,
            },
        )
    store.run_batched("recommend.delete_stale_similar", {"runId": run_id, "batch": DELETE_BATCH})
    return len(sources)


__all__ = ["similar_items", "write_similar"]
