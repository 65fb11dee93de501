// params: $graph, $config
// returns: maximum, seconds — betweenness on the in-memory graph $graph, summarised ($config: samplingSize …)
// requires: gds
CALL gds.betweenness.stats($graph, $config) YIELD centralityDistribution, computeMillis
RETURN centralityDistribution.max AS maximum, computeMillis / 1000.0 AS seconds
