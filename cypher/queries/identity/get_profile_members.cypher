// params: $customerId
// returns: profileId, runId, members — the active profile of a customer and everyone resolved to it
MATCH (:Customer {customerId: $customerId})-[r:RESOLVED_TO]->(p:Profile)
WHERE r.supersededBy IS NULL
MATCH (m:Customer)-[rm:RESOLVED_TO]->(p)
RETURN p.profileId AS profileId, p.runId AS runId,
       collect({customerId: m.customerId, confidence: rm.confidence, rule: rm.rule, kinds: rm.kinds}) AS members
