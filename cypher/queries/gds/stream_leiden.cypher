// params: $graph, $config
// returns: nodes, communities — Leiden community per node of $graph
// requires: gds
CALL gds.leiden.stream($graph, $config) YIELD nodeId, communityId
RETURN collect(nodeId) AS nodes, collect(communityId) AS communities
