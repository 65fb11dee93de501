"""Per-customer cache invalidation through the real API, under concurrent writes and reads.

A write for one customer drops that customer's cached answers and kept state, nobody else's; the next answer
for the written customer reflects the write even when reads of that customer ran concurrently with it (a
result computed before the write is never stored after it)."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from graphengine.api import ApiOptions
from graphengine.api.cache import ResponseCache
from graphengine.config import Settings
from graphengine.store import Store
from tests.integration._recommender import train_and_promote
from tests.integration.test_api_harness import API_KEY, app_of, base_url, running_api
from tests.integration.test_recommend_serving import load_rows

KEY = {"X-API-Key": API_KEY}
PRODUCTS = [f"p{i:02d}" for i in range(40)]
CUSTOMERS = [f"c{i:02d}" for i in range(30)]


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, session_store: Store, settings: Settings
) -> Iterator[uvicorn.Server]:
    tmp = tmp_path_factory.mktemp("cache")
    session_store.clear()
    rng = random.Random(7)
    load_rows(session_store, tmp, "customers", [{"customerId": c, "consentProfiling": "true"} for c in CUSTOMERS])
    load_rows(session_store, tmp, "products", [{"productId": p, "name": p.upper()} for p in PRODUCTS])
    lines = [
        {"orderId": f"o-{c}-{p}", "customerId": c, "productId": p, "amount": 1, "at": "2026-01-01T10:00:00Z"}
        for c in CUSTOMERS
        for p in rng.sample(PRODUCTS[:30], 5)
    ]
    load_rows(session_store, tmp, "purchases", lines)
    home = tmp / "home"
    train_and_promote(session_store, home, "itemknn", {"neighbours": 20, "shrink": 1.0})
    options = ApiOptions(models_home=home)
    with running_api(settings.model_copy(update={"api_keys": [API_KEY]}), options) as server:
        yield server


def _items(client: httpx.Client, customer: str) -> list[str]:
    response = client.get(f"/customers/{customer}/recommendations", params={"limit": 40, "social": False})
    assert response.status_code == 200, response.text
    return [item["productId"] for item in response.json()["items"]]


def _buy(client: httpx.Client, customer: str, product: str, n: int) -> None:
    line = {"orderId": f"new-{customer}-{n}", "customerId": customer, "productId": product, "amount": 1}
    response = client.post("/events", json={"purchases": [{**line, "at": "2026-03-01T10:00:00Z"}]}, headers=KEY)
    assert response.status_code == 201, response.text


def test_a_write_drops_only_the_written_customers_answers(server: uvicorn.Server) -> None:
    cache: ResponseCache = app_of(server).state.cache
    with httpx.Client(base_url=base_url(server), timeout=30, headers=KEY) as client:
        hot = {c: _items(client, c) for c in CUSTOMERS[:10]}
        cached = len(cache)
        hits = cache.stats.hits
        _buy(client, "c20", PRODUCTS[35], 0)
        assert len(cache) == cached  # c20 had nothing cached; nobody else's entries went
        assert {c: _items(client, c) for c in CUSTOMERS[:10]} == hot
        assert cache.stats.hits == hits + 10
        _buy(client, "c00", PRODUCTS[35], 1)
        assert len(cache) == cached - 2  # c00's entry under its canonical key and its raw URL
        assert PRODUCTS[35] not in _items(client, "c00")


def test_concurrent_writes_and_reads_each_write_is_seen_by_the_next_read(server: uvicorn.Server) -> None:
    cache: ResponseCache = app_of(server).state.cache
    writers = CUSTOMERS[10:14]
    bystanders = CUSTOMERS[20:26]
    failures: list[str] = []
    errors: list[BaseException] = []

    with httpx.Client(base_url=base_url(server), timeout=30, headers=KEY) as client:
        before = {c: _items(client, c) for c in bystanders}

    def writer(customer: str) -> None:
        try:
            with httpx.Client(base_url=base_url(server), timeout=30, headers=KEY) as own:
                candidates = [p for p in _items(own, customer)][:8]
                for n, product in enumerate(candidates):
                    _buy(own, customer, product, 100 + n)
                    if product in _items(own, customer):
                        failures.append(f"{customer} still offered {product} after buying it")
        except BaseException as exc:
            errors.append(exc)

    def reader(customers: list[str], rounds: int) -> None:
        try:
            with httpx.Client(base_url=base_url(server), timeout=30, headers=KEY) as own:
                for _ in range(rounds):
                    for customer in customers:
                        _items(own, customer)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(c,)) for c in writers]
    threads += [
        threading.Thread(target=reader, args=(writers, 15)),
        threading.Thread(target=reader, args=(bystanders, 15)),
    ]
    hits = cache.stats.hits
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and failures == []
    assert cache.stats.hits - hits >= 15 * len(bystanders)  # bystanders stayed cached through 32 writes
    with httpx.Client(base_url=base_url(server), timeout=30, headers=KEY) as client:
        assert {c: _items(client, c) for c in bystanders} == before
        final: dict[str, Any] = {c: set(_items(client, c)) for c in writers}
    bought = {c: set(_bought(server, c)) for c in writers}
    assert all(not (final[c] & bought[c]) for c in writers)


def _bought(server: uvicorn.Server, customer: str) -> list[str]:
    store: Store = app_of(server).state.store
    rows = store.run_text(
        "MATCH (:Customer {customerId: $c})-[:PURCHASED]->(p:Product) RETURN collect(p.productId) AS ids",
        {"c": customer},
    )
    return list(rows[0]["ids"])
