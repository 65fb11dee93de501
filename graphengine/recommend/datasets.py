"""Public evaluation data sets that ship inside PyPI wheels, read without installing the packages.

* **MovieLens-100k** from the ``recbole==1.2.1`` wheel: ``recbole/dataset_example/ml-100k/ml-100k.inter``,
  a tab-separated "atomic file" whose header names each column with its type (``user_id:token``,
  ``rating:float`` …). 100,000 ratings (1–5) by 943 users on 1,682 movies.
* **Last.fm friendships** (HetRec 2011) from the ``graphdatascience==2.2`` wheel (Neo4j's GDS client):
  ``graphdatascience/resources/lastfm/user_friend_df_directed.parquet.gzip``, 1,892 users, 12,717
  undirected friendships — a social network for "people you may know".
* **Last.fm listening** (HetRec 2011) from the same wheel
  (``resources/lastfm/user_listen_artist_rels.parquet.gzip``): 92,834 (user, artist, play count) pairs,
  1,892 users and 17,632 artists — implicit feedback (who listened to whom), the second recommendation data set.
* **IMDB co-acting** from the same wheel (``resources/imdb/imdb_acted_in.parquet.gzip``): actors joined
  when they appear in the same movie — a collaboration network.

Wheels are fetched once with ``pip download --no-deps`` into a cache directory (default
``$GRAPHENGINE_HOME/datasets``, i.e. ``.graphengine/datasets/`` in the project) and read as zip files.
No network access happens when the wheel is already cached or passed explicitly.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import connected_components

from graphengine.errors import AnalysisError
from graphengine.recommend.log import InteractionLog

RECBOLE = ("recbole", "1.2.1")
GRAPHDATASCIENCE = ("graphdatascience", "2.2")
ML100K_MEMBER = "recbole/dataset_example/ml-100k/ml-100k.inter"
LASTFM_FRIENDS_MEMBER = "graphdatascience/resources/lastfm/user_friend_df_directed.parquet.gzip"
LASTFM_LISTENS_MEMBER = "graphdatascience/resources/lastfm/user_listen_artist_rels.parquet.gzip"
IMDB_ACTED_IN_MEMBER = "graphdatascience/resources/imdb/imdb_acted_in.parquet.gzip"


@dataclass(frozen=True)
class EdgeList:
    """An undirected simple graph: each edge once with ``sources < targets``, nodes ``0 … n_nodes-1``."""

    name: str
    sources: NDArray[np.int64]
    targets: NDArray[np.int64]
    n_nodes: int

    @classmethod
    def from_pairs(cls, name: str, a: NDArray[np.int64], b: NDArray[np.int64]) -> EdgeList:
        """Relabel arbitrary integer node ids to ``0 … n-1``; drop self-loops and duplicate edges."""
        ids, inverse = np.unique(np.concatenate([a, b]), return_inverse=True)
        u, v = inverse[: len(a)], inverse[len(a) :]
        keep = u != v
        lo, hi = np.minimum(u[keep], v[keep]), np.maximum(u[keep], v[keep])
        keys = np.unique(lo * len(ids) + hi)
        return cls(name, (keys // len(ids)).astype(np.int64), (keys % len(ids)).astype(np.int64), len(ids))

    @property
    def n_edges(self) -> int:
        return len(self.sources)

    def adjacency(self) -> sp.csr_array:
        """The symmetric binary adjacency matrix (CSR, sorted indices)."""
        rows = np.concatenate([self.sources, self.targets])
        cols = np.concatenate([self.targets, self.sources])
        matrix = sp.coo_array((np.ones(len(rows)), (rows, cols)), shape=(self.n_nodes, self.n_nodes)).tocsr()
        matrix.sort_indices()
        return matrix

    def largest_component(self) -> EdgeList:
        """The subgraph induced by the largest connected component, relabelled to ``0 … m-1``."""
        _, labels = connected_components(self.adjacency(), directed=False)
        biggest = np.argmax(np.bincount(labels))
        keep = labels[self.sources] == biggest
        return EdgeList.from_pairs(self.name + " (largest component)", self.sources[keep], self.targets[keep])


def default_cache_dir() -> Path:
    """``$GRAPHENGINE_HOME/datasets``, by default ``<project>/.graphengine/datasets``."""
    home = os.environ.get("GRAPHENGINE_HOME")
    root = Path(home) if home else Path(__file__).resolve().parents[2] / ".graphengine"
    return root / "datasets"


def fetch_wheel(package: str, version: str, cache_dir: Path | None = None, *, timeout_s: float = 300.0) -> Path:
    """The cached wheel of ``package==version``, downloaded with ``pip download --no-deps`` if absent."""
    cache = cache_dir or default_cache_dir()
    pattern = f"{package.replace('-', '_')}-{version}-*.whl"
    found = sorted(cache.glob(pattern)) if cache.is_dir() else []
    if found:
        return found[0]
    cache.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "--quiet",
        "-d",
        str(cache),
        f"{package}=={version}",
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AnalysisError(f"could not download {package}=={version}: {exc}") from exc
    found = sorted(cache.glob(pattern))
    if done.returncode != 0 or not found:
        raise AnalysisError(
            f"could not download {package}=={version}", details={"stderr": done.stderr[-2000:], "cache": str(cache)}
        )
    return found[0]


def read_member(wheel: Path, member: str) -> bytes:
    """The bytes of one file inside a wheel (a zip archive)."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            return archive.read(member)
    except KeyError as exc:
        raise AnalysisError(f"{member} is not in {wheel.name}") from exc
    except (OSError, zipfile.BadZipFile) as exc:
        raise AnalysisError(f"cannot read {wheel}: {exc}") from exc


def parse_atomic_inter(text: str) -> InteractionLog:
    """Parse a RecBole atomic ``.inter`` file: tab-separated, header fields ``name:type``.

    ``user_id`` and ``item_id`` are required; ``rating`` (default 1.0) and ``timestamp`` are optional.
    """
    lines = text.splitlines()
    if not lines:
        raise AnalysisError("empty .inter file")
    names = [field.split(":", 1)[0].strip() for field in lines[0].split("\t")]
    try:
        ui, ii = names.index("user_id"), names.index("item_id")
    except ValueError as exc:
        raise AnalysisError(f"an .inter file needs user_id and item_id columns, got {names}") from exc
    ri = names.index("rating") if "rating" in names else None
    ti = names.index("timestamp") if "timestamp" in names else None
    rows = [line.split("\t") for line in lines[1:] if line.strip()]
    if any(len(row) != len(names) for row in rows):
        raise AnalysisError("an .inter row has the wrong number of fields")
    ratings = [float(row[ri]) for row in rows] if ri is not None else None
    stamps = [int(float(row[ti])) for row in rows] if ti is not None else None
    return InteractionLog.from_ids([row[ui] for row in rows], [row[ii] for row in rows], ratings, stamps)


def load_movielens_100k(cache_dir: Path | None = None, *, wheel: Path | None = None) -> InteractionLog:
    """MovieLens-100k ratings from the recbole 1.2.1 wheel (fetched into ``cache_dir`` if needed)."""
    path = wheel or fetch_wheel(*RECBOLE, cache_dir)
    return parse_atomic_inter(read_member(path, ML100K_MEMBER).decode("utf-8"))


def _read_parquet_columns(wheel: Path, member: str, columns: list[str]) -> list[NDArray[np.int64]]:
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(read_member(wheel, member)), columns=columns)
    return [np.asarray(table.column(name).to_numpy(), dtype=np.int64) for name in columns]


def _read_parquet_pairs(wheel: Path, member: str) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    sources, targets = _read_parquet_columns(wheel, member, ["sourceNodeId", "targetNodeId"])
    return sources, targets


def load_lastfm_listens(cache_dir: Path | None = None, *, wheel: Path | None = None) -> InteractionLog:
    """Last.fm (HetRec 2011) user → artist listening from the graphdatascience 2.2 wheel: implicit feedback
    (``signal = "purchase"``), the play count kept as the rating column, no timestamps."""
    path = wheel or fetch_wheel(*GRAPHDATASCIENCE, cache_dir)
    users, artists, plays = _read_parquet_columns(
        path, LASTFM_LISTENS_MEMBER, ["sourceNodeId", "targetNodeId", "weight"]
    )
    return InteractionLog.from_ids(
        [f"lfm-u{u}" for u in users],
        [f"lfm-a{a}" for a in artists],
        plays.astype(np.float64).tolist(),
        signal="purchase",
    )


def load_lastfm_friends(cache_dir: Path | None = None, *, wheel: Path | None = None) -> EdgeList:
    """The Last.fm (HetRec 2011) user friendship network from the graphdatascience 2.2 wheel."""
    path = wheel or fetch_wheel(*GRAPHDATASCIENCE, cache_dir)
    sources, targets = _read_parquet_pairs(path, LASTFM_FRIENDS_MEMBER)
    return EdgeList.from_pairs("lastfm-friends", sources, targets)


def load_imdb_coacting(cache_dir: Path | None = None, *, wheel: Path | None = None) -> EdgeList:
    """Actors linked when they acted in the same movie (IMDB subset in the graphdatascience 2.2 wheel)."""
    path = wheel or fetch_wheel(*GRAPHDATASCIENCE, cache_dir)
    actors, movies = _read_parquet_pairs(path, IMDB_ACTED_IN_MEMBER)
    actor_ids, a = np.unique(actors, return_inverse=True)
    movie_ids, m = np.unique(movies, return_inverse=True)
    incidence = sp.coo_array((np.ones(len(a)), (a, m)), shape=(len(actor_ids), len(movie_ids))).tocsr()
    coacting = sp.triu(incidence @ incidence.T, k=1).tocoo()
    return EdgeList.from_pairs("imdb-coacting", coacting.row.astype(np.int64), coacting.col.astype(np.int64))
