"""The offline bulk path: validated rows → neo4j-admin import CSVs → ``database import full`` → start.

For large first loads into the local server. The same :class:`~graphengine.load.pipeline.Loader` validates,
quarantines and dedupes, and reports exactly as online; instead of UNWIND batches, an :class:`ImportSink`
folds the rows into an in-memory graph with the same semantics as the ``load.*`` queries (MERGE by key,
provenance lists, PURCHASED aggregates by line id, NEXT chains in time order), then writes one CSV per label and
relationship type and runs the import tool into the stopped server. Purchase lines become OrderLine nodes and
the PURCHASED aggregates are derived from them, as online. The database is replaced, so this is for a
first load of a whole set of files; later loads go online. What keeps it from destroying data (refusals, checks
before the server stops, the dump and the restore) is in :mod:`graphengine.load.import_safety` and
:func:`import_files`.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pyarrow as pa

from graphengine.errors import GraphEngineError, LocalServerError, ValidationFailed
from graphengine.load.columnar.facts import FactStore
from graphengine.load.columnar.import_csv import check_fact_csv, write_fact_csvs
from graphengine.load.columnar.schemas import params_table
from graphengine.load.import_safety import array_cell, check_import_csvs, check_references, import_paths
from graphengine.load.kinds import Kind, Params
from graphengine.load.pipeline import Loader, LoadOptions
from graphengine.load.report import LoadReport
from graphengine.load.writes import BatchResult, rejected_by_query
from graphengine.store import Store, apply_schema
from graphengine.store.local_server import LocalNeo4j
from graphengine.store.reset import GraphCounts, data_counts

KEYS = {
    "Customer": "customerId",
    "Product": "productId",
    "Category": "name",
    "Channel": "channelId",
    "SocialAccount": "accountId",
    "Identifier": "idKey",
    "Event": "eventId",
    "OrderLine": "lineId",
    "DataSource": "name",
}
TIMESTAMPS = {"at", "since", "signupAt", "firstAt", "lastAt", "firstLoadedAt", "lastLoadedAt"}
Node = dict[str, Any]
EPOCH = "1970-01-01T00:00:00+00:00"  # what load.merge_mentions stores for a mention without a time
RelKey = tuple[str, str, str, str]  # (type, start key, end key, discriminator)


def _add_source(node: Node, source: str) -> None:
    sources = node.setdefault("sources", [])
    if source not in sources:
        sources.append(source)


@dataclass
class GraphBuffer:
    """Nodes by label and key, relationships by (type, start, end, discriminator)."""

    nodes: dict[str, dict[str, Node]] = field(default_factory=lambda: defaultdict(dict))
    rels: dict[RelKey, tuple[str, str, Node]] = field(default_factory=dict)  # key → (start label, end label, props)
    category_of: dict[str, str] = field(default_factory=dict)  # a product's one IN_CATEGORY target
    facts: FactStore = field(default_factory=FactStore)  # order lines and events, as tables

    def merge_node(self, label: str, key: str, props: Params | None = None, source: str | None = None) -> Node:
        node = self.nodes[label].get(key)
        if node is None:
            node = self.nodes[label][key] = {KEYS[label]: key}
        node.update({k: v for k, v in (props or {}).items() if v is not None})
        if source:
            _add_source(node, source)
            node.pop("placeholder", None)
        return node

    def merge_rel(self, rel_type: str, start: tuple[str, str], end: tuple[str, str], disc: str = "") -> Node:
        key = (rel_type, start[1], end[1], disc)
        if key not in self.rels:
            self.rels[key] = (start[0], end[0], {})
        return self.rels[key][2]


def _link_identifier(g: GraphBuffer, customer_id: str, ident: Params, source: str) -> None:
    """As the HAS_IDENTIFIER part of load.merge_customers / load.merge_identifiers: the first time is kept."""
    g.merge_node("Identifier", ident["idKey"], {"kind": ident["kind"]})
    rel = g.merge_rel("HAS_IDENTIFIER", ("Customer", customer_id), ("Identifier", ident["idKey"]))
    rel.update(source=source, confidence=ident["confidence"])
    if rel.get("at") is None:
        rel["at"] = ident["at"]


def _apply_customers(g: GraphBuffer, rows: list[Params], source: str) -> None:
    for row in rows:
        g.merge_node("Customer", row["customerId"], {**row["props"], "signupAt": row["signupAt"]}, source)
        for ident in row["identifiers"]:
            _link_identifier(g, row["customerId"], ident, source)


def _apply_identifiers(g: GraphBuffer, rows: list[Params], source: str) -> None:
    for row in rows:
        _link_identifier(g, row["customerId"], row, source)


def _apply_products(g: GraphBuffer, rows: list[Params], source: str) -> None:
    for row in rows:
        g.merge_node("Product", row["productId"], row["props"], source)
        if row["category"] is None:
            continue
        g.merge_node("Category", row["category"])
        previous = g.category_of.get(row["productId"])
        if previous is not None and previous != row["category"]:
            del g.rels[("IN_CATEGORY", row["productId"], previous, "")]
        g.category_of[row["productId"]] = row["category"]
        g.merge_rel("IN_CATEGORY", ("Product", row["productId"]), ("Category", row["category"]))["source"] = source


def _apply_keyed(label: str, key: str) -> Callable[[GraphBuffer, list[Params], str], None]:
    def apply(g: GraphBuffer, rows: list[Params], source: str) -> None:
        for row in rows:
            g.merge_node(label, row[key], row["props"], source)

    return apply


def _apply_accounts(g: GraphBuffer, rows: list[Params], source: str) -> None:
    for row in rows:
        g.merge_node("SocialAccount", row["accountId"], row["props"], source)
        if row["customerId"] and row["customerId"] in g.nodes["Customer"]:
            g.merge_rel("OWNS", ("Customer", row["customerId"]), ("SocialAccount", row["accountId"]))["source"] = source


def _apply_edges(
    rel_type: str, start: tuple[str, str], end: tuple[str, str], props: tuple[str, ...], disc: str | None = None
) -> Callable[[GraphBuffer, list[Params], str], None]:
    """Edges merged by their end points (and ``disc``); a None value keeps what the edge had, as coalesce does."""

    def apply(g: GraphBuffer, rows: list[Params], source: str) -> None:
        for row in rows:
            key = (row.get(disc) or EPOCH) if disc else ""
            rel = g.merge_rel(rel_type, (start[0], row[start[1]]), (end[0], row[end[1]]), key)
            if disc:
                rel[disc] = key
            rel.update({name: row[name] for name in props if row[name] is not None})
            rel["source"] = source

    return apply


def _apply_purchases(g: GraphBuffer, rows: list[Params], source: str) -> None:
    """As load.merge_purchases: a line is keyed by lineId, a re-send corrects it (also moving it to another pair);
    the PURCHASED aggregates are derived from the final lines when the CSVs are written."""
    g.facts.add_lines(params_table("purchases", rows, source))


def _apply_ratings(g: GraphBuffer, rows: list[Params], source: str) -> None:
    for row in rows:
        rel = g.merge_rel("RATED", ("Customer", row["customerId"]), ("Product", row["productId"]))
        if rel.get("at") is None or row["at"] is None or row["at"] >= rel["at"]:
            rel.update(rating=row["rating"], at=row["at"], source=source)


def _apply_events(g: GraphBuffer, rows: list[Params], source: str) -> list[Params]:
    """As load.merge_events: an event keeps the customer that first sent it (a row naming another is rejected);
    a re-send by the owner corrects it and keeps only the VIA/ABOUT links its row names."""
    refused = g.facts.add_events(params_table("events", rows, source))
    return [
        {"i": rows[i].get("_i"), "reason": f"eventId: {rows[i]['eventId']} belongs to another customer"}
        for i in refused
    ]


APPLY: dict[str, Callable[[GraphBuffer, list[Params], str], list[Params] | None]] = {
    "customers": _apply_customers,
    "identifiers": _apply_identifiers,
    "products": _apply_products,
    "channels": _apply_keyed("Channel", "channelId"),
    "accounts": _apply_accounts,
    "follows": _apply_edges("FOLLOWS", ("SocialAccount", "follower"), ("SocialAccount", "followee"), ("since",)),
    "mentions": _apply_edges(
        "MENTIONED", ("SocialAccount", "accountId"), ("Product", "productId"), ("sentiment",), disc="at"
    ),
    "referrals": _apply_edges("REFERRED", ("Customer", "referrerId"), ("Customer", "referredId"), ("at",)),
    "purchases": _apply_purchases,
    "ratings": _apply_ratings,
    "events": _apply_events,
}


class ImportSink:
    """Collects a whole load in memory (see the module docstring)."""

    def __init__(self) -> None:
        self.graph = GraphBuffer()
        self.fact_paths: set[Path] = set()

    def begin(self, kind: Kind, options: LoadOptions) -> None:
        now = dt.datetime.now(dt.UTC).isoformat()
        node = self.graph.merge_node("DataSource", options.source, {"party": options.party, "lastLoadedAt": now})
        node.setdefault("firstLoadedAt", now)
        kinds = node.setdefault("kinds", [])
        if kind.name not in kinds:
            kinds.append(kind.name)

    def missing(self, label: str, ids: list[str]) -> set[str]:
        known = self.graph.nodes[label]
        return {i for i in ids if i not in known}

    @property
    def facts(self) -> FactStore:
        """The order lines and events (the columnar path adds whole files to them)."""
        return self.graph.facts

    def known(self, label: str) -> pa.Array:
        """The keys of ``label`` loaded so far."""
        return pa.array(list(self.graph.nodes[label]), pa.string())

    def create_placeholders(self, label: str, ids: list[str], source: str) -> None:
        for key in ids:
            self.graph.nodes[label][key] = {KEYS[label]: key, "placeholder": True, "sources": [source]}

    def write(self, kind: Kind, rows: list[Params], source: str) -> list[BatchResult]:
        """Apply one batch at once; rows refused as the online query would refuse them come back by index."""
        for index, row in enumerate(rows):
            row["_i"] = index
        rejected = APPLY[kind.name](self.graph, rows, source) or []
        return [BatchResult(rejected=rejected_by_query([{"rejected": rejected}], len(rows)))]

    def flush(self) -> None:
        return None

    def finish(self, kind: Kind, customer_ids: set[str]) -> None:
        return None

    # ---------------------------------------------------------------------------------- CSV files
    def write_csvs(self, folder: Path) -> tuple[list[str], list[str]]:
        """Write node and relationship CSVs; returns the ``--nodes``/``--relationships`` arguments. The facts
        (order lines, events and what derives from them) are written column-wise (``fact_paths``)."""
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for source in self.facts.sources():
            array_cell([source])  # an event's sources are a list: refused when a name holds the delimiter
        node_args, rel_args = write_fact_csvs(self.facts, folder)
        self.fact_paths = set(import_paths([*node_args, *rel_args]))
        for label, nodes in self.graph.nodes.items():
            if not nodes:
                continue
            path = folder / f"nodes-{label}.csv"
            _write_table(path, list(nodes.values()), id_column=(KEYS[label], label))
            node_args.append(f"--nodes={label}={path}")
        by_type: dict[str, list[tuple[str, str, str, str, Node]]] = defaultdict(list)
        for (rel_type, start, end, _), (start_label, end_label, props) in self.graph.rels.items():
            by_type[rel_type].append((start_label, start, end_label, end, props))
        for rel_type, rels in by_type.items():
            path = folder / f"rels-{rel_type}.csv"
            _write_rels(path, rels)
            rel_args.append(f"--relationships={rel_type}={path}")
        return node_args, rel_args


def _type_of(name: str, values: Iterable[Any]) -> str:
    for value in values:
        if value is None:
            continue
        if isinstance(value, list):
            return "string[]"
        if isinstance(value, bool):
            return "boolean"
        if isinstance(value, int):
            return "long"
        if isinstance(value, float):
            return "double"
        return "datetime" if name in TIMESTAMPS else "string"
    return "string"


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, list):
        return array_cell(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _columns(rows: list[Node], skip: set[str]) -> list[tuple[str, str]]:
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(k for k in row if k not in skip))
    return [(name, _type_of(name, (r.get(name) for r in rows))) for name in names]


def _write_table(path: Path, rows: list[Node], id_column: tuple[str, str]) -> None:
    key, label = id_column
    columns = _columns(rows, {key})
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([f"{key}:ID({label})", *(f"{n}:{t}" for n, t in columns)])
        for row in rows:
            writer.writerow([row[key], *(_cell(row.get(n)) for n, _ in columns)])


def _write_rels(path: Path, rels: list[tuple[str, str, str, str, Node]]) -> None:
    start_label, end_label = rels[0][0], rels[0][2]
    columns = _columns([r[4] for r in rels], set())
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([f":START_ID({start_label})", f":END_ID({end_label})", *(f"{n}:{t}" for n, t in columns)])
        for _, start, _, end, props in rels:
            writer.writerow([start, end, *(_cell(props.get(n)) for n, _ in columns)])


ImportHook = Callable[[Path], None]


def import_files(
    local: LocalNeo4j,
    files: list[tuple[str, Path, LoadOptions]],
    *,
    salt: str,
    database: str = "neo4j",
    replace: bool = False,
    notify: Callable[[str], None] | None = None,
    after_checks: ImportHook | None = None,
    phases: dict[str, float] | None = None,
) -> list[LoadReport]:
    """Validate every file, write and check the import CSVs, stop the server, ``import full``, start it again and
    re-apply the schema. Returns the per-file reports (same counts as an online load).

    Nothing is changed unless the import can only add to nothing: a kind whose references no earlier file of
    ``files`` loads is refused, and so is a non-empty database unless ``replace``. With ``replace`` the database is
    first dumped (``dumps/<database>-<time>.dump``, named through ``notify``); when the import fails the dump is
    loaded back (an empty database is rebuilt empty) and the server started again before the error is raised.
    ``after_checks`` is called with the CSV folder after the checks, before the server stops (tests inject
    faults there). ``phases`` (when given) receives the seconds of each step: reading and validating, writing and
    checking the CSVs, stopping the server (and dumping), ``neo4j-admin``, starting it with the schema."""
    clock = _Phases(phases)
    check_references(files)
    _guard(local, replace)
    sink = ImportSink()
    reports = [Loader(sink, kind, options, salt=salt).load(path) for kind, path, options in files]
    clock.mark("read and validate")
    folder = local.import_dir / "graphengine-import"
    node_args, rel_args = sink.write_csvs(folder)
    for path in import_paths([*node_args, *rel_args]):
        if path in sink.fact_paths:
            check_fact_csv(path)
        else:
            check_import_csvs([path])
    clock.mark("write and check CSVs")
    if after_checks is not None:
        after_checks(folder)
    before = _guard(local, replace)  # again: the graph may have been written to while the files were read
    local.stop()
    local.write_config()
    dump = None if before.empty else _dump(local, database)
    if dump is not None and notify is not None:
        notify(f"the previous database ({before}) was dumped to {dump}")
    clock.mark("stop the server" + (" and dump" if dump else ""))
    try:
        _admin_import(local, database, folder / "import.report", node_args, rel_args)
        clock.mark("neo4j-admin import")
        _start_with_schema(local)
        clock.mark("start and schema")
    except GraphEngineError as exc:
        _restore(local, database, dump, folder, exc)
    return reports


class _Phases:
    """Seconds per step of an import, into ``into`` (nothing is kept when it is None)."""

    def __init__(self, into: dict[str, float] | None) -> None:
        self.into = into
        self.last = time.perf_counter()

    def mark(self, name: str) -> None:
        now = time.perf_counter()
        if self.into is not None:
            self.into[name] = now - self.last
        self.last = now


def _guard(local: LocalNeo4j, replace: bool) -> GraphCounts:
    """What the database holds; refused when it holds anything and ``replace`` is not given."""
    local.start()  # counting needs the server; a no-op when it runs
    with Store(local.settings) as store:
        before = data_counts(store)
    if not before.empty and not replace:
        raise ValidationFailed(
            f"the database holds {before}; --mode import builds a new database from the given files and would "
            "replace them. Nothing was changed. Pass --replace (the database is dumped first and restored if the "
            "import fails), empty it with `graphengine db reset`, or load online (--mode online).",
            details={"nodes": before.nodes, "relationships": before.relationships},
        )
    return before


def _dump(local: LocalNeo4j, database: str) -> Path:
    try:
        return local.dump_database(database)
    except GraphEngineError as exc:
        local.start()
        raise LocalServerError(
            f"the database could not be dumped, so nothing was imported; nothing was changed and the server runs "
            f"again. {exc.message}"
        ) from exc


def _admin_import(local: LocalNeo4j, database: str, report: Path, node_args: list[str], rel_args: list[str]) -> None:
    proc = local.admin(
        "database",
        "import",
        "full",
        database,
        "--overwrite-destination=true",
        "--multiline-fields=true",
        "--skip-bad-relationships=false",
        "--skip-duplicate-nodes=false",
        f"--report-file={report}",
        *node_args,
        *rel_args,
    )
    if proc.returncode != 0:
        raise LocalServerError(f"neo4j-admin import failed: {(proc.stdout + proc.stderr)[-3000:]}")


INDEX_TIMEOUT_S = 3600


def _start_with_schema(local: LocalNeo4j) -> None:
    """Start the server, apply the schema and wait until every index is online (as an online load leaves it)."""
    local.start()
    with Store(local.settings) as store:
        apply_schema(store)
        store.query("store.await_indexes", {"timeoutSeconds": INDEX_TIMEOUT_S})


def _restore(local: LocalNeo4j, database: str, dump: Path | None, folder: Path, failure: GraphEngineError) -> NoReturn:
    """Put the database back as it was before the import (the dump, or an empty database) and start the server."""
    try:
        local.stop()
        if dump is not None:
            local.load_database(dump, database)
            restored = f"the previous database was restored from {dump}"
        else:
            empty = folder / "empty"
            empty.mkdir(exist_ok=True)
            (empty / "nodes.csv").write_text("id:ID(DataSource)\n", encoding="utf-8")
            _admin_import(local, database, empty / "import.report", [f"--nodes=DataSource={empty / 'nodes.csv'}"], [])
            restored = "the database is empty again, as it was before"
        _start_with_schema(local)
    except GraphEngineError as exc:
        where = f"; the previous database is in {dump} (neo4j-admin database load)" if dump else ""
        raise LocalServerError(
            f"{failure.message}\nRestoring failed too{where}: {exc.message}", details={"dump": str(dump or "")}
        ) from failure
    raise LocalServerError(
        f"the import failed, {restored} and the server runs again. The failure: {failure.message}",
        details={"dump": str(dump or ""), **failure.details},
    ) from failure


__all__ = ["GraphBuffer", "ImportSink", "import_files"]
