"""``graphengine evaluate churn``: the churn model against an RFM-only model and BG/NBD's P(alive), on CDNOW or on
the loaded demo graph."""

from __future__ import annotations

from typing import Annotated

import typer

from graphengine.commands._common import JsonOpt, out, print_json, print_rows, settings
from graphengine.commands.value import HorizonOpt, horizon_days


def churn(
    dataset: Annotated[
        str, typer.Option(help="cdnow (transactions from the lifetimes 0.11.3 wheel) or demo (the loaded graph).")
    ] = "demo",
    horizon: HorizonOpt = "90d",
    seed: int = 0,
    as_json: JsonOpt = False,
) -> None:
    """AUC and average precision on the last horizon of the data: the served model (graph + transactions), a
    transactions-only and an RFM-only model (same learner), and BG/NBD scores."""
    from graphengine.errors import ConfigError
    from graphengine.store import Store
    from graphengine.value.churn_evaluation import evaluate_churn
    from graphengine.value.churn_features import ChurnData, read_churn_data

    days = horizon_days(horizon)
    if dataset == "cdnow":
        from graphengine.value.cdnow import load_cdnow

        data = ChurnData.from_lines(load_cdnow())
        name = "CDNOW (lifetimes 0.11.3 wheel)"
    elif dataset == "demo":
        with Store(settings()) as store:
            data = read_churn_data(store)
        name = "demo (the loaded graph)"
    else:
        raise ConfigError(f"--dataset is cdnow or demo, not {dataset!r}")
    result = evaluate_churn(data, horizon_days=days, seed=seed, dataset=name)
    if as_json:
        print_json(result)
        return
    rows = [{"model": model, **scores} for model, scores in result["results"].items()]
    title = (
        f"{name}: {result['customers']:,} customers, churn = no purchase within {days} days "
        f"(rate {result['churnRate']:.1%})"
    )
    print_rows(rows, title, ["model", "auc", "averagePrecision"])
    out.print(result["note"], highlight=False)
