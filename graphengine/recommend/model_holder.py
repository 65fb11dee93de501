"""The promoted model, held for serving and swapped without a restart when another version is promoted.

:class:`ServedModel` bundles what a request needs and nothing that changes per request: the fitted model, its
item ids and index, the interaction weights it was trained with (so the live row is built the same way), the
popularity vector, the in-memory product table and per-community popularity (read on first use).

:class:`ModelHolder` loads the promoted artefact at start. A watcher thread (:meth:`ModelHolder.start`) checks
:func:`graphengine.recommend.artefacts.promoted_stamp` — a file stat — every ``check_s`` seconds; on a change it
loads the new version *beside* the old one and then replaces one reference, so requests in flight finish on
the model they started with and none fails during the swap. The same thread re-reads the product table every
``products_s`` seconds and bumps its version only when the products changed. ``on_change(kind, change)`` is
called after a swap (``"model"``, None) or a product change (``"products"``, the
:class:`~graphengine.recommend.filters.ProductChange`) — the API drops the affected cache entries.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from graphengine.errors import StoreUnavailable
from graphengine.recommend import artefacts
from graphengine.recommend.filters import ProductChange, ProductTable, load_product_table
from graphengine.recommend.interactions import InteractionWeights
from graphengine.store import Store

log = logging.getLogger(__name__)
COMMUNITY_TTL_S = 300.0


class NoModel(StoreUnavailable):
    """No recommender model has been promoted yet (HTTP 503: the service is not ready)."""

    code = "no_model"


class Memo:
    """A small bounded memo of answers that are the same for every customer (popular lists): emptied when full."""

    def __init__(self, max_entries: int = 4096) -> None:
        self.max_entries = max_entries
        self._data: dict[Hashable, Any] = {}

    def get(self, key: Hashable) -> Any:
        return self._data.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        if len(self._data) >= self.max_entries:
            self._data = {}
        self._data[key] = value


@dataclass
class ServedModel:
    version: str
    model: Any
    item_ids: tuple[str, ...]
    weights: InteractionWeights
    popularity: NDArray[np.float64]
    products: ProductTable
    item_index: dict[str, int] = field(default_factory=dict)
    _communities: dict[int, tuple[float, NDArray[np.float64]]] = field(default_factory=dict)
    memo: Memo = field(default_factory=Memo)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if not self.item_index:
            self.item_index = {item: i for i, item in enumerate(self.item_ids)}

    @property
    def kind(self) -> str:
        return str(getattr(self.model, "kind", type(self.model).__name__))

    def has_community(self, community_id: int | None) -> bool:
        """Whether the community's popularity is read and fresh (so a cold start needs no query)."""
        with self._lock:
            found = self._communities.get(community_id) if community_id is not None else None
        return found is not None and found[0] > time.monotonic()

    def community_popularity(self, store: Store, community_id: int) -> NDArray[np.float64]:
        """Buyers per item within one community (read once per :data:`COMMUNITY_TTL_S`)."""
        now = time.monotonic()
        with self._lock:
            found = self._communities.get(community_id)
        if found is not None and found[0] > now:
            return found[1]
        counts = np.zeros(len(self.item_ids))
        for row in store.query("recommend.list_community_popularity", {"communityId": community_id}):
            i = self.item_index.get(str(row["productId"]))
            if i is not None:
                counts[i] = float(row["buyers"])
        with self._lock:
            self._communities[community_id] = (now + COMMUNITY_TTL_S, counts)
        return counts

    def with_products(self, products: ProductTable) -> ServedModel:
        return ServedModel(
            self.version, self.model, self.item_ids, self.weights, self.popularity, products, self.item_index
        )


def load_served(store: Store, home: Path, version: str | None = None) -> ServedModel:
    """The promoted (or given) version, with a fresh product table."""
    chosen = version or artefacts.promoted(home)
    if chosen is None:
        raise NoModel(
            "no recommender model has been promoted: run `graphengine recommender train` (it promotes the best model)"
        )
    artefact = artefacts.load(home, chosen)
    return served_from(store, artefact)


def served_from(store: Store, artefact: artefacts.Artefact) -> ServedModel:
    item_ids: Sequence[str] = tuple(str(item) for item in artefact.item_ids)
    return ServedModel(
        version=artefact.version,
        model=artefact.model,
        item_ids=tuple(item_ids),
        weights=artefact.weights,
        popularity=np.asarray(artefact.popularity, dtype=np.float64),
        products=load_product_table(store, item_ids),
        item_index=dict(artefact.item_index),
    )


class ModelHolder:
    """The served model for one process; see the module docstring."""

    def __init__(
        self,
        store: Store,
        home: Path,
        *,
        check_s: float = 1.0,
        products_s: float = 60.0,
        on_change: Callable[[str, ProductChange | None], None] | None = None,
    ) -> None:
        self.store = store
        self.home = home
        self.check_s = check_s
        self.products_s = products_s
        self.on_change = on_change
        self.swaps = 0
        self.last_error: str | None = None
        self._served: ServedModel | None = None
        self._stamp: Hashable | None = None
        self._products_at = 0.0
        self._load_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def current_or_none(self) -> ServedModel | None:
        return self._served

    def current(self) -> ServedModel:
        """The served model, loaded on first use; raises :class:`NoModel` when none is promoted."""
        served = self._served
        if served is None:
            self.refresh()
            served = self._served
            if served is None:
                raise NoModel(self.last_error or "no recommender model has been promoted")
        return served

    def refresh(self) -> bool:
        """Load the promoted version if it changed since the last look; True when a new model is served."""
        with self._load_lock:
            stamp = artefacts.promoted_stamp(self.home)
            if stamp is not None and stamp == self._stamp and self._served is not None:
                return False
            if artefacts.promoted(self.home) is None:
                self.last_error = "no recommender model has been promoted: run `graphengine recommender train`"
                self._stamp = stamp
                return False
            served = load_served(self.store, self.home)
            self._served, self._stamp = served, stamp
            self._products_at = time.monotonic()
            self.swaps += 1
            self.last_error = None
        log.info("serving recommender model %s (%s)", served.version, served.kind)
        if self.on_change is not None:
            self.on_change("model", None)
        return True

    def refresh_products(self) -> bool:
        """Re-read the product table; True (and a version bump) when the products changed."""
        served = self._served
        if served is None:
            return False
        table = load_product_table(self.store, served.item_ids, version=served.products.version + 1)
        self._products_at = time.monotonic()
        if table.digest == served.products.digest:
            return False
        change = table.changed_since(served.products)
        with self._load_lock:
            if self._served is served:
                self._served = served.with_products(table)
        if self.on_change is not None:
            self.on_change("products", change)
        return True

    def _watch(self) -> None:
        while not self._stop.wait(self.check_s):
            try:
                self.refresh()
                if time.monotonic() - self._products_at >= self.products_s:
                    self.refresh_products()
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
                if error != self.last_error:  # say it once, not every tick
                    log.warning("recommender refresh failed (still serving the previous model): %s", error)
                self.last_error = error

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._watch, name="recommender-watch", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None


__all__ = ["ModelHolder", "NoModel", "ServedModel", "load_served", "served_from"]
