// params: $runId
// returns: restored — links that run superseded become active again (the undo of that run)
MATCH (:Customer)-[r:RESOLVED_TO {supersededBy: $runId}]->(p:Profile)
SET r.supersededBy = null, p.active = true
RETURN count(r) AS restored
