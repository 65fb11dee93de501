"""The bare driver path of ``bench_load.py``: the reference an online load is measured against.

Reads each file with pyarrow's CSV reader, builds the parameter rows the registered ``load.*`` write queries take
(the same dicts :meth:`graphengine.load.kinds.Kind.params` builds; :func:`check_same_params` asserts it), sends
them with ``UNWIND`` in batches of 10,000 in one thread, then relinks the event chains as the loader does. Nothing
else: no validation, quarantine, duplicate or reference checks, reports or overlap of reading and writing. One
``load.merge_source`` per file records the source, so the graph is the same as the loader's.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from graphengine.load.chains import relink_event_chains
from graphengine.load.kinds import KINDS
from graphengine.store import Store

Params = dict[str, Any]
BATCH = 10_000

# Column types as the loader's models read them; every other column is text (times are sent as read).
TYPES: dict[str, dict[str, pa.DataType]] = {
    "customers": {"consentEmail": pa.bool_()},
    "products": {"price": pa.float64(), "inStock": pa.bool_()},
    "channels": {},
    "purchases": {"quantity": pa.int64(), "amount": pa.float64()},
    "events": {"value": pa.float64(), "resultCount": pa.int64()},
}


def _props(row: Params, keys: tuple[str, ...]) -> Params:
    return {k: row[k] for k in keys if row.get(k) is not None}


def _customer(row: Params) -> Params:
    return {
        "customerId": row["customerId"],
        "signupAt": row.get("signupAt"),
        "props": _props(row, ("name", "country", "segment", "consentEmail")),
        "identifiers": [],
    }


def _product(row: Params) -> Params:
    return {
        "productId": row["productId"],
        "category": row.get("category"),
        "props": _props(row, ("name", "brand", "price", "inStock")),
    }


def _channel(row: Params) -> Params:
    return {"channelId": row["channelId"], "props": _props(row, ("name", "kind"))}


def _purchase(row: Params) -> Params:
    return {
        "orderId": row["orderId"],
        "lineId": row["lineId"],
        "customerId": row["customerId"],
        "productId": row["productId"],
        "quantity": row["quantity"],
        "amount": row["amount"],
        "at": row["at"],
        "channelId": row.get("channelId"),
    }


EVENT_FIELDS = ("eventId", "customerId", "type", "at", "channelId", "sessionId", "productId", "value", "query")


def _event(row: Params) -> Params:
    params = {k: row.get(k) for k in EVENT_FIELDS}
    params["resultCount"] = row.get("resultCount")
    params["props"] = _props(row, ("type", "sessionId", "value", "query", "resultCount"))
    return params


BUILD: dict[str, Callable[[Params], Params]] = {
    "customers": _customer,
    "products": _product,
    "channels": _channel,
    "purchases": _purchase,
    "events": _event,
}


def read_batches(kind: str, path: Path, size: int = BATCH) -> Iterator[list[Params]]:
    """Parameter rows of ``path`` in lists of ``size``."""
    with path.open(newline="") as handle:
        header = next(csv.reader(handle))
    types = {name: TYPES[kind].get(name, pa.string()) for name in header}
    convert = pacsv.ConvertOptions(column_types=types, strings_can_be_null=True, null_values=[""])
    reader = pacsv.open_csv(path, convert_options=convert, read_options=pacsv.ReadOptions(block_size=8 << 20))
    build = BUILD[kind]
    pending: list[Params] = []
    for record_batch in reader:
        pending.extend(build(row) for row in record_batch.to_pylist())
        while len(pending) >= size:
            yield pending[:size]
            pending = pending[size:]
    if pending:
        yield pending


def load_bare(store: Store, kind: str, path: Path, source: str) -> int:
    """Send ``path`` through ``kind``'s registered write query; returns the rows sent."""
    query = KINDS[kind].query
    store.write("load.merge_source", {"source": source, "party": "first", "kind": kind})
    rows = 0
    customers: set[str] = set()
    for batch in read_batches(kind, path):
        for i, row in enumerate(batch):
            row["_i"] = i
        store.write(query, {"rows": batch, "source": source})
        rows += len(batch)
        if kind == "events":
            customers.update(row["customerId"] for row in batch)
    relink_event_chains(store, customers)
    return rows


def check_same_params(kind: str, path: Path, salt: str, sample: int = 2_000) -> int:
    """Assert that the first ``sample`` rows build the same parameters as the loader's ``Kind.params``."""
    spec = KINDS[kind]
    with path.open(newline="") as handle:
        reference = [
            spec.params(spec.model.model_validate(row), salt)
            for row in itertools.islice(csv.DictReader(handle), sample)
        ]
    ours = next(read_batches(kind, path, sample))
    assert ours == reference, f"{kind}: the bare rows differ from Kind.params: {ours[0]} != {reference[0]}"
    return len(ours)


__all__ = ["BATCH", "check_same_params", "load_bare", "read_batches"]
