// params: $graph, $n, $src, $dst, $weight, $undirected
// returns: nodes, relationships — an in-memory GDS graph named $graph: nodes 0..$n-1 (isolated ones too) and one
//   relationship per ($src[k], $dst[k]) with property `weight` ($weight[k], or 1.0 when $weight is null)
// requires: gds
CALL () {
  UNWIND range(0, $n - 1) AS node
  RETURN node AS source, null AS target, null AS weight
  UNION ALL
  UNWIND range(0, size($src) - 1) AS k
  RETURN $src[k] AS source, $dst[k] AS target, coalesce($weight[k], 1.0) AS weight
}
WITH gds.graph.project(
  $graph,
  source,
  target,
  CASE WHEN target IS NULL THEN {} ELSE {relationshipProperties: {weight: weight}} END,
  CASE WHEN $undirected THEN {undirectedRelationshipTypes: ['*']} ELSE {} END
) AS g
RETURN g.nodeCount AS nodes, g.relationshipCount AS relationships
