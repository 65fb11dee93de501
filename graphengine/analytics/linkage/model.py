"""A Fellegi–Sunter linkage model on Splink (DuckDB locally): which fields are compared how, which pairs are
compared at all (blocking), and how the m/u probabilities are trained.

* **Comparisons** by field kind: ``name`` (Jaro-Winkler ≥ 0.92 / ≥ 0.80), ``place`` (Jaro-Winkler ≥ 0.88),
  ``text`` such as street addresses (Levenshtein ≤ 1 / ≤ 3), ``date`` as digits (Damerau-Levenshtein ≤ 1 / ≤ 2, so a
  mistyped or swapped digit still counts), ``code`` such as a social security number (the same), ``postcode``
  (Levenshtein ≤ 1), ``exact`` (hashed identifiers, house numbers, states) and ``residence`` (address,
  postcode and city as one comparison, since they agree together within a household). Each level's m probability
  starts from a prior (``_M_PRIORS``); u comes from random pairs.
* **Blocking**: a pair is compared only when one rule holds (same postcode, or the same first three letters of
  the surname and the same initial, or the same birth year and city …), so the work grows with the blocks,
  not with n².
* **Training**: u by random sampling; λ (the prior that two records match) from strict deterministic rules;
  m by expectation maximisation on two or more blocking rules when the data is large enough to train
  (``min_em_records``), otherwise the priors stand — tiny inputs cannot support EM.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any, Literal

import pyarrow as pa

from graphengine.errors import AnalysisError

FieldKind = Literal["name", "place", "text", "date", "code", "postcode", "exact", "residence"]

# m-probability priors per comparison level (exact, near, far …, else), used until EM trains them
_M_PRIORS: dict[str, list[float]] = {
    "name": [0.82, 0.10, 0.05, 0.03],
    "place": [0.85, 0.10, 0.05],
    "text": [0.80, 0.10, 0.05, 0.05],
    "date": [0.88, 0.07, 0.03, 0.02],
    "code": [0.88, 0.07, 0.03, 0.02],
    "postcode": [0.90, 0.06, 0.04],
    "exact": [0.90, 0.10],
    "residence": [0.70, 0.08, 0.10, 0.05, 0.03, 0.02, 0.02],
}


@dataclass(frozen=True)
class LinkField:
    """One compared column and how it is compared."""

    column: str
    kind: FieldKind
    with_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class LinkageModel:
    """The fields, the blocking rules (each a tuple of SQL expressions that must be equal), the EM training
    blocks and the strict rules that estimate λ."""

    fields: tuple[LinkField, ...]
    blocking: tuple[tuple[str, ...], ...]
    training: tuple[tuple[str, ...], ...]
    deterministic: tuple[tuple[str, ...], ...]
    deterministic_recall: float = 0.7
    prior_match_probability: float = 1e-4
    min_em_records: int = 1_000
    max_u_pairs: float = 1e6
    seed: int = 42
    term_frequencies: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Comparison:
    """How one field of one pair compared: the level's label and its match weight (log2 Bayes factor)."""

    field: str
    level: str
    weight: float


@dataclass
class Links:
    """Scored candidate pairs at or above the threshold: ids (and, when linking two sources, each side's
    source), the match weight and probability, and per-pair comparisons."""

    left: list[str]
    right: list[str]
    weights: list[float]
    probabilities: list[float]
    comparisons: list[list[Comparison]]
    trained_by: str
    candidate_pairs: int
    parameters: dict[str, Any]

    def __len__(self) -> int:
        return len(self.left)


def _comparison(f: LinkField, tf: bool) -> Any:
    import splink.comparison_library as cl

    comp: Any
    if f.kind == "name":
        comp = cl.JaroWinklerAtThresholds(f.column, [0.92, 0.80])
    elif f.kind == "place":
        comp = cl.JaroWinklerAtThresholds(f.column, [0.88])
    elif f.kind == "text":
        comp = cl.LevenshteinAtThresholds(f.column, [1, 3])
    elif f.kind in ("date", "code"):
        comp = cl.DamerauLevenshteinAtThresholds(f.column, [1, 2])
    elif f.kind == "postcode":
        comp = cl.LevenshteinAtThresholds(f.column, [1])
    elif f.kind == "residence":
        comp = _residence(f.column, *f.with_columns)
    else:
        comp = cl.ExactMatch(f.column)
    return comp.configure(m_probabilities=_M_PRIORS[f.kind], term_frequency_adjustments=tf)


def _residence(address: str, postcode: str, city: str) -> Any:
    """Where someone lives as one comparison: an address, its postcode and city agree together in a household,
    so counting them as three independent agreements would merge a family into one person."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    levels: list[Any] = [
        cll.And(cll.NullLevel(address), cll.NullLevel(postcode), cll.NullLevel(city)).configure(is_null_level=True),
        cll.And(cll.ExactMatchLevel(address), cll.ExactMatchLevel(postcode)).configure(
            label_for_charts="same address and postcode"
        ),
        cll.ExactMatchLevel(address).configure(label_for_charts="same address"),
        cll.And(
            cll.LevenshteinLevel(address, 3), cll.Or(cll.ExactMatchLevel(postcode), cll.ExactMatchLevel(city))
        ).configure(label_for_charts="similar address, same postcode or city"),
        cll.LevenshteinLevel(address, 2).configure(label_for_charts="similar address"),
        cll.ExactMatchLevel(postcode).configure(label_for_charts="same postcode"),
        cll.ExactMatchLevel(city).configure(label_for_charts="same city"),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(levels, output_column_name="residence", comparison_description="residence")


def _rules(rules: Sequence[tuple[str, ...]]) -> list[Any]:
    from splink import block_on

    return [block_on(*rule) for rule in rules]


@contextmanager
def _quiet_splink() -> Iterator[None]:
    """Splink reports its training steps at INFO and sampling advice at WARNING; keep them out of the output."""
    logger = logging.getLogger("splink")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def link_records(
    tables: Sequence[pa.Table],
    model: LinkageModel,
    *,
    threshold_weight: float,
) -> Links:
    """Score the pairs of one table (deduplication) or between two tables (linking) with a Fellegi–Sunter model
    trained on them; pairs with a match weight ≥ ``threshold_weight`` are returned. Every table has a string
    ``unique_id`` column and the model's field columns (nulls where a value is missing)."""
    if len(tables) not in (1, 2):
        raise AnalysisError("linkage takes one table (deduplicate) or two (link)", details={"tables": len(tables)})
    n_records = sum(t.num_rows for t in tables)
    if n_records < 2:
        return Links([], [], [], [], [], "none", 0, {})
    try:
        with _quiet_splink():
            return _link(tables, model, threshold_weight, n_records)
    except AnalysisError:
        raise
    except Exception as exc:  # Splink/DuckDB raise their own types; the caller sees one domain error
        raise AnalysisError(f"probabilistic linkage failed: {exc}", details={"records": n_records}) from exc


def _linker(tables: Sequence[pa.Table], model: LinkageModel) -> Any:
    from splink import DuckDBAPI, Linker, SettingsCreator

    settings = SettingsCreator(
        link_type="dedupe_only" if len(tables) == 1 else "link_only",
        comparisons=[_comparison(f, f.column in model.term_frequencies) for f in model.fields],
        blocking_rules_to_generate_predictions=_rules(model.blocking),
        probability_two_random_records_match=model.prior_match_probability,
        retain_matching_columns=True,  # gamma columns come with the values; neither leaves this function
        retain_intermediate_calculation_columns=True,
    )
    db = DuckDBAPI()
    frames = [db.register(t, dataset_display_name=f"source_{k}") for k, t in enumerate(tables)]
    return Linker(frames if len(frames) > 1 else frames[0], settings, log_level=None)


def _link(tables: Sequence[pa.Table], model: LinkageModel, threshold_weight: float, n_records: int) -> Links:
    linker = _linker(tables, model)
    try:
        trained_by = _train(linker, model, n_records)
        rejected = _implausible(_parameters(linker)) if trained_by.startswith("expectation") else None
        if rejected:  # EM found another latent class (a household, a neighbourhood) than "same person"
            rejected = f"agreement on {rejected} did not raise the odds"
    except ValueError as exc:  # EM diverged (a probability underflowed)
        rejected = f"it diverged: {str(exc)[:80]}"
    if rejected:
        linker = _linker(tables, model)
        _train(linker, model, 0)
        trained_by = f"priors (EM rejected: {rejected}), u from random pairs"
    predictions = linker.inference.predict(threshold_match_weight=threshold_weight)
    out: pa.Table = predictions.as_pyarrow_table()
    parameters = _parameters(linker)
    candidates = _count_candidates(linker)
    comparisons = _pair_comparisons(out, parameters)
    return Links(
        [str(v) for v in out.column("unique_id_l").to_pylist()],
        [str(v) for v in out.column("unique_id_r").to_pylist()],
        [float(v) for v in out.column("match_weight").to_pylist()],
        [float(v) for v in out.column("match_probability").to_pylist()],
        comparisons,
        trained_by,
        candidates,
        parameters,
    )


def _train(linker: Any, model: LinkageModel, n_records: int) -> str:
    """u from random pairs; from ``min_em_records`` up also λ from the strict rules and m by EM."""
    linker.training.estimate_u_using_random_sampling(max_pairs=model.max_u_pairs, seed=model.seed)
    settings = linker._settings_obj
    with suppress(Exception):
        linker.training.estimate_probability_two_random_records_match(
            _rules(model.deterministic), recall=model.deterministic_recall
        )
    if not 0.0 < settings._probability_two_random_records_match < 1.0:  # no (or only) rule matches: keep the prior
        settings._probability_two_random_records_match = model.prior_match_probability
    if n_records < model.min_em_records:
        return "priors (too few records for EM), u from random pairs"
    for rule in _rules(model.training):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    return "expectation maximisation, u from random pairs"


def _implausible(parameters: dict[str, Any]) -> str | None:
    """The first comparison where trained matches agree exactly less often than they disagree completely, or
    where exact agreement does not raise the odds — the sign that EM modelled another latent class than
    "same person" (a household, a neighbourhood)."""
    for column, levels in parameters["comparisons"].items():
        first, last = levels[0], levels[-1]
        if not all(isinstance(v, float) and v > 0 for v in (first["m"], first["u"], last["m"], last["u"])):
            continue  # a level never observed keeps its prior
        if first["m"] <= last["m"] or first["m"] / first["u"] <= 1.0:
            return str(column)
    return None


def _pair_comparisons(out: pa.Table, parameters: dict[str, Any]) -> list[list[Comparison]]:
    """Each pair's comparisons: the level (from Splink's comparison vector ``gamma_<column>``, whose values
    count down from the first level to 0, null = -1) and its weight (``mw_<column>``)."""
    names = set(out.column_names)
    columns = [c for c in parameters["comparisons"] if f"gamma_{c}" in names and f"mw_{c}" in names]
    labels = {c: [lv["level"] for lv in parameters["comparisons"][c]] for c in columns}
    gammas = {c: out.column(f"gamma_{c}").to_pylist() for c in columns}
    weights = {c: out.column(f"mw_{c}").to_pylist() for c in columns}
    return [
        [Comparison(c, _label(labels[c], gammas[c][k]), round(float(weights[c][k]), 3)) for c in columns]
        for k in range(out.num_rows)
    ]


def _label(labels: list[str], gamma: int | None) -> str:
    if gamma is None or gamma < 0 or gamma >= len(labels):
        return "missing"
    return str(labels[len(labels) - 1 - gamma])


def _count_candidates(linker: Any) -> int:
    try:
        return int(linker.inference.compute_blocked_pairs_for_predict().as_pyarrow_table().num_rows)
    except Exception:
        return -1


def _parameters(linker: Any) -> dict[str, Any]:
    model = linker.misc.save_model_to_json()
    return {
        "probabilityTwoRandomRecordsMatch": model.get("probability_two_random_records_match"),
        "comparisons": {
            comp["output_column_name"]: [
                {"level": lv.get("label_for_charts"), "m": lv.get("m_probability"), "u": lv.get("u_probability")}
                for lv in comp["comparison_levels"]
                if not lv.get("is_null_level")
            ]
            for comp in model["comparisons"]
        },
    }
