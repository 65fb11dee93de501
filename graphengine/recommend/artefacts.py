"""Versioned model artefacts under ``GRAPHENGINE_HOME/models/``, with a promoted pointer and rollback.

Layout::

    models/<version>/model.npz    the fitted arrays (``m_*``), ``item_ids`` and the ``popularity`` vector
    models/<version>/meta.json    kind, params, interaction weights, runId, metrics, counts, createdAt
    models/PROMOTED               {"version": …, "history": [earlier promoted versions, newest last]}

A version is ``<UTC time>-<kind>-<8 hex>`` so versions sort by creation time. A version directory is written
under a temporary name and renamed into place, and the pointer is replaced with an atomic rename, so a reader
never sees half a model or half a pointer. :func:`promoted_stamp` (the pointer's inode and mtime) is cheap
enough for a server to check on every request and hot-swap when it changes.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from graphengine.errors import AnalysisError, NotFound
from graphengine.recommend.interactions import InteractionWeights
from graphengine.recommend.models import build
from graphengine.recommend.models.base import Model

POINTER = "PROMOTED"
FORMAT = 1


@dataclass
class ArtefactMeta:
    """What is saved beside the fitted arrays."""

    item_ids: NDArray[np.str_]
    popularity: NDArray[np.float32]
    weights: InteractionWeights
    run_id: str | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Artefact:
    """A loaded model version: the fitted model, its catalogue and the rules it was trained with."""

    version: str
    model: Model
    item_ids: NDArray[np.str_]
    popularity: NDArray[np.float32]
    weights: InteractionWeights
    meta: dict[str, Any]

    @cached_property
    def item_index(self) -> dict[str, int]:
        """Product id → column of the model."""
        return {str(item): i for i, item in enumerate(self.item_ids)}


def models_dir(home: Path) -> Path:
    return Path(home) / "models"


def _version_dir(home: Path, version: str) -> Path:
    if not version or "/" in version or version.startswith("."):
        raise NotFound(f"no model version {version!r}")
    return models_dir(home) / version


def save(model: Model, meta: ArtefactMeta, home: Path) -> str:
    """Write a new version and return its name (the version is not promoted)."""
    if len(meta.item_ids) != model.n_items or len(meta.popularity) != model.n_items:
        raise AnalysisError("item ids and popularity must have one entry per model item")
    version = f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{model.kind}-{uuid.uuid4().hex[:8]}"
    root = models_dir(home)
    staging = root / f".staging-{version}"
    staging.mkdir(parents=True)
    arrays = {f"m_{name}": value for name, value in model.arrays().items()}
    arrays["item_ids"] = np.asarray(meta.item_ids, dtype=str)
    arrays["popularity"] = np.asarray(meta.popularity, dtype=np.float32)
    np.savez(staging / "model.npz", allow_pickle=False, **arrays)
    document = {
        "format": FORMAT,
        "version": version,
        "kind": model.kind,
        "params": model.params,
        "weights": meta.weights.model_dump(),
        "runId": meta.run_id,
        "metrics": meta.metrics,
        "counts": meta.counts,
        "items": int(model.n_items),
        "createdAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **meta.extra,
    }
    (staging / "meta.json").write_text(json.dumps(document, indent=2, sort_keys=True, default=str))
    staging.rename(root / version)
    return version


def read_meta(home: Path, version: str) -> dict[str, Any]:
    path = _version_dir(home, version) / "meta.json"
    try:
        meta: dict[str, Any] = json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise NotFound(f"no model version {version!r}") from exc
    except (OSError, ValueError) as exc:
        raise AnalysisError(f"cannot read model version {version!r}: {exc}") from exc
    return meta


def load(home: Path, version: str) -> Artefact:
    """Load one version (arrays read whole; no pickles)."""
    meta = read_meta(home, version)
    try:
        with np.load(_version_dir(home, version) / "model.npz", allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
    except (OSError, ValueError) as exc:
        raise AnalysisError(f"cannot read model version {version!r}: {exc}") from exc
    model_arrays = {name[2:]: value for name, value in arrays.items() if name.startswith("m_")}
    model_class = type(build(meta["kind"]))
    model = model_class.from_arrays(meta["params"], model_arrays)
    return Artefact(
        version=version,
        model=model,
        item_ids=arrays["item_ids"],
        popularity=arrays["popularity"],
        weights=InteractionWeights(**meta["weights"]),
        meta=meta,
    )


def _pointer(home: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads((models_dir(home) / POINTER).read_text())
    except FileNotFoundError:
        return {"version": None, "history": []}
    except (OSError, ValueError) as exc:
        raise AnalysisError(f"cannot read the promoted-model pointer: {exc}") from exc
    return data


def _write_pointer(home: Path, data: Mapping[str, Any]) -> None:
    root = models_dir(home)
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f".{POINTER}.{uuid.uuid4().hex}"
    staging.write_text(json.dumps(dict(data), indent=2))
    os.replace(staging, root / POINTER)


def promoted(home: Path) -> str | None:
    """The promoted version, or None."""
    version = _pointer(home).get("version")
    return str(version) if version else None


def promoted_stamp(home: Path) -> tuple[int, int] | None:
    """``(inode, mtime_ns)`` of the pointer file — changes whenever a version is promoted or rolled back."""
    try:
        info = (models_dir(home) / POINTER).stat()
    except FileNotFoundError:
        return None
    return info.st_ino, info.st_mtime_ns


def promote(home: Path, version: str) -> str:
    """Make ``version`` the served model; the previous one is remembered for :func:`rollback`."""
    read_meta(home, version)
    data = _pointer(home)
    current = data.get("version")
    history = [v for v in data.get("history", []) if v != version]
    if current and current != version:
        history.append(current)
    _write_pointer(home, {"version": version, "history": history})
    return version


def rollback(home: Path) -> str:
    """Promote the previously promoted version again (and forget the current one); returns it."""
    data = _pointer(home)
    history = list(data.get("history", []))
    while history:
        previous = history.pop()
        if (_version_dir(home, previous) / "meta.json").exists():
            _write_pointer(home, {"version": previous, "history": history})
            return str(previous)
    raise NotFound("no previously promoted model to roll back to")


def list_versions(home: Path) -> list[dict[str, Any]]:
    """Every saved version, oldest first, with its kind, runId, metrics and whether it is promoted."""
    root = models_dir(home)
    current = promoted(home)
    rows = []
    for path in sorted(root.iterdir()) if root.is_dir() else []:
        if path.name.startswith(".") or not (path / "meta.json").is_file():
            continue
        meta = read_meta(home, path.name)
        rows.append(
            {
                "version": path.name,
                "kind": meta.get("kind"),
                "createdAt": meta.get("createdAt"),
                "runId": meta.get("runId"),
                "items": meta.get("items"),
                "metrics": meta.get("metrics", {}),
                "promoted": path.name == current,
            }
        )
    return rows


__all__ = [
    "Artefact",
    "ArtefactMeta",
    "list_versions",
    "load",
    "models_dir",
    "promote",
    "promoted",
    "promoted_stamp",
    "rollback",
    "save",
]
