"""Serving the promoted recommender over HTTP: throughput and latency against a trivial route, into RESULTS.md.

Starts (or reuses) a local Neo4j instance (``benchapi``, Bolt 7692 / HTTP 7479 unless the ``GRAPHENGINE_*``
environment says otherwise), loads the demo graph into it when it is empty (or with ``--reload``), runs
influencers and communities, trains a recommender from the graph with the training pipeline
(``graphengine recommender train``'s ``train_from_graph``) and promotes it in a bench home; then starts the API
with uvicorn (one worker) in a separate process on loopback and fires bounded request lists with
``--concurrency`` (32) connections in flight from a minimal asyncio HTTP/1.1 client in this process
(:class:`RawHttp`, tens of microseconds per request; the httpx client costs more CPU than the server's cached
answer, so it would measure itself on two shared cores).

Scenarios, each a fixed list of requests (at most ``--time-cap`` seconds):

* **trivial route**: ``GET /no-such-route`` (a 404 in the error shape) — the peer every ratio divides by;
* **uncached, each customer's first request**: one request per distinct customer (≥ 2,000 with profiling
  consent): the response cache cannot help; the server read every customer's state and ranked their
  candidates in the background before the run (the bench waits for ``/health`` to say so);
* **uncached, another limit / filtered / explain=true**: the same customers under other cache keys — what a
  returning customer costs after the response TTL, with product filters, with explanations;
* **hot customers, cached**: 100 customers drawn at random, warmed first (the cache-first ASGI layer answers);
* **hot customers, cached, 2 writes/s**: the same while a writer posts one purchase every 0.5 s for a random
  other customer through ``POST /events`` — a write drops only its customer's entries.

Run: ``.venv/bin/python benchmarks/bench_api.py [--customers 10000] [--requests 5000] [--quick]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from graphengine.analytics.influence import run_influencers
from graphengine.analytics.segments import run_communities
from graphengine.config import PROJECT_ROOT, Settings
from graphengine.demo import DemoSpec, generate_demo, load_demo
from graphengine.recommend.training import train_from_graph
from graphengine.store import LocalNeo4j, Store, apply_schema

BENCH_ENV = {
    "GRAPHENGINE_INSTANCE": "benchapi",
    "GRAPHENGINE_BOLT_PORT": "7692",
    "GRAPHENGINE_HTTP_PORT": "7479",
    "GRAPHENGINE_HEAP_SIZE": "1g",
    "GRAPHENGINE_PAGECACHE_SIZE": "1g",
}
KEY = "bench-key"
SERVER = (
    "import sys\n"
    "from pathlib import Path\n"
    "from graphengine.api import ApiOptions, serve\n"
    "from graphengine.config import get_settings\n"
    "options = ApiOptions(cache_ttl_s=float(sys.argv[1]), models_home=Path(sys.argv[2]), customer_state_ttl_s=600)\n"
    "serve(get_settings(), options, log_level='warning')\n"
)
HOT = 100
HOT_FACTOR = 25  # the cached scenarios send this many times --requests, so they last long enough for the writes
WRITES_PER_S = 2.0


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)  # process → CPU seconds spent during the run
    expected: int = 200  # the trivial route's 404 is its right answer

    def row(self) -> list[str]:
        lat = sorted(self.latencies)
        n = len(lat)
        p50 = lat[n // 2] * 1000 if n else float("nan")
        p99 = lat[min(n - 1, int(n * 0.99))] * 1000 if n else float("nan")
        ok = sum(v for k, v in self.statuses.items() if k < 400 or k == self.expected)
        codes = ", ".join(f"{k}×{v}" for k, v in sorted(self.statuses.items()))
        rate = n / self.seconds if self.seconds else 0.0
        per = [f"{self.cpu[k] / max(n, 1) * 1000:.2f}" if k in self.cpu else "" for k in ("api", "neo4j", "client")]
        return [self.name, f"{n:,}", codes, f"{p50:.1f}", f"{p99:.1f}", f"{rate:,.0f}", f"{ok / max(n, 1):.0%}", *per]


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a process so far (Linux /proc); 0 when unknown."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_env() -> dict[str, str]:
    return {**BENCH_ENV, **{k: v for k, v in os.environ.items() if k.startswith("GRAPHENGINE_")}}


def bench_settings(port: int) -> Settings:
    env = bench_env()
    values = {k.removeprefix("GRAPHENGINE_").lower(): v for k, v in env.items()}
    return Settings(_env_file=None, **{**values, "api_port": port, "api_keys": [KEY]})  # type: ignore[arg-type]


def prepare_graph(settings: Settings, customers: int, reload: bool) -> dict[str, list[str]]:
    with Store(settings) as store:
        apply_schema(store)
        count = store.run_text("MATCH (c:Customer) RETURN count(c) AS n")[0]["n"]
        if reload or not customers <= count <= 1.2 * customers:
            print(f"loading the demo graph ({customers:,} customers) into instance {settings.instance} …")
            store.clear(batch_size=1_000)
            folder = settings.home / "bench-api" / f"demo-{customers}"
            if not (folder / "truth.json").exists():
                generate_demo(folder, DemoSpec(customers=customers))
            started = time.perf_counter()
            load_demo(store, folder, salt=settings.hash_salt.get_secret_value(), out_dir=folder / "out")
            run_influencers(store)
            run_communities(store)
            print(f"  loaded and analysed in {time.perf_counter() - started:.0f} s")
        ids = store.run_text(
            "MATCH (c:Customer {consentProfiling: true}) WHERE EXISTS { (c)-[:PURCHASED]->() } "
            "RETURN collect(c.customerId) AS active"
        )[0]
        products = store.run_text("MATCH (p:Product) RETURN collect(p.productId) AS ids")[0]["ids"]
        owners = store.run_text(
            "MATCH (c:Customer {consentProfiling: true})-[:OWNS]->(:SocialAccount)-[:FOLLOWS]-() "
            "RETURN collect(DISTINCT c.customerId) AS ids"
        )[0]["ids"]
        communities = store.run_text("MATCH (a:SocialAccount) RETURN collect(DISTINCT a.communityId) AS ids")[0]
    return {"active": ids["active"], "products": products, "owners": owners, "communities": communities["ids"]}


def train(settings: Settings, home: Path) -> dict[str, object]:
    """Train from the graph and promote (the pipeline of ``graphengine recommender train``)."""
    with Store(settings) as store:
        started = time.perf_counter()
        result = train_from_graph(store, home, kinds=("popularity", "itemknn", "rp3beta", "ease"), promote=True)
    print(f"trained and promoted {result['model']} {result['version']} in {time.perf_counter() - started:.1f} s")
    return result


def start_server(settings: Settings, cache_ttl: float, home: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, **bench_env(), "GRAPHENGINE_API_PORT": str(settings.api_port)}
    env["GRAPHENGINE_API_KEYS"] = f'["{KEY}"]'
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(cache_ttl), str(home)], env=env, cwd=PROJECT_ROOT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            health = httpx.get(f"http://127.0.0.1:{settings.api_port}/health", timeout=5)
            if health.status_code == 200 and (health.json().get("recommender") or {}).get("warm"):
                print(f"API up; serving states kept: {health.json()['recommender']}")
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise SystemExit("the API server did not come up (and read the serving states) within 180 s")


Request = tuple[str, str, "dict[str, object] | None"]
Sender = Callable[[str, str, "dict[str, object] | None"], Awaitable[int]]


class RawHttp:
    """A minimal HTTP/1.1 keep-alive connection for the load generator. httpx spends about 1.4 ms of CPU per
    request — fifteen times what the server spends on a cached one — so on two shared cores an httpx load
    generator measures httpx; this one costs tens of microseconds."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        self.extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def __call__(self, method: str, url: str, body: dict[str, object] | None) -> int:
        payload = json.dumps(body).encode() if body is not None else b""
        kind = "Content-Type: application/json\r\n" if body is not None else ""
        head = f"{method} {url} HTTP/1.1\r\nHost: 127.0.0.1\r\n{self.extra}{kind}Content-Length: {len(payload)}\r\n\r\n"
        for attempt in (1, 2):  # the server closes idle keep-alive connections (after 5 s): reconnect once
            if self.reader is None or self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            try:
                self.writer.write(head.encode() + payload)
                header = await self.reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                self.close()
                self.reader = self.writer = None
                if attempt == 2:
                    raise
                continue
            lines = header.split(b"\r\n")
            fields = (line.partition(b":") for line in lines[1:])
            length = next(int(v) for k, _, v in fields if k.lower() == b"content-length")
            await self.reader.readexactly(length)
            return int(lines[0].split()[1])
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def fire(
    senders: Sequence[Sender], name: str, requests: list[Request], time_cap: float, pids: dict[str, int | None]
) -> Result:
    """Send ``requests`` (method, url, json) with one worker per sender in flight; stop starting new ones at the
    time cap. The CPU time of the processes in ``pids`` (and of this one, the client) is measured around it."""
    result = Result(name)
    queue = iter(requests)
    deadline = time.monotonic() + time_cap

    async def worker(send: Sender) -> None:
        for method, url, body in queue:
            if time.monotonic() > deadline:
                return
            started = time.perf_counter()
            status = await send(method, url, body)
            result.latencies.append(time.perf_counter() - started)
            result.statuses[status] = result.statuses.get(status, 0) + 1

    before = {name: cpu_seconds(pid) for name, pid in pids.items()} | {"client": time.process_time()}
    started = time.perf_counter()
    await asyncio.gather(*(worker(send) for send in senders))
    result.seconds = time.perf_counter() - started
    after = {name: cpu_seconds(pid) for name, pid in pids.items()} | {"client": time.process_time()}
    result.cpu = {name: after[name] - before[name] for name in after if pids.get(name, 1) is not None}
    return result


async def background_writes(send: Sender, customers: list[str], products: list[str], stop: asyncio.Event) -> int:
    """One purchase line every 1 / WRITES_PER_S seconds for a random customer until ``stop``; returns how many."""
    rng = random.Random(11)
    n = 0
    while not stop.is_set():
        line = {
            "orderId": f"bench-w-{time.time_ns()}-{n}",
            "customerId": rng.choice(customers),
            "productId": rng.choice(products),
            "amount": 10.0,
            "at": "2026-03-01T12:00:00Z",
        }
        status = await send("POST", "/events", {"source": "bench", "purchases": [line]})
        assert status == 201, status
        n += 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1 / WRITES_PER_S)
    return n


async def run_http(
    settings: Settings, ids: dict[str, list[str]], args: argparse.Namespace, pids: dict[str, int | None]
) -> tuple[list[Result], int]:
    rng = random.Random(args.seed)
    customers = ids["active"][:]
    rng.shuffle(customers)
    hot, distinct = customers[:HOT], customers[HOT:]
    others = distinct[: len(distinct) // 2]
    headers = {"X-API-Key": KEY}
    raw = [RawHttp(settings.api_port, headers) for _ in range(args.concurrency)]
    results: list[Result] = []

    async def run(name: str, urls: list[str], *, warm: bool = False) -> Result:
        if warm:
            await fire(raw, "warm-up", [("GET", u, None) for u in dict.fromkeys(urls)], 120, {})
        result = await fire(raw, name, [("GET", u, None) for u in urls], args.time_cap, pids)
        print(" | ".join(result.row()))
        results.append(result)
        return result

    n = args.requests
    await fire(raw, "warm-up", [("GET", "/no-such-route", None)] * 500, 30, {})
    trivial = await run("trivial route: GET /no-such-route (404)", ["/no-such-route"] * n)
    trivial.expected = 404
    await run(
        "recommendations, uncached, each customer's first request",
        [f"/customers/{c}/recommendations" for c in distinct[:n]],
    )
    await run(
        "recommendations, uncached, another limit",
        [f"/customers/{c}/recommendations?limit=9" for c in distinct[:n]],
    )
    await run(
        "recommendations, uncached, filtered (in stock, price ≥ 20)",
        [f"/customers/{c}/recommendations?in_stock=true&min_price=20" for c in distinct[:n]],
    )
    await run(
        "recommendations, uncached, explain=true",
        [f"/customers/{c}/recommendations?limit=8&explain=true" for c in distinct[:n]],
    )
    hot_urls = [f"/customers/{rng.choice(hot)}/recommendations" for _ in range(HOT_FACTOR * n)]  # ≥ 10 s of writes
    await run("hot customers, cached", hot_urls, warm=True)
    writer = RawHttp(settings.api_port, headers)
    stop = asyncio.Event()
    task = asyncio.create_task(background_writes(writer, others, ids["products"], stop))
    await asyncio.sleep(1.0)
    await run(f"hot customers, cached, {WRITES_PER_S:.0f} writes/s in the background", hot_urls, warm=True)
    stop.set()
    written = await task
    writer.close()
    for connection in raw:
        connection.close()
    return results, written


def _rate(result: Result) -> float:
    return len(result.latencies) / result.seconds if result.seconds else 0.0


def _p99(result: Result) -> float:
    lat = sorted(result.latencies)
    return lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000 if lat else float("nan")


def section(
    results: list[Result], args: argparse.Namespace, load: str, trained: dict[str, object], written: int
) -> str:
    trivial = _rate(results[0])
    header = (
        "| scenario | requests | statuses | p50 ms | p99 ms | req/s | ok | × trivial | API CPU ms/req "
        "| Neo4j CPU ms/req | client CPU ms/req |\n|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    rows = ""
    for r in results:
        cells = r.row()
        rows += "| " + " | ".join([*cells[:7], f"{_rate(r) / trivial:.2f}", *cells[7:]]) + " |\n"
    cold, kept = results[1], results[2]
    hot, hot_writes = results[5], results[6]

    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**missed**"

    targets = (
        f"- uncached recommendations ≥ 50 % of the trivial route: first request {_rate(cold) / trivial:.0%}, "
        f"another limit {_rate(kept) / trivial:.0%} — {verdict(_rate(cold) >= 0.5 * trivial)} / "
        f"{verdict(_rate(kept) >= 0.5 * trivial)};\n"
        f"- p99 ≤ 25 ms: first request {_p99(cold):.1f} ms, another limit {_p99(kept):.1f} ms — "
        f"{verdict(_p99(cold) <= 25)} / {verdict(_p99(kept) <= 25)};\n"
        f"- hot customers with {WRITES_PER_S:.0f} writes/s ({written} purchases posted during the run) keep "
        f"{_rate(hot_writes) / _rate(hot):.0%} of their no-write throughput — "
        f"{verdict(_rate(hot_writes) >= 0.5 * _rate(hot))}.\n"
    )
    return (
        f"## API (`benchmarks/bench_api.py`, one run, {args.concurrency} connections, loopback)\n\n"
        f"Demo graph, {args.customers:,} customers; served model: {trained['model']} ({trained['version']}), trained "
        f"from the graph by the training pipeline. uvicorn, one worker; load generator in the bench process. "
        f"Machine: {os.cpu_count()} cores shared by Neo4j, the API and the load generator (load average {load} at "
        f"the start), Python {platform.python_version()}, {dt.date.today()}. Requests per scenario ≤ "
        f"{args.requests:,}, ≤ {args.time_cap:.0f} s each.\n\n{header}{rows}\n{targets}\n{NOTES}"
    )


NOTES = """**Reading the table.** The server reads every customer's serving state (consent, community,
interaction row, followees' signals) in bulk in the background at start — one query per 500 customers — and
ranks each state's best 100 candidates in one batched `model.scores` call; the bench waits until `/health`
says `recommender.warm`. *Each customer's first request*: the response cache has nothing for it; the request
is answered from memory by the fast path in front of FastAPI (`graphengine/api/served_fastpath.py`): validate
the query, take the first `limit` candidates the filters allow, JSON. *Another limit*: the same customers again
under another cache key. *Filtered*: a product filter on the candidates (scoring afresh only when too few of
the 100 pass). *explain=true*: the item contributions behind each listed item, computed per request. A write
through the API forgets only its customer's kept state and cached answers (their next request reads the state
from Neo4j and ranks it in the route); the background reader refreshes every state every
`customer_state_refresh_s`, which bounds staleness after writes that bypass the API. The CPU columns split
each request's work between the API process, Neo4j and the load generator (from /proc, over the whole
scenario). The ratio column divides each scenario's req/s by the trivial route's.
"""


def replace_section(path: Path, text: str) -> None:
    """Put ``text`` in place of the ``## API`` section of RESULTS.md (or append it)."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    start = old.find("\n## API")
    if start < 0:
        path.write_text(old.rstrip("\n") + "\n\n" + text, encoding="utf-8")
        return
    end = old.find("\n## ", start + 1)
    rest = old[end:] if end >= 0 else "\n"
    path.write_text(old[: start + 1] + text + rest, encoding="utf-8")


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:
        return None
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=5_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--time-cap", type=float, default=30.0)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--cache-ttl", type=float, default=300.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reload", action="store_true", help="reload the demo graph even when one is there")
    parser.add_argument("--quick", action="store_true", help="1,000 requests per scenario, 10 s cap")
    parser.add_argument("--keep-running", action="store_true", help="leave the bench Neo4j instance running")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("RESULTS.md"))
    args = parser.parse_args()
    if args.quick:
        args.requests, args.time_cap = 1_000, 10.0
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    settings = bench_settings(args.port)
    started = LocalNeo4j(settings).start() if settings.managed else False
    try:
        run(settings, args, load)
    finally:
        if started and not args.keep_running:
            LocalNeo4j(settings).stop()


def run(settings: Settings, args: argparse.Namespace, load: str) -> None:
    ids = prepare_graph(settings, args.customers, args.reload)
    print(f"{len(ids['active']):,} active customers, {len(ids['products']):,} products; load average {load}")
    home = settings.home / "bench-api" / "models"
    trained = train(settings, home)
    server = start_server(settings, args.cache_ttl, home)
    try:
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            pids = {"api": server.pid, "neo4j": LocalNeo4j(settings).pid() if settings.managed else None}
            results, written = runner.run(run_http(settings, ids, args, pids))
    finally:
        server.terminate()
        server.wait(timeout=30)
    replace_section(args.out, section(results, args, load, trained, written))
    print(f"wrote the ## API section of {args.out}")


if __name__ == "__main__":
    main()
