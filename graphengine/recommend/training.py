"""Training from the graph: project, hold out a test share, select on validation, fit, save, record the run.

``train_from_graph`` is what ``graphengine recommender train`` runs:

1. project the interaction matrix out of Neo4j (:func:`project_interactions`);
2. hold out a random ``test_fraction`` of its cells as the **test** split;
3. on the rest, carve a **validation** split and tune every candidate kind on its grid (:func:`select`); the
   kind with the best validation NDCG@k wins;
4. refit each kind's best parameters on the training part and measure it on the test split (the figures that
   are reported — every candidate side by side with the winner);
5. refit the winner on **all** interactions, save it as a new artefact version (optionally promoted) and record
   an ``AnalysisRun`` (kind ``recommender``) with data counts, parameters, validation and test metrics;
6. optionally (``similar = k``) write each product's ``k`` most similar products as ``SIMILAR {score, runId}``
   edges for analysts (:mod:`graphengine.recommend.similar`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from graphengine.analytics.runs import analysis_run
from graphengine.errors import AnalysisError
from graphengine.recommend import artefacts
from graphengine.recommend.interactions import Interactions, InteractionWeights, project_interactions
from graphengine.recommend.models import build, item_popularity
from graphengine.recommend.selection import DEFAULT_KINDS, Selection, holdout_cells, measure, relevant_part, select
from graphengine.recommend.similar import write_similar
from graphengine.store import Store


def compare(
    train: Interactions,
    test_relevant: Any,
    weights: InteractionWeights,
    kinds: Sequence[str],
    *,
    seed: int,
    k: int,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[Selection, dict[str, dict[str, Any]]]:
    """Select on a validation split of ``train``, then measure each kind's best on ``test_relevant``."""
    selection = select(train.matrix, weights, kinds, seed=seed, k=k, overrides=overrides)
    results: dict[str, dict[str, Any]] = {}
    for kind, tuned in selection.kinds.items():
        if tuned.params is None:
            results[kind] = {"refused": tuned.refused}
            continue
        model = build(kind, tuned.params).fit(train.matrix)
        results[kind] = {**measure(model, train.matrix, test_relevant, k), "params": dict(model.params)}
    return selection, results


def train_from_graph(
    store: Store,
    home: Path,
    *,
    weights: InteractionWeights | None = None,
    kinds: Sequence[str] = DEFAULT_KINDS,
    seed: int = 123,
    k: int = 10,
    test_fraction: float = 0.2,
    promote: bool = False,
    similar: int = 0,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Train, save and record a recommender from the loaded graph; see the module docstring. ``overrides``
    fixes parameters of a kind on every point of its grid (``{"ease": {"lam": 500}}``)."""
    weights = weights or InteractionWeights()
    params = {
        "weights": weights.model_dump(),
        "models": list(kinds),
        "seed": seed,
        "k": k,
        "testFraction": test_fraction,
        "overrides": {kind: dict(values) for kind, values in (overrides or {}).items()},
    }
    with analysis_run(store, "recommender", "model-selection", "numpy", "interactions", params) as run:
        with run.timed("project"):
            data = project_interactions(store, weights)
        if data.n_interactions == 0:
            raise AnalysisError("the graph has no interactions to train on")
        with run.timed("select"):
            fit_part, held = holdout_cells(data.matrix, test_fraction, seed)
            train = Interactions(fit_part, data.customer_ids, data.item_ids)
            selection, test = compare(
                train, relevant_part(held, weights), weights, kinds, seed=seed, k=k, overrides=overrides
            )
        winner = selection.winner
        with run.timed("fit"):
            model = build(winner.kind, winner.params).fit(data.matrix)
        served = {name: value for name, value in test[winner.kind].items() if isinstance(value, float)}
        run.counts = {**data.counts(), **selection.validation_counts}
        run.metrics = {"validationNdcg": winner.ndcg, **{f"test_{name}": value for name, value in served.items()}}
        meta = artefacts.ArtefactMeta(
            item_ids=data.item_ids,
            popularity=item_popularity(data.matrix),
            weights=weights,
            run_id=run.run_id,
            metrics={"validation": {"ndcg": winner.ndcg}, "test": served},
            counts=run.counts,
        )
        with run.timed("save"):
            version = artefacts.save(model, meta, home)
        if similar > 0:
            with run.timed("similar"):
                run.counts["similarEdges"] = write_similar(store, model, data.item_ids, similar, run.run_id)
        store.write(
            "analytics.merge_run",
            {
                "runId": run.run_id,
                "props": {
                    "modelVersion": version,
                    "model": winner.kind,
                    "modelParams": json.dumps(model.params, sort_keys=True),
                    "validation": json.dumps(selection.summary(), sort_keys=True, default=str),
                    "test": json.dumps(test, sort_keys=True, default=str),
                },
            },
        )
    if promote:
        artefacts.promote(home, version)
    return {
        "version": version,
        "promoted": promote,
        "runId": run.run_id,
        "model": winner.kind,
        "params": model.params,
        "counts": run.counts,
        "validation": selection.summary(),
        "test": test,
        "seconds": {name: round(value, 3) for name, value in run.seconds.items()},
    }


__all__ = ["compare", "train_from_graph"]
