// params: $graph, $config
// returns: nodes, scores — betweenness (unnormalised) per node of $graph, as two aligned lists
// requires: gds
CALL gds.betweenness.stream($graph, $config) YIELD nodeId, score
RETURN collect(nodeId) AS nodes, collect(score) AS scores
