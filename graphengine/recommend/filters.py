"""Filters on recommended products, applied to an in-memory product table aligned with the model's items.

The :class:`ProductTable` is read from Neo4j (``recommend.list_products``) when a model is loaded and refreshed
periodically; it holds, per item index of the served model, the product's name, category, price and stock flag.
A :class:`Filters` value becomes a boolean mask over the items (``True`` = allowed); items the mask forbids are
handed to the ranking as exclusions, so a filter never costs a query. A product without a price passes no price
filter; a product without a stock flag counts as in stock (as the loaders read it).
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from graphengine.errors import ValidationFailed
from graphengine.store import Store

BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class Filters:
    """Only products of ``category``, priced within [min_price, max_price], in stock (or not) when set."""

    category: str | None = None
    min_price: float | None = None
    max_price: float | None = None
    in_stock: bool | None = None

    def validate(self) -> Filters:
        if self.min_price is not None and self.max_price is not None and self.min_price > self.max_price:
            raise ValidationFailed(
                "min_price is greater than max_price",
                details={"min_price": self.min_price, "max_price": self.max_price},
            )
        return self

    @property
    def active(self) -> bool:
        return any(value is not None for value in (self.category, self.min_price, self.max_price, self.in_stock))


@dataclass(frozen=True)
class ProductInfo:
    product_id: str
    name: str | None
    category: str | None
    price: float | None
    in_stock: bool | None


@dataclass(frozen=True)
class ProductChange:
    """What a product-table refresh found: the changed product ids, and whether a product came back (widened)."""

    product_ids: tuple[str, ...]
    widened: bool = False


class ProductTable:
    """Products by item index (the served model's item order); products unknown to the model are left out."""

    def __init__(self, item_ids: Sequence[str], rows: Sequence[Mapping[str, Any]], *, version: int = 1) -> None:
        index = {product_id: i for i, product_id in enumerate(item_ids)}
        n = len(item_ids)
        self.version = version
        self.item_ids = tuple(item_ids)
        self.names: list[str | None] = [None] * n
        self.categories: list[str | None] = [None] * n
        self.price = np.full(n, np.nan)
        self.in_stock = np.ones(n, dtype=bool)
        self.stock_known = np.zeros(n, dtype=bool)
        self.known = np.zeros(n, dtype=bool)  # the product still exists in the graph
        for row in rows:
            i = index.get(str(row["productId"]))
            if i is None:
                continue
            self.known[i] = True
            self.names[i] = row.get("name")
            self.categories[i] = row.get("category")
            if row.get("price") is not None:
                self.price[i] = float(row["price"])
            if row.get("inStock") is not None:
                self.in_stock[i] = bool(row["inStock"])
                self.stock_known[i] = True
        self._by_category: dict[str, BoolArray] = {}
        for i, category in enumerate(self.categories):
            if category is not None:
                self._by_category.setdefault(category, np.zeros(n, dtype=bool))[i] = True
        self._masks: dict[Filters, BoolArray] = {}
        self._lock = threading.Lock()
        self.digest = _digest(rows)

    def __len__(self) -> int:
        return len(self.item_ids)

    def info(self, i: int) -> ProductInfo:
        return self._infos[i]

    @functools.cached_property
    def _infos(self) -> list[ProductInfo]:
        """Every product's info, built once per table (a request only indexes it)."""
        return [
            ProductInfo(
                product_id=self.item_ids[i],
                name=self.names[i],
                category=self.categories[i],
                price=None if np.isnan(self.price[i]) else float(self.price[i]),
                in_stock=bool(self.in_stock[i]) if self.stock_known[i] else None,
            )
            for i in range(len(self.item_ids))
        ]

    def changed_since(self, old: ProductTable) -> ProductChange:
        """The products (of the same model items) whose existence, name, category, price or stock differ from
        ``old``, and whether one of them came back into the graph."""
        if old.item_ids != self.item_ids:
            return ProductChange(tuple(self.item_ids), widened=True)
        same_price = (old.price == self.price) | (np.isnan(old.price) & np.isnan(self.price))
        differs = (
            (old.known != self.known)
            | ~same_price
            | (old.in_stock != self.in_stock)
            | (old.stock_known != self.stock_known)
            | np.asarray([a != b for a, b in zip(old.names, self.names, strict=True)], dtype=bool)
            | np.asarray([a != b for a, b in zip(old.categories, self.categories, strict=True)], dtype=bool)
        )
        widened = bool(np.any(self.known & ~old.known))
        return ProductChange(tuple(self.item_ids[i] for i in np.flatnonzero(differs)), widened=widened)

    def allowed(self, filters: Filters) -> BoolArray:
        """Items that pass ``filters`` and still exist (memoised per distinct filter; read-only)."""
        with self._lock:
            found = self._masks.get(filters)
        if found is not None:
            return found
        mask = self.known.copy()
        if filters.category is not None:
            mask &= self._by_category.get(filters.category, np.zeros(len(self), dtype=bool))
        with np.errstate(invalid="ignore"):
            if filters.min_price is not None:
                mask &= self.price >= filters.min_price
            if filters.max_price is not None:
                mask &= self.price <= filters.max_price
        if filters.in_stock is not None:
            mask &= self.in_stock == filters.in_stock
        mask.setflags(write=False)
        with self._lock:
            if len(self._masks) < 1_000:  # distinct filters seen; beyond that they are computed each time
                self._masks[filters] = mask
        return mask


def _digest(rows: Sequence[Mapping[str, Any]]) -> str:
    text = repr([(r["productId"], r.get("name"), r.get("category"), r.get("price"), r.get("inStock")) for r in rows])
    return hashlib.sha256(text.encode()).hexdigest()


def load_product_table(store: Store, item_ids: Sequence[str], *, version: int = 1) -> ProductTable:
    """The product table for ``item_ids`` read from the graph (one query)."""
    return ProductTable(item_ids, store.query("recommend.list_products"), version=version)


__all__ = ["Filters", "ProductChange", "ProductInfo", "ProductTable", "load_product_table"]
