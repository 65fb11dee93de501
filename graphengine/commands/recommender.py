"""``graphengine recommender …``: train a recommender from the graph, list, promote and roll back versions."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from graphengine.commands._common import JsonOpt, out, print_json, print_rows, settings
from graphengine.errors import ConfigError
from graphengine.recommend.interactions import InteractionWeights
from graphengine.recommend.models import MODELS
from graphengine.recommend.selection import DEFAULT_KINDS

app = typer.Typer(help="Train the recommender from the graph; list, promote and roll back model versions.")

ModelsOpt = Annotated[str, typer.Option("--models", help=f"Comma-separated candidates among {', '.join(MODELS)}.")]
WeightsOpt = Annotated[
    str | None,
    typer.Option(
        "--weights",
        help="Signal weights as name=value pairs, e.g. purchase=1,rating=1,low_rating=0.3,view=0.2,cart=0.5,"
        "mention=0.5,rating_threshold=4.",
    ),
]


def parse_models(text: str) -> list[str]:
    kinds = [name.strip().lower() for name in text.split(",") if name.strip()]
    unknown = [name for name in kinds if name not in MODELS]
    if unknown or not kinds:
        raise ConfigError(f"--models takes names among {', '.join(MODELS)}; got {text!r}")
    return list(dict.fromkeys(kinds))


def parse_weights(text: str | None) -> InteractionWeights:
    if not text:
        return InteractionWeights()
    values: dict[str, Any] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        if not sep:
            raise ConfigError(f"--weights takes name=value pairs; got {part!r}")
        try:
            values[name.strip().replace("-", "_")] = float(value)
        except ValueError:
            raise ConfigError(f"--weights: {name.strip()} needs a number, got {value!r}") from None
    try:
        return InteractionWeights(**values)
    except ValueError as exc:
        raise ConfigError(f"--weights: {exc}") from None


def parse_overrides(items: list[str]) -> dict[str, dict[str, Any]]:
    """``["ease.lam=500", "als.factors=128"]`` → ``{"ease": {"lam": 500}, "als": {"factors": 128}}``."""
    overrides: dict[str, dict[str, Any]] = {}
    for item in items:
        name, sep, text = item.partition("=")
        kind, dot, key = name.strip().partition(".")
        if not sep or not dot or kind not in MODELS or not key:
            raise ConfigError(f"--param takes kind.name=value with a kind among {', '.join(MODELS)}; got {item!r}")
        try:
            value: Any = json.loads(text)
        except ValueError:
            value = text
        overrides.setdefault(kind, {})[key] = value
    return overrides


@app.command("train")
def train(
    models: ModelsOpt = ",".join(DEFAULT_KINDS),
    weights: WeightsOpt = None,
    seed: int = 123,
    k: Annotated[int, typer.Option(min=1, max=100, help="Cut-off of the validation and test metrics.")] = 10,
    promote: Annotated[bool, typer.Option("--promote", help="Serve the new version at once.")] = False,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", help="Fix a parameter of a model on its whole grid: kind.name=value (repeatable)."),
    ] = None,
    similar: Annotated[
        int, typer.Option(min=0, max=100, help="Write each product's N most similar products as SIMILAR edges.")
    ] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Project interactions, tune every candidate on validation, save the winner as a new version."""
    from graphengine.recommend.training import train_from_graph
    from graphengine.store import Store

    config = settings()
    with Store(config) as store:
        result = train_from_graph(
            store,
            config.home,
            weights=parse_weights(weights),
            kinds=parse_models(models),
            seed=seed,
            k=k,
            promote=promote,
            similar=similar,
            overrides=parse_overrides(param or []),
        )
    if as_json:
        print_json(result)
        return
    rows = [
        {"model": kind, "validation ndcg": tuned["ndcg"], **{m: result["test"][kind].get(m) for m in ("ndcg", "map")}}
        for kind, tuned in result["validation"].items()
    ]
    print_rows(rows, f"candidates (test metrics @ {k})")
    state = "promoted" if result["promoted"] else "not promoted (graphengine recommender promote VERSION)"
    out.print(f"saved {result['version']} — {result['model']} {result['params']} — {state}; run {result['runId']}")


@app.command("list")
def list_command(as_json: JsonOpt = False) -> None:
    """Every saved model version, oldest first; the promoted one is marked."""
    from graphengine.recommend.artefacts import list_versions

    rows = list_versions(settings().home)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        row["ndcg"] = row.pop("metrics", {}).get("test", {}).get("ndcg")
    print_rows(rows, "model versions", ["version", "kind", "createdAt", "items", "ndcg", "promoted", "runId"])


@app.command("promote")
def promote_command(version: str, as_json: JsonOpt = False) -> None:
    """Serve VERSION (servers switch to it without a restart)."""
    from graphengine.recommend.artefacts import promote

    promoted = promote(settings().home, version)
    print_json({"promoted": promoted}) if as_json else out.print(f"promoted {promoted}")


@app.command("rollback")
def rollback_command(as_json: JsonOpt = False) -> None:
    """Serve the previously promoted version again."""
    from graphengine.recommend.artefacts import rollback

    promoted = rollback(settings().home)
    print_json({"promoted": promoted}) if as_json else out.print(f"rolled back to {promoted}")
