"""Pure parts of the similar-products and popularity lists: explanations and the top-up, checked by hand."""

from __future__ import annotations

import pytest

from graphengine.errors import ValidationFailed
from graphengine.recommend.items import Item, Reason, explain, fill, handle_of, to_items
from graphengine.recommend.links.online import Filters, filter_params


def _item(pid: str, score: float, kind: str = "paths") -> Item:
    return Item(pid, pid.upper(), None, None, None, score, kind, (Reason(kind, f"{kind} {pid}"),))


def test_explanations_name_the_graph_path() -> None:
    row = {"productId": "p2", "name": "Mug", "viaProductId": "p1", "viaProductName": "Kettle", "support": 3}
    assert explain("copurchase", row).text == "customers who bought Kettle also bought Mug"
    assert explain("popular", row, scope="community").text == "popular in your community: bought by 3 of its customers"
    assert explain("popular", {**row, "category": "Kitchen"}, scope="category").text.startswith("popular in Kitchen")
    assert explain("popular", {"productId": "p9", "support": 5}).text == "popular: bought by 5 customers"
    assert explain("copurchase", {"productId": "p2", "viaProductId": "p1", "support": 1}).text == (
        "customers who bought p1 also bought p2"
    )


def test_handles() -> None:
    assert handle_of("anna", "A1") == "@anna"
    assert handle_of("@anna", "A1") == "@anna"
    assert handle_of(None, "A1") == "A1"


def test_fill_tops_up_without_duplicates_or_excluded() -> None:
    items = [_item("a", 1.0)]
    extra = [_item("a", 9.0, "popular"), _item("x", 8.0, "popular"), _item("b", 7.0, "popular")]
    assert [i.product_id for i in fill(items, extra, 3, exclude={"x"})] == ["a", "b"]
    assert [i.product_id for i in fill(items * 5, extra, 2)] == ["a", "a"]


def test_to_items_and_filters() -> None:
    rows = [{"productId": "p1", "name": "Kettle", "category": "Kitchen", "price": 30, "inStock": True, "score": 2}]
    (item,) = to_items("popular", [{**rows[0], "support": 2}])
    assert (item.price, item.score, item.strategy) == (30.0, 2.0, "popular")
    assert filter_params(Filters(category="Kitchen", min_price=1)) == {
        "category": "Kitchen",
        "minPrice": 1,
        "maxPrice": None,
        "inStock": None,
    }
    with pytest.raises(ValidationFailed):
        filter_params(Filters(min_price=5, max_price=1))
