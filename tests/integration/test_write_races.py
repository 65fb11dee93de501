"""Writers and erasures at the same moment, through the real API: an erasure racing POSTs for the same customer
leaves nothing of that customer behind, and concurrent writers of lines and events for one customer never
deadlock into an error."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from graphengine.config import Settings
from graphengine.load import LoadOptions, load_file
from graphengine.load.aggregates import check_purchase_aggregates
from graphengine.store import Store
from tests.integration._files import write_csv
from tests.integration.test_api_harness import API_KEY, base_url

KEY = {"X-API-Key": API_KEY}


def _load(store: Store, settings: Settings, tmp: Path, kind: str, rows: list[dict[str, Any]]) -> None:
    options = LoadOptions(source="test", out_dir=tmp / "out")
    load_file(store, kind, write_csv(tmp / f"{kind}.csv", rows), options, salt=settings.hash_salt.get_secret_value())


def _body(customer: str, worker: int, n: int) -> dict[str, Any]:
    at = f"2026-02-01T10:{n % 60:02d}:{worker:02d}Z"
    return {
        "purchases": [
            {"orderId": f"{customer}-{worker}-{n}", "customerId": customer, "productId": "p1", "amount": 3, "at": at}
        ],
        "events": [
            {
                "eventId": f"{customer}-e{worker}-{n}",
                "customerId": customer,
                "type": "visit",
                "channelId": "web",
                "at": at,
            }
        ],
    }


def test_an_erasure_racing_writes_for_the_same_customer_leaves_nothing_behind(
    keyed_server: uvicorn.Server, store: Store, settings: Settings, tmp_path: Path
) -> None:
    customers = [f"X{n}" for n in range(8)]
    _load(store, settings, tmp_path, "customers", [{"customerId": c} for c in customers])
    _load(store, settings, tmp_path, "products", [{"productId": "p1"}])
    _load(store, settings, tmp_path, "channels", [{"channelId": "web", "kind": "web"}])
    statuses: list[int] = []
    lock = threading.Lock()

    def writer(customer: str, worker: int, stop: threading.Event) -> None:
        with httpx.Client(base_url=base_url(keyed_server), timeout=60) as http:
            for n in range(40):
                if stop.is_set():
                    return
                status = http.post("/events", json=_body(customer, worker, n), headers=KEY).status_code
                with lock:
                    statuses.append(status)

    with httpx.Client(base_url=base_url(keyed_server), timeout=60) as http:
        for customer in customers:
            stop = threading.Event()
            threads = [threading.Thread(target=writer, args=(customer, w, stop)) for w in range(4)]
            for thread in threads:
                thread.start()
            time.sleep(0.3)
            assert http.delete(f"/customers/{customer}", headers=KEY).status_code == 200
            time.sleep(0.2)
            stop.set()
            for thread in threads:
                thread.join(timeout=120)
    # after the erasure a write for that customer is refused as an unknown customer (422); never a 5xx
    assert set(statuses) <= {201, 422}, sorted(set(statuses))
    left = store.run_text(
        "MATCH (n) WHERE (n:OrderLine OR n:Event) AND n.customerId STARTS WITH 'X' RETURN count(n) AS n"
    )
    assert left == [{"n": 0}], "the erased customers' lines and events are all gone"
    assert check_purchase_aggregates(store)["stale"] == 0


def test_concurrent_writers_of_one_customer_never_fail(
    keyed_server: uvicorn.Server, store: Store, settings: Settings, tmp_path: Path
) -> None:
    _load(store, settings, tmp_path, "customers", [{"customerId": "C1"}, {"customerId": "C2"}])
    _load(store, settings, tmp_path, "products", [{"productId": "p1"}])
    _load(store, settings, tmp_path, "channels", [{"channelId": "web", "kind": "web"}])
    statuses: list[int] = []
    lock = threading.Lock()

    def writer(worker: int) -> None:
        with httpx.Client(base_url=base_url(keyed_server), timeout=60) as http:
            for n in range(30):
                body = _body("C1" if (worker + n) % 2 else "C2", worker, n)
                body["purchases"] += _body("C2" if (worker + n) % 2 else "C1", worker + 10, n)["purchases"]
                status = http.post("/events", json=body, headers=KEY).status_code
                with lock:
                    statuses.append(status)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert statuses == [201] * 180
    assert store.run_text("MATCH (l:OrderLine) RETURN count(l) AS n") == [{"n": 360}]
    assert store.run_text("MATCH (e:Event) RETURN count(e) AS n") == [{"n": 180}]
    assert check_purchase_aggregates(store) == {"pairs": 2, "stale": 0}
