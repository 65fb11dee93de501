"""Private helpers of :mod:`graphengine.analytics.recommend`: result types, explanations and the blend.

Each ``recommend.*`` query returns rows with the product (``productId, name, category, price, inStock``), a
``score`` and the evidence for it (``viaProductId``/``viaProductName``, ``viaAccountId``/``viaHandle``/``how``,
``support``). :func:`to_items` turns rows into :class:`Item` objects with a :class:`Reason` that says, in words,
which graph path produced the item; :func:`blend` merges the lists of several strategies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
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
    if kind == "paths":
        text = f"you bought {via}; {n} customers who bought it also bought {product}"
        return Reason(kind, text, support=n, via_product_id=via_id, via_product_name=via_name)
    if kind == "neighbours":
        return Reason(kind, f"{n} customers with purchases like yours bought {product}", support=n)
    if kind == "social":
        who = handle_of(row.get("viaHandle"), row.get("viaAccountId"))
        verb = "mentioned" if row.get("how") == "mentioned" else "bought"
        text = f"{who} you follow {verb} {product}" + (" positively" if verb == "mentioned" else "")
        return Reason(kind, text, support=n, via_account_id=row.get("viaAccountId"), via_handle=who)
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


def blend(lists: Mapping[str, Sequence[Item]], weights: Mapping[str, float]) -> list[Item]:
    """Weighted sum of strategies, each list's scores first divided by that list's best score (so every
    component contributes on a 0–1 scale, as :class:`graphengine.analytics.scoring.Blend` does); an item's
    reasons are its components' reasons, largest weighted contribution first."""
    totals: dict[str, float] = {}
    parts: dict[str, list[tuple[float, Reason]]] = {}
    first: dict[str, Item] = {}
    for kind, items in lists.items():
        weight = weights.get(kind, 0.0)
        peak = max((item.score for item in items), default=0.0)
        if weight <= 0 or peak <= 0:
            continue
        for item in items:
            share = weight * item.score / peak
            totals[item.product_id] = totals.get(item.product_id, 0.0) + share
            parts.setdefault(item.product_id, []).extend((share, replace(r, weight=share)) for r in item.reasons)
            first.setdefault(item.product_id, item)
    ranked = sorted(totals, key=lambda key: (-totals[key], key))
    return [
        replace(
            first[key],
            score=totals[key],
            strategy="blend",
            reasons=tuple(reason for _, reason in sorted(parts[key], key=lambda p: -p[0])),
        )
        for key in ranked
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


__all__ = ["Item", "Reason", "blend", "explain", "fill", "handle_of", "to_items"]
