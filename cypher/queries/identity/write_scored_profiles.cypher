// params: $rows, $runId
// returns: profiles — one Profile per resolved group; members linked with RESOLVED_TO {confidence, rule, kinds} and, for a member linked by a score, its best {matchWeight, matchProbability, comparisons}
UNWIND $rows AS row
CREATE (p:Profile {profileId: row.profileId, runId: $runId, size: size(row.members), active: true,
                   createdAt: datetime()})
WITH p, row
UNWIND row.members AS m
MATCH (c:Customer {customerId: m.customerId})
CREATE (c)-[:RESOLVED_TO {confidence: m.confidence, rule: m.rule, kinds: m.kinds, runId: $runId,
                          matchWeight: m.matchWeight, matchProbability: m.matchProbability,
                          comparisons: m.comparisons}]->(p)
RETURN count(DISTINCT p) AS profiles
