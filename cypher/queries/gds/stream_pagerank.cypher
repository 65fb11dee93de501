// params: $graph, $config
// returns: nodes, scores — PageRank per node of the in-memory graph $graph, as two aligned lists
// requires: gds
CALL gds.pageRank.stream($graph, $config) YIELD nodeId, score
RETURN collect(nodeId) AS nodes, collect(score) AS scores
