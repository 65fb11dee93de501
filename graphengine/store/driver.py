"""The Neo4j driver, wrapped: one driver per process, named queries, retries, errors mapped to ours."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import neo4j
from neo4j import GraphDatabase, ManagedTransaction
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graphengine.config import Settings
from graphengine.errors import ConfigError, StoreUnavailable
from graphengine.store.queries import QueryRegistry, default_registry
from graphengine.store.reset import reset_graph

T = TypeVar("T")
ENTITY_DELETED = "Neo.ClientError.Statement.EntityNotFound"
CONCURRENT_DELETE_RETRIES = 3
Record = dict[str, Any]
QueryRunner = Callable[[str, Mapping[str, Any]], list[Record]]


@contextmanager
def translate_errors(settings: Settings) -> Iterator[None]:
    """Turn driver exceptions into the graphengine error tree, with a message a user can act on."""
    try:
        yield
    except AuthError as exc:
        raise ConfigError(
            f"Neo4j at {settings.bolt_uri} rejected the credentials of user {settings.neo4j_user!r}; "
            "check GRAPHENGINE_NEO4J_USER / GRAPHENGINE_NEO4J_PASSWORD",
            details={"uri": settings.bolt_uri, "user": settings.neo4j_user},
        ) from exc
    except (ServiceUnavailable, SessionExpired, OSError) as exc:
        hint = " (start it with `graphengine neo4j start`)" if settings.managed else ""
        raise StoreUnavailable(
            f"Neo4j is not reachable at {settings.bolt_uri}{hint}: {exc}",
            details={"uri": settings.bolt_uri},
        ) from exc


class Store:
    """Runs registered queries against one Neo4j database."""

    def __init__(self, settings: Settings, registry: QueryRegistry | None = None) -> None:
        self.settings = settings
        self.registry = registry or default_registry()
        self.driver = GraphDatabase.driver(
            settings.bolt_uri,
            auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
            connection_timeout=settings.connect_timeout_s,
            max_transaction_retry_time=settings.retry_time_s,
            notifications_min_severity="OFF",
        )

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def verify(self) -> None:
        """Check connectivity and credentials; raises StoreUnavailable or ConfigError."""
        with translate_errors(self.settings):
            self.driver.verify_connectivity()

    # ------------------------------------------------------------------------------------- running
    def _retrying(self, work: Callable[[], T]) -> T:
        """Run ``work``; the driver's managed transactions already retry transient errors and lost
        connections for ``settings.retry_time_s``. A node deleted by a concurrent transaction while this one waited
        for its lock (an erasure that committed first) is retried here too: the retry no longer sees the node."""
        with translate_errors(self.settings):
            for attempt in range(CONCURRENT_DELETE_RETRIES):
                try:
                    return work()
                except ClientError as exc:
                    if exc.code != ENTITY_DELETED or attempt == CONCURRENT_DELETE_RETRIES - 1:
                        raise
            raise AssertionError("unreachable")

    def query(self, name: str, params: Mapping[str, Any] | None = None, *, write: bool = False) -> list[Record]:
        """Run a registered query in one managed transaction (retried on transient errors)."""
        text = self.registry[name].text
        args = dict(params or {})

        def work(tx: ManagedTransaction) -> list[Record]:
            return [record.data() for record in tx.run(text, args)]

        def run() -> list[Record]:
            with self.session() as session:
                fn = session.execute_write if write else session.execute_read
                return fn(work)

        return self._retrying(run)

    def write(self, name: str, params: Mapping[str, Any] | None = None) -> list[Record]:
        return self.query(name, params, write=True)

    def write_together(self, work: Callable[[QueryRunner], T]) -> T:
        """Run several registered queries in one write transaction: ``work(run)`` calls ``run(name, params)``.
        If ``work`` raises, nothing of the transaction is kept; transient errors retry the whole of it."""

        def fn(tx: ManagedTransaction) -> T:
            def run(name: str, params: Mapping[str, Any]) -> list[Record]:
                return [record.data() for record in tx.run(self.registry[name].text, dict(params))]

            return work(run)

        def go() -> T:
            with self.session() as session:
                return session.execute_write(fn)

        return self._retrying(go)

    def write_batches(
        self, name: str, rows: Sequence[Mapping[str, Any]], *, batch_size: int | None = None, **params: Any
    ) -> int:
        """``UNWIND $rows`` a registered query over ``rows`` in batches, one transaction per batch."""
        size = batch_size or self.settings.batch_size
        for start in range(0, len(rows), size):
            self.write(name, {**params, "rows": list(rows[start : start + size])})
        return len(rows)

    def run_batched(self, name: str, params: Mapping[str, Any] | None = None) -> list[Record]:
        """Run a registered query that commits in batches itself (``CALL { … } IN TRANSACTIONS``), which needs an
        auto-commit transaction: an interrupted run keeps the batches it committed, and a re-run finishes."""
        return self.run_text(self.registry[name].text, params)

    def run_text(self, text: str, params: Mapping[str, Any] | None = None) -> list[Record]:
        """Run a statement read from a ``cypher/`` file (schema migrations, analyst files) in an auto-commit tx."""

        def run() -> list[Record]:
            with self.session() as session:
                return [r.data() for r in session.run(text, dict(params or {}))]

        return self._retrying(run)

    @contextmanager
    def session(self) -> Iterator[neo4j.Session]:
        with self.driver.session(database=self.settings.neo4j_database) as session:
            yield session

    # ------------------------------------------------------------------------------------- facts
    def versions(self) -> dict[str, str]:
        """Neo4j version and edition, and APOC/GDS versions where the plugins answer."""
        out: dict[str, str] = {}
        for row in self.query("store.get_components"):
            out["neo4j"] = row["versions"][0]
            out["edition"] = row["edition"]
        for key, name in (("apoc", "store.get_apoc_version"), ("gds", "store.get_gds_version")):
            try:
                out[key] = self.query(name)[0]["version"]
            except ClientError:
                continue
        return out

    def clear(self, batch_size: int = 10_000) -> int:
        """Delete every relationship, then every node (schema kept), in server-side transactions of
        ``batch_size`` rows, so no graph shape needs one huge transaction (see :mod:`graphengine.store.reset`).
        Returns the number of nodes deleted."""
        return reset_graph(self, batch=batch_size).nodes


def is_transient(exc: BaseException) -> bool:
    return isinstance(exc, TransientError | ServiceUnavailable | SessionExpired)


__all__ = ["QueryRunner", "Record", "Store", "is_transient", "translate_errors"]
