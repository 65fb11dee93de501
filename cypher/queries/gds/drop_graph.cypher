// params: $graph
// returns: dropped — the names of the in-memory GDS graphs removed (none when $graph did not exist)
// requires: gds
CALL gds.graph.drop($graph, false) YIELD graphName
RETURN collect(graphName) AS dropped
