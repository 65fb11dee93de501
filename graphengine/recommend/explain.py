"""Explanations of served recommendations, in words, from the model's item contributions.

A model's ``contributions(row, item)`` says which of the customer's own items pushed ``item`` up and by how
much; the strongest ones become "because you bought X" (or "because you showed interest in X" for an item
the customer rated or viewed but did not buy). Social re-ranking adds "@handle you follow bought X", and the
popularity lists say what they count.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import scipy.sparse as sp

from graphengine.recommend.filters import ProductTable
from graphengine.recommend.items import Reason, handle_of
from graphengine.recommend.live import CustomerState, SocialSignal

MAX_REASONS = 3


class Explainable(Protocol):
    def contributions(self, row: sp.csr_array, item: int) -> list[tuple[int, float]]: ...


def model_reasons(
    model: Explainable, state: CustomerState, item: int, products: ProductTable, *, kind: str
) -> list[Reason]:
    """Up to :data:`MAX_REASONS` of the customer's items that contributed most to ``item``, largest first."""
    if state.row is None:
        return []
    parts = [(i, w) for i, w in model.contributions(state.row, item) if w > 0]
    parts.sort(key=lambda part: (-part[1], part[0]))
    total = sum(w for _, w in parts) or 1.0
    out = []
    for i, weight in parts[:MAX_REASONS]:
        info = products.info(i)
        label = info.name or info.product_id
        verb = "bought" if info.product_id in state.bought else "showed interest in"
        out.append(
            Reason(
                kind,
                f"because you {verb} {label}",
                weight=weight / total,
                via_product_id=info.product_id,
                via_product_name=info.name,
            )
        )
    return out


def social_reason(signal: SocialSignal, label: str, share: float) -> Reason:
    who = handle_of(signal.handle, signal.account_id)
    if signal.how == "mentioned":
        text = f"{who}, whom you follow, praised {label}"
    else:
        text = f"{who}, whom you follow, bought {label}"
    return Reason("social", text, weight=share, via_account_id=signal.account_id, via_handle=who)


def popular_reason(scope: str, support: int | None, category: str | None = None) -> Reason:
    if scope == "community":
        return Reason("popular", f"popular in your community: bought by {support} of its customers", support=support)
    if scope == "category" and category:
        return Reason("popular", f"popular in {category}", support=support)
    return Reason("popular", "popular with all customers", support=support)


def shares(weights: Sequence[float]) -> list[float]:
    total = sum(weights) or 1.0
    return [w / total for w in weights]


__all__ = ["MAX_REASONS", "model_reasons", "popular_reason", "shares", "social_reason"]
