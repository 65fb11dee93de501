"""Serving the promoted recommender: one customer's list from the model and their current interactions.

:class:`Recommender` is what the API and ``graphengine recommend`` call. Per request:

1. the **served model** (:class:`~graphengine.recommend.model_holder.ModelHolder`: the promoted artefact, its
   product table and popularity, swapped without a restart when another version is promoted);
2. the customer's **current state** (:mod:`graphengine.recommend.live`: consent, interaction row, followees'
   signals — kept in process, read from Neo4j when new or changed);
3. **consent**: without profiling consent the list is the popularity list everybody gets, marked
   ``personalized = False`` with the reason, and nothing about the customer but the consent flag is read;
4. **cold start**: no interactions yet → what the customer's community buys (popularity by community), else
   overall popularity (within the requested category when there is one);
5. **fold-in**: ``model.scores(row)`` from the current row — a purchase POSTed a moment ago counts;
6. **social re-ranking** (only for customers who follow accounts that bought or praised something, and only
   with ``social=True``): ``score / max(score) + SOCIAL_WEIGHT × signal / max(signal)``, the signal being the
   followees' PageRank-weighted purchases and positive mentions. Customers who follow nobody get exactly the
   model's list, which is what the evaluation measures;
7. **exclusion and filters**: :func:`graphengine.recommend.ranking.top_k` — the function the evaluation calls —
   with every item of the customer's row excluded (bought, rated at any value, carted, viewed, mentioned) plus
   the items the filters rule out (category, price range, stock, products gone from the graph);
8. a list shorter than ``limit`` (strict filters) is topped up from popularity, said in ``reason``;
9. **explanations** from ``model.contributions`` ("because you bought X"), only when asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from graphengine.recommend.explain import model_reasons, popular_reason, social_reason
from graphengine.recommend.filters import Filters
from graphengine.recommend.items import Item, Reason, fill
from graphengine.recommend.live import CustomerState, LiveCustomers, read_customer
from graphengine.recommend.model_holder import ModelHolder, ServedModel
from graphengine.recommend.ranking import top_k
from graphengine.store import Store

SOCIAL_WEIGHT = 0.25


@dataclass(frozen=True)
class Recommendations:
    customer_id: str
    requested: str
    strategy: str
    personalized: bool
    reason: str | None
    items: list[Item]
    model_version: str = ""


def no_consent_reason(consent: bool | None) -> str:
    if consent is False:
        return "not personalised: the customer opted out of profiling (consentProfiling = false); popular products"
    return "not personalised: no profiling consent on record (consentProfiling is not set); popular products"


class Recommender:
    """The promoted model plus the customers' live state; thread-safe, one per process."""

    def __init__(self, store: Store, holder: ModelHolder, live: LiveCustomers | None = None) -> None:
        self.store = store
        self.holder = holder
        self.live = live or LiveCustomers()

    def state(self, served: ServedModel, customer_id: str) -> CustomerState:
        def read() -> CustomerState:
            return read_customer(
                self.store,
                customer_id,
                item_index=served.item_index,
                row_reader=served.row_reader,
                model_version=served.version,
            )

        return self.live.get(customer_id, served.version, read)

    def answers_from_memory(self, customer_id: str) -> bool:
        """True when this customer's answer needs no I/O: their state is kept in process and, for a cold start
        in a community, that community's popularity is read already."""
        served = self.holder.current_or_none()
        state = None if served is None else self.live.peek(customer_id, served.version)
        if served is None or state is None:
            return False
        cold = state.personalisable and not state.history and state.community_id is not None
        return not cold or served.has_community(state.community_id)

    def recommend(
        self,
        customer_id: str,
        *,
        limit: int = 10,
        filters: Filters = Filters(),
        explain: bool = False,
        social: bool = True,
    ) -> Recommendations:
        filters.validate()
        served = self.holder.current()
        state = self.state(served, customer_id)
        allowed = served.products.allowed(filters)
        if not state.personalisable:
            items = self._popular(served, served.popularity, allowed, frozenset(), limit, "global", filters)
            return Recommendations(
                customer_id, "model", "popular", False, no_consent_reason(state.consent), items, served.version
            )
        history = state.history
        if not history:
            return self._cold_start(served, state, allowed, limit, filters)
        scores = np.asarray(served.model.scores(state.row), dtype=np.float64)[0]
        signals = self._social(state, scores) if social and state.follows else None
        if signals is not None:
            scores = signals[0]
        ranked = top_k(scores, limit, _banned(allowed, state.row.indices if state.row is not None else ()))
        items = [self._model_item(served, state, i, s, explain, signals) for i, s in ranked]
        reason = None
        if len(items) < limit:
            more = self._popular(served, served.popularity, allowed, history, limit, "global", filters)
            items = fill(items, more, limit)
            reason = f"only {len(ranked)} items scored by the model pass the filters: topped up with popular products"
        return Recommendations(customer_id, "model", served.kind, True, reason, items, served.version)

    def _cold_start(
        self, served: ServedModel, state: CustomerState, allowed: NDArray[np.bool_], limit: int, filters: Filters
    ) -> Recommendations:
        if state.community_id is not None:
            counts = served.community_popularity(self.store, state.community_id)
            items = self._popular(served, counts, allowed, frozenset(), limit, "community", filters)
            if len(items) >= limit:
                reason = "no interactions yet: popular in the customer's community"
                return Recommendations(state.customer_id, "model", "popular", True, reason, items, served.version)
        scope = "category" if filters.category else "global"
        items = self._popular(served, served.popularity, allowed, frozenset(), limit, scope, filters)
        where = f"in {filters.category}" if filters.category else "with all customers"
        reason = f"not personalised: no interactions yet and no community known; popular {where}"
        return Recommendations(state.customer_id, "model", "popular", False, reason, items, served.version)

    def _social(
        self, state: CustomerState, scores: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], Mapping[int, float]] | None:
        if not state.social:
            return None
        peak_model = float(np.max(scores)) if scores.size else 0.0
        base = scores / peak_model if peak_model > 0 else scores.copy()
        peak = max(signal.weight for signal in state.social.values())
        boost = {i: SOCIAL_WEIGHT * signal.weight / peak for i, signal in state.social.items()}
        for i, extra in boost.items():
            base[i] += extra
        return base, boost

    def _model_item(
        self,
        served: ServedModel,
        state: CustomerState,
        i: int,
        score: float,
        explain: bool,
        signals: tuple[NDArray[np.float64], Mapping[int, float]] | None,
    ) -> Item:
        info = served.products.info(i)
        reasons: list[Reason] = []
        if explain:
            reasons = model_reasons(served.model, state, i, served.products, kind=served.kind)
            boost = signals[1].get(i) if signals is not None else None
            if boost:
                share = boost / score if score > 0 else 1.0
                label = info.name or info.product_id
                reasons.insert(0, social_reason(state.social[i], label, share))
        return Item(
            info.product_id, info.name, info.category, info.price, info.in_stock, score, served.kind, tuple(reasons)
        )

    def _popular(
        self,
        served: ServedModel,
        counts: NDArray[np.float64],
        allowed: NDArray[np.bool_],
        exclude: frozenset[int],
        limit: int,
        scope: str,
        filters: Filters,
    ) -> list[Item]:
        out = []
        for i, score in top_k(counts, limit, _banned(allowed & (counts > 0), list(exclude))):
            info = served.products.info(i)
            why = popular_reason(scope, round(score), filters.category)
            out.append(
                Item(info.product_id, info.name, info.category, info.price, info.in_stock, score, "popular", (why,))
            )
        return out


def _banned(allowed: NDArray[np.bool_], history: Sequence[int] | NDArray[np.int32]) -> NDArray[np.int64]:
    """Item indices to exclude: what the filters rule out and what the customer already has."""
    banned = ~allowed
    banned[np.asarray(history, dtype=np.int64)] = True
    return np.flatnonzero(banned)


__all__ = ["SOCIAL_WEIGHT", "Recommendations", "Recommender", "no_consent_reason"]
