// params: $runId
// returns: deleted — Profiles (and their RESOLVED_TO links) written by one resolution run
MATCH (p:Profile {runId: $runId})
DETACH DELETE p
RETURN count(*) AS deleted
