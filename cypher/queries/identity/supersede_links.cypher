// params: $runId
// returns: superseded — active RESOLVED_TO links (and their profiles) handed over to a newer run
MATCH (:Customer)-[r:RESOLVED_TO]->(p:Profile)
WHERE r.supersededBy IS NULL
SET r.supersededBy = $runId, p.active = false
RETURN count(r) AS superseded
