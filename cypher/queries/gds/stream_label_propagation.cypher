// params: $graph, $config
// returns: nodes, communities — label propagation community per node of $graph
// requires: gds
CALL gds.labelPropagation.stream($graph, $config) YIELD nodeId, communityId
RETURN collect(nodeId) AS nodes, collect(communityId) AS communities
