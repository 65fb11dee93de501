"""Serving the promoted recommender: one customer's list from the model and their current interactions.

:class:`Recommender` is what the API and ``graphengine recommend`` call. Per request:

1. the **served model** (:class:`~graphengine.recommend.model_holder.ModelHolder`: the promoted artefact, its
   product table and popularity, swapped without a restart when another version is promoted);
2. the customer's **current state** (:mod:`graphengine.recommend.live`: consent, interaction row, followees'
   signals — kept in process, read in bulk in the background by :mod:`graphengine.recommend.warm` and again for
   a customer written through the API), with its **candidates**: the model's best :data:`CANDIDATES` items for
   that state, ranked when the state is read (:meth:`Recommender.prepare`), so a request only filters and cuts;
3. **consent**: without profiling consent the list is the popularity list everybody gets, marked
   ``personalized = False`` with the reason, and nothing about the customer but the consent flag is read;
4. **cold start**: no interactions yet → what the customer's community buys (popularity by community), else
   overall popularity (within the requested category when there is one);
5. **fold-in**: ``model.scores(row)`` from the current row, when the state is read — a purchase POSTed a moment
   ago drops the customer's kept state, so their next request reads and scores the row that holds it;
6. **social re-ranking** (only for customers who follow accounts that bought or praised something, and only
   with ``social=True``): ``score / max(score) + SOCIAL_WEIGHT × signal / max(signal)``, the signal being the
   followees' PageRank-weighted purchases and positive mentions. Customers who follow nobody get exactly the
   model's list, which is what the evaluation measures;
7. **exclusion and filters**: :func:`graphengine.recommend.ranking.top_k` — the function the evaluation calls —
   ranks the candidates; a request takes the first ``limit`` of them its filters allow, which is exactly
   ``top_k`` over all items (the candidates are its best items in its order); when too few pass and the kept
   list is not every eligible item, the request scores all items afresh. Left out: every item of the customer's
   row (bought, rated at any value, carted, viewed, mentioned) plus the items the filters rule out (category,
   price range, stock, products gone from the graph);
8. a list shorter than ``limit`` (strict filters) is topped up from popularity, said in ``reason``;
9. **explanations** from ``model.contributions`` ("because you bought X"), only when asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from graphengine.errors import NotFound
from graphengine.recommend.explain import model_reasons, popular_reason, social_reason
from graphengine.recommend.filters import Filters
from graphengine.recommend.items import Item, Reason, fill
from graphengine.recommend.live import CustomerState, LiveCustomers, Ranked, read_customers
from graphengine.recommend.model_holder import ModelHolder, ServedModel
from graphengine.recommend.ranking import top_k
from graphengine.store import Store

SOCIAL_WEIGHT = 0.25
CANDIDATES = 100  # items ranked per kept state before any request (the API's largest limit)


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
        self.live = live if live is not None else LiveCustomers()  # an empty one is falsy (it has a length)

    def read_states(
        self, served: ServedModel, customer_ids: Sequence[str], *, rank: bool = True
    ) -> list[CustomerState]:
        """The customers' current states from the graph (one query), with their candidates ranked unless ``rank``
        is false."""
        states = read_customers(
            self.store, customer_ids, weights=served.weights, item_index=served.item_index, model_version=served.version
        )
        return self.prepare(served, states) if rank else states

    def prepare(self, served: ServedModel, states: Sequence[CustomerState]) -> list[CustomerState]:
        """The states with :attr:`CustomerState.ranked` filled in for customers the model scores: their best
        :data:`CANDIDATES` items by the final score (social re-ranking applied), history left out — the list a
        request then only filters and cuts, scored here in one batch rather than per request."""
        scored = [i for i, state in enumerate(states) if state.personalisable and state.history]
        if not scored:
            return list(states)
        rows = sp.vstack([states[i].row for i in scored], format="csr")
        batch = np.asarray(served.model.scores(rows), dtype=np.float64)
        out = list(states)
        for at, i in enumerate(scored):
            state = states[i]
            scores, _ = self._final_scores(state, batch[at], social=True)
            ranked = top_k(scores, CANDIDATES, state.row)
            items = np.fromiter((j for j, _ in ranked), dtype=np.int64, count=len(ranked))
            values = np.fromiter((v for _, v in ranked), dtype=np.float64, count=len(ranked))
            out[i] = replace(state, ranked=Ranked(items, values, complete=len(ranked) < CANDIDATES))
        return out

    def state(self, served: ServedModel, customer_id: str) -> CustomerState:
        def read() -> CustomerState:
            # candidates pay off only for a state that is kept; without keeping, the request scores every item
            found = self.read_states(served, [customer_id], rank=self.live.ttl_s > 0)
            if not found:
                raise NotFound(f"no customer {customer_id!r}", details={"customerId": customer_id})
            return found[0]

        return self.live.get(customer_id, served.version, read)

    def kept_state(self, customer_id: str) -> CustomerState | None:
        """The customer's kept state when their answer needs no I/O (the state is kept in process for the served
        model and, for a cold start in a community, that community's popularity is read already), else None."""
        served = self.holder.current_or_none()
        state = None if served is None else self.live.peek(customer_id, served.version)
        if served is None or state is None:
            return None
        cold = state.personalisable and not state.history and state.community_id is not None
        return state if not cold or served.has_community(state.community_id) else None

    def answers_from_memory(self, customer_id: str) -> bool:
        return self.kept_state(customer_id) is not None

    def recommend(
        self,
        customer_id: str,
        *,
        limit: int = 10,
        filters: Filters = Filters(),
        explain: bool = False,
        social: bool = True,
        kept: CustomerState | None = None,
    ) -> Recommendations:
        """The customer's list; ``kept`` is their state when the caller has it (see :meth:`kept_state`)."""
        filters.validate()
        served = self.holder.current()
        state = kept if kept is not None and kept.model_version == served.version else self.state(served, customer_id)
        allowed = served.products.allowed(filters)
        if not state.personalisable:
            items = self._popular(served, served.popularity, allowed, frozenset(), limit, "global", filters)
            return Recommendations(
                customer_id, "model", "popular", False, no_consent_reason(state.consent), items, served.version
            )
        history = state.history
        if not history:
            return self._cold_start(served, state, allowed, limit, filters)
        boosts = self._boosts(state) if explain and social and state.follows else None  # only explanations use it
        ranked = _from_candidates(state.ranked, allowed, limit) if social or not state.social else None
        if ranked is None:  # no candidates kept, or the filters leave too few of them: score afresh
            scores = np.asarray(served.model.scores(state.row), dtype=np.float64)[0]
            scores, boosts = self._final_scores(state, scores, social=social)
            ranked = top_k(scores, limit, _banned(allowed, state.row.indices if state.row is not None else ()))
        items = [self._model_item(served, state, i, s, explain, boosts) for i, s in ranked]
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

    @staticmethod
    def _boosts(state: CustomerState) -> dict[int, float] | None:
        """What social re-ranking adds to each item's normalised score (None: the customer's followees did nothing)."""
        if not state.social:
            return None
        peak = max(signal.weight for signal in state.social.values())
        return {i: SOCIAL_WEIGHT * signal.weight / peak for i, signal in state.social.items()}

    def _final_scores(
        self, state: CustomerState, scores: NDArray[np.float64], *, social: bool
    ) -> tuple[NDArray[np.float64], dict[int, float] | None]:
        """The model's scores, re-ranked socially when asked for and the customer follows accounts that did
        something: ``score / max(score) + boost``. Returns the scores and the boosts applied."""
        boosts = self._boosts(state) if social and state.follows else None
        if boosts is None:
            return scores, None
        peak_model = float(np.max(scores)) if scores.size else 0.0
        base = scores / peak_model if peak_model > 0 else scores.copy()
        for i, extra in boosts.items():
            base[i] += extra
        return base, boosts

    def _model_item(
        self,
        served: ServedModel,
        state: CustomerState,
        i: int,
        score: float,
        explain: bool,
        boosts: Mapping[int, float] | None,
    ) -> Item:
        info = served.products.info(i)
        reasons: list[Reason] = []
        if explain:
            reasons = model_reasons(served.model, state, i, served.products, kind=served.kind)
            boost = boosts.get(i) if boosts is not None else None
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
        # without exclusions the list is the same for every customer it is served to: ranked once per model,
        # product table and counts (the memo is the served model's, so a swap or new product table starts afresh)
        key = None if exclude else (id(counts), served.products.version, filters, limit, scope)
        found = None if key is None else served.memo.get(key)
        if found is not None and found[0] is counts:
            return list(found[1])
        out = []
        for i, score in top_k(counts, limit, _banned(allowed & (counts > 0), list(exclude))):
            info = served.products.info(i)
            why = popular_reason(scope, round(score), filters.category)
            out.append(
                Item(info.product_id, info.name, info.category, info.price, info.in_stock, score, "popular", (why,))
            )
        if key is not None:
            served.memo.put(key, (counts, tuple(out)))
        return out


def _from_candidates(ranked: Ranked | None, allowed: NDArray[np.bool_], limit: int) -> list[tuple[int, float]] | None:
    """The first ``limit`` kept candidates the filters allow — exactly what :func:`top_k` over all items would
    give, since the candidates are its best items in its order — or None when they run short and the kept list
    does not hold every eligible item (then scoring all items could find more)."""
    if ranked is None:
        return None
    chosen = np.flatnonzero(allowed[ranked.items])[:limit]
    if len(chosen) < limit and not ranked.complete:
        return None
    return [(int(ranked.items[j]), float(ranked.scores[j])) for j in chosen]


def _banned(allowed: NDArray[np.bool_], history: Sequence[int] | NDArray[np.int32]) -> NDArray[np.int64]:
    """Item indices to exclude: what the filters rule out and what the customer already has."""
    banned = ~allowed
    banned[np.asarray(history, dtype=np.int64)] = True
    return np.flatnonzero(banned)


__all__ = ["CANDIDATES", "SOCIAL_WEIGHT", "Recommendations", "Recommender", "no_consent_reason"]
