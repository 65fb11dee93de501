"""Pure parts of serving: the product table's filter masks and the kept customer state's invalidation rules."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import scipy.sparse as sp

from graphengine.errors import ValidationFailed
from graphengine.recommend.filters import Filters, ProductTable
from graphengine.recommend.live import CustomerState, LiveCustomers

ITEMS = ["p1", "p2", "p3", "p4"]
ROWS = [
    {"productId": "p1", "name": "Kettle", "category": "Kitchen", "price": 30.0, "inStock": True},
    {"productId": "p2", "name": "Mug", "category": "Kitchen", "price": None, "inStock": None},
    {"productId": "p3", "name": "Tent", "category": "Outdoor", "price": 200.0, "inStock": False},
    {"productId": "p9", "name": "not in the model", "category": "Kitchen", "price": 1.0, "inStock": True},
]


def test_filters_become_masks_over_the_models_items() -> None:
    table = ProductTable(ITEMS, ROWS)
    assert table.allowed(Filters()).tolist() == [True, True, True, False]  # p4 is gone from the graph
    assert table.allowed(Filters(category="Kitchen")).tolist() == [True, True, False, False]
    assert table.allowed(Filters(max_price=100)).tolist() == [True, False, False, False]  # no price: no pass
    assert table.allowed(Filters(in_stock=True)).tolist() == [True, True, False, False]  # unknown counts as in
    assert table.allowed(Filters(in_stock=False)).tolist() == [False, False, True, False]
    assert table.allowed(Filters(category="Garden")).tolist() == [False] * 4
    assert table.allowed(Filters(category="Kitchen")) is table.allowed(Filters(category="Kitchen"))  # memoised
    with pytest.raises(ValueError):
        table.allowed(Filters()).__setitem__(0, False)  # shared masks are read-only
    info = table.info(1)
    assert (info.product_id, info.name, info.price, info.in_stock) == ("p2", "Mug", None, None)


def test_a_price_range_upside_down_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        Filters(min_price=5, max_price=1).validate()
    assert Filters(category="x").active and not Filters().active


def test_the_digest_changes_only_when_the_products_do() -> None:
    assert ProductTable(ITEMS, ROWS).digest == ProductTable(ITEMS, [dict(r) for r in ROWS]).digest
    changed = [*ROWS[:2], {**ROWS[2], "inStock": True}, ROWS[3]]
    assert ProductTable(ITEMS, changed).digest != ProductTable(ITEMS, ROWS).digest


def _state(customer: str, version: str = "v1") -> CustomerState:
    row = sp.csr_matrix(np.array([[1.0, 0, 0, 0]], dtype=np.float32))
    return CustomerState(customer, True, None, 0, frozenset({"p1"}), row, model_version=version)


def test_kept_state_is_per_model_version_and_dropped_per_customer() -> None:
    live = LiveCustomers()
    reads: list[str] = []

    def read(customer: str) -> CustomerState:
        reads.append(customer)
        return _state(customer)

    live.get("a", "v1", lambda: read("a"))
    live.get("b", "v1", lambda: read("b"))
    live.get("a", "v1", lambda: read("a"))
    assert reads == ["a", "b"] and live.peek("a", "v2") is None  # another model: read again
    live.invalidate(["a"])
    assert live.peek("a", "v1") is None and live.peek("b", "v1") is not None
    assert live.get("a", "v1", lambda: read("a")).history == frozenset({0})
    assert reads == ["a", "b", "a"]


def test_a_state_read_while_its_customer_was_written_is_not_kept() -> None:
    live = LiveCustomers()
    started, release = threading.Event(), threading.Event()

    def slow_read() -> CustomerState:
        started.set()
        release.wait(5)
        return _state("a")

    thread = threading.Thread(target=lambda: live.get("a", "v1", slow_read))
    thread.start()
    started.wait(5)
    live.invalidate(["a"])  # a write lands while the read is in flight
    release.set()
    thread.join()
    assert live.peek("a", "v1") is None
    live.get("b", "v1", lambda: _state("b"))
    live.clear()
    assert live.peek("b", "v1") is None and len(live) == 0


def test_without_consent_there_is_no_row_and_no_history() -> None:
    state = CustomerState("n", False, None, 0, frozenset(), None)
    assert not state.personalisable and state.history == frozenset()


def test_a_refreshed_table_names_the_products_that_changed() -> None:
    old = ProductTable(ITEMS, ROWS)
    assert old.changed_since(ProductTable(ITEMS, [dict(r) for r in ROWS])).product_ids == ()  # NaN prices equal
    repriced = [{**ROWS[0], "price": 31.0}, ROWS[1], {**ROWS[2], "name": "Big tent"}, ROWS[3]]
    change = ProductTable(ITEMS, repriced).changed_since(old)
    assert change.product_ids == ("p1", "p3") and not change.widened
    gone = ProductTable(ITEMS, [ROWS[0], ROWS[2]]).changed_since(old)
    assert gone.product_ids == ("p2",) and not gone.widened  # leaving narrows lists: only p2's answers go
    back = ProductTable(ITEMS, [*ROWS, {"productId": "p4", "name": "Lamp"}]).changed_since(old)
    assert back.product_ids == ("p4",) and back.widened  # a product back in the graph may enter any list
