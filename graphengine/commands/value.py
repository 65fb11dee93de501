"""``graphengine value …``: RFM segments, lifetime value, churn risk, basket rules and referral value, written to
the graph with the runId of an AnalysisRun."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from graphengine.commands._common import JsonOpt, out, print_json, print_rows, settings
from graphengine.errors import ConfigError
from graphengine.store import Store

app = typer.Typer(
    help="Customer value: RFM, lifetime value (CLV), churn risk, basket rules, referral value.", no_args_is_help=True
)

AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="Reference day YYYY-MM-DD (default: the day of the latest purchase line)."),
]


def _day(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return (dt.date.fromisoformat(text) - dt.date(1970, 1, 1)).days
    except ValueError:
        raise ConfigError(f"--as-of is a day YYYY-MM-DD, not {text!r}") from None


def _header(result: dict[str, Any]) -> None:
    out.print(f"run {result['runId']}: {result['counts']}", highlight=False)


@app.command("rfm")
def rfm(
    bins: Annotated[int, typer.Option(min=2, max=100, help="Quantile bins per score (scores 1…bins).")] = 5,
    monetary: Annotated[str, typer.Option(help="total (sum of amounts) or mean (per order).")] = "total",
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Recency, frequency and monetary scores and segments on every customer who bought (rfm* properties)."""
    from graphengine.value.rfm import run_rfm

    with Store(settings()) as store:
        result = run_rfm(store, bins=bins, monetary=monetary, as_of_day=_day(as_of))
    if as_json:
        print_json(result)
        return
    _header(result)
    segments = sorted(
        (
            {"segment": k.split(":", 1)[1], "customers": v}
            for k, v in result["counts"].items()
            if k.startswith("segment:")
        ),
        key=lambda row: (-row["customers"], row["segment"]),
    )
    print_rows(segments, f"RFM segments ({bins} bins, monetary = {monetary})")


@app.command("clv")
def clv(
    horizon_days: Annotated[int, typer.Option(min=1, max=3650, help="Forecast horizon in days.")] = 365,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Purchases over the horizon, P(alive) and CLV per customer (the model `evaluate clv` measures)."""
    from graphengine.value.clv import run_clv

    with Store(settings()) as store:
        result = run_clv(store, horizon_days=horizon_days, as_of_day=_day(as_of))
    if as_json:
        print_json(result)
        return
    _header(result)
    out.print(f"level: {result['metrics']['level']:.1f} purchases ({result['levelSource']})", highlight=False)
    print_rows(result["top"], f"top customers by CLV over {horizon_days} days")


@app.command("basket")
def basket(
    min_support: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Minimum share of orders with the pair.")
    ] = 0.001,
    min_confidence: Annotated[float, typer.Option(min=0.0, max=1.0, help="Minimum confidence of a rule.")] = 0.0,
    min_count: Annotated[int, typer.Option(min=1, help="Minimum orders with the pair.")] = 2,
    product: Annotated[
        str | None, typer.Option(help="Only show this product's stored rules (computes nothing).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Association rules (support, confidence, lift) over orders, stored as BOUGHT_WITH between products."""
    from graphengine.value.basket import rules_for_product, run_basket

    with Store(settings()) as store:
        if product is not None:
            rows = rules_for_product(store, product, limit=limit)
            if as_json:
                print_json({"productId": product, "rules": rows})
            else:
                print_rows(
                    rows, f"rules {product} → …", ["productId", "name", "orders", "support", "confidence", "lift"]
                )
            return
        result = run_basket(store, min_support=min_support, min_confidence=min_confidence, min_count=min_count)
    if as_json:
        print_json(result)
        return
    _header(result)
    print_rows(result["top"], "top rules by lift")


@app.command("referral")
def referral(
    decay: Annotated[float, typer.Option(min=0.0, max=1.0, help="Weight per level below the direct referrals.")] = 0.5,
    max_depth: Annotated[int, typer.Option(min=1, max=10)] = 3,
    as_json: JsonOpt = False,
) -> None:
    """Referral value: spend of the customers each customer referred, directly and (decayed) indirectly."""
    from graphengine.value.referral import run_referral

    with Store(settings()) as store:
        result = run_referral(store, decay=decay, max_depth=max_depth)
    if as_json:
        print_json(result)
        return
    _header(result)
    print_rows(result["top"], "top referrers by referral value")


def horizon_days(text: str) -> int:
    """``90d``, ``13w`` or ``90`` (days) as a number of days."""
    raw = text.strip().lower()
    unit = 7 if raw.endswith("w") else 1
    number = raw[:-1] if raw[-1:] in ("d", "w") else raw
    if not number.isdigit() or int(number) <= 0:
        raise ConfigError(f"--horizon is a positive number of days or weeks (90d, 13w), not {text!r}")
    return int(number) * unit


HorizonOpt = Annotated[str, typer.Option("--horizon", help="Churn = no purchase within this long: 90d, 13w, 60.")]


@app.command("churn")
def churn(horizon: HorizonOpt = "90d", as_of: AsOfOpt = None, as_json: JsonOpt = False) -> None:
    """Churn risk per consenting customer (gradient boosting on graph features, temporal holdout), with the top
    three drivers (churnRisk, churnDrivers, churnDriverEffects)."""
    from graphengine.value.churn import run_churn

    with Store(settings()) as store:
        result = run_churn(store, horizon_days=horizon_days(horizon), as_of_day=_day(as_of))
    if as_json:
        print_json(result)
        return
    _header(result)
    out.print(f"graph features with information: {', '.join(result['graphFeatures']) or 'none'}", highlight=False)
    print_rows(result["top"], f"highest churn risk (no purchase within {horizon})")
