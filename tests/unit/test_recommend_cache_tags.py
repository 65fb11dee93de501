"""The response cache drops only what a write touched: per customer, per product, per product-table version."""

from __future__ import annotations

import threading

from graphengine.api.cache import ANY, MODEL, PRODUCTS, ResponseCache, customer_tag, product_tag
from graphengine.api.recommender import invalidated_by, recommendation_tags
from graphengine.api.schemas import ItemOut
from graphengine.api.schemas_recommend import RecommendationQuery, ServedRecommendationsOut
from graphengine.recommend.filters import ProductChange


def test_a_write_for_one_customer_drops_only_that_customers_entries() -> None:
    cache = ResponseCache()
    cache.put("rec-a", b"a", tags=[customer_tag("a"), product_tag("p1")])
    cache.put("rec-b", b"b", tags=[customer_tag("b"), product_tag("p2")])
    cache.put("profile", b"untagged")
    assert cache.invalidate([customer_tag("a")]) == 2  # a's entry and the untagged one
    assert (cache.get("rec-a"), cache.get("rec-b"), cache.get("profile")) == (None, b"b", None)
    assert len(cache) == 1


def test_a_product_write_drops_entries_listing_that_product() -> None:
    cache = ResponseCache()
    cache.put("rec-a", b"a", tags=[customer_tag("a"), product_tag("p1"), PRODUCTS])
    cache.put("rec-b", b"b", tags=[customer_tag("b"), product_tag("p2"), PRODUCTS])
    assert cache.invalidate([product_tag("p2")]) == 1
    assert (cache.get("rec-a"), cache.get("rec-b")) == (b"a", None)
    assert cache.invalidate([PRODUCTS]) == 1 and len(cache) == 0


def test_a_result_computed_before_a_write_to_its_customer_is_not_stored() -> None:
    cache = ResponseCache()
    generation = cache.generation
    cache.invalidate([customer_tag("a")])
    cache.put("rec-a", b"stale", generation=generation, tags=[customer_tag("a")])
    cache.put("rec-b", b"fine", generation=generation, tags=[customer_tag("b")])
    assert (cache.get("rec-a"), cache.get("rec-b")) == (None, b"fine")
    cache.put("untagged", b"stale", generation=generation)  # ANY: any write since makes it stale
    assert cache.get("untagged") is None


def test_clear_still_drops_everything_and_earlier_results() -> None:
    cache = ResponseCache()
    cache.put("rec-a", b"a", tags=[customer_tag("a")])
    generation = cache.generation
    assert cache.clear() == 1 and len(cache) == 0
    cache.put("rec-b", b"b", generation=generation, tags=[customer_tag("b")])
    assert cache.get("rec-b") is None


def test_forgotten_invalidation_records_fold_into_a_conservative_floor(monkeypatch: object) -> None:
    import graphengine.api.cache as module

    setattr(module, "MAX_REMEMBERED", 3)  # noqa: B010 - the bound is a module constant
    try:
        cache = ResponseCache()
        generation = cache.generation
        for name in "abcdef":
            cache.invalidate([customer_tag(name)])
        cache.put("rec-z", b"z", generation=generation, tags=[customer_tag("z")])
        assert cache.get("rec-z") is None  # z's record may have been forgotten, so it counts as stale
        assert len(cache._invalidated) <= 3
    finally:
        setattr(module, "MAX_REMEMBERED", 200_000)  # noqa: B010


def test_evicted_entries_leave_no_tag_index_behind() -> None:
    cache = ResponseCache(max_entries=2)
    for name in "abcd":
        cache.put(f"rec-{name}", name.encode(), tags=[customer_tag(name), MODEL])
    assert len(cache) == 2 and set(cache._by_tag[MODEL]) == {"rec-c", "rec-d"}
    assert customer_tag("a") not in cache._by_tag and ANY not in cache._by_tag


def test_concurrent_writes_and_reads_keep_other_customers_cached() -> None:
    cache = ResponseCache()
    hot = [f"hot{i}" for i in range(50)]
    for name in hot:
        cache.put(name, name.encode(), tags=[customer_tag(name)])
    errors: list[str] = []

    def writer(start: int) -> None:
        for i in range(2_000):
            name = f"cold{start}-{i}"
            generation = cache.generation
            cache.put(name, b"x", generation=generation, tags=[customer_tag(name)])
            cache.invalidate([customer_tag(name)])
            if cache.get(name) is not None:
                errors.append(name)

    def reader() -> None:
        for _ in range(200):
            for name in hot:
                if cache.get(name) != name.encode():
                    errors.append(name)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)] + [
        threading.Thread(target=reader) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(cache) == len(hot) and cache.stats.invalidations == 8_000


def _answer(customer: str, products: list[str]) -> ServedRecommendationsOut:
    items = [ItemOut.model_construct(productId=p, score=1.0, strategy="itemknn", reasons=[]) for p in products]
    return ServedRecommendationsOut.model_construct(customerId=customer, items=items)


def test_a_product_table_change_drops_the_answers_listing_a_changed_product_and_the_filtered_ones() -> None:
    cache = ResponseCache(ttl_s=60)
    plain, kitchen = RecommendationQuery(), RecommendationQuery(category="Kitchen")
    cache.put("a", b"a", tags=recommendation_tags("a", _answer("a", ["p1", "p2"]), plain))
    cache.put("b", b"b", tags=recommendation_tags("b", _answer("b", ["p2", "p3"]), plain))
    cache.put("c", b"c", tags=recommendation_tags("c", _answer("c", ["p2"]), kitchen))
    assert cache.invalidate(invalidated_by("products", ProductChange(("p1",)))) == 2  # a lists p1; c is filtered
    assert cache.get("b") == b"b" and cache.get("a") is None and cache.get("c") is None
    assert cache.invalidate(invalidated_by("products", ProductChange(("p9",), widened=True))) == 1
    assert len(cache) == 0
    cache.put("d", b"d", tags=recommendation_tags("d", _answer("d", ["p1"]), plain))
    assert cache.invalidate(invalidated_by("model", None)) == 1
