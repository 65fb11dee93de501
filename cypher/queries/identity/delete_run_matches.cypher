// params: $runId
// returns: deleted — the MATCHED evidence a probabilistic resolution run wrote (part of undoing it)
MATCH (:Customer)-[m:MATCHED {runId: $runId}]->(:Customer)
DELETE m
RETURN count(*) AS deleted
