// params: $runId, $customers
// returns: superseded — active RESOLVED_TO links of every profile with a member in the scope, handed over to
//   the newer run (a profile is superseded whole, also for its members outside the scope); customers are the
//   customer keys of a scoped resolution run
UNWIND $customers AS id
MATCH (:Customer {customerId: id})-[r:RESOLVED_TO]->(p:Profile)
WHERE r.supersededBy IS NULL
WITH DISTINCT p
MATCH (:Customer)-[link:RESOLVED_TO]->(p)
WHERE link.supersededBy IS NULL
SET link.supersededBy = $runId, p.active = false
RETURN count(link) AS superseded
