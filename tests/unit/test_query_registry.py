from pathlib import Path

import pytest

from graphengine.errors import NotFound
from graphengine.store.queries import QueryRegistry, default_registry, parse_query


def test_every_query_declares_its_params_and_returns() -> None:
    registry = default_registry()
    assert len(registry) > 0
    for query in registry:
        first = query.text.lstrip().splitlines()[0]
        assert first.startswith("// params:"), f"{query.path} must open with a // params: line"
        assert query.returns, f"{query.path} has no // returns: line"
        assert set(query.declared_params) == set(query.used_params), (
            f"{query.name}: declared {sorted(query.declared_params)} but uses {sorted(query.used_params)}"
        )


def test_names_follow_area_dot_stem() -> None:
    registry = default_registry()
    for name in registry.names():
        area, stem = name.split(".")
        assert (registry.root / area / f"{stem}.cypher").exists()
        assert "_" in stem, f"{name}: files are named <verb>_<noun>"


def test_unknown_query_is_not_found() -> None:
    with pytest.raises(NotFound):
        default_registry()["store.no_such_query"]


def test_parse_and_registry_on_a_temporary_tree(tmp_path: Path) -> None:
    area = tmp_path / "demo"
    area.mkdir()
    (area / "get_thing.cypher").write_text(
        "// params: $id, $limit\n// returns: name\n// requires: apoc\n"
        "MATCH (n {id: $id}) // not $ignored in the header\nRETURN n.name AS name LIMIT $limit\n"
    )
    registry = QueryRegistry(tmp_path)
    query = registry["demo.get_thing"]
    assert query.declared_params == ("id", "limit")
    assert query.requires == ("apoc",)
    assert "demo.get_thing" in registry
    assert parse_query("x", area / "get_thing.cypher").returns == "name"
