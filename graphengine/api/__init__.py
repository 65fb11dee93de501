"""The thin HTTP API: ``create_app(settings)`` builds it, ``serve(settings)`` runs it."""

from graphengine.api.app import ApiOptions, create_app
from graphengine.api.server import serve

__all__ = ["ApiOptions", "create_app", "serve"]
