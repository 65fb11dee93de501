// params: $graph, $config
// returns: nodes, scores — harmonic closeness (divided by n - 1) per node of $graph, as two aligned lists
// requires: gds
CALL gds.closeness.harmonic.stream($graph, $config) YIELD nodeId, score
RETURN collect(nodeId) AS nodes, collect(score) AS scores
