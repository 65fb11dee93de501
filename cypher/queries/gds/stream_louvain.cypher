// params: $graph, $config
// returns: nodes, communities, levels — Louvain community per node of $graph and its community at every level
// requires: gds
CALL gds.louvain.stream($graph, $config) YIELD nodeId, communityId, intermediateCommunityIds
RETURN collect(nodeId) AS nodes, collect(communityId) AS communities, collect(intermediateCommunityIds) AS levels
