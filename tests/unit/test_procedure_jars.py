"""The server scans only the plugin jars that declare procedures; the selection is cached per set of jars."""

from pathlib import Path

from graphengine.store.procedure_jars import declares_procedures, procedure_plugins_dir
from tests.archives import write_zip


def test_only_jars_with_procedure_annotations_are_linked(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    proc = write_zip(plugins / "proc.jar", {"a/P.class": b"\xca\xfe...Lorg/neo4j/procedure/UserFunction;..."})
    write_zip(
        plugins / "dep.jar", {"b/D.class": b"\xca\xfe...Lorg/neo4j/graphdb/Node;...", "META-INF/MANIFEST.MF": b""}
    )
    write_zip(plugins / "text.jar", {"notes.txt": b"Lorg/neo4j/procedure/Procedure;"})  # not a class file
    assert declares_procedures(proc)

    target = procedure_plugins_dir(plugins, tmp_path / "scan")
    assert sorted(p.name for p in target.glob("*.jar")) == ["proc.jar"]
    assert (target / "proc.jar").resolve() == proc.resolve()

    write_zip(plugins / "proc2.jar", {"c/Q.class": b"Lorg/neo4j/procedure/Procedure;"})  # a new jar: selected again
    assert sorted(p.name for p in procedure_plugins_dir(plugins, target).glob("*.jar")) == ["proc.jar", "proc2.jar"]
    (plugins / "proc.jar").unlink()
    assert sorted(p.name for p in procedure_plugins_dir(plugins, target).glob("*.jar")) == ["proc2.jar"]
