// params: $rows, $runId
// returns: written — sets sessionId (row.session; null for robot traffic) and sessionRunId on Event nodes keyed by row.id; the loaded sessionId is kept once as sourceSessionId
UNWIND $rows AS row
MATCH (e:Event {eventId: row.id})
SET e.sourceSessionId = CASE WHEN e.sessionRunId IS NULL THEN e.sessionId ELSE e.sourceSessionId END,
    e.sessionId = row.session,
    e.sessionRunId = $runId
RETURN count(e) AS written
