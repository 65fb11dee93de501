"""The plugins directory Neo4j scans for procedures: links to the few plugin jars that declare any.

At every start Neo4j loads every class of every jar in its plugins directory to look for procedures and functions.
GDS ships ~130 jars of which about a dozen declare procedures, so that scan costs ~10 s per start. All plugin jars
stay on the server's classpath (extensions, dependencies); the directory the server scans holds symbolic links to
the jars whose classes carry a procedure, function or aggregation annotation. The selection is cached per set of
jars, so it is computed once after an install.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

ANNOTATIONS = tuple(
    f"Lorg/neo4j/procedure/{name};".encode()
    for name in ("Procedure", "UserFunction", "UserAggregationFunction", "Context")
)
MANIFEST = "selection.json"


def declares_procedures(jar: Path) -> bool:
    """Whether any class file of ``jar`` refers to a Neo4j procedure annotation."""
    with zipfile.ZipFile(jar) as archive:
        for name in archive.namelist():
            if name.endswith(".class") and any(mark in archive.read(name) for mark in ANNOTATIONS):
                return True
    return False


def procedure_plugins_dir(plugins: Path, target: Path) -> Path:
    """``target`` holding links to the procedure-declaring jars of ``plugins`` (rebuilt when the jars change)."""
    jars = sorted(plugins.glob("*.jar"))
    key = [[jar.name, jar.stat().st_size] for jar in jars]
    manifest = target / MANIFEST
    if manifest.exists() and json.loads(manifest.read_text()).get("jars") == key:
        return target
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.jar"):
        old.unlink()
    selected = [jar for jar in jars if declares_procedures(jar)]
    for jar in selected:
        (target / jar.name).symlink_to(jar.resolve())
    manifest.write_text(json.dumps({"jars": key, "selected": [jar.name for jar in selected]}))
    return target


__all__ = ["declares_procedures", "procedure_plugins_dir"]
