"""Writing one batch online: the rows Neo4j refuses are found and named, the rest is written.

Every row sent carries ``"_i"``, its index in the batch. Two things can refuse a row:

* **the write query**, by returning a column ``rejected``: a list of maps ``{i: <index>, reason: <text>}``
  (several records may each hold part of it; the union counts) — e.g. an event another customer owns;
* **the server**, by failing the whole transaction with a client error caused by one row's data (a time zone
  offset ``datetime()`` cannot take, a value the driver cannot send). Then the batch is split in halves and each
  half written again — recursively, ``O(k log n)`` transactions for ``k`` bad rows — until every refused row is
  alone; its reason is the server's message. The rest is written. A failed transaction wrote nothing, so the
  retried halves never write a row twice.

Errors that do not come from a row (transient errors, a lost server, a query that does not compile, no
permission) are raised as they are and never split.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from neo4j.exceptions import ClientError, Neo4jError

from graphengine.errors import ConfigError, GraphEngineError, StoreUnavailable

Record = dict[str, Any]

# Client errors a row's data can cause; others (syntax, security, transaction state) are the query's or the
# session's and stop the load.
_ROW_FAULT_CODES = ("Neo.ClientError.Statement.", "Neo.ClientError.Schema.ConstraintValidationFailed")
_QUERY_FAULT_CODES = frozenset({"Neo.ClientError.Statement.SyntaxError", "Neo.ClientError.Statement.ParameterMissing"})


@dataclass
class BatchResult:
    """One written batch: the reasons for each refused row (by index in the batch) and the query's records."""

    rejected: dict[int, list[str]] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)

    def add(self, other: BatchResult) -> BatchResult:
        for index, reasons in other.rejected.items():
            self.rejected.setdefault(index, []).extend(reasons)
        self.records.extend(other.records)
        return self


def is_row_fault(exc: BaseException) -> bool:
    """True when ``exc`` can be caused by the data of a row (so splitting the batch finds that row)."""
    if isinstance(exc, OverflowError):  # the driver cannot pack an integer beyond 64 bits
        return True
    if not isinstance(exc, ClientError):
        return False
    code = exc.code or ""
    return code.startswith(_ROW_FAULT_CODES) and code not in _QUERY_FAULT_CODES


def stop_error(exc: BaseException) -> GraphEngineError | None:
    """The graphengine error for a database error that stops a load (not a row's fault): a client error
    (permissions, a query that does not compile) is a ConfigError, anything else (transient errors that outlived
    the retries, server-side failures) StoreUnavailable — a re-run later may succeed."""
    if not isinstance(exc, Neo4jError):
        return None
    message = " ".join(f"Neo4j refused the write: {exc.message or exc.code}".split())
    details = {"neo4j_code": exc.code}
    return (
        ConfigError(message, details=details)
        if isinstance(exc, ClientError)
        else StoreUnavailable(message, details=details)
    )


def _server_reason(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return f"refused by Neo4j: {exc.message or exc.code}"
    return f"cannot be sent to Neo4j: {exc}"


def rejected_by_query(records: list[Record], size: int) -> dict[int, list[str]]:
    """The union of the ``rejected`` columns of ``records``; entries naming no row of the batch are ignored."""
    out: dict[int, list[str]] = {}
    for record in records:
        for item in record.get("rejected") or ():
            if not isinstance(item, dict):
                continue
            index = item.get("i")
            if isinstance(index, int) and 0 <= index < size:
                out.setdefault(index, []).append(str(item.get("reason") or "refused by the write query"))
    return out


def write_bisecting(run: Callable[[list[Record]], list[Record]], rows: list[Record]) -> BatchResult:
    """Run ``run(rows)`` (one transaction); on a row fault split ``rows`` until the refused rows are alone.

    ``rows`` carry ``_i``; the result's ``rejected`` is keyed by it (the query's own rejections included)."""
    try:
        records = run(rows)
    except (ClientError, OverflowError) as exc:
        if not is_row_fault(exc):
            raise
        if len(rows) == 1:
            return BatchResult(rejected={int(rows[0]["_i"]): [_server_reason(exc)]})
        middle = len(rows) // 2
        return write_bisecting(run, rows[:middle]).add(write_bisecting(run, rows[middle:]))
    known = {int(row["_i"]) for row in rows}
    rejected = {i: reasons for i, reasons in rejected_by_query(records, max(known) + 1).items() if i in known}
    return BatchResult(rejected=rejected, records=records)


__all__ = ["BatchResult", "is_row_fault", "rejected_by_query", "stop_error", "write_bisecting"]
