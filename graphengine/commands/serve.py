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
    strategy: Annotated[str, typer.Option(help="blend, copurchase, paths, neighbours, social or popular.")] = "blend",
    limit: Annotated[int, typer.Option(min=1, max=100)] = 10,
    as_json: JsonOpt = False,
) -> None:
    """Recommendations for one customer (the same code as GET /customers/{id}/recommendations)."""
    from graphengine.analytics.recommend import recommend as run_recommend

    with Store(settings()) as store:
        result = run_recommend(store, customer_id, strategy=strategy, limit=limit)  # type: ignore[arg-type]
    data = asdict(result)
    if as_json:
        print_json(data)
        return
    if not result.personalized:
        out.print(f"not personalised: {result.reason}")
    rows = [
        {
            "productId": i.product_id,
            "name": i.name,
            "category": i.category,
            "price": i.price,
            "score": i.score,
            "because": i.reasons[0].text if i.reasons else "",
        }
        for i in result.items
    ]
    print_rows(rows, f"recommendations for {customer_id} ({result.strategy})")
