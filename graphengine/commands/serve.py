"""``graphengine serve`` (the HTTP API) and ``graphengine recommend`` (one customer's list in the terminal)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from graphengine.commands._common import JsonOpt, out, print_json, print_rows, settings
from graphengine.store import Store


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default GRAPHENGINE_API_HOST, 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default GRAPHENGINE_API_PORT, 8000).")] = None,
    cache_ttl: Annotated[float, typer.Option(help="Seconds an answer stays in the in-process cache.")] = 60.0,
) -> None:
    """Run the HTTP API with uvicorn (one process)."""
    from graphengine.api import ApiOptions
    from graphengine.api import serve as run_server

    overrides = {k: v for k, v in {"api_host": host, "api_port": port}.items() if v is not None}
    run_server(settings().model_copy(update=overrides), ApiOptions(cache_ttl_s=cache_ttl))


def recommend(
    customer_id: str,
    limit: Annotated[int, typer.Option(min=1, max=100)] = 10,
    category: Annotated[str | None, typer.Option(help="Only products of this category.")] = None,
    min_price: Annotated[float | None, typer.Option(min=0)] = None,
    max_price: Annotated[float | None, typer.Option(min=0)] = None,
    in_stock: Annotated[bool | None, typer.Option("--in-stock/--out-of-stock", help="Only (not) in stock.")] = None,
    social: Annotated[bool, typer.Option(help="Re-rank by what followed accounts bought or praised.")] = True,
    as_json: JsonOpt = False,
) -> None:
    """Recommendations for one customer from the promoted model (the code behind
    GET /customers/{id}/recommendations), with the reason for each item."""
    from graphengine.recommend.filters import Filters
    from graphengine.recommend.model_holder import ModelHolder
    from graphengine.recommend.serving import Recommender

    config = settings()
    filters = Filters(category=category, min_price=min_price, max_price=max_price, in_stock=in_stock)
    with Store(config) as store:
        recommender = Recommender(store, ModelHolder(store, config.home))
        result = recommender.recommend(customer_id, limit=limit, filters=filters, explain=True, social=social)
    if as_json:
        print_json(asdict(result))
        return
    if not result.personalized:
        out.print(
            result.reason
            if (result.reason or "").startswith("not personalised")
            else f"not personalised: {result.reason}"
        )
    elif result.reason:
        out.print(result.reason)
    rows = [
        {
            "productId": i.product_id,
            "name": i.name,
            "category": i.category,
            "price": i.price,
            "score": round(i.score, 4),
            "because": "; ".join(r.text for r in i.reasons),
        }
        for i in result.items
    ]
    print_rows(rows, f"recommendations for {customer_id} ({result.strategy}, model {result.model_version})")
