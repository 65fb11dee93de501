"""``graphengine analyze …``: centrality, influencers, communities, identity resolution and their runs."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from graphengine.commands._common import JsonOpt, err, out, print_json, print_rows, settings
from graphengine.store import Store

app = typer.Typer(help="Influencer centrality, communities and identity resolution on the graph.", no_args_is_help=True)

Graph = Annotated[str, typer.Option("--graph", help="Projection: social or customers.")]
Platform = Annotated[
    str | None, typer.Option(help="Only this platform's accounts (customers: those who own an account there).")
]
Since = Annotated[str | None, typer.Option(help="Only relationships at or after this ISO-8601 time.")]
Until = Annotated[str | None, typer.Option(help="Only relationships before this ISO-8601 time.")]
Edges = Annotated[
    list[str] | None,
    typer.Option(
        "--edges", help="Relationship kinds to keep (customers: PURCHASED, REFERRED; identity: email, phone, …)."
    ),
]


def _scope(platform: str | None, since: str | None, until: str | None, edges: list[str] | None) -> Any:
    from graphengine.analytics.subgraph import Scope

    return Scope.parse(platform, since, until, edges)


Backend = Annotated[
    str,
    typer.Option(
        "--backend",
        help="igraph (default, C), igraph-leidenalg (Leiden via leidenalg), gds (in Neo4j) or networkx (reference).",
    ),
]


def _print_estimate(store: Store, graph: str, backend: str) -> None:
    """The projection's memory estimate on stderr before it is built (stdout stays one JSON object)."""
    from graphengine.analytics.projection import estimate
    from graphengine.errors import AnalysisError

    try:
        line = estimate(store, graph, backend).describe()
    except AnalysisError:
        return  # an unknown projection or backend is reported by the run itself
    err.print(f"{graph}: {line}", style="dim")


def _summary(summary: dict[str, object], as_json: bool) -> None:
    if as_json:
        print_json(summary)
        return
    out.print(
        f"run [bold]{summary['runId']}[/] on {summary.get('graph')}: counts {summary.get('counts')}, "
        f"metrics {summary.get('metrics')}, seconds {summary.get('seconds')}"
    )


@app.command("centrality")
def centrality(
    graph: Graph = "social",
    algorithm: Annotated[
        list[str],
        typer.Option(
            "--algorithm", help="pagerank, betweenness, eigenvector, in_degree, out_degree, harmonic (repeatable)."
        ),
    ] = ["pagerank"],  # noqa: B006
    backend: Backend = "igraph",
    damping: float = 0.85,
    samples: Annotated[int | None, typer.Option(help="Sampled betweenness with this many sources.")] = None,
    platform: Platform = None,
    since: Since = None,
    until: Until = None,
    edges: Edges = None,
    as_json: JsonOpt = False,
) -> None:
    """Compute centralities and write them back on the projected nodes (of the scope, if one is given)."""
    from graphengine.analytics.influence import run_centrality

    scope = _scope(platform, since, until, edges)
    with Store(settings()) as store:
        _print_estimate(store, graph, backend)
        summary = run_centrality(
            store,
            graph=graph,
            algorithms=algorithm,
            backend=backend,
            damping=damping,
            betweenness_samples=samples,
            scope=scope,
        )
    _summary(summary, as_json)


@app.command("influencers")
def influencers(
    backend: Backend = "igraph",
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 10,
    platform: Platform = None,
    community: Annotated[int | None, typer.Option("--community")] = None,
    recompute: Annotated[bool, typer.Option(help="Recompute scores first (default) or only list.")] = True,
    since: Since = None,
    until: Until = None,
    as_json: JsonOpt = False,
) -> None:
    """PageRank, betweenness, reach, engagement and advocate pyramid on the social graph; list the top.
    With --platform (or --since/--until) the scores are computed on that part of the graph only."""
    from graphengine.analytics.influence import count_withheld_accounts, list_influencers, run_influencers

    scope = _scope(platform, since, until, None)
    with Store(settings()) as store:
        if recompute:
            _print_estimate(store, "social", backend)
        summary = run_influencers(store, backend=backend, scope=scope) if recompute else {}
        rows = list_influencers(store, limit=limit, platform=platform, community_id=community)
        withheld = count_withheld_accounts(store, platform=platform, community_id=community)
    if as_json:
        print_json({**summary, "influencers": rows, "withheld": withheld})
        return
    if summary:
        _summary(summary, False)
    print_rows(
        rows,
        f"top influencers ({withheld:,} accounts of customers without profiling consent left out)",
        [
            "accountId",
            "handle",
            "platform",
            "score",
            "followers",
            "reach2",
            "communityId",
            "mentions",
            "advocateLevel",
            "customerId",
            "referralValue",
        ],
    )


@app.command("communities")
def communities(
    graph: Graph = "social",
    algorithm: Annotated[
        str,
        typer.Option(
            help="auto (six methods propose, the map equation chooses; igraph only), leiden_consensus (ten "
            "seeded Leiden runs' consensus), leiden, louvain, label_propagation, wcc."
        ),
    ] = "auto",
    resolution: float = 1.0,
    backend: Backend = "igraph",
    seed: int = 42,
    partition: Annotated[
        str, typer.Option(help="component: each connected component on its own (default); graph: one modularity.")
    ] = "component",
    platform: Platform = None,
    since: Since = None,
    until: Until = None,
    edges: Edges = None,
    as_json: JsonOpt = False,
) -> None:
    """Detect communities and write communityId back (social communities also go to account owners)."""
    from graphengine.analytics.segments import list_communities, run_communities

    with Store(settings()) as store:
        _print_estimate(store, graph, backend)
        summary = run_communities(
            store,
            graph=graph,
            algorithm=algorithm,
            resolution=resolution,
            backend=backend,
            seed=seed,
            partition=partition,
            scope=_scope(platform, since, until, edges),
        )
        top = list_communities(store, limit=10) if graph == "social" else []
    if as_json:
        print_json(summary)
        return
    _summary(summary, False)
    if top:
        print_rows(top, "largest communities")


@app.command("community")
def community(community_id: int, as_json: JsonOpt = False) -> None:
    """The profile of one community: size, influencers, products, channels, consent share."""
    from graphengine.analytics.segments import community_profile

    with Store(settings()) as store:
        profile = community_profile(store, community_id)
    if as_json:
        print_json(profile)
    else:
        print_rows([profile], f"community {community_id}")


@app.command("identity")
def identity(
    backend: Backend = "igraph",
    platform: Platform = None,
    since: Since = None,
    until: Until = None,
    edges: Edges = None,
    as_json: JsonOpt = False,
    method: Annotated[
        str, typer.Option(help="deterministic (shared identifiers) or probabilistic (also Fellegi–Sunter scoring).")
    ] = "deterministic",
    threshold: Annotated[
        float, typer.Option(help="probabilistic: match weight (log2 odds) at or above which a scored pair links.")
    ] = 4.0,
) -> None:
    """Resolve customers that share identifiers into Profiles (one strong, or two weak identifiers); with
    --method probabilistic also customers whose names, addresses and birth dates match despite misspellings."""
    from graphengine.analytics.identity import run_identity_resolution
    from graphengine.analytics.linkage.resolve import LinkageRules, run_probabilistic_resolution

    if method not in ("deterministic", "probabilistic"):
        raise typer.BadParameter("deterministic or probabilistic", param_hint="--method")
    scope = _scope(platform, since, until, edges)
    with Store(settings()) as store:
        if method == "probabilistic":
            summary = run_probabilistic_resolution(store, linkage=LinkageRules(threshold), backend=backend, scope=scope)
        else:
            summary = run_identity_resolution(store, backend=backend, scope=scope)
        _summary(summary, as_json)


@app.command("undo")
def undo(run_id: str, as_json: JsonOpt = False) -> None:
    """Undo an identity resolution run (its profiles go, the links it superseded come back)."""
    from graphengine.analytics.identity import undo_resolution

    with Store(settings()) as store:
        result = undo_resolution(store, run_id)
    print_json(result) if as_json else out.print(f"undone {run_id}: {result}")


@app.command("explain")
def explain(customer_a: str, customer_b: str, as_json: JsonOpt = False) -> None:
    """Why two customers share a unified profile, or why not."""
    from graphengine.analytics.identity import explain_pair

    with Store(settings()) as store:
        result = explain_pair(store, customer_a, customer_b)
    print_json(result) if as_json else out.print(result["explanation"])


@app.command("runs")
def runs(
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    kind: Annotated[str | None, typer.Option(help="centrality, influencers, communities, identity…")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List analysis runs, newest first."""
    from graphengine.analytics.runs import list_runs

    with Store(settings()) as store:
        rows = list_runs(store, limit=limit, kind=kind)
    if as_json:
        print_json(rows)
    else:
        print_rows(
            rows,
            "analysis runs",
            ["runId", "kind", "algorithm", "backend", "graph", "status", "counts", "metrics", "startedAt"],
        )
