// params: $a, $b
// returns: runId, matchWeight, matchProbability, comparisons — the scored evidence of the active resolution run that joined two customers directly (no row if none)
MATCH (a:Customer {customerId: $a})-[r:RESOLVED_TO]->(:Profile)
WHERE r.supersededBy IS NULL
MATCH (a)-[m:MATCHED {runId: r.runId}]-(:Customer {customerId: $b})
RETURN m.runId AS runId, m.matchWeight AS matchWeight, m.matchProbability AS matchProbability,
       m.comparisons AS comparisons
