// params: $rows, $runId
// returns: written — one MATCHED {runId, matchWeight, matchProbability, comparisons} per scored pair of a probabilistic run (erasing either customer removes it)
UNWIND $rows AS row
MATCH (a:Customer {customerId: row.a}), (b:Customer {customerId: row.b})
CREATE (a)-[:MATCHED {runId: $runId, matchWeight: row.matchWeight, matchProbability: row.matchProbability,
                      comparisons: row.comparisons}]->(b)
RETURN count(*) AS written
