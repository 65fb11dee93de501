// params: $graph
// returns: bytes, memory — the heap the in-memory GDS graph $graph takes (bytes, and GDS's readable figure)
// requires: gds
CALL gds.graph.list($graph) YIELD sizeInBytes, memoryUsage
RETURN sizeInBytes AS bytes, memoryUsage AS memory
