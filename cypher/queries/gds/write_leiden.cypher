// params: $graph, $config
// returns: nodes, communities, modularity, seconds — Leiden on the in-memory graph $graph written to the stored
//   nodes ($config names writeProperty, relationshipTypes (undirected), gamma, randomSeed, concurrency …)
// requires: gds
CALL gds.leiden.write($graph, $config)
  YIELD nodePropertiesWritten, communityCount, modularity, computeMillis, writeMillis
RETURN nodePropertiesWritten AS nodes, communityCount AS communities, modularity,
  (computeMillis + writeMillis) / 1000.0 AS seconds
