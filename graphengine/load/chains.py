"""NEXT chains: each customer's events linked in (at, eventId) order, repaired after every load.

Event writes mark their customers ``eventChainPending``; relinking clears the mark. A load that was stopped or
killed before relinking leaves the mark behind, so the next load (or API write) relinks those customers too.
"""

from __future__ import annotations

from collections.abc import Iterable

from graphengine.store import Store

CHUNK = 2_000


def relink_event_chains(store: Store, customer_ids: Iterable[str]) -> int:
    """Relink ``customer_ids`` and every customer still marked pending; returns the number of customers relinked."""
    done = 0
    ids = sorted(set(customer_ids))
    for start in range(0, len(ids), CHUNK):
        done += int(
            store.write("load.relink_event_chains", {"customerIds": ids[start : start + CHUNK]})[0]["customers"]
        )
    previous: list[str] = []
    while True:
        pending = [r["customerId"] for r in store.query("load.list_pending_chains", {"limit": CHUNK})]
        if not pending or pending == previous:  # nothing left (or a mark that cannot be cleared: never loop)
            return done
        done += int(store.write("load.relink_event_chains", {"customerIds": pending})[0]["customers"])
        previous = pending


__all__ = ["relink_event_chains"]
