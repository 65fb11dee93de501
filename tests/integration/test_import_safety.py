"""`--mode import` cannot destroy data: refusals up front, checks before the server stops, dump and restore."""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import pytest

from graphengine.config import Settings
from graphengine.demo import DemoSpec, generate_demo
from graphengine.errors import LocalServerError, ValidationFailed
from graphengine.load import LoadOptions, load_file
from graphengine.load.bulk_import import ImportSink, import_files
from graphengine.store import LocalNeo4j, Store
from graphengine.store.reset import GraphCounts, data_counts
from tests.integration._cli import run_graphengine
from tests.integration._files import write_csv

OLD_CUSTOMERS = [{"customerId": f"C{i}", "name": f"old {i}", "signupAt": "2024-01-01T10:00:00Z"} for i in (1, 2, 3)]
NEW_CUSTOMERS = [{"customerId": f"N{i}", "name": f"new {i}", "signupAt": "2025-01-01T10:00:00Z"} for i in (1, 2)]
PRODUCTS = [{"productId": "P1", "name": "boot", "category": "shoes"}, {"productId": "P2", "name": "sock"}]


def _ids(store: Store) -> list[str]:
    return [r["id"] for r in store.run_text("MATCH (c:Customer) RETURN c.customerId AS id ORDER BY id")]


def _old_graph(store: Store, settings: Settings, folder: Path) -> GraphCounts:
    """3 customers, 2 products, a category and a data source, loaded online."""
    options = LoadOptions(source="shop", out_dir=folder / "online")
    salt = settings.hash_salt.get_secret_value()
    load_file(store, "customers", write_csv(folder / "old-customers.csv", OLD_CUSTOMERS), options, salt=salt)
    load_file(store, "products", write_csv(folder / "products.csv", PRODUCTS), options, salt=salt)
    counts = data_counts(store)
    assert counts == GraphCounts(nodes=3 + 2 + 1 + 1, relationships=1)
    return counts


def _new_plan(folder: Path) -> list[tuple[str, Path, LoadOptions]]:
    options = LoadOptions(source="crm", out_dir=folder / "import")
    return [("customers", write_csv(folder / "new-customers.csv", NEW_CUSTOMERS), options)]


def _duplicate_a_customer(folder: Path) -> None:
    """A fault the checks let through and neo4j-admin rejects: the same node id twice."""
    path = folder / "nodes-Customer.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        header, first = list(csv.reader(handle))[:2]
    with path.open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow([first[0], *([""] * (len(header) - 1))])


def _said(result: subprocess.CompletedProcess[str]) -> str:
    """What the command wrote to stderr, with the console's line wrapping undone."""
    return " ".join(result.stderr.split())


def _constraints(store: Store) -> set[str]:
    return {r["name"] for r in store.query("schema.list_constraints")}


def test_import_refuses_a_non_empty_database(store: Store, settings: Settings, tmp_path: Path) -> None:
    before = _old_graph(store, settings, tmp_path)
    pid = LocalNeo4j(settings).pid()
    new = write_csv(tmp_path / "new-customers.csv", NEW_CUSTOMERS)
    result = run_graphengine(settings, "load", "customers", str(new), "--source", "crm", "--mode", "import")
    assert result.returncode == 6, result.stderr
    assert "holds 7 nodes and 1 relationships" in _said(result) and "--replace" in _said(result)
    assert "Nothing was changed" in _said(result) and "Traceback" not in result.stderr
    assert LocalNeo4j(settings).pid() == pid, "the server was not stopped"
    assert data_counts(store) == before
    assert _ids(store) == ["C1", "C2", "C3"]


def test_replace_dumps_the_old_database_then_replaces_it(store: Store, settings: Settings, tmp_path: Path) -> None:
    _old_graph(store, settings, tmp_path)
    new = write_csv(tmp_path / "new-customers.csv", NEW_CUSTOMERS)
    result = run_graphengine(
        settings, "load", "customers", str(new), "--source", "crm", "--mode", "import", "--replace"
    )
    assert result.returncode == 0, result.stderr
    steps = " ".join(result.stderr.split())
    assert re.search(r"import steps: read and validate [0-9.]+ s, .*neo4j-admin import [0-9.]+ s", steps), steps
    found = re.search(r"dumped to (\S+\.dump)", result.stderr.replace("\n", ""))  # a path is wrapped unspaced
    assert found, result.stderr
    dump = Path(found.group(1))
    assert dump.is_file() and dump.stat().st_size > 0
    assert dump.parent == LocalNeo4j(settings).dumps_dir
    store.verify()
    assert _ids(store) == ["N1", "N2"]
    assert data_counts(store) == GraphCounts(nodes=2 + 1, relationships=0)  # + the crm DataSource
    assert "customer_id" in _constraints(store)
    dump.unlink()  # a user keeps these; the test instance need not


def test_a_failed_import_restores_the_previous_database(store: Store, settings: Settings, tmp_path: Path) -> None:
    before = _old_graph(store, settings, tmp_path)
    constraints = _constraints(store)
    local = LocalNeo4j(settings)
    dumps = set(local.dumps_dir.glob("*.dump"))
    salt = settings.hash_salt.get_secret_value()
    with pytest.raises(LocalServerError, match="the previous database was restored from") as caught:
        import_files(local, _new_plan(tmp_path), salt=salt, replace=True, after_checks=_duplicate_a_customer)
    assert "neo4j-admin import failed" in caught.value.message
    assert local.status().running
    store.verify()
    assert data_counts(store) == before
    assert _ids(store) == ["C1", "C2", "C3"]
    assert _constraints(store) == constraints
    kept = set(local.dumps_dir.glob("*.dump")) - dumps
    assert len(kept) == 1, "the dump is kept"
    kept.pop().unlink()


def test_a_failed_import_into_an_empty_database_leaves_it_empty_and_running(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    local = LocalNeo4j(settings)
    dumps = set(local.dumps_dir.glob("*.dump"))
    salt = settings.hash_salt.get_secret_value()
    with pytest.raises(LocalServerError, match="the database is empty again"):
        import_files(local, _new_plan(tmp_path), salt=salt, after_checks=_duplicate_a_customer)
    assert local.status().running
    store.verify()
    assert data_counts(store) == GraphCounts(0, 0)
    assert "customer_id" in _constraints(store)
    assert set(local.dumps_dir.glob("*.dump")) == dumps, "an empty database needs no dump"


def test_a_non_finite_price_is_refused_before_the_server_stops(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    local = LocalNeo4j(settings)
    pid = local.pid()
    products = write_csv(tmp_path / "products.csv", [*PRODUCTS, {"productId": "P3", "price": "1e309"}])
    plan = [("products", products, LoadOptions(source="shop", out_dir=tmp_path / "out"))]
    salt = settings.hash_salt.get_secret_value()
    try:
        reports = import_files(local, plan, salt=salt)
    except ValidationFailed as exc:  # the value reached the import CSV: refused there
        assert "nodes-Product.csv" in exc.message and "'inf' is not a finite number" in exc.message
        assert local.pid() == pid, "the server was not stopped"
        assert data_counts(store) == GraphCounts(0, 0)
    else:  # the reader already refused the value: that row is quarantined, no infinite price is stored
        assert reports[0].quarantined == 1
        assert store.run_text("MATCH (p:Product) WHERE p.price > 1e308 RETURN count(p) AS n") == [{"n": 0}]


def test_purchases_alone_are_refused_up_front(store: Store, settings: Settings, tmp_path: Path) -> None:
    pid = LocalNeo4j(settings).pid()
    purchases = write_csv(
        tmp_path / "purchases.csv",
        [{"orderId": "O1", "customerId": "C1", "productId": "P1", "amount": 10, "at": "2024-02-01T10:00:00Z"}],
    )
    out_dir = tmp_path / "out"
    result = run_graphengine(
        settings, "load", "purchases", str(purchases), "--source", "shop", "--mode", "import", "--out-dir", str(out_dir)
    )
    assert result.returncode == 6, result.stderr
    assert "purchases (purchases.csv) needs customers and products" in _said(result)
    assert not out_dir.exists(), "refused before any row was read, nothing quarantined"
    assert LocalNeo4j(settings).pid() == pid
    assert data_counts(store) == GraphCounts(0, 0)


def test_awkward_text_round_trips_through_the_import(store: Store, settings: Settings, tmp_path: Path) -> None:
    name = 'the "best", boot\nsecond line; C:\\path\\ \u00e9\u4e2d'
    products = write_csv(tmp_path / "products.csv", [{"productId": "P1", "name": name, "brand": "a,\r\nb\r"}])
    plan = [("products", products, LoadOptions(source="shop", out_dir=tmp_path / "out"))]
    salt = settings.hash_salt.get_secret_value()
    read = "MATCH (p:Product) RETURN p.name AS name, p.brand AS brand"
    load_file(store, *plan[0], salt=salt)
    online = store.run_text(read)
    assert online[0]["name"] == name
    store.clear()
    import_files(LocalNeo4j(settings), plan, salt=salt)
    store.verify()
    assert store.run_text(read) == online


def test_demo_import_needs_an_empty_graph_and_fresh_empties_it(
    store: Store, settings: Settings, tmp_path: Path
) -> None:
    generate_demo(tmp_path / "data", DemoSpec(customers=100, seed=3))
    before = _old_graph(store, settings, tmp_path)
    args = ("demo", "load", str(tmp_path / "data"), "--mode", "import", "--out-dir", str(tmp_path / "out"))
    refused = run_graphengine(settings, *args)
    assert refused.returncode == 6, refused.stderr
    assert data_counts(store) == before

    dumps = set(LocalNeo4j(settings).dumps_dir.glob("*.dump"))
    fresh = run_graphengine(settings, *args, "--fresh")
    assert fresh.returncode == 0, fresh.stderr
    assert "--fresh: deleted 7 nodes and 1 relationships" in _said(fresh)
    assert set(LocalNeo4j(settings).dumps_dir.glob("*.dump")) == dumps, "imported into an empty graph: no dump"
    store.verify()
    assert "C1" not in _ids(store) and len(_ids(store)) >= 95


def test_a_bad_import_csv_is_refused_before_the_dump_and_the_stop(
    store: Store, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the readers let through, a non-finite number in an import CSV stops the import while the server
    runs: here the sink's CSV writer is wrapped to put 'inf' where the rows had a price."""
    before = _old_graph(store, settings, tmp_path)
    local = LocalNeo4j(settings)
    pid, dumps = local.pid(), set(local.dumps_dir.glob("*.dump"))
    write_csvs = ImportSink.write_csvs

    def with_infinite_price(sink: ImportSink, folder: Path) -> tuple[list[str], list[str]]:
        args = write_csvs(sink, folder)
        path = folder / "nodes-Product.csv"
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        column = rows[0].index("price:double")
        rows[1][column] = "inf"
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
        return args

    monkeypatch.setattr(ImportSink, "write_csvs", with_infinite_price)
    products = write_csv(tmp_path / "new-products.csv", [{"productId": "Q1", "price": "2.5"}])
    plan = [("products", products, LoadOptions(source="erp", out_dir=tmp_path / "import"))]
    with pytest.raises(ValidationFailed, match=r"nodes-Product.csv, record 1 \('Q1'\), column price: 'inf'"):
        import_files(local, plan, salt=settings.hash_salt.get_secret_value(), replace=True)
    assert local.pid() == pid, "the server was not stopped"
    assert set(local.dumps_dir.glob("*.dump")) == dumps, "nothing was dumped"
    assert data_counts(store) == before
    assert _ids(store) == ["C1", "C2", "C3"]
