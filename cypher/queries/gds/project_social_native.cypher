// params: $graph
// returns: nodes, relationships, seconds — GDS's own native projection of the follower graph into the in-memory
//   graph $graph: SocialAccount nodes, FOLLOWS as the directed type FOLLOWS and again as the undirected type
//   FOLLOWS_UNDIRECTED (PageRank reads the first, Leiden and Louvain the second)
// requires: gds
CALL gds.graph.project(
  $graph,
  'SocialAccount',
  {
    FOLLOWS: {type: 'FOLLOWS', orientation: 'NATURAL'},
    FOLLOWS_UNDIRECTED: {type: 'FOLLOWS', orientation: 'UNDIRECTED'}
  }
) YIELD nodeCount, relationshipCount, projectMillis
RETURN nodeCount AS nodes, relationshipCount AS relationships, projectMillis / 1000.0 AS seconds
