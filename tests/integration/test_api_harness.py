"""The API test harness (a real uvicorn server in a thread, a TCP proxy that can cut Neo4j off, a small demo
graph loaded through the product's loaders), and the tests of the API against an unreachable Neo4j: 503 with
Retry-After while it is gone, recovery by itself when it is back."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from graphengine.analytics.influence import run_influencers
from graphengine.analytics.segments import run_communities
from graphengine.api import ApiOptions, create_app
from graphengine.api.server import uvicorn_config
from graphengine.config import Settings
from graphengine.demo import DemoSpec, generate_demo, load_demo
from graphengine.store import Store
from tests.integration._recommender import promote_offline_model

API_KEY = "test-key-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def running_api(settings: Settings, options: ApiOptions | None = None) -> Iterator[uvicorn.Server]:
    """A real uvicorn server with ``create_app(settings)`` on a free loopback port, in a thread."""
    config = uvicorn_config(settings.model_copy(update={"api_port": free_port()}), options, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="api-under-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the API server did not start")
        time.sleep(0.02)
    try:
        yield server
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@contextlib.contextmanager
def api_client(settings: Settings, options: ApiOptions | None = None) -> Iterator[httpx.Client]:
    with running_api(settings, options) as server, httpx.Client(base_url=base_url(server), timeout=30) as client:
        yield client


def base_url(server: uvicorn.Server) -> str:
    return f"http://{server.config.host}:{server.config.port}"


def app_of(server: uvicorn.Server) -> Any:
    return server.config.app


def load_small_demo(store: Store, settings: Settings, tmp: Path, customers: int = 300) -> dict[str, Any]:
    """Empty the graph and load a small demo through the real loaders, then influencers and communities."""
    store.clear()
    truth = generate_demo(tmp / "data", DemoSpec(customers=customers, products=60, communities=3, influencers=4))
    load_demo(store, tmp / "data", salt=settings.hash_salt.get_secret_value(), out_dir=tmp / "out")
    run_influencers(store)
    run_communities(store)
    return truth


class TcpProxy:
    """Forwards a loopback port to Neo4j's Bolt port; :meth:`stop` cuts every connection (Neo4j "goes away")."""

    def __init__(self, target_port: int, port: int) -> None:
        self.target_port = target_port
        self.port = port
        self._listener: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
                upstream.settimeout(None)
            except OSError:
                return
            with self._lock:
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()


# ------------------------------------------------------------------------------------------------ tests
def _assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == "5"
    error = response.json()["error"]
    assert error["code"] == "store_unavailable"
    assert set(error) == {"code", "message", "details"}


def test_unreachable_neo4j_gives_503_with_retry_after(settings: Settings, tmp_path: Path) -> None:
    closed = settings.model_copy(update={"bolt_port": free_port(), "api_open": True})  # reads without a key
    promote_offline_model(tmp_path)  # a promoted model whose product table cannot be read while Neo4j is gone
    with api_client(closed, ApiOptions(request_retry_s=0.2, models_home=tmp_path)) as client:
        for path in ("/health", "/customers/c1/recommendations", "/influencers", "/customers/c1"):
            _assert_unavailable(client.get(path))
        response = client.post("/events", json={"events": []})
        assert response.status_code == 403  # no keys configured: refused before Neo4j is asked


def test_outage_then_recovery_by_itself(session_store: Store, settings: Settings) -> None:
    """Neo4j reachable → cut off (connections dropped mid-life) → 503 → back → 200, same app, same driver."""
    proxy = TcpProxy(settings.bolt_port, free_port())
    via_proxy = settings.model_copy(update={"bolt_port": proxy.port})
    options = ApiOptions(request_retry_s=0.3, cache_ttl_s=0)
    with api_client(via_proxy, options) as client:
        _assert_unavailable(client.get("/health"))  # not up yet: the app started anyway
        proxy.start()
        try:
            assert client.get("/health").status_code == 200
            proxy.stop()
            _assert_unavailable(client.get("/health"))
            _assert_unavailable(client.get("/communities"))
            proxy.start()
            deadline = time.monotonic() + 10
            while (status := client.get("/health").status_code) != 200 and time.monotonic() < deadline:
                time.sleep(0.2)
            assert status == 200
            assert client.get("/communities").status_code == 200
        finally:
            proxy.stop()


def test_serve_config_runs_the_app_on_the_settings_port(settings: Settings) -> None:
    config = uvicorn_config(settings.model_copy(update={"api_port": 8123}))
    assert (config.host, config.port, config.access_log) == ("127.0.0.1", 8123, False)
    assert create_app(settings).title == "graphengine API"
