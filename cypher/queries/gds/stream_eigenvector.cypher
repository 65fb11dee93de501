// params: $graph, $config
// returns: nodes, scores — eigenvector centrality per node of $graph, as two aligned lists
// requires: gds
CALL gds.eigenvector.stream($graph, $config) YIELD nodeId, score
RETURN collect(nodeId) AS nodes, collect(score) AS scores
