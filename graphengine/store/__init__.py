"""Storage layer: driver and named queries, schema migrations, the local Neo4j server."""

from graphengine.store.driver import Store
from graphengine.store.local_server import LocalNeo4j
from graphengine.store.queries import QueryRegistry, default_registry
from graphengine.store.schema import apply_schema

__all__ = ["LocalNeo4j", "QueryRegistry", "Store", "apply_schema", "default_registry"]
