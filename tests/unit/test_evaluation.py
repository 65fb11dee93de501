"""Evaluation: metrics (hand-computed and against scikit-learn), splits, the harness, the data set readers."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import average_precision_score, ndcg_score, roc_auc_score

from graphengine import wheels
from graphengine.errors import AnalysisError
from graphengine.recommend import datasets
from graphengine.recommend.link_evaluation import evaluate_link_prediction
from graphengine.recommend.log import InteractionLog, csr_from_pairs
from graphengine.recommend.metrics import (
    auc_score,
    average_precision_at_k,
    catalogue_coverage,
    hits_at_k,
    ndcg_at_k,
    ranking_metrics,
)
from graphengine.recommend.splits import (
    exclude_unknowns,
    random_split,
    sample_non_edges,
    split_edges,
    temporal_split,
)
from tests.archives import write_zip

# --- metrics ------------------------------------------------------------------------------------


def _relevant(rows: list[list[int]], n_items: int) -> sp.csr_array:
    r = np.array([u for u, items in enumerate(rows) for _ in items], dtype=np.int64)
    c = np.array([i for items in rows for i in items], dtype=np.int64)
    return csr_from_pairs(r, c, (len(rows), n_items))


def test_metrics_on_a_hand_computed_example() -> None:
    # user 0: recommended [3, 1, 7], relevant {1, 2}: one hit at rank 2
    # user 1: recommended [5, -1, -1] (padded), relevant {5}: a hit at rank 1
    recs = np.array([[3, 1, 7], [5, -1, -1]])
    relevant = _relevant([[1, 2], [5]], 10)
    m = ranking_metrics(recs, relevant, np.array([0, 1]))
    assert m["precision"] == pytest.approx((1 / 3 + 1 / 3) / 2)
    assert m["recall"] == pytest.approx((1 / 2 + 1) / 2)
    assert m["hit_rate"] == pytest.approx(1.0)
    ndcg_user0 = (1 / math.log2(3)) / (1 + 1 / math.log2(3))
    assert m["ndcg"] == pytest.approx((ndcg_user0 + 1.0) / 2)
    # AP@3: user 0 = (1/2)/min(3, 2); user 1 = 1/1
    assert m["map"] == pytest.approx((0.25 + 1.0) / 2)
    assert m["coverage"] == pytest.approx(4 / 10)


def test_padding_never_counts_as_a_hit() -> None:
    # -1 must not collide with item n_items-1 of the previous user
    relevant = _relevant([[4], [0]], 5)
    hits, n_relevant = hits_at_k(np.array([[-1, -1], [-1, -1]]), relevant, np.array([0, 1]))
    assert not hits.any()
    assert n_relevant.tolist() == [1, 1]


def test_evaluating_a_user_without_relevant_items_is_an_error() -> None:
    with pytest.raises(AnalysisError):
        ranking_metrics(np.array([[0]]), _relevant([[]], 3), np.array([0]))


def _random_ranking_case(seed: int, n_users: int = 12, n_items: int = 30) -> tuple[Any, Any, Any]:
    rng = np.random.default_rng(seed)
    scores = rng.random((n_users, n_items))
    truth = (rng.random((n_users, n_items)) < 0.2).astype(int)
    truth[np.arange(n_users), rng.integers(0, n_items, n_users)] = 1  # at least one relevant item each
    return scores, truth, np.argsort(-scores, axis=1)


@pytest.mark.parametrize("k", [1, 5, 10, 30])
def test_ndcg_matches_scikit_learn_for_binary_relevance(k: int) -> None:
    scores, truth, order = _random_ranking_case(seed=k)
    relevant = sp.csr_array(truth.astype(float))
    hits, n_relevant = hits_at_k(order[:, :k], relevant, np.arange(len(truth)))
    assert ndcg_at_k(hits, n_relevant).mean() == pytest.approx(ndcg_score(truth, scores, k=k))


def test_map_over_the_full_ranking_matches_scikit_learn_average_precision() -> None:
    scores, truth, order = _random_ranking_case(seed=3)
    relevant = sp.csr_array(truth.astype(float))
    hits, n_relevant = hits_at_k(order, relevant, np.arange(len(truth)))
    ours = average_precision_at_k(hits, n_relevant)
    expected = [average_precision_score(truth[u], scores[u]) for u in range(len(truth))]
    assert ours == pytest.approx(expected)


def test_auc_matches_scikit_learn_with_ties() -> None:
    rng = np.random.default_rng(5)
    pos, neg = rng.integers(0, 4, 50).astype(float), rng.integers(0, 3, 80).astype(float)
    labels = np.r_[np.ones(50), np.zeros(80)]
    assert auc_score(pos, neg) == pytest.approx(roc_auc_score(labels, np.r_[pos, neg]))
    assert auc_score(np.array([1.0]), np.array([1.0])) == 0.5
    with pytest.raises(AnalysisError):
        auc_score(np.array([]), np.array([1.0]))


def test_coverage_needs_a_catalogue() -> None:
    assert catalogue_coverage(np.array([[0, 1], [1, -1]]), 4) == 0.5
    with pytest.raises(AnalysisError):
        catalogue_coverage(np.array([[0]]), 0)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_users=st.integers(1, 8),
    n_items=st.integers(1, 15),
    k=st.integers(1, 20),
)
def test_every_metric_lies_in_the_unit_interval(seed: int, n_users: int, n_items: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    truth = rng.random((n_users, n_items)) < 0.3
    truth[np.arange(n_users), rng.integers(0, n_items, n_users)] = True
    recs = np.full((n_users, k), -1, dtype=np.int64)
    for u in range(n_users):
        chosen = rng.permutation(n_items)[: rng.integers(0, min(k, n_items) + 1)]
        recs[u, : len(chosen)] = chosen
    result = ranking_metrics(recs, sp.csr_array(truth.astype(float)), np.arange(n_users))
    for name, value in result.items():
        assert 0.0 <= value <= 1.0 + 1e-12, name


# --- splits -------------------------------------------------------------------------------------


def _interactions(n_users: int, n_items: int, n_rows: int, seed: int) -> InteractionLog:
    rng = np.random.default_rng(seed)
    return InteractionLog(
        users=rng.integers(0, n_users, n_rows),
        items=rng.integers(0, n_items, n_rows),
        ratings=np.arange(n_rows, dtype=np.float64),  # a unique id per row, to check completeness
        timestamps=rng.integers(0, 50, n_rows),
        n_users=n_users,
        n_items=n_items,
    )


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 1000),
    n_rows=st.integers(0, 200),
    fraction=st.floats(0.05, 0.95),
    per_user=st.booleans(),
    temporal=st.booleans(),
)
def test_splits_are_disjoint_complete_and_reproducible(
    seed: int, n_rows: int, fraction: float, per_user: bool, temporal: bool
) -> None:
    data = _interactions(6, 9, n_rows, seed)
    split = temporal_split if temporal else random_split
    train, test = split(data, fraction, seed=seed, per_user=per_user)
    ids = np.sort(np.r_[train.ratings, test.ratings])
    assert ids.tolist() == list(range(n_rows))  # complete, and disjoint since ids are unique
    again_train, _ = split(data, fraction, seed=seed, per_user=per_user)
    assert np.array_equal(again_train.ratings, train.ratings)
    if per_user:
        counts = np.bincount(data.users, minlength=6)
        assert np.array_equal(np.bincount(test.users, minlength=6), np.floor(fraction * counts).astype(int))
    else:
        assert len(test) == round(fraction * n_rows)
    if temporal and len(test) and len(train):
        assert test.timestamps is not None and train.timestamps is not None
        if per_user:
            for u in np.unique(test.users):
                if np.any(train.users == u):
                    assert test.timestamps[test.users == u].min() >= train.timestamps[train.users == u].max()
        else:
            assert test.timestamps.min() >= train.timestamps.max()


def test_split_arguments_are_checked() -> None:
    data = _interactions(3, 3, 10, 0)
    with pytest.raises(AnalysisError):
        random_split(data, 1.0)
    no_time = InteractionLog(data.users, data.items, data.ratings, None, 3, 3)
    with pytest.raises(AnalysisError):
        temporal_split(no_time)


def test_exclude_unknowns_drops_cold_users_and_items() -> None:
    train = InteractionLog(np.array([0, 1]), np.array([0, 1]), np.ones(2), None, 3, 3)
    test = InteractionLog(np.array([0, 2, 1]), np.array([1, 0, 2]), np.ones(3), None, 3, 3)
    kept = exclude_unknowns(train, test)
    assert list(zip(kept.users.tolist(), kept.items.tolist(), strict=True)) == [(0, 1)]


def test_edge_split_and_non_edge_sampling() -> None:
    graph = nx.karate_club_graph()
    s = np.array([u for u, _ in graph.edges()], dtype=np.int64)
    t = np.array([v for _, v in graph.edges()], dtype=np.int64)
    (train_s, _), (test_s, _) = split_edges(s, t, 0.1, seed=1)
    assert len(test_s) == 8 and len(train_s) == 70
    a, b = sample_non_edges(s, t, 34, 200, seed=2)
    assert len(set(zip(a.tolist(), b.tolist(), strict=True))) == 200
    assert np.all(a < b)
    assert not any(graph.has_edge(int(x), int(y)) for x, y in zip(a, b, strict=True))
    with pytest.raises(AnalysisError):
        sample_non_edges(s, t, 34, 34 * 33 // 2, seed=2)


# --- link prediction ---------------------------------------------------------------------------


def test_link_prediction_auc_on_karate() -> None:
    graph = nx.karate_club_graph()
    s = np.array([u for u, _ in graph.edges()], dtype=np.int64)
    t = np.array([v for _, v in graph.edges()], dtype=np.int64)
    result = evaluate_link_prediction(s, t, 34, repeats=3, seed=4)
    assert set(result["auc"]) == {"cn", "aa", "ra", "jaccard", "pa", "random"}
    assert result["auc"]["aa"] > 0.6
    assert json.loads(json.dumps(result)) == result


# --- data set readers ---------------------------------------------------------------------------

INTER = "user_id:token\titem_id:token\trating:float\ttimestamp:float\n7\t50\t5\t100\n7\t51\t3\t101\n9\t50\t4\t99\n"


def test_movielens_reader_uses_the_cached_wheel(tmp_path: Path) -> None:
    write_zip(tmp_path / "recbole-1.2.1-py3-none-any.whl", {datasets.ML100K_MEMBER: INTER.encode()})
    data = datasets.load_movielens_100k(tmp_path)  # found in the cache: no download
    assert (len(data), data.n_users, data.n_items) == (3, 2, 2)
    assert data.user_ids == ("7", "9") and data.item_ids == ("50", "51")
    assert data.ratings.tolist() == [5.0, 3.0, 4.0]
    assert data.timestamps is not None and data.timestamps.tolist() == [100, 101, 99]
    assert data.positives(4).to_csr().toarray().tolist() == [[1.0, 0.0], [1.0, 0.0]]


def test_atomic_file_errors() -> None:
    with pytest.raises(AnalysisError):
        datasets.parse_atomic_inter("")
    with pytest.raises(AnalysisError):
        datasets.parse_atomic_inter("user_id:token\trating:float\n1\t2\n")
    with pytest.raises(AnalysisError):
        datasets.parse_atomic_inter("user_id:token\titem_id:token\n1\n")
    implicit = datasets.parse_atomic_inter("item_id:token\tuser_id:token\na\tu\n")
    assert implicit.ratings.tolist() == [1.0] and implicit.timestamps is None


def test_missing_member_and_bad_wheel(tmp_path: Path) -> None:
    wheel = write_zip(tmp_path / "x.whl", {"other": b""})
    with pytest.raises(AnalysisError):
        wheels.read_member(wheel, datasets.ML100K_MEMBER)
    (tmp_path / "bad.whl").write_bytes(b"not a zip")
    with pytest.raises(AnalysisError):
        wheels.read_member(tmp_path / "bad.whl", "anything")


def test_failed_download_is_an_analysis_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Done:
        returncode = 1
        stderr = "no such version"

    monkeypatch.setattr(wheels.subprocess, "run", lambda *a, **k: Done())
    with pytest.raises(AnalysisError) as caught:
        wheels.fetch_wheel("recbole", "0.0.0", tmp_path)
    assert "no such version" in caught.value.details["stderr"]


def _parquet(columns: dict[str, list[int]]) -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.table(columns), sink)
    return sink.getvalue()


def test_graph_readers_from_a_graphdatascience_like_wheel(tmp_path: Path) -> None:
    friends = _parquet({"sourceNodeId": [10, 11, 12, 11, 40], "targetNodeId": [11, 10, 13, 12, 41]})
    acted = _parquet({"sourceNodeId": [1, 2, 3, 3, 4], "targetNodeId": [100, 100, 100, 200, 300]})
    wheel = write_zip(
        tmp_path / "graphdatascience-2.2-py3-none-any.whl",
        {datasets.LASTFM_FRIENDS_MEMBER: friends, datasets.IMDB_ACTED_IN_MEMBER: acted},
    )
    lastfm = datasets.load_lastfm_friends(wheel=wheel)
    assert (lastfm.n_nodes, lastfm.n_edges) == (6, 4)  # 10-11 listed twice
    component = lastfm.largest_component()
    assert (component.n_nodes, component.n_edges) == (4, 3)
    assert component.adjacency().sum() == 6
    coacting = datasets.load_imdb_coacting(tmp_path)  # actors 1, 2, 3 share movie 100; actor 4 is alone
    assert (coacting.n_nodes, coacting.n_edges) == (3, 3)


def test_default_cache_dir_follows_graphengine_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPHENGINE_HOME", str(tmp_path))
    assert wheels.default_cache_dir() == tmp_path / "datasets"
    monkeypatch.delenv("GRAPHENGINE_HOME")
    assert wheels.default_cache_dir().parts[-2:] == (".graphengine", "datasets")


def test_interactions_keep_the_last_rating_of_a_duplicated_pair() -> None:
    data = InteractionLog(np.array([0, 0, 1]), np.array([1, 1, 0]), np.array([2.0, 5.0, 3.0]), None, 2, 2)
    assert data.to_csr(binary=False).toarray().tolist() == [[0.0, 5.0], [3.0, 0.0]]
    assert data.to_csr().toarray().tolist() == [[0.0, 1.0], [1.0, 0.0]]
    with pytest.raises(AnalysisError):
        InteractionLog(np.array([0]), np.array([5]), np.ones(1), None, 1, 2)
