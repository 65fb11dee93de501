// params: $ids, $names, $columns, $runProperty, $runId
// returns: written — on each Product keyed by $ids[i], sets property $names[k] to $columns[k][i] for every
//   column k (scores, communityId…) and $runProperty to $runId; columns travel as lists, not one map per row
UNWIND range(0, size($ids) - 1) AS i
MATCH (n:Product {productId: $ids[i]})
FOREACH (k IN range(0, size($names) - 1) | SET n[$names[k]] = $columns[k][i])
SET n[$runProperty] = $runId
RETURN count(n) AS written
