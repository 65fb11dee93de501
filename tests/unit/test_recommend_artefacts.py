"""Model artefacts: save and load, promote, rollback, the pointer stamp, listing."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from graphengine.errors import NotFound
from graphengine.recommend import artefacts
from graphengine.recommend.interactions import InteractionWeights
from graphengine.recommend.models import build, item_popularity

X = sp.csr_matrix(np.array([[1, 1, 0, 0], [1, 0, 1, 0], [0, 1, 1, 1]], dtype=np.float32))
ITEMS = np.array(["p1", "p2", "p3", "p4"])


def _save(home: Path, kind: str = "ease", **params: object) -> str:
    model = build(kind, params).fit(X)
    meta = artefacts.ArtefactMeta(
        item_ids=ITEMS, popularity=item_popularity(X), weights=InteractionWeights(view=0.1), run_id="run-1"
    )
    return artefacts.save(model, meta, home)


def test_save_and_load_give_the_same_scores_and_catalogue(tmp_path: Path) -> None:
    version = _save(tmp_path, "ease", lam=1.0)
    started = time.perf_counter()
    loaded = artefacts.load(tmp_path, version)
    assert time.perf_counter() - started < 0.5
    assert loaded.model.kind == "ease" and loaded.model.params["lam"] == 1.0
    assert loaded.item_ids.tolist() == ITEMS.tolist() and loaded.item_index == {"p1": 0, "p2": 1, "p3": 2, "p4": 3}
    assert loaded.popularity.tolist() == [2, 2, 2, 1]
    assert loaded.weights == InteractionWeights(view=0.1)
    assert loaded.meta["runId"] == "run-1"
    expected = build("ease", {"lam": 1.0}).fit(X).scores(X)
    assert loaded.model.scores(X).tolist() == expected.tolist()
    assert not any(p.name.startswith(".") for p in artefacts.models_dir(tmp_path).iterdir())


def test_promote_rollback_and_the_stamp(tmp_path: Path) -> None:
    assert artefacts.promoted(tmp_path) is None and artefacts.promoted_stamp(tmp_path) is None
    first, second, third = _save(tmp_path), _save(tmp_path, "itemknn"), _save(tmp_path, "popularity")
    artefacts.promote(tmp_path, first)
    stamp = artefacts.promoted_stamp(tmp_path)
    artefacts.promote(tmp_path, second)
    assert artefacts.promoted(tmp_path) == second and artefacts.promoted_stamp(tmp_path) != stamp
    artefacts.promote(tmp_path, third)
    assert artefacts.rollback(tmp_path) == second
    assert artefacts.rollback(tmp_path) == first
    with pytest.raises(NotFound):
        artefacts.rollback(tmp_path)
    assert artefacts.promoted(tmp_path) == first
    listed = artefacts.list_versions(tmp_path)
    assert [row["version"] for row in listed] == sorted([first, second, third])
    assert [row["promoted"] for row in listed].count(True) == 1
    assert {row["kind"] for row in listed} == {"ease", "itemknn", "popularity"}


def test_unknown_versions_are_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        artefacts.promote(tmp_path, "nope")
    with pytest.raises(NotFound):
        artefacts.load(tmp_path, "../etc")
    assert artefacts.list_versions(tmp_path) == []
