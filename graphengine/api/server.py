"""``serve(settings)``: run the API with uvicorn on ``settings.api_host:settings.api_port``."""

from __future__ import annotations

import uvicorn

from graphengine.api.app import ApiOptions, create_app
from graphengine.config import Settings


def uvicorn_config(settings: Settings, options: ApiOptions | None = None, *, log_level: str = "info") -> uvicorn.Config:
    """One process, the uvloop/httptools fast paths when installed, no websockets and no per-request access
    log (logging every request costs throughput); put a proxy in front for TLS and access logs."""
    return uvicorn.Config(
        create_app(settings, options),
        host=settings.api_host,
        port=settings.api_port,
        log_level=log_level,
        access_log=False,
        lifespan="on",
        ws="none",
        server_header=False,
    )


def access_summary(settings: Settings) -> str:
    """What ``graphengine serve`` says about access when it starts (never a key itself)."""
    base = f"http://{settings.api_host}:{settings.api_port}"
    if settings.api_keys:
        who = f"{len(settings.api_keys)} API key(s) configured; personal data needs one with the read scope"
    elif settings.api_open:
        who = "no API keys, GRAPHENGINE_API_OPEN=true: personal data is readable WITHOUT a key (development only)"
    else:
        who = "no API keys configured: personal data and writes are refused (set GRAPHENGINE_API_KEYS)"
    return (
        f"{who}; body limit {settings.api_max_body_bytes} bytes. Try:\n"
        f"  curl -s {base}/health\n"
        f'  curl -s -H "X-API-Key: $GRAPHENGINE_KEY" {base}/customers/C000001\n'
        f"  curl -s '{base}/influencers?limit=5'   # without a read key: no ids or handles"
    )


def serve(settings: Settings, options: ApiOptions | None = None, *, log_level: str = "info") -> None:
    """Serve until interrupted (Ctrl-C / SIGTERM); says first how access is configured."""
    config = uvicorn_config(settings, options, log_level=log_level)
    print(access_summary(settings), flush=True)
    uvicorn.Server(config).run()


__all__ = ["access_summary", "serve", "uvicorn_config"]
