// params: $runId
// returns: customers — owners of social accounts take their account's communityId
MATCH (c:Customer)-[:OWNS]->(a:SocialAccount)
WHERE a.communityRunId = $runId
SET c.communityId = a.communityId, c.communityRunId = $runId
RETURN count(c) AS customers
