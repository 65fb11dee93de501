// params: $graph, $config
// returns: nodes, communities — weakly connected component per node of $graph
// requires: gds
CALL gds.wcc.stream($graph, $config) YIELD nodeId, componentId
RETURN collect(nodeId) AS nodes, collect(componentId) AS communities
