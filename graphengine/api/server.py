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


def serve(settings: Settings, options: ApiOptions | None = None, *, log_level: str = "info") -> None:
    """Serve until interrupted (Ctrl-C / SIGTERM)."""
    uvicorn.Server(uvicorn_config(settings, options, log_level=log_level)).run()


__all__ = ["serve", "uvicorn_config"]
