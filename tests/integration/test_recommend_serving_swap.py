"""Promote, hot swap and roll back while requests are running: every request answers, none fails, and the
served model follows the promoted pointer within about a second — no restart."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graphengine.api import ApiOptions
from graphengine.config import Settings
from graphengine.recommend import artefacts
from graphengine.store import Store
from tests.integration._recommender import train_and_promote
from tests.integration.test_api_harness import API_KEY, api_client
from tests.integration.test_recommend_serving import KNN, load_tiny


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory, session_store: Store) -> tuple[Path, str, str]:
    tmp = tmp_path_factory.mktemp("swap")
    session_store.clear()
    load_tiny(session_store, tmp)
    home = tmp / "home"
    knn = train_and_promote(session_store, home, "itemknn", KNN)
    popular = train_and_promote(session_store, home, "popularity", promote=False)
    return home, knn, popular


@pytest.fixture(scope="module")
def client(settings: Settings, versions: tuple[Path, str, str]) -> Iterator[httpx.Client]:
    keyed = settings.model_copy(update={"api_keys": [API_KEY]})
    with api_client(keyed, ApiOptions(models_home=versions[0], model_check_s=0.1)) as client:
        client.headers["X-API-Key"] = API_KEY  # recommendations need a key with the read scope
        yield client


def _wait_for(client: httpx.Client, version: str, timeout_s: float = 5.0) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        body = client.get("/customers/u/recommendations", params={"limit": 3, "social": False}).json()
        if body["modelVersion"] == version:
            return time.monotonic() - started
        time.sleep(0.02)
    raise AssertionError(f"version {version} was not served within {timeout_s} s")


def test_promote_and_rollback_swap_the_model_under_load_without_a_failed_request(
    client: httpx.Client, versions: tuple[Path, str, str]
) -> None:
    home, knn, popular = versions
    _wait_for(client, knn)  # served from the start (the first request also warms Neo4j's query plans)
    statuses: Counter[int] = Counter()
    seen: Counter[str] = Counter()
    stop = threading.Event()

    def hammer(customer: str) -> None:
        with httpx.Client(base_url=str(client.base_url), timeout=30, headers={"X-API-Key": API_KEY}) as own:
            n = 0
            while not stop.is_set():
                n += 1
                response = own.get(f"/customers/{customer}/recommendations", params={"limit": 1 + n % 3})
                statuses[response.status_code] += 1
                if response.status_code == 200:
                    seen[response.json()["modelVersion"]] += 1

    threads = [threading.Thread(target=hammer, args=(c,)) for c in ("u", "a", "b", "c")]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.3)
        artefacts.promote(home, popular)
        assert _wait_for(client, popular) < 2.0
        body = client.get("/customers/u/recommendations", params={"limit": 3, "social": False}).json()
        assert body["strategy"] == "popularity" and [i["productId"] for i in body["items"]] == ["p3", "p5", "p4"]
        time.sleep(0.3)
        assert artefacts.rollback(home) == knn
        assert _wait_for(client, knn) < 2.0
        time.sleep(0.3)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert set(statuses) == {200}, statuses
    assert seen[knn] > 0 and seen[popular] > 0
    body = client.get("/customers/u/recommendations", params={"limit": 3, "social": False}).json()
    assert body["strategy"] == "itemknn" and [i["productId"] for i in body["items"]] == ["p4", "p3", "p5"]


def test_a_promotion_that_cannot_load_keeps_the_previous_model_serving(
    client: httpx.Client, versions: tuple[Path, str, str]
) -> None:
    home, knn, _ = versions
    _wait_for(client, knn)  # served from the start (the first request also warms Neo4j's query plans)
    arrays = artefacts.models_dir(home) / knn / "model.npz"
    arrays.rename(home / "aside.npz")
    try:
        artefacts.promote(home, knn)  # a new pointer file: the watcher tries to load it and fails
        time.sleep(0.5)
        response = client.get("/customers/u/recommendations", params={"limit": 3, "social": False})
        assert response.status_code == 200 and response.json()["modelVersion"] == knn
    finally:
        (home / "aside.npz").rename(arrays)
