"""The offline import path builds the same graph as the online path from the same files."""

from __future__ import annotations

from pathlib import Path

from graphengine.config import Settings
from graphengine.demo import DemoSpec, generate_demo
from graphengine.demo.runner import demo_plan
from graphengine.load import load_file
from graphengine.load.bulk_import import import_files
from graphengine.store import LocalNeo4j, Store

SNAPSHOT = """
CALL () {
  MATCH (n) WHERE NOT n:SchemaVersion AND NOT n:DataSource
  RETURN labels(n)[0] + ' ' + apoc.convert.toSortedJsonMap(apoc.map.removeKey(properties(n), "sources"), false)
         + ' ' + apoc.convert.toJson(coalesce(n.sources, [])) AS item
  UNION ALL
  MATCH (a)-[r]->(b)
  RETURN type(r) + ' ' + apoc.convert.toSortedJsonMap(properties(a), false)
         + ' -> ' + apoc.convert.toSortedJsonMap(properties(b), false)
         + ' ' + apoc.convert.toSortedJsonMap(properties(r), false) AS item
  UNION ALL
  MATCH (s:DataSource) RETURN 'DataSource ' + s.name + ' ' + s.party + ' ' + apoc.convert.toJson(s.kinds) AS item
}
RETURN item ORDER BY item
"""


def _snapshot(store: Store) -> list[str]:
    return [r["item"] for r in store.run_text(SNAPSHOT)]


def test_import_path_equals_online_path(store: Store, settings: Settings, tmp_path: Path) -> None:
    generate_demo(tmp_path / "data", DemoSpec(customers=150, seed=5))
    salt = settings.hash_salt.get_secret_value()
    plan = demo_plan(tmp_path / "data", out_dir=tmp_path / "online")
    online_reports = [load_file(store, kind, path, options, salt=salt) for kind, path, options in plan]
    online = _snapshot(store)
    assert len(online) > 2000

    store.clear()
    local = LocalNeo4j(settings)
    plan = demo_plan(tmp_path / "data", out_dir=tmp_path / "import")
    import_reports = import_files(local, plan, salt=salt)
    store.verify()
    imported = _snapshot(store)

    assert [(r.rows_read, r.loaded, r.quarantined, r.duplicates) for r in import_reports] == [
        (r.rows_read, r.loaded, r.quarantined, r.duplicates) for r in online_reports
    ]
    missing, extra = sorted(set(online) - set(imported)), sorted(set(imported) - set(online))
    assert not missing and not extra, "\n".join(["MISSING", *missing[:4], "EXTRA", *extra[:4]])
    assert imported == online
    constraints = store.query("schema.list_constraints")
    assert any(c["name"] == "customer_id" for c in constraints), "the schema is re-applied after the import"
