"""Every customer's serving state, read in bulk before any request asks for it.

A request that finds its customer's state kept (:mod:`graphengine.recommend.live`) needs no Neo4j round trip and
no scoring — the candidates were ranked when the state was read. :class:`WarmStates` makes that the common
case: a background thread reads the states of all customers (up to ``max_customers``, in key order) in batches
of ``batch`` — one ``recommend.list_serving_customers`` query and one batched ``model.scores`` call each — and
keeps them:

* at start, as soon as a model is served;
* right after a newly promoted model is swapped in (states belong to one model version);
* then every ``every_s`` seconds, which bounds how stale a state can get after writes that bypass the API
  (a ``graphengine load``, another worker). Writes through the API do not wait for it: they drop their
  customers' states at once (see :func:`graphengine.api.recommender.after_write`).

A pass costs one query per batch and the scoring of every customer (about 10k customers a second for the
demo's models on one core); it runs in one thread and yields between batches. A state read while its customer
was written is not kept (the :meth:`~graphengine.recommend.live.LiveCustomers.keep` rule), so a pass never
brings an older state back.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from typing import Any

from graphengine.recommend.serving import Recommender

log = logging.getLogger(__name__)


class WarmStates:
    """The background reader; see the module docstring. ``run_pass`` is also callable directly (tests, CLI)."""

    def __init__(
        self, recommender: Recommender, *, every_s: float = 15.0, batch: int = 500, max_customers: int = 200_000
    ) -> None:
        self.recommender = recommender
        self.every_s = every_s
        self.batch = batch
        self.max_customers = min(max_customers, recommender.live.max_entries)
        self.passes = 0
        self.kept = 0
        self.version: str | None = None  # the model version of the last complete pass
        self.last_pass_s = 0.0
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def warm(self) -> bool:
        """True when a complete pass ran for the model now served."""
        served = self.recommender.holder.current_or_none()
        return served is not None and served.version == self.version

    def run_pass(self) -> int:
        """Read and keep the states of all customers (up to ``max_customers``); returns how many were kept."""
        served = self.recommender.holder.current_or_none()
        if served is None:
            return 0
        started_at = time.perf_counter()
        rows = self.recommender.store.query("recommend.stream_customer_ids")
        ids = [str(i) for i in (rows[0]["ids"] if rows else [])][: self.max_customers]
        live = self.recommender.live
        kept = 0
        for at in range(0, len(ids), self.batch):
            if self._stop.is_set() or self.recommender.holder.current_or_none() is not served:
                return kept  # stopping, or another model came in: its own pass follows
            mark = live.begin()
            states = self.recommender.read_states(served, ids[at : at + self.batch])
            kept += live.keep(states, mark)
            time.sleep(0)  # let request threads and the event loop in between batches
        # the kept states are long-lived: move them (and everything else alive now) out of the cyclic collector's
        # reach, so a full collection during requests does not walk every customer's state (a pause of tens of
        # milliseconds at 10k customers); reference counting still frees them when a later pass replaces them
        gc.collect()
        gc.freeze()
        self.passes += 1
        self.kept = kept
        self.version = served.version
        self.last_pass_s = time.perf_counter() - started_at
        log.info("kept the serving state of %d customers in %.1f s", kept, self.last_pass_s)
        return kept

    def status(self) -> dict[str, Any]:
        return {
            "warm": self.warm,
            "customersKept": len(self.recommender.live),
            "passes": self.passes,
            "lastPassSeconds": round(self.last_pass_s, 3),
            "lastError": self.last_error,
        }

    def _loop(self) -> None:
        due = 0.0
        while not self._stop.is_set():
            served = self.recommender.holder.current_or_none()
            swapped = served is not None and served.version != self.version
            if served is not None and (swapped or time.monotonic() >= due):
                try:
                    self.run_pass()
                    self.last_error = None
                except Exception as exc:  # Neo4j away: requests read states one by one until the next pass
                    error = f"{type(exc).__name__}: {exc}"
                    if error != self.last_error:
                        log.warning("reading the serving states failed (requests read them one by one): %s", error)
                    self.last_error = error
                due = time.monotonic() + self.every_s
            self._stop.wait(1.0)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="recommender-warm", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None


__all__ = ["WarmStates"]
