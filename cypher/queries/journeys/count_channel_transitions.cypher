// params: $sameSession, $since
// returns: src, dst, transitions — channel of an event and of the next one in its customer's NEXT chain, counted (sameSession = true: only steps within one session; since: first event at or after)
MATCH (a:Event)-[:NEXT]->(b:Event)
WHERE ($since IS NULL OR a.at >= $since)
  AND (coalesce($sameSession, false) = false OR a.sessionId = b.sessionId)
  AND a.channelId IS NOT NULL AND b.channelId IS NOT NULL
RETURN a.channelId AS src, b.channelId AS dst, count(*) AS transitions
ORDER BY src, dst
