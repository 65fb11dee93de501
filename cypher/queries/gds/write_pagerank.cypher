// params: $graph, $config
// returns: nodes, iterations, seconds — PageRank on the in-memory graph $graph written to the stored nodes
//   ($config names writeProperty, relationshipTypes, dampingFactor, concurrency …)
// requires: gds
CALL gds.pageRank.write($graph, $config) YIELD nodePropertiesWritten, ranIterations, computeMillis, writeMillis
RETURN nodePropertiesWritten AS nodes, ranIterations AS iterations, (computeMillis + writeMillis) / 1000.0 AS seconds
