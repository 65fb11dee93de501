// params: $a, $b
// returns: customerId, profileId, matchWeight, matchProbability, matchedWith, comparisons — the scored evidence on the active RESOLVED_TO links of two customers
UNWIND [$a, $b] AS key
MATCH (c:Customer {customerId: key})-[r:RESOLVED_TO]->(p:Profile)
WHERE r.supersededBy IS NULL AND r.matchWeight IS NOT NULL
RETURN c.customerId AS customerId, p.profileId AS profileId, r.matchWeight AS matchWeight,
       r.matchProbability AS matchProbability, r.matchedWith AS matchedWith, r.comparisons AS comparisons
