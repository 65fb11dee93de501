"""Who may be named in a value command's list of top customers: only customers with profiling consent.

The scores themselves are written for every customer with purchase lines (the API's profile and the analyst
questions withhold them for customers without consent); the printed and JSON "top" lists name only consenting
customers, best first, and say how many better-ranked customers were left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from numpy.typing import NDArray

from graphengine.store import Store

SCAN = 2_000  # ranked customers looked at for a top list


def named_positions(store: Store, ranked_ids: Sequence[Any] | NDArray[Any], limit: int) -> tuple[list[int], int]:
    """Positions (into ``ranked_ids``, best first) of the first ``limit`` customers with profiling consent, and how
    many customers ranked above the last of them were left out for lack of it."""
    head = [str(i) for i in ranked_ids[:SCAN]]
    rows = store.query("value.list_consenting_customers", {"customerIds": head})
    allowed = set(rows[0]["ids"]) if rows else set()
    chosen: list[int] = []
    withheld = 0
    for position, customer_id in enumerate(head):
        if len(chosen) == limit:
            break
        if customer_id in allowed:
            chosen.append(position)
        else:
            withheld += 1
    return chosen, withheld


__all__ = ["named_positions"]
