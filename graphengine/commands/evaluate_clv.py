"""``graphengine evaluate clv``: the lifetime-value forecast on CDNOW beside BG/NBD, the naive baseline and the
published lifetimes figures."""

from __future__ import annotations

from typing import Annotated

import typer

from graphengine.commands._common import JsonOpt, out, print_json, print_rows


def clv(
    weeks: Annotated[int, typer.Option(min=4, max=39, help="Weeks of calibration and of holdout.")] = 39,
    period: Annotated[str, typer.Option(help="Count repeat purchases per distinct week or day.")] = "week",
    as_json: JsonOpt = False,
) -> None:
    """CDNOW (from the lifetimes 0.11.3 wheel): calibration from 1997-01-01, then holdout; aggregate error,
    per-customer MAE and correlation of each model, side by side."""
    from graphengine.errors import ConfigError
    from graphengine.value.cdnow import evaluate_cdnow

    if period not in ("week", "day"):
        raise ConfigError(f"--period is week or day, not {period!r}")
    result = evaluate_cdnow(weeks=weeks, period_days=7 if period == "week" else 1)
    if as_json:
        print_json(result)
        return
    rows = [{"model": name, **scores} for name, scores in result["results"].items()]
    rows += [{"model": name + " (published)", **scores} for name, scores in result["reference"].items()]
    columns = ["model", "predicted", "actual", "error", "mae", "rmse", "correlation"]
    print_rows(rows, f"CDNOW, {result['customers']:,} customers, {weeks}+{weeks} weeks, per distinct {period}", columns)
    served = result["served"]
    out.print(
        f"served = BG/NBD quantiles at τ={served['tau']} summing to {served['level']:,} ({served['levelSource']}); "
        f"beats BG/NBD on aggregate error and MAE: {result['beatsBgnbd']}",
        highlight=False,
    )
