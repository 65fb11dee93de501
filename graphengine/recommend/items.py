"""Result types of recommendations (:class:`Item`, :class:`Reason`) and the helpers of the Cypher-served lists.

The similar-products and popularity queries return rows with the product (``productId, name, category, price,
inStock``), a ``score`` and the evidence for it (``viaProductId``/``viaProductName``, ``support``).
:func:`to_items` turns rows into :class:`Item` objects with a :class:`Reason` that says, in words, which graph
path produced the item; :func:`fill` tops a list up. The served model's items and reasons are built by
:mod:`graphengine.recommend.serving` and :mod:`graphengine.recommend.explain`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Reason:
    """Why an item is recommended: the strategy, a sentence, and the graph path's anchor (a product or account)."""

    kind: str
    text: str
    weight: float = 1.0
    via_product_id: str | None = None
    via_product_name: str | None = None
    via_account_id: str | None = None
    via_handle: str | None = None
    support: int | None = None


@dataclass(frozen=True)
class Item:
    """One recommended product with its score (higher is better) and the reasons for it, strongest first."""

    product_id: str
    name: str | None
    category: str | None
    price: float | None
    in_stock: bool | None
    score: float
    strategy: str
    reasons: tuple[Reason, ...] = field(default_factory=tuple)


def _label(name: Any, key: Any) -> str:
    return str(name) if name else str(key)


def handle_of(handle: Any, account_id: Any) -> str:
    """``@handle`` (the stored handle may or may not start with ``@``), or the account id when there is none."""
    if not handle:
        return str(account_id)
    text = str(handle)
    return text if text.startswith("@") else f"@{text}"


def explain(kind: str, row: Row, *, scope: str | None = None) -> Reason:
    """The sentence for one row of strategy ``kind`` (see the module docstring for the row's fields)."""
    product = _label(row.get("name"), row.get("productId"))
    via = _label(row.get("viaProductName"), row.get("viaProductId"))
    support = row.get("support")
    n = int(support) if support is not None else None
    via_id, via_name = row.get("viaProductId"), row.get("viaProductName")
    if kind in ("copurchase", "similar"):
        text = f"customers who bought {via} also bought {product}"
        return Reason(kind, text, support=n, via_product_id=via_id, via_product_name=via_name)
    if scope == "community":
        return Reason("popular", f"popular in your community: bought by {n} of its customers", support=n)
    if row.get("category") and scope == "category":
        return Reason("popular", f"popular in {row['category']}: bought by {n} customers", support=n)
    return Reason("popular", f"popular: bought by {n} customers", support=n)


def to_items(kind: str, rows: Iterable[Row], *, scope: str | None = None) -> list[Item]:
    """Rows of one strategy → items carrying that strategy's reason."""
    return [
        Item(
            product_id=str(row["productId"]),
            name=row.get("name"),
            category=row.get("category"),
            price=None if row.get("price") is None else float(row["price"]),
            in_stock=row.get("inStock"),
            score=float(row["score"]),
            strategy="popular" if kind == "popular" else kind,
            reasons=(explain(kind, row, scope=scope),),
        )
        for row in rows
    ]


def fill(items: Sequence[Item], extra: Iterable[Item], limit: int, exclude: Iterable[str] = ()) -> list[Item]:
    """``items`` topped up to ``limit`` with ``extra`` items that are neither listed already nor excluded."""
    out = list(items[:limit])
    seen = {item.product_id for item in out} | set(exclude)
    for item in extra:
        if len(out) >= limit:
            break
        if item.product_id not in seen:
            seen.add(item.product_id)
            out.append(item)
    return out


__all__ = ["Item", "Reason", "explain", "fill", "handle_of", "to_items"]
