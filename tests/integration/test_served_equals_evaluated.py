"""What is served is what is evaluated: the top 10 of ≥ 100 customers through the real HTTP API equals, item for
item, the top 10 that the evaluation computes for them.

A MovieLens-100k subset (the first 150 users, all their ratings) is split 80/20 at random (seed 123) exactly as
``evaluate recommend`` splits it; the training part is loaded into Neo4j through the product's loaders, with
profiling consent, the way ``loaders/movielens.py --consent`` writes it (ratings, and purchases for ratings ≥ 4).
``graphengine recommender train``'s pipeline selects, fits and promotes a model from the graph; the test checks
that the graph's projection is the evaluation's training matrix, that the evaluation's model (the winner's
parameters fitted on that matrix) equals the artefact's, and then compares the evaluation's lists
(:func:`graphengine.recommend.selection.recommend_lists`) with the API's answers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from graphengine.api import ApiOptions
from graphengine.config import Settings
from graphengine.recommend import artefacts
from graphengine.recommend.datasets import load_movielens_100k
from graphengine.recommend.interactions import InteractionWeights, project_interactions
from graphengine.recommend.log import InteractionLog
from graphengine.recommend.models import build
from graphengine.recommend.selection import recommend_lists
from graphengine.recommend.splits import random_split
from graphengine.recommend.training import train_from_graph
from graphengine.store import Store
from tests.integration.test_api_harness import API_KEY, api_client
from tests.integration.test_recommend_serving import load_rows

USERS = 150
SAMPLE = 120


def movielens_subset() -> InteractionLog:
    log = load_movielens_100k()
    keep = log.users < USERS
    assert log.timestamps is not None
    return InteractionLog.from_ids(
        [f"ml-u{log.user_ids[u]}" for u in log.users[keep]],
        [f"ml-m{log.item_ids[i]}" for i in log.items[keep]],
        log.ratings[keep].tolist(),
        log.timestamps[keep].tolist(),
    )


def load_train(store: Store, tmp: Path, data: InteractionLog, train: InteractionLog) -> None:
    load_rows(store, tmp, "customers", [{"customerId": c, "consentProfiling": "true"} for c in data.user_ids])
    load_rows(store, tmp, "products", [{"productId": p, "category": "Movies"} for p in data.item_ids])
    assert train.timestamps is not None
    ratings, purchases = [], []
    for k in range(len(train)):
        customer, product = train.user_ids[train.users[k]], train.item_ids[train.items[k]]
        at = dt.datetime.fromtimestamp(int(train.timestamps[k]), tz=dt.UTC).isoformat()
        ratings.append({"customerId": customer, "productId": product, "rating": float(train.ratings[k]), "at": at})
        if train.ratings[k] >= 4:
            purchases.append(
                {"orderId": f"ml-{k}", "customerId": customer, "productId": product, "amount": 0, "at": at}
            )
    load_rows(store, tmp, "ratings", ratings)
    load_rows(store, tmp, "purchases", purchases)


def test_top_10_served_through_the_api_equals_the_evaluations_top_10(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    data = movielens_subset()
    train, test = random_split(data, 0.2, seed=123)
    assert len(train) + len(test) == len(data) and len(test) > 0
    load_train(store, tmp_path, data, train)
    weights = InteractionWeights()
    home = tmp_path / "home"
    trained = train_from_graph(store, home, weights=weights, kinds=("itemknn", "rp3beta", "ease"), promote=True)

    evaluated = train.to_interactions(weights)  # the evaluation's training matrix
    projected = project_interactions(store, weights)
    assert list(projected.customer_ids) == list(evaluated.customer_ids)
    assert list(projected.item_ids) == list(evaluated.item_ids)
    assert (projected.matrix != evaluated.matrix).nnz == 0

    served_model = artefacts.load(home, trained["version"]).model
    evaluation_model = build(trained["model"], trained["params"]).fit(evaluated.matrix)
    rng = np.random.default_rng(5)
    users = np.sort(rng.choice(np.flatnonzero(np.diff(evaluated.matrix.indptr) > 0), SAMPLE, replace=False))
    expected = recommend_lists(evaluation_model, evaluated.matrix, users, 10)
    assert (recommend_lists(served_model, evaluated.matrix, users, 10) == expected).all()

    rated = {u: set(train.items[(train.users == u)].tolist()) for u in range(train.n_users)}
    low = {u: set(train.items[(train.users == u) & (train.ratings < 4)].tolist()) for u in range(train.n_users)}
    same = disliked = 0
    keyed = settings.model_copy(update={"api_keys": [API_KEY]})
    with api_client(keyed, ApiOptions(models_home=home)) as client:
        client.headers["X-API-Key"] = API_KEY  # recommendations need a key with the read scope
        for row, user in zip(expected, users, strict=True):
            customer = str(evaluated.customer_ids[user])
            response = client.get(f"/customers/{customer}/recommendations", params={"limit": 10})
            assert response.status_code == 200, response.text
            body = response.json()
            assert body["personalized"] is True and body["modelVersion"] == trained["version"]
            served = [item["productId"] for item in body["items"]]
            assert served == [str(evaluated.item_ids[i]) for i in row if i >= 0], customer
            same += 1
            # nothing the customer rated is offered back, whatever the rating (1–3 stars included)
            index = data.user_ids.index(customer)
            assert not {data.item_ids[i] for i in rated[index]} & set(served), customer
            disliked += len(low[index])
    assert same == SAMPLE >= 100
    assert disliked > 1_000  # the sampled customers rated plenty of films 1–3 stars: the exclusion was tested
