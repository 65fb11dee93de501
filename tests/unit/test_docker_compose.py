"""docker-compose.yml cannot run here (no Docker engine); check its shape instead."""

from pathlib import Path

import yaml

from graphengine.config import PROJECT_ROOT


def _compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())


def test_neo4j_service_is_526_with_apoc_and_gds_and_a_healthcheck() -> None:
    neo4j = _compose()["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert "apoc" in neo4j["environment"]["NEO4J_PLUGINS"]
    assert "graph-data-science" in neo4j["environment"]["NEO4J_PLUGINS"]
    assert "apoc.*" in neo4j["environment"]["NEO4J_dbms_security_procedures_unrestricted"]
    assert {"127.0.0.1:7474:7474", "127.0.0.1:7687:7687"} <= set(neo4j["ports"])
    assert "test" in neo4j["healthcheck"]


def test_api_waits_for_a_healthy_neo4j_and_points_at_it() -> None:
    api = _compose()["services"]["api"]
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert api["environment"]["GRAPHENGINE_NEO4J_URI"] == "bolt://neo4j:7687"
    assert (Path(PROJECT_ROOT) / api["build"] / "Dockerfile").exists()
