"""Pure parts of the recommender: explanations, the blend and the top-up, checked by hand."""

from __future__ import annotations

import pytest

from graphengine.analytics._recommend_items import Item, Reason, blend, explain, fill, handle_of, to_items
from graphengine.analytics.recommend import BLEND_WEIGHTS, Filters
from graphengine.errors import ValidationFailed


def _item(pid: str, score: float, kind: str = "paths") -> Item:
    return Item(pid, pid.upper(), None, None, None, score, kind, (Reason(kind, f"{kind} {pid}"),))


def test_explanations_name_the_graph_path() -> None:
    row = {"productId": "p2", "name": "Mug", "viaProductId": "p1", "viaProductName": "Kettle", "support": 3}
    assert explain("copurchase", row).text == "customers who bought Kettle also bought Mug"
    assert explain("paths", row).text == "you bought Kettle; 3 customers who bought it also bought Mug"
    assert explain("neighbours", row).text == "3 customers with purchases like yours bought Mug"
    social = {**row, "viaHandle": "anna", "viaAccountId": "A1", "how": "bought"}
    assert explain("social", social).text == "@anna you follow bought Mug"
    assert explain("social", {**social, "how": "mentioned"}).text == "@anna you follow mentioned Mug positively"
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


def test_blend_scales_each_list_to_one_then_weights() -> None:
    lists = {
        "paths": [_item("a", 4.0), _item("b", 2.0)],
        "neighbours": [_item("b", 10.0, "neighbours"), _item("c", 5.0, "neighbours")],
        "social": [],
    }
    out = blend(lists, {"paths": 1.0, "neighbours": 0.5, "social": 0.25})
    assert [(i.product_id, round(i.score, 6)) for i in out] == [("a", 1.0), ("b", 1.0), ("c", 0.25)]
    b = out[1]
    assert b.strategy == "blend" and [r.kind for r in b.reasons] == ["paths", "neighbours"]
    assert [r.weight for r in b.reasons] == [0.5, 0.5]


def test_blend_ignores_zero_weights_and_empty_lists() -> None:
    assert blend({"paths": [_item("a", 1.0)]}, {"paths": 0.0}) == []
    assert blend({"paths": [_item("a", 0.0)]}, {"paths": 1.0}) == []
    assert BLEND_WEIGHTS == {"paths": 1.0, "neighbours": 0.5, "social": 0.25}


def test_fill_tops_up_without_duplicates_or_excluded() -> None:
    items = [_item("a", 1.0)]
    extra = [_item("a", 9.0, "popular"), _item("x", 8.0, "popular"), _item("b", 7.0, "popular")]
    assert [i.product_id for i in fill(items, extra, 3, exclude={"x"})] == ["a", "b"]
    assert [i.product_id for i in fill(items * 5, extra, 2)] == ["a", "a"]


def test_to_items_and_filters() -> None:
    rows = [{"productId": "p1", "name": "Kettle", "category": "Kitchen", "price": 30, "inStock": True, "score": 2}]
    (item,) = to_items("popular", [{**rows[0], "support": 2}])
    assert (item.price, item.score, item.strategy) == (30.0, 2.0, "popular")
    assert Filters(category="Kitchen", min_price=1).params() == {
        "category": "Kitchen",
        "minPrice": 1,
        "maxPrice": None,
        "inStock": None,
    }
    with pytest.raises(ValidationFailed):
        Filters(min_price=5, max_price=1).params()
