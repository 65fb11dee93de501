"""``graphengine evaluate …``: honest offline evaluation of recommendations and link prediction."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from graphengine.commands._common import JsonOpt, print_json, print_rows, settings
from graphengine.commands.evaluate_identity import identity as _identity
from graphengine.commands.recommender import ModelsOpt, WeightsOpt, parse_models, parse_weights
from graphengine.recommend.selection import DEFAULT_KINDS
from graphengine.store import Store

app = typer.Typer(help="Offline evaluation: hold-out splits, ranking metrics, AUC, baselines.", no_args_is_help=True)
app.command("identity")(_identity)


def _with_store(dataset: str, run: Any) -> dict[str, Any]:
    if dataset != "graph":
        result: dict[str, Any] = run(None)
        return result
    with Store(settings()) as store:
        result = run(store)
        return result


@app.command("recommend")
def recommend(
    dataset: Annotated[
        str,
        typer.Option(help="movielens (MovieLens-100k), lastfm (Last.fm listening), both from PyPI; or graph."),
    ] = "movielens",
    split: Annotated[str, typer.Option(help="random or temporal (latest 20 % of each customer).")] = "random",
    k: Annotated[int, typer.Option(min=1, max=100)] = 10,
    seed: int = 123,
    models: ModelsOpt = ",".join(DEFAULT_KINDS),
    weights: WeightsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Precision/Recall/NDCG/HitRate/MAP@K and coverage of every model, side by side with the served one."""
    from graphengine.recommend.evaluation import evaluate_recommendations

    kinds, chosen = parse_models(models), parse_weights(weights)
    result = _with_store(
        dataset,
        lambda store: evaluate_recommendations(
            dataset=dataset, store=store, split=split, k=k, seed=seed, weights=chosen, kinds=kinds
        ),
    )
    if as_json:
        print_json(result)
        return
    served = result["served"]
    rows = [{"model": name, **metrics} for name, metrics in result["results"].items()]
    rows.append({**served, "model": f"served ({served['model']})"})
    columns = ["model", "precision", "recall", "ndcg", "hit_rate", "map", "coverage", "params"]
    print_rows(rows, f"{dataset}, {split} split, K={k}, seed {seed}", columns)


@app.command("links")
def links(
    dataset: Annotated[str, typer.Option(help="lastfm, imdb (from PyPI) or graph (the loaded follows).")] = "lastfm",
    seed: int = 123,
    repeats: Annotated[int, typer.Option(min=1, max=20)] = 3,
    as_json: JsonOpt = False,
) -> None:
    """Link-prediction AUC of CN, Adamic-Adar, resource allocation, Jaccard and preferential attachment."""
    from graphengine.recommend.link_evaluation import evaluate_links

    result = _with_store(
        dataset, lambda store: evaluate_links(dataset=dataset, store=store, seed=seed, repeats=repeats)
    )
    if as_json:
        print_json(result)
        return
    print_rows(
        [
            {"method": m, **v} if isinstance(v, dict) else {"method": m, "auc": v}
            for m, v in result.get("methods", {}).items()
        ],
        f"link prediction AUC on {result['dataset']}",
    )
