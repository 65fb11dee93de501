"""GDPR erasure (Art. 17) of one customer: the graph forgets them in one transaction, and says what went.

``erasure.delete_customer`` removes the Customer node and every relationship it has, the events they performed
and their purchase lines, the identifiers and social accounts no other customer is linked to (with the accounts'
follows, mentions and derived scores), and identity profiles left without members; profiles that keep other
members are shrunk and, when their id was built from this customer's id, renamed. Afterwards no node or
relationship property holds the customer id or the hashed keys of the removed identifiers. Identifiers and
accounts shared with other customers stay (they are those customers' data too) and the receipt lists the
customers that share identifiers — likely the same person, to be erased on their own request as well.

Not in the graph and so not touched here: source files, quarantine files and load reports on disk.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from graphengine.errors import NotFound
from graphengine.store import Store

NOTES = (
    "files outside the graph (source exports, quarantine files, load reports) are not touched",
    "aggregate scores of other accounts (PageRank, communities) change on the next analysis run",
)


def erase_customer(store: Store, customer_id: str) -> dict[str, Any]:
    """Erase ``customer_id``; returns the receipt (counts removed and kept). Raises NotFound."""
    rows = store.write("erasure.delete_customer", {"customerId": customer_id})
    if not rows:
        raise NotFound(f"no customer {customer_id!r}", details={"customerId": customer_id})
    row = rows[0]
    return {
        "customerId": customer_id,
        "erasedAt": dt.datetime.now(dt.UTC).isoformat(),
        "removed": {
            "customers": row["customers"],
            "events": row["events"],
            "orderLines": row["orderLines"],
            "identifiers": row["identifiers"],
            "socialAccounts": row["accounts"],
            "profiles": row["profiles"],
            "relationships": row["relationships"],
        },
        "kept": {
            "sharedIdentifiers": row["sharedIdentifiers"],
            "sharedAccounts": row["sharedAccounts"],
            "shrunkProfiles": row["shrunkProfiles"],
            "renamedProfiles": row["renamedProfiles"],
            "linkedCustomers": row["linkedCustomers"],
        },
        "notes": list(NOTES),
    }


__all__ = ["erase_customer"]
