"""Customer journeys: the event stream, sessions, the pattern language, funnels, attribution and the journey store.

* :mod:`~graphengine.journeys.events` — :class:`Events`, the columnar event table everything below runs over;
* :mod:`~graphengine.journeys.event_stream` — Event nodes read out of Neo4j into ``Events``, in batches;
* :mod:`~graphengine.journeys.core` — sessions, journey patterns (the language is documented there), channel
  transitions, funnels and the named patterns: pure numpy/``re``, no database;
* :mod:`~graphengine.journeys.pattern_lang`, :mod:`~graphengine.journeys.pattern_match` — the pattern parser
  and its translation to a regex, and the matcher;
* :mod:`~graphengine.journeys.attribution` — conversion paths, five heuristics and the Markov removal effect;
* :mod:`~graphengine.journeys.path_files` — aggregated paths from a CSV or Parquet file (ChannelAttribution layout);
* :mod:`~graphengine.journeys.graph_paths` — path questions answered in Cypher (shortest paths, abandonment);
* :mod:`~graphengine.journeys.store` — the journey core run on the graph, results written back with a run id.

The names below are re-exported; the store's ``funnel``, ``channel_transitions`` and ``attribution`` (the graph
versions of the pure functions) are reached through :mod:`~graphengine.journeys.store`.
"""

from graphengine.journeys.attribution import (
    HEURISTIC_MODELS,
    Attribution,
    Paths,
    attribute,
    attribute_all,
    attribute_available,
    conversion_paths,
    credits_by_channel,
    heuristic,
    markov,
)
from graphengine.journeys.core import (
    NAMED_PATTERNS,
    Funnel,
    Matches,
    Pattern,
    Sessions,
    Symbol,
    Transitions,
    channel_transitions,
    funnel,
    match_named,
    match_pattern,
    named_pattern,
    sessionize,
)
from graphengine.journeys.event_stream import customer_ranges, events_from_columns, read_events
from graphengine.journeys.events import Events
from graphengine.journeys.path_files import PATH_COLUMNS, PathFile, path_file_attribution, read_path_file
from graphengine.journeys.store import (  # the store re-exports the graph_paths functions
    abandonment_journeys,
    community_connection,
    customer_journey,
    find_matches,
    path_to_account,
    path_to_product,
    pattern_counts,
    pattern_matches,
    sessionize_graph,
    transitions_from_graph,
)

__all__ = [
    "HEURISTIC_MODELS",
    "NAMED_PATTERNS",
    "PATH_COLUMNS",
    "Attribution",
    "Events",
    "Funnel",
    "Matches",
    "PathFile",
    "Paths",
    "Pattern",
    "Sessions",
    "Symbol",
    "Transitions",
    "abandonment_journeys",
    "attribute",
    "attribute_all",
    "attribute_available",
    "channel_transitions",
    "community_connection",
    "conversion_paths",
    "credits_by_channel",
    "customer_journey",
    "customer_ranges",
    "events_from_columns",
    "find_matches",
    "funnel",
    "heuristic",
    "markov",
    "match_named",
    "match_pattern",
    "named_pattern",
    "path_file_attribution",
    "path_to_account",
    "path_to_product",
    "pattern_counts",
    "pattern_matches",
    "read_events",
    "read_path_file",
    "sessionize",
    "sessionize_graph",
    "transitions_from_graph",
]
